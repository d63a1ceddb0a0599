"""Provides the dependency manifests of a repository at one commit.

Read through :class:`~triage.rules.base.RepoContext` (``ctx.read`` and
``ctx.paths``), never from the working tree:

* Python: ``pyproject.toml`` (``[project]`` dependencies and optional
  dependencies, ``[dependency-groups]`` (PEP 735), ``[build-system] requires``, Poetry
  groups, PDM dev-dependencies, uv and Hatch tables), requirements files
  (``requirements*.txt``, ``dev-requirements.txt``, ``requirements/*.txt``, following
  ``-r``; ``-c`` constraints count as pins), ``setup.cfg`` (``install_requires``,
  ``tests_require``, ``setup_requires``, extras), ``setup.py`` (read from its syntax
  tree, never run: ``setup()``'s keywords through module-level names, ``+`` and
  ``**kwargs``, extras included), ``tox.ini`` (``deps`` of every ``testenv``),
  ``Pipfile``; lockfiles ``poetry.lock``, ``uv.lock``, ``pdm.lock``, ``pylock.toml``
  (PEP 751), ``requirements*.lock``, ``Pipfile.lock``;
* JavaScript: every ``package.json`` (all dependency tables; workspace package
  names are first-party), ``tsconfig.json``/``jsconfig.json`` path aliases;
  lockfiles ``package-lock.json``, ``yarn.lock``, ``pnpm-lock.yaml``;
* Go: ``go.mod`` (``module``, ``require``, ``replace``) and ``go.sum``.

The parse is cached per context object, so one ``analyze`` call over a change
reads each manifest once. A context with tree facts (``ctx.tree_facts()``, see
:mod:`triage.treeindex`) also shares the parse with every other commit whose
manifest candidates are the same blobs at the same paths.
"""

from __future__ import annotations

import ast
import configparser
import json
import posixpath
import re
import tomllib
from collections import OrderedDict
from collections.abc import Iterator, Set
from dataclasses import dataclass, field, replace
from typing import Iterable, NamedTuple

from triage.rules.base import RepoContext

MAX_MANIFESTS = 200
MAX_MANIFEST_BYTES = 5_000_000
MAX_LOCK_BYTES = 40_000_000

_SKIP_DIRS = re.compile(r"(^|/)(node_modules|\.venv|venv|\.tox|site-packages|vendor|third_party|\.git|dist|build)/")
_MAYBE_MANIFEST = re.compile(
    r"(?:^|/)(?:pyproject\.toml|setup\.cfg|setup\.py|pipfile(?:\.lock)?|package(?:-lock)?\.json|go\.(?:mod|sum)"
    r"|[tj]sconfig\.json|poetry\.lock|uv\.lock|pdm\.lock|yarn\.lock|pnpm-lock\.yaml|npm-shrinkwrap\.json"
    r"|tox\.ini|pylock(?:\.[^/]+)?\.toml|requirements[^/]*\.lock|[^/]*\.(?:txt|in))$",
    re.I,
)
"""A superset of the manifest and lockfile names below: one regex instead of path arithmetic per file."""
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_ROOT_PROBES = (
    "pyproject.toml", "requirements.txt", "requirements-dev.txt", "requirements/base.txt", "setup.cfg",
    "setup.py", "Pipfile", "package.json", "go.mod", "tsconfig.json", "jsconfig.json", "tox.ini",
    "dev-requirements.txt", "test-requirements.txt", "requirements/dev.txt", "requirements/test.txt",
)
_REQUIREMENTS_FILE = re.compile(r"requirements?[^/]*\.(?:txt|in)$")
"""A pip requirements file by its (lower-cased) base name: ``requirements-dev.txt``,
``dev-requirements.txt``, ``test_requirements.in``, ``docs-requirements.txt``."""


def normalize(name: str) -> str:
    """PEP 503 normalisation: ``Foo_Bar.baz`` -> ``foo-bar-baz``."""
    return re.sub(r"[-_.]+", "-", name).lower().strip()


