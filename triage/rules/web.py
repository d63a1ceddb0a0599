"""Provides the web-handler rules: ``open-redirect``, ``trust-boundary-violation`` and
``insecure-cookie``, and the data-flow part of ``xss-unescaped-render`` for Python.

Python goes through :mod:`triage.rules.dataflow` (request data followed through
assignments, string building, containers and same-file calls); JavaScript through
tokens, following ``req.query``/``params``/``body`` through ``const``/``let``
declarations (reported as a "check", one severity lower, like the other request rules).

* ``open-redirect``: request data decides the target of ``redirect()``,
  ``HttpResponseRedirect``, ``RedirectResponse``, a ``Location`` header or
  ``res.redirect()``, unless the target starts with a fixed path (``"/app/" + x``) or
  host (``f"https://example.com/{x}"``), comes from ``url_for``/``reverse``, or the
  function checks it (``url_has_allowed_host_and_scheme``, ``is_safe_url``, ``netloc``);
* ``trust-boundary-violation``: request data stored in the session as a key or a value
  (``session[k] = v``, ``request.session[...]``, ``session.update(...)``, ``req.session.x = ...``);
* ``insecure-cookie``: ``set_cookie``/``set_signed_cookie`` without ``secure=True`` (or with
  ``httponly=False``, or ``samesite="None"`` without ``secure``, or a session, auth, token or
  remember-me cookie set ``secure=True`` but without ``httponly``), the same flags set to
  ``False`` in settings (``SESSION_COOKIE_SECURE = False``), and ``res.cookie()`` without
  ``secure: true`` in JavaScript. A flag given a non-literal value is left to it;
* ``xss-unescaped-render``: a request handler returning request data as HTML (a string,
  ``Response``/``HttpResponse``/``make_response`` of one), ``mark_safe``/``Markup`` of
  request data, and Jinja2 or Mako templates with autoescaping off (``Environment()``
  without ``autoescape``, ``autoescape=False``, ``{% autoescape off %}``).
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.dataflow import FileFlow, bound_expr, enclosing_view, flow_of, lambda_file, web_python
from triage.rules.fileinfo import FileInfo, FileRule, truncate
from triage.rules.flow import _JS_SOURCE, _js_carries as _js_carries_ts, _js_tainted_names
from triage.rules.python_ast import dotted
from triage.rules.tokens import JAVASCRIPT, PYTHON

_PY_SOURCE = re.compile(r"\brequest\.|\.(?:route|get|post|put|patch|delete|api_route)\(\s*[\"'][^\"'\n]*[<{]")
"""Python: every request-data finding needs the request's data read somewhere in the file (or a
route whose URL has parameters); searched once per file, shared by the rules that ask."""
_PY_VIEW = re.compile(r"@[\w.]+\.(?:route|get|post|put|patch|delete|api_route|websocket)\(|@api_view|@view_config"
                      r"|def \w+\(\s*(?:self\s*,\s*)?req(?:uest)?\b")
"""Python: a request handler is defined in the file (a route decorator, or a view taking ``request``)."""


def has_request_source(fi: FileInfo) -> bool:
    """The file reads request data: JavaScript ``req.query``/...; Python ``request.`` (or a
    parametrized route) in a module that imports a web framework, or an AWS Lambda handler's
    ``event`` (:func:`~triage.rules.dataflow.lambda_file`; by its text: no parsing)."""
    if fi.lang == JAVASCRIPT:
        return fi.once(("request-source", fi.lang), lambda: bool(_JS_SOURCE.search(fi.text)))
    return fi.once(("request-source", fi.lang), lambda: bool(_PY_SOURCE.search(fi.text)) and web_python(fi)
                   or lambda_file(fi))


def has_view(fi: FileInfo) -> bool:
    """The Python file defines a request handler."""
    return fi.once("python-view", lambda: bool(_PY_VIEW.search(fi.text)))


def _js_tainted(fi: FileInfo) -> set[str]:
    """JavaScript names bound to request data (the request-flow rules' declarations, once per file)."""
    return fi.once("js-tainted", lambda: _js_tainted_names(fi.stream))


def _js_carries(fi: FileInfo, a: int, b: int, names: set[str]) -> bool:
    return _js_carries_ts(fi.stream, a, b, names)


def js_calls_carrying(fi: FileInfo, wanted, index: int) -> Iterator[tuple[int, str]]:
    """``(token index, callee)`` of the JavaScript calls ``wanted(callee)`` accepts whose argument
    ``index`` carries request data (a ``req.*`` read, or a name declared from one)."""
    if not _JS_SOURCE.search(fi.text):
        return
    ts = fi.stream
    names = _js_tainted(fi)
    for i, name, _start in ts.calls():
        if wanted(name):
            args = ts.args(i)
            if len(args) > index and _js_carries(fi, *args[index], names):
                yield i, name


class FlowRule(FileRule):
    """A rule with a JavaScript part (``_js``) and a Python part run on the file's data flow (``_py``),
    once :meth:`wants` lets the file through."""

    def wants(self, fi: FileInfo) -> bool:
        return True

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if not self.wants(fi):
            return
        if fi.lang == JAVASCRIPT:
            yield from self._js(fi)
            return
        flow = flow_of(fi)
        if flow is not None:
            yield from self._py(fi, flow)

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        return iter(())

    def _py(self, fi: FileInfo, flow: FileFlow) -> Iterator[Finding]:
        return iter(())


def _src(node: ast.AST, n: int = 50) -> str:
    try:
        return truncate(ast.unparse(node), n)
    except Exception:  # noqa: BLE001 - a tree ast.unparse cannot print
        return "…"


def _function_text(fi: FileInfo, fn: ast.AST | None) -> str:
    if fn is None:
        return fi.text
    return "\n".join(fi.lines[fn.lineno - 1:(fn.end_lineno or fn.lineno)])  # type: ignore[attr-defined]


# ------------------------------------------------------------------ open redirect

_REDIRECTS = {"redirect", "HttpResponseRedirect", "HttpResponsePermanentRedirect", "RedirectResponse",
              "HTTPFound", "HTTPSeeOther", "HTTPTemporaryRedirect", "HTTPMovedPermanently", "HTTPPermanentRedirect"}
_REDIRECT_GUARD = re.compile(
    r"url_has_allowed_host_and_scheme|is_safe_url|is_safe_redirect|safe_redirect|\bnetloc\b|\.hostname\b"
    r"|allowed_hosts|ALLOWED_REDIRECT|is_relative_url|urljoin\(\s*request\.host_url")
_FIXED_PATH = re.compile(r"^/(?![/\\])\S|^[a-z][a-z0-9+.-]*://[^/{}\s]+/", re.I)


def _prefix(node: ast.AST) -> str | None:
    """The literal text an expression starts with, when it has one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        return _prefix(node.values[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _prefix(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _prefix(node.func.value)
    return None


def _fixed_target(node: ast.AST, fn: ast.AST | None) -> bool:
    """The URL starts with a fixed path on this site or a fixed host."""
    expr: ast.AST | None = node
    if isinstance(node, ast.Name) and fn is not None:
        expr = None
        for sub in ast.walk(fn):
            if isinstance(sub, ast.Assign) and sub.lineno < node.lineno and any(
                    isinstance(t, ast.Name) and t.id == node.id for t in sub.targets):
                expr = sub.value  # the last assignment above the use
    if expr is None:
        return False
    head = _prefix(expr)
    return bool(head and _FIXED_PATH.match(head))


def _only_query_tainted(expr: ast.AST, flow: FileFlow) -> bool:
    """Request data enters the URL only after a literal ``?`` or ``#``: it cannot change the host."""
    parts: list[ast.AST] = []
    if isinstance(expr, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.FormattedValue) else v for v in expr.values]
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        def flatten(n: ast.AST) -> None:
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
                flatten(n.left)
                flatten(n.right)
            else:
                parts.append(n)
        flatten(expr)
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod) and isinstance(expr.left, ast.Constant) \
            and isinstance(expr.left.value, str) and isinstance(expr.right, ast.Tuple):
        pieces = re.split(r"%[sdr]", expr.left.value)
        for k, piece in enumerate(pieces):
            parts.append(ast.Constant(piece))
            if k < len(expr.right.elts):
                parts.append(expr.right.elts[k])
    if not parts:
        return False
    for part in parts:
        if isinstance(part, ast.Constant):
            if isinstance(part.value, str) and ("?" in part.value or "#" in part.value):
                return True
            continue
        if flow.tainted(part, "url"):
            return False
    return False


