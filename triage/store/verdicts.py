"""Provides the store's review records: append-only verdicts and checklist answers, viewed files, review time."""

from __future__ import annotations

import time
import uuid
from typing import Callable

from triage.errors import TriageError
from triage.models import VERDICTS, WITHDRAWN

PlanPosts = Callable[..., list]
"""``(change_row, verdict, note, verdict_id, findings, *, reviewer, at) -> outbox rows``: what a verdict
posts (``reviewer`` and ``at``, when it was given, go into the record teammates import)."""

_SUPERSEDED = "CASE WHEN v.sha != c.sha THEN 1 ELSE 0 END"
"""SQL: verdict ``v`` was given at an earlier head of change ``c`` (a NULL head stands for any)."""



class VerdictsTable:
    """``verdicts``, ``checklist_answers``, ``viewed_files``, ``review_sessions`` (a mixin of the store)."""

    def record_verdict(
        self,
        change_id: str,
        verdict: str,
        note: str = "",
        reviewer: str = "",
        seconds_spent: float | None = None,
        outbox: list[dict] | None = None,
        plan: PlanPosts | None = None,
    ) -> str:
        """Append a verdict (and its outbox rows, in the same transaction); return its id.
        The verdict holds the change's head as it is now (see :meth:`latest_verdicts`).

        The forge posts are ``outbox``, else what ``plan(change_row, verdict, note, verdict_id,
        findings)`` returns for a forge change (called inside the transaction, so a verdict
        and its posts are committed together or not at all), else none: the store keeps
        the posts, publishing decides them (:mod:`triage.services.verdicts`)."""
        if verdict not in VERDICTS:
            raise TriageError(f"unknown verdict {verdict!r}: use one of {', '.join(VERDICTS)}")
        vid = uuid.uuid4().hex
        now = time.time()
        with self.write() as conn:
            head = conn.execute("SELECT sha FROM changes WHERE id = ?", (change_id,)).fetchone()
            if not head:
                raise TriageError(f"unknown change id {change_id!r}")
            conn.execute(
                "INSERT INTO verdicts (id, change_id, verdict, note, reviewer, created_at, seconds_spent, sha) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (vid, change_id, verdict, note, reviewer, now, seconds_spent, head[0] or None))
            if outbox is None and plan is not None:
                row = self.get_change(change_id)
                outbox = [] if row is None or row["source"] == "git" else \
                    plan(row, verdict, note, vid, self.findings_for(change_id), reviewer=reviewer, at=now)
            if seconds_spent:
                conn.execute(
                    "INSERT INTO review_sessions (change_id, reviewer, started_at, seconds) VALUES (?, ?, ?, ?)",
                    (change_id, reviewer, now - seconds_spent, seconds_spent))
            self.add_posts(vid, change_id, outbox or [], now)
        return vid

    def import_verdict(self, change_id: str, verdict_id: str, verdict: str, reviewer: str, sha: str | None,
                       created_at: float, posted_by: str, note: str = "") -> bool:
        """Append a teammate's verdict carried here by a forge post or a git note, unless one with
        its id is already stored (imports are idempotent; nothing is ever updated). No outbox rows:
        it was already posted. Returns True when it was new."""
        if verdict not in VERDICTS and verdict != WITHDRAWN:
            raise TriageError(f"unknown verdict {verdict!r}")
        with self.write() as conn:
            if not conn.execute("SELECT 1 FROM changes WHERE id = ?", (change_id,)).fetchone():
                return False
            cur = conn.execute(
                "INSERT OR IGNORE INTO verdicts (id, change_id, verdict, note, reviewer, created_at, seconds_spent, "
                "sha, posted_by) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
                (verdict_id, change_id, verdict, note, reviewer, created_at, sha or None, posted_by))
            return cur.rowcount == 1

    def own_git_verdicts(self, repo: str) -> list[dict]:
        """The verdicts recorded here (not imported) on the local commits of repository ``repo``, oldest
        first, each with ``commit``: the sha of the change's commit (where its git note goes)."""
        return self.query(
            "SELECT v.id, v.verdict, v.note, v.reviewer, v.created_at, v.sha, c.sha AS commit_sha "
            "FROM verdicts v JOIN changes c ON c.id = v.change_id "
            "WHERE c.repo = ? AND c.source = 'git' AND v.posted_by = '' ORDER BY v.created_at, v.rowid", (repo,))

    def has_verdict(self, verdict_id: str) -> bool:
        """True when a verdict with this id is stored (recorded here, or imported before)."""
        return bool(self.query("SELECT 1 AS x FROM verdicts WHERE id = ?", (verdict_id,)))

    def verdicts_for(self, change_id: str) -> list[dict]:
        """Every verdict recorded on a change, oldest first (``sha``: the head it was given at;
        ``superseded``: 1 when the change has had new commits since)."""
        return self.query(
            f"SELECT v.id, v.verdict, v.note, v.reviewer, v.created_at, v.seconds_spent, v.sha, v.posted_by, "
            f"{_SUPERSEDED} AS superseded FROM verdicts v JOIN changes c ON c.id = v.change_id "
            "WHERE v.change_id = ? ORDER BY v.created_at, v.rowid", (change_id,))

    def _verdict_state(self) -> tuple[dict[str, dict], dict[str, dict]]:
        """``(current, superseded)``: see :meth:`latest_verdicts` and :meth:`superseded_verdicts`."""
        rows = self.query(
            "SELECT v.change_id, v.verdict, v.note, v.reviewer, v.created_at, v.sha, v.posted_by, "
            f"{_SUPERSEDED} AS superseded FROM verdicts v JOIN changes c ON c.id = v.change_id "
            "ORDER BY v.change_id, v.created_at, v.rowid")
        current: dict[str, dict] = {}
        old: dict[str, dict] = {}
        i = 0
        while i < len(rows):
            j = i
            while j < len(rows) and rows[j]["change_id"] == rows[i]["change_id"]:
                j += 1
            group = rows[i:j]
            cid = group[0]["change_id"]
            by: dict[str, dict] = {}
            for r in group:  # each reviewer's own latest verdict (a withdrawal takes theirs back)
                by[r["reviewer"]] = r
            standing = [r for r in by.values() if not r["superseded"] and r["verdict"] != WITHDRAWN]
            last = group[-1]
            if standing:
                top = max(standing, key=lambda r: r["created_at"])
                row = {k: v for k, v in top.items() if k != "superseded"}
                row["given"] = [{"reviewer": r["reviewer"], "verdict": r["verdict"], "posted_by": r["posted_by"]}
                                for r in sorted(standing, key=lambda r: r["created_at"])]
                row["conflict"] = len({r["verdict"] for r in standing}) > 1
                current[cid] = row
            elif last["superseded"] and last["verdict"] != WITHDRAWN:
                old[cid] = {k: v for k, v in last.items() if k != "superseded"}
            i = j
        return current, old

    def latest_verdicts(self) -> dict[str, dict]:
        """change id -> its latest verdict row, when that verdict was given at the change's
        current head. A pull request that got new commits since (a sync moved its head)
        has none: it is unreviewed again, and :meth:`superseded_verdicts` has the old one.
        Nor has a change whose latest verdict was withdrawn (:meth:`withdraw_verdict`).

        Each reviewer's own latest verdict stands (a teammate's, imported by ``sync``, beside
        yours); the row is the most recent of them, with ``given`` (every standing verdict:
        ``reviewer``, ``verdict``, ``posted_by``) and ``conflict`` (True when they disagree at
        this head: shown as a conflict, never settled by which came last)."""
        return self._verdict_state()[0]

    def superseded_verdicts(self) -> dict[str, dict]:
        """change id -> its latest verdict row, for changes whose head moved after it."""
        return self._verdict_state()[1]

    def withdraw_verdict(self, change_id: str, verdict_id: str, reviewer: str = "", note: str = "") -> int:
        """Undo verdict ``verdict_id``: append a superseding ``withdrawn`` verdict (the change is
        unreviewed again; both rows stay in its history) and cancel the forge posts of the undone
        verdict that no ``push`` has tried yet, in one transaction.

        Returns how many of its posts could not be cancelled (a push already tried them).

        Raises:
            TriageError: when ``verdict_id`` is not the change's latest verdict (another one came since).
        """
        now = time.time()
        with self.write() as conn:
            last = conn.execute(  # the latest of that reviewer's own (a teammate's may have come since)
                "SELECT id, verdict FROM verdicts WHERE change_id = ? AND reviewer = "
                "(SELECT reviewer FROM verdicts WHERE id = ?) ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (change_id, verdict_id)).fetchone()
            if last is None or last[0] != verdict_id:
                raise TriageError("a later verdict was recorded on this change since; record a new one instead")
            head = conn.execute("SELECT sha FROM changes WHERE id = ?", (change_id,)).fetchone()
            conn.execute(
                "INSERT INTO verdicts (id, change_id, verdict, note, reviewer, created_at, seconds_spent, sha) "
                "VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                (uuid.uuid4().hex, change_id, WITHDRAWN, note or f"undoes {last[1]} {verdict_id[:12]}", reviewer,
                 now, (head[0] if head else None) or None))
            return self.cancel_untried_posts(verdict_id, now)

    def answer_checklist(self, change_id: str, item_id: str, answer: str, note: str = "", reviewer: str = "") -> None:
        """Append a checklist answer (``yes``, ``no`` or ``n/a``)."""
        if answer not in ("yes", "no", "n/a"):
            raise TriageError(f"checklist answer must be yes, no or n/a, not {answer!r}")
        with self.write() as conn:
            conn.execute(
                "INSERT INTO checklist_answers (change_id, item_id, answer, note, reviewer, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (change_id, item_id, answer, note, reviewer, time.time()))

    def clear_checklist_answer(self, change_id: str, item_id: str, reviewer: str = "") -> None:
        """Take back the answer to a checklist item: an empty answer is appended (the table is
        append-only, so the earlier answers stay in its history) and the item is open again."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO checklist_answers (change_id, item_id, answer, note, reviewer, created_at) "
                "VALUES (?, ?, '', '', ?, ?)", (change_id, item_id, reviewer, time.time()))

    def checklist_answers(self, change_id: str) -> dict[str, dict]:
        """item id -> latest answer for a change (an item whose answer was cleared is left out)."""
        rows = self.query(
            "SELECT item_id, answer, note, reviewer, created_at FROM checklist_answers WHERE change_id = ? "
            "ORDER BY created_at, id", (change_id,))
        latest = {r["item_id"]: r for r in rows}
        return {item: r for item, r in latest.items() if r["answer"]}

    def set_viewed(self, change_id: str, path: str, viewed: bool, reviewer: str = "", at: float | None = None) -> None:
        """Mark (or unmark) one file of a change viewed by ``reviewer`` (``path`` as the change's
        ``files`` record has it: :func:`triage.models.db_text` form). ``at`` is when the reviewer
        did it: a mark older than the stored one is ignored, so writes that finish out of
        order keep the latest."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO viewed_files (change_id, reviewer, path, viewed, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (change_id, reviewer, path) DO UPDATE SET viewed = excluded.viewed, "
                "updated_at = excluded.updated_at WHERE excluded.updated_at >= viewed_files.updated_at",
                (change_id, reviewer, path, int(viewed), time.time() if at is None else at))

    def viewed_paths(self, change_id: str, reviewer: str = "") -> set[str]:
        """The paths of a change that ``reviewer`` has marked viewed."""
        rows = self.query("SELECT path FROM viewed_files WHERE change_id = ? AND reviewer = ? AND viewed = 1",
                          (change_id, reviewer))
        return {r["path"] for r in rows}

    def record_review_time(self, change_id: str, seconds: float, reviewer: str = "") -> None:
        """Record time spent looking at a change (without a verdict)."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO review_sessions (change_id, reviewer, started_at, seconds) VALUES (?, ?, ?, ?)",
                (change_id, reviewer, time.time() - seconds, seconds))


