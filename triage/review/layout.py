"""Provides the diff layout: a change's files as display rows with findings attached, unified or side by side.

Also the titles and notes of files and hunks, search, intraline spans, moving
between positions and counts of hidden characters. Pure: it never opens a
repository (the files come from :func:`triage.services.changes.load_files`).
Untrusted text passes through unchanged: the TUI sanitises it when it draws it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from triage.models import DiffLine, FileDiff, Hunk, db_text
from triage.present import by_severity
from triage.sanitize import display, hidden_chars


FILE, NOTE, HUNK, LINE, MARK = "file", "note", "hunk", "line", "mark"
"""Row kinds: a file header, a file note, a hunk header, a diff line, a no-newline marker."""


@dataclass(slots=True)
class DiffRow:
    """One display row of a diff.

    ``line`` is the diff line (unified view) or the old side (split view);
    ``right`` is the new side in the split view. ``text`` holds a header or
    note (untrusted: sanitise before drawing).
    """

    kind: str
    file: int
    line: DiffLine | None = None
    text: str = ""
    right: DiffLine | None = None

    @property
    def new_no(self) -> int | None:
        """The post-image line number this row shows, if any."""
        side = self.right if self.right is not None else self.line
        return side.new_no if side is not None else None

    @property
    def old_no(self) -> int | None:
        """The pre-image line number this row shows, if any."""
        return self.line.old_no if self.line is not None else None


@dataclass
class DiffLayout:
    """A change laid out as rows, with indexes for navigation.

    ``findings_at`` lists each row's findings, most severe first; ``pairs`` maps a
    deleted line's row to the row of the added line that replaced it (and back), for
    the word-level highlight of the unified view (the split view pairs within a row).
    """

    rows: list[DiffRow]
    file_starts: list[int]
    finding_rows: list[int]
    findings_at: dict[int, list[dict]]
    width: int
    split: bool = False
    pairs: dict[int, int] = field(default_factory=dict)

    @property
    def finding_total(self) -> int:
        """How many findings count: one per finding (not per line), suppressed ones left out."""
        return sum(1 for fs in self.findings_at.values() for f in fs if not f.get("suppressed"))

    def finding_number(self, row: int) -> int:
        """The 1-based number (among :attr:`finding_total`) of the first counted finding on ``row``,
        in the order ``n`` visits them; 0 when the row has none."""
        if not any(not f.get("suppressed") for f in self.findings_at.get(row, ())):
            return 0
        before = 0
        for r in self.finding_rows:
            if r >= row:
                break
            before += sum(1 for f in self.findings_at[r] if not f.get("suppressed"))
        return before + 1

    def file_at(self, row: int) -> int:
        """Index of the file that row ``row`` belongs to (0 when empty)."""
        i = bisect_right(self.file_starts, row) - 1
        return max(i, 0)

    def find_row(self, file: int, *, new_no: int | None = None, old_no: int | None = None) -> int | None:
        """The first row of ``file`` showing post-image ``new_no`` (else pre-image ``old_no``)."""
        if not 0 <= file < len(self.file_starts):
            return None
        start = self.file_starts[file]
        end = self.file_starts[file + 1] if file + 1 < len(self.file_starts) else len(self.rows)
        for want, attr in ((new_no, "new_no"), (old_no, "old_no")):
            if want is None:
                continue
            for i in range(start, end):
                r = self.rows[i]
                if r.kind == LINE and getattr(r, attr) == want:
                    return i
        return None


def file_title(fd: FileDiff) -> str:
    """A file header: status and path (both paths for a rename or copy). Untrusted."""
    if fd.status in ("R", "C") and fd.old_path and fd.old_path != fd.new_path:
        return f"{fd.status} {fd.old_path} → {fd.path}"
    return f"{fd.status} {fd.path}"


def hunk_title(h: Hunk) -> str:
    """A hunk's header line (``@@ -a,b +c,d @@ context``). Untrusted."""
    if h.header.startswith("@@"):
        return h.header
    head = f"@@ -{h.old_start},{h.old_lines} +{h.new_start},{h.new_lines} @@"
    return f"{head} {h.header}" if h.header else head


