"""Provides forge sync: list pull/merge requests, judge them like local commits, store them.

A sync lists the merged pull requests of a window (``--since``, else the
stored cursor, else the last 7 days) and the open ones carrying the review
label, fetches each new or changed one (diff, commits), decides provenance
from the same signals as local ingest (labels, bot logins, head branch, body
footers, commit trailers and identities), and runs the same
:func:`~triage.pipeline.assess` as ``triage ingest``. Rules see each changed
file's whole post-image, read from the forge at the head commit (cached); when
a file cannot be read they see its hunks at their real line numbers.

A repository renamed or transferred on the forge is followed (same host only),
and its new name recorded in ``forge_remotes``; change ids keep the name the
repository was first synced under, so verdicts and posts stay attached, and
either name works for ``--repo``. A pull request whose commits could not all
be read (GitHub lists 250) is never skipped as human: it is kept, marked
"provenance incomplete". Drafts are kept and marked.

Then the reviews and comments of every listed pull request (and of every one
stored in the last :data:`SHARED_WINDOW_S`) are read for the verdict records
teammates' posts carry, and those from ``[team]`` members' logins are imported
as verdicts (:mod:`triage.forges.shared`).

Rows are saved in batches, each in one ``BEGIN IMMEDIATE`` transaction. The
cursor advances only when every listing was read completely: an interrupted,
rate-limited or failed sync resumes from the same window.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable

from triage.config import config_for_change
from triage.forges.base import ChangeQuery, RemoteChange
from triage.models import FileDiff
from triage.pipeline import assess, to_row
from triage.provenance import ProvenanceRules, detect
from triage.rules import RepoContext
from triage.settings import Config
from triage.store import Store

DEFAULT_WINDOW_S = 7 * 86400
CURSOR_OVERLAP_S = 120
BATCH = 20
MAX_POST_IMAGES = 60
MAX_CONTEXT_READS = 100
MAX_FILE_BYTES = 2 * 1024 * 1024
PARTIAL_NOTE = "analysed from the diff hunks only (the file could not be read from the forge)"
DEFAULT_LABEL = "ai-review"
SHARED_WINDOW_S = 30 * 86400
"""Teammates' posts are read on every pull request a sync lists and every one stored in this window
(a merged one is listed only in the window it merged in, but its verdicts come later)."""


@dataclass
class SyncResult:
    """What a sync did."""

    forge: str
    repo: str
    since: float
    listed: int = 0
    analysed: int = 0
    skipped_known: int = 0
    skipped_human: int = 0
    incomplete: int = 0
    provenance_incomplete: int = 0
    drafts: int = 0
    renamed_to: str = ""
    """The repository's new name on the forge, when a sync found it renamed or transferred."""
    seconds: float = 0.0
    ids: list[str] = field(default_factory=list)
    imported: list[tuple[str, str, str]] = field(default_factory=list)
    """Teammates' verdicts read from their posts: ``(change id, reviewer, verdict)``."""
    not_imported: list[str] = field(default_factory=list)
    """Why a marked post was not imported (one line each)."""
    assigned: list[tuple[str, str]] = field(default_factory=list)
    """Assignments taken from the reviewers the forge requests: ``(change id, member)``."""
    conflicts: list[str] = field(default_factory=list)
    """Changes of this sync whose reviewers disagree at the current head."""


def cursor_key(kind: str, api_base: str, repo: str) -> str:
    """The ``sync_cursors.source`` of one repository on one forge."""
    return f"{kind}:{api_base}:{repo}"


def read_cursor(store: Store, key: str) -> float | None:
    """The window start the next incremental sync uses, if a sync completed before."""
    cursor = store.cursor(key)
    if cursor is None:
        return None
    try:
        return float(json.loads(cursor)["since"])
    except (ValueError, KeyError, TypeError):
        return None


def review_label(cfg: Config) -> str:
    """``[forge] review_label`` of the configuration."""
    return cfg.forge.review_label


def partial_post_image(f: FileDiff) -> bytes:
    """The post-image lines the hunks show, at their real line numbers (blank elsewhere)."""
    lines: dict[int, bytes] = {}
    for h in f.hunks:
        for ln in h.lines:
            if ln.new_no is not None and ln.origin in ("+", " "):
                lines[ln.new_no] = ln.raw
    if not lines:
        return b""
    return b"\n".join(lines.get(i, b"") for i in range(1, max(lines) + 1)) + b"\n"


class ForgeRepoContext(RepoContext):
    """Repository context read from the forge at the change's head commit (lazily, cached)."""

    __slots__ = ("_reader", "_paths")

    def __init__(self, reader: "ForgeReader", changed: tuple[str, ...], cfg: Config):
        self._reader = reader
        self._paths: tuple[str, ...] | None = None
        self.changed_paths = changed
        self.config = cfg
        self.read = reader.context

    @property
    def paths(self) -> tuple[str, ...]:  # type: ignore[override]
        if self._paths is None:
            listed = self._reader.forge.list_tree(self._reader.ref) if self._reader.ref else None
            self._paths = tuple(sorted(listed)) if listed is not None else ()
        return self._paths

    @paths.setter
    def paths(self, value) -> None:  # pragma: no cover - set only by the base init
        self._paths = tuple(value)


