"""Provides configuration: shipped defaults, the reviewer's own file, and what a repository may add.

Layers, later ones win:

1. ``data/rules.toml`` and ``data/provenance.toml`` (shipped defaults);
2. ``config.toml`` in the user config directory (or ``TRIAGE_CONFIG``): the
   reviewer's own file, which may set every table. Tables merge key by key and
   lists replace, except ``provenance.agents`` (extended by ``id``) and
   ``risk.paths`` (extended by ``category``, or replaced with
   ``risk.paths_replace = true``);
3. ``.triage.toml`` of the repository, read through pygit2 from a *trusted
   revision* (``[trust] ref`` in the reviewer's config, else the remote's
   default branch ``refs/remotes/origin/HEAD``), never from the working tree.
   It may only add review: new ``[[risk.paths]]`` categories with positive
   points and new ``[[provenance.agents]]`` of kind ``"ai"``. Every other
   table it sets (``gate``, ``rules``, ``risk``, ``sampling``, ``provenance``,
   ``team``, ``keymap``, ``forge``, ``trust``…) is ignored with a warning, and
   :func:`config_for_change` leaves it out when scoring the commit that wrote it.
"""

from __future__ import annotations

import copy
import os
from dataclasses import replace
import re
import sys
import tomllib
from pathlib import Path
from typing import Callable

from triage import schema, settings
from triage.errors import TriageError
from triage.paths import data_file, user_config_dir
from triage.schema import ConfigError
from triage.settings import Config, RepoLayer

REPO_FILE = ".triage.toml"
"""The repository's own configuration file, at the top of its tree."""

REPO_FILE_MAX = 256 * 1024
"""A larger ``.triage.toml`` is not read (a warning says so)."""

DEFAULT_TRUST_REF = "refs/remotes/origin/HEAD"
"""The trusted revision when the reviewer names none: the remote's default branch, as last fetched."""

AGENT_KEYS = frozenset({"id", "name", "kind", "trailer_emails", "trailer_domains", "trailer_keys", "emails",
                        "email_domains", "bot_logins", "branch_prefixes", "footers", "labels", "name_suffixes"})
"""The keys of a ``[[provenance.agents]]`` entry."""

Warn = Callable[[str], None]


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


def merge_paths(base: list, over: list) -> list:
    """``base``'s sensitive-path categories with ``over``'s: a category already there is replaced, a new one added."""
    out = [copy.deepcopy(p) for p in base]
    index = {p.get("category"): i for i, p in enumerate(out)}
    for entry in over:
        cat = entry.get("category")
        if cat in index:
            out[index[cat]] = copy.deepcopy(entry)
        else:
            index[cat] = len(out)
            out.append(copy.deepcopy(entry))
    return out


def merge_user(cfg: dict, user: dict) -> dict:
    """Apply the reviewer's own file: :func:`merge`, except that ``[[risk.paths]]`` adds to the
    defaults (by category) unless ``risk.paths_replace = true`` asks to replace them."""
    risk = user.get("risk")
    if not (isinstance(risk, dict) and isinstance(risk.get("paths"), list)):
        return merge(cfg, user)
    user = {**user, "risk": {k: v for k, v in risk.items() if k != "paths"}}
    out = merge(cfg, user)
    paths = risk["paths"]
    out["risk"]["paths"] = copy.deepcopy(paths) if risk.get("paths_replace") is True \
        else merge_paths(cfg["risk"].get("paths", []), paths)
    return out


def _path_problem(entry: object) -> str | None:
    """Why a ``[[risk.paths]]`` entry cannot be used, or None."""
    if not isinstance(entry, dict):
        return "it is not a table"
    cat, pattern, points = entry.get("category"), entry.get("pattern"), entry.get("points")
    if not isinstance(cat, str) or not cat:
        return "it has no category name"
    if not isinstance(pattern, str):
        return f"category {cat!r} has no pattern"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"category {cat!r}: pattern is not a valid regular expression ({exc})"
    if isinstance(points, bool) or not isinstance(points, (int, float)):
        return f"category {cat!r}: points must be a number"
    return None


