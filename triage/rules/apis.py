"""Provides ``hallucinated-api``: a call, attribute or keyword that the installed library lacks.

For each added line of a Python file, the rule looks at what the line takes
from a third-party module that the repository's environment has installed
(:mod:`triage.rules.environment`) and checks it against that library's API as
read by :mod:`triage.rules.apisurface` (stubs first, then source; never
imported):

* ``from pkg import name`` and ``pkg.mod.name`` chains (module-level functions,
  classes, variables, submodules, class attributes);
* keyword arguments of calls to functions and constructors it can read,
  following ``**kwargs`` that are only passed on (``requests.get(url,
  retries=3)``);
* attributes of instances whose class it can see: ``c = httpx.Client()`` then
  ``c.fetch()``; ``r = c.get(url)`` (annotated ``-> Response``) then
  ``r.getStatusMessage()``.

JavaScript and TypeScript: ``import { name } from "pkg"`` is checked against the
package's type declarations in ``node_modules`` (see :mod:`triage.rules.dts`).

The finding names the version (the installed distribution's, compared with the
pin the repository's lockfile or manifest has at the commit, see
:mod:`triage.rules.pins`) and the file that answered. When the installed
version differs from the pin the finding says so, one severity lower, instead
of claiming the pinned version lacks it. Where nothing can answer (no
environment, a C extension, ``__getattr__``, ``**kwargs`` used in place) there
is no finding.
"""

from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Iterator

from triage.models import Finding
from triage.rules.apisurface import Answer, Cls, Func, Surface, qual_name
from triage.rules.base import RepoContext, register
from triage.rules.context import _TRY_TYPES, _stdlib
from triage.rules.environment import PythonEnvironment, node_modules, python_environment, shown_path
from triage.rules.fileinfo import FileInfo, FileRule, demote
from triage.rules.pins import Pin, pins, same_version
from triage.rules.python_ast import dotted
from triage.rules.tokens import JAVASCRIPT, PYTHON

_ANY_INSTANCE = frozenset({"__dict__", "__class__", "__module__", "__weakref__", "__doc__", "__annotations__"})
_IMPORT_LINE = re.compile(r"(?m)^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b|import[ \t]+([^\n#;]+))")

_SURFACES: OrderedDict[tuple, Surface] = OrderedDict()
_LOCK = threading.Lock()


def surface_for(env: PythonEnvironment) -> Surface:
    """One :class:`Surface` per environment (kept while its site-packages are unchanged)."""
    key = (str(env.root), env.sites, len(env.distributions), id(env))
    with _LOCK:
        hit = _SURFACES.get(key)
        if hit is None:
            hit = _SURFACES[key] = Surface(env.sites)
            while len(_SURFACES) > 4:
                _SURFACES.popitem(last=False)
        return hit


def imported_tops(text: str) -> set[str]:
    """Top-level module names a Python file imports (by its import lines; no parse)."""
    out: set[str] = set()
    for m in _IMPORT_LINE.finditer(text):
        if m.group(1):
            out.add(m.group(1))
        else:
            for part in m.group(2).split(","):
                name = part.strip().split(" ")[0].split(".")[0].strip("()\\ ")
                if name.isidentifier():
                    out.add(name)
    return out


class _Scope:
    """Names bound in one function (or the module), and those bound once to a known instance."""

    __slots__ = ("counts", "types")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.types: dict[str, Cls] = {}


def _scope_of(fi: FileInfo, node: ast.AST) -> ast.AST:
    par = fi.parents.get(node)
    while par is not None and not isinstance(par, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)):
        par = fi.parents.get(par)
    return par if par is not None else fi.tree


def _bound_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
        return [node.id]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in node.names if a.name != "*"]
    if isinstance(node, ast.ExceptHandler) and node.name:
        return [node.name]
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    return []


