"""Provides :class:`DigestScreen`: the daily digest, what merged, what still waits, what was decided.

``triage review --digest`` opens on it; the queue's ``D`` and the palette's
"view: daily digest" open it too. The digest is gathered by
:func:`triage.digest.build` in a thread worker (its own Store) for the window
from the last digest read (else yesterday 00:00 UTC) to now, and laid out by
:func:`triage.review.digest_outline`. Enter on a change opens its review;
``m`` marks the digest read (:func:`triage.digest.mark_run`, so the next one
starts here) and continues to the queue.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from triage.present import short_id
from triage.review.outline import digest_outline, DigestLine
from tui.messages import DigestLoaded, DigestMarked, StoreFailed
from tui.safe import safe_line, safe_plain, safe_text
from tui.widgets.footer import TriageFooter
from tui.widgets.queue_table import STATE_STYLE, TIER_STYLE, tier_badge

if TYPE_CHECKING:
    from tui.app import TriageApp

__all__ = ["DigestList", "DigestScreen", "digest_line_text"]


def _when(ts: float, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime(fmt)


def _cell(text: Text, width: int) -> Text:
    out = text.copy()
    out.truncate(width, overflow="ellipsis", pad=True)
    return out


def _item_text(it: dict, title_width: int, waiting: bool) -> Text:
    text = Text(end="")
    text.append_text(tier_badge(it["tier"]))
    text.append(" ★ " if it.get("sampled") else "   ", "bold yellow")
    text.append_text(_cell(safe_line(it["short_id"], "cyan", limit=12), 11))
    text.append(" ")
    text.append_text(_cell(safe_line(it["title"], limit=title_width), title_width))
    text.append("  ")
    text.append_text(_cell(safe_line(it.get("agent") or it.get("kind") or "", limit=10), 10))
    size = Text.assemble((f" +{it['added']}", "green"), (f"/-{it['deleted']}", "red"))
    text.append_text(_cell(size, 10))
    n = int(it.get("findings") or 0)
    text.append_text(_cell(Text(f" {n} finding{'s' if n != 1 else ''}", style="bold red" if n else "dim"), 12))
    if waiting:
        text.append(f" merged {_when(it['authored_at'], '%m-%d')}", "dim")
    else:
        text.append(" ")
        text.append_text(_cell(Text(it["state"], style=STATE_STYLE.get(it["state"], "")), 12))
    if it.get("assignee"):
        text.append("  → ", "dim")
        text.append_text(safe_line(it["assignee"], "cyan", limit=16))
    return text


def digest_line_text(line: DigestLine, title_width: int = 40) -> Text:
    """One digest line as a markup-free Text (titles, names and notes through ``safe_text``)."""
    if line.kind == "heading":
        return Text(line.text, style="bold underline", end="")
    if line.kind == "tier":
        data = line.data or {}
        text = Text("  ", end="")
        text.append(f" {line.text} ", TIER_STYLE.get(line.text, ""))
        text.append(f"  {data.get('n', 0)} merged", "bold")
        if data.get("sampled"):
            text.append(f"   ★ {data['sampled']} drawn for a deep dive: review in full", "yellow")
        return text
    if line.kind in ("empty", "more"):
        return Text(f"   {line.text}", style="dim italic", end="")
    data = line.data or {}
    if line.kind in ("item", "waiting"):
        return _item_text(data, title_width, waiting=line.kind == "waiting")
    if line.kind == "verdict":
        text = Text(f"{_when(data['created_at'])}  ", style="dim", end="")
        text.append(f"{data['verdict']:<9}", STATE_STYLE.get(data["verdict"], "bold"))
        short = short_id(str(data["change_id"]))
        text.append(" ")
        text.append_text(_cell(safe_line(short, "cyan", limit=12), 11))
        text.append(" ")
        text.append_text(_cell(safe_line(data.get("title", ""), limit=title_width), title_width))
        text.append("  by ", "dim")
        text.append_text(safe_line(data.get("reviewer") or "unknown", limit=16))
        if data.get("note"):
            text.append(": “", "dim")
            text.append_text(safe_line(data["note"], "italic", limit=40))
            text.append("”", "dim")
        return text
    if line.kind == "escape":
        text = Text(f"{_when(data['found_at'])}  escaped  ", style="bold red", end="")
        text.append_text(safe_line(data.get("title", ""), limit=title_width))
        text.append(": ", "dim")
        text.append_text(safe_line(data.get("note", ""), limit=50))
        return text
    return Text(line.text, end="")


class DigestList(OptionList):
    """The digest's lines; Enter on a change opens its review."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Review", id="digest.open", tooltip="Review the change under the cursor."),
        Binding("j", "cursor_down", "Down", show=False, id="digest.down", tooltip="Next change."),
        Binding("k", "cursor_up", "Up", show=False, id="digest.up", tooltip="Previous change."),
        Binding("g", "first", "First", show=False, id="digest.first", tooltip="First change."),
        Binding("G", "last", "Last", show=False, id="digest.last", tooltip="Last change."),
    ]
    """Keys of the digest list (the arrows, Home/End and PgUp/PgDn work too)."""


