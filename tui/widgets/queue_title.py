"""Provides :class:`QueueTitle`: the Queue's one-line summary (changes per tier, samples, left to review).

It is a :class:`~tui.widgets.fitted.FittedStatic`: a narrow terminal gets shorter
words rather than a second line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from triage.present import TIERS_WORST_FIRST
from tui.safe import safe_line
from tui.widgets.fitted import FittedStatic
from tui.widgets.queue_table import TIER_STYLE



@dataclass(frozen=True)
class QueueCounts:
    """What the title line reports about the shown changes."""

    total: int
    per_tier: dict[str, int]
    sampled: int
    unreviewed: int
    demo: bool = False
    to_push: int = 0
    """Forge posts recorded verdicts still owe (``triage push`` sends them)."""
    reviewer: str = ""
    """Who is reviewing (verdicts are recorded under this name)."""

    @classmethod
    def of(cls, items: list, demo: bool = False, to_push: int = 0, reviewer: str = "") -> "QueueCounts":
        """The counts over queue ``items``."""
        per_tier: dict[str, int] = {}
        for i in items:
            per_tier[i.tier] = per_tier.get(i.tier, 0) + 1
        return cls(len(items), per_tier, sum(1 for i in items if i.sampled),
                   sum(1 for i in items if not i.verdict), demo, to_push, reviewer)


FORMS = 5
"""How many forms the title line has (:func:`title_line`), fullest first."""


def title_line(c: QueueCounts, compact: int = 0) -> Text:
    """One form of the title line, fullest first: ``compact`` 1 narrows the gaps, 2 also drops the
    app's name, 3 the "you:" before the reviewer's name, 4 also shortens each tier to its first letter."""
    gap = "   " if compact == 0 else "  "
    text = Text("triage · review queue" if compact < 2 else "queue", style="bold", end="")
    text.append(f"{gap}{c.total} change{'s' if c.total != 1 else ''} ", "bold")
    for tier in TIERS_WORST_FIRST:
        if c.per_tier.get(tier):
            text.append("  " if compact == 0 else " ")
            text.append(f" {tier if compact < 4 else tier[0]} ", TIER_STYLE[tier])
            text.append(f" {c.per_tier[tier]}")
    text.append(f"{gap}★ {c.sampled}{gap}{c.unreviewed} to review", "dim")
    if c.to_push:
        text.append(f"{gap}{c.to_push} to push" if compact < 4 else f"{gap}↑{c.to_push}", "bold yellow")
    if c.demo:
        text.append(f"{gap}demo", "italic magenta")
    if c.reviewer:
        text.append(f"{gap}you: " if compact < 3 else gap, "dim")
        text.append_text(safe_line(c.reviewer, "bold cyan", limit=24 if compact < 4 else 12))
    return text


class QueueTitle(FittedStatic):
    """The Queue's title line; :meth:`show_counts` sets the counts, the width picks the words."""

    def __init__(self, **kwargs) -> None:
        super().__init__(Text("triage · review queue", style="bold"), **kwargs)

    def show_counts(self, counts: QueueCounts) -> None:
        """Report ``counts`` from now on."""
        self.show([title_line(counts, compact) for compact in range(FORMS)])
