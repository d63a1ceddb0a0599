"""Provides the insecure-default and network rules: TLS verification, timeouts,
CORS wildcards and debug mode.

``missing-timeout`` uses the Python ``ast`` (keyword arguments spread over lines,
import aliases, ``requests.Session()`` objects) and JS tokens (``fetch`` without a
``signal``, axios without a timeout). ``insecure-tls-verify`` is lexical and runs
on any language (``verify=False``, ``rejectUnauthorized: false``,
``InsecureSkipVerify: true``, ``curl -k``, ``NODE_TLS_REJECT_UNAUTHORIZED=0``).
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.data import load
from triage.rules.fileinfo import FileInfo, FileRule, truncate
from triage.rules.python_ast import dotted
from triage.rules.tokens import GO, JAVASCRIPT, PYTHON

_OFF = {"False", "false", "0", "'0'", '"0"', "None", "nil"}
_VERIFY_NAMES = {"verify", "check_hostname", "rejectUnauthorized", "strictSSL", "verify_ssl", "ssl_verify",
                 "verifySSL", "verify_certs", "validate_certs", "sslVerify", "tls_verify", "verify_tls"}
_SKIP_NAMES = {"InsecureSkipVerify", "insecureSkipVerify", "insecure", "allowInsecure", "skip_tls_verify", "tls_skip_verify", "insecure_skip_verify"}
_TLS_WORDS = re.compile(r"(?<![a-z])(?:ssl|tls|https|certs?|certificates?|x509|ca_?bundle)(?![a-z])")
"""Words that make a lower-cased file one about TLS (for the ambiguous name ``insecure``)."""
_ENV_LINE = re.compile(
    r"\b(?:NODE_TLS_REJECT_UNAUTHORIZED\s*[=:]\s*[\"']?0\b|PYTHONHTTPSVERIFY\s*[=:]\s*[\"']?0\b|GIT_SSL_NO_VERIFY\s*[=:]\s*[\"']?(?:1|true)\b"
    r"|\bcurl\b[^|;&\n]{0,200}?\s(?:-k|--insecure)\b|\bwget\b[^|;&\n]{0,200}?\s--no-check-certificate\b"
    r"|\bsslVerify\s*=\s*false\b|InsecureSkipVerify\s*:\s*true\b|\bstrict-ssl\s*[=:]\s*false\b)",
    re.I,
)


@register
class InsecureTlsVerify(FileRule):
    id = "insecure-tls-verify"
    severity = "high"
    kind = "token"
    cwe = "CWE-295"
    question = "Why not a custom CA bundle?"
    needles = ("verify", "cert_none", "hostname", "reject", "strictssl", "insecure", "unverified", "ssl", "curl", "wget", "tls")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        seen: set[int] = set()
        if fi.lang in (PYTHON, JAVASCRIPT, GO):
            ts = fi.stream
            toks = ts.toks
            n = len(toks)
            jwt_ranges: list[tuple[int, int]] = []
            for i, name, _s in ts.calls():
                if re.search(r"(?:^|\.)(?:jwt|jose)\.decode$", name):
                    jwt_ranges.append((i, ts.close_of(i)))
            for i, t in enumerate(toks):
                if t.kind == "name" and t.value in ("CERT_NONE", "ssl.CERT_NONE") or (t.kind == "name" and t.value == "_create_unverified_context"):
                    j = i
                    while j >= 2 and toks[j - 1].value == "." and toks[j - 2].kind == "name":
                        j -= 2
                    if i + 1 < n and toks[i + 1].value in ("==", "!=", "is", "===", "!=="):
                        continue
                    if j > 0 and toks[j - 1].value in ("==", "!=", "is", "import", "===", "!==", "in"):
                        continue
                    seen.add(t.line)
                    yield self.hit(fi, t.line, f"{t.value} disables certificate verification")
                    continue
                if t.kind not in ("name", "str") or i + 2 >= n or toks[i + 1].value not in ("=", ":", ":="):
                    continue
                key = t.text if t.kind == "str" else t.value
                val = toks[i + 2]
                v = val.value if val.kind != "str" else repr(val.text)
                if key in _VERIFY_NAMES and (val.value in _OFF or (val.kind == "str" and val.text in ("0", "false"))):
                    if any(a < i < b for a, b in jwt_ranges):
                        continue  # jwt-signature-unverified covers this
                    if key == "verify" and fi.lang == JAVASCRIPT:
                        continue
                    seen.add(t.line)
                    yield self.hit(fi, t.line, f"{key}={v} turns off TLS certificate verification")
                elif key in _SKIP_NAMES and val.value in ("True", "true"):
                    if key == "insecure" and not _TLS_WORDS.search(fi.lower):
                        continue  # `insecure` alone is any flag (django's serve(insecure=True)); TLS only in a file about TLS
                    if key == "insecure" and t.kind == "name" and toks[i + 1].value == "=" and not (i and toks[i - 1].value in ("(", ",", ".")):
                        continue  # `insecure = True` names some flag of this code; a call's insecure=True is TLS's
                    seen.add(t.line)
                    yield self.hit(fi, t.line, f"{key}: {v} skips TLS certificate verification")
                elif key in ("NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY") and (val.value == "0" or val.kind == "str" and val.text == "0"):
                    seen.add(t.line)
                    yield self.hit(fi, t.line, f"{key}=0 turns off TLS certificate verification process-wide")
        for n in sorted(fi.added):
            if n in seen:
                continue
            line = fi.line(n)
            if line and len(line) <= 4000 and _ENV_LINE.search(line):
                if fi.lang in (PYTHON, JAVASCRIPT) and not re.search(r"NODE_TLS|PYTHONHTTPSVERIFY|curl|wget", line):
                    continue
                yield self.hit(fi, n, f"disables TLS certificate verification: {truncate(line.strip(), 60)}")


def _http_cfg() -> dict:
    return load("calls").get("http", {})


_JS_HTTP_NAME = re.compile(r"(?<![\w$])(?:fetch|axios)(?![\w$])")
"""``fetch`` or ``axios`` as a whole JavaScript identifier (not ``prefetch`` or ``fetchUser``)."""


def _main_block_lines(tree: ast.AST) -> set[int]:
    """Lines of the module's ``if __name__ == "__main__":`` blocks: a script someone runs by
    hand and watches (pygments' ``update_myself()``), where a hung request is seen and stopped."""
    out: set[int] = set()
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.comparators) == 1:
            sides = [node.test.left, node.test.comparators[0]]
            if any(isinstance(x, ast.Name) and x.id == "__name__" for x in sides) and any(
                    isinstance(x, ast.Constant) and x.value == "__main__" for x in sides):
                for stmt in node.body:
                    out.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return out


