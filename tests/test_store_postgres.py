"""The shared PostgreSQL store: two processes on one database never assign a change twice, outbox
leases hold across connections, and the CLI answers the same on PostgreSQL as on SQLite."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
from collections import Counter

from triage.store import Store

DAY = "2026-11-20"


def _add_changes(url: str, n: int) -> list[str]:
    rows = [{"id": f"git:r:{i:040x}", "source": "git", "repo": "r", "sha": f"{i:040x}", "title": f"c{i}",
             "analyzed": 1, "tier": "LOW", "tier_rank": 0, "authored_at": i, "kind": "ai", "agent": "claude",
             "files": "[]"} for i in range(n)]
    with Store(url) as s, s.write():
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
        demo_build, pg_url, tmp_path):
    from triage.ingest import ingest

    from conftest import DEMO_SECRET

    repo, _ = demo_build
    with Store(pg_url) as s:
        ingest(s, repo, include_all=True, secret=DEMO_SECRET)
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


def test_the_cli_answers_the_same_on_postgres_as_on_sqlite(demo, pg_url, capsys, monkeypatch, tmp_path):
    from triage.cli import main
    from triage.ingest import ingest

    from conftest import DEMO_SECRET

    repo, sqlite_db = demo
    with Store(pg_url) as s:
        ingest(s, repo, include_all=True, secret=DEMO_SECRET)
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
            said.append((code, re.sub(r"\(verdict [0-9a-f]{12}\)", "(verdict ID)", text)))  # ids are random
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
