"""Provides the one import step of the team's shared record, whichever way a record travelled.

A teammate's verdict reaches this machine as a record in a forge post
(:mod:`triage.forges.shared`) or in a git note (:mod:`triage.gitshare`). Both
hand each record here with the ``[team]`` member it is attributed to (found
by the carrier: a forge login, or the name the note claims) and the account
that carried it (``posted_by``). This step is the same for both:

* a record already stored (ours, or imported before) is skipped: imports are
  deduplicated by verdict id and append-only;
* a record no member is attributed to is refused (with the reason);
* a member who is an author of the change (as rotation judges it) is refused
  as its reviewer;
* a record dated in the future is dated now.

Disagreement between members at the same head is not settled here: the store
shows it as a conflict (:meth:`triage.store.Store.latest_verdicts`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class ImportResult:
    """What an import did: verdicts imported (``(change id, reviewer, verdict)``) and why others were not."""

    imported: list[tuple[str, str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


class ChangeRecords:
    """Imports the records about one stored change (its row is read once, its authors when needed)."""

    def __init__(self, store, row: dict, label: str, result: ImportResult, *, clock=time.time):
        self.store, self.row, self.label, self.result, self.clock = store, row, label, result, clock
        self._cand = None

    def admit(self, rec: dict, member, who: str, unknown: str, note: str = "") -> bool:
        """Import record ``rec`` (``id``, ``verdict``, ``sha``, ``at``) as ``member``'s verdict carried by
        ``who``; ``unknown`` is the reason given when ``member`` is None. True when it was imported."""
        from triage.rotation import is_author
        from triage.rotation_store import candidate_from_store

        if self.store.has_verdict(rec["id"]):
            return False  # ours, or imported before
        if member is None:
            self.result.refused.append(f"{self.label}: {unknown}")
            return False
        self._cand = self._cand or candidate_from_store(self.store, self.row)
        if is_author(member, self._cand):
            self.result.refused.append(f"{self.label}: {member.name}'s {rec['verdict']} was not imported: "
                                       f"{member.name} is an author of this change")
            return False
        at = min(rec["at"], self.clock())
        cid = self.row["id"]
        if self.store.import_verdict(cid, rec["id"], rec["verdict"], member.name, rec["sha"], at, who, note):
            self.result.imported.append((cid, member.name, rec["verdict"]))
            return True
        return False
