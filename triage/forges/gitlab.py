"""Provides the GitLab client (REST ``/api/v4``).

* Auth: ``PRIVATE-TOKEN: <token>`` (never forwarded to another origin: the
  header is added per request by the origin-bound auth). The project id is
  the URL-encoded path (``group%2Fname``).
* Merged merge requests: ``state=merged&order_by=updated_at&updated_after=``,
  with ``merged_at`` checked client-side (``merged_after`` is not reliable);
  open ones: ``state=opened&labels=L``. Pages follow ``Link`` or ``x-next-page``.
* Diff: the paginated ``/diffs`` listing, rebuilt into a git-style patch; a
  ``too_large`` or collapsed file with no diff marks the review incomplete.
* Writes: notes (conversation comments), discussions with a ``text`` position
  (inline comments; ``diff_refs`` come from the MR), ``/approve``, issues, and
  commit statuses (``pending|running|success|failed|canceled``). GitLab has no
  review object: a verdict is a note, plus an approval when it approves.
* Drafts: ``draft`` (or the deprecated ``work_in_progress``).
* A renamed or transferred project: GET by the old path answers 301 to
  ``/projects/ID/…``; a write answers 405 ("Non GET methods are not allowed
  for moved projects"), so the client looks the new path up and writes again.
"""

from __future__ import annotations

from typing import Iterator
from urllib.parse import quote

from triage.forges.auth import check_base_url
from triage.forges.base import (
    INCOMPLETE,
    ChangeQuery,
    FilePatch,
    ForgeClient,
    PullHead,
    PullSummary,
    RemoteChange,
    RemotePost,
    files_from_patches,
    iso,
    parse_time,
)
from triage.forges.errors import ForgeError, Unprocessable


def _is_draft(mr: dict) -> bool:
    """``draft`` (GitLab 14.0+), else the deprecated ``work_in_progress``."""
    return bool(mr.get("draft") if mr.get("draft") is not None else mr.get("work_in_progress"))


def resolve_base(url: str | None) -> tuple[str, str]:
    """``(api_base, host)``; default gitlab.com; ``/api/v4`` is added unless present."""
    u = check_base_url(url or "https://gitlab.com")
    path = u.path.rstrip("/")
    if not path.endswith("/api/v4"):
        path += "/api/v4"
    return str(u.copy_with(path=path)), u.host


