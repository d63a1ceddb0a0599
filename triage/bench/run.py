"""Provides the benchmark's measurements, each a ratio to a baseline timed in the same run.

See :mod:`triage.bench` for how to run it and what each row means.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from triage.bench import realsrc, synth
from triage.bench.timing import BenchError, best_of, isolated_env, remove_db, run, triage_cmd


@dataclass
class Row:
    """One line of the report."""

    name: str
    label: str
    baseline_label: str
    unit: str = "s"
    ours: float | None = None
    baseline: float | None = None
    target: float | None = None
    note: str = ""
    runs: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """ours / baseline, when both were measured."""
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    @property
    def met(self) -> bool | None:
        """Whether the ratio is within the target (None: no target, or not measured)."""
        if self.target is None or self.ratio is None:
            return None
        return self.ratio <= self.target

    def to_json(self) -> dict:
        """The row as a JSON object (with ``ratio`` and ``met``)."""
        d = asdict(self)
        d.update(ratio=self.ratio, met=self.met)
        return d


MEASUREMENTS: dict[str, tuple[str, str, float | None]] = {
    "ingest-all": ("cold `ingest --all`, {n} commits", "git log -p --no-merges", 2.0),
    "ingest-ai": ("cold `ingest` (AI changes only)", "git log -p --no-merges", 0.3),
    "diff-floor": ("the diff step alone, one core", "git log -p --no-merges", None),
    "libgit2-floor": ("libgit2's diff alone, one core", "git log -p --no-merges", None),
    "libgit2-floor-par": ("libgit2's diff alone, {cores} processes", "git log -p --no-merges", None),
    "libgit2-floor-ai": ("AI-only floor: headers, provenance, libgit2's diffs, {cores} processes",
                         "git log -p --no-merges", None),
    "reingest-warm": ("warm re-ingest, nothing new", "cold `ingest --all`", 0.05),
    "real-ingest-all": ("real code: cold `ingest --all`, {real} commits", "git log -p --no-merges", 5.0),
    "real-ingest-ai": ("real code: cold `ingest` (AI changes only)", "git log -p --no-merges", 0.3),
    "real-reingest-warm": ("real code: warm re-ingest, nothing new", "real code: cold `ingest --all`", 0.05),
    "real-diff-libgit2": ("real code: the diff step (libgit2, parsed), one core", "git log -p --no-merges", None),
    "real-diff-git": ("real code: `git diff-tree --stdin -p`, parsed, one core", "git log -p --no-merges", None),
    "repo-ingest-all": ("{repo}: cold `ingest --all`, {repo_n} commits", "git log -p --no-merges", 5.0),
    "repo-ingest-ai": ("{repo}: cold `ingest` (AI changes only)", "git log -p --no-merges", 0.3),
    "repo-reingest-warm": ("{repo}: warm re-ingest, nothing new", "{repo}: cold `ingest --all`", 0.05),
    "repo-diff-libgit2": ("{repo}: the diff step (libgit2, parsed), one core", "git log -p --no-merges", None),
    "repo-diff-git": ("{repo}: `git diff-tree --stdin -p`, parsed, one core", "git log -p --no-merges", None),
    "queue-json": ("`queue --json --all`, {items} items", "git log --oneline", None),
    "tui-queue-paint": ("app: Queue first paint, {items} items", "git log --oneline", None),
    "tui-queue-end": ("app: Queue G to the last of {items} items", "git log --oneline", None),
    "tui-review-paint": ("app: Review first paint, {big}-line diff", "git show (that commit)", None),
    "tui-review-scroll": ("app: Review scroll to end, {big}-line diff", "git show (that commit)", None),
    "tui-review-rss": ("app: peak RSS, {big}- vs {small}-line diff", "peak RSS, {small}-line diff", None),
}
"""name -> (label, baseline label, target ratio or None)."""

SUBJECT_ROWS = {"real": "real code", "repo": "--repo"}
"""Row-name prefixes measured on another repository than the synthetic one: ``real-*`` on the
real-code history (:mod:`triage.bench.realsrc`), ``repo-*`` on ``--repo PATH``."""


@dataclass
class Subject:
    """A repository the ingest rows run on, and the commits they cover."""

    path: Path
    rev: str
    """What ``git log`` walks (a branch, ``HEAD`` or a range)."""
    rng: str | None = None
    """``ingest --range`` (None: ingest walks HEAD, as ``git log HEAD`` does)."""
    commits: int = 0
    """Commits ingest --all analyses (merges included: they are diffed against their first parent)."""


QUEUE_SCREEN = 40
"""Rows the Queue shows on the probe's 160x48 screen: its first paint needs that many."""


