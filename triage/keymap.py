"""Provides the user's key remapping: the ``[keymap]`` table of their own config file.

Every key binding of the app has an id (``queue.open``, ``review.viewed``...,
listed on the help screen); ``[keymap]`` maps ids to the keys to use instead::

    [keymap]
    "review.viewed" = "x"
    "app.stats" = "ctrl+t"

Only the user's ``config.toml`` (or the file ``TRIAGE_CONFIG`` names) is read,
never a repository's ``.triage.toml``: a repository under review must not be able
to move the keys that record a verdict.
"""

from __future__ import annotations

import os

from triage.config import read_toml, user_config_path
from triage.errors import TriageError


def user_keymap() -> dict[str, str]:
    """Binding id -> comma-separated keys, from the user's config (empty without one)."""
    path = user_config_path()
    if not path.exists() and not os.environ.get("TRIAGE_CONFIG"):
        return {}
    table = read_toml(path).get("keymap", {})
    if not isinstance(table, dict):
        raise TriageError(f"[keymap] in {path} must be a table of binding id = \"keys\"")
    out: dict[str, str] = {}
    for binding_id, keys in table.items():
        names = [k.strip() for k in keys.split(",") if k.strip()] if isinstance(keys, str) else []
        if not names:
            raise TriageError(f"[keymap] {binding_id!r} in {path}: keys must be a string such as \"x\" or "
                              "\"x,ctrl+x\"")
        out[str(binding_id)] = ",".join(names)
    return out
