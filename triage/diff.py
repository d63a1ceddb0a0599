"""Provides the libgit2 adapter of the diff model: commit diffs and blob reads via pygit2.

The unified-diff parser is :mod:`triage.patch` (pure); this module feeds it libgit2's patches:

* :func:`parse_patch` parses unified-diff bytes (``git diff`` output, forge
  ``.diff`` downloads, plain ``diff -u``). It works on bytes, splits lines on
  ``b"\\n"`` only (VT, FF, U+0085 and U+2028 stay inside a line, so line
  numbers match git), keeps a trailing ``\\r`` in :attr:`DiffLine.raw`, and
  never raises: garbage in gives a best-effort or empty list.
  :func:`parse_hunks` does the same for a forge's header-less per-file patch.
* :func:`diff_commit` diffs a commit with libgit2 (renames, copies, type
  changes), parses each file's patch bytes with the same parser, and then
  takes paths, modes, sizes, ids, similarity and status from libgit2's delta,
  never from the patch text. It handles binary files, ``.gitattributes``
  ``-diff`` hiding a text file, mode changes, symlinks (the target is read as
  blob bytes and never followed), submodules, type changes, non-UTF-8 paths
  and contents, CRLF, a missing newline at end of file and huge files. Each
  such case leaves a human-readable entry in :attr:`FileDiff.notes`.

Merge policy: a commit is always diffed against its FIRST parent (a root
commit against the empty tree). For a merge commit that shows what the merge
brought into the first-parent line; no combined (``--cc``) diff is produced.
:data:`MERGE_POLICY` names this policy so the UI can label it.

No function here executes a program: libgit2 runs no hooks, textconv drivers,
``diff.external`` or ``core.fsmonitor`` commands.
"""

from __future__ import annotations

import fnmatch

import pygit2
from pygit2.enums import DeltaStatus, DiffFind, DiffFlag, DiffOption

from triage.models import FileDiff
from triage.patch import (
    _BLOB_KINDS,
    _MODE_GITLINK,
    _MODE_LINK,
    _S_IFMT,
    _ZERO_OIDS,
    BINARY_SNIFF_BYTES,
    MAX_LINK_TARGET,
    MAX_TEXT_BYTES,
    _annotate,
    _decode_path,
    _is_utf8,
    _Meta,
    _parse,
)

__all__ = [
    "DiffError",
    "MERGE_POLICY",
    "diff_commit",
    "post_image",
    "read_blob",
]

MERGE_POLICY = "first-parent"
"""How merge commits are diffed: against their first parent."""

_STATUS = {
    DeltaStatus.ADDED: "A",
    DeltaStatus.DELETED: "D",
    DeltaStatus.MODIFIED: "M",
    DeltaStatus.RENAMED: "R",
    DeltaStatus.COPIED: "C",
    DeltaStatus.TYPECHANGE: "T",
}

class DiffError(pygit2.GitError):
    """A commit could not be diffed (missing parent, corrupt object, ...).

    A subclass of :class:`pygit2.GitError`, so callers that already handle
    libgit2 failures handle this one too.
    """


# ----------------------------------------------------------------- commit diffs


def _oid_str(oid: pygit2.Oid | None) -> str:
    s = str(oid) if oid is not None else ""
    return "" if s in _ZERO_OIDS else s


def _blob_data(repo: pygit2.Repository, oid: str) -> bytes | None:
    if not oid:
        return None
    try:
        obj = repo.get(oid)
    except (pygit2.GitError, ValueError, KeyError):
        return None
    return obj.data if isinstance(obj, pygit2.Blob) else None


def _looks_binary(data: bytes | None) -> bool:
    return data is not None and b"\0" in data[:BINARY_SNIFF_BYTES]


def _side_input(repo: pygit2.Repository, mode: int, oid: str) -> bytes | None:
    """Content to diff for one side of a type change (gitlinks as git shows them)."""
    if not oid:
        return None
    if mode & _S_IFMT == _MODE_GITLINK:
        return b"Subproject commit %s\n" % oid.encode("ascii")
    if mode & _S_IFMT in _BLOB_KINDS:
        return _blob_data(repo, oid)
    return None


