"""Helpers for the reliability tests: run the real CLI in a subprocess, kill it, check the database.

Killing uses the process group the child was started in (``start_new_session``),
so ingest's analysis workers die with it; only processes these helpers started
are ever signalled.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import pty
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PROGRESS = re.compile(rb"(\d+)/(\d+)(?:\x1b\[[0-9;]*m)* commits")
"""The ingest progress bar's count (Rich draws it on stderr once an ingest has run for a second)."""


def triage_argv(*args: str) -> list[str]:
    """The real ``triage`` command (``python -m triage``), run by this interpreter."""
    return [sys.executable, "-m", "triage", *args]


def helper_argv(script: str, *args: str) -> list[str]:
    """A helper script of this directory, run by this interpreter."""
    return [sys.executable, str(HERE / script), *args]


_HOME: str | None = None


def child_env(**extra: str) -> dict[str, str]:
    """An environment for a child: isolated user dirs, a fixed sampling secret, plus ``extra``.

    The isolation is set here, not inherited, so module-scoped fixtures (which
    run before the autouse per-test isolation) never touch the real user's files.
    """
    global _HOME
    if _HOME is None:
        _HOME = tempfile.mkdtemp(prefix="triage-test-home-")
        atexit.register(shutil.rmtree, _HOME, True)
    env = dict(os.environ)
    for var in ("TRIAGE_DB", "TRIAGE_CONFIG"):
        env.pop(var, None)
    env.update(HOME=_HOME, XDG_CONFIG_HOME=os.path.join(_HOME, "config"), XDG_DATA_HOME=os.path.join(_HOME, "data"),
               XDG_CACHE_HOME=os.path.join(_HOME, "cache"), TRIAGE_SAMPLING_SECRET="test-sampling-secret",
               TRIAGE_REVIEWER="tester")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


class Child:
    """A subprocess in its own session; stdout piped, stderr on a pty (so the CLI shows progress)."""

    def __init__(self, argv: list[str], *, env: dict[str, str] | None = None, progress: bool = False):
        self.progress_seen: list[int] = []
        self.total: int | None = None
        self.stderr = bytearray()
        self._cond = threading.Condition()
        self._master = None
        stderr = subprocess.PIPE
        slave = None
        if progress:
            self._master, slave = pty.openpty()
            stderr = slave
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                                     env=env or child_env(), start_new_session=True, cwd=ROOT)
        if slave is not None:
            os.close(slave)
            self._reader = threading.Thread(target=self._read_pty, daemon=True)
        else:
            self._reader = threading.Thread(target=self._read_pipe, daemon=True)
        self._reader.start()

    def _note(self, chunk: bytes) -> None:
        with self._cond:
            self.stderr.extend(chunk)
            for m in PROGRESS.finditer(chunk):
                self.progress_seen.append(int(m.group(1)))
                self.total = int(m.group(2))
            self._cond.notify_all()

    def _read_pty(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:
                break
            if not chunk:
                break
            self._note(chunk)
        with self._cond:
            self._cond.notify_all()

    def _read_pipe(self) -> None:
        for chunk in iter(lambda: self.proc.stderr.read1(65536), b""):
            self._note(chunk)
        with self._cond:
            self._cond.notify_all()

    def wait_progress(self, at_least: int, timeout: float = 120.0) -> bool:
        """Wait until progress reached ``at_least`` (False if the process ended first)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (self.progress_seen and self.progress_seen[-1] >= at_least):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    return False
                self._cond.wait(0.05)
        return True

    def first_progress(self, timeout: float = 120.0) -> int | None:
        """The first progress count printed (commits already stored before this run)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.progress_seen:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    return None
                self._cond.wait(0.05)
            return self.progress_seen[0]

    def kill(self) -> bool:
        """SIGKILL the child and its process group; True if it was still running."""
        alive = self.proc.poll() is None
        if alive:
            os.kill(self.proc.pid, signal.SIGKILL)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # analysis workers, forkserver
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        return alive

    def finish(self, timeout: float = 300.0) -> tuple[int, bytes, bytes]:
        """Wait for the child; return ``(returncode, stdout, stderr)``."""
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        self._reader.join(timeout=5)
        if self._master is not None:
            os.close(self._master)
            self._master = None
        return self.proc.returncode, out or b"", bytes(self.stderr)

    def close(self) -> None:
        """Release the pty and pipes."""
        if self.proc.poll() is None:
            self.kill()
        self.finish()


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300.0) -> subprocess.CompletedProcess:
    """Run ``triage ARGS`` to completion, output captured as bytes."""
    return subprocess.run(triage_argv(*args), capture_output=True, env=env or child_env(), timeout=timeout,
                          stdin=subprocess.DEVNULL, cwd=ROOT)


