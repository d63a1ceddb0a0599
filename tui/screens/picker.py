"""Provides :class:`PickerModal`: choose one value from a list, narrowing it as you type.

The Queue's agent (``w``) and reviewer (``M``) filters open it instead of
cycling through every value. The first entry, ``all``, clears the filter.
Values come from the store (agent names, reviewer names): they are drawn
through ``safe_text`` and matched as plain text.
"""

from __future__ import annotations

from typing import ClassVar, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from triage.sanitize import display
from tui.safe import safe_line
from tui.widgets.footer import TriageFooter

__all__ = ["PickerModal", "narrow"]


def narrow(values: Sequence[str], typed: str) -> list[str]:
    """The ``values`` whose visible form holds every word of ``typed`` (case-insensitive), in order."""
    words = typed.lower().split()
    return [v for v in values if all(w in display(v).lower() for w in words)]


class PickerModal(ModalScreen[str | None]):
    """Pick a value (Enter); ``""`` means every value (no filter); ``None`` is a cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Close without changing the filter."),
        Binding("down", "move(1)", "Down", show=False, id="picker.down", tooltip="Highlight the next value."),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up", tooltip="Highlight the previous value."),
        Binding("enter", "choose", "Choose", id="picker.choose", tooltip="Filter by the highlighted value."),
    ]
    """Keys of the picker: type to narrow the list, arrows to move, Enter to choose."""

    def __init__(self, title: str, values: Sequence[str], current: str | None = None, *,
                 every: str = "all") -> None:
        super().__init__()
        self.title_text = title
        self.values = list(values)
        self.current = current
        self.every = every
        self.shown: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog") as dialog:
            dialog.border_title = self.title_text
            yield Input(placeholder="type to narrow the list", id="picker-filter")
            yield OptionList(id="picker-list")
            yield Static("", id="picker-empty", markup=False)
        yield TriageFooter()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, typed: str) -> None:
        self.shown = ([""] if not typed.strip() else []) + narrow(self.values, typed)
        options = []
        for value in self.shown:
            if value == "":
                options.append(Option(Text(f"{self.every} (no filter)", style="italic"), id="pick-all"))
            else:
                prompt = safe_line(value, "bold" if value == self.current else "", limit=60)
                if value == self.current:
                    prompt.append("  (current)", "dim")
                options.append(Option(prompt))
        listing = self.query_one(OptionList)
        listing.set_options(options)
        if self.shown:
            current = self.current or ""
            listing.highlighted = self.shown.index(current) if current in self.shown else 0
        self.query_one("#picker-empty", Static).update(
            Text("Nothing matches." if not self.shown else "", style="dim"))

    @on(Input.Changed, "#picker-filter")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submitted(self) -> None:
        self.action_choose()

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self) -> None:
        self.action_choose()

    def action_move(self, delta: int) -> None:
        listing = self.query_one(OptionList)
        if self.shown:
            listing.highlighted = max(0, min(len(self.shown) - 1, (listing.highlighted or 0) + delta))

    def action_choose(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not (0 <= index < len(self.shown)):
            return
        self.dismiss(self.shown[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
