"""The command line: the documented JSON, and a one-line error with a non-zero exit for bad input."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from triage.cli import main
from triage.models import TIERS

QUEUE_FIELDS = {"id", "title", "author", "agent", "tier", "score", "factors", "sampled", "findings", "files",
                "added", "deleted", "url"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def queue_json(capsys, db, *extra):
    code, out, err = run(capsys, "queue", "--db", str(db), "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def assert_one_line_error(code, err, *words):
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("triage: error: "), err
    for w in words:
        assert w in lines[0]


# ----------------------------------------------------------------- the demo


def test_demo_no_tui_prints_every_tier_with_critical_first(tmp_path, capsys):
    code, out, err = run(capsys, "demo", "--no-tui", "--dir", str(tmp_path))
    assert code == 0, err
    rows = [line.split()[0] for line in out.splitlines() if line.split() and line.split()[0] in TIERS]
    assert set(rows) == set(TIERS)
    assert rows[0] == "CRITICAL"
    assert rows == sorted(rows, key=lambda t: -TIERS.index(t))
    assert "^[]52;c;ZXZpbA==^G" in out and "\x1b" not in out  # the hostile title, defused


def test_queue_json_lists_every_ai_commit_and_no_human_one(demo, capsys):
    import pygit2

    repo_path, db = demo
    items = queue_json(capsys, db)
    everything = queue_json(capsys, db, "--all")
    repo = pygit2.Repository(str(repo_path))
    shas = {str(c.id) for c in repo.walk(repo.head.target)}
    assert {i["sha"] for i in everything} == shas
    assert all(i["kind"] == "ai" for i in items)
    assert {i["sha"] for i in items} == {i["sha"] for i in everything if i["kind"] == "ai"}
    humans = [i for i in everything if i["kind"] == "human"]
    assert humans and not {h["sha"] for h in humans} & {i["sha"] for i in items}
    assert any(h["author"] == "Claude Dubois" for h in humans)  # a human named Claude stays human


def test_queue_json_items_have_the_documented_fields_and_factors_explain_the_score(demo, capsys):
    _, db = demo
    for item in queue_json(capsys, db):
        assert QUEUE_FIELDS <= set(item)
        assert item["score"] == pytest.approx(sum(f["points"] for f in item["factors"]), abs=0.05)
        assert all({"name", "points", "detail"} <= set(f) for f in item["factors"])


def test_queue_filters(demo, capsys):
    _, db = demo
    crit = queue_json(capsys, db, "--tier", "critical")
    assert crit and all(i["tier"] == "CRITICAL" for i in crit)
    claude = queue_json(capsys, db, "--agent", "claude")
    assert claude and all(i["agent"] == "claude" for i in claude)


def test_show_json_has_findings_on_added_lines_and_factors(demo, capsys):
    _, db = demo
    crit = queue_json(capsys, db, "--tier", "CRITICAL")[0]
    code, out, err = run(capsys, "show", crit["sha"][:8], "--db", str(db), "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["id"] == crit["id"] and d["factors"] == crit["factors"]
    assert d["findings"]
    for f in d["findings"]:
        assert {"rule", "severity", "path", "line", "message", "question"} <= set(f)


def test_verdict_is_recorded_and_shown(demo, capsys):
    _, db = demo
    item = queue_json(capsys, db)[0]
    code, out, err = run(capsys, "verdict", item["id"], "--needs-fix", "--note", "ORDER BY is user input",
                         "--reviewer", "rita", "--db", str(db))
    assert code == 0, err
    d = json.loads(run(capsys, "show", item["id"], "--db", str(db), "--json")[1])
    assert d["verdict"] == "needs-fix"
    assert d["verdicts"][-1]["note"] == "ORDER BY is user input"
    assert d["verdicts"][-1]["reviewer"] == "rita"
    assert queue_json(capsys, db, "--state", "needs-fix")[0]["id"] == item["id"]


def test_gate_exit_codes_follow_the_tier(demo, capsys):
    repo, db = demo
    by_tier = {}
    for i in queue_json(capsys, db, "--all"):
        by_tier.setdefault(i["tier"], i)
    assert run(capsys, "gate", "--repo", str(repo), "--rev", by_tier["CRITICAL"]["sha"])[0] == 2
    assert run(capsys, "gate", "--repo", str(repo), "--rev", by_tier["HIGH"]["sha"])[0] == 1


# ------------------------------------------------------------ bad input


def test_not_a_repository(tmp_path, capsys):
    code, _, err = run(capsys, "ingest", "--repo", str(tmp_path), "--db", str(tmp_path / "t.db"))
    assert_one_line_error(code, err, "not a git repository")


def test_unknown_revision(demo, capsys, tmp_path):
    repo, db = demo
    code, _, err = run(capsys, "ingest", "--repo", str(repo), "--range", "v9.9..HEAD", "--db", str(db))
    assert_one_line_error(code, err, "unknown revision", "v9.9")
    code, _, err = run(capsys, "gate", "--repo", str(repo), "--rev", "nope")
    assert_one_line_error(code, err, "unknown revision")


def test_unknown_change_id(demo, capsys):
    _, db = demo
    for argv in (["show", "deadbeef"], ["verdict", "deadbeef", "--approve"]):
        code, _, err = run(capsys, *argv, "--db", str(db))
        assert_one_line_error(code, err, "unknown change id", "deadbeef")


def test_corrupt_database_is_reported_and_kept(tmp_path, capsys):
    db = tmp_path / "t.db"
    db.write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "queue", "--db", str(db))
    assert_one_line_error(code, err, str(db), "corrupt")
    assert db.read_bytes() == b"garbage" * 1000


def test_locked_database_is_reported_and_nothing_is_lost(demo, capsys, monkeypatch):
    import triage.store.connection as store_mod

    _, db = demo
    item = queue_json(capsys, db)[0]
    assert run(capsys, "verdict", item["id"], "--approve", "--db", str(db))[0] == 0
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _, err = run(capsys, "verdict", item["id"], "--revert", "--db", str(db))
        assert_one_line_error(code, err, "locked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    d = json.loads(run(capsys, "show", item["id"], "--db", str(db), "--json")[1])
    assert [v["verdict"] for v in d["verdicts"]] == ["approve"]


def test_a_broken_repo_config_warns_on_one_line_and_never_blocks(demo, capsys, tmp_path, monkeypatch):
    import shutil

    from gitrepo import RepoBuilder

    repo, _ = demo
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy)
    (copy / ".triage.toml").write_text("[risk\nbroken = ")  # the working tree's file is never read
    code, out, err = run(capsys, "ingest", "--repo", str(copy), "--db", str(tmp_path / "t.db"))
    assert code == 0 and err == "", err
    RepoBuilder.existing(copy).commit({".triage.toml": "[risk\nbroken = "}, "broken config", ref="refs/heads/trusted")
    user = tmp_path / "config.toml"
    user.write_text('[trust]\nref = "trusted"\n')
    monkeypatch.setenv("TRIAGE_CONFIG", str(user))
    code, out, err = run(capsys, "ingest", "--repo", str(copy), "--db", str(tmp_path / "t2.db"))
    assert code == 0, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("triage: warning: .triage.toml at trusted (")
    assert "is not valid TOML" in lines[0] and "ignored" in lines[0]


def test_unreadable_user_config(demo, capsys, tmp_path, monkeypatch):
    repo, db = demo
    cfg = tmp_path / "config.toml"
    cfg.write_text("ok = 1\n")
    cfg.chmod(0)
    monkeypatch.setenv("TRIAGE_CONFIG", str(cfg))
    if os.access(cfg, os.R_OK):  # root can read anything: use a directory instead
        cfg.chmod(0o600)
        cfg.unlink()
        cfg.mkdir()
    code, _, err = run(capsys, "ingest", "--repo", str(repo), "--db", str(db))
    assert_one_line_error(code, err, str(cfg))


def test_bad_since_value(demo, capsys):
    repo, db = demo
    code, _, err = run(capsys, "ingest", "--repo", str(repo), "--since", "whenever", "--db", str(db))
    assert_one_line_error(code, err, "cannot read the time")


def test_console_script_runs_and_errors_in_one_line(tmp_path):
    res = subprocess.run([sys.executable, "-m", "triage", "queue", "--db", str(tmp_path / "x" / "new.db")],
                         capture_output=True, text=True)
    assert res.returncode == 0
    assert "The queue is empty" in res.stdout and "triage ingest --repo PATH" in res.stdout
    res = subprocess.run([sys.executable, "-m", "triage", "show", "abc123", "--db", str(tmp_path / "x" / "new.db")],
                         capture_output=True, text=True)
    assert res.returncode == 2 and res.stderr.count("\n") == 1


# ------------------------------------------------------------ the entry point


def test_review_opens_the_app_through_the_lazy_launcher(tmp_path, monkeypatch):
    import tui.__main__

    opened = []
    monkeypatch.setattr(tui.__main__, "launch", lambda **kw: opened.append(kw) or 7)
    db = tmp_path / "t.db"
    assert main(["review", "--db", str(db), "--digest"]) == 7
    assert opened and opened[0]["db"] == db and opened[0]["digest"] is True
    assert main(["--db", str(db)]) == 7  # plain `triage` is `triage review`
    assert opened[1]["db"] == db


def test_version_and_python_dash_m(capsys, tmp_path):
    from triage import __version__

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.strip() == f"triage {__version__}"
    done = subprocess.run([sys.executable, "-m", "triage", "show", "no-such-change", "--db", str(tmp_path / "x.db")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("triage: error: ") and "no-such-change" in done.stderr