def user_config_path() -> Path:
    """``TRIAGE_CONFIG`` if set, else ``config.toml`` in the user config directory."""
    env = os.environ.get("TRIAGE_CONFIG")
    return Path(env) if env else user_config_dir() / "config.toml"


def shipped_defaults() -> dict:
    """``data/rules.toml`` with ``data/provenance.toml`` as its ``[provenance]``, checked to be complete."""
    rules_path, prov_path = data_file("rules.toml"), data_file("provenance.toml")
    prov = read_toml(prov_path)
    schema.check(settings.Provenance, prov, str(prov_path), _defaults_warn, label="[provenance]", partial=False)
    cfg = read_toml(rules_path)
    schema.check(settings.Config, {**cfg, "provenance": prov}, str(rules_path), _defaults_warn, partial=False)
    cfg["provenance"] = prov
    return cfg


def _defaults_warn(message: str) -> None:
    raise ConfigError(f"{message} (in the shipped defaults)")


def check_user_file(raw: dict, path: Path, warn: Warn) -> None:
    """Check the reviewer's parsed file against the schema: every key it sets has the right type and
    range (else :class:`ConfigError`); unknown tables and keys are told to ``warn``."""
    schema.check(settings.Config, raw, str(path), warn, partial=True)


def trusted_table(*, warn: Warn | None = None) -> dict:
    """The shipped defaults merged with the reviewer's own file, checked, as plain TOML values."""
    cfg = shipped_defaults()
    user = user_config_path()
    if user.exists() or os.environ.get("TRIAGE_CONFIG"):
        raw = read_toml(user)
        check_user_file(raw, user, warn or warn_on_stderr)
        cfg = merge_user(cfg, raw)
        check_order(cfg, user)
    return cfg


def check_order(cfg: dict, where: Path) -> None:
    """The merged thresholds rise with the tier (else a higher tier would be reached first)."""
    th = cfg["risk"]["thresholds"]
    if not th["MEDIUM"] <= th["HIGH"] <= th["CRITICAL"]:
        raise ConfigError(f"{where}: [risk.thresholds]: expected MEDIUM ≤ HIGH ≤ CRITICAL, got "
                          f"{th['MEDIUM']:g}, {th['HIGH']:g}, {th['CRITICAL']:g}")


def trusted_config(*, warn: Warn | None = None) -> Config:
    """The shipped defaults and the reviewer's own file: everything a repository cannot touch."""
    return schema.build(Config, trusted_table(warn=warn))


def config_with(overrides: dict) -> Config:
    """The shipped defaults with ``overrides`` applied as the reviewer's file would be (checked the same
    way; ``ConfigError`` names ``overrides``). For tests and tools that need a variant."""
    check_user_file(overrides, Path("overrides"), _defaults_warn)
    merged = merge_user(shipped_defaults(), overrides)
    check_order(merged, Path("overrides"))
    return schema.build(Config, merged)


def quietly(message: str) -> None:
    """A ``warn`` that says nothing (for readers of one table, once the CLI has shown the warnings)."""


def warn_on_stderr(message: str) -> None:
    """Print a one-line ``triage: warning: …`` (the default for :func:`load_config`)."""
    from triage.sanitize import display

    sys.stderr.write(f"triage: warning: {display(message)}\n")


def load_config(repo=None, *, warn: Warn | None = None) -> Config:
    """The effective configuration, for a repository (a path or a ``pygit2.Repository``) or none.

    The repository adds only what :func:`repo_additions` accepts, read from the
    trusted revision (:func:`trusted_revision`); ``warn`` (default: stderr) is
    told about unknown keys in the reviewer's file and about everything the
    repository tried to set and may not. A wrong value in the reviewer's file is a
    :class:`ConfigError` naming the file and the key.
    """
    warn = warn or warn_on_stderr
    cfg = trusted_config(warn=warn)
    if repo is None:
        return cfg
    if not hasattr(repo, "revparse_single"):
        from triage.git import open_repo

        repo = open_repo(repo)
    return apply_repo_layer(cfg, repo, warn)


