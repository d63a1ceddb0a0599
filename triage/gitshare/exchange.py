"""Provides ``triage sync --git`` and ``triage push --git``: the team record through the repository's remote.

``push --git`` writes every verdict recorded here on the repository's local
commits, and every escape, as lines in the commits' notes
(:func:`triage.gitshare.notes.add_lines`), then fetches the remote's
``refs/notes/triage``, merges it (no line of either side is lost) and pushes.
When the remote's ref moved meanwhile (a teammate pushed first), the push is
refused; it fetches, merges and tries again, :data:`PUSH_ATTEMPTS` times at most.

``sync --git`` fetches and merges the same way, then imports every record
of the merged notes about a stored change, through the one import step of the
shared record (:class:`triage.team_record.ChangeRecords`): deduplicated by id,
append-only, only a ``[team]`` member, never an author of the change. The
change is the commit the note is on, not anything the record says.

**Append-only.** The remote's notes as last accepted are kept in
``refs/notes/triage-remote/<remote>``. A fetched ref that no longer holds a
line of that state (a record dropped or edited: someone rewrote the notes ref)
is reported, record by record, and not accepted: the warning repeats on every
exchange until the remote holds them again. The merge keeps the lines here,
so the next ``push --git`` restores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from triage.errors import TriageError
from triage.git import change_id, open_repo, repo_key
from triage.gitshare import notes
from triage.gitshare.records import encode, escape_record, note_lines, parse_line, parse_note, verdict_record
from triage.team_record import ChangeRecords, ImportResult

PUSH_ATTEMPTS = 3


@dataclass
class GitShareResult:
    """What a ``sync --git`` or ``push --git`` did."""

    remote: str
    repo: str
    merge: str = ""
    written: int = 0
    pushed: bool = False
    attempts: int = 0
    imported: list[tuple[str, str, str]] = field(default_factory=list)
    """Teammates' verdicts imported: ``(change id, reviewer, verdict)``."""
    escapes: int = 0
    not_imported: list[str] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)
    """Records the remote's notes held before and no longer do (one line each)."""
    conflicts: list[str] = field(default_factory=list)
    unknown_commits: int = 0
    """Notes on commits that are not stored here (not ingested yet)."""


def _describe(line: str, commit: str) -> str:
    rec = parse_line(line)
    if rec is None:
        return f"a malformed line on commit {commit[:10]}"
    if rec["kind"] == "verdict":
        return f"{rec['verdict']} by {rec['reviewer'] or '?'} on commit {commit[:10]} (verdict {rec['id'][:12]})"
    return f"an escape on commit {commit[:10]} ({rec['id'][:24]})"


def check_append_only(repo, remote: str, fetched) -> list[str]:
    """The records the remote's notes held when last accepted and ``fetched`` no longer does (one line
    each). Accepts ``fetched`` when none is missing."""
    seen = notes.read_commit_notes(repo, notes.ref_target(repo, notes.accepted_ref(remote)))
    now = notes.read_commit_notes(repo, fetched)
    missing = [_describe(line, commit) for commit, text in sorted(seen.items())
               for line in sorted(note_lines(text) - note_lines(now.get(commit, "")))]
    if missing:
        return [f"{remote}'s {notes.NOTES_REF} no longer holds {m}: someone rewrote or deleted it; "
                "it is kept here, and the next `triage push --git` puts it back" for m in missing]
    if fetched is not None:
        notes.accept(repo, remote, fetched)
    return []


def _exchange(repo, remote: str, sig, result: GitShareResult):
    fetched = notes.fetch(repo, remote)
    for msg in check_append_only(repo, remote, fetched):
        if msg not in result.rewritten:
            result.rewritten.append(msg)
    result.merge = notes.merge(repo, fetched, sig)


def _open(path, cfg, remote: str | None):
    repo = open_repo(Path(path))
    if repo.is_bare:
        raise TriageError("push --git and sync --git work in a clone with a work tree, not in a bare repository")
    return repo, repo_key(repo, cfg), notes.remote_name(repo, remote)


def _roster(cfg):
    from triage.rotation import Roster

    return Roster.from_config(cfg)


def import_notes(store, repo, key: str, roster, who: str, result: GitShareResult) -> None:
    """Import the records of the local notes ref about stored changes of repository ``key``."""
    done = ImportResult()
    found: list[tuple[str, str, str, str, float]] = []
    for commit, text in sorted(notes.read_notes(repo).items()):
        row = store.get_change(change_id(key, commit))
        if row is None:
            result.unknown_commits += 1
            continue
        change = ChangeRecords(store, row, f"commit {commit[:10]}", done)
        for rec in parse_note(text):
            if rec["kind"] == "escape":
                found.append((rec["id"], row["id"], rec["note"], rec["link"], rec["found_at"]))
                continue
            member = roster.member(rec["reviewer"]) if rec["reviewer"] else None
            change.admit(rec, member, who,
                         f"{rec['reviewer'] or 'an unnamed reviewer'}'s {rec['verdict']} was not imported: that is "
                         "no [team] member's name in your own config", note=rec["note"])
    if found:
        result.escapes = sum(store.add_found_escapes(found))
    result.imported, result.not_imported = done.imported, done.refused
    latest = store.latest_verdicts()
    result.conflicts = [c for c in dict.fromkeys(cid for cid, _, _ in done.imported) if latest.get(c, {}).get("conflict")]


def sync_git(store, path, *, cfg, remote: str | None = None, reviewer: str = "") -> GitShareResult:
    """Fetch and merge the remote's notes, then import teammates' records (see the module doc)."""
    repo, key, remote = _open(path, cfg, remote)
    result = GitShareResult(remote=remote, repo=key)
    _exchange(repo, remote, notes.signature(repo, reviewer), result)
    import_notes(store, repo, key, _roster(cfg), f"git:{remote}", result)
    return result


def local_lines(store, key: str) -> dict[str, set[str]]:
    """commit sha -> the record lines this machine owes the notes (its own verdicts, every escape)."""
    lines: dict[str, set[str]] = {}
    for v in store.own_git_verdicts(key):
        lines.setdefault(v["commit_sha"], set()).add(encode(verdict_record(v)))
    for e in store.git_escapes(key):
        lines.setdefault(e["commit_sha"], set()).add(encode(escape_record(e)))
    return lines


def push_git(store, path, *, cfg, remote: str | None = None, reviewer: str = "",
             attempts: int = PUSH_ATTEMPTS) -> GitShareResult:
    """Write this machine's records into the notes and push them (see the module doc)."""
    repo, key, remote = _open(path, cfg, remote)
    result = GitShareResult(remote=remote, repo=key)
    sig = notes.signature(repo, reviewer)
    result.written = notes.add_lines(repo, local_lines(store, key), sig)
    for attempt in range(1, attempts + 1):
        result.attempts = attempt
        _exchange(repo, remote, sig, result)
        head = notes.ref_target(repo, notes.NOTES_REF)
        if head is None:
            return result  # nothing recorded anywhere yet
        if notes.push(repo, remote) == notes.PUSHED:
            if not result.rewritten:
                notes.accept(repo, remote, head)
            result.pushed = True
            return result
    raise TriageError(f"{remote}'s {notes.NOTES_REF} moved on each of {attempts} tries (others are pushing): "
                      "nothing was lost; run `triage push --git` again")
