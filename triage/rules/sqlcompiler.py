"""Provides :func:`compiled_fragment`: SQL a compiler composes from fragments it made itself.

An ORM's SQL compiler (Django's ``SQLCompiler.as_sql``, SQLAlchemy's ``visit_*``
methods, an expression's ``as_sql(compiler, connection)``) builds statements by
joining text it compiled or quoted a moment before: ``"GROUP BY %s" % ", ".join(grouping)``
where every entry of ``grouping`` came from ``self.compile(expr)``. Interpolating that
is the job of a compiler, not an injection.

A function is a *compiler* when its class is named ``…Compiler`` or when its body
compiles or quotes SQL itself (``.compile(``, ``.as_sql(``, ``.process(``,
``._compiler_dispatch(``, ``.quote_name(``). In such a function an interpolated
expression is a *compiled fragment* when every value in it is a constant, the result
of a method of ``self`` or of the ``compiler`` it was given (or of a helper handed the
compiler, ``crud._get_crud_params(self, stmt)``), an attribute of ``self``
(not ``self.request``), or a local variable whose every assignment (``=``, ``+=``,
``for … in``, ``.append(…)``) is itself a compiled fragment. A parameter of the
function (other than ``self``/``cls``/``compiler``/``connection``) is never one, nor
a local built from it: what the caller passes in is exactly what is worth checking.
"""

from __future__ import annotations

import ast
import re

from triage.rules.fileinfo import FileInfo
from triage.rules.python_ast import dotted

_COMPILING = {"compile", "as_sql", "process", "_compiler_dispatch", "quote_name", "quote_name_unless_alias",
              "quote_identifier", "format_table", "format_column"}
"""Methods whose call makes a function a SQL compiler (it builds SQL from what it compiles)."""
_OBJECTS = {"self", "cls", "compiler", "connection"}
"""The compiler and the connection it compiles for: what their methods return is SQL they made."""
_BUILTINS = {"str", "list", "tuple", "sorted", "reversed", "enumerate", "zip", "len", "int", "map", "filter", "dict",
             "set", "next", "iter", "any", "all", "min", "max", "chain", "itertools.chain"}
_DEPTH = 12
_HINT = re.compile(r"Compiler\b|\.(?:" + "|".join(sorted(_COMPILING)) + r")\(")
"""Text every compiler function has (its class name, or a compiling call)."""


