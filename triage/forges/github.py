"""Provides the GitHub (and GitHub Enterprise Server) client.

* Base URL: ``https://api.github.com``; GHES ``https://HOST/api/v3`` (from
  ``--url`` or ``GH_HOST``). Headers ``Accept: application/vnd.github+json``,
  ``X-GitHub-Api-Version: 2022-11-28``, ``Authorization: Bearer <token>``.
* Merged pull requests: ``/pulls?state=closed&sort=updated&direction=desc``,
  keeping ``merged_at`` non-null and stopping at the first ``updated_at``
  older than the window. Open ones: ``state=open``, filtered by label.
* Diff: the whole ``.diff`` media type; on ``406 too_large`` the paginated
  ``/files`` listing, where a missing ``patch`` (large or binary file) marks
  the review incomplete, as does the 3000-file cap.
* Provenance: labels, the author's login, the head branch, the body, and the
  commits' messages and identities from ``/pulls/N/commits``, which lists at
  most 250 commits: at the cap the compare API (``/compare/BASE...HEAD``,
  paginated) has the rest, or the change is marked "provenance incomplete".
* Drafts: the PR's ``draft`` field.
* A renamed or transferred repository answers 301 (GET) or 307 (writes) to
  ``/repositories/ID/…``; :meth:`~triage.forges.base.ForgeClient.locate`
  reads its new ``full_name``.
"""

from __future__ import annotations

from typing import Iterator
from urllib.parse import quote

import httpx

from triage.forges.auth import check_base_url, is_github_dotcom, is_loopback
from triage.forges.base import (
    INCOMPLETE,
    ChangeQuery,
    FilePatch,
    OwnerRepoClient,
    PullSummary,
    RemoteChange,
    RemotePost,
    _commit_facts,
    files_from_patches,
    iso,
    mark_incomplete,
    newest_first,
    parse_time,
)
from triage.forges.errors import AuthError, ForgeError, ListingIncomplete, RateLimited, Unavailable
from triage.forges.http import next_page_url

API_VERSION = "2022-11-28"
JSON = "application/vnd.github+json"
DIFF = "application/vnd.github.diff"
RAW = "application/vnd.github.raw+json"
FILES_CAP = 3000
COMMITS_CAP = 250
"""``/pulls/N/commits`` lists at most this many commits; the compare API has the rest."""
DEFAULT_HEADERS = {"Accept": JSON, "X-GitHub-Api-Version": API_VERSION}

_STATUS = {"added": "A", "removed": "D", "modified": "M", "renamed": "R", "copied": "C", "changed": "M",
           "unchanged": "M"}


def resolve_base(url: str | None, env: dict) -> tuple[str, str]:
    """``(api_base, host)`` from ``--url`` or ``GH_HOST`` (default github.com).

    ``--url`` may be the API base (``https://HOST/api/v3``, ``https://api.github.com``,
    a loopback test server) or a GHES web host (``https://HOST``, gets ``/api/v3``).
    """
    if not url:
        host = (env.get("GH_HOST") or "").strip()
        if host and not is_github_dotcom(host):
            url = f"https://{host}"
        else:
            return "https://api.github.com", "github.com"
    u = check_base_url(url)
    host = u.host
    if host in ("github.com", "www.github.com"):
        return "https://api.github.com", "github.com"
    path = u.path.rstrip("/")
    if path or host == "api.github.com" or is_loopback(host) or host.endswith(".ghe.com"):
        if host.endswith(".ghe.com") and not host.startswith("api.") and not path:
            return str(u.copy_with(host="api." + host, path="/")).rstrip("/"), host
        return str(u.copy_with(path=path or "/")).rstrip("/"), host
    return str(u.copy_with(path="/api/v3")).rstrip("/"), host


