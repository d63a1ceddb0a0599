"""Assignments on the forge: ``triage assign`` requests the reviewer, ``sync`` reads requests back.

Real HTTP on loopback: alice runs the rotation on her machine and pushes; the fake pull
request then has bob requested; carol's machine, with its own database, syncs and sees
the assignment to bob.
"""

from __future__ import annotations

import json

import pytest

from triage.config import config_with
from triage.forges.reviewers import plan_request
from triage.rotation import Roster
from triage.services.team import assign, handover

from forge_env import REPO, Teammate, _start

LOGINS = {"alice": "alice-gh", "bob": "bob-gh", "carol": "carol-gh", "dan": "dan-gh"}
KINDS = ["github", "gitea", "gitlab"]
"""The forges whose pull requests take review requests here."""

ROSTER = {"team": {"members": [{"name": "bob", "logins": ["bob-gh"]},
                               # the scenario's PR 3 is by forge user "carol": she is its author
                               {"name": "carol", "logins": ["carol-gh", "carol"]}]}}


@pytest.fixture(params=KINDS)
def forge(request, tmp_path):
    return _start(request.param, tmp_path, request)


class Machine(Teammate):
    """One person's machine: their forge account (token), their own database and roster."""

    def __init__(self, forge, name: str, tmp_path, team=ROSTER):
        super().__init__(forge, name, LOGINS[name], tmp_path, config_with(team))
        self.roster = Roster.from_config(self.cfg)

    def assign(self):
        return assign(self.store, self.roster, "2026-01-05", include_all=True)

    def assignee(self, number: int) -> str | None:
        row = self.store.current_assignees().get(f"{self.forge.kind}:{REPO}#{number}")
        return row.reviewer if row else None

    def requests(self) -> list[dict]:
        return self.store.query("SELECT action, target, body, state FROM outbox WHERE action = 'request_reviewer'")


def requested_on_forge(forge, number: int) -> list[str]:
    return list(forge.repo.pulls[number].requested)


def request_posts(forge) -> list:
    """The review requests that reached the forge (GitLab: a PUT of the merge request's reviewer_ids)."""
    if forge.kind == "gitlab":
        return [r for r in forge.fake.requests if r.method == "PUT" and "/merge_requests/" in r.path]
    return [r for r in forge.fake.requests if r.method == "POST" and r.path.endswith("/requested_reviewers")]


@pytest.fixture
def alice(forge, tmp_path):
    m = Machine(forge, "alice", tmp_path)
    yield m
    m.store.close()


@pytest.fixture
def carol(forge, tmp_path):
    m = Machine(forge, "carol", tmp_path)
    yield m
    m.store.close()


def test_alice_assigns_and_pushes_then_bob_is_requested_on_the_forge(forge, alice):
    alice.sync()
    alice.assign()
    assert alice.assignee(3) == "bob"  # carol wrote PR 3
    res = alice.push()
    assert (res.failed, res.blocked, res.pending) == (0, 0, 0), res.messages
    assert requested_on_forge(forge, 3) == ["bob-gh"]
    assert [r["state"] for r in alice.requests()] == ["done"]


def test_a_merged_change_gets_no_review_request(forge, alice):
    alice.sync()
    alice.assign()
    assert alice.assignee(1) is not None  # merged PR 1 is assigned here, but nothing is requested there
    assert [json.loads(r["body"])["number"] for r in alice.requests()] == [3]


def test_carols_machine_syncs_and_sees_the_assignment_to_bob(forge, alice, carol):
    alice.sync()
    alice.assign()
    alice.push()
    carol.sync()
    assert carol.assignee(3) == "bob"
    again = carol.sync()  # a second sync adds nothing
    assert carol.assignee(3) == "bob" and again.not_imported == []
    assert len([a for a in carol.store.query("SELECT * FROM assignments WHERE change_id = ?",
                                             (f"{forge.kind}:{REPO}#3",))]) == 1


def test_the_author_is_never_requested(forge, alice):
    alice.sync()
    row = alice.store.get_change(f"{forge.kind}:{REPO}#3")
    assert plan_request(row, alice.roster.member("carol")) == []  # "carol" is the PR's author login
    assert plan_request(row, alice.roster.member("bob")) != []
    with pytest.raises(Exception, match="author"):
        handover(alice.store, f"{forge.kind}:{REPO}#3", "carol", roster=alice.roster)
    alice.assign()
    alice.push()
    assert "carol" not in requested_on_forge(forge, 3)