class Bench:
    """One benchmark run: the repositories, the databases, and the rows measured so far."""

    def __init__(self, args: argparse.Namespace, cache: Path, work: Path, log: Callable[[str], None]):
        self.args = args
        self.cache = cache
        self.work = work
        self.log = log
        self.env = isolated_env(work / "home")
        self.git = shutil.which("git")
        self.repo: Path | None = None
        self.all_db = work / "all.db"
        self.all_db_ready = False
        self.cold_all: float | None = None
        self.cold_all_runs: list[float] = []
        self.baselines: dict[str, tuple[float, list[float]]] = {}
        self.big: dict[int, tuple[Path, str, Path]] = {}
        self.app_check: dict | None = None
        self.subjects: dict[str, Subject] = {}
        self.cold: dict[str, tuple[float, list[float]]] = {}

    # ------------------------------------------------------------- helpers

    def fmt(self, text: str) -> str:
        a = self.args
        repo = Path(a.repo).name if a.repo else "repo"
        repo_n = f"{self.subjects['repo'].commits:,}" if "repo" in self.subjects else "N"
        real_n = f"{self.subjects['real'].commits:,}" if "real" in self.subjects else f"{a.real_commits:,}"
        return text.format(n=f"{a.commits:,}", items=f"{a.commits:,}", big=f"{a.diff_lines:,}",
                           small=f"{a.small_diff_lines:,}", cores=self.cores, real=real_n, repo=repo,
                           repo_n=repo_n)

    @property
    def cores(self) -> int:
        """The processes an ingest analyses with by default (one per core)."""
        return os.cpu_count() or 1

    def row(self, name: str) -> Row:
        label, base, target = MEASUREMENTS[name]
        return Row(name, self.fmt(label), self.fmt(base), target=target)

    def best(self, once: Callable[[], float]) -> tuple[float, list[float]]:
        return best_of(once, self.args.repeat)

    def git_cmd(self, *args: str) -> list[str]:
        if not self.git:
            raise BenchError("git is not installed: the baselines need it")
        return [self.git, "-C", str(self.repo), "-c", "core.pager=cat", *args]

    def baseline(self, key: str, cmd: list[str]) -> tuple[float, list[float]]:
        if key not in self.baselines:
            self.log(f"baseline: {key}")
            self.baselines[key] = self.best(lambda: run(cmd, self.env).seconds)
        return self.baselines[key]

    def git_log_p(self) -> tuple[float, list[float]]:
        return self.baseline("git log -p", self.git_cmd("log", "-p", "--no-merges", "--no-color", "main"))

    def git_oneline(self) -> tuple[float, list[float]]:
        return self.baseline("git log --oneline", self.git_cmd("log", "--oneline", "--no-color", "main"))

    def ensure_repo(self) -> Path:
        if self.repo is None:
            self.log(f"repository: {self.args.commits} commits (seed {self.args.seed}) under {self.cache}")
            info = synth.build(self.cache, self.args.commits, self.args.seed)
            self.log(f"  {'reused' if info.reused else f'built in {info.seconds:.1f}s'}: {info.path}")
            self.repo = info.path
        return self.repo

    def ingest_once(self, db: Path, *, all_: bool) -> float:
        remove_db(db)
        cmd = triage_cmd("ingest", "--repo", str(self.ensure_repo()), "--db", str(db), *(["--all"] if all_ else []))
        t = run(cmd, self.env, capture=True)
        m = re.search(rb"(\d+) analysed", t.stdout)
        if all_ and (m is None or int(m.group(1)) != self.args.commits):
            raise BenchError(f"ingest --all analysed {m.group(1).decode() if m else '?'} commits, "
                             f"expected {self.args.commits}")
        return t.seconds

    def cold_ingest_all(self) -> tuple[float, list[float]]:
        if self.cold_all is None:
            self.log("cold ingest --all")
            self.cold_all, self.cold_all_runs = self.best(lambda: self.ingest_once(self.all_db, all_=True))
            self.all_db_ready = True
        return self.cold_all, self.cold_all_runs

    def ensure_all_db(self) -> Path:
        if not self.all_db_ready:
            self.cold_ingest_all()
        return self.all_db

    def ensure_big(self, lines: int) -> tuple[Path, str, Path]:
        if lines not in self.big:
            info = synth.build_big_diff(self.cache, lines, self.args.seed)
            db = self.work / f"bigdiff-{lines}.db"
            remove_db(db)
            run(triage_cmd("ingest", "--repo", str(info.path), "--db", str(db)), self.env)
            change = f"git:{info.path.name[:-4]}:{info.head}"
            self.big[lines] = (info.path, change, db)
        return self.big[lines]

    def probe(self, mode: str, db: Path, repo: Path | None, change: str | None = None, *extra: str) -> dict:
        cmd = [sys.executable, "-m", "triage.bench.tui_probe", mode, "--db", str(db), *extra]
        if repo is not None:
            cmd += ["--repo", str(repo)]
        if change:
            cmd += ["--change", change]
        t = run(cmd, self.env, capture=True, check=False)
        try:
            return json.loads(t.stdout.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            err = t.stderr.decode("utf-8", "replace").strip().splitlines()
            return {"ok": False, "reason": f"the probe exited {t.returncode}: {err[-1] if err else 'no output'}"}

    def require_app(self) -> None:
        """Raise :class:`_Unavailable` (once checked, cheaply) when the app cannot be probed."""
        if self.app_check is None:
            self.app_check = self.probe("check", self.work / "check.db", None)
        if not self.app_check.get("ok"):
            raise _Unavailable(self.app_check.get("reason", "unknown"))

    def best_probe(self, mode: str, db: Path, repo: Path | None, change: str | None, key: str, *extra: str):
        """Best-of-k of a probe's ``key`` timing; returns (best, runs, last result)."""
        results: list[dict] = []

        def once() -> float:
            r = self.probe(mode, db, repo, change, *extra)
            results.append(r)
            if not r.get("ok"):
                raise _Unavailable(r.get("reason", "unknown"))
            return float(r[key])

        best, runs = self.best(once)
        return best, runs, results

    # ----------------------------------------------- other repositories

    def subject(self, kind: str) -> Subject:
        """The real-code history (``real``) or ``--repo`` (``repo``), with its commits counted."""
        if kind not in self.subjects:
            if kind == "real":
                self.log(f"real-code repository: {self.args.real_commits} commits (seed {self.args.seed})")
                try:
                    info = realsrc.build(self.cache, self.args.real_commits, self.args.seed)
                except RuntimeError as exc:
                    raise _Unavailable(str(exc)) from None
                self.log(f"  {'reused' if info.reused else f'built in {info.seconds:.1f}s'}: {info.path}")
                subj = Subject(info.path, "main")
            else:
                if not self.args.repo:
                    raise _Unavailable("no --repo PATH given")
                subj = Subject(Path(self.args.repo).resolve(), self.args.range or "HEAD", self.args.range)
            self.git = self.git or shutil.which("git")
            count = run([*self._git_at(subj.path), "rev-list", "--count", subj.rev], self.env, capture=True)
            subj.commits = int(count.stdout.decode().strip() or 0)
            self.subjects[kind] = subj
        return self.subjects[kind]

    def _git_at(self, path: Path) -> list[str]:
        if not self.git:
            raise BenchError("git is not installed: the baselines need it")
        return [self.git, "-C", str(path), "-c", "core.pager=cat"]

    def subject_log_p(self, kind: str) -> tuple[float, list[float]]:
        subj = self.subject(kind)
        return self.baseline(f"git log -p {kind}", [*self._git_at(subj.path), "log", "-p", "--no-merges",
                                                      "--no-color", subj.rev])

    def _ingest_cmd(self, subj: Subject, db: Path, all_: bool) -> list[str]:
        return triage_cmd("ingest", "--repo", str(subj.path), "--db", str(db), *(["--all"] if all_ else []),
                          *(["--range", subj.rng] if subj.rng else []))

    def subject_ingest(self, kind: str, row: Row, *, all_: bool) -> None:
        """A cold ingest of a subject, its CPU time and peak memory in the row's note."""
        subj = self.subject(kind)
        db = self.work / f"{kind}-{'all' if all_ else 'ai'}.db"
        last: list = []

        def once() -> float:
            remove_db(db)
            t = run(self._ingest_cmd(subj, db, all_), self.env, capture=True, monitor=True)
            m = re.search(rb"(\d+) analysed", t.stdout)
            analysed = int(m.group(1)) if m else -1
            if all_ and analysed != subj.commits:
                raise BenchError(f"ingest --all analysed {analysed} commits, expected {subj.commits}")
            last[:] = [t, analysed]
            return t.seconds

        row.ours, row.runs["ours"] = self.best(once)
        row.baseline, row.runs["baseline"] = self.subject_log_p(kind)
        t, analysed = last
        if all_:
            self.cold[kind] = (row.ours, row.runs["ours"])
        row.note = _usage_note(t, analysed)
        row.runs["cpu"] = t.cpu
        row.runs["peak_rss_mb"] = None if t.peak_rss is None else t.peak_rss / 2**20
        row.runs["analysed"] = analysed

    def subject_warm(self, kind: str, row: Row) -> None:
        if kind not in self.cold:
            self.subject_ingest(kind, self.row(f"{kind}-ingest-all"), all_=True)
        subj = self.subject(kind)
        cmd = self._ingest_cmd(subj, self.work / f"{kind}-all.db", True)
        self.log(f"{kind}: warm re-ingest")
        row.ours, row.runs["ours"] = self.best(lambda: run(cmd, self.env).seconds)
        row.baseline, row.runs["baseline"] = self.cold[kind]

    def subject_diff(self, kind: str, row: Row, *flags: str) -> None:
        subj = self.subject(kind)
        cmd = [sys.executable, "-m", "triage.bench.diff_floor", *flags, str(subj.path),
               *(["--range", subj.rng] if subj.rng else [])]

        def once() -> float:
            out = run(cmd, self.env, capture=True)
            got = json.loads(out.stdout.decode().strip().splitlines()[-1])
            row.note = f"{got['commits']:,} commits (merges left out, as git log --no-merges does)"
            return float(got["seconds"])

        row.ours, row.runs["ours"] = self.best(once)
        row.baseline, row.runs["baseline"] = self.subject_log_p(kind)

    def m_real_ingest_all(self, row: Row) -> None:
        self.log("real code: cold ingest --all")
        self.subject_ingest("real", row, all_=True)

    def m_real_ingest_ai(self, row: Row) -> None:
        self.log("real code: cold ingest (AI only)")
        self.subject_ingest("real", row, all_=False)

    def m_real_reingest_warm(self, row: Row) -> None:
        self.subject_warm("real", row)

    def m_real_diff_libgit2(self, row: Row) -> None:
        self.log("real code: the diff step, libgit2")
        self.subject_diff("real", row)

    def m_real_diff_git(self, row: Row) -> None:
        self.log("real code: the diff step, git diff-tree")
        self.subject_diff("real", row, "--git")

    def m_repo_ingest_all(self, row: Row) -> None:
        self.log(f"{self.args.repo}: cold ingest --all")
        self.subject_ingest("repo", row, all_=True)

    def m_repo_ingest_ai(self, row: Row) -> None:
        self.log(f"{self.args.repo}: cold ingest (AI only)")
        self.subject_ingest("repo", row, all_=False)

    def m_repo_reingest_warm(self, row: Row) -> None:
        self.subject_warm("repo", row)

    def m_repo_diff_libgit2(self, row: Row) -> None:
        self.subject_diff("repo", row)

    def m_repo_diff_git(self, row: Row) -> None:
        self.subject_diff("repo", row, "--git")

    # ------------------------------------------------------- measurements

    def m_ingest_all(self, row: Row) -> None:
        row.ours, row.runs["ours"] = self.cold_ingest_all()
        row.baseline, row.runs["baseline"] = self.git_log_p()

    def m_ingest_ai(self, row: Row) -> None:
        self.log("cold ingest (AI only)")
        db = self.work / "ai.db"
        row.ours, row.runs["ours"] = self.best(lambda: self.ingest_once(db, all_=False))
        row.baseline, row.runs["baseline"] = self.git_log_p()

    def _floor(self, row: Row, *flags: str) -> None:
        cmd = [sys.executable, "-m", "triage.bench.diff_floor", *flags, str(self.ensure_repo())]

        def once() -> float:
            out = run(cmd, self.env, capture=True)
            return float(json.loads(out.stdout.decode().strip().splitlines()[-1])["seconds"])

        row.ours, row.runs["ours"] = self.best(once)
        row.baseline, row.runs["baseline"] = self.git_log_p()

    def m_diff_floor(self, row: Row) -> None:
        self.log("diff step alone")
        self._floor(row)
        row.note = "libgit2 tree diffs, rename detection and patch parsing, before any rule runs"

    def m_libgit2_floor(self, row: Row) -> None:
        self.log("libgit2's diff alone")
        self._floor(row, "--libgit2")
        row.note = "the same diffs and patch texts from libgit2, with no Python parsing: the floor under pygit2"

    def _room(self, row: Row, target_row: str) -> str:
        """How much of ``target_row``'s target is left once ``row`` (a floor) is paid."""
        target = MEASUREMENTS[target_row][2]
        if row.ratio is None or target is None:
            return ""
        left = target - row.ratio
        return (f"{left:.2g}× of the {target:g}× target is left for every rule" if left > 0
                else f"already {-left:.2g}× over the {target:g}× target before any rule runs")

    def m_libgit2_floor_par(self, row: Row) -> None:
        self.log(f"libgit2's diff alone, {self.cores} processes")
        self._floor(row, "--libgit2", "--workers", str(self.cores))
        row.note = f"the floor under `ingest --all` on this machine: {self._room(row, 'ingest-all')}"

    def m_libgit2_floor_ai(self, row: Row) -> None:
        self.log(f"AI-only floor, {self.cores} processes")
        self._floor(row, "--libgit2", "--ai", "--workers", str(self.cores))
        row.note = (f"an AI-only ingest with no rules and no Python diff parsing: "
                    f"{self._room(row, 'ingest-ai')}")

    def m_reingest_warm(self, row: Row) -> None:
        cold, cold_runs = self.cold_ingest_all()
        self.log("warm re-ingest")
        cmd = triage_cmd("ingest", "--repo", str(self.ensure_repo()), "--db", str(self.all_db), "--all")
        row.ours, row.runs["ours"] = self.best(lambda: run(cmd, self.env).seconds)
        row.baseline, row.runs["baseline"] = cold, cold_runs

    def m_queue_json(self, row: Row) -> None:
        db = self.ensure_all_db()
        cmd = triage_cmd("queue", "--db", str(db), "--json", "--all")
        out = run(cmd, self.env, capture=True)
        items = len(json.loads(out.stdout))
        if items != self.args.commits:
            row.note = f"{items} items listed, expected {self.args.commits}"
        self.log("queue --json")
        row.ours, row.runs["ours"] = self.best(lambda: run(cmd, self.env).seconds)
        row.baseline, row.runs["baseline"] = self.git_oneline()

    def _queue_probe(self, row: Row, key: str) -> dict:
        self.require_app()
        db = self.ensure_all_db()
        row.ours, row.runs["ours"], results = self.best_probe("queue", db, self.ensure_repo(), None, key, "--all",
                                                              "--expect", str(min(self.args.commits, QUEUE_SCREEN)))
        row.baseline, row.runs["baseline"] = self.git_oneline()
        return results[-1]

    def m_tui_queue_paint(self, row: Row) -> None:
        self.log("app: queue first paint")
        r = self._queue_probe(row, "first_paint_s")
        row.note = (f"{r.get('queue_rows')} of {r.get('queue_items')} rows added at first; "
                    f"importing the app {r.get('import_s', 0):.2f}s")

    def m_tui_queue_end(self, row: Row) -> None:
        self.log("app: queue G to the last change")
        r = self._queue_probe(row, "end_s")
        row.note = f"cursor on row {r.get('queue_items')}, every row added"

    def _review(self, row: Row, key: str) -> dict:
        self.require_app()
        repo, change, db = self.ensure_big(self.args.diff_lines)
        best, runs, results = self.best_probe("review", db, repo, change, key)
        row.ours, row.runs["ours"] = best, runs
        show = [self.git, "-C", str(repo), "-c", "core.pager=cat", "show", "--no-color", change.rsplit(":", 1)[1]]
        if not self.git:
            raise BenchError("git is not installed: the baselines need it")
        row.baseline, row.runs["baseline"] = self.baseline(f"git show {self.args.diff_lines}", show)
        return results[-1]

    def m_tui_review_paint(self, row: Row) -> None:
        self.log("app: review first paint")
        r = self._review(row, "first_paint_s")
        row.note = f"{r.get('diff_rows')} diff rows"

    def m_tui_review_scroll(self, row: Row) -> None:
        self.log("app: review scroll to end")
        self._review(row, "scroll_end_s")

    def m_tui_review_rss(self, row: Row) -> None:
        self.log("app: peak RSS")
        row.unit = "MB"
        self.require_app()
        rss = {}
        for lines in (self.args.diff_lines, self.args.small_diff_lines):
            repo, change, db = self.ensure_big(lines)
            r = self.probe("review", db, repo, change)
            if not r.get("ok"):
                raise _Unavailable(r.get("reason", "unknown"))
            rss[lines] = r["maxrss_kb"] / 1024
        row.ours, row.baseline = rss[self.args.diff_lines], rss[self.args.small_diff_lines]
        row.runs = {"ours": [row.ours], "baseline": [row.baseline]}

    def measure(self, name: str) -> Row:
        row = self.row(name)
        try:
            getattr(self, "m_" + name.replace("-", "_"))(row)
            row.label, row.baseline_label = self.row(name).label, self.row(name).baseline_label  # counts now known
        except _Unavailable as exc:
            row.ours = row.baseline = None
            row.note = f"not available: {exc}"
        except BenchError as exc:
            row.ours = row.baseline = None
            row.note = f"failed: {exc}"
        return row


class _Unavailable(Exception):
    pass


def _usage_note(t, analysed: int) -> str:
    """What a monitored ingest cost: CPU in every process, per analysed commit, and peak memory."""
    if t.cpu is None:
        return f"{analysed:,} analysed"
    per = f", {1000 * t.cpu / analysed:.1f} ms per analysed commit" if analysed > 0 else ""
    rss = f"; peak RSS {t.peak_rss / 2**20:.0f} MB over all processes" if t.peak_rss else ""
    return f"{analysed:,} analysed; CPU {t.cpu:.1f}s over all processes{per}{rss}"


# ---------------------------------------------------------------- report


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.3f}s" if value < 10 else f"{value:.1f}s"


