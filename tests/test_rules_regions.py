"""The rules read the changed regions of a file, and find there what they find in the whole file."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rich.console
from triage.eval import DEFAULT_CORPUS, _context, load_index
from triage.rules import RepoContext, SourceFile, analyze, regions
from triage.rules.base import REGISTRY
from triage.rules.fileinfo import FileRule


@pytest.fixture
def always_cut(monkeypatch):
    """Cut every Python file, however small and however little the cut saves."""
    monkeypatch.setattr(regions, "MIN_CHARS", 0)
    monkeypatch.setattr(regions, "MIN_SAVED", 0.0)


def _added_sets(text: str, labelled: list[int]) -> list[frozenset[int]]:
    n = text.count("\n") + 1
    out = [frozenset({k}) for k in sorted(set(labelled)) if 1 <= k <= n]
    for width in (3, 7):
        for phase in (0, 1):
            out.append(frozenset(k for k in range(1, n + 1) if ((k - 1) // width) % 2 == phase))
    return out


def _key(findings) -> list[tuple]:
    return [(f.path, f.line, f.rule, f.severity, f.message, f.suppressed, f.suppressed_by) for f in findings]


def test_corpus_findings_on_added_lines_are_those_of_the_whole_file(always_cut):
    corpus = Path(DEFAULT_CORPUS)
    compared = cut = 0
    for case in load_index(corpus):
        data = (corpus / case.file).read_bytes()
        text = data.decode("utf-8", "replace")
        for added in _added_sets(text, [line for _rule, line in case.expect]):
            ctx = _context(corpus, case, data)
            whole = analyze([SourceFile(case.path, text, added)], ctx, whole_files=True)
            part = analyze([SourceFile(case.path, text, added)], ctx)
            assert _key(part) == _key(whole), (case.file, sorted(added)[:10])
            compared += 1
            cut += regions.region(SourceFile(case.path, text, added)) is not None
    assert compared > 500
    assert cut > 300  # most Python cases were really cut, not analysed whole


def _module_with_a_change() -> tuple[str, frozenset[int]]:
    """rich's console module (3,000 lines of real code) with a shell call added to one method."""
    text = Path(inspect.getsourcefile(rich.console)).read_text()
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("    def export_text("))
    body = next(i for i in range(at + 1, len(lines)) if lines[i].strip().endswith('"""')) + 1  # after the docstring
    new = ["        import subprocess", "        subprocess.call(f\"echo {clear}\", shell=True)  # TODO: remove",
           "        eval(input())"]
    lines[body:body] = new
    return "\n".join(lines), frozenset(range(body + 1, body + 1 + len(new)))


def test_a_three_line_change_to_a_large_module_is_read_in_its_method_alone():
    text, added = _module_with_a_change()
    src = SourceFile("src/rich/console.py", text, added)
    cut = regions.region(src)
    assert cut is not None
    kept = sum(1 for line in cut.text.split("\n") if line)
    assert kept < 0.5 * sum(1 for line in text.split("\n") if line)
    assert cut.text.count("\n") == text.count("\n")
    whole = analyze([SourceFile(src.path, text, added)], RepoContext(), whole_files=True)
    part = analyze([SourceFile(src.path, text, added)], RepoContext())
    assert _key(part) == _key(whole)
    assert {f.rule for f in part} >= {"shell-injection", "eval-exec", "unresolved-todo"}


def test_a_rule_that_needs_the_whole_module_reads_it(monkeypatch):
    text, added = _module_with_a_change()
    seen: list[int] = []

    class Probe(FileRule):
        id = "probe-whole-file"
        whole_file = True

        def scan(self, fi, ctx):
            seen.append(len(fi.text))
            return iter(())

    monkeypatch.setitem(REGISTRY, Probe.id, Probe)
    analyze([SourceFile("src/rich/console.py", text, added)], RepoContext())
    assert seen == [len(text)]
    Probe.whole_file = False
    seen.clear()
    analyze([SourceFile("src/rich/console.py", text, added)], RepoContext())
    cut = regions.region(SourceFile("src/rich/console.py", text, added))
    assert seen == [len(cut.text)] and len(cut.text) < len(text) / 2


def test_a_cut_that_would_not_parse_falls_back_to_the_whole_file(always_cut):
    # an unterminated triple-quoted string: the scan cannot tell statements apart
    text = 'def f():\n    return 1\n\nX = """\ndef g():\n    pass\n'
    assert regions.region(SourceFile("m.py", text, frozenset({2}))) is None


