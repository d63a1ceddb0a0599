"""Provides the JavaScript/TypeScript side of ``hallucinated-api``: named imports against ``.d.ts``.

``import { name } from "pkg"`` on an added line is checked against the exports
of the package's type declarations in the repository's ``node_modules``: the
``types``/``typings`` file its ``package.json`` names (or ``exports["."].types``,
or ``index.d.ts``), else ``@types/<pkg>``. Exports are read from the text
(``export function|const|class|interface|type|enum|namespace NAME``,
``export { a, b as c }``, ``export default``, ``export * from "./rel"``
followed inside the package). Anything that cannot be read statically
(``export =``, ``declare module`` augmentation, ``export *`` from another
package, a package without declarations) gives no answer and no finding.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext
from triage.rules.environment import NodeModules, _read_json, shown_path
from triage.rules.fileinfo import FileInfo, demote
from triage.rules.pins import pins, same_version

MAX_DTS_BYTES = 4_000_000
MAX_FILES = 60

_NAMED_IMPORT = re.compile(
    r"""(?m)^[ \t]*import[ \t]+(?:type[ \t]+)?(?:[A-Za-z_$][\w$]*[ \t]*,[ \t]*)?\{([^{}]{0,2000})\}[ \t]*from[ \t]*['"]([^'"\n]+)['"]""")
_COMMENTS = re.compile(r"/\*[\s\S]*?\*/|//[^\n]*")
_DECL = re.compile(
    r"(?m)^[ \t]*export[ \t]+(?:declare[ \t]+)?(?:default[ \t]+)?(?:abstract[ \t]+)?(?:async[ \t]+)?"
    r"(?:function\*?|const|let|var|class|interface|type|enum|namespace|module)[ \t]+([A-Za-z_$][\w$]*)")
_BRACES = re.compile(r"(?m)^[ \t]*export[ \t]+(?:type[ \t]+)?\{([^{}]*)\}(?:[ \t]*from[ \t]*['\"]([^'\"]+)['\"])?")
_STAR = re.compile(r"""(?m)^[ \t]*export[ \t]+\*[ \t]+(?:as[ \t]+([A-Za-z_$][\w$]*)[ \t]+)?from[ \t]*['"]([^'"]+)['"]""")


def _types_entry(pkg_dir: Path) -> Path | None:
    meta = _read_json(pkg_dir / "package.json") or {}
    cands: list[str] = []
    for key in ("types", "typings"):
        if isinstance(meta.get(key), str):
            cands.append(meta[key])
    exp = meta.get("exports")
    dot = exp.get(".") if isinstance(exp, dict) else None
    if isinstance(dot, dict) and isinstance(dot.get("types"), str):
        cands.append(dot["types"])
    cands.append("index.d.ts")
    for c in cands:
        p = (pkg_dir / c).resolve()
        if p.suffix != ".ts" and not p.name.endswith(".d.ts"):
            p = p.with_suffix(".d.ts")
        if p.is_file() and pkg_dir.resolve() in p.parents:
            return p
    return None


def _relative(base: Path, spec: str) -> Path | None:
    target = (base.parent / spec)
    for p in (target.with_name(target.name + ".d.ts"), target / "index.d.ts",
              target.with_suffix(".d.ts") if target.suffix in (".js", ".mjs", ".cjs") else None,
              target if target.name.endswith(".d.ts") else None):
        if p is not None and p.is_file():
            return p
    return None


@lru_cache(maxsize=256)
def _exports_of(path: str, stamp: int) -> frozenset[str] | None:
    """The names a declaration file exports, or None when that cannot be read statically."""
    seen: set[str] = set()
    out: set[str] = set()
    stack = [Path(path)]
    root = Path(path).parent
    while stack:
        p = stack.pop()
        if str(p) in seen:
            continue
        seen.add(str(p))
        if len(seen) > MAX_FILES:
            return None
        try:
            if p.stat().st_size > MAX_DTS_BYTES:
                return None
            text = _COMMENTS.sub("", p.read_text("utf-8", "replace"))
        except OSError:
            return None
        if re.search(r"(?m)^[ \t]*export[ \t]*=", text) or re.search(r"(?m)^[ \t]*declare[ \t]+module[ \t]+['\"]", text):
            return None
        out.update(m.group(1) for m in _DECL.finditer(text))
        if re.search(r"(?m)^[ \t]*export[ \t]+default\b", text):
            out.add("default")
        for m in _BRACES.finditer(text):
            for part in m.group(1).split(","):
                words = part.replace("type ", " ").split()
                if words:
                    out.add(words[-1] if "as" in words else words[0])
        for m in _STAR.finditer(text):
            if m.group(1):
                out.add(m.group(1))
                continue
            spec = m.group(2)
            if not spec.startswith("."):
                return None  # re-exports another package: not followed
            nxt = _relative(p, spec)
            if nxt is None or root.resolve() not in nxt.resolve().parents and nxt.resolve().parent != root.resolve():
                return None
            stack.append(nxt)
    return frozenset(out)


def exports(entry: Path) -> frozenset[str] | None:
    try:
        stamp = entry.stat().st_mtime_ns
    except OSError:
        return None
    return _exports_of(str(entry), stamp)


def declarations(nm: NodeModules, pkg: str) -> tuple[Path, str, str] | None:
    """(entry .d.ts, the package that provides it, its version) for ``pkg``, or None."""
    d = nm.package_dir(pkg)
    if d is not None:
        entry = _types_entry(d)
        if entry is not None:
            return entry, pkg, nm.version(pkg) or "?"
    types = "@types/" + (pkg[1:].replace("/", "__") if pkg.startswith("@") else pkg)
    td = nm.package_dir(types)
    if td is not None and d is not None:
        entry = _types_entry(td)
        if entry is not None:
            return entry, types, nm.version(types) or "?"
    return None


def check_named_imports(rule, fi: FileInfo, ctx: RepoContext, nm: NodeModules) -> Iterator[Finding]:
    """Findings for named imports a package's declarations do not export."""
    text = fi.text
    if "import" not in fi.near_added_text:
        return
    for m in _NAMED_IMPORT.finditer(text):
        start = text.count("\n", 0, m.start()) + 1
        end = start + m.group(0).count("\n")
        if not fi.touches(start, end):
            continue
        spec = m.group(2)
        if spec.startswith((".", "/", "node:")) or ":" in spec:
            continue
        parts = spec.split("/")
        pkg = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
        if spec != pkg:
            continue  # a subpath import: its declarations are another entry point
        found = declarations(nm, pkg)
        if found is None:
            continue
        entry, provider, version = found
        names = exports(entry)
        if names is None:
            continue
        offset = m.start(1)
        for part in m.group(1).split(","):
            at, offset = offset, offset + len(part) + 1
            words = part.replace("type ", " ").split()
            if not words:
                continue
            name = words[0]
            if name in names or name == "default":
                continue
            pin = pins(ctx).js.get(pkg)
            where = shown_path(entry, ctx)
            ver = f"{provider} {version}"
            sev = None
            if pin is None:
                ver += f" (installed in node_modules; no pin at this commit; checked {where})"
            elif same_version(pin.version, nm.version(pkg) or version):
                ver += f" (pinned in {pin.source}; checked {where})"
            else:
                ver += (f" installed in node_modules, but {pin.source} pins {pin.version}: the environment does not "
                        f"match the pin, so check this against {pin.version} (checked {where})")
                sev = demote(rule.severity)
            yield rule.hit(fi, text.count("\n", 0, at + part.find(name)) + 1,
                           f"`import {{ {name} }} from \"{pkg}\"`: {pkg} exports no {name} in {ver}", sev)