@register
class OpenRedirect(FlowRule):
    id = "open-redirect"
    severity = "medium"
    kind = "ast"
    cwe = "CWE-601"
    question = "Is the target limited to this site's paths or to an allowlist of hosts?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("redirect", "location", "httpfound")

    def wants(self, fi: FileInfo) -> bool:
        # a test redirects to whatever it tests; without request data, nothing to follow
        return not fi.is_test and has_request_source(fi)

    def _py(self, fi: FileInfo, flow: FileFlow) -> Iterator[Finding]:
        for call, name in flow.calls(lines=fi.added):
            last = name.rsplit(".", 1)[-1]
            target: ast.AST | None = None
            if last in _REDIRECTS:
                target = next((k.value for k in call.keywords if k.arg in ("location", "url", "to", "redirect_to")),
                              call.args[0] if call.args else None)
            elif last in ("Response", "HttpResponse", "make_response", "web.Response"):
                headers = next((k.value for k in call.keywords if k.arg == "headers"), None)
                if isinstance(headers, ast.Dict):
                    target = next((v for k, v in zip(headers.keys, headers.values)
                                   if isinstance(k, ast.Constant) and str(k.value).lower() == "location"), None)
            if target is not None:
                yield from self._check(fi, flow, target, call.lineno)
        for node in fi.nodes(ast.Assign):
            if not fi.touches(node.lineno, node.end_lineno or node.lineno):
                continue
            for t in node.targets:
                is_header = (isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant)
                             and str(t.slice.value).lower() == "location")
                is_attr = isinstance(t, ast.Attribute) and t.attr == "location" and dotted(t.value) not in ("window", "document")
                if is_header or is_attr:
                    yield from self._check(fi, flow, node.value, node.lineno)

    def _check(self, fi: FileInfo, flow: FileFlow, target: ast.AST, line: int) -> Iterator[Finding]:
        if not flow.tainted(target, "url"):
            return
        fn = flow.function_at(line)
        if _fixed_target(target, fn) or _REDIRECT_GUARD.search(_function_text(fi, fn)) \
                or _only_query_tainted(bound_expr(target, fn), flow):
            return
        yield self.hit(fi, line, f"request data decides where this redirects: {_src(target)}")

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        if _REDIRECT_GUARD.search(fi.text):
            return
        ts = fi.stream
        names = _js_tainted(fi)
        for i, name, _start in ts.calls():
            if not name.endswith(".redirect") or name.split(".")[0] not in ("res", "response", "reply", "ctx", "h"):
                continue
            args = ts.args(i)
            if not args:
                continue
            a, b = args[-1]
            first = ts.toks[a]
            if first.kind == "str" and _FIXED_PATH.match(first.text.split("\x00", 1)[0]):
                continue
            if _js_carries(fi, a, b, names):
                yield self.hit(fi, ts.toks[i].line, f"check: request data may decide where {name}() sends the browser",
                               "low")


