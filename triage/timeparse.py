"""Provides parsing of the ``--since`` values users type."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from triage.errors import TriageError

_REL = re.compile(r"^(\d+)\s*(m|min|minutes?|h|hours?|d|days?|w|weeks?)(\s+ago)?$")
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now: float | None = None) -> float:
    """Unix seconds for ``yesterday``, ``today``, ``3 days ago``, ``2w``, an ISO date or time."""
    now_dt = datetime.fromtimestamp(now, timezone.utc) if now is not None else datetime.now(timezone.utc)
    value = text.strip().lower()
    if value in ("today", "yesterday"):
        day = now_dt.replace(hour=0, minute=0, second=0, microsecond=0)
        if value == "yesterday":
            day -= timedelta(days=1)
        return day.timestamp()
    m = _REL.match(value)
    if m:
        unit = m.group(2)
        key = "min" if unit.startswith("min") else unit[0]
        return (now_dt - timedelta(seconds=int(m.group(1)) * _UNITS[key])).timestamp()
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise TriageError(
            f"cannot read the time {text!r}: use an ISO date (2025-01-31), 'yesterday', or '3 days ago'"
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()