class DigestScreen(Screen):
    """The daily digest: merged since the last one (by tier), still unreviewed, verdicts given."""

    PALETTE: ClassVar[str] = "digest"
    """Which commands the palette offers here (:func:`tui.commands.commands_for`)."""

    AUTO_FOCUS = "#digest-list"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "mark_read", "Mark read", id="digest.mark_read",
                tooltip="Mark the digest read (the next one starts now) and continue to the queue."),
        Binding("escape", "back", "Queue", id="digest.back",
                tooltip="Go to the queue without marking the digest read."),
        Binding("r", "reload", "Reload", id="digest.reload", tooltip="Gather the digest again."),
    ]
    """Keys of the digest screen."""

    def __init__(self, *, include_all: bool = False) -> None:
        super().__init__()
        self.include_all = include_all
        self.digest: dict | None = None
        self.lines: list[DigestLine] = []

    @property
    def triage(self) -> "TriageApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(Text("triage · daily digest", style="bold"), id="digest-title", markup=False)
        yield Static(Text("Gathering the digest…", style="dim"), id="digest-summary", markup=False)
        yield DigestList(id="digest-list")
        yield TriageFooter()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Gather the digest again (the window ends now)."""
        self._load(self.include_all, self.triage.clock())

    @work(thread=True, exclusive=True, group="digest", exit_on_error=False, description="Gathering the digest")
    def _load(self, include_all: bool, until: float) -> None:
        from triage.services.reports import gather_digest
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                built, first = gather_digest(store, until, include_all=include_all)
        except Exception as exc:  # noqa: BLE001 - shown in the UI
            self.post_message(StoreFailed("gather the digest", str(exc)))
            return
        self.post_message(DigestLoaded(built, first))

    def on_digest_loaded(self, message: DigestLoaded) -> None:
        d = message.digest
        self.digest = d
        title = Text("triage · daily digest", style="bold", end="")
        title.append(f"   {_when(d['since'])} → {_when(d['until'])} UTC", "bold cyan")
        title.append("   since yesterday: no digest read yet" if message.first else "   since the last digest read",
                     "dim")
        if d["population"] == "all":
            title.append("   all authors", "dim")
        self.query_one("#digest-title", Static).update(title)
        summary = Text(end="")
        summary.append(f"{d['merged_total']} merged", "bold")
        summary.append("  ·  ")
        summary.append(f"★ {d['samples_total']} drawn for a deep dive",
                       "bold yellow" if d["samples_total"] else "dim")
        summary.append("  ·  ")
        summary.append(f"{d['unreviewed_total']} still unreviewed", "bold" if d["unreviewed_total"] else "dim")
        summary.append("  ·  ")
        summary.append(f"{d['verdicts_total']} verdict{'s' if d['verdicts_total'] != 1 else ''} given")
        if d.get("escapes_total"):
            summary.append("  ·  ")
            summary.append(f"{d['escapes_total']} escaped", "bold red")
        self.query_one("#digest-summary", Static).update(summary)
        self._show(digest_outline(d))

    def _show(self, lines: list[DigestLine]) -> None:
        listing = self.query_one(DigestList)
        keep = self.selected_id()
        self.lines = lines
        width = max(20, (self.size.width or self.app.size.width) - 84)
        listing.set_options([Option(digest_line_text(line, width), disabled=line.change_id is None)
                             for line in lines])
        target = next((n for n, line in enumerate(lines) if keep and line.change_id == keep), None)
        if target is None:
            target = next((n for n, line in enumerate(lines) if line.change_id), None)
        listing.highlighted = target

    def selected_id(self) -> str | None:
        """The change under the cursor, if the cursor is on one."""
        index = self.query_one(DigestList).highlighted
        if index is None or index >= len(self.lines):
            return None
        return self.lines[index].change_id

    @on(OptionList.OptionSelected, "#digest-list")
    def _line_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.lines) and self.lines[event.option_index].change_id:
            self.triage.open_review(self.lines[event.option_index].change_id)

    def action_open_review(self) -> None:
        """Review the change under the cursor (the palette's way to Enter)."""
        change_id = self.selected_id()
        if change_id:
            self.triage.open_review(change_id)

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_mark_read(self) -> None:
        if self.digest is None:
            return
        self._mark(self.digest["until"])

    @work(thread=True, exclusive=True, group="digest-mark", exit_on_error=False, description="Marking the digest read")
    def _mark(self, until: float) -> None:
        from triage.services.reports import mark_digest_read
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                mark_digest_read(store, until)
        except Exception as exc:  # noqa: BLE001 - shown in the UI; the digest stays open
            self.post_message(StoreFailed("mark the digest read", str(exc)))
            return
        self.post_message(DigestMarked(until))

    def on_digest_marked(self, message: DigestMarked) -> None:
        self.notify(f"Digest read up to {_when(message.until)} UTC: the next one starts there.", title="Digest",
                    markup=False, timeout=4)
        self.triage.action_show_queue()

    def on_store_failed(self, message: StoreFailed) -> None:
        self.query_one("#digest-summary", Static).update(
            Text.assemble((f"Could not {message.action}: ", "bold red"), safe_text(message.error)))
        self.notify(safe_plain(f"Could not {message.action}: {message.error}"), severity="error", markup=False)
