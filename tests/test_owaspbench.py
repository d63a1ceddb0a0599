"""``python -m triage.eval --owasp-dir``: scoring a real OWASP Benchmark checkout, on small cases written here."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

import triage.eval as ev
from triage import owaspbench as ob

SQLI_VULN = '''from flask import request

def init(app):
    @app.route("/benchmark/sqli-00/BenchmarkTest00001", methods=["POST"])
    def post():
        name = request.form.get("name", "")
        sql = f"SELECT * FROM users WHERE name = '{name}'"
        cur = app.db.cursor()
        cur.execute(sql)
        return "ok"
'''
SQLI_SAFE = '''from flask import request

def init(app):
    @app.route("/benchmark/sqli-00/BenchmarkTest00002", methods=["POST"])
    def post():
        name = request.form.get("name", "")
        cur = app.db.cursor()
        cur.execute("SELECT * FROM users WHERE name = ?", (name,))
        return "ok"
'''
WEAKRAND_VULN = '''import random
from flask import request, make_response

def init(app):
    @app.route("/benchmark/weakrand-00/BenchmarkTest00003", methods=["POST"])
    def post():
        resp = make_response("hi")
        resp.set_cookie("session_token", str(random.random()))
        return resp
'''
LABELS = """# test name, category, real vulnerability, cwe, Benchmark version: 0.1
BenchmarkTest00001,sqli,true,89
BenchmarkTest00002,sqli,false,89
BenchmarkTest00003,weakrand,true,330
BenchmarkTest00004,xss,true,79
"""


def _bench(tmp_path, with_labels=True):
    code = tmp_path / "bench" / "testcode"
    code.mkdir(parents=True)
    for n, text in (("00001", SQLI_VULN), ("00002", SQLI_SAFE), ("00003", WEAKRAND_VULN)):
        (code / f"BenchmarkTest{n}.py").write_text(text)
    (code / "helpers.py").write_text("x = 1\n")  # not a case
    if with_labels:
        (tmp_path / "bench" / "expectedresults-0.1.csv").write_text(LABELS)
    return tmp_path / "bench"


def test_scores_only_the_labelled_cases_present_per_category_beside_bandit(tmp_path, capsys):
    bench = _bench(tmp_path)
    assert ev.main(["--owasp-dir", str(bench), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    every = out["all"]["categories"]
    assert set(every) == {"sqli", "weakrand"}  # the xss case has a label but no file
    assert every["sqli"] == {"n": 2, "vulnerable": 1, "safe": 1, "tpr": 1.0, "fpr": 0.0, "score": 1.0,
                             "bandit": every["sqli"]["bandit"]}
    assert every["weakrand"]["tpr"] == 1.0 and every["weakrand"]["bandit"]["tpr"] == 1.0  # bandit's B311
    assert out["all"]["mean"] == 1.0
    halves = [out[h]["categories"] for h in ob.HALVES]
    assert sum(c["n"] for h in halves for c in h.values()) == 3


def test_the_table_prints_both_halves_then_all_cases_and_the_mean(tmp_path, capsys):
    bench = _bench(tmp_path)
    assert ev.main(["--owasp-dir", str(bench / "testcode"), "--owasp-labels", str(bench / "expectedresults-0.1.csv"),
                    "--no-bandit"]) == 0
    out = capsys.readouterr().out
    assert out.index("dev half") < out.index("held-out half") < out.index("all half")
    last = out[out.index("all half"):]
    assert [line.split()[:2] for line in last.splitlines() if line.startswith(("sqli", "weakrand", "mean"))] == [
        ["sqli", "2"], ["weakrand", "1"], ["mean", "3"]]
    assert "bandit" not in out


def test_a_missing_directory_or_label_file_is_a_one_line_error(tmp_path, capsys):
    assert ev.main(["--owasp-dir", str(tmp_path / "nope")]) == 2
    bench = _bench(tmp_path, with_labels=False)
    assert ev.main(["--owasp-dir", str(bench)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "expectedresults" in err


def test_a_miss_and_a_false_alarm_of_the_development_half_are_listed_with_verbose(tmp_path, capsys):
    bench = _bench(tmp_path)
    # a safe case that is flagged: a request value in an eval() of a codeinj case labelled safe
    name = next(f"BenchmarkTest{n:05d}" for n in range(10, 200) if ob.half(f"BenchmarkTest{n:05d}") == "dev")
    (bench / "testcode" / f"{name}.py").write_text(
        'from flask import request\n\ndef init(app):\n    @app.route("/x")\n    def post():\n'
        '        return str(eval(request.args.get("q", "")))\n')
    with (bench / "expectedresults-0.1.csv").open("a") as fh:
        fh.write(f"{name},codeinj,false,94\n")
    assert ev.main(["--owasp-dir", str(bench), "--no-bandit", "-v"]) == 0
    assert f"false alarm  codeinj          {name}" in capsys.readouterr().out


def test_labels_skip_comments_and_rows_that_are_not_cases(tmp_path):
    csv = tmp_path / "e.csv"
    csv.write_text("# header\n\nBenchmarkTest00007,xss,TRUE,79\nnotacase,xss,true,79\nBenchmarkTest00008,hash,false,328\n")
    labels = ob.load_labels(csv)
    assert labels == {"BenchmarkTest00007": ob.Label("BenchmarkTest00007", "xss", True, 79),
                      "BenchmarkTest00008": ob.Label("BenchmarkTest00008", "hash", False, 328)}


@given(st.integers(min_value=0, max_value=99999))
def test_the_split_is_fixed_by_the_name_alone(n):
    name = f"BenchmarkTest{n:05d}"
    assert ob.half(name) in ob.HALVES and ob.half(name) == ob.half(name)


def test_both_halves_get_about_half_of_the_names():
    halves = [ob.half(f"BenchmarkTest{n:05d}") for n in range(1, 1231)]
    assert 500 < halves.count("dev") < 730


@pytest.mark.parametrize("other", [frozenset({"B301"}), frozenset({"B303", "B324"})])
def test_bandit_blacklist_of_one_test_set_survives_another_built_later(other):
    """bandit keeps the last-built set's blacklist globally: B311 must still fire after another set is built."""
    from triage.rules import SourceFile
    from triage.rules.bandit_bridge import _test_set, run_bandit
    from triage.rules.fileinfo import info

    rnd = info(SourceFile(path="r.py", text="import random\nx = random.random()\n", added_lines=frozenset({2})))
    assert [i.test_id for i in run_bandit(rnd, frozenset({"B311"}))] == ["B311"]
    _test_set.cache_clear()
    assert [i.test_id for i in run_bandit(rnd, frozenset({"B311"}))] == ["B311"]
    pick = info(SourceFile(path="p.py", text="import pickle\npickle.loads(b'')\n", added_lines=frozenset({2})))
    run_bandit(pick, other)
    assert [i.test_id for i in run_bandit(rnd, frozenset({"B311"}))] == ["B311"]


