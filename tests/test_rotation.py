"""Tests for triage.rotation: roster parsing, the rules of the planner (properties), and the CLI."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.errors import TriageError
from triage.models import TIERS
from triage.config import config_with
from triage.rotation_store import candidate_from_store
from triage.rotation import (
    SECURITY_TIERS,
    Candidate,
    Member,
    Roster,
    author_identities,
    candidate,
    is_author,
    parse_day,
    plan,
)

DEMO_SECRET = b"triage-demo-sampling-secret-31673"
DAY = "2026-11-20"


# ------------------------------------------------------------------- roster


def test_roster_from_config():
    r = Roster.from_config(config_with({"team": {
        "members": [{"name": "alice", "emails": ["Alice@Example.com"]}, {"name": "bob", "logins": "bobgh"}, "carol"],
        "security": ["Carol"], "capacity": {"alice": 3}}}))
    assert r.names == ["alice", "bob", "carol"]
    assert r.member("ALICE").emails == frozenset({"alice@example.com"})
    assert r.member("bob").logins == frozenset({"bobgh"})
    assert r.security == frozenset({"carol"}) and r.capacity == {"alice": 3}
    assert Roster.from_config(config_with({})).members == ()


@pytest.mark.parametrize("team,msg", [
    ({"members": [{"emails": ["x@y"]}]}, "[[team.members]] #1 name: missing"),
    ({"members": [{"name": " "}]}, "name: expected a non-empty string"),
    ({"members": ["a", "A"]}, "listed twice"),
    ({"members": ["a"], "security": ["b"]}, "not in [team] members"),
    ({"members": ["a"], "capacity": {"b": 1}}, "not in [team] members"),
    ({"members": ["a"], "capacity": {"a": -1}}, "[team.capacity] a: expected an integer of at least 0, got -1"),
    ({"members": "a"}, "[team] members: expected an array"),
])
def test_roster_errors_are_one_line(team, msg):
    with pytest.raises(TriageError, match=msg.replace("[", r"\[").replace("]", r"\]")) as exc:
        Roster.from_config(config_with({"team": team}))
    assert "\n" not in str(exc.value)


def test_author_identities_include_trailers_committer_and_noreply_logins():
    row = {
        "id": "x", "tier": "LOW", "author_email": "198982749+Copilot@users.noreply.github.com",
        "committer_email": "Merger@Example.com", "author_login": "",
        "message": "Add thing\n\nCo-authored-by: Bruno Silva <Bruno@Example.com>\n"
                   "Signed-off-by: Dana <dana@example.com>\nReviewed-by: Eve <eve@example.com>\n",
    }
    emails, logins = author_identities(row)
    assert {"bruno@example.com", "merger@example.com", "dana@example.com"} <= emails
    assert "eve@example.com" not in emails
    assert logins == {"copilot"}
    bruno = Member("bruno", frozenset({"bruno@example.com"}))
    eve = Member("eve", frozenset({"eve@example.com"}))
    copilot_owner = Member("someone", logins=frozenset({"copilot"}))
    c = candidate(row)
    assert is_author(bruno, c) and is_author(copilot_owner, c) and not is_author(eve, c)
    # A GitHub merge message names the PR's head owner.
    merge = candidate({**row, "message": "Merge pull request #14 from Alice/codex/order-export\n"})
    assert "alice" in merge.logins and is_author(Member("alice"), merge)
    # A forge login matches a member's name too.
    assert is_author(Member("octo"), candidate({**row, "author_login": "Octo", "message": ""}))


def test_parse_day():
    assert parse_day("2026-11-20") == "2026-11-20"
    assert len(parse_day(None)) == 10
    with pytest.raises(TriageError, match="YYYY-MM-DD"):
        parse_day("next tuesday")


# ----------------------------------------------------------- planner rules

NAMES = [f"m{i}" for i in range(7)]


def make_roster(n: int, security: set[int] = frozenset(), capacity: dict[int, int] | None = None) -> Roster:
    members = tuple(Member(NAMES[i], frozenset({f"{NAMES[i]}@x.test"})) for i in range(n))
    return Roster(members=members, security=frozenset(NAMES[i] for i in security),
                  capacity={NAMES[i]: c for i, c in (capacity or {}).items()})


def make_candidates(spec: list[tuple[str, frozenset[int]]]) -> list[Candidate]:
    return [Candidate(id=f"git:r:{i:04x}", tier=tier, emails=frozenset(f"{NAMES[a]}@x.test" for a in authors),
                      logins=frozenset()) for i, (tier, authors) in enumerate(spec)]


def loads(result) -> Counter:
    return Counter(a.reviewer for a in result if a.reviewer)


def allowed_for(roster: Roster, cand: Candidate, assigned_reason: str) -> list[str]:
    """Members an item could have gone to under the rules (the pool it was assigned in)."""
    eligible = [m.name for m in roster.members if not is_author(m, cand)]
    if assigned_reason == "security":
        return [n for n in eligible if n in roster.security]
    return eligible


roster_sizes = st.integers(min_value=1, max_value=6)


@st.composite
def scenarios(draw, with_authors=True, with_security=True, with_capacity=False):
    n = draw(roster_sizes)
    security = draw(st.sets(st.integers(0, n - 1), max_size=n)) if with_security else set()
    capacity = (draw(st.dictionaries(st.integers(0, n - 1), st.integers(0, 8), max_size=n))
                if with_capacity else {})
    # m6 is never in a roster (at most 6 members): an author from outside the team.
    authors = st.sets(st.integers(0, 6), max_size=2) if with_authors else st.just(frozenset({6}))
    spec = draw(st.lists(st.tuples(st.sampled_from(TIERS), authors.map(frozenset)), max_size=60))
    return make_roster(n, security, capacity), make_candidates(spec)


@given(scenarios(with_capacity=True))
@settings(max_examples=300, deadline=None)
def test_no_change_ever_goes_to_an_author(sc):
    roster, cands = sc
    result = plan(cands, roster, DAY)
    assert [a.change_id for a in result] == [c.id for c in cands]
    for a, c in zip(result, cands):
        if a.reviewer is not None:
            assert not is_author(roster.member(a.reviewer), c)


@given(scenarios(with_authors=False, with_security=False))
@settings(max_examples=300, deadline=None)
def test_one_pool_without_exclusions_balances_within_one(sc):
    roster, cands = sc
    result = plan(cands, roster, DAY)
    assert all(a.reviewer for a in result)
    counts = [loads(result).get(n, 0) for n in roster.names]
    assert max(counts) - min(counts) <= 1


@given(scenarios(with_authors=False, with_security=True))
@settings(max_examples=300, deadline=None)
def test_security_pool_and_the_rest_each_balance_within_one(sc):
    roster, cands = sc
    result = plan(cands, roster, DAY)
    load = loads(result)
    for pool in (roster.security, set(roster.names) - roster.security):
        counts = [load.get(n, 0) for n in pool]
        if counts:
            assert max(counts) - min(counts) <= 1
    for a, c in zip(result, cands):
        if c.tier in SECURITY_TIERS and roster.security:
            assert a.reviewer in roster.security and a.reason == "security"


@given(scenarios(with_capacity=False))
@settings(max_examples=300, deadline=None)
def test_no_item_could_move_to_a_member_two_lighter(sc):
    """The balance guarantee with exclusions: each item's holder is at most one heavier than anyone it could go to."""
    roster, cands = sc
    result = plan(cands, roster, DAY)
    load = loads(result)
    for a, c in zip(result, cands):
        if a.reviewer is None:
            assert all(is_author(m, c) for m in roster.members)
            continue
        for other in allowed_for(roster, c, a.reason):
            assert load.get(other, 0) >= load[a.reviewer] - 1


