"""Credential hygiene: discovery order, origin binding, and a token canary that never leaks."""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

import httpx
import pytest

from triage.errors import TriageError
from triage.forges import open_forge, resolve_base
from triage.forges.auth import OriginAuth, auth_header, check_base_url, discover_token, gh_cli_token
from triage.forges.errors import AuthError, InsecureURL
from triage.forges.outbox import push
from triage.forges.redact import install, redact
from triage.store import Store
from triage.forges.sync import sync
from triage.services.verdicts import record

from forge_env import REPO

def NO_GH(host: str) -> None:
    return None


# ----------------------------------------------------------------------- discovery


@pytest.mark.parametrize("env,expected", [
    ({"GH_TOKEN": "a1", "GITHUB_TOKEN": "b2"}, ("a1", "GH_TOKEN")),
    ({"GITHUB_TOKEN": "b2"}, ("b2", "GITHUB_TOKEN")),
])
def test_github_com_token_order(env, expected):
    cred = discover_token("github", "github.com", env=env, gh_token=lambda h: "from-gh")
    assert (cred.token, cred.source) == expected


def test_gh_auth_token_is_the_fallback_and_names_the_host():
    asked = []
    cred = discover_token("github", "github.com", env={}, gh_token=lambda h: asked.append(h) or "gho_x")
    assert cred.token == "gho_x" and asked == ["github.com"]
    assert "gh auth token --hostname github.com" in cred.source


def test_ghes_uses_enterprise_tokens_then_gh_for_that_host():
    env = {"GH_TOKEN": "dotcom", "GH_ENTERPRISE_TOKEN": "ent", "GITHUB_ENTERPRISE_TOKEN": "ent2"}
    assert discover_token("github", "ghe.corp", env=env, gh_token=NO_GH).token == "ent"
    assert discover_token("github", "ghe.corp", env={"GITHUB_ENTERPRISE_TOKEN": "ent2"}, gh_token=NO_GH).token == "ent2"
    asked = []
    assert discover_token("github", "ghe.corp", env={"GH_TOKEN": "dotcom"},
                          gh_token=lambda h: asked.append(h) or "ghes").token == "ghes"
    assert asked == ["ghe.corp"]
    with pytest.raises(TriageError) as info:  # a github.com token is never sent to another host
        discover_token("github", "ghe.corp", env={"GH_TOKEN": "dotcom"}, gh_token=NO_GH)
    assert "GH_ENTERPRISE_TOKEN" in str(info.value) and "gh auth login --hostname ghe.corp" in str(info.value)


def test_loopback_github_falls_back_to_gh_token():
    assert discover_token("github", "127.0.0.1", env={"GH_TOKEN": "t0k"}, gh_token=NO_GH).token == "t0k"


@pytest.mark.parametrize("kind,name", [("gitea", "GITEA_TOKEN"), ("gitlab", "GITLAB_TOKEN")])
def test_gitea_and_gitlab_tokens(kind, name):
    assert discover_token(kind, "h", env={name: " tok \n"}).token == "tok"
    with pytest.raises(TriageError) as info:
        discover_token(kind, "h", env={})
    assert name in str(info.value)


def test_a_token_with_control_characters_is_refused():
    with pytest.raises(TriageError):
        discover_token("gitlab", "h", env={"GITLAB_TOKEN": "abc\r\nX-Evil: 1"})


def test_auth_headers_per_forge():
    assert auth_header("github", "t") == ("Authorization", "Bearer t")
    assert auth_header("gitea", "t") == ("Authorization", "token t")
    assert auth_header("gitlab", "t") == ("PRIVATE-TOKEN", "t")


def _fake_gh(tmp_path: Path, body: str) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    gh = bindir / "gh"
    gh.write_text(f"#!{sys.executable}\n{body}\n")
    gh.chmod(0o755)
    return bindir


def test_gh_cli_is_asked_with_a_hostname_and_a_timeout(tmp_path, monkeypatch):
    bindir = _fake_gh(tmp_path, "import sys; print('gho_fromcli' if sys.argv[1:] == "
                                "['auth', 'token', '--hostname', 'ghe.corp'] else '')")
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")
    assert gh_cli_token("ghe.corp") == "gho_fromcli"
    assert gh_cli_token("github.com") is None  # gh printed nothing


def test_absent_or_hanging_gh_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert gh_cli_token("github.com") is None
    bindir = _fake_gh(tmp_path, "import time; time.sleep(30)")
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.setattr("triage.forges.auth.GH_CLI_TIMEOUT_S", 0.5)
    assert gh_cli_token("github.com") is None


# ----------------------------------------------------------------------- URLs


@pytest.mark.parametrize("url", ["http://forge.example", "http://10.0.0.5/api/v1", "ftp://forge.example",
                                 "https://user:pw@forge.example", "https://tok@forge.example", "not a url"])
