"""Provides :class:`StatsScreen`: are the review controls working, and what is in the queue.

The top of the screen is the control-effectiveness report of
:func:`triage.controls.compute` (review effectiveness with its interval, the
estimated defect rate of the unreviewed population per tier, review time per
changed line, the verdict mix per agent, and a weekly chart of velocity next
to the defects found and escaped), drawn by :mod:`tui.widgets.report`. Below
it, the queue counts: each a function of :class:`~triage.review.QueueStats`
registered in :data:`PANELS` (add one by appending ``(title, function)``).
Both are computed in one thread worker with its own Store. The page scrolls
(``j``/``k``, PgUp/PgDn); below 96 columns the top row stacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from triage.review.queue import queue_stats, QueueStats

from tui.messages import StatsLoaded, StoreFailed
from tui.safe import safe_line, safe_text
from tui.widgets.footer import TriageFooter
from tui.widgets.queue_table import STATE_STYLE, TIER_STYLE
from tui.widgets.report import (
    VelocityChart,
    defect_rate_panel,
    effectiveness_panel,
    review_time_panel,
    velocity_note,
    verdict_mix_panel,
)

if TYPE_CHECKING:
    from tui.app import TriageApp

BAR_WIDTH = 24


def bar_rows(rows: list[tuple[Text, int, str]], total: int) -> Text:
    """Labelled horizontal bars: ``(label, count, style)`` each."""
    out = Text(end="")
    top = max((n for _, n, _ in rows), default=0) or 1
    for i, (label, n, style) in enumerate(rows):
        if i:
            out.append("\n")
        label = label.copy()
        label.truncate(12, pad=True)
        out.append_text(label)
        out.append(" ")
        out.append("█" * round(BAR_WIDTH * n / top) or ("▏" if n else ""), style)
        share = f" {n}" + (f"  {n / total:.0%}" if total else "")
        out.append(share, "bold" if n else "dim")
    return out


def tier_panel(s: QueueStats) -> Text:
    """Changes per risk tier."""
    return bar_rows([(Text(t), n, TIER_STYLE[t].bgcolor.name if TIER_STYLE[t].bgcolor else "")
                     for t, n in s.by_tier.items()], s.total)


def agent_panel(s: QueueStats) -> Text:
    """Changes per agent (or author kind)."""
    if not s.by_agent:
        return Text("no changes", style="dim")
    return bar_rows([(safe_line(a, limit=12), n, "cyan") for a, n in s.by_agent.items()], s.total)


def verdict_panel(s: QueueStats) -> Text:
    """The verdict mix, unreviewed included."""
    rows = [(Text(v), n, STATE_STYLE.get(v, "")) for v, n in s.verdicts.items()]
    rows.append((Text("unreviewed"), s.unreviewed, "grey50"))
    return bar_rows(rows, s.total)


def progress_panel(s: QueueStats) -> Text:
    """Reviewed vs unreviewed, deep-dive samples, findings and time spent."""
    out = Text(end="")
    done = s.reviewed / s.total if s.total else 0.0
    filled = round(BAR_WIDTH * done)
    out.append("reviewed     ")
    out.append("█" * filled, "green")
    out.append("░" * (BAR_WIDTH - filled), "grey50")
    out.append(f" {s.reviewed}/{s.total}\n", "bold")
    out.append(f"unreviewed   {s.unreviewed}\n")
    out.append(f"deep-dive ★  {s.sampled}\n")
    out.append(f"findings     {s.findings}\n")
    if s.reviewed_sessions:
        mean = s.review_seconds / s.reviewed_sessions
        out.append(f"time spent   {s.review_seconds / 60:.1f} min over {s.reviewed_sessions} sessions "
                   f"({mean:.0f}s each)")
    else:
        out.append("time spent   none recorded yet", "dim")
    return out


PANELS: list[tuple[str, Callable[[QueueStats], Text]]] = [
    ("By tier", tier_panel),
    ("By agent", agent_panel),
    ("Verdicts", verdict_panel),
    ("Progress", progress_panel),
]
"""The queue panels, in order: ``(title, render)``."""

REPORT_PANELS: list[tuple[str, str, Callable[[dict], object]]] = [
    ("stats-effectiveness", "Review effectiveness", effectiveness_panel),
    ("stats-defect-rate", "Estimated defect rate of the unreviewed, by tier (Hájek; Wilson 95% CI on n_eff)",
     defect_rate_panel),
    ("stats-review-time", "Review time per changed line (seconds), by tier and agent", review_time_panel),
    ("stats-verdict-mix", "Verdict mix by agent (latest verdicts)", verdict_mix_panel),
]
"""The control-effectiveness panels: ``(id, title, render(report))``."""

NARROW = 96
"""Below this width the top row (effectiveness and progress | chart) stacks."""


class StatsScreen(Screen):
    """Queue statistics."""

    AUTO_FOCUS = "#stats-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="stats.back", tooltip="Back to the previous screen."),
        Binding("r", "reload", "Reload", id="stats.reload", tooltip="Compute the stats again."),
        Binding("H", "toggle_all", "Humans too", id="stats.all", tooltip="Include human- and bot-authored changes."),
        Binding("j", "scroll('down')", "Down", show=False, id="stats.down", tooltip="Scroll down."),
        Binding("k", "scroll('up')", "Up", show=False, id="stats.up", tooltip="Scroll up."),
    ]
    """Keys of the stats screen (the arrows, PgUp/PgDn and Home/End scroll too)."""

    def __init__(self, include_all: bool = False) -> None:
        super().__init__()
        self.include_all = include_all
        self.report: dict = {}

    @property
    def triage(self) -> "TriageApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(Text("triage · stats", style="bold"), id="stats-title", markup=False)
        with VerticalScroll(id="stats-body"):
            with Horizontal(id="stats-top"):
                with Vertical(id="stats-top-left"):
                    yield self._panel("stats-effectiveness", REPORT_PANELS[0][1])
                    yield self._panel(f"stats-panel-{len(PANELS) - 1}", PANELS[-1][0])
                with Vertical(id="stats-velocity", classes="stats-panel") as box:
                    box.border_title = "Velocity per ISO week"
                    yield VelocityChart(id="stats-chart")
                    yield Static(Text("…", style="dim"), id="stats-velocity-note", markup=False)
            for panel_id, title, _ in REPORT_PANELS[1:]:
                yield self._panel(panel_id, title)
            with Horizontal(id="stats-queue"):
                for n, (title, _) in enumerate(PANELS[:-1]):
                    yield self._panel(f"stats-panel-{n}", title)
        yield TriageFooter()

    @staticmethod
    def _panel(panel_id: str, title: str) -> Static:
        panel = Static(Text("…", style="dim"), id=panel_id, classes="stats-panel", markup=False)
        panel.border_title = title
        return panel

    def on_mount(self) -> None:
        self.action_reload()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    def action_reload(self) -> None:
        self._load(self.include_all)

    def action_toggle_all(self) -> None:
        self.include_all = not self.include_all
        self.action_reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll(self, direction: str) -> None:
        self.query_one("#stats-body", VerticalScroll).scroll_relative(y=1 if direction == "down" else -1,
                                                                     animate=False)

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False, description="Computing stats")
    def _load(self, include_all: bool) -> None:
        from triage.services.reports import control_report, queue
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                items = queue(store, include_all=include_all)
                secs = store.review_seconds()
                report = control_report(store, include_all=include_all, now=self.triage.now)
        except Exception as exc:  # noqa: BLE001 - shown in the UI
            self.post_message(StoreFailed("compute the stats", str(exc)))
            return
        self.post_message(StatsLoaded(queue_stats(items, secs), {"include_all": include_all}, report))

    def on_stats_loaded(self, message: StatsLoaded) -> None:
        scope = "all authors" if message.extra.get("include_all") else "AI-authored changes"
        self.query_one("#stats-title", Static).update(
            Text.assemble(("triage · stats", "bold"), (f"   {message.stats.total} {scope}", "dim")))
        for n, (_, render) in enumerate(PANELS):
            self.query_one(f"#stats-panel-{n}", Static).update(render(message.stats))
        self.report = message.report
        if message.report:
            for panel_id, _, render in REPORT_PANELS:
                self.query_one(f"#{panel_id}", Static).update(render(message.report))
            self.query_one(VelocityChart).show(message.report["velocity"])
            self.query_one("#stats-velocity-note", Static).update(velocity_note(message.report))

    def on_store_failed(self, message: StoreFailed) -> None:
        self.query_one("#stats-title", Static).update(
            Text.assemble((f"Could not {message.action}: ", "bold red"), safe_text(message.error)))
