"""Provides the repository's installed environment: what is really installed, and where.

Found without running anything, in this order:

1. the paths the reviewer configures in their own ``config.toml``
   (``[environment] paths = ["/path/to/venv", ...]``; read from the user's
   file only, so a repository's ``.triage.toml`` cannot point review at an
   environment of its choosing), and ``RepoContext.env_paths``;
2. ``.venv`` and ``venv`` in the repository's working directory;
3. ``node_modules`` there, for JavaScript and TypeScript.

A directory the repository *tracks* in git (a committed ``.venv`` or
``node_modules``) is part of the change under review and is never used.

For Python, an environment is a virtualenv (its ``lib/python3.*/site-packages``)
or a ``site-packages`` directory itself; its distributions are read from
``*.dist-info`` (``METADATA``, ``top_level.txt``, ``RECORD``) and
``*.egg-info`` (``PKG-INFO``, ``top_level.txt``). Nothing is imported.
Results are cached per directory and refreshed when the directory changes.
"""

from __future__ import annotations

import csv
import io
import os
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from triage.rules.base import RepoContext
from triage.rules.manifests import normalize

MAX_META_BYTES = 256_000
"""At most this much of a METADATA or RECORD file is read."""
MAX_DISTRIBUTIONS = 5000


@dataclass(frozen=True)
class Distribution:
    """One installed Python distribution."""

    name: str
    version: str
    top_level: tuple[str, ...]
    """Import names it provides (``requests``; ``requests-stubs`` for a stub-only package)."""
    requires: tuple[str, ...]
    """Normalised names of the distributions it requires (``Requires-Dist``, any extra)."""
    files: tuple[str, ...]
    """Paths relative to its site-packages directory (from ``RECORD``)."""
    site: Path

    @property
    def key(self) -> str:
        return normalize(self.name)


@dataclass
class PythonEnvironment:
    """The distributions installed in one or more site-packages directories."""

    root: Path
    """The environment directory (a virtualenv, or a site-packages directory)."""
    sites: tuple[Path, ...]
    distributions: dict[str, Distribution] = field(default_factory=dict)
    """Normalised name -> distribution."""
    providers: dict[str, list[Distribution]] = field(default_factory=dict)
    """Top-level import name -> the distributions that install it."""

    def provider(self, module: str) -> Distribution | None:
        """The distribution that installs import ``module`` (its top-level name), preferring
        one that is not a stub-only package."""
        top = module.split(".")[0]
        cands = self.providers.get(top) or []
        return cands[0] if cands else None

    def stubs_for(self, module: str) -> Distribution | None:
        """The stub-only distribution (``types-requests``: ``requests-stubs``) for ``module``."""
        cands = self.providers.get(module.split(".")[0] + "-stubs") or []
        return cands[0] if cands else None

    def required_by(self, declared: set[str] | frozenset[str]) -> dict[str, str]:
        """Every distribution reachable from the ``declared`` ones through ``Requires-Dist``:
        normalised name -> the declared distribution it comes through."""
        out: dict[str, str] = {}
        for root in sorted(declared):
            if root not in self.distributions:
                continue
            stack = [root]
            while stack:
                name = stack.pop()
                dist = self.distributions.get(name)
                if dist is None:
                    continue
                for dep in dist.requires:
                    if dep not in out and dep not in declared:
                        out[dep] = root
                        stack.append(dep)
        return out


@dataclass
class NodeModules:
    """A ``node_modules`` directory (packages are read on demand: there can be thousands)."""

    root: Path

    def package_dir(self, name: str) -> Path | None:
        if not re.fullmatch(r"(@[A-Za-z0-9._-]+/)?[A-Za-z0-9._-]+", name) or ".." in name:
            return None
        d = self.root / name
        return d if (d / "package.json").is_file() else None

    def version(self, name: str) -> str | None:
        d = self.package_dir(name)
        meta = _read_json(d / "package.json") if d else None
        v = meta.get("version") if isinstance(meta, dict) else None
        return v if isinstance(v, str) else None