def req_name(spec: str) -> str | None:
    """The distribution name of a PEP 508 requirement string, normalised."""
    spec = spec.strip()
    if not spec or spec.startswith(("#", "-", "git+", "http:", "https:", "file:", ".", "/")):
        m = re.search(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
        return normalize(m.group(1)) if m else None
    m = _REQ_NAME.match(spec)
    return normalize(m.group(1)) if m else None


def _json_loose(text: str):
    """JSON with comments and trailing commas (tsconfig)."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(c)
            i += 1
    cleaned = re.sub(r",(\s*[}\]])", r"\1", "".join(out))
    try:
        return json.loads(cleaned)
    except ValueError:
        return None


class NameUnion(Set):
    """A set of names: a directory's own, and its subtrees' (shared, never copied).

    A commit changes a few directories, and each changed directory's names were the
    union of all its subtrees' names, copied afresh at every level up to the root
    (thousands of names per commit, for the few imports a rule asks about). Here a
    directory keeps its own names and refers to its subtrees' unions; a lookup walks
    them. It compares equal to the plain set of its names.
    """

    __slots__ = ("own", "parts")

    def __init__(self, own: frozenset[str] = frozenset(), parts: tuple[NameUnion, ...] = ()):
        self.own = own
        self.parts = parts

    def __contains__(self, name: object) -> bool:
        stack = [self]
        while stack:
            u = stack.pop()
            if name in u.own:
                return True
            stack.extend(u.parts)
        return False

    def _names(self) -> set[str]:
        out: set[str] = set()
        stack = [self]
        while stack:
            u = stack.pop()
            out |= u.own
            stack.extend(u.parts)
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"NameUnion({sorted(self._names())!r})"


@dataclass
class Manifests:
    """What a repository declares, per ecosystem (``None``: no manifest found)."""

    python: set[str] | None = None
    js: set[str] | None = None
    go: list[str] | None = None
    go_module: str = ""
    python_files: list[str] = field(default_factory=list)
    js_files: list[str] = field(default_factory=list)
    js_aliases: set[str] = field(default_factory=set)
    js_base_url: bool = False
    first_party_py: set[str] | NameUnion = field(default_factory=set)
    top_dirs: set[str] = field(default_factory=set)
    lockfiles: dict[str, list[str]] = field(default_factory=dict)
    _locks: dict[str, set[str]] = field(default_factory=dict)

    def locked(self, eco: str, name: str, read) -> bool:
        """True when ``name`` appears only in a lockfile of ``eco`` (read lazily)."""
        if eco not in self._locks:
            names: set[str] = set()
            for path in self.lockfiles.get(eco, []):
                data = _read(read, path, MAX_LOCK_BYTES)
                if data is not None:
                    names |= _parse_lock(path, data)
            self._locks[eco] = names
        return name in self._locks[eco]


def _read(read, path: str, limit: int = MAX_MANIFEST_BYTES) -> str | None:
    try:
        data = read(path)
    except Exception:  # noqa: BLE001 - a broken reader must not stop analysis
        return None
    if data is None or len(data) > limit:
        return None
    if isinstance(data, str):
        return data
    return data.decode("utf-8", "replace")


def _parse_lock(path: str, text: str) -> set[str]:
    base = posixpath.basename(path)
    out: set[str] = set()
    if base in ("poetry.lock", "uv.lock", "pdm.lock") or re.fullmatch(r"pylock(?:\.[^/]+)?\.toml", base):
        out = {normalize(m) for m in re.findall(r'(?m)^name\s*=\s*"([^"]+)"', text)}
    elif base == "Pipfile.lock":
        d = _json_loose(text) or {}
        for sec in ("default", "develop"):
            out |= {normalize(k) for k in (d.get(sec) or {})}
    elif base in ("package-lock.json", "npm-shrinkwrap.json"):
        d = _json_loose(text) or {}
        for k in (d.get("packages") or {}):
            if "node_modules/" in k:
                out.add(k.rsplit("node_modules/", 1)[1])
        out |= set((d.get("dependencies") or {}).keys())
    elif base == "yarn.lock":
        for m in re.finditer(r'(?m)^"?(@?[^@\s"/]+(?:/[^@\s"]+)?)@', text):
            out.add(m.group(1))
    elif base == "pnpm-lock.yaml":
        for m in re.finditer(r"(?m)^\s+'?/?(@?[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)?)@\d", text):
            out.add(m.group(1))
    elif base == "go.sum":
        out = {line.split()[0] for line in text.splitlines() if line.strip()}
    elif base.startswith(("requirements", "constraints")) or base.endswith((".txt", ".in", ".lock")):
        for line in text.splitlines():
            n = req_name(line)
            if n:
                out.add(n)
    return out


def _py_from_pyproject(text: str, names: set[str], projects: set[str]) -> None:
    try:
        d = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return

    def add_all(items: Iterable) -> None:
        for it in items or ():
            if isinstance(it, str):
                n = req_name(it)
                if n:
                    names.add(n)

    proj = d.get("project") or {}
    if isinstance(proj.get("name"), str):
        projects.add(proj["name"])
    add_all(proj.get("dependencies"))
    for group in (proj.get("optional-dependencies") or {}).values():
        add_all(group)
    for group in (d.get("dependency-groups") or {}).values():
        add_all(group if isinstance(group, list) else ())
    add_all((d.get("build-system") or {}).get("requires"))
    tool = d.get("tool") or {}
    poetry = tool.get("poetry") or {}
    if isinstance(poetry.get("name"), str):
        projects.add(poetry["name"])
    for table in [poetry.get("dependencies"), poetry.get("dev-dependencies")] + [
        (g or {}).get("dependencies") for g in (poetry.get("group") or {}).values()
    ]:
        for k in table or {}:
            if k.lower() != "python":
                names.add(normalize(k))
    pdm = tool.get("pdm") or {}
    for group in (pdm.get("dev-dependencies") or {}).values():
        add_all(group)
    uv = tool.get("uv") or {}
    add_all(uv.get("dev-dependencies"))
    for env in ((tool.get("hatch") or {}).get("envs") or {}).values():
        if isinstance(env, dict):
            add_all(env.get("dependencies"))
            add_all(env.get("extra-dependencies"))


def _py_from_requirements(read, path: str, names: set[str], locks: list[str], seen: set[str]) -> None:
    if path in seen or len(seen) > 50:
        return
    seen.add(path)
    text = _read(read, path)
    if text is None:
        return
    base = posixpath.dirname(path)
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)", line)
        if m:
            target = posixpath.normpath(posixpath.join(base, m.group(2)))
            if m.group(1) in ("-r", "--requirement"):
                _py_from_requirements(read, target, names, locks, seen)
            else:
                locks.append(target)
            continue
        if line.startswith("-e ") or line.startswith("--editable"):
            n = req_name(line.split(None, 1)[-1])
        elif line.startswith("-"):
            continue
        else:
            n = req_name(line)
        if n:
            names.add(n)


def _py_from_setup_cfg(text: str, names: set[str], projects: set[str]) -> None:
    cp = configparser.ConfigParser(interpolation=None)
    try:
        cp.read_string(text)
    except (configparser.Error, ValueError):
        return
    if cp.has_option("metadata", "name"):
        projects.add(cp.get("metadata", "name"))
    for option in ("install_requires", "tests_require", "setup_requires"):
        if cp.has_option("options", option):
            for line in cp.get("options", option).splitlines():
                n = req_name(line)
                if n:
                    names.add(n)
    if cp.has_section("options.extras_require"):
        for _k, v in cp.items("options.extras_require"):
            for line in v.splitlines():
                n = req_name(line)
                if n:
                    names.add(n)


_SETUP_KEYS = ("install_requires", "tests_require", "setup_requires", "extras_require")


def _py_from_setup_py(text: str, names: set[str], projects: set[str]) -> None:
    """``setup.py``'s requirements, read from its syntax tree (it is never run): the keywords of
    ``setup(...)``, through module-level names (``install_requires=REQUIRES``), ``+`` of lists,
    ``**kwargs`` dicts and the values of ``extras_require``; a regex when it does not parse."""
    from triage.rules.python_ast import parse

    tree = parse(text)
    if tree is None:
        _py_from_setup_py_text(text, names, projects)
        return
    consts: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = _setup_value(node.value, consts)
            if value is not None:
                consts[node.targets[0].id] = value
    found = False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not _names_setup(node.func):
            continue
        found = True
        kwargs: dict[str, object] = {}
        for k in node.keywords:
            if k.arg is None:
                spread = _setup_value(k.value, consts)
                if isinstance(spread, dict):
                    kwargs.update({str(a): b for a, b in spread.items()})
            else:
                kwargs[k.arg] = _setup_value(k.value, consts)
        for key in _SETUP_KEYS:
            for spec in _strings(kwargs.get(key)):
                n = req_name(spec)
                if n:
                    names.add(n)
        if isinstance(kwargs.get("name"), str):
            projects.add(kwargs["name"])  # type: ignore[arg-type]
    if not found:
        _py_from_setup_py_text(text, names, projects)


def _names_setup(func: ast.AST) -> bool:
    return (isinstance(func, ast.Name) and func.id == "setup") or (
        isinstance(func, ast.Attribute) and func.attr == "setup")


def _setup_value(node: ast.AST, consts: dict[str, object], depth: int = 0):
    """A literal-ish value: constants, lists, tuples, dicts, names bound to those, ``+`` of them."""
    if depth > 20:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [_setup_value(e, consts, depth + 1) for e in node.elts]
    if isinstance(node, ast.Dict):
        return {(_setup_value(k, consts, depth + 1) if k is not None else None): _setup_value(v, consts, depth + 1)
                for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = _setup_value(node.left, consts, depth + 1), _setup_value(node.right, consts, depth + 1)
        if isinstance(a, list) and isinstance(b, list):
            return a + b
        return (a if isinstance(a, list) else []) + (b if isinstance(b, list) else []) or None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "sorted", "set", "tuple") \
            and node.args:
        return _setup_value(node.args[0], consts, depth + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return {k.arg: _setup_value(k.value, consts, depth + 1) for k in node.keywords if k.arg}
    return None


def _strings(value) -> Iterator[str]:
    """Every string in a nested list/dict value (a dict's values: ``extras_require``)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            yield v
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())


def _py_from_tox_ini(read, path: str, text: str, names: set[str], locks: list[str], seen: set[str]) -> None:
    """``tox.ini``'s ``deps`` of every ``[testenv...]`` section (``-r`` files followed)."""
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        cp.read_string(text)
    except (configparser.Error, ValueError):
        return
    base = posixpath.dirname(path)
    for section in cp.sections():
        if not section.startswith("testenv") or not cp.has_option(section, "deps"):
            continue
        for raw in cp.get(section, "deps").splitlines():
            line = raw.split("#", 1)[0].strip()
            if ":" in line.split(" ", 1)[0] and not line.startswith(("-", "git+", "http")):
                line = line.split(":", 1)[1].strip()  # a factor-conditional line: "py311: pytest"
            m = re.match(r"^(-r|--requirement|-c|--constraint)\s*(\S+)", line)
            if m:
                target = posixpath.normpath(posixpath.join(base, m.group(2).replace("{toxinidir}/", "")))
                if m.group(1) in ("-r", "--requirement"):
                    _py_from_requirements(read, target, names, locks, seen)
                else:
                    locks.append(target)
                continue
            n = req_name(line)
            if n:
                names.add(n)


def _py_from_setup_py_text(text: str, names: set[str], projects: set[str]) -> None:
    for m in re.finditer(r"(?:install_requires|tests_require|setup_requires|extras_require)\s*=\s*([\[{][\s\S]{0,20000}?[\]}])\s*[,)]", text):
        for s in re.findall(r"""['"]([^'"]+)['"]""", m.group(1)):
            n = req_name(s)
            if n:
                names.add(n)
    m = re.search(r"""\bname\s*=\s*['"]([^'"]+)['"]""", text)
    if m:
        projects.add(m.group(1))


def _js_from_package(text: str, names: set[str]) -> None:
    d = _json_loose(text)
    if not isinstance(d, dict):
        return
    if isinstance(d.get("name"), str):
        names.add(d["name"])
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        v = d.get(key)
        if isinstance(v, dict):
            names.update(v.keys())
    for key in ("bundledDependencies", "bundleDependencies"):
        v = d.get(key)
        if isinstance(v, list):
            names.update(x for x in v if isinstance(x, str))


def _go_from_mod(text: str, mods: list[str]) -> str:
    own = ""
    m = re.search(r"(?m)^\s*module\s+(\S+)", text)
    if m:
        own = m.group(1).strip('"')
    for block in re.finditer(r"(?ms)^\s*(?:require|replace)\s*\((.*?)^\s*\)", text):
        for line in block.group(1).splitlines():
            parts = line.split("//", 1)[0].split()
            if parts:
                mods.append(parts[0].strip('"'))
    for line in re.findall(r"(?m)^\s*(?:require|replace)\s+([^\s(]\S*)", text):
        mods.append(line.strip('"'))
    return own


def _identifier(seg: str) -> bool:
    return seg.isidentifier()


def is_manifest_candidate(path: str) -> bool:
    """True for a tree path :func:`build` looks at: a manifest or lockfile name outside vendored directories."""
    return bool(_MAYBE_MANIFEST.search(path)) and not _SKIP_DIRS.search(path)


_PY_SUFFIXES = (".py", ".pyi", ".pyx", ".so", ".pyd")


def python_names(path: str) -> list[str]:
    """The first-party Python names a tree path provides: its package directories and module stem."""
    if not path.endswith(_PY_SUFFIXES):
        return []
    segs = path.split("/")
    out = [s for s in segs[:-1] if _identifier(s)]
    stem = segs[-1].split(".", 1)[0]
    if _identifier(stem):
        out.append(stem)
    return out


def _parse(read, paths_for_manifests: Iterable[str], man: Manifests) -> set[str]:
    """Parse the manifests at ``paths_for_manifests`` into ``man``; return the project names found."""
    py_names: set[str] = set()
    py_found = False
    projects: set[str] = set()
    js_names: set[str] = set()
    js_found = False
    go_mods: list[str] = []
    go_found = False
    py_locks: list[str] = []
    js_locks: list[str] = []
    go_locks: list[str] = []
    count = 0
    seen_req: set[str] = set()
    for p in paths_for_manifests:
        base = posixpath.basename(p)
        low = base.lower()
        is_requirements = bool(_REQUIREMENTS_FILE.search(low)) or (
            posixpath.basename(posixpath.dirname(p)) == "requirements" and low.endswith((".txt", ".in")))
        is_manifest = (
            base in ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "package.json", "go.mod", "tsconfig.json",
                     "jsconfig.json", "tox.ini")
            or is_requirements
        )
        if base in ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock") or re.fullmatch(
                r"pylock(?:\.[^/]+)?\.toml|requirements[^/]*\.lock", low):
            py_locks.append(p)
            continue
        if base in ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "npm-shrinkwrap.json"):
            js_locks.append(p)
            continue
        if base == "go.sum":
            go_locks.append(p)
            continue
        if not is_manifest:
            continue
        count += 1
        if count > MAX_MANIFESTS:
            break
        if is_requirements:
            py_found = True
            man.python_files.append(p)
            _py_from_requirements(read, p, py_names, py_locks, seen_req)
            continue
        text = _read(read, p)
        if text is None:
            continue
        if base == "pyproject.toml":
            before = len(py_names) + len(projects)
            _py_from_pyproject(text, py_names, projects)
            if len(py_names) + len(projects) > before or "[project]" in text or "[tool.poetry" in text:
                py_found = True
                man.python_files.append(p)
        elif base == "setup.cfg":
            before = len(py_names) + len(projects)
            _py_from_setup_cfg(text, py_names, projects)
            if len(py_names) + len(projects) > before:
                py_found = True
                man.python_files.append(p)
        elif base == "setup.py":
            py_found = True
            man.python_files.append(p)
            _py_from_setup_py(text, py_names, projects)
        elif base == "tox.ini":
            before = len(py_names)
            _py_from_tox_ini(read, p, text, py_names, py_locks, seen_req)
            if len(py_names) > before:
                py_found = True
                man.python_files.append(p)
        elif base == "Pipfile":
            try:
                d = tomllib.loads(text)
            except (tomllib.TOMLDecodeError, ValueError):
                d = {}
            for sec in ("packages", "dev-packages"):
                py_names |= {normalize(k) for k in (d.get(sec) or {})}
            py_found = True
            man.python_files.append(p)
        elif base == "package.json":
            js_found = True
            man.js_files.append(p)
            _js_from_package(text, js_names)
        elif base in ("tsconfig.json", "jsconfig.json"):
            d = _json_loose(text)
            co = (d or {}).get("compilerOptions") if isinstance(d, dict) else None
            if isinstance(co, dict):
                if co.get("baseUrl"):
                    man.js_base_url = True
                for k in (co.get("paths") or {}):
                    man.js_aliases.add(k.rstrip("*").rstrip("/") or k)
        elif base == "go.mod":
            go_found = True
            own = _go_from_mod(text, go_mods)
            if own:
                man.go_module = own
    man.python = py_names if py_found else None
    man.js = js_names if js_found else None
    man.go = go_mods if go_found else None
    man.lockfiles = {"python": py_locks, "js": js_locks, "go": go_locks}
    return projects


