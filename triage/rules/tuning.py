"""Provides ``round-number-timeout``: a timeout, retry count, TTL or pool size set to a bare round literal.

New code that says ``timeout=30``, ``max_retries=3`` or ``ttl=3600`` rarely
says where the number came from. Flagged: a call keyword, an assignment or a
mapping key whose name is a timeout, retry, TTL, expiry or pool-size name
(split into words, so ``readTimeoutMs`` and ``pool_size`` count), whose value
is a round literal (or a product of literals, ``60 * 60``), with no comment on
its line or the line above. Not flagged: an UPPER_CASE constant (a named
setting), a value read from the environment or a config (``os.getenv("T", 30)``),
a function's default argument (its documented default), 0, 1 and ``None``,
settings and config files, and tests.

Round means (the catalogue's definition): for durations, a multiple of 5 from
30 s (of 1,000 from 30,000 in milliseconds), or an exact multiple of 3 for a
connect timeout (requests advises "slightly larger than a multiple of 3");
for retries, 3, 5 or a multiple of 5; for pool sizes, a multiple of 5 or a
power of two from 8. Shorter round timeouts (``timeout=10``) are left alone.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.fileinfo import FileInfo, FileRule
from triage.rules.names import parts
from triage.rules.tokens import JAVASCRIPT, PYTHON

_DURATION = {"timeout", "timeouts", "ttl", "expire", "expires", "expiry", "expiration", "deadline", "keepalive", "maxage"}
_RETRY = {"retries", "retry", "attempts", "retrys"}
_POOL = {"poolsize", "maxconnections", "maxoverflow", "poolmaxsize", "poolconnections", "maxpoolsize", "minpoolsize",
         "connectionlimit", "maxsockets"}
_SETTINGS_PATH = re.compile(r"(^|/)(settings|config|conf|configs|defaults?)(/|[^/]*\.[a-z]+$)|(^|/)[^/]*(settings|config)[^/]*\.[a-z]+$")


def kind_of(name: str) -> str:
    """``duration``, ``connect``, ``retry``, ``pool`` or "" for an identifier."""
    ps = parts(name)
    if not ps:
        return ""
    joined = {a + b for a, b in zip(ps, ps[1:])} | {a + b + c for a, b, c in zip(ps, ps[1:], ps[2:])}
    if set(ps) & _DURATION or "maxage" in joined:
        return "connect" if "connect" in ps else ("ms" if ps[-1] in ("ms", "millis", "milliseconds") else "duration")
    if set(ps) & _RETRY or "maxretries" in joined:
        return "retry"
    if joined & _POOL or ("pool" in ps and ("size" in ps or "max" in ps)):
        return "pool"
    return ""


def is_round(value: float, kind: str) -> bool:
    """True for the round values of a kind (see the module doc)."""
    if value in (0, 1) or value < 0:
        return False
    if value != int(value):
        return False
    v = int(value)
    if kind == "ms":
        return v >= 30_000 and v % 1000 == 0
    if kind == "connect":
        return v % 3 == 0 or (v >= 30 and v % 5 == 0)
    if kind == "duration":
        return v >= 30 and v % 5 == 0
    if kind == "retry":
        return v <= 100 and (v in (3, 5) or v % 5 == 0)  # larger: a retry delay, not a count
    if kind == "pool":
        return v % 5 == 0 or (v >= 8 and v & (v - 1) == 0)
    return False


def literal_value(node: ast.AST) -> float | None:
    """The value of a numeric literal or a product of them (``60 * 60``); else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        a, b = literal_value(node.left), literal_value(node.right)
        return a * b if a is not None and b is not None else None
    return None


_MARKERS = ("expect", "noqa", "type:", "triage:", "pragma", "fmt:", "pylint:", "eslint", "nosec", "prettier-ignore")
"""Comments that are a tool's marker, not an explanation of the value."""
_HINT = re.compile(r"(?i)(?:timeout|retr|ttl|attempts|expir|max_?age|pool|deadline|keepalive|connection|sockets)\w*['\"]?\s*[:=]\s*\d")
"""Every finding's line has a tuning name followed by ``=`` or ``:`` and a digit (looked for near the added lines)."""
_JS_NUM = re.compile(r"^\d+(?:_\d+)*(?:\.0+)?$")


