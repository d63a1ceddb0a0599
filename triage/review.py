"""Provides the pure logic behind the review screens: no textual, no rich.

The TUI draws; this module decides. It loads the diff of a stored change
(:func:`load_files`), lays it out as display rows with findings attached
(:func:`build_layout`, unified or side by side), moves between findings and
files, holds the queue filter and the checklist state, sums up the queue for
the stats screen (the approval check is :mod:`triage.approval`), and arranges the digest (:func:`digest_outline`)
and the control report's figures (:func:`percent`, :func:`interval_label`,
:func:`velocity_series`) for drawing. Everything here is testable without a
terminal.

Untrusted text (paths, diff lines, notes) passes through unchanged: the TUI
sanitises it at its own boundary (``tui/safe.py``) when it draws it.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from triage.errors import TriageError
from triage.git import db_text
from triage.models import SEVERITIES, TIERS, VERDICTS, DiffLine, FileDiff, Hunk
from triage.sanitize import display, hidden_chars

__all__ = [
    "ChecklistItem",
    "DiffLayout",
    "DiffRow",
    "QueueFilter",
    "ReviewTimer",
    "age_label",
    "build_layout",
    "by_severity",
    "intraline_spans",
    "row_text",
    "search_rows",
    "checklist_items",
    "checklist_progress",
    "DigestLine",
    "digest_outline",
    "interval_label",
    "percent",
    "velocity_series",
    "file_title",
    "hidden_counts",
    "load_files",
    "matches_search",
    "next_position",
    "queue_stats",
]

# ---------------------------------------------------------------- loading


def load_files(row: dict, repo: str | Path | None = None, *, max_lines_per_file: int = 200_000) -> list[FileDiff]:
    """The :class:`FileDiff` list of a stored change.

    A forge change keeps its diff in the ``patch`` column and is parsed from
    it; a local commit is re-diffed with pygit2 from ``row["repo_path"]`` (or
    ``repo`` when that path is gone). Call this in the thread that will use
    the result: it opens its own repository.

    Raises:
        TriageError: when neither a patch nor a readable repository is there.
    """
    from triage.diff import DiffError, diff_commit, parse_patch

    patch = row.get("patch")
    if patch:
        return parse_patch(bytes(patch), max_lines_per_file=max_lines_per_file)
    sha = row.get("sha") or ""
    if row.get("source", "git") != "git" or not sha:
        raise TriageError("no diff is stored for this change (sync it again to fetch its patch)")
    import pygit2

    from triage.git import open_repo

    candidates = [p for p in (row.get("repo_path"), repo) if p]
    path = next((p for p in candidates if Path(p).exists()), None)
    if path is None:
        where = candidates[0] if candidates else row.get("repo", "?")
        raise TriageError(f"repository {where} is not available: pass --repo PATH to show this diff")
    git_repo = open_repo(path)
    try:
        commit = git_repo.get(pygit2.Oid(hex=sha))
    except (ValueError, pygit2.GitError):
        commit = None
    if not isinstance(commit, pygit2.Commit):
        raise TriageError(f"commit {sha[:12]} is not in {path} (was the history rewritten?)")
    try:
        return diff_commit(git_repo, commit, max_lines_per_file=max_lines_per_file)
    except DiffError as exc:
        raise TriageError(str(exc)) from None


# ----------------------------------------------------------------- layout

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


SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
"""Severity -> rank (critical is the highest)."""


def by_severity(findings: Iterable[dict]) -> list[dict]:
    """``findings`` most severe first (then by path and line, as stored)."""
    return sorted(findings, key=lambda f: -SEVERITY_RANK.get(str(f.get("severity", "info")), 0))


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


# -------------------------------------------------------------- checklist

ANSWERS: tuple[str, ...] = ("yes", "no", "n/a")
"""The answers a checklist item takes."""


@dataclass
class ChecklistItem:
    """A checklist question for one change, with its latest answer."""

    id: str
    text: str
    kind: str = ""
    area: str = ""
    answer: str | None = None
    note: str = ""


def checklist_items(checklist: Iterable[dict], answers: dict[str, dict] | None = None) -> list[ChecklistItem]:
    """Merge a change's checklist (``row["checklist"]``) with its latest answers."""
    answers = answers or {}
    out = []
    for n, item in enumerate(checklist):
        iid = str(item.get("id") or f"item-{n + 1}")
        ans = answers.get(iid) or {}
        out.append(ChecklistItem(iid, str(item.get("text", iid)), str(item.get("kind", "")),
                                 str(item.get("area", "")), ans.get("answer"), ans.get("note", "") or ""))
    return out


