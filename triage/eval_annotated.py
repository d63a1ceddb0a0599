"""Scores the rules on an annotated rule test suite (``python -m triage.eval --annotated DIR``).

A suite file marks lines with comments, as semgrep's rule tests do: ``# ruleid: ID``
means the next code line must be flagged, ``# ok: ID`` that the next code line is a
look-alike that must not be. ``todoruleid``/``fn``/``deepruleid`` (and ``todook``/``fp``)
are the suite's own known gaps: they are counted apart and left out of the figures. A
bare ``# ruleid``/``# ok`` names the ids used elsewhere in its file (or the file's stem).

Each file is analysed as a one-file change with every line added (as the real-code
check does), and a suite id maps to triage rule ids through a table of ids only
(:data:`DEFAULT_MAP`); ids the table lists as not covered, or does not list, are
reported, not dropped. A ``ruleid`` line is caught when a finding of a mapped rule
sits on it (or on the rest of what starts there, see :func:`spans`); an ``ok`` line is
a false positive when one does. An ``ok`` line whose code
is the same text as a ``ruleid`` line of the suite for the same triage rule is a
contradiction within the suite and is counted apart. bandit runs on the same files,
its tests mapped to triage rules by the same table. Files are split into a development
and a held-out half by a fixed hash of their path (:func:`half`).
"""

from __future__ import annotations

import ast
import hashlib
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAP = Path(__file__).resolve().parents[1] / "tests" / "heldout" / "semgrep_map.toml"

POSITIVE, NEGATIVE = "ruleid", "ok"
TODO_POSITIVE = frozenset({"todoruleid", "tododruleid", "fn", "deepruleid"})
TODO_NEGATIVE = frozenset({"todook", "fp"})
_ANNOT = re.compile(r"#\s*(ruleid|ok|todoruleid|tododruleid|todook|deepruleid|fn|fp)\b\s*(?::\s*([\w.,\- ]*))?")


@dataclass(frozen=True)
class Annotation:
    """One annotated line: the suite id, its kind and the line it applies to (1-based)."""

    path: str
    line: int
    kind: str
    sid: str
    code: str


def half(path: str) -> str:
    """``"dev"`` or ``"held"``: a fixed split by the SHA-256 of the suite-relative path."""
    return "dev" if hashlib.sha256(path.encode("utf-8")).digest()[0] % 2 == 0 else "held"


def _is_code(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#")


def parse(path: str, text: str) -> list[Annotation]:
    """The annotations of one suite file."""
    lines = text.split("\n")
    found: list[tuple[int, str, list[str]]] = []
    named: set[str] = set()
    for i, raw in enumerate(lines):
        hash_at = raw.find("#")
        if hash_at < 0:
            continue
        m = _ANNOT.match(raw, hash_at)
        if m is None:
            continue
        ids = [s.strip() for s in (m.group(2) or "").replace(" ", ",").split(",") if s.strip()]
        named.update(ids)
        if _is_code(raw[:hash_at]):
            target = i  # a trailing comment annotates its own line
        else:
            target = next((j for j in range(i + 1, len(lines)) if _is_code(lines[j])), -1)
        if target >= 0:
            found.append((target, m.group(1), ids))
    default = sorted(named) or [Path(path).name.removesuffix(".py")]
    out = []
    for target, kind, ids in found:
        for sid in ids or default:
            out.append(Annotation(path, target + 1, kind, sid, " ".join(lines[target].split())))
    return sorted(set(out), key=lambda a: (a.line, a.kind, a.sid))


def spans(text: str) -> dict[int, frozenset[int]]:
    """Line -> the lines a finding may sit on to count for an annotation of that line.

    A finding counts on the annotated line, on the other lines of the largest syntax node
    that starts there (a call or a dict written over several lines), and, for a line inside
    a call that starts earlier (one argument of a multi-line call), on the call's first
    line. Lines of a file that does not parse count alone."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    ends: dict[int, int] = {}
    calls: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if start is None or end is None:
            continue
        ends[start] = max(ends.get(start, start), end)
        if isinstance(node, ast.Call) and end > start:
            calls.append((start, end))
    out: dict[int, frozenset[int]] = {}
    for line in range(1, text.count("\n") + 2):
        lines = set(range(line, ends.get(line, line) + 1))
        inner = [c for c in calls if c[0] < line <= c[1]]
        if inner:
            lines.add(max(inner)[0])
        out[line] = frozenset(lines)
    return out


def scopes(text: str) -> dict[int, tuple[int, int]]:
    """Line -> the lines of its innermost function (module-level lines: five either side)."""
    n = text.count("\n") + 1
    out = {line: (max(1, line - 5), min(n, line + 5)) for line in range(1, n + 1)}
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return out
    fns = sorted(((f.lineno, f.end_lineno or f.lineno) for f in ast.walk(tree)
                  if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))), key=lambda r: r[1] - r[0], reverse=True)
    for start, end in fns:  # widest first, so the innermost function wins
        for line in range(start, end + 1):
            out[line] = (start, end)
    return out


def suite_files(root: Path) -> list[Path]:
    """The suite's test files under ``root`` (``*.py``, not semgrep's ``*.fixed.py`` outputs)."""
    return sorted(p for p in Path(root).rglob("*.py") if p.is_file() and not p.name.endswith(".fixed.py"))


@dataclass
class Mapping:
    """Suite id -> triage rule ids, the ids not covered (with why), and bandit's tests per triage rule."""

    rules: dict[str, tuple[str, ...]]
    not_covered: dict[str, str]
    bandit: dict[str, tuple[str, ...]]


