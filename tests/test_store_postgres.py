"""The shared PostgreSQL store: two processes on one database never assign a change twice, outbox
leases hold across connections, both engines answer every operation (and the CLI) the same,
and what PostgreSQL cannot do yet is one line."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.errors import TriageError
from triage.store import Store

DAY = "2026-11-20"


def _rows(n: int) -> list[dict]:
    return [{"id": f"git:r:{i:040x}", "source": "git", "repo": "r", "sha": f"{i:040x}", "title": f"c{i}",
             "analyzed": 1, "tier": "LOW", "tier_rank": 0, "authored_at": i, "kind": "ai", "agent": "claude",
             "files": "[]"} for i in range(n)]


def _add_changes(target, n: int) -> list[str]:
    rows = _rows(n)
    with Store(target) as s, s.write():
        s.save_changes(rows, {})
    return [r["id"] for r in rows]


def _take_all(url: str, reviewer: str, ids: list[str], seed: int, start) -> None:
    """One reviewer's process: take every change still unassigned, one transaction each, in its own order."""
    order = list(ids)
    random.Random(seed).shuffle(order)
    with Store(url) as store:
        start.wait()
        for cid in order:
            store.assign_many([(cid, reviewer, "took it")], only_if_unassigned=True)


def test_two_processes_assigning_from_one_postgres_database_never_assign_a_change_twice(pg_url):
    ids = _add_changes(pg_url, 300)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    procs = [ctx.Process(target=_take_all, args=(pg_url, name, ids, seed, start))
             for name, seed in (("ana", 1), ("bo", 2))]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0, 0]
    with Store(pg_url) as s:
        rows = s.query("SELECT change_id, reviewer FROM assignments")
        assignees = {r["id"]: r["assignee"] for r in s.query("SELECT id, assignee FROM changes")}
    per_change = Counter(r["change_id"] for r in rows)
    assert sorted(per_change) == sorted(ids) and set(per_change.values()) == {1}  # each change once, none twice
    assert all(assignees[r["change_id"]] == r["reviewer"] for r in rows)


def _triage(*argv: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "triage", *argv], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _team_env(tmp_path) -> dict:
    config = tmp_path / "config.toml"
    config.write_text('[team]\nmembers = [\n'
                      + "".join(f'  {{name = "{n}", emails = ["{n}@example.com"]}},\n'
                                for n in ("alice", "bruno", "chen", "dana"))
                      + ']\nsecurity = ["bruno", "chen"]\n')
    return {**os.environ, "TRIAGE_CONFIG": str(config)}


def test_two_triage_assign_commands_at_once_on_one_postgres_database_assign_each_change_once(
        demo_build, demo_secret, pg_url, tmp_path):
    from triage.ingest import ingest

    repo, _ = demo_build
    with Store(pg_url) as s:
        ingest(s, repo, include_all=True, secret=demo_secret)
    env = _team_env(tmp_path)
    runs = [_triage("assign", "--day", DAY, "--all", "--json", "--db", pg_url, env=env) for _ in range(2)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in runs]
    assert [code for _, _, code in results] == [0, 0], [err for _, err, _ in results]
    planned = {a["change_id"] for out, _, _ in results for a in json.loads(out)["assignments"] if a["reviewer"]}
    with Store(pg_url) as s:
        rows = s.query("SELECT change_id, reviewer FROM assignments")
    per_change = Counter(r["change_id"] for r in rows)
    assert planned and set(per_change) == planned and set(per_change.values()) == {1}
    again = _triage("assign", "--day", DAY, "--all", "--db", pg_url, env=env)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0 and "nothing to assign" in out, err


