"""Measure the AI-failure-mode rules on code nobody here wrote (not a test; prints figures).

Usage::

    python tests/bench/realcode_ai_rules.py --site DIR [--sdist DIR ...] [--sample N] [--json]

``--site`` is a site-packages directory (e.g. ``pip install --target DIR flask django
sqlalchemy requests fastapi pyjwt rich textual httpx``): each top-level package in it is
analysed as a repository whose every line is added, with DIR itself as the reviewer's
environment (so ``hallucinated-api`` checks each package's calls into the others; with
``--self`` also its absolute imports of itself, against its own installed copy).
``--sdist`` directories are unpacked source distributions (``pip download --no-binary
:all:``) with their tests: each test file is analysed as one change together with the
package source, which is what ``mirror-test`` needs. Prints findings per 1,000 lines per
rule and, with ``--sample``, that many findings per rule to judge by hand.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from triage.rules import RepoContext, SourceFile, all_rule_ids, analyze

RULES = ("hallucinated-api", "token-scope-unchecked", "length-only-validation", "mirror-test", "round-number-timeout")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts and p.stat().st_size < 1_000_000)


def _source(path: Path, rel: str) -> SourceFile:
    text = path.read_bytes().decode("utf-8", "replace")
    return SourceFile(rel, text, frozenset(range(1, text.count("\n") + 2)))


def _context(root: Path, paths: tuple[str, ...], env: tuple[str, ...], own: bool = True) -> RepoContext:
    def read(p: str) -> bytes | None:
        if not own and p.endswith(".py"):
            return None  # the package is not first-party: it is checked against its installed copy
        target = (root / p)
        try:
            return target.read_bytes() if target.is_file() and root in target.resolve().parents else None
        except OSError:
            return None

    return RepoContext(read=read, paths=paths, changed_paths=paths, env_paths=env)


def measure(site: Path | None, sdists: list[Path], self_check: bool = False,
            trees: list[Path] = ()) -> tuple[dict[str, list], int]:
    off = tuple(r for r in all_rule_ids() if r not in RULES)
    found: dict[str, list] = {r: [] for r in RULES}
    lines = 0
    for tree in trees:
        tree = tree.resolve()
        files = _files(tree)
        rels = tuple(str(f.relative_to(tree)) for f in files)
        ctx = _context(tree, rels, (str(site.resolve()),) if site is not None else ())
        for f, rel in zip(files, rels):
            src = _source(f, rel)
            lines += src.text.count("\n") + 1
            for x in analyze([src], ctx, disabled=off + ("mirror-test",)):
                found[x.rule].append((f"{tree.name}/{rel}", x.line, x.message))
    if trees:
        site = None  # --site was the environment of the trees
    if site is not None:
        site = site.resolve()
        for pkg in sorted(p for p in site.iterdir() if p.is_dir() and p.name.isidentifier() and p.name != "bin"):
            files = _files(pkg)
            rels = tuple(str(f.relative_to(site)) for f in files)
            ctx = _context(site, rels, (str(site),), own=not self_check)
            for f, rel in zip(files, rels):
                src = _source(f, rel)
                lines += src.text.count("\n") + 1
                for x in analyze([src], ctx, disabled=off + ("mirror-test",)):
                    found[x.rule].append((rel, x.line, x.message))
    for sd in sdists:
        sd = sd.resolve()
        files = _files(sd)
        rels = tuple(str(f.relative_to(sd)) for f in files)
        ctx = _context(sd, rels, ())
        tests = [(f, r) for f, r in zip(files, rels) if "/tests/" in f"/{r}" or r.rsplit("/", 1)[-1].startswith("test_")]
        srcs = [(f, r) for f, r in zip(files, rels) if (f, r) not in tests and (r.startswith("src/") or "/" in r)
                and not r.startswith(("docs/", "examples/", "benchmarks/", "tools/", "scripts/"))]
        sources = [_source(f, r) for f, r in srcs]
        lines += sum(s.text.count("\n") + 1 for s in sources)
        for f, r in tests:
            t = _source(f, r)
            lines += t.text.count("\n") + 1
            for x in analyze([t, *sources], ctx, disabled=off + tuple(x for x in RULES if x != "mirror-test")):
                found[x.rule].append((f"{sd.name}/{x.path}", x.line, x.message))
    return found, lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path)
    ap.add_argument("--sdist", type=Path, action="append", default=[])
    ap.add_argument("--tree", type=Path, action="append", default=[],
                    help="a source tree analysed as one repository (every line added), with --site as its environment")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--self", dest="self_check", action="store_true",
                    help="check each package's absolute imports of itself against its installed copy too")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    found, lines = measure(args.site, args.sdist, args.self_check, args.tree)
    if args.json:
        print(json.dumps({"lines": lines, "findings": found}, indent=1))
        return 0
    print(f"{lines} lines analysed")
    for rule in RULES:
        n = len(found[rule])
        print(f"{rule:<24} {n:>5} findings  {1000 * n / max(lines, 1):6.3f} per 1,000 lines")
    rng = random.Random(19)
    for rule in RULES:
        sample = rng.sample(found[rule], min(args.sample, len(found[rule])))
        for path, line, msg in sample:
            print(f"  [{rule}] {path}:{line}: {msg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
