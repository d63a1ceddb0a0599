"""Provides local ingest: walk a git repository and store assessed changes.

Incremental by construction: a commit already stored and analysed is never
analysed again, and a plain ``ingest`` (no range, no ``--since``) starts from
the head the previous one reached. Work is committed in batches, each in one
``BEGIN IMMEDIATE`` transaction, and the head is recorded only after the last
batch: a killed ingest loses at most one batch and resumes where it stopped.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable

import pygit2

from triage.config import config_for_change, load_config
from triage.errors import TriageError
from triage.git import change_from_commit, head_commit, open_repo, repo_key, repo_root, walk
from triage.models import Provenance
from triage.pipeline import Assessment, assess, to_row
from triage.provenance import ProvenanceRules, detect
from triage.rules import RepoContext
from triage.sampling import load_secret
from triage.settings import Config
from triage.store import Store
from triage.treeindex import TreeFacts, list_paths, tree_facts

BATCH = 100


class GitRepoContext(RepoContext):
    """Repository context read lazily from a commit's tree (path facts from :mod:`triage.treeindex`)."""

    __slots__ = ("_tree", "_facts", "_paths")

    def __init__(self, repo: pygit2.Repository, commit: pygit2.Commit, changed: tuple[str, ...], cfg: Config):
        self._tree = commit.tree
        self._facts: TreeFacts | None = None
        self._paths: tuple[str, ...] | None = None
        self.changed_paths = changed
        self.config = cfg
        self.workdir = repo.workdir or ""
        self.env_paths = ()
        # A function of the tree, not a bound method: a context that referred to itself
        # would live until the cyclic garbage collector found it, and with it its facts.
        self.read = partial(_read_blob, self._tree)

    def tree_facts(self) -> TreeFacts:
        if self._facts is None:
            self._facts = tree_facts(self._tree)
        return self._facts

    @property
    def paths(self) -> tuple[str, ...]:  # type: ignore[override]
        """Every path at the commit, sorted (listed on first use: the rules need only the facts)."""
        if self._paths is None:
            self._paths = list_paths(self._tree)
        return self._paths


def _read_blob(tree: pygit2.Tree, path: str) -> bytes | None:
    """The bytes of the blob at ``path`` in ``tree``, or None (missing, or not a blob)."""
    try:
        obj = tree[path]
    except (KeyError, ValueError, TypeError):
        return None
    if obj.type != pygit2.enums.ObjectType.BLOB:
        return None
    return obj.data


_worker_state: dict = {}


def _worker_init(root: str, key: str, cfg: Config, secret: bytes) -> None:
    """Per-process set-up: one Repository per worker (pygit2 objects are not shareable)."""
    _worker_state.clear()
    _worker_state.update(repo=open_repo(root), root=root, key=key, cfg=cfg, secret=secret)


WARM_NAMES = ("a.py", "a.js", "a.ts", "a.tsx", "a.jsx", "a.json", "a.yaml", "a.toml", "a.ini", "a.go")
"""File names whose lexers a pool worker prepares while the parent still walks the history."""


WORKER_GC_THRESHOLDS = (100_000, 50, 100)
"""The cyclic garbage collector's thresholds in a pool worker. Python's defaults
(700, 10, 10) make it walk every live object, the worker's caches of tree facts and
lexers included, two dozen times per 3,000 commits: about a seventh of the worker's
time. A change's analysis leaves no reference cycles (its files' caches are emptied,
and the repository context holds no bound method of itself), so refcounting frees it
and the collector has next to nothing to find."""


def _warm_worker(root: str, key: str, cfg: Config, secret: bytes) -> None:
    """A pool worker's set-up: :func:`_worker_init`, the collector's thresholds
    (:data:`WORKER_GC_THRESHOLDS`), then the imports, rules and lexers every worker
    needs (its first commits would pay for them otherwise)."""
    _worker_init(root, key, cfg, secret)
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    import triage.diff  # noqa: F401 - imported for its side effect: loaded once, here
    from triage.rules import all_rule_ids
    from triage.rules.tokens import expect_bulk_python, lexer_for

    all_rule_ids()
    expect_bulk_python()
    for name in WARM_NAMES:
        cls = lexer_for(name)
        if cls is not None:
            cls(stripnl=False, ensurenl=False, stripall=False, tabsize=0)


