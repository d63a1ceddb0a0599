"""Tests for triage.escapes: recording by hand, and scanning reverts and ``Fixes:`` trailers."""

from __future__ import annotations

import json

import pytest
from gitrepo import RepoBuilder
from test_rotation import DEMO_SECRET, cli  # noqa: F401 - the shared `cli` fixture

from triage.errors import TriageError
from triage.escapes import escapes_for, record_escape, references, scan
from triage.store import Store


def test_references():
    msg = ('Revert "Add login"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n\n'
           'Fixes: abcdef123456 ("Add cache")\nfixes: not-a-sha\n')
    assert references(msg) == [("revert", "0123456789abcdef0123456789abcdef01234567"),
                               ("fixes", "abcdef123456")]
    assert references("Fix the login bug, fixes #12") == []


@pytest.fixture
def history(tmp_path):
    """A repository where a later commit reverts one change and another fixes a second."""
    from triage.ingest import ingest

    b = RepoBuilder(tmp_path / "shop")
    login = b.commit({"auth.py": "def login(u, p):\n    return True\n"}, "Add login")
    cache = b.commit({"cache.py": "CACHE = {}\n"}, "Add cache", name="Bob", email="bob@example.com")
    revert = b.commit({"auth.py": None},
                      f'Revert "Add login"\n\nThis reverts commit {login}.\n')
    fix = b.commit({"cache.py": "CACHE: dict = {}\n"},
                   f'Fix the cache type\n\nFixes: {cache[:12]} ("Add cache")\nFixes: deadbeef1234 ("gone")\n')
    db = tmp_path / "t.db"
    with Store(db) as store:
        ingest(store, b.path, include_all=True, secret=DEMO_SECRET)
    return db, {"login": login, "cache": cache, "revert": revert, "fix": fix}


def test_scan_finds_reverts_and_fixes_and_is_idempotent(history):
    db, sha = history
    with Store(db) as store:
        found = scan(store)
        assert sorted((f.how, f.target.rsplit(":", 1)[1], f.sha) for f in found) == sorted([
            ("revert", sha["login"], sha["revert"]), ("fixes", sha["cache"], sha["fix"])])
        assert all(f.recorded for f in found)
        rows = escapes_for(store)
        assert len(rows) == 2
        assert {r["note"].split(":")[0] for r in rows} == {f"reverted by {sha['revert'][:12]}",
                                                           f"fixed by {sha['fix'][:12]}"}
        again = scan(store)
        assert len(again) == 2 and not any(f.recorded for f in again)
        assert len(escapes_for(store)) == 2
        # The escape is dated when it was found: the fixing commit's time.
        fixed = next(r for r in rows if r["change_id"].endswith(sha["cache"]))
        assert fixed["found_at"] == store.get_change(fixed["change_id"].replace(sha["cache"], sha["fix"]))[
            "authored_at"]


def test_scan_does_not_duplicate_an_escape_recorded_by_hand(history):
    db, sha = history
    with Store(db) as store:
        login = store.resolve_id(sha["login"][:10])
        record_escape(store, login, "login accepted any password", link=f"commit:{sha['revert']}")
        found = scan(store)
        assert [f.recorded for f in found if f.target == login] == [False]
        assert len(escapes_for(store, login)) == 1


def test_scan_dry_run_records_nothing(history):
    db, _ = history
    with Store(db) as store:
        assert len(scan(store, record=False)) == 2
        assert escapes_for(store) == []


def test_record_escape_validates():
    from triage.store import Store as S

    with S(":memory:") as store:
        with pytest.raises(TriageError, match="needs a note"):
            record_escape(store, "git:x:1", "  ")
        with pytest.raises(TriageError, match="unknown change id"):
            record_escape(store, "git:x:1", "broke prod")


def test_cli_escape_by_hand_and_errors(cli):
    code, out, err = cli("escape", "ae80b117ab", "--note", "stored XSS in the bio", "--link",
                         "https://tracker.example.com/INC-7", "--found-at", "2026-11-10")
    assert code == 0, err
    assert out.startswith("recorded an escape on git:shopapi:ae80b117")
    with Store(cli.db) as store:
        (row,) = escapes_for(store)
        assert row["note"] == "stored XSS in the bio" and row["link"].endswith("INC-7")
        assert row["found_at"] == pytest.approx(1794268800.0)  # 2026-11-10T00:00Z
    code, _, err = cli("escape", "ae80b117ab")
    assert code == 2 and "needs a note" in err and err.count("\n") == 1
    code, _, err = cli("escape", "--note", "x")
    assert code == 2 and "give a change id" in err
    code, _, err = cli("escape", "ffffffffff", "--note", "x")
    assert code == 2 and "unknown change id" in err
    code, _, err = cli("escape", "ae80b117ab", "--note", "x", "--found-at", "someday")
    assert code == 2 and "cannot read the time" in err


def test_cli_escape_scan_json(cli):
    code, out, err = cli("escape", "--scan", "--json")
    assert code == 0, err
    assert json.loads(out) == []  # the demo has no reverts
    code, out, _ = cli("escape", "--scan")
    assert code == 0 and "0 escapes found" in out
