"""Provides the statistics maths behind ``triage stats``: pure functions, no IO.

* :func:`wilson` — the Wilson score interval for a proportion ``k / n``.
* :func:`ht_total` — the Horvitz–Thompson total ``Σ y_i / π_i``.
* :func:`hajek` — the Hájek ratio ``Σ y_i/π_i ÷ Σ 1/π_i``, the defect rate of
  the population a Poisson (per-change hash) sample was drawn from. It is
  stable when the realised sample size varies, unlike ``HT / N``.
* :func:`effective_n` — Kish's effective sample size ``(Σw)² / Σw²`` of a
  weighted sample; the Wilson interval of a weighted estimate uses it instead
  of the raw count (equal weights give ``n_eff = n``).
* :func:`proportion` and :func:`weighted_rate` — a figure as a plain dict with
  its sample size and a ``too_few`` flag (see :data:`MIN_SAMPLES`).

Every figure dict carries ``n``, ``too_few`` and ``message`` (``None`` when
the figure rests on enough samples, else e.g. ``"too few samples: 2 reviewed"``).
"""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timezone
from typing import Callable, Iterable, Sequence, TypeVar

T = TypeVar("T")

Z95 = 1.959963984540054
"""The two-sided 95 % normal quantile."""

MIN_SAMPLES = 5
"""Below this many samples (or effective samples) a figure is flagged ``too_few``."""


def wilson(k: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval ``(low, high)`` for ``k`` successes in ``n`` trials.

    ``(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)``, clipped to [0, 1]
    and widened by rounding error only so that it always contains ``p̂``.
    ``k`` and ``n`` may be fractional (a weighted estimate times ``n_eff``).
    With ``n == 0`` nothing is known: ``(0.0, 1.0)``.
    """
    if n < 0 or k < 0 or k > n + 1e-9:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = min(1.0, k / n)
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    low = max(0.0, min(centre - half, p))
    high = min(1.0, max(centre + half, p))
    return low, high


def ht_total(ys: Sequence[float], pis: Sequence[float]) -> float:
    """Horvitz–Thompson estimate of the population total: ``Σ y_i / π_i``."""
    _check(ys, pis)
    return sum(y / p for y, p in zip(ys, pis))


def hajek(ys: Sequence[float], pis: Sequence[float]) -> float | None:
    """Hájek estimate of the population mean: ``Σ y_i/π_i ÷ Σ 1/π_i`` (``None`` when empty)."""
    _check(ys, pis)
    if not ys:
        return None
    return ht_total(ys, pis) / sum(1.0 / p for p in pis)


def effective_n(weights: Iterable[float]) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` (0 for no weights)."""
    ws = list(weights)
    sq = sum(w * w for w in ws)
    return (sum(ws) ** 2) / sq if sq > 0 else 0.0


def _check(ys: Sequence[float], pis: Sequence[float]) -> None:
    if len(ys) != len(pis):
        raise ValueError("ys and pis differ in length")
    for p in pis:
        if not (p is not None and 0.0 < p <= 1.0):
            raise ValueError(f"inclusion probability must be in (0, 1], got {p!r}")


# ------------------------------------------------------------------- figures


def too_few_message(n: float, min_n: int = MIN_SAMPLES, noun: str = "reviewed", effective: bool = False) -> str | None:
    """``"too few samples: 2 reviewed"`` when ``n < min_n``, else ``None``."""
    if n >= min_n:
        return None
    shown = f"{n:.1f}" if effective and n != int(n) else f"{int(n)}"
    what = f"effective sample size {shown}" if effective else f"{shown} {noun}"
    return f"too few samples: {what} (need {min_n})"


def flagged(fig: dict, n: float, min_n: int = MIN_SAMPLES, noun: str = "reviewed", effective: bool = False) -> dict:
    """Add ``too_few`` and ``message`` to a figure dict, in place; return it."""
    msg = too_few_message(n, min_n, noun, effective)
    fig["too_few"] = msg is not None
    fig["message"] = msg
    return fig


def proportion(k: int, n: int, z: float = Z95, min_n: int = MIN_SAMPLES, noun: str = "reviewed") -> dict:
    """``k / n`` with its Wilson interval: ``{value, low, high, k, n, too_few, message}``."""
    low, high = wilson(k, n, z)
    fig = {"value": (k / n) if n else None, "low": low, "high": high, "k": k, "n": n}
    return flagged(fig, n, min_n, noun)


def weighted_rate(
    ys: Sequence[float], pis: Sequence[float], z: float = Z95, min_n: int = MIN_SAMPLES
) -> dict:
    """The Hájek rate with a Wilson interval on the effective sample size.

    Returns ``{value, low, high, n, n_eff, defects, weight, too_few, message}``;
    ``weight`` is ``Σ 1/π`` (the estimated population size). ``too_few`` is set
    when ``n`` or ``n_eff`` is below ``min_n``.
    """
    n = len(ys)
    value = hajek(ys, pis)
    n_eff = effective_n([1.0 / p for p in pis])
    if value is None:
        low, high = 0.0, 1.0
    else:
        low, high = wilson(value * n_eff, n_eff, z)
    fig = {
        "value": value, "low": low, "high": high, "n": n, "n_eff": round(n_eff, 3),
        "defects": int(sum(1 for y in ys if y)), "weight": round(sum(1.0 / p for p in pis), 3),
    }
    if n < min_n:
        return flagged(fig, n, min_n)
    return flagged(fig, n_eff, min_n, effective=True)


def per_line(seconds: Sequence[float], lines: Sequence[int], min_n: int = MIN_SAMPLES) -> dict:
    """Review seconds per changed line over timed changes.

    ``seconds_per_line`` is the ratio of totals (big changes weigh more);
    ``median_seconds_per_line`` the median of the per-change ratios. Changes
    with no changed lines are left out (their time has no lines to divide).
    """
    pairs = [(s, ln) for s, ln in zip(seconds, lines) if ln > 0 and s is not None and s > 0]
    total_s = sum(s for s, _ in pairs)
    total_l = sum(ln for _, ln in pairs)
    fig = {
        "seconds_per_line": (total_s / total_l) if total_l else None,
        "median_seconds_per_line": statistics.median(s / ln for s, ln in pairs) if pairs else None,
        "seconds": round(total_s, 3),
        "lines": total_l,
        "n": len(pairs),
    }
    return flagged(fig, len(pairs), min_n, noun="timed")


def group_by(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """Items grouped by ``key``, keeping first-seen order."""
    out: dict[str, list[T]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out


def iso_week(ts: float) -> str:
    """The ISO week of a unix time, as ``2026-W45`` (UTC)."""
    y, w, _ = datetime.fromtimestamp(ts, timezone.utc).isocalendar()
    return f"{y}-W{w:02d}"


def bar(value: float, scale_max: float, width: int = 30, char: str = "█") -> str:
    """A text bar ``value / scale_max`` of ``width`` characters (at least one char when value > 0)."""
    if scale_max <= 0 or value <= 0:
        return ""
    return char * max(1, round(width * value / scale_max))