class ForgeReader:
    """Reads files of one change at its head commit, within per-change budgets."""

    def __init__(self, forge, ref: str):
        self.forge = forge
        self.ref = ref
        self.post_images = 0
        self.context_reads = 0
        self.memo: dict[str, bytes | None] = {}

    def _read(self, path: str) -> bytes | None:
        if path not in self.memo:
            data = self.forge.read_file(path, self.ref)
            self.memo[path] = data if data is None or len(data) <= MAX_FILE_BYTES else None
        return self.memo[path]

    def context(self, path: str) -> bytes | None:
        """``RepoContext.read``: a file at the head commit (manifests and the like)."""
        if path not in self.memo:
            if self.context_reads >= MAX_CONTEXT_READS:
                return None
            self.context_reads += 1
        return self._read(path)

    def post_image(self, f: FileDiff) -> bytes | None:
        """A changed file's whole post-image, or its hunks when it cannot be read."""
        data = None
        if self.ref and self.post_images < MAX_POST_IMAGES:
            self.post_images += 1
            data = self._read(f.path)
        if data is None:
            if PARTIAL_NOTE not in f.notes:
                f.notes.append(PARTIAL_NOTE)
            return partial_post_image(f)
        return data


def _import_teammates(store: Store, forge, numbers: list[int], cfg: Config, result: SyncResult) -> None:
    """Import the verdicts teammates posted on the listed pull requests, and on those stored in the
    last :data:`SHARED_WINDOW_S` (:mod:`triage.forges.shared`)."""
    from triage.forges.shared import import_posts
    from triage.rotation import Roster

    roster = Roster.from_config(cfg)
    recent = store.forge_numbers_since(forge.kind, forge.repo, time.time() - SHARED_WINDOW_S)
    numbers = list(dict.fromkeys([*numbers, *recent]))
    done = import_posts(store, forge, numbers, roster)
    result.imported, result.not_imported = done.imported, done.refused
    latest = store.latest_verdicts()
    result.conflicts = [cid for cid in dict.fromkeys(f"{forge.kind}:{forge.repo}#{n}" for n in numbers)
                        if latest.get(cid, {}).get("conflict")]


def _import_requests(store: Store, forge, requested: dict[int, list[str]], cfg: Config, result: SyncResult) -> None:
    """Take the reviewers the forge requests on the listed open pull requests as assignments
    (:mod:`triage.forges.reviewers`)."""
    from triage.forges.reviewers import import_requests
    from triage.rotation import Roster

    result.assigned, refused = import_requests(store, forge.kind, forge.repo, requested, Roster.from_config(cfg))
    result.not_imported += refused


def sync(
    store: Store,
    forge,
    *,
    since: float | None = None,
    label: str = DEFAULT_LABEL,
    include_all: bool = False,
    cfg: Config,
    secret: bytes,
    clock: Callable[[], float] = time.time,
    progress: Callable[[str], None] | None = None,
) -> SyncResult:
    """Sync one repository from ``forge`` into ``store``; see the module doc."""
    started = time.perf_counter()
    now = clock()
    ident, remote = store.forge_identity(forge.kind, forge.api_base, forge.repo)
    forge.repo = ident  # the name change ids (and the cursor) keep across renames
    if remote != forge.remote_repo:
        forge.use_remote(remote)
    key = cursor_key(forge.kind, forge.api_base, forge.repo)
    if since is None:
        since = read_cursor(store, key)
    if since is None:
        since = now - DEFAULT_WINDOW_S
    result = SyncResult(forge=forge.kind, repo=forge.repo, since=since)
    prov_rules = ProvenanceRules.from_config(cfg.provenance)
    store.record_forge_remote(forge.kind, forge.repo, forge.api_base)
    known = store.synced_heads(forge.kind, forge.repo)
    rows: list[dict] = []
    findings: dict[str, list[dict]] = {}

    def flush() -> None:
        if rows:
            with store.write():
                store.save_changes(rows, findings)
            rows.clear()
            findings.clear()

    listed: list[int] = []
    requested: dict[int, list[str]] = {}
    try:
        for pull in forge.list_pulls(ChangeQuery(since=since, label=label)):
            result.listed += 1
            listed.append(pull.number)
            if pull.state == "open" and hasattr(forge, "requested_logins"):
                requested[pull.number] = forge.requested_logins(pull)
            cid = f"{forge.kind}:{forge.repo}#{pull.number}"
            if known.get(cid) == (pull.head_sha, pull.state, tuple(pull.labels), pull.draft):
                result.skipped_known += 1
                continue
            rc: RemoteChange = forge.fetch_change(pull)
            prov = detect(rc.change, prov_rules)
            # Never "human" from a truncated commit list: the unread part may carry the trailer.
            if not include_all and pull.state == "merged" and prov.kind != "ai" and not rc.change.provenance_note:
                result.skipped_human += 1
                continue
            result.provenance_incomplete += 1 if rc.change.provenance_note else 0
            result.drafts += 1 if rc.change.draft else 0
            reader = ForgeReader(forge, rc.head_sha)
            change_cfg = config_for_change(cfg, rc.change.files, reader.context)
            ctx = ForgeRepoContext(reader, tuple(f.path for f in rc.change.files), change_cfg)
            a = assess(rc.change, prov, ctx, reader.post_image, change_cfg, secret)
            row, frows = to_row(a, repo_path="", patch=rc.patch)
            rows.append(row)
            findings[row["id"]] = frows
            result.analysed += 1
            result.incomplete += 0 if rc.complete else 1
            result.ids.append(row["id"])
            if progress is not None:
                progress(f"{cid}: {a.risk.tier}")
            if len(rows) >= BATCH:
                flush()
    finally:
        flush()
    _import_teammates(store, forge, listed, cfg, result)
    _import_requests(store, forge, requested, cfg, result)
    if forge.moved:
        renamed = forge.locate()
        if renamed:
            result.renamed_to = renamed
        store.record_forge_remote(forge.kind, forge.repo, forge.api_base, forge.remote_repo)
    store.set_cursor(key, json.dumps({"since": now - CURSOR_OVERLAP_S}), now)
    result.seconds = time.perf_counter() - started
    return result
