"""The joined-state lexer loop yields exactly pygments' tokens, for every lexer pygments ships."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexer import RegexLexer, bygroups, default, include, words
from pygments.lexers import find_lexer_class_by_name, get_all_lexers
from pygments.token import Comment, Keyword, Name, Number, Punctuation, String, Text

from triage.rules import lexdriver
from triage.rules.lexdriver import drives, lex_pairs

SAMPLES = [
    'def f(x, *a, **k):\n    """doc"""\n    return f"{x!r:>{w}}" + r\'\\d+\' + b"\\x00"\n',
    "const re = /a[/]b/gi; let t = `x ${y + `z${1}`} w`; // c\n/* block */ if (a < b && c > d) { x(); }\n",
    "#!/bin/sh\nset -e\necho \"$HOME\" 'single' $((1 + 2)) <<EOF\nheredoc $x\nEOF\n",
    "<div class=\"a\">{items.map(i => <Item key={i} />)}</div>\n<!-- comment -->\n<script>var x = 1;</script>\n",
    "[section]\nkey = \"value\" # comment\narr = [1, 2.5e3, 0x1f, true]\n[[table]]\nname = 'x'\n",
    "SELECT a, b FROM t WHERE id = 'x''y' AND n > 3; -- comment\nCREATE TABLE t (id INTEGER);\n",
    "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(`raw\nstring`, 'x', 1.5i)\n}\n",
    "fn main() { let s: &str = r#\"raw\"#; println!(\"{}\", s); } // ok\n'a' 'bc' 1_000u32\n",
    "unterminated \"string\n'and another\n/* never closed\n{{{ ]]] ))) \\\n\t\x00\x1b[31m\u202e\u200b é ☃ 𝔘\r\n",
    "",
    "\n\n\n",
]


@pytest.fixture(autouse=True)
def _join_at_once(monkeypatch):
    """Every lexer here runs the joined loop from its first text (the point of these tests)."""
    monkeypatch.setattr(lexdriver, "JOIN_AFTER_CHARS", -1)


SLOW_IN_PYGMENTS = {"MCSchemaLexer"}
"""Lexers whose own regular expressions backtrack for minutes on these samples (stock pygments too)."""


def _regex_lexers() -> list[type]:
    out = []
    for _name, aliases, _globs, _mimes in get_all_lexers(plugins=False):
        if not aliases:
            continue
        try:
            cls = find_lexer_class_by_name(aliases[0])
        except Exception:  # noqa: BLE001 - a lexer that cannot load is not ours to test
            continue
        if (issubclass(cls, RegexLexer) and cls.get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed
                and cls.__name__ not in SLOW_IN_PYGMENTS):
            out.append(cls)
    return sorted(set(out), key=lambda c: c.__name__)


ALL = _regex_lexers()


def stock(lexer, text: str) -> list[tuple]:
    return list(lexer.get_tokens(text))


def new(cls):
    return cls(stripnl=False, ensurenl=False, stripall=False, tabsize=0)


def test_there_are_many_lexers_and_most_states_are_joined():
    assert len(ALL) > 200
    joined = total = 0
    for cls in ALL:
        tokendefs = new(cls)._tokens
        states = lexdriver._joined_states(tokendefs)
        joined += sum(states[name] is not None for name in tokendefs)
        total += len(tokendefs)
    assert joined > total // 2, (joined, total)


def test_a_state_is_joined_only_when_the_loop_enters_it():
    lexer = new(find_lexer_class_by_name("python"))
    lexdriver._JOINED.pop(id(lexer._tokens), None)
    list(lexdriver._unprocessed(lexer, "x = 1\n"))
    entered = set(lexdriver._joined_states(lexer._tokens))
    assert "root" in entered
    assert len(entered) < len(lexer._tokens) // 2, sorted(entered)


@pytest.mark.parametrize("chunk", range(8))
def test_every_pygments_regex_lexer_gives_the_same_tokens_on_the_samples(chunk):
    for cls in ALL[chunk::8]:
        lexer = new(cls)
        assert drives(lexer)
        for text in SAMPLES:
            assert list(lex_pairs(lexer, text)) == stock(lexer, text), (cls.__name__, text[:30])


@pytest.mark.parametrize("name", ["python", "javascript", "typescript", "tsx", "jsx", "go", "toml", "ini"])
def test_the_languages_the_rules_read_are_joined_at_their_root(name):
    lexer = new(find_lexer_class_by_name(name))
    assert lexdriver._joined_states(lexer._tokens)["root"] is not None


CODE_BITS = st.sampled_from([
    "def ", "class ", "return ", "if ", "else", "(", ")", "[", "]", "{", "}", ":", ";", ",", ".", "=", "==", "=>",
    "+", "-", "*", "/", "//", "/*", "*/", "#", "\\", "'", '"', '"""', "'''", "`", "${", "f\"", "rb'", "r\"",
    "%s", "{x}", "x", "foo", "Bar", "_", "0", "1.5", "0x1F", "1e-3", " ", "  ", "\t", "\n", "\r\n", "<", ">",
    "</", "/>", "<!--", "-->", "@", "$", "async ", "await ", "import ", "from ", "é", "\u200b", "\x00",
])


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(["python", "javascript", "typescript", "tsx", "go", "bash", "toml", "ruby", "html"]),
       parts=st.lists(CODE_BITS, max_size=60))
def test_property_same_tokens_as_pygments_on_code_like_text(name, parts):
    lexer = new(find_lexer_class_by_name(name))
    text = "".join(parts)
    assert list(lex_pairs(lexer, text)) == stock(lexer, text)


class Tricky(RegexLexer):
    """Rules the joined loop must handle: leading inline flags, scoped flags, verbose
    comments, groups for bygroups, a back-reference, pushes, pops and defaults."""

    name = "Tricky"
    flags = re.MULTILINE
    tokens = {
        "root": [
            (r"(?i)select\b", Keyword),
            (r"(?x) \d+ (?: \. \d+ )?  # a number, with a trailing comment", Number),
            (r"(\w+)(\s*)(=)", bygroups(Name.Variable, Text, Punctuation)),
            (words(("if", "else"), suffix=r"\b"), Keyword),
            (r'"', String, "string"),
            (r"(?=['`])", Text, "quoted"),
            (r"\{", Punctuation, "#push"),
            (r"\}", Punctuation, "#pop"),
            (r"\(", Punctuation, ("paren", "paren-inner")),
            include("common"),
        ],
        "common": [(r"\s+", Text), (r"#.*$", Comment), (r"\w+", Name)],
        "string": [(r'\\.', String.Escape), (r'"', String, "#pop"), (r'[^"\\]+', String)],
        "quoted": [(r"(['`])(.*?)(\1)", String.Other, "#pop"), (r"['`]", Text, "#pop")],
        "paren": [(r"\)", Punctuation, "#pop"), include("common")],
        "paren-inner": [(r",", Punctuation), default("#pop")],
    }


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("selectSELECT 12.5 x= \"\\'`{}(),#\nifelse\u00e9")), max_size=80))
def test_property_tricky_rules_give_the_same_tokens(text):
    lexer = new(Tricky)
    assert list(lex_pairs(lexer, text)) == stock(lexer, text)


