"""Provides ``length-only-validation``: an input whose only check is its length, used where its content matters.

Python (``ast``, one function at a time): a parameter, or a value read from
the request (``request.args``/``form``/``json``/``GET``/``POST``...), is
guarded by ``len(x)`` (an ``if`` that raises, returns or aborts, or an
``assert``), nothing in the function checks its content (a regex, ``isdigit``,
``in`` a set, ``int()``, ``UUID()``, ``urlparse``, ``secure_filename``,
``escape``, any call named ``validate*``/``check*``/``clean*``/``sanitize*``/
``is_*``...), and it then reaches a sink where its characters matter:

* a path (``open``, ``Path``, ``os.path.join``, ``send_file``, ``os.remove``...),
* a query (``execute``, ``raw``, ``text`` or a string built for them),
* a URL (``requests``/``httpx`` calls, ``urlopen``, ``redirect``),
* HTML (``Markup``, ``mark_safe``, ``render_template_string``, an f-string with a tag),
* a shell argument (``subprocess.*``, ``os.system``, ``os.popen``),
* an email address or an id (a name like ``email``/``user_id``/``slug`` sent or looked up).

JavaScript (tokens, a "check" one severity lower): ``x.length`` compared in an
``if`` and ``x`` later passed to ``fs.*``, ``query``/``exec``, ``redirect``,
``fetch``/``axios`` or assigned to ``innerHTML``, with no ``.test(``,
``.match(``, ``validator.`` or encoding of it in the function.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.fileinfo import FileInfo, FileRule, demote, function_spans
from triage.rules.names import parts
from triage.rules.python_ast import dotted, own_nodes
from triage.rules.tokens import JAVASCRIPT, PYTHON

_SINKS = {
    "path": {"open", "Path", "os.path.join", "send_file", "send_from_directory", "os.remove", "os.unlink", "shutil.rmtree",
             "os.makedirs", "os.mkdir", "FileResponse", "pathlib.Path", "io.open", "os.rename", "shutil.copy", "shutil.move"},
    "query": {"execute", "executemany", "raw", "text", "extra", "executescript", "query"},
    "URL": {"requests.get", "requests.post", "requests.put", "requests.delete", "requests.request", "httpx.get",
            "httpx.post", "httpx.request", "urlopen", "urllib.request.urlopen", "redirect", "HttpResponseRedirect",
            "RedirectResponse"},
    "HTML": {"Markup", "mark_safe", "render_template_string", "format_html", "HTMLResponse", "SafeString"},
    "shell argument": {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
                       "subprocess.Popen", "os.system", "os.popen", "os.execv", "os.execvp", "os.spawnv"},
}
_LOOKUPS = {"get", "filter", "filter_by", "get_or_404", "find", "find_one", "lookup", "send_mail", "send", "send_email",
            "fetch", "load", "delete", "where", "get_object_or_404", "objects.get"}
_ID_WORDS = {"email", "mail", "id", "uuid", "username", "slug", "phone", "handle", "login", "sku", "code", "token"}
_CONTENT_CALLS = re.compile(
    r"(^|\.)(match|fullmatch|search|compile|findall|isdigit|isdecimal|isnumeric|isalnum|isalpha|isascii|isidentifier|"
    r"startswith|endswith|int|float|UUID|uuid|urlparse|urlsplit|secure_filename|escape|quote|quote_plus|"
    r"normpath|realpath|resolve|is_relative_to|relative_to|basename|ip_address|ip_network|"
    r"validate\w*|valid\w*|check\w*|clean\w*|sanitiz\w*|is_\w+|verify\w*|parse\w*|normaliz\w*|strptime|fromisoformat|"
    r"bleach\.clean|shlex\.quote|email_validator|validate_email|Decimal|translate|encode|isupper|islower)$")
_PY_LEN_GUARD = re.compile(r"(?m)^[ \t]*(?:if|elif|assert)\b[^\n]*\blen\(")
"""A Python finding needs a guard on ``len()`` somewhere in the file (looked for before parsing)."""
_JS_LEN_GUARD = re.compile(r"\bif\s*\([^)]*\.length\b")
"""A JavaScript finding needs an ``if (... x.length ...)`` (looked for before lexing)."""
_REQUEST_HEADS = ("request.args", "request.form", "request.values", "request.json", "request.GET", "request.POST",
                  "request.data", "request.query_params", "request.get_json", "request.cookies", "request.headers",
                  "req.query", "request.files")


def _sink_kind(fi: FileInfo, call: ast.Call) -> str:
    """What kind of sink a call is (``path``, ``query``, ``URL``, ``HTML``, ``shell argument``), or ""."""
    q = (fi.aliases.resolve(call.func) if fi.aliases else "") or dotted(call.func)
    last = q.rsplit(".", 1)[-1]
    if q in _SINKS["path"] or last in ("send_file", "send_from_directory", "FileResponse"):
        return "path"
    if (last in ("execute", "executemany", "executescript") and "." in q) or (last in ("raw", "extra") and "objects" in q) \
            or q in ("text", "sqlalchemy.text", "sa.text"):
        return "query"
    if q in _SINKS["URL"] or last in ("redirect", "HttpResponseRedirect", "RedirectResponse", "urlopen"):
        return "URL"
    if last in _SINKS["HTML"]:
        return "HTML"
    if q in _SINKS["shell argument"]:
        return "shell argument"
    return ""


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _guard(node: ast.AST) -> bool:
    """An ``if`` whose body leaves (raise/return/abort) or an ``assert``."""
    if isinstance(node, ast.Assert):
        return True
    if not isinstance(node, ast.If):
        return False
    for s in node.body:
        if isinstance(s, (ast.Raise, ast.Return)):
            return True
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and dotted(s.value.func).rsplit(".", 1)[-1] in ("abort", "fail", "error"):
            return True
    return False


def _length_checked(test: ast.AST) -> set[str]:
    """Names whose ``len()`` the test compares."""
    out: set[str] = set()
    for sub in ast.walk(test):
        if isinstance(sub, ast.Call) and dotted(sub.func) == "len" and len(sub.args) == 1 and isinstance(sub.args[0], ast.Name):
            par = sub
            out.add(par.args[0].id)
    return out


def _inputs(fn: ast.FunctionDef | ast.AsyncFunctionDef, nodes: list[ast.AST]) -> set[str]:
    out = {a.arg for a in fn.args.args + fn.args.kwonlyargs if a.arg not in ("self", "cls")}
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            src = ast.unparse(node.value)
            if src.startswith(_REQUEST_HEADS) or any(h + "." in src or h + "[" in src for h in _REQUEST_HEADS):
                out.add(node.targets[0].id)
    return out


def _content_checked(nodes: list[ast.AST], name: str) -> bool:
    for node in nodes:
        if isinstance(node, ast.Call):
            callee = dotted(node.func)
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id == name:
                if _CONTENT_CALLS.search(node.func.attr):
                    return True
            if any(name in _names_in(a) for a in node.args) or any(name in _names_in(k.value) for k in node.keywords):
                if _CONTENT_CALLS.search(callee or "") or callee in ("re.match", "re.fullmatch", "re.search"):
                    return True
        elif isinstance(node, ast.Compare):
            involved = name in _names_in(node.left) or any(name in _names_in(c) for c in node.comparators)
            if not involved or any(isinstance(o, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for o in node.ops):
                continue
            if any(isinstance(o, (ast.In, ast.NotIn)) for o in node.ops):
                return True
            others = [node.left, *node.comparators]
            if any(isinstance(o, (ast.Eq, ast.NotEq)) for o in node.ops) and not any(
                    isinstance(x, ast.Constant) and x.value in ("", None, 0) for x in others) \
                    and not any(isinstance(x, ast.Call) and dotted(x.func) == "len" for x in others):
                return True
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets) and node.value.args and \
                any(isinstance(a, ast.Name) and a.id == name for a in node.value.args):
            if _CONTENT_CALLS.search(dotted(node.value.func) or ""):
                return True
    return False


@register
class LengthOnlyValidation(FileRule):
    id = "length-only-validation"
    severity = "low"
    kind = "ast"
    cwe = "CWE-1286"
    question = "Which characters and format are allowed?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("len(", ".length")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == PYTHON:
            if _PY_LEN_GUARD.search(fi.text) and fi.tree is not None:
                yield from self._python(fi)
        elif _JS_LEN_GUARD.search(fi.text):
            yield from self._js(fi)

    def _python(self, fi: FileInfo) -> Iterator[Finding]:
        for fn in fi.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
            if not fi.touches(fn.lineno, fn.end_lineno or fn.lineno):
                continue
            nodes = own_nodes(fn)
            guards = [n for n in nodes if _guard(n)]
            if not guards:
                continue
            inputs = _inputs(fn, nodes)
            checked: dict[str, int] = {}
            for g in guards:
                for name in _length_checked(g.test) & inputs:
                    checked.setdefault(name, g.lineno)
            for name, line in sorted(checked.items(), key=lambda x: x[1]):
                if _content_checked(nodes, name):
                    continue
                sink = self._sink(fi, nodes, name, line)
                if sink is None:
                    continue
                kind, where = sink
                report = fi.anchor([line, where])
                yield self.hit(fi, report, f"{name} is checked only by its length (line {line}), then used as {_article(kind)} "
                               f"on line {where}")

    def _sink(self, fi: FileInfo, nodes: list[ast.AST], name: str, after: int) -> tuple[str, int] | None:
        id_like = bool(set(parts(name)) & _ID_WORDS)
        for node in sorted((n for n in nodes if isinstance(n, ast.Call)), key=lambda n: n.lineno):
            if node.lineno < after:
                continue
            used = any(name in _names_in(a) for a in node.args) or any(name in _names_in(k.value) for k in node.keywords)
            if not used:
                continue
            kind = _sink_kind(fi, node)
            if kind == "query" and not (node.args and name in _names_in(node.args[0])):
                continue  # passed as the query's parameters: bound, not interpolated
            if kind:
                return kind, node.lineno
            last = dotted(node.func).rsplit(".", 1)[-1]
            if id_like and last in _LOOKUPS:
                return ("email address" if {"email", "mail"} & set(parts(name)) else "id"), node.lineno
        for node in nodes:
            if isinstance(node, ast.JoinedStr) and getattr(node, "lineno", 0) >= after and name in _names_in(node):
                lit = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
                if re.search(r"<[a-zA-Z/]", lit):
                    return "HTML", node.lineno
        return None

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        for a, b, _fname in function_spans(fi):
            if not fi.touches(a, b):
                continue
            body = "\n".join(fi.lines[a - 1:b])
            for m in re.finditer(r"\bif\s*\([^)]*?\b([A-Za-z_$][\w$]*)\.length\b", body):
                name = m.group(1)
                line = a + body.count("\n", 0, m.start())
                if re.search(rf"\.(?:test|match|matchAll|search|startsWith|endsWith|includes)\(\s*{re.escape(name)}\b|"
                             rf"\b{re.escape(name)}\.(?:match|test|startsWith|endsWith|replace)\(|validator\.|"
                             rf"encodeURI(?:Component)?\(\s*{re.escape(name)}|escape\w*\(\s*{re.escape(name)}|"
                             rf"(?:parseInt|Number)\(\s*{re.escape(name)}|path\.(?:resolve|basename|normalize)\(\s*{re.escape(name)}",
                             body):
                    continue
                rest = body[m.end():]
                sink = re.search(rf"(fs\.\w+|\.query|\.exec\w*|res\.redirect|redirect|fetch|axios\.\w+|res\.sendFile|exec|spawn)"
                                 rf"\s*\([^;]*\b{re.escape(name)}\b|\.innerHTML\s*=[^;]*\b{re.escape(name)}\b", rest)
                if not sink:
                    continue
                where = line + body.count("\n", m.start(), m.end() + sink.start())
                yield self.hit(fi, fi.anchor([line, where]), f"check: {name} is checked only by its .length, then reaches "
                               f"{sink.group(1) or 'innerHTML'} on line {where}", demote(self.severity))


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiouAEIOU" else "a ") + kind
