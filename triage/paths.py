"""Provides where triage keeps its data, configuration and defaults."""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

APP = "triage"

DATA_DIR: Traversable = files("triage.data")
"""The shipped defaults (rules, checklists, provenance patterns, demo spec): the
top-level ``data/`` folder, installed as the package ``triage.data``."""


def data_file(name: str) -> Traversable:
    """A file under the shipped defaults, e.g. ``data_file("demo/spec.toml")``."""
    return DATA_DIR.joinpath(*name.split("/"))


def user_data_dir() -> Path:
    """The per-user data directory (databases, the demo repository)."""
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def user_config_dir() -> Path:
    """The per-user configuration directory (``config.toml``, the sampling secret)."""
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def db_target(text: str) -> Path | str:
    """A ``--db`` / ``TRIAGE_DB`` value: a database URL (``postgresql://…``) stays text, anything else is a path."""
    return text if "://" in text else Path(text)


def default_db_path() -> Path | str:
    """``TRIAGE_DB`` if set (a path or a ``postgresql://`` URL), else ``triage.db`` in the user data directory."""
    env = os.environ.get("TRIAGE_DB")
    if env:
        return db_target(env)
    return user_data_dir() / "triage.db"


def default_demo_dir() -> Path:
    """Where ``triage demo`` builds its repository and database by default."""
    return user_data_dir() / "demo"
