"""A fake GitHub REST API (the endpoints triage uses), faithful enough for contract tests.

Responses have GitHub's shapes (they validate against githubkit's models, see
``test_forge_contract.py``); request bodies of writes are validated against
githubkit's request-body models, and a body that does not validate gets a 422
(and is recorded in ``validation_errors``). Inline review comments must land
on a line of the diff, or the whole review fails with 422, as on GitHub.
"""

from __future__ import annotations

import time

from pydantic import ValidationError

from .core import FakeForge, Reply, Request
from .repo import FakePR, FakeRepo, iso

# The models of the API version triage requests (X-GitHub-Api-Version: 2022-11-28), not the newest.
from githubkit_schemas.v2022_11_28 import models as gh

import re
from urllib.parse import unquote

COMMITS_CAP = 250
"""GitHub: "Lists a maximum of 250 commits for a pull request" (List commits on a pull request)."""
MOVED_DOCS = "https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects"
LINE_NOT_IN_DIFF = ("Pull request review thread line must be part of the diff and Pull request review thread diff "
                    "hunk can't be blank")

USER_IDS: dict[str, int] = {}


def user_json(login: str, base: str) -> dict:
    uid = USER_IDS.setdefault(login, 100 + len(USER_IDS))
    u = f"{base}/users/{login}"
    return {
        "login": login, "id": uid, "node_id": f"U_{uid}", "avatar_url": f"{base}/avatars/{uid}", "gravatar_id": "",
        "url": u, "html_url": f"{base}/{login}", "followers_url": f"{u}/followers",
        "following_url": f"{u}/following{{/other_user}}", "gists_url": f"{u}/gists{{/gist_id}}",
        "starred_url": f"{u}/starred{{/owner}}{{/repo}}", "subscriptions_url": f"{u}/subscriptions",
        "organizations_url": f"{u}/orgs", "repos_url": f"{u}/repos", "events_url": f"{u}/events{{/privacy}}",
        "received_events_url": f"{u}/received_events", "type": "Bot" if login.endswith("[bot]") else "User",
        "site_admin": False,
    }


def private_user_json(login: str, base: str) -> dict:
    return {**user_json(login, base), "name": login, "company": None, "blog": "", "location": None, "email": None,
            "hireable": None, "bio": None, "public_repos": 1, "public_gists": 0, "followers": 0, "following": 0,
            "created_at": iso(1_600_000_000), "updated_at": iso(1_700_000_000), "private_gists": 0,
            "total_private_repos": 0, "owned_private_repos": 0, "disk_usage": 1, "collaborators": 0,
            "two_factor_authentication": True}


def repo_json(full: str, base: str, rid: int = 4242) -> dict:
    owner, name = full.split("/")
    a = f"{base}/repos/{full}"
    urls = {k: f"{a}/{k.removesuffix('_url')}" for k in (
        "archive_url", "assignees_url", "blobs_url", "branches_url", "collaborators_url", "comments_url",
        "commits_url", "compare_url", "contents_url", "contributors_url", "deployments_url", "downloads_url",
        "events_url", "forks_url", "git_commits_url", "git_refs_url", "git_tags_url", "issue_comment_url",
        "issue_events_url", "issues_url", "keys_url", "labels_url", "languages_url", "merges_url",
        "milestones_url", "notifications_url", "pulls_url", "releases_url", "stargazers_url", "statuses_url",
        "subscribers_url", "subscription_url", "tags_url", "teams_url", "trees_url", "hooks_url")}
    return {
        "id": rid, "node_id": f"R_{rid}", "name": name, "full_name": full, "license": None, "forks": 0,
        "owner": user_json(owner, base), "private": False, "html_url": f"{base}/{full}", "description": None,
        "fork": False, "url": a, **urls, "git_url": f"git://example/{full}.git", "ssh_url": f"git@example:{full}.git",
        "clone_url": f"{base}/{full}.git", "mirror_url": None, "svn_url": f"{base}/{full}", "homepage": None,
        "language": "Python", "forks_count": 0, "stargazers_count": 0, "watchers_count": 0, "size": 1,
        "default_branch": "main", "open_issues_count": 0, "has_pages": False, "disabled": False,
        "pushed_at": iso(1_767_000_000), "created_at": iso(1_700_000_000), "updated_at": iso(1_767_000_000),
        "open_issues": 0, "watchers": 0,
    }


