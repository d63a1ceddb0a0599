"""Provides the control-effectiveness panels of the stats screen and :class:`VelocityChart`.

Each ``*_panel`` function turns a part of the report of
:func:`triage.controls.compute` into a markup-free renderable: review
effectiveness, the estimated defect rate of the unreviewed population per
tier, review time per changed line, and the verdict mix per agent. A figure
that rests on too few samples keeps its numbers and shows its ``message``
("too few samples: …") beside them, never hidden. Agent names come from the
store and go through ``safe_line``.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual_plotext import PlotextPlot

from triage.models import VERDICTS
from triage.present import interval, percent
from triage.review.outline import velocity_series
from tui.safe import safe_line
from tui.widgets.queue_table import STATE_STYLE, TIER_STYLE

__all__ = [
    "VelocityChart",
    "defect_rate_panel",
    "effectiveness_panel",
    "velocity_note",
    "review_time_panel",
    "verdict_mix_panel",
]

WARN_STYLE = "yellow"
"""How a "too few samples" message is drawn."""

CHART_WEEKS = 12
"""The velocity chart shows at most this many recent weeks."""

SERIES: tuple[tuple[str, str, str], ...] = (
    ("merged", "cyan", "cyan"),
    ("found in review", "orange", "dark_orange"),
    ("escaped", "red", "red"),
)
"""The chart's bars: ``(label, plotext colour, rich colour for the legend)``."""


def warning(fig: dict) -> Text:
    """The figure's "too few samples" message (empty when it has enough)."""
    if not fig.get("too_few") or not fig.get("message"):
        return Text("", end="")
    return Text(f"⚠ {fig['message']}", style=WARN_STYLE, end="")


def _num(value: float | None, fmt: str = "{:.2f}") -> str:
    return "—" if value is None else fmt.format(value)


def _table(*columns: tuple[str, str]) -> Table:
    """A borderless table; ``columns`` are ``(header, justify)``; the last one (notes) takes the rest and wraps."""
    table = Table(box=None, padding=(0, 2, 0, 0), expand=True, show_edge=False, header_style="bold dim")
    for header, justify in columns:
        table.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    table.add_column("", ratio=1, overflow="fold")
    return table


def _tier(tier: str) -> Text:
    style = TIER_STYLE.get(tier)
    return Text(tier, style=(style.bgcolor.name if style and style.bgcolor else "bold"), end="")


def effectiveness_panel(report: dict) -> Text:
    """Found in review ÷ (found + escaped), its 95 % interval and n, and the population counted."""
    e = report["effectiveness"]
    c = report["counts"]
    out = Text("found in review ÷ (found + escaped)\n", style="dim", end="")
    out.append(percent(e["value"]), "bold green" if e["value"] is not None and not e["too_few"] else "bold")
    out.append(f"   95% CI {interval(e)}", "cyan")
    out.append(f"   n {e['n']} defect{'s' if e['n'] != 1 else ''}\n", "dim")
    out.append(f"{e['found_in_review']} found in review", "bold")
    out.append(" · ")
    out.append(f"{e['escaped']} escaped", "bold red" if e["escaped"] else "")
    out.append(f" ({e['escaped_after_approval']} after approval, {e['escaped_unreviewed']} unreviewed)\n", "dim")
    if e.get("too_few"):
        out.append_text(warning(e))
        out.append("\n")
    scope = "changes" if report.get("population") == "all" else "AI changes"
    out.append(f"{c['changes']} {scope} · {c['reviewed']} reviewed · {c['sampled']} sampled ★ · "
               f"{c['escapes']} escape{'s' if c['escapes'] != 1 else ''} recorded", "dim")
    return out