def with_external(cfg: Config, results: list) -> Config:
    """``cfg`` with other analyzers' results for the ``external-finding`` rule (a copy: the
    results travel to the analysis workers with the configuration)."""
    return replace(cfg, external=tuple(r.to_dict() if hasattr(r, "to_dict") else dict(r) for r in results))


def read_head(repo: pygit2.Repository):
    """``read(path)`` of the files at HEAD (what a SARIF log made from this checkout points at)."""
    try:
        tree = repo.head.peel(pygit2.Commit).tree
    except (pygit2.GitError, KeyError, AttributeError):
        return lambda _path: None
    return partial(_read_blob, tree)


def assess_commit(repo: pygit2.Repository, commit: pygit2.Commit, change, prov: Provenance, cfg: Config,
                  secret: bytes) -> Assessment:
    """Diff ``commit`` (its headers already in ``change``) and run the pipeline on it.

    Shared by ingest and ``triage gate``, so a commit is judged the same way by both.
    """
    from triage.diff import diff_commit, post_image  # heavy module, imported on use

    try:
        change.files = diff_commit(repo, commit)
    except pygit2.GitError as exc:
        raise TriageError(f"cannot diff commit {str(commit.id)[:12]} in {repo_root(repo)}: {exc}") from None
    cfg = config_for_change(cfg, change.files)
    ctx = GitRepoContext(repo, commit, tuple(f.path for f in change.files), cfg)
    return assess(change, prov, ctx, lambda f: post_image(repo, commit, f), cfg, secret)


def _assess_one(item: tuple[str, Provenance]) -> tuple[dict, list[dict]]:
    """Diff, analyse, score and sample one commit; return its store rows."""
    sha, prov = item
    st = _worker_state
    repo: pygit2.Repository = st["repo"]
    commit = repo[pygit2.Oid(hex=sha)].peel(pygit2.Commit)
    a = assess_commit(repo, commit, change_from_commit(commit, st["key"]), prov, st["cfg"], st["secret"])
    return to_row(a, repo_path=st["root"])


PARALLEL_MIN = 200
"""Below this many commits to analyse, one process is faster than starting workers."""


def _pool_size(workers: int | None) -> int:
    return workers if workers is not None else (os.cpu_count() or 1)


def start_pool(root: str, key: str, cfg: Config, secret: bytes, workers: int | None) -> ProcessPoolExecutor:
    """A pool of analysis workers, started now: each sets itself up (:func:`_warm_worker`)
    while the caller goes on, e.g. reading commit headers for provenance."""
    n = _pool_size(workers)
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                      else "spawn")
    pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_warm_worker,
                               initargs=(root, key, cfg, secret))
    for _ in range(n):  # a worker is spawned for each task submitted while none is idle
        pool.submit(int)
    return pool


def _assess_all(root: str, key: str, cfg: Config, secret: bytes, todo: list, pool: ProcessPoolExecutor | None):
    """Yield the rows of every commit in ``todo``: in ``pool`` when there is one, else here."""
    if pool is None:
        _worker_init(root, key, cfg, secret)
        try:
            yield from map(_assess_one, todo)
        finally:
            _worker_state.clear()
        return
    yield from pool.map(_assess_one, todo, chunksize=8)


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
    skipped_shallow: int = 0
    """Commits at a shallow clone's boundary: their parents are not in the clone, so their diff is unknown."""
    warnings: list[str] = field(default_factory=list)
    """One line each, for the reviewer to see (the CLI prints them to stderr)."""


