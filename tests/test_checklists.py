"""Reviewer checklists: the data file and the per-change selection."""

from __future__ import annotations

import pytest

from triage.checklists import ChecklistError, checklist_for, items_by_id, load_checklists
from triage.models import Finding
from triage.rules import all_rule_ids

EDGE_AREAS = {"null-empty", "boundaries", "unicode", "time", "money", "concurrency", "timeouts", "malformed-input"}
SECURITY_AREAS = {"user-input", "auth", "data-access", "external-calls", "secrets", "crypto", "deserialization", "dependencies"}


def finding(rule: str, path: str = "app/x.py", suppressed: bool = False) -> Finding:
    return Finding(rule, "high", path, 1, "m", "q?", suppressed)


def test_items_cover_every_area_with_stable_unique_ids():
    data = load_checklists()
    items = data["items"]
    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids))
    assert {it["area"] for it in items if it["kind"] == "edge"} == EDGE_AREAS
    assert {it["area"] for it in items if it["kind"] == "security"} == SECURITY_AREAS
    for it in items:
        assert set(it) == {"id", "kind", "area", "text"} and it["text"]


def test_every_rule_calls_for_some_item():
    data = load_checklists()
    triggered = set().union(*(t["rules"] for t in data["triggers"]))
    assert set(all_rule_ids()) <= triggered


def test_rule_and_path_triggers_with_because():
    out = checklist_for([finding("sql-interpolation"), finding("hardcoded-secret")], ["app/auth/login.py", "README.md"])
    by_id = {it["id"]: it for it in out}
    assert by_id["sec.input.sql"]["because"] == ["sql-interpolation"]
    assert by_id["sec.secrets.storage"]["because"] == ["hardcoded-secret"]
    assert by_id["sec.auth.tokens"]["because"] == ["app/auth/login.py"]
    for it in out:
        assert set(it) == {"id", "kind", "area", "text", "because"} and it["because"]
        assert "README.md" not in it["because"]


def test_order_is_deterministic_file_order_without_duplicates():
    fs = [finding("float-money"), finding("float-money", "b.py"), finding("sql-interpolation")]
    paths = ["billing/invoice.py", "billing/refund.py"]
    a = checklist_for(fs, paths)
    b = checklist_for(list(reversed(fs)), paths)
    assert a == b
    ids = [it["id"] for it in a]
    assert len(ids) == len(set(ids))
    order = [it["id"] for it in load_checklists()["items"]]
    assert ids == sorted(ids, key=order.index)
    money = next(it for it in a if it["id"] == "edge.money.rounding")
    assert money["because"] == ["float-money", "billing/invoice.py", "billing/refund.py"]


def test_suppressed_findings_and_unrelated_paths_call_for_nothing():
    assert checklist_for([finding("sql-interpolation", suppressed=True)], ["README.md"]) == []
    assert checklist_for([], []) == []


def test_dict_findings_are_accepted():
    out = checklist_for([{"rule": "insecure-random", "suppressed": False}], [])
    assert [it["id"] for it in out] == ["sec.crypto.randomness"]


def test_manifest_paths_call_for_dependency_items():
    ids = {it["id"] for it in checklist_for([], ["services/api/package.json"])}
    assert {"sec.deps.declared", "sec.deps.exists"} <= ids


def test_items_by_id():
    assert items_by_id()["sec.input.sql"]["kind"] == "security"


def test_load_from_a_path_and_validation(tmp_path):
    good = tmp_path / "c.toml"
    good.write_text(
        '[[item]]\nid = "a"\nkind = "edge"\narea = "x"\ntext = "T"\n'
        '[[trigger]]\nrules = ["r"]\nitems = ["a"]\n'
    )
    data = load_checklists(good)
    assert checklist_for([finding("r")], [], data) == [{"id": "a", "kind": "edge", "area": "x", "text": "T", "because": ["r"]}]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[item]]\nid = "a"\nkind = "other"\narea = "x"\ntext = "T"\n')
    with pytest.raises(ChecklistError):
        load_checklists(bad)
    dangling = tmp_path / "d.toml"
    dangling.write_text('[[item]]\nid = "a"\nkind = "edge"\narea = "x"\ntext = "T"\n[[trigger]]\nrules = ["r"]\nitems = ["zz"]\n')
    with pytest.raises(ChecklistError):
        load_checklists(dangling)
    with pytest.raises(ChecklistError):
        load_checklists(tmp_path / "missing.toml")