def _member(name: str) -> Member:
    return Member(name, frozenset({f"{name}@x.test"}))


def test_an_item_with_a_choice_moves_over_so_an_item_without_one_is_not_left_unassigned():
    """Found by hypothesis: the greedy pass gave m1 the change anyone could take, which
    left no room at m1 for the changes m0 wrote; moving it to m0 places them all."""
    roster = Roster(members=(_member("m0"), _member("m1")), security=frozenset(), capacity={"m0": 2, "m1": 2})
    cands = [Candidate("git:r:0000", "LOW", frozenset(), frozenset()),
             Candidate("git:r:0001", "LOW", frozenset({"m0@x.test"}), frozenset()),
             Candidate("git:r:0002", "LOW", frozenset({"m0@x.test"}), frozenset())]
    result = plan(cands, roster, DAY, assigned_today={"m0": 1})
    assert [a.reviewer for a in result] == ["m0", "m1", "m1"]
    assert all(a.reason == "rotation" for a in result)


def test_a_security_item_moves_a_security_reviewer_s_other_item_to_make_room():
    roster = Roster(members=(_member("s0"), _member("s1"), _member("m")), security=frozenset({"s0", "s1"}),
                    capacity={"s0": 1, "s1": 1})
    cands = [Candidate("git:r:0000", "HIGH", frozenset(), frozenset()),  # either security reviewer
             Candidate("git:r:0001", "HIGH", frozenset({"s1@x.test"}), frozenset())]  # only s0
    result = plan(cands, roster, DAY, load={"s1": 1})  # so the greedy pass gives the first to s0
    assert {a.change_id: (a.reviewer, a.reason) for a in result} == {
        "git:r:0000": ("s1", "security"), "git:r:0001": ("s0", "security")}


