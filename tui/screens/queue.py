"""Provides :class:`QueueScreen`: the risk-ordered queue with filters, search and one-key verdicts.

The queue is read from the store in a thread worker (its own Store), posted
back as :class:`~tui.messages.QueueLoaded`. Filters (tier, agent, reviewer,
state, deep-dive sample, AI-only) reload from the store; the ``/`` search
filters the loaded rows as you type. ``a`` and ``v`` first ask the approval
check of the stored change in a worker (:func:`triage.services.changes.gather_approval_facts`:
the same question of the same data as the Review screen) and, in deep-dive
mode, read its open security checklist items, so the verdict form lists every
concern and refuses until the security items are answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input, Static

from triage.review.queue import cycle, matches_search, QueueFilter, STATE_CYCLE, TIER_CYCLE

from triage.services.changes import queue_facets
from triage.deepdive import in_scope
from tui.messages import ApprovalChecked, QueueLoaded, StoreFailed
from tui.safe import safe_line, safe_plain, safe_text
from tui.screens.picker import PickerModal
from tui.screens.verdict import VerdictChoice, VerdictModal
from tui.widgets.fitted import FittedStatic
from tui.widgets.footer import TriageFooter
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

    PALETTE: ClassVar[str] = "queue"
    """Which commands the palette offers here (:func:`tui.commands.commands_for`)."""

    AUTO_FOCUS = "#queue-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("/", "search", "Search", id="queue.search", tooltip="Search titles, ids, agents, authors and paths."),
        Binding("a", "quick_approve", "Approve", id="queue.approve",
                tooltip="Approve: at once when the approval check finds no concern, otherwise after a confirmation."),
        Binding("v", "verdict", "Verdict", id="queue.verdict", tooltip="Record a verdict with a note."),
        Binding("u", "undo", "Undo approve", show=False, id="queue.undo",
                tooltip="Undo this session's latest one-key approve (records a superseding 'withdrawn' verdict)."),
        Binding("t", "cycle_tier", "Tier", id="queue.tier", tooltip="Filter by tier: all, CRITICAL, HIGH, MEDIUM, LOW."),
        Binding("w", "pick_agent", "Agent", id="queue.agent", tooltip="Filter by agent: pick one from a list."),
        Binding("m", "toggle_mine", "Mine", id="queue.mine",
                tooltip="Only changes assigned to or reviewed by you."),
        Binding("M", "pick_reviewer", "Reviewer", show=False, id="queue.reviewer",
                tooltip="Filter by reviewer: pick anyone who is assigned or gave a verdict."),
        Binding("s", "cycle_state", "State", id="queue.state",
                tooltip="Filter by state: all, unreviewed, updated, draft, reviewed, then each verdict."),
        Binding("D", "digest", "Digest", id="queue.digest",
                tooltip="The daily digest: merged since the last one, still unreviewed, verdicts given."),
        Binding("d", "toggle_sampled", "Deep-dive", show=False, id="queue.sampled",
                tooltip="The security deep dive: HIGH and CRITICAL changes plus every deep-dive sample (★)."),
        Binding("H", "toggle_all", "Humans too", show=False, id="queue.all",
                tooltip="Include human- and bot-authored changes."),
        Binding("x", "clear_filters", "Clear", show=False, id="queue.clear", tooltip="Clear every filter and the search."),
        Binding("o", "handover", "Hand over", show=False, id="queue.handover",
                tooltip="Hand the selected change to another reviewer of the team roster (never its author)."),
        Binding("b", "browser", "Browser", show=False, id="queue.browser",
                tooltip="Open the selected change's web page (a local commit's: from the origin remote)."),
        Binding("y", "copy", "Copy", show=False, id="queue.copy",
                tooltip="Copy the selected change's id, sha or URL (OSC 52 once [clipboard] osc52 = true)."),
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

    @property
    def triage(self) -> "TriageApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield QueueTitle(id="queue-title")
        yield FittedStatic(Text(""), id="filter-bar")
        yield Input(placeholder="search: words in the title, id, agent, author or paths (Esc closes)", id="search")
        yield QueueTable(id="queue-table")
        yield Static(Text("Loading the queue…", style="dim"), id="queue-empty", markup=False)
        yield TriageFooter()

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
        from triage.identity import reviewer_known
        from triage.services.reports import queue
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                items = queue(store, **flt.load_kwargs())
                facets = queue_facets(store)
                to_push = store.posts_waiting()
                known = reviewer_known(store, self.triage.reviewer)
        except Exception as exc:  # noqa: BLE001 - reported in the UI, never a crash
            self.post_message(StoreFailed("load the queue", str(exc)))
            return
        self.post_message(QueueLoaded(items, flt, facets, select, to_push, known))

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        if message.filter != self.filter:
            return  # a newer filter is loading
        self.items = message.items
        self.facets = message.facets
        self.to_push = message.to_push
        self.loaded = True
        self._show(select=message.select)
        self.triage.tell_identity(message.reviewer_known)

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
            me = self.triage.reviewer
            if self.filter.reviewer == me and self.filter.with_(reviewer=None) == QueueFilter(
                    include_all=self.filter.include_all) and not self.search:
                empty.update(Text.assemble(
                    "Nothing is assigned to or was reviewed by ", safe_text(me, "bold"),
                    f" ({self.triage.reviewer_source}).\n",
                    "Set TRIAGE_REVIEWER to review under another name; press m or x to show every change.",
                    style="bold"))
            elif self.items or self.filter.active or self.search:
                empty.update(Text("No change matches the filters and search. Press x to clear them.", style="bold"))
            else:
                empty.update(EMPTY_QUEUE)
        self._render_title(shown)
        self._render_filter_bar()
        if shown and not self.query_one("#search", Input).has_focus:
            table.focus()

    def _render_title(self, shown: list) -> None:
        self.query_one(QueueTitle).show_counts(QueueCounts.of(shown, demo=self.triage.demo, to_push=self.to_push,
                                                              reviewer=self.triage.reviewer))

    def _render_filter_bar(self) -> None:
        self.query_one("#filter-bar", FittedStatic).show([self._filter_bar(compact) for compact in range(3)])

    def _filter_bar(self, compact: int = 0) -> Text:
        """One form of the filter bar: ``compact`` 1 narrows it, 2 lists only the filters that are set.
        The deep-dive mode is in every form, so the screen always says whether it is on."""
        text = Text("filters " if compact == 0 else "", style="dim", end="")
        keys = {"tier": "t", "agent": "w", "reviewer": "M", "state": "s", "authors": "H", "deep-dive": "d"}
        defaults = QueueFilter().describe()
        mode = self.triage.deep_dive
        for (name, value), (_, default) in zip(self.filter.describe(), defaults):
            if name == "deep-dive":
                value = value if self.filter.deep_dive or not mode else "off; --deep-dive rules apply"
            elif compact == 2 and value == default:
                continue
            text.append(f" {keys[name]}", "bold")
            text.append(f" {name}=" if compact == 0 else f" {name}:", "dim")
            text.append_text(safe_text(value, "bold yellow" if value != default else ""))
            if compact:
                text.append(" ")
        if self.search:
            text.append("   /" if compact == 0 else " /", "bold")
            text.append_text(safe_line(self.search, "bold yellow", limit=40 if compact < 2 else 16))
        return text

    # ------------------------------------------------------------ filters

    def set_filter(self, flt: QueueFilter) -> None:
        """Apply ``flt`` and reload."""
        self.filter = flt
        self._render_filter_bar()
        self.reload()

    def action_cycle_tier(self) -> None:
        self.set_filter(self.filter.with_(tier=cycle(TIER_CYCLE, self.filter.tier)))

    def action_pick_agent(self) -> None:
        """Choose the agent filter from the agents in the store."""
        self._pick("Filter by agent", "agent", self.facets.get("agents", []), self.filter.agent)

    def action_pick_reviewer(self) -> None:
        """Choose the reviewer filter from everyone assigned or who gave a verdict."""
        people = list(self.facets.get("reviewers", []))
        if self.triage.reviewer not in people:
            people.insert(0, self.triage.reviewer)
        self._pick("Filter by reviewer", "reviewer", people, self.filter.reviewer, every="anyone")

    def _pick(self, title: str, field: str, values: list[str], current: str | None, every: str = "all") -> None:
        def done(value: str | None) -> None:
            if value is not None:
                self.set_filter(self.filter.with_(**{field: value or None}))

        self.app.push_screen(PickerModal(title, values, current, every=every), done)

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

    def action_open_review(self) -> None:
        """Open the selected change."""
        change_id = self.query_one(QueueTable).selected_id()
        if change_id is not None:
            self.triage.open_review(change_id)

    def action_quick_approve(self) -> None:
        """Approve the selected change: at once when the approval check has no concern, else via the form."""
        item = self.query_one(QueueTable).selected_item()
        if item is not None:
            self._check_approval(item, "approve", self.triage.deep_dive)

    def action_verdict(self) -> None:
        item = self.query_one(QueueTable).selected_item()
        if item is not None:
            self._check_approval(item, "verdict", self.triage.deep_dive)

    @work(thread=True, exclusive=True, group="approval", exit_on_error=False, description="Checking the change")
    def _check_approval(self, item, intent: str, deep_dive: bool) -> None:
        """Ask the Review screen's approval question of the stored change (its findings, checklist
        and diff), and read its open security items in deep-dive mode."""
        from triage.approval import approval_concerns
        from triage.services.changes import gather_approval_facts
        from triage.deepdive import verdict_allowed
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                row, facts = gather_approval_facts(store, item.id, self.triage.repo)
                blocked = (verdict_allowed(row, store.checklist_answers(item.id))[1]
                           if deep_dive and in_scope(row.get("tier"), row.get("sampled")) else [])
        except Exception as exc:  # noqa: BLE001 - a toast: the queue itself is still fine
            self.app.post_message(StoreFailed("check the change before a verdict", str(exc)))
            return
        self.post_message(ApprovalChecked(item, intent, approval_concerns(facts), blocked))

    def on_approval_checked(self, message: ApprovalChecked) -> None:
        if not self.is_current:
            return  # the reviewer moved on (a review or a dialog opened meanwhile)
        item = message.item
        if message.intent == "approve" and not message.concerns and not message.blocked:
            self.triage.record_verdict(item.id, "approve", "", None, one_key=True)
            return
        self._open_verdict(item, message.concerns, message.blocked)

    def _open_verdict(self, item, concerns: list[str], blocked: list[dict]) -> None:
        deep_dive = self.triage.deep_dive

        def done(choice: VerdictChoice | None) -> None:
            if choice is not None:
                self.triage.record_verdict(item.id, choice.verdict, choice.note, None, deep_dive)

        self.app.push_screen(VerdictModal(change_summary(item), concerns=concerns, blocked=blocked), done)

    def action_undo(self) -> None:
        self.triage.undo_approve()

    def action_browser(self) -> None:
        change_id = self.query_one(QueueTable).selected_id()
        if change_id is not None:
            self.triage.show_links(change_id, "open")

    def action_copy(self) -> None:
        change_id = self.query_one(QueueTable).selected_id()
        if change_id is not None:
            self.triage.show_links(change_id, "copy")

    def action_handover(self) -> None:
        change_id = self.query_one(QueueTable).selected_id()
        if change_id is not None:
            self.triage.start_handover(change_id)

    def action_digest(self) -> None:
        self.triage.action_show_digest()

    def notify_error(self, text: str) -> None:
        """Show an error toast (the text is untrusted)."""
        self.notify(safe_plain(text), severity="error", markup=False)
