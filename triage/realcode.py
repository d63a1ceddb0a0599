"""Provides the real-code check of ``python -m triage.eval``: the rules over code nobody here wrote.

The labelled corpus was written beside the rules and flatters them. This runs every
registered rule over the source of installed packages (flask, django, sqlalchemy,
requests, ... whichever the running Python has) and of any directories given, treating
each file as wholly added, and counts findings per rule and per 1,000 lines. A finding
on code that shipped is not necessarily wrong, but a rule that fires often there is
noise a reviewer learns to ignore; the sample it prints is what the README's hand
judgement is made from.

Each file is analysed as a one-file change whose repository is the package's own tree
(so manifests, where a source tree has them, are read as they would be in a review).
"""

from __future__ import annotations

import importlib.util
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from triage.rules import RepoContext, SourceFile, all_rule_ids, analyze, release

PACKAGES = ("flask", "werkzeug", "jinja2", "django", "sqlalchemy", "requests", "httpx", "rich", "textual",
            "pygments", "click", "markupsafe", "urllib3", "bandit", "starlette", "fastapi", "datasette",
            "sqlite_utils", "aiohttp", "tornado")
"""Installed packages measured by ``--real`` (those present)."""

QUICK_PACKAGES = ("markupsafe", "click", "httpx", "sqlite_utils", "flask", "werkzeug")
QUICK_LINES = 12_000
"""The default run measures this many lines of the first of these packages that are installed."""

SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx")
MAX_FILE_BYTES = 400_000


@dataclass
class RealReport:
    """Findings per rule on real code."""

    sources: list[tuple[str, int, int]] = field(default_factory=list)
    """``(name, files, lines)`` per package or directory measured."""
    counts: Counter = field(default_factory=Counter)
    findings: list[dict] = field(default_factory=list)
    lines: int = 0
    files: int = 0
    seconds: float = 0.0

    def per_kloc(self, rule: str) -> float:
        return self.counts[rule] * 1000 / self.lines if self.lines else 0.0

    def to_dict(self) -> dict:
        return {
            "sources": [{"name": n, "files": f, "lines": ln} for n, f, ln in self.sources],
            "lines": self.lines,
            "files": self.files,
            "seconds": round(self.seconds, 3),
            "rules": {r: {"findings": self.counts[r], "per_kloc": round(self.per_kloc(r), 3)}
                      for r in sorted(self.counts)},
        }


def installed(names: tuple[str, ...] = PACKAGES) -> list[tuple[str, Path]]:
    """``(name, directory)`` of each of ``names`` importable here (a package, not a lone module)."""
    out = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        out.append((name, Path(list(spec.submodule_search_locations)[0])))
    return out


def _source_files(root: Path) -> list[Path]:
    files = []
    for p in sorted(root.rglob("*")):
        if p.suffix in SOURCE_SUFFIXES and p.is_file() and "node_modules" not in p.parts and "__pycache__" not in p.parts:
            try:
                if p.stat().st_size <= MAX_FILE_BYTES:
                    files.append(p)
            except OSError:
                continue
    return files


def _context(root: Path, rel: str, data: bytes, paths: tuple[str, ...]) -> RepoContext:
    def read(path: str) -> bytes | None:
        if path == rel:
            return data
        target = (root / path).resolve()
        if root not in target.parents or not target.is_file():
            return None
        try:
            return target.read_bytes()
        except OSError:
            return None

    return RepoContext(read=read, paths=paths, changed_paths=(rel,))


def measure(sources: list[tuple[str, Path]], line_budget: int | None = None, disabled: tuple[str, ...] = ()) -> RealReport:
    """Run every rule over the files under each ``(name, directory)``; stop at ``line_budget`` lines."""
    report = RealReport()
    for rule in all_rule_ids():
        if rule not in disabled:
            report.counts[rule] += 0
    t0 = time.perf_counter()
    for name, root in sources:
        root = root.resolve()
        files = _source_files(root)
        rels = [str(p.relative_to(root)).replace("\\", "/") for p in files]
        paths = tuple(sorted(str(p.relative_to(root)).replace("\\", "/") for p in root.rglob("*")
                             if p.is_file() and "__pycache__" not in p.parts))
        n_files = n_lines = 0
        for p, rel in zip(files, rels):
            if line_budget is not None and report.lines >= line_budget:
                break
            try:
                data = p.read_bytes()
            except OSError:
                continue
            text = data.decode("utf-8", "replace")
            count = text.count("\n") + 1
            # the rules see the path inside the package (so manifests and first-party names resolve)
            src = SourceFile(path=rel, text=text, added_lines=frozenset(range(1, count + 1)),
                             edited_in_place=True)  # a file already in the package, every line rewritten
            ctx = _context(root, rel, data, paths)
            for f in analyze([src], ctx, disabled=disabled):
                if f.suppressed:
                    continue
                report.counts[f.rule] += 1
                lines = src.lines()
                report.findings.append({"source": name, "path": rel, "line": f.line, "rule": f.rule,
                                        "severity": f.severity, "message": f.message,
                                        "code": lines[f.line - 1].strip()[:160] if 0 < f.line <= len(lines) else ""})
            release(src)
            n_files += 1
            n_lines += count
            report.lines += count
            report.files += 1
        report.sources.append((name, n_files, n_lines))
        if line_budget is not None and report.lines >= line_budget:
            break
    report.seconds = time.perf_counter() - t0
    return report


def sample(report: RealReport, n: int, seed: int = 16) -> list[dict]:
    """A deterministic sample of up to ``n`` findings, spread over the rules that fired."""
    by_rule: dict[str, list[dict]] = {}
    for f in report.findings:
        by_rule.setdefault(f["rule"], []).append(f)
    rng = random.Random(seed)
    out: list[dict] = []
    pools = {r: rng.sample(fs, len(fs)) for r, fs in sorted(by_rule.items())}
    while len(out) < n and any(pools.values()):
        for r in sorted(pools):
            if pools[r] and len(out) < n:
                out.append(pools[r].pop())
    return out


def format_real(report: RealReport, quick: bool = False) -> str:
    """The per-rule table: findings and findings per 1,000 lines."""
    fired = [r for r in sorted(report.counts) if report.counts[r]]
    width = max([len(r) for r in fired] + [10])
    what = ", ".join(f"{n} ({ln:,} lines)" for n, _f, ln in report.sources) or "nothing (no package installed)"
    head = f"real code: {what}; every line treated as added"
    lines = [head, f"{'rule':<{width}}  {'findings':>8}  {'per kLOC':>8}", "-" * (width + 20)]
    for r in fired:
        lines.append(f"{r:<{width}}  {report.counts[r]:>8}  {report.per_kloc(r):>8.2f}")
    total = sum(report.counts.values())
    lines.append("-" * (width + 20))
    per = total * 1000 / report.lines if report.lines else 0.0
    lines.append(f"{'TOTAL':<{width}}  {total:>8}  {per:>8.2f}")
    silent = len(report.counts) - len(fired)
    lines.append(f"{report.files} files, {report.lines:,} lines in {report.seconds:.1f} s; {silent} rules found nothing"
                 + ("  (a quick sample: --real measures every installed package)" if quick else ""))
    return "\n".join(lines)
