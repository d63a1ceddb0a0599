"""Verdict durability: SIGKILL mid-write loses nothing acknowledged; two writers at once both succeed.

The writer (``tests/helpers_verdict_writer.py``) prints a line only after
``record_verdict`` / ``answer_checklist`` returned, so every printed line is a
write the store acknowledged, and each must be in the database after a
``kill -9`` at a seeded-random moment (reference §4, scenario 31). Two writers
started together, one reopening the store for every write as the app's
verdict worker does, must both finish without "database is locked"
(scenario 32). No wall-clock threshold is asserted.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import threading
import time

import pytest

from gitrepo import RepoBuilder
from helpers_reliability import child_env, helper_argv, integrity
from triage.ingest import ingest
from triage.store import Store

SEED = 31
RUNS = 24

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"


@pytest.fixture
def db(tmp_path):
    """A database holding a handful of analysed changes."""
    b = RepoBuilder(tmp_path / "repo")
    for i in range(6):
        b.commit({f"app/m{i}.py": f"def f{i}(x):\n    return x + {i}\n"}, f"change {i}" + CLAUDE)
    path = tmp_path / "triage.db"
    with Store(path) as s:
        ingest(s, b.path, include_all=True, secret=b"s", workers=1)
    return path


class Writer:
    """A running helper writer whose stdout lines are collected as they arrive."""

    def __init__(self, db, *args: str):
        self.proc = subprocess.Popen(helper_argv("helpers_verdict_writer.py", str(db), *args),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=child_env(), start_new_session=True)
        self.lines: list[str] = []
        self.partial = b""
        self.ready = threading.Event()
        self._t = threading.Thread(target=self._read, daemon=True)
        self._t.start()

    def _read(self) -> None:
        buf = b""
        for chunk in iter(lambda: self.proc.stdout.read1(65536), b""):
            buf += chunk
            *done, buf = buf.split(b"\n")
            for line in done:
                text = line.decode()
                if text == "READY":
                    self.ready.set()
                self.lines.append(text)
        self.partial = buf  # a line cut by the kill is not an acknowledgement
        self.ready.set()

    def go(self) -> None:
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._t.join(timeout=10)

    def wait(self, timeout: float = 300) -> tuple[int, str]:
        self.proc.stdin.close()
        self.proc.wait(timeout=timeout)  # stdout is drained by the reader thread; stderr is small
        self._t.join(timeout=10)
        return self.proc.returncode, self.proc.stderr.read().decode("utf-8", "replace")

    def acked(self, kind: str) -> list[str]:
        return [line[2:] for line in self.lines if line.startswith(kind + " ")]


def _stored(db) -> tuple[set[str], set[str]]:
    conn = sqlite3.connect(str(db), timeout=30)
    try:
        verdicts = {r[0] for r in conn.execute("SELECT id FROM verdicts")}
        notes = {r[0] for r in conn.execute("SELECT note FROM checklist_answers")}
        return verdicts, notes
    finally:
        conn.close()


def test_sigkill_during_verdict_writes_keeps_every_acknowledged_verdict(db):
    rng = random.Random(SEED)
    acked_total = 0
    for run in range(RUNS):
        w = Writer(db, "--tag", f"k{run}", *(["--reopen"] if run % 2 else []))
        assert w.ready.wait(60), "the writer never started"
        time.sleep(rng.uniform(0.0, 0.4))
        w.kill()
        assert not any(line.startswith("E ") for line in w.lines), w.lines
        verdicts, notes = _stored(db)
        missing_v = set(w.acked("V")) - verdicts
        missing_c = set(w.acked("C")) - notes
        assert not missing_v, f"run {run}: acknowledged verdicts lost: {sorted(missing_v)[:3]}"
        assert not missing_c, f"run {run}: acknowledged checklist answers lost: {sorted(missing_c)[:3]}"
        assert integrity(db) == "ok"
        acked_total += len(w.acked("V"))
    assert acked_total > RUNS, "too few writes were acknowledged before the kills to test anything"
    with Store(db) as s:  # the store still opens, migrates nothing, and takes a new verdict
        assert s.integrity_ok()
        cid = s.query("SELECT id FROM changes LIMIT 1")[0]["id"]
        vid = s.record_verdict(cid, "approve", reviewer="after")
        assert vid in {v["id"] for v in s.verdicts_for(cid)}


def test_two_writers_at_once_both_succeed_without_database_locked(db):
    count = 120
    a = Writer(db, "--tag", "A", "--count", str(count), "--wait-go")
    b = Writer(db, "--tag", "B", "--count", str(count), "--wait-go", "--reopen")
    try:
        assert a.ready.wait(60) and b.ready.wait(60)
        a.go()
        b.go()
        (ca, ea), (cb, eb) = a.wait(), b.wait()
    finally:
        for w in (a, b):
            if w.proc.poll() is None:
                w.kill()
    assert (ca, cb) == (0, 0), (a.lines[-3:], ea, b.lines[-3:], eb)
    for w, err in ((a, ea), (b, eb)):
        assert "locked" not in err.lower() and not any("locked" in line for line in w.lines)
        assert len(w.acked("V")) == count and len(w.acked("C")) == count
    conn = sqlite3.connect(str(db))
    try:
        by = dict(conn.execute("SELECT reviewer, count(*) FROM verdicts GROUP BY reviewer").fetchall())
        answers = dict(conn.execute("SELECT reviewer, count(*) FROM checklist_answers GROUP BY reviewer").fetchall())
    finally:
        conn.close()
    assert by == {"A": count, "B": count} and answers == {"A": count, "B": count}
    assert integrity(db) == "ok"
