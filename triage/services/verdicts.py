"""Provides the verdict use cases: record a verdict and plan its forge posts, escalate, undo, review time.

A verdict and the forge posts it calls for are written in one transaction
(:meth:`triage.store.Store.record_verdict`); what is posted is planned by
:func:`triage.forges.publish.plan_outbox`, passed to the store here, so the
store never reaches up into publishing policy.
"""

from __future__ import annotations

from triage.rotation import Roster
from triage.rotation_store import security_pick


def _plan(row: dict, verdict: str, note: str, verdict_id: str, findings: list[dict], *, reviewer: str = "",
          at: float = 0.0) -> list[dict]:
    from triage.forges.publish import plan_outbox

    return plan_outbox(row, verdict, note, verdict_id, findings, reviewer=reviewer, at=at)


def record(store, change_id: str, verdict: str, *, note: str = "", reviewer: str = "",
           seconds_spent: float | None = None) -> str:
    """Append a verdict and the forge posts it calls for (none for a local commit); its id."""
    return store.record_verdict(change_id, verdict, note=note, reviewer=reviewer, seconds_spent=seconds_spent,
                                plan=_plan)


def record_verdict(
    store,
    change_id: str,
    verdict: str,
    *,
    note: str = "",
    reviewer: str = "",
    deep_dive: bool = False,
    seconds_spent: float | None = None,
) -> tuple[str, str]:
    """Record a verdict under the team rules; return ``(verdict_id, extra message)``.

    In deep-dive mode a change in the deep-dive set needs its security
    checklist answered first (one-line :class:`TriageError` otherwise).
    ``escalate`` also assigns the change to the security group of the
    ``[team]`` roster, when one is configured. For ``triage verdict`` and the app.
    """
    from triage.deepdive import check_verdict
    from triage.sanitize import display
    from triage.services.team import rotation_key, team_config

    check_verdict(store, change_id, verdict, deep_dive)
    if verdict != "escalate":
        return record(store, change_id, verdict, note=note, reviewer=reviewer, seconds_spent=seconds_spent), ""
    cfg = team_config()
    out = escalate(store, change_id, note=note, reviewer=reviewer, roster=Roster.from_config(cfg),
                   seconds_spent=seconds_spent, key=rotation_key(cfg))
    extra = (f"assigned to {display(out['assignee'])} (security)" if out["assignee"]
             else f"not assigned: {out['reason']}")
    return out["verdict_id"], extra


def escalate(
    store,
    change_id: str,
    *,
    note: str = "",
    reviewer: str = "",
    roster: Roster | None = None,
    seconds_spent: float | None = None,
    day: str | None = None,
    key: bytes | None = None,
) -> dict:
    """Record an ``escalate`` verdict and assign the change to the security group.

    Returns ``{verdict_id, assignee, reason}``; ``assignee`` is ``None`` (and
    ``reason`` says why) when no security member is eligible. The verdict and
    the assignment are two transactions: if the second fails, the escalation
    stands and ``triage handover`` can finish it.
    """
    vid = record(store, change_id, "escalate", note=note, reviewer=reviewer, seconds_spent=seconds_spent)
    roster = roster or Roster(members=())
    who, reason = security_pick(store, roster, change_id, exclude=[reviewer] if reviewer else [], day=day, key=key)
    if who is not None:
        from triage.forges.reviewers import plan_request

        row = store.get_change(change_id)
        store.assign(change_id, who, "escalated", store.last_assignee(change_id),
                     posts=plan_request(row, roster.member(who)) if row else None)
    return {"verdict_id": vid, "assignee": who, "reason": reason}


def undo(store, change_id: str, verdict_id: str, *, reviewer: str = "", note: str = "") -> int:
    """Withdraw verdict ``verdict_id`` (see :meth:`triage.store.Store.withdraw_verdict`); how many
    of its posts could not be cancelled."""
    return store.withdraw_verdict(change_id, verdict_id, reviewer=reviewer, note=note)


def save_review_time(store, change_id: str, seconds: float, reviewer: str = "") -> None:
    """Keep time spent looking at a change without a verdict (nothing when no time passed)."""
    if seconds > 0:
        store.record_review_time(change_id, seconds, reviewer=reviewer)
