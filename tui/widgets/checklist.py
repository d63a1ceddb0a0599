"""Provides :class:`ChecklistPanel`: the change's checklist, answered yes / no / n/a with a note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from triage.review.checklist import checklist_progress, ChecklistItem
from tui.safe import safe_text

MARKS = {"yes": ("[✓]", "bold green"), "no": ("[✗]", "bold red"), "n/a": ("[–]", "dim")}


def item_prompt(item: ChecklistItem) -> Text:
    """One checklist line: answer mark, question, area and note."""
    mark, style = MARKS.get(item.answer or "", ("[ ]", "bold"))
    text = Text(end="")
    text.append(mark + " ", style)
    text.append_text(safe_text(item.text, tab_size=1))
    if item.area:
        text.append("  ")
        text.append_text(safe_text(item.area, "dim italic"))
    if item.note:
        text.append("\n    ✎ ", "dim")
        text.append_text(safe_text(item.note, "italic", tab_size=1))
    return text


class ChecklistPanel(OptionList):
    """The checklist; answer the highlighted item with y / x / a, clear it with Backspace, note with e.

    "No" is ``x`` (the ``[✗]`` it draws), so ``n`` / ``N`` go from finding to
    finding here as everywhere on the Review screen.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer('yes')", "Yes", id="checklist.yes", tooltip="Answer the highlighted item: yes."),
        Binding("x", "answer('no')", "No", id="checklist.no", tooltip="Answer the highlighted item: no."),
        Binding("a", "answer('n/a')", "N/A", id="checklist.na",
                tooltip="Answer the highlighted item: not applicable."),
        Binding("backspace,delete", "answer('')", "Clear", id="checklist.clear",
                tooltip="Clear the highlighted item's answer (it is open again)."),
        Binding("e", "note", "Note", id="checklist.note", tooltip="Write a note on the highlighted item."),
        Binding("j", "cursor_down", "Down", show=False, id="checklist.down", tooltip="Next item."),
        Binding("k", "cursor_up", "Up", show=False, id="checklist.up", tooltip="Previous item."),
    ]
    """Keys while the checklist has focus."""

    @dataclass
    class Answered(Message):
        """The reviewer answered ``item_id``."""

        item_id: str
        answer: str

    @dataclass
    class NoteRequested(Message):
        """The reviewer wants to write a note on ``item_id``."""

        item_id: str

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[ChecklistItem] = []

    def set_items(self, items: list[ChecklistItem]) -> None:
        """Show ``items``."""
        highlighted = self.highlighted
        self.items = items
        if items:
            self.set_options([Option(item_prompt(i), id=f"item-{n}") for n, i in enumerate(items)])
            self.highlighted = min(highlighted or 0, len(items) - 1)
        else:
            self.set_options([Option(Text("No checklist for this change.", style="dim"), disabled=True)])
        self._retitle()

    def update_item(self, item_id: str, answer: str, note: str) -> None:
        """Show a new answer for ``item_id`` (``""``: cleared)."""
        for n, item in enumerate(self.items):
            if item.id == item_id:
                item.answer, item.note = answer or None, note
                self.replace_option_prompt_at_index(n, item_prompt(item))
        self._retitle()

    def _retitle(self) -> None:
        done, total = checklist_progress(self.items)
        self.border_title = f"Checklist {done}/{total}" if total else "Checklist"

    def current(self) -> ChecklistItem | None:
        """The highlighted item."""
        if self.items and self.highlighted is not None and self.highlighted < len(self.items):
            return self.items[self.highlighted]
        return None

    def action_answer(self, answer: str) -> None:
        """Answer the highlighted item (``""`` clears its answer)."""
        item = self.current()
        if item is not None and (answer or item.answer):
            self.post_message(self.Answered(item.id, answer))

    def action_note(self) -> None:
        item = self.current()
        if item is not None:
            self.post_message(self.NoteRequested(item.id))
