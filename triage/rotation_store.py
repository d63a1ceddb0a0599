"""Provides rotation's store side: the planner (:mod:`triage.rotation`) fed from and written to the store.

Workload, the unassigned queue, a stored change's authors (with a merge's
side-branch authors), assignment, hand-over and the security pick of an
escalation.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from triage.errors import TriageError
from triage.rotation import (
    Assignment,
    Candidate,
    Roster,
    day_bounds,
    candidate,
    is_author,
    parse_day,
    plan,
    tie_key,
)

PlanPosts = Callable[[list[tuple[str, str]]], dict[str, list[dict]]]
"""``[(change id, reviewer name)] -> {change id: outbox rows}``: the forge posts assignments owe
(:func:`triage.forges.reviewers.posts_for`, bound to a store and roster)."""


def workload(store, day: str) -> tuple[dict[str, int], dict[str, int]]:
    """``(open, today)``: per reviewer, open (unreviewed) assigned items, and assignments made on ``day``."""
    latest = store.latest_verdicts()
    start, end = day_bounds(day)
    open_: dict[str, int] = {}
    today: dict[str, int] = {}
    for cid, row in store.current_assignees().items():
        if cid not in latest:
            open_[row.reviewer] = open_.get(row.reviewer, 0) + 1
        if start <= row.created_at < end:
            today[row.reviewer] = today.get(row.reviewer, 0) + 1
    return open_, today


def _side_tips(store, row: dict) -> list[dict]:
    """Stored rows of a local merge commit's side-branch parents (their authors wrote the merged code)."""
    parents = row.get("parents") or []  # rows leave the store decoded
    if row.get("source") != "git" or len(parents) < 2:
        return []
    return store.identity_rows_by_sha(row["repo"], parents[1:])


def candidate_from_store(store, row: dict) -> Candidate:
    """A :class:`Candidate` for a stored change, with a merge's side-branch authors."""
    return candidate(row, _side_tips(store, row))


def pending_items(store, *, include_all: bool = False, repo: str | None = None) -> list:
    """Unreviewed queue items that nobody is assigned to, in queue order."""
    from triage.queue import load_queue

    assigned = store.current_assignees()
    return [i for i in load_queue(store, include_all=include_all, repo=repo, state="unreviewed")
            if not i.assignee and i.id not in assigned]


def assign_pending(
    store,
    roster: Roster,
    day: str,
    *,
    include_all: bool = False,
    repo: str | None = None,
    key: bytes | None = None,
    dry_run: bool = False,
    plan_posts: PlanPosts | None = None,
) -> list[Assignment]:
    """Plan and (unless ``dry_run``) write assignments for the unassigned, unreviewed queue
    (with the forge posts ``plan_posts`` says they owe)."""
    items = pending_items(store, include_all=include_all, repo=repo)
    rows = store.identity_rows((i.id for i in items))
    cands = [candidate_from_store(store, rows[i.id]) for i in items if i.id in rows]
    open_, today = workload(store, day)
    result = plan(cands, roster, day, load=open_, assigned_today=today, key=key)
    if not dry_run:
        write_assignments(store, [a for a in result if a.reviewer], plan_posts=plan_posts)
    return result


def write_assignments(store, assignments: Sequence[Assignment], only_if_unassigned: bool = True,
                      plan_posts: PlanPosts | None = None) -> int:
    """Append ``assignments`` rows and set ``changes.assignee``, in one transaction; return how many.

    With ``only_if_unassigned``, a change someone assigned meanwhile is skipped. ``plan_posts``
    gives the forge posts each assignment owes (a review request), written with it.
    """
    posts = plan_posts([(a.change_id, a.reviewer) for a in assignments]) if plan_posts else None
    return store.assign_many(((a.change_id, a.reviewer, a.reason) for a in assignments),
                             only_if_unassigned=only_if_unassigned, posts=posts)


def handover(store, roster: Roster, change_id: str, to: str, note: str = "",
             plan_posts: PlanPosts | None = None) -> dict:
    """Hand ``change_id`` over to roster member ``to``; refuse an author. Returns the new row
    (written with the forge posts ``plan_posts`` says it owes)."""
    member = roster.member(to)
    if member is None:
        raise TriageError(f"{to!r} is not in the [team] roster ({', '.join(roster.names) or 'empty'})")
    rows = store.identity_rows([change_id])
    if change_id not in rows:
        raise TriageError(f"unknown change id {change_id!r}")
    if is_author(member, candidate_from_store(store, rows[change_id])):
        raise TriageError(f"{member.name} is an author of this change and cannot review it")
    prev = store.current_assignees().get(change_id)
    frm = prev.reviewer if prev else None
    if frm == member.name:
        raise TriageError(f"the change is already assigned to {member.name}")
    reason = "handover" + (f": {note}" if note else "")
    posts = plan_posts([(change_id, member.name)]).get(change_id) if plan_posts else None
    now = store.assign(change_id, member.name, reason, frm, posts=posts)
    return {"change_id": change_id, "reviewer": member.name, "reason": reason, "handed_over_from": frm,
            "created_at": now}


def security_pick(store, roster: Roster, change_id: str, exclude: Iterable[str] = (), day: str | None = None,
                  key: bytes | None = None) -> tuple[str | None, str]:
    """The least-loaded eligible security member for an escalation, and a reason."""
    if not roster.security:
        return None, "no security group configured ([team] security)"
    rows = store.identity_rows([change_id])
    if change_id not in rows:
        raise TriageError(f"unknown change id {change_id!r}")
    cand = candidate_from_store(store, rows[change_id])
    excluded = {x.lower() for x in exclude}
    eligible = [m.name for m in roster.members
                if m.name in roster.security and not is_author(m, cand) and m.name.lower() not in excluded]
    if not eligible:
        return None, "no eligible security reviewer (authors or the escalating reviewer)"
    day = day or parse_day(None)
    open_, _ = workload(store, day)
    return min(eligible, key=lambda n: (open_.get(n, 0), tie_key(day, change_id, n, key))), "escalated"
