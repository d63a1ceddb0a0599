"""Provides :class:`HelpScreen`: every key of every screen, generated from the BINDINGS.

The tables are built from the classes' ``BINDINGS`` (merged with what they
inherit), so the help cannot drift from the keys. :data:`SECTIONS` lists which
classes make up each screen.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.widgets.footer import TriageFooter


def sections(app_class: type) -> list[tuple[str, list[type]]]:
    """``(title, classes)`` for each part of the app (``app_class``: the app, whose keys work
    everywhere), in reading order. The app is passed in, not imported: the app imports its
    screens, and a screen never imports the app."""
    from tui.screens.details import FactorsModal
    from tui.screens.digest import DigestList, DigestScreen
    from tui.screens.handover import HandoverModal
    from tui.screens.copy import CopyModal
    from tui.screens.note import NoteModal
    from tui.screens.picker import PickerModal
    from tui.screens.queue import QueueScreen
    from tui.screens.review import ReviewScreen
    from tui.screens.stats import StatsScreen
    from tui.screens.verdict import VerdictModal
    from tui.widgets.checklist import ChecklistPanel
    from tui.widgets.diff_view import DiffView
    from tui.widgets.file_list import FileList
    from tui.widgets.queue_table import QueueTable

    return [
        ("Everywhere", [app_class, Screen]),
        ("Queue", [QueueScreen, QueueTable]),
        ("Review", [ReviewScreen, DiffView]),
        ("Review: file list (F)", [FileList]),
        ("Review: checklist (c)", [ChecklistPanel]),
        ("Verdict form (v)", [VerdictModal]),
        ("Checklist note (e)", [NoteModal]),
        ("Risk factors (f)", [FactorsModal]),
        ("Hand-over (o)", [HandoverModal]),
        ("Filter picker (w, M)", [PickerModal]),
        ("Copy (y)", [CopyModal]),
        ("Daily digest (D)", [DigestScreen, DigestList]),
        ("Stats", [StatsScreen]),
        ("Help", [HelpScreen]),
    ]


def _bindings(cls: type) -> list[Binding]:
    """``cls``'s own bindings first, then what it inherits (Screen's tab keys are listed once, under Everywhere)."""
    own = BindingsMap(cls.__dict__.get("BINDINGS", []))
    out = [b for bs in own.key_to_bindings.values() for b in bs]
    seen = {b.key for b in out}
    merged = cls._merge_bindings()  # type: ignore[attr-defined]
    out += [b for key, bs in merged.key_to_bindings.items() if key not in seen for b in bs]
    if cls not in (Screen, ModalScreen) and issubclass(cls, Screen):
        base = {(b.key, b.action) for bs in Screen._merge_bindings().key_to_bindings.values() for b in bs}
        out = [b for b in out if (b.key, b.action) not in base]
    return out


def binding_ids(app_class: type) -> set[str]:
    """The id of every key binding of the app (what ``[keymap]`` in the user's config can remap)."""
    return {b.id for _title, classes in sections(app_class) for cls in classes for b in _bindings(cls) if b.id}


def _remapped(b: Binding, keymap: dict[str, str] | None) -> list[Binding]:
    if not keymap or not b.id or b.id not in keymap:
        return [b]
    return [dataclasses.replace(b, key=key) for key in keymap[b.id].split(",")]


def binding_rows(classes: Iterable[type], key_display=None,
                 keymap: dict[str, str] | None = None) -> list[tuple[str, str, str, str]]:
    """``(keys, description, tooltip, id)`` rows for ``classes``, one per action (keys merged),
    with the keys ``keymap`` (binding id -> keys) gives instead of the built-in ones."""
    rows: dict[str, tuple[list[str], str, str, str]] = {}
    for cls in classes:
        for original in _bindings(cls):
            if original.system and not original.description:
                continue
            for b in _remapped(original, keymap):
                label = key_display(b) if key_display else b.key
                keys, desc, tip, bid = rows.setdefault(
                    b.action, ([], b.description or b.action.replace("_", " "), b.tooltip, b.id or ""))
                if label not in keys:
                    keys.append(label)
                if not tip and b.tooltip:
                    rows[b.action] = (keys, desc, b.tooltip, bid)
    return [(" ".join(keys), desc, tip, bid) for keys, desc, tip, bid in rows.values()]


def help_tables(app_class: type, key_display=None, palette_key: str = "^p",
                keymap: dict[str, str] | None = None) -> list[tuple[str, Table]]:
    """One ``(title, table)`` per section; every cell is a plain Text (never markup).

    The id column is as wide as the longest id, so every id shows whole (the README
    says to copy them into ``[keymap]``); the description wraps instead.
    """
    out = []
    every = [(title, binding_rows(classes, key_display, keymap)) for title, classes in sections(app_class)]
    id_width = max((len(bid) for _, rows in every for *_, bid in rows), default=12)
    for title, rows in every:
        if title == "Everywhere":
            rows.append((palette_key, "Command palette", "Search every command: queue:, review:, view: …", ""))
        table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        table.add_column("keys", width=16, no_wrap=True)
        table.add_column("action", width=16)
        table.add_column("what", ratio=1)
        table.add_column("id", width=id_width, min_width=id_width, no_wrap=True)
        for keys, desc, tip, bid in rows:
            table.add_row(Text(keys, style="bold cyan"), Text(desc), Text(tip, style="dim"), Text(bid, style="dim"))
        out.append((title, table))
    return out


def help_text(app_class: type, key_display=None, keymap: dict[str, str] | None = None) -> Text:
    """The help as plain text lines ``keys  action  what  id`` (for tests and the README)."""
    out = Text(end="")
    for title, classes in sections(app_class):
        out.append(f"{title}\n", "bold underline")
        for keys, desc, tip, bid in binding_rows(classes, key_display, keymap):
            out.append(f"  {keys:<16} {desc:<18} {tip}  {bid}\n")
    return out


class HelpScreen(Screen):
    """All key bindings, per screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close", tooltip="Close the help."),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down", tooltip="Scroll down."),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up", tooltip="Scroll up."),
    ]
    """Keys of the help screen."""

    def compose(self) -> ComposeResult:
        yield Static(Text("triage · keys", style="bold"), id="help-title", markup=False)
        with VerticalScroll(id="help-body"):
            keymap = getattr(self.app, "keymap", None)
            for n, (title, table) in enumerate(help_tables(type(self.app), self.app.get_key_display, keymap=keymap)):
                yield Static(Text(title, style="bold underline"), classes="help-section", markup=False)
                yield Static(table, id=f"help-table-{n}", classes="help-table", markup=False)
        yield TriageFooter()

    def action_scroll(self, direction: str) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=1 if direction == "down" else -1,
                                                                    animate=False)

    def action_close(self) -> None:
        self.app.pop_screen()