# --------------------------------------------------------------- repository layer


def trusted_revision(repo, cfg: Config, warn: Warn):
    """``(name, commit)`` of the revision a repository's ``.triage.toml`` is read from, or None.

    ``[trust] ref`` in the reviewer's config names it (``""`` reads none); without
    one, the remote's default branch (``origin/HEAD``) if the clone knows it.
    """
    import pygit2

    named = cfg.trust.ref
    if named is not None:
        if not named:
            return None
        try:
            return named, repo.revparse_single(named).peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            warn(f"the trusted ref {named!r} ([trust] ref in your config) is not in {repo.workdir or repo.path}: "
                 f"its {REPO_FILE} is not read")
            return None
    ref = repo.references.get(DEFAULT_TRUST_REF)
    if ref is None:
        return None
    try:
        return "origin/HEAD", ref.resolve().peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError):
        return None


def repo_additions(raw: dict, cfg: Config, where: str) -> tuple[list[dict], list[dict], list[str]]:
    """``(paths, agents, warnings)``: what a repository's parsed ``.triage.toml`` may add to ``cfg``.

    Accepted: ``[[risk.paths]]`` entries with a new category and points > 0, and
    ``[[provenance.agents]]`` entries with a new id and kind ``"ai"`` (each can only
    raise a review). Everything else is named in a warning and left out.
    """
    forbidden: list[str] = []
    problems: list[str] = []
    paths: list[dict] = []
    agents: list[dict] = []
    categories = {p.category for p in cfg.risk.paths}
    agent_ids = {a.id for a in cfg.provenance.agents}
    for key, value in raw.items():
        if key not in ("risk", "provenance") or not isinstance(value, dict):
            forbidden.append(f"[{key}]")
            continue
        allowed = "paths" if key == "risk" else "agents"
        forbidden += [f"[{key}.{k}]" for k in value if k != allowed]
        entries = value.get(allowed, [])
        if not isinstance(entries, list):
            problems.append(f"{where}: {key}.{allowed} must be an array of tables; ignored")
            continue
        for entry in entries:
            if key == "risk":
                problem = _path_problem(entry)
                if problem is None and entry["category"] in categories:
                    problem = f"category {entry['category']!r} is already defined (a repository may not redefine it)"
                if problem is None and not entry["points"] > 0:
                    problem = f"category {entry['category']!r}: points must be above 0"
                if problem is None and set(entry) - {"category", "pattern", "points"}:
                    problem = f"category {entry['category']!r}: unknown keys {sorted(set(entry) - {'category', 'pattern', 'points'})}"
                if problem:
                    problems.append(f"{where}: a [[risk.paths]] entry is ignored: {problem}")
                    continue
                categories.add(entry["category"])
                paths.append(copy.deepcopy(entry))
            else:
                problem = _agent_problem(entry, agent_ids)
                if problem:
                    problems.append(f"{where}: a [[provenance.agents]] entry is ignored: {problem}")
                    continue
                agent_ids.add(entry["id"])
                agents.append({**copy.deepcopy(entry), "kind": "ai"})
    warnings = []
    if forbidden:
        tables = [f for f in forbidden if "." not in f]
        keys = [f[1:-1] for f in forbidden if "." in f]
        named = ", ".join(tables + keys)
        warnings.append(f"{where} may not set {named}: only your own config can, so "
                        f"{'it is' if len(forbidden) == 1 else 'they are'} ignored (a repository may only add "
                        "[[risk.paths]] and [[provenance.agents]] of kind \"ai\")")
    return paths, agents, warnings + problems


def _agent_problem(entry: object, known: set) -> str | None:
    if not isinstance(entry, dict):
        return "it is not a table"
    agent_id = entry.get("id")
    if not isinstance(agent_id, str) or not agent_id:
        return "it has no id"
    if agent_id in known:
        return f"agent {agent_id!r} is already defined (a repository may not redefine it)"
    if entry.get("kind", "ai") != "ai":
        return f"agent {agent_id!r}: a repository may only add kind = \"ai\" agents"
    unknown = set(entry) - AGENT_KEYS
    if unknown:
        return f"agent {agent_id!r}: unknown keys {sorted(unknown)}"
    for k, v in entry.items():
        if k in ("id", "name", "kind"):
            if not isinstance(v, str):
                return f"agent {agent_id!r}: {k} must be a string"
        elif not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            return f"agent {agent_id!r}: {k} must be a list of strings"
    return None