def render_table(rows: list[Row]) -> str:
    """The report as a fixed-width text table."""
    head = ("measurement", "ours", "baseline", "ratio", "target", "met")
    body = []
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.3g}×"
        target = "—" if r.target is None else f"≤ {r.target:g}×"
        met = {True: "met", False: "NOT MET", None: "—"}[r.met]
        body.append((r.label, _num(r.ours, r.unit), f"{_num(r.baseline, r.unit)} ({r.baseline_label})", ratio,
                     target, met))
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(head), line(tuple("-" * w for w in widths))]
    for r, cells in zip(rows, body):
        out.append(line(cells))
        if r.note:
            out.append("    " + r.note)
    return "\n".join(out)


def _machine() -> dict:
    git = shutil.which("git")
    gv = subprocess.run([git, "--version"], capture_output=True, text=True).stdout.strip() if git else None
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "git": gv}


def select(only: list[str] | None, repo: str | None = None) -> list[str]:
    """The measurement names matching ``--only`` (names or shell patterns, comma-separated).

    By default: every row but the ``repo-*`` ones, or, with ``--repo``, only those."""
    if not only:
        return [n for n in MEASUREMENTS if n.startswith("repo-") == bool(repo)]
    pats = [p.strip() for o in only for p in o.split(",") if p.strip()]
    names = [n for n in MEASUREMENTS if any(fnmatch.fnmatch(n, p) for p in pats)]
    unknown = [p for p in pats if not any(fnmatch.fnmatch(n, p) for n in MEASUREMENTS)]
    if unknown:
        raise SystemExit(f"triage.bench: error: unknown measurement {unknown[0]!r}; "
                         f"choose from {', '.join(MEASUREMENTS)}")
    return names


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The benchmark's options."""
    p = argparse.ArgumentParser(prog="python -m triage.bench",
                                description="Time triage against git on a synthetic repository.")
    p.add_argument("--commits", type=int, default=10_000, metavar="N", help="commits in the repository (10000)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    p.add_argument("--repeat", type=int, default=3, metavar="K", help="best of K for short measurements (3)")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="only these measurements (names or patterns, comma-separated; repeatable)")
    p.add_argument("--keep", metavar="DIR",
                   help="build the repositories and keep every database in DIR (default: repositories in the "
                        "user cache dir, databases in a temporary dir)")
    p.add_argument("--diff-lines", type=int, default=50_000, metavar="L", help="lines of the big diff (50000)")
    p.add_argument("--small-diff-lines", type=int, default=5_000, metavar="L",
                   help="lines of the diff the big one's memory is compared with (5000)")
    p.add_argument("--real-commits", type=int, default=2_000, metavar="N",
                   help="commits in the real-code history of installed packages' files (2000)")
    p.add_argument("--repo", metavar="PATH",
                   help="time ingest on this local repository instead (the repo-* rows), against git log -p")
    p.add_argument("--range", metavar="A..B", help="with --repo: only these commits (ingest --range, git log A..B)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--list", action="store_true", help="list the measurements and exit")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = p.parse_args(argv)
    if args.commits < 10 or args.real_commits < 10:
        p.error("--commits and --real-commits must be at least 10")
    if args.range and not args.repo:
        p.error("--range needs --repo")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table (or JSON); exit 0 unless a measurement failed."""
    args = parse_args(argv)
    if args.list:
        for name, (label, base, target) in MEASUREMENTS.items():
            t = f"≤ {target:g}×" if target is not None else "no target"
            fill = dict(n="N", items="N", big="L", small="l", cores="C", real="N", repo="PATH", repo_n="N")
            print(f"{name:<18} {label.format(**fill)} vs {base.format(**fill)}; {t}")
        return 0
    names = select(args.only, args.repo)
    log = (lambda msg: None) if args.quiet else (lambda msg: print(f"[bench] {msg}", file=sys.stderr, flush=True))
    tmp = None
    if args.keep:
        cache = Path(args.keep).resolve()
        work = cache / "work"
    else:
        import platformdirs

        cache = Path(platformdirs.user_cache_dir("triage", appauthor=False)) / "bench"
        tmp = tempfile.mkdtemp(prefix="triage-bench-")
        work = Path(tmp)
    work.mkdir(parents=True, exist_ok=True)
    try:
        bench = Bench(args, cache, work, log)
        rows = [bench.measure(n) for n in names]
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps({"commits": args.commits, "seed": args.seed, "repeat": args.repeat,
                          "repository": str(bench.repo) if bench.repo else None, "machine": _machine(),
                          "subjects": {k: {"path": str(v.path), "rev": v.rev, "commits": v.commits}
                                       for k, v in bench.subjects.items()},
                          "rows": [r.to_json() for r in rows]}, indent=2))
    else:
        print(f"triage bench: {args.commits:,} commits (seed {args.seed}), best of {args.repeat} for runs "
              f"under 20s; {_machine()['cpus']} CPUs, {_machine()['git']}")
        for kind, subj in bench.subjects.items():
            print(f"{SUBJECT_ROWS[kind]}: {subj.path} ({subj.rev}, {subj.commits:,} commits)")
        print(render_table(rows))
    return 1 if any(r.note.startswith("failed:") for r in rows) else 0
