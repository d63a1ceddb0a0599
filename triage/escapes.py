"""Provides escapes: defects in a change that were found after it merged (in production, by a revert).

:func:`record_escape` stores one by hand (``triage escape ID --note …``).
:func:`scan` finds them in the history already stored: a later change whose
message says ``This reverts commit <sha>`` (``git revert``) or carries a
``Fixes: <sha>`` trailer (kernel style) pointing at a stored change of the same
repository. Scanning is idempotent: a found escape gets a stable id, and a
link already recorded by hand for that change is not recorded again.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from dataclasses import dataclass

from triage.errors import TriageError

_REVERT = re.compile(r"This reverts commit ([0-9a-f]{7,40})\b", re.I)
_FIXES = re.compile(r"^\s*Fixes:\s*([0-9a-f]{7,40})\b", re.I | re.M)


def record_escape(store, change_id: str, note: str, link: str = "", found_at: float | None = None,
                  escape_id: str | None = None) -> str:
    """Append an escape for ``change_id``; return its id."""
    note = (note or "").strip()
    if not note:
        raise TriageError("an escape needs a note: what went wrong (--note TEXT)")
    now = time.time()
    eid = escape_id or uuid.uuid4().hex
    store.add_escape(eid, change_id, note, link or "", float(found_at if found_at is not None else now), now)
    return eid


def escapes_for(store, change_id: str | None = None) -> list[dict]:
    """Escape rows (of one change, or all), oldest found first."""
    return store.escapes_for(change_id)


@dataclass
class Found:
    """An escape the scan found: ``target`` was reverted or fixed by ``by``."""

    target: str
    by: str
    how: str  # "revert" | "fixes"
    sha: str
    note: str
    link: str
    found_at: float
    recorded: bool = False

    def to_dict(self) -> dict:
        return {"change_id": self.target, "by": self.by, "how": self.how, "sha": self.sha, "note": self.note,
                "link": self.link, "found_at": self.found_at, "recorded": self.recorded}


def references(message: str) -> list[tuple[str, str]]:
    """``(how, sha_prefix)`` for each revert or ``Fixes:`` reference in a commit message."""
    out = [("revert", m.group(1).lower()) for m in _REVERT.finditer(message or "")]
    out += [("fixes", m.group(1).lower()) for m in _FIXES.finditer(message or "")]
    return out


def scan(store, repo: str | None = None, record: bool = True) -> list[Found]:
    """Find revert/``Fixes:`` escapes among stored changes; record the new ones unless ``record`` is false."""
    rows = store.escape_candidates(repo)
    found: list[Found] = []
    for r in rows:
        for how, prefix in references(r["message"]):
            target = store.resolve_in_repo(r["repo"], prefix)
            if target is None or target == r["id"]:
                continue
            verb = "reverted" if how == "revert" else "fixed"
            link = r["url"] or f"commit:{r['sha']}"
            found.append(Found(target=target, by=r["id"], how=how, sha=r["sha"],
                               note=f"{verb} by {r['sha'][:12]}: {r['title']}"[:500], link=link,
                               found_at=float(r["authored_at"])))
    seen: set[tuple[str, str]] = set()
    unique = []
    for f in found:
        if (f.target, f.by) not in seen:
            seen.add((f.target, f.by))
            unique.append(f)
    if record:
        _record_found(store, unique)
    return unique


def _stable_id(f: Found) -> str:
    return "scan-" + hashlib.sha256(f"{f.target}|{f.by}".encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _record_found(store, found: list[Found]) -> None:
    new = store.add_found_escapes([(_stable_id(f), f.target, f.note, f.link, f.found_at) for f in found])
    for f, recorded in zip(found, new):
        f.recorded = f.recorded or recorded