# ------------------------------------------------------------------ trust boundary

_SESSION_STORE = re.compile(r"session\s*\[[^\]\n]*\]\s*\+?=(?!=)|session\.(?:update|setdefault|__setitem__|put|set)\("
                            r"|session\.\w+\s*=(?!=)")
"""A value stored into a session (every finding's line, or the statement starting there)."""


def _is_session(node: ast.AST, flow: FileFlow) -> bool:
    """``session`` (Flask's, or any name bound to ``...session``), ``request.session``, ``self.request.session``."""
    name = dotted(node)
    if not name:
        return False
    q = flow.qualified(name)
    return q in ("flask.session", "quart.session") or name in ("session", "request.session", "self.request.session",
                                                               "req.session")


@register
class TrustBoundaryViolation(FlowRule):
    id = "trust-boundary-violation"
    severity = "medium"
    kind = "ast"
    cwe = "CWE-501"
    question = "Is this request value validated before the session trusts it?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("session",)

    def wants(self, fi: FileInfo) -> bool:
        # a test fills the session with whatever it tests; no store into a session, or no request data
        return not fi.is_test and bool(_SESSION_STORE.search(fi.near_added_text)) and has_request_source(fi)

    def _py(self, fi: FileInfo, flow: FileFlow) -> Iterator[Finding]:
        for node in fi.nodes(ast.Assign, ast.AugAssign):
            if not fi.touches(node.lineno, node.end_lineno or node.lineno):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Subscript) and _is_session(t.value, flow):
                    if flow.tainted(node.value, "session") or flow.tainted(t.slice, "session"):
                        what = _src(node.value if flow.tainted(node.value, "session") else t.slice, 40)
                        yield self.hit(fi, node.lineno, f"request data is stored in the session unchecked: {what}")
        for call, name in flow.calls(lines=fi.added):
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr not in ("update", "setdefault", "__setitem__",
                                                                        "put", "set"):
                continue
            if not _is_session(func.value, flow):
                continue
            args = list(call.args) + [k.value for k in call.keywords]
            bad = next((a for a in args if flow.tainted(a, "session")), None)
            if bad is not None:
                yield self.hit(fi, call.lineno, f"request data is stored in the session unchecked: {_src(bad, 40)}")

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        names = _js_tainted(fi)
        for i, t in enumerate(toks):
            if t.kind != "name" or t.value != "session" or i < 2 or toks[i - 1].value != ".":
                continue
            if toks[i - 2].value not in ("req", "request", "ctx"):
                continue
            k = i + 1
            while k < len(toks) and k - i < 8 and toks[k].value not in ("=",):
                if toks[k].value in (";", "(", ")"):
                    break
                k += 1
            if k >= len(toks) or toks[k].value != "=" or toks[k].line != t.line:
                continue
            a, b = ts.stmt_bounds(k + 1) if k + 1 < len(toks) else (k + 1, k + 1)
            if _js_carries(fi, k + 1, b, names):
                yield self.hit(fi, t.line, "check: request data may be stored in the session unchecked", "low")