def file_notes(fd: FileDiff) -> list[str]:
    """What to say about a file besides its lines; never empty for a file without hunks."""
    notes = list(fd.notes)
    if fd.truncated and not any("truncated" in n for n in notes):
        notes.append("diff truncated: not every line is shown")
    if not fd.hunks and not notes:
        notes.append("no line changes to show")
    return notes


def _finding_key(path: str) -> str:
    return db_text(path)


def _pair_runs(rows: list[DiffRow], start: int, pairs: dict[int, int]) -> None:
    """Pair each run of deleted lines from ``start`` on with the run of added lines right after it,
    line by line, when the two runs are as long (as git's diff-highlight does)."""
    i, n = start, len(rows)
    while i < n:
        if rows[i].kind != LINE or rows[i].line is None or rows[i].line.origin != "-":
            i += 1
            continue
        j = i
        while j < n and rows[j].kind == LINE and rows[j].line is not None and rows[j].line.origin == "-":
            j += 1
        k = j
        while k < n and rows[k].kind == LINE and rows[k].line is not None and rows[k].line.origin == "+":
            k += 1
        if k - j == j - i:
            for a, b in zip(range(i, j), range(j, k)):
                pairs[a], pairs[b] = b, a
        i = max(k, i + 1)


def _split_hunk(lines: list[DiffLine], file: int, out: list[DiffRow]) -> None:
    """Pair each run of deletions with the run of additions that follows it."""
    i, n = 0, len(lines)
    while i < n:
        ln = lines[i]
        if ln.origin == " ":
            out.append(DiffRow(LINE, file, ln, right=ln))
            i += 1
        elif ln.origin == "\\":
            out.append(DiffRow(MARK, file, text="no newline at end of file"))
            i += 1
        else:
            olds: list[DiffLine] = []
            news: list[DiffLine] = []
            while i < n and lines[i].origin == "-":
                olds.append(lines[i])
                i += 1
            while i < n and lines[i].origin == "+":
                news.append(lines[i])
                i += 1
            for k in range(max(len(olds), len(news))):
                out.append(DiffRow(LINE, file, olds[k] if k < len(olds) else None,
                                   right=news[k] if k < len(news) else None))
            if not olds and not news:  # an origin we do not know: show it, never drop it
                out.append(DiffRow(LINE, file, lines[i]))
                i += 1


def build_layout(files: Sequence[FileDiff], findings: Iterable[dict] = (), *, split: bool = False) -> DiffLayout:
    """Lay ``files`` out as rows; attach ``findings`` to the rows of their lines.

    A finding whose line is not shown (a truncated diff) is attached to its
    file's header row, so it is never lost. ``split`` pairs deletions and
    additions side by side.
    """
    by_path: dict[str, list[dict]] = {}
    for f in findings:
        by_path.setdefault(f["path"], []).append(f)
    rows: list[DiffRow] = []
    starts: list[int] = []
    findings_at: dict[int, list[dict]] = {}
    pairs: dict[int, int] = {}
    width = 0
    for fi, fd in enumerate(files):
        start = len(rows)
        starts.append(start)
        rows.append(DiffRow(FILE, fi, text=file_title(fd)))
        for note in file_notes(fd):
            rows.append(DiffRow(NOTE, fi, text=note))
        first_line = len(rows)
        for h in fd.hunks:
            rows.append(DiffRow(HUNK, fi, text=hunk_title(h)))
            if split:
                _split_hunk(h.lines, fi, rows)
            else:
                for ln in h.lines:
                    if ln.origin == "\\":
                        rows.append(DiffRow(MARK, fi, text="no newline at end of file"))
                    else:
                        rows.append(DiffRow(LINE, fi, ln))
            for ln in h.lines:
                if len(ln.raw) > width:
                    width = len(ln.raw)
        if not split:
            _pair_runs(rows, first_line, pairs)
        mine = by_path.get(_finding_key(fd.path))
        if mine:
            wanted: dict[int, list[dict]] = {}
            for f in mine:
                wanted.setdefault(int(f["line"]), []).append(f)
            for i in range(first_line, len(rows)):
                r = rows[i]
                if r.kind == LINE:
                    side = r.right if split else r.line
                    if side is not None and side.origin == "+" and side.new_no in wanted:
                        findings_at.setdefault(i, []).extend(wanted.pop(side.new_no))
            for rest in wanted.values():
                findings_at.setdefault(start, []).extend(rest)
    findings_at = {row: by_severity(found) for row, found in findings_at.items()}
    return DiffLayout(rows, starts, sorted(findings_at), findings_at, width, split, pairs)


