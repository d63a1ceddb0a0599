"""Provides what every ``triage`` subcommand module shares: output, the ``--db`` path, the store it names."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def out(text: str = "") -> None:
    """Print one line to stdout."""
    sys.stdout.write(text + "\n")


def db_path(args: argparse.Namespace) -> Path | str:
    """``--db``, else ``TRIAGE_DB`` or the user data dir (:func:`triage.paths.default_db_path`);
    a ``postgresql://`` URL stays text (:func:`triage.paths.db_target`)."""
    from triage.paths import db_target, default_db_path

    return db_target(args.db) if getattr(args, "db", None) else default_db_path()


def open_store(args: argparse.Namespace):
    """The store named by ``--db`` / ``TRIAGE_DB`` / the default location (migrated, if it must be,
    under the reviewer's ``[git.ids]``)."""
    from triage.config import reviewer_repo_keys
    from triage.store import Store

    return Store(db_path(args), repo_key=reviewer_repo_keys())
