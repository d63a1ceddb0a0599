"""Provides :class:`NoteModal`: a one-line note for a checklist answer."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.widgets.footer import TriageFooter


class NoteModal(ModalScreen[str | None]):
    """Edit a note; Enter saves, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note.cancel", tooltip="Close without saving the note."),
        Binding("enter", "save", "Save", id="note.save", show=True, tooltip="Save the note."),
    ]
    """Keys of the note form."""

    def __init__(self, title: Text, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Label("Note", id="note-heading")
            yield Static(self.title_text, id="note-title", markup=False)
            yield Input(value=self.note, placeholder="Why this answer?", id="note-input", max_length=2000)
        yield TriageFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        self.dismiss(self.query_one(Input).value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