# ------------------------------------------------------------------ cookies

_COOKIE_CALLS = {"set_cookie", "set_signed_cookie"}
_COOKIE_HINT = re.compile(r"set_(?:signed_)?cookie|COOKIE_(?:SECURE|HTTPONLY)|\.cookie\(|(?:secure|httpOnly)\s*:\s*false")
"""Every cookie finding's line holds one of these."""
_POSITIONAL = {"secure": 6, "httponly": 7, "samesite": 8}
_SETTINGS = {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SECURE",
             "REMEMBER_COOKIE_HTTPONLY"}
_SENSITIVE_COOKIE = re.compile(r"sess|auth|token|remember|login|user|jwt|sid|csrf|key|secret|account", re.I)
_SESSION_COOKIE = re.compile(r"^(?!.*[cx]srf).*(?:sess|auth|token|remember|login|jwt|(?<![a-z])sid(?![a-z]))", re.I)
"""A cookie that identifies the user: it wants HttpOnly even when it is Secure (a CSRF cookie
is read by scripts on purpose)."""


def _flag(call: ast.Call, name: str) -> ast.AST | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    pos = _POSITIONAL[name]
    return call.args[pos] if len(call.args) > pos else None


def _literal(node: ast.AST | None):
    return node.value if isinstance(node, ast.Constant) else ...