def test_an_outbox_lease_taken_on_one_connection_is_seen_by_another(pg_url):
    cid = _add_changes(pg_url, 1)[0]
    with Store(pg_url) as s:
        s.record_verdict(cid, "approve", outbox=[{"action": "comment", "target": "o/r#1", "body": "b"}])
    with Store(pg_url) as host_a, Store(pg_url) as host_b:
        free = lambda row: row["lease_until"] <= 10.0  # noqa: E731 - the caller's "not leased by someone else"
        got = host_a.claim_post(10.0, "host-a", 100.0, free)
        assert got is not None and got["target"] == "o/r#1" and not got["was_leased"] and "rowid" not in got
        assert host_b.claim_post(10.0, "host-b", 100.0, free) is None  # held by host-a's lease
        assert host_b.update_leased_post(got["id"], "host-b", 11.0, state="done") is False
        assert host_a.update_leased_post(got["id"], "host-a", 11.0, state="done") is True
        assert host_b.posts_pending() == 0


def test_an_outbox_claim_passes_over_rows_another_transaction_is_claiming(pg_url):
    cid = _add_changes(pg_url, 1)[0]
    with Store(pg_url) as s:
        s.record_verdict(cid, "approve", outbox=[{"action": "comment", "target": t, "body": "b"}
                                                 for t in ("o/r#1", "o/r#2")])
    with Store(pg_url) as host_a, Store(pg_url) as host_b:
        host_b.conn.execute("SET lock_timeout = '10s'")  # a claim that waited for the lock fails, not hangs
        seen: list[str] = []

        def pick_while_the_other_host_claims(row):  # host-b claims while host-a holds its rows locked
            seen.append(row["target"])
            inner = host_b.claim_post(10.0, "host-b", 100.0, lambda r: True)
            assert inner is None  # every due row is locked by host-a's claim: skipped, not waited for
            return True

        got = host_a.claim_post(10.0, "host-a", 100.0, pick_while_the_other_host_claims)
        assert got["target"] == "o/r#1" and seen == ["o/r#1"]
        later = host_b.claim_post(10.0, "host-b", 100.0, lambda r: r["lease_owner"] == "")
        assert later is not None and later["target"] == "o/r#2"


def test_the_cli_answers_the_same_on_postgres_as_on_sqlite(demo, demo_secret, pg_url, capsys, monkeypatch, tmp_path):
    from triage.cli import main
    from triage.ingest import ingest

    repo, sqlite_db = demo
    with Store(pg_url) as s:
        ingest(s, repo, include_all=True, secret=demo_secret)
    monkeypatch.setenv("TRIAGE_CONFIG", _team_env(tmp_path)["TRIAGE_CONFIG"])
    script = [("queue", "--all", "--json"), ("show", "7737a78f6f"),
              ("verdict", "7737a78f6f", "--needs-fix", "--note", "no auth", "--reviewer", "dana"),
              ("verdict", "65b321315f", "--approve", "--reviewer", "bruno"),
              ("queue", "--json"),
              ("assign", "--day", DAY, "--all", "--json"), ("handover", "7737a78f6f", "--to", "bruno"),
              ("queue", "--all", "--reviewer", "bruno"), ("stats", "--json"), ("show", "65b321315f")]

    def run(db) -> list[tuple[int, str]]:
        said = []
        for argv in script:
            capsys.readouterr()
            code = main([*argv, "--db", str(db)])
            out = capsys.readouterr()
            text = (out.out + out.err).replace(str(db), "DB")
            text = re.sub(r"\(verdict [0-9a-f]{12}\)", "(verdict ID)", text)  # ids are random
            said.append((code, re.sub(r'"generated_at": "[^"]*"', '"generated_at": NOW', text)))
        return said

    on_sqlite, on_pg = run(sqlite_db), run(pg_url)
    assert [c for c, _ in on_sqlite] == [0] * len(script) and all(text.strip() for _, text in on_sqlite)
    for argv, a, b in zip(script, on_sqlite, on_pg):
        assert a == b, argv


