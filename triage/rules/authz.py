"""Provides ``token-scope-unchecked``: a token is accepted, but nothing checks what it allows.

Python (``ast``, one function at a time):

* **verified, never scoped**: a function verifies a JWT or OAuth token
  (``jwt.decode``, ``jose.jwt.decode``, ``verify_id_token``,
  ``verify_oauth2_token``, ``decode_token``...), passes no ``audience=``, and
  nowhere in the function reads a scope, role, permission, group or audience
  (a ``"scope"`` key, ``.roles``, ``has_permission()``, a ``SecurityScopes``
  parameter...) before it returns the claims or acts on them;
* **present, never verified**: a Flask/FastAPI dependency or view takes the
  bearer token (a ``Depends(oauth2_scheme)`` parameter, ``request.headers``
  ``"Authorization"``) and only tests that it is there (``if not token:``)
  before returning or going on: the token is never passed to anything.

JavaScript (tokens, so a "check", one severity lower): ``jwt.verify(...)`` with
no ``audience`` option in a function that never mentions scopes, roles,
permissions or the audience.
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

_VERIFY_LAST = {"decode", "verify", "verify_token", "decode_token", "verify_jwt", "verify_id_token",
                "verify_oauth2_token", "decode_access_token", "verify_access_token", "decode_jwt", "validate_token",
                "jwt_decode", "verify_firebase_token"}
_TOKEN_MODULES = ("jwt", "jose", "authlib", "google.oauth2", "firebase_admin", "itsdangerous", "jwcrypto", "token")
_AUTHZ_WORDS = {"scope", "scopes", "scp", "role", "roles", "permission", "permissions", "perm", "perms", "group",
                "groups", "aud", "audience", "admin", "authorize", "authorized", "authorise", "grant", "grants",
                "acl", "policy", "policies", "privilege", "privileges", "entitlement", "entitlements", "rbac",
                "superuser", "staff", "owner", "tenant"}
_JS_AUTHZ = re.compile(r"\b(?:scopes?|scp|roles?|permissions?|perms|groups|aud|audience|isAdmin|admin|authorize\w*|"
                       r"can[A-Z]\w*|hasRole|hasPermission|hasScope|tenant\w*|owner\w*)\b")
_PY_HINT = re.compile(r"(?i)jwt|jose|id_token|oauth|authorization|bearer")
"""What a Python file needs for a finding: a token library, a bearer scheme or the Authorization header."""
_JS_HINT = re.compile(r"\b(?:jwt|jsonwebtoken)\s*\.\s*verify\b|\b(?:jwtVerify|verifyIdToken|verifyAccessToken)\b")
"""A JavaScript finding sits on one of these calls (looked for near the added lines before lexing)."""
_TOKEN_SCHEMES = ("OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer", "HTTPBearer", "APIKeyHeader", "OAuth2")


def _mentions_authz(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        words: tuple[str, ...] = ()
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and len(sub.value) < 60:
            words = parts(sub.value)
        elif isinstance(sub, ast.Name):
            words = parts(sub.id)
        elif isinstance(sub, ast.Attribute):
            words = parts(sub.attr)
        elif isinstance(sub, ast.arg):
            words = parts(sub.arg) + (parts(dotted(sub.annotation)) if sub.annotation is not None else ())
        elif isinstance(sub, ast.keyword) and sub.arg:
            words = parts(sub.arg)
        if set(words) & _AUTHZ_WORDS:
            return True
    return False


def _is_verify(fi: FileInfo, call: ast.Call) -> str:
    """The qualified name of a token-verifying call, or ""."""
    q = fi.aliases.resolve(call.func) if fi.aliases else dotted(call.func)
    if not q or "(" in q:
        q = dotted(call.func).replace("()", "")
    last = q.rsplit(".", 1)[-1]
    if last not in _VERIFY_LAST:
        return ""
    if last == "decode" and not any(m in q.lower() for m in ("jwt", "jose", "token")):
        return ""  # bytes.decode(), base64 decode and the like
    if last == "verify" and not any(m in q.lower() for m in _TOKEN_MODULES):
        return ""
    for kw in call.keywords:
        if kw.arg == "algorithms" and "'none'" in ast.unparse(kw.value).lower():
            return ""  # alg "none" is jwt-signature-unverified's finding
        if kw.arg == "options" and isinstance(kw.value, ast.Dict):
            for k, v in zip(kw.value.keys, kw.value.values):
                if isinstance(k, ast.Constant) and k.value == "verify_signature" and isinstance(v, ast.Constant) and v.value is False:
                    return ""  # an unverified decode is jwt-signature-unverified's finding
    return q


def _functions(fi: FileInfo) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [fn for fn in fi.nodes(ast.FunctionDef, ast.AsyncFunctionDef) if fi.touches(fn.lineno, fn.end_lineno or fn.lineno)]


def _token_schemes(fi: FileInfo) -> set[str]:
    """Module names bound to a FastAPI bearer-token scheme (``oauth2_scheme = OAuth2PasswordBearer(...)``)."""
    out: set[str] = set()
    for node in fi.nodes(ast.Assign):
        if isinstance(node.value, ast.Call) and dotted(node.value.func).rsplit(".", 1)[-1] in _TOKEN_SCHEMES:
            out.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return out


def _presence_only(fn: ast.AST, name: str) -> bool:
    """True when ``name`` is only ever tested for being there (``if not token``, ``token is None``)."""
    uses = 0
    for node in own_nodes(fn):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            uses += 1
    if not uses:
        return False
    tests = 0
    for node in own_nodes(fn):
        test = node.test if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)) else None
        if test is None:
            continue
        for sub in ast.walk(test):
            if isinstance(sub, ast.Name) and sub.id == name:
                par_ok = test is sub or (isinstance(test, ast.UnaryOp) and test.operand is sub) or (
                    isinstance(test, ast.Compare) and test.left is sub
                    and all(isinstance(c, ast.Constant) and c.value in (None, "") for c in test.comparators))
                if par_ok:
                    tests += 1
    return tests == uses


@register
class TokenScopeUnchecked(FileRule):
    id = "token-scope-unchecked"
    severity = "medium"
    kind = "ast"
    cwe = "CWE-862"
    question = "Where is the scope required for *this* operation enforced?"
    languages = (PYTHON, JAVASCRIPT)
    needles = ("decode", "verify", "token", "authorization", "bearer")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == PYTHON:
            if _PY_HINT.search(fi.text) and fi.tree is not None:
                yield from self._python(fi)
        elif _JS_HINT.search(fi.near_added_text):
            yield from self._js(fi)

    def _python(self, fi: FileInfo) -> Iterator[Finding]:
        schemes = None
        for fn in _functions(fi):
            if _mentions_authz(fn):
                continue
            verified = False
            for node in own_nodes(fn):
                if isinstance(node, ast.Call):
                    q = _is_verify(fi, node)
                    if not q:
                        continue
                    verified = True
                    if node.lineno in fi.added:
                        yield self.hit(fi, node.lineno, f"{fn.name}() verifies the token with {q}() but checks no scope, "
                                       "role or audience (no audience= either) before it acts on the claims")
                    break
            if verified:
                continue
            if schemes is None:
                schemes = _token_schemes(fi)
            for name, line in self._bearer_names(fn, schemes):
                if _presence_only(fn, name) and fi.touches(fn.lineno, fn.end_lineno or fn.lineno):
                    yield self.hit(fi, fi.anchor([line], (fn.lineno, fn.end_lineno or fn.lineno)),
                                   f"{fn.name}() checks only that the bearer token {name} is present; it is never verified or scoped")

    @staticmethod
    def _bearer_names(fn: ast.FunctionDef | ast.AsyncFunctionDef, schemes: set[str]) -> Iterator[tuple[str, int]]:
        args = fn.args.args + fn.args.kwonlyargs
        defaults = [None] * (len(fn.args.args) - len(fn.args.defaults)) + list(fn.args.defaults) + list(fn.args.kw_defaults)
        for a, d in zip(args, defaults):
            if isinstance(d, ast.Call) and dotted(d.func).rsplit(".", 1)[-1] in ("Depends", "Security") and d.args:
                dep = dotted(d.args[0])
                if dep in schemes or dotted(d.args[0].func if isinstance(d.args[0], ast.Call) else d.args[0]).rsplit(".", 1)[-1] in _TOKEN_SCHEMES:
                    yield a.arg, a.lineno
        for node in own_nodes(fn):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                src = ast.unparse(node.value)
                if "headers" in src and "authorization" in src.lower() and "request" in src:
                    yield node.targets[0].id, node.lineno

    def _js(self, fi: FileInfo) -> Iterator[Finding]:
        ts = fi.stream
        toks = ts.toks
        for i, name, _start in ts.calls():
            if not name.endswith(("jwt.verify", "jsonwebtoken.verify", "jwtVerify", "verifyIdToken", "verifyAccessToken")):
                continue
            line = toks[i].line
            if line not in fi.added:
                continue
            c = ts.close_of(i)
            if "audience" in ts.keys_in(i + 1, c) or any(t.value == "audience" for t in toks[i + 1:c]):
                continue
            span = next(((a, b) for a, b, _n in sorted(function_spans(fi), key=lambda s: s[1] - s[0]) if a <= line <= b), None)
            body = "\n".join(fi.lines[span[0] - 1: span[1]]) if span else fi.text
            if _JS_AUTHZ.search(body):
                continue
            yield self.hit(fi, line, f"check: {name}() accepts the token but no scope, role or audience is checked in this function",
                           demote(self.severity))
