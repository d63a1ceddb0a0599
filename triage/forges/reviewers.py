"""Provides assignments on the forge: the review request an assignment plans, and reading them back.

An assignment (``triage assign``, a hand-over, an escalation) of an open forge
pull request to a ``[team]`` member with a forge login plans one outbox row,
``request_reviewer``, in the assignment's transaction, so ``triage push``
delivers it once, after a crash too (:mod:`triage.forges.outbox` looks at the
pull request's requested reviewers before it requests anyone). A merged change
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
    """change id -> the review request rows for ``(change_id, reviewer name)`` pairs."""
    ids = [cid for cid, _ in pairs]
    rows = {cid: store.get_change(cid) for cid in dict.fromkeys(ids)}
    out: dict[str, list[dict]] = {}
    for cid, name in pairs:
        row = rows.get(cid)
        if row is not None:
            out[cid] = plan_request(row, roster.member(name))
    return out
