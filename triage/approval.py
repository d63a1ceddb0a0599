"""Provides the approval check: what approving a change needs acknowledged.

The Queue (``a`` and ``v``) and the Review screen ask the same question of
the same data. Both build :class:`ApprovalFacts` with :func:`approval_facts`
from the stored change, its findings, its checklist answers and its diff, and
read :func:`approval_concerns` from them; the Queue reads that data from the
store first (:func:`triage.services.changes.gather_approval_facts`, in a worker), the Review screen
passes what it already loaded. A change with no concern may be approved with
one key; any concern opens the verdict form, which lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from triage.models import FileDiff

__all__ = ["ApprovalFacts", "active_findings", "approval_concerns", "approval_facts"]


@dataclass(frozen=True)
class ApprovalFacts:
    """Everything the approval check looks at, for one change."""

    tier: str
    findings: int
    sampled: bool = False
    hidden: int = 0
    truncated: int = 0
    checklist_no: int = 0
    checklist_open: int = 0
    suppressions_added: int = 0
    """Findings the change tried to silence with a comment it wrote itself (they still count)."""
    load_error: str = ""
    """Why the diff could not be read (then hidden characters cannot be counted)."""


def active_findings(findings: Iterable[dict]) -> int:
    """How many findings count: every one that is not suppressed (one per finding, not per line)."""
    return sum(1 for f in findings if not f.get("suppressed"))


def self_suppressed(findings: Iterable[dict]) -> int:
    """How many findings carry a suppression comment the change itself wrote (or wrote code under)."""
    return sum(1 for f in findings if (f.get("suppressed_by") or "") in ("change", "inserted"))


def _answer(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("answer")
    return value or None


def approval_facts(row: Mapping, findings: Iterable[dict], answers: Mapping[str, object],
                   files: Sequence[FileDiff] | None = None, load_error: str = "") -> ApprovalFacts:
    """The facts of one change.

    Args:
        row: The decoded ``changes`` row (tier, sampled, checklist).
        findings: Its findings (suppressed ones do not count).
        answers: Checklist item id -> answer (a string, or a ``checklist_answers`` row).
        files: Its diff; ``None`` while it is not loaded (``load_error`` then says why).
        load_error: Why the diff could not be read.
    """
    from triage.review.checklist import checklist_items
    from triage.review.layout import hidden_counts

    items = checklist_items(row.get("checklist") or [], {k: {"answer": _answer(v)} for k, v in answers.items()})
    if files is None and not load_error:
        load_error = "it is still loading"
    files = list(files or [])
    findings = list(findings)
    return ApprovalFacts(
        tier=row.get("tier") or "LOW",
        findings=active_findings(findings),
        sampled=bool(row.get("sampled")),
        hidden=sum(hidden_counts(files)),
        truncated=sum(1 for f in files if f.truncated),
        checklist_no=sum(1 for i in items if i.answer == "no"),
        checklist_open=sum(1 for i in items if not i.answer),
        suppressions_added=self_suppressed(findings),
        load_error=load_error,
    )


def approval_concerns(facts: ApprovalFacts) -> list[str]:
    """Why approving needs an explicit confirmation; empty when one key may approve.

    Approving is never silent on a risky change: each concern is shown and
    the reviewer must acknowledge them.
    """
    out = []
    if facts.tier != "LOW":
        out.append(f"risk tier is {facts.tier}")
    if facts.findings:
        out.append(f"{facts.findings} finding{'s' if facts.findings != 1 else ''} on added lines")
    if facts.sampled:
        out.append("drawn for a deep-dive review (★)")
    if facts.hidden:
        out.append(f"{facts.hidden} hidden or bidirectional character{'s' if facts.hidden != 1 else ''} "
                   "in added lines")
    if facts.truncated:
        out.append(f"{facts.truncated} file diff{'s' if facts.truncated != 1 else ''} truncated: review incomplete")
    if facts.checklist_no:
        out.append(f"{facts.checklist_no} checklist item{'s' if facts.checklist_no != 1 else ''} answered no")
    if facts.checklist_open:
        out.append(f"{facts.checklist_open} checklist item{'s' if facts.checklist_open != 1 else ''} unanswered")
    if facts.suppressions_added:
        n = facts.suppressions_added
        out.append(f"{n} finding{'s' if n != 1 else ''} with a suppression comment added by this change "
                   "(still counted)")
    if facts.load_error:
        out.append(f"the diff could not be shown: {facts.load_error}")
    return out