def load_map(path: Path | None = None) -> Mapping:
    """The mapping table (``tests/heldout/semgrep_map.toml`` by default)."""
    with Path(path or DEFAULT_MAP).open("rb") as fh:
        data = tomllib.load(fh)
    rules = {k: tuple(v) if isinstance(v, list) else (str(v),) for k, v in data.get("map", {}).items()}
    return Mapping(rules, {k: str(v) for k, v in data.get("not_covered", {}).items()},
                   {k: tuple(v) for k, v in data.get("bandit", {}).items()})


@dataclass
class Tally:
    """Counts for one triage rule (or all of them)."""

    positives: int = 0
    caught: int = 0
    negatives: int = 0
    flagged: int = 0
    bandit_caught: int = 0
    bandit_flagged: int = 0

    def add(self, other: "Tally") -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def recall(self) -> float | None:
        return self.caught / self.positives if self.positives else None

    @property
    def fp_rate(self) -> float | None:
        return self.flagged / self.negatives if self.negatives else None

    @property
    def bandit_recall(self) -> float | None:
        return self.bandit_caught / self.positives if self.positives else None

    @property
    def bandit_fp_rate(self) -> float | None:
        return self.bandit_flagged / self.negatives if self.negatives else None


@dataclass
class Result:
    """The outcome on one set of suite files."""

    files: int = 0
    by_rule: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    not_covered: Counter = field(default_factory=Counter)
    """Suite id -> annotated lines (ruleid and ok) the mapping does not cover."""
    todo: Counter = field(default_factory=Counter)
    contradicted: int = 0
    elsewhere: int = 0
    """Missed ``ruleid`` lines with a finding of the mapped rule elsewhere in the same function
    (reported on the line that builds the value, or at the sink of a value read on the line)."""
    misses: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)

    def total(self) -> Tally:
        t = Tally()
        for v in self.by_rule.values():
            t.add(v)
        return t


def _triage_lines(rel: str, text: str, root: Path, paths: tuple[str, ...]) -> dict[int, set[str]]:
    from triage.realcode import _context
    from triage.rules import SourceFile, analyze, release

    data = text.encode("utf-8")
    src = SourceFile(path=rel, text=text, added_lines=frozenset(range(1, text.count("\n") + 2)))
    out: dict[int, set[str]] = defaultdict(set)
    for f in analyze([src], _context(root, rel, data, paths)):
        if not f.suppressed:
            out[f.line].add(f.rule)
    release(src)
    return out


def _bandit_lines(rel: str, text: str) -> dict[int, set[str]]:
    from triage.rules import SourceFile
    from triage.rules.bandit_bridge import all_tests, run_bandit
    from triage.rules.fileinfo import info

    src = SourceFile(path=rel, text=text, added_lines=frozenset(range(1, text.count("\n") + 2)))
    out: dict[int, set[str]] = defaultdict(set)
    for issue in run_bandit(info(src), all_tests()):
        out[int(issue.lineno)].add(issue.test_id)
    return out