@register
class MissingTimeout(FileRule):
    id = "missing-timeout"
    severity = "medium"
    kind = "ast"
    cwe = "CWE-1088"
    question = "What is the deadline, and what happens when it passes?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("requests", "urlopen", "httpx", "http.client", "httplib", "fetch", "axios", "urllib")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == PYTHON:
            yield from self._py(fi)
        else:
            yield from self._js(fi)

    def _py(self, fi: FileInfo) -> Iterator[Finding]:
        tree = fi.tree
        if tree is None or fi.aliases is None:
            return
        cfg = _http_cfg().get("python", {})
        reqs = set(cfg.get("requests", []))
        factories = set(cfg.get("session_factories", []))
        methods = set(cfg.get("session_methods", []))
        urllib = set(cfg.get("urllib", []))
        hc = set(cfg.get("http_client", []))
        httpx = set(cfg.get("httpx", []))
        sessions: set[str] = set()
        for node in fi.nodes(ast.Assign, ast.withitem):
            value, targets = None, []
            if isinstance(node, ast.Assign):
                value, targets = node.value, node.targets
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                value, targets = node.context_expr, [node.optional_vars]
            if isinstance(value, ast.Call) and fi.aliases.resolve(value.func) in factories:
                for t in targets:
                    name = dotted(t)
                    if name:
                        sessions.add(name)
        script = _main_block_lines(tree)
        for node in fi.nodes(ast.Call):
            if not fi.touches(node.lineno, node.end_lineno or node.lineno) or node.lineno in script:
                continue
            q = fi.aliases.resolve(node.func)
            kws = {k.arg: k.value for k in node.keywords}
            if None in kws:  # **kwargs: can't tell
                continue
            tmo = kws.get("timeout")
            is_none = isinstance(tmo, ast.Constant) and tmo.value is None
            obj, _, meth = q.rpartition(".")
            if q in reqs or (meth in methods and (obj in sessions or obj.endswith(("requests.Session()", "requests.session()")))):
                if tmo is None:
                    yield self.hit(fi, node.lineno, f"{q}() has no timeout: it can wait forever on a slow server")
                elif is_none:
                    yield self.hit(fi, tmo.lineno, f"{q}(timeout=None) waits forever on a slow server")
            elif q in urllib:
                pos = int(cfg.get("urllib_timeout_pos", 2))
                if tmo is None and len(node.args) <= pos:
                    yield self.hit(fi, node.lineno, f"{q}() has no timeout (the default is the global socket timeout: none)")
                elif is_none:
                    yield self.hit(fi, tmo.lineno, f"{q}(timeout=None) waits forever")
            elif q in hc:
                pos = int(cfg.get("http_client_timeout_pos", 2))
                if tmo is None and len(node.args) <= pos:
                    yield self.hit(fi, node.lineno, f"{q}() has no timeout")
            elif q in httpx and is_none:
                yield self.hit(fi, tmo.lineno, f"{q}(timeout=None) removes httpx's default 5 s deadline")

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        if not _JS_HTTP_NAME.search(fi.near_added_text):
            return  # every finding is a call of fetch or axios, named as a whole identifier
        ts = fi.stream
        toks = ts.toks
        methods = set(_http_cfg().get("javascript", {}).get("axios_methods", []))
        axios_default = bool(re.search(r"axios\.defaults\.timeout\s*=|defaults\.timeout\s*=", fi.text))
        for i, name, start in ts.calls():
            args = ts.args(i)
            if name in ("fetch", "window.fetch", "globalThis.fetch", "self.fetch") and not (start and toks[start - 1].value in (".", "function", "?.")):
                if not args:
                    continue
                if len(args) == 1:
                    yield self.hit(fi, toks[i].line, "fetch() without an AbortSignal has no deadline")
                else:
                    a, b = args[1]
                    if toks[a].value == "{":
                        if "signal" not in ts.keys_in(a, b) and not any(t.value == "..." for t in toks[a:b]):
                            yield self.hit(fi, toks[i].line, "fetch() options have no signal: the request has no deadline")
            elif name == "axios" or (name.startswith("axios.") and name.split(".", 1)[1] in methods):
                if axios_default:
                    continue
                c = ts.close_of(i)
                if "timeout" not in ts.keys_in(i + 1, c):
                    yield self.hit(fi, toks[i].line, f"{name}() without a timeout (axios waits forever by default)")
            elif name == "axios.create":
                c = ts.close_of(i)
                if "timeout" not in ts.keys_in(i + 1, c) and not axios_default:
                    yield self.hit(fi, toks[i].line, "axios.create() without a timeout: every request of this client can hang")


