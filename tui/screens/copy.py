"""Provides :class:`CopyModal`: choose what to copy of a change (its id, sha or URL).

The values come checked from :func:`triage.links.change_links`: one that is
not safe to paste is listed with the reason and cannot be chosen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from triage.links import Link
from tui.safe import safe_line
from tui.widgets.footer import TriageFooter

__all__ = ["CopyModal"]

KEYS = {"id": "i", "sha": "s", "url": "u"}
"""The key that copies each kind of value."""


def link_prompt(link: Link) -> Text:
    """One line of the list: key, label and value (or why it cannot be copied)."""
    text = Text(end="")
    text.append(f"{KEYS.get(link.kind, ' ')}  ", "bold cyan")
    text.append(f"{link.label:<4} ", "bold")
    if link.value:
        text.append_text(safe_line(link.value, limit=70))
    else:
        text.append(link.why or "not available", "dim italic")
    return text


class CopyModal(ModalScreen[Link | None]):
    """Pick the value to copy: ``i`` id, ``s`` sha, ``u`` URL (or Enter on the highlighted one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="copy.cancel", tooltip="Close without copying."),
        Binding("i", "pick('id')", "Id", id="copy.id", tooltip="Copy the change's id."),
        Binding("s", "pick('sha')", "Sha", id="copy.sha", tooltip="Copy the commit sha."),
        Binding("u", "pick('url')", "URL", id="copy.url", tooltip="Copy the web address."),
    ]
    """Keys of the copy list (the list adds Enter and the arrows)."""

    def __init__(self, links: list[Link], note: str = "") -> None:
        super().__init__()
        self.links = list(links)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-dialog") as dialog:
            dialog.border_title = "Copy"
            yield OptionList(*[Option(link_prompt(link), id=f"copy-{link.kind}", disabled=not link.value)
                               for link in self.links], id="copy-list")
            if self.note:
                yield Static(Text(self.note, style="dim"), id="copy-note", markup=False)
        yield TriageFooter()

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        first = next((n for n, link in enumerate(self.links) if link.value), None)
        listing.highlighted = first
        listing.focus()

    def action_pick(self, kind: str) -> None:
        link = next((link for link in self.links if link.kind == kind), None)
        if link is not None and link.value:
            self.dismiss(link)
        elif link is not None:
            self.notify(f"Cannot copy the {link.label}: {link.why}", severity="warning", timeout=4)

    @on(OptionList.OptionSelected, "#copy-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(self.links[event.option_index].kind)

    def action_cancel(self) -> None:
        self.dismiss(None)
