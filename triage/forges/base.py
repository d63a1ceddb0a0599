"""Provides the forge interface and the helpers all three clients share.

A :class:`Forge` lists changes (merged pull requests in a window, and open ones
carrying the review label) with their diffs and provenance signals, reads files
at a commit, finds the authenticated user's own posts, and writes reviews,
comments, issues and commit statuses. Each forge module maps its API onto it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import httpx
from urllib.parse import quote
from datetime import datetime, timezone
from typing import Iterator, Protocol

from triage.models import Change

INCOMPLETE = "review incomplete:"
"""Prefix of every file note that says the forge withheld part of the diff."""

MAX_MESSAGE_CHARS = 64 * 1024
_REPO_SEGMENT = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.-]*$")
_TRAILER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*\s*:\s*\S")


@dataclass
class RemoteChange:
    """A change read from a forge, with its unified patch and listing facts."""

    change: Change
    patch: bytes
    updated_at: float
    head_sha: str
    complete: bool = True


@dataclass
class PullSummary:
    """One pull/merge request as a listing shows it (enough to decide whether to fetch it)."""

    number: int
    state: str  # "merged" | "open"
    head_sha: str
    updated_at: float
    labels: tuple[str, ...]
    raw: dict
    draft: bool = False


@dataclass(frozen=True)
class PullHead:
    """A pull request as it is now, read just before posting to it."""

    sha: str
    state: str  # "open" | "closed" | "merged"
    draft: bool = False


@dataclass(frozen=True)
class RemotePost:
    """Something already on the forge: a review, comment, note, issue or status.

    ``text`` is where a marker would be (the body; a status's target URL).
    """

    id: str
    author: str
    text: str


@dataclass
class ChangeQuery:
    """What to list: merged since ``since`` (unix s), and open ones carrying ``label``."""

    since: float
    label: str = ""
    include_open: bool = True


class Forge(Protocol):
    """One repository on one forge, behind one credential."""

    kind: str
    repo: str
    api_base: str

    def whoami(self) -> str:
        """The authenticated user's login."""

    def list_pulls(self, query: ChangeQuery) -> Iterator[PullSummary]:
        """Merged pull requests in the window, then open ones carrying the label; newest first."""

    def fetch_change(self, pull: PullSummary) -> RemoteChange:
        """The change behind a listed pull request: diff, commits, provenance signals."""

    def read_file(self, path: str, ref: str) -> bytes | None:
        """A file's bytes at ``ref``, or None when absent or unreadable."""

    def list_tree(self, ref: str) -> list[str] | None:
        """Every file path at ``ref``, or None when the forge cannot list it completely."""

    # -- reconciliation: every listing reads all pages or raises ListingIncomplete
    def list_reviews(self, number: int) -> list[RemotePost]: ...
    def list_comments(self, number: int) -> list[RemotePost]: ...
    def list_issues(self, created_since: float, author: str) -> list[RemotePost]: ...
    def list_statuses(self, sha: str) -> list[RemotePost]: ...

    # -- writes: each returns the new object's id
    def post_review(self, number: int, event: str, body: str, comments: list[dict], commit_id: str) -> str: ...
    def post_comment(self, number: int, body: str) -> str: ...
    def create_issue(self, title: str, body: str, labels: list[str]) -> str: ...
    def set_status(self, sha: str, state: str, context: str, description: str, target_url: str) -> str: ...
    def web_url(self, number: int) -> str: ...

    def close(self) -> None: ...


# ----------------------------------------------------------------- helpers


def check_repo(repo: str, nested: bool = False) -> str:
    """Validate ``OWNER/NAME`` (GitLab: ``GROUP/SUB/NAME``); return it stripped."""
    repo = repo.strip().strip("/")
    parts = repo.split("/")
    ok = len(parts) >= 2 if nested else len(parts) == 2
    if not ok or not all(_REPO_SEGMENT.match(p) and p not in (".", "..") for p in parts):
        shape = "GROUP/[SUBGROUP/]NAME" if nested else "OWNER/NAME"
        raise ValueError(f"repository must look like {shape}, not {repo!r}")
    return repo


def parse_time(value: str | None) -> float:
    """Unix seconds from an ISO-8601 timestamp (``Z`` or offset); 0 for None."""
    if not value:
        return 0.0
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return 0.0
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def iso(ts: float) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` for unix seconds."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def trailer_lines(message: str) -> list[str]:
    """The trailer lines of a commit message's final paragraph."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    if len(paragraphs) < 2:
        return []
    return [ln.strip() for ln in paragraphs[-1].splitlines() if _TRAILER.match(ln.strip())]


def compose_message(title: str, body: str, commit_messages: list[str]) -> str:
    """The text provenance reads: PR title and body, the commits, then every trailer.

    The trailers of all commits are gathered (deduplicated) into a final
    paragraph, where :func:`triage.provenance.parse_trailers` finds them.
    """
    parts = [title.strip(), (body or "").strip()]
    parts.extend(m.strip() for m in commit_messages if m.strip())
    trailers: list[str] = []
    for m in commit_messages:
        for line in trailer_lines(m):
            if line not in trailers:
                trailers.append(line)
    text = "\n\n".join(p for p in parts if p)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS] + "\n[… truncated by triage]"
    if trailers:
        text += "\n\n" + "\n".join(trailers)
    return text


def _quote_path(prefix: str, path: str) -> str:
    raw = (prefix + path).encode("utf-8", "surrogateescape")
    if all(0x21 <= b < 0x7F and b not in (0x22, 0x5C) for b in raw):
        return raw.decode("ascii")
    out = []
    for b in raw:
        if b == 0x22:
            out.append('\\"')
        elif b == 0x5C:
            out.append("\\\\")
        elif b == 0x09:
            out.append("\\t")
        elif b == 0x0A:
            out.append("\\n")
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


@dataclass
class FilePatch:
    """One file as a forge's per-file listing describes it."""

    old_path: str | None
    new_path: str | None
    status: str  # "A", "D", "M", "R", "C"
    hunks: str | None  # header-less hunks ("@@ …"), None when the forge withheld them
    old_mode: str = ""
    new_mode: str = ""
    binary: bool = False
    additions: int = 0
    deletions: int = 0
    notes: list[str] = field(default_factory=list)


def git_patch(files: list[FilePatch]) -> bytes:
    """A git-style unified diff built from per-file entries, for parsing and storage."""
    out: list[str] = []
    for f in files:
        old = f.old_path if f.old_path is not None else f.new_path
        new = f.new_path if f.new_path is not None else f.old_path
        out.append(f"diff --git {_quote_path('a/', old or '')} {_quote_path('b/', new or '')}")
        if f.status == "A":
            out.append(f"new file mode {f.new_mode or '100644'}")
        elif f.status == "D":
            out.append(f"deleted file mode {f.old_mode or '100644'}")
        elif f.old_mode and f.new_mode and f.old_mode != f.new_mode:
            out.append(f"old mode {f.old_mode}")
            out.append(f"new mode {f.new_mode}")
        if f.status == "R" and old != new:
            out.append("rename from " + _quote_path("", old or ""))
            out.append("rename to " + _quote_path("", new or ""))
        if f.binary:
            a = "/dev/null" if f.status == "A" else _quote_path("a/", old or "")
            b = "/dev/null" if f.status == "D" else _quote_path("b/", new or "")
            out.append(f"Binary files {a} and {b} differ")
            continue
        if f.hunks:
            out.append("--- " + ("/dev/null" if f.status == "A" else _quote_path("a/", old or "")))
            out.append("+++ " + ("/dev/null" if f.status == "D" else _quote_path("b/", new or "")))
            out.append(f.hunks.rstrip("\n"))
    return ("\n".join(out) + "\n").encode("utf-8", "surrogateescape") if out else b""


def files_from_patches(entries: list[FilePatch]) -> tuple[bytes, list]:
    """Parse per-file entries into FileDiffs (with the forge's counts and notes kept)."""
    from triage.patch import parse_patch

    patch = git_patch(entries)
    parsed = parse_patch(patch)
    by_path = {(fd.new_path if fd.new_path is not None else fd.old_path): fd for fd in parsed}
    files = []
    for e in entries:
        fd = by_path.get(e.new_path if e.new_path is not None else e.old_path)
        if fd is None:
            continue
        if e.hunks is None and not e.binary:
            fd.added, fd.deleted = e.additions, e.deletions
        for note in e.notes:
            if note not in fd.notes:
                fd.notes.append(note)
        files.append(fd)
    return patch, files


def mark_incomplete(files: list, reason: str) -> None:
    """Note on the first file (or nothing, if there is none) that the review is incomplete."""
    if files:
        note = f"{INCOMPLETE} {reason}"
        if note not in files[0].notes:
            files[0].notes.append(note)


class ForgeClient:
    """State and helpers shared by the three clients (an :class:`Http` session and the repo).

    ``repo`` is the name change ids use; ``remote_repo`` the one the forge knows the
    repository by now. They differ after a rename or transfer: requests then go to the
    new name, while the ids (and every verdict on them) keep the old one.
    """

    kind = ""

    def __init__(self, http, repo: str, api_base: str):
        self.http = http
        self.repo = repo
        self.remote_repo = repo
        self.api_base = api_base
        self.moved = False
        """A request for this repository was redirected: it was renamed or transferred."""
        self.prefix = self._prefix(repo)
        on_redirect = getattr(http, "on_redirect", None)
        if on_redirect is not None:
            on_redirect.append(self._saw_redirect)

    def _prefix(self, repo: str) -> str:
        raise NotImplementedError

    def _saw_redirect(self, method: str, old, new, status: int) -> None:
        mine = httpx.URL(self.api_base).raw_path.decode().rstrip("/") + self.prefix
        path = old.raw_path.decode().split("?", 1)[0]
        if (path == mine or path.startswith(mine + "/")) and not new.raw_path.decode().startswith(mine + "/"):
            self.moved = True

    def use_remote(self, name: str) -> None:
        """Address the repository by its current name ``name`` from now on."""
        self.remote_repo = name
        self.prefix = self._prefix(name)

    def repo_info(self) -> dict:
        """The repository object (following a rename's redirect)."""
        return self.http.get_json(self.prefix)

    def _full_name(self, info: dict) -> str:
        return str(info.get("full_name") or "")

    def locate(self) -> str | None:
        """After a rename or transfer, the repository's new name (used from now on); else None.

        One GET of the repository: the forge redirects it (GitHub to ``/repositories/ID``,
        Gitea to the new path, GitLab to ``/projects/ID``), and the answer names it.
        """
        name = self._full_name(self.repo_info())
        self.moved = False
        if name and name != self.remote_repo:
            check_repo(name, nested=(self.kind == "gitlab"))
            self.use_remote(name)
            return name
        return None

    def close(self) -> None:
        """Close the HTTP session."""
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def supports(self, action: str) -> bool:
        """Whether this forge has a write for an outbox action."""
        return action in ("review", "comment", "issue", "status", "request_reviewer")

    def _safe_read(self, path: str, accept: str | None = None, params: dict | None = None) -> bytes | None:
        from triage.forges.errors import ForgeError, PermissionDenied, Unavailable

        try:
            return self.http.get_bytes(path, accept or "*/*", params=params)
        except (PermissionDenied, Unavailable):
            return None
        except ForgeError as exc:
            if exc.status in (400, 406, 409, 410, 422):
                return None
            raise

    def _safe_json(self, path: str, params: dict | None = None):
        from triage.forges.errors import ForgeError, PermissionDenied, Unavailable

        try:
            return self.http.get_json(path, params=params)
        except (PermissionDenied, Unavailable):
            return None
        except ForgeError as exc:
            if exc.status in (400, 406, 409, 410, 422):
                return None
            raise

    def _change(self, pull: PullSummary, *, title: str, body: str, commits: list[dict], branch: str,
                author_login: str, url: str, authored_at: float, files: list, patch: bytes,
                complete: bool = True, provenance_note: str = "") -> RemoteChange:
        """Assemble a RemoteChange; ``commits`` hold message, author name/email, committer email."""
        last = commits[-1] if commits else {}
        change = Change(
            id=f"{self.kind}:{self.repo}#{pull.number}",
            draft=pull.draft,
            provenance_note=provenance_note,
            source=self.kind,
            repo=self.repo,
            sha=pull.head_sha,
            title=title or "",
            message=compose_message(title or "", body or "", [c.get("message", "") for c in commits]),
            author_name=last.get("author_name") or author_login,
            author_email=last.get("author_email", ""),
            committer_email=last.get("committer_email", ""),
            authored_at=int(authored_at),
            parents=(),
            branch=branch or "",
            labels=tuple(pull.labels),
            url=url,
            number=pull.number,
            state=pull.state,
            author_login=author_login or "",
            files=files,
        )
        return RemoteChange(change=change, patch=patch, updated_at=pull.updated_at, head_sha=pull.head_sha,
                            complete=complete)


def _commit_facts(c: dict) -> dict:
    """Message and identities of a GitHub/Gitea commit object, for provenance."""
    commit = c.get("commit") or {}
    return {
        "message": commit.get("message") or "",
        "author_name": (commit.get("author") or {}).get("name") or "",
        "author_email": (commit.get("author") or {}).get("email") or "",
        "committer_email": (commit.get("committer") or {}).get("email") or "",
    }


def newest_first(items: Iterator[dict], since: float, updated_key: str = "updated_at") -> Iterator[dict]:
    """Items of a listing sorted by update time (descending), until one is older than ``since``."""
    for item in items:
        if parse_time(item.get(updated_key)) < since:
            return
        yield item


class OwnerRepoClient(ForgeClient):
    """A client whose API addresses a repository as ``/repos/{owner}/{name}`` (GitHub, Gitea)."""

    def _prefix(self, repo: str) -> str:
        owner, name = repo.split("/", 1)
        return f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"

    def whoami(self) -> str:
        """The token owner's login (``GET /user``)."""
        return str(self.http.get_json("/user")["login"])

    page: dict = {}
    """Extra pagination arguments for this forge (Gitea's ``limit``)."""

    def _commits(self, number: int) -> list[dict]:
        """The PR's commits: message and identities, for provenance."""
        return [_commit_facts(c) for c in self.http.paginate(f"{self.prefix}/pulls/{number}/commits",
                                                               item_id=lambda c: c.get("sha"), **self.page)]

    def _summary(self, pr: dict, state: str) -> PullSummary:
        return PullSummary(
            number=int(pr["number"]), state=state, head_sha=str((pr.get("head") or {}).get("sha") or ""),
            updated_at=parse_time(pr.get("updated_at")),
            labels=tuple(str(lb.get("name", "")) for lb in pr.get("labels") or []), raw=pr,
            draft=state == "open" and self._is_draft(pr))

    def _is_draft(self, pr: dict) -> bool:
        return bool(pr.get("draft"))

    def requested_logins(self, pull: PullSummary) -> list[str]:
        """The users whose review is requested on a listed pull request (its ``requested_reviewers``)."""
        return [str(u.get("login") or "") for u in pull.raw.get("requested_reviewers") or [] if u.get("login")]

    def requested_reviewers(self, number: int) -> list[str]:
        """The users whose review is requested on the pull request now (read from the pull request)."""
        pr = self.http.get_json(f"{self.prefix}/pulls/{number}")
        return [str(u.get("login") or "") for u in pr.get("requested_reviewers") or [] if u.get("login")]

    def request_reviewer(self, number: int, login: str) -> str:
        """Request ``login``'s review (``POST /pulls/N/requested_reviewers``; idempotent on the forge)."""
        self.http.post_json(f"{self.prefix}/pulls/{number}/requested_reviewers", {"reviewers": [login]})
        return f"requested:{login}"

    def pull_head(self, number: int) -> PullHead:
        """The pull request as it is now: head sha, open/closed/merged, draft or not."""
        pr = self.http.get_json(f"{self.prefix}/pulls/{number}")
        state = "merged" if pr.get("merged") or pr.get("merged_at") else str(pr.get("state") or "")
        return PullHead(str((pr.get("head") or {}).get("sha") or ""), state,
                        state == "open" and self._is_draft(pr))
