"""Provides ``mirror-test``: a new test that restates the new code instead of a specification.

A per-change rule. For each test function a change adds to a Python test file
that calls a function the same change adds or edits, the test's assertions are
compared with that function (``ast``, both files at the commit):

* the expected value is the function's own return expression with the call's
  arguments put in for its parameters (``assert total(p, q) == p * q * 1.2``
  against ``return price * qty * 1.2``);
  (``assert price(x) == apply_tax(x, 0.2)`` when ``price`` returns ``apply_tax(x, 0.2)``);
* the expected value is the function's own output on the same arguments
  (``expected = total(x)`` then ``assert total(x) == expected``), or a snapshot
  of it (``snapshot``);
* the only assertions are that a mock was called with what the test fed in or
  the code itself holds (``m.send.assert_called_with(user.email, "hi")``).

Properties are not mirrors: a round trip (``decode(encode(v)) == v``), an
equivalence (``f("q=1") == f("q=1.0")``), an idempotence (``f(f(x)) == f(x)``),
a parametrized expectation.

A test with any other assertion (a literal expected value, a property) is not
a mirror. The finding is a "check" on the test's ``def`` line asking for a
specification-based case; when every new test of a changed function is such a
mirror, the function's ``def`` line gets a finding too.
"""

from __future__ import annotations

import ast
import copy
from typing import Iterable, Iterator

from triage.models import Finding
from triage.rules import python_ast
from triage.rules.base import RepoContext, Rule, SourceFile, register
from triage.rules.fileinfo import info, is_test_path, truncate
from triage.rules.python_ast import dotted

_MOCK_ASSERTS = {"assert_called_with", "assert_called_once_with", "assert_any_call", "assert_has_calls",
                 "assert_called_once", "assert_called", "assert_awaited_with", "assert_awaited_once_with"}
_TRIVIAL_HELPERS = {"len", "str", "int", "float", "round", "sum", "list", "dict", "set", "tuple", "sorted", "min",
                    "max", "abs", "bool", "repr", "range", "enumerate", "zip", "map", "filter", "any", "all", "isinstance",
                    "Decimal", "print", "type", "getattr"}
_EQUAL_ASSERTS = {"assertEqual", "assertEquals", "assertAlmostEqual", "assert_equal", "assertListEqual", "assertDictEqual"}


def module_names(path: str) -> list[str]:
    """Dotted module names a Python file path can be imported as (``src/app/x.py`` -> ``app.x``, ``src.app.x``)."""
    p = path[:-3] if path.endswith(".py") else path
    segs = p.split("/")
    if segs[-1] == "__init__":
        segs = segs[:-1]
    out = [".".join(segs[k:]) for k in range(len(segs)) if segs[k:]]
    return [x for x in out if all(s.isidentifier() for s in x.split("."))]


