"""The real-code history: installed packages' own files, replayed so that every Python file parses."""

from __future__ import annotations

import ast

import pygit2
import pytest

from triage.bench import realsrc
from triage.treeindex import list_paths


def files(tree: pygit2.Tree):
    """``(path, bytes)`` of every file in ``tree``."""
    for path in list_paths(tree):
        yield path, tree[path].data


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    info = realsrc.build(tmp_path_factory.mktemp("real"), n=160, seed=3, pack=False)
    return info, pygit2.Repository(str(info.path))


def test_every_python_file_parses_at_every_sampled_commit_and_is_real_source(history):
    info, repo = history
    installed = {rel: f for rel, f in realsrc.sources()}
    seen = 0
    for i, commit in enumerate(repo.walk(repo.head.target)):
        if i % 20:
            continue
        for path, data in files(commit.tree):
            if path.endswith(".py"):
                ast.parse(data, filename=path)  # a SyntaxError names the file
                seen += 1
                if path in installed:  # every line of the post-image is a line of the installed file
                    real = set(installed[path].read_text("utf-8").splitlines())
                    assert set(data.decode("utf-8").splitlines()) <= real | {""}, path
    assert seen > 100


def test_commits_are_mostly_small_edits_to_existing_files_with_some_deletions(history):
    _info, repo = history
    small = with_deletions = edits = 0
    for commit in repo.walk(repo.head.target):
        if len(commit.parents) != 1:
            continue
        diff = repo.diff(commit.parents[0].tree, commit.tree)
        for patch in diff:
            if patch.delta.status != pygit2.enums.DeltaStatus.MODIFIED:
                continue
            edits += 1
            _ctx, added, deleted = patch.line_stats
            small += added + deleted <= 40
            with_deletions += deleted > 0
    assert edits > 100 and small / edits > 0.6 and with_deletions > 10


def test_generated_files_are_in_the_history(history):
    _info, repo = history
    paths = {p for p, _d in files(repo.head.peel(pygit2.Commit).tree)}
    assert "uv.lock" in paths
    assert any(p.endswith(".svg") and "__snapshots__" in p for p in paths)


def test_the_same_seed_and_sources_build_the_same_history(tmp_path):
    a = realsrc.build(tmp_path / "a", n=40, seed=9, pack=False)
    b = realsrc.build(tmp_path / "b", n=40, seed=9, pack=False)
    again = realsrc.build(tmp_path / "a", n=40, seed=9, pack=False)
    assert a.head == b.head == again.head and again.reused
