"""Provides :func:`cook_python`: Python's cooked token stream without the pair stream in between.

``tokens._cook(lex_pairs(PythonLexer, text))`` spends most of its time passing
pygments pairs along: two generators per token, a type lookup, then the cook's
branches. Here pygments' own Python rules (``PythonLexer._tokens``, joined per
state as :mod:`triage.rules.lexdriver` joins them, so the same rule wins with
the same match) drive one loop that cooks as it lexes. What each rule means to
the cook (its token type's flags and kind, per group for ``bygroups``) is worked
out once. The cook itself is ``_cook``'s, line for line; three shortcuts skip it
where it can only do one thing:

* a space or a newline in ``root`` (nothing is open) only marks white space;
* a run of string pieces inside a literal (no interpolation open) is appended
  in one piece: the run is matched with the state's own rules in their order,
  stopping where a rule that changes state (a quote, ``{``) would win;
* a token that is neither string nor white space nor comment, with no literal
  open, becomes its ``Tok`` directly.

The one ``using(this)`` rule (the tail of a ``match``/``case`` line) lexes its
text with pygments itself. The rule table is read from the installed pygments;
if it holds a construct this module does not know, :func:`cook_python`
returns False and the caller takes the pygments route.
``tests/test_rules_pyfast.py`` compares both routes field by field.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pygments.lexer import RegexLexer
from pygments.token import Error, Whitespace, _TokenType

from triage.rules import cooking as _t
from triage.rules.lexdriver import _join

_T_STR, _T_INTERP, _T_AFFIX, _T_REGEX, _T_DOC, _T_COMMENT, _T_SPACE = (
    _t._STR, _t._INTERP, _t._AFFIX, _t._REGEX, _t._DOC, _t._COMMENT, _t._SPACE)
_NOT_PART = _T_AFFIX | _T_REGEX | _T_DOC
_PY_MERGE = _t._PY_MERGE
Tok = _t.Tok
_Group = _t._Group

_SIMPLE, _GROUPS, _NONE, _PLAIN = 0, 1, 2, 3
_USING = object()


def _action_spec(action):
    """What a rule's action yields, for the cook: ``(_SIMPLE, flags, kind)``,
    ``(_GROUPS, [per group: None, _USING or (flags, kind)])``, ``(_NONE,)`` or None (unknown)."""
    if action is None:
        return (_NONE,)
    if type(action) is _TokenType:
        flags, kind = _t._type_info(action)
        if not flags & (_T_STR | _T_COMMENT | _T_SPACE) and kind != "other":
            return (_PLAIN, flags, kind, kind in ("op", "punct"))
        return (_SIMPLE, flags, kind)
    code = getattr(action, "__code__", None)
    if code is None or code.co_freevars != ("args",) or code.co_name != "callback":
        return None
    if getattr(action, "__qualname__", "") != "bygroups.<locals>.callback":
        return None
    groups = []
    for sub in action.__closure__[0].cell_contents:
        if sub is None:
            groups.append(None)
        elif type(sub) is _TokenType:
            groups.append(_t._type_info(sub))
        elif _is_using_this(sub):
            groups.append(_USING)
        else:
            return None
    return (_GROUPS, groups)


def _is_using_this(fn) -> bool:
    if getattr(fn, "__qualname__", "") != "using.<locals>.callback" or not fn.__closure__:
        return False
    # using(this) keeps no reference to another lexer; no options, no start state
    cells = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__)))
    return set(cells) == {"gt_kwargs", "kwargs"} and not cells["gt_kwargs"] and not cells["kwargs"]


def _run_pattern(rules: list) -> re.Pattern | None:
    """One pattern for a run of a string state's tokens: the state's rules tried in
    order, the run ending where a rule that changes state would win. None when the
    state is not all plain string pieces."""
    alts: list[str] = []
    stops: list[int] = []
    for rexmatch, action, new_state in rules:
        p = getattr(rexmatch, "__self__", None)
        if not isinstance(p, re.Pattern) or p.flags & ~(re.M | re.U) or p.groups > 9 or p.pattern.startswith("(?"):
            return None
        if new_state is not None:
            stops.append(len(alts))
            alts.append(p.pattern)
            continue
        if type(action) is not _TokenType:
            return None
        flags, _kind = _t._type_info(action)
        if not flags & _T_STR or flags & _NOT_PART:
            return None
        alts.append(p.pattern)
    if not alts or len(stops) == len(alts):
        return None
    # R1|R2|(?!S3)(?:R4|...): a stopper that matches ends the run, else later rules are tried.
    body = ""
    for i in range(len(alts) - 1, -1, -1):
        a = f"(?:{alts[i]})"
        if i in stops:
            body = f"(?!{a})(?:{body})" if body else "(?!)"
        else:
            body = f"{a}|{body}" if body else a
    try:
        return re.compile(f"(?:{body})+", re.M)
    except re.error:
        return None


@lru_cache(maxsize=1)
def _program():
    """(lexer, token table, per state: rule specs, run match or None, :class:`_Dispatch`), or None."""
    from pygments.lexers.python import PythonLexer

    lexer = PythonLexer(stripnl=False, ensurenl=False, stripall=False, tabsize=0)
    if type(lexer).get_tokens_unprocessed is not RegexLexer.get_tokens_unprocessed or lexer.filters:
        return None
    tokendefs = lexer._tokens
    if "root" not in tokendefs:
        return None
    specs: dict[str, list] = {}
    runs: dict[str, object] = {}
    for name, rules in tokendefs.items():
        got = []
        for rule in rules:
            spec = _action_spec(rule[1])
            if spec is None:
                return None
            new_state = rule[2]
            if new_state is not None and not isinstance(new_state, (tuple, int)) and new_state != "#push":
                return None
            got.append(spec)
        specs[name] = got
        run = _run_pattern(rules) if name not in ("root",) else None
        runs[name] = run.match if run is not None else None
    dispatch = {}
    for name, rules in tokendefs.items():
        try:
            dispatch[name] = _Dispatch(rules)
        except Exception:  # noqa: BLE001 - a rule this module cannot read
            return None
    return lexer, tokendefs, specs, runs, dispatch


def available() -> bool:
    """True when the installed pygments' Python rules are ones :func:`cook_python` can run."""
    return _program() is not None


