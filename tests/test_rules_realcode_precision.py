"""Noise found on code nobody here wrote (issue 16), and the detections that must stay.

Each test pairs the look-alike that real packages are full of with the finding an AI
change would still get: the rules were narrowed, never switched off for a file.
"""

from __future__ import annotations

from triage.rules import RepoContext, SourceFile, analyze


def run(path: str, text: str, *, edited: bool = True) -> list[tuple[str, int]]:
    """The findings on ``text`` at ``path``, every line added; ``edited``: the file was already there."""
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)), edited_in_place=edited)
    return [(x.rule, x.line) for x in analyze([f], RepoContext())]


HYGIENE = (
    "def backoff(n):\n"
    "    # TODO: make the base configurable\n"
    "    return 2 ** n\n\n"
    "def close(fh):\n"
    "    try:\n"
    "        fh.close()\n"
    "    except Exception:\n"
    "        pass\n"
)


def test_a_vendored_copy_has_no_todo_or_swallowed_exception_findings():
    for path in ("app/_vendor/retry.py", "app/vendored/pint/util.py", "static/vendor/lib.py", "third_party/x/y.py"):
        assert run(path, HYGIENE) == [], path


def test_a_change_cannot_hide_its_own_code_under_vendor():
    # A file the change adds (or copies or renames) under a vendored tree is its own code.
    for path in ("app/_vendor/retry.py", "third_party/x/y.py"):
        assert run(path, HYGIENE, edited=False) == [("unresolved-todo", 2), ("swallowed-exception", 8)], path
    page = "from flask import request\n\ndef show():\n    return '<p>' + request.args['q'] + '</p>'\n"
    assert "xss-unescaped-render" not in {r for r, _ in run("static/vendor/page.py", page, edited=True)}
    assert ("xss-unescaped-render", 4) in run("static/vendor/page.py", page, edited=False)


def test_first_party_code_with_vendor_in_its_name_keeps_them():
    for path in ("shop/vendors/payouts.py", "shop/vendor_api.py", "app/retry.py"):
        assert run(path, HYGIENE) == [("unresolved-todo", 2), ("swallowed-exception", 8)], path


def test_security_rules_still_read_vendored_code():
    text = "import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n"
    assert ("unsafe-deserialization", 4) in run("app/_vendor/cache.py", text)


def test_a_stated_limit_in_one_branch_is_not_a_placeholder():
    text = (
        "def cursor(conn, server_side):\n"
        "    if server_side:\n"
        "        return conn.cursor(name='s')\n"
        "    else:\n"
        "        raise NotImplementedError()\n\n"
        "def ordered(q, transforms):\n"
        "    if transforms:\n"
        "        raise NotImplementedError('Ordering by transforms is not implemented.')\n"
        "    return q\n"
    )
    assert run("db/compiler.py", text) == []


def test_a_branch_not_written_yet_and_a_whole_stub_body_are_placeholders():
    text = (
        "def ship(order, carrier):\n"
        "    if carrier == 'ups':\n"
        "        raise NotImplementedError('UPS is not implemented yet')\n"
        "    return order.ship(carrier)\n\n"
        "def pay(order, method):\n"
        "    if method == 'card':\n"
        "        return order.charge()\n"
        "    raise NotImplementedError(f'{method} payments are not supported yet')\n\n"
        "def export(rows):\n"
        "    with open('x') as fh:\n"
        "        raise NotImplementedError\n"
    )
    assert run("shop/orders.py", text) == [("unresolved-todo", 3), ("unresolved-todo", 9), ("unresolved-todo", 13)]


def test_a_registry_marker_is_not_a_placeholder_but_a_wrapped_or_routed_stub_is():
    marker = (
        "from typing import cast\n\n"
        "def operator_fn(fn):\n    return cast(object, fn)\n\n"
        "@operator_fn\ndef from_():\n    raise NotImplementedError()\n"
    )
    assert run("sql/operators.py", marker) == []
    wrapped = (
        "def logged(fn):\n    def wrapper(*a):\n        return fn(*a)\n    return wrapper\n\n"
        "@logged\ndef export():\n    raise NotImplementedError()\n\n"
        "@app.route('/x')\ndef view():\n    raise NotImplementedError\n"
    )
    assert run("app/views.py", wrapped) == [("unresolved-todo", 8), ("unresolved-todo", 12)]


