"""Provides the request-flow rules: a request value reaching a file path or an outgoing URL.

Python through :mod:`triage.rules.dataflow` (request data, and a route handler's URL
parameters, followed through assignments, string building, containers and same-file
calls; ``os.path.basename``, ``secure_filename``, ``int`` and typed route parameters
clean it):

* **path-traversal** flags ``open``, ``send_file``, ``os.remove``/``unlink``,
  ``shutil.rmtree``/``copy``/``move``, ``os.listdir``/``makedirs``/``rename``,
  ``FileResponse`` and ``pathlib.Path`` (any of its parts, or ``base / value``) fed a
  request value, unless the function checks containment (``commonpath``,
  ``is_relative_to``, or ``startswith`` on a ``realpath``/``abspath``/``resolve()``);
* **ssrf** flags ``requests``/``httpx`` calls and ``urlopen`` whose URL carries a request
  value, unless the URL's scheme and host are a literal (``f"https://api/x/{id}"``)
  or the function checks the host (``hostname``/``netloc`` compared or looked up).

JavaScript follows ``req.query``/``params``/``body`` through ``const``/``let``
declarations, token by token (a "check", one severity lower).
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.dataflow import FileFlow, flow_of, lambda_file
from triage.rules.fileinfo import FileInfo, FileRule
from triage.rules.python_ast import dotted
from triage.rules.tokens import JAVASCRIPT, PYTHON

_PATH_SINKS = {"open", "io.open", "builtins.open", "send_file", "flask.send_file", "os.remove", "os.unlink",
               "shutil.rmtree", "pathlib.Path", "Path", "os.open", "codecs.open", "os.listdir", "os.scandir",
               "os.makedirs", "os.mkdir", "os.rmdir", "os.rename", "os.replace", "shutil.copy", "shutil.copyfile",
               "shutil.copy2", "shutil.move", "aiofiles.open", "FileResponse", "starlette.responses.FileResponse",
               "fastapi.responses.FileResponse", "django.http.FileResponse", "pathlib.PurePath"}
_PATH_PARTS = {"pathlib.Path", "Path", "pathlib.PurePath"}
"""Sinks that join all their arguments into the path (``Path(BASE, name)``)."""
_URL_SINKS = {f"{lib}.{m}" for lib in ("requests", "httpx")
              for m in ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")}
_URL_SINKS |= {"urllib.request.urlopen", "urlopen"}
_CONTAINED = re.compile(r"commonpath|is_relative_to|(?:realpath|abspath|resolve\(\))[\s\S]*startswith")
_HOST_CHECKED = re.compile(r"\b(?:hostname|netloc)\b")
_LITERAL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/{}]+/")
_LITERAL_HOST_PCT = re.compile(r"^[a-z][a-z0-9+.-]*://[^/{}%]+/")
_SOURCE_HINT = re.compile(r"\breq(?:uest)?\.|\.(?:route|get|post|put|patch|delete|api_route)\(\s*[\"'][^\"'\n]*[<{]")
"""What a file needs for any source: request data, or a route whose path has placeholders. The
whole file is searched (a handler's decorator can be far above the added lines), so the rules
here have no ``needles``."""
_PATH_HINT = re.compile(r"open|send_file|remove|unlink|rmtree|Path|listdir|scandir|mkdir|rename|replace|copy|move"
                        r"|FileResponse")
_URL_HINT = re.compile(r"requests|httpx|urlopen")


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
    """The URL's scheme and host are fixed text (only its path or query can vary): with ``%``
    formatting a ``%s`` in the host is a placeholder (``"https://%s/x" % host``), not text."""
    head: ast.AST | None = None
    pattern = _LITERAL_HOST
    if isinstance(url, ast.JoinedStr) and url.values:
        head = url.values[0]
    elif isinstance(url, ast.BinOp) and isinstance(url.op, (ast.Add, ast.Mod)):
        head = url.left
        if isinstance(url.op, ast.Mod):
            pattern = _LITERAL_HOST_PCT
    elif isinstance(url, ast.Call) and isinstance(url.func, ast.Attribute) and url.func.attr == "format":
        head = url.func.value
    if isinstance(head, ast.BinOp):
        return _literal_host(head)
    return isinstance(head, ast.Constant) and isinstance(head.value, str) and bool(pattern.match(head.value))


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
        if fi.is_test:
            return  # a test's handlers are fed what the test sends them
        if fi.lang == JAVASCRIPT:
            for line, name in _js_hits(fi, self.js_sinks, self.js_guard, url=self.url):
                yield self.hit(fi, line, self.js_message.format(name=name), "medium")
        elif (_mentions(fi, _SOURCE_HINT) or lambda_file(fi)) and self.py_hint.search(fi.text) and fi.tree is not None:
            flow = flow_of(fi)
            if flow is not None:
                yield from self._py(fi, flow)

    def _py(self, fi: FileInfo, flow: FileFlow) -> Iterator[Finding]:
        return iter(())

    def _candidates(self, fi: FileInfo, flow: FileFlow, types: tuple[type, ...]) -> Iterator[ast.AST]:
        """Nodes of ``types`` on added lines inside a function that does not match :attr:`py_guard`."""
        guarded: dict[int, bool] = {}
        for node in fi.nodes(*types):
            if not fi.touches(node.lineno, node.end_lineno or node.lineno):
                continue
            fn = flow.function_at(node.lineno, node)
            if fn is None:
                continue
            if id(fn) not in guarded:
                text = "\n".join(fi.lines[fn.lineno - 1:(fn.end_lineno or fn.lineno)])
                guarded[id(fn)] = bool(self.py_guard.search(text))
            if not guarded[id(fn)]:
                yield node


@register
class PathTraversal(_RequestFlow):
    id = "path-traversal"
    cwe = "CWE-22"
    question = "Is the resolved path proven to stay inside the base directory?"
    js_sinks, js_guard, py_hint, py_guard = _JS_PATH_SINKS, _JS_CONTAINED, _PATH_HINT, _CONTAINED
    js_message = "check: a request value may reach {name}() as a path"

    def _py(self, fi: FileInfo, flow: FileFlow) -> Iterator[Finding]:
        paths = _path_names(fi)
        for node in self._candidates(fi, flow, (ast.Call, ast.BinOp)):
            if isinstance(node, ast.Call) and node.args:
                name = flow.callee(node)
                if name not in _PATH_SINKS:
                    continue
                args = node.args if name in _PATH_PARTS else node.args[:1]
                if any(flow.tainted(a, "path") for a in args):
                    yield self.hit(fi, node.lineno, f"a request value reaches {name}() as a path")
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and _is_path(node.left, paths, fi)
                  and flow.tainted(node.right, "path")):
                yield self.hit(fi, node.lineno, "a request value is joined onto a Path with /")


@register
class Ssrf(_RequestFlow):
    id = "ssrf"
    cwe = "CWE-918"
    question = "Which hosts are allowed, and are private IPs blocked after DNS resolution?"
    js_sinks, js_guard, py_hint, py_guard = _JS_URL_SINKS, _JS_HOST_CHECKED, _URL_HINT, _HOST_CHECKED
    js_message = "check: a request value may decide where {name}() connects"
    url = True

    def _py(self, fi: FileInfo, flow: FileFlow) -> Iterator[Finding]:
        for node in self._candidates(fi, flow, (ast.Call,)):
            name = flow.callee(node)
            url = _url_arg(node, name) if name in _URL_SINKS else None
            if url is not None and flow.tainted(url, "url") and not _literal_host(url):
                yield self.hit(fi, node.lineno, f"a request value decides where {name}() connects")
