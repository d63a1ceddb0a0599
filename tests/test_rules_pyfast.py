"""The one-pass Python cook gives exactly the tokens and comments of pygments' route.

Field by field (kind, value, line, end, text, prefix, interps, interp_lines and
the comment tuples) against ``_cook(lex_pairs(PythonLexer, text))``: on every
Python file of the corpus, whole and in windows, and on generated hostile text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pygments.lexers.python import PythonLexer

from triage.rules import pyfast, tokens
from triage.rules.lexdriver import lex_pairs
from triage.rules.tokens import PYTHON, Tok, lex

CORPUS = Path(__file__).parent / "corpus"
PY_FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".py", ".pyi") and p.is_file())


def fields(toks: list[Tok]) -> list[tuple]:
    return [(t.kind, t.value, t.line, t.end, t.text, t.prefix, list(t.interps), list(t.interp_lines)) for t in toks]


def by_pygments(text: str, line: int = 1, before: tuple = ()) -> tuple[list, list]:
    out, comments = list(before), []
    lexer = PythonLexer(stripnl=False, ensurenl=False, stripall=False, tabsize=0)
    tokens._cook(lex_pairs(lexer, text), PYTHON, line, out, comments)
    return fields(out), comments


def by_pyfast(text: str, line: int = 1, before: tuple = ()) -> tuple[list, list]:
    out, comments = list(before), []
    assert pyfast.cook_python(text, line, out, comments)
    return fields(out), comments


def assert_same(text: str, line: int = 1, before: tuple = ()) -> None:
    want = by_pygments(text, line, before)
    got = by_pyfast(text, line, before)
    assert got[1] == want[1], text
    assert got[0] == want[0], text


def test_the_installed_pygments_rules_are_ones_it_runs():
    assert pyfast.available()


SAMPLES = [
    'def f(x, *a, **k) -> int:\n    """doc"""\n    return f"{x!r:>{w}}" + r\'\\d+\' + b"\\x00"\n',
    "x += 1; y //= 2; z **= 3; a >>= b; c := d; e -> f; g @= h\n",
    '"a" "b" f"{c}" \'d\'\nprint("%s and {} and {0.name!r:>10}" % x)\n',
    'f"{x=}" f"{x = }" f"{x!r}" f"{x!s:>{w}.{p}f}" f"{{literal}}" f"{d[\'k\']}" f"{f\'{y}\'}"\n',
    'rf"\\d{x}" Rb"\\x" BR\'raw\' u"uni" t"{tmpl}" tr"{r}" F"""multi\n{line}\nend"""\n',
    "match command:\n    case [x, _]:\n        pass\n    case Point(x=0, y=_) | _:\n        pass\n    case _:\n        pass\n",
    "match = 1\ncase(x)\nmatch(x)\n_ = 2\nprint(match, case)\n",
    "@decorator\n@a.b(c)\nclass C(Base, metaclass=M):\n    def __init__(self): ...\n    async def g(self): await x\n",
    "from . import a\nfrom ..b.c import (d as e,\n    f)\nimport os.path as p, sys\nraise X from None\nlazy import q\nlazy from r import s\n",
    "x = 1 + \\\n    2\ndef \\\n  h(): pass\nclass\\\n K: pass\n",
    '"unterminated\nx = \'also\n"""never closed\n',
    "f'{x\ny}' f'{\n' f\"{'%s' % a}\" f\"{'{}'.format(b)}\" t'{c}' f'{d:{e}}'\n",
    "#!/usr/bin/env python\n# coding: utf-8\nx = 0x1F + 0o7 + 0b1 + 1_000 + 1.5e-3 + 2j + .5\n",
    "\ufeffx = 1\n",
    "a\u202eb = '\u202e' # \u200b\n\u200bx é = ☃ 𝔘 $ ? ! `\n",
    "\tif x:\n\t\treturn\t1\n\x0c\nyield from g\nyield fromage\nasync for x in y: pass\n",
    '"""doc at start"""\n  r"""raw doc"""\nx = """not doc"""\n',
    "'" * 7 + '"' * 7 + "\\" * 3 + "\n{}{}{{}}}}{{\n",
    "",
    "\n\n",
    "x" * 5000 + " = 1\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_samples_match_pygments(text):
    assert_same(text)
    assert_same(text, 41)


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_file_matches_whole_and_in_windows(path):
    text = path.read_text(encoding="utf-8", errors="replace").replace("\r", "")
    lines = text.split("\n")
    assert_same(tokens._blank_long(lines))
    sep = (Tok("sep", "", 1),)
    for a in range(1, len(lines) + 1, 7):
        k = tokens.top_level_start(lines, a)
        assert_same(tokens._blank_long(lines[k - 1 : k + 40]), k, sep)