def test_insecure_or_odd_base_urls_are_refused(url):
    with pytest.raises(InsecureURL):
        check_base_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:3000", "http://[::1]:9", "https://x.org"])
def test_https_and_loopback_http_are_accepted(url):
    check_base_url(url)


def test_plain_http_refusal_is_a_clear_one_line_error():
    with pytest.raises(InsecureURL) as info:
        open_forge("gitea", REPO, "http://forge.example", env={"GITEA_TOKEN": "t"})
    assert "refusing to send a token over plain http to forge.example" in str(info.value)


@pytest.mark.parametrize("kind,url,env,base", [
    ("github", None, {}, "https://api.github.com"),
    ("github", None, {"GH_HOST": "ghe.corp"}, "https://ghe.corp/api/v3"),
    ("github", "https://ghe.corp", {}, "https://ghe.corp/api/v3"),
    ("github", "https://ghe.corp/api/v3/", {}, "https://ghe.corp/api/v3"),
    ("github", "https://github.com", {}, "https://api.github.com"),
    ("github", "http://127.0.0.1:9999", {}, "http://127.0.0.1:9999"),
    ("gitea", "https://gitea.example", {}, "https://gitea.example/api/v1"),
    ("gitea", "https://code.example/git/api/v1", {}, "https://code.example/git/api/v1"),
    ("gitlab", None, {}, "https://gitlab.com/api/v4"),
    ("gitlab", "https://gl.corp/", {}, "https://gl.corp/api/v4"),
])
def test_api_base_resolution(kind, url, env, base):
    assert resolve_base(kind, url, env)[0] == base


def test_origin_auth_adds_the_header_only_for_its_origin():
    auth = OriginAuth("https://forge.example/api/v4", "PRIVATE-TOKEN", "glpat-secretsecretsecret")
    same = next(auth.auth_flow(httpx.Request("GET", "https://forge.example/api/v4/user")))
    other = next(auth.auth_flow(httpx.Request("GET", "https://elsewhere.example/api/v4/user")))
    port = next(auth.auth_flow(httpx.Request("GET", "https://forge.example:8443/api/v4/user")))
    assert same.headers["PRIVATE-TOKEN"] == "glpat-secretsecretsecret"
    assert "PRIVATE-TOKEN" not in other.headers and "PRIVATE-TOKEN" not in port.headers
    assert "secret" not in repr(auth)


# ----------------------------------------------------------------------- the canary


def test_redact_masks_token_shapes_and_known_secrets():
    from triage.forges.redact import register_secret

    register_secret("custom-secret-value-123")
    text = "a ghp_abcdefghijklmnopqrstuvwxyz0123 b glpat-abcdefghijklmnopqrst c " + "f" * 40 + \
        " d custom-secret-value-123"
    out = redact(text)
    assert "ghp_" not in out and "glpat-" not in out and "f" * 40 not in out and "custom-secret" not in out


def test_the_token_canary_never_leaks(forge, tmp_path, cfg, caplog, capsys):
    """Logs (with tracebacks), the database and cache files, posted bodies, exception text."""
    install()
    caplog.set_level(logging.DEBUG)
    token = forge.token
    db = tmp_path / "t.db"
    with Store(db) as store:
        with forge.client() as client:
            sync(store, client, label="ai-review", cfg=cfg, secret=b"s")
            logging.getLogger("triage.test").warning("the token is %s", token)
            try:
                raise RuntimeError(f"boom {token}")
            except RuntimeError:
                logging.getLogger("triage.test").exception("failed")
        record(store, f"{forge.kind}:{REPO}#1", "needs-fix", note="see the log")
        record(store, f"{forge.kind}:{REPO}#3", "approve")
        res = push(store, lambda s, r, b: forge.client(), clock=forge.clock.time, sleep=forge.clock.sleep)
        assert res.posted >= 4
        forge.fake.fault("unauthorized", path=".*", times=5)
        with forge.client() as client, pytest.raises(AuthError) as info:
            client.whoami()
        assert token not in str(info.value) and token not in repr(info.value)
        assert token not in repr(client.http.auth) and token not in repr(client.http.client.auth or "")
    assert "HTTP Request" in caplog.text or "->" in caplog.text  # the transport did log
    assert token not in caplog.text
    out = capsys.readouterr()
    assert token not in out.out and token not in out.err
    for path in tmp_path.iterdir():
        if path.is_file():
            assert token.encode() not in path.read_bytes(), f"token found in {path.name}"
    assert all(token not in b for b in forge.fake.all_bodies())
    assert (tmp_path / "t.httpcache.db").exists()


def test_the_cache_file_is_private(github, tmp_path):
    with github.client() as c:
        c.whoami()
    mode = stat.S_IMODE(os.stat(tmp_path / "t.httpcache.db").st_mode)
    assert mode & 0o077 == 0
