"""Provides the shared token stream that token rules scan.

A file is lexed once (per :func:`triage.rules.analyze` call) with the pygments
lexer chosen by its *file name* (never ``guess_lexer``: content sniffing is slow
and attacker-steerable). The raw pygments tokens are "cooked" into a compact
list of :class:`Tok`:

* whitespace is dropped and comments are kept aside (``comments``: line, text
  and the index of the token that follows the comment);
* a whole string literal becomes one ``str`` token whose ``text`` is its content
  without prefix and quotes, with every real interpolation (a Python f-string
  ``{expr}`` or a JS template ``${expr}``) replaced by ``\\x00``. Pygments also
  marks ``%s`` and ``{}`` in *plain* strings as ``String.Interpol``; those stay
  plain text here, so a DB-API placeholder is never mistaken for interpolation;
* Python's implicitly concatenated literals are merged, and ``+`` ``=`` pairs
  the Python lexer splits are re-joined (``+=``, ``->``, ...).

The cook is :mod:`triage.rules.cooking`'s; Python files are cooked in one pass by
:mod:`triage.rules.pyfast` instead, with the same result (``FAST_PYTHON_AFTER_CHARS``).

Bad input degrades: lines longer than :data:`MAX_LEX_LINE` are blanked before
lexing (minified bundles), and large files with sparse added lines are lexed only
in windows around those lines (see :data:`FULL_LEX_CHARS`); a window starts on a
line where a statement starts, so it does not begin inside a string. Line
numbers always match the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_for_filename
from pygments.util import ClassNotFound

from triage.rules import pyfast
from triage.rules.cooking import PYTHON, Tok, _cook, _emit_str, _type_info  # noqa: F401 - the cook's names, as before
from triage.rules.lexdriver import lex_pairs

MAX_LEX_LINE = 4000
"""Lines longer than this many characters are not lexed (they are blanked)."""

FULL_LEX_CHARS = 24_000
"""Files up to this size are always lexed whole."""

MAX_LEX_CHARS = 128_000
"""Up to this size a file whose added lines cover at least half of it is lexed
whole; larger files, and files with sparse added lines, are lexed only in
windows around their added lines (pygments manages ~200 KB/s, and ingest runs
the rules over every changed file of thousands of commits)."""

WINDOW = 60
"""Lines of context lexed on each side of an added line when lexing in windows."""

SNAP_BACK = 150
"""How far a window's start may move back to a line where lexing can safely begin."""

JAVASCRIPT = "javascript"
GO = "go"

_JS_LEXERS = {"JavaScript", "TypeScript", "JSX", "TSX", "JavaScript+Genshi Text"}
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")": "(", "]": "[", "}": "{"}
_CONTINUE = {"=", "+", "-", "*", "/", ",", "(", "[", "\\", ".", "?.", "&&", "||", "?", "and", "or", "%", "=>"}
_LEAD = {".", "?.", "+", "&&", "||", "?", ":", ")", "]", "and", "or", "%"}
_MODIFIERS = {"async", "public", "private", "protected", "static", "get", "set", "readonly", "override", "abstract", "export", "declare", "*"}



@lru_cache(maxsize=4096)
def _lexer_class(name: str) -> type[Lexer] | None:
    try:
        return type(get_lexer_for_filename(name))
    except ClassNotFound:
        return None
    except Exception:  # noqa: BLE001 - a broken lexer plugin must not stop analysis
        return None


_PLAIN_GLOB = re.compile(r"\*\.[A-Za-z0-9_+-]+")


@lru_cache(maxsize=1)
def _special_names() -> re.Pattern:
    """Every lexer file-name pattern other than a plain ``*.ext`` (``Makefile.*``,
    ``*.html.j2``, ``CMakeLists.txt``, ...), as one regular expression."""
    import fnmatch

    from pygments.lexers._mapping import LEXERS
    from pygments.plugin import find_plugin_lexers

    globs = [g for _m, _n, _a, names, _t in LEXERS.values() for g in names]
    try:
        globs += [g for cls in find_plugin_lexers() for g in getattr(cls, "filenames", ())]
    except Exception:  # noqa: BLE001 - a broken plugin: the built-in lexers still count
        pass
    special = [fnmatch.translate(g) for g in globs if not _PLAIN_GLOB.fullmatch(g)]
    return re.compile("|".join(special) or "(?!)")