def test_fetchall_of_the_catalog_or_one_row_is_bounded_wherever_the_query_is_held():
    cases = [
        "def cols(db, ix):\n    column_sql = f'PRAGMA index_info({ix})'\n    return db.execute(column_sql).fetchall()\n",
        "def fks(conn, t):\n    return conn.execute(f'PRAGMA foreign_key_list([{t}])').fetchall()\n",
        "def q(t):\n    return 'select name from sqlite_master where sql like ?', [t]\n\n"
        "def fts(conn, t):\n    sql, params = q(t)\n    return conn.execute(sql, params).fetchall()\n",
        "def version(db):\n    return db.execute('select sqlite_version()').fetchall()[0]\n",
        "def schemas(connection, query):\n    query = query.where(pg_catalog.pg_namespace.c.nspname != 'x')\n"
        "    return connection.scalars(query).all()\n",
        "class Cursor:\n    def fetchall(self):\n        return await_(self._cursor.fetchall())\n",
    ]
    for text in cases:
        assert run("app/store.py", text) == [], text


def test_fetchall_of_a_growing_table_is_flagged_however_the_query_reaches_it():
    cases = [
        ("def fetch_orders(db):\n    return db.execute('SELECT * FROM orders').fetchall()\n", 2),
        ("def report(db, day):\n    sql = 'SELECT * FROM events WHERE day = ?'\n"
         "    return db.execute(sql, (day,)).fetchall()\n", 3),
        ("def run(db, sql):\n    return db.execute(sql).fetchall()\n", 2),
        ("def users(session):\n    return session.query(User).all()\n", 2),
    ]
    for text, line in cases:
        assert run("app/store.py", text) == [("unbounded-materialization", line)], text


def test_a_sql_compiler_joining_its_own_fragments_is_not_an_injection():
    text = (
        "class SQLCompiler:\n"
        "    def as_sql(self):\n"
        "        grouping = []\n"
        "        for expr in self.group_by:\n"
        "            g_sql, _p = self.compile(expr)\n"
        "            grouping.append(g_sql)\n"
        "        return 'SELECT a FROM t GROUP BY %s' % ', '.join(grouping)\n\n"
        "    def order_by_clause(self, select):\n"
        "        order_by = self._delimited(select.order_by)\n"
        "        return ' ORDER BY ' + order_by\n\n"
        "def as_sql(self, compiler, connection):\n"
        "    rows = [compiler.compile(a)[0] for a in self.args]\n"
        "    return [('SELECT %s FROM dual' % ', '.join(p)) for p in [rows]]\n"
    )
    assert run("orm/compiler.py", text) == []


def test_a_compilers_parameters_and_what_is_built_from_them_still_count():
    param = (
        "class ReportCompiler:\n"
        "    def where(self, column, value):\n"
        "        return f\"SELECT * FROM r WHERE {column} = '{value}'\"\n"
    )
    assert run("orm/compiler.py", param) == [("sql-interpolation", 3)]
    derived = (
        "def as_sql(self, compiler, connection, search):\n"
        "    lhs, _p = compiler.compile(self.lhs)\n"
        "    term = search.strip()\n"
        "    return f\"SELECT * FROM t WHERE {lhs} LIKE '%{term}%'\"\n"
    )
    assert run("orm/lookups.py", derived) == [("sql-interpolation", 4)]
    request = (
        "def search(request, connection):\n"
        "    q = request.GET['q']\n"
        "    col = connection.ops.quote_name('name')\n"
        "    return connection.cursor().execute(f\"SELECT * FROM u WHERE {col} = '{q}'\")\n"
    )
    assert run("app/views.py", request) == [("sql-interpolation", 4)]