@register
class InsecureCookie(FileRule):
    id = "insecure-cookie"
    severity = "medium"
    kind = "ast"
    cwe = "CWE-614"
    question = "Should this cookie be Secure, HttpOnly and SameSite?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("cookie",)

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.is_test or not _COOKIE_HINT.search(fi.near_added_text):
            return  # a test's cookies never reach a browser
        if fi.lang == JAVASCRIPT:
            yield from self._js(fi)
            return
        if fi.tree is None:
            return
        for call in fi.nodes(ast.Call):
            if not fi.touches(call.lineno, call.end_lineno or call.lineno):
                continue
            func = call.func
            last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            valued = len(call.args) >= 2 or any(k.arg == "value" for k in call.keywords)  # not a cookie jar's
            if last in _COOKIE_CALLS and valued and not any(k.arg is None for k in call.keywords) and not any(
                    isinstance(a, ast.Starred) for a in call.args):
                msg = self._cookie_call(call)
                if msg:
                    yield self.hit(fi, call.lineno, msg)
            elif last == "update" and dotted(func.value if isinstance(func, ast.Attribute) else func).endswith("config"):
                for k in call.keywords:
                    if k.arg in _SETTINGS and _literal(k.value) is False:
                        yield self.hit(fi, k.value.lineno, f"{k.arg}=False sends the cookie without that protection")
        for node in fi.nodes(ast.Assign):
            if not fi.touches(node.lineno, node.end_lineno or node.lineno) or _literal(node.value) is not False:
                continue
            for t in node.targets:
                key = t.id if isinstance(t, ast.Name) else (
                    t.slice.value if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) else "")
                if key in _SETTINGS:
                    yield self.hit(fi, node.lineno, f"{key} = False sends the cookie without that protection")

    @staticmethod
    def _cookie_call(call: ast.Call) -> str:
        secure, httponly, samesite = (_flag(call, n) for n in ("secure", "httponly", "samesite"))
        name = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "key"), None)
        value = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "value"), None)
        expiry = [k.value for k in call.keywords if k.arg in ("max_age", "expires")]
        if _literal(value) == "" or any(_literal(e) == 0 for e in expiry):
            return ""  # deleting the cookie
        label = repr(name.value) if isinstance(name, ast.Constant) else "this cookie"
        problems = []
        if secure is None or _literal(secure) is False:
            problems.append("without Secure (it travels over plain HTTP)")
        named = str(name.value) if isinstance(name, ast.Constant) else ""
        if _literal(httponly) is False or (httponly is None and named and (
                (problems and _SENSITIVE_COOKIE.search(named))
                or (_literal(secure) is True and _SESSION_COOKIE.search(named)))):
            problems.append("without HttpOnly (scripts can read it)")
        if _literal(samesite) in ("None", "none", None) and samesite is not None and _literal(secure) is not True:
            problems.append("with SameSite=None")
        if not problems:
            return ""
        missing = [n for n, v in (("HttpOnly", httponly), ("SameSite", samesite)) if v is None]
        tail = f"; {', '.join(missing)} not set either" if missing and "HttpOnly" not in " ".join(problems) else ""
        return f"set_cookie({label}) {' and '.join(problems)}{tail}"

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        for i, name, _start in ts.calls():
            if not name.endswith(".cookie") or name.split(".")[0] not in ("res", "response", "reply", "ctx"):
                continue
            args = ts.args(i)
            if len(args) < 2:
                continue
            opts = ts.keys_in(*args[2]) if len(args) >= 3 and toks[args[2][0]].value == "{" else None
            if len(args) >= 3 and opts is None:
                continue  # options from a variable: cannot tell
            secure = toks[opts["secure"]].value if opts and "secure" in opts else None
            if secure in (None, "false"):
                yield self.hit(fi, toks[i].line, f"{name}() without secure: true sends the cookie over plain HTTP")
        for i, t in enumerate(toks):
            if t.kind == "name" and t.value in ("secure", "httpOnly") and i + 2 < len(toks) and toks[i + 1].value == ":" \
                    and toks[i + 2].value == "false" and "cookie" in fi.line(t.line).lower() + fi.line(t.line - 1).lower():
                yield self.hit(fi, t.line, f"cookie option {t.value}: false")


# ------------------------------------------------------------------ XSS (Python, with data flow)