_CORS_REGEX_KEYS = ("allow_origin_regex", "CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST")
"""Settings whose values are origin regular expressions (Starlette/FastAPI, django-cors-headers)."""
_MATCH_ALL = re.compile(r"\^?(?:https\?://|https?://|\(https\?\)://)?\(?\.[*+]\)?\$?")


def _cors_regex_problem(key: str, toks: list) -> str:
    """What is wrong with the origin regexes at the start of ``toks`` (a string or a list of them), or ""."""
    pats: list[str] = []
    depth = 0
    for x in toks:
        if x.value in ("[", "(", "{"):
            depth += 1
        elif x.value in ("]", ")", "}"):
            depth -= 1
        elif x.kind == "str":
            pats.append(x.text)
        if depth <= 0 and (pats or x.value in (",", ")")):
            break
    for p in pats:
        if _MATCH_ALL.fullmatch(p):
            return f"{key} {p!r} matches every origin"
        if not p.endswith("$") and not p.endswith("\\Z"):
            return f"{key} {p!r} is not anchored at its end: the same origin with any suffix (….evil.example) matches"
    return ""


@register
class CorsWildcard(FileRule):
    id = "cors-wildcard"
    severity = "medium"
    kind = "token"
    cwe = "CWE-942"
    question = "Which origins need access, and with credentials?"
    needles = ("cors", "access-control-allow-origin", "allow_origins", "origin")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        creds_file = bool(re.search(r"allow_credentials\s*=\s*True|supports_credentials\s*=\s*True|credentials\s*:\s*true|Access-Control-Allow-Credentials['\"]?\s*[,:=]\s*['\"]?true|CORS_ALLOW_CREDENTIALS\s*=\s*True", fi.text, re.I))
        sev = "high" if creds_file else None
        seen: set[int] = set()
        if fi.lang in (PYTHON, JAVASCRIPT):
            ts = fi.stream
            toks = ts.toks
            n = len(toks)
            for i, t in enumerate(toks):
                key = t.text if t.kind == "str" else t.value if t.kind == "name" else ""
                if not key:
                    continue
                nxt = toks[i + 1].value if i + 1 < n else ""
                val = toks[i + 2] if i + 2 < n else None
                if val is None:
                    continue
                if key.lower() == "access-control-allow-origin" and any(x.kind == "str" and x.text == "*" for x in toks[i + 1:i + 4]):
                    seen.add(t.line)
                    yield self.hit(fi, t.line, "Access-Control-Allow-Origin: * lets any site read responses", sev)
                elif key in ("allow_origins", "origins", "origin", "CORS_ORIGINS", "CORS_ALLOWED_ORIGINS", "AllowOrigins") and nxt in ("=", ":"):
                    vals = toks[i + 2:i + 6]
                    regex_all = key == "origins" and "flask_cors" in fi.text and any(v.kind == "str" and _MATCH_ALL.fullmatch(v.text) for v in vals)
                    if (val.kind == "str" and val.text == "*") or (val.value == "[" and any(v.kind == "str" and v.text == "*" for v in vals)) or (key == "origin" and val.value == "true") or regex_all:
                        seen.add(t.line)
                        what = "origin: true reflects any origin" if val.value == "true" else f"{key} allows every origin (*)"
                        yield self.hit(fi, t.line, what, sev)
                elif key in _CORS_REGEX_KEYS and nxt in ("=", ":"):
                    what = _cors_regex_problem(key, toks[i + 2:i + 40])
                    if what:
                        seen.add(t.line)
                        yield self.hit(fi, t.line, what, sev)
                elif key in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL") and nxt == "=" and val.value == "True":
                    seen.add(t.line)
                    yield self.hit(fi, t.line, f"{key} = True allows every origin", sev)
            for i, name, start in ts.calls():
                if name in ("CORS", "cors") and i + 1 < n and toks[i + 1].value == ")" and (fi.lang == JAVASCRIPT or name == "CORS"):
                    if fi.lang == JAVASCRIPT and not re.search(r"""require\(\s*['"]cors['"]\s*\)|from\s+['"]cors['"]""", fi.text):
                        continue
                    seen.add(toks[i].line)
                    yield self.hit(fi, toks[i].line, f"{name}() with no options allows every origin", sev)
                elif name == "CORS" and fi.lang == PYTHON:
                    args = ts.args(i)
                    kws = {toks[a].value for a, b in args if b - a >= 2 and toks[a + 1].value == "="}
                    if len(args) == 1 and not kws:
                        seen.add(toks[i].line)
                        yield self.hit(fi, toks[i].line, "CORS(app) with no origins allows every origin", sev)
        for n in sorted(fi.added):
            if n in seen or fi.lang in (PYTHON, JAVASCRIPT):
                continue
            line = fi.line(n)
            if line and len(line) <= 4000 and re.search(r"Access-Control-Allow-Origin['\"]?\s*[:=]?\s*['\"]?\*", line, re.I):
                yield self.hit(fi, n, "Access-Control-Allow-Origin: * lets any site read responses", sev)


