"""A forge repository backed by a real pygit2 repository: pull requests are real commits.

Diffs, per-file patches, file contents and trees are computed by libgit2, so
what a fake forge serves is what git itself would show, and a change synced
from a fake forge can be compared with the same commit ingested locally.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pygit2

from gitrepo import RepoBuilder

T0 = 1_767_000_000.0  # 2025-12-29


def iso(ts: float | None) -> str | None:
    """ISO-8601 UTC (``Z``), or None."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakePR:
    """A pull/merge request: base and head commits of the backing repository, plus forge facts."""

    number: int
    title: str
    body: str
    user: str
    head_ref: str
    base_sha: str
    head_sha: str
    commits: list[str]
    labels: list[str] = field(default_factory=list)
    state: str = "open"  # "open" | "closed"
    merged: bool = False
    created_at: float = T0
    updated_at: float = T0
    merged_at: float | None = None
    too_large: bool = False  # the whole .diff answers 406 too_large
    withhold_patch: set[str] = field(default_factory=set)  # /files omits `patch` for these paths
    id: int = 0
    draft: bool = False
    requested: list[str] = field(default_factory=list)  # logins whose review is requested, in request order

    @property
    def merge_commit_sha(self) -> str | None:
        return self.head_sha if self.merged else None


class FakeRepo:
    """One repository: a pygit2 repository plus the forge's pull requests."""

    def __init__(self, path: Path, full_name: str):
        self.full_name = full_name
        self.builder = RepoBuilder(path)
        self.git = self.builder.repo
        self.base_sha = ""
        self.pulls: dict[int, FakePR] = {}

    def commit(self, files: dict[str, bytes | str | None], message: str, **kw) -> str:
        """Commit on ``main`` (see :class:`RepoBuilder`)."""
        sha = self.builder.commit(files, message, **kw)
        self.base_sha = sha
        return sha

    def add_pr(self, number: int, files: dict[str, bytes | str | None], *, title: str, body: str = "",
               user: str = "alice", head_ref: str = "feature", labels=(), merged: bool = False,
               open_: bool = False, message: str | None = None, commits: list[tuple[dict, str]] | None = None,
               author: tuple[str, str] = ("Alice", "alice@example.com"), created_at: float = T0,
               updated_at: float | None = None, merged_at: float | None = None, **extra) -> FakePR:
        """A PR whose head is one commit (or several) on top of the current ``main``."""
        base = self.base_sha
        parent = base
        shas = []
        steps = commits or [(files, message or title)]
        for step_files, step_message in steps:
            parent = self.builder.commit(step_files, step_message, name=author[0], email=author[1],
                                         parents=[parent], ref=f"refs/heads/pr-{number}")
            shas.append(parent)
        pr = FakePR(
            number=number, title=title, body=body, user=user, head_ref=head_ref, base_sha=base, head_sha=shas[-1],
            commits=shas, labels=list(labels), state="closed" if merged else ("open" if open_ else "closed"),
            merged=merged, created_at=created_at, updated_at=updated_at or created_at,
            merged_at=(merged_at or (updated_at or created_at)) if merged else None,
            id=9_000_000 + number, **extra)
        self.pulls[number] = pr
        return pr

    def force_push(self, number: int, files: dict[str, bytes | str | None], message: str,
                   author: tuple[str, str] = ("Alice", "alice@example.com"), at: float | None = None) -> str:
        """Replace a PR's commits with one new commit on its base (``git push --force``)."""
        pr = self.pulls[number]
        sha = self.builder.commit(files, message, name=author[0], email=author[1], parents=[pr.base_sha],
                                  ref=f"refs/heads/pr-{number}-forced-{len(pr.commits)}")
        pr.head_sha, pr.commits = sha, [sha]
        pr.updated_at = at if at is not None else time.time()
        return sha

    # ------------------------------------------------------------------ reads

    def diff(self, pr: FakePR) -> pygit2.Diff:
        d = self.git.diff(self.git[pr.base_sha], self.git[pr.head_sha])
        d.find_similar()
        return d

    def patch_text(self, pr: FakePR) -> bytes:
        """The whole ``git diff`` of the PR."""
        return self.diff(pr).patch.encode("utf-8", "surrogateescape") if self.diff(pr).patch else b""

    def file_patches(self, pr: FakePR) -> list[dict]:
        """Per-file entries: status, paths, counts, header-less hunks (None for binary)."""
        out = []
        for p in self.diff(pr):
            d = p.delta
            status = d.status_char()
            text = p.text or ""
            hunk_at = text.find("\n@@")
            hunks = text[hunk_at + 1:] if hunk_at >= 0 else ("" if not d.is_binary else None)
            _ctx, add, dele = p.line_stats
            out.append({"status": status, "old_path": d.old_file.path, "new_path": d.new_file.path,
                        "additions": add, "deletions": dele, "hunks": hunks, "binary": d.is_binary,
                        "old_mode": f"{d.old_file.mode:o}", "new_mode": f"{d.new_file.mode:o}",
                        "blob": str(d.new_file.id)})
        return out

    def read(self, ref: str, path: str) -> bytes | None:
        """A file's bytes at a commit or a branch (as the real forges take either), or None."""
        try:
            commit = self.git.revparse_single(ref).peel(pygit2.Commit)
            obj = commit.tree[path]
        except (KeyError, ValueError):
            return None
        return obj.data if obj.type == pygit2.enums.ObjectType.BLOB else None

    def tree(self, ref: str) -> list[tuple[str, str, str]]:
        """``(path, type, sha)`` of every entry at a commit, recursively."""
        out = []
        stack = [(self.git[ref].peel(pygit2.Commit).tree, "")]
        while stack:
            tree, prefix = stack.pop()
            for e in tree:
                name = prefix + e.name
                if e.type == pygit2.enums.ObjectType.TREE:
                    out.append((name, "tree", str(e.id)))
                    stack.append((e, name + "/"))
                else:
                    out.append((name, "blob", str(e.id)))
        return sorted(out)

    def commits_between(self, base: str, head: str) -> list[str]:
        """Commits reachable from ``head`` but not from ``base``, oldest first (``git log base..head``)."""
        walker = self.git.walk(self.git[head].id, pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.REVERSE)
        walker.hide(self.git[base].id)
        return [str(c.id) for c in walker]

    def commit_info(self, sha: str) -> dict:
        c = self.git[sha].peel(pygit2.Commit)
        return {"sha": sha, "message": c.message, "author_name": c.author.name, "author_email": c.author.email,
                "committer_name": c.committer.name, "committer_email": c.committer.email,
                "date": iso(c.author.time), "parents": [str(x) for x in c.parent_ids],
                "tree": str(c.tree_id)}


def now() -> float:
    return time.time()
