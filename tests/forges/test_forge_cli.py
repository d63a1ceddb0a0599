"""Acceptance: ``triage sync`` / ``triage push`` work with just a token in the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from triage import cli

from forge_env import REPO

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "XDG_CONFIG_HOME": str(cwd / "cfg"),
            "XDG_DATA_HOME": str(cwd / "data"), "TRIAGE_SAMPLING_SECRET": "cli-sampling-secret", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "triage.commands_forge", *args], env={**base, **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_a_user_with_gh_token_can_sync_and_push_with_no_other_setup(github, tmp_path):
    env = {"GH_TOKEN": github.token}
    db = tmp_path / "data" / "triage" / "triage.db"  # the default location under XDG_DATA_HOME
    out = run(["sync", "--forge", "github", "--repo", REPO, "--url", github.url], env, tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"synced github:{REPO}" in out.stdout and "2 analysed" in out.stdout
    assert db.exists()
    out = run(["queue", "--json"], env, tmp_path)
    ids = {item["id"] for item in json.loads(out.stdout)}
    assert ids == {f"github:{REPO}#1", f"github:{REPO}#3"}
    out = run(["verdict", f"github:{REPO}#3", "--approve", "--note", "lgtm"], env, tmp_path)
    assert out.returncode == 0, out.stderr
    out = run(["push"], env, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "2 posted" in out.stdout and "0 pending" in out.stdout
    out = run(["push", "--json"], env, tmp_path)
    assert json.loads(out.stdout)["posted"] == 0
    assert github.token not in out.stdout + out.stderr
    assert github.fake.reviews[(REPO, 3)][0]["state"] == "APPROVED"


def test_sync_json_and_incremental_second_run(gitlab, tmp_path):
    env = {"GITLAB_TOKEN": gitlab.token}
    args = ["sync", "--forge", "gitlab", "--repo", REPO, "--url", gitlab.url, "--json", "--db", str(tmp_path / "t.db")]
    first = json.loads(run(args, env, tmp_path).stdout)
    second = json.loads(run(args, env, tmp_path).stdout)
    assert first["analysed"] == 2 and second["analysed"] == 0


@pytest.mark.parametrize("args,env,needle", [
    (["sync", "--forge", "github", "--repo", REPO], {}, "no github token for github.com: set GH_TOKEN or GITHUB_TOKEN"),
    (["sync", "--forge", "gitea", "--repo", REPO, "--url", "http://forge.example"], {"GITEA_TOKEN": "x"},
     "refusing to send a token over plain http"),
    (["sync", "--forge", "gitea", "--repo", REPO], {"GITEA_TOKEN": "x"}, "--url is required"),
    (["sync", "--forge", "github", "--repo", "no-slash", "--url", "http://127.0.0.1:9"], {"GH_TOKEN": "x"},
     "repository must look like OWNER/NAME"),
    (["sync", "--forge", "github", "--repo", REPO, "--url", "https://u:p@ghe.corp"], {"GH_TOKEN": "x"},
     "must not contain a user name"),
    (["push", "--forge", "github"], {}, "give --forge and --repo together"),
])
def test_bad_input_is_a_one_line_error(tmp_path, args, env, needle):
    out = run([*args, "--db", str(tmp_path / "t.db")], env, tmp_path)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("triage: error:") and needle in lines[0], out.stderr


def test_a_401_is_a_one_line_error_naming_the_token_source(github, tmp_path):
    out = run(["sync", "--forge", "github", "--repo", REPO, "--url", github.url, "--db", str(tmp_path / "t.db")],
              {"GH_TOKEN": "ghp_" + "w" * 36}, tmp_path)
    assert out.returncode == 2
    assert "refused the token (from GH_TOKEN): 401" in out.stderr and "ghp_www" not in out.stderr


def test_registered_in_process_through_command_modules(github, tmp_path, monkeypatch, capsys):
    assert "triage.commands_forge" in cli.COMMAND_MODULES
    monkeypatch.setenv("GH_TOKEN", github.token)
    db = str(tmp_path / "t.db")
    assert cli.main(["sync", "--forge", "github", "--repo", REPO, "--url", github.url, "--db", db]) == 0
    assert cli.main(["verdict", f"github:{REPO}#1", "--needs-fix", "--db", db]) == 0
    assert cli.main(["push", "--forge", "github", "--repo", REPO, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "2 posted" in out  # the comment and the follow-up issue


def test_push_with_nothing_queued_is_fine(tmp_path):
    out = run(["push", "--db", str(tmp_path / "t.db")], {}, tmp_path)
    assert out.returncode == 0 and "0 posted" in out.stdout


def test_push_reports_pending_rows_with_a_non_zero_exit(github, tmp_path):
    env = {"GH_TOKEN": github.token}
    db = str(tmp_path / "t.db")
    assert run(["sync", "--forge", "github", "--repo", REPO, "--url", github.url, "--db", db], env,
               tmp_path).returncode == 0
    run(["verdict", f"github:{REPO}#1", "--approve", "--db", db], env, tmp_path)
    github.fake.fault("rate429", method="POST", retry_after="3600")
    out = run(["push", "--db", db], env, tmp_path)
    assert out.returncode == 1 and "1 pending" in out.stdout and "rate limited until" in out.stderr
    assert os.path.exists(db)
