"""Cheap prefilters that let most files skip lexing: they must never hide a finding.

Each case is analysed twice: as shipped, and with every prefilter forced open (the
slow path that lexes every file). Both must report the same findings. The last
tests check that ordinary code really skips the lexer, which is what makes a
cold ingest of a large history affordable.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.rules import (RepoContext, SourceFile, analyze, authz, basic, context, credentials, flow,
                          injection, reliability, sql, transport, tuning, validation, web)
from triage.rules.fileinfo import info

FILLER = "".join(f"step_{k} = prepare(step_{k - 1})\n" for k in range(1, 21))

CASES = {
    # hardcoded-secret: the name in camelCase, a quoted key with a space, an env fallback
    "secret-camel.js": ('const apiKey = "a8f5f167f44f4964e6c998dee827110c";\n', "hardcoded-secret"),
    "secret-key.js": ('const cfg = { "Api Key": "a8f5f167f44f4964e6c998dee827110c" };\n', "hardcoded-secret"),
    "secret-next-line.js": ('const accessToken =\n  "a8f5f167f44f4964e6c998dee827110c";\n', "hardcoded-secret"),
    "secret-compare.py": ('if api_token == "a8f5f167f44f4964e6c998dee827110c":\n    allow()\n', "hardcoded-secret"),
    "secret-jwt.py": ('import jwt\ntok = jwt.encode(payload, "my key")\n', "hardcoded-secret"),
    "secret-env.py": ('import os\nkey = os.getenv("STRIPE_SECRET_KEY", "a8f5f167f44f4964e6c998dee827110c")\n', "hardcoded-secret"),
    # sql: the SQL text far above, filled in by a % on the added line
    "sql-far.py": ('update_query = "UPDATE users SET name = \'%s\' WHERE id = 1"\n' + FILLER
                   + "cur.execute(update_query % (name,))\n", "sql-interpolation"),
    "sql-template.js": ("db.query(`SELECT * FROM users WHERE id = ${req.params.id}`);\n", "sql-interpolation"),
    "sql-upper-frag.py": ('q = base + " WHERE id = " + uid\n', "sql-interpolation"),
    # float-money: a literal with a decimal point, parseFloat, toFixed
    "money-literal.py": ("price = 9.99\n", "float-money"),
    "money-parse.js": ("const total_price = parseFloat(req.body.price);\n", "float-money"),
    "money-fixed.js": ("const label = amountDue.toFixed(2);\n", "float-money"),
    # eval-exec: new Function (capital F) and Python exec
    "eval-function.js": ("const fn = new Function(userCode);\n", "eval-exec"),
    "eval-exec.py": ("exec(request.form['code'])\n", "eval-exec"),
    # shell-injection: JavaScript needs child_process; Python shell=True
    "shell.js": ("const cp = require('child_process');\ncp.exec('ls ' + dir);\n", "shell-injection"),
    "shell.py": ("import subprocess\nsubprocess.run(cmd, shell=True)\n", "shell-injection"),
    # xss: jQuery .html(), innerHTML, dangerouslySetInnerHTML
    "xss-jquery.js": ("$(el).html(userInput);\n", "xss-unescaped-render"),
    "xss-inner.js": ("el.innerHTML = userInput;\n", "xss-unescaped-render"),
    "xss-react.jsx": ("const A = () => <div dangerouslySetInnerHTML={{__html: props.body}} />;\n",
                      "xss-unescaped-render"),
    # stacktrace-disclosure (JavaScript): a response method call carrying err.stack
    "stack.js": ("app.get('/', (req, res) => {\n  try { run(); } catch (err) {\n"
                 "    res.status(500).json({ error: err.stack });\n  }\n});\n", "stacktrace-disclosure"),
    # deep-nesting (JavaScript): five control blocks, with braces in strings around them
    "nest.js": ("function f(a) {\n  const s = '}}}}';\n  if (a) {\n    for (const x of a) {\n"
                "      while (x) {\n        if (x.y) {\n          if (x.z) {\n            go('{');\n"
                "          }\n        }\n      }\n    }\n  }\n}\n", "deep-nesting"),
    "nest-allman.js": ("function f(a)\n{\n  if (a)\n  {\n    for (const x of a)\n    {\n      while (x)\n      {\n"
                       "        if (x.y)\n        {\n          if (x.z)\n          {\n            go();\n          }\n"
                       "        }\n      }\n    }\n  }\n}\n", "deep-nesting"),
    # deep-nesting (Python): a string at column 0 inside the function, tabs, and exactly five levels at
    # module level (the fewest widths the indentation bound lets through)
    "nest.py": ('def f(a):\n    s = """\n}}}\n"""\n    if a:\n        for x in a:\n            while x:\n'
                "                with x:\n                    try:\n                        go()\n"
                "                    except E:\n                        log(e)\n", "deep-nesting"),
    "nest-tabs.py": ("def f(a):\n\tif a:\n\t\tfor x in a:\n\t\t\twhile x:\n\t\t\t\twith x:\n"
                     "\t\t\t\t\tif x.y:\n\t\t\t\t\t\tgo()\n", "deep-nesting"),
    "nest-module.py": ("if a:\n    for x in a:\n        while x:\n            with x:\n                if x.y:\n"
                       "                    go()\n", "deep-nesting"),
    # stacktrace-disclosure (Python): a traceback formatter imported under another name, and the exception
    "views/leak_alias.py": ('from flask import Flask, jsonify\nfrom traceback import format_exc as fe\n'
                            'app = Flask(__name__)\n\n\n@app.route("/x")\ndef x():\n    try:\n        run()\n'
                            "    except Exception:\n        return jsonify(error=fe())\n", "stacktrace-disclosure"),
    "views/leak_name.py": ('from flask import Flask, jsonify\napp = Flask(__name__)\n\n\n@app.route("/x")\n'
                           "def x():\n    try:\n        run()\n    except Exception as e:\n"
                           "        return jsonify(error=str(e))\n", "stacktrace-disclosure"),
    # missing-timeout (JavaScript): fetch through globalThis, axios methods and axios.create, the
    # callee on the line before its arguments, next to names that merely contain "fetch"
    "fetch-global.js": ("const prefetchAll = 1;\nglobalThis.fetch(url);\n", "missing-timeout"),
    "fetch-split.js": ("const fetchUser = load;\nconst r = await fetch\n  (url);\n", "missing-timeout"),
    "axios-get.ts": ("const res = await axios.get(`/api/${id}`);\n", "missing-timeout"),
    "axios-create.js": ("export const client = axios.create({ baseURL: base });\n", "missing-timeout"),
    # the AI failure-mode rules: a token scheme far above, a len() guard far above its sink, split keywords
    "auth/dep.py": ("from fastapi import Depends\noauth2_scheme = OAuth2PasswordBearer(tokenUrl='t')\n" + FILLER
                    + "async def dep(token: str = Depends(oauth2_scheme)):\n    if not token:\n        raise E()\n"
                    "    return True\n", "token-scope-unchecked"),
    "auth/verify.js": ("function u(req, key) {\n  return jwt\n    .verify(req.token, key);\n}\n", "token-scope-unchecked"),
    "views/len.py": ("def f(path):\n    if len(path) > 100:\n        raise ValueError()\n" + FILLER.replace("step", "    step")
                     + "    return open(path)\n", "length-only-validation"),
    "views/len.js": ("function f(req, res) {\n  const n = req.query.n;\n  if (n.length > 9) { return; }\n"
                     "  fs.readFile(n, cb);\n}\n", "length-only-validation"),
    "round.py": ("requests.get(\n    url,\n    timeout=30,\n)\n", "round-number-timeout"),
    "round.js": ("const c = axios.create({ 'timeout': 30000 });\n", "round-number-timeout"),
    # issue 16: argv from the request (no shell word anywhere), XSS through a returned name, autoescape off,
    # a SQL call's fragment that does not read as SQL, and a redirect through a helper's return value
    "views/argv.py": ('import subprocess\nfrom flask import request\n\n\ndef v():\n'
                      '    subprocess.check_output(["ping", request.args["h"]])\n', "shell-injection"),
    "views/echo.py": ('from flask import Flask, request\napp = Flask(__name__)\n\n\n@app.route("/e")\n'
                      'def e():\n    out = request.args["q"]\n    return out\n', "xss-unescaped-render"),
    "app/templates.py": ("import jinja2\nenv = jinja2.Environment(loader=None)\n", "xss-unescaped-render"),
    "app/orm.py": ('def f(qs, name):\n    return qs.extra(where=["name = \'%s\'" % name])\n', "sql-interpolation"),
    "views/go.py": ('from flask import Flask, redirect, request\napp = Flask(__name__)\n\n\ndef pick(x):\n'
                    '    return x.strip()\n\n\n@app.route("/g")\ndef g():\n    return redirect(pick(request.args["n"]))\n',
                    "open-redirect"),
    "views/hash.py": ('import hashlib\n\n\ndef reset_token(email):\n    return hashlib.md5(email).hexdigest()\n',
                      "weak-hash"),
}


def _analyse(path: str, text: str) -> list[tuple]:
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    ctx = RepoContext(paths=(path,), changed_paths=(path,))
    return [(x.rule, x.line, x.message) for x in analyze([f], ctx)]


@pytest.fixture
def open_prefilters(monkeypatch):
    """Every prefilter says "maybe": the rules lex and scan every file."""

    class Always:
        def search(self, _text):
            return True

    def apply() -> None:
        monkeypatch.setattr(credentials, "_names_a_secret", lambda fi: True)
        monkeypatch.setattr(sql, "may_hold_sql", lambda fi: True)
        monkeypatch.setattr(reliability, "_FLOAT_HINT", Always())
        monkeypatch.setattr(reliability, "_js_response_hint", lambda: Always())
        monkeypatch.setattr(injection, "_PY_SHELL_HINT", Always())
        monkeypatch.setattr(injection, "_EVAL_HINT", {"python": Always(), "javascript": Always()})
        monkeypatch.setattr(injection, "_JS_HTML_SINK", Always())
        monkeypatch.setattr(injection, "_PY_MARKUP_HINT", Always())
        monkeypatch.setattr(basic, "_js_may_nest_deeper", lambda fi, limit: True)
        monkeypatch.setattr(basic, "_py_may_nest_deeper", lambda fi, limit: True)
        monkeypatch.setattr(reliability, "_PY_LEAK_HINT", Always())
        monkeypatch.setattr(context, "_JS_SPEC_LINE", Always())
        monkeypatch.setattr(transport, "_JS_HTTP_NAME", Always())
        monkeypatch.setattr(context, "_py_may_import", lambda fi: True)
        monkeypatch.setattr(authz, "_PY_HINT", Always())
        monkeypatch.setattr(authz, "_JS_HINT", Always())
        monkeypatch.setattr(validation, "_PY_LEN_GUARD", Always())
        monkeypatch.setattr(validation, "_JS_LEN_GUARD", Always())
        monkeypatch.setattr(tuning, "_HINT", Always())
        monkeypatch.setattr(web, "_PY_SOURCE", Always())
        monkeypatch.setattr(web, "_PY_VIEW", Always())
        monkeypatch.setattr(web, "_SESSION_STORE", Always())
        monkeypatch.setattr(web, "_COOKIE_HINT", Always())
        monkeypatch.setattr(injection, "_AUTOESCAPE_HINT", Always())
        monkeypatch.setattr(injection, "ARGV_HINT", Always())
        monkeypatch.setattr(sql, "_SINK_HINT", Always())
        monkeypatch.setattr(flow, "_PATH_HINT", Always())

    return apply


@pytest.mark.parametrize("path", sorted(CASES))
def test_prefilters_keep_every_finding(path, open_prefilters):
    text, rule = CASES[path]
    shipped = _analyse(path, text)
    assert rule in {r for r, _l, _m in shipped}, shipped
    open_prefilters()
    assert _analyse(path, text) == shipped


def test_prefilters_keep_findings_on_the_evaluation_corpus(open_prefilters):
    from triage.eval import run

    def outcome():
        d = run().to_dict()
        return d["rules"], d["missed"], d["false_positives"]

    before = outcome()
    open_prefilters()
    assert outcome() == before


ORDINARY = {
    "web/src/cart.js": (
        "import { total } from './lib/money';\n"
        "export function cartTotal(items) {\n"
        "  const tokenCount = items.length;\n"
        "  if (!items) { return null; }\n"
        "  return items.map((i) => i.qty).reduce((a, b) => a + b, 0) + tokenCount;\n"
        "}\n"
    ),
    "web/src/hooks/useCart.js": (
        "import { prefetchCart } from '../api/cart';\n"
        "export function useCart(id) {\n"
        "  const fetchUser = () => prefetchCart(id);\n"
        "  return fetchUser();\n"
        "}\n"
    ),
    "src/shop/orders.py": (
        "from shop.models import Order\n\n\n"
        "def update_order(order, user):\n"
        "    order.owner = user\n"
        "    order.save()\n"
        "    return order\n"
    ),
}


def test_ordinary_python_is_never_parsed():
    text = ORDINARY["src/shop/orders.py"] + "".join(
        f"\n\ndef step_{k}(order):\n    if order.ready:\n        for line in order.lines:\n"
        f"            line.error = None\n    return order\n" for k in range(3))
    f = SourceFile("src/shop/orders.py", text, frozenset(range(2, text.count("\n") + 2)))
    assert analyze([f], RepoContext(paths=(f.path,), changed_paths=(f.path,))) == []
    assert "tree" not in vars(info(f)), "a rule parsed a file none of its findings could come from"


def test_an_sql_file_is_parsed_only_for_a_lookup_in_a_collection():
    head = "def load(cur, uid, name):\n"
    plain = head + '    cur.execute(f"SELECT * FROM users WHERE id = {uid}")\n'
    f = SourceFile("src/shop/db.py", plain, frozenset({2}))
    assert [x.rule for x in analyze([f])] == ["sql-interpolation"]
    assert "tree" not in vars(info(f)), "the SQL rule parsed a file for an allowlist it never looked up"

    def lookup(binding: str) -> SourceFile:
        text = (f"{binding}\n\n\n" + head.replace("name", "key")
                + '    cur.execute(f"SELECT * FROM users WHERE id = 1 ORDER BY {sorts[key]}")\n')
        return SourceFile("src/shop/db.py", text, frozenset({text.count("\n")}))

    assert analyze([lookup('sorts = {"name": "name", "new": "created_at"}')]) == []
    assert [x.rule for x in analyze([lookup("sorts = load_sorts()")])] == ["sql-interpolation"]


@pytest.mark.parametrize("path", sorted(ORDINARY))
def test_ordinary_code_is_never_lexed(path):
    text = ORDINARY[path]
    f = SourceFile(path, text, frozenset(range(2, text.count("\n") + 2)))  # the import line was there before
    assert analyze([f], RepoContext(paths=(path,), changed_paths=(path,))) == []
    assert "stream" not in vars(info(f)), "a rule lexed a file none of its findings could come from"


_LINE_BITS = st.sampled_from(["x", "key", " ", "\t", "=", ":", ",", "|", "?", "or", "==", "'", '"', "`", "abcd",
                              "ab", "r", "b", "f", "\r", "\u00a0", "token"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_LINE_BITS, max_size=12).map("".join), max_size=6))
def test_searching_the_added_lines_joined_finds_a_literal_site_iff_one_line_has_one(lines):
    import re

    one_by_one = re.compile(credentials._LITERAL_SITE.pattern)  # without re.M: each line alone
    lines = [x.replace("\n", "") for x in lines]
    assert bool(credentials._LITERAL_SITE.search("\n".join(lines))) == any(one_by_one.search(x) for x in lines)


IMPORT_FORMS = (
    "import leftpadx\n"
    "from rightpadx import pad\n"
    "from centerpadx \\\n    import middle\n"
    "import importlib\n"
    "mod = importlib.import_module('toppadx')\n"
    "other = __import__('sidepadx')\n"
)


def _import_findings(text: str, added: frozenset[int]) -> list[tuple]:
    data = {"requirements.txt": b"requests\n", "app/m.py": text.encode()}
    ctx = RepoContext(read=data.get, paths=tuple(sorted(data)), changed_paths=("app/m.py",))
    f = SourceFile("app/m.py", text, added)
    return [(x.line, x.message) for x in analyze([f], ctx) if x.rule == "hallucinated-import"]


@pytest.mark.parametrize("line", range(1, IMPORT_FORMS.count("\n") + 1))
def test_the_python_import_prefilter_keeps_every_form_of_import(line, open_prefilters):
    added = frozenset({line})
    shipped = _import_findings(IMPORT_FORMS, added)
    open_prefilters()
    assert _import_findings(IMPORT_FORMS, added) == shipped
    if line not in (4, 5):  # the continuation line and "import importlib" (stdlib) report nothing
        assert [ln for ln, _m in shipped] == [line], shipped


def test_python_added_lines_without_an_import_never_read_the_manifests():
    text = "import requests\n\n\ndef get(url):\n    return requests.get(url, timeout=5)\n"
    reads: list[str] = []
    data = {"requirements.txt": b"requests\n", "app/m.py": text.encode()}
    ctx = RepoContext(read=lambda p: reads.append(p) or data.get(p), paths=tuple(sorted(data)),
                      changed_paths=("app/m.py",))
    f = SourceFile("app/m.py", text, frozenset({5}))
    assert analyze([f], ctx) == []
    assert "requirements.txt" not in reads, reads