def test_a_state_with_a_back_reference_keeps_the_rule_by_rule_loop_and_the_others_are_joined():
    states = lexdriver._joined_states(new(Tricky)._tokens)
    assert states["quoted"] is None  # (['`])(.*?)(\1): group numbers would shift
    assert all(states[name] is not None for name in ("root", "string", "paren", "paren-inner"))


def test_lexers_that_drive_themselves_or_have_filters_run_as_pygments_runs_them():
    from pygments.lexers import JsonLexer  # overrides get_tokens_unprocessed

    json = JsonLexer()
    assert not drives(json)
    assert list(lex_pairs(json, '{"a": [1, "b"]}')) == stock(json, '{"a": [1, "b"]}')
    py = new(find_lexer_class_by_name("python"))
    py.add_filter("keywordcase", case="upper")
    assert not drives(py)
    assert list(lex_pairs(py, "def f(): pass\n")) == stock(py, "def f(): pass\n")


def test_a_lexer_is_joined_only_once_it_has_lexed_enough_text(monkeypatch):
    monkeypatch.setattr(lexdriver, "JOIN_AFTER_CHARS", 100)
    lexer = new(Tricky)
    monkeypatch.setattr(lexdriver, "_JOINED", {})
    monkeypatch.setattr(lexdriver, "_LEXED", {})
    text = 'select x = "a\\"b" {if (1, 2)}\n' * 2  # 60 characters
    assert list(lex_pairs(lexer, text)) == stock(lexer, text)
    assert id(lexer._tokens) not in lexdriver._JOINED  # one small file: pygments' own loop
    for _ in range(2):
        assert list(lex_pairs(lexer, text)) == stock(lexer, text)
    assert id(lexer._tokens) in lexdriver._JOINED  # past 100 characters: joined, same tokens