def defect_rate_panel(report: dict) -> Table:
    """The Hájek defect-rate estimate of the unreviewed population: overall and per tier."""
    dr = report["defect_rate"]
    table = _table(("tier", "left"), ("rate", "right"), ("95% CI", "right"), ("n", "right"), ("n_eff", "right"),
                   ("unrev.", "right"), ("est. defects", "right"))
    for name, fig in [("overall", dr["overall"]), *dr["by_tier"].items()]:
        label = Text(name, style="bold", end="") if name == "overall" else _tier(name)
        table.add_row(label, Text(percent(fig["value"]), style="bold" if fig["value"] is not None else "dim"),
                      interval(fig), str(fig["n"]), f"{fig['n_eff']:.1f}", str(fig["unreviewed"]),
                      _num(fig["estimated_unreviewed_defects"], "{:.1f}"), warning(fig))
    return table


def review_time_panel(report: dict) -> Table:
    """Seconds per changed line, by tier (CRITICAL first), then by agent."""
    rt = report["review_time"]
    table = _table(("group", "left"), ("s/line", "right"), ("median", "right"), ("lines", "right"), ("n", "right"))

    def add(label: Text, fig: dict) -> None:
        table.add_row(label, Text(_num(fig["seconds_per_line"]), style="bold"), _num(fig["median_seconds_per_line"]),
                      str(fig["lines"]), str(fig["n"]), warning(fig))

    for tier, fig in rt["by_tier"].items():
        add(_tier(tier), fig)
    for agent, fig in rt["by_agent"].items():
        add(safe_line(agent, "cyan", limit=14), fig)
    return table


def verdict_mix_panel(report: dict) -> Table | Text:
    """The latest verdicts per agent: counts and shares."""
    mix = report["verdict_mix"]
    if not mix:
        return Text("No verdicts yet: the mix shows once changes are reviewed.", style="dim", end="")
    table = _table(("agent", "left"), ("n", "right"), *((v, "right") for v in VERDICTS))
    for agent, fig in mix.items():
        cells = [Text(f"{fig[v]} {percent(fig['shares'][v], 0):>4}", style=STATE_STYLE.get(v, "") if fig[v] else "dim",
                      end="") for v in VERDICTS]
        table.add_row(safe_line(agent, "cyan", limit=14), str(fig["n"]), *cells, warning(fig))
    return table


def velocity_note(report: dict) -> Text:
    """Under the chart: the weeks whose counts rest on too few changes (their messages, summed up)."""
    weeks = report["velocity"][-CHART_WEEKS:]
    if not weeks:
        return Text("nothing merged yet", style="dim", end="")
    labels = velocity_series(weeks, CHART_WEEKS)[0]
    thin = [(label, w) for label, w in zip(labels, weeks) if w.get("too_few")]
    totals = (sum(w["merged"] for w in weeks), sum(w["found_in_review"] for w in weeks),
              sum(w["escaped"] for w in weeks))
    text = Text(end="")
    for (label, _, colour), total in zip(SERIES, totals):
        text.append("■ ", colour)
        text.append(f"{label} {total}  ")
    text.rstrip()
    if len(thin) == 1:
        text.append("\n")
        text.append(f"⚠ {thin[0][0]}: {thin[0][1]['message']}", WARN_STYLE)
    elif thin:
        text.append("\n")
        text.append(f"⚠ too few samples in {len(thin)} weeks ({', '.join(label for label, _ in thin[:6])}"
                    f"{', …' if len(thin) > 6 else ''}): fewer than {report.get('min_samples', 5)} merged",
                    WARN_STYLE)
    return text


class VelocityChart(PlotextPlot):
    """AI changes merged per ISO week, next to the defects found in review and escaped."""

    def show(self, velocity: list[dict]) -> None:
        """Draw the last :data:`CHART_WEEKS` weeks of ``velocity`` (the report's list)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        labels, merged, found, escaped = velocity_series(velocity, CHART_WEEKS)
        if labels:
            plt.multiple_bar(labels, [merged, found, escaped], color=[c for _, c, _ in SERIES])
        else:
            plt.title("nothing merged yet")
        plt.xlabel("ISO week")
        self.refresh()
