"""Provides the diff-floor probe: how long triage's diff step alone takes over a repository.

Run by the benchmark in a subprocess (one process, one core)::

    python -m triage.bench.diff_floor REPO
    python -m triage.bench.diff_floor --libgit2 REPO

It diffs every non-merge commit reachable from ``main`` with
:func:`triage.diff.diff_commit` (the step every ingest pays before any rule
runs) and prints ``{"seconds": S, "commits": N}``. Set against ``git log -p``
it shows how much of the cold-ingest target the diffs alone use up.

With ``--libgit2`` it times only what libgit2 does for the same commits (the
tree diff, rename and copy detection, and each file's patch text), with no
Python parsing at all: the floor under any pygit2-based ingest.
"""

from __future__ import annotations

import json
import sys
import time

import pygit2
from pygit2.enums import DiffFind, DiffOption

from triage.diff import diff_commit
from triage.git import open_repo


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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    only_libgit2 = "--libgit2" in args
    args = [a for a in args if a != "--libgit2"]
    if len(args) != 1:
        print("usage: python -m triage.bench.diff_floor [--libgit2] REPO", file=sys.stderr)
        return 2
    repo = open_repo(args[0])
    commits = [c for c in repo.walk(repo.branches["main"].target, pygit2.enums.SortMode.TOPOLOGICAL)
               if len(c.parent_ids) <= 1]
    step = libgit2_only if only_libgit2 else diff_commit
    started = time.perf_counter()
    for commit in commits:
        step(repo, commit)
    print(json.dumps({"seconds": time.perf_counter() - started, "commits": len(commits)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
