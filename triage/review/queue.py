"""Provides the queue screen's logic: the filter and its cycles, search, and the stats screen's counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

from triage.models import TIERS, VERDICTS


TIER_CYCLE: tuple[str | None, ...] = (None, *reversed(TIERS))
"""Tier filter values in the order a key cycles through them."""

STATE_CYCLE: tuple[str | None, ...] = (None, "unreviewed", "updated", "draft", "reviewed", *VERDICTS)
"""State filter values in the order a key cycles through them (``updated``: new commits
since the last verdict)."""


def cycle(values: Sequence, current) -> object:
    """The value after ``current`` in ``values`` (the first when unknown)."""
    try:
        return values[(list(values).index(current) + 1) % len(values)]
    except ValueError:
        return values[0]


@dataclass(frozen=True)
class QueueFilter:
    """What the queue screen shows; ``None`` means "any"."""

    tier: str | None = None
    agent: str | None = None
    reviewer: str | None = None
    state: str | None = None
    include_all: bool = False
    deep_dive: bool = False

    def load_kwargs(self) -> dict:
        """Keyword arguments for :func:`triage.queue.load_queue`."""
        return {
            "include_all": self.include_all,
            "tiers": [self.tier] if self.tier else None,
            "agent": self.agent,
            "reviewer": self.reviewer,
            "state": self.state,
            "deep_dive": self.deep_dive,
        }

    def with_(self, **changes) -> "QueueFilter":
        """A copy with ``changes`` applied."""
        return replace(self, **changes)

    @property
    def active(self) -> bool:
        """True when anything is filtered out."""
        return self != QueueFilter(include_all=self.include_all)

    def describe(self) -> list[tuple[str, str]]:
        """``(name, value)`` pairs for the filter bar (values may be untrusted)."""
        return [
            ("tier", self.tier or "all"),
            ("agent", self.agent or "all"),
            ("reviewer", self.reviewer or "anyone"),
            ("state", self.state or "all"),
            ("authors", "everyone" if self.include_all else "AI only"),
            ("deep-dive", "HIGH+CRITICAL+★" if self.deep_dive else "off"),
        ]


def matches_search(item, query: str) -> bool:
    """True when ``query`` (case-insensitive, all words) occurs in the item's title, id, agent, author or paths."""
    words = query.lower().split()
    if not words:
        return True
    hay = " ".join([
        item.title, item.id, item.short_id, item.agent or "", item.author or "", item.assignee or "",
        item.tier, item.state, *(f.get("path", "") for f in item.files),
    ]).lower()
    return all(w in hay for w in words)


@dataclass
class QueueStats:
    """Counts the stats screen shows (grow it by adding fields)."""

    total: int = 0
    by_tier: dict[str, int] = field(default_factory=dict)
    by_agent: dict[str, int] = field(default_factory=dict)
    verdicts: dict[str, int] = field(default_factory=dict)
    reviewed: int = 0
    unreviewed: int = 0
    sampled: int = 0
    findings: int = 0
    review_seconds: float = 0.0
    reviewed_sessions: int = 0


def queue_stats(items: Sequence, review_seconds: Iterable[float] = ()) -> QueueStats:
    """Counts by tier, by agent and by verdict for ``items`` (queue items)."""
    tiers = Counter(i.tier for i in items)
    agents = Counter(i.agent or i.kind for i in items)
    verdicts = Counter(i.verdict for i in items if i.verdict)
    secs = [s for s in review_seconds if s]
    return QueueStats(
        total=len(items),
        by_tier={t: tiers.get(t, 0) for t in reversed(TIERS)},
        by_agent=dict(sorted(agents.items(), key=lambda kv: (-kv[1], kv[0]))),
        verdicts={v: verdicts.get(v, 0) for v in VERDICTS},
        reviewed=sum(1 for i in items if i.verdict),
        unreviewed=sum(1 for i in items if not i.verdict),
        sampled=sum(1 for i in items if i.sampled),
        findings=sum(i.findings for i in items),
        review_seconds=sum(secs),
        reviewed_sessions=len(secs),
    )
