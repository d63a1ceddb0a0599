"""The README's command tables and key table say what the CLI parser and the app's bindings do:
a command or key missing from the README, or one the README lists that does not exist, fails."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The text of the README section ``## title`` (up to the next ``## ``)."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def _rows(text: str, first_header: str) -> list[list[str]]:
    """The cells of every body row of the table whose header starts ``| first_header |``."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    out = []
    for line in lines[at + 2:]:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        out.append([c.strip() for c in cells])
    return out


# ------------------------------------------------------------------------ commands


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    from triage.cli import build_parser

    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def documented_commands() -> dict[str, set[str]]:
    """Subcommand -> the ``--options`` the README's command tables write for it."""
    out: dict[str, set[str]] = {}
    for title in ("Commands", "Team workflows"):
        for cells in _rows(_section(title), "command"):
            for usage in re.findall(r"`(triage [^`]*)`", cells[0]):
                words = usage.replace("\\|", "|").split()
                if words[1].startswith(("-", "[")):
                    continue  # `triage --version` (checked below) and plain `triage [--db PATH]` (review's row)
                out.setdefault(words[1], set()).update(re.findall(r"--[a-z][a-z-]*", usage))
    return out


def test_every_subcommand_has_a_row_and_every_row_is_a_subcommand():
    assert sorted(documented_commands()) == sorted(_subparsers())


def test_every_option_a_row_writes_exists():
    parsers = _subparsers()
    for name, options in documented_commands().items():
        known = set(parsers[name]._option_string_actions)
        assert options <= known, (name, sorted(options - known))


def test_the_version_row_is_the_parsers_version_option():
    from triage.cli import build_parser

    assert "`triage --version`" in _section("Commands")
    assert "--version" in build_parser()._option_string_actions


# ------------------------------------------------------------------------ keys

KEY_NAMES = {"enter": "enter", "esc": "escape", "space": "space", "pgup": "pageup", "pgdn": "pagedown",
             "backspace": "backspace", "delete": "delete", "home": "home", "end": "end", "tab": "tab",
             "up": "up", "down": "down", "left": "left", "right": "right", "?": "question_mark", "/": "slash",
             "[": "left_square_bracket", "]": "right_square_bracket"}
"""The README's key labels -> textual's key names."""

NOT_KEYS = {"all", "anyone"}
"""Backticked words in the key table that are values, not keys (the picker's `all` / `anyone`)."""


def _key(label: str) -> str:
    low = label.lower()
    if low in KEY_NAMES:
        return KEY_NAMES[low]
    if "+" in label and len(label) > 1 or re.fullmatch(r"f\d+", low):
        return low
    assert len(label) == 1, f"the key table writes {label!r}, which is not a key name this test knows"
    return label


def _rows_classes():
    from tui.app import TriageApp
    from tui.screens.copy import CopyModal
    from tui.screens.details import FactorsModal
    from tui.screens.digest import DigestList, DigestScreen
    from tui.screens.handover import HandoverModal
    from tui.screens.help import HelpScreen
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
    from textual.screen import Screen

    return {
        "everywhere": [TriageApp, Screen],
        "queue": [QueueScreen, QueueTable],
        "review": [ReviewScreen],
        "review: diff": [DiffView],
        "review: file list": [FileList],
        "review: checklist": [ChecklistPanel],
        "digest": [DigestScreen, DigestList],
        "hand-over dialog": [HandoverModal],
        "verdict form": [VerdictModal],
        "agent / reviewer list": [PickerModal],
        "copy list": [CopyModal],
        "checklist note": [NoteModal],
        "risk factors": [FactorsModal],
        "stats": [StatsScreen],
        "help": [HelpScreen],
    }


WIDGET_KEYS = {
    "everywhere": {"ctrl+p", "tab", "shift+tab"},  # textual's command palette and focus keys
    "hand-over dialog": {"enter", "tab"},  # the dialog's input submits and moves focus
    "verdict form": {"enter", "tab", "space"},  # its inputs and checkbox
    "copy list": {"enter"},  # its option list chooses the highlighted one
}
"""Keys the README documents that textual's own widgets handle (no binding of the app's)."""


def key_table() -> dict[str, set[str]]:
    out = {}
    for where, keys in _rows(_section("Keys"), "where"):
        labels = [k.replace("\\|", "|") for k in re.findall(r"`([^`]+)`", keys)]
        out[where] = {_key(k) for k in labels if k not in NOT_KEYS}
    return out


def test_the_key_table_has_a_row_for_every_part_of_the_app():
    from tui.app import TriageApp
    from tui.screens.help import sections

    table = key_table()
    classes = _rows_classes()
    assert sorted(table) == sorted(classes)
    covered = {cls for row in classes.values() for cls in row}
    every = {cls for _title, row in sections(TriageApp) for cls in row}
    assert every <= covered, sorted(c.__name__ for c in every - covered)


def test_each_rows_keys_are_the_bindings_of_that_part():
    from tui.screens.help import _bindings

    table = key_table()
    problems = []
    for where, classes in _rows_classes().items():
        bound = {b.key for cls in classes for b in _bindings(cls) if b.id}
        documented = table[where] - WIDGET_KEYS.get(where, set())
        problems.append((where, "in the README only:", sorted(documented - bound),
                                     "bound but not in the README:", sorted(bound - documented))) \
            if documented != bound else None
    assert problems == []


# ------------------------------------------------------------------------ configuration


def schema_tables(cls=None, path=()) -> dict[str, set[str]]:
    """``[table]`` (``[[table]]`` for an array of tables) -> its keys, for every table of the schema
    (a table of free names, like ``[risk.floors]``, has none)."""
    import dataclasses
    import typing

    from triage import schema
    from triage.settings import Config

    cls = cls or Config
    out: dict[str, set[str]] = {}
    scalars = set()
    for key, _f, tp in schema.fields_of(cls):
        here = (*path, key)
        inner = typing.get_args(tp)[0] if typing.get_origin(tp) is tuple else None
        entry = next((a for a in (typing.get_args(inner) or (inner,)) if dataclasses.is_dataclass(a)), None) \
            if inner is not None else None
        if dataclasses.is_dataclass(tp):
            out.update(schema_tables(tp, here))
        elif entry is not None and key not in ("members",):
            out[f"[[{'.'.join(here)}]]"] = {k for k, _, _ in schema.fields_of(entry)}
        elif typing.get_origin(tp) is dict:
            out[f"[{'.'.join(here)}]"] = set()
        else:
            scalars.add(key)
    if path and scalars:
        out[f"[{'.'.join(path)}]"] = scalars
    return out


def documented_config() -> dict[str, set[str]]:
    out = {}
    for table, keys in _rows(_section("Configuration"), "table"):
        names = set()
        for segment in keys.split(" · "):
            head = segment.split(":", 1)[0]  # `a`, `b`: what they take (or just `a`)
            names.update(re.findall(r"`([A-Za-z0-9_-]+)`", head))
        out[table.strip("`")] = names
    return out


def test_the_configuration_table_lists_every_table_and_key_of_the_schema():
    assert documented_config() == schema_tables()
