"""Provides the analysis driver: run every enabled rule over a change.

Rules read the changed regions of a file (:mod:`triage.rules.regions`: for
Python, the functions and classes holding added lines, what they call, and the
module-level statements), or the whole file when a rule declares
``whole_file`` or the file cannot be cut; :func:`analyze` keeps the findings
that fall on added lines, marks the ones a suppression comment silences (they are kept and
shown, never dropped) and sorts them by path and line.

Suppression: a comment containing ``triage: ignore[rule-id]`` (several ids may
be separated by commas) on the finding's line, or on the line just above it,
suppresses that rule there. ``triage: ignore`` alone suppresses nothing: the
rule must be named.

Only a suppression that was already there before the change counts: a comment
on a line the change adds (or moves, or edits) is the change vouching for
itself, so its finding stays active and is marked ``suppressed_by="change"``;
one on an unchanged line silences it (``suppressed_by="existing"``), unless the
finding's line is one the change inserted right under that comment (not an
edit of the line the comment was written for): then it counts, with
``suppressed_by="inserted"``.
:func:`added_suppressions` lists the comments a change adds, for the risk factor.
"""

from __future__ import annotations

import importlib
import re
from typing import Iterable

from dataclasses import replace

from triage.models import Finding
from triage.rules import python_ast, regions
from triage.sanitize import one_line
from triage.rules.base import REGISTRY, RepoContext, Rule, SourceFile, iter_rules, register

__all__ = ["analyze", "added_suppressions", "release", "RepoContext", "Rule", "SourceFile", "register", "REGISTRY", "all_rule_ids"]

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
    "triage.rules.apis",
    "triage.rules.authz",
    "triage.rules.validation",
    "triage.rules.testquality",
    "triage.rules.tuning",
    "triage.rules.web",
    "triage.rules.queries",
    "triage.rules.bandit_bridge",
    "triage.rules.external",
)
"""Modules that define (and register) rules; imported on first use."""

_SUPPRESS = re.compile(r"triage:\s*ignore\[([a-z0-9,\s-]+)\]")
_SUPPRESS_HINT = "ignore["
"""A substring every suppression comment holds: files without it are skipped at C speed."""
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


def _named_ids(text: str) -> set[str]:
    ids: set[str] = set()
    for m in _SUPPRESS.finditer(text):
        ids.update(x.strip() for x in m.group(1).split(",") if x.strip())
    return ids


def _suppressed_ids(lines: list[str], line: int, added: frozenset[int] = frozenset(),
                    inserted: frozenset[int] = frozenset()) -> tuple[set[str], set[str], set[str]]:
    """``(existing, added, displaced)``: rule ids named by suppression comments on ``line`` or the
    line above it: an unchanged comment, one the change adds, or an unchanged comment above a
    line the change inserted (it was written for the line that used to follow it)."""
    existing: set[str] = set()
    new: set[str] = set()
    displaced: set[str] = set()
    for n in (line, line - 1):
        if 1 <= n <= len(lines):
            if n in added:
                new.update(_named_ids(lines[n - 1]))
            elif n == line - 1 and line in inserted:
                displaced.update(_named_ids(lines[n - 1]))
            else:
                existing.update(_named_ids(lines[n - 1]))
    return existing, new, displaced


def added_suppressions(files: Iterable[SourceFile]) -> list[tuple[str, int]]:
    """``(path, line)`` of every suppression comment on a line the change adds."""
    out = []
    for f in files:
        if f.is_binary or _SUPPRESS_HINT not in f.text:
            continue
        lines = f.lines()
        out += [(f.path, n) for n in sorted(f.added_lines)
                if 1 <= n <= len(lines) and _SUPPRESS.search(lines[n - 1])]
    return out


def analyze(
    files: list[SourceFile],
    ctx: RepoContext | None = None,
    disabled: Iterable[str] = (),
    whole_files: bool = False,
) -> list[Finding]:
    """Run the enabled rules over ``files``; return findings on added lines.

    ``whole_files`` makes every rule read every file whole (what the changed
    regions are checked against).

    A rule that raises is skipped for that file (analysis degrades, it never
    crashes the pipeline).
    """
    _load()
    ctx = ctx or RepoContext()
    by_path = {f.path: f for f in files}
    raw: list[Finding] = []
    rules = list(iter_rules(disabled))
    cuts = {f.path: regions.region(f) for f in files} if whole_files is False else {}
    for rule in rules:
        if rule.per_change:
            try:
                raw.extend(rule.check_change(files, ctx))
            except Exception:  # noqa: BLE001 - a broken rule must not stop review
                continue
            continue
        for f in files:
            if f.is_binary or (getattr(f, "generated", "") and not rule.cheap):
                continue
            if not rule.whole_file:
                f = cuts.get(f.path) or f
            try:
                raw.extend(rule.check(f, ctx))
            except Exception:  # noqa: BLE001
                continue
    for cut in cuts.values():
        if cut is not None:
            release(cut)
    out: dict[tuple, Finding] = {}
    line_cache: dict[str, list[str]] = {}
    for fd in raw:
        src = by_path.get(fd.path)
        if src is None or fd.line not in src.added_lines:
            continue
        lines = line_cache.get(fd.path)
        if lines is None:  # split each file once, not once per finding
            lines = line_cache[fd.path] = src.lines()
        existing, new, displaced = _suppressed_ids(lines, fd.line, src.added_lines, src.inserted_lines)
        if fd.rule in existing:
            fd = replace(fd, suppressed=True, suppressed_by="existing")
        elif fd.rule in new:
            fd = replace(fd, suppressed_by="change")
        elif fd.rule in displaced:
            fd = replace(fd, suppressed_by="inserted")
        out.setdefault((fd.path, fd.line, fd.rule, fd.message), fd)
    return sorted(out.values(), key=lambda x: (x.path, x.line, x.rule))


def unparsed(file: SourceFile) -> str:
    """Why the rules that asked for ``file``'s Python syntax tree had none ("" when they had
    it, or none asked, or a changed region was read instead): the reviewer's note that those
    checks did not run. Call it after :func:`analyze` and before :func:`release`."""
    fi = getattr(file, "cache", {}).get("info")
    if fi is None or "tree" not in fi.__dict__ or fi.__dict__["tree"] is not None or fi.lang != "python":
        return ""
    why = python_ast.parse_failure(file.text)
    return f"{one_line(why, 160)}: the checks that need a syntax tree did not run" if why else ""


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