_BY_EXTENSION: dict[str, type[Lexer] | None] = {}


def lexer_for(path: str) -> type[Lexer] | None:
    """The pygments lexer class for a file name, or None when none knows it.

    A name that only plain ``*.ext`` patterns can match gets the same lexer as any
    other name with its extension, so the lookup (a scan of every lexer's
    patterns) runs once per extension rather than once per file name.
    """
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    if not base:
        return None
    _stem, dot, ext = base.rpartition(".")
    if dot and ext and not _special_names().match(base):
        if ext not in _BY_EXTENSION:
            if len(_BY_EXTENSION) > 4096:
                _BY_EXTENSION.clear()
            _BY_EXTENSION[ext] = _lexer_class(base)
        return _BY_EXTENSION[ext]
    return _lexer_class(base)


def language_of(lexer: type[Lexer] | None) -> str:
    """``python``, ``javascript``, ``go``, another lexer's name, or ``""`` (none)."""
    if lexer is None:
        return ""
    name = getattr(lexer, "name", "")
    if name.startswith("Python"):
        return PYTHON
    if name in _JS_LEXERS:
        return JAVASCRIPT
    if name == "Go":
        return GO
    return name.lower()


_UNSAFE_START = re.compile(r"""^(?:\s|[*/`'")\]},.#+\-|&?:]|$)""")


def top_level_start(lines: list[str], a: int) -> int:
    """The nearest line at or above ``a`` that starts a top-level construct (text in
    column 0 that cannot continue a string, comment or expression), else ``a``."""
    for k in range(a, max(0, a - SNAP_BACK), -1):
        if not _UNSAFE_START.match(lines[k - 1]):
            return k
    return a


def _windows(lines: list[str], added: Iterable[int], snap: Callable[[int], int] | None = None) -> list[tuple[int, int]]:
    """Merged 1-based inclusive line ranges around the added lines."""
    spans: list[tuple[int, int]] = []
    n = len(lines)
    for ln in sorted(added):
        if ln < 1 or ln > n:
            continue
        a, b = max(1, ln - WINDOW), min(n, ln + WINDOW)
        if snap is not None and a > 1:
            a = max(1, min(a, snap(a)))
        if spans and a <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))
    return spans


def _blank_long(lines: list[str]) -> str:
    return "\n".join("" if len(x) > MAX_LEX_LINE else x for x in lines)


FAST_PYTHON_AFTER_CHARS = 64_000
"""Python is cooked by :mod:`triage.rules.pyfast` once this process has lexed this much
Python: its first files compile what it needs (as :data:`lexdriver.JOIN_AFTER_CHARS`)."""

_PY_SEEN = [0]


def _cook_window(lexer: Lexer, body: str, lang: str, line: int, out: list[Tok], comments: list) -> None:
    """``_cook(lex_pairs(lexer, body), ...)``; for pygments' Python lexer, the same result
    from :func:`triage.rules.pyfast.cook_python` (one pass, no pair stream)."""
    if type(lexer) is _python_lexer():
        if _PY_SEEN[0] > FAST_PYTHON_AFTER_CHARS:
            if pyfast.cook_python(body, line, out, comments):
                return
        else:
            # pygments' own loop: lex_pairs would join Python's states, which pyfast makes moot
            _PY_SEEN[0] += len(body)
            _cook(lexer.get_tokens(body), lang, line, out, comments)
            return
    _cook(lex_pairs(lexer, body), lang, line, out, comments)


def expect_bulk_python() -> None:
    """Cook Python in one pass from the first file on: for a process that will lex a lot
    of it (an ingest worker), where waiting for :data:`FAST_PYTHON_AFTER_CHARS` saves nothing."""
    _PY_SEEN[0] = max(_PY_SEEN[0], FAST_PYTHON_AFTER_CHARS + 1)
    pyfast.available()


@lru_cache(maxsize=1)
def _python_lexer() -> type:
    from pygments.lexers.python import PythonLexer

    return PythonLexer


