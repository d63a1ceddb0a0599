"""Provides the reviewer checklists a change calls for.

``data/checklists.toml`` holds the edge-case and security checklists (items with
a stable ``id``, a ``kind`` of ``edge`` or ``security``, an ``area`` and the
``text`` a reviewer reads) and the triggers that map rule ids and path patterns
to items. :func:`checklist_for` picks the items for one change's findings and
changed paths. Nothing here does IO beyond reading that file once.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from triage.models import Finding

from triage.paths import data_file

KINDS = ("edge", "security")
"""The checklist kinds."""

MAX_BECAUSE = 25
"""At most this many rule ids and paths are listed as the reason for one item."""


class ChecklistError(ValueError):
    """``checklists.toml`` is malformed."""


def default_path():
    """The shipped ``data/checklists.toml``."""
    return data_file("checklists.toml")


def _validate(data: dict, source: str) -> dict:
    items = data.get("item", [])
    if not isinstance(items, list) or not items:
        raise ChecklistError(f"{source}: no [[item]] tables")
    seen: set[str] = set()
    out_items: list[dict] = []
    for n, it in enumerate(items, 1):
        if not isinstance(it, dict):
            raise ChecklistError(f"{source}: item {n} is not a table")
        missing = [k for k in ("id", "kind", "area", "text") if not isinstance(it.get(k), str) or not it.get(k)]
        if missing:
            raise ChecklistError(f"{source}: item {n} lacks {', '.join(missing)}")
        if it["kind"] not in KINDS:
            raise ChecklistError(f"{source}: item {it['id']} has kind {it['kind']!r} (want edge or security)")
        if it["id"] in seen:
            raise ChecklistError(f"{source}: duplicate item id {it['id']!r}")
        seen.add(it["id"])
        out_items.append({"id": it["id"], "kind": it["kind"], "area": it["area"], "text": it["text"]})
    triggers: list[dict] = []
    for n, tr in enumerate(data.get("trigger", []), 1):
        if not isinstance(tr, dict):
            raise ChecklistError(f"{source}: trigger {n} is not a table")
        refs = [str(x) for x in tr.get("items", [])]
        unknown = [x for x in refs if x not in seen]
        if unknown:
            raise ChecklistError(f"{source}: trigger {n} names unknown items {', '.join(unknown)}")
        pats = []
        for p in tr.get("paths", []):
            try:
                pats.append(re.compile(str(p)))
            except re.error as exc:
                raise ChecklistError(f"{source}: trigger {n} has a bad path pattern {p!r}: {exc}") from None
        try:  # one search per path instead of one per pattern
            any_path = re.compile("|".join(f"(?:{rx.pattern})" for rx in pats)) if pats else None
        except re.error:  # e.g. a pattern with inline global flags: search them one by one
            any_path = None
        triggers.append({"rules": frozenset(str(r) for r in tr.get("rules", [])), "paths": pats,
                         "any_path": any_path, "items": refs})
    return {"items": out_items, "triggers": triggers}


@lru_cache(maxsize=8)
def _load(path: str) -> dict:
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ChecklistError(f"cannot read {p}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{p}: {exc}") from None
    return _validate(data, str(p))


def load_checklists(path: str | Path | None = None) -> dict:
    """The checklists: ``{"items": [...], "triggers": [...]}``.

    Items keep file order; each trigger holds ``rules`` (a frozenset of rule
    ids), ``paths`` (compiled patterns) and ``items`` (item ids). Raises
    :class:`ChecklistError` on a malformed file.
    """
    return _load(str(Path(path) if path is not None else default_path()))


def _rule_of(f: Any) -> tuple[str, bool]:
    if isinstance(f, Finding):
        return f.rule, f.suppressed
    if isinstance(f, dict):
        return str(f.get("rule", "")), bool(f.get("suppressed", False))
    return str(getattr(f, "rule", "")), bool(getattr(f, "suppressed", False))


def checklist_for(
    findings: Iterable[Finding],
    paths: Iterable[str],
    checklists: dict | None = None,
) -> list[dict]:
    """The checklist items a change calls for.

    ``findings`` are the change's findings (suppressed ones call for nothing:
    the author stated the rule does not apply) and ``paths`` its changed paths.
    Returns ``[{id, kind, area, text, because}]`` in checklist-file order, each
    item once; ``because`` lists the rule ids (sorted) and then the paths (in
    the order given) that called for it, at most :data:`MAX_BECAUSE` entries.
    """
    data = checklists if checklists is not None else load_checklists()
    rules: set[str] = set()
    for f in findings:
        rule, suppressed = _rule_of(f)
        if rule and not suppressed:
            rules.add(rule)
    path_list = list(dict.fromkeys(str(p) for p in paths if p))
    lowered = [(p, p.replace("\\", "/").lower()) for p in path_list]
    reasons: dict[str, dict[str, None]] = {}
    for tr in data["triggers"]:
        why_rules = sorted(rules & tr["rules"])
        if not tr["paths"]:
            why_paths = []
        elif tr.get("any_path") is not None:
            why_paths = [p for p, low in lowered if tr["any_path"].search(low)]
        else:
            why_paths = [p for p, low in lowered if any(rx.search(low) for rx in tr["paths"])]
        if not why_rules and not why_paths:
            continue
        for item_id in tr["items"]:
            bucket = reasons.setdefault(item_id, {})
            for r in why_rules:
                bucket.setdefault(r, None)
            for p in why_paths:
                bucket.setdefault(p, None)
    out: list[dict] = []
    for it in data["items"]:
        why = reasons.get(it["id"])
        if why is None:
            continue
        ordered = sorted(k for k in why if k in rules) + [p for p in path_list if p in why and p not in rules]
        out.append({**it, "because": ordered[:MAX_BECAUSE]})
    return out


def items_by_id(checklists: dict | None = None) -> dict[str, dict]:
    """Item id -> item (for showing stored answers)."""
    data = checklists if checklists is not None else load_checklists()
    return {it["id"]: it for it in data["items"]}
