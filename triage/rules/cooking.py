"""Provides :class:`Tok` and ``_cook``: pygments' ``(token type, value)`` pairs made into the
token stream the rules scan (see :mod:`triage.rules.tokens` for what a cooked stream holds).

Kept apart from :mod:`triage.rules.tokens` so that :mod:`triage.rules.pyfast`, which
cooks Python in one pass, shares these pieces without an import cycle.
"""

from __future__ import annotations

import re
from typing import Iterator

from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

PYTHON = "python"

_PY_MERGE = {
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "->", "//=", "**=", ">>=", "<<=", ":=",
    "//", "**", ">>", "<<",
}
_QUOTE = re.compile(r'"""|\'\'\'|"|\'|`')


class Tok:
    """One cooked token.

    ``kind`` is one of ``name``, ``kw``, ``op``, ``punct``, ``num``, ``str``,
    ``doc``, ``regex``, ``other`` or ``sep`` (a break between lexed windows).
    For ``str``: ``text`` is the content (interpolations as ``\\x00``),
    ``prefix`` the lower-cased affix (``f``, ``rb``, ...) or ``"`"`` for a JS
    template, ``interps`` the source of each interpolated expression and
    ``interp_lines`` the line each starts on.
    """

    __slots__ = ("kind", "value", "line", "end", "text", "prefix", "interps", "interp_lines")

    def __init__(self, kind: str, value: str, line: int, end: int | None = None) -> None:
        self.kind = kind
        self.value = value
        self.line = line
        self.end = line if end is None else end
        self.text = ""
        self.prefix = ""
        self.interps: list[str] = []
        self.interp_lines: list[int] = []

    @property
    def interpolated(self) -> bool:
        """True for an f-string or template literal that interpolates something."""
        return bool(self.interps)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Tok({self.kind}, {self.value!r}, {self.line})"


class _Group:
    __slots__ = ("parts", "prefix", "template", "line", "end", "interps", "interp_lines", "doc")

    def __init__(self, line: int, prefix: str, template: bool, doc: bool) -> None:
        self.parts: list[str] = []
        self.prefix = prefix
        self.template = template
        self.line = line
        self.end = line
        self.interps: list[str] = []
        self.interp_lines: list[int] = []
        self.doc = doc

    def finish(self) -> Tok:
        raw = "".join(self.parts)
        m = _QUOTE.match(raw)
        q = m.group(0) if m else ""
        body = raw[len(q):]
        if q and body.endswith(q):
            body = body[: -len(q)]
        t = Tok("doc" if self.doc else "str", self.prefix + raw, self.line, self.end)
        t.text = body
        t.prefix = self.prefix + ("`" if q == "`" else "")
        t.interps = self.interps
        t.interp_lines = self.interp_lines
        return t


# Token-type classes: ``ttype in String.Doc`` walks pygments' type tree on every call,
# and a file has thousands of tokens of a few dozen types, so each type is classified once.
_STR, _INTERP, _AFFIX, _REGEX, _DOC, _BACKTICK, _COMMENT, _SPACE = (1 << k for k in range(8))
_TYPE_INFO: dict = {}


def _type_info(ttype) -> tuple[int, str]:
    """(flags, kind) of a pygments token type (see the flags above; kind as in :class:`Tok`)."""
    got = _TYPE_INFO.get(ttype)
    if got is not None:
        return got
    flags = 0
    if ttype in String:
        flags |= _STR
        for sub, bit in ((String.Interpol, _INTERP), (String.Affix, _AFFIX), (String.Regex, _REGEX),
                         (String.Doc, _DOC), (String.Backtick, _BACKTICK)):
            if ttype in sub:
                flags |= bit
    if ttype in Comment and ttype not in Comment.Preproc and ttype not in Comment.PreprocFile:
        flags |= _COMMENT
    if ttype in Text or ttype in Whitespace:
        flags |= _SPACE
    if ttype in Keyword or ttype in Operator.Word:
        kind = "kw"
    elif ttype in Name:
        kind = "name"
    elif ttype in Operator:
        kind = "op"
    elif ttype in Punctuation:
        kind = "punct"
    elif ttype in Number:
        kind = "num"
    else:
        kind = "other"
    got = _TYPE_INFO[ttype] = (flags, kind)
    return got


def _cook(pairs: Iterator[tuple], lang: str, line: int, out: list[Tok], comments: list[tuple[int, str, int]]) -> None:
    """Append the cooked tokens of one lexed window to ``out``."""
    grp: _Group | None = None
    depth = 0
    expr: list[str] = []
    ws_before = True
    info = _TYPE_INFO
    is_py = lang == PYTHON
    for ttype, value in pairs:
        flags, kind = info.get(ttype) or _type_info(ttype)
        nl = value.count("\n") if "\n" in value else 0
        if grp is not None:
            if depth:
                if flags & _INTERP:
                    if value.endswith("{"):
                        depth += 1
                    elif value.endswith("}"):  # "}", or a conversion or "=" with it: "!r}", "=}"
                        depth -= 1
                        if depth == 0:
                            grp.interps.append("".join(expr))
                            grp.parts.append("\x00")
                            grp.end = line + nl
                            line += nl
                            continue
                expr.append(value)
                line += nl
                continue
            if flags & _STR and not flags & (_AFFIX | _REGEX | _DOC):
                if grp.template and flags & _INTERP and value in ("{", "${"):
                    depth = 1
                    expr = []
                    grp.interp_lines.append(line)
                else:
                    grp.parts.append(value)
                grp.end = line + nl
                line += nl
                continue
            _emit_str(out, grp.finish(), lang)
            grp = None
            ws_before = False
        if flags & _STR:
            if flags & _REGEX:
                out.append(Tok("regex", value, line, line + nl))
            elif flags & _AFFIX:
                p = value.lower()
                grp = _Group(line, p, "f" in p, False)
            else:
                grp = _Group(line, "", bool(flags & _BACKTICK), bool(flags & _DOC))
                grp.parts.append(value)
                grp.end = line + nl
            line += nl
            continue
        if flags & _COMMENT:
            comments.append((line, value, len(out)))
            line += nl
            ws_before = True
            continue
        if flags & _SPACE and not value.strip():
            line += nl
            ws_before = True
            continue
        v = value.strip() if kind == "other" else value
        if (
            is_py
            and not ws_before
            and out
            and (kind == "op" or kind == "punct")
            and out[-1].kind in ("op", "punct")
            and out[-1].value + v in _PY_MERGE
        ):
            out[-1].value += v
        else:
            out.append(Tok(kind, v, line, line + nl))
        ws_before = False
        line += nl
    if grp is not None:
        _emit_str(out, grp.finish(), lang)


def _emit_str(out: list[Tok], t: Tok, lang: str) -> None:
    """Append a string token; in Python, ``"a" "b"`` (implicit concatenation) is one literal."""
    if lang == PYTHON and t.kind == "str" and out and out[-1].kind == "str":
        p = out[-1]
        p.text += t.text
        p.value += " " + t.value
        if "f" in t.prefix and "f" not in p.prefix:
            p.prefix += "f"
        p.interps = p.interps + t.interps
        p.interp_lines = p.interp_lines + t.interp_lines
        p.end = t.end
    else:
        out.append(t)
