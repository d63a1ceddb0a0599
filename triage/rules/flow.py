"""Provides the request-flow rules: a request value reaching a file path or an outgoing URL.

Python only, inside one function (the catalogue's "ast, in-function" method):

* **sources** are the request's own data (Flask's ``request.args``/``form``/
  ``values``/``json``/``files``/``cookies``/``headers``/``data``, Django's
  ``request.GET``/``POST``/``FILES``/``COOKIES``/``META``/``body``, Starlette's
  ``query_params``/``path_params``) and the parameters of a route handler
  (a function decorated with ``.route``/``.get``/``.post``/... whose path has
  placeholders, as Flask and FastAPI fill them from the URL), except those an
  ``<int:...>``-style converter or an ``int``/``float``/``UUID`` annotation types;
* a value stays tainted through assignments, f-strings, ``+``, ``%``,
  ``.format`` and ``os.path.join``; ``os.path.basename``, ``secure_filename``,
  ``int``, ``float`` and ``uuid.UUID`` clean it;
* **path-traversal** flags ``open``, ``send_file``, ``os.remove``/``unlink``,
  ``shutil.rmtree`` and ``pathlib.Path`` (or ``base / value``) fed a tainted
  path, unless the function checks containment (``commonpath``,
  ``is_relative_to``, or ``startswith`` on a ``realpath``/``abspath``/
  ``resolve()``);
* **ssrf** flags ``requests``/``httpx`` calls and ``urlopen`` whose URL is
  tainted, unless the URL's scheme and host are a literal (``f"https://api/x/{id}"``)
  or the function checks the host (``hostname``/``netloc`` compared or looked up).
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.fileinfo import FileInfo, FileRule
from triage.rules.python_ast import dotted
from triage.rules.tokens import JAVASCRIPT, PYTHON

_REQUEST_DATA = {
    "args", "form", "values", "json", "get_json", "files", "cookies", "headers", "data", "get_data",
    "GET", "POST", "FILES", "COOKIES", "META", "body", "query_params", "path_params",
}
_ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete", "api_route"}
_CLEANERS = {"os.path.basename", "basename", "secure_filename", "werkzeug.utils.secure_filename", "int", "float",
             "uuid.UUID", "UUID"}
_PATH_SINKS = {"open", "io.open", "builtins.open", "send_file", "flask.send_file", "os.remove", "os.unlink",
               "shutil.rmtree", "pathlib.Path", "Path", "os.open"}
_URL_SINKS = {f"{lib}.{m}" for lib in ("requests", "httpx")
              for m in ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")}
_URL_SINKS |= {"urllib.request.urlopen", "urlopen"}
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
_CONTAINED = re.compile(r"commonpath|is_relative_to|(?:realpath|abspath|resolve\(\))[\s\S]*startswith")
_HOST_CHECKED = re.compile(r"\b(?:hostname|netloc)\b")
_LITERAL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/{}]+/")
_SOURCE_HINT = re.compile(r"\breq(?:uest)?\.|\.(?:route|get|post|put|patch|delete|api_route)\(\s*[\"'][^\"'\n]*[<{]")
"""What a file needs for any source: request data, or a route whose path has placeholders. The
whole file is searched (a handler's decorator can be far above the added lines), so the rules
here have no ``needles``."""
_PATH_HINT = re.compile(r"open|send_file|remove|unlink|rmtree|Path")
_URL_HINT = re.compile(r"requests|httpx|urlopen")


def _is_source(node: ast.AST, aliases) -> bool:
    """``request.<data>`` (Flask's, Django's or Starlette's request), however it is then indexed or called."""
    name = (aliases.resolve(node) if aliases else dotted(node)).replace("()", "").replace("[]", "")
    parts = name.split(".")
    return any(part in ("request", "req") and parts[i + 1] in _REQUEST_DATA for i, part in enumerate(parts[:-1]))


_NUMERIC = {"int", "float", "uuid", "UUID", "bool", "uuid.UUID"}
_FLASK_TYPED = re.compile(r"<(?:int|float|uuid):(\w+)>")


def _route_params(fn: ast.AST) -> set[str]:
    """The parameters a route handler gets from the request (its URL path has placeholders),
    less those a converter or an annotation makes a number or a UUID; empty for other functions."""
    for d in getattr(fn, "decorator_list", []):
        if not isinstance(d, ast.Call) or dotted(d.func).rsplit(".", 1)[-1] not in _ROUTE_DECORATORS or not d.args:
            continue
        first = d.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and re.search(r"[<{]", first.value):
            typed = set(_FLASK_TYPED.findall(first.value))
            args = fn.args  # type: ignore[attr-defined]
            return {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs
                    if a.arg not in ("self", "request", "req") and a.arg not in typed
                    and dotted(a.annotation) not in _NUMERIC}
    return set()


def _statements(fn: ast.AST) -> Iterator[ast.stmt]:
    """The function's statements in source order, nested blocks included, nested functions not."""
    stack = list(reversed(getattr(fn, "body", [])))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        inner: list[ast.AST] = []
        for name in _BODIES:
            value = getattr(stmt, name, None)
            if isinstance(value, list):
                for node in value:
                    inner.extend(node.body if isinstance(node, (ast.excepthandler, ast.match_case)) else [node])
        stack.extend(reversed(inner))


def _own_nodes(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The expression nodes of one statement (not those of the blocks it holds)."""
    for name, value in ast.iter_fields(stmt):
        if name in _BODIES:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                yield from ast.walk(item)


class _Taint:
    """Names holding request data in one function, as its statements run in order."""

    def __init__(self, fi: FileInfo, fn: ast.AST):
        self.aliases = fi.aliases
        self.names: set[str] = _route_params(fn)

    def callee(self, call: ast.Call) -> str:
        """The qualified name ``call`` calls (imports expanded)."""
        return self.aliases.resolve(call.func) if self.aliases else dotted(call.func)

    def tainted(self, expr: ast.AST) -> bool:
        """Whether ``expr`` carries request data (a cleaning call stops it)."""
        stack = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Call) and self.callee(node) in _CLEANERS:
                continue
            if isinstance(node, ast.Name) and node.id in self.names:
                return True
            if isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)) and _is_source(node, self.aliases):
                return True
            if not isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                stack.extend(ast.iter_child_nodes(node))
        return False

    def after(self, stmt: ast.stmt) -> None:
        """Take in what ``stmt`` assigns."""
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
            targets, value = (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]), stmt.value
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            targets, value = [stmt.target], stmt.iter
        else:
            return
        tainted = self.tainted(value)
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    if tainted:
                        self.names.add(node.id)
                    elif not isinstance(stmt, ast.AugAssign):
                        self.names.discard(node.id)


def _flows(fi: FileInfo, guard: re.Pattern) -> Iterator[tuple[ast.AST, _Taint]]:
    """``(node, taint)`` for each expression node of each function that touches an added line
    and does not match ``guard`` (its containment or host check), with the taint as it stands there."""
    for fn in fi.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        if not fi.touches(fn.lineno, fn.end_lineno or fn.lineno):
            continue
        if guard.search("\n".join(fi.lines[fn.lineno - 1:(fn.end_lineno or fn.lineno)])):
            continue
        taint = _Taint(fi, fn)
        for stmt in _statements(fn):
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for node in _own_nodes(stmt):
                    yield node, taint
            taint.after(stmt)


def _is_path(node: ast.AST, names: set[str], fi: FileInfo) -> bool:
    """A ``pathlib.Path`` expression: a ``Path(...)`` call, a name bound to one, or a ``/`` of those."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return _is_path(node.left, names, fi)
    if isinstance(node, ast.Call):
        name = fi.aliases.resolve(node.func) if fi.aliases else dotted(node.func)
        return name in ("pathlib.Path", "Path", "pathlib.PurePath", "PurePath") or name.endswith(".resolve")
    return isinstance(node, ast.Name) and node.id in names


def _path_names(fi: FileInfo) -> set[str]:
    """Names the file binds to a Path anywhere (module constants such as ``UPLOADS = Path(...)``)."""
    names: set[str] = set()
    for node in fi.nodes(ast.Assign):
        if _is_path(node.value, names, fi):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _url_arg(call: ast.Call, name: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == "url":
            return kw.value
    index = 1 if name.endswith(".request") else 0
    return call.args[index] if len(call.args) > index else None


def _literal_host(url: ast.AST) -> bool:
    """The URL's scheme and host are fixed text (only its path or query can vary)."""
    head: ast.AST | None = None
    if isinstance(url, ast.JoinedStr) and url.values:
        head = url.values[0]
    elif isinstance(url, ast.BinOp) and isinstance(url.op, (ast.Add, ast.Mod)):
        head = url.left
    elif isinstance(url, ast.Call) and isinstance(url.func, ast.Attribute) and url.func.attr == "format":
        head = url.func.value
    if isinstance(head, ast.BinOp):
        return _literal_host(head)
    return isinstance(head, ast.Constant) and isinstance(head.value, str) and bool(_LITERAL_HOST.match(head.value))


# ------------------------------------------------------------------ javascript

_JS_SOURCE = re.compile(r"\breq(?:uest)?\.(?:query|params|body|headers|cookies)\b")
_JS_PATH_SINKS = {"res.sendFile", "res.download", "fs.readFile", "fs.readFileSync", "fs.createReadStream",
                  "fs.unlink", "fs.unlinkSync", "fs.rm", "fs.rmSync", "fs.writeFile", "fs.writeFileSync",
                  "fs.promises.readFile", "fs.promises.unlink", "fsp.readFile"}
_JS_URL_SINKS = {"fetch", "axios", "got", "needle", "http.get", "http.request", "https.get", "https.request"}
_JS_URL_SINKS |= {f"axios.{m}" for m in ("get", "post", "put", "patch", "delete", "head", "request")}
_JS_CONTAINED = re.compile(r"(?:path\.resolve|path\.normalize|realpath)[\s\S]*\.startsWith\(")
_JS_HOST_CHECKED = re.compile(r"new URL\([\s\S]*\.(?:hostname|host|origin)\b")
_DECLARE = {"const", "let", "var"}


def _js_tainted_names(ts) -> set[str]:
    """Names a ``const``/``let``/``var`` binds to request data (directly, or from another such name),
    in file order: the token stream has no functions, so this is the catalogue's token-only "check"."""
    toks = ts.toks
    names: set[str] = set()
    for i, t in enumerate(toks):
        if t.kind != "kw" or t.value not in _DECLARE or i + 2 >= len(toks):
            continue
        k = i + 1
        bound: list[str] = []
        if toks[k].value in ("{", "["):
            close = ts.close_of(k)
            bound = [x.value for x in toks[k + 1:close] if x.kind == "name"]
            k = close + 1
        elif toks[k].kind == "name":
            bound = [toks[k].value]
            k += 1
        if k >= len(toks) or toks[k].value != "=":
            continue
        end = k + 1
        while end < len(toks) and toks[end].value not in (";",) and toks[end].line == toks[k].line:
            end += 1
        if _js_carries(ts, k + 1, end, names):
            names.update(bound)
    return names


def _js_carries(ts, a: int, b: int, names: set[str]) -> bool:
    """Whether tokens ``[a, b)`` hold request data or a name bound to it."""
    text = ts.source(a, b, limit=400)
    return bool(_JS_SOURCE.search(text)) or any(n in names for n in ts.names_in(a, b))


def _js_literal_host(ts, a: int) -> bool:
    t = ts.toks[a]
    return t.kind == "str" and bool(_LITERAL_HOST.match(t.text.split("\x00", 1)[0]))


def _mentions(fi: FileInfo, pattern: re.Pattern) -> bool:
    """Whether ``pattern`` occurs in the file's text, searched once per file however many
    rules ask (both request-flow rules need a request source first)."""
    return fi.once(("mentions", pattern.pattern), lambda: bool(pattern.search(fi.text)))


def _js_hits(fi: FileInfo, sinks: set[str], guard: re.Pattern, url: bool) -> Iterator[tuple[int, str]]:
    if not _mentions(fi, _JS_SOURCE) or guard.search(fi.text):
        return
    ts = fi.stream
    names = _js_tainted_names(ts)
    for i, name, _start in ts.calls():
        if name not in sinks:
            continue
        args = ts.args(i)
        if args and _js_carries(ts, *args[0], names) and not (url and _js_literal_host(ts, args[0][0])):
            yield ts.toks[i].line, name


class _RequestFlow(FileRule):
    """What both rules share: JavaScript by tokens (reported as a check, one severity lower),
    Python through :func:`_flows` once the file has a sink (``py_hint``) and a source."""

    severity = "high"
    kind = "ast"
    languages = (PYTHON, JAVASCRIPT)
    js_sinks: set[str] = set()
    js_guard: re.Pattern = re.compile("(?!)")
    js_message = ""
    """The JavaScript finding's message, with ``{name}`` for the sink."""
    url = False
    """Sinks take a URL (a literal scheme and host makes it safe)."""
    py_hint: re.Pattern = re.compile("(?!)")
    py_guard: re.Pattern = re.compile("(?!)")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == JAVASCRIPT:
            for line, name in _js_hits(fi, self.js_sinks, self.js_guard, url=self.url):
                yield self.hit(fi, line, self.js_message.format(name=name), "medium")
        elif _mentions(fi, _SOURCE_HINT) and self.py_hint.search(fi.text) and fi.tree is not None:
            yield from self._py(fi, _flows(fi, self.py_guard))

    def _py(self, fi: FileInfo, flows: Iterator[tuple[ast.AST, _Taint]]) -> Iterator[Finding]:
        return iter(())


@register
class PathTraversal(_RequestFlow):
    id = "path-traversal"
    cwe = "CWE-22"
    question = "Is the resolved path proven to stay inside the base directory?"
    js_sinks, js_guard, py_hint, py_guard = _JS_PATH_SINKS, _JS_CONTAINED, _PATH_HINT, _CONTAINED
    js_message = "check: a request value may reach {name}() as a path"

    def _py(self, fi: FileInfo, flows: Iterator[tuple[ast.AST, _Taint]]) -> Iterator[Finding]:
        paths = _path_names(fi)
        for node, taint in flows:
            if isinstance(node, ast.Call) and node.args:
                name = taint.callee(node)
                if name in _PATH_SINKS and taint.tainted(node.args[0]):
                    yield self.hit(fi, node.lineno, f"a request value reaches {name}() as a path")
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and _is_path(node.left, paths, fi)
                  and taint.tainted(node.right)):
                yield self.hit(fi, node.lineno, "a request value is joined onto a Path with /")


@register
class Ssrf(_RequestFlow):
    id = "ssrf"
    cwe = "CWE-918"
    question = "Which hosts are allowed, and are private IPs blocked after DNS resolution?"
    js_sinks, js_guard, py_hint, py_guard = _JS_URL_SINKS, _JS_HOST_CHECKED, _URL_HINT, _HOST_CHECKED
    js_message = "check: a request value may decide where {name}() connects"
    url = True

    def _py(self, fi: FileInfo, flows: Iterator[tuple[ast.AST, _Taint]]) -> Iterator[Finding]:
        for node, taint in flows:
            name = taint.callee(node) if isinstance(node, ast.Call) else ""
            url = _url_arg(node, name) if name in _URL_SINKS else None
            if url is not None and taint.tainted(url) and not _literal_host(url):
                yield self.hit(fi, node.lineno, f"a request value decides where {name}() connects")