@given(scenarios(with_capacity=True))
@settings(max_examples=300, deadline=None)
def test_capacity_is_respected_and_only_full_reviewers_leave_work_unassigned(sc):
    roster, cands = sc
    already = {roster.names[0]: 1}
    result = plan(cands, roster, DAY, assigned_today=already)
    load = loads(result)
    for name, cap in roster.capacity.items():
        assert load.get(name, 0) + already.get(name, 0) <= max(cap, already.get(name, 0))
    for a, c in zip(result, cands):
        if a.reviewer is None:
            eligible = [m.name for m in roster.members if not is_author(m, c)]
            for n in eligible:
                assert n in roster.capacity and load.get(n, 0) + already.get(n, 0) >= roster.capacity[n]


@given(scenarios(with_capacity=True), st.binary(max_size=8))
@settings(max_examples=200, deadline=None)
def test_same_day_roster_and_queue_give_the_same_assignments(sc, key):
    roster, cands = sc
    first = [a.to_dict() for a in plan(cands, roster, DAY, key=key or None)]
    again = [a.to_dict() for a in plan(list(cands), roster, DAY, key=key or None)]
    assert first == again


def test_security_falls_back_and_says_why():
    roster = make_roster(3, security={0})
    cands = make_candidates([("CRITICAL", frozenset({0})), ("HIGH", frozenset()), ("LOW", frozenset())])
    result = plan(cands, roster, DAY)
    assert result[0].reviewer in {"m1", "m2"}
    assert result[0].reason == "security fallback: every security reviewer is an author"
    assert result[1].reviewer == "m0" and result[1].reason == "security"
    assert result[2].reason == "rotation"


def test_everyone_an_author_or_full_leaves_it_unassigned_with_a_reason():
    roster = make_roster(2, capacity={1: 0})
    cands = make_candidates([("LOW", frozenset({0, 1})), ("LOW", frozenset({0}))])
    result = plan(cands, roster, DAY)
    assert result[0].reviewer is None and "author" in result[0].reason
    assert result[1].reviewer is None and "capacity" in result[1].reason


def test_ties_depend_on_the_day_and_key_not_on_roster_order():
    cands = make_candidates([("LOW", frozenset())])
    r1 = make_roster(4)
    r2 = Roster(members=tuple(reversed(r1.members)))
    assert plan(cands, r1, DAY)[0].reviewer == plan(cands, r2, DAY)[0].reviewer
    picks = {plan(cands, r1, f"2026-11-{d:02d}")[0].reviewer for d in range(1, 29)}
    assert len(picks) > 1, "the tie-break should rotate first picks across days"


def test_no_roster_is_a_one_line_error():
    with pytest.raises(TriageError, match=r"\[team\]"):
        plan([], Roster(members=()), DAY)


# ------------------------------------------------------------- acceptance


@pytest.mark.parametrize("seed", range(5))
def test_acceptance_five_people_hundred_changes(seed):
    """A 5-person roster (with a security pair), 100 changes by roster members, agents and co-authors."""
    rng = random.Random(seed)
    people = ["alice", "bruno", "carol", "dana", "eve"]
    roster = Roster.from_config(config_with({"team": {
        "members": [{"name": p, "emails": [f"{p}@example.com", f"{p}@users.example.org"]} for p in people],
        "security": ["carol", "eve"]}}))
    rows = []
    for i in range(100):
        author = rng.choice(people + ["agent"])
        email = f"{author}@example.com" if author != "agent" else "198982749+Copilot@users.noreply.github.com"
        co = rng.choice(people + [None, None])
        msg = f"change {i}\n\nCo-authored-by: {co.title()} <{co}@users.example.org>\n" if co else f"change {i}\n"
        tier = rng.choices(TIERS, weights=[50, 25, 15, 10])[0]
        rows.append({"id": f"git:shop:{i:040x}", "tier": tier, "author_email": email,
                     "committer_email": email, "author_login": "", "message": msg, "_authors": {author, co}})
    cands = [candidate(r) for r in rows]
    result = plan(cands, roster, DAY, key=b"team-secret")
    for a, r in zip(result, rows):
        assert a.reviewer is not None
        assert a.reviewer not in r["_authors"], f"{a.change_id} went to its author {a.reviewer}"
    counts = [loads(result).get(p, 0) for p in people]
    assert sum(counts) == 100
    assert max(counts) - min(counts) <= 1, counts
    assert all(a.reviewer in {"carol", "eve"} for a, c in zip(result, cands)
               if c.tier in SECURITY_TIERS and a.reason == "security")


# ------------------------------------------------------------------- CLI