def row_text(row: DiffRow) -> str:
    """What a row shows, as text (untrusted; hidden characters as their visible stand-ins)."""
    if row.kind != LINE:
        return display(row.text)
    parts = [side.raw for side in (row.line, row.right) if side is not None]
    if row.right is row.line:
        parts = parts[:1]
    out = []
    for raw in parts:
        if raw.isascii() and not _MAYBE_HIDDEN.search(raw):
            out.append(raw.decode("ascii"))
        else:
            out.append(display(raw.decode("utf-8", "surrogateescape")))
    return "\n".join(out)


def search_rows(layout: DiffLayout, query: str) -> list[int]:
    """The rows whose shown text holds ``query`` (case-insensitive; file and hunk headers too)."""
    needle = query.lower()
    if not needle:
        return []
    return [i for i, row in enumerate(layout.rows) if needle in row_text(row).lower()]


_WORDS = re.compile(r"\w+|\s+|[^\w\s]")

INTRALINE_MAX_CHANGE = 0.6
"""Above this share of changed characters a pair of lines is a rewrite: no word is singled out."""


def intraline_spans(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character spans that differ between a deleted line and the line that replaced it, word by word.

    Empty when the lines are equal, or when most of the line changed (emphasising
    everything says nothing).
    """
    import difflib

    if old == new:
        return [], []
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out_old: list[tuple[int, int]] = []
    out_new: list[tuple[int, int]] = []
    pos_a = [0]
    for tok in a:
        pos_a.append(pos_a[-1] + len(tok))
    pos_b = [0]
    for tok in b:
        pos_b.append(pos_b[-1] + len(tok))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            out_old.append((pos_a[i1], pos_a[i2]))
        if j2 > j1:
            out_new.append((pos_b[j1], pos_b[j2]))
    changed = sum(e - s for s, e in out_old) + sum(e - s for s, e in out_new)
    if changed > INTRALINE_MAX_CHANGE * max(1, len(old) + len(new)):
        return [], []
    return out_old, out_new


def next_position(positions: Sequence[int], current: int, forward: bool = True, *, wrap: bool = True) -> int | None:
    """The next (or previous) entry of sorted ``positions`` after ``current``.

    Wraps around at the ends when ``wrap``; ``None`` when ``positions`` is empty.
    """
    if not positions:
        return None
    if forward:
        i = bisect_right(positions, current)
        if i < len(positions):
            return positions[i]
        return positions[0] if wrap else None
    i = bisect_left(positions, current) - 1
    if i >= 0:
        return positions[i]
    return positions[-1] if wrap else None


_MAYBE_HIDDEN = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f-\xff]")


def hidden_counts(files: Sequence[FileDiff]) -> list[int]:
    """Per file: how many bidi, invisible or control characters its added lines hold.

    A trailing CR (CRLF) is not counted: the diff notes report line endings.
    """
    out = []
    for fd in files:
        n = 0
        for h in fd.hunks:
            for ln in h.lines:
                if ln.origin != "+" or not _MAYBE_HIDDEN.search(ln.raw):
                    continue
                raw = ln.raw[:-1] if ln.raw.endswith(b"\r") else ln.raw
                n += len(hidden_chars(raw.decode("utf-8", "replace")))
        out.append(n)
    return out
