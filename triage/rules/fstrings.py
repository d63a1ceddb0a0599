"""Provides the rewrite that lets an older Python parse Python 3.12's f-strings (PEP 701).

Python 3.12 lets an f-string's replacement fields hold anything an expression can:
the f-string's own quote (``f'{', '.join(names)}'``, ``f"{row["id"]}"``), backslashes
(``f"{s.replace('\\'', '')}"``), comments and line breaks. Python 3.11, which triage runs on,
rejects the whole file, and the file then loses every ``ast`` rule and every data-flow check.

:func:`downgrade` rewrites only the f-strings 3.11 cannot read, each into the text it
builds, joined with ``+`` (``f'a{x!r:>5}b{y}'`` becomes
``('a' + format(repr(x), '>5') + 'b' + format(y))``),
keeping every line break where it was, so the tree has the same names, calls and constants
on the same lines. It is a reading aid for the analysis, never code to run.
"""

from __future__ import annotations

import sys

_PREFIXES = {"r", "u", "b", "f", "br", "rb", "fr", "rf"}
_CONVERSIONS = {"r": "repr", "s": "str", "a": "ascii"}
NEEDED = sys.version_info < (3, 12)
"""Whether this Python needs the rewrite at all."""


class _Bail(Exception):
    """Text this rewrite does not understand: leave the file as it is."""


def downgrade(text: str, every: bool = False) -> str | None:
    """``text`` with its Python 3.12-only f-strings rewritten (``every``: all its f-strings), or
    None when there is none (or the text is not code this can read)."""
    if "f" not in text and "F" not in text:
        return None
    try:
        out, changed = _code(text, every=every)
    except (_Bail, IndexError, ValueError, RecursionError):
        return None
    return out if changed else None


def _code(text: str, depth: int = 0, nest: int = 0, every: bool = False) -> tuple[str, bool]:
    """Rewrite the f-strings of a stretch of code (``nest``: inside that many brackets); adjacent
    literals are joined with ``+`` around a rewritten one (``"a" f"{x}"`` would read as a call)."""
    if depth > 20:
        raise _Bail
    out: list[str] = []
    changed = False
    group: list[tuple[str, bool]] = []  # adjacent string literals: (text, rewritten)
    gaps: list[str] = []  # what lies between them
    pending_gap = ""
    i, n = 0, len(text)

    def flush() -> None:
        nonlocal changed
        if not group:
            return
        if len(group) > 1 and any(r for _t, r in group):
            body = group[0][0]
            for gap, (t, _r) in zip(gaps, group[1:]):
                body += gap + "+ " + t
            out.append("(" + body + ")")
        else:
            out.append(group[0][0] + "".join(g + t for g, (t, _r) in zip(gaps, group[1:])))
        group.clear()
        gaps.clear()

    while i < n:
        c = text[i]
        if c.isalpha() or c == "_" or c in "'\"":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            if j < n and text[j] in "'\"" and (word == "" or word.lower() in _PREFIXES):
                end, lit, rewritten = _string(text, i, j, depth, every)
                if group:
                    gaps.append(pending_gap)
                else:
                    out.append(pending_gap)
                pending_gap = ""
                group.append((lit, rewritten))
                changed = changed or rewritten
                i = end
                continue
            _emit(out, group, gaps, pending_gap, flush)
            pending_gap = ""
            out.append(word)
            i = j
            continue
        if c == "\n" and nest <= 0:
            _emit(out, group, gaps, pending_gap, flush)  # the end of a statement: no literal runs on
            pending_gap = "\n"
            i += 1
            continue
        if c in " \t\n\r\f" or (c == "\\" and text[i + 1:i + 2] == "\n"):
            k = i + (2 if c == "\\" else 1)
            pending_gap += text[i:k]
            i = k
            continue
        if c == "#":
            k = text.find("\n", i)
            k = n if k < 0 else k
            pending_gap += text[i:k]
            i = k
            continue
        _emit(out, group, gaps, pending_gap, flush)
        pending_gap = ""
        nest += (c in "([{") - (c in ")]}")
        out.append(c)
        i += 1
    _emit(out, group, gaps, pending_gap, flush)
    return "".join(out), changed


