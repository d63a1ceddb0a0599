"""Provides the scoring of the rules on a real OWASP Benchmark (Python edition) checkout.

``python -m triage.eval --owasp-dir DIR --owasp-labels CSV`` reads the Benchmark's
``expectedresults-*.csv`` (``BenchmarkTestNNNNN,category,true|false,cwe``) and scores
only the cases present as ``BenchmarkTestNNNNN.py`` under ``DIR`` (or ``DIR/testcode``):
per category the true-positive rate, the false-positive rate, the score (TPR - FPR, the
Benchmark's) and the number of cases, for triage and for bandit, and the mean over the
categories present. The Benchmark is GPL and is never part of this repository: fetch it
separately.

A case is flagged by triage when any finding of a rule whose CWE is the category's (or a
narrower CWE of it) is anywhere in the file, every line counted as added (as in the
real-code mode). bandit is judged as ``--owasp`` judges it: an issue of any of the bandit
tests that answer the category (``triage.eval.BANDIT_TESTS``; a test-id match, which
counts more of bandit's issues than a strict CWE match would: its ``hashlib.md5`` issue
carries CWE-327, its ``exec`` issue CWE-78). semgrep, when its ``--json`` output over the
same directory is given (``--semgrep-json``), flags a case when a result in that file
carries a CWE of the category in its rule's ``metadata.cwe`` (semgrep runs outside
triage, with whichever rules the team uses; triage only reads its results).

The cases are split, before anyone looks at them, into a development half and a held-out
half by a fixed hash of the file name (:func:`half`), so rules can be improved on misses
of the one and measured on the other.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

HALVES = ("dev", "held-out")

CATEGORY_CWES: dict[int, frozenset[int]] = {
    22: frozenset({22, 23, 36}), 78: frozenset({78, 77}), 79: frozenset({79, 80}), 89: frozenset({89, 564}),
    90: frozenset({90}), 94: frozenset({94, 95}), 328: frozenset({328, 916}), 330: frozenset({330, 338}),
    501: frozenset({501}), 502: frozenset({502}), 601: frozenset({601}), 611: frozenset({611}),
    614: frozenset({614, 1004}), 643: frozenset({643}),
}
"""A Benchmark category's CWE -> the CWEs that answer it (the CWE itself and narrower ones)."""

SEMGREP_BROADER: dict[int, frozenset[int]] = {328: frozenset({327})}
"""Broader CWEs that also answer a category for semgrep's results: its weak-hash rules
(``insecure-hash-algorithm-md5``, ``-sha1``) carry CWE-327, the parent of CWE-328, as
bandit's ``hashlib.md5`` issue does (bandit is judged by test id, which counts it)."""

_NAME = re.compile(r"BenchmarkTest\d+")


@dataclass(frozen=True)
class Label:
    """One line of the Benchmark's expected results."""

    name: str
    category: str
    vulnerable: bool
    cwe: int


@dataclass
class Score:
    """One category's counts for triage and for bandit."""

    vulnerable: int = 0
    safe: int = 0
    tp: int = 0
    fp: int = 0
    bandit_tp: int = 0
    bandit_fp: int = 0
    semgrep_tp: int = 0
    semgrep_fp: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return self.vulnerable + self.safe

    def rates(self, bandit: bool = False, tool: str = "") -> tuple[float, float, float]:
        """``(TPR, FPR, TPR - FPR)`` of triage, of bandit (``bandit``) or of ``tool``
        (``"semgrep"``); a rate with no cases to divide by is 0."""
        tool = tool or ("bandit" if bandit else "")
        tp, fp = (getattr(self, f"{tool}_tp"), getattr(self, f"{tool}_fp")) if tool else (self.tp, self.fp)
        tpr = tp / self.vulnerable if self.vulnerable else 0.0
        fpr = fp / self.safe if self.safe else 0.0
        return tpr, fpr, tpr - fpr

    @property
    def score(self) -> float:
        """True-positive rate minus false-positive rate (the Benchmark's score)."""
        return self.rates()[2]

    @property
    def bandit_score(self) -> float:
        """bandit's true-positive rate minus its false-positive rate on the same cases."""
        return self.rates(bandit=True)[2]


