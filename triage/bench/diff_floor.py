"""Provides the diff-floor probe: how long triage's diff step alone takes over a repository.

Run by the benchmark in a subprocess::

    python -m triage.bench.diff_floor REPO
    python -m triage.bench.diff_floor --libgit2 REPO
    python -m triage.bench.diff_floor --libgit2 --ai --workers 2 REPO

It diffs every non-merge commit reachable from ``main`` with
:func:`triage.diff.diff_commit` (the step every ingest pays before any rule
runs) and prints ``{"seconds": S, "commits": N}``. Set against ``git log -p``
it shows how much of the cold-ingest target the diffs alone use up.

With ``--libgit2`` it times only what libgit2 does for the same commits (the
tree diff, rename and copy detection, and each file's patch text), with no
Python parsing at all: the floor under any pygit2-based ingest.

``--ai`` does what an AI-only ingest does before its rules: it walks the
history as ingest does, reads every commit's headers, decides provenance, and
diffs only the AI changes. ``--workers N`` splits the diffs over N processes,
each with its own repository, as ingest does (started first, while the header
pass runs in the parent). The timing covers everything from starting the
workers to the last diff.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import pygit2
from pygit2.enums import DiffFind, DiffOption

from triage.diff import diff_commit
from triage.git import open_repo, walk


def libgit2_only(repo: pygit2.Repository, commit: pygit2.Commit) -> int:
    """libgit2's part of :func:`triage.diff.diff_commit` alone: the bytes of every file's patch."""
    flags = DiffOption.INCLUDE_TYPECHANGE
    if commit.parent_ids:
        diff = repo.diff(repo[commit.parent_ids[0]].tree, commit.tree, flags=flags, context_lines=3)
    else:
        diff = commit.tree.diff_to_tree(flags=flags, context_lines=3, swap=True)
    diff.find_similar(flags=DiffFind.FIND_RENAMES | DiffFind.FIND_COPIES)
    size = 0
    for idx in range(len(diff)):
        patch = diff[idx]
        if patch is not None:
            size += len(patch.data)
    return size


def _warm() -> None:
    """A worker's set-up: the diff module, imported before any commit arrives."""
    import triage.diff  # noqa: F401 - imported for its side effect


def _diff_all(job: tuple[str, list[str], bool]) -> int:
    """Diff the commits ``shas`` of the repository at ``path`` (a worker's share)."""
    path, shas, only_libgit2 = job
    repo = open_repo(path)
    step = libgit2_only if only_libgit2 else diff_commit
    for sha in shas:
        step(repo, repo[pygit2.Oid(hex=sha)])
    return len(shas)


def _ai_only(repo: pygit2.Repository, commits: list[pygit2.Commit]) -> list[pygit2.Commit]:
    """The commits provenance calls AI-authored (headers only, as ingest decides it)."""
    from triage.config import load_config
    from triage.git import change_from_commit, repo_key
    from triage.provenance import ProvenanceRules, detect

    rules = ProvenanceRules.from_config(load_config(repo)["provenance"])
    key = repo_key(repo)
    return [c for c in commits if detect(change_from_commit(c, key), rules).kind == "ai"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m triage.bench.diff_floor",
                                description="Time the diff step alone over a repository's main branch.")
    p.add_argument("repo")
    p.add_argument("--libgit2", action="store_true", help="time libgit2's work only, with no Python parsing")
    p.add_argument("--ai", action="store_true", help="read every header, decide provenance, diff the AI changes")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="processes sharing the diffs (1)")
    args = p.parse_args(sys.argv[1:] if argv is None else list(argv))
    if args.workers < 1:
        p.error("--workers must be at least 1")
    started = time.perf_counter()
    pool = None
    if args.workers > 1:  # started first, as ingest starts its pool: workers set up while headers are read
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                          else "spawn")
        pool = ProcessPoolExecutor(max_workers=args.workers, mp_context=ctx, initializer=_warm)
        for _ in range(args.workers):
            pool.submit(int)
    repo = open_repo(args.repo)
    if args.ai:  # the commits an ingest walks (merges too: they are diffed against their first parent)
        commits = _ai_only(repo, list(walk(repo)))
    else:  # the commits ``git log -p --no-merges main`` shows
        commits = [c for c in repo.walk(repo.branches["main"].target, pygit2.enums.SortMode.TOPOLOGICAL)
                   if len(c.parent_ids) <= 1]
    shas = [str(c.id) for c in commits]
    if pool is None:
        _diff_all((args.repo, shas, args.libgit2))
    else:
        with pool:
            list(pool.map(_diff_all, [(args.repo, shas[k::args.workers], args.libgit2) for k in range(args.workers)]))
    print(json.dumps({"seconds": time.perf_counter() - started, "commits": len(commits),
                      "workers": args.workers}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
