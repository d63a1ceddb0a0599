"""Provides the rule evaluation harness: precision and recall on a labelled corpus.

Run ``python -m triage.eval`` (or ``--json``). The corpus lives in
``tests/corpus/``: ``index.toml`` lists each case (a file, the findings it must
produce as rule id + line, and whether it is a defect or a clean look-alike).
Every line of a corpus file is treated as added, and each case is analysed as a
one-file change against a small repository directory (manifests, tests) read
through the same :class:`~triage.rules.base.RepoContext` interface the real
pipeline uses.

A finding matches a label when rule and line are equal. Per rule: true
positives, false positives (findings with no label, clean files included),
false negatives (labels with no finding), precision and recall.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from triage.owaspbench import Score
from triage.rules import RepoContext, SourceFile, all_rule_ids, analyze

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"


@dataclass
class Case:
    """One labelled corpus file."""

    file: str
    kind: str
    expect: set[tuple[str, int]]
    path: str
    repo: str = "repos/plain"
    changed: tuple[str, ...] = ()
    env: str = ""
    """A directory under the corpus read as the reviewer's installed environment (``hallucinated-api``)."""
    edited: bool = False
    """The change edits a file already at ``path`` (git status M) rather than adding it."""
    category: str = ""
    """An OWASP Benchmark-style category (``sqli``, ``xss``, ...) for ``--owasp``; "" for others."""


@dataclass
class RuleStats:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    clean_fp: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Report:
    """The outcome of one evaluation run."""

    rules: dict[str, RuleStats]
    cases: int
    defects: int
    clean: int
    missed: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def totals(self) -> RuleStats:
        t = RuleStats()
        for s in self.rules.values():
            t.tp += s.tp
            t.fp += s.fp
            t.fn += s.fn
            t.clean_fp += s.clean_fp
        return t

    def to_dict(self) -> dict:
        def row(s: RuleStats) -> dict:
            return {
                "tp": s.tp, "fp": s.fp, "fn": s.fn, "clean_fp": s.clean_fp,
                "precision": None if s.precision is None else round(s.precision, 4),
                "recall": None if s.recall is None else round(s.recall, 4),
            }

        return {
            "cases": self.cases,
            "defect_cases": self.defects,
            "clean_cases": self.clean,
            "rules": {k: row(v) for k, v in sorted(self.rules.items())},
            "totals": row(self.totals()),
            "missed": self.missed,
            "false_positives": self.false_positives,
            "seconds": round(self.seconds, 3),
        }


def load_index(corpus: Path | None = None) -> list[Case]:
    """The cases of ``corpus/index.toml``."""
    corpus = Path(corpus or DEFAULT_CORPUS)
    with (corpus / "index.toml").open("rb") as fh:
        data = tomllib.load(fh)
    out = []
    for c in data.get("case", []):
        exp = {(str(e["rule"]), int(e["line"])) for e in c.get("expect", [])}
        out.append(
            Case(
                file=c["file"],
                kind=c.get("kind", "defect" if exp else "clean"),
                expect=exp,
                path=c.get("path", c["file"]),
                repo=c.get("repo", "repos/plain"),
                changed=tuple(c.get("changed", ())),
                env=c.get("env", ""),
                edited=bool(c.get("edited", False)),
                category=str(c.get("category", "")),
            )
        )
    return out


def _context(corpus: Path, case: Case, data: bytes) -> RepoContext:
    repo = (corpus / case.repo).resolve()
    files = sorted(str(p.relative_to(repo)).replace("\\", "/") for p in repo.rglob("*") if p.is_file()) if repo.is_dir() else []

    def read(path: str) -> bytes | None:
        if path == case.path:
            return data
        target = (repo / path).resolve()
        if repo not in target.parents or not target.is_file():
            return None
        return target.read_bytes()

    paths = tuple(sorted(set(files) | {case.path}))
    env = (str((corpus / case.env).resolve()),) if case.env else ()
    return RepoContext(read=read, paths=paths, changed_paths=(case.path, *case.changed), env_paths=env)


