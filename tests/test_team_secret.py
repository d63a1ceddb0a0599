"""A team shares one sampling secret: ``assign`` and ``sync`` refuse a secret each machine made for itself."""

from __future__ import annotations

import pytest

import triage.cli
from triage.config import config_with
from triage.sampling import load_secret, secret_path, team_secret
from triage.errors import TriageError

TEAM = '[team]\nmembers = [{name = "alice", emails = ["alice@example.com"]}, {name = "bruno"}]\n'


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.delenv("TRIAGE_SAMPLING_SECRET", raising=False)
    path = tmp_path / "config.toml"
    monkeypatch.setenv("TRIAGE_CONFIG", str(path))
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = triage.cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_assign_refuses_a_team_without_a_shared_secret_and_says_how_to_set_one(demo, config, capsys):
    config.write_text(TEAM)
    code, out, err = _run(capsys, "assign", "--db", str(demo[1]))
    assert code != 0 and out == ""
    assert "shared sampling secret" in err and "[sampling] secret" in err and "TRIAGE_SAMPLING_SECRET" in err
    assert str(config) in err and len(err.strip().splitlines()) == 1
    assert not secret_path().exists()  # no machine-local secret was made behind the team's back


def test_sync_refuses_before_it_reads_the_forge(config, capsys, tmp_path):
    config.write_text(TEAM)
    # No server listens on this port: the refusal must come first.
    code, _, err = _run(capsys, "sync", "--forge", "gitea", "--repo", "o/r", "--url", "http://127.0.0.1:9",
                        "--db", str(tmp_path / "t.db"))
    assert code != 0 and "`triage sync` refuses" in err and "shared sampling secret" in err


def test_with_a_shared_secret_the_team_assigns(demo, config, capsys):
    config.write_text(TEAM + '[sampling]\nsecret = "a-team-secret-of-enough-length"\n')
    code, out, err = _run(capsys, "assign", "--db", str(demo[1]))
    assert code == 0, err
    assert "assigned" in out


def test_the_environment_secret_counts_as_shared(config, monkeypatch):
    config.write_text(TEAM)
    monkeypatch.setenv("TRIAGE_SAMPLING_SECRET", "shared-through-the-environment")
    assert team_secret(config_with({"team": {"members": ["alice"]}}), "assign") == b"shared-through-the-environment"


def test_alone_the_machines_own_secret_is_still_made(config):
    assert team_secret(config_with({}), "assign") == load_secret(config_with({})) and secret_path().exists()
    with pytest.raises(TriageError, match="refuses"):
        team_secret(config_with({"team": {"members": ["alice"]}}), "sync")
