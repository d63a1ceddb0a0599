"""Shortcuts the analysis takes for speed report what the long way reports.

bandit visits only the statements holding an added line (or an import) and skips node
types no test looks at; the secret rule finds a string's call by a precomputed table
instead of walking back. Each is compared with the long way on the labelled corpus and
on generated input.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from triage.eval import DEFAULT_CORPUS
from triage.rules import SourceFile
from triage.rules.bandit_bridge import BRIDGED, all_tests, run_bandit
from triage.rules.fileinfo import info
from triage.rules.tokens import TokenStream, lex, lexer_for

PY_CASES = sorted(p for p in Path(DEFAULT_CORPUS).rglob("*.py") if "envs" not in p.parts)
BRIDGED_TESTS = frozenset(t for cls in BRIDGED for t in cls.tests)


def _added_sets(n: int):
    yield frozenset(range(1, n + 1))
    for width in (1, 3, 7):
        for phase in (0, 1):
            yield frozenset(k for k in range(1, n + 1) if ((k - 1) // width) % 2 == phase)


def _issues(fi, tests, added_only):
    return sorted((i.test_id, i.lineno, str(i.text)) for i in run_bandit(fi, tests, added_only=added_only)
                  if i.lineno in fi.added)


@pytest.mark.parametrize("tests", [BRIDGED_TESTS, all_tests()], ids=["bridged", "all"])
def test_bandit_on_the_changed_statements_reports_what_it_reports_on_the_whole_file(tests):
    checked = 0
    for path in PY_CASES:
        text = path.read_text(encoding="utf-8", errors="replace")
        for added in _added_sets(text.count("\n") + 1):
            fi = info(SourceFile("app/mod.py", text, added))
            whole = _issues(fi, tests, False)
            assert _issues(fi, tests, True) == whole, (path.name, sorted(added)[:5])
            checked += bool(whole)
    assert checked > 10  # the corpus does give bandit something to find


def test_bandit_on_changed_statements_follows_imports_made_anywhere_before():
    text = ("import os\n\n\ndef setup():\n    import hashlib as h\n    return h\n\n\n"
            "class C:\n    def m(self, x):\n        return h.md5(x)\n\n\n"
            "def perms(p):\n    os.chmod(p, 0o777)\n")
    for added in ({11}, {15}, {11, 15}):
        fi = info(SourceFile("app/mod.py", text, frozenset(added)))
        assert _issues(fi, all_tests(), True) == _issues(fi, all_tests(), False) != []


_CODE = st.lists(st.sampled_from([
    "f(", "g(a, ", '"s", ', "x", ")", "[", "]", "{", "}", ", ", "'k'", "\n", " = ", "call(x, 'v')",
]), max_size=80).map("".join)


def _walk_back(ts: TokenStream, i: int) -> int | None:
    """The secret rule's old search: back from ``i`` to the first shallower token, within 400."""
    d = ts.depth[i]
    k = i - 1
    while k >= 0 and i - k < 400:
        if ts.depth[k] < d:
            return k
        k -= 1
    return None


@settings(max_examples=150, deadline=None)
@given(_CODE)
def test_the_shallower_table_finds_what_walking_back_finds(code):
    ts = lex("a.py", code, range(1, code.count("\n") + 2), lexer_for("a.py"))
    for i in range(len(ts.toks)):
        k = ts.shallower[i]
        assert (k if k >= 0 and i - k < 400 else None) == _walk_back(ts, i)


def test_bandit_leaves_the_shared_syntax_tree_as_it_found_it():
    import ast

    text = "import hashlib\n\n\ndef f(x):\n    return hashlib.md5(x).hexdigest()\n"
    fi = info(SourceFile("app/mod.py", text, frozenset({5})))
    assert [i.test_id for i in run_bandit(fi, BRIDGED_TESTS, added_only=True)] == ["B324"]
    assert not any(hasattr(n, "_bandit_parent") or hasattr(n, "_bandit_sibling") for n in ast.walk(fi.tree))