def test_outside_a_compiler_a_local_fragment_is_judged_as_before():
    text = (
        "def report(db, day):\n"
        "    d = day.strip()\n"
        "    return db.execute(f\"SELECT * FROM events WHERE day = '{d}'\")\n"
    )
    assert run("app/report.py", text) == [("sql-interpolation", 3)]


VIEW = "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/x')\ndef view(request):\n    try:\n        return work()\n    except Exception as e:\n        return {ret}\n"


def test_an_exception_handed_to_a_handler_or_returned_as_an_object_is_not_disclosed():
    for ret in ("response_for_exception(request, e)", "e", "e.valid_methods", "self_reject(request, e.reason)"):
        assert run("app/views.py", VIEW.format(ret=ret)) == [], ret


def test_the_exceptions_text_in_a_returned_value_is_disclosed():
    for ret in ("str(e), 500", "'failed: %s' % e", "f'failed: {e}'", "{'error': e.args[0]}", "{'error': e}",
                "jsonify(error=e.args)", "'failed: {}'.format(e)"):
        assert run("app/views.py", VIEW.format(ret=ret)) == [("stacktrace-disclosure", 9)], ret


def test_amount_is_money_only_beside_another_money_word():
    color = "def darken(self, amount: float):\n    return self.lighten(-amount)\n"
    assert run("ui/color.py", color) == []
    for other in ("balance", "price", "fee", "refund"):
        money = f"def pay(account, amount: float):\n    account.{other} -= amount\n"
        assert run("shop/pay.py", money) == [("float-money", 1)], other


def test_a_table_named_with_random_hex_digits_is_safe_but_not_what_is_appended():
    safe = ("import secrets\n\ndef f(conn):\n    t = f't{secrets.token_hex(16)}'\n"
            "    conn.execute(f'drop table {t}')\n")
    assert run("app/db.py", safe) == []
    unsafe = ("import secrets\n\ndef f(conn, suffix):\n    t = f't{secrets.token_hex(16)}{suffix}'\n"
              "    conn.execute(f'drop table {t}')\n")
    assert run("app/db.py", unsafe) == [("sql-interpolation", 5)]


def test_a_request_in_a_script_run_by_hand_has_no_timeout_finding_but_one_in_a_function_has():
    text = (
        "from urllib.request import urlopen\n\n"
        "def fetch():\n    return urlopen('https://example.org/x').read()\n\n"
        "if __name__ == '__main__':\n    print(urlopen('https://example.org/y').read())\n"
    )
    assert run("tools/update.py", text) == [("missing-timeout", 4)]


def test_fetchall_of_a_cursor_the_caller_ran_is_the_callers_but_of_one_run_here_is_flagged():
    handed = "def drain(result, dbapi_cursor):\n    return dbapi_cursor.fetchall()\n"
    assert run("db/cursor.py", handed) == []
    ran = "def drain(conn):\n    c = conn.cursor()\n    c.execute('SELECT * FROM t')\n    return c.fetchall()\n"
    assert run("db/cursor.py", ran) == [("unbounded-materialization", 4)]


def test_ingest_reads_a_file_the_change_adds_under_vendor_and_skips_an_upstream_edit(tmp_path):
    import sqlite3

    from gitrepo import RepoBuilder

    from triage.cli import main

    b = RepoBuilder(tmp_path / "r")
    b.commit({"app.py": "x = 1\n"}, "Start")
    added = b.commit({"app/_vendor/retry.py": HYGIENE}, "Vendor retry")  # the change's own file: read
    edited = b.commit({"app/_vendor/retry.py": HYGIENE + "\n# TODO: upstream's next note\n"}, "Update vendored retry")
    db = tmp_path / "t.db"
    assert main(["ingest", "--repo", str(b.path), "--db", str(db), "--all"]) == 0
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT c.sha, f.rule FROM findings f JOIN changes c ON c.id = f.change_id").fetchall()
    assert sorted(r for s, r in rows if s == added) == ["swallowed-exception", "unresolved-todo"]
    assert [r for s, r in rows if s == edited] == []  # an edit of a file already in the vendored tree
