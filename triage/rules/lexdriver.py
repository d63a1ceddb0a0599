"""Provides :func:`lex_pairs`: pygments' ``RegexLexer`` loop, driven by one regular expression per state.

A pygments ``RegexLexer`` state is a list of rules tried in order at each
position: the first whose regular expression matches there wins. The stock
loop calls each rule's ``match`` from Python until one succeeds, about a dozen
calls per token. Here each state's rules are joined into one alternation,
``(rule0)|(rule1)|...``, which the ``re`` engine tries in the same order at the
same position, so the same rule wins with the same match; ``lastindex`` says
which. A rule whose action needs its own groups (``bygroups``, ``using``) is
matched again on its own at that position. Everything else (state changes,
error tokens, the reset to ``root`` at a newline) is the stock loop's.

A state keeps the stock rule-by-rule loop when its rules cannot be joined
faithfully: a back-reference (group numbers shift), a rule that is not a plain
compiled pattern, or flags that cannot be scoped to one alternative. A lexer
that overrides ``get_tokens_unprocessed`` or has filters is run as pygments runs
it. ``tests/test_rules_lexdriver.py`` checks token-for-token equality with
pygments for every lexer it ships.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

_BACKREF = re.compile(r"\\[1-9]|\(\?P=")
_LEADING_FLAGS = re.compile(r"\A\(\?[aiLmsux]+\)")
_SCOPED = {re.I: "i", re.M: "m", re.S: "s", re.X: "x"}
_SCOPABLE = re.I | re.M | re.S | re.X

_Joined = tuple[Callable, dict[int, int]]
_JOINED: dict[int, tuple[dict, dict[str, _Joined | None]]] = {}
"""Joined states per token table (by id, with the table kept alive): a lexer's table is
usually its class's, but some lexers pick one per instance (C#'s per Unicode level)."""

def _join(rules: list) -> _Joined | None:
    """One alternation for a state's rules, with the group number that marks each rule, or None."""
    patterns = [getattr(rule[0], "__self__", None) for rule in rules]
    if len(patterns) < 2 or not all(isinstance(p, re.Pattern) and isinstance(p.pattern, str) for p in patterns):
        return None
    if any(_BACKREF.search(p.pattern) for p in patterns):
        return None
    base = patterns[0].flags
    for p in patterns:
        base &= p.flags
    parts: list[str] = []
    marks: dict[int, int] = {}
    group = 1
    for i, p in enumerate(patterns):
        extra = p.flags & ~base
        if extra & ~_SCOPABLE:
            return None
        letters = "".join(ch for bit, ch in _SCOPED.items() if extra & bit)
        # Leading inline flags are already in p.flags; in verbose mode a trailing comment
        # must not swallow the closing parenthesis, so the body ends with a newline.
        body = _LEADING_FLAGS.sub("", p.pattern) + ("\n" if p.flags & re.X else "")
        parts.append(f"((?{letters}:{body}))" if letters else f"({body})")
        marks[group] = i
        group += 1 + p.groups
    try:
        joined = re.compile("|".join(parts), base)
    except (re.error, RecursionError, OverflowError):
        return None
    return joined.match, marks


class _LazyStates(dict):
    """State name -> its joined rules, each joined on first use: a file visits a few of a
    lexer's states, and compiling all of them (Python has dozens) cost a third of a second."""

    __slots__ = ("tokendefs",)

    def __init__(self, tokendefs: dict) -> None:
        super().__init__()
        self.tokendefs = tokendefs

    def __missing__(self, name: str) -> _Joined | None:
        got = self[name] = _join(self.tokendefs[name])
        return got


def _joined_states(tokendefs: dict) -> dict[str, _Joined | None]:
    got = _JOINED.get(id(tokendefs))
    if got is None or got[0] is not tokendefs:
        got = _JOINED[id(tokendefs)] = (tokendefs, _LazyStates(tokendefs))
    return got[1]

def drives(lexer: Lexer) -> bool:
    """True when :func:`lex_pairs` can run ``lexer`` with its own loop."""
    cls = type(lexer)
    return (isinstance(lexer, RegexLexer) and cls.get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed
            and not lexer.filters and isinstance(getattr(lexer, "_tokens", None), dict)
            and callable(getattr(lexer, "_preprocess_lexer_input", None)))  # what get_tokens does first


JOIN_AFTER_CHARS = 64_000
"""A lexer's states are joined once this process has lexed this much text with it: joining
compiles each state again (a tenth of a second for Python), which pays off over dozens of
files (a bulk ingest), not over the one or two a single commit brings."""

_LEXED: dict[int, int] = {}


def lex_pairs(lexer: Lexer, text: str) -> Iterator[tuple]:
    """``(token type, value)`` pairs of ``text``: exactly ``lexer.get_tokens(text)``'s."""
    if not drives(lexer):
        return lexer.get_tokens(text)
    key = id(lexer._tokens)
    if key not in _JOINED:
        seen = _LEXED[key] = _LEXED.get(key, 0) + len(text)
        if seen <= JOIN_AFTER_CHARS:
            return lexer.get_tokens(text)
    text = lexer._preprocess_lexer_input(text)
    return ((ttype, value) for _pos, ttype, value in _unprocessed(lexer, text))


def _unprocessed(lexer: RegexLexer, text: str, stack: tuple[str, ...] = ("root",)) -> Iterator[tuple]:
    """``RegexLexer.get_tokens_unprocessed``, one ``match`` call per token where a state is joined."""
    tokendefs = lexer._tokens
    joined = _joined_states(tokendefs)
    pos = 0
    statestack = list(stack)
    statetokens = tokendefs[statestack[-1]]
    state = joined[statestack[-1]]
    while True:
        rule = None
        if state is not None:
            m = state[0](text, pos)
            if m:
                rule = statetokens[state[1][m.lastindex]]
        else:
            for candidate in statetokens:
                m = candidate[0](text, pos)
                if m:
                    rule = candidate
                    break
        if rule is not None:
            rexmatch, action, new_state = rule
            if action is not None:
                if type(action) is _TokenType:
                    yield pos, action, m.group()
                else:
                    if state is not None:
                        m = rexmatch(text, pos)  # the action reads the rule's own groups
                    yield from action(lexer, m)
            pos = m.end()
            if new_state is not None:
                if isinstance(new_state, tuple):
                    for name in new_state:
                        if name == "#pop":
                            if len(statestack) > 1:
                                statestack.pop()
                        elif name == "#push":
                            statestack.append(statestack[-1])
                        else:
                            statestack.append(name)
                elif isinstance(new_state, int):
                    if abs(new_state) >= len(statestack):
                        del statestack[1:]
                    else:
                        del statestack[new_state:]
                elif new_state == "#push":
                    statestack.append(statestack[-1])
                else:  # pragma: no cover - pygments validates state definitions
                    raise ValueError(f"wrong state def: {new_state!r}")
                statetokens = tokendefs[statestack[-1]]
                state = joined[statestack[-1]]
            continue
        try:
            if text[pos] == "\n":
                statestack = ["root"]
                statetokens = tokendefs["root"]
                state = joined["root"]
                yield pos, Whitespace, "\n"
                pos += 1
                continue
            yield pos, Error, text[pos]
            pos += 1
        except IndexError:
            break
