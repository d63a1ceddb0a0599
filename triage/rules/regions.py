"""Provides the changed regions of a file: the rules read what a change touched, not the whole module.

A three-line change to a 3,000-line module used to pay for lexing, parsing and
walking all of it. :func:`python_region` cuts a Python post-image down to what
the rules on the added lines need, and blanks every other line (it becomes
empty, so line numbers, and the line of every finding, stay those of the file):

* every module-level statement that is not a function or class definition
  (imports, ``try: import``, ``if TYPE_CHECKING:``, assignments, calls), so
  aliases, module names and ``__all__`` are what they were;
* every top-level function or class that holds an added line; in a class,
  its header, decorators and class-level statements, and only the methods that
  hold an added line;
* the functions and methods the kept code calls by name (``helper(...)``,
  ``self.helper(...)``, ``cls.helper(...)``), and the ones those call, so that
  the in-file data flow (:mod:`triage.rules.dataflow`) follows the same calls.

The cut is made from a scan of the text (strings, comments, brackets and
indentation; no parser), then checked: it must parse, and its statements must
start where the scan says they do; otherwise, and whenever the cut would not
save much, the whole file is analysed. A rule that needs the whole module
declares ``Rule.whole_file`` and gets the original file.

One difference is deliberate: when the file does not parse because of a syntax
error in a region that was blanked, the changed regions parse, and the syntax
rules report on them where, on the whole file, they could not run at all.
"""

from __future__ import annotations

import ast
import bisect
import hashlib
import re
from dataclasses import dataclass

from triage.rules import blobcache, python_ast
from triage.rules.base import SourceFile
from triage.rules.tokens import PYTHON, language_of, lexer_for

MIN_SAVED = 0.3
"""The cut is used only when it blanks at least this share of the file's characters."""
MIN_CHARS = 4_000
"""Smaller files are analysed whole (a cut would save less than it costs)."""

_SCAN = re.compile(
    r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|#[^\n]*"
    r"|[()\[\]{}]"
    r"|\\\n"
    r"|\n",
    re.S,
)
"""What the scan stops at: a whole string literal, a comment, a bracket, a
backslash continuation, a line break."""
_CALLED = re.compile(r"(?<![\w.])(?:(self|cls)\s*\.\s*)?([A-Za-z_]\w*)\s*\(")
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")
_DEF = re.compile(r"(?:async\s+)?def\s+([A-Za-z_]\w*)|class\s+([A-Za-z_]\w*)")


@dataclass(slots=True)
class _Stmt:
    """A logical line's statement: lines ``[start, end]``, its indentation, and its
    name when it is a ``def`` or ``class`` (``start`` is its first decorator's line)."""

    start: int
    end: int
    indent: int
    kind: str = ""
    name: str = ""
    body: list["_Stmt"] | None = None
    head: str = ""
    """The statement's first line, stripped (after its decorators)."""


def logical_starts(text: str) -> list[int] | None:
    """The 1-based lines on which a Python logical line starts (outside strings,
    brackets and continuations), or None when the scan loses track (an
    unterminated string or an unbalanced bracket)."""
    starts = [1]
    line = 1
    depth = 0
    for m in _SCAN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == "\n":
            line += 1
            if depth == 0:
                starts.append(line)
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                return None
        elif c == "\\":
            line += 1
        elif c in "'\"":
            line += tok.count("\n")
    if depth != 0:
        return None
    return starts