def _first_party(man: Manifests, fp: set[str] | NameUnion, tops: set[str], projects: Iterable[str]) -> Manifests:
    """Set the first-party Python names (``fp`` and the projects' own names) and top dirs."""
    names = {n for name in projects for n in (name.replace("-", "_"), name)}
    if isinstance(fp, NameUnion):  # the tree index's names: referred to, never copied
        man.first_party_py = NameUnion(frozenset(names), (fp,))
    else:
        fp.update(names)
        man.first_party_py = fp
    man.top_dirs = tops
    return man


def build(ctx: RepoContext) -> Manifests:
    """Parse every manifest of the repository at the context's commit."""
    man = Manifests()
    try:
        paths = tuple(ctx.paths)
    except Exception:  # noqa: BLE001
        paths = ()
    probe = not paths
    if probe:
        candidates = list(_ROOT_PROBES) + [p for p in ctx.changed_paths if posixpath.basename(p) in _ROOT_PROBES]
        paths_for_manifests = [p for p in dict.fromkeys(candidates) if _read(ctx.read, p) is not None]
    else:
        paths_for_manifests = [p for p in paths if is_manifest_candidate(p)]
    projects = _parse(ctx.read, paths_for_manifests, man)
    # first-party Python modules: every package directory and module stem in the tree
    fp: set[str] = set()
    tops: set[str] = set()
    for p in (paths or tuple(ctx.changed_paths)):
        if "/" in p:
            tops.add(p.split("/", 1)[0])
        fp.update(python_names(p))
    return _first_party(man, fp, tops, projects)