_HTML_RESPONSES = {"Response", "HttpResponse", "make_response", "HTMLResponse", "web.Response", "StreamingHttpResponse"}
_NOT_HTML = re.compile(r"json|text/plain|csv|octet-stream|javascript|xml|image/|application/", re.I)
_MARK_SAFE = {"mark_safe", "Markup", "SafeString", "SafeText", "render_template_string"}
_AUTOESCAPE_OFF = re.compile(r"\{%-?\s*autoescape\s+(?:off|false)\s*-?%\}", re.I)


def _plain_type(call: ast.Call) -> bool:
    """A response whose content type is not HTML (``mimetype="application/json"``)."""
    for k in call.keywords:
        if k.arg in ("mimetype", "content_type", "media_type") and isinstance(k.value, ast.Constant):
            return bool(_NOT_HTML.search(str(k.value.value)))
    return False


def python_xss(fi: FileInfo, seen: set[int]) -> Iterator[tuple[int, str]]:
    """``(line, message)`` of the flow-based XSS findings of a Python file (``seen`` lines skipped)."""
    flow = flow_of(fi) if not fi.is_test else None
    if flow is None:
        return  # (a test's handlers echo what the test sends them)
    for node in fi.nodes(ast.Return):
        if node.value is None or node.lineno in seen or not fi.touches(node.lineno, node.end_lineno or node.lineno):
            continue
        fn = enclosing_view(flow, node)
        if fn is None or isinstance(node.value, (ast.Dict, ast.List)) or not _answers_requests(fn):
            continue
        value = node.value.elts[0] if isinstance(node.value, ast.Tuple) and node.value.elts else node.value
        line = node.lineno
        if isinstance(value, ast.Name) and _response_name_plain(fn, value.id):
            continue
        if isinstance(value, ast.Name):
            bound = bound_expr(value, fn)
            callee = dotted(bound.func).rsplit(".", 1)[-1] if isinstance(bound, ast.Call) else ""
            if callee in _HTML_RESPONSES:
                value, line = bound, bound.lineno  # resp = make_response(html) ... return resp: the html
                if line in seen:
                    continue
            elif _NOT_TEXT.search(callee):
                continue  # a redirect, a JSON response, a rendered template: not text the handler wrote
        if isinstance(value, ast.Call):
            last = dotted(value.func).rsplit(".", 1)[-1]
            if last not in _HTML_RESPONSES or _plain_type(value) or not value.args:
                continue
            value = value.args[0]
            if isinstance(value, ast.Tuple) and value.elts:
                value = value.elts[0]  # make_response((body, status, headers)): only the body is the page
        if flow.tainted(value, "html"):
            seen.add(line)
            yield line, f"request data is returned as HTML without escaping: {_src(value, 40)}"
    yield from _stored_html(fi, flow, seen)
    for call, name in flow.calls(lines=fi.added):
        last = name.rsplit(".", 1)[-1]
        if call.lineno in seen or not call.args:
            continue
        if last in _MARK_SAFE and flow.tainted(call.args[0], "html"):
            seen.add(call.lineno)
            yield call.lineno, f"{last}() trusts request data as HTML: {_src(call.args[0], 40)}"
        elif last in _HTML_RESPONSES and last != "make_response" and not _plain_type(call) \
                and enclosing_view(flow, call) is not None and flow.tainted(call.args[0], "html"):
            seen.add(call.lineno)
            yield call.lineno, f"{last}() sends request data as HTML without escaping: {_src(call.args[0], 40)}"
        elif isinstance(call.func, ast.Attribute) and call.func.attr == "write" \
                and dotted(call.func.value) in ("response", "resp", "self.response") and flow.tainted(call.args[0], "html"):
            seen.add(call.lineno)
            yield call.lineno, f"request data is written into the response without escaping: {_src(call.args[0], 40)}"


_HTML_TAG = re.compile(r"<\s*/?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>|<[a-zA-Z][\w-]*\s+[\w-]+\s*=")
"""Markup in a literal: a tag (``<p>``, ``</a>``) or the start of one with an attribute."""


