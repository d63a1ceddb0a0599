"""Provides the local git source: walk a repository and yield commit headers.

Only pygit2 is used: libgit2 runs no hooks, filters, textconv or fsmonitor,
so reading an untrusted repository never executes its code, and forge strings
are never passed to ``revparse``.

Merge commits are diffed against their **first parent**: the result is the
whole change the merge brought in (what a PR's "Files changed" tab shows). A
merge is attributed to an agent when its message names an agent's branch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pygit2

from triage.errors import TriageError
from triage.models import Change


def db_text(text: str) -> str:
    """Make a str that may hold surrogate escapes storable as SQLite TEXT (``\\xe9`` form)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def decode(raw: bytes) -> str:
    """Decode commit metadata bytes; undecodable bytes stay visible as ``\\xNN``."""
    return raw.decode("utf-8", "backslashreplace")


_TREE_CACHE_LIMIT = 1 << 20
"""Trees up to this size stay in libgit2's object cache (its default, 4 KiB, drops a
directory of ~100 files, so every commit's diff re-inflated the same trees)."""

_tuned = False


def _tune_libgit2() -> None:
    """Read objects the way ``git`` does: without re-hashing each one, and with trees cached.

    libgit2 verifies the SHA-1 of every object it reads by default; that was ~40%
    of a tree diff's time. ``git`` itself does not re-hash on read (``git fsck``
    does). A corrupt (undecompressible) object still fails to read.
    """
    global _tuned
    if _tuned:
        return
    _tuned = True
    try:
        pygit2.settings.enable_strict_hash_verification(False)
        pygit2.settings.cache_object_limit(pygit2.enums.ObjectType.TREE, _TREE_CACHE_LIMIT)
    except (AttributeError, pygit2.GitError, TypeError):  # pragma: no cover - older pygit2
        pass


def open_repo(path: str | Path) -> pygit2.Repository:
    """Open the repository at (or above) ``path``, or raise a one-line :class:`TriageError`."""
    _tune_libgit2()
    p = Path(path)
    if not p.exists():
        raise TriageError(f"repository path does not exist: {p}")
    try:
        found = pygit2.discover_repository(str(p))
    except pygit2.GitError as exc:
        raise TriageError(f"cannot read {p} as a git repository: {exc}") from None
    if not found:
        raise TriageError(f"not a git repository: {p}")
    try:
        return pygit2.Repository(found)
    except pygit2.GitError as exc:
        raise TriageError(f"cannot open git repository {p}: {exc}") from None


def repo_root(repo: pygit2.Repository) -> Path:
    """The work tree (or the git dir of a bare repository)."""
    return Path(repo.workdir or repo.path).resolve()


def repo_key(repo: pygit2.Repository) -> str:
    """The short name used in change ids: the work tree's directory name."""
    root = repo_root(repo)
    name = root.name
    if name.endswith(".git") and repo.is_bare:
        name = name[:-4]
    return name or "repo"


def change_id(key: str, sha: str) -> str:
    """The stable id of a local commit."""
    return f"git:{key}:{sha}"


def resolve(repo: pygit2.Repository, rev: str) -> pygit2.Commit:
    """The commit a user-typed revision names, or a one-line error."""
    try:
        obj = repo.revparse_single(rev)
        commit = obj.peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
        raise TriageError(f"unknown revision {rev!r} in {repo_root(repo)}") from None
    return commit


def head_commit(repo: pygit2.Repository) -> pygit2.Commit | None:
    """HEAD's commit, or None for an empty repository."""
    if repo.head_is_unborn:
        return None
    try:
        return repo.head.peel(pygit2.Commit)
    except pygit2.GitError as exc:
        raise TriageError(f"cannot read HEAD of {repo_root(repo)}: {exc}") from None


def walk(
    repo: pygit2.Repository,
    *,
    rev_range: str | None = None,
    since: float | None = None,
    hide: str | None = None,
) -> Iterator[pygit2.Commit]:
    """Commits to consider, newest first.

    ``rev_range`` is ``A..B`` (or a single revision, meaning everything reachable
    from it); ``since`` stops at commits older than that unix time; ``hide`` is
    a sha whose ancestry is skipped (the last ingested head).
    """
    if rev_range:
        if ".." in rev_range:
            left, _, right = rev_range.partition("..")
            if right.startswith("."):
                raise TriageError(f"symmetric ranges (A...B) are not supported: {rev_range!r}; use A..B")
            start = resolve(repo, right or "HEAD")
            stop = resolve(repo, left) if left else None
        else:
            start, stop = resolve(repo, rev_range), None
    else:
        start, stop = head_commit(repo), None
        if start is None:
            return
    walker = repo.walk(start.id, pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.TIME)
    if stop is not None:
        walker.hide(stop.id)
    if hide:
        try:
            walker.hide(pygit2.Oid(hex=hide))
        except (KeyError, ValueError, pygit2.GitError):
            pass  # the recorded head is gone (history rewritten): walk everything
    for commit in walker:
        if since is not None and commit.commit_time < since:
            continue
        yield commit


def change_from_commit(commit: pygit2.Commit, key: str) -> Change:
    """A :class:`Change` with the commit's headers (no diff yet)."""
    message = decode(commit.raw_message)
    author = commit.author
    committer = commit.committer
    sha = str(commit.id)
    return Change(
        id=change_id(key, sha),
        source="git",
        repo=key,
        sha=sha,
        title=message.split("\n", 1)[0].strip(),
        message=message,
        author_name=decode(author.raw_name),
        author_email=decode(author.raw_email),
        committer_email=decode(committer.raw_email),
        authored_at=int(author.time),
        parents=tuple(str(p) for p in commit.parent_ids),
    )
