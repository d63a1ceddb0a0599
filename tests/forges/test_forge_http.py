"""The HTTP layer: retries, timeouts, rate limits, conditional requests, paging, redirects."""

from __future__ import annotations

import socket

import httpx
import pytest

from triage.forges.errors import Ambiguous, ListingIncomplete, PermissionDenied, Unavailable
from triage.forges.http import TIMEOUT, RetryPolicy

from forge_env import REPO, TOKENS
from fakeforge import FakeGitHub, FakeGitLab


def test_default_timeouts_follow_the_policy():
    assert (TIMEOUT.connect, TIMEOUT.read, TIMEOUT.write, TIMEOUT.pool) == (5.0, 30.0, 30.0, 5.0)


def test_get_is_retried_through_a_5xx_burst(github):
    github.fake.fault("status", status=502, path="^/user$", times=2)
    with github.client() as c:
        assert c.whoami() == "triage-bot"
    assert [r.status for r in github.fake.requests_to("GET", "^/user$")] == [502, 502, 200]


def test_get_gives_up_with_one_line_after_the_attempts(github):
    github.fake.fault("status", status=503, path="^/user$", times=100)
    with github.client() as c, pytest.raises(Unavailable) as info:
        c.whoami()
    assert "503" in str(info.value) and "after 5 tries" in str(info.value) and "\n" not in str(info.value)
    assert len(github.fake.requests_to("GET", "^/user$")) == 5


def test_a_write_is_never_blindly_retried_on_5xx(github):
    github.fake.fault("status", status=502, method="POST")
    with github.client() as c, pytest.raises(Ambiguous):
        c.post_comment(1, "hello")
    assert len(github.fake.requests_to("POST", ".*")) == 1


def test_a_write_that_cannot_connect_is_not_ambiguous(tmp_path):
    from triage.forges.http import Http

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    http = Http(f"http://127.0.0.1:{port}", None, policy=RetryPolicy(attempts=2, wait_initial=0.001, wait_max=0.001,
                                                                      wait_jitter=0))
    with http, pytest.raises(Unavailable) as info:
        http.post_json("/x", {})
    assert not isinstance(info.value, Ambiguous)


def test_slow_responses_time_out_and_are_retried(github):
    github.fake.fault("slow", path="^/user$", delay=0.6, times=1)
    with github.client(timeout=httpx.Timeout(0.3)) as c:
        assert c.whoami() == "triage-bot"
    github.fake.fault("slow", path="^/user$", delay=0.6, times=10)
    with github.client(timeout=httpx.Timeout(0.3), cache_file=None) as c, pytest.raises(Unavailable) as info:
        c.http.get_json("/user")
    assert "read timeout" in str(info.value)


def test_a_cut_off_page_is_retried(github):
    github.fake.fault("truncate", path=r"/pulls$", times=1)
    with github.client() as c:
        items = list(c.http.paginate(f"/repos/{REPO}/pulls", {"state": "all"}))
    assert len(items) == 5


def test_a_failed_page_makes_the_listing_incomplete_not_short(github):
    github.fake.per_page_max = 2
    github.fake.fault("status", status=500, path=r"/pulls$", after=1, times=100)
    seen = []
    with github.client() as c, pytest.raises(ListingIncomplete) as info:
        for item in c.http.paginate(f"/repos/{REPO}/pulls", {"state": "all"}):
            seen.append(item["number"])
    assert len(seen) == 2 and "page 2" in str(info.value)


def test_paging_follows_next_only_and_dedupes(github):
    github.fake.per_page_max = 1
    github.fake.comments[(REPO, 1)] = [{"id": 5, "user": "a", "body": "x", "at": 0},
                                       {"id": 5, "user": "a", "body": "x", "at": 0},
                                       {"id": 6, "user": "b", "body": "y", "at": 0}]
    with github.client() as c:
        posts = c.list_comments(1)
    assert [p.id for p in posts] == ["5", "6"]
    pages = [r.query.get("page", ["1"])[0] for r in github.fake.requests_to("GET", r"/issues/1/comments$")]
    assert pages == ["1", "2", "3"]  # never jumped to rel="last"


