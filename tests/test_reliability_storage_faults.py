"""A read-only database, a full disk and a corrupted file: one clear line, nothing claimed, nothing broken.

Reference §4 / scenario 33: the verdict is never reported as saved, the
error is one ``triage: error: …`` line naming the database, and the file is
left as it was (no silent reset of a corrupted database).

Read-only: tests run as root, whom file modes do not stop, so the real CLI
runs inside a private mount namespace (``unshare --mount``) where the
database's directory is a read-only bind mount; as another user a ``chmod``
is enough. Full disk: ``PRAGMA max_page_count`` on the store's connection
(in-process, through the CLI's ``main``), and a tiny tmpfs in a private
mount namespace for the real CLI. Each OS-level variant is skipped, with the
reason, where the OS cannot provide it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

import triage.cli as cli
from gitrepo import RepoBuilder
from helpers_reliability import digest, integrity, run_cli, unshare_helper
from triage.errors import TriageError
from triage.ingest import ingest
from triage.store import Store

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"


@pytest.fixture
def db(tmp_path):
    """A real database with a few analysed changes; returns (path, a change id)."""
    b = RepoBuilder(tmp_path / "repo")
    for i in range(4):
        b.commit({f"app/m{i}.py": f"def f{i}(x):\n    return x * {i}\n"}, f"change {i}" + CLAUDE)
    path = tmp_path / "data" / "triage.db"
    with Store(path) as s:
        ingest(s, b.path, include_all=True, secret=b"s", workers=1)
        s.record_verdict(s.query("SELECT id FROM changes LIMIT 1")[0]["id"], "approve", reviewer="before")
        cid = s.query("SELECT id FROM changes ORDER BY id LIMIT 1")[0]["id"]
    return path, cid


def _verdict_count(path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM verdicts").fetchone()[0]
    finally:
        conn.close()


def assert_one_line_error(rc: int, out: str, err: str, *words: str) -> str:
    """Exit 2, nothing claimed on stdout, one ``triage: error:`` line containing ``words``."""
    assert rc == 2, (rc, out, err)
    assert "recorded" not in out.lower() and "saved" not in out.lower(), out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("triage: error: "), err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


# ------------------------------------------------------------------- read-only


def test_query_only_connection_refuses_the_verdict_with_a_clear_error(db):
    path, cid = db
    before = _verdict_count(path)
    with Store(path) as s:
        s.conn.execute("PRAGMA query_only = ON")
        with pytest.raises(TriageError) as info:
            s.record_verdict(cid, "approve", note="never saved")
        msg = str(info.value)
    assert "\n" not in msg and str(path) in msg and "read-only" in msg
    assert _verdict_count(path) == before
    assert integrity(path) == "ok"


def test_readonly_mount_verdict_fails_with_one_line_and_changes_nothing(db):
    path, cid = db
    shutil.rmtree(path.parent / "repo", ignore_errors=True)
    before, bytes_before = _verdict_count(path), digest(path)
    result = unshare_helper("readonly", "--db", str(path), "--change", cid)
    v = result["verdict"]
    assert_one_line_error(v["rc"], v["out"], v["err"], str(path))
    assert digest(path) == bytes_before and _verdict_count(path) == before
    assert integrity(path) == "ok"
    q = result["queue"]
    # Reading a read-only database should work; if it cannot, it must fail the same clear way.
    if q["rc"] != 0:
        assert_one_line_error(q["rc"], q["out"], q["err"], str(path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes; the read-only mount test covers root")
def test_readonly_file_and_directory_verdict_fails_with_one_line(db):
    path, cid = db
    before = digest(path)
    os.chmod(path, 0o444)
    os.chmod(path.parent, 0o555)
    try:
        p = run_cli("verdict", cid, "--approve", "--db", str(path))
        assert_one_line_error(p.returncode, p.stdout.decode(), p.stderr.decode(), str(path))
    finally:
        os.chmod(path.parent, 0o755)
        os.chmod(path, 0o600)
    assert digest(path) == before and integrity(path) == "ok"


# ------------------------------------------------------------------- full disk


def test_full_database_verdict_is_never_reported_as_saved(db, monkeypatch, capsys):
    path, cid = db
    before = _verdict_count(path)
    real_open = cli.open_store

    def full_store(args):
        store = real_open(args)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        return store

    monkeypatch.setattr(cli, "open_store", full_store)
    rc = cli.main(["verdict", cid, "--revert", "--note", "n" * 200_000, "--db", str(path)])
    out, err = capsys.readouterr()
    line = assert_one_line_error(rc, out, err, str(path))
    assert "full" in line
    assert _verdict_count(path) == before and integrity(path) == "ok"
    # With room again, the same verdict records.
    monkeypatch.setattr(cli, "open_store", real_open)
    assert cli.main(["verdict", cid, "--revert", "--note", "n" * 200_000, "--db", str(path)]) == 0
    assert _verdict_count(path) == before + 1


def test_full_tmpfs_verdict_fails_with_one_line_and_the_database_survives(db, tmp_path):
    path, cid = db
    result = unshare_helper("full", "--db", str(path), "--change", cid, "--dir", str(tmp_path / "tiny"))
    v = result["verdict"]
    line = assert_one_line_error(v["rc"], v["out"], v["err"], "triage.db")
    assert "full" in line or "disk" in line, line
    assert result["verdicts_after"] == result["verdicts_before"]
    assert result["integrity"] == "ok"


# ------------------------------------------------------------------- corruption


def _corrupt_header(data: bytearray) -> None:
    data[0:16] = b"NOT A DATABASE!\0"


def _corrupt_pages(data: bytearray) -> None:
    page = int.from_bytes(data[16:18], "big") or 65536
    for start in range(page, len(data), page):  # every page but the first: schema and data b-trees
        data[start:start + 16] = bytes(range(0xF0, 0x100))


def _truncate(data: bytearray) -> None:
    page = int.from_bytes(data[16:18], "big") or 65536
    del data[page * 2 + 100:]


def _zero_schema(data: bytearray) -> None:
    data[100:4096] = b"\xff" * (4096 - 100)


CORRUPTIONS = {"header": _corrupt_header, "pages": _corrupt_pages, "truncated": _truncate,
               "schema-page": _zero_schema}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corrupted_database_gives_a_clear_error_naming_the_file_and_is_never_reset(db, kind):
    path, cid = db
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    CORRUPTIONS[kind](data)
    path.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        try:
            os.unlink(f"{path}{extra}")
        except FileNotFoundError:
            pass
    before = digest(path)
    for argv in (["queue", "--db", str(path)], ["queue", "--json", "--db", str(path)],
                 ["show", cid, "--db", str(path)], ["verdict", cid, "--approve", "--db", str(path)],
                 ["ingest", "--repo", str(path.parent.parent / "repo"), "--db", str(path)]):
        p = run_cli(*argv)
        line = assert_one_line_error(p.returncode, p.stdout.decode(), p.stderr.decode(), str(path))
        assert "corrupt" in line or "not a" in line or "malformed" in line, (argv, line)
        assert digest(path) == before, f"{argv[0]} changed the corrupted file"