class _Impl:
    __slots__ = ("name", "node", "path", "changed")

    def __init__(self, name: str, node: ast.FunctionDef, path: str, changed: bool):
        self.name = name
        self.node = node
        self.path = path
        self.changed = changed

    def return_expr(self) -> ast.expr | None:
        body = [s for s in self.node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        rets = [s for s in ast.walk(self.node) if isinstance(s, ast.Return) and s.value is not None]
        if len(rets) == 1 and body and body[-1] is rets[0]:
            return rets[0].value
        return None


class _Substitute(ast.NodeTransformer):
    def __init__(self, mapping: dict[str, ast.expr]):
        self.mapping = mapping

    def visit_Name(self, node: ast.Name):
        if node.id in self.mapping:
            return copy.deepcopy(self.mapping[node.id])
        return ast.Name(id=node.id, ctx=ast.Load())


def _shape(node: ast.AST) -> str:
    return ast.dump(_Substitute({}).visit(copy.deepcopy(node)), annotate_fields=False, include_attributes=False)


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _bind_args(fn: ast.FunctionDef, call: ast.Call) -> dict[str, ast.expr] | None:
    params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    out: dict[str, ast.expr] = {}
    if any(isinstance(a, ast.Starred) for a in call.args) or len(call.args) > len(params):
        return None
    for name, arg in zip(params, call.args):
        out[name] = arg
    for kw in call.keywords:
        if kw.arg is None:
            return None
        out[kw.arg] = kw.value
    defaults = fn.args.defaults
    for name, d in zip(params[len(params) - len(defaults):], defaults):
        out.setdefault(name, d)
    return out


def _impls(files: list[SourceFile], ctx: RepoContext) -> dict[str, _Impl]:
    """Qualified name -> a top-level function of the change's Python source files."""
    out: dict[str, _Impl] = {}
    seen: set[str] = set()
    sources: list[tuple[str, ast.Module | None, object]] = []
    for f in files:
        if f.path.endswith(".py") and not is_test_path(f.path) and not f.is_binary:
            sources.append((f.path, info(f).tree, f))
            seen.add(f.path)
    for p in ctx.changed_paths:
        if p.endswith(".py") and p not in seen and not is_test_path(p):
            try:
                data = ctx.read(p)
            except Exception:  # noqa: BLE001
                data = None
            if data is not None:
                sources.append((p, python_ast.parse(data.decode("utf-8", "replace")), None))
                seen.add(p)
    for path, tree, src in sources:
        if tree is None:
            continue
        fi = info(src) if src is not None else None
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("test"):
                changed = fi.touches(node.lineno, node.end_lineno or node.lineno) if fi is not None else True
                for mod in module_names(path):
                    out[f"{mod}.{node.name}"] = _Impl(node.name, node, path, changed)
    return out


def _test_functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            yield node
        elif isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub.name.startswith("test"):
                    yield sub


class _Verdict:
    __slots__ = ("impls", "mirror", "good")

    def __init__(self) -> None:
        self.impls: dict[str, _Impl] = {}
        self.mirror: list[str] = []
        self.good = 0


@register
class MirrorTest(Rule):
    id = "mirror-test"
    severity = "medium"
    kind = "ast"
    cwe = ""
    question = "Would this test fail if the formula were wrong?"
    per_change = True

    def check_change(self, files: list[SourceFile], ctx: RepoContext) -> Iterable[Finding]:
        tests = [f for f in files if f.path.endswith(".py") and is_test_path(f.path) and f.added_lines and not f.is_binary]
        if not tests:
            return []
        if not any("assert" in f.text for f in tests):
            return []
        impls = _impls(files, ctx)
        if not any(i.changed for i in impls.values()):
            return []
        out: list[Finding] = []
        per_impl: dict[tuple[str, str], list[tuple[str, bool]]] = {}
        for f in tests:
            fi = info(f)
            if fi.tree is None:
                continue
            for fn in _test_functions(fi.tree):
                if fn.lineno not in fi.added and not fi.touches(fn.lineno, fn.end_lineno or fn.lineno):
                    continue
                v = self._judge(fi, fn, impls)
                if not v.impls:
                    continue
                mirrored = bool(v.mirror) and not v.good
                for q, impl in v.impls.items():
                    per_impl.setdefault((impl.path, impl.name), []).append((fn.name, mirrored))
                if mirrored:
                    line = fi.anchor([fn.lineno], (fn.lineno, fn.end_lineno or fn.lineno))
                    out.append(self.finding(f, line, f"check: {fn.name} {v.mirror[0]}; ask for a case whose expected "
                                            "value comes from the specification (a worked example with literal values)"))
        by_path = {f.path: f for f in files}
        for (path, name), results in per_impl.items():
            src = by_path.get(path)
            if src is None or not all(m for _t, m in results):
                continue
            impl = next(i for i in impls.values() if i.path == path and i.name == name)
            if not impl.changed:
                continue
            fi = info(src)
            line = fi.anchor([impl.node.lineno], (impl.node.lineno, impl.node.end_lineno or impl.node.lineno))
            names = ", ".join(t for t, _m in results[:3])
            out.append(self.finding(src, line, f"check: {name}() is production logic whose only tests in this change "
                                    f"({names}) restate it; no test states an expected value independently"))
        return out

    def _judge(self, fi, fn: ast.FunctionDef | ast.AsyncFunctionDef, impls: dict[str, _Impl]) -> _Verdict:
        v = _Verdict()
        al = fi.aliases
        assigned: dict[str, ast.expr] = {}
        stores: dict[str, int] = {}
        for node in ast.walk(fn):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stores[node.id] = stores.get(node.id, 0) + 1
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                assigned[node.targets[0].id] = node.value
        assigned = {k: v for k, v in assigned.items() if stores.get(k) == 1}  # a name bound once means one value
        params = {a.arg for a in fn.args.args}
        inputs = self._inputs(fn, None)

        def impl_of(call: ast.AST) -> _Impl | None:
            if not isinstance(call, ast.Call):
                return None
            q = al.resolve(call.func) if al else dotted(call.func)
            hit = impls.get(q)
            return hit if hit is not None and hit.changed else None

        def calls_in(node: ast.AST) -> list[tuple[ast.Call, _Impl]]:
            if isinstance(node, ast.Name) and node.id in assigned:
                node = assigned[node.id]
            return [(c, i) for c in ast.walk(node) if isinstance(c, ast.Call) for i in [impl_of(c)] if i is not None]

        snapshots = {a.arg for a in fn.args.args if "snapshot" in a.arg}
        for node in ast.walk(fn):
            pairs: list[tuple[ast.AST, ast.AST]] = []
            if isinstance(node, ast.Assert):
                t = node.test
                if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq):
                    pairs = [(t.left, t.comparators[0])]
                else:
                    used = calls_in(t)
                    for _c, i in used:
                        v.impls[i.name] = i
                    if used:
                        v.good += 1
                    continue
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                attr = node.func.attr
                if attr in _EQUAL_ASSERTS and len(node.args) >= 2:
                    pairs = [(node.args[0], node.args[1])]
                elif attr in _MOCK_ASSERTS:
                    if all(self._restated(a, fn, inputs, impls) for a in [*node.args, *(k.value for k in node.keywords)]):
                        v.mirror.append("asserts only that a mock was called with what the code passes")
                    else:
                        v.good += 1  # the expected call arguments come from somewhere else (the specification)
                    continue
                elif attr in ("assert_match", "assert_match_snapshot") and calls_in(node):
                    for _c, i in calls_in(node):
                        v.impls[i.name] = i
                    v.mirror.append("snapshots the function's own output")
                    continue
                else:
                    continue
            else:
                continue
            for actual, expected in (pairs[0], pairs[0][::-1]):
                used = calls_in(actual)
                if not used:
                    continue
                call, impl = used[0]
                v.impls[impl.name] = impl
                why = self._mirror_reason(call, impl, expected, assigned, snapshots, calls_in, params)
                if why:
                    v.mirror.append(why)
                else:
                    v.good += 1
                break
        if v.mirror and not v.impls:
            for node in ast.walk(fn):
                for _c, i in calls_in(node) if isinstance(node, ast.Call) else ():
                    v.impls[i.name] = i
        return v

    @staticmethod
    def _inputs(fn: ast.AST, impl_calls) -> set[str]:
        """Constants a test writes outside its assertions (what it feeds the code)."""
        out: set[str] = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Assert) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                                                and node.func.attr in _MOCK_ASSERTS):
                continue
            for sub in ast.iter_child_nodes(node):
                if isinstance(sub, ast.Constant) and not isinstance(node, ast.Assert):
                    out.add(repr(sub.value))
        return out

    @staticmethod
    def _restated(arg: ast.AST, fn: ast.AST, inputs: set[str], impls: dict[str, _Impl]) -> bool:
        """True when a mock assertion's argument is something the test fed in or the code itself holds
        (a constant of the test's set-up or of the changed code, or a name the test passed on)."""
        if isinstance(arg, ast.Constant):
            if repr(arg.value) in inputs:
                return True
            return any(isinstance(c, ast.Constant) and c.value == arg.value
                       for i in impls.values() if i.changed for c in ast.walk(i.node))
        if isinstance(arg, (ast.Name, ast.Attribute)):
            root = arg
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name):
                params = {a.arg for a in getattr(fn, "args").args}
                return root.id not in params  # a parametrized expectation is the specification's
        return False

    @staticmethod
    def _mirror_reason(call: ast.Call, impl: _Impl, expected: ast.AST, assigned: dict, snapshots: set[str], calls_in,
                       params: set[str]) -> str:
        if isinstance(expected, ast.Name) and expected.id in snapshots:
            return f"compares {impl.name}() with a snapshot of its own output"
        if isinstance(expected, ast.Name) and expected.id in params:
            return ""  # a parametrized expectation comes from the test's table, not the code
        via_name = isinstance(expected, ast.Name) and expected.id in assigned
        if via_name:
            expected = assigned[expected.id]
        for other, other_impl in calls_in(expected) if via_name else ():  # f(x) == f(x) in one assert tests __eq__
            if other_impl is impl and _shape(ast.Tuple(elts=list(other.args), ctx=ast.Load())) == \
                    _shape(ast.Tuple(elts=list(call.args), ctx=ast.Load())) and \
                    [k.arg for k in other.keywords] == [k.arg for k in call.keywords]:
                return f"computes the expected value with {impl.name}() itself, on the same arguments"
        ret = impl.return_expr()
        binding = _bind_args(impl.node, call)
        computed = ret is not None and any(isinstance(n, (ast.BinOp, ast.Call, ast.BoolOp, ast.UnaryOp, ast.JoinedStr,
                                                            ast.Compare, ast.IfExp)) for n in ast.walk(ret))
        uses_params = ret is not None and binding is not None and bool(_names(ret) & set(binding))
        if computed and uses_params:  # a formula of its inputs (a literal or the inputs themselves are specifications)
            if _shape(_Substitute(binding).visit(copy.deepcopy(ret))) == _shape(expected):
                return f"computes the expected value with the same expression as {impl.name}() ({truncate(ast.unparse(ret), 40)})"
        return ""
