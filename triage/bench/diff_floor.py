"""Provides the diff-floor probe: how long triage's diff step alone takes over a repository.

Run by the benchmark in a subprocess (one process, one core)::

    python -m triage.bench.diff_floor REPO

It diffs every non-merge commit reachable from ``main`` with
:func:`triage.diff.diff_commit` (the step every ingest pays before any rule
runs) and prints ``{"seconds": S, "commits": N}``. Set against ``git log -p``
it shows how much of the cold-ingest target the diffs alone use up.
"""

from __future__ import annotations

import json
import sys
import time

import pygit2

from triage.diff import diff_commit
from triage.git import open_repo


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m triage.bench.diff_floor REPO", file=sys.stderr)
        return 2
    repo = open_repo(args[0])
    commits = [c for c in repo.walk(repo.branches["main"].target, pygit2.enums.SortMode.TOPOLOGICAL)
               if len(c.parent_ids) <= 1]
    started = time.perf_counter()
    for commit in commits:
        diff_commit(repo, commit)
    print(json.dumps({"seconds": time.perf_counter() - started, "commits": len(commits)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
