"""The evaluation harness and the labelled corpus: recall and clean-set precision."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from triage import eval as ev

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report():
    return ev.run()


def test_corpus_index_points_at_real_files():
    cases = ev.load_index()
    assert len(cases) >= 60
    for c in cases:
        assert (ev.DEFAULT_CORPUS / c.file).is_file(), c.file
        assert (c.kind == "clean") == (not c.expect), c.file
    assert {c.file.split("/")[0] for c in cases} >= {"py", "js", "other"}


def test_recall_per_rule_is_at_least_90_percent(report):
    low = {r: s.recall for r, s in report.rules.items() if s.recall is not None and s.recall < 0.9}
    assert not low, (low, report.missed)


def test_zero_false_positives_on_the_clean_set(report):
    clean = [fp for fp in report.false_positives if not any(c.file == fp["file"] and c.expect for c in ev.load_index())]
    assert report.totals().clean_fp == 0, clean


def test_required_rules_have_defects_in_the_corpus(report):
    required = {
        "sql-interpolation", "sql-partial-parameterization", "xss-unescaped-render", "stacktrace-disclosure",
        "hardcoded-secret", "hallucinated-import", "swallowed-exception", "float-money", "unbounded-materialization",
        "missing-timeout", "insecure-tls-verify", "shell-injection", "unsafe-deserialization", "eval-exec",
        "weak-password-hash", "insecure-random", "deep-nesting", "unresolved-todo", "missing-tests",
        "hidden-unicode", "gitattributes-hides-diff",
    }
    labelled = {r for r, s in report.rules.items() if s.tp + s.fn > 0}
    assert required <= labelled


def test_table_and_json_output(capsys):
    assert ev.main(["--no-real"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["rule", "TP", "FP", "FN"]
    assert "TOTAL" in out and "sql-interpolation" in out
    assert ev.main(["--json", "--no-real"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"rules", "totals", "cases", "missed", "false_positives"}
    assert data["rules"]["sql-interpolation"]["recall"] >= 0.9
    assert {"tp", "fp", "fn", "precision", "recall"} <= set(data["totals"])


def test_disabling_a_rule_turns_its_labels_off(capsys):
    r = ev.run(disabled=("eval-exec",))
    assert "eval-exec" not in r.rules


def test_missing_corpus_is_a_clean_error(tmp_path, capsys):
    assert ev.main(["--corpus", str(tmp_path)]) == 2
    assert "index.toml" in capsys.readouterr().err


def test_runs_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "triage.eval", "--json"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["totals"]["recall"] >= 0.9


PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/views.py": ("from flask import Flask, request, redirect\napp = Flask(__name__)\n\n\n"
                     "@app.route('/go')\ndef go():\n    return redirect(request.args['next'])\n"),
    "pkg/util.py": "def add(a, b):\n    return a + b\n" * 50,
}


def _package(tmp_path):
    for rel, text in PACKAGE.items():
        p = tmp_path / "src" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path / "src"


def test_real_code_counts_findings_per_rule_and_per_thousand_lines(tmp_path, capsys):
    root = _package(tmp_path)
    assert ev.main(["--no-real", "--real-dir", str(root), "--sample", "5"]) == 0
    out = capsys.readouterr().out
    real = out[out.index("real code:"):]
    assert "src (" in real and "open-redirect" in real
    row = next(line for line in real.splitlines() if line.startswith("open-redirect"))
    lines = sum(t.count("\n") + 1 for t in PACKAGE.values())
    assert row.split()[1:] == ["1", f"{1000 / lines:.2f}"]
    assert "sample  src/pkg/views.py:7  open-redirect" in out


def test_real_code_is_generic_over_every_registered_rule(tmp_path):
    from triage.realcode import measure
    from triage.rules import all_rule_ids

    report = measure([("src", _package(tmp_path))])
    assert set(report.counts) == set(all_rule_ids())
    data = report.to_dict()
    assert data["lines"] == sum(t.count("\n") + 1 for t in PACKAGE.values()) and data["files"] == 3


def test_the_default_run_includes_a_quick_real_code_sample(capsys):
    assert ev.main([]) == 0
    out = capsys.readouterr().out
    assert "TOTAL" in out and "real code:" in out


def test_owasp_style_scores_per_category():
    scores = ev.owasp(with_bandit=False)
    assert set(scores) == set(ev.OWASP_RULES)
    for cat, sc in scores.items():
        assert sc.vulnerable and sc.safe, cat
        assert sc.score >= 0.9, (cat, sc)
