"""Provides the data files the rules read: lexicons, secret patterns, call lists.

Rule data lives under ``data/rules/*.toml`` (and the import-name map in
``data/import_map.toml``) so that lists can grow without code changes. Each file
is parsed once per process.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

try:  # the lead keeps the shipped-data location in one place
    from triage.paths import DATA_DIR as _DATA_DIR
except Exception:  # noqa: BLE001 - paths.py may be absent or fail to import
    _DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def data_dir() -> Path:
    """The shipped ``data/`` directory."""
    return Path(_DATA_DIR)


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The TOML file ``data/rules/<name>.toml`` (or ``data/<name>.toml``), parsed."""
    for p in (data_dir() / "rules" / f"{name}.toml", data_dir() / f"{name}.toml"):
        if p.is_file():
            with p.open("rb") as fh:
                return tomllib.load(fh)
    return {}