def test_a_nul_in_a_change_s_text_does_not_keep_it_out_of_a_postgres_queue(db_target):
    row = {"id": "git:r:abc", "source": "git", "repo": "r", "sha": "abc", "title": "fix\x00 tail", "analyzed": 1,
           "tier": "HIGH", "tier_rank": 2, "authored_at": 1, "kind": "ai", "agent": "claude", "files": "[]",
           "message": "fix\x00 tail\n\nbody"}
    with Store(db_target) as s:
        with s.write():
            s.save_changes([row], {})
        title = s.get_change("git:r:abc")["title"]
        assert [r["id"] for r in s.queue_rows()] == ["git:r:abc"]
    on_sqlite = isinstance(db_target, os.PathLike)
    assert title == ("fix\x00 tail" if on_sqlite else "fix\u2400 tail")  # on PostgreSQL, made visible


def _store_scenario(target) -> dict:
    """Every group of the store's operations, once, and what each read then answers."""
    _add_changes(target, 3)
    with Store(target) as s:
        a, b, c = (f"git:r:{i:040x}" for i in range(3))
        first = s.record_verdict(a, "needs-fix", note="n", reviewer="ana", seconds_spent=30.0,
                                 outbox=[{"action": "comment", "target": "o/r#1", "body": "x"}])
        left = s.withdraw_verdict(a, first, reviewer="ana")
        s.record_verdict(b, "approve", reviewer="ana")
        new = [s.import_verdict(b, "v-bo", "needs-fix", "bo", f"{1:040x}", 5.0, "github:bo") for _ in range(2)]
        s.answer_checklist(c, "sec-input", "yes")
        s.clear_checklist_answer(c, "sec-input")
        s.assign(a, "ana", "rotation", None, now=1.0)
        s.assign(a, "bo", "handover", "ana", now=2.0)
        written = s.assign_many([(a, "cy", "r"), (b, "cy", "r")])
        s.add_escape("e1", c, "broke", "https://x/1", 3.0, now=4.0)
        found = s.add_found_escapes([("e1", c, "", "", 3.0), ("e2", c, "again", "https://x/2", 5.0)])
        s.record_forge_remote("github", "o/r", "https://api.github.com", "o/r2")
        s.set_cursor("k", "one", now=1.0)
        s.set_cursor("k", "two", now=2.0)
        with s.write():
            s.set_ingest_head("r:main", "/src/r", "abc")
            s.set_ingest_head("r:main", "/src/r", "def")
        s.record_verdict(c, "approve", reviewer="bo", outbox=[{"action": "comment", "target": t, "body": "y"}
                                                              for t in ("o/r#2", "o/r#3")])
        s.pause_posts(lambda t: t == "o/r#3", 50.0, 1.0)
        s.record_review_time(c, 12.5, reviewer="bo")
        return {
            "left": left, "new": new, "written": written, "found": found,
            "latest": {k: (v["verdict"], v["reviewer"], v["conflict"]) for k, v in s.latest_verdicts().items()},
            "history": [(v["verdict"], v["reviewer"], v["superseded"]) for v in s.verdicts_for(a)],
            "answers": s.checklist_answers(c),
            "assignees": {k: (v.reviewer, v.reason, v.handed_over_from) for k, v in s.current_assignees().items()},
            "last": s.last_assignee(a), "escapes": [e["id"] for e in s.escapes_for(c)],
            "remotes": s.forge_remotes(), "identity": s.forge_identity("github", "https://api.github.com", "o/r2"),
            "cursor": s.cursor("k"), "head": s.ingest_head("r:main"), "waiting": s.posts_waiting(),
            "leases": sorted((r["target"], r["next_attempt_at"]) for r in s.pending_leases()),
            "targets": s.pending_targets(),
            "sessions": s.session_seconds(), "verdict_seconds": s.verdict_seconds(),
            "reviewers": s.reviewers(), "agents": s.agents(), "escape_counts": s.escape_counts(),
            "known": sorted(s.known_ids([a, b, "git:r:none"])), "resolve": s.resolve_id(f"{2:040x}"),
            "controls": [r["id"] for r in s.control_rows()], "queue": sorted(r["id"] for r in s.queue_rows()),
        }


def test_every_store_operation_answers_the_same_on_both_engines(pg_url, tmp_path):
    assert _store_scenario(pg_url) == _store_scenario(tmp_path / "t.db")