class _Checker:
    """The Python side of the rule for one file."""

    def __init__(self, rule: HallucinatedApi, fi: FileInfo, ctx: RepoContext, env: PythonEnvironment, tops: set[str]):
        self.rule = rule
        self.fi = fi
        self.ctx = ctx
        self.env = env
        self.tops = tops
        self.surface = surface_for(env)
        self.al = fi.aliases
        self.scopes: dict[ast.AST, _Scope] = {}
        self.seen: set[tuple[int, str]] = set()
        self._bind()

    # -------------------------------------------------------------- names

    def _bind(self) -> None:
        fi = self.fi
        for node in ast.walk(fi.tree):
            for name in _bound_names(node):
                owner = _scope_of(fi, node) if not isinstance(node, ast.arg) else fi.parents.get(fi.parents.get(node))
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    owner = _scope_of(fi, node)
                sc = self.scopes.setdefault(owner, _Scope())
                sc.counts[name] = sc.counts.get(name, 0) + 1
        # module-level imports of installed third-party modules: rebinding them anywhere hides them
        self.module_aliases: dict[str, str] = {}
        module_scope = self.scopes.get(fi.tree, _Scope())
        for local, qual in (self.al.map.items() if self.al else ()):
            if qual.split(".")[0] in self.tops and module_scope.counts.get(local, 0) == 1 \
                    and not any(sc.counts.get(local) for k, sc in self.scopes.items() if k is not fi.tree):
                self.module_aliases[local] = qual
        for node in ast.walk(fi.tree):
            pairs: list[tuple[ast.AST, ast.AST]] = []
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                pairs = [(node.targets[0], node.value)]
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                pairs = [(node.target, node.value)]
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                pairs = [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars is not None]
                pairs = [(t, ast.Call(func=ast.Attribute(value=v, attr="__enter__", ctx=ast.Load()), args=[], keywords=[]))
                         for t, v in pairs]
            for target, value in pairs:
                if not isinstance(target, ast.Name):
                    continue
                sc = self.scopes.get(_scope_of(fi, node))
                if sc is None or sc.counts.get(target.id) != 1:
                    continue
                cls = self.instance_of(value, sc)
                if cls is not None:
                    sc.types[target.id] = cls

    def qualify(self, node: ast.AST) -> str:
        """``pkg.mod.name`` for a chain rooted at an import of an installed module, else ""."""
        name = dotted(node)
        if not name or "(" in name or "[" in name:
            return ""
        head, dot, rest = name.partition(".")
        qual = self.module_aliases.get(head)
        if qual is None:
            return ""
        return qual + (dot + rest if dot else "")

    def value_of(self, node: ast.AST, sc: _Scope | None):
        """The Func, Cls or Module an expression names, or None."""
        q = self.qualify(node)
        if q:
            got = self.surface.resolve(q)
            return got.value if got.ok else None
        if isinstance(node, ast.Attribute):
            base = self.instance_of(node.value, sc)
            if base is not None:
                return self.surface.member(base, node.attr).value
        return None

    def instance_of(self, node: ast.AST | None, sc: _Scope | None) -> Cls | None:
        """The class of the instance an expression evaluates to, when it can be seen."""
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Name) and sc is not None:
            return sc.types.get(node.id)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "__enter__":
                inner = self.instance_of(node.func.value, sc)
                if inner is None:
                    return None
                enter = self.surface.member(inner, "__enter__").value
                if not isinstance(enter, Func):
                    aenter = self.surface.member(inner, "__aenter__").value
                    enter = aenter if isinstance(aenter, Func) else None
                return self.surface.returns(enter) if enter is not None else None
            v = self.value_of(node.func, sc)
            if isinstance(v, Cls):
                return v if self.surface.members(v) is not None else None
            if isinstance(v, Func):
                return self.surface.returns(v)
        return None

    # ------------------------------------------------------------ reports

    def version_text(self, module: str, where: Path | None) -> tuple[str, str | None]:
        """(what to call the version, the severity when it differs from the pin or None)."""
        dist = self.env.provider(module)
        stubs = self.env.stubs_for(module)
        src = shown_path(where, self.ctx) if where is not None else str(self.env.root)
        if dist is None and stubs is not None:
            return f"{module} (stubs {stubs.name} {stubs.version}; checked {src})", None
        if dist is None:
            return f"{module} (checked {src})", None
        via = f"stubs {stubs.name} {stubs.version}, " if stubs is not None and where is not None and "-stubs" in str(where) else ""
        pin: Pin | None = pins(self.ctx).python.get(dist.key)
        place = shown_path(self.env.root, self.ctx)
        if pin is None:
            return f"{dist.name} {dist.version} (installed in {place}; no pin at this commit; {via}checked {src})", None
        if same_version(pin.version, dist.version):
            return f"{dist.name} {dist.version} (pinned in {pin.source}; {via}checked {src})", None
        return (f"{dist.name} {dist.version} installed in {place}, but {pin.source} pins {pin.version}: the environment "
                f"does not match the pin, so check this against {pin.version} ({via}checked {src})"), "differs"

    def report(self, line: int, what: str, module: str, where: Path | None) -> Iterator[Finding]:
        key = (line, what)
        if key in self.seen:
            return
        self.seen.add(key)
        text, differs = self.version_text(module, where)
        sev = demote(self.rule.severity) if differs else None
        yield self.rule.hit(self.fi, line, f"{what} in {text}", sev)

    # -------------------------------------------------------------- scans

    def guarded(self, node: ast.AST) -> bool:
        """True inside code that expects the name may be missing: under ``hasattr``/``getattr``/a
        version test, or in a ``try`` that catches AttributeError/ImportError/TypeError."""
        cur = self.fi.parents.get(node)
        while cur is not None:
            if isinstance(cur, (ast.If, ast.IfExp, ast.While)):
                src = ast.unparse(cur.test)
                if "hasattr" in src or "getattr" in src or "version" in src.lower() or "TYPE_CHECKING" in src:
                    return True
            if isinstance(cur, _TRY_TYPES):
                for h in cur.handlers:
                    names = ast.unparse(h.type) if h.type is not None else "Exception"
                    if any(x in names for x in ("AttributeError", "ImportError", "ModuleNotFoundError", "TypeError",
                                                "Exception")):
                        return True
            cur = self.fi.parents.get(cur)
        return False

    def run(self) -> Iterator[Finding]:
        fi = self.fi
        for node in fi.nodes(ast.ImportFrom):
            if node.level or not node.module or node.module.split(".")[0] not in self.tops or not fi.touches(node.lineno, node.end_lineno or node.lineno):
                continue
            mod = self.surface.module(node.module)
            if mod is None or self.guarded(node):
                continue
            for a in node.names:
                if a.name == "*":
                    continue
                got = self.surface.attr(mod, a.name)
                if got.ok is False:
                    yield from self.report(node.lineno, f"`from {node.module} import {a.name}`: {node.module} has no {a.name}",
                                           node.module, got.where)
        for node in fi.nodes(ast.Attribute):
            if not isinstance(node.ctx, ast.Load) or node.lineno not in fi.added:
                continue
            par = fi.parents.get(node)
            if isinstance(par, ast.Attribute):
                continue  # the outermost chain speaks for the whole
            if self.guarded(node):
                continue
            yield from self._chain(node)
        for node in fi.nodes(ast.Call):
            if node.keywords and fi.touches(node.lineno, node.end_lineno or node.lineno) and not self.guarded(node):
                yield from self._keywords(node)

    def _stored(self) -> set[str]:
        """``a.b.c`` of every attribute this file assigns (``mail.outbox = []``, ``request.session = s``):
        the file itself makes those exist."""
        got = getattr(self, "_stores", None)
        if got is None:
            got = self._stores = {dotted(n) for n in self.fi.nodes(ast.Attribute) if isinstance(n.ctx, ast.Store)}
        return got

    def _chain(self, node: ast.Attribute) -> Iterator[Finding]:
        stored = self._stored()
        sub: ast.AST = node
        while isinstance(sub, ast.Attribute):
            if dotted(sub) in stored:
                return
            sub = sub.value
        q = self.qualify(node)
        if q:
            got = self.surface.resolve(q)
            if got.ok is False:
                missing = q[len(got.detail) + 1:].split(".")[0]
                yield from self.report(node.lineno, f"`{got.detail}.{missing}` does not exist: {got.detail} has no {missing}",
                                       q, got.where)
            return
        # an instance's attribute: walk the chain down to the first part an instance is known for
        cur: ast.AST = node
        chain: list[ast.Attribute] = []
        while isinstance(cur, ast.Attribute):
            chain.append(cur)
            cur = cur.value
        sc = self.scopes.get(_scope_of(self.fi, node))
        for att in reversed(chain):
            cls = self.instance_of(att.value, sc)
            if cls is None:
                continue
            if att.attr in _ANY_INSTANCE or f"{dotted(att.value)}.__class__" in stored:
                return
            got = self.surface.member(cls, att.attr)
            if got.ok is False:
                what = ast.unparse(att.value)
                mod = cls.module.name
                yield from self.report(att.lineno, f"`{_short(what)}.{att.attr}`: {mod}.{cls.name} has no attribute {att.attr}",
                                       mod, got.where)
            return

    def _keywords(self, node: ast.Call) -> Iterator[Finding]:
        sc = self.scopes.get(_scope_of(self.fi, node))
        target = self.value_of(node.func, sc)
        shown = ast.unparse(node.func)
        if isinstance(target, Cls):
            target = self.surface.constructor(target)
        if not isinstance(target, Func):
            return
        for kw in node.keywords:
            if kw.arg is None:
                continue
            got: Answer = self.surface.accepts_keyword(target, kw.arg)
            if got.ok is False:
                fn = got.value if isinstance(got.value, Func) else target
                via = f" (it goes to {got.detail})" if got.detail and got.detail != qual_name(target) else ""
                line = kw.value.lineno if kw.value.lineno in self.fi.added else node.lineno
                yield from self.report(line, f"`{_short(shown)}(..., {kw.arg}=...)`: no keyword argument {kw.arg}{via}",
                                       fn.module.name, fn.module.path)


