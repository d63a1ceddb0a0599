"""Contract tests: the fake GitHub speaks GitHub (githubkit's models), and so does triage.

Responses the fake serves are validated against the response models of
``githubkit_schemas.latest``; the write bodies triage sent are validated
against the request-body models. The fake also refuses (422) any write
body that does not validate, so the push tests double as contract tests.
"""

from __future__ import annotations

import httpx
import pytest
from pydantic import TypeAdapter

from triage.forges.outbox import push
from triage.store import Store
from triage.sync import sync

from forge_env import REPO

try:
    from githubkit_schemas.latest import models as gh
except ImportError:  # pragma: no cover
    from githubkit.versions.latest import models as gh


@pytest.fixture
def pushed(github, tmp_path, cfg):
    """The fake GitHub after a full sync and push of a merged and an open verdict."""
    with Store(tmp_path / "t.db") as store:
        with github.client() as c:
            sync(store, c, label="ai-review", cfg=cfg, secret=b"s")
        store.record_verdict(f"github:{REPO}#1", "revert", note="breaks refunds")
        store.record_verdict(f"github:{REPO}#3", "needs-fix", note="secret in code")
        res = push(store, lambda s, r, b: github.client(), clock=github.clock.time, sleep=github.clock.sleep)
        assert res.failed == 0 and res.pending == 0
    return github


def _get(env, path, **params):
    headers = {"Authorization": f"Bearer {env.token}", "Accept": "application/vnd.github+json"}
    r = httpx.get(env.fake.origin + path, params=params, headers=headers)
    r.raise_for_status()
    return r.json()


@pytest.mark.parametrize("path,params,model,many", [
    ("/user", {}, "PrivateUser", False),
    (f"/repos/{REPO}/pulls", {"state": "all"}, "PullRequestSimple", True),
    (f"/repos/{REPO}/pulls/1", {}, "PullRequest", False),
    (f"/repos/{REPO}/pulls/3", {}, "PullRequest", False),
    (f"/repos/{REPO}/pulls/1/files", {}, "DiffEntry", True),
    (f"/repos/{REPO}/pulls/1/commits", {}, "Commit", True),
    (f"/repos/{REPO}/pulls/3/reviews", {}, "PullRequestReview", True),
    (f"/repos/{REPO}/issues/1/comments", {}, "IssueComment", True),
    (f"/repos/{REPO}/issues", {"state": "all"}, "Issue", True),
])
def test_fake_github_responses_validate_against_githubkit(pushed, path, params, model, many):
    data = _get(pushed, path, **params)
    cls = getattr(gh, model)
    if many:
        assert data, f"{path} is empty"
        TypeAdapter(list[cls]).validate_python(data)
    else:
        cls.model_validate(data)


def test_fake_github_statuses_validate(pushed):
    sha = pushed.repo.pulls[3].head_sha
    data = _get(pushed, f"/repos/{REPO}/commits/{sha}/statuses")
    assert data
    TypeAdapter(list[gh.Status]).validate_python(data)


def test_every_body_triage_sent_validates_against_the_request_models(pushed):
    models = {
        r"/pulls/\d+/reviews$": gh.ReposOwnerRepoPullsPullNumberReviewsPostBody,
        r"/issues/\d+/comments$": gh.ReposOwnerRepoIssuesIssueNumberCommentsPostBody,
        r"/issues$": gh.ReposOwnerRepoIssuesPostBody,
        r"/statuses/[0-9a-f]+$": gh.ReposOwnerRepoStatusesShaPostBody,
    }
    import re

    posts = pushed.fake.requests_to("POST", ".*")
    assert {p.path.rsplit("/", 1)[-1] for p in posts} >= {"reviews", "comments", "issues"}
    for p in posts:
        model = next(m for pat, m in models.items() if re.search(pat, p.path))
        model.model_validate(p.body)
    review = next(p.body for p in posts if p.path.endswith("/reviews"))
    assert review["event"] == "REQUEST_CHANGES" and review["comments"]
    assert all(c["side"] == "RIGHT" and isinstance(c["line"], int) for c in review["comments"])
    assert pushed.fake.validation_errors == []


def test_the_fake_refuses_bodies_github_would_refuse(github):
    with github.client() as c:
        from triage.forges.errors import Unprocessable

        with pytest.raises(Unprocessable):
            c.post_review(3, "APPROVED", "x", [], "")  # Gitea's word, not GitHub's
        with pytest.raises(Unprocessable) as info:
            c.post_review(3, "COMMENT", "x", [{"path": "app/auth.py", "line": 999, "body": "b"}], "")
    assert "part of the diff" in str(info.value)
    assert any("ReposOwnerRepoPullsPullNumberReviewsPostBody" in e for e in github.fake.validation_errors)