@pytest.fixture
def cli(demo, tmp_path, monkeypatch, capsys):
    """Run ``triage`` with the team commands and a [team] roster on a private copy of the demo database."""
    import triage.cli

    db = demo[1]
    monkeypatch.setattr(triage.cli, "COMMAND_MODULES", ("triage.commands_team",))
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(
        '[team]\n'
        'members = [\n'
        '  {name = "alice", emails = ["alice@example.com"]},\n'
        '  {name = "bruno", emails = ["bruno@example.com"]},\n'
        '  {name = "chen", emails = ["chen@example.com"]},\n'
        '  {name = "dana", emails = ["dana@example.com"]},\n'
        ']\n'
        'security = ["bruno", "chen"]\n')
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = triage.cli.main([*argv, "--db", str(db)])
        out = capsys.readouterr()
        return code, out.out, out.err

    run.db = db
    return run


def test_cli_assign_writes_rows_never_to_authors_and_is_idempotent(cli):
    from triage.store import Store

    code, out, err = cli("assign", "--day", DAY, "--all", "--json")
    assert code == 0, err
    plan_ = json.loads(out)["assignments"]
    assert plan_ and all(a["reviewer"] for a in plan_)
    with Store(cli.db) as store:
        rows = {r["id"]: r for r in store.query("SELECT * FROM changes")}
        kept = store.query("SELECT change_id, reviewer, reason FROM assignments")
        assert len(kept) == len(plan_)
        roster = Roster.from_config(config_with({"team": {"members": [
            {"name": n, "emails": [f"{n}@example.com"]} for n in ("alice", "bruno", "chen", "dana")]}}))
        for a in kept:
            assert rows[a["change_id"]]["assignee"] == a["reviewer"]
            assert not is_author(roster.member(a["reviewer"]), candidate_from_store(store, rows[a["change_id"]]))
    counts = Counter(a["reviewer"] for a in plan_)
    assert max(counts.values()) - min(counts.values()) <= 1 or len(counts) < 4
    code, out, _ = cli("assign", "--day", DAY, "--all")
    assert code == 0 and "nothing to assign" in out
    code, out, _ = cli("queue", "--all", "--json", "--reviewer", "dana")
    assert code == 0 and all(i["assignee"] == "dana" for i in json.loads(out))


def test_cli_assign_dry_run_writes_nothing(cli):
    from triage.store import Store

    code, out, _ = cli("assign", "--day", DAY, "--dry-run")
    assert code == 0 and "would assign" in out
    with Store(cli.db) as store:
        assert store.query("SELECT COUNT(*) AS n FROM assignments")[0]["n"] == 0


def test_cli_handover_refuses_the_author_and_records_the_previous_reviewer(cli):
    from triage.store import Store

    # 7737a78f6f "Add sales report endpoint" is authored by alice@example.com (with Claude).
    code, out, err = cli("handover", "7737a78f6f", "--to", "alice")
    assert code == 2 and "author" in err and err.count("\n") == 1
    code, out, err = cli("handover", "7737a78f6f", "--to", "dana", "--note", "alice is away")
    assert code == 0, err
    code, out, err = cli("handover", "7737a78f6f", "--to", "bruno")
    assert code == 0 and "from dana" in out
    # The demo's merge commit is Bruno's, but Alice wrote the merged side branch: she is an author too.
    code, _, err = cli("handover", "bbaf5a7284", "--to", "alice")
    assert code == 2 and "alice is an author" in err
    code, _, err = cli("handover", "7737a78f6f", "--to", "zed")
    assert code == 2 and "not in the [team] roster" in err
    with Store(cli.db) as store:
        rows = store.query("SELECT reviewer, reason, handed_over_from FROM assignments ORDER BY id")
        assert rows == [{"reviewer": "dana", "reason": "handover: alice is away", "handed_over_from": None},
                        {"reviewer": "bruno", "reason": "handover", "handed_over_from": "dana"}]
        assert store.get_change(store.resolve_id("7737a78f6f"))["assignee"] == "bruno"


def test_cli_assign_without_a_roster_is_a_one_line_error(cli, tmp_path, monkeypatch):
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    monkeypatch.setenv("TRIAGE_CONFIG", str(empty))
    code, _, err = cli("assign")
    assert code == 2 and "no [team] roster" in err and err.count("\n") == 1


def test_candidate_from_store_adds_a_merges_side_branch_authors(demo):
    """Rows leave the store decoded (``parents`` a list), so a merge's side-branch authors are
    found from the row ``get_change`` returns; they may not review the merge either."""
    from triage.rotation import candidate
    from triage.rotation_store import candidate_from_store
    from triage.store import Store

    _, db = demo
    with Store(db) as store:
        cid = store.query("SELECT id FROM changes WHERE is_merge = 1")[0]["id"]
        row = store.get_change(cid)
        assert isinstance(row["parents"], list) and len(row["parents"]) == 2
        merged = candidate_from_store(store, row)
    assert merged.emails > candidate(row).emails  # the side branch's author joins the merge's
