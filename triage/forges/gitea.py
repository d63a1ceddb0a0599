"""Provides the Gitea / Forgejo client (``/api/v1``).

* Auth: ``Authorization: token <TOKEN>``. Pages: ``page`` + ``limit`` with
  ``Link`` headers (the server caps ``limit``, 50 by default).
* Merged pull requests: ``/pulls?state=closed&sort=recentupdate``, keeping
  ``merged``; open ones: ``state=open``, filtered by label.
* Diff: ``/pulls/N.diff``; when it fails, ``/pulls/N/files`` gives names and
  counts only, and the review is marked incomplete.
* Drafts: ``draft`` where sent, else a ``WIP:``/``[WIP]`` title prefix.
* A renamed or transferred repository answers every method with 307 to the
  new ``/repos/{owner}/{name}/…`` path (query kept).
* Reviews take ``APPROVED`` (not ``APPROVE``), ``REQUEST_CHANGES`` or
  ``COMMENT``; a closed or merged PR only accepts ``COMMENT``. Inline
  comments anchor with ``new_position`` (a file line number).
"""

from __future__ import annotations

from typing import Iterator
from urllib.parse import quote

import httpx

from triage.forges.auth import check_base_url
from triage.forges.base import (
    INCOMPLETE,
    ChangeQuery,
    FilePatch,
    OwnerRepoClient,
    PullSummary,
    RemoteChange,
    RemotePost,
    files_from_patches,
    iso,
    newest_first,
    parse_time,
)
from triage.forges.errors import AuthError, ForgeError, RateLimited

PAGE = {"per_page_param": "limit", "per_page": 50}
WIP_PREFIXES = ("WIP:", "[WIP]")
"""Gitea's default ``[repository.pull-request] WORK_IN_PROGRESS_PREFIXES``: a title starting
with one marks the pull request as work in progress (a draft)."""
_STATUS = {"added": "A", "deleted": "D", "removed": "D", "modified": "M", "changed": "M", "renamed": "R",
           "copied": "C"}


def resolve_base(url: str | None) -> tuple[str, str]:
    """``(api_base, host)``: ``--url https://HOST`` gains ``/api/v1`` unless already there."""
    if not url:
        raise ValueError("--url is required for Gitea/Forgejo (e.g. https://gitea.example.com)")
    u = check_base_url(url)
    path = u.path.rstrip("/")
    if not path.endswith("/api/v1"):
        path += "/api/v1"
    return str(u.copy_with(path=path)), u.host


class Gitea(OwnerRepoClient):
    """One repository on Gitea or Forgejo."""

    kind = "gitea"
    page = PAGE



    def _is_draft(self, pr: dict) -> bool:
        """``draft`` where the server sends it (Forgejo, newer Gitea), else a WIP title prefix."""
        if pr.get("draft") is not None:
            return bool(pr["draft"])
        title = str(pr.get("title") or "").lstrip().upper()
        return title.startswith(WIP_PREFIXES)

    def web_url(self, number: int) -> str:
        """The pull request's web page."""
        base = httpx.URL(self.api_base)
        root = base.path[: -len("/api/v1")] if base.path.endswith("/api/v1") else ""
        return str(base.copy_with(path=f"{root}/{self.repo}/pulls/{number}"))


    def list_pulls(self, query: ChangeQuery) -> Iterator[PullSummary]:
        """Merged PRs in the window (newest update first), then labelled open PRs."""
        seen: set[int] = set()
        listing = self.http.paginate(f"{self.prefix}/pulls", {"state": "closed", "sort": "recentupdate"}, **PAGE)
        for pr in newest_first(listing, query.since):
            merged = pr.get("merged") or pr.get("merged_at")
            if merged and parse_time(pr.get("merged_at")) >= query.since and pr["number"] not in seen:
                seen.add(pr["number"])
                yield self._summary(pr, "merged")
        if not (query.include_open and query.label):
            return
        want = query.label.lower()
        for pr in self.http.paginate(f"{self.prefix}/pulls", {"state": "open", "sort": "recentupdate"}, **PAGE):
            names = {str(lb.get("name", "")).lower() for lb in pr.get("labels") or []}
            if want in names and pr["number"] not in seen:
                seen.add(pr["number"])
                yield self._summary(pr, "open")

    def _files_only(self, number: int) -> tuple[bytes, list]:
        entries = []
        for f in self.http.paginate(f"{self.prefix}/pulls/{number}/files", item_id=lambda f: f.get("filename"),
                                    **PAGE):
            status = _STATUS.get(f.get("status", ""), "M")
            entries.append(FilePatch(
                old_path=None if status == "A" else (f.get("previous_filename") or f["filename"]),
                new_path=None if status == "D" else f["filename"], status=status, hunks=None,
                additions=int(f.get("additions") or 0), deletions=int(f.get("deletions") or 0),
                notes=[f"{INCOMPLETE} the forge did not provide the diff of this file"]))
        return files_from_patches(entries)

    def fetch_change(self, pull: PullSummary) -> RemoteChange:
        """The PR's ``.diff`` (or its file list when that fails), commits and signals."""
        from triage.patch import parse_patch

        pr, n = pull.raw, pull.number
        commits = self._commits(n)
        complete = True
        try:
            patch = self.http.get_bytes(f"{self.prefix}/pulls/{n}.diff", "text/plain")
            files = parse_patch(patch)
        except (AuthError, RateLimited):
            raise
        except ForgeError:
            patch, files = self._files_only(n)
            complete = False
        merged = pull.state == "merged"
        return self._change(
            pull, title=pr.get("title") or "", body=pr.get("body") or "", commits=commits,
            branch=(pr.get("head") or {}).get("ref") or "", author_login=(pr.get("user") or {}).get("login") or "",
            url=pr.get("html_url") or self.web_url(n),
            authored_at=parse_time(pr.get("merged_at") if merged else pr.get("created_at")),
            files=files, patch=patch, complete=complete)

    def read_file(self, path: str, ref: str) -> bytes | None:
        """A file at ``ref`` (``/raw/{path}?ref=``); None if unavailable."""
        return self._safe_read(f"{self.prefix}/raw/{quote(path, safe='/')}", "*/*", {"ref": ref})

    def list_tree(self, ref: str) -> list[str] | None:
        """Every file path at ``ref`` (the paged recursive trees API); None if unavailable."""
        paths: list[str] = []
        for page in range(1, 21):
            data = self._safe_json(f"{self.prefix}/git/trees/{quote(ref, safe='')}",
                                   {"recursive": "true", "per_page": "1000", "page": str(page)})
            if not isinstance(data, dict):
                return None
            paths.extend(e["path"] for e in data.get("tree") or [] if e.get("type") == "blob")
            if not data.get("truncated"):
                return paths
        return None

    def list_reviews(self, number: int) -> list[RemotePost]:
        """Every review on the PR (all pages)."""
        return [RemotePost(str(r["id"]), ((r.get("user") or {}).get("login") or ""), r.get("body") or "")
                for r in self.http.paginate(f"{self.prefix}/pulls/{number}/reviews", **PAGE)]

    def list_comments(self, number: int) -> list[RemotePost]:
        """Every comment on the PR's conversation (all pages)."""
        return [RemotePost(str(c["id"]), ((c.get("user") or {}).get("login") or ""), c.get("body") or "")
                for c in self.http.paginate(f"{self.prefix}/issues/{number}/comments", **PAGE)]

    def list_issues(self, created_since: float, author: str) -> list[RemotePost]:
        """Issues created by ``author`` and updated since ``created_since`` (all pages)."""
        params = {"state": "all", "type": "issues", "created_by": author, "since": iso(created_since)}
        return [RemotePost(str(i["number"]), ((i.get("user") or {}).get("login") or ""), i.get("body") or "")
                for i in self.http.paginate(f"{self.prefix}/issues", params, **PAGE) if not i.get("pull_request")]

    def list_statuses(self, sha: str) -> list[RemotePost]:
        """Every status on a commit (all pages); the marker lives in ``target_url``."""
        return [RemotePost(str(s["id"]), ((s.get("creator") or {}).get("login") or ""),
                           f"{s.get('target_url') or ''}\n{s.get('description') or ''}")
                for s in self.http.paginate(f"{self.prefix}/commits/{quote(sha, safe='')}/statuses", **PAGE)]

    def post_review(self, number: int, event: str, body: str, comments: list[dict], commit_id: str) -> str:
        """A review (``APPROVED``/``REQUEST_CHANGES``/``COMMENT``) with inline comments."""
        payload: dict = {"event": event, "body": body}
        if commit_id:
            payload["commit_id"] = commit_id
        if comments:
            payload["comments"] = [{"path": c["path"], "body": c["body"], "new_position": int(c["line"]),
                                    "old_position": 0} for c in comments]
        return str(self.http.post_json(f"{self.prefix}/pulls/{number}/reviews", payload)["id"])

    def post_comment(self, number: int, body: str) -> str:
        """A comment on the PR's conversation."""
        return str(self.http.post_json(f"{self.prefix}/issues/{number}/comments", {"body": body})["id"])

    def create_issue(self, title: str, body: str, labels: list[str]) -> str:
        """A new issue; returns its number."""
        return str(self.http.post_json(f"{self.prefix}/issues", {"title": title, "body": body})["number"])

    def set_status(self, sha: str, state: str, context: str, description: str, target_url: str) -> str:
        """A commit status (``pending|success|error|failure``)."""
        payload = {"state": state, "context": context, "description": description[:140], "target_url": target_url}
        return str(self.http.post_json(f"{self.prefix}/statuses/{quote(sha, safe='')}", payload)["id"])