class TokenStream:
    """The cooked tokens of one file, with bracket matching and call helpers."""

    def __init__(self, toks: list[Tok], comments: list[tuple[int, str, int]], lang: str, lexer_name: str) -> None:
        self.toks = toks
        self.comments = comments
        self.lang = lang
        self.lexer_name = lexer_name
        self._match: dict[int, int] | None = None
        self._depth: list[int] | None = None
        self._pdepth: list[int] | None = None
        self._shallower: list[int] | None = None
        self._args: dict[int, list[tuple[int, int]]] | None = None

    # ------------------------------------------------------------------ brackets

    def _compute(self) -> None:
        match: dict[int, int] = {}
        n = len(self.toks)
        depth = [0] * n
        pdepth = [0] * n
        stack: list[int] = []
        pstack = [0]
        for i, t in enumerate(self.toks):
            v = t.value
            if t.kind == "sep":
                stack.clear()
                pstack = [0]
            depth[i] = len(stack)
            pdepth[i] = pstack[-1]
            if t.kind not in ("punct", "op"):
                continue
            if v in _OPEN:
                stack.append(i)
                if v == "{":
                    pstack.append(0)
                else:
                    pstack[-1] += 1
            elif v in _CLOSE:
                want = _CLOSE[v]
                for k in range(len(stack) - 1, max(-1, len(stack) - 4), -1):
                    if self.toks[stack[k]].value == want:
                        o = stack[k]
                        for dropped in stack[k:]:
                            if self.toks[dropped].value == "{":
                                if len(pstack) > 1:
                                    pstack.pop()
                            elif pstack[-1]:
                                pstack[-1] -= 1
                        del stack[k:]
                        match[o] = i
                        match[i] = o
                        depth[i] = len(stack)
                        pdepth[i] = pstack[-1]
                        break
        self._match = match
        self._depth = depth
        self._pdepth = pdepth

    @property
    def match(self) -> dict[int, int]:
        """Index of an opening or closing bracket -> index of its partner."""
        if self._match is None:
            self._compute()
        return self._match  # type: ignore[return-value]

    @property
    def depth(self) -> list[int]:
        """Bracket nesting depth at each token (a closer has its opener's depth)."""
        if self._depth is None:
            self._compute()
        return self._depth  # type: ignore[return-value]

    @property
    def shallower(self) -> list[int]:
        """For each token, the index of the nearest token before it at a smaller
        :attr:`depth` (its enclosing opener, for a matched stream), or -1."""
        got = self._shallower
        if got is None:
            depth = self.depth
            got = [-1] * len(depth)
            stack: list[int] = []
            for i, d in enumerate(depth):
                while stack and depth[stack[-1]] >= d:
                    stack.pop()
                if stack:
                    got[i] = stack[-1]
                stack.append(i)
            self._shallower = got
        return got

    def close_of(self, i: int) -> int:
        """The index of the bracket closing the one at ``i`` (or the last token)."""
        return self.match.get(i, len(self.toks) - 1)

    # --------------------------------------------------------------------- calls

    def callee(self, i: int) -> tuple[str, int]:
        """For a ``(`` at ``i``: the dotted callee (``requests.Session().get``) and its first index."""
        toks = self.toks
        parts: list[str] = []
        j = i - 1
        while j >= 0:
            t = toks[j]
            if t.kind == "name" or (t.kind == "kw" and t.value in ("this", "super", "self")):
                parts.append(t.value.lstrip("@"))
                j -= 1
                if j >= 0 and toks[j].value in (".", "?.") and toks[j].kind in ("punct", "op"):
                    parts.append(".")
                    j -= 1
                    continue
                break
            if t.value in (")", "]") and t.kind in ("punct", "op") and (not parts or parts[-1] == "."):
                o = self.match.get(j)
                if o is None or o >= j:
                    break
                parts.append("()" if t.value == ")" else "[]")
                j = o - 1
                continue
            break
        if parts and parts[-1] == ".":
            parts.pop()
            j += 1
        return "".join(reversed(parts)), j + 1

    def calls(self) -> Iterator[tuple[int, str, int]]:
        """Every call: ``(index of "(", dotted callee, index of the callee's first token)``.

        Definitions are not calls: ``def f(``, ``function f(``, ``class C(`` and a
        JS method definition ``f(args) {`` are skipped.
        """
        toks = self.toks
        n = len(toks)
        brace_body = self.lang != PYTHON
        for i, t in enumerate(toks):
            if t.value == "(" and t.kind in ("punct", "op") and i:
                prev = toks[i - 1]
                if prev.kind == "name" or prev.value in (")", "]"):
                    name, start = self.callee(i)
                    if not name:
                        continue
                    if start and toks[start - 1].value in ("def", "function", "class") and toks[start - 1].kind == "kw":
                        continue
                    if brace_body and "." not in name:
                        c = self.match.get(i)
                        after = toks[c + 1].value if c is not None and c + 1 < n else ""
                        if after == "{":
                            continue
                        before = toks[start - 1] if start else None
                        if after == ":" and (before is None or before.value in ("{", "}", ";") or before.value in _MODIFIERS):
                            continue  # TypeScript: name(args): Type {
                    yield i, name, start

    def args(self, i: int) -> list[tuple[int, int]]:
        """Half-open token ranges of the depth-1 arguments of the call opened at ``i``
        (found once per call and stream: several rules, and the secret rule once per
        literal argument, ask for the same call's)."""
        memo = self._args
        if memo is None:
            memo = self._args = {}
        got = memo.get(i)
        if got is None:
            got = memo[i] = self._find_args(i)
        return list(got)

    def _find_args(self, i: int) -> list[tuple[int, int]]:
        c = self.close_of(i)
        out: list[tuple[int, int]] = []
        a = i + 1
        k = a
        toks = self.toks
        match = self.match
        while k < c:
            t = toks[k]
            if t.kind in ("punct", "op") and t.value in _OPEN and k in match and match[k] > k:
                k = match[k] + 1
                continue
            if t.value == "," and t.kind in ("punct", "op"):
                if k > a:
                    out.append((a, k))
                a = k + 1
            k += 1
        if c > a:
            out.append((a, c))
        return out

    def kwarg(self, i: int, name: str) -> tuple[int, int] | None:
        """The value range of keyword argument ``name=`` of the call at ``i`` (Python style)."""
        for a, b in self.args(i):
            if b - a >= 2 and self.toks[a].value == name and self.toks[a + 1].value == "=":
                return a + 2, b
        return None

    def keys_in(self, a: int, b: int) -> dict[str, int]:
        """Object-literal / dict keys inside ``[a, b)`` (``key:`` or ``"key":``) -> index of the value."""
        out: dict[str, int] = {}
        toks = self.toks
        for k in range(a, min(b, len(toks)) - 1):
            t = toks[k]
            if toks[k + 1].value == ":" and t.kind in ("name", "str", "kw"):
                key = t.text if t.kind == "str" else t.value
                out.setdefault(key, k + 2)
        return out

    def source(self, a: int, b: int, limit: int = 120) -> str:
        """An approximate, shortened source text for the tokens ``[a, b)``."""
        parts: list[str] = []
        size = 0
        for t in self.toks[a:b]:
            v = t.value
            parts.append(v)
            size += len(v) + 1
            if size > limit:
                break
        s = " ".join(parts).replace("\n", " ")
        s = re.sub(r" ?([.(\[]) ?", r"\1", s)
        s = re.sub(r" ([)\],:])", r"\1", s)
        return s if len(s) <= limit else s[: limit - 1] + "…"

    def names_in(self, a: int, b: int) -> list[str]:
        """Identifier values in ``[a, b)``, including those inside interpolations."""
        out: list[str] = []
        for t in self.toks[a:b]:
            if t.kind == "name":
                out.append(t.value)
            elif t.kind == "str" and t.interps:
                out.extend(re.findall(r"[A-Za-z_$][\w$]*", " ".join(t.interps)))
        return out

    def primary_end(self, p: int) -> int:
        """Index just past the primary expression starting at ``p`` (name chain, call, literal)."""
        toks = self.toks
        n = len(toks)
        while p < n and toks[p].kind == "kw" and toks[p].value in ("await", "new", "not", "typeof"):
            p += 1
        if p >= n:
            return p
        t = toks[p]
        if t.value in ("(", "[") and t.kind in ("punct", "op"):
            p = self.close_of(p) + 1
        elif t.kind in ("name", "str", "num", "kw"):
            p += 1
        else:
            return p
        while p < n:
            t = toks[p]
            if t.value in (".", "?.") and p + 1 < n and toks[p + 1].kind in ("name", "kw"):
                p += 2
            elif t.value in ("(", "[") and t.kind in ("punct", "op"):
                p = self.close_of(p) + 1
            else:
                break
        return p

    def primary_start(self, q: int) -> int:
        """Index of the first token of the primary expression ending at ``q`` (inclusive)."""
        toks = self.toks
        while q >= 0:
            t = toks[q]
            if t.value in (")", "]") and t.kind in ("punct", "op"):
                o = self.match.get(q)
                if o is None or o > q:
                    return q
                q = o
                if q > 0 and toks[q - 1].kind == "name":
                    q -= 1
                else:
                    return q
            elif t.kind in ("name", "str", "num", "kw"):
                pass
            else:
                return q + 1
            if q > 0 and toks[q - 1].value in (".", "?."):
                q -= 2
                continue
            return q
        return 0

    @property
    def pdepth(self) -> list[int]:
        """Depth of ``(``/``[`` nesting inside the innermost ``{`` block at each token."""
        if self._pdepth is None:
            self._compute()
        return self._pdepth  # type: ignore[return-value]

    def _boundary(self, a: int) -> bool:
        """True when a statement starts at token ``a`` (``a > 0``)."""
        toks = self.toks
        p, t = toks[a - 1], toks[a]
        if p.kind == "sep" or t.kind == "sep":
            return True
        if p.kind in ("punct", "op") and p.value in (";", "{", "}") and self.pdepth[a - 1] == 0:
            return True
        if p.end < t.line and self.pdepth[a] == 0:
            if p.value in _CONTINUE or t.value in _LEAD:
                return False
            return True
        return False

    def stmt_bounds(self, i: int) -> tuple[int, int]:
        """The statement around token ``i`` as a half-open range (approximate: ends at
        ``;``, braces, or a new line outside parentheses)."""
        a = i
        while a > 0 and not self._boundary(a):
            a -= 1
        b = i + 1
        n = len(self.toks)
        while b < n and not self._boundary(b):
            b += 1
        if b - 1 > i and self.toks[b - 1].value == ";":
            b -= 1
        return a, b

    def assigned_name(self, i: int) -> str:
        """The assignment target of the statement holding token ``i`` (``x``, ``obj.x``), or ""."""
        a, _b = self.stmt_bounds(i)
        toks = self.toks
        for k in range(a, min(i, len(toks))):
            t = toks[k]
            if t.value in ("=", ":=", "+=") and t.kind in ("op", "punct"):
                names = [x.value for x in toks[a:k] if x.kind == "name"]
                return names[-1] if names else ""
            if t.value == ":" and t.kind in ("op", "punct") and k > a and toks[k - 1].kind in ("name", "str"):
                # a dict / object key: ``token: ...`` (only at the start of the statement)
                if k - 1 == a:
                    prev = toks[k - 1]
                    return prev.text if prev.kind == "str" else prev.value
        return ""