def _statements(text: str, lines: list[str]) -> list[_Stmt] | None:
    """Every statement of the module, with its nested bodies (decorators folded into
    what they decorate), from the scan alone."""
    starts = logical_starts(text)
    if starts is None:
        return None
    flat: list[tuple[int, int, str]] = []  # (line, indent, stripped text)
    for n in starts:
        if n > len(lines):
            continue
        raw = lines[n - 1]
        stripped = raw.lstrip(" \t")
        if not stripped or stripped.startswith("#") or stripped == "\r":
            continue
        if "\t" in raw[: len(raw) - len(stripped)] or "\f" in raw[: len(raw) - len(stripped)]:
            return None  # tabs: indentation widths are not worth guessing
        flat.append((n, len(raw) - len(stripped), stripped))
    total = len(lines)

    def build(i: int, j: int, end: int) -> list[_Stmt]:
        """Statements of flat[i:j], at the indentation of flat[i], the last ending at ``end``."""
        out: list[_Stmt] = []
        if i >= j:
            return out
        indent = flat[i][1]
        k = i
        while k < j:
            line, ind, s = flat[k]
            if ind != indent:
                raise ValueError("dedent inside a body")
            first = line
            while s.startswith("@"):  # decorators belong to what follows them
                k += 1
                if k >= j or flat[k][1] != indent:
                    raise ValueError("a decorator without a definition")
                line, ind, s = flat[k]
            nxt = k + 1
            while nxt < j and flat[nxt][1] > indent:
                nxt += 1
            last = (flat[nxt][0] - 1) if nxt < j else end
            if _CLAUSE.match(s) and out and first == line:  # else/elif/except/finally: the same statement
                out[-1].end = last
                k = nxt
                continue
            m = _DEF.match(s)
            st = _Stmt(first, last, indent, head=s)
            if m:
                st.kind = "class" if m.group(2) else "def"
                st.name = m.group(1) or m.group(2)
                st.body = build(k + 1, nxt, last)
            out.append(st)
            k = nxt
        return out

    try:
        return build(0, len(flat), total)
    except ValueError:
        return None


def _called(text: str) -> tuple[set[str], set[str]]:
    """Names ``text`` calls: bare (``f(...)``) and on ``self``/``cls`` (``self.m(...)``)."""
    bare: set[str] = set()
    meth: set[str] = set()
    for m in _CALLED.finditer(text):
        (meth if m.group(1) else bare).add(m.group(2))
    return bare, meth


_STUB_HEADS = ("raise", "pass", "...", "'", '"', "return NotImplemented")


def _stub(st: _Stmt) -> bool:
    """A method whose body only raises, passes or documents: an interface's stub (cheap to
    keep, and what tells an interface class from one with a placeholder)."""
    body = st.body
    if body is None:
        return False
    if not body:  # a one-line def: its body is on its header line
        return st.head.rstrip().endswith(("pass", "...")) or ": raise" in st.head
    return all(b.kind == "" and b.head.startswith(_STUB_HEADS) for b in body)


def _touches(st: _Stmt, added: list[int]) -> bool:
    k = bisect.bisect_left(added, st.start)
    return k < len(added) and added[k] <= st.end


@dataclass(slots=True)
class Cut:
    """What :func:`blank_unneeded` kept: the text (as long in lines as the file), the
    share of characters blanked, and where its statements must start: the module's,
    and those of each class whose methods were thinned."""

    text: str
    saved: float
    starts: list[int]
    class_starts: dict[int, list[int]]


