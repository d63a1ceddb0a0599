"""Provides the shapes rows leave the store in: decoded change rows and typed rows."""

from __future__ import annotations

import json
from dataclasses import dataclass

JSON_COLUMNS = ("parents", "labels", "evidence", "factors", "files", "checklist", "forge_reviewers")


def decode_change(row: dict) -> dict:
    """Decode the JSON columns of a change row in place and return it."""
    for col in JSON_COLUMNS:
        if col in row and isinstance(row[col], str):
            row[col] = json.loads(row[col])
    if "sampled" in row:
        row["sampled"] = bool(row["sampled"])
    return row


@dataclass(frozen=True)
class AssignmentRow:
    """A change's latest assignment: who reviews it, why, and from whom it was handed over."""

    change_id: str
    reviewer: str
    reason: str
    handed_over_from: str | None
    created_at: float