def test_no_validator_without_a_cached_body_and_a_stray_304_is_refetched(github):
    github.fake.fault("force304", path="^/user$", times=1)
    with github.client() as c:
        assert c.whoami() == "triage-bot"
    reqs = github.fake.requests_to("GET", "^/user$")
    assert [r.status for r in reqs] == [304, 200]
    assert all("if-none-match" not in r.headers for r in reqs)


def test_conditional_get_serves_the_cached_body_on_304(github):
    with github.client() as c:
        c.whoami()
        left = github.fake.rate_remaining
        assert c.whoami() == "triage-bot"
    last = github.fake.requests_to("GET", "^/user$")[-1]
    assert last.status == 304 and "if-none-match" in last.headers
    assert github.fake.rate_remaining == left


def test_retry_after_on_429_goes_through_the_sleeper(github):
    github.fake.fault("rate429", path="^/user$", retry_after="17")
    with github.client() as c:
        assert c.whoami() == "triage-bot"
    assert github.clock.slept == [17.0]


def test_secondary_limit_without_headers_waits_at_least_a_minute(github):
    github.fake.fault("secondary", path="^/user$")
    with github.client() as c:
        c.whoami()
    assert github.clock.slept and github.clock.slept[0] >= 60


def test_primary_limit_waits_until_reset(github):
    github.fake.fault("rate403", path="^/user$", reset_in=100)
    with github.client() as c:
        c.whoami()
    assert 99 <= github.clock.slept[0] <= 103


def test_remaining_zero_pauses_before_the_next_request(github):
    import time

    github.fake.rate_remaining = 1
    github.fake.rate_reset = int(time.time()) + 50
    with github.client() as c:
        c.whoami()  # answered with remaining 0
        github.fake.rate_remaining = 5000
        c.list_comments(1)
    assert github.clock.slept and 48 <= github.clock.slept[0] <= 53


def test_403_names_the_scope_the_forge_accepts(github):
    github.fake.fault("forbidden", path="^/user$")
    with github.client() as c, pytest.raises(PermissionDenied) as info:
        c.whoami()
    assert "accepts: repo" in str(info.value) and "token has: read:org" in str(info.value)
    assert info.value.needed == "repo"


@pytest.mark.parametrize("kind", ["github", "gitlab"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_redirect_to_another_host_is_not_followed(kind, method, request, tmp_path):
    from forge_env import _start
    from triage.forges.errors import ForgeError

    env = _start(kind, tmp_path, request)
    other = FakeGitHub("unused-token").start()
    request.addfinalizer(other.stop)
    env.fake.fault("redirect", path="^/user$|/notes$|/comments$", location=other.origin)
    with env.client() as c, pytest.raises(ForgeError) as info:
        c.whoami() if method == "GET" else c.post_comment(1, "hello")
    assert other.requests == []  # neither the token nor the post went to the other host
    assert "another host" in str(info.value) and "\n" not in str(info.value)
    assert TOKENS[kind] not in str(info.value)


def test_a_same_origin_redirect_keeps_the_credential(gitlab):
    gitlab.fake.fault("redirect", path="^/user$", location="/api/v4/user")
    with gitlab.client() as c:
        assert c.whoami() == "triage-bot"
    first, second = gitlab.fake.requests_to("GET", "/user$")
    assert first.status == 302 and second.headers.get("private-token") == TOKENS["gitlab"]


def test_gitlab_project_path_stays_encoded():
    fake = FakeGitLab("t").start()
    try:
        from triage.forges.gitlab import GitLab
        from triage.forges.http import Http

        g = GitLab(Http(fake.api, None), "group/sub/proj", fake.api)
        with pytest.raises(Exception):
            g.list_comments(1)
        assert fake.requests[0].path == "/api/v4/projects/group%2Fsub%2Fproj/merge_requests/1/notes"
    finally:
        fake.stop()


def test_two_identities_never_share_a_cache_entry(github, tmp_path):
    github.fake.tokens["ghp_" + "o" * 36] = "other-user"
    with github.client() as c:
        assert c.whoami() == "triage-bot"
    from triage.forges import open_forge

    other = open_forge("github", REPO, github.url, env={"GH_TOKEN": "ghp_" + "o" * 36},
                       cache_file=tmp_path / "t.httpcache.db", gh_token=lambda h: None)
    with other:
        assert other.whoami() == "other-user"
    last = github.fake.requests_to("GET", "^/user$")[-1]
    assert "if-none-match" not in last.headers  # no validator borrowed from the other identity
