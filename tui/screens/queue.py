"""Provides :class:`QueueScreen`: the risk-ordered queue with filters, search and one-key verdicts.

The queue is read from the store in a thread worker (its own Store), posted
back as :class:`~tui.messages.QueueLoaded`. Filters (tier, agent, reviewer,
state, deep-dive sample, AI-only) reload from the store; the ``/`` search
filters the loaded rows as you type. In deep-dive mode, a verdict on a change
in the deep dive first reads its open security checklist items (a worker), so
the verdict form can refuse until they are answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from triage.review import (
    STATE_CYCLE,
    TIER_CYCLE,
    QueueFilter,
    approval_concerns,
    cycle,
    matches_search,
    queue_facets,
    quick_approve_allowed,
)
from triage.deepdive import in_scope
from tui.messages import DeepDiveChecked, QueueLoaded, StoreFailed
from tui.safe import safe_line, safe_plain, safe_text
from tui.screens.verdict import VerdictChoice, VerdictModal
from tui.widgets.queue_table import QueueTable, tier_badge
from tui.widgets.queue_title import QueueCounts, QueueTitle

if TYPE_CHECKING:
    from tui.app import TriageApp

EMPTY_QUEUE = Text.assemble(
    ("The queue is empty.\n\n", "bold"),
    "Fill it with ", ("triage ingest --repo PATH", "bold cyan"), " (the AI-authored commits of a local repository),\n",
    "or try ", ("triage demo", "bold cyan"), " for a ready-made example.",
)
"""What an empty queue says (and how to fill it)."""


def change_summary(item) -> Text:
    """One line naming a queue item (for dialogs)."""
    text = Text(end="")
    text.append_text(tier_badge(item.tier))
    text.append(" ")
    text.append_text(safe_text(item.short_id, "cyan"))
    text.append(" ")
    text.append_text(safe_line(item.title, limit=80))
    return text


class QueueScreen(Screen):
    """The review queue."""

    AUTO_FOCUS = "#queue-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("/", "search", "Search", id="queue.search", tooltip="Search titles, ids, agents, authors and paths."),
        Binding("t", "cycle_tier", "Tier", id="queue.tier", tooltip="Filter by tier: all, CRITICAL, HIGH, MEDIUM, LOW."),
        Binding("w", "cycle_agent", "Agent", id="queue.agent", tooltip="Filter by agent (cycles through the agents)."),
        Binding("m", "toggle_mine", "Mine", id="queue.mine",
                tooltip="Only changes assigned to or reviewed by you."),
        Binding("s", "cycle_state", "State", id="queue.state",
                tooltip="Filter by state: all, unreviewed, updated, draft, reviewed, then each verdict."),
        Binding("d", "toggle_sampled", "Deep-dive", show=False, id="queue.sampled",
                tooltip="The security deep dive: HIGH and CRITICAL changes plus every deep-dive sample (★)."),
        Binding("H", "toggle_all", "Humans too", show=False, id="queue.all",
                tooltip="Include human- and bot-authored changes."),
        Binding("x", "clear_filters", "Clear", show=False, id="queue.clear", tooltip="Clear every filter and the search."),
        Binding("a", "quick_approve", "Approve", id="queue.approve",
                tooltip="Approve: at once for a LOW change with no findings, otherwise after a confirmation."),
        Binding("v", "verdict", "Verdict", id="queue.verdict", tooltip="Record a verdict with a note."),
        Binding("o", "handover", "Hand over", show=False, id="queue.handover",
                tooltip="Hand the selected change to another reviewer of the team roster (never its author)."),
        Binding("D", "digest", "Digest", id="queue.digest",
                tooltip="The daily digest: merged since the last one, still unreviewed, verdicts given."),
        Binding("r", "reload", "Reload", show=False, id="queue.reload", tooltip="Read the queue again."),
        Binding("escape", "escape", "Close search", show=False, id="queue.escape", tooltip="Clear and close the search."),
    ]
    """Keys of the queue (the table adds Enter, j/k, g/G and the arrows)."""

    def __init__(self, initial: QueueFilter | None = None) -> None:
        super().__init__()
        self.filter = initial or QueueFilter()
        self.items: list = []
        self.facets: dict[str, list[str]] = {"agents": [], "reviewers": []}
        self.search = ""
        self.loaded = False
        self.to_push = 0
        """Forge posts waiting for ``triage push`` (shown in the title)."""
        self._pending: tuple | None = None

    @property
    def triage(self) -> "TriageApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield QueueTitle(id="queue-title")
        yield Static("", id="filter-bar", markup=False)
        yield Input(placeholder="search: words in the title, id, agent, author or paths (Esc closes)", id="search")
        yield QueueTable(id="queue-table")
        yield Static(Text("Loading the queue…", style="dim"), id="queue-empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one(QueueTable).display = False
        self._render_filter_bar()
        self.reload()

    # ------------------------------------------------------------ loading

    def reload(self, select: str | None = None) -> None:
        """Read the queue again (keeping the cursor on ``select`` or the current change)."""
        table = self.query_one(QueueTable)
        self._load(self.filter, select or table.selected_id())

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False, description="Loading the queue")
    def _load(self, flt: QueueFilter, select: str | None) -> None:
        from triage.queue import load_queue
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                items = load_queue(store, **flt.load_kwargs())
                facets = queue_facets(store)
                to_push = store.posts_waiting()
        except Exception as exc:  # noqa: BLE001 - reported in the UI, never a crash
            self.post_message(StoreFailed("load the queue", str(exc)))
            return
        self.post_message(QueueLoaded(items, flt, facets, select, to_push))

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        if message.filter != self.filter:
            return  # a newer filter is loading
        self.items = message.items
        self.facets = message.facets
        self.to_push = message.to_push
        self.loaded = True
        self._show(select=message.select)

    def on_store_failed(self, message: StoreFailed) -> None:
        self.loaded = True
        self.query_one("#queue-empty", Static).update(
            Text.assemble(("Could not ", "bold red"), (message.action, "bold red"), ": ", safe_text(message.error)))
        self.query_one("#queue-empty").display = True

    def visible_items(self) -> list:
        """The loaded items that match the search."""
        return [i for i in self.items if matches_search(i, self.search)]

    def _show(self, select: str | None = None) -> None:
        table = self.query_one(QueueTable)
        empty = self.query_one("#queue-empty", Static)
        shown = self.visible_items()
        table.show_items(shown, now=self.triage.now, select=select)
        table.display = bool(shown)
        empty.display = not shown
        if not shown:
            if self.items or self.filter.active or self.search:
                empty.update(Text("No change matches the filters and search. Press x to clear them.", style="bold"))
            else:
                empty.update(EMPTY_QUEUE)
        self._render_title(shown)
        self._render_filter_bar()
        if shown and not self.query_one("#search", Input).has_focus:
            table.focus()

    def _render_title(self, shown: list) -> None:
        self.query_one(QueueTitle).show_counts(QueueCounts.of(shown, demo=self.triage.demo, to_push=self.to_push))

    def _render_filter_bar(self) -> None:
        text = Text("filters ", style="dim", end="")
        keys = {"tier": "t", "agent": "w", "reviewer": "m", "state": "s", "authors": "H", "deep-dive": "d"}
        defaults = QueueFilter().describe()
        for (name, value), (_, default) in zip(self.filter.describe(), defaults):
            text.append(f" {keys[name]}", "bold")
            text.append(f" {name}=", "dim")
            text.append_text(safe_text(value, "bold yellow" if value != default else ""))
        if self.search:
            text.append("   /", "bold")
            text.append_text(safe_text(self.search, "bold yellow"))
        self.query_one("#filter-bar", Static).update(text)

    # ------------------------------------------------------------ filters

    def set_filter(self, flt: QueueFilter) -> None:
        """Apply ``flt`` and reload."""
        self.filter = flt
        self._render_filter_bar()
        self.reload()

    def action_cycle_tier(self) -> None:
        self.set_filter(self.filter.with_(tier=cycle(TIER_CYCLE, self.filter.tier)))

    def action_cycle_agent(self) -> None:
        self.set_filter(self.filter.with_(agent=cycle((None, *self.facets.get("agents", [])), self.filter.agent)))

    def action_toggle_mine(self) -> None:
        me = self.triage.reviewer
        self.set_filter(self.filter.with_(reviewer=None if self.filter.reviewer == me else me))

    def action_cycle_state(self) -> None:
        self.set_filter(self.filter.with_(state=cycle(STATE_CYCLE, self.filter.state)))

    def action_toggle_sampled(self) -> None:
        self.set_filter(self.filter.with_(deep_dive=not self.filter.deep_dive))

    def action_toggle_all(self) -> None:
        self.set_filter(self.filter.with_(include_all=not self.filter.include_all))

    def action_filter(self, field: str, value: str = "") -> None:
        """Set one filter field (used by the command palette); an empty value clears it."""
        self.set_filter(self.filter.with_(**{field: value or None}))

    def action_clear_filters(self) -> None:
        self.search = ""
        search = self.query_one("#search", Input)
        search.value = ""
        search.display = False
        self.set_filter(QueueFilter(include_all=self.filter.include_all))

    def action_reload(self) -> None:
        self.reload()

    # ------------------------------------------------------------- search

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.display:
            search.value = ""
            search.display = False
            self.search = ""
            self._show()
            self.query_one(QueueTable).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search = event.value
        self._show()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one(QueueTable).focus()

    # ------------------------------------------------------------ actions

    @on(QueueTable.ChangeChosen)
    def _change_chosen(self, event: QueueTable.ChangeChosen) -> None:
        self.triage.open_review(event.change_id)

    def on_data_table_row_selected(self, event) -> None:
        """A click on the highlighted row opens it, like Enter."""
        if event.row_key is not None and event.row_key.value:
            self.triage.open_review(event.row_key.value)

    def action_open_review(self) -> None:
        """Open the selected change."""
        change_id = self.query_one(QueueTable).selected_id()
        if change_id is not None:
            self.triage.open_review(change_id)

    def action_quick_approve(self) -> None:
        item = self.query_one(QueueTable).selected_item()
        if item is None:
            return
        if quick_approve_allowed(item.tier, item.findings, item.sampled):
            self.triage.record_verdict(item.id, "approve", "", None)
            return
        concerns = approval_concerns(tier=item.tier, findings=item.findings, sampled=item.sampled)
        self._ask_verdict(item, "approve", concerns)

    def action_verdict(self) -> None:
        item = self.query_one(QueueTable).selected_item()
        if item is not None:
            concerns = approval_concerns(tier=item.tier, findings=item.findings, sampled=item.sampled)
            self._ask_verdict(item, "approve" if not concerns else "needs-fix", concerns)

    def _ask_verdict(self, item, initial: str, concerns: list[str]) -> None:
        if self.triage.deep_dive and in_scope(item):
            self._pending = (item, initial, concerns)
            self._check_deep_dive(item.id)
            return
        self._open_verdict(item, initial, concerns, [])

    def _open_verdict(self, item, initial: str, concerns: list[str], blocked: list[dict]) -> None:
        deep_dive = self.triage.deep_dive

        def done(choice: VerdictChoice | None) -> None:
            if choice is not None:
                self.triage.record_verdict(item.id, choice.verdict, choice.note, None, deep_dive)

        self.app.push_screen(VerdictModal(change_summary(item), concerns=concerns, initial=initial, blocked=blocked),
                             done)

    @work(thread=True, exclusive=True, group="deep-dive", exit_on_error=False, description="Reading the checklist")
    def _check_deep_dive(self, change_id: str) -> None:
        from triage.deepdive import verdict_allowed
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                row = store.get_change(change_id) or {}
                missing = verdict_allowed(row, store.checklist_answers(change_id))[1]
        except Exception as exc:  # noqa: BLE001 - reported in the UI
            self.post_message(StoreFailed("read the checklist", str(exc)))
            return
        self.post_message(DeepDiveChecked(change_id, missing))

    def on_deep_dive_checked(self, message: DeepDiveChecked) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and pending[0].id == message.change_id and self.is_current:
            item, initial, concerns = pending
            self._open_verdict(item, initial, concerns, message.missing)

    def action_handover(self) -> None:
        change_id = self.query_one(QueueTable).selected_id()
        if change_id is not None:
            self.triage.start_handover(change_id)

    def action_digest(self) -> None:
        self.triage.action_show_digest()

    def notify_error(self, text: str) -> None:
        """Show an error toast (the text is untrusted)."""
        self.notify(safe_plain(text), severity="error", markup=False)