def apply_repo_layer(cfg: Config, repo, warn: Warn) -> Config:
    """``cfg`` with what ``repo``'s ``.triage.toml`` at the trusted revision may add (see the module doc)."""
    import pygit2

    found = trusted_revision(repo, cfg, warn)
    if found is None:
        return cfg
    name, commit = found
    try:
        entry = commit.tree[REPO_FILE]
    except KeyError:
        return cfg
    where = f"{REPO_FILE} at {name} ({str(commit.id)[:10]})"
    if entry.type != pygit2.enums.ObjectType.BLOB or entry.filemode == pygit2.enums.FileMode.LINK:
        warn(f"{where} is not a regular file; ignored")
        return cfg
    blob = repo[entry.id]
    if blob.size > REPO_FILE_MAX:
        warn(f"{where} is larger than {REPO_FILE_MAX // 1024} KiB; ignored")
        return cfg
    return apply_repo_file(cfg, blob.data, where, str(entry.id), warn)


def blob_id(data: bytes) -> str:
    """The git blob id of ``data`` (what a commit's tree would name it by)."""
    import pygit2

    return str(pygit2.hash(data))


def apply_repo_file(cfg: Config, data: bytes, where: str, blob: str, warn: Warn) -> Config:
    """``cfg`` with what the ``.triage.toml`` bytes ``data`` (blob id ``blob``, described as ``where``)
    may add; everything else it sets is told to ``warn``."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        warn(f"{where} is not UTF-8; ignored")
        return cfg
    except tomllib.TOMLDecodeError as exc:
        warn(f"{where} is not valid TOML ({exc}); ignored")
        return cfg
    paths, agents, warnings = repo_additions(raw, cfg, where)
    for w in warnings:
        warn(w)
    if not paths and not agents:
        return cfg
    risk = replace(cfg.risk, paths=cfg.risk.paths + tuple(schema.build(settings.PathCategory, p) for p in paths))
    prov = replace(cfg.provenance,
                   agents=cfg.provenance.agents + tuple(schema.build(settings.Agent, a) for a in agents))
    return replace(cfg, risk=risk, provenance=prov, repo_layer=RepoLayer(where=where, blob=blob, without=cfg))


def config_for_change(cfg: Config, files, read_new: Callable | None = None) -> Config:
    """``cfg`` for scoring a change with these files: without the repository layer when the
    change itself wrote the ``.triage.toml`` that layer was read from (a change never
    configures its own review).

    A file without a full blob id (a forge's diff names abbreviated ones, which a change could
    forge to match) is read with ``read_new(path)``: the same bytes are the same file; a file
    that cannot be read counts as the one the layer came from.
    """
    layer = cfg.repo_layer
    if layer is None:
        return cfg
    for f in files:
        if f.path != REPO_FILE:
            continue
        oid = f.new_oid
        if len(oid or "") < 40 and read_new is not None:
            data = read_new(f.path)
            oid = blob_id(data) if data is not None else layer.blob
        if oid == layer.blob:
            return replace(layer.without, external=cfg.external)
    return cfg


def reviewer_repo_keys() -> Callable[[str], str]:
    """How a clone's repository is named under the reviewer's ``[git.ids]``: a function of the
    clone's path, reading the trusted config once, at its first call (a bad config names none).
    What the CLI hands the store for its migrations (:data:`triage.store.migrations.RepoKey`)."""
    from triage.git import open_repo, repo_key

    loaded: list = []

    def key(path: str) -> str:
        if not loaded:
            try:
                loaded.append(trusted_config())
            except TriageError:
                loaded.append(None)
        return repo_key(open_repo(path), loaded[0])

    return key
