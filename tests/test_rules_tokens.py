"""The shared token stream: lexer choice, literals, interpolation, caching."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.rules import RepoContext, SourceFile, analyze, tokens
from triage.rules.fileinfo import info
from triage.rules.tokens import lex, lexer_for


def stream(path: str, text: str):
    return lex(path, text, range(1, text.count("\n") + 2), lexer_for(path))


def strings(ts):
    return [t for t in ts.toks if t.kind == "str"]


def test_lexer_is_chosen_by_file_name_only():
    assert lexer_for("app/models.py").name == "Python"
    assert lexer_for("web/app.ts").name == "TypeScript"
    assert lexer_for("x.mjs").name == "JavaScript"
    # content that looks like Python does not matter for an unknown name
    assert lexer_for("notes.unknownext") is None
    assert lexer_for(".env") is None


def test_fstring_interpolation_is_marked_but_placeholders_are_text():
    ts = stream("a.py", 'q = f"SELECT {x} WHERE a = %s"\np = "id = %s and {name}"\n')
    f, p = strings(ts)
    assert f.prefix == "f" and f.interps == ["x"] and f.text == "SELECT \x00 WHERE a = %s"
    assert p.interps == [] and p.text == "id = %s and {name}"


def test_an_fstring_conversion_closes_its_field_and_the_code_after_it_is_read():
    # pygments ends such a field with one token ("!r}", "=}", "!s}"): it used to leave the
    # literal open, and every token after it in the file was lost (and so every finding)
    text = 'raise E(f"bad reply: {message!r} {x=} {y!s:>{w}}")\nwith open(p, "rb") as fh:\n    obj = pickle.load(fh)\n'
    ts = stream("a.py", text)
    f = strings(ts)[0]
    assert f.interps == ["message", "x", "y!s:>{w}"] and f.text == "bad reply: \x00 \x00 \x00"
    assert [t.value for t in ts.toks if t.line == 3] == ["obj", "=", "pickle", ".", "load", "(", "fh", ")"]
    found = analyze([SourceFile("a.py", "import pickle\n" + text, frozenset({4}))], RepoContext())
    assert [(f.rule, f.line) for f in found] == [("unsafe-deserialization", 4)]


def test_js_template_literal_interpolation():
    ts = stream("a.js", "const q = `SELECT ${req.id} FROM t`;\nconst s = 'x';\n")
    t, s = strings(ts)
    assert "`" in t.prefix and t.interps == ["req.id"] and t.text == "SELECT \x00 FROM t"
    assert s.text == "x" and not s.interps


def test_python_implicit_concatenation_is_one_literal():
    ts = stream("a.py", 'q = (\n    "SELECT a "\n    f"FROM t WHERE id = {uid}"\n)\n')
    (s,) = strings(ts)
    assert s.text == "SELECT a FROM t WHERE id = \x00"
    assert s.line == 2 and s.end == 3 and s.interp_lines == [3]


def test_line_numbers_survive_lone_carriage_returns_and_long_lines():
    long = "x" * (tokens.MAX_LEX_LINE + 10)
    text = "a = 1\rb = 2\n" + long + "\nc = eval(d)\n"
    ts = stream("a.py", text)
    evals = [t for t in ts.toks if t.value == "eval"]
    assert evals and evals[0].line == 3


def test_calls_and_keyword_arguments():
    ts = stream("a.py", "requests.Session().get(url,\n    timeout=None)\n")
    calls = {name: i for i, name, _s in ts.calls()}
    i = calls["requests.Session().get"]
    a, b = ts.kwarg(i, "timeout")
    assert ts.toks[a].value == "None" and ts.toks[a].line == 2


def test_each_file_is_lexed_once_per_analyze(monkeypatch):
    import triage.rules.fileinfo as fileinfo

    calls = []
    real = fileinfo.lex

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(fileinfo, "lex", counting)
    text = 'import os\nq = f"SELECT * FROM t WHERE id = {x}"\nos.system(q)\n# TODO x\n'
    files = [SourceFile("a.py", text, frozenset({1, 2, 3, 4})), SourceFile("b.js", "eval(x); // TODO\n", frozenset({1}))]
    found = analyze(files, RepoContext())
    assert {f.rule for f in found} >= {"sql-interpolation", "shell-injection", "unresolved-todo", "eval-exec"}
    assert sorted(calls) == ["a.py", "b.js"]


def test_files_without_added_lines_are_skipped_without_lexing(monkeypatch):
    import triage.rules.fileinfo as fileinfo

    monkeypatch.setattr(fileinfo, "lex", lambda *a, **k: (_ for _ in ()).throw(AssertionError("lexed")))
    f = SourceFile("a.py", "eval(x)\n", frozenset())
    assert analyze([f]) == []


def test_the_ast_is_parsed_once(monkeypatch):
    import triage.rules.python_ast as python_ast

    n = []
    real = python_ast.parse

    def counting(text):
        n.append(1)
        return real(text)

    monkeypatch.setattr(python_ast, "parse", counting)
    text = "try:\n    x()\nexcept Exception:\n    pass\nimport requests\nrequests.get(u)\n"
    f = SourceFile("a.py", text, frozenset(range(1, 7)))
    analyze([f], RepoContext())
    assert len(n) == 1
    assert info(f).tree is not None


def test_large_file_with_sparse_added_lines_is_lexed_in_safe_windows():
    doc = '"""Module doc.\n\n' + "".join(f"Example {i}: call eval(x) here\n" for i in range(200)) + '"""\n'
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(2000))
    text = doc + body + "def g(cmd):\n    import os\n    os.system(cmd)\n"
    n = text.count("\n")
    assert len(text) > tokens.FULL_LEX_CHARS
    f = SourceFile("big.py", text, frozenset({n, 150}))
    found = [(x.rule, x.line) for x in analyze([f])]
    # line 150 sits inside the docstring: no eval-exec there; the real call is found
    assert found == [("shell-injection", n)]
    ts = info(f).stream
    assert any(t.kind == "sep" for t in ts.toks)  # windows, not the whole file
    assert all(t.line >= 1 for t in ts.toks)


NESTED_STATEMENTS = """\
import os


