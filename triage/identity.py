"""Provides who the reviewer is, and where that name comes from.

Verdicts, checklist answers, viewed marks and the Queue's "mine" filter are
kept under the reviewer's name: ``TRIAGE_REVIEWER`` when it is set, else the
login name. The app says which, once, and shows the name in the Queue's title.
"""

from __future__ import annotations

import getpass
import os

__all__ = ["ENV", "reviewer_identity", "reviewer_known"]

ENV = "TRIAGE_REVIEWER"
"""The environment variable that names the reviewer."""


def reviewer_identity() -> tuple[str, str]:
    """``(name, where it comes from)``: ``TRIAGE_REVIEWER``, else the login name."""
    env = (os.environ.get(ENV) or "").strip()
    if env:
        return env, ENV
    try:
        return getpass.getuser(), "your login name"
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        return "reviewer", f"a fallback: there is no login name and {ENV} is not set"


def reviewer_known(store, name: str) -> bool:
    """True once ``name`` has left anything in ``store`` (a verdict, an answer, a viewed mark, review time)."""
    return store.reviewer_known(name)
