"""Provides the security deep dive: which changes are in it, when a verdict may be recorded, escalation.

* The deep-dive set is every HIGH or CRITICAL change plus every change the
  keyed-hash sample drew (:func:`in_scope`, :func:`deep_dive_items`).
* In deep-dive mode a verdict on a change in scope needs every security
  checklist item of that change answered (``yes``, ``no`` or ``n/a``) first;
  ``escalate`` is always allowed, since it hands the question to the security
  group (:func:`verdict_allowed`, :func:`check_verdict`).
* Escalation (:func:`triage.services.verdicts.escalate`) records the
  ``escalate`` verdict and assigns the change to the least-loaded eligible
  member of the security group (an ``assignments`` row with reason ``escalated``).
"""

from __future__ import annotations

from typing import Any

from triage.errors import TriageError
from triage.models import SERIOUS_TIERS

DEEP_DIVE_TIERS = SERIOUS_TIERS
"""Tiers that are always in the deep dive."""


def in_scope(tier: str | None, sampled: object) -> bool:
    """True when a change of ``tier``, drawn by the sample or not (``sampled``), belongs to the deep dive."""
    return tier in DEEP_DIVE_TIERS or bool(sampled)


def deep_dive_items(store, **filters) -> list:
    """The queue (``triage.queue.load_queue`` filters) restricted to the deep-dive set, in queue order."""
    from triage.queue import load_queue

    return [i for i in load_queue(store, **filters) if in_scope(i.tier, i.sampled)]


def security_items(checklist: list[dict] | None) -> list[dict]:
    """The checklist items of kind ``security``."""
    return [it for it in (checklist or []) if isinstance(it, dict) and it.get("kind") == "security"]


def _answer(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("answer")
    return value if value in ("yes", "no", "n/a") else None


def verdict_allowed(change: dict, answers: dict, verdict: str | None = None) -> tuple[bool, list[dict]]:
    """``(allowed, missing_items)`` for a verdict in deep-dive mode.

    ``change`` holds the decoded ``checklist`` list; ``answers`` maps item id
    to an answer string or to a :meth:`Store.checklist_answers` row. Every
    security item must be answered; ``escalate`` is always allowed.
    """
    if verdict == "escalate":
        return True, []
    missing = [it for it in security_items(change.get("checklist")) if _answer(answers.get(it.get("id"))) is None]
    return not missing, missing


def check_verdict(store, change_id: str, verdict: str, deep_dive: bool) -> None:
    """Raise a one-line :class:`TriageError` when ``verdict`` may not be recorded yet.

    Only in deep-dive mode and only for a change in the deep-dive set.
    """
    if not deep_dive:
        return
    row = store.get_change(change_id)
    if row is None:
        raise TriageError(f"unknown change id {change_id!r}")
    if not in_scope(row["tier"], row["sampled"]):
        return
    ok, missing = verdict_allowed(row, store.checklist_answers(change_id), verdict)
    if not ok:
        ids = ", ".join(str(m.get("id")) for m in missing[:5]) + (", …" if len(missing) > 5 else "")
        raise TriageError(
            f"deep dive: answer the {len(missing)} open security checklist item(s) first ({ids}); "
            "see `triage show ID`, or escalate")
