"""Provides the checklist state of a review: items with their latest answers, and progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence


ANSWERS: tuple[str, ...] = ("yes", "no", "n/a")
"""The answers a checklist item takes."""


@dataclass
class ChecklistItem:
    """A checklist question for one change, with its latest answer."""

    id: str
    text: str
    kind: str = ""
    area: str = ""
    answer: str | None = None
    note: str = ""


def checklist_items(checklist: Iterable[dict], answers: dict[str, dict] | None = None) -> list[ChecklistItem]:
    """Merge a change's checklist (``row["checklist"]``) with its latest answers."""
    answers = answers or {}
    out = []
    for n, item in enumerate(checklist):
        iid = str(item.get("id") or f"item-{n + 1}")
        ans = answers.get(iid) or {}
        out.append(ChecklistItem(iid, str(item.get("text", iid)), str(item.get("kind", "")),
                                 str(item.get("area", "")), ans.get("answer"), ans.get("note", "") or ""))
    return out


def checklist_progress(items: Sequence[ChecklistItem]) -> tuple[int, int]:
    """``(answered, total)``."""
    return sum(1 for i in items if i.answer), len(items)
