"""Provides the repository-context rules: ``hallucinated-import`` and ``missing-tests``.

``hallucinated-import`` compares each third-party import of a changed Python,
JavaScript/TypeScript or Go file with the manifests at the same commit (see
:mod:`triage.rules.manifests`):

* skipped: the standard library (``sys.stdlib_module_names`` plus a few Python 2
  names), relative imports, first-party modules present in the tree, Node
  builtins (with or without ``node:``), ``tsconfig`` path aliases and ``@/``,
  ``~/``, ``#`` and ``$`` prefixes, Go's standard library and the module's own path;
* Python import names are mapped to distributions (``data/import_map.toml``:
  ``yaml`` -> PyYAML, ``PIL`` -> Pillow, ...) and PEP 503-normalised;
  ``@scope/pkg/sub`` becomes ``@scope/pkg``;
* declared -> no finding; only in a lockfile -> ``low``; in neither -> ``high``;
  inside ``try/except ImportError`` (or a JS ``try`` block) one level lower; only under
  ``if TYPE_CHECKING:``, or in ``examples/``/``docs/``, ``low``; vendored trees
  (``_vendor/``, ``vendored/``, ``third_party/``) are not checked.

Decision: when the repository has **no manifest at all** for the file's
ecosystem there is nothing to compare against, so nothing is flagged (a repo of
loose scripts would otherwise light up on every import).
"""

from __future__ import annotations

import ast
import re
import sys
from functools import lru_cache
from typing import Iterable, Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, SourceFile, register
from triage.rules.data import load
from triage.rules.fileinfo import FileInfo, FileRule, demote, is_test_path, is_upstream_vendored
from triage.rules.manifests import Manifests, manifests, normalize
from triage.rules.python_ast import dotted
from triage.rules.tokens import GO, JAVASCRIPT, PYTHON

_PY2_STDLIB = {
    "urllib2", "urlparse", "ConfigParser", "cPickle", "StringIO", "cStringIO", "Queue", "httplib", "HTMLParser",
    "cookielib", "Cookie", "SocketServer", "SimpleHTTPServer", "BaseHTTPServer", "Tkinter", "tkMessageBox",
    "commands", "exceptions", "__builtin__", "thread", "dummy_thread", "md5", "sha", "sets", "popen2", "new",
    "imp", "asynchat", "asyncore", "distutils", "smtpd", "xmlrpclib", "htmlentitydefs", "anydbm", "dbhash",
}
NODE_BUILTINS = {
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
    "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module",
    "net", "os", "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream",
    "string_decoder", "sys", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi",
    "worker_threads", "zlib", "test", "sqlite", "sea",
}


@lru_cache(maxsize=1)
def _stdlib() -> frozenset[str]:
    # _typeshed: the standard library's stub-only module (importable under TYPE_CHECKING)
    # (and the modules newer Pythons add, which a project may import behind a version check)
    return frozenset(sys.stdlib_module_names) | _PY2_STDLIB | {"__future__", "__main__", "_typeshed", "annotationlib",
                                                               "compression", "_interpreters", "concurrent"}


_EXAMPLE_PATH = re.compile(r"(?:^|/)(?:examples?|docs?|samples?)/")


@lru_cache(maxsize=1)
def _import_map() -> dict[str, list[str]]:
    return {k: [normalize(x) for x in v] for k, v in load("import_map").get("python", {}).items()}


def python_candidates(module: str) -> list[str]:
    """Distribution names (normalised) that could provide import ``module``."""
    m = _import_map()
    parts = module.split(".")
    out: list[str] = []
    for k in range(len(parts), 0, -1):
        key = ".".join(parts[:k])
        if key in m:
            out.extend(m[key])
    for k in range(len(parts), 0, -1):
        out.append(normalize("-".join(parts[:k])))
    return list(dict.fromkeys(out))


def js_package(spec: str) -> str:
    """``@scope/pkg/sub`` -> ``@scope/pkg``; ``lodash/fp`` -> ``lodash``."""
    parts = spec.split("/")
    if spec.startswith("@") and len(parts) >= 2:
        return "/".join(parts[:2])
    return parts[0]


class _Import:
    __slots__ = ("name", "line", "guarded", "type_only")

    def __init__(self, name: str, line: int, guarded: bool = False, type_only: bool = False) -> None:
        self.name = name
        self.line = line
        self.guarded = guarded
        self.type_only = type_only


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(dotted(t).rsplit(".", 1)[-1] in ("ImportError", "ModuleNotFoundError", "Exception", "BaseException") for t in types)


_TRY_TYPES: tuple[type, ...] = (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())  # type: ignore[attr-defined]