def unshare_helper(*args: str) -> dict:
    """Run ``helpers_fs_faults.py ARGS`` in a private mount namespace; its JSON result (skips the
    test, with the reason, where the OS cannot make the namespace or the mounts)."""
    import json

    import pytest

    if os.geteuid() != 0:
        pytest.skip("mount namespaces need root here")
    unshare = shutil.which("unshare")
    if not unshare:
        pytest.skip("unshare(1) is not installed")
    p = subprocess.run([unshare, "--mount", "--propagation", "private", sys.executable,
                        str(HERE / "helpers_fs_faults.py"), *args], capture_output=True, env=child_env(), timeout=300)
    text = p.stdout.decode("utf-8", "replace").strip()
    if p.returncode != 0 and not text:
        pytest.skip(f"cannot make a private mount namespace: {p.stderr.decode('utf-8', 'replace').strip()[-200:]}")
    result = json.loads(text.splitlines()[-1])
    if "skip" in result:
        pytest.skip(result["skip"])
    return result


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` on a fresh plain connection (no triage code involved)."""
    conn = sqlite3.connect(str(db), timeout=30)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def change_snapshot(db: Path) -> dict[str, dict]:
    """change id -> what must match a clean ingest: sha, flags, tier, score, counts, findings."""
    conn = sqlite3.connect(str(db), timeout=30)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'changes'").fetchone():
            return {}
        out: dict[str, dict] = {}
        for cid, sha, analyzed, tier, score, n_findings, n_files, added, deleted in conn.execute(
                "SELECT id, sha, analyzed, tier, score, n_findings, n_files, added, deleted FROM changes"):
            out[cid] = {"sha": sha, "analyzed": analyzed, "tier": tier, "score": score, "n_findings": n_findings,
                        "n_files": n_files, "added": added, "deleted": deleted, "findings": Counter()}
        for row in conn.execute("SELECT change_id, rule, severity, path, line, message, question, suppressed "
                                "FROM findings"):
            cid = row[0]
            assert cid in out, f"finding of a change that is not stored: {cid}"
            out[cid]["findings"][row[1:]] += 1
        return out
    finally:
        conn.close()


STABLE = ("sha", "n_files", "added", "deleted")
"""What a killed ingest's rows must share with a clean ingest's. (Findings, tier and score
follow the rule catalogue, which may change between two runs while it is being edited;
their completeness is checked inside the database instead.)"""


def assert_changes_complete(snapshot: dict[str, dict], reference: dict[str, dict]) -> None:
    """Every stored change is whole: analysed, all its findings rows present, its diff as a clean ingest's."""
    for cid, got in snapshot.items():
        assert cid in reference, f"stored change {cid} is not a commit of the repository"
        want = reference[cid]
        assert got["analyzed"] == 1, cid
        active = sum(n for key, n in got["findings"].items() if not key[-1])
        assert got["n_findings"] == active, f"{cid}: n_findings {got['n_findings']} but {active} findings rows"
        for key in STABLE:
            assert got[key] == want[key], f"{cid}: {key} differs from a clean ingest"
