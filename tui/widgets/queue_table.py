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
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable

from triage.present import age
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
    "updated": "bold cyan",
}
"""How each review state is drawn in the State column (``updated``: new commits since the
last verdict, so the change is unreviewed again)."""

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


CELLS = (
    tier_badge,
    lambda sampled: Text("★" if sampled else " ", style="bold yellow"),
    lambda short_id: safe_text(short_id, "cyan"),
    lambda agent: safe_line(agent, limit=12),
    lambda assignee: safe_line(assignee or "—", "" if assignee else "dim", limit=14),
    lambda age: Text(age, justify="right"),
    lambda findings: Text(str(findings), style="bold red" if findings else "dim", justify="right"),
    lambda size: Text.assemble(("+" + str(size[0]), "green"), "/", ("-" + str(size[1]), "red")),
    state_text,
)
"""How each column but the title draws its value (:meth:`QueueTable._values`)."""

GIVE_WAY: tuple[str, ...] = ("assignee-empty", "size", "age", "assignee", "agent", "sample")
"""Which columns give way, first to last, when the title would get fewer than :data:`TITLE_MIN`
cells (``assignee-empty``: the Assignee column while nobody is assigned anything). The tier,
id, finding count and state always stay."""

TITLE_MIN = 32
"""The title keeps at least this many cells while a column can still give way."""


def fit_columns(widths: dict[str, int], total: int, *, padding: int = 1, assignee_empty: bool = False,
                title_min: int = TITLE_MIN) -> list[str]:
    """The columns (keys of :data:`COLUMNS` but the title) to show in ``total`` cells: columns give
    way in :data:`GIVE_WAY` order until the title has ``title_min`` cells or none is left to go."""
    keep = [key for key, _ in COLUMNS if key != "title"]

    def title_room() -> int:
        return total - sum(widths[k] + 2 * padding for k in keep) - 2 * padding - 1

    for name in GIVE_WAY:
        if title_room() >= title_min:
            break
        key = "assignee" if name == "assignee-empty" else name
        if key in keep and (name != "assignee-empty" or assignee_empty):
            keep.remove(key)
    return keep


CHUNK = 400
"""Rows a long queue gets at first, and again each time the cursor or the view nears
the last one (a screenful takes a few dozen)."""


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
        self.shown_columns: list[str] = [key for key, _ in COLUMNS]
        """The keys of the columns on screen (narrow terminals drop some: :func:`fit_columns`)."""
        self._keep: list[int] = list(range(len(CELLS)))
        self._all_widths: list[int] = []
        self.items: list = []
        self._now: float | None = None
        self._used = 0
        self._shown_title_width = 0
        self._drawn: list[dict] = [{} for _ in CELLS]
        self._fixed = False
        self._loaded = 0
        self._adding = False

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def _set_columns(self, keys: list[str]) -> None:
        """Show the columns ``keys`` (then the title), rebuilding the header when they changed."""
        keys = [*keys, "title"]
        if keys == self.shown_columns:
            return
        index = {key: n for n, (key, _) in enumerate(COLUMNS)}
        labels = dict(COLUMNS)
        adding, self._adding = self._adding, True  # clearing moves the cursor: its watcher must not add rows
        try:
            self.clear(columns=True)
            for key in keys:
                self.add_column(labels[key], key=key)
        finally:
            self._adding = adding
        self.shown_columns = keys
        self._keep = [index[k] for k in keys if k != "title"]

    def _values(self, it) -> tuple:
        """What each cell but the title shows of ``it``, one value per column (see :data:`CELLS`)."""
        return (it.tier, it.sampled, it.short_id, it.agent_label, it.assignee,
                age(it.authored_at, self._now), it.findings, (it.added, it.deleted), it.shown_state)

    def _cells(self, it) -> list[Text]:
        """Every cell of one row but the title (a value's cell is drawn once per :meth:`show_items`:
        ``Text`` cells are only read when the table renders, so rows can share them)."""
        out = []
        values = self._values(it)
        for n in self._keep:
            memo, value = self._drawn[n], values[n]
            cell = memo.get(value)
            if cell is None:
                cell = memo[value] = CELLS[n](value)
            out.append(cell)
        return out

    def _widths(self, items: list) -> list[int]:
        """The width of each column before the title: its widest cell over every item,
        whether its row was added yet or not, or its label (each distinct value is drawn once)."""
        columns = zip(*(self._values(it) for it in items))
        return [max([len(label)] + [draw(v).cell_len for v in set(values)])
                for (_key, label), draw, values in zip(COLUMNS, CELLS, columns)]

    def _total_width(self) -> int:
        return self.scrollable_content_region.width or self.size.width or 120

    def _title_width(self, used: int) -> int:
        """Cells left for the title once the other columns (and their padding) are laid out."""
        return max(16, self._total_width() - used - 2 * self.cell_padding - 1)

    def _layout_columns(self) -> list[int]:
        """Choose the columns for the current width; return the chosen ones' widths."""
        keys = [key for key, _ in COLUMNS if key != "title"]
        widths = dict(zip(keys, self._all_widths))
        empty = not any(it.assignee for it in self.items)
        keep = fit_columns(widths, self._total_width(), padding=self.cell_padding, assignee_empty=empty)
        self._set_columns(keep)
        return [widths[k] for k in keep]

    def show_items(self, items: list, *, now: float | None = None, select: str | None = None) -> None:
        """Replace the rows with ``items``; keep the cursor on ``select`` (or the same change).

        Like lazygit's log, a long queue gets its rows as they are needed: the
        first :data:`CHUNK` (or up to the selected change), then more as the
        cursor or the view nears the last one; ``G``/``End`` adds the rest.
        """
        keep = select or self.selected_id()
        row_before = self.cursor_row
        self._adding = True  # clear() moves the cursor, whose watcher must not add rows yet
        try:
            self.clear()
            self._loaded = 0
            self._drawn = [{} for _ in CELLS]
            self._fixed = False
            for column in self.ordered_columns:  # an empty queue's header sizes itself again
                column.auto_width = True
        finally:
            self._adding = False
        self.items = list(items)
        self._now = now
        if not self.items:
            return
        self._all_widths = self._widths(self.items)
        widths = self._layout_columns()
        self._used = sum(widths) + 2 * self.cell_padding * len(widths)
        self._shown_title_width = self._title_width(self._used)
        self._fix_widths(widths + [self._shown_title_width])
        index = next((i for i, it in enumerate(self.items) if it.id == keep), None)
        if index is None:
            index = min(max(row_before, 0), len(self.items) - 1)
        self._add_rows(max(CHUNK, index + CHUNK // 2))
        self.move_cursor(row=index, animate=False)

    def _fix_widths(self, widths: list[int]) -> None:
        """Give every column its width up front (the title column all the room left), so
        adding rows measures no cells and the columns keep their widths as more rows come."""
        for column, width in zip(self.ordered_columns, widths):
            column.width = width
            column.auto_width = False
        self._fixed = True

    def _update_dimensions(self, new_rows) -> None:
        # DataTable measures every cell of every new row here; with the widths fixed by
        # show_items and every row one line high, the size is known without measuring.
        if not self._fixed:
            super()._update_dimensions(new_rows)
            return
        header = self.header_height if self.show_header else 0
        width = sum(column.get_render_width(self) for column in self.ordered_columns)
        self.virtual_size = Size(width, self.row_count + header)

    def _add_rows(self, upto: int) -> None:
        """Add the rows of ``items`` up to (not including) index ``upto``."""
        if self._adding:  # add_row moves the cursor, whose watcher asks for rows again
            return
        self._adding = True
        try:
            upto = min(upto, len(self.items))
            width = self._shown_title_width
            while self._loaded < upto:
                it = self.items[self._loaded]
                self._loaded += 1
                self.add_row(*self._cells(it), safe_line(it.title, limit=width), key=it.id)
        finally:
            self._adding = False

    @property
    def loaded_rows(self) -> int:
        """How many of :attr:`items` have a row so far."""
        return self._loaded

    def load_all(self) -> None:
        """Add every row still to come."""
        self._add_rows(len(self.items))

    def _load_near(self, row: int) -> None:
        """Add :data:`CHUNK` more rows when ``row`` is within two screenfuls of the last one."""
        if self._loaded < len(self.items) and row >= self._loaded - 2 * max(self.size.height, 20):
            self._add_rows(self._loaded + CHUNK)

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        self._load_near(new.row)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._load_near(int(new) + self.size.height)

    def action_scroll_bottom(self) -> None:
        """Jump to the last change (adding the rows still to come first)."""
        self.load_all()
        super().action_scroll_bottom()

    def on_resize(self) -> None:
        # Rebuild only when the title column's room changed (a layout pass often keeps it).
        if self.items and self._title_width(self._used) != self._shown_title_width:
            self.show_items(self.items, now=self._now)

    async def _on_click(self, event) -> None:
        """One click on a row opens it (a click on the header or off the rows does what DataTable does)."""
        meta = event.style.meta
        row = meta.get("row")
        if isinstance(row, int) and row >= 0 and "column" in meta:
            self._set_hover_cursor(True)
            self.move_cursor(row=row, animate=False)
            event.stop()
            change_id = self.selected_id()
            if change_id is not None:
                self.post_message(self.ChangeChosen(change_id))
            return
        await super()._on_click(event)

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