def label_json(name: str, base: str, full: str) -> dict:
    lid = abs(hash(name)) % 100000
    return {"id": lid, "node_id": f"L_{lid}", "url": f"{base}/repos/{full}/labels/{name}", "name": name,
            "description": None, "color": "ededed", "default": False, "archived_by": None}


class FakeGitHub(FakeForge):
    """``https://api.github.com`` at the server root (pass ``--url http://127.0.0.1:PORT``)."""

    prefix = ""
    weak_etags = True

    def __init__(self, token: str, login: str = "triage-bot"):
        super().__init__(token, login)
        self.reviews: dict[tuple[str, int], list[dict]] = {}
        self.comments: dict[tuple[str, int], list[dict]] = {}
        self.issues: dict[str, list[dict]] = {}
        self.statuses: dict[tuple[str, str], list[dict]] = {}
        self.oauth_scopes: str | None = None
        """Classic tokens: the ``X-OAuth-Scopes`` every answer carries; None for a fine-grained token."""
        self.api_versions = ["2022-11-28", "2026-03-10"]
        self.collaborators: set[str] | None = None
        """Lower-case logins a review may be requested from; None: anyone."""

    # ------------------------------------------------------------------ plumbing

    def rate_headers(self) -> dict:
        h = super().rate_headers()
        if self.oauth_scopes is not None:
            h["X-OAuth-Scopes"] = self.oauth_scopes
            h["X-Accepted-OAuth-Scopes"] = ""
        return h

    def authenticate(self, headers: dict) -> str | None:
        auth = headers.get("authorization", "")
        for scheme in ("Bearer ", "token "):
            if auth.startswith(scheme):
                return self.tokens.get(auth[len(scheme):])
        return None

    def error(self, status: int, message: str, **extra) -> Reply:
        return Reply(status, {"message": message, "documentation_url": "https://docs.github.com/rest", **extra,
                              "status": str(status)})

    def validate(self, model, body) -> str | None:
        try:
            model.model_validate(body)
        except ValidationError as exc:
            msg = f"{model.__name__}: {exc.errors()[0]['msg']}"
            self.validation_errors.append(msg)
            return msg
        return None

    def repo(self, owner: str, name: str) -> FakeRepo | None:
        return self.repos.get(f"{owner}/{name}")

    def register_routes(self) -> None:
        r = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"
        self.route("GET", "/user", self.get_user)
        self.route("GET", "/versions", lambda req: Reply(200, list(self.api_versions)))
        self.route("GET", "/rate_limit", self.get_rate_limit)
        self.route("GET", r, self.get_repo)
        self.route("GET", r + r"/compare/(?P<base>[0-9a-f]+)\.\.\.(?P<head>[0-9a-f]+)", self.compare)
        self.route("GET", r + "/pulls", self.list_pulls)
        self.route("GET", r + r"/pulls/(?P<n>\d+)", self.get_pull)
        self.route("GET", r + r"/pulls/(?P<n>\d+)/files", self.list_files)
        self.route("GET", r + r"/pulls/(?P<n>\d+)/commits", self.list_commits)
        self.route("GET", r + r"/pulls/(?P<n>\d+)/reviews", self.list_reviews)
        self.route("POST", r + r"/pulls/(?P<n>\d+)/reviews", self.post_review)
        self.route("GET", r + r"/pulls/(?P<n>\d+)/requested_reviewers", self.list_requested)
        self.route("POST", r + r"/pulls/(?P<n>\d+)/requested_reviewers", self.request_reviewers)
        self.route("GET", r + r"/issues/(?P<n>\d+)/comments", self.list_comments)
        self.route("POST", r + r"/issues/(?P<n>\d+)/comments", self.post_comment)
        self.route("GET", r + "/issues", self.list_issues)
        self.route("POST", r + "/issues", self.post_issue)
        self.route("GET", r + r"/commits/(?P<sha>[0-9a-f]+)/statuses", self.list_statuses)
        self.route("POST", r + r"/statuses/(?P<sha>[0-9a-f]+)", self.post_status)
        self.route("GET", r + r"/contents/(?P<path>.+)", self.get_contents)
        self.route("GET", r + r"/git/trees/(?P<sha>[0-9a-f]+)", self.get_tree)

    # ------------------------------------------------------------------ JSON shapes

    def pr_json(self, repo: FakeRepo, pr: FakePR, full: bool = False) -> dict:
        base = self.origin
        a = f"{base}/repos/{repo.full_name}"
        html = f"{base}/{repo.full_name}/pull/{pr.number}"
        rj = repo_json(repo.full_name, base, self.repo_id(repo.full_name))
        owner = repo.full_name.split("/")[0]
        d = {
            "url": f"{a}/pulls/{pr.number}", "id": pr.id, "node_id": f"PR_{pr.id}", "html_url": html,
            "diff_url": html + ".diff", "patch_url": html + ".patch", "issue_url": f"{a}/issues/{pr.number}",
            "commits_url": f"{a}/pulls/{pr.number}/commits", "review_comments_url": f"{a}/pulls/{pr.number}/comments",
            "review_comment_url": f"{a}/pulls/comments{{/number}}", "comments_url": f"{a}/issues/{pr.number}/comments",
            "statuses_url": f"{a}/statuses/{pr.head_sha}", "number": pr.number, "state": pr.state, "locked": False,
            "title": pr.title, "user": user_json(pr.user, base), "body": pr.body,
            "labels": [label_json(x, base, repo.full_name) for x in pr.labels], "milestone": None,
            "active_lock_reason": None, "created_at": iso(pr.created_at), "updated_at": iso(pr.updated_at),
            "closed_at": iso(pr.merged_at) if pr.state == "closed" else None, "merged_at": iso(pr.merged_at),
            "merge_commit_sha": pr.merge_commit_sha, "assignee": None, "assignees": [],
            "requested_reviewers": [user_json(u, base) for u in pr.requested],
            "requested_teams": [],
            "head": {"label": f"{owner}:{pr.head_ref}", "ref": pr.head_ref, "sha": pr.head_sha,
                     "user": user_json(owner, base), "repo": rj},
            "base": {"label": f"{owner}:main", "ref": "main", "sha": pr.base_sha, "user": user_json(owner, base),
                     "repo": rj},
            "_links": {k: {"href": v} for k, v in {
                "self": f"{a}/pulls/{pr.number}", "html": html, "issue": f"{a}/issues/{pr.number}",
                "comments": f"{a}/issues/{pr.number}/comments",
                "review_comments": f"{a}/pulls/{pr.number}/comments",
                "review_comment": f"{a}/pulls/comments{{/number}}", "commits": f"{a}/pulls/{pr.number}/commits",
                "statuses": f"{a}/statuses/{pr.head_sha}"}.items()},
            "author_association": "CONTRIBUTOR", "auto_merge": None, "draft": pr.draft,
        }
        if full:
            files = repo.file_patches(pr)
            d.update({"merged": pr.merged, "mergeable": None if pr.merged else True, "rebaseable": None,
                      "mergeable_state": "unknown" if pr.merged else "clean",
                      "merged_by": user_json(owner, base) if pr.merged else None, "comments": 0,
                      "review_comments": 0, "maintainer_can_modify": False, "commits": len(pr.commits),
                      "additions": sum(f["additions"] for f in files),
                      "deletions": sum(f["deletions"] for f in files), "changed_files": len(files)})
        return d

    def commit_json(self, repo: FakeRepo, sha: str) -> dict:
        base = self.origin
        c = repo.commit_info(sha)
        a = f"{base}/repos/{repo.full_name}"
        return {
            "url": f"{a}/commits/{sha}", "sha": sha, "node_id": f"C_{sha[:8]}",
            "html_url": f"{base}/{repo.full_name}/commit/{sha}", "comments_url": f"{a}/commits/{sha}/comments",
            "commit": {"url": f"{a}/git/commits/{sha}",
                       "author": {"name": c["author_name"], "email": c["author_email"], "date": c["date"]},
                       "committer": {"name": c["committer_name"], "email": c["committer_email"], "date": c["date"]},
                       "message": c["message"], "comment_count": 0,
                       "tree": {"sha": c["tree"], "url": f"{a}/git/trees/{c['tree']}"}},
            "author": None, "committer": None,
            "parents": [{"sha": p, "url": f"{a}/commits/{p}"} for p in c["parents"]],
        }

    # ------------------------------------------------------------------ reads

    def get_user(self, req: Request) -> Reply:
        return Reply(200, private_user_json(req.user, self.origin))

    def get_repo(self, req: Request, owner: str, name: str) -> Reply:
        full = f"{owner}/{name}"
        if full not in self.repos:
            return self.error(404, "Not Found")
        d = repo_json(full, self.origin, self.repo_id(full))
        d.update({"network_count": 0, "subscribers_count": 0, "has_issues": True, "has_projects": False,
                  "has_wiki": False, "has_discussions": False, "archived": False,
                  "permissions": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True}})
        return Reply(200, d)

    def get_rate_limit(self, req: Request) -> Reply:
        """``GET /rate_limit`` (free: it does not count against the primary limit)."""
        core = {"limit": self.rate_limit, "remaining": self.rate_remaining, "reset": self.rate_reset,
                "used": self.rate_limit - self.rate_remaining}
        return Reply(200, {"resources": {"core": core, "search": {**core, "limit": 30, "remaining": 30, "used": 0}},
                           "rate": core})

    def compare(self, req: Request, owner: str, name: str, base: str, head: str) -> Reply:
        """``/compare/BASE...HEAD``: commits paginated (``per_page``/``page``, Link), at most 250 without them."""
        repo = self.repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        try:
            shas = repo.commits_between(base, head)
        except (KeyError, ValueError):
            return self.error(404, "Not Found")
        a = f"{self.origin}/repos/{repo.full_name}"
        body = {"url": f"{a}/compare/{base}...{head}", "html_url": f"{self.origin}/{repo.full_name}/compare/{base}...{head}",
                "permalink_url": f"{self.origin}/{repo.full_name}/compare/{base}...{head}",
                "diff_url": f"{self.origin}/{repo.full_name}/compare/{base}...{head}.diff",
                "patch_url": f"{self.origin}/{repo.full_name}/compare/{base}...{head}.patch",
                "base_commit": self.commit_json(repo, base), "merge_base_commit": self.commit_json(repo, base),
                "status": "ahead", "ahead_by": len(shas), "behind_by": 0, "total_commits": len(shas), "files": []}
        headers: dict = {}
        if req.q("per_page") is None and req.q("page") is None:
            chunk = shas[:COMMITS_CAP]
        else:
            page = self.paginate(req, shas)
            chunk, headers = page.body, page.headers
        body["commits"] = [self.commit_json(repo, s) for s in chunk]
        return Reply(200, body, headers)

    # ------------------------------------------------------------------ renamed repositories

    def moved_reply(self, method: str, path: str, query: str) -> Reply | None:
        """A renamed or transferred repository: 301 for GET, 307 for other methods, to the
        repository-id path (``/repositories/ID/…``), with GitHub's "Moved Permanently" body."""
        m = re.match(r"^/repos/([^/]+)/([^/]+)(/.*)?$", path)
        if not m:
            return None
        new = self.current_name(f"{unquote(m.group(1))}/{unquote(m.group(2))}")
        if new is None:
            return None
        loc = f"{self.origin}/repositories/{self.repo_id(new)}{m.group(3) or ''}"
        return Reply(301 if method == "GET" else 307, {"message": "Moved Permanently", "url": loc,
                                                       "documentation_url": MOVED_DOCS}, {"Location": loc})

    def rewrite(self, path: str) -> str:
        m = re.match(r"^/repositories/(\d+)(/.*)?$", path)
        repo = self.repo_by_id(int(m.group(1))) if m else None
        return f"/repos/{repo.full_name}{m.group(2) or ''}" if repo else path

    def list_pulls(self, req: Request, owner: str, name: str) -> Reply:
        repo = self.repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        state = req.q("state", "open")
        pulls = [p for p in repo.pulls.values() if state == "all" or p.state == state]
        key = (lambda p: p.updated_at) if req.q("sort") == "updated" else (lambda p: p.created_at)
        pulls.sort(key=lambda p: (key(p), p.number), reverse=req.q("direction", "desc") == "desc")
        return self.paginate(req, [self.pr_json(repo, p) for p in pulls])

    def _pull(self, owner: str, name: str, n: str) -> tuple[FakeRepo | None, FakePR | None]:
        repo = self.repo(owner, name)
        return repo, (repo.pulls.get(int(n)) if repo else None)

    def get_pull(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "Not Found")
        accept = req.headers.get("accept", "")
        if "diff" in accept:
            if pr.too_large:
                return self.error(406, "Sorry, the diff exceeded the maximum number of files (300). Consider "
                                       "using 'List pull requests files' API or locally cloning the repository "
                                       "instead.", errors=[{"resource": "PullRequest", "field": "diff",
                                                            "code": "too_large"}])
            return Reply(200, repo.patch_text(pr), {"Content-Type": "text/plain; charset=utf-8"})
        return Reply(200, self.pr_json(repo, pr, full=True))

    def list_files(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "Not Found")
        base = self.origin
        status = {"A": "added", "D": "removed", "M": "modified", "R": "renamed", "C": "copied", "T": "changed"}
        out = []
        for f in repo.file_patches(pr):
            path = f["new_path"]
            d = {"sha": f["blob"], "filename": path, "status": status.get(f["status"], "modified"),
                 "additions": f["additions"], "deletions": f["deletions"],
                 "changes": f["additions"] + f["deletions"],
                 "blob_url": f"{base}/{repo.full_name}/blob/{pr.head_sha}/{path}",
                 "raw_url": f"{base}/{repo.full_name}/raw/{pr.head_sha}/{path}",
                 "contents_url": f"{base}/repos/{repo.full_name}/contents/{path}?ref={pr.head_sha}"}
            if f["status"] == "R":
                d["previous_filename"] = f["old_path"]
            if f["hunks"] and path not in pr.withhold_patch:
                d["patch"] = f["hunks"].rstrip("\n")
            out.append(d)
        return self.paginate(req, out[:3000])

    def list_commits(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "Not Found")
        return self.paginate(req, [self.commit_json(repo, s) for s in pr.commits[:COMMITS_CAP]])

    def get_contents(self, req: Request, owner: str, name: str, path: str) -> Reply:
        repo = self.repo(owner, name)
        from urllib.parse import unquote

        data = repo.read(req.q("ref") or repo.base_sha, unquote(path)) if repo else None
        if data is None:
            return self.error(404, "Not Found")
        return Reply(200, data, {"Content-Type": "application/vnd.github.raw+json"})

    def get_tree(self, req: Request, owner: str, name: str, sha: str) -> Reply:
        repo = self.repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        entries = [{"path": p, "mode": "040000" if t == "tree" else "100644", "type": t, "sha": s,
                    "url": f"{self.origin}/repos/{repo.full_name}/git/{t}s/{s}"} for p, t, s in repo.tree(sha)]
        return Reply(200, {"sha": sha, "url": f"{self.origin}/repos/{repo.full_name}/git/trees/{sha}",
                           "tree": entries, "truncated": False})

    # ------------------------------------------------------------------ conversation

    def review_json(self, repo: FakeRepo, pr: FakePR, r: dict) -> dict:
        a = f"{self.origin}/repos/{repo.full_name}"
        html = f"{self.origin}/{repo.full_name}/pull/{pr.number}"
        return {"id": r["id"], "node_id": f"PRR_{r['id']}", "user": user_json(r["user"], self.origin),
                "body": r["body"], "state": r["state"], "html_url": f"{html}#pullrequestreview-{r['id']}",
                "pull_request_url": f"{a}/pulls/{pr.number}",
                "_links": {"html": {"href": f"{html}#pullrequestreview-{r['id']}"},
                           "pull_request": {"href": f"{a}/pulls/{pr.number}"}},
                "submitted_at": iso(r["at"]), "commit_id": r["commit_id"], "author_association": "MEMBER"}

    def list_reviews(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "Not Found")
        return self.paginate(req, [self.review_json(repo, pr, r) for r in self.reviews.get((repo.full_name, pr.number), [])])

    def valid_lines(self, repo: FakeRepo, pr: FakePR) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for p in repo.diff(pr):
            lines = out.setdefault(p.delta.new_file.path, set())
            for h in p.hunks:
                for ln in h.lines:
                    if ln.new_lineno > 0 and ln.origin in "+ ":
                        lines.add(ln.new_lineno)
        return out

    def post_review(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "Not Found")
        body = req.body if isinstance(req.body, dict) else {}
        problem = self.validate(gh.ReposOwnerRepoPullsPullNumberReviewsPostBody, body)
        if problem:
            return self.error(422, "Invalid request.", errors=[problem])
        event = body.get("event")
        if event in ("REQUEST_CHANGES", "COMMENT") and not body.get("body"):
            return self.error(422, "Unprocessable Entity", errors=["Review body is required"])
        if event in ("APPROVE", "REQUEST_CHANGES") and pr.user == req.user:
            what = "approve" if event == "APPROVE" else "request changes on"
            return self.error(422, "Unprocessable Entity", errors=[f"Review Can not {what} your own pull request"])
        valid = self.valid_lines(repo, pr)
        for c in body.get("comments") or []:
            if c.get("line") not in valid.get(c.get("path"), set()):
                return Reply(422, {"message": "Unprocessable Entity", "errors": [LINE_NOT_IN_DIFF],
                                   "documentation_url": "https://docs.github.com/rest/pulls/reviews"
                                                        "#create-a-review-for-a-pull-request"})
        state = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}.get(
            event, "PENDING")
        r = {"id": self.new_id(), "user": req.user, "body": body.get("body") or "", "state": state,
             "commit_id": body.get("commit_id") or pr.head_sha, "comments": body.get("comments") or [],
             "at": time.time()}
        self.reviews.setdefault((repo.full_name, pr.number), []).append(r)
        if req.user in pr.requested:  # a submitted review ends its reviewer's request, as on GitHub
            pr.requested.remove(req.user)
        pr.updated_at = r["at"]  # a review updates the pull request's updated_at, as on GitHub
        return Reply(200, self.review_json(repo, pr, r))

    def list_requested(self, req: Request, owner: str, name: str, n: str) -> Reply:
        """``GET …/requested_reviewers``: ``{"users": […], "teams": […]}`` (not paginated)."""
        _repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "Not Found")
        return Reply(200, {"users": [user_json(u, self.origin) for u in pr.requested], "teams": []})

    def request_reviewers(self, req: Request, owner: str, name: str, n: str) -> Reply:
        """``POST …/requested_reviewers``: 201 with the pull request (simple); 422 for its author or
        someone who cannot review here (``collaborators``, when set); a login already requested stays once."""
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "Not Found")
        body = req.body if isinstance(req.body, dict) else {}
        problem = self.validate(gh.ReposOwnerRepoPullsPullNumberRequestedReviewersPostBodyAnyof0, body)
        if problem:
            return self.error(422, "Invalid request.", errors=[problem])
        logins = [str(x) for x in body.get("reviewers") or []]
        if any(x.lower() == pr.user.lower() for x in logins):
            return self.error(422, "Review cannot be requested from pull request author.")
        if self.collaborators is not None and any(x.lower() not in self.collaborators for x in logins):
            return self.error(422, "Reviews may only be requested from collaborators. One or more of the users or "
                                   f"teams you specified is not a collaborator of the {repo.full_name} repository.")
        for x in logins:
            if x.lower() not in (u.lower() for u in pr.requested):
                pr.requested.append(x)
        pr.updated_at = time.time()
        return Reply(201, self.pr_json(repo, pr))

    def comment_json(self, full: str, n: int, c: dict) -> dict:
        a = f"{self.origin}/repos/{full}"
        return {"id": c["id"], "node_id": f"IC_{c['id']}", "url": f"{a}/issues/comments/{c['id']}",
                "html_url": f"{self.origin}/{full}/pull/{n}#issuecomment-{c['id']}", "body": c["body"],
                "user": user_json(c["user"], self.origin), "created_at": iso(c["at"]), "updated_at": iso(c["at"]),
                "issue_url": f"{a}/issues/{n}", "author_association": "MEMBER"}

    def list_comments(self, req: Request, owner: str, name: str, n: str) -> Reply:
        full = f"{owner}/{name}"
        if full not in self.repos:
            return self.error(404, "Not Found")
        return self.paginate(req, [self.comment_json(full, int(n), c) for c in self.comments.get((full, int(n)), [])])

    def post_comment(self, req: Request, owner: str, name: str, n: str) -> Reply:
        full = f"{owner}/{name}"
        repo = self.repos.get(full)
        if repo is None or (int(n) not in repo.pulls and not any(i["number"] == int(n) for i in self.issues.get(full, []))):
            return self.error(404, "Not Found")
        problem = self.validate(gh.ReposOwnerRepoIssuesIssueNumberCommentsPostBody, req.body)
        if problem:
            return self.error(422, "Invalid request.", errors=[problem])
        c = {"id": self.new_id(), "user": req.user, "body": req.body["body"], "at": time.time()}
        self.comments.setdefault((full, int(n)), []).append(c)
        if int(n) in repo.pulls:  # a comment updates the pull request's updated_at, as on GitHub
            repo.pulls[int(n)].updated_at = c["at"]
        return Reply(201, self.comment_json(full, int(n), c))

    def issue_json(self, full: str, i: dict) -> dict:
        a = f"{self.origin}/repos/{full}"
        return {"id": i["id"], "node_id": f"I_{i['id']}", "url": f"{a}/issues/{i['number']}",
                "repository_url": a, "labels_url": f"{a}/issues/{i['number']}/labels{{/name}}",
                "comments_url": f"{a}/issues/{i['number']}/comments", "events_url": f"{a}/issues/{i['number']}/events",
                "html_url": f"{self.origin}/{full}/issues/{i['number']}", "number": i["number"], "state": "open",
                "title": i["title"], "body": i["body"], "user": user_json(i["user"], self.origin),
                "labels": [label_json(x, self.origin, full) for x in i["labels"]], "assignee": None,
                "assignees": [], "milestone": None, "locked": False, "comments": 0, "closed_at": None,
                "created_at": iso(i["at"]), "updated_at": iso(i["at"]), "author_association": "MEMBER"}

    def list_issues(self, req: Request, owner: str, name: str) -> Reply:
        full = f"{owner}/{name}"
        if full not in self.repos:
            return self.error(404, "Not Found")
        items = list(self.issues.get(full, []))
        if req.q("creator"):
            items = [i for i in items if i["user"].lower() == req.q("creator").lower()]
        if req.q("since"):
            from triage.forges.base import parse_time

            items = [i for i in items if i["at"] >= parse_time(req.q("since"))]
        items.sort(key=lambda i: i["at"], reverse=True)
        return self.paginate(req, [self.issue_json(full, i) for i in items])

    def post_issue(self, req: Request, owner: str, name: str) -> Reply:
        full = f"{owner}/{name}"
        if full not in self.repos:
            return self.error(404, "Not Found")
        problem = self.validate(gh.ReposOwnerRepoIssuesPostBody, req.body)
        if problem:
            return self.error(422, "Invalid request.", errors=[problem])
        existing = self.issues.setdefault(full, [])
        number = 1000 + len(existing) + 1
        i = {"id": self.new_id(), "number": number, "title": req.body["title"], "body": req.body.get("body") or "",
             "labels": [x if isinstance(x, str) else x.get("name") for x in req.body.get("labels") or []],
             "user": req.user, "at": time.time()}
        existing.append(i)
        return Reply(201, self.issue_json(full, i))

    def status_json(self, full: str, sha: str, s: dict) -> dict:
        return {"url": f"{self.origin}/repos/{full}/statuses/{sha}", "avatar_url": None, "id": s["id"],
                "node_id": f"SC_{s['id']}", "state": s["state"], "description": s["description"],
                "target_url": s["target_url"], "context": s["context"], "created_at": iso(s["at"]),
                "updated_at": iso(s["at"]), "creator": user_json(s["user"], self.origin)}

    def list_statuses(self, req: Request, owner: str, name: str, sha: str) -> Reply:
        full = f"{owner}/{name}"
        items = sorted(self.statuses.get((full, sha), []), key=lambda s: s["at"], reverse=True)
        return self.paginate(req, [self.status_json(full, sha, s) for s in items])

    def post_status(self, req: Request, owner: str, name: str, sha: str) -> Reply:
        full = f"{owner}/{name}"
        if full not in self.repos:
            return self.error(404, "Not Found")
        problem = self.validate(gh.ReposOwnerRepoStatusesShaPostBody, req.body)
        if problem:
            return self.error(422, "Validation Failed", errors=[problem])
        s = {"id": self.new_id(), "state": req.body["state"], "description": req.body.get("description"),
             "target_url": req.body.get("target_url"), "context": req.body.get("context") or "default",
             "user": req.user, "at": time.time()}
        self.statuses.setdefault((full, sha), []).append(s)
        return Reply(201, self.status_json(full, sha, s))

    # ------------------------------------------------------------------ test helpers

    def all_bodies(self) -> list[str]:
        """Every body posted (reviews, their inline comments, comments, issues) and status URLs."""
        out = []
        for rs in self.reviews.values():
            for r in rs:
                out.append(r["body"])
                out.extend(c.get("body", "") for c in r["comments"])
        for cs in self.comments.values():
            out.extend(c["body"] for c in cs)
        for iss in self.issues.values():
            out.extend(i["title"] + "\n" + i["body"] for i in iss)
        for ss in self.statuses.values():
            out.extend(f"{s['target_url']}\n{s['description']}" for s in ss)
        return out
