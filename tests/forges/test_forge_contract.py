"""Contract tests: the fake GitHub speaks GitHub (githubkit's models), and so does triage.

The models are those of the API version triage requests
(``X-GitHub-Api-Version: 2022-11-28``): ``githubkit_schemas.v2022_11_28``
(package ``githubkit-schemas-2022-11-28``), not the newest. Responses the fake
serves must validate against the response models *and* carry no field the
version does not define (pydantic ignores extras, which would hide drift);
the write bodies triage sent are validated against the request-body models.
The fake also refuses (422) any write body that does not validate, so the
push tests double as contract tests.
"""

from __future__ import annotations

import httpx
import pytest
from pydantic import BaseModel, TypeAdapter

from triage.forges.outbox import push
from triage.store import Store
from triage.forges.sync import sync

from forge_env import REPO

from githubkit_schemas.v2022_11_28 import models as gh

from triage.forges.github import API_VERSION
from triage.services.verdicts import record


def undefined_fields(obj, raw, where: str) -> list[str]:
    """Keys of ``raw`` that the validated model ``obj`` (recursively) does not define."""
    out: list[str] = []
    if isinstance(obj, BaseModel) and isinstance(raw, dict):
        names = {(f.alias or name): name for name, f in type(obj).model_fields.items()}
        for key, value in raw.items():
            if key not in names:
                out.append(f"{where}.{key}")
            else:
                out.extend(undefined_fields(getattr(obj, names[key]), value, f"{where}.{key}"))
    elif isinstance(obj, list) and isinstance(raw, list):
        for i, (o, r) in enumerate(zip(obj, raw)):
            out.extend(undefined_fields(o, r, f"{where}[{i}]"))
    return out


def conforms(model, data, many: bool = False) -> None:
    """``data`` validates against ``model`` of API version 2022-11-28 and has no field it lacks."""
    objs = TypeAdapter(list[model]).validate_python(data) if many else model.model_validate(data)
    extra = undefined_fields(objs, data, model.__name__)
    assert not extra, f"fields API version {API_VERSION} does not define: {extra[:10]}"


def test_the_models_are_those_of_the_version_triage_requests():
    assert API_VERSION == "2022-11-28"
    assert gh.__name__.startswith("githubkit_schemas.v2022_11_28")


def _pushed_on(env, tmp_path, cfg):
    """The fake forge after a full sync and push of a merged and an open verdict."""
    with Store(tmp_path / "t.db") as store:
        with env.client() as c:
            sync(store, c, label="ai-review", cfg=cfg, secret=b"s")
        record(store, f"{env.kind}:{REPO}#1", "revert", note="breaks refunds")
        record(store, f"{env.kind}:{REPO}#3", "needs-fix", note="secret in code")
        res = push(store, lambda s, r, b: env.client(), clock=env.clock.time, sleep=env.clock.sleep)
        assert res.failed == 0 and res.pending == 0
    return env


@pytest.fixture
def pushed(github, tmp_path, cfg):
    """The fake GitHub after a full sync and push of a merged and an open verdict."""
    return _pushed_on(github, tmp_path, cfg)


def _get(env, path, **params):
    headers = {"Authorization": f"Bearer {env.token}", "Accept": "application/vnd.github+json"}
    r = httpx.get(env.fake.origin + path, params=params, headers=headers)
    r.raise_for_status()
    return r.json()