def python_imports(fi: FileInfo) -> list[_Import]:
    out: list[_Import] = []
    tree = fi.tree
    if tree is None:
        for n, line in enumerate(fi.lines, 1):
            if len(line) > 1000 or "import" not in line:
                continue
            m = re.match(r"^\s*(?:import\s+([\w.]+(?:\s*,\s*[\w.]+)*)|from\s+([\w.]+)\s+import\b)", line)
            if m:
                names = [x.strip() for x in m.group(1).split(",")] if m.group(1) else [m.group(2)]
                out.extend(_Import(x, n) for x in names if x and not x.startswith("."))
        return out
    guarded_lines: set[int] = set()
    for node in fi.nodes(*_TRY_TYPES):
        if any(_catches_import_error(h) for h in node.handlers):
            for stmt in node.body:
                for sub in ast.walk(stmt):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        guarded_lines.add(sub.lineno)
    typing_lines: set[int] = set()
    for node in fi.nodes(ast.If):
        if dotted(node.test).rsplit(".", 1)[-1] == "TYPE_CHECKING":
            for stmt in node.body:
                for sub in ast.walk(stmt):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        typing_lines.add(sub.lineno)
    for node in fi.nodes(ast.Import, ast.ImportFrom, ast.Call):
        if isinstance(node, ast.Import):
            for a in node.names:
                out.append(_Import(a.name, node.lineno, node.lineno in guarded_lines, node.lineno in typing_lines))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append(_Import(node.module, node.lineno, node.lineno in guarded_lines, node.lineno in typing_lines))
        elif isinstance(node, ast.Call) and dotted(node.func) in ("importlib.import_module", "__import__") and node.args:
            a0 = node.args[0]
            if isinstance(a0, ast.Constant) and isinstance(a0.value, str) and not a0.value.startswith("."):
                out.append(_Import(a0.value, node.lineno, True))
    return out


_JS_SPEC_LINE = re.compile(r"(?:\b(?:from|import)\s*|\b(?:require|import)\s*\(\s*|^\s*)['\"`]")
"""A line where a module specifier string can start: after ``from``/``import``, inside
``require(``/``import(``, or alone on its line (the rest of the statement above it)."""


def js_imports(fi: FileInfo) -> list[_Import]:
    ts = fi.stream
    toks = ts.toks
    n = len(toks)
    tries: list[tuple[int, int]] = []
    for i, t in enumerate(toks):
        if t.kind == "kw" and t.value == "try" and i + 1 < n and toks[i + 1].value == "{":
            tries.append((i + 1, ts.close_of(i + 1)))
    out: list[_Import] = []
    for i, t in enumerate(toks):
        spec_tok = None
        type_only = False
        if t.value == "from" and i + 1 < n and toks[i + 1].kind == "str":
            # import x from "y" / export { a } from "y"
            k = i - 1
            while k >= 0 and i - k < 200 and toks[k].value not in ("import", "export", ";"):
                k -= 1
            if k >= 0 and toks[k].value in ("import", "export"):
                spec_tok = toks[i + 1]
                type_only = k + 1 < n and toks[k + 1].value == "type"
        elif t.value == "import" and i + 1 < n and toks[i + 1].kind == "str":
            spec_tok = toks[i + 1]
        elif t.value in ("require", "import") and i + 3 < n and toks[i + 1].value == "(" and toks[i + 2].kind == "str" and toks[i + 3].value == ")":
            if i and toks[i - 1].value in (".", "function"):
                continue
            spec_tok = toks[i + 2]
        if spec_tok is None or spec_tok.interps:
            continue
        guarded = any(a < i < b for a, b in tries)
        out.append(_Import(spec_tok.text, spec_tok.line, guarded, type_only))
    return out


def go_imports(fi: FileInfo) -> list[_Import]:
    out: list[_Import] = []
    text = fi.text
    for m in re.finditer(r"(?m)^import\s*\(([^)]{0,20000})\)", text):
        start = text.count("\n", 0, m.start(1)) + 1
        for k, line in enumerate(m.group(1).split("\n")):
            mm = re.search(r'"([^"]+)"', line.split("//", 1)[0])
            if mm:
                out.append(_Import(mm.group(1), start + k))
    for m in re.finditer(r'(?m)^import\s+(?:[\w.]+\s+)?"([^"]+)"', text):
        out.append(_Import(m.group(1), text.count("\n", 0, m.start()) + 1))
    return out