def _adopt(meta: _Meta, patch_data: bytes, cap: int | None) -> bytes:
    """Replace meta's hunks and counts with those parsed from ``patch_data``."""
    fd = meta.fd
    parsed = _parse(patch_data, cap)
    fd.hunks = []
    fd.added = fd.deleted = 0
    fd.truncated = False
    meta.cr_added = meta.cr_deleted = 0
    meta.eof_old = meta.eof_new = False
    for other in parsed:
        fd.hunks.extend(other.fd.hunks)
        fd.added += other.fd.added
        fd.deleted += other.fd.deleted
        fd.truncated = fd.truncated or other.fd.truncated
        meta.cr_added += other.cr_added
        meta.cr_deleted += other.cr_deleted
        meta.eof_old = meta.eof_old or other.eof_old
        meta.eof_new = meta.eof_new or other.eof_new
    return patch_data


def _fill_from_delta(fd: FileDiff, delta: pygit2.DiffDelta, status: str) -> None:
    """The delta, not the patch text, is the truth for paths, modes and ids."""
    of, nf = delta.old_file, delta.new_file
    fd.status = status
    fd.old_raw_path = None if status == "A" else of.raw_path
    fd.new_raw_path = None if status == "D" else nf.raw_path
    fd.old_path = _decode_path(fd.old_raw_path)
    fd.new_path = _decode_path(fd.new_raw_path)
    fd.old_mode = 0 if status == "A" else int(of.mode)
    fd.new_mode = 0 if status == "D" else int(nf.mode)
    fd.old_size = 0 if status == "A" else int(of.size)
    fd.new_size = 0 if status == "D" else int(nf.size)
    fd.old_oid = "" if status == "A" else _oid_str(of.id)
    fd.new_oid = "" if status == "D" else _oid_str(nf.id)
    fd.similarity = int(delta.similarity) if status in ("R", "C") else 0


def _attr_lines(tree: pygit2.Tree, directory: str) -> list[bytes]:
    try:
        obj = tree[f"{directory}/.gitattributes" if directory else ".gitattributes"]
    except (KeyError, ValueError, pygit2.GitError):
        return []
    return obj.data.splitlines() if isinstance(obj, pygit2.Blob) else []


def tree_hides_diff(tree: pygit2.Tree | None, path: str) -> bool:
    """True when the ``.gitattributes`` files *in this tree* mark ``path`` ``-diff``, ``binary`` or ``diff=X``.

    libgit2 reads attributes from the work tree and index, not from the commit
    being diffed, so this reads the commit's own files (root first, deeper
    directories win, the last matching line of a file wins).
    """
    if tree is None:
        return False
    parts = path.split("/")
    verdict = False
    for depth in range(len(parts)):
        directory = "/".join(parts[:depth])
        rel = "/".join(parts[depth:])
        for line in _attr_lines(tree, directory):
            fields = line.decode("utf-8", "replace").split()
            if not fields or fields[0].startswith("#"):
                continue
            pattern, attrs = fields[0], fields[1:]
            target = rel if "/" in pattern.strip("/") else parts[-1]
            if not fnmatch.fnmatchcase(target, pattern.lstrip("/")):
                continue
            for attr in attrs:
                if attr in ("-diff", "binary") or attr.startswith("diff="):
                    verdict = True
                elif attr in ("diff", "-binary", "!diff"):
                    verdict = False
    return verdict


