"""In-file data flow: what reaches a sink, and what is only ever a constant there."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.rules import RepoContext, SourceFile, analyze
from triage.rules.dataflow import flow_of
from triage.rules.fileinfo import info

HEAD = "import base64\nimport os\nimport random\nfrom flask import Flask, request\napp = Flask(__name__)\n\n\n"


def value_of_eval_arg(body: str):
    """The value the data flow gives the argument of the (only) ``eval`` call in ``body``."""
    text = HEAD + body
    fi = info(SourceFile("app/views.py", text, frozenset(range(1, text.count("\n") + 2))))
    flow = flow_of(fi)
    call = next(c for c in fi.nodes(ast.Call) if getattr(c.func, "id", "") == "eval")
    return flow.value(call.args[0])


ROUTE = '@app.route("/x")\ndef view():\n    param = request.args.get("p", "")\n'


@pytest.mark.parametrize("lines", [
    ['bar = "yes" if (7 * 18) + 106 > 200 else param'],
    ['values = ["safe", param, "moresafe"]', "values.pop(0)", "bar = values[1]"],
    ['m = {}', 'm["keyA"] = "a"', 'm["keyB"] = param', 'bar = m["keyA"]'],
    ['m = {"keyA": "a", "keyB": param}', 'bar = m.get("keyA")'],
    ["if (7 * 42) - 86 > 200:", '    bar = "always"', "else:", "    bar = param"],
    ['guess = "ABC"', 'if guess[1] == "A":', "    bar = param", 'elif guess[1] == "B":', '    bar = "bob"',
     "else:", "    bar = param"],
    ["sb = []", "sb.append(param)", 'bar = "safe"', "if len(sb) > 100:", "    bar = sb[0]"],
    ["bar = fixed(param)"],
    ["bar = int(param)"],
    ["import io", "buf = io.StringIO()", "buf.write('1 + ')", "buf.write(str(len(param)))", "bar = buf.getvalue()"],
])
def test_values_made_constant_by_the_code_are_safe(lines):
    body = "def fixed(v):\n    return 'bob'\n\n\n" + ROUTE + "".join(f"    {x}\n" for x in lines) + "    eval(bar)\n"
    v = value_of_eval_arg(body)
    assert v is not None and v.safe("code") and not v.tainted("code")


@pytest.mark.parametrize("lines", [
    ["bar = param"],
    ["bar = param.strip().lower()"],
    ["bar = f'<{param}>'"],
    ["bar = base64.b64decode(base64.b64encode(param.encode())).decode()"],
    ['values = ["safe", param, "moresafe"]', "values.pop(0)", "bar = values[0]"],
    ['m = {"keyA": "a", "keyB": param}', 'bar = m["keyB"]'],
    ["bar = helper(param)"],
    ["bar = Unknown().transform(param)"],
    ['bar = param if (7 * 18) + 106 > 200 else "never"'],
    ["for k in request.form.keys():", "    bar = k"],
    ["bar = ''", "bar += param"],
    ["a, bar = 'x', param"],
    ["import io", "buf = io.StringIO()", "buf.write('<')", "buf.write(param)", "bar = buf.getvalue()"],
    ["from io import StringIO", "buf = StringIO()", "buf.writelines(['<', param])", "buf.seek(0)", "bar = buf.read()"],
    ["import io", "buf = io.StringIO()", "print('<', param, file=buf)", "bar = buf.getvalue()"],
    ["import io", "buf = io.StringIO(param)", "bar = ''.join(buf)"],
    ["import io", "query = io.StringIO()", "query.write(param)", "bar = query.getvalue()"],  # a name like a store's
    ["import io, json", "buf = io.StringIO()", "json.dump(request.json, buf)", "bar = buf.getvalue()"],
])
def test_request_data_is_followed_to_the_sink(lines):
    body = "def helper(v):\n    return v.replace('a', 'b')\n\n\n" + ROUTE + "".join(f"    {x}\n" for x in lines) + "    eval(bar)\n"
    v = value_of_eval_arg(body)
    assert v is not None and v.tainted("code")


def test_a_cleaner_removes_only_what_it_makes_harmless():
    body = ROUTE + "    import html\n    bar = html.escape(param)\n    eval(bar)\n"
    v = value_of_eval_arg(body)
    assert not v.tainted("html") and v.tainted("code")


def test_a_parameter_of_an_ordinary_function_is_unknown_not_request_data():
    v = value_of_eval_arg("def f(expr):\n    eval(expr)\n")
    assert not v.tainted("code") and not v.safe("code")


def test_a_helper_called_with_a_constant_does_not_make_its_own_sink_safe():
    """A function's own run (its parameters unknown) counts, not only the calls the file makes."""
    body = "def helper(x):\n    eval(x)\n\n\ndef caller():\n    helper('1 + 1')\n"
    assert not value_of_eval_arg(body).safe("code")


def test_what_a_database_or_a_server_returns_is_not_the_request():
    body = (ROUTE + "    row = db.execute('SELECT * FROM t WHERE id = ?', (param,)).fetchone()\n"
            "    page = requests.get('https://example.com/' + param, timeout=5).text\n"
            "    eval(row['x'] + page)\n")
    v = value_of_eval_arg("import requests\n" + body)
    assert not v.tainted("code")


def test_random_values_are_their_own_kind():
    body = "def f():\n    token = str(random.random())[2:]\n    eval(token)\n"
    v = value_of_eval_arg(body)
    assert v.tainted("random") and not v.tainted("code")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([
    "bar = param", 'bar = "c"', "bar = bar + param", "bar = bar.strip()", "bar = [bar][0]", "bar = {'k': bar}['k']",
    "if x:\n        bar = param", "for q in range(2):\n        bar = bar + 'x'", "bar = int(bar or 0)",
    "bar = helper(bar)", "while x:\n        bar = param\n        break", "try:\n        bar = param\n    except E:\n        bar = 'c'",
]), min_size=1, max_size=8))
def test_the_flow_never_crashes_and_request_data_survives_any_plain_copy(steps):
    body = ("def helper(v):\n    return v\n\n\n" + ROUTE + "    x = param\n    bar = ''\n"
            + "".join(f"    {s}\n" for s in steps) + "    bar = bar + param\n    eval(bar)\n")
    v = value_of_eval_arg(body)
    assert v is not None and v.tainted("code")


def test_eval_of_a_constant_or_sanitized_value_is_not_reported_but_of_request_data_is():
    def rules(body: str) -> list[tuple[str, int]]:
        text = HEAD + body
        f = SourceFile("app/views.py", text, frozenset(range(1, text.count("\n") + 2)))
        return [(x.rule, x.line - HEAD.count("\n")) for x in analyze([f], RepoContext(paths=(f.path,)))
                if x.rule == "eval-exec"]

    assert rules(ROUTE + "    expr = '1 + ' + '2'\n    return str(eval(expr))\n") == []
    assert rules(ROUTE + "    n = int(param)\n    return str(eval(str(n) + ' * 2'))\n") == []
    assert rules(ROUTE + "    return str(eval(param))\n") == [("eval-exec", 4)]
    assert rules("def run(expr):\n    return eval(expr)\n") == [("eval-exec", 2)]  # unknown: still a finding


def test_a_buffer_another_call_writes_to_holds_what_that_call_may_write():
    """``df.to_csv(buf)``, ``traceback.print_exc(file=buf)``: not followed, so not safe."""
    body = ROUTE + "    import io\n    buf = io.StringIO()\n    dump_state(buf)\n    eval(buf.getvalue())\n"
    v = value_of_eval_arg(body)
    assert not v.tainted("code") and not v.safe("code")
