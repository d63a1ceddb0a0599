"""Detections and the look-alikes that must stay quiet (brief and catalogue cases)."""

from __future__ import annotations

import pytest

from triage.rules import RepoContext, SourceFile, analyze


def run(path: str, text: str, ctx: RepoContext | None = None, disabled=()) -> list[tuple[str, int]]:
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    return [(x.rule, x.line) for x in analyze([f], ctx or RepoContext(), disabled=disabled)]


def rules(path: str, text: str) -> set[str]:
    return {r for r, _ in run(path, text)}


# ---------------------------------------------------------------- must not flag


@pytest.mark.parametrize(
    "text",
    [
        'cur.execute("SELECT * FROM users WHERE id = %s", (uid,))\n',
        'cur.execute("SELECT * FROM users WHERE id = %(id)s", {"id": uid})\n',
        'cur.execute("SELECT * FROM users WHERE id = ?", (uid,))\n',
        'cur.execute("""\n    SELECT * FROM users\n    WHERE id = %s\n""", (uid,))\n',
        'cur.execute("SELECT * FROM users WHERE name = {}")\n',
    ],
)
def test_parameterized_queries_are_not_flagged(text):
    assert not rules("db.py", text) & {"sql-interpolation", "sql-partial-parameterization"}


def test_logged_and_reraised_narrow_exception_is_not_flagged():
    text = (
        "import logging\nlog = logging.getLogger()\n\n"
        "def f(s):\n    try:\n        return int(s)\n    except ValueError as e:\n        log.error(e)\n        raise\n"
    )
    assert rules("a.py", text) == set()


def test_decimal_money_is_not_flagged():
    text = (
        "from decimal import Decimal\n\n"
        "def total(req):\n    price = Decimal(req.form['price'])\n    amount = Decimal('0.00')\n"
        "    return price + amount\n"
    )
    assert "float-money" not in rules("a.py", text)


@pytest.mark.parametrize(
    "text",
    [
        "import yaml\ndata = yaml.safe_load(stream)\n",
        "import yaml\ndata = yaml.load(stream, Loader=yaml.SafeLoader)\n",
        "import yaml\ndata = yaml.load(stream, Loader=yaml.CSafeLoader)\n",
        "import yaml\ndata = yaml.load(\n    stream,\n    Loader=yaml.SafeLoader,\n)\n",
        "from yaml import CSafeLoader as Loader, load\ndata = load(stream, Loader=Loader)\n",
    ],
)
def test_safe_yaml_is_not_flagged(text):
    assert "unsafe-deserialization" not in rules("a.py", text)


# ------------------------------------------------------------------ must flag


@pytest.mark.parametrize(
    "text,line",
    [
        ('q = f"SELECT * FROM users WHERE id = {uid}"\n', 1),
        ('cur.execute("SELECT * FROM t WHERE a = \'%s\'" % a)\n', 1),
        ('cur.execute("SELECT * FROM t WHERE a = \'{}\'".format(a))\n', 1),
        ('cur.execute("SELECT * FROM t WHERE a = " + a)\n', 1),
        ('q = "SELECT * FROM t WHERE a = %s"\ncur.execute(q % a)\n', 2),
    ],
)
def test_sql_interpolation_forms(text, line):
    assert ("sql-interpolation", line) in run("db.py", text)


def test_js_template_sql_and_partial_parameterization():
    text = (
        "await db.query(`SELECT * FROM t WHERE id = ${req.params.id}`);\n"
        "await db.query(`SELECT * FROM t WHERE o = $1 ORDER BY ${req.query.sort}`, [o]);\n"
        "await db.query('SELECT * FROM t WHERE o = $1', [o]);\n"
    )
    assert run("a.js", text) == [("sql-interpolation", 1), ("sql-partial-parameterization", 2)]


def test_unsafe_yaml_and_pickle_are_flagged():
    text = "import pickle, yaml\na = yaml.load(s)\nb = yaml.load(s, Loader=yaml.Loader)\nc = pickle.loads(b)\n"
    assert [x for x in run("a.py", text) if x[0] == "unsafe-deserialization"] == [
        ("unsafe-deserialization", 2), ("unsafe-deserialization", 3), ("unsafe-deserialization", 4),
    ]


def test_float_money_is_flagged():
    assert ("float-money", 1) in run("a.py", "price = float(form['price'])\n")
    assert ("float-money", 1) in run("a.js", "const total = parseFloat(req.body.total); // checkout total\n")
    # "total" alone is money only in a file that talks about money
    assert run("progress.py", "def advance(total: float) -> None:\n    pass\n") == []
    assert run("cart.py", "def charge(total: float, currency: str) -> None:\n    pass\n") == [("float-money", 1)]


def test_broad_swallowed_exception_is_flagged_on_the_except_line():
    text = "try:\n    x()\nexcept Exception:\n    pass\n"
    assert run("a.py", text) == [("swallowed-exception", 3)]