def _file_from_patch(
    repo: pygit2.Repository, patch: pygit2.Patch, context_lines: int, cap: int | None,
    tree: pygit2.Tree | None = None,
) -> FileDiff | None:
    delta = patch.delta
    status = _STATUS.get(delta.status)
    if status is None:  # unmodified, ignored, untracked, ...
        return None
    data = patch.data or b""
    parsed = _parse(data, cap)
    meta = parsed[0] if parsed else _Meta()
    for extra in parsed[1:]:  # cannot happen with libgit2 output; stay safe
        meta.fd.hunks.extend(extra.fd.hunks)
        meta.fd.added += extra.fd.added
        meta.fd.deleted += extra.fd.deleted
    fd = meta.fd

    _fill_from_delta(fd, delta, status)
    old_gitlink = fd.old_mode == _MODE_GITLINK
    new_gitlink = fd.new_mode == _MODE_GITLINK
    binary = fd.is_binary or bool(delta.flags & DiffFlag.BINARY)
    fd.is_binary = False
    fd.binary_reason = ""
    extra_notes: list[str] = []

    # Symlink targets are the blobs' bytes: read, never resolved.
    old_link = _blob_data(repo, fd.old_oid) if fd.old_mode == _MODE_LINK else None
    new_link = _blob_data(repo, fd.new_oid) if fd.new_mode == _MODE_LINK else None
    old_link = None if old_link is None else old_link[: MAX_LINK_TARGET + 1]
    new_link = None if new_link is None else new_link[: MAX_LINK_TARGET + 1]
    if status == "T":
        # libgit2 shows a type change without content; show both sides like
        # git does (old content removed, new content added).
        old_in = _side_input(repo, fd.old_mode, fd.old_oid)
        new_in = _side_input(repo, fd.new_mode, fd.new_oid)
        if _looks_binary(old_in) or _looks_binary(new_in):
            binary = True
            fd.hunks = []
            fd.added = fd.deleted = 0
        else:
            binary = False
            rediff = pygit2.Patch.create_from(
                old_in, new_in, flag=DiffOption.FORCE_TEXT, context_lines=context_lines
            )
            data = _adopt(meta, rediff.data or b"", cap)
    elif binary and not (old_gitlink or new_gitlink):
        too_big = max(fd.old_size, fd.new_size) > MAX_TEXT_BYTES
        old_blob = None if too_big else _blob_data(repo, fd.old_oid)
        new_blob = None if too_big else _blob_data(repo, fd.new_oid)
        missing = (fd.old_oid and old_blob is None) or (fd.new_oid and new_blob is None)
        if too_big:
            extra_notes.append(f"too large to diff ({max(fd.old_size, fd.new_size)} bytes)")
        elif missing:
            extra_notes.append("a blob is missing or unreadable; content not shown")
        elif not missing and not _looks_binary(old_blob) and not _looks_binary(new_blob):
            # libgit2 said binary but the bytes are text: .gitattributes
            # (-diff, binary, diff=<driver>) is hiding a text change.
            rediff = pygit2.Patch.create_from(
                old_blob, new_blob, flag=DiffOption.FORCE_TEXT, context_lines=context_lines
            )
            data = _adopt(meta, rediff.data or b"", cap)
            binary = False
            if tree_hides_diff(tree, fd.path):
                extra_notes.append("marked -diff by .gitattributes; shown as text")
    if binary:
        fd.is_binary = True
        fd.binary_reason = "content"
        fd.hunks = []
        fd.added = fd.deleted = 0

    fd.notes = []
    _annotate(meta, content_utf8=_is_utf8(data), old_link=old_link, new_link=new_link, cap=cap)
    fd.notes.extend(extra_notes)
    return fd


