"""Provides the analysis driver: run every enabled rule over a change.

Rules analyse whole files; :func:`analyze` keeps the findings that fall on
added lines, marks the ones a suppression comment silences (they are kept and
shown, never dropped) and sorts them by path and line.

Suppression: a comment containing ``triage: ignore[rule-id]`` (several ids may
be separated by commas) on the finding's line, or on the line just above it,
suppresses that rule there. ``triage: ignore`` alone suppresses nothing: the
rule must be named.
"""

from __future__ import annotations

import importlib
import re
from typing import Iterable

from triage.models import Finding
from triage.rules.base import REGISTRY, RepoContext, Rule, SourceFile, iter_rules, register

__all__ = ["analyze", "release", "RepoContext", "Rule", "SourceFile", "register", "REGISTRY", "all_rule_ids"]

RULE_MODULES: tuple[str, ...] = (
    "triage.rules.basic",
    "triage.rules.unicode",
    "triage.rules.sql",
    "triage.rules.injection",
    "triage.rules.credentials",
    "triage.rules.transport",
    "triage.rules.reliability",
    "triage.rules.context",
    "triage.rules.flow",
    "triage.rules.web",
    "triage.rules.queries",
    "triage.rules.bandit_bridge",
    "triage.rules.external",
)
"""Modules that define (and register) rules; imported on first use."""

_SUPPRESS = re.compile(r"triage:\s*ignore\[([a-z0-9,\s-]+)\]")
_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in RULE_MODULES:
            importlib.import_module(name)
        _loaded = True


def all_rule_ids() -> list[str]:
    """Ids of every known rule, sorted."""
    _load()
    return sorted(REGISTRY)


def _suppressed_ids(lines: list[str], line: int) -> set[str]:
    ids: set[str] = set()
    for n in (line, line - 1):
        if 1 <= n <= len(lines):
            for m in _SUPPRESS.finditer(lines[n - 1]):
                ids.update(x.strip() for x in m.group(1).split(",") if x.strip())
    return ids


def analyze(
    files: list[SourceFile],
    ctx: RepoContext | None = None,
    disabled: Iterable[str] = (),
) -> list[Finding]:
    """Run the enabled rules over ``files``; return findings on added lines.

    A rule that raises is skipped for that file (analysis degrades, it never
    crashes the pipeline).
    """
    _load()
    ctx = ctx or RepoContext()
    by_path = {f.path: f for f in files}
    raw: list[Finding] = []
    rules = list(iter_rules(disabled))
    for rule in rules:
        if rule.per_change:
            try:
                raw.extend(rule.check_change(files, ctx))
            except Exception:  # noqa: BLE001 - a broken rule must not stop review
                continue
            continue
        for f in files:
            if f.is_binary:
                continue
            try:
                raw.extend(rule.check(f, ctx))
            except Exception:  # noqa: BLE001
                continue
    out: dict[tuple, Finding] = {}
    line_cache: dict[str, list[str]] = {}
    for fd in raw:
        src = by_path.get(fd.path)
        if src is None or fd.line not in src.added_lines:
            continue
        lines = line_cache.get(fd.path)
        if lines is None:  # split each file once, not once per finding
            lines = line_cache[fd.path] = src.lines()
        if fd.rule in _suppressed_ids(lines, fd.line):
            fd = Finding(fd.rule, fd.severity, fd.path, fd.line, fd.message, fd.question, True)
        out.setdefault((fd.path, fd.line, fd.rule, fd.message), fd)
    return sorted(out.values(), key=lambda x: (x.path, x.line, x.rule))


def release(file: SourceFile) -> None:
    """Drop what the rules kept about ``file`` after :func:`analyze`: its
    :class:`~triage.rules.fileinfo.FileInfo` with the token stream, syntax tree and
    scans memoised on it. They refer back to the file and to each other; released,
    they are freed at once by refcounting instead of waiting for the cyclic garbage
    collector. For callers done with a file (ingest, after the rules)."""
    cache = getattr(file, "cache", None)
    if not cache:
        return
    once = getattr(cache.get("info"), "_once", None)
    if once:
        once.clear()
    cache.clear()