_DEV_PATH = re.compile(r"(^|/|_|-)(dev|devel|development|local|test|tests|testing|example|examples|sample|demo|docs?)(/|\.|_|-|$)", re.I)
_RUNNERS = {"run", "run_simple", "FastAPI", "Starlette", "Sanic", "Quart", "Litestar", "run_app", "Flask"}


@register
class DebugEnabled(FileRule):
    id = "debug-enabled"
    severity = "high"
    kind = "token"
    cwe = "CWE-489"
    question = "Can this reach production config?"
    languages = (PYTHON,)
    needles = ("debug",)

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if _DEV_PATH.search(fi.path):
            return
        ts = fi.stream
        toks = ts.toks
        n = len(toks)
        for i, t in enumerate(toks):
            if t.kind == "name" and t.value in ("DEBUG", "app.debug", "debug") and i + 2 < n and toks[i + 1].value == "=" and toks[i + 2].value == "True":
                if t.value == "debug" and not (i >= 2 and toks[i - 1].value == "." and toks[i - 2].value == "app"):
                    continue
                if t.value == "DEBUG" and (ts.depth[i] != 0 or (i and toks[i - 1].line == t.line and toks[i - 1].value not in (";",))):
                    continue
                yield self.hit(fi, t.line, "DEBUG = True: tracebacks and internals are shown to clients")
            elif t.kind == "str" and t.text == "DEBUG" and i >= 1 and toks[i - 1].value == "[" and i + 3 < n and toks[i + 2].value == "=" and toks[i + 3].value == "True":
                yield self.hit(fi, t.line, 'config["DEBUG"] = True: tracebacks and internals are shown to clients')
        for i, name, start in ts.calls():
            last = name.rsplit(".", 1)[-1]
            if last in _RUNNERS:
                kw = ts.kwarg(i, "debug")
                if kw and toks[kw[0]].value == "True":
                    yield self.hit(fi, toks[kw[0]].line, f"{name}(debug=True) enables the debugger (remote code execution if exposed)")