@pytest.mark.parametrize("fault", ["drop_after_commit", "error_after_commit"])
def test_a_request_committed_then_lost_is_not_sent_again(forge, alice, fault):
    alice.sync()
    alice.assign()
    forge.fake.fault(fault, method=request_method(forge), path="requested_reviewers|merge_requests/\\d+$", times=1)
    res = alice.push()
    assert (res.failed, res.pending) == (0, 0), res.messages
    assert res.reconciled == 1 and res.posted == 0
    assert len(request_posts(forge)) == 1
    assert requested_on_forge(forge, 3) == ["bob-gh"]


def test_a_push_after_the_request_was_delivered_sends_nothing(forge, alice):
    alice.sync()
    alice.assign()
    alice.push()
    with alice.store.write() as conn:  # a crash before the row was settled: it is pending again
        conn.execute("UPDATE outbox SET state = 'pending', attempts = 1 WHERE action = 'request_reviewer'")
    res = alice.push()
    assert res.reconciled == 1 and len(request_posts(forge)) == 1


def test_a_handover_requests_the_new_reviewer_and_keeps_the_old_request(forge, tmp_path):
    team = {"team": {"members": [{"name": "bob", "logins": ["bob-gh"]}, {"name": "dan", "logins": ["dan-gh"]}]}}
    m = Machine(forge, "alice", tmp_path, team)
    m.sync()
    m.assign()
    first = m.assignee(3)
    other = "dan" if first == "bob" else "bob"
    handover(m.store, f"{forge.kind}:{REPO}#3", other, roster=m.roster)
    res = m.push()
    assert (res.failed, res.pending) == (0, 0), res.messages
    assert requested_on_forge(forge, 3) == [LOGINS[first], LOGINS[other]]
    m.store.close()


def request_method(forge) -> str:
    return "PUT" if forge.kind == "gitlab" else "POST"


def test_a_local_assignment_is_not_overridden_by_sync_and_the_difference_is_shown(forge, tmp_path, alice):
    from triage.queue import load_queue
    from triage.services.changes import change_details

    team = {"team": {"members": [*ROSTER["team"]["members"], {"name": "dan", "logins": ["dan-gh"]}]}}
    dan = Machine(forge, "dan", tmp_path, team)
    cid = f"{forge.kind}:{REPO}#3"
    dan.sync()
    dan.store.assign(cid, "dan", "chosen here", None)
    alice.sync()
    alice.assign()
    alice.push()  # the forge now requests bob
    res = dan.sync()
    assert dan.assignee(3) == "dan" and res.assigned == []
    item = next(i for i in load_queue(dan.store, include_all=True) if i.id == cid).to_json()
    assert item["assignee"] == "dan" and item["assignment_differs"] is True
    assert item["requested_on_forge"] == [{"login": "bob-gh", "member": "bob"}]
    assert change_details(dan.store, cid)["assignment_differs"] is True
    dan.store.close()


def test_a_requested_login_that_is_no_member_is_shown_not_imported(forge, carol):
    forge.repo.pulls[3].requested.append("mallory-gh")
    res = carol.sync()
    assert carol.assignee(3) is None
    assert any("mallory-gh" in line and "not imported" in line for line in res.not_imported)
    row = carol.store.get_change(f"{forge.kind}:{REPO}#3")
    assert row["forge_reviewers"] == [{"login": "mallory-gh", "member": None}]


def test_a_requested_author_is_not_taken_as_the_reviewer(forge, carol):
    forge.repo.pulls[3].requested.append("carol")  # PR 3's author (the forge would refuse this itself)
    res = carol.sync()
    assert carol.assignee(3) is None
    assert any("an author of the change" in line for line in res.not_imported)


def test_gitlab_keeps_the_existing_reviewers(tmp_path, request):
    forge = _start("gitlab", tmp_path, request)
    forge.repo.pulls[3].requested.append("erin-gh")  # someone already reviews it
    forge.fake.user_json("erin-gh")  # erin exists on the forge
    m = Machine(forge, "alice", tmp_path)
    m.sync()
    m.assign()
    res = m.push()
    assert (res.failed, res.pending) == (0, 0), res.messages
    assert requested_on_forge(forge, 3) == ["erin-gh", "bob-gh"]
    (put,) = request_posts(forge)
    assert put.body == {"reviewer_ids": [forge.fake.user_id("erin-gh"), forge.fake.user_id("bob-gh")]}
    m.store.close()


def test_gitlab_without_such_a_user_fails_the_request_with_the_reason(tmp_path, request):
    forge = _start("gitlab", tmp_path, request)
    forge.fake.unknown_users.add("bob-gh")
    m = Machine(forge, "alice", tmp_path)
    m.sync()
    m.assign()
    res = m.push()
    assert res.failed == 1 and any("no user 'bob-gh'" in line for line in res.messages)
    assert requested_on_forge(forge, 3) == [] and request_posts(forge) == []
    m.store.close()
