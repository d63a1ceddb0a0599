"""Provides :class:`ReviewScreen`: one change, its annotated diff, findings, checklist and verdict.

Loading runs in a thread worker that opens its own Store and Repository:
first the change row (:class:`~tui.messages.ChangeLoaded`, so the header,
file list and checklist show at once), then the diff, laid out by
:func:`triage.review.build_layout` (:class:`~tui.messages.DiffLoaded`). The
time spent is measured on a monotonic clock from the moment the screen opens
and recorded with the verdict (or as a review session when leaving without one).

The header names the assignee (``o`` hands the change over) and, in deep-dive
mode, how many security checklist items are still open: until they are all
answered, the verdict form refuses everything but ``escalate``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from triage.approval import ApprovalFacts, active_findings, approval_concerns, approval_facts
from triage.deepdive import in_scope, security_items, verdict_allowed
from triage.models import db_text
from triage import present
from triage.present import by_severity, short_id
from triage.review.checklist import checklist_items
from triage.review.layout import build_layout, DiffLayout, hidden_counts, next_position, search_rows
from triage.review.timer import ReviewTimer
from triage.services.changes import load_files
from tui.messages import ChangeLoaded, ChecklistAnswered, DiffFailed, DiffLoaded, LayoutBuilt, StoreFailed
from tui.safe import ESCAPE_STYLE, safe_line, safe_plain, safe_text
from tui.screens.details import FactorsModal
from tui.screens.note import NoteModal
from tui.screens.verdict import VerdictChoice, VerdictModal
from tui.widgets.checklist import ChecklistPanel
from tui.widgets.diff_view import DiffView
from tui.widgets.fitted import FittedStatic
from tui.widgets.file_list import FileEntry, FileList
from tui.widgets.footer import TriageFooter
from tui.widgets.highlight import warm_lexers
from tui.widgets.finding_panel import FindingPanel
from tui.widgets.queue_table import state_text, tier_badge

if TYPE_CHECKING:
    from triage.models import FileDiff
    from tui.app import TriageApp

MIN_SPLIT_WIDTH = 110
"""The diff needs this many columns for the side-by-side view."""


FINDING_KEYS = Binding.Group("Finding", compact=True)
MATCH_KEYS = Binding.Group("Match", compact=True)
FILE_KEYS = Binding.Group("File", compact=True)


class ReviewScreen(Screen):
    """Review one change: files, annotated diff, finding under the cursor, checklist, verdict."""

    PALETTE: ClassVar[str] = "review"
    """Which commands the palette offers here (:func:`tui.commands.commands_for`)."""

    AUTO_FOCUS = "#diff"

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-narrow"), (120, "-wide")]
    """Below 120 columns the sidebar narrows, so the diff keeps its room."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Queue", id="review.back",
                tooltip="Back to the queue (the time spent is kept); with a search open, close the search first."),
        Binding("n", "next_finding", "Next finding", id="review.next_finding",
                tooltip="Jump to the next finding.", group=FINDING_KEYS),
        Binding("N", "prev_finding", "Prev finding", id="review.prev_finding",
                tooltip="Jump to the previous finding.", group=FINDING_KEYS),
        Binding("n", "next_match", "Next match", id="review.next_match",
                tooltip="While a / search is on: jump to its next match.", group=MATCH_KEYS),
        Binding("N", "prev_match", "Prev match", id="review.prev_match",
                tooltip="While a / search is on: jump to its previous match.", group=MATCH_KEYS),
        Binding("]", "next_file", "Next file", id="review.next_file", tooltip="Jump to the next file.",
                group=FILE_KEYS),
        Binding("[", "prev_file", "Prev file", id="review.prev_file", tooltip="Jump to the previous file.",
                group=FILE_KEYS),
        Binding("v", "verdict", "Verdict", id="review.verdict", tooltip="Record a verdict with a note."),
        Binding("c", "focus_checklist", "Checklist", id="review.checklist",
                tooltip="Go to the checklist (answer with y / x / a, clear with Backspace, note with e)."),
        Binding("/", "search", "Search", id="review.search",
                tooltip="Search the diff (n / N then go from match to match; Esc ends the search)."),
        Binding("w", "toggle_wrap", "Wrap", id="review.wrap",
                tooltip="Wrap long lines instead of scrolling sideways (and back)."),
        Binding("f", "factors", "Risk factors", id="review.factors",
                tooltip="Show the risk factors, provenance evidence and full commit message."),
        Binding("s", "toggle_split", "Side by side", id="review.split",
                tooltip="Switch between the unified and the side-by-side diff (needs a wide terminal)."),
        Binding("o", "handover", "Hand over", show=False, id="review.handover",
                tooltip="Hand the change to another reviewer of the team roster (never its author)."),
        Binding("m", "toggle_viewed", "Viewed", show=False, id="review.viewed",
                tooltip="Mark the current file viewed or not viewed."),
        Binding("b", "browser", "Browser", show=False, id="review.browser",
                tooltip="Open the change's web page (a local commit's: from the origin remote)."),
        Binding("y", "copy", "Copy", show=False, id="review.copy",
                tooltip="Copy the change's id, sha or URL (OSC 52 once [clipboard] osc52 = true)."),
        Binding("d", "focus_diff", "Diff", show=False, id="review.diff", tooltip="Put the focus on the diff."),
        Binding("F", "focus_files", "Files", show=False, id="review.files", tooltip="Put the focus on the file list."),
    ]
    """Keys of the review screen (the diff adds j/k, g/G, PgUp/PgDn and h/l)."""

    def __init__(self, change_id: str) -> None:
        super().__init__()
        self.change_id = change_id
        self.row: dict | None = None
        self.findings: list[dict] = []
        self.viewed: set[str] = set()
        """Paths (``db_text`` form) this reviewer marked viewed; kept in the store."""
        self._keep_viewed = True
        """False once saving a mark failed (a read-only database): marks then last this session."""
        self.files: list[FileDiff] = []
        self.layout_: DiffLayout | None = None
        self.hidden: list[int] = []
        self.load_error = ""
        self.timer: ReviewTimer | None = None
        self.done = False
        self.matches: list[int] | None = None
        """Rows matching the ``/`` search (``None`` while no search is on)."""

    @property
    def triage(self) -> "TriageApp":
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield FittedStatic(Text("Loading…", style="dim"), id="review-title")
        yield Static("", id="hidden-banner", markup=False)
        with Horizontal(id="review-body"):
            with Vertical(id="sidebar"):
                yield FileList(id="files")
                yield ChecklistPanel(id="checklist")
            with Vertical(id="main"):
                yield DiffView(id="diff")
                yield Input(placeholder="search the diff (Enter searches, Esc cancels)", id="diff-search")
                yield FittedStatic(Text(""), id="search-status")
                yield FindingPanel(id="finding")
        yield TriageFooter()

    def on_mount(self) -> None:
        self.timer = ReviewTimer(self.triage.monotonic)
        self.query_one("#hidden-banner").display = False
        self.query_one("#diff-search").display = False
        self.query_one("#search-status").display = False
        self.query_one(DiffView).focus()
        self._load()

    # ------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, group="review", exit_on_error=False, description="Loading the change")
    def _load(self) -> None:
        from triage.errors import TriageError
        from triage.store import Store

        cid = self.change_id
        try:
            with Store(self.triage.db_path) as store:
                row = store.get_change(cid)
                if row is None:
                    self.post_message(DiffFailed(cid, f"unknown change {cid}"))
                    return
                findings = store.findings_for(cid)
                answers = store.checklist_answers(cid)
                viewed = store.viewed_paths(cid, self.triage.reviewer)
        except Exception as exc:  # noqa: BLE001 - shown in the UI
            self.post_message(DiffFailed(cid, str(exc)))
            return
        self.post_message(ChangeLoaded(cid, row, findings, answers, viewed))
        try:
            files = load_files(row, self.triage.repo)
            layout = build_layout(files, findings)
            hidden = hidden_counts(files)
            warm_lexers(f.path for f in files if f.hunks)
        except TriageError as exc:
            self.post_message(DiffFailed(cid, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - a broken repository must not crash the app
            self.post_message(DiffFailed(cid, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(DiffLoaded(cid, files, layout, hidden))

    def on_change_loaded(self, message: ChangeLoaded) -> None:
        self.row = message.row
        self.findings = message.findings
        self.viewed = set(message.viewed)
        self.query_one(ChecklistPanel).set_items(checklist_items(message.row.get("checklist", []), message.answers))
        self.query_one("#review-title", FittedStatic).show(self._titles())  # after the checklist: it counts answers
        entries = [
            FileEntry(str(f.get("path", "")), f.get("status", "M"), f.get("added", 0), f.get("deleted", 0),
                      f.get("findings", 0), notes=len(f.get("notes", [])), viewed=str(f.get("path", "")) in self.viewed)
            for f in message.row.get("files", [])
        ]
        self.query_one(FileList).set_entries(entries)

    def on_diff_loaded(self, message: DiffLoaded) -> None:
        self.files = message.files
        self.layout_ = message.layout
        self.hidden = message.hidden
        counts: dict[str, int] = {}
        for f in self.findings:
            if not f.get("suppressed"):
                counts[f["path"]] = counts.get(f["path"], 0) + 1
        entries = [
            FileEntry(fd.path, fd.status, fd.added, fd.deleted, counts.get(db_text(fd.path), 0),
                      message.hidden[i] if i < len(message.hidden) else 0, len(fd.notes),
                      viewed=db_text(fd.path) in self.viewed)
            for i, fd in enumerate(message.files)
        ]
        self.query_one(FileList).set_entries(entries)
        total_hidden = sum(message.hidden)
        banner = self.query_one("#hidden-banner", Static)
        if total_hidden:
            banner.update(Text.assemble(
                ("⚠ ", "bold"),
                f"{total_hidden} hidden, bidirectional or control character{'s' if total_hidden != 1 else ''} "
                "in added lines, shown as ",
                ("⟨U+202E RLO⟩", ESCAPE_STYLE), "-style tokens. Check them before approving.",
            ))
        banner.display = bool(total_hidden)
        self.query_one(DiffView).set_diff(message.files, message.layout)

    def on_diff_failed(self, message: DiffFailed) -> None:
        self.load_error = message.error
        self.query_one(DiffView).show_message(
            Text.assemble(("Could not show the diff: ", "bold red"), safe_text(message.error)))
        self.query_one(FindingPanel).show(by_severity(self.findings), total=active_findings(self.findings))

    def _titles(self) -> list[Text]:
        """The header in each form :class:`FittedStatic` can pick from, fullest first."""
        return [self._title(compact) for compact in range(3)]

    def _title(self, compact: int = 0) -> Text:
        """The two header lines: ``compact`` 1 drops the labels and the score and shortens the
        title, 2 shortens it further (a narrow terminal)."""
        row = self.row or {}
        text = Text(end="")
        text.append_text(tier_badge(row.get("tier") or "LOW"))
        text.append(" ★ " if row.get("sampled") else "   ", "bold yellow")
        short = short_id(str(row.get("id", "")))
        text.append_text(safe_text(short, "cyan"))
        text.append("  ")
        deep = self.triage.deep_dive and in_scope(row.get("tier"), row.get("sampled"))
        limit = (56, 40, 24)[compact] if deep else (90, 60, 36)[compact]
        text.append_text(safe_line(row.get("title", ""), "bold", limit=limit))
        if deep:
            total = len(security_items(row.get("checklist")))
            open_ = len(self.deep_dive_missing())
            answered = f"{total - open_}/{total} security" + ("" if compact else " items answered")
            text.append("   deep dive: " if not compact else "  ", "bold magenta")
            text.append(answered, "bold magenta" if open_ else "bold green")
        text.append("\n")
        sep = "  " if not compact else " · "
        text.append("   agent " if not compact else "   ", "dim")
        text.append_text(safe_line(row.get("agent") or row.get("kind", ""), limit=20))
        text.append(f"{sep}author " if not compact else sep, "dim")
        author = row.get("author_login") or row.get("author_name", "")
        text.append_text(safe_line(author, limit=30 if not compact else 18))
        age = present.age(row.get("authored_at", 0), self.triage.now)
        text.append(f"{sep}{age}{' ago' if not compact else ''}", "dim")
        n_files = row.get("n_files", 0)
        text.append(f"{sep}{n_files} file{'s' if n_files != 1 else ''} ", "dim")
        text.append(f"+{row.get('added', 0)}", "green")
        text.append(f"/-{row.get('deleted', 0)}", "red")
        active = active_findings(self.findings)
        text.append(f"{sep}{active} finding{'s' if active != 1 else ''}", "bold red" if active else "dim")
        if not compact:
            text.append(f"  score {row.get('score', 0):g}", "dim")
        text.append(f"{sep}assigned to " if compact < 2 else f"{sep}→ ", "dim")
        assignee = row.get("assignee")
        text.append_text(safe_line(assignee, "bold cyan", limit=24) if assignee else Text("nobody", style="dim"))
        return text

    def show_assignee(self, name: str | None) -> None:
        """Show a new assignee in the header (after a hand-over)."""
        if self.row is not None:
            self.row["assignee"] = name
            self.query_one("#review-title", FittedStatic).show(self._titles())

    # ------------------------------------------------------------ cursor

    def on_diff_view_cursor_moved(self, message: DiffView.CursorMoved) -> None:
        layout = self.layout_
        if layout is None or not layout.rows:
            return
        found = layout.findings_at.get(message.row, [])
        self.query_one(FindingPanel).show(found, position=layout.finding_number(message.row) or None,
                                          total=layout.finding_total)
        files = self.query_one(FileList)
        if files.entries and message.file < len(files.entries):
            if files.highlighted != message.file:
                files.highlighted = message.file
            self._set_viewed(message.file, True)

    @on(OptionList.OptionSelected, "#files")
    def _file_selected(self, event: OptionList.OptionSelected) -> None:
        if self.layout_ is not None and event.option_index < len(self.layout_.file_starts):
            diff = self.query_one(DiffView)
            diff.move_cursor(self.layout_.file_starts[event.option_index], center=True)
            diff.focus()

    # ------------------------------------------------------------ actions

    def _jump(self, positions: list[int], forward: bool, *, wrap: bool, empty: str, end: str) -> None:
        diff = self.query_one(DiffView)
        if not positions:
            self.notify(empty, timeout=3)
            return
        target = next_position(positions, diff.cursor, forward, wrap=wrap)
        if target is None:
            self.notify(end, timeout=2)
            return
        diff.move_cursor(target, center=True)
        diff.focus()

    def action_next_finding(self) -> None:
        if self.layout_ is not None:
            self._jump(self.layout_.finding_rows, True, wrap=True, empty="No findings in this change.", end="")

    def action_prev_finding(self) -> None:
        if self.layout_ is not None:
            self._jump(self.layout_.finding_rows, False, wrap=True, empty="No findings in this change.", end="")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``n`` / ``N`` go from match to match while a search is on, from finding to finding otherwise."""
        if action in ("next_match", "prev_match"):
            return self.matches is not None
        if action in ("next_finding", "prev_finding"):
            return self.matches is None
        return True

    # ------------------------------------------------------------- search

    def action_search(self) -> None:
        box = self.query_one("#diff-search", Input)
        box.display = True
        box.value = self.query_one(DiffView).search
        box.focus()

    @on(Input.Submitted, "#diff-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#diff-search").display = False
        diff = self.query_one(DiffView)
        diff.focus()
        query = event.value
        if not query.strip() or self.layout_ is None:
            self.end_search()
            return
        self.matches = search_rows(self.layout_, query)
        diff.set_search(query)
        self.refresh_bindings()
        if self.matches:
            target = next_position(self.matches, diff.cursor - 1, True, wrap=True)
            if target is not None:
                diff.move_cursor(target, center=True)
        self._show_search_status()

    def _show_search_status(self) -> None:
        status = self.query_one("#search-status", FittedStatic)
        if self.matches is None:
            status.display = False
            return
        diff = self.query_one(DiffView)
        forms = []
        for hint in ("   n / N next / previous match · Esc ends the search", "   n/N · Esc ends"):
            text = Text("/", style="bold", end="")
            text.append_text(safe_line(diff.search, "bold yellow", limit=40))
            if self.matches:
                where = self.matches.index(diff.cursor) + 1 if diff.cursor in self.matches else None
                text.append(f"  {'match ' + str(where) + ' of ' if where else ''}{len(self.matches)} "
                            f"line{'s' if len(self.matches) != 1 else ''}")
            else:
                text.append("  no line matches", "bold red")
            text.append(hint, "dim")
            forms.append(text)
        status.show(forms)
        status.display = True

    def end_search(self) -> None:
        """Close the search: n / N go to findings again."""
        self.matches = None
        self.query_one(DiffView).set_search("")
        self.query_one("#diff-search").display = False
        self.refresh_bindings()
        self._show_search_status()

    def action_next_match(self) -> None:
        if self.matches is not None:
            self._jump(self.matches, True, wrap=True, empty="No line matches the search.", end="")
            self._show_search_status()

    def action_prev_match(self) -> None:
        if self.matches is not None:
            self._jump(self.matches, False, wrap=True, empty="No line matches the search.", end="")
            self._show_search_status()

    def action_toggle_wrap(self) -> None:
        diff = self.query_one(DiffView)
        diff.set_wrap(not diff.wrap)
        diff.border_subtitle = "long lines wrap (w)" if diff.wrap else ""

    def action_browser(self) -> None:
        self.triage.show_links(self.change_id, "open")

    def action_copy(self) -> None:
        self.triage.show_links(self.change_id, "copy")

    def action_next_file(self) -> None:
        if self.layout_ is not None:
            self._jump(self.layout_.file_starts, True, wrap=False, empty="No files.", end="This is the last file.")

    def action_prev_file(self) -> None:
        if self.layout_ is not None:
            self._jump(self.layout_.file_starts, False, wrap=False, empty="No files.",
                       end="This is the first file.")

    def action_toggle_viewed(self) -> None:
        if self.layout_ is None or not self.layout_.rows:
            return
        index = self.layout_.file_at(self.query_one(DiffView).cursor)
        files = self.query_one(FileList)
        if index < len(files.entries):
            self._set_viewed(index, not files.entries[index].viewed)

    def _set_viewed(self, index: int, viewed: bool) -> None:
        """Mark file ``index`` viewed or not, and keep the mark for the next session."""
        files = self.query_one(FileList)
        if index >= len(files.entries) or files.entries[index].viewed == viewed:
            return
        files.mark_viewed(index, viewed)
        path = db_text(files.entries[index].path)
        (self.viewed.add if viewed else self.viewed.discard)(path)
        if self._keep_viewed:
            self._save_viewed(path, viewed, time.time())

    @work(thread=True, group="viewed", exit_on_error=False, description="Saving a viewed mark")
    def _save_viewed(self, path: str, viewed: bool, at: float) -> None:
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                store.set_viewed(self.change_id, path, viewed, reviewer=self.triage.reviewer, at=at)
        except Exception as exc:  # noqa: BLE001 - shown in the UI, once
            if self._keep_viewed:
                self._keep_viewed = False
                self.post_message(StoreFailed("keep viewed marks (they last this session only)", str(exc)))

    def action_focus_checklist(self) -> None:
        self.query_one(ChecklistPanel).focus()

    def action_focus_diff(self) -> None:
        self.query_one(DiffView).focus()

    def action_focus_files(self) -> None:
        self.query_one(FileList).focus()

    def action_factors(self) -> None:
        if self.row is not None:
            self.app.push_screen(FactorsModal(self.row))

    def action_toggle_split(self) -> None:
        layout = self.layout_
        if layout is None:
            return
        diff = self.query_one(DiffView)
        if not layout.split and diff.size.width < MIN_SPLIT_WIDTH:
            self.notify(f"Side by side needs {MIN_SPLIT_WIDTH} columns for the diff; it has {diff.size.width}.",
                        severity="warning", timeout=4)
            return
        row = diff.current_row()
        anchor = (layout.file_at(diff.cursor), row.new_no if row else None, row.old_no if row else None)
        self._relayout(not layout.split, anchor)

    @work(thread=True, exclusive=True, group="layout", exit_on_error=False, description="Laying out the diff")
    def _relayout(self, split: bool, anchor: tuple[int, int | None, int | None]) -> None:
        layout = build_layout(self.files, self.findings, split=split)
        file, new_no, old_no = anchor
        row = layout.find_row(file, new_no=new_no, old_no=old_no)
        if row is None:
            row = layout.file_starts[file] if file < len(layout.file_starts) else 0
        self.post_message(LayoutBuilt(self.change_id, layout, row))

    def on_layout_built(self, message: LayoutBuilt) -> None:
        self.layout_ = message.layout
        diff = self.query_one(DiffView)
        diff.set_diff(self.files, message.layout, cursor=message.anchor)
        if self.matches is not None:  # the rows moved: find the matches again
            self.matches = search_rows(message.layout, diff.search)
            self._show_search_status()

    # ---------------------------------------------------------- checklist

    def on_checklist_panel_answered(self, message: ChecklistPanel.Answered) -> None:
        item = next((i for i in self.query_one(ChecklistPanel).items if i.id == message.item_id), None)
        self._answer(message.item_id, message.answer, item.note if item else "")

    def on_checklist_panel_note_requested(self, message: ChecklistPanel.NoteRequested) -> None:
        panel = self.query_one(ChecklistPanel)
        item = next((i for i in panel.items if i.id == message.item_id), None)
        if item is None:
            return
        if not item.answer:
            self.notify("Answer the item first (y / x / a), then add a note.", severity="warning", timeout=3)
            return

        def done(note: str | None) -> None:
            if note is not None and item.answer:
                self._answer(item.id, item.answer, note)

        self.app.push_screen(NoteModal(safe_text(item.text), item.note), done)

    @work(thread=True, group="checklist", exit_on_error=False, description="Saving a checklist answer")
    def _answer(self, item_id: str, answer: str, note: str) -> None:
        from triage.store import Store

        try:
            with Store(self.triage.db_path) as store:
                if answer:
                    store.answer_checklist(self.change_id, item_id, answer, note, reviewer=self.triage.reviewer)
                else:
                    store.clear_checklist_answer(self.change_id, item_id, reviewer=self.triage.reviewer)
        except Exception as exc:  # noqa: BLE001 - shown in the UI
            self.post_message(StoreFailed("save the checklist answer", str(exc)))
            return
        self.post_message(ChecklistAnswered(self.change_id, item_id, answer, note))

    def on_checklist_answered(self, message: ChecklistAnswered) -> None:
        self.query_one(ChecklistPanel).update_item(message.item_id, message.answer, message.note)
        if self.row is not None:
            self.query_one("#review-title", FittedStatic).show(self._titles())

    def on_store_failed(self, message: StoreFailed) -> None:
        self.notify(safe_plain(f"Could not {message.action}: {message.error}"), severity="error", markup=False)

    # ------------------------------------------------------------ verdict

    def approval_facts(self) -> ApprovalFacts:
        """What the approval check looks at, from what this screen loaded (the Queue reads the same
        from the store: :func:`triage.services.changes.gather_approval_facts`)."""
        answers = {i.id: i.answer for i in self.query_one(ChecklistPanel).items}
        files = self.files if self.layout_ is not None or self.load_error else None
        return approval_facts(self.row or {}, self.findings, answers, files, self.load_error)

    def concerns(self) -> list[str]:
        """What approving this change needs acknowledged."""
        return approval_concerns(self.approval_facts())

    def deep_dive_missing(self) -> list[dict]:
        """The security checklist items still open, when deep-dive mode applies to this change."""
        row = self.row
        if row is None or not self.triage.deep_dive or not in_scope(row.get("tier"), row.get("sampled")):
            return []
        answers = {i.id: i.answer for i in self.query_one(ChecklistPanel).items if i.answer}
        return verdict_allowed(row, answers)[1]

    def seconds_spent(self) -> float:
        """Seconds since the screen opened (monotonic)."""
        return self.timer.seconds() if self.timer is not None else 0.0

    def action_verdict(self) -> None:
        if self.row is None:
            return
        summary = Text(end="")
        summary.append_text(tier_badge(self.row.get("tier") or "LOW"))
        summary.append(" ")
        summary.append_text(safe_line(self.row.get("title", ""), limit=80))
        latest = self.triage.latest_verdict(self.change_id)
        old = None if latest else self.triage.superseded_verdict(self.change_id)
        if latest:
            summary.append("\ncurrent verdict: ", "dim")
            summary.append_text(state_text(latest))
        elif old:
            summary.append("\nnew commits since ", "dim")
            summary.append_text(state_text(old["verdict"]))
            if old.get("reviewer"):
                summary.append(" by ", "dim")
                summary.append_text(safe_line(old["reviewer"], limit=30))
            summary.append(" at ", "dim")
            summary.append_text(safe_line(str(old.get("sha") or "")[:10], "dim"))  # the forge's text

        deep_dive = self.triage.deep_dive

        def done(choice: VerdictChoice | None) -> None:
            if choice is not None:
                self.done = True
                self.triage.record_verdict(self.change_id, choice.verdict, choice.note, self.seconds_spent(),
                                           deep_dive)

        self.app.push_screen(VerdictModal(summary, concerns=self.concerns(), blocked=self.deep_dive_missing()),
                             done)

    def action_handover(self) -> None:
        if self.row is not None:
            self.triage.start_handover(self.change_id)

    def action_back(self) -> None:
        box = self.query_one("#diff-search", Input)
        if box.display:  # Esc while typing a search: cancel it
            box.display = False
            self.query_one(DiffView).focus()
            return
        if self.matches is not None:
            self.end_search()
            return
        if not self.done:
            self.done = True
            self.triage.record_review_time(self.change_id, self.seconds_spent())
        self.app.pop_screen()