class GitHub(OwnerRepoClient):
    """One repository on GitHub or GHES."""

    kind = "github"


    # ---------------------------------------------------------------- reading


    def web_url(self, number: int) -> str:
        """The pull request's web page (the host's, not the API's)."""
        base = httpx.URL(self.api_base)
        if base.host == "api.github.com":
            return f"https://github.com/{self.repo}/pull/{number}"
        return str(base.copy_with(path=f"/{self.repo}/pull/{number}"))


    def list_pulls(self, query: ChangeQuery) -> Iterator[PullSummary]:
        """Merged PRs updated and merged since the window start, then labelled open PRs."""
        seen: set[int] = set()
        listing = self.http.paginate(f"{self.prefix}/pulls",
                                     {"state": "closed", "sort": "updated", "direction": "desc"})
        for pr in newest_first(listing, query.since):
            if pr.get("merged_at") and parse_time(pr["merged_at"]) >= query.since and pr["number"] not in seen:
                seen.add(pr["number"])
                yield self._summary(pr, "merged")
        if not (query.include_open and query.label):
            return
        want = query.label.lower()
        for pr in self.http.paginate(f"{self.prefix}/pulls", {"state": "open", "sort": "updated",
                                                              "direction": "desc"}):
            names = {str(lb.get("name", "")).lower() for lb in pr.get("labels") or []}
            if want in names and pr["number"] not in seen:
                seen.add(pr["number"])
                yield self._summary(pr, "open")

    def _files_fallback(self, number: int) -> tuple[bytes, list]:
        entries: list[FilePatch] = []
        for f in self.http.paginate(f"{self.prefix}/pulls/{number}/files",
                                    item_id=lambda f: (f.get("filename"), f.get("sha"))):
            status = _STATUS.get(f.get("status", ""), "M")
            patch = f.get("patch")
            notes = []
            if patch is None and int(f.get("changes") or 0) > 0:
                notes.append(f"{INCOMPLETE} the forge withheld this file's diff (too large or binary)")
            entries.append(FilePatch(
                old_path=None if status == "A" else (f.get("previous_filename") or f["filename"]),
                new_path=None if status == "D" else f["filename"],
                status=status, hunks=patch, additions=int(f.get("additions") or 0),
                deletions=int(f.get("deletions") or 0), notes=notes))
        patch, files = files_from_patches(entries)
        if len(entries) >= FILES_CAP:
            mark_incomplete(files, f"the forge lists at most {FILES_CAP} files of a pull request")
        return patch, files

    def _pr_commits(self, pull: PullSummary) -> tuple[list[dict], str]:
        """Every commit of the PR, and a note when they could not all be read.

        ``/pulls/N/commits`` stops at 250 commits. At the cap, the rest comes from the
        compare API (``/compare/BASE...HEAD``, paginated), checked against the PR's own
        commit count; when that fails too, the note says provenance is incomplete.
        """
        n = pull.number
        commits = self._commits(n)
        if len(commits) < COMMITS_CAP:
            return commits, ""
        pr = pull.raw
        want = pr.get("commits")
        try:
            if want is None:
                pr = self.http.get_json(f"{self.prefix}/pulls/{n}")
                want = pr.get("commits")
            base = (pr.get("base") or {}).get("sha") or ""
            head = pull.head_sha or (pr.get("head") or {}).get("sha") or ""
            if isinstance(want, int) and want <= len(commits):
                return commits, ""
            rest = self._compare_commits(base, head)
        except (AuthError, RateLimited):
            raise
        except ForgeError as exc:
            return commits, (f"the forge listed only the first {len(commits)} of "
                             f"{want if isinstance(want, int) else 'more'} commits and the compare API failed "
                             f"({exc}); an AI trailer or identity in the rest was not seen")
        if isinstance(want, int) and len(rest) < want:
            return (rest if len(rest) > len(commits) else commits), (
                f"the forge listed {max(len(rest), len(commits))} of the pull request's {want} commits; an AI "
                "trailer or identity in the rest was not seen")
        return rest, ""

    def _compare_commits(self, base: str, head: str) -> list[dict]:
        """The commits from ``base`` to ``head`` (compare API, every page), oldest first."""
        url: str | None = f"{self.prefix}/compare/{quote(base, safe='')}...{quote(head, safe='')}"
        params: dict | None = {"per_page": 100}
        out: list[dict] = []
        seen: set = set()
        page = 0
        while url:
            page += 1
            try:
                resp = self.http.request("GET", url, params=params)
            except Unavailable as exc:
                raise ListingIncomplete(f"the compare listing is incomplete: page {page} could not be read "
                                        f"({exc})", exc.status) from None
            for c in (resp.json() or {}).get("commits") or []:
                if c.get("sha") in seen:
                    continue
                seen.add(c.get("sha"))
                out.append(_commit_facts(c))
            url, params = next_page_url(resp), None
        return out

    def fetch_change(self, pull: PullSummary) -> RemoteChange:
        """The PR's diff (whole, or per file when too large), commits and signals."""
        from triage.patch import parse_patch

        pr = pull.raw
        n = pull.number
        commits, provenance_note = self._pr_commits(pull)
        complete = True
        try:
            patch = self.http.get_bytes(f"{self.prefix}/pulls/{n}", DIFF)
            files = parse_patch(patch)
        except ForgeError as exc:
            if exc.status != 406:
                raise
            patch, files = self._files_fallback(n)
            complete = not any(note.startswith(INCOMPLETE) for f in files for note in f.notes)
        merged = pull.state == "merged"
        return self._change(
            pull, title=pr.get("title") or "", body=pr.get("body") or "", commits=commits,
            branch=(pr.get("head") or {}).get("ref") or "", author_login=(pr.get("user") or {}).get("login") or "",
            url=pr.get("html_url") or self.web_url(n),
            authored_at=parse_time(pr.get("merged_at") if merged else pr.get("created_at")),
            files=files, patch=patch, complete=complete, provenance_note=provenance_note)

    def read_file(self, path: str, ref: str) -> bytes | None:
        """A file at ``ref`` via the contents API (raw media type); None if unavailable."""
        return self._safe_read(f"{self.prefix}/contents/{quote(path, safe='/')}", RAW, {"ref": ref})

    def list_tree(self, ref: str) -> list[str] | None:
        """Every file path at ``ref`` (one recursive trees call); None if unavailable or truncated."""
        data = self._safe_json(f"{self.prefix}/git/trees/{quote(ref, safe='')}", {"recursive": "1"})
        if not isinstance(data, dict) or data.get("truncated"):
            return None
        return [e["path"] for e in data.get("tree") or [] if e.get("type") == "blob"]

    # ---------------------------------------------------------- reconciliation

    def list_reviews(self, number: int) -> list[RemotePost]:
        """Every review on the PR (all pages)."""
        return [RemotePost(str(r["id"]), ((r.get("user") or {}).get("login") or ""), r.get("body") or "")
                for r in self.http.paginate(f"{self.prefix}/pulls/{number}/reviews")]

    def list_comments(self, number: int) -> list[RemotePost]:
        """Every conversation comment on the PR (all pages)."""
        return [RemotePost(str(c["id"]), ((c.get("user") or {}).get("login") or ""), c.get("body") or "")
                for c in self.http.paginate(f"{self.prefix}/issues/{number}/comments")]

    def list_issues(self, created_since: float, author: str) -> list[RemotePost]:
        """Issues (not PRs) by ``author`` updated since ``created_since`` (all pages)."""
        params = {"state": "all", "creator": author, "since": iso(created_since), "sort": "created",
                  "direction": "desc"}
        return [RemotePost(str(i["number"]), ((i.get("user") or {}).get("login") or ""), i.get("body") or "")
                for i in self.http.paginate(f"{self.prefix}/issues", params) if "pull_request" not in i]

    def list_statuses(self, sha: str) -> list[RemotePost]:
        """Every status on a commit (all pages); the marker lives in ``target_url``."""
        return [RemotePost(str(s["id"]), ((s.get("creator") or {}).get("login") or ""),
                           f"{s.get('target_url') or ''}\n{s.get('description') or ''}")
                for s in self.http.paginate(f"{self.prefix}/commits/{quote(sha, safe='')}/statuses")]

    # ------------------------------------------------------------------ writes

    def post_review(self, number: int, event: str, body: str, comments: list[dict], commit_id: str) -> str:
        """One review with its inline comments (one content-creating request)."""
        payload: dict = {"body": body, "event": event}
        if commit_id:
            payload["commit_id"] = commit_id
        if comments:
            payload["comments"] = [{"path": c["path"], "line": int(c["line"]), "side": "RIGHT", "body": c["body"]}
                                   for c in comments]
        return str(self.http.post_json(f"{self.prefix}/pulls/{number}/reviews", payload)["id"])

    def post_comment(self, number: int, body: str) -> str:
        """A conversation comment on the PR."""
        return str(self.http.post_json(f"{self.prefix}/issues/{number}/comments", {"body": body})["id"])

    def create_issue(self, title: str, body: str, labels: list[str]) -> str:
        """A new issue; returns its number."""
        payload: dict = {"title": title, "body": body}
        if labels:
            payload["labels"] = labels
        return str(self.http.post_json(f"{self.prefix}/issues", payload)["number"])

    def set_status(self, sha: str, state: str, context: str, description: str, target_url: str) -> str:
        """A commit status (``error|failure|pending|success``)."""
        payload = {"state": state, "context": context, "description": description[:140], "target_url": target_url}
        return str(self.http.post_json(f"{self.prefix}/statuses/{quote(sha, safe='')}", payload)["id"])