def checklist_progress(items: Sequence[ChecklistItem]) -> tuple[int, int]:
    """``(answered, total)``."""
    return sum(1 for i in items if i.answer), len(items)


# --------------------------------------------------------------- verdicts


class ReviewTimer:
    """Time spent on a change, on a monotonic clock (immune to wall-clock jumps)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.started = clock()

    def seconds(self) -> float:
        """Seconds since the timer started."""
        return max(0.0, self._clock() - self.started)


# ------------------------------------------------------------------ queue

TIER_CYCLE: tuple[str | None, ...] = (None, *reversed(TIERS))
"""Tier filter values in the order a key cycles through them."""

STATE_CYCLE: tuple[str | None, ...] = (None, "unreviewed", "updated", "draft", "reviewed", *VERDICTS)
"""State filter values in the order a key cycles through them (``updated``: new commits
since the last verdict)."""


def cycle(values: Sequence, current) -> object:
    """The value after ``current`` in ``values`` (the first when unknown)."""
    try:
        return values[(list(values).index(current) + 1) % len(values)]
    except ValueError:
        return values[0]


@dataclass(frozen=True)
class QueueFilter:
    """What the queue screen shows; ``None`` means "any"."""

    tier: str | None = None
    agent: str | None = None
    reviewer: str | None = None
    state: str | None = None
    include_all: bool = False
    deep_dive: bool = False

    def load_kwargs(self) -> dict:
        """Keyword arguments for :func:`triage.queue.load_queue`."""
        return {
            "include_all": self.include_all,
            "tiers": [self.tier] if self.tier else None,
            "agent": self.agent,
            "reviewer": self.reviewer,
            "state": self.state,
            "deep_dive": self.deep_dive,
        }

    def with_(self, **changes) -> "QueueFilter":
        """A copy with ``changes`` applied."""
        return replace(self, **changes)

    @property
    def active(self) -> bool:
        """True when anything is filtered out."""
        return self != QueueFilter(include_all=self.include_all)

    def describe(self) -> list[tuple[str, str]]:
        """``(name, value)`` pairs for the filter bar (values may be untrusted)."""
        return [
            ("tier", self.tier or "all"),
            ("agent", self.agent or "all"),
            ("reviewer", self.reviewer or "anyone"),
            ("state", self.state or "all"),
            ("authors", "everyone" if self.include_all else "AI only"),
            ("deep-dive", "HIGH+CRITICAL+★" if self.deep_dive else "off"),
        ]


def matches_search(item, query: str) -> bool:
    """True when ``query`` (case-insensitive, all words) occurs in the item's title, id, agent, author or paths."""
    words = query.lower().split()
    if not words:
        return True
    hay = " ".join([
        item.title, item.id, item.short_id, item.agent or "", item.author or "", item.assignee or "",
        item.tier, item.state, *(f.get("path", "") for f in item.files),
    ]).lower()
    return all(w in hay for w in words)


def age_label(ts: float, now: float | None = None) -> str:
    """A compact age: ``45s``, ``12m``, ``3h``, ``20d``."""
    secs = max(0, int((time.time() if now is None else now) - ts))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            return f"{secs // size}{unit}"
    return f"{secs}s"


@dataclass
class QueueStats:
    """Counts the stats screen shows (grow it by adding fields)."""

    total: int = 0
    by_tier: dict[str, int] = field(default_factory=dict)
    by_agent: dict[str, int] = field(default_factory=dict)
    verdicts: dict[str, int] = field(default_factory=dict)
    reviewed: int = 0
    unreviewed: int = 0
    sampled: int = 0
    findings: int = 0
    review_seconds: float = 0.0
    reviewed_sessions: int = 0


def queue_stats(items: Sequence, review_seconds: Iterable[float] = ()) -> QueueStats:
    """Counts by tier, by agent and by verdict for ``items`` (queue items)."""
    tiers = Counter(i.tier for i in items)
    agents = Counter(i.agent or i.kind for i in items)
    verdicts = Counter(i.verdict for i in items if i.verdict)
    secs = [s for s in review_seconds if s]
    return QueueStats(
        total=len(items),
        by_tier={t: tiers.get(t, 0) for t in reversed(TIERS)},
        by_agent=dict(sorted(agents.items(), key=lambda kv: (-kv[1], kv[0]))),
        verdicts={v: verdicts.get(v, 0) for v in VERDICTS},
        reviewed=sum(1 for i in items if i.verdict),
        unreviewed=sum(1 for i in items if not i.verdict),
        sampled=sum(1 for i in items if i.sampled),
        findings=sum(i.findings for i in items),
        review_seconds=sum(secs),
        reviewed_sessions=len(secs),
    )


