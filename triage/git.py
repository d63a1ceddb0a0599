"""Provides the local git source: walk a repository and yield commit headers.

Only pygit2 is used: libgit2 runs no hooks, filters, textconv or fsmonitor,
so reading an untrusted repository never executes its code, and forge strings
are never passed to ``revparse``.

Merge commits are diffed against their **first parent**: the result is the
whole change the merge brought in (what a PR's "Files changed" tab shows). A
merge is attributed to an agent when its message names an agent's branch.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pygit2

from triage.errors import TriageError
from triage.models import Change


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


_KEY_CHARS = re.compile(r"[^A-Za-z0-9._/-]+")
_SCP = re.compile(r"^(?:[^@/]+@)?([A-Za-z0-9.-]+):(?!//)(.+)$")
MAX_KEY = 200


def remote_url(repo: pygit2.Repository) -> str | None:
    """The URL of the ``origin`` remote, else of the only remote; None without one."""
    try:
        names = list(repo.remotes.names())
    except pygit2.GitError:
        return None
    name = "origin" if "origin" in names else (names[0] if len(names) == 1 else None)
    if name is None:
        return None
    try:
        return repo.remotes[name].url or None
    except (KeyError, pygit2.GitError):
        return None


def key_text(text: str) -> str:
    """``text`` as a repository key: only ``A-Z a-z 0-9 . _ / -`` (ids split on ``:``), no empty parts."""
    parts = [_KEY_CHARS.sub("-", p).strip("-") for p in text.split("/")]
    return "/".join(p for p in parts if p and p not in (".", ".."))[:MAX_KEY]


def normalize_remote(url: str, base: Path | None = None) -> str:
    """The repository key a remote URL names: ``host/owner/name`` for ``https://``, ``ssh://`` and
    ``git@host:owner/name.git`` alike (no user, password or port, no ``.git``), so teammates who
    clone over different protocols agree; a local path (``/srv/shop.git``, ``file://``, relative
    to ``base``) becomes that absolute path without the leading ``/``."""
    url = url.strip()
    host, path = "", url
    scp = _SCP.match(url)
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = parts.path
        else:
            host, path = (parts.hostname or "").lower(), parts.path
    elif scp and not Path(url).exists():
        host, path = scp.group(1).lower(), scp.group(2)
    if not host:  # a local path: absolute, so clones made from different directories agree
        local = Path(path)
        if not local.is_absolute() and base is not None:
            local = base / local
        path = os.path.normpath(str(local))
    path = path.strip("/")
    path = path[:-4] if path.endswith(".git") else path
    return key_text(f"{host}/{path}" if host else path)


def root_key(repo: pygit2.Repository) -> str | None:
    """``root-<sha12>``: the first root commit reachable from HEAD, the same in every clone."""
    head = head_commit(repo)
    if head is None:
        return None
    root = None
    try:
        for commit in repo.walk(head.id, pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.REVERSE):
            root = commit
            break
    except (pygit2.GitError, KeyError, ValueError) as exc:
        raise TriageError(f"cannot read the history of {repo_root(repo)} to find its root commit, which names a "
                          f"repository without a remote ({exc}); name it with `git config {CLONE_KEY} NAME`") from None
    return f"root-{str(root.id)[:12]}" if root is not None else None


def configured_key(repo: pygit2.Repository, cfg) -> str | None:
    """The key the reviewer's own config names for this repository (``[git.ids]``, by clone path or
    remote URL), or None. Only the trusted config is read: a repository's ``.triage.toml`` cannot
    rename itself."""
    ids = cfg.git.ids if cfg is not None else {}
    if not ids:
        return None
    root = repo_root(repo)
    url = remote_url(repo)
    wanted = [str(root)]
    if url:
        wanted += [url, normalize_remote(url, root)]
    for name, value in ids.items():
        here = str(Path(os.path.expanduser(name)).resolve()) if name.startswith(("/", "~", ".")) else name
        if here in wanted or name in wanted:
            key = key_text(str(value)) if isinstance(value, str) else ""
            if not key:
                raise TriageError(f"[git.ids] {name!r} must name a key of letters, digits, '.', '_', '/' or '-'")
            return key
    return None


CLONE_KEY = "triage.id"
"""The clone's own git config entry (``git config triage.id shop``) naming its key. It lives in
``.git/config``, beside the remote URL, which no commit can change."""


def clone_key(repo: pygit2.Repository) -> str | None:
    """The key ``git config triage.id`` sets in this clone, or None."""
    try:
        value = repo.config[CLONE_KEY]
    except (KeyError, pygit2.GitError, ValueError):
        return None
    key = key_text(str(value))
    if not key:
        raise TriageError(f"git config {CLONE_KEY} {value!r} is not a key of letters, digits, '.', '_', '/' or '-'")
    return key


def repo_key(repo: pygit2.Repository, cfg=None) -> str:
    """The repository's name in change ids, the same in every clone: the key the reviewer's config
    names (:func:`configured_key`), else the clone's ``triage.id`` (:func:`clone_key`), else the
    remote's URL (:func:`normalize_remote`), else its root commit (:func:`root_key`). Never the
    clone's directory name (two clones named ``shop`` and ``shop-bob`` must give the same ids,
    samples and assignments)."""
    key = configured_key(repo, cfg) or clone_key(repo)
    if key:
        return key
    url = remote_url(repo)
    if url:
        key = normalize_remote(url, repo_root(repo))
        if key:
            return key
    return root_key(repo) or "empty"


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
