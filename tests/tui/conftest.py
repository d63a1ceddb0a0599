"""Fixtures for the TUI tests: the demo database (built once, copied per test), a fixed clock, no blinking."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tui_helpers import DEMO_SECRET, NOW, FakeMonotonic


@pytest.fixture(scope="session")
def tui_demo_build(tmp_path_factory) -> tuple[Path, Path]:
    """The demo repository and its ingested database (``--all``), built once per session."""
    from triage.demo import build
    from triage.ingest import ingest
    from triage.store import Store

    root = tmp_path_factory.mktemp("tui-demo")
    repo = build(root / "shopapi")
    db = root / "demo.db"
    with Store(db) as store:
        ingest(store, repo, include_all=True, secret=DEMO_SECRET)
    return repo, db


@pytest.fixture
def demo_db(tui_demo_build, tmp_path) -> Path:
    """A private copy of the demo database."""
    _, db = tui_demo_build
    copy = tmp_path / "demo.db"
    shutil.copyfile(db, copy)
    return copy


@pytest.fixture
def demo_repo(tui_demo_build) -> Path:
    """The shared demo repository (read-only in tests)."""
    return tui_demo_build[0]


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch):
    """Stop cursor blinking so screenshots are deterministic."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def make_demo_app(demo_db, demo_repo):
    """Build the app on the demo copy with a fixed clock, reviewer and theme."""
    from tui.app import make_app

    def factory(db: Path | None = None, **options):
        options.setdefault("reviewer", "reviewer")
        options.setdefault("monotonic", FakeMonotonic())
        options.setdefault("demo", True)
        return make_app(db or demo_db, demo_repo, now=NOW, **options)

    return factory
