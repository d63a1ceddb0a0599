"""Request values reaching file paths (path-traversal) and outgoing URLs (ssrf), inside one function."""

from __future__ import annotations

import pytest

from triage.rules import RepoContext, SourceFile, analyze

HEAD = "import os\nimport requests\nfrom flask import Flask, request, send_file\napp = Flask(__name__)\n\n\n"


def findings(body: str, rule: str, path: str = "app/views.py") -> list[int]:
    text = HEAD + body
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    ctx = RepoContext(paths=(path,), changed_paths=(path,))
    return [x.line - HEAD.count("\n") for x in analyze([f], ctx) if x.rule == rule]


@pytest.mark.parametrize("body, lines", [
    # flow-sensitive: a clean value assigned over a tainted one clears it
    ('def a():\n    p = request.args["f"]\n    p = "static/logo.png"\n    return send_file(p)\n', []),
    # a loop over request data taints its variable
    ('def b():\n    for name in request.args.getlist("f"):\n        os.remove(name)\n', [3]),
    # a nested function's parameter of the same name is its own
    ('@app.route("/x/<name>")\ndef c(name):\n    def inner(name):\n        return open(name)\n    return "ok"\n', []),
    # a class-based view's self.request is a request too
    ('class V:\n    def get(self):\n        return open(self.request.GET["p"])\n', [3]),
    # a value that is not the request's
    ('def d(params):\n    return open(params.args["p"])\n', []),
    # a converter or an annotation that makes a route parameter a number
    ('@app.route("/r/<int:rid>")\ndef f(rid):\n    return send_file(f"/srv/{rid}.pdf")\n', []),
    ('@app.get("/r/{rid}")\ndef g(rid: int):\n    return send_file(f"/srv/{rid}.pdf")\n', []),
    ('@app.get("/r/{rid}")\ndef h(rid: str):\n    return send_file(f"/srv/{rid}.pdf")\n', [3]),
    # an int() makes a number, not a path
    ('def e():\n    n = int(request.args["n"])\n    return open(f"/srv/{n}.txt")\n', []),
])
def test_path_traversal_follows_values_through_a_function(body, lines):
    assert findings(body, "path-traversal") == lines


@pytest.mark.parametrize("body, lines", [
    ('def a():\n    host = request.args["h"]\n    return requests.get("https://" + host + "/x", timeout=5)\n', [3]),
    ('def b():\n    i = request.args["i"]\n    return requests.get("https://api.example.com/{}".format(i), timeout=5)\n', []),
    ('def c():\n    return requests.request("GET", request.json["url"], timeout=5)\n', [2]),
    ('def d():\n    u = request.args["u"]\n    if urlparse(u).netloc != "api.example.com":\n        return None\n'
     '    return requests.get(u, timeout=5)\n', []),
])
def test_ssrf_needs_the_host_to_come_from_the_request(body, lines):
    assert findings(body, "ssrf") == lines


def test_a_finding_needs_the_sink_on_an_added_line():
    text = HEAD + 'def a():\n    p = request.args["f"]\n    return send_file(p)\n'
    sink = text.count("\n")  # the send_file line
    added = frozenset(range(1, sink))  # everything but the sink
    f = SourceFile("app/views.py", text, added)
    assert [x for x in analyze([f], RepoContext(paths=(f.path,), changed_paths=(f.path,)))
            if x.rule == "path-traversal"] == []


def js_findings(body: str, rule: str) -> list[tuple[int, str]]:
    text = "const express = require('express');\nconst fs = require('fs');\nconst app = express();\n" + body
    f = SourceFile("server/app.js", text, frozenset(range(1, text.count("\n") + 2)))
    ctx = RepoContext(paths=(f.path,), changed_paths=(f.path,))
    return [(x.line - 3, x.severity) for x in analyze([f], ctx) if x.rule == rule]


def test_javascript_is_a_check_one_severity_lower_and_follows_declarations():
    body = "app.get('/a', (req, res) => {\n  const { name } = req.params;\n  const p = '/srv/' + name;\n  fs.readFile(p, cb);\n});\n"
    assert js_findings(body, "path-traversal") == [(4, "medium")]


def test_javascript_guards_must_be_the_containment_or_host_check_itself():
    unrelated = "const isApi = (u) => u.startsWith('/api');\n"
    sink = "app.get('/a', (req, res) => res.sendFile(req.query.f));\n"
    assert js_findings(unrelated + sink, "path-traversal") == [(2, "medium")]
    guarded = "const t = path.resolve(BASE, x);\nif (!t.startsWith(BASE)) throw 1;\n"
    assert js_findings(guarded + sink, "path-traversal") == []
    host_header = "app.get('/b', (req, res) => fetch(req.query.u, { signal }));\nconst h = req.headers.host;\n"
    assert js_findings(host_header, "ssrf") == [(1, "medium")]
    literal = "app.get('/c', (req, res) => fetch(`https://api.example.com/x/${req.query.id}`, { signal }));\n"
    assert js_findings(literal, "ssrf") == []
