"""The analyze driver with the real rules: added lines only, suppression, disabling."""

from __future__ import annotations

from triage.rules import RepoContext, SourceFile, all_rule_ids, analyze

TEXT = (
    "import os\n"
    "os.system(cmd)\n"
    "os.system(cmd)  # triage: ignore[shell-injection]\n"
    "# triage: ignore[shell-injection, eval-exec]\n"
    "os.system(cmd); eval(x)\n"
    "os.system(cmd)  # triage: ignore[eval-exec]\n"
    "\n"
    "eval(y)  # triage: ignore\n"
)


def test_only_added_lines_are_reported():
    f = SourceFile("a.py", TEXT, frozenset({2}))
    assert [(x.rule, x.line) for x in analyze([f])] == [("shell-injection", 2)]


def test_suppression_comments_mark_findings_suppressed():
    f = SourceFile("a.py", TEXT, frozenset(range(1, 9)))
    got = {(x.rule, x.line): x.suppressed for x in analyze([f])}
    assert got == {
        ("shell-injection", 2): False,
        ("shell-injection", 3): True,
        ("shell-injection", 5): True,
        ("eval-exec", 5): True,
        ("shell-injection", 6): False,  # another rule named: not this one
        ("eval-exec", 8): False,  # a bare "triage: ignore" suppresses nothing
    }


def test_suppression_in_javascript_comments():
    text = "eval(a); // triage: ignore[eval-exec]\neval(b);\n\neval(c);\n"
    f = SourceFile("a.js", text, frozenset({1, 2, 4}))
    # the comment covers its own line and the line below it
    assert [(x.line, x.suppressed) for x in analyze([f])] == [(1, True), (2, True), (4, False)]


def test_rules_can_be_disabled_per_repo():
    f = SourceFile("a.py", TEXT, frozenset(range(1, 9)))
    got = analyze([f], RepoContext(), disabled=["shell-injection"])
    assert {x.rule for x in got} == {"eval-exec"}
    assert analyze([f], RepoContext(), disabled=all_rule_ids()) == []


def test_output_is_sorted_and_deterministic():
    files = [
        SourceFile("b.py", "eval(x)\n# TODO\n", frozenset({1, 2})),
        SourceFile("a.js", "eval(x) // FIXME\n", frozenset({1})),
    ]
    first = analyze(files)
    assert first == analyze(list(files))
    assert [(x.path, x.line, x.rule) for x in first] == [
        ("a.js", 1, "eval-exec"), ("a.js", 1, "unresolved-todo"), ("b.py", 1, "eval-exec"), ("b.py", 2, "unresolved-todo"),
    ]
