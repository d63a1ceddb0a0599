"""Provides the outlines the app draws: the digest as lines, the control report's velocity series."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class DigestLine:
    """One line of the digest screen.

    ``kind`` is ``heading``, ``tier`` (a tier sub-heading), ``item`` (a queue
    item dict of :func:`triage.digest.build`), ``waiting`` (an unreviewed
    item), ``verdict`` (a verdict row), ``escape`` (an escape row), ``more``
    (``text`` counts what was left out) or ``empty`` (``text`` says the
    section is empty). ``change_id`` is set on the lines that open a review.
    """

    kind: str
    text: str = ""
    data: dict | None = None
    change_id: str | None = None


def digest_outline(d: dict) -> list[DigestLine]:
    """The digest of :func:`triage.digest.build` as screen lines, section by section.

    Merged changes by tier (CRITICAL first), then what is still unreviewed
    (oldest first), the verdicts given in the window, and the escapes recorded.
    """
    out = [DigestLine("heading", f"Merged in this window: {d['merged_total']}")]
    if not d["merged_total"]:
        out.append(DigestLine("empty", "Nothing merged in this window."))
    for tier, items in d["merged"].items():
        n = d["merged_counts"].get(tier, len(items))
        if not n:
            continue
        sampled = sum(1 for it in items if it.get("sampled"))
        out.append(DigestLine("tier", tier, {"n": n, "sampled": sampled}))
        out += [DigestLine("item", data=it, change_id=it["id"]) for it in items]
        if n > len(items):
            out.append(DigestLine("more", f"… and {n - len(items)} more"))
    out.append(DigestLine("heading", f"Still unreviewed: {d['unreviewed_total']} (oldest first)"))
    if not d["unreviewed"]:
        out.append(DigestLine("empty", "Nothing is waiting."))
    out += [DigestLine("waiting", data=it, change_id=it["id"]) for it in d["unreviewed"]]
    if d["unreviewed_total"] > len(d["unreviewed"]):
        out.append(DigestLine("more", f"… and {d['unreviewed_total'] - len(d['unreviewed'])} more"))
    out.append(DigestLine("heading", f"Verdicts given: {d['verdicts_total']}"))
    if not d["verdicts"]:
        out.append(DigestLine("empty", "No verdicts in this window."))
    out += [DigestLine("verdict", data=v, change_id=v["change_id"]) for v in d["verdicts"]]
    if d["verdicts_total"] > len(d["verdicts"]):
        out.append(DigestLine("more", f"… and {d['verdicts_total'] - len(d['verdicts'])} more"))
    if d.get("escapes"):
        out.append(DigestLine("heading", f"Escapes recorded: {d['escapes_total']}"))
        out += [DigestLine("escape", data=e, change_id=e["change_id"]) for e in d["escapes"]]
    return out


def velocity_series(velocity: Sequence[dict], weeks: int = 12) -> tuple[list[str], list[int], list[int], list[int]]:
    """``(labels, merged, found_in_review, escaped)`` for the last ``weeks`` ISO weeks of a report.

    Labels are the week part (``W45``); when the weeks span a year end, the
    first week of each year carries its year (``2026-W01``).
    """
    rows = list(velocity)[-weeks:] if weeks > 0 else []
    parts = [str(w["week"]).partition("-") for w in rows]
    one_year = len({y for y, _, _ in parts}) <= 1
    labels: list[str] = []
    for n, (y, _, wk) in enumerate(parts):
        new_year = n == 0 or parts[n - 1][0] != y
        labels.append(wk if one_year or not new_year else f"{y}-{wk}")
    return (labels, [int(w["merged"]) for w in rows], [int(w["found_in_review"]) for w in rows],
            [int(w["escaped"]) for w in rows])