@decorated
class A(Base):
    x: int = 1

    async def run(self, items):
        async with lock:
            async for i in items:
                if i:
                    yield i
                elif i is None:
                    continue
                else:
                    break
        while True:
            try:
                pass
            except* ValueError as e:
                raise
            else:
                x = lambda y: (
                    y + 1)
            finally:
                del x
        match self.x:
            case 1 | 2:
                return [j for j in items]
            case _:
                with open(p) as fh, ctx():
                    assert fh, "message"
        for k in range(3):
            global g
        else:
            nonlocal_ = f"{k!r}"
"""


def _statement_lines_from_every_node(fi) -> list[int]:
    import ast
    return sorted({n.lineno for n in ast.walk(fi.tree) if isinstance(n, ast.stmt)})


def test_window_snapping_finds_every_statement_start_without_walking_the_expressions():
    import pathlib

    import triage
    sources = [NESTED_STATEMENTS] + [p.read_text() for p in sorted(pathlib.Path(triage.__file__).parent.rglob("*.py"))]
    for text in sources:
        fi = info(SourceFile("m.py", text, frozenset({1})))
        assert fi.tree is not None
        want = _statement_lines_from_every_node(fi)
        assert fi._statement_lines == want
        assert "_by_type" not in vars(fi)  # the walk over statements alone
    fi = info(SourceFile("m.py", NESTED_STATEMENTS, frozenset({1})))
    assert len(fi._statement_lines) == 24  # every nesting form above
    fi = info(SourceFile("m.py", NESTED_STATEMENTS, frozenset({1})))
    fi.nodes()  # every node already walked: the same lines from that walk
    assert fi._statement_lines == _statement_lines_from_every_node(fi)


def test_js_window_starts_on_a_top_level_line():
    lines = ["const banner = `"] + ["  eval(notCode) inside a template literal"] * 300 + ["`;"]
    lines += [f"function f{i}() {{ return {i}; }}" for i in range(1500)]
    lines += ["function run(code) {", "  return eval(code);", "}"]
    text = "\n".join(lines) + "\n"
    n = len(lines)
    f = SourceFile("big.js", text, frozenset({n - 1}))
    assert [(x.rule, x.line) for x in analyze([f])] == [("eval-exec", n - 1)]


def _all_globs() -> list[str]:
    from pygments.lexers._mapping import LEXERS

    return sorted({g for _m, _n, _a, names, _t in LEXERS.values() for g in names})


@settings(max_examples=300, deadline=None)
@given(
    stem=st.sampled_from(["app", "Makefile", "CMakeLists", "index.test", "x.html", "Dockerfile", "bashrc", ".zshrc",
                          "README", "a.b.c", "Kconfig", "meson"]),
    ext=st.sampled_from(["", "py", "js", "ts", "tsx", "txt", "j2", "am", "h", "in", "lock", "1", "md", "spec",
                         "PY", "unknownext", "build", "conf"]),
)
def test_lexer_lookup_by_extension_agrees_with_pygments(stem, ext):
    """The per-extension shortcut picks exactly the lexer pygments picks for the full name."""
    name = f"{stem}.{ext}" if ext else stem
    assert lexer_for(f"src/{name}") is tokens._lexer_class(name)


def test_every_pygments_pattern_example_gets_pygments_lexer():
    for glob in _all_globs():
        name = glob.replace("*", "file").replace("[", "").replace("]", "")[:40]
        assert lexer_for(name) is tokens._lexer_class(name), glob