def diff_commit(
    repo: pygit2.Repository,
    commit: pygit2.Commit,
    *,
    context_lines: int = 3,
    max_lines_per_file: int = 200_000,
) -> list[FileDiff]:
    """Diff ``commit`` against its first parent (a root commit: the empty tree).

    Renames and copies (from files changed in the same commit) are detected.
    A type change keeps status ``T`` and, unlike libgit2, shows both sides'
    content (old lines removed, new lines added), so its counts can exceed
    ``diff.stats``; so can a text file that ``.gitattributes`` marks ``-diff``.
    Files whose patch exceeds ``max_lines_per_file`` lines keep exact counts
    but lose the lines past the cap (``truncated=True``). An empty commit
    gives ``[]``. Raises :class:`DiffError` (a ``pygit2.GitError``) when the
    parent or a tree is missing; a single unreadable file only gets a note.
    """
    flags = DiffOption.INCLUDE_TYPECHANGE
    try:
        if commit.parent_ids:
            pid = commit.parent_ids[0]
            parent = repo.get(pid)
            if not isinstance(parent, pygit2.Commit):
                raise DiffError(f"parent {pid} of commit {commit.id} is missing (shallow clone?)")
            diff = repo.diff(parent.tree, commit.tree, flags=flags, context_lines=context_lines)
        else:
            diff = commit.tree.diff_to_tree(flags=flags, context_lines=context_lines, swap=True)
    except (pygit2.GitError, KeyError, ValueError) as exc:
        raise DiffError(f"cannot diff commit {commit.id}: {exc}") from exc
    try:
        diff.find_similar(flags=DiffFind.FIND_RENAMES | DiffFind.FIND_COPIES)
    except (pygit2.GitError, KeyError, ValueError):
        pass  # e.g. an unreadable blob: files stay as adds and deletes

    out: list[FileDiff] = []
    deltas: list[pygit2.DiffDelta] | None = None
    for idx in range(len(diff)):
        try:
            patch = diff[idx]
            fd = None if patch is None else _file_from_patch(repo, patch, context_lines, max_lines_per_file,
                                                                  commit.tree)
        except (pygit2.GitError, KeyError, ValueError, MemoryError) as exc:
            # One unreadable file (a missing or corrupt blob) must not hide the rest.
            if deltas is None:
                deltas = list(diff.deltas)
            delta = deltas[idx]
            fd = FileDiff(status="M", old_path=None, new_path=None)
            _fill_from_delta(fd, delta, _STATUS.get(delta.status, "M"))
            fd.notes.append(f"could not diff this file: {exc}")
        if fd is not None:
            out.append(fd)
    return out


# ----------------------------------------------------------------- file reading


def _entry_by_raw_path(repo: pygit2.Repository, tree: pygit2.Tree, raw: bytes) -> pygit2.Object | None:
    parts = raw.split(b"/")
    if not raw or any(p in (b"", b".", b"..") for p in parts):
        return None
    if _is_utf8(raw):
        try:
            return tree[raw.decode("utf-8")]
        except (KeyError, ValueError, pygit2.GitError):
            return None
    node: pygit2.Object | None = tree
    for part in parts:
        if not isinstance(node, pygit2.Tree):
            return None
        found = None
        for entry in node:
            if entry.raw_name == part:
                found = entry
                break
        if found is None:
            return None
        node = found
    return node


def read_blob(repo: pygit2.Repository, commit: pygit2.Commit, path: str | bytes) -> bytes | None:
    """The bytes of the file at ``path`` in ``commit``, or None.

    ``path`` is a str (surrogateescape-decoded, as in :attr:`FileDiff.path`)
    or raw bytes. Returns None when the path is missing, a directory or a
    submodule. A symlink yields its target as stored; it is never followed.
    """
    try:
        raw = path.encode("utf-8", "surrogateescape") if isinstance(path, str) else bytes(path)
        entry = _entry_by_raw_path(repo, commit.tree, raw)
        if entry is None or entry.filemode & _S_IFMT not in _BLOB_KINDS:
            return None
        obj = repo.get(entry.id)
        return obj.data if isinstance(obj, pygit2.Blob) else None
    except (pygit2.GitError, KeyError, ValueError, UnicodeError):
        return None


def post_image(repo: pygit2.Repository, commit: pygit2.Commit, file: FileDiff) -> bytes | None:
    """The new blob's bytes for ``file``; None for deleted, binary or submodule files."""
    if file.status == "D" or file.is_binary or file.new_mode == _MODE_GITLINK:
        return None
    if len(file.new_oid) in (40, 64):
        data = _blob_data(repo, file.new_oid)
        if data is not None:
            return data
    if file.new_raw_path is None and file.new_path is None:
        return None
    return read_blob(repo, commit, file.new_raw_path if file.new_raw_path is not None else file.new_path)
