"""A reviewer's first day on the command line: bad paths, shallow clones, the demo's database,
shell completion, who the reviewer is, and where a missing roster should go."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from gitrepo import RepoBuilder

from triage.cli import build_parser, main

AI = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"


def run(capsys, *argv, open_tui=None):
    code = main(list(argv), open_tui=open_tui)
    out, err = capsys.readouterr()
    return code, out, err


def no_app(**_options):
    raise AssertionError("the app must not open")


# ------------------------------------------------------------ review --repo


@pytest.mark.parametrize("where", ["missing", "plain-dir"])
def test_review_with_a_bad_repo_is_one_line_and_never_opens_the_app(tmp_path, capsys, where):
    path = tmp_path / "no-such-repo" if where == "missing" else tmp_path
    code, out, err = run(capsys, "review", "--repo", str(path), "--db", str(tmp_path / "t.db"), open_tui=no_app)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("triage: error: ") and str(path) in lines[0]
    assert ("does not exist" if where == "missing" else "not a git repository") in lines[0]


def test_review_with_a_good_repo_opens_the_app(tmp_path, capsys):
    RepoBuilder(tmp_path / "r").commit({"a.py": "x = 1\n"})
    opened = {}
    code, _, err = run(capsys, "review", "--repo", str(tmp_path / "r"), "--db", str(tmp_path / "t.db"),
                       open_tui=lambda **kw: opened.update(kw) or 0)
    assert code == 0, err
    assert opened["repo"] == str(tmp_path / "r")


# ------------------------------------------------------------ shallow clones


def _source(tmp_path: Path) -> Path:
    b = RepoBuilder(tmp_path / "src")
    for n in range(1, 4):
        b.commit({f"m{n}.py": f"value_{n} = {n}\n"}, f"Add module {n}{AI}")
    return b.path


def _clone(src: Path, dest: Path, depth: int) -> Path:
    subprocess.run(["git", "clone", "-q", f"--depth={depth}", f"file://{src}", str(dest)], check=True)
    return dest


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command to make a shallow clone")
def test_a_shallow_clone_ingests_with_a_warning_and_never_analyses_its_cut_commit(tmp_path, capsys):
    src = _source(tmp_path)
    shallow = _clone(src, tmp_path / "shallow", depth=2)
    db = tmp_path / "t.db"
    code, out, err = run(capsys, "ingest", "--repo", str(shallow), "--db", str(db))
    assert code == 0, err
    [warning] = err.strip().splitlines()
    assert warning.startswith("triage: warning: ") and "shallow clone" in warning and "--unshallow" in warning
    assert "1 analysed" in out and "1 at the shallow clone's cut" in out
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT title, added FROM changes").fetchall()
    assert rows == [("Add module 3", 1)]  # the cut commit (module 2) would have "added" the whole tree

    subprocess.run(["git", "-C", str(shallow), "fetch", "-q", "--unshallow"], check=True)
    code, out, err = run(capsys, "ingest", "--repo", str(shallow), "--db", str(db))
    assert code == 0 and err == ""  # a full clone: no warning, and the commits it had skipped come in
    with sqlite3.connect(db) as conn:
        assert sorted(conn.execute("SELECT title, added FROM changes").fetchall()) == [
            ("Add module 1", 1), ("Add module 2", 1), ("Add module 3", 1)]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command to make a shallow clone")
def test_the_gate_on_a_depth_1_clone_is_a_one_line_error_not_a_whole_tree_score(tmp_path, capsys):
    src = _source(tmp_path)
    shallow = _clone(src, tmp_path / "shallow", depth=1)  # what CI checkouts give by default
    code, out, err = run(capsys, "gate", "--repo", str(shallow), "--db", str(tmp_path / "t.db"))
    lines = err.strip().splitlines()
    assert code == 2 and out == "" and len(lines) == 1  # fails closed, and says why instead of a score
    assert lines[0].startswith("triage: error: ") and "shallow clone" in lines[0] and "fetch-depth: 2" in lines[0]

    subprocess.run(["git", "-C", str(shallow), "fetch", "-q", "--deepen=1"], check=True)
    code, out, err = run(capsys, "gate", "--repo", str(shallow), "--db", str(tmp_path / "t.db"))
    assert err == "" and code in (0, 1) and out.split()[1] == "LOW"  # one new one-line module


def test_a_full_clone_has_no_warning(tmp_path, capsys):
    code, _, err = run(capsys, "ingest", "--repo", str(_source(tmp_path)), "--db", str(tmp_path / "t.db"))
    assert code == 0 and err == ""


# ------------------------------------------------------------ the demo


def test_quitting_the_demo_says_where_its_database_is_and_how_to_reopen_it(tmp_path, capsys):
    seen = {}
    code, out, err = run(capsys, "demo", "--dir", str(tmp_path), open_tui=lambda **kw: seen.update(kw) or 0)
    assert code == 0, err
    db = tmp_path / "triage-demo.db"
    assert seen["db"] == db and db.exists()
    assert f"The demo's verdicts are kept in {db}." in out
    assert f"triage review --db {db} --repo {tmp_path / 'shopapi'}" in out and "`triage demo`" in out


# ------------------------------------------------------------ completion


def test_completion_is_generated_from_the_parser(capsys):
    subcommands = [name for name in build_parser()._subparsers._group_actions[0].choices]  # noqa: SLF001
    for shell in ("bash", "zsh", "fish"):
        code, out, err = run(capsys, "completion", shell)
        assert code == 0 and err == "" and out.strip()
        assert all(name in out for name in subcommands), shell
        assert "deep-dive" in out and "CRITICAL" in out  # an option and a choice


def test_completion_for_an_unknown_shell_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["completion", "tcsh"])
    assert exc.value.code == 2 and "invalid choice" in capsys.readouterr().err


def _script(capsys, shell: str, tmp_path: Path) -> Path:
    code, out, _ = run(capsys, "completion", shell)
    assert code == 0
    path = tmp_path / f"triage.{shell}"
    path.write_text(out, encoding="utf-8")
    return path


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_subcommands_and_choices(tmp_path, capsys):
    script = _script(capsys, "bash", tmp_path)
    probe = (f'source {script}; complete -p triage >/dev/null || exit 3; '
             'COMP_WORDS=(triage que); COMP_CWORD=1; _shtab_triage; echo "${COMPREPLY[*]}"; '
             'COMP_WORDS=(triage queue --tier ""); COMP_CWORD=3; _shtab_triage; echo "${COMPREPLY[*]}"; '
             'COMP_WORDS=(triage completion ""); COMP_CWORD=2; _shtab_triage; echo "${COMPREPLY[*]}"')
    lines = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True).stdout.splitlines()
    assert lines[0].split() == ["queue"]
    assert set(lines[1].split()) == {"LOW", "MEDIUM", "HIGH", "CRITICAL"}
    assert set(lines[2].split()) == {"bash", "zsh", "fish"}


@pytest.mark.skipif(shutil.which("fish") is None, reason="needs fish")
def test_fish_completes_subcommands_options_and_choices(tmp_path, capsys):
    script = _script(capsys, "fish", tmp_path)

    def complete(line: str) -> list[str]:
        out = subprocess.run(["fish", "--no-config", "-c", f"source {script}; complete -C '{line}'"],
                             capture_output=True, text=True, check=True).stdout
        return [row.split("\t")[0] for row in out.splitlines()]

    assert complete("triage que") == ["queue"]
    assert "--deep-dive" in complete("triage queue --")
    assert set(complete("triage queue --tier ")) == {"LOW", "MEDIUM", "HIGH", "CRITICAL"}
    assert "--no-tui" not in complete("triage queue --")  # options belong to their own subcommand


@pytest.mark.skipif(shutil.which("zsh") is None, reason="needs zsh")
def test_zsh_loads_the_completion_function(tmp_path, capsys):
    script = _script(capsys, "zsh", tmp_path)
    probe = f"autoload -U compinit && compinit -u -D && source {script} && whence -w _shtab_triage"
    out = subprocess.run(["zsh", "-f", "-c", probe], capture_output=True, text=True)
    assert out.returncode == 0 and "function" in out.stdout, out.stderr


# ------------------------------------------------------------ who reviews


def test_the_reviewer_comes_from_triage_reviewer_else_the_login(monkeypatch):
    import getpass

    from triage.identity import reviewer_identity

    monkeypatch.setenv("TRIAGE_REVIEWER", "  carol ")
    assert reviewer_identity() == ("carol", "TRIAGE_REVIEWER")
    monkeypatch.delenv("TRIAGE_REVIEWER")
    assert reviewer_identity() == (getpass.getuser(), "your login name")


def test_a_verdict_without_reviewer_is_recorded_under_triage_reviewer(demo, capsys, monkeypatch):
    repo, db = demo
    monkeypatch.setenv("TRIAGE_REVIEWER", "dana")
    with sqlite3.connect(db) as conn:
        (cid,) = conn.execute("SELECT id FROM changes WHERE kind = 'ai' LIMIT 1").fetchone()
    code, _, err = run(capsys, "verdict", cid, "--approve", "--db", str(db))
    assert code == 0, err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT reviewer FROM verdicts").fetchall() == [("dana",)]


def test_a_missing_roster_names_the_config_file(tmp_path, capsys, monkeypatch):
    config = tmp_path / "my-config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "assign", "--db", str(tmp_path / "t.db"))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and str(config) in lines[0] and "[team]" in lines[0]


def test_show_lists_the_worst_findings_first(demo, capsys):
    import json

    _, db = demo
    ranks = ["info", "low", "medium", "high", "critical"]
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT change_id FROM findings GROUP BY change_id HAVING count(DISTINCT severity) > 1")]
    assert ids
    for cid in ids:
        code, out, err = run(capsys, "show", cid, "--json", "--db", str(db))
        assert code == 0, err
        severities = [ranks.index(f["severity"]) for f in json.loads(out)["findings"]]
        assert severities == sorted(severities, reverse=True)
        code, out, _ = run(capsys, "show", cid, "--db", str(db))
        listed = [line.split()[0] for line in out.split("findings (", 1)[1].splitlines()[1:]
                  if line.startswith("  ") and line.split()[0] in ranks]
        assert [ranks.index(s) for s in listed] == severities