class _Parsed(NamedTuple):
    man: Manifests
    projects: frozenset[str]
    extras: tuple[tuple[str, object], ...]
    """Files read that are not manifest candidates (``-r`` includes elsewhere), with what was read."""


_SHARED: OrderedDict[tuple, _Parsed] = OrderedDict()
SHARED_LIMIT = 32
"""How many parsed manifest sets :func:`manifests` keeps across contexts."""
_FAILED = object()


def _raw(read, path: str):
    try:
        return read(path)
    except Exception:  # noqa: BLE001 - recorded like a value, re-raised to _read
        return _FAILED


def _from_tree_facts(ctx: RepoContext) -> Manifests | None:
    """:func:`build` through the context's tree facts, reusing the parse of the same manifest blobs."""
    try:
        facts = ctx.tree_facts()
    except Exception:  # noqa: BLE001
        return None
    if facts is None or not facts.count:
        return None
    key = facts.manifest_files
    hit = _SHARED.get(key)
    if hit is not None and all(_raw(ctx.read, p) == data for p, data in hit.extras):
        _SHARED.move_to_end(key)
    else:
        log: dict[str, object] = {}

        def read(path: str):
            data = log[path] = _raw(ctx.read, path)
            if data is _FAILED:
                raise OSError(f"cannot read {path}")
            return data

        names = [p for p, _oid in key]
        template = Manifests()
        projects = _parse(read, names, template)
        wanted = set(names)
        hit = _Parsed(template, frozenset(projects), tuple((p, d) for p, d in log.items() if p not in wanted))
        _SHARED[key] = hit
        while len(_SHARED) > SHARED_LIMIT:
            _SHARED.popitem(last=False)
    man = replace(hit.man, _locks={})
    return _first_party(man, facts.first_party_py, set(facts.top_dirs), hit.projects)


_CACHE: OrderedDict[int, tuple[RepoContext, Manifests]] = OrderedDict()


def manifests(ctx: RepoContext) -> Manifests:
    """The parsed manifests for ``ctx`` (cached while the context object lives; with tree
    facts, the parse is also shared by every commit whose manifest files are the same blobs)."""
    key = id(ctx)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is ctx:
        _CACHE.move_to_end(key)
        return hit[1]
    man = _from_tree_facts(ctx) or build(ctx)
    _CACHE[key] = (ctx, man)
    while len(_CACHE) > 8:
        _CACHE.popitem(last=False)
    return man