@pytest.mark.parametrize("path,params,model,many", [
    ("/user", {}, "PrivateUser", False),
    (f"/repos/{REPO}", {}, "FullRepository", False),
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
    if many:
        assert data, f"{path} is empty"
    conforms(getattr(gh, model), data, many)


def test_fake_github_statuses_validate(pushed):
    sha = pushed.repo.pulls[3].head_sha
    data = _get(pushed, f"/repos/{REPO}/commits/{sha}/statuses")
    assert data
    conforms(gh.Status, data, many=True)


def test_fake_github_compare_and_drafts_validate(github):
    pr = github.repo.pulls[3]
    pr.draft = True
    data = _get(github, f"/repos/{REPO}/compare/{pr.base_sha}...{pr.head_sha}", per_page=100)
    conforms(gh.CommitComparison, data)
    assert [c["sha"] for c in data["commits"]] == pr.commits
    full = _get(github, f"/repos/{REPO}/pulls/3")
    conforms(gh.PullRequest, full)
    assert full["draft"] is True


def test_the_renamed_repository_answers_validate(github):
    """GitHub's answer for an old name: 301 (GET) / 307 (write) with a BasicError-shaped body."""
    github.fake.rename(REPO, "acme-corp/store")
    headers = {"Authorization": f"Bearer {github.token}", "Accept": "application/vnd.github+json"}
    got = httpx.get(github.fake.origin + f"/repos/{REPO}/pulls", headers=headers)
    wrote = httpx.post(github.fake.origin + f"/repos/{REPO}/issues/1/comments", headers=headers, json={"body": "x"})
    assert (got.status_code, wrote.status_code) == (301, 307)
    for r in (got, wrote):
        assert r.headers["location"].startswith(github.fake.origin + "/repositories/")
        conforms(gh.BasicError, r.json())
        assert r.json()["message"] == "Moved Permanently"
    assert "acme-corp" not in str(github.fake.comments)  # a 307 applies nothing


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
        conforms(model, p.body)
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
    assert "must be part of the diff" in str(info.value)
    headers = {"Authorization": f"Bearer {github.token}", "Accept": "application/vnd.github+json"}
    r = httpx.post(github.fake.origin + f"/repos/{REPO}/pulls/3/reviews", headers=headers, json={
        "event": "COMMENT", "body": "x", "comments": [{"path": "app/auth.py", "line": 999, "body": "b"}]})
    assert r.status_code == 422
    conforms(gh.ValidationErrorSimple, r.json())  # GitHub's 422 body for an anchor off the diff
    assert any("ReposOwnerRepoPullsPullNumberReviewsPostBody" in e for e in github.fake.validation_errors)


# ------------------------------------------------------------------ Gitea and GitLab documented shapes


def _get_as(env, path, **params):
    headers = {"Authorization": f"token {env.token}"} if env.kind == "gitea" else {"PRIVATE-TOKEN": env.token}
    r = httpx.get(env.fake.api + path, params=params, headers=headers)
    r.raise_for_status()
    return r.json()


def _shape(model, data, many):
    if many:
        assert data, "an empty listing proves nothing"
        TypeAdapter(list[model]).validate_python(data)
    else:
        model.model_validate(data)


@pytest.mark.parametrize("path,params,model,many", [
    ("/user", {}, "GiteaUser", False),
    (f"/repos/{REPO}", {}, "GiteaRepository", False),
    (f"/repos/{REPO}/pulls", {"state": "all"}, "GiteaPullRequest", True),
    (f"/repos/{REPO}/pulls/3", {}, "GiteaPullRequest", False),
    (f"/repos/{REPO}/pulls/1/commits", {}, "GiteaCommit", True),
    (f"/repos/{REPO}/pulls/1/files", {}, "GiteaChangedFile", True),
    (f"/repos/{REPO}/pulls/3/reviews", {}, "GiteaPullReview", True),
    (f"/repos/{REPO}/issues/1/comments", {}, "GiteaComment", True),
    (f"/repos/{REPO}/issues", {"state": "all"}, "GiteaIssue", True),
])
def test_fake_gitea_responses_have_the_documented_shapes(gitea, tmp_path, cfg, path, params, model, many):
    import forge_shapes

    env = _pushed_on(gitea, tmp_path, cfg)
    _shape(getattr(forge_shapes, model), _get_as(env, path, **params), many)


def test_fake_gitea_statuses_and_trees_have_the_documented_shapes(gitea, tmp_path, cfg):
    import forge_shapes

    env = _pushed_on(gitea, tmp_path, cfg)
    sha = env.repo.pulls[3].head_sha
    _shape(forge_shapes.GiteaCommitStatus, _get_as(env, f"/repos/{REPO}/commits/{sha}/statuses"), True)
    _shape(forge_shapes.GiteaTree, _get_as(env, f"/repos/{REPO}/git/trees/{sha}", recursive="true"), False)


@pytest.mark.parametrize("path,params,model,many", [
    ("/user", {}, "GitLabUser", False),
    ("/projects/acme%2Fshop", {}, "GitLabProject", False),
    ("/projects/acme%2Fshop/merge_requests", {"state": "all"}, "GitLabMergeRequest", True),
    ("/projects/acme%2Fshop/merge_requests/3", {}, "GitLabMergeRequest", False),
    ("/projects/acme%2Fshop/merge_requests/1/commits", {}, "GitLabCommit", True),
    ("/projects/acme%2Fshop/merge_requests/1/diffs", {}, "GitLabDiff", True),
    ("/projects/acme%2Fshop/merge_requests/3/notes", {}, "GitLabNote", True),
    ("/projects/acme%2Fshop/merge_requests/3/discussions", {}, "GitLabDiscussion", True),
    ("/projects/acme%2Fshop/merge_requests/3/approvals", {}, "GitLabApprovals", False),
    ("/projects/acme%2Fshop/issues", {"state": "all"}, "GitLabIssue", True),
    ("/projects/acme%2Fshop/repository/tree", {"recursive": "true"}, "GitLabTreeEntry", True),
])
def test_fake_gitlab_responses_have_the_documented_shapes(gitlab, tmp_path, cfg, path, params, model, many):
    import forge_shapes

    env = _pushed_on(gitlab, tmp_path, cfg)
    _shape(getattr(forge_shapes, model), _get_as(env, path, **params), many)


def test_fake_gitlab_statuses_have_the_documented_shape(gitlab, tmp_path, cfg):
    import forge_shapes

    env = _pushed_on(gitlab, tmp_path, cfg)
    sha = env.repo.pulls[3].head_sha
    _shape(forge_shapes.GitLabCommitStatus,
           _get_as(env, f"/projects/acme%2Fshop/repository/commits/{sha}/statuses"), True)


def test_the_shape_models_refuse_an_undocumented_field():
    import forge_shapes
    from pydantic import ValidationError

    user = {"id": 1, "username": "u", "name": "u", "state": "active"}
    forge_shapes.GitLabUser.model_validate(user)
    with pytest.raises(ValidationError):
        forge_shapes.GitLabUser.model_validate({**user, "invented": True})


# ------------------------------------------------------------------ review requests (assignments)


def _request_bob(env):
    headers = {"Authorization": f"token {env.token}"} if env.kind == "gitea" else {"Authorization": f"Bearer {env.token}"}
    r = httpx.post(f"{env.fake.api}/repos/{REPO}/pulls/3/requested_reviewers", json={"reviewers": ["bob-gh"]},
                   headers=headers)
    return r


def test_fake_github_review_requests_have_githubs_shapes(github):
    r = _request_bob(github)
    assert r.status_code == 201
    conforms(gh.PullRequestSimple, r.json())
    assert [u["login"] for u in r.json()["requested_reviewers"]] == ["bob-gh"]
    listed = httpx.get(f"{github.fake.api}/repos/{REPO}/pulls/3/requested_reviewers",
                       headers={"Authorization": f"Bearer {github.token}"}).json()
    conforms(gh.PullRequestReviewRequest, listed)
    full = httpx.get(f"{github.fake.api}/repos/{REPO}/pulls/3", headers={"Authorization": f"Bearer {github.token}"})
    conforms(gh.PullRequest, full.json())
    author = httpx.post(f"{github.fake.api}/repos/{REPO}/pulls/3/requested_reviewers", json={"reviewers": ["carol"]},
                        headers={"Authorization": f"Bearer {github.token}"})
    assert author.status_code == 422 and "author" in author.json()["message"]


def test_the_review_request_triage_sends_validates_against_githubs_request_body(github, tmp_path):
    with github.client() as c:
        c.request_reviewer(3, "bob-gh")
    (sent,) = [r for r in github.fake.requests if r.method == "POST" and r.path.endswith("/requested_reviewers")]
    gh.ReposOwnerRepoPullsPullNumberRequestedReviewersPostBodyAnyof0.model_validate(sent.body)
    assert github.fake.validation_errors == []


def test_fake_gitea_review_requests_have_the_documented_shapes(gitea):
    import forge_shapes

    r = _request_bob(gitea)
    assert r.status_code == 201
    _shape(forge_shapes.GiteaPullReview, r.json(), True)
    assert r.json()[0]["state"] == "REQUEST_REVIEW"
    pr = _get_as(gitea, f"/repos/{REPO}/pulls/3")
    forge_shapes.GiteaPullRequest.model_validate(pr)
    assert [u["login"] for u in pr["requested_reviewers"]] == ["bob-gh"]
    _shape(forge_shapes.GiteaPullReview, _get_as(gitea, f"/repos/{REPO}/pulls/3/reviews"), True)


def test_fake_gitlab_reviewers_have_the_documented_shapes(gitlab):
    import forge_shapes

    (bob,) = _get_as(gitlab, "/users", username="bob-gh")
    forge_shapes.GitLabUser.model_validate(bob)
    r = httpx.put(f"{gitlab.fake.api}/projects/acme%2Fshop/merge_requests/3", json={"reviewer_ids": [bob["id"]]},
                  headers={"PRIVATE-TOKEN": gitlab.token})
    assert r.status_code == 200
    forge_shapes.GitLabMergeRequest.model_validate(r.json())
    assert [u["username"] for u in r.json()["reviewers"]] == ["bob-gh"]
    _shape(forge_shapes.GitLabMergeRequest, _get_as(gitlab, "/projects/acme%2Fshop/merge_requests", state="all"), True)
    bad = httpx.put(f"{gitlab.fake.api}/projects/acme%2Fshop/merge_requests/3", json={"reviewer_ids": "bob"},
                    headers={"PRIVATE-TOKEN": gitlab.token})
    assert bad.status_code == 400
    assert _get_as(gitlab, "/users", username="nobody") != []  # the fake knows any name it was not told to forget
    gitlab.fake.unknown_users.add("ghost")
    assert _get_as(gitlab, "/users", username="ghost") == []
