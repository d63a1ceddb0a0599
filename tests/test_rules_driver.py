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


def test_a_suppression_the_change_adds_silences_nothing():
    f = SourceFile("a.py", TEXT, frozenset(range(1, 9)))  # a new file: every comment is the change's own
    got = {(x.rule, x.line): (x.suppressed, x.suppressed_by) for x in analyze([f])}
    assert got == {
        ("shell-injection", 2): (False, ""),
        ("shell-injection", 3): (False, "change"),
        ("shell-injection", 5): (False, "change"),  # the comment on the line above, added too
        ("eval-exec", 5): (False, "change"),
        ("shell-injection", 6): (False, ""),  # another rule named: not this one
        ("eval-exec", 8): (False, ""),  # a bare "triage: ignore" names nothing
    }


def test_a_suppression_that_was_there_before_the_change_silences_its_finding():
    f = SourceFile("a.py", TEXT, frozenset({2, 3, 5, 6, 8}))  # line 4, the comment, is unchanged
    got = {(x.rule, x.line): (x.suppressed, x.suppressed_by) for x in analyze([f])}
    assert got[("shell-injection", 5)] == (True, "existing")
    assert got[("eval-exec", 5)] == (True, "existing")
    assert got[("shell-injection", 3)] == (False, "change")  # same line as the code: the change wrote it


def test_suppression_in_javascript_comments():
    text = "eval(a); // triage: ignore[eval-exec]\neval(b);\n\neval(c);\n"
    # the comment covers its own line and the line below it; added with them, it silences neither
    added = analyze([SourceFile("a.js", text, frozenset({1, 2, 4}))])
    assert [(x.line, x.suppressed, x.suppressed_by) for x in added] == [(1, False, "change"), (2, False, "change"),
                                                                       (4, False, "")]
    kept = analyze([SourceFile("a.js", text, frozenset({2, 4}))])  # line 1 was already there
    assert [(x.line, x.suppressed, x.suppressed_by) for x in kept] == [(2, True, "existing"), (4, False, "")]


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


def test_an_existing_suppression_does_not_cover_a_line_inserted_under_it():
    text = "# triage: ignore[eval-exec]\nevil = eval(request_data)\nsafe = eval(CONSTANT)\n"
    inserted = SourceFile("a.py", text, frozenset({2}), inserted_lines=frozenset({2}))  # line 2 is new
    edited = SourceFile("a.py", text, frozenset({2}))  # line 2 replaced the line the comment was for
    assert [(x.line, x.suppressed, x.suppressed_by) for x in analyze([inserted])] == [(2, False, "inserted")]
    assert [(x.line, x.suppressed, x.suppressed_by) for x in analyze([edited])] == [(2, True, "existing")]


def test_inserted_lines_are_the_added_lines_beyond_the_deleted_ones(tmp_path):
    from gitrepo import RepoBuilder
    from triage.diff import diff_commit
    from triage.pipeline import inserted_lines

    b = RepoBuilder(tmp_path / "r")
    b.commit({"a.py": "one\ntwo\nthree\n"}, "base")
    sha = b.commit({"a.py": "one\nTWO\nextra\nthree\nfour\n"}, "edit two, insert extra and four")
    (f,) = diff_commit(b.repo, b.repo[sha])
    assert f.added_line_numbers() == {2, 3, 5}
    assert inserted_lines(f) == {3, 5}  # line 2 replaced "two"
