"""Provides git notes IO for the team record: read, add, merge, fetch and push ``refs/notes/triage``.

Everything goes through pygit2 (libgit2), the git CLI is not needed: a notes
ref is a commit whose tree names each annotated commit by its hex id (flat,
or in git's fan-out directories ``ab/cdef…``: both are read; this module
writes flat trees, which git reads too). Notes hold line records
(:mod:`triage.gitshare.records`) and are merged the way ``git notes merge -s
cat_sort_uniq`` does: per commit, the union of both sides' lines, sorted and
unique. A merge never drops a line, whichever side is newer.

The remote's ref is fetched into ``refs/notes/triage-fetched/<remote>``
(forced: the remote may have been rewritten, and that is for the caller to
judge, against ``refs/notes/triage-remote/<remote>``, the last state it
accepted). A push that the remote refuses because its ref moved (someone
else pushed first) is reported as :data:`REJECTED`, for the caller to fetch,
merge and try again.
"""

from __future__ import annotations

import re

import pygit2

from triage.errors import TriageError
from triage.gitshare.records import note_lines, note_text

NOTES_REF = "refs/notes/triage"
FETCHED_PREFIX = "refs/notes/triage-fetched/"
ACCEPTED_PREFIX = "refs/notes/triage-remote/"
REJECTED = "rejected"
PUSHED = "pushed"
_HEX = re.compile(r"^[0-9a-f]+$")


def fetched_ref(remote: str) -> str:
    """Where the remote's notes ref is fetched to."""
    return FETCHED_PREFIX + remote


def accepted_ref(remote: str) -> str:
    """The remote's notes as last accepted here (every record in it has been seen)."""
    return ACCEPTED_PREFIX + remote


def ref_target(repo: pygit2.Repository, ref: str) -> pygit2.Oid | None:
    """The commit a ref points to, or None when it does not exist."""
    try:
        return repo.references[ref].target
    except KeyError:
        return None


def read_commit_notes(repo: pygit2.Repository, oid: pygit2.Oid | None) -> dict[str, str]:
    """annotated commit hex -> note text, of the notes commit ``oid`` (empty for None)."""
    if oid is None:
        return {}
    out: dict[str, str] = {}

    def walk(tree: pygit2.Tree, prefix: str) -> None:
        for entry in tree:
            name = prefix + entry.name
            if entry.type_str == "tree" and _HEX.match(entry.name):
                walk(repo[entry.id], name)
            elif entry.type_str == "blob" and _HEX.match(name) and len(name) in (40, 64):
                out[name] = repo[entry.id].data.decode("utf-8", "replace")

    walk(repo[oid].peel(pygit2.Commit).tree, "")
    return out


def read_notes(repo: pygit2.Repository, ref: str = NOTES_REF) -> dict[str, str]:
    """annotated commit hex -> note text, of a notes ref (empty when it does not exist)."""
    return read_commit_notes(repo, ref_target(repo, ref))


def signature(repo: pygit2.Repository, name: str = "") -> pygit2.Signature:
    """Who writes a notes commit: the repository's ``user.name``/``user.email``, else ``name`` (the
    reviewer) at ``triage@localhost``. Unverified: see the README ("Git-only teams")."""
    try:
        return repo.default_signature
    except (KeyError, pygit2.GitError):
        return pygit2.Signature(name or "triage", "triage@localhost")


def _write(repo: pygit2.Repository, notes: dict[str, str], parents: list[pygit2.Oid], sig: pygit2.Signature,
           message: str) -> pygit2.Oid:
    builder = repo.TreeBuilder()
    for annotated in sorted(notes):
        builder.insert(annotated, repo.create_blob(notes[annotated].encode("utf-8")), pygit2.GIT_FILEMODE_BLOB)
    return repo.create_commit(None, sig, sig, message, builder.write(), parents)


def _set(repo: pygit2.Repository, ref: str, oid: pygit2.Oid, message: str) -> None:
    repo.create_reference_direct(ref, oid, True, message=message)


def add_lines(repo: pygit2.Repository, lines: dict[str, set[str]], sig: pygit2.Signature) -> int:
    """Add record lines (annotated commit hex -> lines) to the local notes ref in one commit; return
    how many lines were new (0: nothing written)."""
    head = ref_target(repo, NOTES_REF)
    notes = read_commit_notes(repo, head)
    added = 0
    for annotated, new in lines.items():
        have = note_lines(notes.get(annotated, ""))
        fresh = set(new) - have
        if fresh:
            added += len(fresh)
            notes[annotated] = note_text(have | fresh)
    if added:
        oid = _write(repo, notes, [head] if head else [], sig, f"triage: {added} record(s)")
        _set(repo, NOTES_REF, oid, "triage: add records")
    return added