def compiled_fragment(fi: FileInfo, expr: str, line: int) -> bool:
    """True when ``expr`` (an interpolation on ``line``) is a fragment a SQL compiler composed (module doc)."""
    if len(expr) > 400 or expr.endswith("…") or not _HINT.search(fi.text):
        return False  # no compiler in the file: nothing to parse it for
    if fi.tree is None:
        return False
    fn = _function_at(fi, line)
    if fn is None or not _is_compiler(fi, fn):
        return False
    try:
        node = ast.parse(expr.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return False
    return _Judge(fn).ok(node, frozenset(), 0)


def _function_at(fi: FileInfo, line: int) -> ast.AST | None:
    best = None
    for fn in fi.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        if fn.lineno <= line <= (fn.end_lineno or fn.lineno) and (best is None or fn.lineno >= best.lineno):
            best = fn
    return best


def _is_compiler(fi: FileInfo, fn: ast.AST) -> bool:
    owner = fi.parents.get(fn)
    if isinstance(owner, ast.ClassDef) and owner.name.endswith("Compiler"):
        return True
    for sub in ast.walk(fn):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in _COMPILING:
            if dotted(sub.func.value) not in ("re", "regex"):
                return True
    return False


class _Judge:
    """Which expressions of one function are compiled fragments."""

    def __init__(self, fn: ast.AST) -> None:
        a = fn.args  # type: ignore[attr-defined]
        names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
        names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
        self.params = set(names) - _OBJECTS
        self.visiting: set[str] = set()
        self.memo: dict[str, bool] = {}
        self.sources: dict[str, list[ast.AST]] = {}
        for sub in ast.walk(fn):
            if isinstance(sub, ast.Assign):
                for t in sub.targets:
                    self._bind(t, sub.value)
            elif isinstance(sub, (ast.AugAssign, ast.AnnAssign)) and sub.value is not None:
                self._bind(sub.target, sub.value)
            elif isinstance(sub, (ast.For, ast.AsyncFor)):
                self._bind(sub.target, sub.iter)
            elif isinstance(sub, (ast.With, ast.AsyncWith)):
                for item in sub.items:
                    if item.optional_vars is not None:
                        self._bind(item.optional_vars, item.context_expr)
            elif isinstance(sub, ast.comprehension):
                self._bind(sub.target, sub.iter)  # ``[... ", ".join(p) ... for p in rows]``
            elif isinstance(sub, ast.NamedExpr):
                self._bind(sub.target, sub.value)
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and isinstance(sub.func.value, ast.Name) \
                    and sub.func.attr in ("append", "extend", "insert", "update", "add", "appendleft"):
                for arg in sub.args:
                    self.sources.setdefault(sub.func.value.id, []).append(arg)

    def _bind(self, target: ast.AST, value: ast.AST) -> None:
        for t in ast.walk(target):
            if isinstance(t, ast.Name):
                self.sources.setdefault(t.id, []).append(value)
            elif isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                self.sources.setdefault(t.value.id, []).append(value)  # ``params[k] = v``

    def ok(self, node: ast.AST, bound: frozenset, depth: int) -> bool:
        if depth > _DEPTH:
            return False
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            if node.id in bound or node.id in _OBJECTS:
                return True
            if node.id in self.params or node.id not in self.sources:
                return False
            if node.id in self.visiting:
                return True  # ``sql = sql + part``: its other assignments decide
            if node.id not in self.memo:
                self.visiting.add(node.id)
                try:
                    self.memo[node.id] = all(self.ok(v, frozenset(), depth + 1) for v in self.sources[node.id])
                finally:
                    self.visiting.discard(node.id)
            return self.memo[node.id]
        if isinstance(node, ast.Attribute):
            if dotted(node).split(".")[:2] == ["self", "request"]:
                return False
            return self.ok(node.value, bound, depth)
        if isinstance(node, ast.Call):
            root = node.func
            while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and root.id in _OBJECTS and isinstance(node.func, ast.Attribute):
                return True  # ``self.compile(expr)``, ``compiler.compile(self.lhs)``: SQL the compiler made
            args = list(node.args) + [k.value for k in node.keywords]
            if any(isinstance(x, ast.Name) and x.id in ("self", "compiler") for x in node.args):
                return True  # ``crud._get_crud_params(self, stmt)``, ``expr._compiler_dispatch(self)``: compiled by it
            if isinstance(node.func, ast.Attribute):
                return self.ok(node.func.value, bound, depth) and all(self.ok(x, bound, depth) for x in args)
            return dotted(node.func) in _BUILTINS and all(self.ok(x, bound, depth) for x in args)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = set(bound)
            for gen in node.generators:
                if not self.ok(gen.iter, frozenset(inner), depth):
                    return False
                inner |= {t.id for t in ast.walk(gen.target) if isinstance(t, ast.Name)}
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            return all(self.ok(p, frozenset(inner), depth) for p in parts)
        if isinstance(node, (ast.BinOp, ast.BoolOp, ast.IfExp, ast.JoinedStr, ast.FormattedValue, ast.Tuple, ast.List,
                             ast.Set, ast.Dict, ast.Subscript, ast.Starred, ast.Compare, ast.UnaryOp, ast.Slice)):
            if isinstance(node, ast.Subscript):
                return self.ok(node.value, bound, depth)
            kids = [k for k in ast.iter_child_nodes(node) if not isinstance(k, (ast.operator, ast.boolop, ast.cmpop,
                                                                                 ast.unaryop, ast.expr_context))]
            return all(self.ok(k, bound, depth) for k in kids)
        if isinstance(node, ast.Await):
            return self.ok(node.value, bound, depth)
        return False