def _html_template(node: ast.AST, fn: ast.AST) -> bool:
    """``node`` fills a literal holding HTML markup: ``'<a href="%s">' % x``, ``tmpl.format(x)``
    of such a literal bound above, an f-string or a ``+`` chain with markup in its text."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values) and any(
            isinstance(v, ast.Constant) and _HTML_TAG.search(str(v.value)) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts, stack = [], [node]
        while stack:
            n = stack.pop()
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
                stack += [n.left, n.right]
            else:
                parts.append(n)
        return any(isinstance(x, ast.Constant) and isinstance(x.value, str) and _HTML_TAG.search(x.value)
                   for x in parts) and not all(isinstance(x, ast.Constant) for x in parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        tmpl, slot = bound_expr(node.left, fn), re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sr]")
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        tmpl, slot = bound_expr(node.func.value, fn), re.compile(r"\{[^{}]*\}")
    else:
        return False
    return isinstance(tmpl, ast.Constant) and isinstance(tmpl.value, str) and bool(
        _HTML_TAG.search(tmpl.value) and slot.search(tmpl.value))


def _stored_html(fi: FileInfo, flow: FileFlow, seen: set[int]) -> Iterator[tuple[int, str]]:
    """HTML built from request data and stored in a container or an attribute
    (``context["html"] = link % text``): the flow is not followed past the store, and a
    template given it must mark it safe to show it as markup, so it is reported where it is
    built. A local name is followed to where it is returned or marked safe instead."""
    for node in fi.nodes(ast.Assign):
        if node.lineno in seen or not fi.touches(node.lineno, node.end_lineno or node.lineno):
            continue
        if not all(isinstance(t, (ast.Subscript, ast.Attribute)) for t in node.targets):
            continue
        fn = enclosing_view(flow, node) or flow.function_at(node.lineno, node)
        if fn is None or not _answers_requests(fn) or not _html_template(node.value, fn):
            continue  # (a helper that answers with a rendered page counts: the context goes there)
        if flow.tainted(node.value, "html"):
            seen.add(node.lineno)
            yield node.lineno, (f"HTML is built from request data without escaping and stored in "
                                f"{_src(node.targets[0], 30)}: {_src(node.value, 40)}")


_NOT_TEXT = re.compile(r"Redirect|redirect|Json|json|render|Template|FileResponse|Streaming|^abort$")
_RESPONSE_CALLS = re.compile(r"(?:^|\.)(?:\w*Response\w*|make_response|render\w*|redirect|jsonify|abort|send_file)$")


def _answers_requests(fn: ast.AST) -> bool:
    """A route, a class-based view's method, or a function that returns a response somewhere:
    what it returns goes to the browser (``get_language_from_request(request)`` returns a value)."""
    from triage.rules.dataflow import is_route

    if is_route(fn) or getattr(fn, "name", "") in ("get", "post", "put", "patch", "delete", "dispatch"):
        return True
    for sub in ast.walk(fn):
        if isinstance(sub, ast.Return) and isinstance(sub.value, ast.Call) and _RESPONSE_CALLS.search(dotted(sub.value.func)):
            return True
    return False


def _response_name_plain(fn: ast.AST, name: str) -> bool:
    """``resp = Response(..., mimetype="application/json")`` above: the returned name is not HTML."""
    for sub in ast.walk(fn):
        if isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Call) and any(
                isinstance(t, ast.Name) and t.id == name for t in sub.targets):
            if _plain_type(sub.value) or dotted(sub.value.func).rsplit(".", 1)[-1] in ("jsonify", "JsonResponse"):
                return True
        if isinstance(sub, ast.Assign) and any(isinstance(t, ast.Attribute) and dotted(t.value) == name
                                               and t.attr in ("mimetype", "content_type") for t in sub.targets):
            if isinstance(sub.value, ast.Constant) and _NOT_HTML.search(str(sub.value.value)):
                return True
    return False


def autoescape_off(fi: FileInfo) -> Iterator[tuple[int, str]]:
    """Templates and template engines with autoescaping off: ``(line, message)``."""
    if fi.lang == PYTHON and fi.tree is not None:
        for call in fi.nodes(ast.Call):
            if not fi.touches(call.lineno, call.end_lineno or call.lineno):
                continue
            q = fi.aliases.resolve(call.func) if fi.aliases else dotted(call.func)
            kws = {k.arg: k.value for k in call.keywords}
            if None in kws:
                continue
            if q in ("jinja2.Environment", "jinja2.Template", "jinja2.environment.Environment", "jinja2.Template"):
                ae = kws.get("autoescape")
                if ae is None or _literal(ae) is False:
                    how = "autoescape=False" if ae is not None else "no autoescape (Jinja2's default is off)"
                    yield call.lineno, f"{q.rsplit('.', 1)[-1]}() with {how} renders variables unescaped"
            elif q in ("mako.template.Template", "mako.lookup.TemplateLookup"):
                filters = kws.get("default_filters")
                if filters is None or not re.search(r"['\"]h['\"]", _src(filters, 200)):
                    yield call.lineno, f"{q.rsplit('.', 1)[-1]}() without default_filters=['h'] renders variables unescaped"
        for d in fi.nodes(ast.Dict):
            for k, v in zip(d.keys, d.values):
                if (isinstance(k, ast.Constant) and k.value == "autoescape" and v is not None
                        and _literal(v) is False and k.lineno in fi.added):
                    yield k.lineno, "'autoescape': False in template options renders every variable unescaped"
        for node in fi.nodes(ast.Assign):
            if node.lineno in fi.added and _literal(node.value) is False and any(
                    isinstance(t, ast.Attribute) and t.attr == "autoescape" for t in node.targets):
                yield node.lineno, "autoescape = False renders template variables unescaped"
        return
    if "autoescape" in fi.lower:
        for n in sorted(fi.added):
            line = fi.line(n)
            if len(line) < 4000 and _AUTOESCAPE_OFF.search(line):
                yield n, "{% autoescape off %} renders the variables below unescaped"




# ------------------------------------------------------------------ weak randomness reaching a secret

def _key_text(node: ast.AST, flow: FileFlow) -> str:
    """The text of a subscript's key when it is known: a literal, a name bound to one, or the
    constant parts of an f-string (``store[f"remember_me_{uid}"]``)."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    v = flow.value(node)
    if v is not None and v.has_lit and isinstance(v.lit, str):
        return v.lit
    if isinstance(node, ast.Name):
        fn = flow.function_at(node.lineno)
        bound = bound_expr(node, fn)
        if bound is not node and not isinstance(bound, ast.Name):
            return _key_text(bound, flow)
    if isinstance(node, ast.JoinedStr):
        return "_".join(str(p.value) for p in node.values if isinstance(p, ast.Constant))
    return ""


