"""The SQL finding sits on the line that runs the query, naming where the text was built.

``q = f"..."`` then ``cur.execute(q)``: the reviewer reads the line that sends the text to the
database, whether the change added both lines or only the ``execute`` of a query kept from
before. A change that adds only the build line, under an ``execute`` kept from before, gets the
finding where the text is built. Never twice, and never for a name assigned again.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.rules import RepoContext, SourceFile, analyze

VIEW = '''from flask import request


def find(conn):
    name = request.args["name"]
    q = f"SELECT * FROM users WHERE name = '{name}'"
    cur = conn.cursor()
    cur.execute(q)
    return cur.fetchall()


def other(conn, q):
    conn.execute(q)
'''


def sql(text: str, added: set[int], path: str = "app/views.py") -> list[tuple[int, str]]:
    f = SourceFile(path, text, frozenset(added))
    return [(x.line, x.message) for x in analyze([f], RepoContext()) if x.rule == "sql-interpolation"]


def test_an_added_execute_of_an_old_interpolated_query_is_reported_on_the_added_line():
    [(line, message)] = sql(VIEW, {8})
    assert line == 8 and message.startswith("runs q, built at line 6: SQL built with an f-string")


def test_the_build_line_added_too_gives_one_finding_on_the_execute_naming_the_build_line():
    [(line, message)] = sql(VIEW, set(range(1, 14)))
    assert line == 8 and message.startswith("runs q, built at line 6: SQL built with an f-string")
    assert [ln for ln, _ in sql(VIEW, {6, 8})] == [8]


def test_only_the_build_line_added_keeps_the_finding_where_the_text_is_built():
    assert [ln for ln, _ in sql(VIEW, {6})] == [6]


def test_text_built_and_never_run_in_the_function_stays_on_the_build_line():
    text = VIEW.replace("    cur.execute(q)\n", "    send(q)\n")
    assert [ln for ln, _ in sql(text, set(range(1, 14)))] == [6]


def test_sql_text_only_printed_or_logged_is_not_reported():
    text = VIEW.replace('    q = f"SELECT', '    print(f"SELECT').replace("'{name}'\"\n", "'{name}'\")\n")
    text = text.replace("    cur.execute(q)\n", '    log.info("UPDATE t SET a = \'%s\'" % name)\n')
    assert "print(f\"SELECT" in text and "log.info" in text
    assert sql(text, set(range(1, 14))) == []


def test_another_function_s_parameter_of_the_same_name_is_not_that_query():
    assert sql(VIEW, {13}) == []


def test_a_name_assigned_again_before_the_execute_is_not_the_old_query():
    text = VIEW.replace("    cur = conn.cursor()\n", '    q = "SELECT 1"\n    cur = conn.cursor()\n')
    assert sql(text, {9}) == []


def test_a_safe_query_kept_from_before_gives_nothing():
    text = VIEW.replace("WHERE name = '{name}'\"", 'WHERE name = ?"').replace("cur.execute(q)", "cur.execute(q, (name,))")
    assert sql(text, {8}) == []


def test_test_files_are_still_skipped():
    assert sql(VIEW, {8}, path="tests/test_views.py") == []


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(min_value=1, max_value=13)))
def test_whatever_is_added_each_line_is_reported_at_most_once_and_only_on_added_lines(added):
    got = sql(VIEW, added)
    lines = [ln for ln, _ in got]
    assert len(lines) == len(set(lines)) and set(lines) <= added
    assert (8 in lines) == (8 in added)  # the execute's finding stands in for the build's
    assert (6 in lines) == (6 in added and 8 not in added)
