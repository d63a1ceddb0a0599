"""Provides local ingest: walk a git repository and store assessed changes.

Incremental by construction: a commit already stored and analysed is never
analysed again, and a plain ``ingest`` (no range, no ``--since``) starts from
the head the previous one reached. Work is committed in batches, each in one
``BEGIN IMMEDIATE`` transaction, and the head is recorded only after the last
batch: a killed ingest loses at most one batch and resumes where it stopped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pygit2

from triage.config import load_config
from triage.errors import TriageError
from triage.git import change_from_commit, head_commit, open_repo, repo_key, repo_root, walk
from triage.models import FileDiff
from triage.pipeline import assess, to_row
from triage.provenance import ProvenanceRules, detect
from triage.rules import RepoContext
from triage.sampling import load_secret
from triage.store import Store

BATCH = 100


class GitRepoContext(RepoContext):
    """Repository context read lazily from a commit's tree."""

    __slots__ = ("_tree", "_paths")

    def __init__(self, repo: pygit2.Repository, commit: pygit2.Commit, changed: tuple[str, ...], cfg: dict):
        self._tree = commit.tree
        self._paths: tuple[str, ...] | None = None
        self.changed_paths = changed
        self.config = cfg
        self.read = self._read

    def _read(self, path: str) -> bytes | None:
        try:
            obj = self._tree[path]
        except (KeyError, ValueError, TypeError):
            return None
        if obj.type != pygit2.enums.ObjectType.BLOB:
            return None
        return obj.data

    @property
    def paths(self) -> tuple[str, ...]:  # type: ignore[override]
        if self._paths is None:
            out: list[str] = []
            stack = [(self._tree, "")]
            while stack:
                tree, prefix = stack.pop()
                for entry in tree:
                    name = prefix + entry.name
                    if entry.type == pygit2.enums.ObjectType.TREE:
                        stack.append((entry, name + "/"))
                    else:
                        out.append(name)
            self._paths = tuple(sorted(out))
        return self._paths

    @paths.setter
    def paths(self, value) -> None:  # pragma: no cover - set only by the base init
        self._paths = tuple(value)


@dataclass
class IngestResult:
    """What an ingest did."""

    repo: str
    seen: int = 0
    analysed: int = 0
    skipped_known: int = 0
    skipped_human: int = 0
    seconds: float = 0.0
    ids: list[str] = field(default_factory=list)


def ingest(
    store: Store,
    path: str | Path,
    *,
    rev_range: str | None = None,
    since: float | None = None,
    include_all: bool = False,
    cfg: dict | None = None,
    secret: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestResult:
    """Ingest ``path``'s history into ``store``; see the module doc for the rules.

    ``include_all`` analyses human commits too (by default only AI-authored
    ones are analysed and stored).
    """
    from triage.diff import diff_commit, post_image  # heavy module, imported on use

    started = time.perf_counter()
    repo = open_repo(path)
    root = repo_root(repo)
    key = repo_key(repo)
    cfg = cfg if cfg is not None else load_config(root)
    secret = secret if secret is not None else load_secret(cfg)
    prov_rules = ProvenanceRules.from_config(cfg["provenance"])
    mode_key = f"{key}:{'all' if include_all else 'ai'}"
    incremental = rev_range is None and since is None
    hide = store.ingest_head(mode_key) if incremental else None
    head = head_commit(repo) if incremental else None
    known = store.stored_shas(key)
    result = IngestResult(repo=key)

    pending_rows: list[dict] = []
    pending_findings: dict[str, list[dict]] = {}

    def flush() -> None:
        if pending_rows:
            with store.write():
                store.save_changes(pending_rows, pending_findings)
            pending_rows.clear()
            pending_findings.clear()

    try:
        commits = list(walk(repo, rev_range=rev_range, since=since, hide=hide))
    except pygit2.GitError as exc:
        raise TriageError(f"cannot walk the history of {root}: {exc}") from None
    total = len(commits)
    for n, commit in enumerate(commits, 1):
        result.seen += 1
        sha = str(commit.id)
        if known.get(sha):
            result.skipped_known += 1
            continue
        change = change_from_commit(commit, key)
        prov = detect(change, prov_rules)
        if not include_all and prov.kind != "ai":
            result.skipped_human += 1
            continue
        try:
            change.files = diff_commit(repo, commit)
        except pygit2.GitError as exc:
            raise TriageError(f"cannot diff commit {sha[:12]} in {root}: {exc}") from None
        ctx = GitRepoContext(repo, commit, tuple(f.path for f in change.files), cfg)

        def read_new(f: FileDiff, _commit=commit) -> bytes | None:
            return post_image(repo, _commit, f)

        a = assess(change, prov, ctx, read_new, cfg, secret)
        row, findings = to_row(a, repo_path=str(root))
        pending_rows.append(row)
        pending_findings[row["id"]] = findings
        result.analysed += 1
        result.ids.append(row["id"])
        if len(pending_rows) >= BATCH:
            flush()
        if progress is not None:
            progress(n, total)
    flush()
    if head is not None:
        with store.write():
            store.set_ingest_head(mode_key, str(root), str(head.id))
    result.seconds = time.perf_counter() - started
    return result