def _py_may_import(fi: FileInfo) -> bool:
    """False when no added line of a Python file can be where an import is reported: an
    import is reported on its statement's first line (or its call's), which holds
    ``import`` (``import x``, ``from x import y``, ``importlib.import_module``,
    ``__import__``) or, continued with a backslash, starts with ``from``."""
    for n in fi.added:
        line = fi.line(n)
        if "import" in line or line.lstrip().startswith("from"):
            return True
    return False


@register
class HallucinatedImport(FileRule):
    id = "hallucinated-import"
    severity = "high"
    kind = "context"
    cwe = "CWE-829"
    question = "Does this exact package exist, is it the intended one, and is it declared?"
    languages = (PYTHON, JAVASCRIPT, GO)
    needles = ("import", "require")

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        if fi.lang == JAVASCRIPT and not self._may_import(fi):
            return
        if fi.lang == PYTHON and not _py_may_import(fi):
            return
        # the manifests first: cached per tree, they are cheaper than finding the imports
        man = manifests(ctx)
        declared = {PYTHON: man.python, JAVASCRIPT: man.js, GO: man.go}.get(fi.lang)
        if declared is None:
            return  # no manifest for this language: nothing to check imports against
        if not self._imports_on_added_lines(fi):
            return  # nothing new is imported
        if fi.lang == PYTHON:
            yield from self._python(fi, ctx, man)
        elif fi.lang == JAVASCRIPT:
            yield from self._js(fi, ctx, man)
        elif fi.lang == GO:
            yield from self._go(fi, ctx, man)

    @staticmethod
    def _may_import(fi: FileInfo) -> bool:
        """False when no added line of a JavaScript file can hold a module specifier."""
        return any(_JS_SPEC_LINE.search(fi.line(n)) for n in fi.added)

    @staticmethod
    def _imports_on_added_lines(fi: FileInfo) -> bool:
        if fi.lang == PYTHON:
            found = python_imports(fi)
        elif fi.lang == JAVASCRIPT:
            found = js_imports(fi)
        else:
            return True  # Go and others: let the full scan decide
        return any(imp.line in fi.added for imp in found)

    def _report(self, fi: FileInfo, imp: _Import, shown: str, locked: bool, where: str) -> Finding:
        sev = "low" if locked else "high"
        if imp.guarded:
            sev = demote(sev)
        if (imp.type_only and fi.lang == PYTHON) or _EXAMPLE_PATH.search(fi.path):
            sev = "low"  # only the type checker imports it; or an example, not the product
        if locked:
            msg = f"{shown} is imported but only pinned in a lockfile, not declared in {where}"
        else:
            msg = f"{shown} is imported but declared in no manifest ({where})"
        if imp.guarded:
            msg += "; the import is guarded by a try/except"
        elif imp.type_only and fi.lang == PYTHON:
            msg += "; only under TYPE_CHECKING"
        return self.hit(fi, imp.line, msg, sev)

    def _python(self, fi: FileInfo, ctx: RepoContext, man: Manifests) -> Iterator[Finding]:
        std = _stdlib()
        declared = man.python or set()
        where = ", ".join(man.python_files[:3]) or "the Python manifests"
        seen: set[str] = set()
        if is_upstream_vendored(fi):
            return  # vendored code brings its own imports
        transitive: dict[str, str] | None = None
        for imp in python_imports(fi):
            top = imp.name.split(".")[0]
            if not top or top in std or top in man.first_party_py or imp.name in seen:
                continue
            seen.add(imp.name)
            cands = python_candidates(imp.name)
            if any(c in declared for c in cands):
                continue
            if transitive is None:
                transitive = _installed_dependencies(ctx, declared)
            if transitive.get(top):
                continue  # installed as a dependency of a declared distribution (markupsafe for jinja2)
            locked = any(man.locked("python", c, ctx.read) for c in cands)
            dist = cands[0] if cands else top
            shown = f"'{imp.name}'" + (f" (distribution {dist})" if normalize(top) != dist else "")
            yield self._report(fi, imp, shown, locked, where)

    def _js(self, fi: FileInfo, ctx: RepoContext, man: Manifests) -> Iterator[Finding]:
        declared = man.js or set()
        where = ", ".join(man.js_files[:3]) or "package.json"
        seen: set[str] = set()
        for imp in js_imports(fi):
            spec = imp.name
            if not spec or spec.startswith((".", "/", "node:", "@/", "~/", "~", "#", "$", "virtual:", "data:", "http:", "https:", "bun:", "deno:")) or ":" in spec:
                continue
            if any(spec == a or spec.startswith(a + "/") for a in man.js_aliases if a):
                continue
            pkg = js_package(spec)
            if pkg in NODE_BUILTINS or pkg in seen:
                continue
            if man.js_base_url and pkg in man.top_dirs | {d.split("/")[0] for d in man.top_dirs}:
                continue
            seen.add(pkg)
            if pkg in declared or (imp.type_only and f"@types/{pkg.lstrip('@').replace('/', '__')}" in declared):
                continue
            locked = man.locked("js", pkg, ctx.read)
            yield self._report(fi, imp, f"'{pkg}'", locked, where)

    def _go(self, fi: FileInfo, ctx: RepoContext, man: Manifests) -> Iterator[Finding]:
        mods = man.go or []
        for imp in go_imports(fi):
            path = imp.name
            first = path.split("/")[0]
            if "." not in first:
                continue  # standard library
            if man.go_module and (path == man.go_module or path.startswith(man.go_module + "/")):
                continue
            if any(path == m or path.startswith(m + "/") for m in mods):
                continue
            locked = any(man.locked("go", p, ctx.read) for p in _prefixes(path))
            yield self._report(fi, imp, f"'{path}'", locked, "go.mod")


