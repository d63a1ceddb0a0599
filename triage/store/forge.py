"""Provides the store's forge records: where synced repositories live, sync cursors, synced changes' heads."""

from __future__ import annotations

import json
import time


class ForgeTable:
    """``forge_remotes`` and ``sync_cursors`` (a mixin of :class:`triage.store.Store`)."""

    def record_forge_remote(self, source: str, repo: str, api_base: str, remote_repo: str | None = None) -> None:
        """Remember where a synced repository lives (``repo``: the name its change ids use).
        ``remote_repo`` is its current name on the forge after a rename or transfer; None
        keeps the one recorded."""
        update = "api_base = excluded.api_base, updated_at = excluded.updated_at"
        if remote_repo is not None:
            update += ", remote_repo = excluded.remote_repo"
        with self.write() as conn:
            conn.execute(
                "INSERT INTO forge_remotes (source, repo, api_base, updated_at, remote_repo) VALUES (?, ?, ?, ?, ?) "
                f"ON CONFLICT (source, repo) DO UPDATE SET {update}",
                (source, repo, api_base, time.time(), "" if remote_repo in (None, repo) else remote_repo))

    def forge_remotes(self) -> list[dict]:
        """Every synced repository: ``source``, ``repo`` (the name its ids use), ``api_base``
        and ``remote_repo`` (its current name on the forge, ``''`` when unchanged)."""
        return self.query("SELECT source, repo, api_base, remote_repo FROM forge_remotes ORDER BY source, repo")

    def forge_identity(self, source: str, api_base: str, name: str) -> tuple[str, str]:
        """``(id name, current name)`` of a repository a user names: a repository renamed on
        the forge keeps the name it was first synced under in its change ids (the old name
        is an alias), whichever of the two names the user gives."""
        rows = self.query("SELECT repo, remote_repo FROM forge_remotes WHERE source = ? AND api_base = ? "
                          "AND (repo = ? OR remote_repo = ?) ORDER BY repo = ? DESC", (source, api_base, name, name,
                                                                                   name))
        if not rows:
            return name, name
        row = rows[0]
        return row["repo"], (row["remote_repo"] or row["repo"]) if row["repo"] == name else name

    def cursor(self, key: str) -> str | None:
        """The text kept under ``sync_cursors.source = key`` (a forge sync's or a digest's), if any."""
        rows = self.query("SELECT cursor FROM sync_cursors WHERE source = ?", (key,))
        return rows[0]["cursor"] if rows else None

    def set_cursor(self, key: str, cursor: str, now: float | None = None) -> None:
        """Keep ``cursor`` under ``key``, replacing the one before."""
        with self.write() as conn:
            sql = "INSERT OR REPLACE INTO sync_cursors (source, cursor, updated_at) VALUES (?, ?, ?)"
            if self.dialect.name != "sqlite":
                sql = ("INSERT INTO sync_cursors (source, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT (source) "
                       "DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at")
            conn.execute(sql, (key, cursor, time.time() if now is None else now))

    def forge_numbers_since(self, source: str, repo: str, since: float) -> list[int]:
        """The pull request numbers of one forge repository stored (synced) since ``since``."""
        return [int(r["number"]) for r in self.query(
            "SELECT number FROM changes WHERE source = ? AND repo = ? AND number IS NOT NULL AND ingested_at >= ? "
            "ORDER BY number", (source, repo, since))]

    def synced_heads(self, source: str, repo: str) -> dict[str, tuple]:
        """change id -> ``(sha, state, labels, draft)`` of the analysed changes of one forge repository."""
        rows = self.query("SELECT id, sha, state, labels, draft FROM changes WHERE source = ? AND repo = ? "
                          "AND analyzed = 1", (source, repo))
        return {r["id"]: (r["sha"], r["state"], tuple(json.loads(r["labels"] or "[]")), bool(r["draft"]))
                for r in rows}