def test_a_case_this_python_cannot_parse_is_named_in_a_note(tmp_path, capsys):
    bench = _bench(tmp_path)
    (bench / "testcode" / "BenchmarkTest00005.py").write_text("def f(:\n    pass\n")
    with (bench / "expectedresults-0.1.csv").open("a") as fh:
        fh.write("BenchmarkTest00005,sqli,true,89\n")
    assert ev.main(["--owasp-dir", str(bench), "--no-bandit"]) == 0
    assert "note: 1 of the cases do not parse under Python" in capsys.readouterr().out
    assert ev.main(["--owasp-dir", str(bench), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unparsed"] == ["BenchmarkTest00005"]


def _semgrep_results(tmp_path, results):
    path = tmp_path / "semgrep.json"
    path.write_text(json.dumps({"results": results, "errors": []}))
    return path


def test_semgrep_results_are_scored_beside_bandit_by_the_cwe_of_their_rule(tmp_path, capsys):
    bench = _bench(tmp_path)
    (bench / "testcode" / "BenchmarkTest00005.py").write_text("import hashlib\nh = hashlib.md5(b'x').hexdigest()\n")
    # a CWE-327 result on a case of another category (cmdi, CWE-78) answers nothing
    (bench / "testcode" / "BenchmarkTest00006.py").write_text("import os\nos.system('ls')\n")
    with (bench / "expectedresults-0.1.csv").open("a") as fh:
        fh.write("BenchmarkTest00005,hash,true,328\nBenchmarkTest00006,cmdi,false,78\n")
    sg = _semgrep_results(tmp_path, [
        # the vulnerable SQL case: a rule of CWE-89 (a list, as some rules give it)
        {"check_id": "tainted-sql", "path": "testcode/BenchmarkTest00001.py",
         "extra": {"metadata": {"cwe": ["CWE-89: Improper Neutralization of Special Elements used in an SQL Command"]}}},
        # the safe SQL case: flagged too, by a rule of the same CWE (a false alarm of semgrep's)
        {"check_id": "formatted-sql", "path": "bench/testcode/BenchmarkTest00002.py",
         "extra": {"metadata": {"cwe": "CWE-89: SQL Injection"}}},
        # the weak-random case: only a rule of another CWE fires, which does not answer the category
        {"check_id": "debug", "path": "testcode/BenchmarkTest00003.py", "extra": {"metadata": {"cwe": "CWE-489"}}},
        {"check_id": "no-metadata", "path": "testcode/BenchmarkTest00003.py", "extra": {}},
        {"check_id": "not-a-case", "path": "testcode/helpers.py", "extra": {"metadata": {"cwe": "CWE-330"}}},
        # a weak-hash rule tagged with the broader CWE-327 answers the hash category (CWE-328)
        {"check_id": "md5", "path": "testcode/BenchmarkTest00005.py", "extra": {"metadata": {"cwe": "CWE-327: Broken"}}},
        {"check_id": "md5", "path": "testcode/BenchmarkTest00006.py", "extra": {"metadata": {"cwe": "CWE-327: Broken"}}},
    ])
    assert ev.main(["--owasp-dir", str(bench), "--json", "--semgrep-json", str(sg)]) == 0
    every = json.loads(capsys.readouterr().out)["all"]
    assert every["categories"]["sqli"]["semgrep"] == {"tpr": 1.0, "fpr": 1.0, "score": 0.0}
    assert every["categories"]["weakrand"]["semgrep"] == {"tpr": 0.0, "fpr": 0.0, "score": 0.0}
    assert every["categories"]["hash"]["semgrep"] == {"tpr": 1.0, "fpr": 0.0, "score": 1.0}
    assert every["categories"]["cmdi"]["semgrep"]["fpr"] == 0.0
    assert every["categories"]["sqli"]["tpr"] == 1.0 and every["categories"]["weakrand"]["tpr"] == 1.0
    assert ev.main(["--owasp-dir", str(bench), "--no-bandit", "--semgrep-json", str(sg)]) == 0
    table = capsys.readouterr().out
    assert "semgrep TPR" in table and "bandit" not in table
    sqli = next(line for line in table[table.index("all half"):].splitlines() if line.startswith("sqli"))
    assert sqli.split()[-3:] == ["1.00", "1.00", "0.00"]


def test_a_semgrep_file_that_is_not_its_json_is_a_one_line_error(tmp_path, capsys):
    bench = _bench(tmp_path)
    for text in ("not json", json.dumps([1, 2])):
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        assert ev.main(["--owasp-dir", str(bench), "--semgrep-json", str(bad)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "semgrep" in err
