"""Provides :class:`StatsScreen`: counts by tier and agent, the verdict mix and review progress.

Each panel is a function of :class:`~triage.review.QueueStats` registered in
:data:`PANELS`; add a panel by appending ``(title, function)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Footer, Static

from triage.review import QueueStats, queue_stats, review_seconds
from tui.messages import StatsLoaded, StoreFailed
from tui.safe import safe_line, safe_text
from tui.widgets.queue_table import STATE_STYLE, TIER_STYLE

if TYPE_CHECKING:
    from tui.app import TriageApp

BAR_WIDTH = 28


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
"""The stats panels, in order: ``(title, render)``."""


class StatsScreen(Screen):
    """Queue statistics."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="stats.back", tooltip="Back to the previous screen."),
        Binding("r", "reload", "Reload", id="stats.reload", tooltip="Compute the stats again."),
        Binding("H", "toggle_all", "Humans too", id="stats.all", tooltip="Include human- and bot-authored changes."),
    ]
    """Keys of the stats screen."""

    def __init__(self, include_all: bool = False) -> None:
        super().__init__()
        self.include_all = include_all

    @property
    def triage(self) -> "TriageApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(Text("triage · stats", style="bold"), id="stats-title", markup=False)
        with Grid(id="stats-grid"):
            for n, (title, _) in enumerate(PANELS):
                panel = Static(Text("…", style="dim"), id=f"stats-panel-{n}", classes="stats-panel", markup=False)
                panel.border_title = title
                yield panel
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self._load(self.include_all)

    def action_toggle_all(self) -> None:
        self.include_all = not self.include_all
        self.action_reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False, description="Computing stats")
    def _load(self, include_all: bool) -> None:
        from triage.queue import load_queue
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                items = load_queue(store, include_all=include_all)
                secs = review_seconds(store)
        except Exception as exc:  # noqa: BLE001 - shown in the UI
            self.post_message(StoreFailed("compute the stats", str(exc)))
            return
        self.post_message(StatsLoaded(queue_stats(items, secs), {"include_all": include_all}))

    def on_stats_loaded(self, message: StatsLoaded) -> None:
        scope = "all authors" if message.extra.get("include_all") else "AI-authored changes"
        self.query_one("#stats-title", Static).update(
            Text.assemble(("triage · stats", "bold"), (f"   {message.stats.total} {scope}", "dim")))
        for n, (_, render) in enumerate(PANELS):
            self.query_one(f"#stats-panel-{n}", Static).update(render(message.stats))

    def on_store_failed(self, message: StoreFailed) -> None:
        self.query_one("#stats-title", Static).update(
            Text.assemble((f"Could not {message.action}: ", "bold red"), safe_text(message.error)))
