"""A fake Gitea/Forgejo API under ``/api/v1`` (the endpoints triage uses).

Faithful points: ``Authorization: token X``; ``page`` + ``limit`` (capped at
50) with ``Link`` and ``X-Total-Count``; ``sort=recentupdate``; ``merged`` on
PR objects; ``/pulls/N.diff``; review events ``APPROVED``,
``REQUEST_CHANGES``, ``COMMENT`` (``APPROVE`` is refused); a closed or merged
PR only takes ``COMMENT`` reviews; errors as ``{"message", "url"}``.
"""

from __future__ import annotations

import time
from urllib.parse import unquote

import re

from .core import FakeForge, Reply, Request
from .repo import FakePR, FakeRepo, iso


class FakeGitea(FakeForge):
    """Gitea at ``http://127.0.0.1:PORT`` (API under ``/api/v1``)."""

    prefix = "/api/v1"
    per_page_param = "limit"
    per_page_default = 30
    per_page_max = 50

    def __init__(self, token: str, login: str = "triage-bot"):
        super().__init__(token, login)
        self.reviews: dict[tuple[str, int], list[dict]] = {}
        self.comments: dict[tuple[str, int], list[dict]] = {}
        self.issues: dict[str, list[dict]] = {}
        self.statuses: dict[tuple[str, str], list[dict]] = {}
        self.broken_diff: set[int] = set()

    def authenticate(self, headers: dict) -> str | None:
        auth = headers.get("authorization", "")
        if auth.startswith("token "):
            return self.tokens.get(auth[6:])
        return None

    def error(self, status: int, message: str) -> Reply:
        return Reply(status, {"message": message, "url": f"{self.origin}/api/swagger"})

    def rate_headers(self) -> dict:
        return {}

    def page_headers(self, req: Request, page: int, pages: int, per: int, total: int) -> dict:
        h = super().page_headers(req, page, pages, per, total)
        h["X-Total-Count"] = str(total)
        return h

    def register_routes(self) -> None:
        r = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"
        self.route("GET", "/user", lambda req: Reply(200, self.user_json(req.user)))
        self.route("GET", "/version", lambda req: Reply(200, {"version": "1.22.3"}))
        self.route("GET", r, self.get_repo)
        self.route("GET", r + "/pulls", self.list_pulls)
        self.route("GET", r + r"/pulls/(?P<n>\d+)", self.get_pull)
        self.route("GET", r + r"/pulls/(?P<n>\d+)\.diff", self.get_diff)
        self.route("GET", r + r"/pulls/(?P<n>\d+)/files", self.list_files)
        self.route("GET", r + r"/pulls/(?P<n>\d+)/commits", self.list_commits)
        self.route("GET", r + r"/pulls/(?P<n>\d+)/reviews", self.list_reviews)
        self.route("POST", r + r"/pulls/(?P<n>\d+)/reviews", self.post_review)
        self.route("POST", r + r"/pulls/(?P<n>\d+)/requested_reviewers", self.request_reviewers)
        self.route("GET", r + r"/issues/(?P<n>\d+)/comments", self.list_comments)
        self.route("POST", r + r"/issues/(?P<n>\d+)/comments", self.post_comment)
        self.route("GET", r + "/issues", self.list_issues)
        self.route("POST", r + "/issues", self.post_issue)
        self.route("GET", r + r"/commits/(?P<sha>[0-9a-f]+)/statuses", self.list_statuses)
        self.route("POST", r + r"/statuses/(?P<sha>[0-9a-f]+)", self.post_status)
        self.route("GET", r + r"/raw/(?P<path>.+)", self.get_raw)
        self.route("GET", r + r"/git/trees/(?P<sha>[0-9a-f]+)", self.get_tree)

    def user_json(self, login: str) -> dict:
        return {"id": 7, "login": login, "username": login, "full_name": login, "email": f"{login}@noreply.local",
                "avatar_url": f"{self.origin}/avatars/{login}"}

    def repo_json(self, full: str) -> dict:
        owner, name = full.split("/")
        return {"id": self.repo_id(full), "owner": self.user_json(owner), "name": name, "full_name": full,
                "description": "", "private": False, "fork": False, "html_url": f"{self.origin}/{full}",
                "clone_url": f"{self.origin}/{full}.git", "default_branch": "main", "archived": False,
                "created_at": iso(1_700_000_000), "updated_at": iso(1_767_000_000),
                "permissions": {"admin": False, "push": True, "pull": True}}

    def get_repo(self, req: Request, owner: str, name: str) -> Reply:
        full = f"{owner}/{name}"
        return Reply(200, self.repo_json(full)) if full in self.repos else \
            self.error(404, "The target couldn't be found.")

    def get_pull(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        return Reply(200, self.pr_json(repo, pr)) if pr else self.error(404, "The target couldn't be found.")

    def moved_reply(self, method: str, path: str, query: str) -> Reply | None:
        """Gitea's ``RedirectToRepo``: 307 (every method) to the same path under the new
        owner/name, the query kept, with Go's small HTML body."""
        m = re.match(r"^/repos/([^/]+)/([^/]+)(/.*)?$", path)
        if not m:
            return None
        old = f"{unquote(m.group(1))}/{unquote(m.group(2))}"
        new = self.current_name(old)
        if new is None:
            return None
        loc = f"{self.prefix}/repos/{new}{m.group(3) or ''}" + (f"?{query}" if query else "")
        return Reply(307, f'<a href="{loc}">Temporary Redirect</a>.\n\n'.encode(),
                     {"Location": loc, "Content-Type": "text/html; charset=utf-8"})

    def pr_json(self, repo: FakeRepo, pr: FakePR) -> dict:
        html = f"{self.origin}/{repo.full_name}/pulls/{pr.number}"
        # Gitea marks work in progress by a title prefix (WORK_IN_PROGRESS_PREFIXES: "WIP:", "[WIP]").
        title = f"WIP: {pr.title}" if pr.draft and not pr.title.upper().startswith(("WIP:", "[WIP]")) else pr.title
        return {"id": pr.id, "number": pr.number, "user": self.user_json(pr.user), "title": title,
                "body": pr.body, "labels": [{"id": i, "name": n, "color": "ededed"} for i, n in enumerate(pr.labels)],
                "state": pr.state, "merged": pr.merged, "merged_at": iso(pr.merged_at),
                "merge_commit_sha": pr.merge_commit_sha, "created_at": iso(pr.created_at),
                "updated_at": iso(pr.updated_at), "closed_at": iso(pr.merged_at) if pr.state == "closed" else None,
                "head": {"label": pr.head_ref, "ref": pr.head_ref, "sha": pr.head_sha, "repo_id": 1},
                "base": {"label": "main", "ref": "main", "sha": pr.base_sha, "repo_id": 1},
                "html_url": html, "diff_url": html + ".diff", "patch_url": html + ".patch",
                "requested_reviewers": [self.user_json(u) for u in pr.requested]}

    def _pull(self, owner: str, name: str, n: str):
        repo = self.repos.get(f"{owner}/{name}")
        return repo, (repo.pulls.get(int(n)) if repo else None)

    def list_pulls(self, req: Request, owner: str, name: str) -> Reply:
        repo = self.repos.get(f"{owner}/{name}")
        if repo is None:
            return self.error(404, "The target couldn't be found.")
        state = req.q("state", "open")
        pulls = [p for p in repo.pulls.values() if state == "all" or p.state == state]
        if req.q("sort") == "recentupdate":
            pulls.sort(key=lambda p: (p.updated_at, p.number), reverse=True)
        else:
            pulls.sort(key=lambda p: p.number, reverse=True)
        return self.paginate(req, [self.pr_json(repo, p) for p in pulls])

    def get_diff(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "The target couldn't be found.")
        if pr.number in self.broken_diff:
            return self.error(500, "git diff failed")
        return Reply(200, repo.patch_text(pr), {"Content-Type": "text/plain; charset=utf-8"})

    def list_files(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "The target couldn't be found.")
        status = {"A": "added", "D": "deleted", "M": "changed", "R": "renamed", "C": "copied"}
        out = [{"filename": f["new_path"], "previous_filename": f["old_path"] if f["status"] == "R" else "",
                "status": status.get(f["status"], "changed"), "additions": f["additions"],
                "deletions": f["deletions"], "changes": f["additions"] + f["deletions"],
                "html_url": "", "contents_url": "", "raw_url": ""} for f in repo.file_patches(pr)]
        return self.paginate(req, out)

    def list_commits(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "The target couldn't be found.")
        out = []
        for sha in pr.commits:
            c = repo.commit_info(sha)
            out.append({"sha": sha, "commit": {
                "message": c["message"], "author": {"name": c["author_name"], "email": c["author_email"],
                                                   "date": c["date"]},
                "committer": {"name": c["committer_name"], "email": c["committer_email"], "date": c["date"]}},
                "author": None, "committer": None, "parents": [{"sha": p} for p in c["parents"]]})
        return self.paginate(req, out)

    def get_raw(self, req: Request, owner: str, name: str, path: str) -> Reply:
        repo = self.repos.get(f"{owner}/{name}")
        data = repo.read(req.q("ref") or repo.base_sha, unquote(path)) if repo else None
        if data is None:
            return self.error(404, "The target couldn't be found.")
        return Reply(200, data, {"Content-Type": "application/octet-stream"})

    def get_tree(self, req: Request, owner: str, name: str, sha: str) -> Reply:
        repo = self.repos.get(f"{owner}/{name}")
        if repo is None:
            return self.error(404, "The target couldn't be found.")
        entries = [{"path": p, "mode": "040000" if t == "tree" else "100644", "type": t, "sha": s, "size": 0,
                    "url": ""} for p, t, s in repo.tree(sha)]
        return Reply(200, {"sha": sha, "url": "", "tree": entries, "truncated": False, "page": 1,
                           "total_count": len(entries)})

    def review_json(self, r: dict) -> dict:
        return {"id": r["id"], "user": self.user_json(r["user"]), "body": r["body"], "state": r["state"],
                "commit_id": r["commit_id"], "submitted_at": iso(r["at"]), "comments_count": len(r["comments"]),
                "html_url": ""}

    def list_reviews(self, req: Request, owner: str, name: str, n: str) -> Reply:
        return self.paginate(req, [self.review_json(r) for r in self.reviews.get((f"{owner}/{name}", int(n)), [])])

    def post_review(self, req: Request, owner: str, name: str, n: str) -> Reply:
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "The target couldn't be found.")
        body = req.body if isinstance(req.body, dict) else {}
        event = body.get("event")
        if event not in ("APPROVED", "REQUEST_CHANGES", "COMMENT", "PENDING"):
            self.validation_errors.append(f"gitea review event {event!r}")
            return self.error(422, f"unknown review event {event!r}")
        if pr.state == "closed" and event in ("APPROVED", "REQUEST_CHANGES"):
            return self.error(422, "can't submit review for a closed or merged PR")
        if pr.user == req.user and event in ("APPROVED", "REQUEST_CHANGES"):
            return self.error(422, "approve your own pull is not allowed")
        for c in body.get("comments") or []:
            if not isinstance(c.get("new_position"), int) or "path" not in c:
                self.validation_errors.append(f"gitea review comment {c!r}")
                return self.error(422, "invalid comment")
        r = {"id": self.new_id(), "user": req.user, "body": body.get("body") or "", "state": event,
             "commit_id": body.get("commit_id") or pr.head_sha, "comments": body.get("comments") or [],
             "at": time.time()}
        if req.user in pr.requested:  # the review answers the request: it takes the request's place
            pr.requested.remove(req.user)
            self.reviews[(repo.full_name, pr.number)] = [
                x for x in self.reviews.get((repo.full_name, pr.number), [])
                if not (x["state"] == "REQUEST_REVIEW" and x["user"] == req.user)]
        self.reviews.setdefault((repo.full_name, pr.number), []).append(r)
        pr.updated_at = time.time()  # a review updates the pull request's updated_at, as on Gitea
        return Reply(200, self.review_json(r))

    def request_reviewers(self, req: Request, owner: str, name: str, n: str) -> Reply:
        """``repoCreatePullReviewRequests``: body ``PullReviewRequestOptions`` (``reviewers``,
        ``team_reviewers``); 201 with the ``PullReview`` list it created (state ``REQUEST_REVIEW``,
        which the PR's reviews list too); 422 for the pull request's poster; a user already
        requested is not requested twice."""
        repo, pr = self._pull(owner, name, n)
        if pr is None:
            return self.error(404, "The target couldn't be found.")
        body = req.body if isinstance(req.body, dict) else {}
        logins = body.get("reviewers")
        if not isinstance(logins, list) or not all(isinstance(x, str) for x in logins) or \
                set(body) - {"reviewers", "team_reviewers"}:
            self.validation_errors.append(f"gitea review request {body!r}")
            return self.error(422, "invalid PullReviewRequestOptions")
        if any(x.lower() == pr.user.lower() for x in logins):
            return self.error(422, "poster of pr can't be reviewer")
        made = []
        for x in logins:
            if x.lower() in (u.lower() for u in pr.requested):
                continue
            pr.requested.append(x)
            r = {"id": self.new_id(), "user": x, "body": "", "state": "REQUEST_REVIEW", "commit_id": pr.head_sha,
                 "comments": [], "at": time.time()}
            self.reviews.setdefault((repo.full_name, pr.number), []).append(r)
            made.append(self.review_json(r))
        pr.updated_at = time.time()
        return Reply(201, made)

    def comment_json(self, c: dict) -> dict:
        return {"id": c["id"], "body": c["body"], "user": self.user_json(c["user"]), "created_at": iso(c["at"]),
                "updated_at": iso(c["at"]), "html_url": "", "issue_url": ""}

    def list_comments(self, req: Request, owner: str, name: str, n: str) -> Reply:
        return self.paginate(req, [self.comment_json(c) for c in self.comments.get((f"{owner}/{name}", int(n)), [])])

    def post_comment(self, req: Request, owner: str, name: str, n: str) -> Reply:
        if f"{owner}/{name}" not in self.repos:
            return self.error(404, "The target couldn't be found.")
        if not isinstance(req.body, dict) or not isinstance(req.body.get("body"), str):
            self.validation_errors.append("gitea comment body")
            return self.error(422, "body is required")
        c = {"id": self.new_id(), "user": req.user, "body": req.body["body"], "at": time.time()}
        self.comments.setdefault((f"{owner}/{name}", int(n)), []).append(c)
        if int(n) in self.repos[f"{owner}/{name}"].pulls:  # a comment updates the pull request's updated_at
            self.repos[f"{owner}/{name}"].pulls[int(n)].updated_at = c["at"]
        return Reply(201, self.comment_json(c))

    def issue_json(self, i: dict) -> dict:
        return {"id": i["id"], "number": i["number"], "title": i["title"], "body": i["body"],
                "user": self.user_json(i["user"]), "state": "open", "created_at": iso(i["at"]),
                "updated_at": iso(i["at"]), "html_url": "", "pull_request": None}

    def list_issues(self, req: Request, owner: str, name: str) -> Reply:
        items = list(self.issues.get(f"{owner}/{name}", []))
        if req.q("created_by"):
            items = [i for i in items if i["user"] == req.q("created_by")]
        if req.q("since"):
            from triage.forges.base import parse_time

            items = [i for i in items if i["at"] >= parse_time(req.q("since"))]
        return self.paginate(req, [self.issue_json(i) for i in reversed(items)])

    def post_issue(self, req: Request, owner: str, name: str) -> Reply:
        full = f"{owner}/{name}"
        if full not in self.repos:
            return self.error(404, "The target couldn't be found.")
        if not isinstance(req.body, dict) or not req.body.get("title"):
            self.validation_errors.append("gitea issue title")
            return self.error(422, "title is required")
        existing = self.issues.setdefault(full, [])
        i = {"id": self.new_id(), "number": 500 + len(existing), "title": req.body["title"],
             "body": req.body.get("body") or "", "user": req.user, "at": time.time()}
        existing.append(i)
        return Reply(201, self.issue_json(i))

    def status_json(self, s: dict) -> dict:
        return {"id": s["id"], "status": s["state"], "target_url": s["target_url"], "description": s["description"],
                "context": s["context"], "creator": self.user_json(s["user"]), "created_at": iso(s["at"]),
                "updated_at": iso(s["at"]), "url": ""}

    def list_statuses(self, req: Request, owner: str, name: str, sha: str) -> Reply:
        return self.paginate(req, [self.status_json(s) for s in reversed(self.statuses.get((f"{owner}/{name}", sha), []))])

    def post_status(self, req: Request, owner: str, name: str, sha: str) -> Reply:
        b = req.body if isinstance(req.body, dict) else {}
        if b.get("state") not in ("pending", "success", "error", "failure", "warning"):
            self.validation_errors.append(f"gitea status state {b.get('state')!r}")
            return self.error(422, "invalid state")
        s = {"id": self.new_id(), "state": b["state"], "target_url": b.get("target_url") or "",
             "description": b.get("description") or "", "context": b.get("context") or "", "user": req.user,
             "at": time.time()}
        self.statuses.setdefault((f"{owner}/{name}", sha), []).append(s)
        return Reply(201, self.status_json(s))

    def all_bodies(self) -> list[str]:
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
