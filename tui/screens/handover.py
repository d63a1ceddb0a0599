"""Provides :class:`HandoverModal`: hand a change to another member of the ``[team]`` roster.

The roster comes from the ``[team]`` table of the configuration (read by the
app in a worker, see :meth:`tui.app.TriageApp.start_handover`). Members who
wrote the change are marked, but the choice still goes to
:func:`triage.rotation.handover`, the one authority, whose refusal is shown
as it is. Names come from a config file and are drawn through ``safe_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.safe import safe_line, safe_text
from tui.widgets.footer import TriageFooter
from tui.widgets.queue_table import tier_badge

__all__ = ["HandoverChoice", "HandoverModal", "MemberChoice", "member_choices"]


@dataclass(frozen=True)
class MemberChoice:
    """A roster member as the hand-over list shows them."""

    name: str
    security: bool = False
    author: bool = False
    current: bool = False


@dataclass(frozen=True)
class HandoverChoice:
    """Whom to hand the change to, and why."""

    name: str
    note: str = ""


def member_choices(roster, candidate, assignee: str | None) -> list[MemberChoice]:
    """The roster's members, in config order, marked security / author / current assignee."""
    from triage.rotation import is_author

    return [MemberChoice(m.name, m.name in roster.security, is_author(m, candidate),
                         bool(assignee) and m.name.lower() == str(assignee).lower())
            for m in roster.members]


def member_prompt(member: MemberChoice) -> Text:
    """One line of the member list."""
    text = Text(end="")
    text.append_text(safe_line(member.name, "bold", limit=30))
    if member.security:
        text.append("  security", "magenta")
    if member.current:
        text.append("  assigned now", "cyan")
    if member.author:
        text.append("  author: cannot review", "dim red")
    return text


class HandoverModal(ModalScreen[HandoverChoice | None]):
    """Pick a roster member (Enter), with an optional note (Tab)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="handover.cancel", tooltip="Close without handing over."),
        Binding("ctrl+s", "choose", "Hand over", id="handover.choose",
                tooltip="Hand the change to the highlighted member (Enter in the list or the note does the same)."),
    ]
    """Keys of the hand-over form (the list adds Enter and the arrows)."""

    def __init__(self, row: dict, members: list[MemberChoice], assignee: str | None = None) -> None:
        super().__init__()
        self.row = row
        self.members = list(members)
        self.assignee = assignee

    def compose(self) -> ComposeResult:
        with Vertical(id="handover-dialog"):
            yield Label("Hand over to", id="handover-heading")
            summary = Text(end="")
            summary.append_text(tier_badge(self.row.get("tier") or "LOW"))
            summary.append(" ")
            summary.append_text(safe_line(self.row.get("title", ""), limit=70))
            summary.append("\nassigned to ", "dim")
            summary.append_text(safe_text(self.assignee) if self.assignee else Text("nobody", style="dim"))
            yield Static(summary, id="handover-summary", markup=False)
            yield OptionList(*[Option(member_prompt(m), id=f"member-{n}") for n, m in enumerate(self.members)],
                             id="handover-members")
            yield Input(placeholder="Note (optional): why", id="handover-note", max_length=500)
        yield TriageFooter()

    def on_mount(self) -> None:
        members = self.query_one(OptionList)
        current = next((n for n, m in enumerate(self.members) if not m.current and not m.author), 0)
        members.highlighted = current if self.members else None
        members.focus()

    def action_choose(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or index >= len(self.members):
            return
        self.dismiss(HandoverChoice(self.members[index].name, self.query_one(Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#handover-members")
    def _member_selected(self) -> None:
        self.action_choose()

    @on(Input.Submitted, "#handover-note")
    def _note_submitted(self) -> None:
        self.action_choose()