def shallow_boundary(repo: pygit2.Repository) -> set[str]:
    """The commits where a shallow clone's history is cut (empty for a full clone)."""
    if not repo.is_shallow:
        return set()
    try:
        text = (Path(repo.path) / "shallow").read_text(encoding="ascii", errors="replace")
    except OSError:
        return set()
    return {line.strip() for line in text.splitlines() if line.strip()}


def shallow_warning(root: Path, boundary: set[str], skipped: int) -> str:
    """The one-line warning an ingest of a shallow clone gives."""
    cut = ", ".join(sha[:10] for sha in sorted(boundary)[:2]) + (", …" if len(boundary) > 2 else "")
    what = ("" if not skipped else
            f"{skipped} commit{'s' if skipped != 1 else ''} there {'have' if skipped != 1 else 'has'} no parent in "
            f"the clone, so {'their diffs' if skipped != 1 else 'its diff'} cannot be known and "
            f"{'were' if skipped != 1 else 'was'} not analysed; ")
    return (f"{root} is a shallow clone: its history is cut at {cut}; {what}older commits are not reviewed "
            "at all. Run `git fetch --unshallow` (or `--deepen=N`) there and ingest again")


def ingest(
    store: Store,
    path: str | Path,
    *,
    rev_range: str | None = None,
    since: float | None = None,
    include_all: bool = False,
    cfg: Config | None = None,
    secret: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    external: list | None = None,
) -> IngestResult:
    """Ingest ``path``'s history into ``store``; see the module doc for the rules.

    ``include_all`` analyses human commits too (by default only AI-authored
    ones are analysed and stored). ``workers`` processes analyse in parallel
    (default: one per core, for large ingests); each opens its own repository.
    ``external`` holds other analyzers' results (:class:`triage.sarif.ExternalResult`),
    placed on the added lines of the commits this ingest analyses.
    """
    started = time.perf_counter()
    repo = open_repo(path)
    root = repo_root(repo)
    cfg = cfg if cfg is not None else load_config(repo)
    key = repo_key(repo, cfg)
    store.rekey_moved_repo(str(root), key)  # a key from before stable ids, or a renamed remote
    secret = secret if secret is not None else load_secret(cfg)
    if external:
        cfg = with_external(cfg, external)
    prov_rules = ProvenanceRules.from_config(cfg.provenance)
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
    total = result.seen = len(commits)
    boundary = shallow_boundary(repo)
    fresh: list[tuple[pygit2.Commit, str]] = []
    for commit in commits:
        sha = str(commit.id)
        if known.get(sha):
            result.skipped_known += 1
        elif sha in boundary:  # libgit2 shows it as a root commit: its diff would be the whole tree
            result.skipped_shallow += 1
        else:
            fresh.append((commit, sha))
    if boundary:
        result.warnings.append(shallow_warning(root, boundary, result.skipped_shallow))
    del commits
    # Enough new commits that some may need a pool: start it now, so that the workers
    # set themselves up while provenance reads the headers below.
    pool = start_pool(str(root), key, cfg, secret, workers) \
        if _pool_size(workers) > 1 and len(fresh) >= PARALLEL_MIN else None
    try:
        todo: list[tuple[str, Provenance]] = []
        for commit, sha in fresh:
            prov = detect(change_from_commit(commit, key), prov_rules)
            if not include_all and prov.kind != "ai":
                result.skipped_human += 1
                continue
            todo.append((sha, prov))
        del fresh
        done = total - len(todo)
        if progress is not None:
            progress(done, total)
        for row, findings in _assess_all(str(root), key, cfg, secret, todo, pool):
            pending_rows.append(row)
            pending_findings[row["id"]] = findings
            result.analysed += 1
            result.ids.append(row["id"])
            if len(pending_rows) >= BATCH:
                flush()
            done += 1
            if progress is not None:
                progress(done, total)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    flush()
    if head is not None and not result.skipped_shallow:  # a deepened clone's next ingest must see them
        with store.write():
            store.set_ingest_head(mode_key, str(root), str(head.id))
    result.seconds = time.perf_counter() - started
    return result