_ASCII = frozenset(chr(i) for i in range(128))
_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_SPACE": r"\s",
    "CATEGORY_LINEBREAK": r"\n",
}


def _first_of(items, icase: bool) -> tuple[set, bool, bool]:
    """(ASCII characters a match may start with, whether it may start with another
    character, whether it may match empty) of a parsed pattern: a superset, never less."""
    from re import _constants as C

    chars: set = set()
    other = False
    for op, av in items:
        got, more, empty = _ALL
        if op is C.LITERAL:
            got, more, empty = ({chr(av)} if av < 128 else set()), av >= 128, False
        elif op is C.IN:
            got, more, empty = _first_in(av), True, False
            if not any(o is C.NEGATE or o is C.CATEGORY for o, _ in av):
                more = any((o is C.LITERAL and a >= 128) or (o is C.RANGE and a[1] >= 128) for o, a in av)
        elif op is C.BRANCH:
            got, more, empty = set(), False, False
            for seq in av[1]:
                g, m, e = _first_of(seq, icase)
                got |= g
                more |= m
                empty |= e
        elif op is C.SUBPATTERN:
            got, more, empty = _first_of(av[3], icase or bool(av[1] & re.I))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)) and op is not None:
            got, more, empty = _first_of(av[2], icase)
            empty = empty or av[0] == 0
        elif op is getattr(C, "ATOMIC_GROUP", None):
            got, more, empty = _first_of(av, icase)
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            got, more, empty = set(), False, True  # zero width: only narrows what follows
        if icase:
            if more:  # another character may fold to an ASCII one
                got = set(_ASCII)
            got = got | {c.swapcase() for c in got}
            if got & set("iksIKS"):  # and these fold to others (K: the Kelvin sign, ...)
                more = True
        chars |= got
        other |= more
        if not empty:
            return chars, other, False
    return chars, other, True


_ALL = (set(_ASCII), True, True)


def _first_in(av) -> set:
    from re import _constants as C

    if any(o is C.NEGATE for o, _ in av):
        return set(_ASCII)
    got: set = set()
    for o, a in av:
        if o is C.LITERAL:
            if a < 128:
                got.add(chr(a))
        elif o is C.RANGE:
            got |= {chr(i) for i in range(a[0], min(a[1], 127) + 1)}
        elif o is C.CATEGORY and str(a) in _CATEGORY_CHARS:
            cat = re.compile(_CATEGORY_CHARS[str(a)])
            got |= {c for c in _ASCII if cat.fullmatch(c)}
        else:
            return set(_ASCII)
    return got


@lru_cache(maxsize=None)
def _first_cached(source: str, flags: int) -> tuple[frozenset, bool, bool]:
    return _first(re.compile(source, flags))