_OPS = st.lists(st.one_of(
    st.tuples(st.just("verdict"), st.integers(0, 2), st.sampled_from(["approve", "needs-fix", "revert"]),
              st.sampled_from(["ana", "bo"])),
    st.tuples(st.just("withdraw"), st.integers(0, 2), st.sampled_from(["ana", "bo"])),
    st.tuples(st.just("import"), st.integers(0, 2), st.sampled_from(["v1", "v2"]),
              st.sampled_from(["approve", "revert"])),
    st.tuples(st.just("assign"), st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["ana", "bo", "cy"])),
                                          max_size=3)),
    st.tuples(st.just("handover"), st.integers(0, 2), st.sampled_from(["ana", "bo", "cy"])),
    st.tuples(st.just("viewed"), st.integers(0, 2), st.sampled_from(["a.py", "b.py"]), st.booleans(),
              st.integers(0, 3)),
    st.tuples(st.just("head"), st.integers(0, 2), st.sampled_from(["aaa", "bbb"])),
), max_size=12)


def _play(s, ops) -> list:
    """Run ``ops`` on store ``s``; what each read answers afterwards (times left out: each run has its own)."""
    ids = [f"git:r:{i:040x}" for i in range(3)]
    said: list = []
    for op in ops:
        kind, args = op[0], op[1:]
        try:
            if kind == "verdict":
                s.record_verdict(ids[args[0]], args[1], reviewer=args[2])
            elif kind == "withdraw":
                mine = [v for v in s.verdicts_for(ids[args[0]]) if v["reviewer"] == args[1]]
                said.append(s.withdraw_verdict(ids[args[0]], mine[-1]["id"], reviewer=args[1]) if mine else None)
            elif kind == "import":
                said.append(s.import_verdict(ids[args[0]], args[1], args[2], "dee", None, 1.0, "github:dee"))
            elif kind == "assign":
                said.append(s.assign_many([(ids[i], who, "r") for i, who in args[0]]))
            elif kind == "handover":
                s.assign(ids[args[0]], args[1], "handover", s.last_assignee(ids[args[0]]))
            elif kind == "viewed":
                s.set_viewed(ids[args[0]], args[1], args[2], reviewer="ana", at=float(args[3]))
            elif kind == "head":
                with s.write():
                    s.save_changes([{**_rows(3)[args[0]], "sha": args[1] + f"{args[0]:037x}"}], {})
        except TriageError as exc:
            said.append(("refused", str(exc).split(":")[0]))
    latest = {k: (v["verdict"], v["reviewer"], v["conflict"], v["given"]) for k, v in s.latest_verdicts().items()}
    history = {cid: [(v["verdict"], v["reviewer"], v["superseded"]) for v in s.verdicts_for(cid)] for cid in ids}
    return [said, latest, history, sorted(s.superseded_verdicts()),
            {k: (v.reviewer, v.handed_over_from) for k, v in s.current_assignees().items()},
            [sorted(s.viewed_paths(cid, "ana")) for cid in ids], s.reviewers()]


def test_any_sequence_of_review_operations_leaves_both_engines_in_the_same_state(pg_url, tmp_path_factory):
    import psycopg

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_OPS)
    def check(ops):
        _add_changes(pg_url, 3)
        try:
            with Store(pg_url) as pg:
                on_pg = _play(pg, ops)
        finally:
            with psycopg.connect(pg_url, autocommit=True) as raw:  # TRUNCATE fires no row triggers
                raw.execute("TRUNCATE changes, findings, verdicts, checklist_answers, outbox, assignments, "
                            "viewed_files, review_sessions, escapes")
        path = tmp_path_factory.mktemp("engines") / "t.db"
        _add_changes(path, 3)
        with Store(path) as lite:
            assert on_pg == _play(lite, ops)

    check()