def queue_facets(store) -> dict[str, list[str]]:
    """Agents and reviewers known to ``store``, for the filter keys to cycle through."""
    return {"agents": store.agents(), "reviewers": store.reviewers()}


def review_seconds(store) -> list[float]:
    """Seconds of every recorded review session."""
    return store.review_seconds()


# ------------------------------------------------------------------ digest


@dataclass(frozen=True)
class DigestLine:
    """One line of the digest screen.

    ``kind`` is ``heading``, ``tier`` (a tier sub-heading), ``item`` (a queue
    item dict of :func:`triage.digest.build`), ``waiting`` (an unreviewed
    item), ``verdict`` (a verdict row), ``escape`` (an escape row), ``more``
    (``text`` counts what was left out) or ``empty`` (``text`` says the
    section is empty). ``change_id`` is set on the lines that open a review.
    """

    kind: str
    text: str = ""
    data: dict | None = None
    change_id: str | None = None


def digest_outline(d: dict) -> list[DigestLine]:
    """The digest of :func:`triage.digest.build` as screen lines, section by section.

    Merged changes by tier (CRITICAL first), then what is still unreviewed
    (oldest first), the verdicts given in the window, and the escapes recorded.
    """
    out = [DigestLine("heading", f"Merged in this window: {d['merged_total']}")]
    if not d["merged_total"]:
        out.append(DigestLine("empty", "Nothing merged in this window."))
    for tier, items in d["merged"].items():
        n = d["merged_counts"].get(tier, len(items))
        if not n:
            continue
        sampled = sum(1 for it in items if it.get("sampled"))
        out.append(DigestLine("tier", tier, {"n": n, "sampled": sampled}))
        out += [DigestLine("item", data=it, change_id=it["id"]) for it in items]
        if n > len(items):
            out.append(DigestLine("more", f"… and {n - len(items)} more"))
    out.append(DigestLine("heading", f"Still unreviewed: {d['unreviewed_total']} (oldest first)"))
    if not d["unreviewed"]:
        out.append(DigestLine("empty", "Nothing is waiting."))
    out += [DigestLine("waiting", data=it, change_id=it["id"]) for it in d["unreviewed"]]
    if d["unreviewed_total"] > len(d["unreviewed"]):
        out.append(DigestLine("more", f"… and {d['unreviewed_total'] - len(d['unreviewed'])} more"))
    out.append(DigestLine("heading", f"Verdicts given: {d['verdicts_total']}"))
    if not d["verdicts"]:
        out.append(DigestLine("empty", "No verdicts in this window."))
    out += [DigestLine("verdict", data=v, change_id=v["change_id"]) for v in d["verdicts"]]
    if d["verdicts_total"] > len(d["verdicts"]):
        out.append(DigestLine("more", f"… and {d['verdicts_total'] - len(d['verdicts'])} more"))
    if d.get("escapes"):
        out.append(DigestLine("heading", f"Escapes recorded: {d['escapes_total']}"))
        out += [DigestLine("escape", data=e, change_id=e["change_id"]) for e in d["escapes"]]
    return out


# --------------------------------------------------------------- controls


def percent(value: float | None, digits: int = 1) -> str:
    """``0.667`` as ``66.7%``; ``None`` (no estimate) as ``—``."""
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def interval_label(fig: dict) -> str:
    """A figure's 95 % interval, ``20.8–93.9%`` (``—`` when it has none)."""
    low, high = fig.get("low"), fig.get("high")
    if low is None or high is None:
        return "—"
    return f"{100 * low:.1f}–{100 * high:.1f}%"


def velocity_series(velocity: Sequence[dict], weeks: int = 12) -> tuple[list[str], list[int], list[int], list[int]]:
    """``(labels, merged, found_in_review, escaped)`` for the last ``weeks`` ISO weeks of a report.

    Labels are the week part (``W45``); when the weeks span a year end, the
    first week of each year carries its year (``2026-W01``).
    """
    rows = list(velocity)[-weeks:] if weeks > 0 else []
    parts = [str(w["week"]).partition("-") for w in rows]
    one_year = len({y for y, _, _ in parts}) <= 1
    labels: list[str] = []
    for n, (y, _, wk) in enumerate(parts):
        new_year = n == 0 or parts[n - 1][0] != y
        labels.append(wk if one_year or not new_year else f"{y}-{wk}")
    return (labels, [int(w["merged"]) for w in rows], [int(w["found_in_review"]) for w in rows],
            [int(w["escaped"]) for w in rows])
