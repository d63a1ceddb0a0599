"""Provides the SQL rules: ``sql-interpolation`` and ``sql-partial-parameterization``.

Both read the shared token stream. A SQL *site* is a string expression that
looks like SQL and has at least one real interpolation point:

* a Python f-string or JS template literal interpolating an expression;
* a string followed by ``%`` (Python) or ``.format(`` — its ``%s``/``{}`` become
  interpolation points;
* ``+`` joining the string with a non-literal operand;
* a variable earlier assigned SQL text, later formatted with ``%`` or ``.format``.

Pygments marks ``%s`` and ``{}`` in *plain* strings as ``String.Interpol``; they
are placeholders here unless one of the forms above applies, so
``cur.execute("... WHERE id = %s", (uid,))`` is never flagged.

Each interpolation point is classified by the SQL clause it sits in. A statement
that has placeholders *and* whose every interpolation sits in an identifier,
ORDER BY, GROUP BY, LIMIT or OFFSET position is ``sql-partial-parameterization``;
any other site is ``sql-interpolation``. Interpolations of literals, UPPER_CASE
constants, ``int()``/``len()`` results and arithmetic, placeholder lists, lookups in
literal dicts, names checked against an allowlist (``if x not in ALLOWED``), names the
data flow (:mod:`triage.rules.dataflow`) proves constant, escaped or quoted identifiers
(``escape_sqlite(t)``, ``quote_name(c)``), placeholder names (``= :{key}``) and SQL
fragments composed from SQL built elsewhere (``{where_sql}``) are safe.

A string given to a SQL call (``.execute``, ``text()``, ``.raw``, ``.extra``, ``RawSQL``,
asyncpg's ``fetch*``) is SQL when a comparison slot in it is filled (``name = '%s'``),
and fragments that read as SQL only together (``"select " + cols + " from t"``) count.
Test files are skipped: their SQL is fixtures.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.fileinfo import FileInfo, FileRule, function_spans, qualify, truncate
from triage.rules.sqlcompiler import compiled_fragment
from triage.rules.tokens import JAVASCRIPT, PYTHON, TokenStream

_ITEM = r"""(?:\*|\x00|\w+\([^()]{0,80}\)|[\w.\x00"`\[\]]+)(?:\s+as\s+\w+)?"""
_SQL_STMT = re.compile(
    r"\bselect\s+(?:distinct\s+|top\s+\d+\s+)?" + _ITEM + r"(?:\s*,\s*" + _ITEM + r"){0,60}\s+from\s+[\w.\x00\"`\[(]"
    r"|\binsert\s+(?:or\s+\w+\s+)?into\s+[\w.\x00\"`\[]"
    r"|\bupdate\s+[\w.\x00\"`\[\]]+\s+set\s"
    r"|\bdelete\s+from\s+[\w.\x00\"`\[]"
    r"|\b(?:create|drop|alter|truncate)\s+table\s"
    r"|\breplace\s+into\s",
    re.I,
)
_SQL_UPPER = re.compile(r"\bSELECT\b[\s\S]{0,400}?\bFROM\b|\bDELETE\s+FROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\S+\s+SET\b")
_SQL_FRAG = re.compile(
    r"\b(?:WHERE|AND|OR|HAVING|ON)\s+[\w.\"`]+\s*(?:=|<>|!=|<=|>=|<|>|\bLIKE\b|\bIN\b|\bIS\b)"
    r"|\b(?:ORDER|GROUP)\s+BY\b|\bLIMIT\s+(?:\d|\x00|%s|\?|\$|:|$)|\bOFFSET\s+(?:\d|\x00|$)|\bVALUES\s*\("
)
_CLAUSE = re.compile(
    r"\b(select|from|join|into|update|table|where|and|or|on|set|values|order\s+by|group\s+by|having|limit|offset|like|in|as|by|when|then|else|case)\b|(=|<>|!=|<=|>=|<|>)",
    re.I,
)
_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?s|(?<![\w?])\?(?![\w?])|\$\d+\b|(?<![:\w]):[A-Za-z_]\w*|(?<!\w)@[A-Za-z_]\w*")
_PCT_FMT = re.compile(r"%%|%(?:\(\w+\))?[-+ #0]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
_BRACE_FMT = re.compile(r"\{\{|\}\}|\{[^{}]{0,80}\}")

_IDENT_CTX = {"select", "from", "join", "into", "update", "table", "order by", "group by", "as", "by"}
_LIMIT_CTX = {"limit", "offset"}
_SAFE_CALLS = re.compile(r"^(?:int|float|len|abs|round|bool|str\(len|math\.\w+|Number|parseInt|parseFloat)\s*\(")
_PLACEHOLDER_EXPR = re.compile(r"placeholder|qmark|marks|binds|params_sql|param_list|['\"](?:\?|%s|\$\d+)['\"]", re.I)
_CONST = re.compile(r"^[A-Z][A-Z0-9_]*(?:\.[A-Z][A-Z0-9_]*)*$")
_QUOTING = (r"(?:escape|quote)\w*|qn|format_(?:table|column|sequence|index|schema|label|constraint|alias)\w*"
            r"|_?compiler_dispatch|process|(?:sql\.)?Identifier")
_ESCAPED = re.compile(rf"^[\w.]*?(?:{_QUOTING})\s*\("
                      rf"|^['\"][^'\"]{{0,12}}['\"]\s*\.join\(\s*\[?\s*[\w.]*?(?:{_QUOTING})\s*\(", re.I)
"""An interpolation that escapes or quotes what it inserts (``escape_sqlite(table)``, ``quote_ident(c)``)."""
_LIT = r"""(?:'[^'\n]*'|"[^"\n]*")"""
_LITERAL_CHOICE = re.compile(rf"{_LIT}\s+if\s+[^\n]+?\s+else\s+{_LIT}")
_LITERAL_JOIN = re.compile(rf"^{_LIT}\s*\.join\(\s*\(?\s*{_LIT}\s+for\b")
_ARITHMETIC = re.compile(r"[\w.]+\s*[-+*/%]\s*\d+|\d+\s*[-+*/]\s*[\w.]+")
"""A number: a name plus or times a numeric literal (``limit + 1``)."""
_SQL_FRAGMENT = re.compile(
    r"^(?:self\.)?\w*(?:sql|wheres?|clauses?|fragments?|subquery|conditions?)(?:_\w+)?$"
    r"|^['\"][^'\"]{0,12}['\"]\s*\.join\(\s*(?:self\.)?\w*(?:sql|wheres?|clauses?|fragments?|conditions?)\w*\s*\)$",
    re.I)
"""An interpolated SQL fragment by its name (``{where_sql}``, ``{' AND '.join(wheres)}``)."""
_NAMED_SLOT = re.compile(r"(?<![:\w])[:@$]$")
"""Text just before an interpolation that makes it a placeholder *name* (``where hash = :{key}``)."""
_OPERATOR_SLOT = re.compile(
    r"\w[\w.\]\"`]*\s*(?:=|<>|!=|<=|>=|<|>|\blike\b|\bin\b)\s*['\"(]?\s*(?:\x00|%s|%\(\w+\)s|\{\w*\})", re.I)
"""Inside a SQL call's argument: a value slot right after a comparison (``name = '%s'``)."""
_SINKS = re.compile(r"(?:^|\.)(?:raw|extra|RawSQL|execute|executemany|executescript|mogrify|fetch|fetchrow|fetchval|"
                    r"read_sql|read_sql_query)$")
_PRINTS = re.compile(r"^(?:print|console\.log|(?:self\.)?_?(?:log|logger|logging|LOG|LOGGER)"
                     r"\.(?:debug|info|warning|warn|error|exception|critical))$")
_SQLALCHEMY_TEXT = {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"}
_SCAN_LIMIT = 20000


def looks_like_sql(text: str) -> bool:
    """True for text that reads like SQL (a statement, or an upper-case clause)."""
    t = text[:_SCAN_LIMIT]
    return bool(_SQL_STMT.search(t) or _SQL_UPPER.search(t) or _SQL_FRAG.search(t))


@dataclass
class _Interp:
    expr: str
    line: int


@dataclass
class Site:
    """One SQL string expression with interpolation."""

    rule: str
    line: int
    span: tuple[int, int]
    message: str


def _clause(before: str, after: str) -> str:
    """The clause an interpolation point sits in: ``ident``, ``limit`` or ``value``."""
    b = before.rstrip()
    if b.endswith(("'", '"')):
        return "value"
    if re.match(r"\s*(?:=|<>|!=|<=|>=|<|>|\blike\b|\bin\b|\bis\b|\bbetween\b)", after, re.I):
        return "ident"  # a column name left of an operator
    last = None
    tail = before[-400:]
    for m in _CLAUSE.finditer(tail):
        last = m
    if last is None:
        return "value"
    if last.group(2):
        return "value"
    kw = re.sub(r"\s+", " ", last.group(1).lower())
    if kw in _LIMIT_CTX:
        return "limit"
    if kw in _IDENT_CTX:
        return "ident"
    return "value"


class _Allow:
    """What counts as an allowlisted interpolation in one file."""

    def __init__(self, fi: FileInfo) -> None:
        self.fi = fi

    @cached_property
    def literal_collections(self) -> set[str]:
        """Names bound to a literal dict, set, list or tuple (looked up only for an
        interpolation like ``name[...]``, so most files are never parsed for it)."""
        fi = self.fi
        out: set[str] = set()
        if fi.tree is not None:
            for node in fi.nodes(ast.Assign, ast.AnnAssign):
                targets: list[ast.expr] = []
                value = None
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    targets, value = [node.target], node.value
                if value is not None and isinstance(value, (ast.Dict, ast.Set, ast.List, ast.Tuple)):
                    elts = list(value.values) if isinstance(value, ast.Dict) else list(value.elts)
                    if elts and all(isinstance(e, ast.Constant) for e in elts):
                        for t in targets:
                            if isinstance(t, ast.Name):
                                out.add(t.id)
        else:
            for m in re.finditer(r"(?m)^\s*(?:const\s+|let\s+|var\s+)?([A-Za-z_$][\w$]*)\s*(?::[^=\n]{0,40})?=\s*(?:new\s+Set\(\s*)?[\[{(]", fi.text[:2_000_000]):
                out.add(m.group(1))
        return out

    def safe(self, expr: str, line: int = 0) -> bool:
        e = expr.strip()
        if not e:
            return True
        if _ESCAPED.match(e) or (line and self._flow_safe(e, line)):
            return True
        if _SQL_FRAGMENT.match(e) and not (line and self._flow_tainted(e, line)):
            return True  # SQL composed from SQL built elsewhere (where that is built is what to check)
        if line and self.fi.lang == PYTHON and compiled_fragment(self.fi, e, line) and not self._flow_tainted(e, line):
            return True  # a SQL compiler joining fragments it compiled or quoted itself
        if re.fullmatch(r"-?\d+(?:\.\d+)?|'[^']*'|\"[^\"]*\"|True|False|None|null|true|false", e):
            return True
        if _CONST.match(e):
            return True
        if _SAFE_CALLS.match(e) or _PLACEHOLDER_EXPR.search(e) or _ARITHMETIC.fullmatch(e):
            return True
        m = re.match(r"^(?:(?:self|cls|this)\.)?([A-Za-z_$][\w$]*)\s*(?:\[|\.get\(|\?\.\[)", e)
        if m and (m.group(1) in self.literal_collections or _CONST.match(m.group(1))):
            return True
        if _LITERAL_CHOICE.fullmatch(e) or _LITERAL_JOIN.match(e):
            return True  # "IF EXISTS " if x else "";  ", ".join("?" for _ in rows)
        m = re.fullmatch(r"[A-Za-z_$][\w$]*", e)
        if m:
            n = re.escape(e)
            pat = (
                rf"\b{n}\s+not\s+in\s+[\w.({{\[]|\bassert\s+{n}\s+in\b|\bif\s+{n}\s+in\s+[A-Z_]"
                rf"|!\s*[\w.]+\.(?:includes|has)\(\s*{n}\s*\)|\b{n}\s*=\s*[\w.]*(?:ALLOWED|allowed|SORT|sort|COLUMNS|columns)\w*\s*(?:\[|\.get\()"
            )
            if re.search(pat, self.fi.text[:2_000_000]):
                return True
        return False


    def _flow_safe(self, expr: str, line: int) -> bool:
        """Every name in ``expr`` holds only constants there (Python, through the data flow)."""
        fi = self.fi
        if fi.lang != PYTHON or len(expr) > 200:
            return False
        try:
            parsed = ast.parse(expr.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError):
            return False
        wanted = [n.id for n in ast.walk(parsed) if isinstance(n, ast.Name)]
        if not wanted or any(isinstance(n, ast.Call) for n in ast.walk(parsed)):
            return False
        text = fi.text[:2_000_000]
        if not all(re.search(rf"\b{re.escape(n)}\s*(?::[^=\n]{{0,60}})?(?:=[^=]|\+=)", text) for n in set(wanted)):
            return False  # a name never assigned (a parameter) cannot hold a constant: no need to parse
        from triage.rules.dataflow import flow_of

        if fi.tree is None:
            return False
        flow = flow_of(fi)
        if flow is None:
            return False
        found = {}
        for node in fi.nodes(ast.Name):
            if node.id in wanted and node.lineno == line and node.id not in found:
                found[node.id] = node
        return len(found) == len(set(wanted)) and all(flow.safe(n, "sql") for n in found.values())


    def _flow_tainted(self, expr: str, line: int) -> bool:
        """A name in ``expr`` may hold request data there (Python)."""
        fi = self.fi
        if fi.lang != PYTHON or "request" not in fi.text and "req" not in fi.text:
            return False
        from triage.rules.dataflow import flow_of

        flow = flow_of(fi) if fi.tree is not None else None
        if flow is None:
            return False
        names = set(re.findall(r"[A-Za-z_]\w*", expr))
        return any(flow.tainted(n, "sql") for n in fi.nodes(ast.Name) if n.lineno == line and n.id in names)


def _is_literal(ts: TokenStream, a: int, b: int) -> bool:
    toks = ts.toks[a:b]
    return bool(toks) and all(
        (t.kind == "str" and not t.interps) or t.kind == "num" or t.value in ("(", ")", ",", "[", "]")
        for t in toks
    )


class SqlScan:
    """Every SQL site of one file (computed once, shared by both rules)."""

    def __init__(self, fi: FileInfo) -> None:
        self.fi = fi
        self.ts = fi.stream
        self.allow = _Allow(fi)
        self.sites: list[Site] = []
        self.sql_vars: dict[str, str] = {}
        self._run()

    # -------------------------------------------------------------- building

    def _site(self, text: str, interps: list[_Interp], span: tuple[int, int], how: str) -> None:
        if "\x00" not in text:
            return
        pieces = text.split("\x00")
        safe_idx = {i for i, x in enumerate(interps)
                    if self.allow.safe(x.expr, x.line) or (i < len(pieces) - 1 and _NAMED_SLOT.search(pieces[i]))}
        live = [x for i, x in enumerate(interps) if i not in safe_idx]
        if not live:
            return
        kinds: list[str] = []
        for k in range(len(pieces) - 1):
            if k in safe_idx:
                continue
            before = "\x00".join(pieces[: k + 1])
            after = pieces[k + 1]
            kinds.append(_clause(before, after))
        plain = "".join(pieces)
        has_ph = bool(_PLACEHOLDER.search(plain))
        exprs = ", ".join(dict.fromkeys(truncate(x.expr, 40) for x in live))
        lines = [x.line for x in live]
        line = self.fi.anchor(lines, span)
        if has_ph and kinds and all(k in ("ident", "limit") for k in kinds):
            where = "ORDER BY/LIMIT" if "limit" in kinds or re.search(r"order\s+by|group\s+by", plain, re.I) else "an identifier"
            msg = f"query binds some values as parameters but interpolates {exprs} into {where} ({how})"
            self.sites.append(Site("sql-partial-parameterization", line, span, msg))
        else:
            msg = f"SQL built with {how}: {exprs} is interpolated into the query text"
            self.sites.append(Site("sql-interpolation", line, span, msg))

    def _concat_span(self, i: int) -> tuple[int, int, list[tuple[str, object]]]:
        """From the str at ``i``, the ``+`` chain around it: (start, end, pieces)."""
        ts, toks = self.ts, self.ts.toks
        pieces: list[tuple[str, object]] = [("str", i)]
        a, b = i, i + 1
        while a >= 2 and toks[a - 1].value == "+" and toks[a - 1].kind == "op":
            s = ts.primary_start(a - 2)
            if s >= a - 1 or s < 0:
                break
            pieces.insert(0, ("str", s) if (b - a >= 0 and s == a - 2 and toks[s].kind == "str") else ("expr", (s, a - 1)))
            a = s
        while b + 1 < len(toks) and toks[b].value == "+" and toks[b].kind == "op":
            e = ts.primary_end(b + 1)
            if e <= b + 1:
                break
            if e == b + 2 and toks[b + 1].kind == "str":
                pieces.append(("str", b + 1))
            else:
                pieces.append(("expr", (b + 1, e)))
            b = e
        return a, b, pieces

    def _run(self) -> None:
        ts = self.ts
        toks = ts.toks
        lang = ts.lang
        done: set[int] = set()
        for i, t in enumerate(toks):
            if t.kind == "name" and t.value in self.sql_vars and i + 1 < len(toks):
                self._var_use(i)
                continue
            if t.kind != "str" or i in done:
                continue
            a, b, pieces = self._concat_span(i)
            if not any(k == "str" and looks_like_sql(toks[v].text) for k, v in pieces) \
                    and not self._sqlish(a, pieces):  # type: ignore[index]
                continue
            for k, v in pieces:
                if k == "str":
                    done.add(v)  # type: ignore[arg-type]
            text_parts: list[str] = []
            interps: list[_Interp] = []
            hows: list[str] = []
            for k, v in pieces:
                if k == "str":
                    st = toks[v]  # type: ignore[index]
                    text_parts.append(st.text)
                    if st.interps:
                        interps.extend(_Interp(e, ln) for e, ln in zip(st.interps, st.interp_lines))
                        hows.append("a template literal" if "`" in st.prefix else "an f-string")
                else:
                    s, e = v  # type: ignore[misc]
                    if _is_literal(ts, s, e):
                        text_parts.append(" ".join(x.text for x in toks[s:e] if x.kind == "str"))
                        continue
                    text_parts.append("\x00")
                    interps.append(_Interp(ts.source(s, e, 60), toks[s].line))
                    if "concatenation (+)" not in hows:
                        hows.append("concatenation (+)")
            text = "".join(text_parts)
            # assignment target: remember SQL variables
            if a >= 2 and toks[a - 1].value in ("=", ":=") and toks[a - 2].kind == "name":
                self.sql_vars[toks[a - 2].value] = text
            elif a >= 2 and toks[a - 1].value == "+=" and toks[a - 2].kind == "name" and toks[a - 2].value in self.sql_vars:
                text = self.sql_vars[toks[a - 2].value] + text
            end = b
            # "..." % args   /   "...".format(args)
            if lang == PYTHON and b < len(toks) and toks[b].value == "%" and toks[b].kind == "op":
                e = ts.primary_end(b + 1)
                if e > b + 1 and not _is_literal(ts, b + 1, e):
                    text, n = self._pct(text)
                    src = ts.source(b + 1, e, 60)
                    ranges = ts.args(b + 1) if toks[b + 1].value == "(" else []
                    if len(ranges) == n:
                        interps.extend(_Interp(ts.source(x, y, 60), toks[x].line) for x, y in ranges)
                    else:
                        interps.extend(_Interp(src, toks[b].line) for _ in range(n))
                    hows.append("%-formatting")
                    end = e
            elif b + 2 < len(toks) and toks[b].value == "." and toks[b + 1].value == "format" and toks[b + 2].value == "(":
                c = ts.close_of(b + 2)
                if not _is_literal(ts, b + 3, c):
                    fields: list[str] = []
                    text, n = self._brace(text, fields)
                    slots = self._format_slots(b + 2, fields)
                    interps.extend(_Interp(x, ln) for x, ln in slots)
                    hows.append(".format()")
                    end = c + 1
            if not hows:
                continue
            if (a > 0 and toks[a - 1].value in ("==", "!=")) or (end < len(toks) and toks[end].value in ("==", "!=")):
                continue  # compared, not run
            if self._printed(a):
                continue  # shown or logged, not run
            span = (toks[a].line, toks[min(end, len(toks)) - 1].end)
            self._site(text, interps, span, " and ".join(hows))

    def _printed(self, a: int) -> bool:
        """The text starting at token ``a`` is the first argument of ``print()``, ``console.log()``
        or a logger call (``log.debug(...)``): it is shown, not sent to a database."""
        ts, toks = self.ts, self.ts.toks
        if a < 1 or toks[a - 1].value != "(":
            return False
        name, _start = ts.callee(a - 1)
        return bool(name and _PRINTS.match(name))

    def _sqlish(self, a: int, pieces: list[tuple[str, object]]) -> bool:
        """SQL whose fragments only read as SQL together (``"select " + cols + " from t"``), or a
        fragment given to a SQL call (``qs.extra(where=["name = '%s'" % name])``, ``text(...)``)."""
        toks = self.ts.toks
        text = "\x00".join(toks[v].text for k, v in pieces if k == "str")  # type: ignore[index]
        if len(pieces) > 1 and looks_like_sql(text):
            return True
        return bool(_OPERATOR_SLOT.search(text[:_SCAN_LIMIT])) and self._in_sql_call(a)

    def _in_sql_call(self, a: int) -> bool:
        ts, toks = self.ts, self.ts.toks
        depth = ts.depth
        k = a - 1
        level = depth[a] if a < len(depth) else 0
        hops = 0
        while k >= 0 and a - k < 400 and hops < 3:
            if depth[k] < level and toks[k].value in ("(", "[", "{"):
                if toks[k].value == "(":
                    name, _start = ts.callee(k)
                    if not name:
                        return False
                    q = qualify(self.fi, name) if ts.lang == PYTHON else name
                    return bool(_SINKS.search(name)) or q in _SQLALCHEMY_TEXT
                level = depth[k]
                hops += 1
            k -= 1
        return False

    def _pct(self, text: str) -> tuple[str, int]:
        n = 0

        def sub(m: re.Match) -> str:
            nonlocal n
            if m.group(0) == "%%":
                return "%"
            n += 1
            return "\x00"

        return _PCT_FMT.sub(sub, text), n

    def _brace(self, text: str, fields: list[str] | None = None) -> tuple[str, int]:
        n = 0

        def sub(m: re.Match) -> str:
            nonlocal n
            g = m.group(0)
            if g in ("{{", "}}"):
                return g[0]
            n += 1
            if fields is not None:
                fields.append(re.split(r"[!:.\[]", g[1:-1], maxsplit=1)[0].strip())
            return "\x00"

        return _BRACE_FMT.sub(sub, text), n

    def _format_slots(self, open_paren: int, fields: list[str]) -> list[tuple[str, int]]:
        """The source (and line) of what fills each ``{field}`` of a ``.format(...)`` call at ``open_paren``."""
        ts, toks = self.ts, self.ts.toks
        whole = ts.source(open_paren + 1, ts.close_of(open_paren), 60)
        positional: list[tuple[str, int]] = []
        named: dict[str, tuple[str, int]] = {}
        for a, b in ts.args(open_paren):
            if b - a >= 3 and toks[a].kind == "name" and toks[a + 1].value == "=":
                named[toks[a].value] = (ts.source(a + 2, b, 60), toks[a + 2].line)
            elif toks[a].value not in ("*", "**"):
                positional.append((ts.source(a, b, 60), toks[a].line))
        out: list[tuple[str, int]] = []
        auto = 0
        line = toks[open_paren].line
        for f in fields:
            if not f:
                out.append(positional[auto] if auto < len(positional) else (whole, line))
                auto += 1
            elif f.isdigit():
                out.append(positional[int(f)] if int(f) < len(positional) else (whole, line))
            else:
                out.append(named.get(f, (whole, line)))
        return out

    def _var_use(self, i: int) -> None:
        """``sql % args`` / ``sql.format(args)`` on a variable holding SQL text."""
        ts, toks = self.ts, self.ts.toks
        name = toks[i].value
        text = self.sql_vars[name]
        if i > 0 and toks[i - 1].value in (".", "?."):
            return
        if toks[i + 1].value in ("+=", "+") and toks[i + 1].kind in ("op", "punct") and i + 2 < len(toks):
            if toks[i + 1].value == "+" and not (i >= 2 and toks[i - 1].value == "=" and toks[i - 2].value == name):
                return  # only ``sql += x`` and ``sql = sql + x`` extend the variable's text
            a, b = ts.stmt_bounds(i)
            if toks[i + 2].kind != "str" and not _is_literal(ts, i + 2, b):
                src = ts.source(i + 2, b, 60)
                self._site(text + "\x00", [_Interp(src, toks[i + 2].line)], (toks[i].line, toks[b - 1].end),
                           f"concatenation onto {name}")
            return
        if ts.lang == PYTHON and toks[i + 1].value == "%" and toks[i + 1].kind == "op":
            e = ts.primary_end(i + 2)
            if e > i + 2 and not _is_literal(ts, i + 2, e):
                t2, n = self._pct(text)
                if n:
                    self._site(t2, [_Interp(ts.source(i + 2, e, 60), toks[i].line)] * n, (toks[i].line, toks[e - 1].end), f"%-formatting of {name}")
        elif i + 3 < len(toks) and toks[i + 1].value == "." and toks[i + 2].value == "format" and toks[i + 3].value == "(":
            c = ts.close_of(i + 3)
            if not _is_literal(ts, i + 4, c):
                t2, n = self._brace(text)
                if n:
                    self._site(t2, [_Interp(ts.source(i + 4, c, 60), toks[i].line)] * n, (toks[i].line, toks[c].end), f"{name}.format()")


def sql_scan(fi: FileInfo) -> SqlScan:
    """The shared :class:`SqlScan` of a file."""
    return fi.once("sql", lambda: SqlScan(fi))


_SQL_PAIRS = (
    ("select", "from"), ("insert", "into"), ("update", "set"), ("delete", "from"), ("create", "table"),
    ("drop", "table"), ("alter", "table"), ("truncate", "table"), ("replace", "into"),
)
_SQL_UPPER_WORD = re.compile(r"\b(?:WHERE|AND|OR|HAVING|ON|ORDER|GROUP|LIMIT|OFFSET|VALUES)\b")


def _sql_hint(text: str, low: str) -> bool:
    """True when ``text`` (``low`` lower-cased) may hold a string :func:`looks_like_sql`
    accepts: one of its statement keyword pairs (any case), or an upper-case clause keyword."""
    return any(a in low and b in low for a, b in _SQL_PAIRS) or bool(_SQL_UPPER_WORD.search(text))


def may_hold_sql(fi: FileInfo) -> bool:
    """False when no SQL site can touch the added lines, so the file need not be lexed:
    no SQL text near them, and none elsewhere that a nearby ``%`` or ``.format`` could fill.
    Decided once per file (both SQL rules ask)."""
    return fi.once("may_hold_sql", lambda: _may_hold_sql(fi))


_SINK_HINT = re.compile(r"\.(?:raw|extra|execute|executemany|executescript|fetch|fetchrow|fetchval|mogrify)\("
                        r"|\bRawSQL\(|\btext\(|read_sql")
"""A SQL call near the added lines: its argument is SQL even when a fragment does not read as such."""


def _may_hold_sql(fi: FileInfo) -> bool:
    near = fi.near_added_text
    return _sql_hint(near, fi.near_added_lower) or bool(_SINK_HINT.search(near)) or (
        ("%" in near or ".format" in near) and _sql_hint(fi.text, fi.lower))


class _SqlRule(FileRule):
    kind = "token"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("select", "insert", "update", "delete", "where", "order by", "create", "drop", "alter", "limit", "truncate",
               "replace", "execute", "fetch", "raw(", "extra(", "rawsql", "text(", "read_sql")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.is_test or not may_hold_sql(fi):
            return  # a test's SQL is its fixture
        seen: set[int] = set()
        for s in sql_scan(fi).sites:
            if s.rule != self.id:
                continue
            runs = [(n, name) for n, name in run_lines(fi, s) if n not in seen]
            if not runs:
                yield self.hit(fi, s.line, s.message)
            for n, name in runs:  # the query runs here: report the sink, naming where it was built
                seen.add(n)
                yield self.hit(fi, n, f"runs {name}, built at line {s.line}: {s.message}")


_ASSIGNED = re.compile(r"^\s*(?:(?:const|let|var)\s+)?([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)")


def run_lines(fi: FileInfo, site: Site) -> list[tuple[int, str]]:
    """The added lines of the same function that run the query of ``site``: for
    ``q = f"... {x}"`` then ``cur.execute(q)``, the finding belongs on the line that sends
    the text to the database (whether the build line was added too or kept from before), and
    names where the text was built. Only a name assigned the SQL on the site's first line
    counts, up to where the function assigns it again. Empty when no added line runs it:
    the finding then stays where the text is built."""
    if not fi.added:
        return []
    first = site.span[0]
    m = _ASSIGNED.match(fi.line(first))
    if m is None:
        return []
    name = m.group(1)
    end = len(fi.lines)
    for a, b, _ in function_spans(fi):
        if a <= first <= b and b - a < end:
            end = b
    sink = re.compile(rf"(?:\.(?:execute|executemany|executescript|raw|extra|fetch|fetchrow|fetchval|mogrify|query|cursor)"
                      rf"|\b(?:text|RawSQL|read_sql|read_sql_query))\(\s*(?:sql\s*=\s*)?{re.escape(name)}\b(?!\s*[.\[(])")
    again = re.compile(rf"^\s*(?:(?:const|let|var)\s+)?{re.escape(name)}\s*(?::[^=]+)?=(?!=)")
    out = []
    for n in range(max(site.span[1], first) + 1, end + 1):
        line = fi.line(n)
        if again.match(line):
            break
        if n in fi.added and sink.search(line):
            out.append((n, name))
    return out


@register
class SqlInterpolation(_SqlRule):
    id = "sql-interpolation"
    severity = "high"
    cwe = "CWE-89"
    question = "Is every clause (WHERE, ORDER BY, LIMIT) parameterized?"


@register
class SqlPartialParameterization(_SqlRule):
    id = "sql-partial-parameterization"
    severity = "high"
    cwe = "CWE-89"
    question = "Is the ORDER BY/LIMIT value mapped through a fixed allowlist?"