def _first(pattern: re.Pattern) -> tuple[frozenset, bool, bool]:
    from re import _parser

    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - unknown syntax: anything may start it
        return frozenset(_ASCII), True, True
    got, more, empty = _first_of(list(parsed), bool(parsed.state.flags & re.I))
    return frozenset(got), more, empty


HEAVY = 2000
"""A rule whose pattern is longer than this (an identifier: two classes of thousands of
Unicode ranges) is matched with its own compiled pattern, never joined: compiling it
again into each joined alternation would cost more than most files take to lex."""


class _Dispatch(dict):
    """First character -> how to find the winning rule of one state at a position starting
    with it: the rules that can start with that character, in their order, as a tuple of
    chunks ``(match, group -> rule index)`` (light rules joined) or ``(match, rule index)``
    (one rule) tried in turn; the first chunk that matches holds the winner."""

    __slots__ = ("rules", "firsts")

    def __init__(self, rules: list) -> None:
        super().__init__()
        self.rules = rules
        self.firsts = [_first_cached(r[0].__self__.pattern, r[0].__self__.flags) for r in rules]

    def __missing__(self, c: str):
        ascii_ = c < "\x80"
        pick = tuple(i for i, (chars, more, empty) in enumerate(self.firsts)
                     if empty or (c in chars if ascii_ else more))
        got = self[c] = self._build(pick)
        return got

    def _build(self, pick: tuple) -> tuple:
        chunks: list = []
        light: list[int] = []
        for i in (*pick, None):
            heavy = i is not None and len(self.rules[i][0].__self__.pattern) > HEAVY
            if light and (i is None or heavy):
                chunks.append(_chunk(self.rules, light))
                light = []
            if heavy:
                chunks.append((self.rules[i][0], i))
            elif i is not None:
                light.append(i)
        return tuple(chunks)


_JOINS: dict = {}


def _chunk(rules: list, idx: list[int]) -> tuple:
    if len(idx) == 1:
        return (rules[idx[0]][0], idx[0])
    key = tuple((rules[i][0].__self__.pattern, rules[i][0].__self__.flags) for i in idx)
    j = _JOINS.get(key)
    if j is None:
        j = _JOINS[key] = _join([rules[i] for i in idx])
    if j is None:
        raise _Unsupported
    return (j[0], {g: idx[k] for g, k in j[1].items()})


class _Unsupported(Exception):
    pass


_SPACE_RUN = re.compile(r"[^\S\n]+").match


def cook_python(text: str, line: int, out: list, comments: list) -> bool:
    """Append the cooked tokens of ``text`` (lexed from line ``line``) to ``out`` and
    ``comments``, exactly as ``_cook(lex_pairs(PythonLexer, text), "python", ...)``
    does; False (nothing appended) when the rule table is not one this module knows."""
    prog = _program()
    if prog is None:
        return False
    n_out, n_comments = len(out), len(comments)
    try:
        _cook_python(prog, text, line, out, comments)
    except _Unsupported:
        del out[n_out:]
        del comments[n_comments:]
        return False
    return True