def _emit(out: list[str], group: list, gaps: list, pending_gap: str, flush) -> None:
    """End a run of adjacent literals (if any) before ordinary code and the gap before it."""
    flush()
    out.append(pending_gap)


def _quote_at(text: str, j: int) -> str:
    return text[j] * 3 if text.startswith(text[j] * 3, j) else text[j]


def _string(text: str, i: int, j: int, depth: int, every: bool) -> tuple[int, str, bool]:
    """The string literal whose prefix starts at ``i`` and quote at ``j``: ``(end, text, rewritten)``."""
    prefix = text[i:j].lower()
    q = _quote_at(text, j)
    start = j + len(q)
    if "f" not in prefix:
        k = start
        while not text.startswith(q, k):
            if k >= len(text) or (len(q) == 1 and text[k] == "\n"):
                raise _Bail
            k += 2 if text[k] == "\\" else 1
        return k + len(q), text[i:k + len(q)], False
    end, pieces, needs = _fstring(text, start, q, "r" in prefix, depth, every)
    if not (needs or every):
        return end, text[i:end], False
    raw = "r" if "r" in prefix else ""
    return end, _render(pieces, raw, q), True


def _fstring(text: str, k: int, q: str, raw: bool, depth: int, every: bool) -> tuple[int, list, bool]:
    """Read an f-string's body from ``k``: ``(end, pieces, needs rewriting)``; a piece is
    ``("lit", text)`` or ``("expr", code, conversion, spec pieces, debug text)``."""
    pieces: list = []
    lit: list[str] = []
    needs = False
    while True:
        if k >= len(text):
            raise _Bail
        if text.startswith(q, k):
            break
        c = text[k]
        if c == "\\":
            if text[k + 1] in "{}":
                lit.append(c)  # not an escape: the brace is the f-string's
                k += 1
            elif not raw and text.startswith("N{", k + 1):
                e = text.index("}", k)
                lit.append(text[k:e + 1])
                k = e + 1
            else:
                lit.append(text[k:k + 2])
                k += 2
        elif c in "{}":
            if text.startswith(c * 2, k):
                lit.append(c)
                k += 2
            elif c == "}":
                raise _Bail
            else:
                if lit:
                    pieces.append(("lit", "".join(lit)))
                    lit = []
                k, piece, field_needs = _field(text, k + 1, q, raw, depth, every)
                pieces.append(piece)
                needs = needs or field_needs
        elif c == "\n" and len(q) == 1:
            raise _Bail
        else:
            lit.append(c)
            k += 1
    if lit:
        pieces.append(("lit", "".join(lit)))
    return k + len(q), pieces, needs