def _installed_dependencies(ctx: RepoContext, declared) -> dict[str, str]:
    """Top-level import name -> the declared distribution whose installed requirements bring
    it, from the repository's environment (:mod:`triage.rules.environment`); {} without one."""
    from triage.rules.environment import python_environment

    try:
        env = python_environment(ctx)
    except Exception:  # noqa: BLE001 - an unreadable environment answers nothing
        return {}
    if env is None:
        return {}
    out: dict[str, str] = {}
    for dist_key, via in env.required_by(set(declared)).items():
        dist = env.distributions.get(dist_key)
        for top in dist.top_level if dist else ():
            out.setdefault(top, via)
    return out


def _prefixes(path: str) -> Iterable[str]:
    parts = path.split("/")
    for k in range(len(parts), 0, -1):
        yield "/".join(parts[:k])


_SOURCE_EXT = {
    "py", "pyx", "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "go", "rs", "java", "kt", "kts", "rb", "php",
    "cs", "c", "cc", "cpp", "cxx", "h", "hh", "hpp", "swift", "scala", "m", "mm", "vue", "svelte", "ex", "exs",
    "erl", "clj", "dart", "lua", "pl", "pm", "r", "jl", "hs", "ml", "fs", "zig", "nim",
}
_NOT_PRODUCT = re.compile(
    r"(^|/)(docs?|examples?|samples?|migrations|alembic|scripts|benchmarks?|\.github|vendor|third_party|node_modules)/"
    r"|(^|/)(setup\.py|noxfile\.py|tasks\.py|manage\.py|conftest\.py|__init__\.py|[^/]*\.config\.[cm]?[jt]s|[^/]*\.d\.ts)$"
)


def is_source_path(path: str) -> bool:
    """Product source code (not tests, docs, config, migrations or build scripts)."""
    p = path.replace("\\", "/")
    base = p.rsplit("/", 1)[-1]
    if "." not in base:
        return False
    ext = base.rsplit(".", 1)[-1].lower()
    return ext in _SOURCE_EXT and not is_test_path(p) and not _NOT_PRODUCT.search(p)


def _is_test_file(path: str) -> bool:
    p = path.replace("\\", "/")
    base = p.rsplit("/", 1)[-1]
    ext = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    return ext in _SOURCE_EXT and is_test_path(p) and not re.search(r"(^|/)(fixtures?|test_?data)/", p)


@register
class MissingTests(FileRule):
    id = "missing-tests"
    severity = "medium"
    kind = "context"
    per_change = True
    question = "Which test fails if this is reverted?"

    def check_change(self, files: list[SourceFile], ctx: RepoContext) -> Iterable[Finding]:
        srcs = [f for f in files if f.added_lines and not f.is_binary and is_source_path(f.path)]
        if not srcs:
            return ()
        touched = set(ctx.changed_paths) | {f.path for f in files}
        if any(_is_test_file(p) for p in touched):
            return ()
        try:
            facts = ctx.tree_facts()  # with them, the same path as the scan, computed once per tree
            example = (facts.test_example if facts is not None
                       else next((p for p in ctx.paths if _is_test_file(p)), None))
        except Exception:  # noqa: BLE001
            return ()
        if example is None:
            return ()
        first = srcs[0]
        line = min(first.added_lines)
        names = ", ".join(f.path for f in srcs[:3]) + (f" and {len(srcs) - 3} more" if len(srcs) > 3 else "")
        noun = "file" if len(srcs) == 1 else "files"
        msg = f"source changed ({len(srcs)} {noun}: {names}) but no test file was touched; the repository has tests (e.g. {example})"
        return [self.finding(first.path, line, msg)]