def _lines_of(text: str) -> list[str]:
    return text.split("\n")


def lex(
    path: str,
    text: str,
    added: Iterable[int],
    lexer_cls: type[Lexer] | None,
    snap: Callable[[int], int] | None = None,
) -> TokenStream:
    """Lex ``text`` with ``lexer_cls`` into a :class:`TokenStream` (see module doc).

    ``snap(line)`` moves a window start back to a safe line (the default looks
    for a top-level line; Python callers pass statement starts from the ast).
    """
    lang = language_of(lexer_cls)
    toks: list[Tok] = []
    comments: list[tuple[int, str, int]] = []
    if lexer_cls is None:
        return TokenStream(toks, comments, "", "")
    lexer = lexer_cls(stripnl=False, ensurenl=False, stripall=False, tabsize=0)
    if "\r" in text:
        # pygments turns a lone CR into a line break; git does not (keep lines in step)
        text = text.replace("\r", "")
    lines = _lines_of(text)
    whole = len(text) <= FULL_LEX_CHARS
    if not whole and len(text) <= MAX_LEX_CHARS:
        covered = sum(b - a + 1 for a, b in _windows(lines, added))
        whole = covered * 2 >= len(lines)
    if whole:
        body = text if all(len(x) <= MAX_LEX_LINE for x in lines) else _blank_long(lines)
        _cook_window(lexer, body, lang, 1, toks, comments)
    else:
        if snap is None:
            snap = lambda a: top_level_start(lines, a)  # noqa: E731
        for a, b in _windows(lines, added, snap):
            if toks:
                toks.append(Tok("sep", "", a))
            _cook_window(lexer, _blank_long(lines[a - 1 : b]), lang, a, toks, comments)
    return TokenStream(toks, comments, lang, lexer_cls.name)
