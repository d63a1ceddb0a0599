"""Provides a static model of an installed library's API, read with ``ast`` (never imported).

:class:`Surface` answers three questions about the modules of one Python
environment (:mod:`triage.rules.environment`):

* does module ``m`` have attribute ``a`` (a function, class, variable, import
  or submodule)?
* which keyword arguments does a function (or a class's constructor) accept,
  following ``**kwargs`` when the function only passes them on to other
  functions it can see (``requests.get`` -> ``request`` -> ``Session.request``)?
* which attributes does an instance of a class have (its methods, class
  attributes, ``self.x =`` assignments, its bases' members)?

Stubs answer first: a typeshed-style ``<pkg>-stubs`` package, then a ``.pyi``
beside the module, then the ``.py`` source. Every answer is ``True``,
``False`` or ``None`` (unknown), and anything dynamic makes it unknown: a module
``__getattr__``, an unresolvable ``import *``, a C extension without a stub,
a class with ``__getattr__``, a metaclass, an unknown decorator or base, a
``**kwargs`` that is read rather than passed on. The rule reports only a
``False``.
"""

from __future__ import annotations

import ast
import builtins
import sys
from dataclasses import dataclass, field
from pathlib import Path

from triage.rules import python_ast

MAX_SOURCE_BYTES = 2_000_000
MAX_DEPTH = 8