def test_there_are_python_files_in_the_corpus():
    assert len(PY_FILES) > 100


PIECES = [
    "f'", 'f"', "rf'", 'Rb"', "b'", "u'", "t'", "'''", '"""', "'", '"', "f'''", 'f"""',
    "{", "}", "{{", "}}", "!r}", "=}", "= }", ":>10}", ":{w}}", "!s:", "{x!a}",
    "\\", "\\\n", "\n", "\n    ", "\t", " ", "#", "# c\n", "%s", "%(k)d", "{0}", "{}", "\\N{DASH}", "\\x4",
    "def ", "class ", "import ", "from ", "as ", "lazy ", "match ", "case ", "_", " _ ", "@", "@dec", "async ", "await ",
    "yield from ", "None", "self.", "x", "y1", "__init__", "print(", "(", ")", "[", "]", ",", ":", ";", "=",
    "+", "-", "*", "/", "<", ">", "!", "->", ":=", ".", "0x1", "1e5", "1_0", ".5j",
    "\u202e", "\u200b", "\u2028", "é", "𝔘", "☃", "$", "?", "`", "\x00", "\x0c", "\ufeff", "K",
]


@st.composite
def python_ish(draw) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=60))
    return "".join(parts).replace("\r", "")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(python_ish(), st.integers(min_value=1, max_value=9999))
def test_generated_python_ish_text_matches(text, line):
    assert_same(text, line)
    assert_same(text, line, (Tok("sep", "", line),))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_matches(text):
    assert_same(text.replace("\r", ""))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8), st.integers(min_value=200, max_value=1500))
def test_long_lines_match(pieces, times):
    assert_same("".join(pieces) * times)


def test_lex_cooks_python_the_same_either_way(monkeypatch):
    """``lex`` (whole files and windows) gives the same stream with the fast path on and off."""
    for path in PY_FILES[::5]:
        text = path.read_text(encoding="utf-8", errors="replace")
        n = text.count("\n") + 1
        for added in (range(1, n + 1), range(1, n + 1, 97)):
            monkeypatch.setattr(tokens, "FULL_LEX_CHARS", 200)
            monkeypatch.setattr(tokens, "FAST_PYTHON_AFTER_CHARS", 10**12)
            monkeypatch.setattr(tokens, "_PY_SEEN", [0])
            slow = lex(path.name, text, added, PythonLexer)
            monkeypatch.setattr(tokens, "FAST_PYTHON_AFTER_CHARS", -1)
            fast = lex(path.name, text, added, PythonLexer)
            assert fields(fast.toks) == fields(slow.toks), path
            assert fast.comments == slow.comments, path


def test_a_rule_table_it_cannot_read_takes_the_pygments_route(monkeypatch):
    monkeypatch.setattr(pyfast, "_program", lambda: None)
    out: list = []
    assert not pyfast.cook_python("x = 1\n", 1, out, [])
    assert out == []
    monkeypatch.setattr(tokens, "FAST_PYTHON_AFTER_CHARS", -1)
    got = lex("a.py", 'x = f"{y}"  # c\n', [1], PythonLexer)
    assert [t.kind for t in got.toks] == ["name", "op", "str"]
    assert got.toks[2].interps == ["y"]
    assert got.comments == [(1, "# c", 3)]


def test_a_bulk_process_cooks_python_in_one_pass_from_its_first_file(monkeypatch):
    monkeypatch.setattr(tokens, "_PY_SEEN", [0])
    calls = []
    real = pyfast.cook_python
    monkeypatch.setattr(pyfast, "cook_python", lambda *a: calls.append(a[1]) or real(*a))
    lex("a.py", "x = 1\n", [1], PythonLexer)
    assert calls == []  # a lone commit's file: pygments' loop, nothing more to compile
    tokens.expect_bulk_python()
    got = lex("a.py", "x = 1\n", [1], PythonLexer)
    assert calls == [1]
    assert [t.value for t in got.toks] == ["x", "=", "1"]
