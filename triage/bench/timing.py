"""Provides the benchmark's clocks: timed subprocesses, best-of-k, and an isolated environment.

Every measurement runs a real program in a subprocess (the ``triage`` CLI, git,
or the TUI probe), so start-up costs count the way a user feels them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

LONG_RUN_S = 20.0
"""A measurement whose first run took longer than this is not repeated."""


@dataclass
class Timed:
    """One timed run of a command."""

    seconds: float
    returncode: int
    stdout: bytes = b""
    stderr: bytes = b""
    cpu: float | None = None
    """CPU seconds (user + system) of the command and every process it started (``monitor``)."""
    peak_rss: int | None = None
    """The largest sum of resident bytes over the command's processes at one time (``monitor``)."""


class TreeMonitor:
    """Samples a process and its descendants from ``/proc`` while it runs.

    A pool worker is not reaped by the command itself (it is a child of the
    forkserver), so ``getrusage`` would miss it; the samples do not. CPU time is
    the last value seen for each process (a process that exits loses at most one
    interval); peak RSS is the largest total over the tree at one sample.
    """

    INTERVAL = 0.05

    def __init__(self, pid: int) -> None:
        import threading

        self.root = pid
        self.cpu: dict[int, float] = {}
        self.peak = 0
        self._tick = os.sysconf("SC_CLK_TCK")
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.available = os.path.isdir(f"/proc/{pid}")
        if self.available:
            self._thread.start()

    def _stat(self, pid: int) -> tuple[int, float, int] | None:
        """(parent pid, CPU seconds, resident bytes) of ``pid``, or None when it is gone."""
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            return None
        fields = raw[raw.rfind(b")") + 2:].split()
        ppid, utime, stime, rss = int(fields[1]), int(fields[11]), int(fields[12]), int(fields[21])
        return ppid, (utime + stime) / self._tick, rss * self._page

    def sample(self) -> None:
        stats = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                st = self._stat(int(name))
                if st is not None:
                    stats[int(name)] = st
        tree = {self.root}
        grew = True
        while grew:
            grew = False
            for pid, (ppid, _c, _r) in stats.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        total = 0
        for pid in tree:
            if pid in stats:
                self.cpu[pid] = stats[pid][1]
                total += stats[pid][2]
        self.peak = max(self.peak, total)

    def _loop(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self.sample()

    def finish(self, rusage) -> tuple[float | None, int | None]:
        """Stop sampling; (CPU seconds, peak resident bytes). ``rusage`` is the root's own,
        from ``wait4``: it counts the root and the children it reaped exactly."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        if not self.available:
            return None, None
        own = rusage.ru_utime + rusage.ru_stime
        others = sum(c for pid, c in self.cpu.items() if pid != self.root)
        return own + others, max(self.peak, rusage.ru_maxrss * 1024)


class BenchError(RuntimeError):
    """A measured program failed; the message says which and why."""


def isolated_env(home: Path) -> dict[str, str]:
    """An environment that keeps triage and git away from the user's files.

    User config, data and the sampling secret go under ``home``; git reads no
    system or global configuration and never pages.
    """
    env = dict(os.environ)
    for var in ("TRIAGE_DB", "TRIAGE_CONFIG", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(var, None)
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        TRIAGE_SAMPLING_SECRET="triage-bench-secret",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_PAGER="cat",
        PAGER="cat",
        LC_ALL=env.get("LC_ALL", "C.UTF-8"),
    )
    return env


def triage_cmd(*args: str) -> list[str]:
    """The real ``triage`` command line, run by this interpreter."""
    return [sys.executable, "-m", "triage", *args]


def run(cmd: Sequence[str], env: dict[str, str], *, capture: bool = False, cwd: Path | None = None,
        check: bool = True, monitor: bool = False) -> Timed:
    """Run ``cmd``, its output to /dev/null unless ``capture``; time it with a monotonic clock.

    ``monitor`` also measures the CPU time and peak memory of the command and every
    process it starts (see :class:`TreeMonitor`); output then goes through files, so
    that the command can be reaped with ``wait4``.
    """
    if monitor:
        return _run_monitored(cmd, env, capture=capture, cwd=cwd, check=check)
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.run(list(cmd), env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                          stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    _check(cmd, check, proc.returncode, proc.stderr)
    return Timed(seconds, proc.returncode, proc.stdout or b"", proc.stderr or b"")


def _check(cmd: Sequence[str], check: bool, returncode: int, stderr: bytes | None) -> None:
    if check and returncode != 0:
        err = (stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise BenchError(f"{' '.join(map(str, cmd[:6]))} … exited {returncode}: "
                         f"{err[-1] if err else 'no error output'}")


def _run_monitored(cmd: Sequence[str], env: dict[str, str], *, capture: bool, cwd: Path | None,
                   check: bool) -> Timed:
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=out if capture else subprocess.DEVNULL, stderr=err)
        mon = TreeMonitor(proc.pid)
        _pid, status, rusage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu, peak = mon.finish(rusage)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    _check(cmd, check, proc.returncode, stderr)
    return Timed(seconds, proc.returncode, stdout, stderr, cpu=cpu, peak_rss=peak)


def best_of(once: Callable[[], float], repeat: int) -> tuple[float, list[float]]:
    """The smallest of up to ``repeat`` runs of ``once`` (which returns seconds).

    A first run longer than :data:`LONG_RUN_S` is kept alone: long runs are
    dominated by work, not by noise, and repeating them costs minutes.
    """
    runs = [once()]
    while len(runs) < max(1, repeat) and runs[0] < LONG_RUN_S:
        runs.append(once())
    return min(runs), runs


def remove_db(path: Path) -> None:
    """Delete a SQLite database and its ``-wal``/``-shm`` companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass
