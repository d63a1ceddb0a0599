"""A fake GitLab REST API under ``/api/v4`` (the endpoints triage uses).

Faithful points: ``PRIVATE-TOKEN`` auth; URL-encoded project paths
(``group%2Fname``); ``page``/``per_page`` with ``Link`` *and* ``x-next-page``,
``x-total`` (``send_link=False`` drops ``Link`` to exercise the fallback);
``RateLimit-*`` headers; merge requests with ``iid``, ``sha``, ``diff_refs``;
``/diffs`` per file; notes; discussions whose ``position`` must name the MR's
``diff_refs`` and an added line; ``/approve`` that answers 401 when the user
already approved; statuses with ``failed`` (not ``failure``).
"""

from __future__ import annotations

import re
import time
from urllib.parse import unquote

from .core import FakeForge, Reply, Request
from .repo import FakePR, FakeRepo, iso


class FakeGitLab(FakeForge):
    """GitLab at ``http://127.0.0.1:PORT`` (API under ``/api/v4``)."""

    prefix = "/api/v4"
    per_page_default = 20
    per_page_max = 100

    def __init__(self, token: str, login: str = "triage-bot"):
        super().__init__(token, login)
        self.notes: dict[tuple[str, int], list[dict]] = {}
        self.discussions: dict[tuple[str, int], list[dict]] = {}
        self.approvals: dict[tuple[str, int], list[str]] = {}
        self.issues: dict[str, list[dict]] = {}
        self.statuses: dict[tuple[str, str], list[dict]] = {}
        self.send_link = True
        self.token_scopes = ["api"]
        self.user_ids: dict[str, int] = {}
        self.unknown_users: set[str] = set()
        """Usernames ``GET /users?username=`` does not find."""

    def authenticate(self, headers: dict) -> str | None:
        if "private-token" in headers:
            return self.tokens.get(headers["private-token"])
        auth = headers.get("authorization", "")
        return self.tokens.get(auth[7:]) if auth.startswith("Bearer ") else None

    def error(self, status: int, message: str) -> Reply:
        text = {401: "401 Unauthorized", 403: "403 Forbidden", 404: f"404 {message}"}.get(status, message)
        return Reply(status, {"message": text})

    def rate_headers(self) -> dict:
        return {"RateLimit-Limit": str(self.rate_limit), "RateLimit-Remaining": str(self.rate_remaining),
                "RateLimit-Reset": str(self.rate_reset), "RateLimit-Observed": str(self.rate_limit - self.rate_remaining)}

    def page_headers(self, req: Request, page: int, pages: int, per: int, total: int) -> dict:
        h = super().page_headers(req, page, pages, per, total) if self.send_link else {}
        h.update({"x-page": str(page), "x-per-page": str(per), "x-total": str(total), "x-total-pages": str(pages),
                  "x-next-page": str(page + 1) if page < pages else "",
                  "x-prev-page": str(page - 1) if page > 1 else ""})
        return h

    def register_routes(self) -> None:
        p = r"/projects/(?P<pid>[^/]+)"
        mr = p + r"/merge_requests/(?P<iid>\d+)"
        self.route("GET", "/user", lambda req: Reply(200, self.user_json(req.user)))
        self.route("GET", "/version", lambda req: Reply(200, {"version": "17.5.1-ee", "revision": "4d2e7b91"}))
        self.route("GET", "/personal_access_tokens/self", self.get_token_self)
        self.route("GET", p, self.get_project)
        self.route("GET", p + "/merge_requests", self.list_mrs)
        self.route("GET", mr, self.get_mr)
        self.route("PUT", mr, self.update_mr)
        self.route("GET", "/users", self.list_users)
        self.route("GET", mr + "/commits", self.list_commits)
        self.route("GET", mr + "/diffs", self.list_diffs)
        self.route("GET", mr + "/notes", self.list_notes)
        self.route("POST", mr + "/notes", self.post_note)
        self.route("GET", mr + "/discussions", self.list_discussions)
        self.route("POST", mr + "/discussions", self.post_discussion)
        self.route("GET", mr + "/approvals", self.get_approvals)
        self.route("POST", mr + "/approve", self.post_approve)
        self.route("GET", p + "/issues", self.list_issues)
        self.route("POST", p + "/issues", self.post_issue)
        self.route("POST", p + r"/statuses/(?P<sha>[0-9a-f]+)", self.post_status)
        self.route("GET", p + r"/repository/commits/(?P<sha>[0-9a-f]+)/statuses", self.list_statuses)
        self.route("GET", p + r"/repository/files/(?P<path>[^/]+)/raw", self.get_raw)
        self.route("GET", p + r"/repository/tree", self.get_tree)

    def user_id(self, login: str) -> int:
        """A stable id per user (the token's own user is 11, as ``/personal_access_tokens/self`` says)."""
        self.user_ids.setdefault(self.login, 11)
        return self.user_ids.setdefault(login, 100 + len(self.user_ids))

    def user_json(self, login: str) -> dict:
        return {"id": self.user_id(login), "username": login, "name": login, "state": "active",
                "avatar_url": f"{self.origin}/avatars/{login}", "web_url": f"{self.origin}/{login}"}

    def project(self, pid: str) -> FakeRepo | None:
        pid = unquote(pid)
        return self.repo_by_id(int(pid)) if pid.isdigit() else self.repos.get(pid)

    def get_token_self(self, req: Request) -> Reply:
        return Reply(200, {"id": 77, "name": "triage", "revoked": False, "created_at": iso(1_700_000_000),
                           "scopes": list(self.token_scopes), "user_id": 11, "last_used_at": iso(1_767_000_000),
                           "active": True, "expires_at": "2027-01-31"})

    def get_project(self, req: Request, pid: str) -> Reply:
        repo = self.project(pid)
        if repo is None:
            return self.error(404, "Project Not Found")
        full = repo.full_name
        return Reply(200, {"id": self.repo_id(full), "name": full.rsplit("/", 1)[-1], "path": full.rsplit("/", 1)[-1],
                           "path_with_namespace": full, "name_with_namespace": full.replace("/", " / "),
                           "default_branch": "main", "web_url": f"{self.origin}/{full}",
                           "created_at": iso(1_700_000_000), "last_activity_at": iso(1_767_000_000)})

    def moved_reply(self, method: str, path: str, query: str) -> Reply | None:
        """GitLab's ``find_project!`` for a moved project: GET is redirected (301) to the same
        route by numeric id, query kept; any other method gets 405."""
        m = re.match(r"^/projects/([^/]+)(/.*)?$", path)
        if not m or unquote(m.group(1)).isdigit():
            return None
        new = self.current_name(unquote(m.group(1)))
        if new is None:
            return None
        if method != "GET":
            return Reply(405, {"message": "Non GET methods are not allowed for moved projects"})
        loc = f"{self.origin}{self.prefix}/projects/{self.repo_id(new)}{m.group(2) or ''}" + (f"?{query}" if query else "")
        return Reply(301, {"message": "301 Moved Permanently"}, {"Location": loc})

    def _mr(self, pid: str, iid: str) -> tuple[FakeRepo | None, FakePR | None]:
        repo = self.project(pid)
        return repo, (repo.pulls.get(int(iid)) if repo else None)

    def mr_json(self, repo: FakeRepo, pr: FakePR) -> dict:
        state = "merged" if pr.merged else ("opened" if pr.state == "open" else "closed")
        return {"id": pr.id, "iid": pr.number, "project_id": 1, "title": pr.title, "description": pr.body,
                "state": state, "created_at": iso(pr.created_at), "updated_at": iso(pr.updated_at),
                "merged_at": iso(pr.merged_at), "source_branch": pr.head_ref, "target_branch": "main",
                "author": self.user_json(pr.user), "labels": list(pr.labels), "sha": pr.head_sha,
                "merge_commit_sha": pr.merge_commit_sha, "squash_commit_sha": None,
                "web_url": f"{self.origin}/{repo.full_name}/-/merge_requests/{pr.number}",
                "draft": pr.draft, "work_in_progress": pr.draft,
                "diff_refs": {"base_sha": pr.base_sha, "head_sha": pr.head_sha, "start_sha": pr.base_sha},
                "reviewers": [self.user_json(u) for u in pr.requested]}

    def list_mrs(self, req: Request, pid: str) -> Reply:
        repo = self.project(pid)
        if repo is None:
            return self.error(404, "Project Not Found")
        state = req.q("state", "all")
        mrs = list(repo.pulls.values())
        want = {"merged": lambda p: p.merged, "opened": lambda p: p.state == "open",
                "closed": lambda p: p.state == "closed" and not p.merged, "all": lambda p: True}[state]
        mrs = [p for p in mrs if want(p)]
        if req.q("labels"):
            need = set(req.q("labels").split(","))
            mrs = [p for p in mrs if need <= set(p.labels)]
        if req.q("updated_after"):
            from triage.forges.base import parse_time

            t = parse_time(req.q("updated_after"))
            mrs = [p for p in mrs if p.updated_at >= t]
        key = (lambda p: p.updated_at) if req.q("order_by") == "updated_at" else (lambda p: p.created_at)
        mrs.sort(key=lambda p: (key(p), p.number), reverse=req.q("sort", "desc") == "desc")
        return self.paginate(req, [self.mr_json(repo, p) for p in mrs])

    def get_mr(self, req: Request, pid: str, iid: str) -> Reply:
        repo, pr = self._mr(pid, iid)
        return Reply(200, self.mr_json(repo, pr)) if pr else self.error(404, "Not found")

    def list_users(self, req: Request) -> Reply:
        """``GET /users?username=NAME``: a list of that one user, or ``[]`` (case-insensitive)."""
        name = req.q("username") or ""
        if not name or name.lower() in {u.lower() for u in self.unknown_users}:
            return Reply(200, [])
        return Reply(200, [self.user_json(name)])

    def update_mr(self, req: Request, pid: str, iid: str) -> Reply:
        """``PUT …/merge_requests/IID``: here only ``reviewer_ids`` (the whole new set: ids
        not in it are removed; ``[]`` removes everyone); 400 when it is not a list of integers."""
        repo, pr = self._mr(pid, iid)
        if pr is None:
            return self.error(404, "Not found")
        body = req.body if isinstance(req.body, dict) else {}
        ids = body.get("reviewer_ids")
        if "reviewer_ids" in body and (not isinstance(ids, list) or not all(type(i) is int for i in ids)):
            self.validation_errors.append(f"gitlab reviewer_ids {ids!r}")
            return Reply(400, {"error": "reviewer_ids is invalid"})
        if ids is not None:
            by_id = {v: k for k, v in self.user_ids.items()}
            pr.requested = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]  # unknown ids are dropped
        pr.updated_at = time.time()
        return Reply(200, self.mr_json(repo, pr))

    def list_commits(self, req: Request, pid: str, iid: str) -> Reply:
        repo, pr = self._mr(pid, iid)
        if pr is None:
            return self.error(404, "Not found")
        out = []
        for sha in reversed(pr.commits):
            c = repo.commit_info(sha)
            out.append({"id": sha, "short_id": sha[:8], "title": c["message"].split("\n")[0],
                        "message": c["message"], "author_name": c["author_name"], "author_email": c["author_email"],
                        "committer_name": c["committer_name"], "committer_email": c["committer_email"],
                        "created_at": c["date"]})
        return self.paginate(req, out)

    def list_diffs(self, req: Request, pid: str, iid: str) -> Reply:
        repo, pr = self._mr(pid, iid)
        if pr is None:
            return self.error(404, "Not found")
        out = []
        for f in repo.file_patches(pr):
            withheld = f["new_path"] in pr.withhold_patch
            diff = f["hunks"] or ""
            if f["binary"]:
                diff = f"Binary files a/{f['old_path']} and b/{f['new_path']} differ\n"
            out.append({"old_path": f["old_path"], "new_path": f["new_path"], "a_mode": f["old_mode"],
                        "b_mode": f["new_mode"], "diff": "" if withheld else diff,
                        "new_file": f["status"] == "A", "renamed_file": f["status"] == "R",
                        "deleted_file": f["status"] == "D", "too_large": withheld, "collapsed": False,
                        "generated_file": False})
        return self.paginate(req, out)

    def note_json(self, n: dict) -> dict:
        return {"id": n["id"], "body": n["body"], "author": self.user_json(n["user"]), "system": n.get("system", False),
                "created_at": iso(n["at"]), "noteable_type": "MergeRequest", "position": n.get("position")}

    def list_notes(self, req: Request, pid: str, iid: str) -> Reply:
        key = (unquote(pid), int(iid))
        items = list(self.notes.get(key, []))
        for d in self.discussions.get(key, []):
            items.extend(d["notes"])
        items.sort(key=lambda n: n["id"])
        return self.paginate(req, [self.note_json(n) for n in items])

    def post_note(self, req: Request, pid: str, iid: str) -> Reply:
        repo, pr = self._mr(pid, iid)
        if pr is None:
            return self.error(404, "Not found")
        if not isinstance(req.body, dict) or not req.body.get("body"):
            self.validation_errors.append("gitlab note body")
            return Reply(400, {"error": "body is missing"})
        n = {"id": self.new_id(), "body": req.body["body"], "user": req.user, "at": time.time()}
        self.notes.setdefault((repo.full_name, pr.number), []).append(n)
        pr.updated_at = n["at"]  # a note updates the merge request's updated_at, as on GitLab
        return Reply(201, self.note_json(n))

    def list_discussions(self, req: Request, pid: str, iid: str) -> Reply:
        key = (unquote(pid), int(iid))
        out = [{"id": d["id"], "individual_note": False, "notes": [self.note_json(n) for n in d["notes"]]}
               for d in self.discussions.get(key, [])]
        return self.paginate(req, out)

    def post_discussion(self, req: Request, pid: str, iid: str) -> Reply:
        repo, pr = self._mr(pid, iid)
        if pr is None:
            return self.error(404, "Not found")
        b = req.body if isinstance(req.body, dict) else {}
        pos = b.get("position") or {}
        refs = self.mr_json(repo, pr)["diff_refs"]
        if pos.get("position_type") != "text" or any(pos.get(k) != refs[k] for k in refs):
            self.validation_errors.append(f"gitlab position {pos!r}")
            return Reply(400, {"message": "400 Bad request - Note {:position=>[\"is invalid\"]}"})
        added = set()
        for p in repo.diff(pr):
            if p.delta.new_file.path == pos.get("new_path"):
                added = {ln.new_lineno for h in p.hunks for ln in h.lines if ln.origin == "+"}
        if pos.get("new_line") not in added:
            return Reply(400, {"message": "400 Bad request - Note {:line_code=>[\"can't be blank\", "
                                          "\"must be a valid line code\"]}"})
        n = {"id": self.new_id(), "body": b.get("body") or "", "user": req.user, "at": time.time(), "position": pos}
        d = {"id": f"{self.new_id():040x}", "notes": [n]}
        self.discussions.setdefault((repo.full_name, pr.number), []).append(d)
        return Reply(201, {"id": d["id"], "individual_note": False, "notes": [self.note_json(n)]})

    def get_approvals(self, req: Request, pid: str, iid: str) -> Reply:
        repo, pr = self._mr(pid, iid)
        if pr is None:
            return self.error(404, "Not found")
        users = self.approvals.get((repo.full_name, pr.number), [])
        return Reply(200, {"id": pr.id, "iid": pr.number, "approved": bool(users),
                           "approved_by": [{"user": self.user_json(u)} for u in users]})

    def post_approve(self, req: Request, pid: str, iid: str) -> Reply:
        repo, pr = self._mr(pid, iid)
        if pr is None:
            return self.error(404, "Not found")
        b = req.body if isinstance(req.body, dict) else {}
        if b.get("sha") and b["sha"] != pr.head_sha:
            return Reply(409, {"message": "SHA does not match HEAD of source branch"})
        users = self.approvals.setdefault((repo.full_name, pr.number), [])
        if req.user in users:
            return self.error(401, "Unauthorized")
        users.append(req.user)
        return self.get_approvals(req, pid, iid)

    def issue_json(self, i: dict) -> dict:
        return {"id": i["id"], "iid": i["iid"], "title": i["title"], "description": i["description"],
                "author": self.user_json(i["user"]), "state": "opened", "labels": i["labels"],
                "created_at": iso(i["at"]), "web_url": ""}

    def list_issues(self, req: Request, pid: str) -> Reply:
        items = list(self.issues.get(unquote(pid), []))
        if req.q("author_username"):
            items = [i for i in items if i["user"] == req.q("author_username")]
        if req.q("created_after"):
            from triage.forges.base import parse_time

            items = [i for i in items if i["at"] >= parse_time(req.q("created_after"))]
        return self.paginate(req, [self.issue_json(i) for i in reversed(items)])

    def post_issue(self, req: Request, pid: str) -> Reply:
        full = unquote(pid)
        if full not in self.repos:
            return self.error(404, "Project Not Found")
        b = req.body if isinstance(req.body, dict) else {}
        if not b.get("title"):
            self.validation_errors.append("gitlab issue title")
            return Reply(400, {"error": "title is missing"})
        existing = self.issues.setdefault(full, [])
        i = {"id": self.new_id(), "iid": 300 + len(existing), "title": b["title"],
             "description": b.get("description") or "", "labels": (b.get("labels") or "").split(",") if
             b.get("labels") else [], "user": req.user, "at": time.time()}
        existing.append(i)
        return Reply(201, self.issue_json(i))

    def status_json(self, sha: str, s: dict) -> dict:
        return {"id": s["id"], "sha": sha, "ref": "", "status": s["state"], "name": s["name"],
                "target_url": s["target_url"], "description": s["description"], "author": self.user_json(s["user"]),
                "created_at": iso(s["at"])}

    def post_status(self, req: Request, pid: str, sha: str) -> Reply:
        b = req.body if isinstance(req.body, dict) else {}
        if b.get("state") not in ("pending", "running", "success", "failed", "canceled", "skipped"):
            self.validation_errors.append(f"gitlab status state {b.get('state')!r}")
            return Reply(400, {"message": "state does not have a valid value"})
        s = {"id": self.new_id(), "state": b["state"], "name": b.get("name") or "default",
             "target_url": b.get("target_url") or "", "description": b.get("description") or "", "user": req.user,
             "at": time.time()}
        self.statuses.setdefault((unquote(pid), sha), []).append(s)
        return Reply(201, self.status_json(sha, s))

    def list_statuses(self, req: Request, pid: str, sha: str) -> Reply:
        return self.paginate(req, [self.status_json(sha, s) for s in reversed(self.statuses.get((unquote(pid), sha), []))])

    def get_raw(self, req: Request, pid: str, path: str) -> Reply:
        repo = self.project(pid)
        data = repo.read(req.q("ref") or repo.base_sha, unquote(path)) if repo else None
        if data is None:
            return self.error(404, "File Not Found")
        return Reply(200, data, {"Content-Type": "text/plain; charset=utf-8"})

    def get_tree(self, req: Request, pid: str) -> Reply:
        repo = self.project(pid)
        if repo is None:
            return self.error(404, "Project Not Found")
        out = [{"id": s, "name": p.rsplit("/", 1)[-1], "type": t, "path": p, "mode": "040000" if t == "tree"
                else "100644"} for p, t, s in repo.tree(req.q("ref") or repo.base_sha)]
        return self.paginate(req, out)

    def all_bodies(self) -> list[str]:
        out = []
        for ns in self.notes.values():
            out.extend(n["body"] for n in ns)
        for ds in self.discussions.values():
            for d in ds:
                out.extend(n["body"] for n in d["notes"])
        for iss in self.issues.values():
            out.extend(i["title"] + "\n" + i["description"] for i in iss)
        for ss in self.statuses.values():
            out.extend(f"{s['target_url']}\n{s['description']}" for s in ss)
        return out
