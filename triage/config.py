"""Provides configuration: shipped defaults, then the user's file, then the repo's.

Layers, later ones win (tables merge key by key; lists replace, except
``provenance.agents``, which extends):

1. ``data/rules.toml`` and ``data/provenance.toml`` (shipped defaults);
2. ``config.toml`` in the user config directory (or ``TRIAGE_CONFIG``);
3. ``.triage.toml`` at the top of the repository under review.
"""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path

from triage.errors import TriageError
from triage.paths import data_file, user_config_dir


def read_toml(path: Path) -> dict:
    """Parse a TOML file, turning any failure into a one-line :class:`TriageError`."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise TriageError(f"config file not found: {path}") from None
    except PermissionError:
        raise TriageError(f"cannot read config file {path}: permission denied") from None
    except IsADirectoryError:
        raise TriageError(f"config path {path} is a directory, not a file") from None
    except tomllib.TOMLDecodeError as exc:
        raise TriageError(f"invalid TOML in {path}: {exc}") from None
    except UnicodeDecodeError:
        raise TriageError(f"config file {path} is not UTF-8") from None


def merge(base: dict, over: dict) -> dict:
    """Deep-merge ``over`` into a copy of ``base``."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if key == "agents" and isinstance(value, list) and isinstance(out.get(key), list):
            known = {a.get("id"): i for i, a in enumerate(out[key])}
            for agent in value:
                if agent.get("id") in known:
                    out[key][known[agent["id"]]] = merge(out[key][known[agent["id"]]], agent)
                else:
                    out[key].append(copy.deepcopy(agent))
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def user_config_path() -> Path:
    """``TRIAGE_CONFIG`` if set, else ``config.toml`` in the user config directory."""
    env = os.environ.get("TRIAGE_CONFIG")
    return Path(env) if env else user_config_dir() / "config.toml"


def load_config(repo_root: Path | str | None = None) -> dict:
    """The effective configuration for a repository (or none)."""
    cfg = read_toml(data_file("rules.toml"))
    cfg["provenance"] = read_toml(data_file("provenance.toml"))
    user = user_config_path()
    if user.exists() or os.environ.get("TRIAGE_CONFIG"):
        cfg = merge(cfg, read_toml(user))
    if repo_root is not None:
        local = Path(repo_root) / ".triage.toml"
        if local.exists():
            cfg = merge(cfg, read_toml(local))
    return cfg
