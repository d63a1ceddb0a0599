"""SARIF from another analyzer: placed on the lines each commit added, counted in risk, bad logs refused."""

from __future__ import annotations

import json

import pytest

from tests.gitrepo import RepoBuilder
from triage.cli import main
from triage.config import load_config
from triage.ingest import with_external
from triage.rules import RepoContext, SourceFile, analyze

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"


def sarif_log(results: list[dict], tool: str = "Bandit") -> dict:
    return {"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": tool, "rules": [
            {"id": "B608", "properties": {"tags": ["security", "external/cwe/cwe-089"]}},
            {"id": "python.lang.security.audit.formatted-sql-query", "properties": {"tags": ["CWE-89: SQL Injection"]}},
        ]}},
        "results": results,
    }]}


def result(uri: str, line: int, rule: str = "B608", level: str = "error", snippet: str | None = None,
           base: str | None = "%SRCROOT%") -> dict:
    region: dict = {"startLine": line}
    if snippet is not None:
        region["snippet"] = {"text": snippet}
    art: dict = {"uri": uri}
    if base:
        art["uriBaseId"] = base
    return {"ruleId": rule, "level": level, "message": {"text": "Possible SQL injection vector through string-based query"},
            "locations": [{"physicalLocation": {"artifactLocation": art, "region": region}}]}


def build(tmp_path):
    rb = RepoBuilder(tmp_path / "repo")
    rb.commit({"app/db.py": "def load(cur):\n    return cur.fetchone()\n"}, "Start")
    first = rb.commit({"app/db.py": "def load(cur, uid):\n    q = build(uid)\n    return cur.execute(q)\n"},
                      "Load by id" + CLAUDE)
    # a later commit moves the line down: HEAD's line 5 is the line the first commit added as line 2
    second = rb.commit({"app/db.py": "import os\n\n\ndef load(cur, uid):\n    q = build(uid)\n    return cur.execute(q)\n"},
                       "Import os" + CLAUDE)
    return rb, first, second


def show(capsys, db, sha):
    assert main(["show", sha[:12], "--db", str(db), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ingest_places_sarif_results_on_the_commit_that_added_the_line(tmp_path, capsys):
    rb, first, second = build(tmp_path)
    log = tmp_path / "bandit.sarif"
    log.write_text(json.dumps(sarif_log([result("app/db.py", 5)])))  # no snippet: read from HEAD
    db = tmp_path / "t.db"
    assert main(["ingest", "--repo", str(rb.path), "--db", str(db), "--sarif", str(log)]) == 0
    capsys.readouterr()
    got = show(capsys, db, first)
    ext = [f for f in got["findings"] if f["rule"] == "external-finding"]
    assert [(f["line"], f["severity"]) for f in ext] == [(2, "high")]
    assert "[Bandit B608, CWE-89]" in ext[0]["message"]
    assert any(f["name"] == "findings" or "finding" in f["name"] for f in got["factors"])
    # the later commit only moved the line: it added it nowhere, so it gets nothing
    later = show(capsys, db, second)
    assert not [f for f in later["findings"] if f["rule"] == "external-finding"]


def test_findings_raise_the_risk_score(tmp_path, capsys):
    rb, first, _second = build(tmp_path)
    log = tmp_path / "s.sarif"
    log.write_text(json.dumps(sarif_log([result("app/db.py", 5)])))
    plain, with_sarif = tmp_path / "a.db", tmp_path / "b.db"
    assert main(["ingest", "--repo", str(rb.path), "--db", str(plain)]) == 0
    assert main(["ingest", "--repo", str(rb.path), "--db", str(with_sarif), "--sarif", str(log)]) == 0
    capsys.readouterr()
    assert show(capsys, with_sarif, first)["score"] > show(capsys, plain, first)["score"]


def test_gate_counts_sarif_results_on_the_commit(tmp_path, capsys):
    rb, _first, second = build(tmp_path)
    rb.commit({"app/db.py": "import os\n\n\ndef load(cur, uid):\n    q = build(uid)\n    return cur.execute(q + '1')\n"},
              "More" + CLAUDE)
    log = tmp_path / "s.sarif"
    log.write_text(json.dumps(sarif_log([result("app/db.py", 6, snippet="return cur.execute(q + '1')")])))
    main(["gate", "--repo", str(rb.path), "--json", "--sarif", str(log)])
    out = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["line"]) for f in out["findings"] if f["rule"] == "external-finding"] == [
        ("external-finding", 6)]


def test_the_same_text_nearest_the_reported_line_and_suppression():
    # line 3's suppression was there before the change (not an added line), so it covers line 4
    text = "a = 1\nrun(x)\n# triage: ignore[external-finding] reviewed\nrun(y)\n"
    f = SourceFile("app/m.py", text, frozenset({2, 4}))
    results = [{"tool": "semgrep", "rule": "r1", "severity": "medium", "path": "app/m.py", "line": 5,
                "text": "run(y)", "message": "m", "cwe": ""},
               {"tool": "semgrep", "rule": "r2", "severity": "low", "path": "app/m.py", "line": 1,
                "text": "run(x)", "message": "m", "cwe": ""},
               {"tool": "semgrep", "rule": "r3", "severity": "low", "path": "app/m.py", "line": 3,
                "text": "b = 2", "message": "m", "cwe": ""}]
    got = analyze([f], RepoContext(config=with_external(load_config(), results)))
    assert [(x.line, x.suppressed, x.message.split("]")[0]) for x in got if x.rule == "external-finding"] == [
        (2, False, "[semgrep r2"), (4, True, "[semgrep r1")]
    # the same comment written by the change itself silences nothing
    g = SourceFile("app/m.py", text, frozenset({2, 3, 4}))
    got = analyze([g], RepoContext(config=with_external(load_config(), results)))
    assert [(x.line, x.suppressed, x.suppressed_by) for x in got if x.rule == "external-finding"] == [
        (2, False, ""), (4, False, "change")]


@pytest.mark.parametrize("content, words", [
    ("not json", ["not a readable SARIF file"]),
    ('{"version": "2.1.0"}', ["is not SARIF"]),
    ("[1, 2]", ["is not SARIF"]),
])
def test_a_bad_log_is_a_one_line_error(tmp_path, capsys, content, words):
    rb, _first, _second = build(tmp_path)
    log = tmp_path / "bad.sarif"
    log.write_text(content)
    code = main(["ingest", "--repo", str(rb.path), "--db", str(tmp_path / "t.db"), "--sarif", str(log)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and err[0].startswith("triage: error: ")
    assert all(w in err[0] for w in words)


def test_uris_outside_the_repository_are_ignored(tmp_path):
    from triage import sarif

    root = tmp_path / "repo"
    root.mkdir()
    log = sarif_log([result("file:///etc/passwd", 1, base=None), result("../outside.py", 1),
                     result(f"file://{root}/app/x.py", 3, base=None, snippet="x = 1")])
    got = sarif.parse(log, root)
    assert [(r.path, r.line, r.text, r.cwe) for r in got] == [("app/x.py", 3, "x = 1", "CWE-89")]
