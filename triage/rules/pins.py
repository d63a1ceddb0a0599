"""Provides the versions a repository pins for its dependencies at one commit.

:mod:`triage.rules.manifests` keeps only the names a repository declares; this
module reads the same files (found through it) for the exact versions:

* Python: ``poetry.lock``, ``uv.lock``, ``pdm.lock`` (``[[package]]`` name and
  version), ``Pipfile.lock`` (``"version": "==X"``), ``name==X`` lines of
  ``requirements*.txt`` and ``-c`` constraint files, and ``==`` pins in the
  ``pyproject.toml`` dependency lists;
* JavaScript: ``package-lock.json`` / ``npm-shrinkwrap.json``, ``yarn.lock``,
  ``pnpm-lock.yaml``, and exact versions in ``package.json``.

A lockfile wins over a manifest; among files of one kind the one nearest the
root wins. Read through :class:`~triage.rules.base.RepoContext` at the commit,
never from the working tree, and cached per context object.
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field

from triage.rules.base import RepoContext
from triage.rules.manifests import MAX_LOCK_BYTES, _json_loose, _read, manifests, normalize


@dataclass(frozen=True)
class Pin:
    """One pinned version and the file that pins it."""

    version: str
    source: str


@dataclass
class Pins:
    """Pinned versions per ecosystem: normalised distribution (or npm package) name -> :class:`Pin`."""

    python: dict[str, Pin] = field(default_factory=dict)
    js: dict[str, Pin] = field(default_factory=dict)


def same_version(a: str, b: str) -> bool:
    """``2.31`` and ``2.31.0`` (and ``v2.31.0``) are the same version; anything else is compared as text."""

    def key(v: str) -> tuple:
        v = v.strip().lstrip("=v").strip()
        m = re.match(r"^(\d+(?:\.\d+)*)(.*)$", v)
        if not m:
            return (v,)
        nums = [int(x) for x in m.group(1).split(".")]
        while len(nums) > 1 and nums[-1] == 0:
            nums.pop()
        return (tuple(nums), m.group(2).lower())

    return key(a) == key(b)


_REQ_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)")


def _toml_lock(text: str, out: dict[str, Pin], path: str) -> None:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return
    for pkg in data.get("package") or ():
        if isinstance(pkg, dict) and isinstance(pkg.get("name"), str) and isinstance(pkg.get("version"), str):
            out.setdefault(normalize(pkg["name"]), Pin(pkg["version"], path))


def _pipfile_lock(text: str, out: dict[str, Pin], path: str) -> None:
    d = _json_loose(text)
    if not isinstance(d, dict):
        return
    for sec in ("default", "develop"):
        for name, spec in (d.get(sec) or {}).items():
            v = spec.get("version") if isinstance(spec, dict) else None
            if isinstance(v, str) and v.startswith("=="):
                out.setdefault(normalize(name), Pin(v[2:], path))


def _requirements(text: str, out: dict[str, Pin], path: str) -> None:
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].split(";", 1)[0]
        m = _REQ_PIN.match(line)
        if m and "*" not in m.group(2):
            out.setdefault(normalize(m.group(1)), Pin(m.group(2), path))


def _pyproject(text: str, out: dict[str, Pin], path: str) -> None:
    try:
        d = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return
    proj = d.get("project") or {}
    specs = list(proj.get("dependencies") or [])
    for group in (proj.get("optional-dependencies") or {}).values():
        specs.extend(group or [])
    for group in (d.get("dependency-groups") or {}).values():
        specs.extend(x for x in group or [] if isinstance(x, str))
    _requirements("\n".join(s for s in specs if isinstance(s, str)), out, path)


def _package_lock(text: str, out: dict[str, Pin], path: str) -> None:
    d = _json_loose(text)
    if not isinstance(d, dict):
        return
    for key, meta in (d.get("packages") or {}).items():
        if isinstance(meta, dict) and isinstance(meta.get("version"), str) and key.startswith("node_modules/"):
            name = key[len("node_modules/"):]
            if "node_modules/" not in name:  # the top level only: nested copies are other versions
                out.setdefault(name, Pin(meta["version"], path))
    for name, meta in (d.get("dependencies") or {}).items():
        if isinstance(meta, dict) and isinstance(meta.get("version"), str):
            out.setdefault(name, Pin(meta["version"], path))


_YARN_ENTRY = re.compile(r'(?m)^"?(@?[^@\s"/]+(?:/[^@\s"]+)?)@[^\n]*:\s*\n(?:[ \t]+[^\n]*\n){0,8}?[ \t]+version:?\s+"?([^"\s]+)"?')
_PNPM_ENTRY = re.compile(r"(?m)^\s+'?/?(@?[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)?)[@/](\d[^:'\s(]*)")


def _yarn_lock(text: str, out: dict[str, Pin], path: str) -> None:
    for m in _YARN_ENTRY.finditer(text):
        out.setdefault(m.group(1), Pin(m.group(2), path))


def _pnpm_lock(text: str, out: dict[str, Pin], path: str) -> None:
    for m in _PNPM_ENTRY.finditer(text):
        out.setdefault(m.group(1), Pin(m.group(2), path))


def _package_json(text: str, out: dict[str, Pin], path: str) -> None:
    d = _json_loose(text)
    if not isinstance(d, dict):
        return
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        for name, spec in (d.get(key) or {}).items():
            if isinstance(spec, str) and re.fullmatch(r"=?v?\d+\.\d+\.\d+[\w.+-]*", spec.strip()):
                out.setdefault(name, Pin(spec.strip().lstrip("=v"), path))


_PY_LOCKS = {"poetry.lock": _toml_lock, "uv.lock": _toml_lock, "pdm.lock": _toml_lock, "Pipfile.lock": _pipfile_lock}
_JS_LOCKS = {"package-lock.json": _package_lock, "npm-shrinkwrap.json": _package_lock, "yarn.lock": _yarn_lock,
             "pnpm-lock.yaml": _pnpm_lock}


def _by_depth(paths) -> list[str]:
    return sorted(dict.fromkeys(paths), key=lambda p: (p.count("/"), p))


def build(ctx: RepoContext) -> Pins:
    """Read every lockfile and manifest the repository has at the context's commit."""
    man = manifests(ctx)
    pins = Pins()
    for table, locks, files, lock_parsers in (
        (pins.python, man.lockfiles.get("python", []), man.python_files, _PY_LOCKS),
        (pins.js, man.lockfiles.get("js", []), man.js_files, _JS_LOCKS),
    ):
        for path in _by_depth(locks):
            text = _read(ctx.read, path, MAX_LOCK_BYTES)
            if text is None:
                continue
            base = posixpath.basename(path)
            parse = lock_parsers.get(base, _requirements)
            try:
                parse(text, table, path)
            except (ValueError, TypeError, AttributeError, json.JSONDecodeError):
                continue
        for path in _by_depth(files):
            text = _read(ctx.read, path)
            if text is None:
                continue
            base = posixpath.basename(path)
            if base == "pyproject.toml":
                _pyproject(text, table, path)
            elif base == "package.json":
                _package_json(text, table, path)
            elif base.endswith((".txt", ".in")):
                _requirements(text, table, path)
    return pins


_CACHE: OrderedDict[int, tuple[RepoContext, Pins]] = OrderedDict()


def pins(ctx: RepoContext) -> Pins:
    """The pinned versions for ``ctx`` (cached while the context object lives)."""
    key = id(ctx)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is ctx:
        return hit[1]
    got = build(ctx)
    _CACHE[key] = (ctx, got)
    while len(_CACHE) > 8:
        _CACHE.popitem(last=False)
    return got