def test_a_string_that_looks_like_code_is_not_cut(always_cut):
    text = 'DOC = """\ndef fake():\n    eval(x)\n"""\n\n\ndef real():\n    return 1\n\n\ndef other():\n    return 2\n'
    got = regions.region(SourceFile("m.py", text, frozenset({8})))
    assert got is not None
    lines = got.text.split("\n")
    assert lines[:4] == text.split("\n")[:4]  # the module-level string is kept whole
    assert lines[10] == "" and lines[6] == "def real():"


# ------------------------------------------------------------------ property

_NAMES = st.sampled_from(["alpha", "beta", "gamma", "delta", "run", "helper"])

_RAW = "\x00"
"""Marks a line that stays where it is (inside brackets or a string), however deep its block."""
_SIMPLE = st.sampled_from([
    "x = 1", "y = call(x)", "return x", "pass", "print('a # not a comment')", "z = \"it's\"",
    "w = [\n\x001,\n\x00  2,\n\x00]", "s = '''\n\x00def inside():\n\x00    pass\n\x00'''",
    "t = x + \\\n    1", "x = 2  # a comment", "if x:\n    y = 2\nelse:\n    y = 3", "for i in range(3):\n    helper(i)",
    "self.run()", "q = {'a': (1,\n\x002)}", 'doc = """\n\x00class Fake:\n\x00"""', "raise NotImplementedError",
])


def _indent(block: str, by: int) -> str:
    return "\n".join(line if line.startswith(_RAW) or not line else " " * by + line for line in block.split("\n"))


@st.composite
def _function(draw, indent: int, method: bool) -> str:
    name = draw(_NAMES)
    deco = draw(st.sampled_from(["", "@decorator\n", "@app.route('/x',\n    methods=['GET'])\n"]))
    args = "self, a" if method else "a"
    if draw(st.booleans()) and not deco:
        head = f"def {name}({args}): return 1"
        return _indent(head, indent)
    body = draw(st.lists(_SIMPLE, min_size=1, max_size=4))
    if draw(st.booleans()):
        body.insert(0, '"""Doc.\n\n    More."""')
    text = deco + f"def {name}({args}):\n" + "\n".join(_indent(b, 4) for b in body)
    return _indent(text, indent)


@st.composite
def _class(draw) -> str:
    name = draw(st.sampled_from(["Widget", "Store", "Base"]))
    if draw(st.integers(0, 5)) == 0:
        return f"class {name}(Exception): pass"
    members = draw(st.lists(st.one_of(_function(4, True), st.sampled_from(["    size = 3", "    '''Doc.'''",
                                                                           "    items: list = []"])),
                            min_size=1, max_size=4))
    return f"class {name}(object):\n" + "\n\n".join(members)


_TOP = st.one_of(
    st.sampled_from(["import os", "from typing import Any", "X = 1", "__all__ = [\n    'a',\n]",
                     "if TYPE_CHECKING:\n    import json", "try:\n    import yaml\nexcept ImportError:\n    yaml = None",
                     'DOC = """\n\x00def not_code():\n\x00    pass\n\x00"""', "# a comment at the top level", "main()"]),
    _function(0, False),
    _class(),
)


@st.composite
def _module_and_added(draw) -> tuple[str, frozenset[int]]:
    parts = draw(st.lists(_TOP, min_size=1, max_size=8))
    text = ("\n\n\n".join(parts) + "\n").replace(_RAW, "")
    n = text.count("\n") + 1
    added = draw(st.frozensets(st.integers(1, n), max_size=6))
    return text, added


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_module_and_added())
def test_the_cut_keeps_line_numbers_and_added_lines_and_parses(case):
    text, added = case
    ast.parse(text)  # every generated module is valid Python
    cut = regions.blank_unneeded(text, added)
    assert cut is not None  # valid Python (without tabs) is never beyond the scan
    old, new = text.split("\n"), cut.text.split("\n")
    assert len(new) == len(old)  # line numbers preserved
    assert all(b in ("", a) for a, b in zip(old, new))  # lines are kept whole or blanked
    assert all(new[n - 1] == old[n - 1] for n in added)  # every added line is kept
    tree = ast.parse(cut.text)  # it parses, since the original does
    assert [min([s.lineno] + [d.lineno for d in getattr(s, "decorator_list", ())]) for s in tree.body] == cut.starts
