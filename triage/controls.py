"""Provides the control-effectiveness report behind ``triage stats``: read the store, compute, render.

Definitions (the README quotes them):

* **Defect found in review**: a change whose latest verdict is ``needs-fix``
  or ``revert``. An ``escalate`` verdict alone is not a defect: it becomes one
  when the security group records ``needs-fix``/``revert`` (the latest verdict
  wins).
* **Escaped**: a change with at least one escape record (``triage escape``,
  or found by ``triage escape --scan``) whose latest verdict is not a defect
  verdict — approved, escalated, or never reviewed.
* **Review effectiveness** = found in review ÷ (found in review + escaped),
  over distinct changes, with a Wilson 95 % interval.
* **Defect** ``y_i = 1`` when the change was found in review or escaped.
* **Estimated defect rate**: the Hájek estimator ``Σ y_i/π_i ÷ Σ 1/π_i`` over
  changes drawn by the deep-dive sample (``sampled``) and judged (a verdict
  other than a lone ``escalate``, or an escape), with ``π_i`` = the
  ``sample_rate`` recorded at selection time. Per tier and overall. Its
  Wilson interval uses Kish's effective sample size ``n_eff = (Σw)²/Σw²``,
  ``w = 1/π`` (equal to ``n`` within one tier). ``estimated_unreviewed_defects``
  = rate × the tier's changes with no verdict.
* **Review time per changed line**: seconds from ``review_sessions`` (else the
  verdicts' ``seconds_spent``) ÷ (added + deleted), over timed changes.
* **Velocity**: changes merged per ISO week (commit time, UTC), with the
  defects found in review and escaped among them (counted in the week the
  change merged).

Every figure carries ``n`` (its sample size), ``too_few`` and ``message``
(``"too few samples: 2 reviewed (need 5)"``), flagged when ``n`` (or
``n_eff``) is below ``min_samples``.

JSON shape (``triage stats --json``, ``schema`` 1)::

    {
      "schema": 1,
      "generated_at": "2026-11-20T09:00:00+00:00",
      "repo": null,                      # or the --repo filter
      "population": "ai",                # "all" with --all
      "since": null,                     # or the --since filter, ISO time
      "min_samples": 5,
      "counts": {"changes": 21, "reviewed": 6, "sampled": 4, "escapes": 1},
      "effectiveness": {"value": 0.67, "low": 0.21, "high": 0.94, "k": 2, "n": 3,
                        "found_in_review": 2, "escaped": 1,
                        "escaped_after_approval": 1, "escaped_unreviewed": 0,
                        "too_few": true, "message": "too few samples: 3 defects (need 5)"},
      "defect_rate": {
        "method": "hajek", "interval": "wilson on n_eff (Kish)",
        "overall": RATE,
        "by_tier": {"CRITICAL": RATE, "HIGH": RATE, "MEDIUM": RATE, "LOW": RATE}
      },
      # RATE = {"value": 0.2 | null, "low": 0.03, "high": 0.62, "n": 5, "n_eff": 4.1,
      #         "defects": 1, "weight": 40.0, "sampled": 6, "population": 40,
      #         "unreviewed": 30, "estimated_unreviewed_defects": 6.0 | null,
      #         "too_few": false, "message": null}
      "review_time": {"by_tier": {TIER: TIME}, "by_agent": {AGENT: TIME}},
      # TIME = {"seconds_per_line": 2.5 | null, "median_seconds_per_line": 2.0 | null,
      #         "seconds": 300.0, "lines": 120, "n": 4, "too_few": true, "message": "..."}
      "verdict_mix": {AGENT: {"n": 4, "approve": 2, "needs-fix": 1, "revert": 0, "escalate": 1,
                              "shares": {"approve": 0.5, ...}, "too_few": true, "message": "..."}},
      "velocity": [{"week": "2026-W45", "merged": 12, "reviewed": 5, "found_in_review": 2,
                    "escaped": 1, "n": 12, "too_few": false, "message": null}, ...]
    }

``AGENT`` is the agent id, or ``human`` / ``bot`` for changes without one.
Weeks run from the first to the last merge, with empty weeks included.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from triage.models import TIERS, VERDICTS
from triage.present import interval, percent
from triage.stats import (
    MIN_SAMPLES,
    bar,
    flagged,
    group_by,
    iso_week,
    per_line,
    proportion,
    weighted_rate,
)

DEFECT_VERDICTS = frozenset({"needs-fix", "revert"})
"""Latest verdicts that mean review found a defect."""

SCHEMA = 1


def _label(row: dict) -> str:
    return row["agent"] or row["kind"] or "human"


def load_rows(store, *, repo: str | None = None, include_all: bool = False, since: float | None = None) -> list[dict]:
    """Analysed changes with their latest verdict, escape count and review seconds."""
    rows = store.control_rows(repo=repo, include_all=include_all, since=since)
    latest = store.latest_verdicts()
    escapes = store.escape_counts()
    sessions = store.session_seconds()
    spent = store.verdict_seconds()
    for r in rows:
        v = latest.get(r["id"])
        r["tier"] = r["tier"] or "LOW"
        r["verdict"] = v["verdict"] if v else None
        r["escapes"] = escapes.get(r["id"], 0)
        r["seconds"] = sessions.get(r["id"]) or spent.get(r["id"]) or 0.0
        r["lines"] = (r["added"] or 0) + (r["deleted"] or 0)
        r["found"] = r["verdict"] in DEFECT_VERDICTS
        r["escaped"] = bool(r["escapes"]) and not r["found"]
        r["defect"] = r["found"] or bool(r["escapes"])
        r["judged"] = (r["verdict"] is not None and r["verdict"] != "escalate") or bool(r["escapes"])
    return rows


def effectiveness(rows: list[dict], min_n: int = MIN_SAMPLES) -> dict:
    """Found in review ÷ (found + escaped), over distinct changes."""
    found = sum(1 for r in rows if r["found"])
    escaped = [r for r in rows if r["escaped"]]
    fig = proportion(found, found + len(escaped), min_n=min_n, noun="defects")
    fig.update({
        "found_in_review": found,
        "escaped": len(escaped),
        "escaped_after_approval": sum(1 for r in escaped if r["verdict"] is not None),
        "escaped_unreviewed": sum(1 for r in escaped if r["verdict"] is None),
    })
    return fig


def _rate(rows: list[dict], min_n: int) -> dict:
    sample = [r for r in rows if r["sampled"] and r["judged"] and r["sample_rate"] and 0 < r["sample_rate"] <= 1]
    fig = weighted_rate([1.0 if r["defect"] else 0.0 for r in sample], [r["sample_rate"] for r in sample],
                        min_n=min_n)
    unreviewed = sum(1 for r in rows if r["verdict"] is None)
    fig.update({
        "sampled": sum(1 for r in rows if r["sampled"]),
        "population": len(rows),
        "unreviewed": unreviewed,
        "estimated_unreviewed_defects": round(fig["value"] * unreviewed, 3) if fig["value"] is not None else None,
    })
    return fig


def defect_rate(rows: list[dict], min_n: int = MIN_SAMPLES) -> dict:
    """The Hájek defect-rate estimate from the deep-dive sample, overall and per tier."""
    by_tier = group_by(rows, lambda r: r["tier"])
    return {
        "method": "hajek",
        "interval": "wilson on n_eff (Kish)",
        "overall": _rate(rows, min_n),
        "by_tier": {t: _rate(by_tier.get(t, []), min_n) for t in reversed(TIERS)},
    }


def review_time(rows: list[dict], min_n: int = MIN_SAMPLES) -> dict:
    """Seconds per changed line, by tier (CRITICAL first) and by agent."""
    def fig(group: list[dict]) -> dict:
        return per_line([r["seconds"] for r in group], [r["lines"] for r in group], min_n)

    tiers = group_by(rows, lambda r: r["tier"])
    agents = group_by(rows, _label)
    return {
        "by_tier": {t: fig(tiers.get(t, [])) for t in reversed(TIERS)},
        "by_agent": {a: fig(agents[a]) for a in sorted(agents)},
    }


def verdict_mix(rows: list[dict], min_n: int = MIN_SAMPLES) -> dict:
    """Latest-verdict counts and shares per agent (reviewed changes only)."""
    out = {}
    for agent, group in sorted(group_by([r for r in rows if r["verdict"]], _label).items()):
        n = len(group)
        counts = {v: sum(1 for r in group if r["verdict"] == v) for v in VERDICTS}
        out[agent] = flagged({"n": n, **counts, "shares": {v: counts[v] / n for v in VERDICTS}}, n, min_n)
    return out


def velocity(rows: list[dict], min_n: int = MIN_SAMPLES) -> list[dict]:
    """Per ISO week (oldest first, empty weeks included): merged, reviewed, found in review, escaped."""
    if not rows:
        return []
    weeks = group_by(rows, lambda r: iso_week(r["authored_at"]))
    first = datetime.fromtimestamp(min(r["authored_at"] for r in rows), timezone.utc)
    last = datetime.fromtimestamp(max(r["authored_at"] for r in rows), timezone.utc)
    day = first - timedelta(days=first.weekday())
    out = []
    while day <= last:
        wk = iso_week(day.timestamp())
        group = weeks.get(wk, [])
        out.append(flagged({
            "week": wk,
            "merged": len(group),
            "reviewed": sum(1 for r in group if r["verdict"]),
            "found_in_review": sum(1 for r in group if r["found"]),
            "escaped": sum(1 for r in group if r["escaped"]),
            "n": len(group),
        }, len(group), min_n, noun="merged"))
        day += timedelta(days=7)
    return out


def compute(
    store,
    *,
    repo: str | None = None,
    include_all: bool = False,
    since: float | None = None,
    min_samples: int = MIN_SAMPLES,
    now: float | None = None,
) -> dict:
    """The whole report as a plain dict (the JSON shape in the module doc)."""
    rows = load_rows(store, repo=repo, include_all=include_all, since=since)
    now_dt = datetime.fromtimestamp(now, timezone.utc) if now is not None else datetime.now(timezone.utc)
    return {
        "schema": SCHEMA,
        "generated_at": now_dt.replace(microsecond=0).isoformat(),
        "repo": repo,
        "population": "all" if include_all else "ai",
        "since": datetime.fromtimestamp(since, timezone.utc).isoformat() if since is not None else None,
        "min_samples": min_samples,
        "counts": {
            "changes": len(rows),
            "reviewed": sum(1 for r in rows if r["verdict"]),
            "sampled": sum(1 for r in rows if r["sampled"]),
            "escapes": sum(r["escapes"] for r in rows),
        },
        "effectiveness": effectiveness(rows, min_samples),
        "defect_rate": defect_rate(rows, min_samples),
        "review_time": review_time(rows, min_samples),
        "verdict_mix": verdict_mix(rows, min_samples),
        "velocity": velocity(rows, min_samples),
    }


# ------------------------------------------------------------------ text form


def _warn(fig: dict) -> str:
    return f"  ⚠ {fig['message']}" if fig.get("too_few") else ""


def _num(x: float | None, fmt: str = "{:.2f}") -> str:
    return "—" if x is None else fmt.format(x)


def render_text(report: dict, weeks: int = 12, width: int = 30) -> str:
    """The report for a terminal: short tables and a weekly text chart (plain ASCII/Unicode, no markup)."""
    from triage.sanitize import display

    c = report["counts"]
    scope = "all changes" if report["population"] == "all" else "AI changes"
    lines = [f"triage stats: {c['changes']} {scope}"
             + (f" in {display(report['repo'])}" if report["repo"] else "")
             + (f" since {report['since'][:10]}" if report["since"] else "")
             + f"; {c['reviewed']} reviewed, {c['sampled']} sampled, {c['escapes']} escapes", ""]

    e = report["effectiveness"]
    lines.append(f"Review effectiveness: {percent(e['value'])} (95% CI {interval(e)}); "
                 f"{e['found_in_review']} found in review, {e['escaped']} escaped "
                 f"({e['escaped_after_approval']} after approval, {e['escaped_unreviewed']} unreviewed); "
                 f"n={e['n']}{_warn(e)}")
    lines.append("")

    dr = report["defect_rate"]
    lines.append("Estimated defect rate from the random deep-dive sample (Hájek; Wilson 95% CI on n_eff)")
    lines.append(f"  {'TIER':<9}{'RATE':>7}  {'95% CI':<13}{'n':>4}{'n_eff':>7}{'SAMPLED':>8}{'POP':>6}"
                 f"{'UNREVIEWED':>11}{'EST.DEFECTS':>12}")
    for name, fig in [("overall", dr["overall"]), *dr["by_tier"].items()]:
        lines.append(f"  {name:<9}{percent(fig['value']):>7}  {interval(fig):<13}{fig['n']:>4}{fig['n_eff']:>7.1f}"
                     f"{fig['sampled']:>8}{fig['population']:>6}{fig['unreviewed']:>11}"
                     f"{_num(fig['estimated_unreviewed_defects'], '{:.1f}'):>12}{_warn(fig)}")
    lines.append("")

    rt = report["review_time"]
    lines.append("Review time per changed line (seconds)")
    lines.append(f"  {'GROUP':<16}{'S/LINE':>8}{'MEDIAN':>8}{'LINES':>7}{'n':>4}")
    for title, groups in (("tier", rt["by_tier"]), ("agent", rt["by_agent"])):
        for name, fig in groups.items():
            lines.append(f"  {display(f'{title} {name}')[:16]:<16}{_num(fig['seconds_per_line']):>8}"
                         f"{_num(fig['median_seconds_per_line']):>8}{fig['lines']:>7}{fig['n']:>4}{_warn(fig)}")
    lines.append("")

    lines.append("Verdict mix by agent (latest verdicts)")
    if not report["verdict_mix"]:
        lines.append("  no verdicts yet")
    else:
        lines.append(f"  {'AGENT':<12}{'n':>4}" + "".join(f"{v:>11}" for v in VERDICTS))
        for agent, fig in report["verdict_mix"].items():
            lines.append(f"  {display(agent)[:12]:<12}{fig['n']:>4}"
                         + "".join(f"{fig[v]:>5} {percent(fig['shares'][v]):>5}" for v in VERDICTS) + _warn(fig))
    lines.append("")

    vel = report["velocity"][-weeks:]
    lines.append(f"Velocity: changes merged per ISO week (last {len(vel)}), with defects found (F) and escaped (E)")
    top = max((w["merged"] for w in vel), default=0)
    for w in vel:
        lines.append(f"  {w['week']}  {bar(w['merged'], top, width):<{width}} {w['merged']:>4}  "
                     f"F {w['found_in_review']:<3} E {w['escaped']:<3} reviewed {w['reviewed']}")
    if not vel:
        lines.append("  nothing merged yet")
    return "\n".join(lines) + "\n"