_OK_CLASS_DECORATORS = {
    "dataclass", "dataclasses.dataclass", "total_ordering", "functools.total_ordering", "final", "typing.final",
    "runtime_checkable", "typing.runtime_checkable", "type_check_only", "typing.type_check_only",
    "typing_extensions.final", "typing_extensions.runtime_checkable", "unique", "enum.unique",
}
_OK_METACLASSES = {"ABCMeta", "abc.ABCMeta", "type"}
_TYPING_BASES = {"Generic", "Protocol", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol", "ABC", "abc.ABC"}
_CLASS_OBJECT_ATTRS = frozenset(dir(type))
_STATE_METHODS = {"__setstate__", "__getstate__", "__reduce__", "__reduce_ex__", "__copy__", "__deepcopy__"}
_GENERATED_INIT = {"NamedTuple", "typing.NamedTuple", "TypedDict", "typing.TypedDict", "typing_extensions.TypedDict"}


@dataclass
class Module:
    """One module's top-level names, as read from its stub or source."""

    name: str
    path: Path | None
    kind: str
    """``stub``, ``source``, ``namespace`` or ``extension`` (a C extension: nothing is known)."""
    is_package: bool = False
    names: dict[str, list[ast.AST]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    dynamic: bool = False

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


@dataclass
class Func:
    """A function (or the merged overloads of one), with where it was read."""

    name: str
    nodes: list[ast.FunctionDef | ast.AsyncFunctionDef]
    module: Module
    owner: Cls | None = None

    def accepts(self) -> tuple[set[str], str | None, bool]:
        """(names accepted by keyword, the ``**kwargs`` name or None, is a method)."""
        names: set[str] = set()
        var_kw: str | None = None
        is_method = self.owner is not None and not any(
            python_ast.dotted(d) == "staticmethod" for n in self.nodes for d in n.decorator_list)
        for n in self.nodes:
            a = n.args
            plain = list(a.args)
            if is_method and plain:
                plain = plain[1:]
            names.update(x.arg for x in plain)
            names.update(x.arg for x in a.kwonlyargs)
            if a.kwarg is not None:
                var_kw = var_kw or a.kwarg.arg
        return names, var_kw, is_method

    @property
    def returns(self) -> ast.expr | None:
        rets = [n.returns for n in self.nodes if n.returns is not None]
        return rets[0] if len(rets) == 1 or (rets and all(ast.dump(r) == ast.dump(rets[0]) for r in rets)) else None


@dataclass
class Cls:
    name: str
    node: ast.ClassDef
    module: Module


@dataclass
class Instance:
    cls: Cls


@dataclass(frozen=True)
class Answer:
    """What a lookup found: ``ok`` True/False/None (unknown), the value, and where it looked."""

    ok: bool | None
    value: object = None
    where: Path | None = None
    detail: str = ""


UNKNOWN = Answer(None)


def _body_statements(body: list[ast.stmt]):
    """Statements of a module or class body, descending into if/try/with (not into functions)."""
    stack = list(reversed(body))
    while stack:
        s = stack.pop()
        yield s
        if isinstance(s, (ast.If, ast.Try, ast.With, ast.AsyncWith, getattr(ast, "TryStar", ast.Try))):
            inner = list(getattr(s, "body", [])) + list(getattr(s, "orelse", [])) + list(getattr(s, "finalbody", []))
            for h in getattr(s, "handlers", []):
                inner.extend(h.body)
            stack.extend(reversed(inner))


def _target_names(t: ast.AST) -> list[str]:
    if isinstance(t, ast.Name):
        return [t.id]
    if isinstance(t, (ast.Tuple, ast.List)):
        return [n for e in t.elts for n in _target_names(e)]
    if isinstance(t, ast.Starred):
        return _target_names(t.value)
    return []


def _absolute(module: Module, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    base = module.package.split(".") if module.package else []
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _read_module(name: str, path: Path, kind: str, is_package: bool) -> Module:
    mod = Module(name, path, kind, is_package)
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            mod.dynamic = True
            return mod
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError:
        mod.dynamic = True
        return mod
    tree = python_ast.parse(text)
    if tree is None:
        mod.dynamic = True
        return mod
    for s in _body_statements(tree.body):
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            mod.names.setdefault(s.name, []).append(s)
            if s.name == "__getattr__":
                mod.dynamic = True
        elif isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = s.targets if isinstance(s, ast.Assign) else [s.target]
            for t in targets:
                for n in _target_names(t):
                    mod.names.setdefault(n, []).append(s)
                    if n == "__getattr__":
                        mod.dynamic = True
                if isinstance(t, ast.Subscript) and "globals" in ast.unparse(t.value):
                    mod.dynamic = True
        elif isinstance(s, ast.Import):
            for a in s.names:
                mod.names.setdefault(a.asname or a.name.split(".")[0], []).append(s)
        elif isinstance(s, ast.ImportFrom):
            src = _absolute(mod, s.level, s.module)
            for a in s.names:
                if a.name == "*":
                    mod.stars.append(src)
                else:
                    mod.names.setdefault(a.asname or a.name, []).append(s)
        elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
            callee = python_ast.dotted(s.value.func)
            if callee.endswith(("globals().update", "__dict__.update", "setattr")) or callee in ("lazy.attach", "lazy_loader.attach"):
                mod.dynamic = True
    if "sys.modules[__name__]" in text or "__getattr__ =" in text:
        mod.dynamic = True
    return mod


class Surface:
    """Modules of one environment, loaded on demand from its site-packages directories."""

    def __init__(self, sites: tuple[Path, ...]):
        self.sites = sites
        self._modules: dict[str, Module | None] = {}

    # ------------------------------------------------------------ modules

    def _locate(self, name: str) -> tuple[Path, str, bool] | None:
        parts = name.split(".")
        stub_top = [parts[0] + "-stubs"] + parts[1:]
        for site in self.sites:
            for segs, kind in ((stub_top, "stub"), (parts, "stub"), (parts, "source")):
                base = site.joinpath(*segs)
                suffix = ".pyi" if kind == "stub" else ".py"
                if (base / f"__init__{suffix}").is_file():
                    return base / f"__init__{suffix}", kind, True
                f = base.with_name(base.name + suffix)
                if f.is_file():
                    return f, kind, False
            base = site.joinpath(*parts)
            parent = base.parent
            if parent.is_dir():
                try:
                    if any(p.name.startswith(base.name + ".") and p.suffix in (".so", ".pyd") for p in parent.iterdir()):
                        return parent, "extension", False
                except OSError:
                    pass
            if base.is_dir() and (len(parts) == 1 or self.module(".".join(parts[:-1])) is not None):
                return base, "namespace", True
        return None

    def module(self, name: str) -> Module | None:
        """The module ``name`` (dotted), or None when no file provides it."""
        if name in self._modules:
            return self._modules[name]
        self._modules[name] = None  # a cycle of imports stops here
        found = self._locate(name) if name and all(p.isidentifier() for p in name.split(".")) else None
        mod: Module | None = None
        if found is not None:
            path, kind, pkg = found
            if kind in ("stub", "source"):
                mod = _read_module(name, path, kind, pkg)
            else:
                mod = Module(name, path, kind, pkg, dynamic=(kind == "extension"))
        self._modules[name] = mod
        return mod

    def attr(self, mod: Module, name: str, depth: int = 0) -> Answer:
        """Does module ``mod`` have attribute ``name``? With the value when it can be resolved."""
        if depth > MAX_DEPTH:
            return UNKNOWN
        if mod.kind == "extension":
            return UNKNOWN
        nodes = mod.names.get(name)
        if nodes:
            return Answer(True, self._value(mod, name, nodes, depth), mod.path)
        if mod.is_package:
            sub = self.module(f"{mod.name}.{name}")
            if sub is not None:
                return Answer(True, sub, sub.path)
        for star in mod.stars:
            m = self.module(star)
            if m is None:
                return UNKNOWN
            got = self.attr(m, name, depth + 1)
            if got.ok is not False:
                return got
        if mod.dynamic or mod.kind == "namespace" and not mod.names:
            return Answer(None, where=mod.path) if mod.dynamic else Answer(False, where=mod.path)
        if name.startswith("__") and name.endswith("__"):
            return UNKNOWN  # module dunders (__version__, __file__, ...) exist without being assigned
        return Answer(False, where=mod.path)

    def _value(self, mod: Module, name: str, nodes: list[ast.AST], depth: int):
        last = nodes[-1]
        if all(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in nodes):
            return Func(name, list(nodes), mod)
        if isinstance(last, ast.ClassDef) and len(nodes) == 1:
            return Cls(name, last, mod)
        if len(nodes) != 1:
            return None
        if isinstance(last, ast.ImportFrom):
            src = _absolute(mod, last.level, last.module)
            orig = next(a.name for a in last.names if (a.asname or a.name) == name)
            m = self.module(src)
            if m is None:
                return None
            if m.is_package and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in m.names.get(orig, ())):
                sub = self.module(f"{src}.{orig}")  # ``from . import sessions``: the submodule
                if sub is not None:
                    return sub
            return self.attr(m, orig, depth + 1).value
        if isinstance(last, ast.Import):
            for a in last.names:
                if a.asname == name:
                    return self.module(a.name)
                if not a.asname and a.name.split(".")[0] == name:
                    return self.module(name)
            return None
        if isinstance(last, ast.Assign) and len(last.targets) == 1 and isinstance(last.targets[0], ast.Name):
            return self.expr(mod, last.value, depth + 1)
        return None

    def expr(self, mod: Module, node: ast.AST | None, depth: int = 0):
        """The value of a Name/Attribute chain in ``mod``'s namespace (a Func, Cls or Module), or None."""
        if depth > MAX_DEPTH or node is None:
            return None
        if isinstance(node, ast.Name):
            got = self.attr(mod, node.id, depth + 1) if node.id in mod.names else None
            return got.value if got is not None else None
        if isinstance(node, ast.Attribute):
            base = self.expr(mod, node.value, depth + 1)
            if isinstance(base, Module):
                return self.attr(base, node.attr, depth + 1).value
            if isinstance(base, Cls):
                return self.member(base, node.attr, depth + 1).value
        return None

    def resolve(self, dotted: str) -> Answer:
        """Resolve ``pkg.mod.Name.attr`` step by step from the top-level module.

        Returns the first missing step as ``Answer(False, detail=<the dotted prefix that has it not>)``."""
        parts = dotted.split(".")
        cur: object = self.module(parts[0])
        if cur is None:
            return UNKNOWN
        where = cur.path if isinstance(cur, Module) else None
        for k, part in enumerate(parts[1:], 1):
            if isinstance(cur, Module):
                got = self.attr(cur, part)
            elif isinstance(cur, Cls):
                got = self.member(cur, part)
                if got.ok is False and part in _CLASS_OBJECT_ATTRS:  # Cls.__name__, Cls.mro: the class object's own
                    got = Answer(True, None, got.where)
            else:
                return UNKNOWN
            if got.ok is not True:
                return Answer(got.ok, where=got.where or where, detail=".".join(parts[:k]))
            cur, where = got.value, got.where or where
            if cur is None and k < len(parts) - 1:
                return UNKNOWN
        return Answer(True, cur, where)

    # ------------------------------------------------------------ classes

    def _is_dynamic_class(self, cls: Cls) -> bool:
        node = cls.node
        for d in node.decorator_list:
            name = python_ast.dotted(d.func if isinstance(d, ast.Call) else d)
            if name not in _OK_CLASS_DECORATORS:
                return True
        for kw in node.keywords:
            if kw.arg == "metaclass" and python_ast.dotted(kw.value) not in _OK_METACLASSES:
                return True
        return False

    def _bases(self, cls: Cls, depth: int) -> list[object] | None:
        """The resolved bases (Cls, or a builtin type), or None when one cannot be resolved."""
        out: list[object] = []
        for b in cls.node.bases:
            node = b.value if isinstance(b, ast.Subscript) else b
            name = python_ast.dotted(node)
            if name in _TYPING_BASES:
                continue
            if name in _GENERATED_INIT:
                out.append(tuple if "NamedTuple" in name else dict)
                continue
            v = self.expr(cls.module, node, depth + 1)
            if isinstance(v, Cls):
                out.append(v)
                continue
            if v is None and isinstance(node, ast.Name) and node.id not in cls.module.names:
                bt = getattr(builtins, node.id, None)
                if isinstance(bt, type):
                    out.append(bt)
                    continue
            if v is None and isinstance(node, ast.Attribute):
                rt = _stdlib_type(name)
                if rt is not None:
                    out.append(rt)
                    continue
            return None
        return out

    def members(self, cls: Cls, depth: int = 0) -> set[str] | None:
        """Every attribute an instance of ``cls`` has, or None when that cannot be known."""
        if depth > MAX_DEPTH or self._is_dynamic_class(cls):
            return None
        out: set[str] = set()
        for s in _body_statements(cls.node.body):
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.add(s.name)
                if s.name in ("__getattr__", "__getattribute__"):
                    return None
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.args.args:
                    me = s.args.args[0].arg
                    restores = s.name in _STATE_METHODS  # pickling puts back the attributes it took
                    for sub in ast.walk(s):
                        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == me \
                                and isinstance(sub.ctx, ast.Store):
                            out.add(sub.attr)
                        elif restores:
                            continue
                        elif isinstance(sub, ast.Call) and python_ast.dotted(sub.func) in ("setattr", "object.__setattr__") \
                                and sub.args and isinstance(sub.args[0], ast.Name) and sub.args[0].id == me:
                            name = sub.args[1] if len(sub.args) > 1 else None
                            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                                return None
                            out.add(name.value)
                        elif isinstance(sub, ast.Call) and python_ast.dotted(sub.func).endswith("__dict__.update"):
                            return None
                        elif isinstance(sub, ast.Subscript) and isinstance(sub.ctx, ast.Store) \
                                and python_ast.dotted(sub.value).endswith("__dict__"):
                            return None
            elif isinstance(s, (ast.Assign, ast.AnnAssign)):
                targets = s.targets if isinstance(s, ast.Assign) else [s.target]
                for t in targets:
                    for n in _target_names(t):
                        out.add(n)
                        if n == "__slots__" and isinstance(s.value, (ast.Tuple, ast.List)):
                            out.update(e.value for e in s.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
                        if n in ("__getattr__", "__getattribute__"):
                            return None
        bases = self._bases(cls, depth)
        if bases is None:
            return None
        if not bases:
            bases = [object]
        for b in bases:
            if isinstance(b, Cls):
                inner = self.members(b, depth + 1)
                if inner is None:
                    return None
                out |= inner
            else:
                out |= set(dir(b))
        return out

    def member(self, cls: Cls, name: str, depth: int = 0) -> Answer:
        """Does ``cls`` (or an instance of it) have attribute ``name``? With it when it is a method."""
        ms = self.members(cls, depth)
        if ms is None:
            return Answer(None, where=cls.module.path)
        if name not in ms:
            return Answer(False, where=cls.module.path)
        found = self._find_in_mro(cls, name, depth)
        return Answer(True, found, cls.module.path) if found is not None else Answer(True, None, cls.module.path)

    def _find_in_mro(self, cls: Cls, name: str, depth: int) -> object | None:
        if depth > MAX_DEPTH:
            return None
        defs = [s for s in _body_statements(cls.node.body)
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name]
        if defs:
            return Func(name, defs, cls.module, cls)
        classes = [s for s in _body_statements(cls.node.body) if isinstance(s, ast.ClassDef) and s.name == name]
        if classes:
            return Cls(name, classes[0], cls.module)
        if any(isinstance(s, (ast.Assign, ast.AnnAssign)) and name in
               [n for t in (s.targets if isinstance(s, ast.Assign) else [s.target]) for n in _target_names(t)]
               for s in _body_statements(cls.node.body)):
            return None
        for b in self._bases(cls, depth) or []:
            if isinstance(b, Cls):
                got = self._find_in_mro(b, name, depth + 1)
                if got is not None:
                    return got
        return None

    def is_abstract(self, cls: Cls, depth: int = 0) -> bool:
        """An ABC, a Protocol, or a class with an ``@abstractmethod`` (itself or a base read here)."""
        node = cls.node
        if any(python_ast.dotted(b.value if isinstance(b, ast.Subscript) else b) in
               ("ABC", "abc.ABC", "Protocol", "typing.Protocol", "typing_extensions.Protocol") for b in node.bases):
            return True
        if any(kw.arg == "metaclass" for kw in node.keywords):
            return True
        for s in _body_statements(node.body):
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    python_ast.dotted(d).endswith("abstractmethod") for d in s.decorator_list):
                return True
        if depth < MAX_DEPTH:
            return any(isinstance(b, Cls) and self.is_abstract(b, depth + 1) for b in self._bases(cls, depth) or [])
        return False

    def constructor(self, cls: Cls) -> Func | None:
        """``cls.__init__`` when the class defines (or inherits, from a class read here) one and
        nothing generates or replaces it; None when it cannot be known."""
        if self.members(cls) is None:
            return None
        if any(python_ast.dotted(d.func if isinstance(d, ast.Call) else d) in ("dataclass", "dataclasses.dataclass")
               for d in cls.node.decorator_list):
            return None
        new = self._find_in_mro(cls, "__new__", 0)
        init = self._find_in_mro(cls, "__init__", 0)
        if isinstance(new, Func) or not isinstance(init, Func):
            return None
        if any(python_ast.dotted(b.value if isinstance(b, ast.Subscript) else b) in _GENERATED_INIT for b in cls.node.bases):
            return None
        return init

    def returns(self, fn: Func) -> Cls | None:
        """The class an instance of which ``fn`` returns, from its annotation or ``return self``."""
        ann = fn.returns
        if ann is not None:
            if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
                parsed = python_ast.parse(ann.value)
                ann = parsed.body[0].value if parsed and parsed.body and isinstance(parsed.body[0], ast.Expr) else None
            if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
                sides = [x for x in (ann.left, ann.right) if not (isinstance(x, ast.Constant) and x.value is None)]
                ann = sides[0] if len(sides) == 1 else None
            if isinstance(ann, ast.Subscript) and python_ast.dotted(ann.value) in ("Optional", "typing.Optional"):
                ann = ann.slice
            if ann is None:
                return None
            if python_ast.dotted(ann) in ("Self", "typing.Self", "typing_extensions.Self") and fn.owner is not None:
                return fn.owner
            v = self.expr(fn.module, ann)
            # an abstract class or protocol names an interface: the object returned is some subclass
            return v if isinstance(v, Cls) and not self.is_abstract(v) else None
        if fn.owner is not None and fn.module.kind == "source" and len(fn.nodes) == 1:
            rets = [s for s in ast.walk(fn.nodes[0]) if isinstance(s, ast.Return)]
            me = fn.nodes[0].args.args[0].arg if fn.nodes[0].args.args else None
            if rets and me and all(isinstance(r.value, ast.Name) and r.value.id == me for r in rets):
                return fn.owner
        return None

    # ------------------------------------------------------------ keywords

    def accepts_keyword(self, fn: Func, kw: str, depth: int = 0) -> Answer:
        """Does calling ``fn`` accept keyword ``kw``? Follows ``**kwargs`` that are only passed on."""
        if depth > MAX_DEPTH:
            return UNKNOWN
        names, var_kw, _m = fn.accepts()
        if kw in names:
            return Answer(True, fn, fn.module.path)
        if var_kw is None:
            return Answer(False, fn, fn.module.path, qual_name(fn))
        if fn.module.kind != "source" or len(fn.nodes) != 1:
            return UNKNOWN  # a stub's **kwargs (or overloads) say nothing about where they go
        targets = self._forwards(fn, var_kw)
        if not targets:
            return UNKNOWN
        last: Answer | None = None
        for target in targets:
            got = self.accepts_keyword(target, kw, depth + 1)
            if got.ok is not False:
                return UNKNOWN if got.ok is None else got
            last = got
        return last or UNKNOWN

    def _forwards(self, fn: Func, var_kw: str) -> list[Func]:
        """The functions ``fn`` passes ``**var_kw`` to, or [] when it does anything else with them."""
        node = fn.nodes[0]
        passed: list[ast.Call] = []
        uses = 0
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id == var_kw:
                uses += 1
            if isinstance(sub, ast.Call):
                if any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == var_kw for k in sub.keywords):
                    passed.append(sub)
        if not passed or uses != len(passed):
            return []
        local = _local_types(self, fn)
        out: list[Func] = []
        for call in passed:
            target = self._callee(fn, call.func, local)
            if isinstance(target, Cls):
                target = self.constructor(target)
            if not isinstance(target, Func):
                return []
            out.append(target)
        return out

    def _callee(self, fn: Func, node: ast.AST, local: dict[str, Cls]):
        if isinstance(node, ast.Name) and node.id in local:
            return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = local.get(node.value.id)
            me = fn.nodes[0].args.args[0].arg if fn.owner is not None and fn.nodes[0].args.args else None
            if owner is None and me == node.value.id:
                owner = fn.owner
            if owner is not None:
                return self.member(owner, node.attr).value
        return self.expr(fn.module, node)


def qual_name(fn: Func) -> str:
    """``Class.method`` or ``function``."""
    return f"{fn.owner.name}.{fn.name}" if fn.owner is not None else fn.name


def _local_types(surface: Surface, fn: Func) -> dict[str, Cls]:
    """Names in ``fn`` bound once, to an instance of a class read here (``s = Session()``,
    ``with Session() as s``)."""
    out: dict[str, Cls] = {}
    bound: dict[str, int] = {}
    for sub in ast.walk(fn.nodes[0]):
        pairs: list[tuple[ast.AST, ast.AST | None]] = []
        if isinstance(sub, ast.Assign):
            pairs = [(t, sub.value) for t in sub.targets]
        elif isinstance(sub, (ast.With, ast.AsyncWith)):
            pairs = [(i.optional_vars, i.context_expr) for i in sub.items if i.optional_vars is not None]
        for t, v in pairs:
            if not isinstance(t, ast.Name):
                continue
            bound[t.id] = bound.get(t.id, 0) + 1
            if isinstance(v, ast.Call):
                c = surface.expr(fn.module, v.func)
                if isinstance(c, Cls):
                    out[t.id] = c
    return {k: v for k, v in out.items() if bound.get(k) == 1}


_STDLIB_TYPE_MODULES = {"collections", "io", "threading", "http.client", "enum", "json", "socket", "ssl",
                        "urllib.parse", "logging", "argparse", "datetime", "decimal", "pathlib", "queue",
                        "contextlib", "abc", "typing", "dataclasses", "asyncio", "email.message", "string",
                        "collections.abc", "numbers", "os", "weakref", "functools", "types", "warnings"}


def _stdlib_type(dotted: str) -> type | None:
    """A standard-library class named ``mod.Class``, from a module triage has already imported
    (or an allowlisted one; never the library under review)."""
    mod, _, name = dotted.rpartition(".")
    if mod not in _STDLIB_TYPE_MODULES:
        return None
    m = sys.modules.get(mod)
    if m is None:
        import importlib

        try:
            m = importlib.import_module(mod)
        except ImportError:
            return None
    t = getattr(m, name, None)
    return t if isinstance(t, type) else None
