"""Provides assignments on the forge: the review request an assignment plans, and reading them back.

An assignment (``triage assign``, a hand-over, an escalation) of an open forge
pull request to a ``[team]`` member with a forge login plans one outbox row,
``request_reviewer``, in the assignment's transaction, so ``triage push``
delivers it once, after a crash too (:mod:`triage.forges.outbox` looks at the
pull request's requested reviewers before it requests anyone). GitHub and Gitea:
``POST …/requested_reviewers``; GitLab: the merge request's ``reviewer_ids``,
the existing reviewers kept. A merged change
has nothing to request. The change's authors (as rotation judges them) are
never requested. A hand-over requests the new reviewer and leaves the old
request in place (the forge removes a request once its reviewer has reviewed).

``sync`` reads the requested reviewers back (:func:`requested_members`): a
member requested on the forge becomes the change's assignee when it has none
here, so two machines agree after one sync; a requested login that is no
member's is shown, never imported.
"""

from __future__ import annotations

import json

from triage.forges.publish import FORGE_SOURCES
from triage.rotation import Member, candidate, is_author
from triage.sanitize import display

ACTION = "request_reviewer"


def forge_login(member: Member) -> str | None:
    """The login a member's review is requested under (the alphabetically first of several), if any."""
    return min(member.logins) if member.logins else None


def plan_request(row: dict, member: Member | None) -> list[dict]:
    """The outbox row asking the forge for ``member``'s review of stored change ``row`` (pure).

    Nothing for a local commit, a merged or closed change, a member without a login, or
    an author of the change.
    """
    if member is None or row.get("source") not in FORGE_SOURCES:
        return []
    if row.get("state") != "open" or row.get("number") is None:
        return []
    login = forge_login(member)
    if login is None or is_author(member, candidate(row)):
        return []
    body = {"number": int(row["number"]), "login": login}
    return [{"action": ACTION, "target": f"{row['source']}:{row['repo']}#{int(row['number'])}",
             "body": json.dumps(body, sort_keys=True)}]


def posts_for(store, roster, pairs) -> dict[str, list[dict]]:
    """change id -> the review request rows for ``(change_id, reviewer name)`` pairs (bound to a
    store and roster, the ``plan_posts`` of :mod:`triage.rotation_store`)."""
    ids = [cid for cid, _ in pairs]
    rows = {cid: store.get_change(cid) for cid in dict.fromkeys(ids)}
    out: dict[str, list[dict]] = {}
    for cid, name in pairs:
        row = rows.get(cid)
        if row is not None:
            out[cid] = plan_request(row, roster.member(name))
    return out


IMPORTED_REASON = "requested on the forge"


def requested_members(row: dict, logins: list[str], roster) -> tuple[list[dict], list[str]]:
    """``(requested, refused)``: each requested login with the ``[team]`` member it is (or None),
    and why a login was not taken as a reviewer (no member's, or an author of the change)."""
    from triage.forges.shared import member_for_login

    requested: list[dict] = []
    refused: list[str] = []
    number = row.get("number")
    for login in dict.fromkeys(logins):
        member = member_for_login(roster, login)
        if member is not None and is_author(member, candidate(row)):
            refused.append(f"#{number}: the forge has a review requested from {display(login)}, an author of "
                           "the change: not taken as its reviewer")
            member = None
        elif member is None:
            refused.append(f"#{number}: the forge has a review requested from {display(login)}, who is no "
                           "[team] member's login: shown, not imported (add it to the member's logins in your "
                           "own config)")
        requested.append({"login": login, "member": member.name if member else None})
    return requested, refused


def import_requests(store, kind: str, repo: str, logins_by_number: dict[int, list[str]],
                    roster) -> tuple[list[tuple[str, str]], list[str]]:
    """Record what the forge requests on each pull request (see the module doc): ``(assigned,
    refused)``, the ``(change id, member)`` assignments taken, and a line per login not taken.

    A change without a local assignment is assigned to the first requested member (in the
    forge's order); a local assignment is never replaced, and a difference is shown by
    ``show`` and ``queue --json`` (:func:`triage.queue.assignment_differs`).
    """
    assigned: list[tuple[str, str]] = []
    lines: list[str] = []
    for number, logins in logins_by_number.items():
        cid = f"{kind}:{repo}#{number}"
        row = store.get_change(cid)
        if row is None:
            continue
        requested, refused = requested_members(row, logins, roster)
        lines.extend(refused)
        if requested != (row.get("forge_reviewers") or []):
            store.set_forge_reviewers(cid, requested)
        names = [r["member"] for r in requested if r["member"]]
        if names and store.assign_many([(cid, names[0], IMPORTED_REASON)], only_if_unassigned=True):
            assigned.append((cid, names[0]))
    return assigned, lines