def blank_unneeded(text: str, added: frozenset[int]) -> Cut | None:
    """``text`` with the lines the rules on ``added`` do not need blanked (see the
    module doc), from the scan alone; None when the scan cannot tell statements apart."""
    lines = text.split("\n")
    stmts = _statements(text, lines)
    if stmts is None:
        return None
    adds = sorted(added)
    keep: set[int] = set()  # ids of kept definitions
    kept_text: list[str] = []
    defs_by_name: dict[str, list[_Stmt]] = {}
    methods_by_name: dict[str, list[tuple[_Stmt, _Stmt]]] = {}
    for st in stmts:
        if st.kind == "def":
            defs_by_name.setdefault(st.name, []).append(st)
        elif st.kind == "class":
            for m in st.body or ():
                if m.kind == "def":
                    methods_by_name.setdefault(m.name, []).append((st, m))

    def span_text(st: _Stmt) -> str:
        return "\n".join(lines[st.start - 1 : st.end])

    pending: list[_Stmt] = []

    def want(st: _Stmt) -> None:
        if id(st) not in keep:
            keep.add(id(st))
            pending.append(st)

    for st in stmts:
        if st.kind == "" or (st.kind == "class" and not st.body):  # (a one-line class is kept whole)
            keep.add(id(st))
            kept_text.append(span_text(st))
        elif _touches(st, adds):
            want(st)
            if st.kind == "class":
                for m in st.body or ():
                    if m.kind != "def" or _touches(m, adds) or _stub(m):
                        want(m)
    seen_bare: set[str] = set()
    seen_meth: set[str] = set()
    while True:
        while pending:
            st = pending.pop()
            if st.kind == "class" and st.body is not None:
                # the header and the class-level statements (its kept methods are read on their own)
                parts = [lines[n - 1] for n in range(st.start, (st.body[0].start if st.body else st.end + 1))]
                parts += [span_text(m) for m in st.body if m.kind != "def"]
                kept_text.append("\n".join(parts))
                for m in st.body:
                    if m.kind != "def":
                        keep.add(id(m))
            else:
                kept_text.append(span_text(st))
        bare, meth = _called("\n".join(kept_text))
        kept_text.clear()
        new_bare, new_meth = bare - seen_bare, meth - seen_meth
        if not new_bare and not new_meth:
            break
        seen_bare |= new_bare
        seen_meth |= new_meth
        for name in new_bare:
            for st in defs_by_name.get(name, ()):
                want(st)
        for name in new_meth:
            for cls, m in methods_by_name.get(name, ()):
                want(cls)
                want(m)
    out = list(lines)
    blanked = 0
    expected: list[int] = []

    def blank(st: _Stmt) -> None:
        nonlocal blanked
        for n in range(st.start, st.end + 1):
            blanked += len(out[n - 1])
            out[n - 1] = ""

    classes: dict[int, list[int]] = {}
    for st in stmts:
        if id(st) not in keep:
            blank(st)
            continue
        expected.append(st.start)
        if st.kind == "class" and st.body:
            if not any(id(m) in keep for m in st.body):
                keep.add(id(st.body[0]))  # a class body must not be empty
            inner = []
            for m in st.body:
                if id(m) in keep:
                    inner.append(m.start)
                else:
                    blank(m)
            classes[st.start] = inner
    return Cut("\n".join(out), blanked / max(1, len(text)), expected, classes)


def cut_python(text: str, added: frozenset[int]) -> tuple[str, ast.Module] | None:
    """:func:`blank_unneeded`'s text and its syntax tree, once checked (it parses, and its
    statements start where the scan said); None when the whole file should be analysed."""
    if len(text) < MIN_CHARS or len(text) > python_ast.MAX_PARSE_CHARS or "\r" in text:
        return None
    cut = blank_unneeded(text, added)
    if cut is None or cut.saved < MIN_SAVED:
        return None
    tree = python_ast.parse(cut.text)
    if tree is None or _starts(tree.body) != cut.starts:
        return None  # the scan lost track somewhere: analyse the whole file
    by_line = {_start(s): s for s in tree.body}
    for start, inner in cut.class_starts.items():
        node = by_line.get(start)
        if not isinstance(node, ast.ClassDef) or _starts(node.body) != inner:
            return None
    return cut.text, tree


def _start(node: ast.stmt) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])


def _starts(body: list[ast.stmt]) -> list[int]:
    return [_start(s) for s in body]


def region(file: SourceFile) -> SourceFile | None:
    """The changed regions of ``file`` as a file of their own (same path, same added
    lines, the other lines blank), or None when the rules should read it whole."""
    if file.is_binary or file.generated or not file.added_lines:
        return None
    lexer = lexer_for(file.path)
    if language_of(lexer) != PYTHON:
        return None
    got = cut_python(file.text, file.added_lines)
    if got is None:
        return None
    cut, tree = got
    blob = hashlib.sha1(cut.encode("utf-8", "surrogatepass")).hexdigest()
    shared = blobcache.entry(blob, lexer.__name__, cut)
    if shared is not None:
        shared.setdefault("tree", tree)  # parsed once: the check above already did
    return SourceFile(path=file.path, text=cut, added_lines=file.added_lines, old_text=file.old_text,
                      inserted_lines=file.inserted_lines, blob=blob, generated=file.generated,
                      edited_in_place=file.edited_in_place)