def random_reaches_secret(fi: FileInfo, line: int) -> str:
    """Where a ``random.*`` value drawn on ``line`` ends up, when that is a cookie, the
    session, a response header or a security-named variable ("" when nowhere such)."""
    from triage.rules.dataflow import RANDOM
    from triage.rules.names import is_security_value

    flow = flow_of(fi)
    if flow is None:
        return ""
    fn = flow.function_at(line)
    scope = fn if fn is not None else fi.tree
    if scope is None:
        return ""
    for node in ast.walk(scope):
        if isinstance(node, ast.Call):
            func = node.func
            last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            args = list(node.args) + [k.value for k in node.keywords]
            if last in _COOKIE_CALLS and any(flow.tainted(a, RANDOM) for a in args):
                return "a cookie"
            if last in ("update", "setdefault") and isinstance(func, ast.Attribute) and _is_session(func.value, flow) \
                    and any(flow.tainted(a, RANDOM) for a in args):
                return "the session"
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not flow.tainted(node.value, RANDOM):
                continue
            for t in targets:
                if isinstance(t, ast.Subscript) and _is_session(t.value, flow):
                    return "the session"
                key = _key_text(t.slice, flow) if isinstance(t, ast.Subscript) else ""
                if key and is_security_value(key):
                    return repr(key)
                name = t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else ""
                if name and is_security_value(name):
                    return name
    return ""