def run(corpus: Path | None = None, disabled: tuple[str, ...] = ()) -> Report:
    """Analyse every case and score the findings against the labels."""
    corpus = Path(corpus or DEFAULT_CORPUS)
    cases = load_index(corpus)
    stats: dict[str, RuleStats] = {r: RuleStats() for r in all_rule_ids() if r not in disabled}
    report = Report(stats, len(cases), sum(c.kind != "clean" for c in cases), sum(c.kind == "clean" for c in cases))
    t0 = time.perf_counter()
    for case in cases:
        data = (corpus / case.file).read_bytes()
        text = data.decode("utf-8", "replace")
        added = frozenset(range(1, text.count("\n") + 2))
        src = SourceFile(path=case.path, text=text, added_lines=added, edited_in_place=case.edited)
        findings = analyze([src], _context(corpus, case, data), disabled=disabled)
        got = {(f.rule, f.line) for f in findings if not f.suppressed}
        messages = {(f.rule, f.line): f.message for f in findings}
        for rule, line in sorted(got):
            s = stats.setdefault(rule, RuleStats())
            if (rule, line) in case.expect:
                s.tp += 1
            else:
                s.fp += 1
                if case.kind == "clean":
                    s.clean_fp += 1
                report.false_positives.append({"file": case.file, "rule": rule, "line": line, "message": messages.get((rule, line), "")})
        for rule, line in sorted(case.expect - got):
            if rule in disabled:
                continue
            stats.setdefault(rule, RuleStats()).fn += 1
            report.missed.append({"file": case.file, "rule": rule, "line": line})
    report.seconds = time.perf_counter() - t0
    return report


OWASP_RULES: dict[str, tuple[str, ...]] = {
    "cmdi": ("shell-injection",), "codeinj": ("eval-exec",), "deserialization": ("unsafe-deserialization",),
    "hash": ("weak-hash", "weak-password-hash"), "ldapi": ("ldap-injection",), "pathtraver": ("path-traversal",),
    "redirect": ("open-redirect",), "securecookie": ("insecure-cookie",),
    "sqli": ("sql-interpolation", "sql-partial-parameterization"), "trustbound": ("trust-boundary-violation",),
    "weakrand": ("insecure-random",), "xpathi": ("xpath-injection",), "xss": ("xss-unescaped-render",),
    "xxe": ("xml-external-entities",),
}
"""The 14 categories of the OWASP Benchmark (Python edition) and the triage rules that answer each."""
BANDIT_TESTS: dict[str, tuple[str, ...]] = {
    "cmdi": ("B601", "B602", "B603", "B604", "B605", "B606", "B607", "B609"), "codeinj": ("B102", "B307"),
    "deserialization": ("B301", "B302", "B506", "B614"), "hash": ("B303", "B324"), "ldapi": (),
    "pathtraver": ("B202",), "redirect": (), "securecookie": (), "sqli": ("B608", "B610", "B611"),
    "trustbound": (), "weakrand": ("B311",), "xpathi": (), "xss": ("B308", "B701", "B702", "B703", "B704"),
    "xxe": ("B313", "B314", "B315", "B316", "B317", "B318", "B319", "B320"),
}
"""bandit's tests for the same categories (for the comparison ``--owasp`` prints)."""


CategoryScore = Score
"""One category's counts (the real Benchmark's scoring, :class:`triage.owaspbench.Score`)."""


def owasp(corpus: Path | None = None, with_bandit: bool = True) -> dict[str, CategoryScore]:
    """Score the OWASP Benchmark-style cases per category: a case is flagged when any of its
    category's rules reports it (bandit: any of its category's tests)."""
    corpus = Path(corpus or DEFAULT_CORPUS)
    scores: dict[str, CategoryScore] = {c: CategoryScore() for c in OWASP_RULES}
    for case in load_index(corpus):
        if case.category not in OWASP_RULES:
            continue
        data = (corpus / case.file).read_bytes()
        text = data.decode("utf-8", "replace")
        src = SourceFile(path=case.path, text=text, added_lines=frozenset(range(1, text.count("\n") + 2)))
        found = {f.rule for f in analyze([src], _context(corpus, case, data)) if not f.suppressed}
        flagged = bool(found & set(OWASP_RULES[case.category]))
        by_bandit = with_bandit and bool(_bandit_ids(src) & set(BANDIT_TESTS[case.category]))
        sc = scores[case.category]
        if case.kind == "clean":
            sc.safe += 1
            sc.fp += flagged
            sc.bandit_fp += by_bandit
        else:
            sc.vulnerable += 1
            sc.tp += flagged
            sc.bandit_tp += by_bandit
    return scores


