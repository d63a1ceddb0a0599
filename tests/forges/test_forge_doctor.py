"""``triage doctor``: a read-only check of a forge (auth, scopes, API version, rate limit)."""

from __future__ import annotations

import json

from triage import cli

from forge_env import ENV, REPO


def run_doctor(forge, capsys, monkeypatch, *extra) -> tuple[int, dict]:
    monkeypatch.setenv(ENV[forge.kind], forge.token)
    code = cli.main(["doctor", "--forge", forge.kind, "--repo", REPO, "--url", forge.url, "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def checks(report) -> dict:
    return {c["check"]: (c["status"], c["detail"]) for c in report["checks"]}


def test_doctor_checks_every_forge_and_writes_nothing(forge, capsys, monkeypatch):
    code, report = run_doctor(forge, capsys, monkeypatch)
    assert code == 0 and report["ok"] is True
    got = checks(report)
    assert {"auth", "repository", "scopes", "api version", "rate limit"} <= set(got)
    assert got["auth"][0] == "ok" and "triage-bot" in got["auth"][1] and ENV[forge.kind] in got["auth"][1]
    assert got["repository"][0] == "ok"
    assert {r.method for r in forge.fake.requests} == {"GET"}, "doctor must be read-only"
    assert forge.token not in json.dumps(report)


def test_github_doctor_reads_classic_scopes_the_api_version_and_the_free_rate_limit(github, capsys, monkeypatch):
    github.fake.oauth_scopes = "read:org, public_repo"
    github.fake.rate_remaining = 42
    code, report = run_doctor(github, capsys, monkeypatch)
    got = checks(report)
    assert got["scopes"][0] == "ok" and "public_repo" in got["scopes"][1]
    assert got["api version"] == ("ok", got["api version"][1]) and "2022-11-28" in got["api version"][1]
    status, detail = got["rate limit"]
    assert status == "warn" and "of 5000 requests left" in detail and int(detail.split()[0]) <= 42
    assert github.fake.requests[-1].path == "/rate_limit"
    assert int(detail.split()[0]) == github.fake.rate_remaining  # asking cost nothing


def test_github_doctor_warns_on_missing_scope_and_fails_on_an_unsupported_version(github, capsys, monkeypatch):
    github.fake.oauth_scopes = "read:org"
    github.fake.api_versions = ["2026-03-10"]
    code, report = run_doctor(github, capsys, monkeypatch)
    got = checks(report)
    assert got["scopes"][0] == "warn" and "needs repo" in got["scopes"][1]
    assert got["api version"][0] == "fail" and code == 1 and report["ok"] is False


def test_github_doctor_explains_a_fine_grained_token(github, capsys, monkeypatch):
    code, report = run_doctor(github, capsys, monkeypatch)
    status, detail = checks(report)["scopes"]
    assert "fine-grained" in detail and "push=yes" in detail and "Pull requests: write" in detail


def test_doctor_reports_a_renamed_repository(forge, capsys, monkeypatch):
    forge.fake.rename(REPO, "acme-corp/store")
    code, report = run_doctor(forge, capsys, monkeypatch)
    status, detail = checks(report)["repository"]
    assert code == 0 and status == "warn" and "acme-corp/store" in detail and "renamed" in detail


def test_gitlab_doctor_reads_the_token_scopes(gitlab, capsys, monkeypatch):
    gitlab.fake.token_scopes = ["read_api"]
    code, report = run_doctor(gitlab, capsys, monkeypatch)
    status, detail = checks(report)["scopes"]
    assert status == "warn" and "read_api" in detail and "needs the api scope" in detail
    assert "17.5.1" in checks(report)["api version"][1]


def test_a_refused_token_fails_in_one_line(github, capsys, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", "ghp_" + "w" * 36)
    code = cli.main(["doctor", "--forge", "github", "--repo", REPO, "--url", github.url])
    out = capsys.readouterr().out
    assert code == 1
    line = next(ln for ln in out.splitlines() if "auth" in ln)
    assert line.strip().startswith("fail") and "401" in line and "ghp_www" not in out


def test_doctor_human_output_names_each_check(github, capsys, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", github.token)
    assert cli.main(["doctor", "--forge", "github", "--repo", REPO, "--url", github.url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"github {REPO} at ")
    assert [ln.split()[1] for ln in out[1:4]] == ["auth", "repository", "scopes"]
