"""Provides the failure-handling and data-handling rules: swallowed exceptions,
stack traces in responses, unbounded loads and float money.

Python handlers and responses are read from the ``ast`` (handler bodies,
function scope); JavaScript falls back to token heuristics.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.data import load
from triage.rules.fileinfo import FileInfo, FileRule, function_spans, is_upstream_vendored, truncate
from triage.rules.injection import _is_web_python
from triage.rules.names import amount_is_money, is_money as _is_money_name, money_context, only_amount
from triage.rules.python_ast import dotted
from triage.rules.sql import looks_like_sql
from triage.rules.tokens import JAVASCRIPT, PYTHON

_BROAD = {"Exception", "BaseException"}


def _handler_is_broad(h: ast.ExceptHandler) -> bool:
    if h.type is None:
        return True
    types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
    return any(dotted(t).rsplit(".", 1)[-1] in _BROAD for t in types)


def _trivial(body: list[ast.stmt]) -> bool:
    for s in body:
        if isinstance(s, (ast.Pass, ast.Continue, ast.Break)):
            continue
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant):
            continue  # "..." or a docstring-like string
        if isinstance(s, ast.Return) and (s.value is None or (isinstance(s.value, ast.Constant) and s.value.value in (None, False))):
            continue
        return False
    return True


_PY_EXCEPT = re.compile(r"^\s*except(?:\s*\(?\s*(?:Base)?Exception\b[^:]*)?(?:\s+as\s+\w+)?\s*:\s*(pass|continue|\.\.\.)?\s*(#.*)?$")


@register
class SwallowedException(FileRule):
    id = "swallowed-exception"
    severity = "medium"
    kind = "ast"
    cwe = "CWE-390"
    question = "Which failure is expected, and who learns it happened?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("except", "catch", "suppress")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if is_upstream_vendored(fi):
            return  # a vendored library's (jquery's) own error handling is upstream's to review
        if fi.lang == PYTHON:
            if fi.tree is None:
                yield from self._py_lines(fi)
                return
            for node in fi.nodes(ast.ExceptHandler, ast.With, ast.AsyncWith):
                if isinstance(node, ast.ExceptHandler) and _handler_is_broad(node) and _trivial(node.body):
                    what = "bare except" if node.type is None else f"except {ast.unparse(node.type)}"
                    body = ast.unparse(node.body[0]).split("\n")[0] if node.body else "pass"
                    line = fi.anchor([node.lineno], (node.lineno, node.end_lineno or node.lineno))
                    yield self.hit(fi, line, f"{what} with only `{truncate(body, 20)}` hides every failure")
                elif isinstance(node, (ast.With, ast.AsyncWith)):
                    for item in node.items:
                        c = item.context_expr
                        if isinstance(c, ast.Call) and fi.aliases and fi.aliases.resolve(c.func) in ("contextlib.suppress", "suppress"):
                            if any(dotted(a).rsplit(".", 1)[-1] in _BROAD for a in c.args):
                                yield self.hit(fi, node.lineno, "suppress(Exception) hides every failure in the block")
            return
        ts = fi.stream
        toks = ts.toks
        n = len(toks)
        comment_at = {k for _ln, _c, k in ts.comments}
        for i, t in enumerate(toks):
            if t.value == "catch" and i and toks[i - 1].value in (".", "?.") and i + 1 < n and toks[i + 1].value == "(":
                c = ts.close_of(i + 1)
                body = toks[i + 2:c]
                vals = [x.value for x in body]
                # .catch(() => {})  .catch(function () {})  .catch(() => null)  .catch(_ => undefined)
                if "=>" in vals:
                    after = vals[vals.index("=>") + 1:]
                    if after in (["{", "}"], ["null"], ["undefined"], ["(", ")"]) and not (comment_at & set(range(i + 2, c + 1))):
                        yield self.hit(fi, t.line, ".catch() with an empty handler hides every failure")
                elif vals[:1] == ["function"] and vals[-2:] == ["{", "}"] and not (comment_at & set(range(i + 2, c + 1))):
                    yield self.hit(fi, t.line, ".catch() with an empty handler hides every failure")
            elif t.kind == "kw" and t.value == "catch":
                k = i + 1
                if k < n and toks[k].value == "(":
                    k = ts.close_of(k) + 1
                if k < n and toks[k].value == "{" and ts.match.get(k) == k + 1:
                    if k + 1 in comment_at:
                        continue  # a comment inside explains the empty block (ESLint no-empty)
                    yield self.hit(fi, t.line, "empty catch block hides every failure")

    def _py_lines(self, fi: FileInfo) -> Iterator[Finding]:
        lines = fi.lines
        for n, line in enumerate(lines, 1):
            if len(line) > 400 or "except" not in line:
                continue
            m = _PY_EXCEPT.match(line)
            if not m:
                continue
            body = m.group(1)
            if not body:
                nxt = next((x.strip() for x in lines[n:n + 3] if x.strip()), "")
                body = nxt if nxt in ("pass", "continue", "...") else ""
            if body:
                yield self.hit(fi, n, f"broad except with only `{body}` hides every failure")


def _cfg_web() -> dict:
    return load("calls").get("web", {})


@lru_cache(maxsize=None)
def _js_response_hint() -> re.Pattern:
    """A JavaScript response method call or a ``.body =`` assignment (where every
    finding of :class:`StacktraceDisclosure` sits)."""
    meths = "|".join(map(re.escape, _cfg_web().get("js_response_methods", []))) or "(?!)"
    return re.compile(rf"\.\s*(?:{meths})\s*\(|\.\s*body\s*=")


_PY_LEAK_HINT = re.compile(r"except|format_")
"""What a Python leak needs in the file: an ``except`` clause (a handler whose sink leaks) or a
traceback formatter (every name in :data:`_TB`, even imported under an alias, is ``format_...``)."""
_TB = {"traceback.format_exc", "traceback.format_exception", "traceback.format_tb", "traceback.format_stack", "format_exc", "format_exception"}


@register
class StacktraceDisclosure(FileRule):
    id = "stacktrace-disclosure"
    severity = "medium"
    kind = "ast"
    cwe = "CWE-209"
    question = "What does the client see on failure?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("except", "catch", "stack", "traceback", "err")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == PYTHON:
            yield from self._py(fi)
        else:
            yield from self._js(fi)

    # ------------------------------------------------------------------ python

    def _py(self, fi: FileInfo) -> Iterator[Finding]:
        if not _PY_LEAK_HINT.search(fi.text):
            return  # no except clause and no traceback formatter: nothing below can match
        tree = fi.tree
        if tree is None:
            return
        web = _is_web_python(fi)
        responses = set(_cfg_web().get("python_responses", []))
        al = fi.aliases
        seen: set[int] = set()
        current: list[str | None] = [None]

        def is_response(call: ast.AST) -> bool:
            if not isinstance(call, ast.Call):
                return False
            name = dotted(call.func)
            return name in responses or name.rsplit(".", 1)[-1] in responses

        def leak(node: ast.AST, exc: str | None) -> ast.AST | None:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call):
                    q = al.resolve(sub.func) if al else dotted(sub.func)
                    if q in _TB:
                        return sub
                    if exc and dotted(sub.func) in ("type",) and sub.args and isinstance(sub.args[0], ast.Name) and sub.args[0].id == exc:
                        return None
                if exc and isinstance(sub, ast.Name) and sub.id == exc:
                    par = fi.parents.get(sub)
                    if isinstance(par, ast.Attribute) and par.attr in ("__class__", "__name__", "status_code", "code", "status"):
                        continue
                    if isinstance(par, ast.Call) and dotted(par.func) == "type":
                        continue
                    if isinstance(par, ast.Call) and dotted(par.func) in ("isinstance", "getattr", "log", "print") or (isinstance(par, ast.Call) and dotted(par.func).startswith(("log", "logger", "logging"))):
                        continue
                    return sub
            return None

        def as_text(node: ast.AST, exc: str | None) -> bool:
            """In a plain ``return`` (no response built), the exception's *text* is returned:
            ``str(e)``, ``f"{e}"``, ``"%s" % e``, ``e.args``, a traceback. An exception handed
            to a call (django's ``response_for_exception(request, e)``), returned as an object
            (``return e``) or read for a field (``e.valid_methods``) is not sent as text."""
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and (al.resolve(sub.func) if al else dotted(sub.func)) in _TB:
                    return True
                if not (exc and isinstance(sub, ast.Name) and sub.id == exc):
                    continue
                par = fi.parents.get(sub)
                if isinstance(par, ast.Call) and sub in par.args and dotted(par.func) in ("str", "repr", "format"):
                    return True
                if isinstance(par, (ast.FormattedValue, ast.BinOp)) or (
                        isinstance(par, ast.Call) and isinstance(par.func, ast.Attribute) and par.func.attr == "format"):
                    return True
                if isinstance(par, ast.Attribute) and par.attr in ("args", "message", "msg", "strerror", "detail"):
                    return True
                if isinstance(par, (ast.Tuple, ast.List, ast.Dict)):
                    return True  # ``{"error": e}`` serialised into the body
            return False

        def sinks(body: list[ast.stmt]) -> Iterator[ast.AST]:
            stack: list[ast.AST] = list(body)
            while stack:
                node = stack.pop()
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                    continue
                if isinstance(node, ast.Return) and node.value is not None and (web or any(is_response(x) for x in ast.walk(node.value))):
                    if any(is_response(x) for x in ast.walk(node.value)) or as_text(node.value, current[0]):
                        yield node.value
                    continue
                if isinstance(node, ast.Call) and is_response(node):
                    yield node
                    continue
                stack.extend(ast.iter_child_nodes(node))

        for node in fi.nodes(ast.ExceptHandler, ast.Call):
            if isinstance(node, ast.ExceptHandler):
                if not fi.touches(node.lineno, node.end_lineno or node.lineno):
                    continue
                current[0] = node.name
                for sink in sinks(node.body):
                    bad = leak(sink, node.name)
                    if bad is not None:
                        ln = getattr(bad, "lineno", node.lineno)
                        if ln in seen:
                            continue
                        seen.add(ln)
                        what = ast.unparse(bad)
                        yield self.hit(fi, fi.anchor([ln], (getattr(sink, "lineno", ln), getattr(sink, "end_lineno", ln) or ln)), f"the response includes {truncate(what, 40)} (exception details reach the client)")
            elif isinstance(node, ast.Call) and (al.resolve(node.func) if al else dotted(node.func)) in _TB and web:
                par = fi.parents.get(node)
                while par is not None and not isinstance(par, (ast.Return, ast.stmt)):
                    if is_response(par):
                        break
                    par = fi.parents.get(par)
                if par is not None and (isinstance(par, ast.Return) or is_response(par)) and node.lineno not in seen:
                    seen.add(node.lineno)
                    yield self.hit(fi, node.lineno, "a traceback is sent in the response")

    # -------------------------------------------------------------------- js

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        if not _js_response_hint().search(fi.near_added_text):
            return  # no response call and no ``.body =`` near the added lines
        ts = fi.stream
        toks = ts.toks
        n = len(toks)
        objs = set(_cfg_web().get("js_response_objects", []))
        meths = set(_cfg_web().get("js_response_methods", []))
        catches: list[tuple[int, int, str]] = []
        for i, t in enumerate(toks):
            if t.kind == "kw" and t.value == "catch" and i + 2 < n and toks[i + 1].value == "(" and toks[i + 2].kind == "name":
                c = ts.close_of(i + 1)
                if c + 1 < n and toks[c + 1].value == "{":
                    catches.append((c + 1, ts.close_of(c + 1), toks[i + 2].value))
        # Express error middleware: (err, req, res, next) => { ... }
        for i, t in enumerate(toks):
            if t.value == "(" and i + 7 < n and toks[i + 1].kind == "name" and toks[i + 2].value == "," and toks[i + 3].value in ("req", "request") and toks[i + 5].value in ("res", "response"):
                c = ts.close_of(i)
                k = c + 1
                if k < n and toks[k].value == "=>":
                    k += 1
                if k < n and toks[k].value == "{":
                    catches.append((k, ts.close_of(k), toks[i + 1].value))
        seen: set[int] = set()
        for i, name, start in ts.calls():
            head = name.split(".")[0].split("(")[0]
            last = name.rsplit(".", 1)[-1]
            if head not in objs or last not in meths or "." not in name:
                continue
            a, b = i + 1, ts.close_of(i)
            vals = toks[a:b]
            line = toks[i].line
            if any(x.value == "stack" and k and vals[k - 1].value in (".", "?.") for k, x in enumerate(vals)):
                if line not in seen:
                    seen.add(line)
                    yield self.hit(fi, line, f"{name}() sends an error's stack trace to the client")
                continue
            for ca, cb, err in catches:
                if ca < i < cb:
                    for k, x in enumerate(vals):
                        if x.kind == "name" and x.value == err:
                            nxt = vals[k + 1].value if k + 1 < len(vals) else ""
                            nxt2 = vals[k + 2].value if k + 2 < len(vals) else ""
                            if nxt in (".", "?.") and nxt2 not in ("message", "toString", "stack", "detail", "details", "sqlMessage"):
                                continue
                            if line not in seen:
                                seen.add(line)
                                what = err + (f".{nxt2}" if nxt in (".", "?.") else "")
                                yield self.hit(fi, line, f"{name}() sends {what} (exception details) to the client")
                            break
                    break
        for ca, cb, err in catches:
            for k in range(ca, min(cb, n - 3)):
                if toks[k].value in ("body",) and toks[k - 1].value == "." and toks[k + 1].value == "=":
                    a, b = ts.stmt_bounds(k + 2)
                    if any(x.value == err for x in toks[k + 2:b]) and toks[k].line not in seen:
                        seen.add(toks[k].line)
                        yield self.hit(fi, toks[k].line, f"the response body includes {err} (exception details)")


_NO_LIMIT_WORDS = ("limit", "first", "paginate", "page", "one", "one_or_none", "scalar", "get", "slice", "take", "iterator", "yield_per", "stream", "chunk", "batch", "exists", "count")
_ORM_WORDS = ("query", "objects", "filter", "filter_by", "scalars", "execute", "select", "order_by", "where", "session", "join", "all_objects")
_SQL_BOUNDED = re.compile(r"\b(?:limit|top\s+\d|fetch\s+(?:first|next)|rownum)\b|^\s*select\s+(?:count|sum|min|max|avg|exists)\s*\((?![\s\S]*\bgroup\s+by\b)", re.I)


_SQL_CATALOG = re.compile(
    r"\b(?:information_schema|pg_catalog|pg_(?:class|attribute|index|constraint|namespace|type|proc|settings|tables|indexes|views|sequences)"
    r"|sqlite_(?:master|schema|sequence)|pragma_\w+|user_(?:tables|tab_\w+|constraints|cons_columns|indexes|ind_columns|sequences|views|objects)"
    r"|all_(?:tables|tab_\w+|constraints|cons_columns|indexes|ind_columns|views|objects)|sys\.\w+)\b|^\s*(?:pragma|show|describe)\b",
    re.I,
)
"""A query of the database's own catalog: its rows are the schema, bounded by it, not by user data."""
_CATALOG_NAMES = re.compile(r"\b(?:pg_catalog|information_schema|sqlite_(?:master|schema|temp_master))\b", re.I)
"""A catalog named in code (SQLAlchemy's ``pg_catalog.pg_class``, ``"sqlite_master"`` given to a helper)."""
_ONE_ROW = re.compile(r"^\s*select\b(?![\s\S]*\bfrom\b)", re.I)
"""A SELECT without FROM (``select sqlite_version()``): one row."""
_EXECUTES = {"execute", "exec_driver_sql", "executescript", "_cursor_execute", "raw", "query"}


def _handed_cursor(fi: FileInfo, line: int, receiver: str) -> bool:
    """``receiver`` (the name right before ``.fetchall``) is a parameter of the function at
    ``line`` that runs no query itself: the rows are the caller's query's, judged where it runs."""
    if fi.tree is None or not receiver:
        return False
    best = None
    for fn in fi.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        if fn.lineno <= line <= (fn.end_lineno or fn.lineno) and (best is None or fn.lineno >= best.lineno):
            best = fn
    if best is None:
        return False
    a = best.args
    return receiver in {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs} - {"self", "cls"}


@register
class UnboundedMaterialization(FileRule):
    id = "unbounded-materialization"
    severity = "medium"
    kind = "token"
    cwe = "CWE-770"
    question = "How large can this get, and is it paginated or streamed?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("fetchall", ".all(", "readlines", ".find(", "toarray", "findall", "findmany")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.is_test:
            return  # a test's rows are its own fixture
        ts = fi.stream
        toks = ts.toks
        n = len(toks)
        seen: set[int] = set()
        for i, name, start in ts.calls():
            last = name.rsplit(".", 1)[-1]
            line = toks[i].line
            if line in seen:
                continue
            c = ts.close_of(i)
            following = [t.value for t in toks[c + 1:c + 8]]
            a, b = ts.stmt_bounds(i)
            stmt_words = {t.value.lower() for t in toks[a:b] if t.kind == "name"}
            if stmt_words & {"limit", "paginate", "slice", "take", "islice", "yield_per", "stream_results", "iterator", "chunk"}:
                continue
            msg = ""
            if fi.lang == PYTHON:
                if last == "fetchall" and c == i + 1 and not self._bounded_fetch(fi, i, a, b):
                    msg = "fetchall() loads every row of the result into memory"
                elif last == "all" and c == i + 1 and "." in name:
                    chain = re.split(r"[.()\[\]]+", name)
                    if any(w in chain for w in _ORM_WORDS) and not any(w in chain for w in _NO_LIMIT_WORDS[:6]) \
                            and not self._bounded_fetch(fi, i, a, b):
                        if following[:1] != ["["]:
                            msg = f"{name}() loads every matching row (no limit)"
                elif last == "readlines" and c == i + 1:
                    msg = f"{name}() reads the whole file into memory"
            else:
                if last == "find" and "." in name and (c == i + 1 or (toks[i + 1].value == "{" and ts.match.get(i + 1) == i + 2 and c == i + 3)):
                    if "limit" not in following and "." in name:
                        rest = [t.value for t in toks[c + 1:min(n, c + 30)]]
                        if "limit" not in rest[: rest.index(";")] if ";" in rest else "limit" not in rest:
                            msg = f"{name}({{}}) returns every document in the collection"
                elif last == "toArray" and c == i + 1:
                    chain = re.split(r"[.()\[\]]+", name)
                    if "limit" not in chain and "find" in chain or "aggregate" in chain:
                        msg = f"{name}() materializes the whole cursor"
                elif last in ("findAll", "findMany", "findAndCountAll"):
                    keys = ts.keys_in(i + 1, c)
                    if not ({"limit", "take", "first", "cursor"} & set(keys)):
                        msg = f"{name}() without a limit/take loads every row"
            if msg:
                seen.add(line)
                yield self.hit(fi, line, msg)

    def _bounded_fetch(self, fi: FileInfo, i: int, a: int, b: int) -> bool:
        """The rows ``fetchall()`` at token ``i`` reads are bounded: the query it runs (in its own
        statement, or the last ``execute`` of the enclosing function, following a name to the
        string it was assigned) has a LIMIT, is one row (``select sqlite_version()``) or reads the
        database's catalog (``PRAGMA table_info``, ``pg_catalog``); or the function is a cursor's
        own fetch method that runs no query (a driver adapter passing ``fetchall()`` on)."""
        ts, toks = fi.stream, fi.stream.toks
        line = toks[i].line
        spans = [sp for sp in function_spans(fi) if sp[0] <= line <= sp[1]]
        start, _end, fname = max(spans) if spans else (max(1, line - 40), line, "")
        texts = [t.text for t in toks[a:b] if t.kind in ("str", "doc")]
        k = i - 1
        ran = False
        while k >= 1 and toks[k].line >= start:
            t = toks[k]
            if t.kind == "name" and t.value in _EXECUTES and toks[k + 1].value == "(":
                ran = True
                args = ts.args(k + 1)
                if args:
                    x, y = args[0]
                    texts += [u.text for u in toks[x:y] if u.kind in ("str", "doc")]
                    if y == x + 1 and toks[x].kind == "name":
                        texts += self._assigned_strings(fi, toks[x].value, x, start)
                break
            k -= 1
        if not ran:
            if "fetch" in fname.lower():
                return True  # ``def fetchall(self): return self._cursor.fetchall()``: the caller's query
            if fi.lang == PYTHON and _handed_cursor(fi, line, toks[i - 3].value if i >= 3 and toks[i - 2].value == "." else ""):
                return True  # ``def drain(result, dbapi_cursor): rows = dbapi_cursor.fetchall()``: the caller ran it
            recent = self._recent_sql(fi, i)
            texts += [recent] if recent else []
        if _CATALOG_NAMES.search("\n".join(fi.lines[start - 1:line])):
            return True
        return any(_SQL_BOUNDED.search(x) or _SQL_CATALOG.search(x.lstrip(" \t\n\"'")) or _ONE_ROW.search(x) for x in texts)

    def _assigned_strings(self, fi: FileInfo, name: str, before: int, start: int) -> list[str]:
        """The strings of the last ``name = ...`` before token ``before`` (from line ``start``)."""
        ts, toks = fi.stream, fi.stream.toks
        k = before - 1
        while k >= 1 and toks[k].line >= start:
            if toks[k].value == name and toks[k].kind == "name" and toks[k - 1].value != ".":
                e = k + 1
                while e < len(toks) and (toks[e].value == "," or (toks[e].kind == "name" and toks[e - 1].value == ",")):
                    e += 1  # ``sql, params = build(...)``
                if e < len(toks) and toks[e].value == "=":
                    _a, b = ts.stmt_bounds(e + 1)
                    out = [t.text for t in toks[e + 1:b] if t.kind in ("str", "doc")]
                    called = {t.value for t in toks[e + 1:b] if t.kind == "name"}
                    for lo, hi, fn in function_spans(fi):
                        if fn in called:  # built by a function of the same file: its strings
                            out += [t.text for t in toks if lo <= t.line <= hi and t.kind in ("str", "doc")]
                    return out
            k -= 1
        return []

    def _recent_sql(self, fi: FileInfo, i: int) -> str | None:
        toks = fi.stream.toks
        line = toks[i].line
        k = i - 1
        while k >= 0 and line - toks[k].line <= 40:
            t = toks[k]
            if t.kind == "str" and looks_like_sql(t.text):
                return t.text
            k -= 1
        return None


_FLOAT_CALLS = {"float", "parseFloat", "Number.parseFloat"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FLOAT_HINT = re.compile(r"float|tofixed|real|double|\d\.|\.\d")
"""Every finding of :class:`FloatMoney` needs one of these in its statement (a float
call, type or column, ``toFixed``, or a literal with a decimal point)."""


@register
class FloatMoney(FileRule):
    id = "float-money"
    severity = "medium"
    kind = "token"
    cwe = "CWE-1339"
    question = "Integer minor units or `Decimal`, with a stated rounding mode?"
    needles = ()

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if not _FLOAT_HINT.search(fi.near_added_lower):
            return  # nothing float-like near the added lines
        has_ctx = money_context(fi.lower)
        amounts = has_ctx or amount_is_money(fi.lower)

        def is_money(name: str) -> bool:
            if not amounts and only_amount(name):
                return False  # textual's ``darken(amount: float)``: no other word of the file is money
            return _is_money_name(name, has_ctx)

        if not any(is_money(w) for w in set(_IDENT.findall(fi.near_added_text))):
            return  # no money name near the added lines: nothing to lex

        if fi.lang in (PYTHON, JAVASCRIPT):
            yield from self._tokens(fi, is_money)
        elif fi.lang == "transact-sql" or fi.lang.endswith("sql") or fi.basename.endswith(".sql"):
            for n in sorted(fi.added):
                line = fi.line(n)
                if len(line) > 4000:
                    continue
                for m in re.finditer(r"\b([A-Za-z_]\w*)\s+(FLOAT|REAL|DOUBLE(?:\s+PRECISION)?)\b", line, re.I):
                    if is_money(m.group(1)):
                        yield self.hit(fi, n, f"money column {m.group(1)} declared {m.group(2).upper()} (binary floating point)")
                        break

    def _tokens(self, fi: FileInfo, is_money) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        n = len(toks)
        seen: set[int] = set()

        def emit(line: int, msg: str) -> Iterator[Finding]:
            if line not in seen:
                seen.add(line)
                yield self.hit(fi, line, msg)

        added = fi.added
        for i, t in enumerate(toks):
            # Every finding is on the line of the name that starts its pattern: only names
            # on added lines can give one the driver keeps.
            if t.kind != "name" or t.line not in added:
                continue
            v = t.value
            # float(price) / parseFloat(amount)
            if v in _FLOAT_CALLS and i + 1 < n and toks[i + 1].value == "(" and not (i and toks[i - 1].value in (".", "def", "function")):
                c = ts.close_of(i + 1)
                a, b = ts.stmt_bounds(i)
                if any(x.value in ("Decimal", "decimal", "Decimal.js", "Big", "BigNumber", "Dinero", "dinero") for x in toks[a:b]):
                    continue
                money = [x for x in ts.names_in(i + 2, c) if is_money(x)]
                target = ts.assigned_name(i)
                if money or is_money(target):
                    what = money[0] if money else target
                    yield from emit(t.line, f"{v}() on money value {truncate(what, 30)}: binary floating point rounds cents")
                continue
            if not is_money(v) or (i + 1 < n and toks[i + 1].value == "("):
                continue
            nxt = toks[i + 1].value if i + 1 < n else ""
            # price.toFixed(2)
            if nxt == "." and i + 3 < n and toks[i + 2].value == "toFixed" and toks[i + 3].value == "(":
                yield from emit(t.line, f"{v}.toFixed() on a binary float: money needs integer cents or a decimal type")
                continue
            # price: float   (annotation / parameter)
            if nxt == ":" and i + 2 < n and toks[i + 2].value == "float" and fi.lang == PYTHON:
                yield from emit(t.line, f"money value {v} typed as float")
                continue
            if nxt in ("=", "+=", "-=", "*=", ":") and i + 2 < n:
                a, b = ts.stmt_bounds(i + 2)
                rhs = toks[i + 2:b]
                vals = [x.value for x in rhs]
                if any(x in ("Decimal", "decimal", "Big", "BigNumber", "Dinero", "Money", "int", "round") for x in vals):
                    continue
                if any(x in ("FloatField", "Float", "FLOAT", "REAL", "Double", "DOUBLE") for x in vals):
                    yield from emit(t.line, f"money field {v} stored as binary floating point")
                    continue
                if nxt == ":" and fi.lang == PYTHON:
                    continue
                if len(rhs) <= 4 and any(x.kind == "num" and re.fullmatch(r"\d*\.\d+|\d+\.\d*", x.value) for x in rhs):
                    yield from emit(t.line, f"money value {v} holds a float literal ({' '.join(vals[:3])})")
                    continue
                if rhs and rhs[0].value in ("float", "parseFloat") and len(rhs) > 1 and rhs[1].value == "(":
                    yield from emit(t.line, f"money value {v} parsed with {rhs[0].value}()")
