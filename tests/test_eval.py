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
    assert ev.main([]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["rule", "TP", "FP", "FN"]
    assert "TOTAL" in out and "sql-interpolation" in out
    assert ev.main(["--json"]) == 0
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
