"""Provides the store's change rows: saving analysed changes and findings, reading and resolving them."""

from __future__ import annotations

import time
from typing import Iterable

from triage.errors import TriageError
from triage.models import SERIOUS_TIERS
from triage.store.migrations import _like, rekey_repo
from triage.store.rows import decode_change


class ChangesTable:
    """``changes``, ``findings`` and ``ingest_heads`` (a mixin of :class:`triage.store.Store`)."""

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` already stored and analysed."""
        ids = list(ids)
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM changes WHERE analyzed = 1 AND id IN ({marks})", chunk))
        return found

    def stored_shas(self, repo: str) -> dict[str, int]:
        """sha -> analysed flag, for every commit of ``repo`` already stored."""
        return {sha: analyzed for sha, analyzed in self.conn.execute(
            "SELECT sha, analyzed FROM changes WHERE repo = ? AND source = 'git'", (repo,))}

    def save_changes(self, rows: list[dict], findings: dict[str, list[dict]]) -> None:
        """Insert or replace analysed change rows and their findings (in the caller's transaction)."""
        if not rows:
            return
        cols = list(rows[0].keys())
        keep = {"id", "assignee"}  # a re-save (e.g. a forge re-sync) keeps the assignment
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in keep)
        sql = (f"INSERT INTO changes ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
               f"ON CONFLICT(id) DO UPDATE SET {updates}")
        self.conn.executemany(sql, [tuple(r[c] for c in cols) for r in rows])
        ids = [r["id"] for r in rows]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            self.conn.execute(f"DELETE FROM findings WHERE change_id IN ({','.join('?' * len(chunk))})", chunk)
        frows = [
            (cid, f["rule"], f["severity"], f["path"], f["line"], f["message"], f["question"], int(f["suppressed"]),
             f.get("suppressed_by", ""))
            for cid, fs in findings.items() for f in fs
        ]
        if frows:
            self.conn.executemany(
                "INSERT INTO findings (change_id, rule, severity, path, line, message, question, suppressed, "
                "suppressed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", frows)

    def set_ingest_head(self, repo: str, repo_path: str, head: str) -> None:
        """Remember the last ingested head of ``repo`` (in the caller's transaction)."""
        sql = "INSERT OR REPLACE INTO ingest_heads (repo, repo_path, head, updated_at) VALUES (?, ?, ?, ?)"
        if self.dialect.name != "sqlite":
            sql = ("INSERT INTO ingest_heads (repo, repo_path, head, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT "
                   "(repo) DO UPDATE SET repo_path = excluded.repo_path, head = excluded.head, "
                   "updated_at = excluded.updated_at")
        self.conn.execute(sql, (repo, repo_path, head, time.time()))

    def rekey_moved_repo(self, repo_path: str, key: str) -> list[str]:
        """Rename (:func:`rekey_repo`) every other key this clone path was ingested under to ``key``;
        returns the old keys. Run by ``ingest`` before it looks at what is stored."""
        old = {r[0] for r in self.conn.execute(
            "SELECT DISTINCT repo FROM changes WHERE source = 'git' AND repo_path = ? AND repo != ?", (repo_path, key))}
        old.update(r[0].rsplit(":", 1)[0] for r in self.conn.execute(
            "SELECT repo FROM ingest_heads WHERE repo_path = ?", (repo_path,)))
        old = sorted(o for o in old if o and o != key)
        if old:
            with self.write() as conn:
                for name in old:
                    rekey_repo(conn, name, key)
        return old

    def ingest_head(self, repo: str) -> str | None:
        """The head recorded by the last complete ingest of ``repo``."""
        row = self.conn.execute("SELECT head FROM ingest_heads WHERE repo = ?", (repo,)).fetchone()
        return row[0] if row else None

    def get_change(self, change_id: str) -> dict | None:
        """One change row, with JSON columns decoded."""
        rows = self.query("SELECT * FROM changes WHERE id = ?", (change_id,))
        return decode_change(rows[0]) if rows else None

    def resolve_id(self, ref: str) -> str:
        """Resolve a full id, a forge ``owner/repo#N``, or a unique sha prefix to an id."""
        ref = ref.strip()
        if not ref:
            raise TriageError("empty change id")
        if self.conn.execute("SELECT 1 FROM changes WHERE id = ?", (ref,)).fetchone():
            return ref
        candidates = [r[0] for r in self.conn.execute(
            "SELECT id FROM changes WHERE id LIKE ? ESCAPE '\\' LIMIT 3", ("%:" + _like(ref),))]
        if not candidates and len(ref) >= 4 and all(c in "0123456789abcdef" for c in ref.lower()):
            candidates = [r[0] for r in self.conn.execute(
                "SELECT id FROM changes WHERE sha LIKE ? ESCAPE '\\' LIMIT 3", (_like(ref.lower()) + "%",))]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise TriageError(f"change id {ref!r} is ambiguous: {', '.join(candidates[:2])}, …")
        raise TriageError(f"unknown change id {ref!r}: see `triage queue` for the ids")

    def findings_for(self, change_id: str) -> list[dict]:
        """The findings of a change, by path and line."""
        rows = self.query(
            "SELECT rule, severity, path, line, message, question, suppressed, suppressed_by FROM findings "
            "WHERE change_id = ? ORDER BY path, line, rule", (change_id,))
        for r in rows:
            r["suppressed"] = bool(r["suppressed"])
        return rows




QUEUE_COLUMNS = (
    "id, source, repo, repo_path, sha, title, author_name, author_email, author_login, authored_at, kind, agent, "
    "evidence, tier, tier_rank, score, factors, sampled, sample_rate, files, n_files, added, deleted, n_findings, "
    "url, number, state, branch, assignee, is_merge, draft, provenance_note, forge_reviewers"
)
"""The columns of a change the queue shows (no message, no patch)."""


class QueueReads:
    """The queue's read of ``changes`` (a mixin of :class:`triage.store.Store`)."""

    def queue_rows(self, *, include_all: bool = False, tiers: list[str] | None = None, agent: str | None = None,
                   repo: str | None = None, sampled_only: bool = False, deep_dive: bool = False) -> list[dict]:
        """Decoded :data:`QUEUE_COLUMNS` rows of the analysed changes that pass the filters, unordered.

        Without ``include_all`` only AI-authored changes, and those whose provenance could not
        be read completely (never taken for human); ``deep_dive``: HIGH, CRITICAL or sampled.
        """
        where = ["analyzed = 1"]
        params: list = []
        if not include_all:
            where.append("(kind = 'ai' OR provenance_note != '')")
        if tiers:
            where.append(f"tier IN ({','.join('?' * len(tiers))})")
            params.extend(t.upper() for t in tiers)
        if agent:
            where.append("agent = ?")
            params.append(agent)
        if repo:
            where.append("(repo = ? OR repo_path = ?)")
            params.extend([repo, repo])
        if sampled_only:
            where.append("sampled = 1")
        if deep_dive:
            where.append(f"(tier IN ({','.join('?' * len(SERIOUS_TIERS))}) OR sampled = 1)")
            params.extend(sorted(SERIOUS_TIERS))
        return [decode_change(r) for r in
                self.query(f"SELECT {QUEUE_COLUMNS} FROM changes WHERE {' AND '.join(where)}", params)]
