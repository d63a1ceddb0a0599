"""Provides the data files the rules read: lexicons, secret patterns, call lists.

Rule data lives under ``data/rules/*.toml`` (and the import-name map in
``data/import_map.toml``) so that lists can grow without code changes. Each file
is parsed once per process.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache

from triage.paths import data_file


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The TOML file ``data/rules/<name>.toml`` (or ``data/<name>.toml``), parsed."""
    for p in (data_file(f"rules/{name}.toml"), data_file(f"{name}.toml")):
        if p.is_file():
            with p.open("rb") as fh:
                return tomllib.load(fh)
    return {}