def _short(s: str, n: int = 50) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


@register
class HallucinatedApi(FileRule):
    id = "hallucinated-api"
    severity = "medium"
    kind = "context"
    cwe = "CWE-477"
    question = "Does this exist in the locked version, and did a test run this line?"
    languages = (PYTHON, JAVASCRIPT)

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == JAVASCRIPT:
            nm = node_modules(ctx)
            if nm is not None:
                from triage.rules import dts

                yield from dts.check_named_imports(self, fi, ctx, nm)
            return
        env = python_environment(ctx)
        if env is None:
            return  # nothing installed to ask: no answer, no finding
        names = imported_tops(fi.text)
        std = _stdlib()
        tops = {t for t in names if t not in std and (env.providers.get(t) or env.providers.get(t + "-stubs"))}
        if not tops:
            return
        tops = {t for t in tops if not _first_party(ctx, t)}
        if not tops or fi.tree is None:
            return
        yield from _Checker(self, fi, ctx, env, tops).run()


def _first_party(ctx: RepoContext, top: str) -> bool:
    """True when the repository itself has a root package or module ``top`` (flat or ``src/``)."""
    for p in (f"{top}.py", f"{top}/__init__.py", f"src/{top}/__init__.py", f"src/{top}.py"):
        try:
            if ctx.read(p) is not None:
                return True
        except Exception:  # noqa: BLE001
            continue
    return False