def _bandit_ids(src: SourceFile) -> set[str]:
    """The ids of every bandit test (all of them, bandit's defaults) that reports ``src``."""
    from triage.rules.bandit_bridge import all_tests, run_bandit
    from triage.rules.fileinfo import info

    return {issue.test_id for issue in run_bandit(info(src), all_tests())}


def format_owasp(scores: dict[str, CategoryScore]) -> str:
    lines = [f"{'category':<16} {'vuln':>4} {'safe':>4}  {'TPR':>5} {'FPR':>5} {'score':>6}  {'bandit':>6}",
             "-" * 56]
    for cat, sc in sorted(scores.items()):
        tpr = sc.tp / sc.vulnerable if sc.vulnerable else 0.0
        fpr = sc.fp / sc.safe if sc.safe else 0.0
        lines.append(f"{cat:<16} {sc.vulnerable:>4} {sc.safe:>4}  {tpr:>5.2f} {fpr:>5.2f} {sc.score:>6.2f}  {sc.bandit_score:>6.2f}")
    n = len(scores) or 1
    lines.append("-" * 56)
    lines.append(f"{'mean':<16} {'':>4} {'':>4}  {'':>5} {'':>5} {sum(s.score for s in scores.values()) / n:>6.2f}"
                 f"  {sum(s.bandit_score for s in scores.values()) / n:>6.2f}")
    lines.append("cases written here from the Benchmark's published shape (tests/corpus/owasp/generate.py), not the Benchmark's own")
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "    -" if x is None else f"{x * 100:5.1f}"


def format_table(report: Report) -> str:
    """A plain-text table: one row per rule, then the totals."""
    width = max(len(r) for r in report.rules) if report.rules else 10
    head = f"{'rule':<{width}}  {'TP':>4} {'FP':>4} {'FN':>4} {'cleanFP':>7}  {'prec%':>5}  {'rec%':>5}"
    lines = [head, "-" * len(head)]
    for rule, s in sorted(report.rules.items()):
        lines.append(f"{rule:<{width}}  {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.clean_fp:>7}  {_pct(s.precision)}  {_pct(s.recall)}")
    t = report.totals()
    lines.append("-" * len(head))
    lines.append(f"{'TOTAL':<{width}}  {t.tp:>4} {t.fp:>4} {t.fn:>4} {t.clean_fp:>7}  {_pct(t.precision)}  {_pct(t.recall)}")
    lines.append(f"{report.cases} cases ({report.defects} defect, {report.clean} clean) in {report.seconds:.2f} s")
    return "\n".join(lines)


def real_code_figures() -> dict[str, dict]:
    """The real-code figures measured for the rules (``data/rules/measured.toml``): rule id ->
    ``lines``, ``findings``, ``useful``, ``default`` and notes."""
    from triage.rules.data import load

    rules = load("measured").get("rule", {})
    return {k: dict(v) for k, v in rules.items() if isinstance(v, dict)}


def format_real_code(figures: dict[str, dict]) -> str:
    """The measured real-code figures as a plain-text table (empty when there are none)."""
    if not figures:
        return ""
    width = max(len(r) for r in figures)
    head = f"{'real code':<{width}}  {'lines':>9} {'finds':>5} {'/kLOC':>6} {'useful':>7}  default"
    lines = [head, "-" * len(head)]
    for rule, f in sorted(figures.items()):
        n, ok, loc = int(f.get("findings", 0)), int(f.get("useful", 0)), int(f.get("lines", 0))
        rate = f"{1000 * n / loc:6.3f}" if loc else "     -"
        lines.append(f"{rule:<{width}}  {loc:>9,} {n:>5} {rate} {f'{ok}/{n}':>7}  {f.get('default', '')}")
    lines.append("(data/rules/measured.toml; measured with tests/bench/realcode_ai_rules.py)")
    return "\n".join(lines)


