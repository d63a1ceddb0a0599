"""Provides :class:`VerdictModal`: choose approve / needs-fix / revert / escalate and write a note.

Approving a change with concerns (not LOW, findings, a deep-dive sample,
hidden characters, a truncated diff, open checklist items: see
:mod:`triage.approval`) is never silent: the concerns are listed, the form
opens with no verdict chosen, and approve records only once they are
acknowledged. The note, the buttons and the reason a record was refused stay
on screen; the concerns and choices above them scroll when the terminal is
short.

In deep-dive mode a change in the deep dive whose security checklist items
are not all answered is ``blocked``: the form lists the open items and
refuses every verdict but ``escalate`` (the rule of
:func:`triage.deepdive.verdict_allowed`, which the app's write enforces again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from triage.models import VERDICTS
from tui.safe import safe_line
from tui.widgets.footer import TriageFooter

BLOCKED_SHOWN = 4
"""At most this many open security items are listed (the rest are counted)."""

VERDICT_LABELS: dict[str, str] = {
    "approve": "approve      the change is fine as merged",
    "needs-fix": "needs-fix    keep it, but it needs a follow-up fix",
    "revert": "revert       take it out",
    "escalate": "escalate     ask a specialist (security, owner)",
}
"""The radio labels (our own text, not user input)."""


def preselected(initial: str | None, concerns: list[str], blocked: list[dict]) -> str | None:
    """The verdict a form opens with: ``initial`` (approve when none is given), but never approve on a
    change with concerns or open security items; ``None`` leaves the choice to the reviewer."""
    if initial not in VERDICTS:
        initial = "approve"
    if initial == "approve" and (concerns or blocked):
        return None
    return initial


@dataclass
class VerdictChoice:
    """What the reviewer decided."""

    verdict: str
    note: str


class VerdictModal(ModalScreen[VerdictChoice | None]):
    """The verdict form: a verdict, an optional note, and an acknowledgement when approval is risky."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="verdict.cancel", tooltip="Close without recording."),
        Binding("a", "pick('approve')", "Approve", id="verdict.approve", tooltip="Choose approve."),
        Binding("f", "pick('needs-fix')", "Needs fix", id="verdict.needs_fix", tooltip="Choose needs-fix."),
        Binding("r", "pick('revert')", "Revert", id="verdict.revert", tooltip="Choose revert."),
        Binding("e", "pick('escalate')", "Escalate", id="verdict.escalate", tooltip="Choose escalate."),
        Binding("ctrl+s", "record", "Record", id="verdict.record",
                tooltip="Record the verdict (Enter in the note does the same)."),
    ]
    """Letter keys choose while the verdict list has focus; in the note, Enter records."""

    def __init__(self, summary: Text, *, concerns: list[str] | None = None, initial: str | None = None,
                 blocked: list[dict] | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.concerns = list(concerns or [])
        self.blocked = list(blocked or [])
        self.initial = preselected(initial, self.concerns, self.blocked)
        """The verdict chosen when the form opens: never approve while there is a concern."""

    def blocked_text(self) -> Text:
        """The open security items that block every verdict but escalate."""
        n = len(self.blocked)
        text = Text(f"Deep dive: answer the {n} open security checklist item{'s' if n != 1 else ''} first, "
                    "or escalate:\n", style="bold magenta", end="")
        for item in self.blocked[:BLOCKED_SHOWN]:
            text.append("  ☐ ", "magenta")
            text.append_text(safe_line(str(item.get("id", "")), "bold", limit=28))
            text.append("  ")
            text.append_text(safe_line(str(item.get("text", "")), limit=44))
            text.append("\n")
        if n > BLOCKED_SHOWN:
            text.append(f"  … and {n - BLOCKED_SHOWN} more\n", "dim")
        text.rstrip()
        return text

    def compose(self) -> ComposeResult:
        with Vertical(id="verdict-dialog") as dialog:
            dialog.border_title = "Record a verdict"
            with VerticalScroll(id="verdict-body"):
                yield Static(self.summary, id="verdict-summary", markup=False)
                if self.concerns:
                    text = Text("Approving needs a confirmation:\n", style="bold yellow", end="")
                    for c in self.concerns:
                        text.append(f"  ⚠ {c}\n", "yellow")
                    text.rstrip()
                    yield Static(text, id="verdict-concerns", markup=False)
                if self.blocked:
                    yield Static(self.blocked_text(), id="verdict-blocked", markup=False)
                with RadioSet(id="verdict-choice"):
                    for v in VERDICTS:
                        yield RadioButton(VERDICT_LABELS[v], value=v == self.initial, id=f"verdict-{v}")
                if self.concerns:
                    yield Checkbox("I have checked every concern above (Space ticks it)", id="verdict-ack")
            yield Static("", id="verdict-error", markup=False)
            with Horizontal(id="verdict-actions"):
                yield Input(placeholder="Note (optional): what you found, what next",
                            id="verdict-note", max_length=4000)
                yield Button("Record", variant="primary", id="verdict-record")
                yield Button("Cancel", id="verdict-cancel")
        yield TriageFooter()

    def on_mount(self) -> None:
        self.query_one("#verdict-error").display = False
        self.query_one(RadioSet).focus()
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Let the concerns and choices scroll, so the reason a record was refused, the note and the
        buttons always fit on the screen (a 100x30 terminal has room for the whole form)."""
        fixed = 2 + 3 + (self.query_one("#verdict-error").region.height or 0) + 1  # border, actions, error, footer
        self.query_one("#verdict-body").styles.max_height = max(4, self.size.height - fixed - 1)

    @property
    def verdict(self) -> str | None:
        """The chosen verdict (``None`` until one is chosen)."""
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id.removeprefix("verdict-") if pressed is not None and pressed.id else None

    def action_pick(self, verdict: str) -> None:
        self.query_one(f"#verdict-{verdict}", RadioButton).value = True

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _refuse(self, reason: Text, focus=None) -> None:
        """Say why nothing was recorded, next to the buttons (always on screen)."""
        error = self.query_one("#verdict-error", Static)
        error.update(reason)
        error.display = True
        self._fit()
        if focus is not None:
            focus.focus()
            focus.scroll_visible(animate=False)

    def action_record(self) -> None:
        verdict = self.verdict
        if verdict is None:
            self._refuse(Text("✗ Not recorded: choose a verdict first (a approve, f needs-fix, r revert, "
                              "e escalate).", style="bold red"), self.query_one(RadioSet))
            return
        if self.blocked and verdict != "escalate":
            n = len(self.blocked)
            refusal = Text(f"✗ Not recorded: {n} security checklist item{'s are' if n != 1 else ' is'} still "
                           "open. Answer them (c in the review), or choose escalate (e).", style="bold red")
            self.query_one("#verdict-blocked", Static).update(self.blocked_text())
            self._refuse(refusal)
            self.query_one("#verdict-body").scroll_home(animate=False)
            return
        if verdict == "approve" and self.concerns and not self.query_one("#verdict-ack", Checkbox).value:
            self._refuse(Text("✗ Not recorded: approving despite the concerns needs the acknowledgement: tick "
                              "\"I have checked every concern above\" (Space), or choose another verdict.",
                              style="bold red"), self.query_one("#verdict-ack", Checkbox))
            return
        self.dismiss(VerdictChoice(verdict, self.query_one("#verdict-note", Input).value.strip()))

    @on(Input.Submitted, "#verdict-note")
    def _note_submitted(self) -> None:
        self.action_record()

    @on(Button.Pressed, "#verdict-record")
    def _record_pressed(self) -> None:
        self.action_record()

    @on(Button.Pressed, "#verdict-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)