@register
class RoundNumberTimeout(FileRule):
    id = "round-number-timeout"
    severity = "low"
    kind = "ast"
    cwe = ""
    question = "What latency profile was this value chosen for, and does it fit the caller's deadline, retries included?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("timeout", "retr", "ttl", "attempts", "expir", "max_age", "maxage", "pool", "deadline", "keepalive",
               "connection")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.is_test or _SETTINGS_PATH.search(fi.path.lower()) or not _HINT.search(fi.near_added_text):
            return
        if fi.lang == PYTHON:
            if fi.tree is not None:
                yield from self._python(fi)
        else:
            yield from self._js(fi)

    def _explained(self, fi: FileInfo, line: int) -> bool:
        """A comment on the line, or a comment line just above, that is not a tool's marker."""
        here = fi.line(line)
        notes = []
        for mark in ("#", "//"):
            body = here.split("://")[-1] if mark == "//" else here
            if mark in body:
                notes.append(body.split(mark, 1)[1])
        above = fi.line(line - 1).strip()
        if above.startswith(("#", "//", "/*", "*")):
            notes.append(above.lstrip("#/* "))
        return any(n.strip() and not n.strip().lower().startswith(_MARKERS) for n in notes)

    def _emit(self, fi: FileInfo, line: int, name: str, value: float, kind: str, keyed: bool = False) -> Finding | None:
        if line not in fi.added or not is_round(value, kind) or self._explained(fi, line):
            return None
        near = "\n".join(fi.lines[max(0, line - 8):line + 2]).lower()
        if near.count(f'"{name.lower()}"') + near.count(f"'{name.lower()}'") > int(keyed):
            return None  # the fallback of a setting read by that name nearby (params.get("timeout", 300))
        shown = int(value) if value == int(value) else value
        what = {"retry": "retry count", "pool": "pool size"}.get(kind, "timeout" if "timeout" in parts(name) else "duration")
        return self.hit(fi, line, f"{name}={shown}: a bare round {what} with no named setting or comment saying where it came from")

    def _python(self, fi: FileInfo) -> Iterator[Finding]:
        for node in fi.nodes(ast.Call, ast.Assign, ast.AnnAssign, ast.Dict):
            pairs: list[tuple[str, ast.AST, int]] = []
            keyed = isinstance(node, ast.Dict)
            if isinstance(node, ast.Call):
                # (a setting's default, ``os.getenv("TIMEOUT", 30)``, is positional: never a keyword here)
                pairs = [(k.arg, k.value, k.value.lineno) for k in node.keywords if k.arg]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    name = t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else ""
                    if name and not name.isupper() and node.value is not None:
                        pairs.append((name, node.value, node.lineno))
            else:
                for k, v in zip(node.keys, node.values):
                    if isinstance(k, ast.Constant) and isinstance(k.value, str):
                        pairs.append((k.value, v, k.lineno))
            for name, value_node, line in pairs:
                kind = kind_of(name)
                if not kind:
                    continue
                value = literal_value(value_node)
                if value is None:
                    continue
                got = self._emit(fi, line, name, value, kind, keyed)
                if got is not None:
                    yield got

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        toks = fi.stream.toks
        n = len(toks)
        for i, t in enumerate(toks):
            if t.kind not in ("name", "str") or i + 2 >= n or t.line not in fi.added:
                continue
            name = t.value if t.kind == "name" else t.text
            op = toks[i + 1].value
            if op not in (":", "=") or (op == "=" and name.isupper()):
                continue
            if i and toks[i - 1].value in ("const", "let", "var") and name.isupper():
                continue
            kind = kind_of(name)
            if not kind:
                continue
            if kind in ("duration", "connect") and not set(parts(name)) & {"seconds", "secs", "sec", "s"}:
                kind = "ms"  # JavaScript durations are milliseconds unless the name says otherwise
            k = i + 2
            value = 1.0
            ok = False
            while k < n and toks[k].kind == "num" and _JS_NUM.match(toks[k].value):
                value *= float(toks[k].value.replace("_", ""))
                ok = True
                if k + 1 < n and toks[k + 1].value == "*":
                    k += 2
                    continue
                k += 1
                break
            if not ok or (k < n and toks[k].value not in (",", "}", ")", ";") and toks[k].line == t.line):
                continue
            got = self._emit(fi, t.line, name, value, kind, t.kind == "str")
            if got is not None:
                yield got