def evaluate(root: Path, mapping: Mapping, which: str = "all", with_bandit: bool = True) -> Result:
    """Score the suite files under ``root`` in half ``which`` (``dev``, ``held`` or ``all``)."""
    root = Path(root).resolve()
    files = suite_files(root)
    rels = [str(p.relative_to(root)).replace("\\", "/") for p in files]
    parsed = {rel: parse(rel, p.read_text("utf-8", "replace")) for p, rel in zip(files, rels)}
    flagged_code: set[tuple[str, str]] = set()  # (triage rule, code) of every ruleid line in the suite
    for anns in parsed.values():
        for a in anns:
            if a.kind == POSITIVE:
                flagged_code.update((r, a.code) for r in mapping.rules.get(a.sid, ()))
    res = Result()
    paths = tuple(rels)
    for p, rel in zip(files, rels):
        if which != "all" and half(rel) != which:
            continue
        res.files += 1
        text = p.read_text("utf-8", "replace")
        anns = parsed[rel]
        if not anns:
            continue
        got = _triage_lines(rel, text, root, paths)
        by_bandit = _bandit_lines(rel, text) if with_bandit else {}
        reach = spans(text)
        scope = scopes(text)
        for a in anns:
            if a.kind in TODO_POSITIVE or a.kind in TODO_NEGATIVE:
                res.todo[a.kind] += 1
                continue
            targets = mapping.rules.get(a.sid)
            if not targets:
                res.not_covered[a.sid] += 1
                continue
            if a.kind == NEGATIVE and any((r, a.code) in flagged_code for r in targets):
                res.contradicted += 1
                continue
            key = targets[0]
            near = reach.get(a.line, frozenset((a.line,)))
            hit = any(got.get(n, set()) & set(targets) for n in near)
            tests = {t for r in targets for t in mapping.bandit.get(r, ())}
            bhit = any(by_bandit.get(n, set()) & tests for n in near)
            t = res.by_rule[key]
            row = {"path": rel, "line": a.line, "id": a.sid, "rule": key, "code": a.code[:120]}
            if a.kind == POSITIVE:
                t.positives += 1
                t.caught += hit
                t.bandit_caught += bhit
                if not hit:
                    lo, hi = scope.get(a.line, (a.line, a.line))
                    row["elsewhere"] = any(got.get(n, set()) & set(targets) for n in range(lo, hi + 1))
                    res.elsewhere += row["elsewhere"]
                    res.misses.append(row)
            else:
                t.negatives += 1
                t.flagged += hit
                t.bandit_flagged += bhit
                if hit:
                    res.false_positives.append(row)
    return res


def _f(x: float | None) -> str:
    return "    -" if x is None else f"{x:5.2f}"


def format_result(name: str, res: Result) -> str:
    """A plain-text table: per triage rule recall and look-alike FP rate, triage's and bandit's."""
    head = f"{'rule':<28} {'ruleid':>6} {'recall':>6} {'bandit':>6}  {'ok':>4} {'FP':>5} {'bandit':>6}"
    lines = [f"{name}: {res.files} files", head, "-" * len(head)]
    for rule, t in sorted(res.by_rule.items()):
        lines.append(f"{rule:<28} {t.positives:>6} {_f(t.recall):>6} {_f(t.bandit_recall):>6}  {t.negatives:>4}"
                     f" {_f(t.fp_rate):>5} {_f(t.bandit_fp_rate):>6}")
    t = res.total()
    lines.append("-" * len(head))
    lines.append(f"{'TOTAL':<28} {t.positives:>6} {_f(t.recall):>6} {_f(t.bandit_recall):>6}  {t.negatives:>4}"
                 f" {_f(t.fp_rate):>5} {_f(t.bandit_fp_rate):>6}")
    nc = sum(res.not_covered.values())
    lines.append(f"not covered: {nc} annotated lines of {len(res.not_covered)} suite ids"
                 + (f" ({', '.join(sorted(res.not_covered))})" if res.not_covered else ""))
    lines.append(f"missed on the line, found elsewhere in the same function: {res.elsewhere}")
    lines.append(f"left out: {sum(res.todo.values())} known-gap lines (todoruleid/todook/fn/fp), "
                 f"{res.contradicted} ok lines the suite also marks ruleid")
    return "\n".join(lines)


def to_dict(res: Result) -> dict:
    """The result as JSON-ready data."""
    def row(t: Tally) -> dict:
        return {"ruleid": t.positives, "caught": t.caught, "ok": t.negatives, "flagged": t.flagged,
                "bandit_caught": t.bandit_caught, "bandit_flagged": t.bandit_flagged,
                "recall": t.recall, "fp_rate": t.fp_rate, "bandit_recall": t.bandit_recall,
                "bandit_fp_rate": t.bandit_fp_rate}
    return {"files": res.files, "rules": {k: row(v) for k, v in sorted(res.by_rule.items())},
            "total": row(res.total()), "not_covered": dict(sorted(res.not_covered.items())),
            "todo": dict(res.todo), "contradicted": res.contradicted,
            "missed_found_elsewhere_in_function": res.elsewhere}
