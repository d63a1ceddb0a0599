"""Provides the outbox: the forge posts recorded verdicts owe, and their delivery state.

The store is the outbox's one owner: rows are written with their verdict
(:meth:`triage.store.Store.record_verdict`), leased, settled and cancelled here.
What a verdict posts is decided by :mod:`triage.forges.publish`; how a row is
delivered by :mod:`triage.forges.outbox`. A row's ``target`` is opaque to the
store: callers pass ``match`` to pick the rows of one forge repository.
"""

from __future__ import annotations

import uuid
from typing import Callable

Match = Callable[[str], bool]
"""A predicate on a row's ``target``."""


class OutboxTable:
    """``outbox`` (a mixin of :class:`triage.store.Store`)."""

    def add_posts(self, verdict_id: str, change_id: str, posts: list[dict], now: float) -> None:
        """Insert a verdict's planned posts as pending rows (in the caller's transaction)."""
        for item in posts:
            self.conn.execute(
                "INSERT INTO outbox (id, verdict_id, change_id, action, target, body, state, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                (uuid.uuid4().hex, verdict_id, change_id, item["action"], item.get("target", ""),
                 item.get("body", ""), now, now))

    def cancel_untried_posts(self, verdict_id: str, now: float) -> int:
        """Cancel the posts of ``verdict_id`` that no push has tried (in the caller's transaction);
        return how many of its posts stay (a push already tried them)."""
        self.conn.execute("UPDATE outbox SET state = 'cancelled', updated_at = ? WHERE verdict_id = ? "
                          "AND state = 'pending' AND attempts = 0 AND lease_until <= ?", (now, verdict_id, now))
        return self.conn.execute("SELECT count(*) FROM outbox WHERE verdict_id = ? AND state != 'cancelled'",
                                 (verdict_id,)).fetchone()[0]

    def posts_waiting(self) -> int:
        """Forge posts recorded verdicts still owe (pending; blocked until ``push --retry-blocked``;
        held, because the pull request's head moved, until ``push --confirm-moved``)."""
        return self.query("SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'blocked', 'held')")[0]["n"]

    def posts_pending(self) -> int:
        """How many rows are pending."""
        return self.query("SELECT count(*) AS n FROM outbox WHERE state = 'pending'")[0]["n"]

    def pending_targets(self) -> list[str]:
        """The targets of the pending rows, oldest first (repeats kept)."""
        return [r["target"] for r in self.query(
            "SELECT target FROM outbox WHERE state = 'pending' ORDER BY created_at, rowid")]

    def pending_leases(self) -> list[dict]:
        """``id, target, next_attempt_at, lease_owner, lease_until`` of every pending row."""
        return self.query(
            "SELECT id, target, next_attempt_at, lease_owner, lease_until FROM outbox WHERE state = 'pending'")

    def claim_post(self, now: float, owner: str, lease_until: float, pick: Callable[[dict], bool]) -> dict | None:
        """Lease the oldest due pending row that ``pick`` accepts to ``owner``, in one transaction;
        the row as it was (plus ``was_leased``), or None.

        On PostgreSQL the due rows are locked ``FOR UPDATE SKIP LOCKED``: a push on another host
        claiming at the same instant passes over them, and once this commits the lease
        (``lease_owner``, ``lease_until``) is in the shared database for every host to see."""
        with self.write() as conn:
            cur = conn.execute(
                "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY created_at, rowid"
                + self.dialect.skip_locked, (now,))
            cols = [d[0] for d in cur.description]
            for values in cur.fetchall():
                row = dict(zip(cols, values))
                row.pop("rowid", None)  # PostgreSQL's stand-in for SQLite's hidden rowid
                if not pick(row):
                    continue
                conn.execute("UPDATE outbox SET lease_owner = ?, lease_until = ?, updated_at = ? WHERE id = ?",
                             (owner, lease_until, now, row["id"]))
                row["was_leased"] = bool(row["lease_until"]) or bool(row["lease_owner"])
                return row
        return None

    def update_leased_post(self, row_id: str, owner: str, now: float, **changes) -> bool:
        """Set columns of a row ``owner`` holds (``attempts_plus`` adds to ``attempts``); False when
        the lease was lost."""
        sets, params = [], []
        if changes.pop("attempts_plus", 0):
            sets.append("attempts = attempts + 1")
        for col, value in changes.items():
            if col not in _POST_COLUMNS:
                raise ValueError(f"not an outbox column: {col}")
            sets.append(f"{col} = ?")
            params.append(value)
        with self.write() as conn:
            cur = conn.execute(f"UPDATE outbox SET {', '.join(sets)}, updated_at = ? WHERE id = ? AND lease_owner = ?",
                               (*params, now, row_id, owner))
            return cur.rowcount == 1

    def pause_posts(self, match: Match, until: float, now: float) -> None:
        """Hold every pending row whose target ``match`` accepts until ``until`` (a rate-limit pause)."""
        with self.write() as conn:
            rows = conn.execute("SELECT id, target FROM outbox WHERE state = 'pending'").fetchall()
            ids = [rid for rid, target in rows if match(target)]
            for rid in ids:
                conn.execute(f"UPDATE outbox SET next_attempt_at = {self.dialect.greatest}(next_attempt_at, ?), "
                             "updated_at = ? WHERE id = ?", (until, now, rid))

    def requeue_posts(self, state: str, now: float) -> int:
        """Put the rows in ``state`` (``held`` or ``blocked``) back to pending, due now; return how many."""
        if state not in ("held", "blocked"):
            raise ValueError(f"cannot requeue {state!r} posts")
        with self.write() as conn:
            return conn.execute("UPDATE outbox SET state = 'pending', next_attempt_at = 0, updated_at = ? "
                                "WHERE state = ?", (now, state)).rowcount

    def post_facts(self, change_id: str, verdict_id: str) -> dict | None:
        """The stored change a row posts about (``number``, ``state``, ``sha``) and the head its
        verdict saw (``verdict_sha``)."""
        rows = self.query("SELECT c.number, c.state, c.sha, v.sha AS verdict_sha FROM changes c "
                          "LEFT JOIN verdicts v ON v.id = ? WHERE c.id = ?", (verdict_id, change_id))
        return rows[0] if rows else None


_POST_COLUMNS = frozenset({"state", "remote_id", "last_error", "next_attempt_at", "lease_until", "lease_owner",
                           "body", "target"})