def _read_json(path: Path) -> dict | None:
    import json

    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_META_BYTES * 4)
        d = json.loads(data.decode("utf-8", "replace"))
    except (OSError, ValueError):
        return None
    return d if isinstance(d, dict) else None


def _read_text(path: Path, limit: int = MAX_META_BYTES) -> str | None:
    try:
        with path.open("rb") as fh:
            return fh.read(limit).decode("utf-8", "replace")
    except OSError:
        return None


def _headers(text: str) -> dict[str, list[str]]:
    """The RFC 822 header block of a METADATA / PKG-INFO file."""
    out: dict[str, list[str]] = {}
    for line in text.split("\n"):
        if not line.strip():
            break
        if line[:1] in (" ", "\t"):
            continue
        k, sep, v = line.partition(":")
        if sep:
            out.setdefault(k.strip().lower(), []).append(v.strip())
    return out


_TOP = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*(?:-stubs)?)(?:/|\.py[i]?$|\.[A-Za-z0-9_-]+\.(?:so|pyd)$|\.(?:so|pyd)$)")


def _tops_from_files(files: list[str]) -> list[str]:
    out: dict[str, None] = {}
    for f in files:
        if f.startswith(("..", "/")) or f.split("/", 1)[0].endswith((".dist-info", ".egg-info", ".data")):
            continue
        if f.startswith("__pycache__/") or f.endswith(".pth"):
            continue
        m = _TOP.match(f)
        if m:
            out.setdefault(m.group(1), None)
    return list(out)


def _distribution(meta_dir: Path, site: Path) -> Distribution | None:
    egg = meta_dir.name.endswith(".egg-info")
    text = _read_text(meta_dir / ("PKG-INFO" if egg else "METADATA"))
    if text is None:
        return None
    h = _headers(text)
    name = (h.get("name") or [""])[0]
    version = (h.get("version") or [""])[0]
    if not name:
        return None
    requires = []
    for spec in h.get("requires-dist", []):
        m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
        if m:
            requires.append(normalize(m.group(1)))
    files: list[str] = []
    record = _read_text(meta_dir / ("installed-files.txt" if egg else "RECORD"), MAX_META_BYTES * 8)
    if record:
        if egg:
            files = [os.path.normpath(os.path.join(meta_dir.name, x)).replace("\\", "/") for x in record.split("\n") if x]
        else:
            try:
                files = [row[0] for row in csv.reader(io.StringIO(record)) if row]
            except csv.Error:
                files = []
    top_txt = _read_text(meta_dir / "top_level.txt")
    tops = [x.strip() for x in top_txt.split("\n") if x.strip()] if top_txt else []
    for t in _tops_from_files(files):
        if t not in tops:
            tops.append(t)
    return Distribution(name, version, tuple(tops), tuple(dict.fromkeys(requires)), tuple(files), site)


def site_packages(root: Path) -> list[Path]:
    """The site-packages directories of an environment directory (or the directory itself)."""
    try:
        if any(p.name.endswith((".dist-info", ".egg-info")) for p in root.iterdir()):
            return [root]
    except OSError:
        return []
    out: list[Path] = []
    for pattern in ("lib/python3*/site-packages", "lib64/python3*/site-packages", "Lib/site-packages",
                    "lib/site-packages"):
        out.extend(sorted(p for p in root.glob(pattern) if p.is_dir()))
    return list(dict.fromkeys(out))


def _scan(root: Path) -> PythonEnvironment | None:
    sites = site_packages(root)
    if not sites:
        return None
    env = PythonEnvironment(root, tuple(sites))
    count = 0
    for site in sites:
        try:
            metas = sorted(p for p in site.iterdir() if p.name.endswith((".dist-info", ".egg-info")) and p.is_dir())
        except OSError:
            continue
        for meta in metas:
            count += 1
            if count > MAX_DISTRIBUTIONS:
                break
            dist = _distribution(meta, site)
            if dist is None or dist.key in env.distributions:
                continue
            env.distributions[dist.key] = dist
            for top in dist.top_level:
                env.providers.setdefault(top, []).append(dist)
    for cands in env.providers.values():  # a real package before a stub-only one
        cands.sort(key=lambda d: d.key.startswith("types-") or d.key.endswith("-stubs"))
    return env


