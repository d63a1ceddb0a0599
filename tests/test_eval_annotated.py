"""The annotated-suite evaluator (``python -m triage.eval --annotated DIR``) on small suites written here."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from triage import eval as ev
from triage import eval_annotated as ea

MAP = """
[map]
shell-demo = ["shell-injection"]
eval-demo = ["eval-exec"]
[not_covered]
style-demo = "not a security check"
[bandit]
shell-injection = ["B602", "B605"]
eval-exec = ["B307"]
"""

SHELL = """import os
import subprocess


def run(request):
    cmd = request.args.get("cmd")
    # ruleid: shell-demo
    os.system("ls " + cmd)
    # ok: shell-demo
    os.system("ls -l")
    # a plain comment between the annotation and its line

    # ruleid: shell-demo
    # (the annotation reaches past comments and blank lines)

    subprocess.call("grep " + cmd, shell=True)
    # todoruleid: shell-demo
    helper(cmd)
    # ruleid: style-demo
    x = 1
"""

EVAL = """def f(request):
    # ruleid: eval-demo
    eval(request.args["code"])
    # ok
    eval("1 + 1")
    eval(request.args["more"])  # ruleid: eval-demo
"""


def _suite(tmp_path: Path) -> tuple[Path, ea.Mapping]:
    root = tmp_path / "suite"
    (root / "python" / "shell").mkdir(parents=True)
    (root / "python" / "shell" / "demo.py").write_text(SHELL)
    (root / "python" / "code.py").write_text(EVAL)
    (root / "python" / "code.fixed.py").write_text("eval(x)  # ruleid: eval-demo\n")
    mp = tmp_path / "map.toml"
    mp.write_text(MAP)
    return root, ea.load_map(mp)


def test_annotations_reach_the_next_code_line_past_comments_and_blank_lines():
    anns = {(a.line, a.kind, a.sid) for a in ea.parse("demo.py", SHELL)}
    assert (8, "ruleid", "shell-demo") in anns
    assert (10, "ok", "shell-demo") in anns
    assert (16, "ruleid", "shell-demo") in anns
    assert (18, "todoruleid", "shell-demo") in anns


def test_a_trailing_annotation_marks_its_own_line_and_a_bare_ok_names_the_files_ids():
    anns = {(a.line, a.kind, a.sid) for a in ea.parse("code.py", EVAL)}
    assert (6, "ruleid", "eval-demo") in anns
    assert (5, "ok", "eval-demo") in anns


def test_caught_lines_false_positives_and_uncovered_ids_are_counted(tmp_path):
    root, mapping = _suite(tmp_path)
    res = ea.evaluate(root, mapping, "all")
    assert res.files == 2, "the .fixed.py output is not a test file"
    shell = res.by_rule["shell-injection"]
    assert (shell.positives, shell.caught, shell.negatives, shell.flagged) == (2, 2, 1, 0)
    code = res.by_rule["eval-exec"]
    assert (code.positives, code.caught, code.negatives, code.flagged) == (2, 2, 1, 0)
    assert res.not_covered == {"style-demo": 1}
    assert res.todo["todoruleid"] == 1
    assert res.total().recall == 1.0


def test_a_miss_is_listed_with_its_line(tmp_path):
    root, mapping = _suite(tmp_path)
    (root / "python" / "miss.py").write_text("# ruleid: shell-demo\nprint('nothing to see')\n")
    res = ea.evaluate(root, mapping, "all")
    assert {"path": "python/miss.py", "line": 2, "id": "shell-demo", "rule": "shell-injection",
            "code": "print('nothing to see')", "elsewhere": False} in res.misses
    assert res.by_rule["shell-injection"].recall == 2 / 3


def test_an_ok_line_the_suite_also_marks_ruleid_is_counted_apart(tmp_path):
    root, mapping = _suite(tmp_path)
    (root / "python" / "other.py").write_text('import os\n# ok: shell-demo\nos.system("ls " + cmd)\n')
    res = ea.evaluate(root, mapping, "all")
    assert res.contradicted == 1
    assert res.by_rule["shell-injection"].negatives == 1


def test_bandit_is_scored_on_the_same_lines(tmp_path):
    root, mapping = _suite(tmp_path)
    res = ea.evaluate(root, mapping, "all")
    assert res.by_rule["shell-injection"].bandit_caught == 2
    assert res.by_rule["eval-exec"].bandit_caught == 2
    assert res.by_rule["eval-exec"].bandit_flagged == 1, "bandit's B307 flags eval of a constant"


@given(st.lists(st.text(alphabet="abcdefghij/-_.", min_size=1, max_size=30), min_size=1, max_size=30, unique=True))
def test_the_split_is_a_fixed_function_of_the_path(paths):
    first = [ea.half(p) for p in paths]
    assert first == [ea.half(p) for p in paths]
    assert set(first) <= {"dev", "held"}


def test_the_split_puts_files_in_both_halves():
    halves = {ea.half(f"python/x/{i}.py") for i in range(20)}
    assert halves == {"dev", "held"}


def test_the_cli_prints_both_halves_and_json(tmp_path, capsys):
    root, _ = _suite(tmp_path)
    mp = tmp_path / "map.toml"
    assert ev.main(["--annotated", str(root), "--map", str(mp), "--half", "all"]) == 0
    out = capsys.readouterr().out
    assert "whole suite: 2 files" in out and "TOTAL" in out and "style-demo" in out
    assert ev.main(["--annotated", str(root), "--map", str(mp), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"dev", "held"}
    assert sum(d["files"] for d in data.values()) == 2


def test_the_cli_refuses_a_missing_directory(tmp_path, capsys):
    assert ev.main(["--annotated", str(tmp_path / "nope")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_the_committed_map_names_only_known_triage_rules():
    from triage.rules import all_rule_ids

    mapping = ea.load_map()
    known = set(all_rule_ids())
    assert {r for rules in mapping.rules.values() for r in rules} <= known
    assert set(mapping.bandit) <= known
    assert not set(mapping.rules) & set(mapping.not_covered)


def test_a_finding_counts_on_the_rest_of_a_multi_line_call_but_not_on_a_sibling():
    text = 'x = [\n    {\n        "a": 1,\n    },\n    {\n        "b": f(\n            2,\n        ),\n    },\n]\n'
    reach = ea.spans(text)
    assert reach[2] == frozenset({2, 3, 4}), "a dict starting on the line reaches its own end"
    assert 6 not in reach[2]
    assert reach[7] == frozenset({6, 7}), "an argument line reaches the call's first line"
    assert ea.spans("def (:\n") == {}


def test_a_miss_whose_finding_sits_elsewhere_in_its_function_is_counted_apart(tmp_path):
    root, mapping = _suite(tmp_path)
    (root / "python" / "src.py").write_text(
        "import os\n\ndef view(request):\n    # ruleid: shell-demo\n    cmd = request.args['c']\n"
        "    os.system('ls ' + cmd)\n")
    res = ea.evaluate(root, mapping, "all")
    assert res.elsewhere == 1
    assert [m["line"] for m in res.misses if m["elsewhere"]] == [5]
    assert res.by_rule["shell-injection"].caught == 2, "it is not counted as caught"
