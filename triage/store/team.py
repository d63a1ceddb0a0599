"""Provides the store's team records: reviewer assignments (append-only) and escapes."""

from __future__ import annotations

import time
from typing import Iterable

from triage.errors import TriageError
from triage.store.rows import AssignmentRow, decode_change

IDENTITY_COLUMNS = "id, repo, source, tier, author_email, committer_email, author_login, author_name, message, parents"
"""The columns of a change that tell who wrote it (rotation never assigns a change to its author)."""

ASSIGNMENT_POSTS = "assignment:"
"""The ``outbox.verdict_id`` prefix of the posts an assignment owes (no verdict owns them)."""


class TeamTable:
    """``assignments`` and ``escapes`` (a mixin of :class:`triage.store.Store`)."""

    # ------------------------------------------------------------ assignments

    def current_assignees(self) -> dict[str, AssignmentRow]:
        """change id -> its latest assignment (the ``assignments`` table is the record)."""
        rows = self.query(
            "SELECT a.change_id, a.reviewer, a.reason, a.handed_over_from, a.created_at FROM assignments a "
            "JOIN (SELECT change_id, MAX(id) AS last FROM assignments GROUP BY change_id) l ON a.id = l.last")
        return {r["change_id"]: AssignmentRow(**r) for r in rows}

    def last_assignee(self, change_id: str) -> str | None:
        """Who ``change_id`` was assigned to last, if anyone."""
        prev = self.query(
            "SELECT reviewer FROM assignments WHERE change_id = ? ORDER BY id DESC LIMIT 1", (change_id,))
        return prev[0]["reviewer"] if prev else None

    def assign(self, change_id: str, reviewer: str, reason: str, handed_over_from: str | None,
               now: float | None = None, posts: list[dict] | None = None) -> float:
        """Append an assignment and set ``changes.assignee``, with the forge ``posts`` it owes (a
        review request), in one transaction; return its time."""
        now = time.time() if now is None else now
        with self.write() as conn:
            self._lock_changes([change_id])
            conn.execute(
                "INSERT INTO assignments (change_id, reviewer, reason, handed_over_from, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (change_id, reviewer, reason, handed_over_from, now))
            conn.execute("UPDATE changes SET assignee = ? WHERE id = ?", (reviewer, change_id))
            if posts:
                self.add_posts(ASSIGNMENT_POSTS + change_id, change_id, posts, now)
        return now

    def assign_many(self, assignments: Iterable[tuple[str, str, str]], only_if_unassigned: bool = True,
                    posts: dict[str, list[dict]] | None = None) -> int:
        """Append ``(change_id, reviewer, reason)`` assignments and set ``changes.assignee``, in one
        transaction; return how many. With ``only_if_unassigned``, a change someone assigned
        meanwhile is skipped: two processes assigning at once never assign one change twice
        (SQLite's ``BEGIN IMMEDIATE`` runs them one after the other; on PostgreSQL the changes'
        rows are locked first, in id order, and the check reads what the other committed).
        ``posts`` (change id -> outbox rows) are added with each assignment written."""
        now = time.time()
        written = 0
        assignments = list(assignments)
        with self.write() as conn:
            self._lock_changes(a[0] for a in assignments)
            for change_id, reviewer, reason in assignments:
                if only_if_unassigned and conn.execute(
                        "SELECT 1 FROM assignments WHERE change_id = ? UNION ALL "
                        "SELECT 1 FROM changes WHERE id = ? AND assignee IS NOT NULL AND assignee != ''",
                        (change_id, change_id)).fetchone():
                    continue
                conn.execute(
                    "INSERT INTO assignments (change_id, reviewer, reason, handed_over_from, created_at) "
                    "VALUES (?, ?, ?, NULL, ?)", (change_id, reviewer, reason, now))
                conn.execute("UPDATE changes SET assignee = ? WHERE id = ?", (reviewer, change_id))
                if posts and posts.get(change_id):
                    self.add_posts(ASSIGNMENT_POSTS + change_id, change_id, posts[change_id], now)
                written += 1
        return written

    def _lock_changes(self, ids: Iterable[str]) -> None:
        """Lock the rows of changes ``ids`` until the transaction ends (in id order, so two
        transactions never deadlock); nothing on SQLite, whose write transaction holds the file."""
        if not self.dialect.lock_rows:
            return
        ids = sorted(set(ids))
        if ids:
            self.conn.execute(f"SELECT id FROM changes WHERE id = ANY(?) ORDER BY id{self.dialect.lock_rows}",
                              (ids,)).fetchall()

    def identity_rows(self, ids: Iterable[str]) -> dict[str, dict]:
        """change id -> its :data:`IDENTITY_COLUMNS`, decoded (``parents`` is a list)."""
        ids = list(ids)
        out: dict[str, dict] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for r in self.query(
                    f"SELECT {IDENTITY_COLUMNS} FROM changes WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                out[r["id"]] = decode_change(r)
        return out

    def identity_rows_by_sha(self, repo: str, shas: list[str]) -> list[dict]:
        """The :data:`IDENTITY_COLUMNS` of the stored commits ``shas`` of ``repo``, decoded."""
        marks = ",".join("?" * len(shas))
        return [decode_change(r) for r in self.query(
            f"SELECT {IDENTITY_COLUMNS} FROM changes WHERE repo = ? AND sha IN ({marks})", [repo, *shas])]

    def change_titles(self, ids: list[str]) -> dict[str, tuple[str, str, str]]:
        """change id -> ``(title, sha, source)``."""
        out: dict[str, tuple[str, str, str]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for r in self.query(
                    f"SELECT id, title, sha, source FROM changes WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                out[r["id"]] = (r["title"], r["sha"], r["source"])
        return out

    def reviewer_known(self, name: str) -> bool:
        """True once ``name`` has left anything here (a verdict, an answer, a viewed mark, review time)."""
        for table in ("verdicts", "checklist_answers", "review_sessions", "viewed_files"):
            if self.query(f"SELECT 1 AS x FROM {table} WHERE reviewer = ? LIMIT 1", (name,)):
                return True
        return False

    # ------------------------------------------------------------ escapes

    def add_escape(self, escape_id: str, change_id: str, note: str, link: str, found_at: float,
                   now: float | None = None) -> None:
        """Append an escape (a defect found after review) of a stored change (``now``: when)."""
        now = time.time() if now is None else now
        with self.write() as conn:
            if not conn.execute("SELECT 1 FROM changes WHERE id = ?", (change_id,)).fetchone():
                raise TriageError(f"unknown change id {change_id!r}")
            conn.execute(
                "INSERT INTO escapes (id, change_id, note, link, found_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (escape_id, change_id, note, link, found_at, now))

    def add_found_escapes(self, found: list[tuple[str, str, str, str, float]]) -> list[bool]:
        """Append ``(id, change_id, note, link, found_at)`` escapes a scan found, skipping those
        already recorded (same id, or same change and link); per escape, whether it was new."""
        now = time.time()
        out = []
        with self.write() as conn:
            for eid, change_id, note, link, found_at in found:
                if conn.execute("SELECT 1 FROM escapes WHERE id = ? OR (change_id = ? AND link = ?)",
                                (eid, change_id, link)).fetchone():
                    out.append(False)
                    continue
                conn.execute(
                    "INSERT INTO escapes (id, change_id, note, link, found_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (eid, change_id, note, link, found_at, now))
                out.append(True)
        return out

    def git_escapes(self, repo: str) -> list[dict]:
        """The escapes of the local commits of repository ``repo``, each with ``commit_sha``."""
        return self.query(
            "SELECT e.id, e.change_id, e.note, e.link, e.found_at, e.created_at, c.sha AS commit_sha "
            "FROM escapes e JOIN changes c ON c.id = e.change_id WHERE c.repo = ? AND c.source = 'git' "
            "ORDER BY e.found_at, e.id", (repo,))

    def escapes_for(self, change_id: str | None = None) -> list[dict]:
        """Escape rows (of one change, or all), oldest found first."""
        if change_id:
            return self.query("SELECT * FROM escapes WHERE change_id = ? ORDER BY found_at, id", (change_id,))
        return self.query("SELECT * FROM escapes ORDER BY found_at, id")

    def escape_candidates(self, repo: str | None = None) -> list[dict]:
        """Stored commits whose message reverts or fixes another (``id, repo, sha, title, url,
        authored_at, message``), oldest first."""
        where, params = "(message LIKE '%reverts commit%' OR message LIKE '%Fixes:%')", []
        if repo:
            where += " AND (repo = ? OR repo_path = ?)"
            params += [repo, repo]
        return self.query(
            f"SELECT id, repo, sha, title, url, authored_at, message FROM changes WHERE {where} "
            "ORDER BY authored_at, id", params)

    def resolve_in_repo(self, repo: str, prefix: str) -> str | None:
        """The one change of ``repo`` whose sha starts with ``prefix``, else None."""
        rows = self.query(
            "SELECT id FROM changes WHERE repo = ? AND sha LIKE ? LIMIT 2", (repo, prefix.replace("%", "") + "%"))
        return rows[0]["id"] if len(rows) == 1 else None

