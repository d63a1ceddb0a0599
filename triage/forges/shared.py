"""Provides the forge as the team's shared record: teammates' verdicts imported from their posts.

Every verdict's main post (a review, or a comment/note) carries a hidden record
(:func:`triage.forges.publish.record_marker`): verdict id, verdict, reviewer, head sha
and time. ``sync`` reads the reviews and comments of each pull request it lists
and imports the records it may trust as verdicts, deduplicated by id and
append-only (:meth:`triage.store.Store.import_verdict`); a head that moved
since supersedes them as it does a local verdict.

What a teammate (or anyone who can comment) must not be able to forge:

* **who gave it.** A record is imported only when the forge account that posted
  it is a login of a ``[team]`` member in the reviewer's own config, and the
  verdict is stored under *that* member's name, whatever name the record
  claims; ``posted_by`` keeps the account (``github:alice-gh``). A post by an
  account that is no member's login is not imported, and sync says so.
* **a review of one's own change.** A member who is an author of the change
  (as rotation judges it) does not count as its reviewer.
* **the change it is about.** That is where the post is, not what it says: a
  record copied to another pull request is about that one (its verdict id
  then already exists, and it is ignored).
* **time travel.** A record dated in the future is dated now.

Nothing here rewrites or deletes a verdict: a teammate's later verdict is a
new one, and reviewers who disagree at the same head are shown as a conflict.
"""

from __future__ import annotations

import time

from triage.forges.publish import parse_records
from triage.team_record import ChangeRecords, ImportResult

__all__ = ["ImportResult", "import_posts", "member_for_login"]


def member_for_login(roster, login: str):
    """The ``[team]`` member whose logins include forge account ``login`` (case-insensitive), or None."""
    low = login.strip().lower()
    if not low or roster is None:
        return None
    return next((m for m in roster.members if low in m.logins), None)


def import_posts(store, forge, numbers, roster, *, clock=time.time) -> ImportResult:
    """Import the teammates' verdict records posted on pull requests ``numbers`` (see the module doc;
    each record goes through the one import step, :class:`triage.team_record.ChangeRecords`)."""
    result = ImportResult()
    for number in numbers:
        cid = f"{forge.kind}:{forge.repo}#{number}"
        row = store.get_change(cid)
        if row is None:
            continue
        posts = list(forge.list_reviews(number)) + list(forge.list_comments(number))
        seen: set[str] = set()
        change = ChangeRecords(store, row, f"#{number}", result, clock=clock)
        for post in posts:
            for rec in parse_records(post.text):
                if rec["id"] in seen:
                    continue
                seen.add(rec["id"])
                who = f"{forge.kind}:{post.author}"
                change.admit(rec, member_for_login(roster, post.author), who,
                             f"a verdict record posted by {who} was not imported: that account is no "
                             "[team] member's login (add it to the member's logins in your own config)")
    return result