@pytest.mark.parametrize(
    "text,rule",
    [
        ("import subprocess\nsubprocess.run(cmd, shell=True)\n", "shell-injection"),
        ("import os\nos.system('rm -rf ' + path)\n", "shell-injection"),
        ("eval(request.args['e'])\n", "eval-exec"),
        ("import requests\nrequests.get(url, verify=False, timeout=3)\n", "insecure-tls-verify"),
        ("import requests\nrequests.get(url)\n", "missing-timeout"),
        ("import hashlib\nh = hashlib.md5(password.encode()).hexdigest()\n", "weak-password-hash"),
        ("import random\nreset_token = str(random.random())\n", "insecure-random"),
        ("rows = cur.fetchall()\n", "unbounded-materialization"),
        ("# TODO: remove\n", "unresolved-todo"),
    ],
)
def test_python_token_and_ast_rules(text, rule):
    assert rule in rules("a.py", text)


def test_keyword_checks_are_scoped_to_one_call():
    text = "import subprocess\nsubprocess.run(['ls'])\nopts = dict(shell=True)\n"
    assert "shell-injection" not in rules("a.py", text)


def test_requests_timeout_on_another_line_is_seen():
    text = "import requests\nrequests.get(\n    url,\n    timeout=5,\n)\n"
    assert "missing-timeout" not in rules("a.py", text)


def test_import_alias_is_resolved():
    text = "import requests as r\nr.get(url)\nfrom pickle import loads as L\nL(blob)\n"
    found = run("a.py", text)
    assert ("missing-timeout", 2) in found and ("unsafe-deserialization", 4) in found


def test_random_for_non_security_values_is_not_flagged():
    text = "import random\nquestions = random.sample(pool, 5)\nrandom.shuffle(deck)\ndelay = random.uniform(0, 1)\n"
    assert "insecure-random" not in rules("a.py", text)


def test_deep_nesting_counts_elif_as_flat():
    flat = "def f(x):\n    if x == 1:\n        a()\n" + "".join(f"    elif x == {i}:\n        a()\n" for i in range(2, 9))
    assert "deep-nesting" not in rules("a.py", flat)
    deep = "def f(x):\n" + "".join("    " * (k + 1) + f"if x > {k}:\n" for k in range(5)) + "    " * 6 + "pass\n"
    assert run("a.py", deep) == [("deep-nesting", 6)]


def test_abstract_not_implemented_is_not_a_todo():
    text = "class Base:\n    def run(self):\n        raise NotImplementedError\n\ndef f():\n    raise NotImplementedError\n"
    assert run("a.py", text) == [("unresolved-todo", 6)]


def test_a_hook_method_is_not_a_todo_but_a_half_written_one_is():
    """A method that only raises NotImplementedError is there to be overridden (flask's
    View.dispatch_request); one that does some work and then gives up is unfinished."""
    text = (
        "class View:\n    def dispatch_request(self):\n        \"\"\"Subclasses answer.\"\"\"\n"
        "        raise NotImplementedError()\n\n"
        "class Exporter:\n    def export(self, rows):\n        data = [r for r in rows]\n"
        "        raise NotImplementedError\n"
    )
    assert run("a.py", text) == [("unresolved-todo", 9)]


def test_a_stated_refusal_is_not_a_todo():
    text = (
        "def backwards(op):\n    raise NotImplementedError('You cannot reverse this operation')\n\n"
        "def refund(order):\n    raise NotImplementedError('refunds are not implemented yet')\n"
    )
    assert run("a.py", text) == [("unresolved-todo", 5)]


def test_stacktrace_in_flask_response():
    text = (
        "from flask import jsonify\n\ndef view():\n    try:\n        work()\n"
        "    except Exception as e:\n        return jsonify(error=str(e)), 500\n"
    )
    assert run("views.py", text) == [("stacktrace-disclosure", 7)]


def test_js_rules():
    text = (
        'const { exec } = require("child_process");\n'
        "exec(`ls ${dir}`);\n"
        "el.innerHTML = user.bio;\n"
        "try { go(); } catch (e) {}\n"
        "fetch(url);\n"
        "const token = Math.random().toString(36);\n"
        "new Function(body);\n"
    )
    assert run("a.js", text) == [
        ("shell-injection", 2), ("xss-unescaped-render", 3), ("swallowed-exception", 4),
        ("missing-timeout", 5), ("insecure-random", 6), ("eval-exec", 7),
    ]


def test_findings_carry_catalogue_metadata():
    f = SourceFile("a.py", "eval(x)\n", frozenset({1}))
    (fd,) = analyze([f])
    assert fd.rule == "eval-exec" and fd.severity == "high" and fd.path == "a.py" and fd.line == 1
    assert fd.question == "Can a parser replace dynamic code?" and "eval" in fd.message


def test_findings_in_test_files_are_demoted():
    f = SourceFile("tests/test_a.py", "eval(x)\n", frozenset({1}))
    (fd,) = analyze([f])
    assert fd.severity == "medium"


def test_gitattributes_hides_diff():
    text = "*.py -diff\n*.png binary\nsrc/** linguist-generated\npackage-lock.json -diff\n*.py diff=python\n*.js diff=secret\n"
    f = SourceFile("sub/.gitattributes", text, frozenset(range(1, 7)))
    got = {(x.line, x.severity) for x in analyze([f])}
    assert got == {(1, "high"), (3, "high"), (5, "info"), (6, "high")}
    other = SourceFile("attrs.txt", "*.py -diff\n", frozenset({1}))
    assert analyze([other]) == []
