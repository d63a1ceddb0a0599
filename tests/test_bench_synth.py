"""The benchmark's synthetic history holds code a parser accepts, whatever edits it went through."""

from __future__ import annotations

import ast

import pygit2
import pytest

from triage.bench.synth import build

TREE = pygit2.enums.ObjectType.TREE


def code_files(tree: pygit2.Tree):
    """``(path, text)`` of every Python and JavaScript/TypeScript file in ``tree``."""
    stack = [(tree, "")]
    while stack:
        t, prefix = stack.pop()
        for entry in t:
            path = prefix + entry.name
            if entry.type == TREE:
                stack.append((entry, path + "/"))
            elif path.endswith((".py", ".js", ".ts", ".tsx", ".jsx")):
                yield path, entry.data.decode("utf-8")


@pytest.mark.parametrize("light", [False, True])
def test_every_python_file_parses_and_every_javascript_function_closes(tmp_path, light):
    info = build(tmp_path, n=400, seed=5, pack=False, light=light)
    repo = pygit2.Repository(str(info.path))
    seen_py = seen_js = 0
    for i, commit in enumerate(repo.walk(repo.head.target)):
        if i % 10:
            continue
        for path, text in code_files(commit.tree):
            if path.endswith(".py"):
                ast.parse(text, filename=path)  # a SyntaxError fails the test, naming the file
                seen_py += 1
            else:
                depth = 0
                for n, line in enumerate(text.split("\n"), 1):
                    depth += line.count("{") - line.count("}")
                    assert depth >= 0, (path, n)
                assert depth == 0, path
                seen_js += 1
    assert seen_py > 100 and seen_js > 50  # the history really has code of both kinds


def test_the_same_seed_builds_the_same_history(tmp_path):
    a = build(tmp_path / "a", n=120, seed=9, pack=False)
    b = build(tmp_path / "b", n=120, seed=9, pack=False)
    c = build(tmp_path / "c", n=120, seed=10, pack=False)
    assert a.head == b.head != c.head


def test_the_ai_only_floor_diffs_exactly_the_changes_an_ai_only_ingest_analyses(tmp_path, capsys):
    import json

    from triage.bench import diff_floor
    from triage.ingest import ingest
    from triage.store import Store

    info = build(tmp_path, n=120, seed=3, pack=False)
    result = ingest(Store(tmp_path / "ai.db"), info.path, workers=1)
    assert result.analysed > 0 and result.skipped_human > 0  # both kinds, so the floor must choose
    for workers in ("1", "2"):
        assert diff_floor.main(["--libgit2", "--ai", "--workers", workers, str(info.path)]) == 0
        out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert out["commits"] == result.analysed and out["workers"] == int(workers)
