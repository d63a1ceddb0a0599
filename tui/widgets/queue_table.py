"""Provides :class:`QueueTable`: the queue as a keyboard-first DataTable.

Every cell is a ``rich.text.Text`` (titles, agents and assignees through
:func:`tui.safe.safe_text`), so nothing a commit author wrote is parsed as
markup. Rows are keyed by change id, in queue order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from triage.review import age_label
from tui.safe import safe_line, safe_text

TIER_STYLE: dict[str, Style] = {
    "CRITICAL": Style(color="white", bgcolor="red3", bold=True),
    "HIGH": Style(color="black", bgcolor="dark_orange", bold=True),
    "MEDIUM": Style(color="black", bgcolor="yellow3", bold=True),
    "LOW": Style(color="black", bgcolor="green3"),
}
"""Badge colours per risk tier."""

STATE_STYLE: dict[str, str] = {
    "unreviewed": "dim",
    "approve": "bold green",
    "needs-fix": "bold yellow",
    "revert": "bold red",
    "escalate": "bold magenta",
}
"""How each review state is drawn in the State column."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("tier", "Tier"),
    ("sample", "★"),
    ("id", "ID"),
    ("agent", "Agent"),
    ("assignee", "Assignee"),
    ("age", "Age"),
    ("findings", "Find"),
    ("size", "Size"),
    ("state", "State"),
    ("title", "Title"),
)


def tier_badge(tier: str) -> Text:
    """A coloured, fixed-width badge for a risk tier."""
    return Text(f" {tier:<8}", style=TIER_STYLE.get(tier, Style(reverse=True)), end="")


def state_text(state: str) -> Text:
    """The review state, coloured."""
    return Text(state, style=STATE_STYLE.get(state, ""), end="")


class QueueTable(DataTable, inherit_bindings=True):
    """The ordered queue: one row per change, keyed by change id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Review", id="queue.open", tooltip="Open the selected change for review."),
        Binding("j", "cursor_down", "Down", show=False, id="queue.down", tooltip="Move down one change."),
        Binding("k", "cursor_up", "Up", show=False, id="queue.up", tooltip="Move up one change."),
        Binding("g,home", "scroll_top", "First", show=False, id="queue.first", tooltip="Go to the first change."),
        Binding("G,end", "scroll_bottom", "Last", show=False, id="queue.last", tooltip="Go to the last change."),
    ]
    """Vim keys on top of the DataTable's arrows, Home/End and PgUp/PgDn."""

    @dataclass
    class ChangeChosen(Message):
        """The reviewer chose ``change_id`` (Enter)."""

        change_id: str

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.items: list = []
        self._now: float | None = None

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def _title_width(self, rows: list[list[Text]]) -> int:
        """Cells left for the title once the other columns (and their padding) are laid out."""
        total = self.scrollable_content_region.width or self.size.width or 120
        used = 0
        for n, (_, label) in enumerate(COLUMNS[:-1]):
            used += max([len(label)] + [r[n].cell_len for r in rows]) + 2 * self.cell_padding
        return max(16, total - used - 2 * self.cell_padding - 1)

    def show_items(self, items: list, *, now: float | None = None, select: str | None = None) -> None:
        """Replace the rows with ``items``; keep the cursor on ``select`` (or the same change)."""
        keep = select or self.selected_id()
        row_before = self.cursor_row
        self.items = list(items)
        self._now = now
        self.clear()
        rows = [
            [
                tier_badge(it.tier),
                Text("★" if it.sampled else " ", style="bold yellow"),
                safe_text(it.short_id, "cyan"),
                safe_line(it.agent or it.kind, limit=12),
                safe_line(it.assignee or "—", "dim" if not it.assignee else "", limit=14),
                Text(age_label(it.authored_at, now), justify="right"),
                Text(str(it.findings), style="bold red" if it.findings else "dim", justify="right"),
                Text.assemble(("+" + str(it.added), "green"), "/", ("-" + str(it.deleted), "red")),
                state_text(it.state),
            ]
            for it in self.items
        ]
        width = self._title_width(rows)
        for it, cells in zip(self.items, rows):
            self.add_row(*cells, safe_line(it.title, limit=width), key=it.id)
        if not self.items:
            return
        index = next((i for i, it in enumerate(self.items) if it.id == keep), None)
        if index is None:
            index = min(max(row_before, 0), len(self.items) - 1)
        self.move_cursor(row=index, animate=False)

    def on_resize(self) -> None:
        if self.items:
            self.show_items(self.items, now=self._now)

    def selected_id(self) -> str | None:
        """The change id under the cursor."""
        item = self.selected_item()
        return item.id if item is not None else None

    def selected_item(self):
        """The queue item under the cursor, or ``None``."""
        if not self.items or not (0 <= self.cursor_row < len(self.items)):
            return None
        return self.items[self.cursor_row]

    def action_choose(self) -> None:
        """Open the change under the cursor."""
        change_id = self.selected_id()
        if change_id is not None:
            self.post_message(self.ChangeChosen(change_id))
