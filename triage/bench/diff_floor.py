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

With ``--git`` it streams the same commits' patches from ``git diff-tree --stdin -p``
(first-parent diffs, renames and copies, run with :data:`SAFE_GIT` so that nothing in
the repository's configuration or attributes can start a program) and parses each
commit's part with :func:`triage.patch.parse_patch`; ``--git --libgit2`` reads git's
output without parsing it. Set beside the libgit2 rows, these say whether shelling out
to git would make the diff step faster.

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


SAFE_GIT = (
    "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external=",
    "-c", "core.attributesFile=/dev/null", "-c", "protocol.allow=never", "-c", "core.pager=cat",
    "--no-pager",
)
"""Options that keep git from running anything a repository names: no fsmonitor, hooks,
external diff or transport (a partial clone's lazy fetch could run ``core.sshCommand``);
``diff-tree`` also gets ``--no-textconv --no-ext-diff``."""

SAFE_GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_ATTR_NOSYSTEM": "1",
                "GIT_TERMINAL_PROMPT": "0", "GIT_NO_REPLACE_OBJECTS": "1", "GIT_OPTIONAL_LOCKS": "0",
                "GIT_NO_LAZY_FETCH": "1"}


def git_diff_tree(path: str, shas: list[str], parse: bool) -> int:
    """Stream ``git diff-tree --stdin -p`` over ``shas`` (one process); parse each commit's
    patch with :func:`triage.patch.parse_patch` when ``parse``. Returns the files seen (or bytes)."""
    import os
    import shutil
    import subprocess
    import threading

    from triage.patch import parse_patch

    git = shutil.which("git")
    if not git:
        raise SystemExit("git is not installed")
    env = {**os.environ, **SAFE_GIT_ENV}
    cmd = [git, *SAFE_GIT, f"--git-dir={_git_dir(path)}", "diff-tree", "--stdin", "-p", "-M", "-C",
           "--root", "--diff-merges=first-parent", "--full-index", "--no-textconv", "--no-ext-diff",
           "--no-color"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env)

    def feed() -> None:
        try:
            proc.stdin.write("".join(s + "\n" for s in shas).encode())
        finally:
            proc.stdin.close()

    threading.Thread(target=feed, daemon=True).start()
    seen = 0
    chunk: list[bytes] = []

    def flush() -> int:
        if not chunk:
            return 0
        data = b"".join(chunk)
        chunk.clear()
        return len(parse_patch(data)) if parse else len(data)

    for line in proc.stdout:
        if len(line) == 41 and line[40:] == b"\n" and line[0] not in b" +-\\":
            seen += flush()  # a commit id starts the next commit's patch
            continue
        chunk.append(line)
    seen += flush()
    proc.wait()
    return seen


def _git_dir(path: str) -> str:
    repo = open_repo(path)
    return repo.path


def _warm() -> None:
    """A worker's set-up: the diff module, imported before any commit arrives."""
    import triage.diff  # noqa: F401 - imported for its side effect


def _diff_all(job: tuple[str, list[str], bool]) -> int:
    """Diff the commits ``shas`` of the repository at ``path`` (a worker's share)."""
    path, shas, only_libgit2, use_git = job
    if use_git:
        git_diff_tree(path, shas, parse=not only_libgit2)
        return len(shas)
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

    rules = ProvenanceRules.from_config(load_config(repo).provenance)
    key = repo_key(repo)
    return [c for c in commits if detect(change_from_commit(c, key), rules).kind == "ai"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m triage.bench.diff_floor",
                                description="Time the diff step alone over a repository's main branch.")
    p.add_argument("repo")
    p.add_argument("--libgit2", action="store_true", help="time libgit2's work only, with no Python parsing")
    p.add_argument("--git", action="store_true",
                   help="stream the patches from git diff-tree --stdin -p instead (with --libgit2: no parsing)")
    p.add_argument("--ai", action="store_true", help="read every header, decide provenance, diff the AI changes")
    p.add_argument("--range", help="only the commits of this range (A..B), as ingest --range walks them")
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
        start = repo.branches["main"].target if "main" in repo.branches.local else repo.head.target
        commits = [c for c in repo.walk(start, pygit2.enums.SortMode.TOPOLOGICAL) if len(c.parent_ids) <= 1]
        if args.range:
            commits = [c for c in walk(repo, rev_range=args.range) if len(c.parent_ids) <= 1]
    shas = [str(c.id) for c in commits]
    if pool is None:
        _diff_all((args.repo, shas, args.libgit2, args.git))
    else:
        with pool:
            list(pool.map(_diff_all, [(args.repo, shas[k::args.workers], args.libgit2, args.git) for k in range(args.workers)]))
    print(json.dumps({"seconds": time.perf_counter() - started, "commits": len(commits),
                      "workers": args.workers}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