def _cook_python(prog, text: str, line: int, out: list, comments: list) -> None:
    lexer, tokendefs, specs, runs, dispatch = prog
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")

    grp = None
    depth = 0
    expr: list = []
    ws_before = True

    def feed(flags: int, kind: str, value: str) -> None:
        """One pygments token through ``_cook``'s body."""
        nonlocal grp, depth, expr, ws_before, line
        nl = value.count("\n") if "\n" in value else 0
        if grp is not None:
            if depth:
                if flags & _T_INTERP:
                    if value.endswith("{"):
                        depth += 1
                    elif value.endswith("}"):
                        depth -= 1
                        if depth == 0:
                            grp.interps.append("".join(expr))
                            grp.parts.append("\x00")
                            grp.end = line + nl
                            line += nl
                            return
                expr.append(value)
                line += nl
                return
            if flags & _T_STR and not flags & _NOT_PART:
                if grp.template and flags & _T_INTERP and value in ("{", "${"):
                    depth = 1
                    expr = []
                    grp.interp_lines.append(line)
                else:
                    grp.parts.append(value)
                grp.end = line + nl
                line += nl
                return
            _emit_str(out, grp.finish())
            grp = None
            ws_before = False
        if flags & _T_STR:
            if flags & _T_REGEX:
                out.append(Tok("regex", value, line, line + nl))
            elif flags & _T_AFFIX:
                p = value.lower()
                grp = _Group(line, p, "f" in p, False)
            else:
                grp = _Group(line, "", bool(flags & _t._BACKTICK), bool(flags & _T_DOC))
                grp.parts.append(value)
                grp.end = line + nl
            line += nl
            return
        if flags & _T_COMMENT:
            comments.append((line, value, len(out)))
            line += nl
            ws_before = True
            return
        if flags & _T_SPACE and not value.strip():
            line += nl
            ws_before = True
            return
        v = value.strip() if kind == "other" else value
        if (not ws_before and out and (kind == "op" or kind == "punct")
                and out[-1].kind in ("op", "punct") and out[-1].value + v in _PY_MERGE):
            out[-1].value += v
        else:
            out.append(Tok(kind, v, line, line + nl))
        ws_before = False
        line += nl

    ws_info = _t._type_info(Whitespace)
    err_info = _t._type_info(Error)
    space_run = _SPACE_RUN
    n = len(text)
    pos = 0
    statestack = ["root"]
    name = "root"
    root = True
    statetokens = tokendefs[name]
    disp = dispatch[name]
    spec = specs[name]
    run = runs[name]
    while pos < n:
        c = text[pos]
        if root and grp is None:
            if c == "\n":
                ws_before = True
                line += 1
                pos += 1
                continue
            if c == " " and pos and text[pos - 1] != "\n":
                # mid-line white space: no rule before the white-space rule can start with a space
                pos = space_run(text, pos).end()
                ws_before = True
                if pos == n:
                    break
                c = text[pos]
                if c == "\n":
                    line += 1
                    pos += 1
                    continue
        elif run is not None and grp is not None and not depth:
            m = run(text, pos)
            if m:
                value = m.group()
                nl = value.count("\n")
                grp.parts.append(value)
                grp.end = line + nl
                line += nl
                pos = m.end()
                continue
        rule = None
        for mf, mk in disp[c]:
            m = mf(text, pos)
            if m:
                k = mk if type(mk) is int else mk[m.lastindex]
                rule = statetokens[k]
                sp = spec[k]
                break
        if rule is not None:
            code = sp[0]
            if code == _PLAIN and grp is None:
                # a name, keyword, operator, punctuation or number, nothing open: _cook's last lines
                value = m.group()
                kind = sp[2]
                if sp[3] and not ws_before and out:
                    last = out[-1]
                    if (last.kind == "op" or last.kind == "punct") and last.value + value in _PY_MERGE:
                        last.value += value
                        pos = m.end()
                        if rule[2] is None:
                            continue
                        value = None
                if value is not None:
                    if "\n" in value:
                        nl = value.count("\n")
                        out.append(Tok(kind, value, line, line + nl))
                        line += nl
                    else:
                        out.append(Tok(kind, value, line, line))
                    ws_before = False
                    if rule[2] is None:
                        pos = m.end()
                        continue
            elif code == _GROUPS:
                m = rule[0](text, pos)  # the rule's own groups
                for g, gs in enumerate(sp[1], 1):
                    if gs is None:
                        continue
                    data = m.group(g)
                    if gs is _USING:
                        if data is not None:
                            for _i, tt, v in RegexLexer.get_tokens_unprocessed(lexer, data):
                                f, kd = _t._type_info(tt)
                                feed(f, kd, v)
                    elif data:
                        feed(gs[0], gs[1], data)
            elif code != _NONE:
                feed(sp[1], sp[2], m.group())
            pos = m.end()
            new_state = rule[2]
            if new_state is not None:
                if isinstance(new_state, tuple):
                    for s in new_state:
                        if s == "#pop":
                            if len(statestack) > 1:
                                statestack.pop()
                        elif s == "#push":
                            statestack.append(statestack[-1])
                        else:
                            statestack.append(s)
                elif isinstance(new_state, int):
                    if abs(new_state) >= len(statestack):
                        del statestack[1:]
                    else:
                        del statestack[new_state:]
                else:
                    statestack.append(statestack[-1])
                name = statestack[-1]
                root = name == "root"
                statetokens = tokendefs[name]
                disp = dispatch[name]
                spec = specs[name]
                run = runs[name]
            continue
        if c == "\n":
            statestack = ["root"]
            name = "root"
            root = True
            statetokens = tokendefs[name]
            disp = dispatch[name]
            spec = specs[name]
            run = runs[name]
            feed(ws_info[0], ws_info[1], "\n")
        else:
            feed(err_info[0], err_info[1], c)
        pos += 1
    if grp is not None:
        _emit_str(out, grp.finish())


def _emit_str(out: list, t) -> None:
    _t._emit_str(out, t, _t.PYTHON)
