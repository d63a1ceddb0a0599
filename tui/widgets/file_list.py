"""Provides :class:`FileList`: the changed files, with finding counts and viewed state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.safe import safe_text

STATUS_STYLE = {"A": "green", "D": "red", "M": "yellow", "R": "cyan", "C": "cyan", "T": "magenta"}


@dataclass
class FileEntry:
    """What the list shows about one file (``path`` is untrusted)."""

    path: str
    status: str = "M"
    added: int = 0
    deleted: int = 0
    findings: int = 0
    hidden: int = 0
    notes: int = 0
    viewed: bool = False


def _left_cut(text: Text, width: int) -> Text:
    """``text`` cut from the left to ``width`` cells ("…/auth/x.py"), so the file name stays visible."""
    if text.cell_len <= width:
        return text
    keep = max(1, width - 1)
    out = Text("…", end="")
    out.append_text(text[len(text) - keep:])
    return out


def file_prompt(entry: FileEntry, width: int = 0) -> Text:
    """One option: viewed mark, status, counts and warnings, then the path (cut from the left to ``width``)."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append("✓ " if entry.viewed else "· ", "green" if entry.viewed else "dim")
    text.append(f"{entry.status} ", STATUS_STYLE.get(entry.status, ""))
    if entry.findings:
        text.append(f"●{entry.findings} ", "bold red")
    if entry.hidden:
        text.append(f"⚠{entry.hidden} ", "bold magenta")
    path = safe_text(entry.path, tab_size=1)
    if width:
        path = _left_cut(path, max(8, width - text.cell_len))
    text.append_text(path)
    return text


class FileList(OptionList):
    """The files of a change; Enter jumps the diff to the file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="files.down", tooltip="Highlight the next file."),
        Binding("k", "cursor_up", "Up", show=False, id="files.up", tooltip="Highlight the previous file."),
        Binding("enter", "select", "Show file", show=False, id="files.show",
                tooltip="Jump the diff to the highlighted file."),
    ]
    """Keys while the file list has focus (plus the arrows, Home/End and PgUp/PgDn)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entries: list[FileEntry] = []

    def set_entries(self, entries: list[FileEntry]) -> None:
        """Show ``entries`` (one per file, in diff order)."""
        highlighted = self.highlighted
        self.entries = entries
        width = self._width()
        self.set_options([Option(file_prompt(e, width), id=f"file-{i}") for i, e in enumerate(entries)])
        if entries:
            self.highlighted = min(highlighted or 0, len(entries) - 1)
        self._show_counts()

    def _show_counts(self) -> None:
        viewed = sum(1 for e in self.entries if e.viewed)
        self.border_title = f"Files {viewed}/{len(self.entries)} viewed" if viewed else f"Files {len(self.entries)}"

    def _width(self) -> int:
        return max(0, self.scrollable_content_region.width - 2)

    def on_resize(self) -> None:
        for i in range(len(self.entries)):
            self.replace_option_prompt_at_index(i, file_prompt(self.entries[i], self._width()))

    def refresh_entry(self, index: int) -> None:
        """Redraw the option of file ``index`` after its entry changed."""
        if 0 <= index < len(self.entries):
            self.replace_option_prompt_at_index(index, file_prompt(self.entries[index], self._width()))
            self._show_counts()

    def mark_viewed(self, index: int, viewed: bool = True) -> None:
        """Set file ``index``'s viewed state."""
        if 0 <= index < len(self.entries) and self.entries[index].viewed != viewed:
            self.entries[index].viewed = viewed
            self.refresh_entry(index)