def test_a_server_that_cannot_be_reached_is_one_line_without_the_password(capsys):
    from triage.cli import main

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["queue", "--db", f"postgresql://ana:s3cret@127.0.0.1:{port}/triage"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("triage: error: cannot connect to the PostgreSQL database ")
    assert "s3cret" not in err and f"postgresql://ana:***@127.0.0.1:{port}/triage" in err


def _renamed(target) -> list:
    """Store a repository under an old key (a verdict, marks, an assignment, a head; one change also
    under the new key), rename it, and read back everything the rename touches."""
    old_rows = [{**row, "id": row["id"].replace("git:r:", "git:old:"), "repo": "old", "repo_path": "/src/r"}
                for row in _rows(2)]
    with Store(target) as s:
        with s.write():
            s.save_changes(old_rows + [{**old_rows[0], "id": old_rows[0]["id"].replace("old", "new"), "repo": "new"}],
                           {old_rows[1]["id"]: [{"rule": "r1", "severity": "high", "path": "a.py", "line": 1,
                                                 "message": "m", "question": "q", "suppressed": False}]})
            s.set_ingest_head("old:main", "/src/r", "abc")
        for row in old_rows:
            s.record_verdict(row["id"], "approve", reviewer="ana")
            s.set_viewed(row["id"], "a.py", True, reviewer="ana", at=1.0)
        s.set_viewed(old_rows[0]["id"].replace("old", "new"), "a.py", False, reviewer="ana", at=2.0)
        s.assign_many([(old_rows[1]["id"], "bo", "r")])
        moved = s.rekey_moved_repo("/src/r", "new")
        ids = sorted(r["id"] for r in s.query("SELECT id FROM changes"))
        refused = []
        for sql in ("UPDATE verdicts SET verdict = 'revert'", "DELETE FROM assignments"):
            try:
                with s.write() as conn:
                    conn.execute(sql)
            except TriageError as exc:
                refused.append("append-only" in str(exc))
        return [moved, ids, {k: v["verdict"] for k, v in s.latest_verdicts().items()},
                {k: v.reviewer for k, v in s.current_assignees().items()},
                [sorted(s.viewed_paths(i, "ana")) for i in ids], s.ingest_head("new:main"), s.ingest_head("old:main"),
                [(f["rule"], f["line"]) for i in ids for f in s.findings_for(i)], refused]


def test_renaming_a_repository_key_does_the_same_on_both_engines(pg_url, tmp_path):
    on_sqlite = _renamed(tmp_path / "t.db")
    assert on_sqlite[0] == ["old"] and all("git:old:" not in i for i in on_sqlite[1])
    assert on_sqlite[-1] == [True, True]  # the append-only guards are back
    assert _renamed(pg_url) == on_sqlite


def _open_at_once(url: str, start) -> None:
    start.wait()
    Store(url).close()


def test_processes_opening_a_new_postgres_database_at_once_migrate_it_once(pg_url):
    from triage.store.migrations import PG_MIGRATIONS_TABLE, pending_migrations

    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(3)
    procs = [ctx.Process(target=_open_at_once, args=(pg_url, start)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    with Store(pg_url, migrate=False) as s:
        names = [r["name"] for r in s.query(f"SELECT name FROM {PG_MIGRATIONS_TABLE}")]
        assert pending_migrations(s.conn) == [] and len(names) == len(set(names))


def test_the_demo_can_be_built_into_a_postgres_database(pg_url, tmp_path, capsys):
    from triage.cli import main

    assert main(["demo", "--no-tui", "--dir", str(tmp_path / "demo"), "--db", pg_url]) == 0
    out = capsys.readouterr().out
    assert "Tighten admin check" in out and f"demo database:   {pg_url}" in out
    with Store(pg_url) as s:
        assert len(s.queue_rows(include_all=True)) > 10


def test_a_database_url_of_another_kind_is_one_line_and_creates_nothing(tmp_path, monkeypatch, capsys):
    from triage.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["queue", "--db", "mysql://ana@db/triage"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "mysql://… is not a kind triage opens" in err
    assert list(tmp_path.iterdir()) == []