def union(a: dict[str, str], b: dict[str, str]) -> dict[str, str]:
    """Both sides' notes, each commit's lines merged sorted and unique (``cat_sort_uniq``)."""
    return {k: note_text(note_lines(a.get(k, "")) | note_lines(b.get(k, ""))) for k in set(a) | set(b)}


def _same(a: dict[str, str], b: dict[str, str]) -> bool:
    return {k: note_lines(v) for k, v in a.items()} == {k: note_lines(v) for k, v in b.items()}


def merge(repo: pygit2.Repository, theirs: pygit2.Oid | None, sig: pygit2.Signature) -> str:
    """Merge notes commit ``theirs`` into the local notes ref, losing no line of either side.
    Returns ``"up to date"``, ``"fast-forward"`` or ``"merged"``."""
    ours = ref_target(repo, NOTES_REF)
    if theirs is None or theirs == ours:
        return "up to date"
    mine, other = read_commit_notes(repo, ours), read_commit_notes(repo, theirs)
    both = union(mine, other)
    if ours is None or (_same(both, other) and repo.descendant_of(theirs, ours)):
        _set(repo, NOTES_REF, theirs, "triage: fast-forward notes")
        return "fast-forward"
    if _same(both, mine) and repo.descendant_of(ours, theirs):
        return "up to date"
    oid = _write(repo, both, [ours, theirs], sig, "triage: merge notes (cat_sort_uniq)")
    _set(repo, NOTES_REF, oid, "triage: merge notes")
    return "merged"


def remote_name(repo: pygit2.Repository, name: str | None) -> str:
    """The remote to use: ``name``, else ``origin``, else the only one (a one-line error otherwise)."""
    names = list(repo.remotes.names())
    if name:
        if name not in names:
            raise TriageError(f"no remote {name!r} in this repository (it has: {', '.join(names) or 'none'})")
        return name
    if "origin" in names:
        return "origin"
    if len(names) == 1:
        return names[0]
    raise TriageError("this repository has no remote to share notes through" if not names else
                      f"this repository has several remotes ({', '.join(names)}): choose one with --remote")


def fetch(repo: pygit2.Repository, remote: str) -> pygit2.Oid | None:
    """Fetch the remote's notes ref into :func:`fetched_ref`; its commit, or None when the remote has none."""
    ref = fetched_ref(remote)
    try:
        repo.references.delete(ref)  # so a ref the remote no longer has does not linger here
    except KeyError:
        pass
    try:
        repo.remotes[remote].fetch([f"+{NOTES_REF}:{ref}"])
    except pygit2.GitError as exc:
        raise TriageError(f"cannot fetch {NOTES_REF} from {remote}: {exc}") from None
    return ref_target(repo, ref)


def accept(repo: pygit2.Repository, remote: str, oid: pygit2.Oid) -> None:
    """Record notes commit ``oid`` as the remote's state seen and accepted here."""
    _set(repo, accepted_ref(remote), oid, "triage: remote notes accepted")


def push(repo: pygit2.Repository, remote: str) -> str:
    """Push the local notes ref: :data:`PUSHED`, or :data:`REJECTED` when the remote's ref moved
    (fetch, merge and try again). Any other failure is a one-line error."""
    errors: list[str] = []

    class Callbacks(pygit2.RemoteCallbacks):
        def push_update_reference(self, refname, message):  # noqa: D401 - libgit2's callback
            if message:
                errors.append(str(message))

    try:
        repo.remotes[remote].push([f"{NOTES_REF}:{NOTES_REF}"], callbacks=Callbacks())
    except pygit2.GitError as exc:
        text = str(exc)
        if "not present locally" in text or "fast-forward" in text or "fastforward" in text:
            return REJECTED
        raise TriageError(f"cannot push {NOTES_REF} to {remote}: {text}") from None
    if errors:
        if any("fast" in e or "fetch first" in e or "stale" in e for e in errors):
            return REJECTED
        raise TriageError(f"{remote} refused {NOTES_REF}: {'; '.join(errors)}")
    return PUSHED
