"""Provides how triage writes things for people, once: short ids, ages, percentages, tier and severity order.

The CLI, the digest, the reports and the app all show a change's short id, its
age and a rate the same way because they all call these. Pure: it imports
only :mod:`triage.models`.
"""

from __future__ import annotations

import time
from typing import Iterable

from triage.models import SEVERITIES, TIERS

TIERS_WORST_FIRST: tuple[str, ...] = tuple(reversed(TIERS))
"""``CRITICAL``, ``HIGH``, ``MEDIUM``, ``LOW``: the order lists and counts show tiers in."""

SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
"""Finding severity -> rank (``critical`` is the highest)."""


def short_id(change_id: str) -> str:
    """What a person types for a change: a local commit's sha prefix (10), a forge change's
    ``owner/repo#N``. Change ids are ``git:<repo key>:<sha>`` and ``<forge>:<owner/repo>#N``."""
    if change_id.startswith("git:"):
        return change_id.rsplit(":", 1)[-1][:10]
    return change_id.split(":", 1)[-1]


def age(ts: float, now: float | None = None) -> str:
    """A compact age: ``45s``, ``12m``, ``3h``, ``20d``."""
    secs = max(0, int((time.time() if now is None else now) - ts))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            return f"{secs // size}{unit}"
    return f"{secs}s"


def percent(value: float | None, digits: int = 1) -> str:
    """``0.667`` as ``66.7%``; ``None`` (no estimate) as ``—``."""
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def interval(fig: dict) -> str:
    """A figure's 95 % interval, ``20.8–93.9%`` (``—`` when it has none)."""
    low, high = fig.get("low"), fig.get("high")
    if low is None or high is None:
        return "—"
    return f"{100 * low:.1f}–{100 * high:.1f}%"


def by_severity(findings: Iterable[dict]) -> list[dict]:
    """``findings`` most severe first (then by path and line, as stored)."""
    return sorted(findings, key=lambda f: -SEVERITY_RANK.get(str(f.get("severity", "info")), 0))


def worst_severity(findings: Iterable[dict]) -> str:
    """The most severe of ``findings``' severities (``info`` for none)."""
    return max((f.get("severity", "info") for f in findings), key=lambda s: SEVERITY_RANK.get(s, 0), default="info")
