"""Python 3.12's f-strings (PEP 701) read on the Python triage runs on: the rules still see the file."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.rules import RepoContext, SourceFile, analyze
from triage.rules.fstrings import downgrade
from triage.rules.python_ast import parse


def findings(text: str, path: str = "app/views.py") -> list[tuple[str, int]]:
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    return sorted((x.rule, x.line) for x in analyze([f], RepoContext(paths=(path,), changed_paths=(path,)))
                  if not x.suppressed)


PEP701 = '''from flask import Flask, request
from lxml import etree
import yaml

app = Flask(__name__)


@app.route("/e")
def employees():
    emp = request.args.get("id", "")
    if not emp:
        return f"missing parameter {"id"}"
    rows = etree.parse("e.xml").xpath("/e[@id='" + emp + "']")
    return f'found: {', '.join(r.text for r in rows)}'


@app.route("/c")
def config():
    text = "greeting: hello"
    if "\\t" in text:
        return f"bad config: {text.replace("\\t", " ")}"
    return str(yaml.load(text, Loader=yaml.Loader))
'''


def test_a_file_only_python_3_12_parses_still_gets_its_ast_and_data_flow_rules():
    assert parse(PEP701) is not None
    # the XPath built from request data is found; yaml.load of a constant is not worth a look
    assert [f for f in findings(PEP701) if f[0] in ("xpath-injection", "unsafe-deserialization")] \
        == [("xpath-injection", 13)]


def test_the_rewrite_keeps_every_name_and_call_on_its_line():
    text = 'x = f"{d["k"]!r:>{w}} and {", ".join(\n    names)}"\ny = f"{x=}"\n'
    tree = ast.parse(downgrade(text, every=True))
    names = sorted((n.id, n.lineno) for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in ("format", "repr"))
    assert names == [("d", 1), ("names", 2), ("w", 1), ("x", 1), ("x", 3), ("y", 3)]


def test_files_without_3_12_f_strings_are_left_as_they_are():
    assert downgrade("x = f'{a}' + 'b'\n") is None
    assert downgrade("x = 'no f-string here'\n") is None
    assert downgrade("x = f'{unclosed'\n") is None  # not code this can read: no tree, as before


_VALUES = {"n": 42, "s": "hi", "q": "it's", "d": {"k": "v"}}
_FIELDS = [("n", ""), ("n", ":>6"), ("n", ":04d"), ("n", "!r"), ("s", ":^7"), ("s", "!r:>8"), ("q", "!a"),
           ('d["k"]', ""), ("n + 1", ""), ("s=", ""), ("n = ", ":x"), ("[n, s]", ""), ("s", ":>{n}")]
_TEXT = st.lists(st.sampled_from(["a", " ", "{{", "}}", "\\n", "\\\\", "\\t", "%", "é", "\\x41", "\\N{BULLET}", "'", '"']),
                 max_size=4).map("".join)


@settings(max_examples=150, deadline=None)
@given(quote=st.sampled_from(["'", '"', "'''", '"""']), raw=st.booleans(),
       parts=st.lists(st.tuples(_TEXT, st.sampled_from(_FIELDS)), max_size=4), tail=_TEXT)
def test_every_f_string_rewritten_builds_the_same_text_on_the_same_lines(quote, raw, parts, tail):
    other = '"' if quote[0] == "'" else "'"
    body = ""
    for text, (expr, rest) in parts + [(tail, (None, ""))]:
        if raw:
            text = text.replace("\\N{BULLET}", "").replace("\\x41", "")
        text = text.replace(quote[0], "\\" + quote[0]) if len(quote) == 1 and not raw else text
        if raw and quote[0] in text:
            text = text.replace(quote[0], "")
        body += text
        if expr is not None:
            body += "{" + expr.replace('"', other) + rest + "}"
    if len(quote) == 3 and body.endswith(quote[0]):
        body += " "
    src = ("r" if raw else "") + "f" + quote + body + quote
    try:
        want = eval(src, {}, dict(_VALUES))  # noqa: S307 - the test's own generated f-string
    except SyntaxError:
        return  # not an f-string this Python reads either
    out = downgrade(src, every=True)
    assert out is not None and out.count("\n") == src.count("\n")
    assert eval(out, {}, dict(_VALUES)) == want  # noqa: S307


def test_a_file_read_with_its_f_strings_rewritten_carries_no_parse_note():
    from triage.rules import python_ast

    assert python_ast.parse_failure(PEP701) == ""
    assert python_ast.parse_failure('x = f"{d["k"]}"\nclass C[T]:\n    pass\n').startswith("does not parse as Python")