class GitLab(ForgeClient):
    """One project on GitLab."""

    kind = "gitlab"

    def __init__(self, http, repo: str, api_base: str):
        super().__init__(http, repo, api_base)
        self._diff_refs: dict[int, dict] = {}

    def _prefix(self, repo: str) -> str:
        return f"/projects/{quote(repo, safe='')}"

    def _full_name(self, info: dict) -> str:
        return str(info.get("path_with_namespace") or "")

    def _write(self, path: str, body: dict, method: str = "POST") -> dict:
        """A write to the project; after a rename GitLab refuses writes to the old path (405
        "Non GET methods are not allowed for moved projects"), so find the new one and retry."""
        try:
            return self.http.post_json(self.prefix + path, body, method)
        except ForgeError as exc:
            if exc.status != 405 or self.locate() is None:
                raise
        return self.http.post_json(self.prefix + path, body, method)
    def supports(self, action: str) -> bool:
        """Notes, inline discussions, approvals, issues and statuses (no review object)."""
        return action in ("comment", "inline", "approve", "issue", "status", "request_reviewer")

    def whoami(self) -> str:
        """The token owner's username (``GET /user``)."""
        return str(self.http.get_json("/user")["username"])

    def web_url(self, number: int) -> str:
        """The merge request's web page."""
        import httpx

        base = httpx.URL(self.api_base)
        root = base.path[: -len("/api/v4")] if base.path.endswith("/api/v4") else ""
        return str(base.copy_with(path=f"{root}/{self.repo}/-/merge_requests/{number}"))

    def _summary(self, mr: dict, state: str) -> PullSummary:
        return PullSummary(number=int(mr["iid"]), state=state, head_sha=str(mr.get("sha") or ""),
                           updated_at=parse_time(mr.get("updated_at")),
                           labels=tuple(str(x) for x in mr.get("labels") or []), raw=mr,
                           draft=state == "open" and _is_draft(mr))

    def pull_head(self, number: int) -> PullHead:
        """The merge request as it is now: head sha, state, draft or not."""
        mr = self.http.get_json(f"{self.prefix}/merge_requests/{number}")
        state = {"opened": "open", "merged": "merged"}.get(str(mr.get("state") or ""), "closed")
        return PullHead(str(mr.get("sha") or ""), state, state == "open" and _is_draft(mr))

    def list_pulls(self, query: ChangeQuery) -> Iterator[PullSummary]:
        """Merged MRs updated and merged in the window, then open MRs with the label."""
        seen: set[int] = set()
        params = {"state": "merged", "order_by": "updated_at", "sort": "desc", "updated_after": iso(query.since)}
        for mr in self.http.paginate(f"{self.prefix}/merge_requests", params):
            if parse_time(mr.get("updated_at")) < query.since:
                break
            if mr.get("merged_at") and parse_time(mr["merged_at"]) >= query.since and mr["iid"] not in seen:
                seen.add(mr["iid"])
                yield self._summary(mr, "merged")
        if not (query.include_open and query.label):
            return
        for mr in self.http.paginate(f"{self.prefix}/merge_requests",
                                     {"state": "opened", "labels": query.label, "order_by": "updated_at",
                                      "sort": "desc"}):
            if mr["iid"] not in seen:
                seen.add(mr["iid"])
                yield self._summary(mr, "open")

    def _commits(self, iid: int) -> list[dict]:
        out = []
        for c in self.http.paginate(f"{self.prefix}/merge_requests/{iid}/commits"):
            out.append({"message": c.get("message") or "", "author_name": c.get("author_name") or "",
                        "author_email": c.get("author_email") or "",
                        "committer_email": c.get("committer_email") or ""})
        return list(reversed(out))  # GitLab lists newest first; keep oldest first like the others

    def _diffs(self, iid: int) -> tuple[bytes, list, bool]:
        entries = []
        complete = True
        for d in self.http.paginate(f"{self.prefix}/merge_requests/{iid}/diffs",
                                    item_id=lambda d: (d.get("old_path"), d.get("new_path"))):
            status = "A" if d.get("new_file") else "D" if d.get("deleted_file") else \
                "R" if d.get("renamed_file") else "M"
            text = d.get("diff") or ""
            binary = text.startswith("Binary files")
            notes = []
            hunks: str | None = text if text and not binary else None
            if hunks is None and not binary and (d.get("too_large") or d.get("collapsed")):
                notes.append(f"{INCOMPLETE} the forge withheld this file's diff (too large)")
                complete = False
            entries.append(FilePatch(
                old_path=None if status == "A" else d.get("old_path"),
                new_path=None if status == "D" else d.get("new_path"), status=status, hunks=hunks,
                old_mode=str(d.get("a_mode") or ""), new_mode=str(d.get("b_mode") or ""), binary=binary,
                notes=notes))
        patch, files = files_from_patches(entries)
        return patch, files, complete

    def fetch_change(self, pull: PullSummary) -> RemoteChange:
        """The MR's diffs, commits and signals."""
        mr, n = pull.raw, pull.number
        commits = self._commits(n)
        patch, files, complete = self._diffs(n)
        merged = pull.state == "merged"
        return self._change(
            pull, title=mr.get("title") or "", body=mr.get("description") or "", commits=commits,
            branch=mr.get("source_branch") or "", author_login=(mr.get("author") or {}).get("username") or "",
            url=mr.get("web_url") or self.web_url(n),
            authored_at=parse_time(mr.get("merged_at") if merged else mr.get("created_at")),
            files=files, patch=patch, complete=complete)

    def read_file(self, path: str, ref: str) -> bytes | None:
        """A file at ``ref`` (``/repository/files/:path/raw``); None if unavailable."""
        return self._safe_read(f"{self.prefix}/repository/files/{quote(path, safe='')}/raw", "*/*", {"ref": ref})

    def list_tree(self, ref: str) -> list[str] | None:
        """Every file path at ``ref`` (paged ``/repository/tree?recursive=true``); None if unavailable."""
        from triage.forges.errors import ListingIncomplete, PermissionDenied

        try:
            return [e["path"] for e in self.http.paginate(f"{self.prefix}/repository/tree",
                                                          {"recursive": "true", "ref": ref},
                                                          item_id=lambda e: e.get("path"))
                    if e.get("type") == "blob"]
        except (ListingIncomplete, PermissionDenied):
            return None

    # ---------------------------------------------------------- reconciliation

    def list_comments(self, number: int) -> list[RemotePost]:
        """Every non-system note on the MR (all pages)."""
        return [RemotePost(str(x["id"]), ((x.get("author") or {}).get("username") or ""), x.get("body") or "")
                for x in self.http.paginate(f"{self.prefix}/merge_requests/{number}/notes",
                                            {"sort": "asc", "order_by": "created_at"}) if not x.get("system")]

    def list_reviews(self, number: int) -> list[RemotePost]:
        """Every note of every discussion on the MR (inline threads included; all pages)."""
        out = []
        for d in self.http.paginate(f"{self.prefix}/merge_requests/{number}/discussions"):
            for x in d.get("notes") or []:
                out.append(RemotePost(str(x["id"]), ((x.get("author") or {}).get("username") or ""),
                                      x.get("body") or ""))
        return out

    def list_issues(self, created_since: float, author: str) -> list[RemotePost]:
        """Issues by ``author`` created since ``created_since`` (all pages)."""
        params = {"author_username": author, "created_after": iso(created_since), "scope": "all", "state": "all"}
        return [RemotePost(str(i["iid"]), ((i.get("author") or {}).get("username") or ""),
                           i.get("description") or "")
                for i in self.http.paginate(f"{self.prefix}/issues", params)]

    def list_statuses(self, sha: str) -> list[RemotePost]:
        """Every status on a commit (all pages); the marker lives in ``target_url``."""
        return [RemotePost(str(s["id"]), ((s.get("author") or {}).get("username") or ""),
                           f"{s.get('target_url') or ''}\n{s.get('description') or ''}")
                for s in self.http.paginate(f"{self.prefix}/repository/commits/{quote(sha, safe='')}/statuses",
                                            {"all": "true"})]

    def requested_logins(self, pull: PullSummary) -> list[str]:
        """The reviewers of a listed merge request (its ``reviewers``)."""
        return [str(u.get("username") or "") for u in pull.raw.get("reviewers") or [] if u.get("username")]

    def requested_reviewers(self, number: int) -> list[str]:
        """The merge request's reviewers now."""
        mr = self.http.get_json(f"{self.prefix}/merge_requests/{number}")
        return [str(u.get("username") or "") for u in mr.get("reviewers") or [] if u.get("username")]

    def request_reviewer(self, number: int, login: str) -> str:
        """Add ``login`` to the merge request's reviewers, keeping the others: the user's id from
        ``GET /users?username=``, then ``PUT …/merge_requests/IID`` with every ``reviewer_ids``."""
        users = self.http.get_json("/users", params={"username": login}) or []
        uid = next((u.get("id") for u in users if str(u.get("username") or "").lower() == login.lower()), None)
        if uid is None:
            raise Unprocessable(f"GitLab has no user {login!r} (GET /users?username=)", 404)
        mr = self.http.get_json(f"{self.prefix}/merge_requests/{number}")
        ids = [int(u["id"]) for u in mr.get("reviewers") or [] if u.get("id") is not None]
        if int(uid) not in ids:
            ids.append(int(uid))
            self._write(f"/merge_requests/{number}", {"reviewer_ids": ids}, "PUT")
        return f"requested:{login}"

    def approved_by(self, number: int) -> list[str]:
        """Usernames that approved the MR."""
        data = self.http.get_json(f"{self.prefix}/merge_requests/{number}/approvals")
        return [((a.get("user") or {}).get("username") or "") for a in data.get("approved_by") or []]

    # ------------------------------------------------------------------ writes

    def post_review(self, number: int, event: str, body: str, comments: list[dict], commit_id: str) -> str:
        """GitLab has no review object: a note carries the verdict."""
        return self.post_comment(number, body)

    def post_comment(self, number: int, body: str) -> str:
        """A note on the MR."""
        return str(self._write(f"/merge_requests/{number}/notes", {"body": body})["id"])

    def post_inline(self, number: int, path: str, old_path: str, line: int, body: str) -> str:
        """A discussion anchored on an added line (``position_type: text``, ``new_line``)."""
        refs = self.http.get_json(f"{self.prefix}/merge_requests/{number}").get("diff_refs") or {}
        payload = {"body": body, "position": {
            "position_type": "text", "base_sha": refs.get("base_sha"), "start_sha": refs.get("start_sha"),
            "head_sha": refs.get("head_sha"), "new_path": path, "old_path": old_path or path,
            "new_line": int(line)}}
        data = self._write(f"/merge_requests/{number}/discussions", payload)
        notes = data.get("notes") or [{}]
        return str(notes[0].get("id") or data.get("id"))

    def approve(self, number: int, sha: str) -> str:
        """Approve the MR (at ``sha``, which must still be its head)."""
        body = {"sha": sha} if sha else {}
        self._write(f"/merge_requests/{number}/approve", body)
        return "approved"

    def create_issue(self, title: str, body: str, labels: list[str]) -> str:
        """A new issue; returns its iid."""
        payload: dict = {"title": title, "description": body}
        if labels:
            payload["labels"] = ",".join(labels)
        return str(self._write("/issues", payload)["iid"])

    def set_status(self, sha: str, state: str, context: str, description: str, target_url: str) -> str:
        """A commit status (``pending|running|success|failed|canceled``)."""
        payload = {"state": state, "name": context, "description": description[:140], "target_url": target_url}
        return str(self._write(f"/statuses/{quote(sha, safe='')}", payload)["id"])
