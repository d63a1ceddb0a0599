"""Provides :class:`QueueTitle`: the Queue's one-line summary (changes per tier, samples, left to review).

It is a :class:`~tui.widgets.fitted.FittedStatic`: a narrow terminal gets shorter
words rather than a second line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from tui.widgets.fitted import FittedStatic
from tui.widgets.queue_table import TIER_STYLE

TIERS = ("CRITICAL", "HIGH", "MEDIUM", "LOW")


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

    @classmethod
    def of(cls, items: list, demo: bool = False, to_push: int = 0) -> "QueueCounts":
        """The counts over queue ``items``."""
        per_tier: dict[str, int] = {}
        for i in items:
            per_tier[i.tier] = per_tier.get(i.tier, 0) + 1
        return cls(len(items), per_tier, sum(1 for i in items if i.sampled),
                   sum(1 for i in items if not i.verdict), demo, to_push)


def title_line(c: QueueCounts, compact: int = 0) -> Text:
    """One form of the title line: ``compact`` 0 is the full one, 1 drops the app's name
    and narrows the gaps, 2 also shortens each tier to its first letter."""
    gap = "   " if compact == 0 else "  "
    text = Text("triage · review queue" if compact == 0 else "queue", style="bold", end="")
    text.append(f"{gap}{c.total} change{'s' if c.total != 1 else ''} ", "bold")
    for tier in TIERS:
        if c.per_tier.get(tier):
            text.append("  " if compact == 0 else " ")
            text.append(f" {tier if compact < 2 else tier[0]} ", TIER_STYLE[tier])
            text.append(f" {c.per_tier[tier]}")
    text.append(f"{gap}★ {c.sampled}{gap}{c.unreviewed} to review", "dim")
    if c.to_push:
        text.append(f"{gap}{c.to_push} to push" if compact < 2 else f"{gap}↑{c.to_push}", "bold yellow")
    if c.demo:
        text.append(f"{gap}demo", "italic magenta")
    return text


class QueueTitle(FittedStatic):
    """The Queue's title line; :meth:`show_counts` sets the counts, the width picks the words."""

    def __init__(self, **kwargs) -> None:
        super().__init__(Text("triage · review queue", style="bold"), **kwargs)

    def show_counts(self, counts: QueueCounts) -> None:
        """Report ``counts`` from now on."""
        self.show([title_line(counts, compact) for compact in range(3)])
