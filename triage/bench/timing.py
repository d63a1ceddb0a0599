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
        check: bool = True) -> Timed:
    """Run ``cmd``, its output to /dev/null unless ``capture``; time it with a monotonic clock."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.run(list(cmd), env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                          stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if check and proc.returncode != 0:
        err = (proc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise BenchError(f"{' '.join(map(str, cmd[:6]))} … exited {proc.returncode}: "
                         f"{err[-1] if err else 'no error output'}")
    return Timed(seconds, proc.returncode, proc.stdout or b"", proc.stderr or b"")


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
