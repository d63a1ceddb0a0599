"""Provides :class:`DiffView`: a virtualized, annotated diff (Textual's Line API).

The widget holds a :class:`~triage.review.DiffLayout` (plain rows) and draws
only the rows on screen in :meth:`DiffView.render_line`: a 50,000-line diff
costs the same to show as a 50-line one. Each visible line is highlighted
once and cached (LRU); lines over the highlight cap are drawn plain, and very
long lines are cut to the window around the horizontal scroll position.

Gutter: old and new line numbers, a ``●`` on lines that carry a finding
(coloured by severity) and the line's origin. A cursor line (``j``/``k``)
drives the finding panel through :class:`DiffView.CursorMoved`.

``w`` wraps long lines instead of scrolling sideways: each row then takes as
many screen lines as its text needs (continuations are marked ``↪``), worked
out from the rows' widths (measured once per layout, cheaply for plain ASCII
lines), so drawing still touches only the rows on screen. Lines longer than
:data:`MAX_WRAP` characters are not wrapped.

A deleted line and the added line that replaced it have the words that
differ drawn in a stronger colour (:func:`triage.review.intraline_spans`),
and the rows matching a ``/`` search have the match highlighted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from triage.models import DiffLine, FileDiff
from triage.present import worst_severity
from triage.review.layout import DiffLayout, DiffRow, FILE, HUNK, intraline_spans, LINE, MARK, NOTE
from tui.safe import safe_text
from tui.widgets.highlight import MAX_HIGHLIGHT, TAB_SIZE, LineHighlighter, lexer_for

SEVERITY_STYLE: dict[str, Style] = {
    "critical": Style(color="bright_red", bold=True),
    "high": Style(color="red", bold=True),
    "medium": Style(color="yellow", bold=True),
    "low": Style(color="cyan"),
    "info": Style(color="blue"),
}
"""Gutter marker colour per finding severity."""

MAX_WRAP = 20_000
"""Lines longer than this many characters are never wrapped (they scroll sideways)."""

_TAB_OR_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")

CONTINUATION = "↪"
"""Marks the screen lines a wrapped row continues on."""


class DiffView(ScrollView, can_focus=True, inherit_bindings=False):
    """A scrollable diff with a line cursor; draws only what is on screen."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--gutter",
        "diff-view--added",
        "diff-view--deleted",
        "diff-view--added-word",
        "diff-view--deleted-word",
        "diff-view--match",
        "diff-view--file",
        "diff-view--note",
        "diff-view--hunk",
        "diff-view--marker",
        "diff-view--cursor",
        "diff-view--message",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next line", show=False, id="diff.line_down",
                tooltip="Move the cursor one line down."),
        Binding("k,up", "cursor_up", "Previous line", show=False, id="diff.line_up",
                tooltip="Move the cursor one line up."),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False, id="diff.page_down",
                tooltip="Move a page down."),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="diff.page_up",
                tooltip="Move a page up."),
        Binding("g,home", "cursor_top", "Top", show=False, id="diff.top", tooltip="Go to the first line."),
        Binding("G,end", "cursor_bottom", "End", show=False, id="diff.bottom", tooltip="Go to the last line."),
        Binding("h,left", "scroll_cols(-8)", "Scroll left", show=False, id="diff.left",
                tooltip="Scroll the diff left."),
        Binding("l,right", "scroll_cols(8)", "Scroll right", show=False, id="diff.right",
                tooltip="Scroll the diff right."),
        Binding("0", "scroll_cols(0)", "Scroll to column 0", show=False, id="diff.col0",
                tooltip="Scroll back to the first column."),
    ]
    """Cursor and scrolling keys (vim and arrows)."""

    cursor: reactive[int] = reactive(0, init=False)
    """The row the cursor is on."""

    @dataclass
    class CursorMoved(Message):
        """The cursor moved to ``row`` of file ``file``."""

        diff_view: "DiffView"
        row: int
        file: int

        @property
        def control(self) -> "DiffView":
            return self.diff_view

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.layout_ = DiffLayout([], [], [], {}, 0)
        self.files: list[FileDiff] = []
        self.message: Text = Text("Loading the diff…")
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(4096)
        self._highlighter: LineHighlighter | None = None
        self._digits = 4
        self.rendered_lines = 0
        """How many content lines were rendered (highlighted) so far: for tests and benchmarks."""
        self.wrap = False
        """Long lines wrap onto more screen lines instead of scrolling sideways (``w``)."""
        self.search: str = ""
        """The ``/`` search whose matches are highlighted ("" for none)."""
        self._cells: list[tuple[int, int]] = []
        self._tops: list[int] = []
        self._wrap_width = 0

    # ---------------------------------------------------------------- data

    def show_message(self, message: Text) -> None:
        """Show ``message`` instead of a diff (loading, errors, empty changes)."""
        self.message = message
        self.layout_ = DiffLayout([], [], [], {}, 0)
        self.virtual_size = Size(0, 1)
        self.refresh()

    def set_diff(self, files: list[FileDiff], layout: DiffLayout, cursor: int = 0) -> None:
        """Show ``layout`` (rows of ``files``) with the cursor on ``cursor``."""
        self.files = files
        self.layout_ = layout
        self._cache.clear()
        top = 1
        for fd in files:
            for h in fd.hunks:
                top = max(top, h.old_start + h.old_lines, h.new_start + h.new_lines)
        self._digits = max(4, len(str(top)))
        if not layout.rows:
            self.message = Text("This change has no file changes (an empty commit).")
        self._cells = []
        self._tops = []
        self._wrap_width = 0
        self._size_content()
        self.set_reactive(DiffView.cursor, max(0, min(cursor, len(layout.rows) - 1)))
        self.scroll_to(x=0, y=max(0, self.row_top(self.cursor) - 3), animate=False)
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor, layout.file_at(self.cursor)))

    # ---------------------------------------------------------------- wrap

    def set_wrap(self, wrap: bool) -> None:
        """Wrap long lines (or scroll sideways again), keeping the cursor's row on screen."""
        if wrap == self.wrap:
            return
        self.wrap = wrap
        self._cache.clear()
        self._tops = []
        self._wrap_width = 0
        self._size_content()
        self.scroll_to(x=0, animate=False, immediate=True)
        self._scroll_into_view(self.cursor, center=True)
        self.refresh()

    def on_resize(self) -> None:
        if self.wrap and self._content_width() != self._wrap_width:
            self._tops = []
            self._size_content()
            self._scroll_into_view(self.cursor, center=True)
            self.refresh()

    def _row_cells(self) -> list[tuple[int, int]]:
        """Per row, the cells its two sides' text takes (0 for a header), measured once per layout."""
        if len(self._cells) != len(self.layout_.rows):
            cells = []
            for row in self.layout_.rows:
                if row.kind != LINE:
                    cells.append((0, 0))
                    continue
                sides = (row.line, row.right) if self.layout_.split else (row.line, None)
                cells.append(tuple(_cell_len(side) for side in sides))  # type: ignore[arg-type]
            self._cells = cells
        return self._cells

    def _content_width(self) -> int:
        """Cells a line's text gets (in the split view: each side's)."""
        width = max(2, self.scrollable_content_region.width or self.size.width or 80)
        if self.layout_.split:
            return max(1, width // 2 - (self._digits + 3))
        return max(1, width - self._gutter_width())

    def _size_content(self) -> None:
        """The virtual size (and, when wrapping, the screen line each row starts on)."""
        rows = self.layout_.rows
        if not self.wrap:
            self.virtual_size = Size(self._gutter_width() + self.layout_.width + TAB_SIZE, max(1, len(rows)))
            return
        width = self._content_width()
        tops = [0]
        for left, right in self._row_cells():
            cells = max(left, right)
            tops.append(tops[-1] + (1 if cells <= width or cells > MAX_WRAP else -(-cells // width)))
        self._tops = tops
        self._wrap_width = width
        self.virtual_size = Size(self.scrollable_content_region.width or self.size.width, max(1, tops[-1]))

    def row_top(self, row: int) -> int:
        """The screen line (of the whole diff) row ``row`` starts on."""
        if not self.wrap or not self._tops:
            return row
        return self._tops[max(0, min(row, len(self._tops) - 1))]

    def row_height(self, row: int) -> int:
        """How many screen lines row ``row`` takes."""
        if not self.wrap or not self._tops or not 0 <= row < len(self._tops) - 1:
            return 1
        return self._tops[row + 1] - self._tops[row]

    def row_at(self, y: int) -> tuple[int, int]:
        """``(row, part)``: the row drawn on screen line ``y`` of the whole diff, and which of its lines."""
        if not self.wrap or not self._tops:
            return y, 0
        row = bisect_right(self._tops, y) - 1
        return row, y - self._tops[row] if row >= 0 else 0

    # -------------------------------------------------------------- search

    def set_search(self, query: str) -> None:
        """Highlight ``query`` (case-insensitive) in the rows that hold it ("" clears it)."""
        if query != self.search:
            self.search = query
            self._cache.clear()
            self.refresh()

    @property
    def row_count(self) -> int:
        """How many rows the diff has."""
        return len(self.layout_.rows)

    def current_row(self) -> DiffRow | None:
        """The row under the cursor."""
        rows = self.layout_.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def notify_style_update(self) -> None:
        """Drop cached lines when the theme changes."""
        super().notify_style_update()
        self._cache.clear()
        self._highlighter = None

    # ------------------------------------------------------------- cursor

    def move_cursor(self, row: int, *, center: bool = False) -> None:
        """Put the cursor on ``row`` and scroll it into view (``center``: a third from the top)."""
        if not self.layout_.rows:
            return
        row = max(0, min(row, len(self.layout_.rows) - 1))
        self._scroll_into_view(row, center=center)
        self.cursor = row

    def watch_cursor(self, old: int, new: int) -> None:
        for row in (old, new):
            self.refresh_lines(self.row_top(row), self.row_height(row))
        self.post_message(self.CursorMoved(self, new, self.layout_.file_at(new)))

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_into_view(self, row: int, *, center: bool = False) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        first, lines = self.row_top(row), self.row_height(row)
        last = first + min(lines, height) - 1
        if center and not (top <= first and last < top + height):
            y = max(0, first - height // 3)
        elif first < top:
            y = first
        elif last >= top + height:
            y = last - height + 1
        else:
            return
        self.scroll_to(y=y, animate=False, immediate=True)

    def on_click(self, event) -> None:
        """Clicking a line puts the cursor on it."""
        offset = event.get_content_offset(self)
        if self.layout_.rows and offset is not None:
            self.move_cursor(self.row_at(round(self.scroll_y) + offset.y)[0])

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self._page(), animate=False, immediate=True)
        self.move_cursor(self.row_at(self.row_top(self.cursor) + self._page())[0] if self.wrap
                         else self.cursor + self._page())

    def action_page_up(self) -> None:
        self.scroll_to(y=max(0, self.scroll_y - self._page()), animate=False, immediate=True)
        self.move_cursor(self.row_at(max(0, self.row_top(self.cursor) - self._page()))[0] if self.wrap
                         else self.cursor - self._page())

    def action_cursor_top(self) -> None:
        self.move_cursor(0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(len(self.layout_.rows) - 1)

    def action_scroll_cols(self, delta: int) -> None:
        if self.wrap and delta:
            self.notify("Lines are wrapped: nothing to scroll sideways (w turns wrapping off).", timeout=3)
            return
        x = 0 if delta == 0 else max(0, self.scroll_x + delta)
        self.scroll_to(x=x, animate=False, immediate=True)

    # ------------------------------------------------------------ drawing

    def _style(self, name: str, partial: bool = False) -> Style:
        return self.get_component_rich_style(f"diff-view--{name}", partial=partial)

    def _gutter_width(self) -> int:
        if self.layout_.split:
            return 0
        return 2 * self._digits + 5

    def _num(self, n: int | None) -> str:
        return f"{n:>{self._digits}}" if n is not None else " " * self._digits

    def _partner(self, key: tuple[int, int], line: DiffLine) -> DiffLine | None:
        """The line ``line`` (drawn at ``key``) replaced or was replaced by, for the word-level highlight."""
        idx, side = key
        row = self.layout_.rows[idx]
        if self.layout_.split:
            other = row.right if side == 1 else row.line
        else:
            pair = self.layout_.pairs.get(idx)
            other = self.layout_.rows[pair].line if pair is not None else None
        if other is None or other is line or {line.origin, other.origin} != {"-", "+"}:
            return None
        return other

    def _emphasis(self, key: tuple[int, int], line: DiffLine) -> tuple[list[tuple[int, int]], Style | None]:
        other = self._partner(key, line)
        if other is None or len(line.raw) > MAX_HIGHLIGHT or len(other.raw) > MAX_HIGHLIGHT:
            return [], None
        mine = line.raw.decode("utf-8", "surrogateescape")
        theirs = other.raw.decode("utf-8", "surrogateescape")
        if line.origin == "-":
            spans = intraline_spans(mine, theirs)[0]
            return spans, self._style("deleted-word")
        return intraline_spans(theirs, mine)[1], self._style("added-word")

    def _content(self, key: tuple[int, int], line: DiffLine, path: str) -> Strip:
        """The whole (uncropped) highlighted content of a line, cached."""
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if self._highlighter is None:
            dark = getattr(self.app.current_theme, "dark", True)
            self._highlighter = LineHighlighter("monokai" if dark else "friendly")
        emphasis, style = self._emphasis(key, line)
        text = self._highlighter.highlight(line.raw, lexer_for(path), emphasis, style)
        if self.search:
            text.highlight_words([self.search], self._style("match"), case_sensitive=False)
        self.rendered_lines += 1
        strip = Strip(list(text.render(self.app.console, end="")), text.cell_len)
        self._cache[key] = strip
        return strip

    def _line_strip(self, key: tuple[int, int], line: DiffLine, path: str, scroll_x: int, width: int) -> Strip:
        """A line's content cropped to ``width`` cells from ``scroll_x``."""
        if len(line.raw) > MAX_HIGHLIGHT:
            # Very long lines: render only the window on screen (never the whole line).
            text = line.raw.decode("utf-8", "surrogateescape")[scroll_x: scroll_x + width + 1]
            t = safe_text(text, tab_size=TAB_SIZE)
            if self.search:
                t.highlight_words([self.search], self._style("match"), case_sensitive=False)
            self.rendered_lines += 1
            return Strip(list(t.render(self.app.console, end="")), t.cell_len).crop_extend(0, width, None)
        return self._content(key, line, path).crop_extend(scroll_x, scroll_x + width, None)

    def _text_row(self, text: Text, width: int, style: Style) -> Strip:
        strip = Strip(list(text.render(self.app.console, end="")), text.cell_len)
        return strip.crop_extend(0, width, None).apply_style(style)

    def _marker(self, row: int) -> Segment:
        found = self.layout_.findings_at.get(row)
        if not found:
            return Segment(" ")
        return Segment("●", SEVERITY_STYLE.get(worst_severity(found), SEVERITY_STYLE["info"]))

    def render_line(self, y: int) -> Strip:
        """Draw view line ``y``: only rows on screen are ever rendered."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        idx, part = self.row_at(scroll_y + y)
        rows = self.layout_.rows
        base = self.rich_style
        if not rows:
            lines = (Text(" ") + self.message).wrap(self.app.console, max(10, width - 1))
            if y < len(lines):
                return self._text_row(lines[y], width, self._style("message")).apply_style(base)
            return Strip.blank(width, base)
        if idx >= len(rows):
            return Strip.blank(width, base)
        row = rows[idx]
        cursor = self._style("cursor") if idx == self.cursor else None
        return self._render_row(idx, row, scroll_x, width, cursor, part).apply_style(base)

    def _render_row(self, idx: int, row: DiffRow, scroll_x: int, width: int, cursor: Style | None,
                    part: int = 0) -> Strip:
        fd = self.files[row.file] if row.file < len(self.files) else None

        def kind(name: str) -> Style:
            style = self._style(name)
            return style + cursor if cursor is not None else style

        if row.kind == FILE:
            text = Text("▍", end="")
            text.append(self._marker(idx).text, self._marker(idx).style)
            text.append_text(safe_text(row.text))
            if fd is not None:
                text.append(f"   +{fd.added} -{fd.deleted}")
            return self._text_row(text, width, kind("file"))
        if row.kind == NOTE:
            return self._text_row(Text("   » ", end="") + safe_text(row.text), width, kind("note"))
        if row.kind == HUNK:
            pad = " " * self._gutter_width() if not self.layout_.split else "  "
            return self._text_row(Text(pad, end="") + safe_text(row.text), width, kind("hunk"))
        if row.kind == MARK:
            pad = " " * self._gutter_width() if not self.layout_.split else "  "
            return self._text_row(Text(pad + "\\ ", end="") + Text(row.text), width, kind("marker"))
        path = fd.path if fd is not None else ""
        if self.layout_.split:
            return self._split_line(idx, row, path, scroll_x, width, cursor, part)
        return self._unified_line(idx, row, path, scroll_x, width, cursor, part)

    def _wrapped(self, key: tuple[int, int], line: DiffLine, path: str, scroll_x: int, width: int,
                 part: int) -> Strip:
        """Screen line ``part`` of a line's content: the window from ``scroll_x``, or the
        ``part``-th ``width`` cells when wrapping."""
        if not self.wrap or len(line.raw) > MAX_WRAP:
            return self._line_strip(key, line, path, scroll_x if not self.wrap else 0, width) if part == 0 \
                else Strip.blank(width)
        if len(line.raw) > MAX_HIGHLIGHT:
            return self._line_strip(key, line, path, part * width, width)
        return self._content(key, line, path).crop_extend(part * width, (part + 1) * width, None)

    def _side_style(self, origin: str, cursor: Style | None) -> Style | None:
        style = None
        if origin == "+":
            style = self._style("added")
        elif origin == "-":
            style = self._style("deleted")
        if cursor is not None:
            return style + cursor if style is not None else cursor
        return style

    def _unified_line(self, idx: int, row: DiffRow, path: str, scroll_x: int, width: int,
                      cursor: Style | None, part: int = 0) -> Strip:
        line = row.line
        assert line is not None
        gutter_style = self._style("gutter", partial=True)
        if part:
            gutter = Strip([Segment(" " * (2 * self._digits + 2) + CONTINUATION + "  ", gutter_style)])
        else:
            gutter = Strip([
                Segment(f"{self._num(line.old_no)} {self._num(line.new_no)} ", gutter_style),
                self._marker(idx),
                Segment(f"{line.origin} ", gutter_style),
            ])
        content_width = max(1, width - gutter.cell_length)
        content = self._wrapped((idx, 0), line, path, scroll_x, content_width, part)
        side = self._side_style(line.origin, cursor)
        if side is not None:
            gutter = gutter.apply_style(side)
            content = content.apply_style(side)
        return Strip.join([gutter, content])

    def _split_line(self, idx: int, row: DiffRow, path: str, scroll_x: int, width: int,
                    cursor: Style | None, part: int = 0) -> Strip:
        half = width // 2
        gutter_style = self._style("gutter", partial=True)
        parts: list[Strip] = []
        for n, (line, w) in enumerate(((row.line, half), (row.right, width - half))):
            lead = "│" if n else ""
            marker = self._marker(idx) if n else Segment(" ")
            if line is None:
                blank = Strip([Segment(lead, gutter_style)]).extend_cell_length(w, gutter_style)
                parts.append(blank.apply_style(cursor) if cursor is not None else blank)
                continue
            number = line.old_no if n == 0 else line.new_no
            origin = line.origin if (n == 0 and line.origin == "-") or (n == 1 and line.origin == "+") else " "
            if part:
                gutter = Strip([Segment(f"{lead}{' ' * self._digits}{CONTINUATION}  ", gutter_style)])
            else:
                gutter = Strip([Segment(f"{lead}{self._num(number)}", gutter_style), marker,
                                Segment(f"{origin} ", gutter_style)])
            content = self._wrapped((idx, n + 1), line, path, scroll_x, max(1, w - gutter.cell_length), part)
            side = self._side_style(origin, cursor)
            if side is not None:
                gutter = gutter.apply_style(side)
                content = content.apply_style(side)
            parts.append(Strip.join([gutter, content]))
        return Strip.join(parts)


def _cell_len(line: DiffLine | None) -> int:
    """The cells a diff line's shown text takes (plain ASCII without tabs or controls: its length)."""
    if line is None:
        return 0
    raw = line.raw
    if len(raw) > MAX_WRAP:
        return len(raw)
    if raw.isascii() and not _TAB_OR_CONTROL.search(raw):
        return len(raw)
    return safe_text(raw.decode("utf-8", "surrogateescape"), tab_size=TAB_SIZE).cell_len
