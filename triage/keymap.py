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

from triage.config import quietly, trusted_config, user_config_path
from triage.errors import TriageError
from triage.schema import shown


def user_keymap() -> dict[str, str]:
    """Binding id -> comma-separated keys, from the user's config (empty without one)."""
    out: dict[str, str] = {}
    for binding_id, keys in trusted_config(warn=quietly).keymap.items():
        names = [k.strip() for k in keys.split(",") if k.strip()]
        if not names:
            raise TriageError(f"{user_config_path()}: [keymap] {binding_id}: expected keys such as \"x\" or "
                              f"\"x,ctrl+x\", got {shown(keys)}")
        out[binding_id] = ",".join(names)
    return out