def load_labels(path: Path) -> dict[str, Label]:
    """The expected results of ``path`` by test name (comment and blank lines skipped)."""
    out: dict[str, Label] = {}
    with Path(path).open(newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if not row or row[0].lstrip().startswith("#") or len(row) < 4:
                continue
            name, cat, real, cwe = (x.strip() for x in row[:4])
            if not _NAME.fullmatch(name):
                continue
            out[name] = Label(name, cat, real.lower() == "true", int(cwe))
    return out


def half(name: str) -> str:
    """``dev`` or ``held-out``: fixed by the SHA-256 of the case's name, never by its content."""
    return HALVES[hashlib.sha256(f"owasp-split:{name}".encode()).digest()[0] & 1]


def case_files(root: Path) -> dict[str, Path]:
    """The ``BenchmarkTestNNNNN.py`` files under ``root`` (or ``root/testcode``) by test name."""
    root = Path(root)
    base = root / "testcode" if (root / "testcode").is_dir() else root
    return {p.stem: p for p in sorted(base.glob("BenchmarkTest*.py")) if _NAME.fullmatch(p.stem)}


def unparsable(root: Path) -> list[str]:
    """The cases the rules get no tree for on this Python (the Benchmark is 3.12 code; its
    f-strings are read on older ones, :mod:`triage.rules.fstrings`): only the token rules
    see them."""
    from triage.rules.python_ast import parse

    return [name for name, path in case_files(root).items() if parse(path.read_text("utf-8", "replace")) is None]


def _rule_cwes() -> dict[str, int]:
    from triage.rules import all_rule_ids
    from triage.rules.base import REGISTRY

    all_rule_ids()
    out = {}
    for rid, cls in REGISTRY.items():
        m = re.fullmatch(r"CWE-(\d+)", cls.cwe or "")
        if m:
            out[rid] = int(m.group(1))
    return out


def triage_cwes(path: str, text: str) -> set[int]:
    """The CWEs of every unsuppressed triage finding in the file, every line counted as added."""
    from triage.rules import RepoContext, SourceFile, analyze

    src = SourceFile(path=path, text=text, added_lines=frozenset(range(1, text.count("\n") + 2)))
    data = text.encode("utf-8")
    ctx = RepoContext(read=lambda p: data if p == path else None, paths=(path,), changed_paths=(path,))
    cwes = _rule_cwes()
    return {cwes[f.rule] for f in analyze([src], ctx) if not f.suppressed and f.rule in cwes}


def bandit_ids(path: str, text: str) -> set[str]:
    """The ids of every bandit test (all of them, bandit's defaults) that reports the file."""
    from triage.rules import SourceFile
    from triage.rules.bandit_bridge import all_tests, run_bandit
    from triage.rules.fileinfo import info

    src = SourceFile(path=path, text=text, added_lines=frozenset())
    return {issue.test_id for issue in run_bandit(info(src), all_tests())}


_CWE_TEXT = re.compile(r"CWE-(\d+)")


def load_semgrep(path: Path) -> dict[str, set[int]]:
    """The CWEs of semgrep's results (``semgrep --json``) by case name: each result's rule
    ``metadata.cwe`` (a string or a list, ``"CWE-502: ..."``), for the ``BenchmarkTestNNNNN.py``
    file it is in. Raises ValueError on a file that is not semgrep's JSON."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ValueError("not semgrep's --json output (no results list)")
    out: dict[str, set[int]] = {}
    for r in data["results"]:
        if not isinstance(r, dict):
            continue
        name = Path(str(r.get("path", ""))).stem
        if not _NAME.fullmatch(name):
            continue
        meta = (r.get("extra") or {}).get("metadata") or {}
        cwe = meta.get("cwe", ()) if isinstance(meta, dict) else ()
        texts = [cwe] if isinstance(cwe, str) else [c for c in cwe if isinstance(c, str)] if isinstance(cwe, list) else []
        out.setdefault(name, set()).update(int(m) for t in texts for m in _CWE_TEXT.findall(t))
    return out


def score(root: Path, labels: dict[str, Label], bandit_tests: dict[str, tuple[str, ...]] | None = None,
          semgrep: dict[str, set[int]] | None = None) -> dict[str, dict[str, Score]]:
    """Per half (``dev``, ``held-out``, ``all``), per category: the scores of the labelled cases present;
    bandit's too when ``bandit_tests`` (category -> the bandit test ids that answer it) is given, and
    semgrep's when its results (:func:`load_semgrep`) are."""
    with_bandit = bandit_tests is not None
    out: dict[str, dict[str, Score]] = {h: {} for h in (*HALVES, "all")}
    for name, path in case_files(root).items():
        lab = labels.get(name)
        if lab is None or lab.cwe not in CATEGORY_CWES:
            continue
        text = path.read_text("utf-8", "replace")
        want = CATEGORY_CWES[lab.cwe]
        flagged = bool(triage_cwes(f"testcode/{path.name}", text) & want)
        by_bandit = with_bandit and bool(bandit_ids(path.name, text) & set((bandit_tests or {}).get(lab.category, ())))
        by_semgrep = semgrep is not None and bool(semgrep.get(name, set()) & (want | SEMGREP_BROADER.get(lab.cwe, set())))
        for h in (half(name), "all"):
            sc = out[h].setdefault(lab.category, Score())
            if lab.vulnerable:
                sc.vulnerable += 1
                sc.tp += flagged
                sc.bandit_tp += by_bandit
                sc.semgrep_tp += by_semgrep
                if not flagged:
                    sc.missed.append(name)
            else:
                sc.safe += 1
                sc.fp += flagged
                sc.bandit_fp += by_bandit
                sc.semgrep_fp += by_semgrep
                if flagged:
                    sc.false_alarms.append(name)
    return out


def mean(scores: dict[str, Score], bandit: bool = False, tool: str = "") -> float:
    """The mean score over the categories present (0 when none is), of triage, bandit or ``tool``."""
    return sum(s.rates(bandit, tool)[2] for s in scores.values()) / len(scores) if scores else 0.0


def format_scores(title: str, scores: dict[str, Score], with_bandit: bool = True, with_semgrep: bool = False) -> str:
    """One half's table: per category n, TPR, FPR and score for triage (and bandit, semgrep), then the mean."""
    tools = ["bandit"] * with_bandit + ["semgrep"] * with_semgrep
    head = f"{'category':<16} {'n':>4}  {'TPR':>5} {'FPR':>5} {'score':>6}"
    for tool in tools:
        head += f"   {tool + ' TPR':>11} {'FPR':>5} {'score':>6}"
    lines = [title, head, "-" * len(head)]
    for cat, sc in sorted(scores.items()):
        tpr, fpr, s = sc.rates()
        row = f"{cat:<16} {sc.n:>4}  {tpr:>5.2f} {fpr:>5.2f} {s:>6.2f}"
        for tool in tools:
            btpr, bfpr, bs = sc.rates(tool=tool)
            row += f"   {btpr:>11.2f} {bfpr:>5.2f} {bs:>6.2f}"
        lines.append(row)
    lines.append("-" * len(head))
    n = sum(s.n for s in scores.values())
    row = f"{'mean':<16} {n:>4}  {'':>5} {'':>5} {mean(scores):>6.2f}"
    for tool in tools:
        row += f"   {'':>11} {'':>5} {mean(scores, tool=tool):>6.2f}"
    lines.append(row)
    return "\n".join(lines)


def format_report(result: dict[str, dict[str, Score]], with_bandit: bool = True, verbose: bool = False,
                  with_semgrep: bool = False) -> str:
    """Both halves' tables, then all cases; with ``verbose`` the development half's misses and false alarms."""
    parts = [format_scores(f"OWASP Benchmark cases, {h} half", result[h], with_bandit, with_semgrep)
             for h in (*HALVES, "all")]
    if verbose:
        for cat, sc in sorted(result["dev"].items()):
            for name in sc.missed:
                parts.append(f"missed       {cat:<16} {name}")
            for name in sc.false_alarms:
                parts.append(f"false alarm  {cat:<16} {name}")
    return "\n\n".join(parts[:3]) + ("\n\n" + "\n".join(parts[3:]) if parts[3:] else "")


def to_dict(result: dict[str, dict[str, Score]], with_semgrep: bool = False) -> dict:
    """The scores as JSON-ready data (semgrep's beside bandit's when ``with_semgrep``)."""
    tools = ("bandit", "semgrep") if with_semgrep else ("bandit",)

    def rates(sc: Score, tool: str = "") -> dict:
        tpr, fpr, s = sc.rates(tool=tool)
        return {"tpr": round(tpr, 3), "fpr": round(fpr, 3), "score": round(s, 3)}

    def row(sc: Score) -> dict:
        return {"n": sc.n, "vulnerable": sc.vulnerable, "safe": sc.safe, **rates(sc), **{t: rates(sc, t) for t in tools}}

    return {h: {"categories": {c: row(s) for c, s in sorted(cats.items())}, "mean": round(mean(cats), 3),
                **{f"{t}_mean": round(mean(cats, tool=t), 3) for t in tools}} for h, cats in result.items()}