def _field(text: str, k: int, q: str, raw: bool, depth: int, every: bool) -> tuple[int, tuple, bool]:
    """A replacement field from just after its ``{``: ``(index after its }, piece, needs)``."""
    start = k
    nest = 0
    while True:
        if k >= len(text):
            raise _Bail
        c = text[k]
        if c.isalpha() or c == "_":
            j = k
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1
            if j < len(text) and text[j] in "'\"" and text[k:j].lower() in _PREFIXES:
                k = _skip_string(text, k, j, depth, every)
            else:
                k = j
            continue
        if c in "'\"":
            k = _skip_string(text, k, k, depth, every)
            continue
        if c == "#":
            k = text.index("\n", k)
            continue
        if c in "([{":
            nest += 1
        elif c in ")]" or (c == "}" and nest):
            nest -= 1
        elif nest == 0 and (c in "}:" or (c == "!" and text[k + 1:k + 2] != "=")
                            or (c == "=" and text[k - 1] not in "=!<>" and text[k + 1:k + 2] != "="
                                and text[k + 1:].lstrip(" ")[:1] in ("}", "!", ":"))):
            break
        k += 1
    expr = text[start:k]
    if not expr.strip():
        raise _Bail
    debug = None
    if text[k] == "=":
        k += 1
        while text[k] == " ":
            k += 1
        debug = text[start:k]
        if "\n" in debug:
            raise _Bail
    conversion = None
    if text[k] == "!":
        conversion = text[k + 1]
        if conversion not in _CONVERSIONS:
            raise _Bail
        k += 2
    spec: list | None = None
    spec_needs = False
    if text[k] == ":":
        k, spec, spec_needs = _spec(text, k + 1, q, raw, depth, every)
    if text[k] != "}":
        raise _Bail
    code, inner = _code(expr, depth + 1, 1, every)
    needs = inner or spec_needs or any(x in expr for x in (q[0], "\\", "#")) or ("\n" in expr and len(q) == 1)
    return k + 1, ("expr", code, conversion, spec, debug), needs


def _spec(text: str, k: int, q: str, raw: bool, depth: int, every: bool) -> tuple[int, list, bool]:
    """A format spec (text, and fields of its own) up to the field's closing ``}``."""
    pieces: list = []
    lit: list[str] = []
    needs = False
    while True:
        if k >= len(text) or text.startswith(q, k):
            raise _Bail
        c = text[k]
        if c == "}":
            break
        if c == "{":
            if lit:
                pieces.append(("lit", "".join(lit)))
                lit = []
            k, piece, field_needs = _field(text, k + 1, q, raw, depth, every)
            pieces.append(piece)
            needs = needs or field_needs
            continue
        if c == "\\":
            lit.append(text[k:k + 2])
            k += 2
            continue
        lit.append(c)
        k += 1
    if lit:
        pieces.append(("lit", "".join(lit)))
    return k, pieces, needs


def _skip_string(text: str, i: int, j: int, depth: int, every: bool) -> int:
    """The index just past the string literal (an f-string too) whose prefix is at ``i``, quote at ``j``."""
    end, _t, _r = _string(text, i, j, depth + 1, every)
    return end


def _render(pieces: list, raw: str, q: str) -> str:
    """The expression an f-string's pieces build."""
    parts = [_piece(p, raw, q) for p in pieces]
    return "(" + (" + ".join(parts) if parts else raw + q + q) + ")"


def _piece(p: tuple, raw: str, q: str) -> str:
    if p[0] == "lit":
        return _literal(p[1], raw, q)
    _kind, code, conversion, spec, debug = p
    value = f"({code})"
    if conversion:
        value = f"{_CONVERSIONS[conversion]}{value}"
    elif debug is not None and spec is None:
        value = f"repr{value}"
    if spec is not None:
        value = f"format({value}, {_render(spec, raw, q)})"
    elif not conversion and debug is None:
        value = f"format{value}"
    if debug is not None:
        value = f"{debug!r} + {value}"
    return value


def _odd_backslashes(s: str) -> bool:
    return (len(s) - len(s.rstrip("\\"))) % 2 == 1


def _literal(body: str, raw: str, q: str) -> str:
    """A string literal of an f-string's literal text, in its own quotes: its source kept (so its
    line breaks stay), except what would run into the closing quote (``"a"`` before ``\"""``,
    the backslash of ``\\{x}``), which is added after it."""
    quotes = 0
    if len(q) == 3:
        while body.endswith(q[0]) and not _odd_backslashes(body[:-1]):
            body, quotes = body[:-1], quotes + 1
    parts = []
    if _odd_backslashes(body):
        if raw:
            body, parts = body[:-1], [repr("\\")]
        else:
            body += "\\"
    parts = [raw + q + body + q] + parts + ([repr(q[0] * quotes)] if quotes else [])
    return parts[0] if len(parts) == 1 else "(" + " + ".join(parts) + ")"
