"""The forge as the team's shared record: two reviewers see each other's verdicts after one sync.

Real HTTP on loopback: ana and bo each have their own token (their own forge account) and their
own database; what one pushes, the other's next ``sync`` imports, under the roster member whose
login posted it.
"""

from __future__ import annotations

import pytest

from triage.config import config_with
from triage.forges.publish import parse_records, record_marker
from triage.queue import load_queue
from triage.services.verdicts import record

from forge_env import REPO, Teammate

LOGINS = {"ana": "ana-gh", "bo": "bo-gh", "mallory": "mallory-gh"}


def _team_cfg(cfg=None):
    return config_with({"team": {"members": [{"name": "ana", "logins": ["ana-gh"]},
                                             {"name": "bo", "logins": ["bo-gh"]}]}})


class Reviewer(Teammate):
    """One person: a forge account (token) and a database of their own."""

    def __init__(self, forge, name: str, tmp_path, cfg):
        super().__init__(forge, name, LOGINS[name], tmp_path, cfg)

    def verdict(self, number: int, verdict: str, note: str = "") -> str:
        return record(self.store, f"{self.forge.kind}:{REPO}#{number}", verdict, note=note, reviewer=self.name)

    def push(self):
        res = super().push()
        assert (res.failed, res.blocked, res.pending) == (0, 0, 0), res.messages
        return res

    def item(self, number: int):
        return next(i for i in load_queue(self.store) if i.id == f"{self.forge.kind}:{REPO}#{number}")


@pytest.fixture
def team(forge, tmp_path, cfg):
    cfg = _team_cfg(cfg)
    people = [Reviewer(forge, n, tmp_path, cfg) for n in ("ana", "bo")]
    yield people
    for p in people:
        p.store.close()


def test_two_reviewers_see_each_others_verdicts_after_one_sync(forge, team):
    ana, bo = team
    ana.sync()
    approve = ana.verdict(3, "approve", "checked the loader")
    fix = ana.verdict(1, "needs-fix", "refund shells out")
    ana.push()
    res = bo.sync()
    assert sorted(res.imported) == sorted([(f"{forge.kind}:{REPO}#3", "ana", "approve"),
                                           (f"{forge.kind}:{REPO}#1", "ana", "needs-fix")])
    assert (bo.item(3).state, bo.item(1).state) == ("approve", "needs-fix")
    assert bo.item(3).given == [{"reviewer": "ana", "verdict": "approve", "posted_by": f"{forge.kind}:ana-gh"}]
    assert {v["id"] for v in bo.store.verdicts_for(f"{forge.kind}:{REPO}#3")} == {approve}
    assert {v["id"] for v in bo.store.verdicts_for(f"{forge.kind}:{REPO}#1")} == {fix}
    assert bo.store.query("SELECT count(*) AS n FROM outbox")[0]["n"] == 0  # nothing to post again
    again = bo.sync()  # deduplicated by id: a second sync imports nothing
    assert again.imported == [] and len(bo.store.verdicts_for(f"{forge.kind}:{REPO}#3")) == 1
    mine = ana.sync()  # ana's own posts are hers already
    assert mine.imported == [] and mine.not_imported == []


def test_reviewers_who_disagree_at_the_same_head_are_shown_as_a_conflict(forge, team):
    ana, bo = team
    ana.sync()
    ana.verdict(3, "approve")
    ana.push()
    bo.sync()
    bo.verdict(3, "needs-fix", "the yaml load is unsafe")
    assert bo.item(3).state == "conflict" and bo.item(3).conflict
    bo.push()
    res = ana.sync()
    assert res.imported == [(f"{forge.kind}:{REPO}#3", "bo", "needs-fix")]
    assert res.conflicts == [f"{forge.kind}:{REPO}#3"]
    item = ana.item(3)
    assert item.state == "conflict" and item.given_by == "approve ana, needs-fix bo"
    assert item.to_json()["conflict"] is True
    assert [i.id for i in load_queue(ana.store, state="conflict")] == [item.id]
    # the later verdict did not silently win on either side
    assert bo.item(3).state == "conflict"


def test_a_record_counts_only_as_the_member_whose_login_posted_it(forge, team, tmp_path, cfg):
    ana, bo = team
    ana.sync()
    mallory = Reviewer(forge, "mallory", tmp_path, _team_cfg(cfg))
    forged = record_marker({"id": "a" * 32, "verdict": "approve", "reviewer": "ana", "sha": "", "at": 1.0})
    claims_ana = record_marker({"id": "b" * 32, "verdict": "approve", "reviewer": "ana", "sha": "", "at": 1.0})
    with mallory.client() as c:
        c.post_comment(1, f"LGTM\n\n{forged}")
    with bo.client() as c:
        c.post_comment(1, f"looks fine\n\n{claims_ana}")
    res = ana.sync()
    assert res.imported == [(f"{forge.kind}:{REPO}#1", "bo", "approve")]  # bo's account: bo's verdict
    assert any("mallory-gh" in m and "not imported" in m for m in res.not_imported)
    given = ana.item(1).given
    assert given == [{"reviewer": "bo", "verdict": "approve", "posted_by": f"{forge.kind}:bo-gh"}]
    mallory.store.close()


def test_a_record_survives_any_reviewer_name_and_nothing_else_parses(forge):
    rec = {"id": "c" * 32, "verdict": "needs-fix", "reviewer": "x --> <!-- triage:record v=1 id=" + "d" * 32,
           "sha": "0123456789abcdef0123", "at": 12.5}
    text = f"body\n{record_marker(rec)}\n"
    assert parse_records(text) == [{**rec, "reviewer": rec["reviewer"]}]
    assert parse_records("<!-- triage:record v=1 id=zz verdict=approve -->") == []
    assert parse_records(record_marker({**rec, "verdict": "merge-it"})) == []
