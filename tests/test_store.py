"""The store: private file, WAL, append-only verdicts, clear errors, nothing lost."""

import json
import os
import sqlite3
import stat

import psycopg
import pytest

from triage.errors import TriageError
from triage.store import Store

DB_ERRORS = (sqlite3.DatabaseError, psycopg.Error)
"""What either engine raises when a statement is refused."""


def add_change(store, cid="git:r:abc", sha="abc"):
    row = {"id": cid, "source": "git", "repo": "r", "sha": sha, "title": "t", "analyzed": 1, "tier": "LOW",
           "tier_rank": 0, "authored_at": 1, "kind": "ai", "agent": "claude", "files": json.dumps([])}
    with store.write():
        store.save_changes([row], {cid: []})
    return cid


def test_database_is_created_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "t.db"
    with Store(path) as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_loose_existing_file_is_tightened(tmp_path):
    path = tmp_path / "t.db"
    Store(path).close()
    os.chmod(path, 0o644)
    Store(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_migrations_run_once_and_reopen_cleanly(tmp_path):
    path = tmp_path / "t.db"
    Store(path).close()
    with Store(path) as s:
        names = [r["name"] for r in s.query("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == sorted(set(names)) and "m001_initial" in names


def test_postgres_gets_the_same_migrations_in_the_same_order_once(pg_url, tmp_path):
    from triage.store.migrations import PG_MIGRATIONS_TABLE, pending_migrations

    with Store(tmp_path / "t.db") as s:
        on_sqlite = [r["name"] for r in s.query("SELECT name FROM _sqlite_migrations ORDER BY id")]
    Store(pg_url).close()
    with Store(pg_url) as s:  # a second open finds nothing left to do
        assert pending_migrations(s.conn) == []
        on_pg = [r["name"] for r in s.query(f"SELECT name FROM {PG_MIGRATIONS_TABLE} ORDER BY id")]
    assert on_pg == on_sqlite and on_pg[0] == "m001_initial"


def test_verdicts_are_append_only_and_the_latest_wins(db_target):
    with Store(db_target) as s:
        cid = add_change(s)
        s.record_verdict(cid, "needs-fix", note="first")
        s.record_verdict(cid, "approve", note="fixed upstream")
        assert [v["verdict"] for v in s.verdicts_for(cid)] == ["needs-fix", "approve"]
        assert s.latest_verdicts()[cid]["verdict"] == "approve"
        with pytest.raises(DB_ERRORS, match="append-only"):
            s.conn.execute("UPDATE verdicts SET verdict = 'approve'")
        with pytest.raises(DB_ERRORS, match="append-only"):
            s.conn.execute("DELETE FROM verdicts")
        assert len(s.verdicts_for(cid)) == 2


def test_unknown_verdict_and_unknown_change_are_refused(db_target):
    with Store(db_target) as s:
        cid = add_change(s)
        with pytest.raises(TriageError, match="unknown verdict"):
            s.record_verdict(cid, "lgtm")
        with pytest.raises(TriageError, match="unknown change id"):
            s.record_verdict("git:r:nope", "approve")
        assert s.verdicts_for(cid) == []


def test_checklist_answers_keep_history_and_latest_wins(db_target):
    with Store(db_target) as s:
        cid = add_change(s)
        s.answer_checklist(cid, "sec-input", "no", note="not validated")
        s.answer_checklist(cid, "sec-input", "yes", note="validated in the caller")
        ans = s.checklist_answers(cid)
        assert ans["sec-input"]["answer"] == "yes"
        with pytest.raises(TriageError):
            s.answer_checklist(cid, "sec-input", "maybe")


def test_viewed_marks_are_per_reviewer_and_the_latest_wins(db_target):
    with Store(db_target) as s:
        cid = add_change(s)
        s.set_viewed(cid, "app/a.py", True, reviewer="ana")
        s.set_viewed(cid, "app/b.py", True, reviewer="ana")
        s.set_viewed(cid, "app/b.py", False, reviewer="ana")
        s.set_viewed(cid, "app/c.py", True, reviewer="bo")
        s.set_viewed(cid, "app/d.py", False, reviewer="bo", at=200.0)
        s.set_viewed(cid, "app/d.py", True, reviewer="bo", at=100.0)  # an earlier toggle, written late: ignored
    with Store(db_target) as s:  # kept on disk
        assert s.viewed_paths(cid, "ana") == {"app/a.py"}
        assert s.viewed_paths(cid, "bo") == {"app/c.py"}
        assert s.viewed_paths("git:r:other", "ana") == set()


def test_a_database_from_before_viewed_marks_gets_them_on_open(tmp_path):
    path = tmp_path / "t.db"
    with Store(path) as s:
        cid = add_change(s)
    with sqlite3.connect(path) as conn:  # as an older triage left it
        conn.execute("DROP TABLE viewed_files")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_viewed_files'")
    with Store(path) as s:
        s.set_viewed(cid, "x.py", True)
        assert s.viewed_paths(cid) == {"x.py"}
        assert s.get_change(cid) is not None  # nothing else touched


def test_a_verdict_holds_for_the_head_it_was_given_at(db_target):
    with Store(db_target) as s:
        cid = add_change(s, "github:o/r#3", "aaa111")
        s.record_verdict(cid, "approve", reviewer="ana")
        assert s.latest_verdicts()[cid]["sha"] == "aaa111" and s.superseded_verdicts() == {}
        add_change(s, "github:o/r#3", "bbb222")  # a sync saw new commits on the pull request
        assert cid not in s.latest_verdicts()  # unreviewed again
        old = s.superseded_verdicts()[cid]
        assert (old["verdict"], old["reviewer"], old["sha"]) == ("approve", "ana", "aaa111")
        s.record_verdict(cid, "needs-fix", reviewer="bo")
        assert s.latest_verdicts()[cid]["verdict"] == "needs-fix" and s.superseded_verdicts() == {}
        assert [v["sha"] for v in s.verdicts_for(cid)] == ["aaa111", "bbb222"]  # nothing rewritten


def test_verdicts_from_before_heads_were_kept_still_count(tmp_path):
    path = tmp_path / "t.db"
    with Store(path) as s:
        cid = add_change(s)
    with sqlite3.connect(path) as conn:  # as an older triage left it: verdicts without a head
        conn.execute("ALTER TABLE verdicts DROP COLUMN sha")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_verdict_sha'")
        conn.execute("INSERT INTO verdicts (id, change_id, verdict, reviewer, created_at) "
                     "VALUES ('v1', ?, 'approve', 'ana', 1.0)", (cid,))
    with Store(path) as s:
        assert s.latest_verdicts()[cid]["verdict"] == "approve"
        assert s.latest_verdicts()[cid]["sha"] is None and s.superseded_verdicts() == {}


def test_resolve_id_accepts_full_ids_and_unique_sha_prefixes(db_target):
    with Store(db_target) as s:
        add_change(s, "git:r:abcdef12", "abcdef12")
        add_change(s, "git:r:abcdff34", "abcdff34")
        assert s.resolve_id("git:r:abcdef12") == "git:r:abcdef12"
        assert s.resolve_id("abcde") == "git:r:abcdef12"
        with pytest.raises(TriageError, match="ambiguous"):
            s.resolve_id("abcd")
        with pytest.raises(TriageError, match="unknown change id"):
            s.resolve_id("abc")  # too short to be a sha prefix
        with pytest.raises(TriageError, match="unknown change id"):
            s.resolve_id("ffff")
        with pytest.raises(TriageError, match="unknown change id"):
            s.resolve_id("%")


def test_a_corrupt_file_is_named_and_left_untouched(tmp_path):
    path = tmp_path / "t.db"
    junk = b"this is not sqlite\x00" * 300
    path.write_bytes(junk)
    with pytest.raises(TriageError) as err:
        Store(path)
    assert str(path) in str(err.value)
    assert "corrupt" in str(err.value)
    assert path.read_bytes() == junk


def test_a_locked_database_gives_a_clear_error_and_loses_nothing(tmp_path, monkeypatch):
    import triage.store.connection as store_mod

    path = tmp_path / "t.db"
    with Store(path) as s:
        cid = add_change(s)
        s.record_verdict(cid, "approve")
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(TriageError, match="locked"):
            s2 = Store(path)
            s2.record_verdict(cid, "needs-fix")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store(path) as s:
        assert [v["verdict"] for v in s.verdicts_for(cid)] == ["approve"]


def test_two_writers_both_succeed(db_target):
    import threading

    path = db_target
    with Store(path) as s:
        cid = add_change(s)
    errors = []

    def writer(tag):
        try:
            with Store(path) as st:
                for i in range(25):
                    st.record_verdict(cid, "approve", note=f"{tag}-{i}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(path) as s:
        assert len(s.verdicts_for(cid)) == 50
        assert s.integrity_ok()


def test_a_directory_in_place_of_the_database_is_a_clear_error(tmp_path):
    (tmp_path / "t.db").mkdir()
    with pytest.raises(TriageError, match="t.db"):
        Store(tmp_path / "t.db")


def test_an_empty_database_file_is_refused_and_left_untouched(tmp_path, capsys):
    from triage.cli import main

    path = tmp_path / "t.db"
    path.write_bytes(b"")
    old = os.stat(path).st_mtime - 3600
    os.utime(path, (old, old))  # an empty file that has been there a while: a lost database
    with pytest.raises(TriageError, match="empty \\(0-byte\\) file, not a triage database") as err:
        Store(path)
    assert str(path) in str(err.value)
    assert path.read_bytes() == b"" and not (tmp_path / "t.db-wal").exists()
    assert main(["queue", "--db", str(path)]) == 2
    err_line = capsys.readouterr().err.strip()
    assert err_line.count("\n") == 0 and err_line.startswith("triage: error: database ")


def test_a_database_triage_creates_opens_and_a_fresh_empty_one_is_a_concurrent_creator(tmp_path):
    path = tmp_path / "new.db"
    with Store(path) as s:  # created just now by this call
        add_change(s)
    path2 = tmp_path / "racing.db"
    path2.write_bytes(b"")  # another triage process created it an instant ago and has not written yet
    with Store(path2) as s:
        assert s.query("SELECT count(*) AS n FROM changes") == [{"n": 0}]


def test_findings_from_before_suppression_origins_were_kept_read_as_unknown(tmp_path):
    path = tmp_path / "t.db"
    with Store(path) as s:
        cid = add_change(s)
    with sqlite3.connect(path) as conn:  # as an older triage left it: no suppressed_by column
        conn.execute("ALTER TABLE findings DROP COLUMN suppressed_by")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_suppression_origin'")
        for suppressed in (0, 1):
            conn.execute("INSERT INTO findings (change_id, rule, severity, path, line, message, question, suppressed)"
                         " VALUES (?, 'eval-exec', 'high', 'a.py', ?, 'm', 'q', ?)", (cid, 1 + suppressed, suppressed))
    with Store(path) as s:
        got = [(f["line"], f["suppressed"], f["suppressed_by"]) for f in s.findings_for(cid)]
    assert got == [(1, False, ""), (2, True, "unknown")]
