"""Provides reviewer rotation: who reviews which change, from a roster in config.

The roster is the ``[team]`` table::

    [team]
    members = [
      {name = "alice", emails = ["alice@example.com"], logins = ["alice-gh"]},
      {name = "bruno", emails = ["bruno@example.com"]},
    ]
    security = ["carol"]          # HIGH/CRITICAL go to these people
    capacity = {alice = 10}       # optional: at most this many assignments a day

Rules (:func:`plan`):

* **Never to an author.** A member is an author of a change when any of their
  emails equals the change's author email, committer email, or an email in a
  ``Co-authored-by:`` / ``Signed-off-by:`` trailer (the human behind an
  agent's commit), or when their name or a login equals the change's forge
  login (also read from a ``<id>+<login>@users.noreply.github.com`` email).
* **Security first.** HIGH and CRITICAL go to an eligible security member; if
  none is eligible (all authors, or at capacity) they fall back to the other
  members, and the reason says so.
* **Balanced.** Greedy least-loaded (load = open assigned items + new ones),
  then a rebalancing pass that moves this run's items from the most to the
  least loaded member while allowed. Ties break on ``HMAC-SHA256(key,
  day|change|member)`` (plain SHA-256 without a key), so the same day, roster
  and queue give the same assignments, and authors cannot predict them.
* **Capacity.** A member never gets more than ``capacity`` assignments on one
  day; an item nobody can take stays unassigned, with the reason. Before an item
  is left unassigned (or a security item outside the security group), this run's
  other items are moved along a chain of full members to one with room, when such
  a chain exists (an augmenting path), so work is unassigned only when every member
  it may go to is full.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Sequence

from triage.errors import TriageError
from triage.models import SERIOUS_TIERS
from triage.settings import Config
from triage.settings import Member as MemberEntry

SECURITY_TIERS = SERIOUS_TIERS
"""Tiers that go to the security group when one is configured."""

_TRAILER_EMAIL = re.compile(
    r"^\s*(?:co-authored-by|signed-off-by)\s*:\s*.*?<([^<>\s]+@[^<>\s]+)>\s*$", re.I | re.M
)
_NOREPLY = re.compile(r"^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$", re.I)
_MERGED_PR = re.compile(r"^Merge pull request #\d+ from ([A-Za-z0-9][A-Za-z0-9-]*)/", re.M)


@dataclass(frozen=True)
class Member:
    """One reviewer: a name (what ``--reviewer`` takes), emails and forge logins."""

    name: str
    emails: frozenset[str] = frozenset()
    logins: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Roster:
    """The team: members (in config order), the security group and daily capacities."""

    members: tuple[Member, ...]
    security: frozenset[str] = frozenset()
    capacity: dict[str, int] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.members]

    def member(self, name: str) -> Member | None:
        """The member called ``name`` (case-insensitive), or ``None``."""
        low = name.strip().lower()
        return next((m for m in self.members if m.name.lower() == low), None)

    @classmethod
    def from_config(cls, cfg: Config) -> "Roster":
        """Build from the configuration's ``[team]`` table (its types are checked when it is read;
        this checks that names are unique and that ``security`` and ``capacity`` name members)."""
        team = cfg.team
        members: list[Member] = []
        seen: set[str] = set()
        for entry in team.members:
            if isinstance(entry, str):
                entry = MemberEntry(name=entry)
            name = entry.name.strip()
            if not name:
                raise TriageError("[team] every member needs a name: {name = \"alice\", emails = [...]}")
            if name.lower() in seen:
                raise TriageError(f"[team] member {name!r} is listed twice")
            seen.add(name.lower())
            members.append(Member(
                name=name,
                emails=frozenset(e.strip().lower() for e in entry.emails if e.strip()),
                logins=frozenset(x.strip().lower() for x in entry.logins if x.strip()),
            ))
        roster = cls(members=tuple(members))
        sec: set[str] = set()
        for name in team.security:
            m = roster.member(name)
            if m is None:
                raise TriageError(f"[team] security member {name!r} is not in [team] members")
            sec.add(m.name)
        caps: dict[str, int] = {}
        for name, value in team.capacity.items():
            m = roster.member(str(name))
            if m is None:
                raise TriageError(f"[team] capacity names {name!r}, who is not in [team] members")
            caps[m.name] = value
        return cls(members=roster.members, security=frozenset(sec), capacity=caps)


@dataclass(frozen=True)
class Candidate:
    """What rotation needs to know about a change: its id, tier and author identities."""

    id: str
    tier: str
    emails: frozenset[str]
    logins: frozenset[str]


def author_identities(row: dict) -> tuple[frozenset[str], frozenset[str]]:
    """``(emails, logins)`` of everyone who wrote or signed a change row.

    Emails: author, committer, and ``Co-authored-by`` / ``Signed-off-by``
    trailers. Logins: the forge login, logins inside GitHub noreply emails, and
    the head owner a GitHub merge message names (``Merge pull request #N from
    alice/branch``).
    """
    emails = {str(row.get("author_email") or ""), str(row.get("committer_email") or "")}
    emails.update(m.group(1) for m in _TRAILER_EMAIL.finditer(str(row.get("message") or "")))
    emails = {e.strip().lower() for e in emails if e and e.strip()}
    logins = {str(row.get("author_login") or "").strip().lower()} - {""}
    logins.update(m.group(1).lower() for m in _MERGED_PR.finditer(str(row.get("message") or "")))
    for e in emails:
        m = _NOREPLY.match(e)
        if m:
            logins.add(m.group(1))
    return frozenset(emails), frozenset(logins)


def candidate(row: dict, related: Iterable[dict] = ()) -> Candidate:
    """A :class:`Candidate` from a ``changes`` row (``id, tier, author_email, committer_email, message, author_login``).

    ``related`` rows (a merge's side-branch tip commits) add their authors too.
    """
    emails, logins = author_identities(row)
    for other in related:
        more_emails, more_logins = author_identities(other)
        emails, logins = emails | more_emails, logins | more_logins
    return Candidate(id=row["id"], tier=row.get("tier") or "LOW", emails=emails, logins=logins)


def is_author(member: Member, cand: Candidate) -> bool:
    """True when ``member`` wrote (or co-wrote, or signed off) the change."""
    if member.emails & cand.emails:
        return True
    names = set(member.logins) | {member.name.lower()}
    return bool(names & cand.logins)


def tie_key(day: str, change_id: str, member: str, key: bytes | None = None) -> bytes:
    """The deterministic tie-break between equally loaded members."""
    msg = f"{day}|{change_id}|{member}".encode("utf-8", "surrogateescape")
    if key:
        return hmac.new(key, msg, hashlib.sha256).digest()
    return hashlib.sha256(msg).digest()


@dataclass
class Assignment:
    """One decision: the change, who gets it (``None``: nobody could), and why."""

    change_id: str
    reviewer: str | None
    reason: str
    tier: str = ""

    def to_dict(self) -> dict:
        return {"change_id": self.change_id, "reviewer": self.reviewer, "reason": self.reason, "tier": self.tier}


_SEC_FULL = "security fallback: every eligible security reviewer is at capacity"


def plan(
    candidates: Sequence[Candidate],
    roster: Roster,
    day: str,
    *,
    load: dict[str, int] | None = None,
    assigned_today: dict[str, int] | None = None,
    key: bytes | None = None,
) -> list[Assignment]:
    """Assign each candidate a reviewer (see the module doc); pure and deterministic.

    ``load`` is each member's open workload before this run, ``assigned_today``
    how many assignments they already got on ``day`` (for capacity). Candidates
    are taken in the given order, HIGH/CRITICAL first.
    """
    if not roster.members:
        raise TriageError("no reviewers: add a [team] table with members to your config.toml")
    load = {m.name: int((load or {}).get(m.name, 0)) for m in roster.members}
    today = {m.name: int((assigned_today or {}).get(m.name, 0)) for m in roster.members}
    cap = roster.capacity

    def has_room(name: str) -> bool:
        return name not in cap or today[name] < cap[name]

    def pick(names: list[str], cid: str) -> str | None:
        names = [n for n in names if has_room(n)]
        if not names:
            return None
        return min(names, key=lambda n: (load[n], tie_key(day, cid, n, key)))

    ordered = sorted(range(len(candidates)), key=lambda i: (candidates[i].tier not in SECURITY_TIERS, i))
    out: dict[int, Assignment] = {}
    movable: dict[int, list[str]] = {}  # index -> members the item may move between
    for i in ordered:
        c = candidates[i]
        eligible = [m.name for m in roster.members if not is_author(m, c)]
        if not eligible:
            out[i] = Assignment(c.id, None, "every roster member is an author of this change", c.tier)
            continue
        if c.tier in SECURITY_TIERS and roster.security:
            sec = [n for n in eligible if n in roster.security]
            chosen = pick(sec, c.id)
            if chosen is not None:
                out[i] = Assignment(c.id, chosen, "security", c.tier)
                movable[i] = sec
            else:
                chosen = pick(eligible, c.id)
                reason = "security fallback: every security reviewer is an author" if not sec else _SEC_FULL
                if chosen is None:
                    reason += "; everyone else is at capacity"
                out[i] = Assignment(c.id, chosen, reason, c.tier)
                movable[i] = eligible
        else:
            chosen = pick(eligible, c.id)
            out[i] = Assignment(c.id, chosen, "rotation" if chosen else "every eligible reviewer is at capacity",
                                c.tier)
            movable[i] = eligible
        if chosen is not None:
            load[chosen] += 1
            today[chosen] += 1
    # What the greedy pass left unassigned, or sent outside the security group, is placed
    # by moving this run's other items along (an item that had a choice took the room).
    # Each success assigns an item or brings one into the security group, so this ends.
    placed = True
    while placed:
        placed = False
        for i in ordered:
            if i in movable and (out[i].reviewer is None or out[i].reason == _SEC_FULL):
                placed = _place(i, candidates[i], roster, out, movable, load, today, has_room) or placed
    _rebalance(out, movable, load, today, cap, day, key)
    for a in out.values():  # a fallback item that moving took to a security reviewer is back in the group
        if a.reason == _SEC_FULL and a.reviewer in roster.security:
            a.reason = "security"
    return [out[i] for i in range(len(candidates))]


def _place(i: int, c: Candidate, roster: Roster, out: dict[int, Assignment], movable: dict[int, list[str]],
           load: dict[str, int], today: dict[str, int], has_room) -> bool:
    """Place item ``i`` (unassigned, or in the security fallback) by :func:`_place_by_moving`:
    into the security group when it can be, else (when unassigned) to any eligible member.
    Such an item's ``movable`` pool is every member who is not its author."""
    a = out[i]
    eligible = movable[i]
    sec = [n for n in eligible if n in roster.security] if c.tier in SECURITY_TIERS else []
    pools = [sec] if a.reviewer is not None else [sec, eligible] if sec else [eligible]
    for pool in pools:
        before = a.reviewer
        gainer = _place_by_moving(i, pool, out, movable, has_room)
        if gainer is None:
            continue
        load[gainer] += 1
        today[gainer] += 1
        if before is not None:  # out of the fallback, into the security group
            load[before] -= 1
            today[before] -= 1
        movable[i] = pool
        if pool is sec:
            a.reason = "security"
        elif c.tier in SECURITY_TIERS and roster.security:
            a.reason = "security fallback: every security reviewer is an author" if not sec else _SEC_FULL
        else:
            a.reason = "rotation"
        return True
    return False


def _place_by_moving(item: int, pool: list[str], out: dict[int, Assignment], movable: dict[int, list[str]],
                     has_room) -> str | None:
    """Give ``item`` a member of ``pool`` by moving this run's items along a chain of full
    members to one with room (an augmenting path, searched breadth first). Returns the
    member at the chain's end, the only one who gains an item, or None: no chain.

    The greedy pass can fill the only member an item may go to with an item that had a
    choice: here that item moves on, so work stays unassigned only when every member it
    may go to is full. Every move stays within the moved item's own pool (never to an
    author, security items among security reviewers), and only the chain's last member
    gains an item, so capacity holds.
    """
    held: dict[str, list[int]] = {}
    for j in sorted(out):
        if j != item and out[j].reviewer is not None and j in movable:
            held.setdefault(out[j].reviewer, []).append(j)
    came: dict[str, tuple[int, str | None]] = {}  # member -> (item that would move there, from whom)
    queue: list[str] = []
    for n in pool:
        if n not in came:
            came[n] = (item, None)
            queue.append(n)
    for member in queue:  # the list grows as the search goes: breadth first
        if has_room(member):
            gainer = member
            while True:
                moving, source = came[member]
                out[moving].reviewer = member
                if source is None:
                    return gainer
                member = source
        for j in held.get(member, ()):
            for n in movable[j]:
                if n not in came:
                    came[n] = (j, member)
                    queue.append(n)
    return None


def _rebalance(
    out: dict[int, Assignment],
    movable: dict[int, list[str]],
    load: dict[str, int],
    today: dict[str, int],
    cap: dict[str, int],
    day: str,
    key: bytes | None,
) -> None:
    """Move this run's items from heavier to lighter members while that narrows a gap of 2 or more.

    Each move lowers ``Σ load²``, so the loop ends. Moves keep every rule: never
    to an author, security items stay in the security group, capacity holds.
    """
    while True:
        moved = False
        for i in sorted(out):
            a = out[i]
            if a.reviewer is None or i not in movable:
                continue
            src = a.reviewer
            targets = [n for n in movable[i] if n != src and load[n] + 2 <= load[src]
                       and (n not in cap or today[n] < cap[n])]
            if not targets:
                continue
            dst = min(targets, key=lambda n: (load[n], tie_key(day, a.change_id, n, key)))
            load[src] -= 1
            today[src] -= 1
            load[dst] += 1
            today[dst] += 1
            a.reviewer = dst
            moved = True
        if not moved:
            return


def parse_day(text: str | None) -> str:
    """``YYYY-MM-DD`` (validated), or today's date (UTC) for ``None``."""
    if not text:
        return datetime.now(timezone.utc).date().isoformat()
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise TriageError(f"cannot read the day {text!r}: use YYYY-MM-DD") from None


def day_bounds(day: str) -> tuple[float, float]:
    """``[start, end)`` of a UTC day, in unix seconds."""
    start = datetime.fromisoformat(day).replace(tzinfo=timezone.utc)
    return start.timestamp(), (start + timedelta(days=1)).timestamp()
