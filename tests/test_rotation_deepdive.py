"""Tests for triage.deepdive: the deep-dive set, the checklist rule for verdicts, and escalation."""

from __future__ import annotations

import json

import pytest
from test_rotation import cli  # noqa: F401 - the shared `cli` fixture

from triage.deepdive import check_verdict, deep_dive_items, in_scope, verdict_allowed
from triage.services.verdicts import escalate
from triage.errors import TriageError
from triage.config import config_with
from triage.rotation import Roster
from triage.store import Store

CHECKLIST = [
    {"id": "sec-authz", "kind": "security", "area": "auth", "text": "Is every new endpoint authorised?"},
    {"id": "sec-input", "kind": "security", "area": "input", "text": "Is untrusted input validated?"},
    {"id": "gen-tests", "kind": "general", "area": "tests", "text": "Do tests cover the change?"},
]

ROSTER = Roster.from_config(config_with({"team": {"members": [
    {"name": n, "emails": [f"{n}@example.com"]} for n in ("alice", "bruno", "chen", "dana")],
    "security": ["bruno", "chen"]}}))


def test_in_scope():
    assert in_scope("HIGH", False)
    assert in_scope("CRITICAL", 0)
    assert in_scope("LOW", True)
    assert not in_scope("MEDIUM", False)


def test_verdict_allowed_needs_every_security_item_answered():
    change = {"checklist": CHECKLIST}
    ok, missing = verdict_allowed(change, {})
    assert not ok and [m["id"] for m in missing] == ["sec-authz", "sec-input"]
    ok, missing = verdict_allowed(change, {"sec-authz": "yes", "gen-tests": "yes"})
    assert not ok and [m["id"] for m in missing] == ["sec-input"]
    # Store rows work too; "no" and "n/a" are answers.
    ok, missing = verdict_allowed(change, {"sec-authz": {"answer": "no"}, "sec-input": {"answer": "n/a"}})
    assert ok and missing == []
    assert verdict_allowed(change, {"sec-authz": "maybe", "sec-input": "yes"})[0] is False
    # Escalating is how you hand over what you cannot answer.
    assert verdict_allowed(change, {}, verdict="escalate") == (True, [])
    assert verdict_allowed({"checklist": []}, {}) == (True, [])


def _with_checklist(db, ref: str) -> str:
    with Store(db) as store:
        cid = store.resolve_id(ref)
        with store.write() as conn:
            conn.execute("UPDATE changes SET checklist = ? WHERE id = ?", (json.dumps(CHECKLIST), cid))
    return cid


def test_check_verdict_applies_only_in_deep_dive_mode_and_scope(cli):
    sampled = _with_checklist(cli.db, "ae80b117ab")  # drawn for a deep dive in the demo
    with Store(cli.db) as store:
        assert store.get_change(sampled)["sampled"]
        check_verdict(store, sampled, "approve", deep_dive=False)
        with pytest.raises(TriageError, match=r"2 open security checklist item\(s\) first \(sec-authz, sec-input\)"):
            check_verdict(store, sampled, "approve", deep_dive=True)
        check_verdict(store, sampled, "escalate", deep_dive=True)
        store.answer_checklist(sampled, "sec-authz", "yes")
        store.answer_checklist(sampled, "sec-input", "n/a")
        check_verdict(store, sampled, "approve", deep_dive=True)
        outside = next(r["id"] for r in store.query(
            "SELECT id FROM changes WHERE sampled = 0 AND tier IN ('LOW', 'MEDIUM') LIMIT 1"))
    _with_checklist(cli.db, outside)
    with Store(cli.db) as store:
        check_verdict(store, outside, "approve", deep_dive=True)


def test_deep_dive_items_are_high_critical_or_sampled(cli):
    with Store(cli.db) as store:
        items = deep_dive_items(store, include_all=True)
        everything = store.query("SELECT id, tier, sampled FROM changes")
    assert items and all(i.tier in ("HIGH", "CRITICAL") or i.sampled for i in items)
    assert {i.id for i in items} == {r["id"] for r in everything if in_scope(r["tier"], r["sampled"])}


def test_escalate_assigns_the_security_group_never_the_author_nor_the_escalator(cli):
    with Store(cli.db) as store:
        by_alice = store.resolve_id("7737a78f6f")  # Alice Martin, with Claude
        out = escalate(store, by_alice, note="touches auth", reviewer="bruno", roster=ROSTER, day="2026-11-20")
        assert out["assignee"] == "chen" and out["reason"] == "escalated"
        assert store.verdicts_for(by_alice)[-1]["verdict"] == "escalate"
        row = store.query("SELECT reviewer, reason FROM assignments WHERE change_id = ?", (by_alice,))
        assert row == [{"reviewer": "chen", "reason": "escalated"}]
        assert store.get_change(by_alice)["assignee"] == "chen"

        by_chen = store.resolve_id("ae80b117ab")  # Chen Wei, with Cursor
        out = escalate(store, by_chen, reviewer="bruno", roster=ROSTER)
        assert out["assignee"] is None and "no eligible security reviewer" in out["reason"]
        assert store.verdicts_for(by_chen)[-1]["verdict"] == "escalate"

        out = escalate(store, by_chen, reviewer="dana", roster=Roster(members=()))
        assert out["assignee"] is None and "no security group" in out["reason"]


def test_record_verdict_helper_for_the_cli(cli):
    """``triage verdict --deep-dive`` and ``--escalate`` go through services.verdicts.record_verdict."""
    from triage.services.verdicts import record_verdict

    sampled = _with_checklist(cli.db, "ae80b117ab")
    with Store(cli.db) as store:
        with pytest.raises(TriageError, match="deep dive: answer the 2 open security checklist item"):
            record_verdict(store, sampled, "approve", reviewer="dana", deep_dive=True)
        assert store.verdicts_for(sampled) == []
        vid, extra = record_verdict(store, sampled, "approve", reviewer="dana")
        assert vid and extra == ""
        by_alice = store.resolve_id("7737a78f6f")
        vid, extra = record_verdict(store, by_alice, "escalate", note="auth", reviewer="dana", deep_dive=True)
        assert extra in ("assigned to bruno (security)", "assigned to chen (security)")
        assert store.get_change(by_alice)["assignee"] in ("bruno", "chen")