_LOCK = threading.Lock()
_SCANS: dict[str, tuple[tuple, PythonEnvironment | None]] = {}


def _stamp(root: Path) -> tuple:
    """What changes when packages are installed or removed (the site-packages mtimes)."""
    out = []
    for site in site_packages(root):
        try:
            out.append((str(site), site.stat().st_mtime_ns))
        except OSError:
            pass
    return tuple(out)


def python_environment_at(root: str | Path) -> PythonEnvironment | None:
    """The Python environment at ``root`` (cached until its site-packages change), or None."""
    root = Path(root)
    if not root.is_dir():
        return None
    stamp = _stamp(root)
    key = str(root)
    with _LOCK:
        hit = _SCANS.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    env = _scan(root) if stamp else None
    with _LOCK:
        _SCANS[key] = (stamp, env)
    return env


@lru_cache(maxsize=4)
def _reviewer_paths_at(path: str, mtime: int) -> tuple[str, ...]:
    from triage.config import quietly, trusted_config
    from triage.errors import TriageError

    try:
        paths = trusted_config(warn=quietly).environment.paths
    except TriageError:  # the command reported it already (a rule never stops an analysis)
        return ()
    return tuple(os.path.expanduser(p) for p in paths if p)


def reviewer_environment_paths() -> tuple[str, ...]:
    """``[environment] paths`` from the reviewer's own config file (never a repository's)."""
    from triage.config import user_config_path

    p = user_config_path()
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        return ()
    return _reviewer_paths_at(str(p), mtime)


def _tracked(ctx: RepoContext, name: str) -> bool:
    """True when the repository tracks the directory ``name`` at the commit (it is then part
    of the change under review, not the reviewer's environment)."""
    try:
        facts = ctx.tree_facts()
    except Exception:  # noqa: BLE001
        facts = None
    if facts is not None:
        return name in facts.top_dirs
    prefix = name + "/"
    try:
        return any(p.startswith(prefix) for p in ctx.paths)
    except Exception:  # noqa: BLE001
        return True


def _candidates(ctx: RepoContext) -> list[Path]:
    out = [Path(p) for p in (*ctx.env_paths, *reviewer_environment_paths())]
    if ctx.workdir:
        for name in (".venv", "venv"):
            d = Path(ctx.workdir) / name
            if d.is_dir() and not _tracked(ctx, name):
                out.append(d)
    return out


def python_environment(ctx: RepoContext) -> PythonEnvironment | None:
    """The first Python environment found for the repository of ``ctx`` (see the module doc)."""
    if not ctx.workdir and not ctx.env_paths and not reviewer_environment_paths():
        return None
    for cand in _candidates(ctx):
        env = python_environment_at(cand)
        if env is not None and env.distributions:
            return env
    return None


def node_modules(ctx: RepoContext) -> NodeModules | None:
    """The repository's ``node_modules`` (or one in a configured path), if untracked and present."""
    for p in (*ctx.env_paths, *reviewer_environment_paths()):
        d = Path(p)
        if d.name == "node_modules" and d.is_dir():
            return NodeModules(d)
        if (d / "node_modules").is_dir():
            return NodeModules(d / "node_modules")
    if ctx.workdir:
        d = Path(ctx.workdir) / "node_modules"
        if d.is_dir() and not _tracked(ctx, "node_modules"):
            return NodeModules(d)
    return None


def shown_path(path: Path, ctx: RepoContext) -> str:
    """``path`` relative to the working directory when inside it (what a finding names)."""
    if ctx.workdir:
        try:
            return str(Path(path).relative_to(ctx.workdir))
        except ValueError:
            pass
    return str(path)