def _owasp_dir(args) -> int:
    from triage import owaspbench

    labels_path = args.owasp_labels
    if labels_path is None:
        found = sorted(Path(args.owasp_dir).glob("expectedresults-*.csv"))
        labels_path = found[-1] if found else None
    if not Path(args.owasp_dir).is_dir() or labels_path is None or not Path(labels_path).is_file():
        print(f"error: need a benchmark directory and its expectedresults CSV (--owasp-labels); got {args.owasp_dir}",
              file=sys.stderr)
        return 2
    try:
        labels = owaspbench.load_labels(labels_path)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {labels_path}: {exc}", file=sys.stderr)
        return 2
    semgrep = None
    if args.semgrep_json is not None:
        try:
            semgrep = owaspbench.load_semgrep(args.semgrep_json)
        except (OSError, ValueError) as exc:
            print(f"error: cannot read semgrep's results {args.semgrep_json}: {exc}", file=sys.stderr)
            return 2
    result = owaspbench.score(args.owasp_dir, labels, None if args.no_bandit else BANDIT_TESTS, semgrep)
    if not result["all"]:
        print(f"error: no labelled BenchmarkTest*.py case under {args.owasp_dir}", file=sys.stderr)
        return 2
    bad = [n for n in owaspbench.unparsable(args.owasp_dir) if n in labels]
    if args.json:
        print(json.dumps({**owaspbench.to_dict(result, semgrep is not None), "unparsed": bad}, indent=2, sort_keys=True))
    else:
        print(owaspbench.format_report(result, with_bandit=not args.no_bandit, verbose=args.verbose,
                                       with_semgrep=semgrep is not None))
        if bad:
            print(f"\nnote: {len(bad)} of the cases do not parse under Python {sys.version_info[0]}.{sys.version_info[1]}: "
                  "only triage's token rules see them (the Benchmark is Python 3.12 code)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m triage.eval``."""
    ap = argparse.ArgumentParser(prog="python -m triage.eval", description="Precision and recall of the rules on the labelled corpus.")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory (holds index.toml)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--verbose", "-v", action="store_true", help="also list missed labels and false positives")
    ap.add_argument("--disable", action="append", default=[], metavar="RULE", help="evaluate with a rule disabled")
    ap.add_argument("--real", action="store_true",
                    help="run the rules over every installed package of triage.realcode.PACKAGES (slow)")
    ap.add_argument("--real-dir", action="append", default=[], type=Path, metavar="DIR",
                    help="also run the rules over the source under DIR (e.g. an unpacked `pip download`)")
    ap.add_argument("--no-real", action="store_true", help="skip the quick real-code sample")
    ap.add_argument("--sample", type=int, default=0, metavar="N", help="print N real-code findings to judge by hand")
    ap.add_argument("--owasp", action="store_true",
                    help="score the OWASP Benchmark-style cases per category (TPR - FPR), with bandit's for comparison")
    ap.add_argument("--annotated", type=Path, metavar="DIR",
                    help="score an annotated rule test suite (semgrep's `# ruleid:`/`# ok:` comments) under DIR")
    ap.add_argument("--map", type=Path, default=None, metavar="FILE",
                    help="suite id -> triage rule id table for --annotated (default tests/heldout/semgrep_map.toml)")
    ap.add_argument("--half", choices=("dev", "held", "all", "both"), default="both",
                    help="which half of the --annotated suite to score (split by a fixed hash of the path)")
    ap.add_argument("--owasp-dir", type=Path, metavar="DIR",
                    help="score the real OWASP Benchmark (Python) cases under DIR (fetched separately), by half")
    ap.add_argument("--owasp-labels", type=Path, metavar="CSV",
                    help="the Benchmark's expectedresults CSV for --owasp-dir (default: DIR/expectedresults-*.csv)")
    ap.add_argument("--no-bandit", action="store_true", help="with --owasp-dir: leave bandit's columns out")
    ap.add_argument("--semgrep-json", type=Path, metavar="FILE",
                    help="with --owasp-dir: semgrep's --json results over the same cases, scored beside bandit's")
    args = ap.parse_args(argv)
    if args.owasp_dir is not None:
        return _owasp_dir(args)
    if args.annotated is not None:
        return _annotated(args)
    if not (args.corpus / "index.toml").is_file():
        print(f"error: no index.toml in {args.corpus}", file=sys.stderr)
        return 2
    try:
        report = run(args.corpus, tuple(args.disable))
    except (OSError, tomllib.TOMLDecodeError, KeyError, ValueError) as exc:
        print(f"error: cannot evaluate the corpus: {exc}", file=sys.stderr)
        return 2
    if args.owasp:
        scores = owasp(args.corpus)
        if args.json:
            print(json.dumps({c: {"vulnerable": v.vulnerable, "safe": v.safe, "score": round(v.score, 3),
                                  "bandit": round(v.bandit_score, 3)} for c, v in sorted(scores.items())}, indent=2))
        else:
            print(format_owasp(scores))
        return 0
    real = None
    if not args.no_real or args.real or args.real_dir:
        real = _real(args)
    if args.json:
        out = {**report.to_dict(), "real_code": real_code_figures()}
        if real is not None:
            out["real"] = real.to_dict()
        print(json.dumps(out, indent=2, sort_keys=True))
    else:
        print(format_table(report))
        measured = format_real_code(real_code_figures())
        if measured:
            print()
            print(measured)
        if args.verbose:
            for m in report.missed:
                print(f"missed  {m['file']}:{m['line']}  {m['rule']}")
            for f in report.false_positives:
                print(f"extra   {f['file']}:{f['line']}  {f['rule']}  {f['message']}")
        if real is not None:
            from triage.realcode import format_real, sample

            print()
            print(format_real(real, quick=not (args.real or args.real_dir)))
            for f in sample(real, args.sample):
                print(f"sample  {f['source']}/{f['path']}:{f['line']}  {f['rule']}  {f['message']}\n        {f['code']}")
    return 0


def _annotated(args: argparse.Namespace) -> int:
    """``--annotated DIR``: recall on ``ruleid`` lines, false positives on ``ok`` lines, bandit beside."""
    from triage import eval_annotated as ea

    if not args.annotated.is_dir():
        print(f"error: --annotated {args.annotated} is not a directory", file=sys.stderr)
        return 2
    try:
        mapping = ea.load_map(args.map)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(f"error: cannot read the mapping table: {exc}", file=sys.stderr)
        return 2
    halves = ("dev", "held") if args.half == "both" else (args.half,)
    results = {h: ea.evaluate(args.annotated, mapping, h) for h in halves}
    if args.json:
        print(json.dumps({h: ea.to_dict(r) for h, r in results.items()}, indent=2, sort_keys=True))
        return 0
    for h, r in results.items():
        print(ea.format_result({"dev": "development half", "held": "held-out half", "all": "whole suite"}[h], r))
        if args.verbose:
            for m in r.misses:
                near = " (found elsewhere in the function)" if m.get("elsewhere") else ""
                print(f"missed  {m['path']}:{m['line']}  {m['id']} -> {m['rule']}{near}  {m['code']}")
            for f in r.false_positives:
                print(f"extra   {f['path']}:{f['line']}  {f['id']} -> {f['rule']}  {f['code']}")
        print()
    return 0


def _real(args: argparse.Namespace):
    """The real-code check: every installed package (``--real``), given directories, or a quick sample."""
    from triage.realcode import QUICK_LINES, QUICK_PACKAGES, installed, measure

    sources = []
    if args.real:
        sources += installed()
    for d in args.real_dir:
        if not d.is_dir():
            print(f"error: --real-dir {d} is not a directory", file=sys.stderr)
            continue
        sources.append((d.name, d))
    if sources:
        return measure(sources, disabled=tuple(args.disable))
    return measure(installed(QUICK_PACKAGES), line_budget=QUICK_LINES, disabled=tuple(args.disable))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
