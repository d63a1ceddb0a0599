"""Provides the ``corpus`` and ``no_spawn`` fixtures of the hostile-input tests (import them into a test module)."""

from __future__ import annotations

import importlib

import pytest

from helpers_reliability import child_env, run_cli
from hostile.builder import assert_no_marker, build_hostile_repo


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """``(HostileRepo, db)``: the corpus and a database holding it, ingested (``--all``) by the real CLI."""
    root = tmp_path_factory.mktemp("hostile")
    repo = build_hostile_repo(root / "repo", root / "TRAP-RAN")
    db = root / "hostile.db"
    p = run_cli("ingest", "--repo", str(repo.path), "--db", str(db), "--all", env=child_env())
    assert p.returncode == 0, p.stderr
    yield repo, db
    assert_no_marker(repo.marker)


SPAWNERS = [("subprocess", "Popen"), ("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "execve"),
            ("os", "execvp"), ("os", "execvpe"), ("os", "execl"), ("os", "execlp"), ("os", "spawnv"),
            ("os", "spawnvp"), ("os", "posix_spawn"), ("os", "posix_spawnp"), ("os", "fork"), ("os", "forkpty"),
            ("pty", "fork"), ("_posixsubprocess", "fork_exec")]


@pytest.fixture
def no_spawn(monkeypatch):
    """Make every way of starting a program fail, and remember who tried."""
    attempts: list[str] = []
    for mod_name, attr in SPAWNERS:
        mod = importlib.import_module(mod_name)
        if not hasattr(mod, attr):
            continue

        def refuse(*args, _name=f"{mod_name}.{attr}", **kwargs):
            attempts.append(_name)
            raise AssertionError(f"{_name} called while reading an untrusted repository")

        monkeypatch.setattr(mod, attr, refuse)
    return attempts
