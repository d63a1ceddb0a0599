"""The tree index: facts composed per (prefix, tree id) equal a from-scratch listing of every commit."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pygit2
import pytest
from gitrepo import RepoBuilder
from hypothesis import example, given, settings
from hypothesis import strategies as st

from triage import treeindex
from triage.ingest import GitRepoContext
from triage.rules import RepoContext, SourceFile
from triage.rules import manifests as M
from triage.rules.context import MissingTests, _is_test_file

TREE = pygit2.enums.ObjectType.TREE


@pytest.fixture(autouse=True)
def _fresh_caches():
    treeindex.clear()
    M._SHARED.clear()
    yield
    treeindex.clear()
    M._SHARED.clear()


def listing(tree: pygit2.Tree) -> tuple[str, ...]:
    """Every non-tree path of ``tree``, sorted: the listing the index replaces."""
    out: list[str] = []
    stack = [(tree, "")]
    while stack:
        t, prefix = stack.pop()
        for entry in t:
            if entry.type == TREE:
                stack.append((entry, prefix + entry.name + "/"))
            else:
                out.append(prefix + entry.name)
    return tuple(sorted(out))


def ctx_at(b: RepoBuilder, sha: str, changed: tuple[str, ...] = ()) -> GitRepoContext:
    return GitRepoContext(b.repo, b.repo[sha].peel(pygit2.Commit), changed, {})


def plain(ctx: GitRepoContext) -> RepoContext:
    """The same commit as a context without tree facts: rules fall back to scanning ``paths``."""
    return RepoContext(read=ctx.read, paths=listing(ctx._tree), changed_paths=ctx.changed_paths)


def manifest_state(man: M.Manifests, read) -> dict:
    """Everything a Manifests holds, with the lazy lockfile answers for a few names filled in."""
    for eco, name in (("python", "pinned"), ("python", "other-pin"), ("js", "left-pad"), ("go", "example.com/x")):
        man.locked(eco, name, read)
    return {k: v for k, v in vars(man).items()}


def assert_matches_scratch(ctx: GitRepoContext) -> None:
    flat = plain(ctx)
    facts = ctx.tree_facts()
    assert facts.count == len(flat.paths)
    assert ctx.paths == flat.paths
    assert facts.test_example == next((p for p in flat.paths if _is_test_file(p)), None)
    assert [p for p, _ in facts.manifest_files] == [p for p in flat.paths if M.is_manifest_candidate(p)]
    assert manifest_state(M.manifests(ctx), ctx.read) == manifest_state(M.build(flat), flat.read)


def missing_tests(ctx: RepoContext, path: str = "src/app.py") -> list[str]:
    f = SourceFile(path, "x = 1\n", frozenset({1}))
    return [x.message for x in MissingTests().check_change([f], ctx)]


def test_facts_follow_adds_deletes_renames_and_new_directories(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    steps = [
        {"src/app.py": "a = 1\n", "README.md": "hi\n", "src/pkg/__init__.py": ""},
        {"src/util.py": "u = 1\n", "docs/guide.txt": "doc\n"},
        {"tests/test_app.py": "def test(): pass\n"},  # first test file, only under tests/
        {"src/util.py": None, "src/helpers.py": "u = 1\n"},  # rename a file
        {"a.txt": "x\n", "a-b/c.py": "", "a/b.py": ""},  # names whose sort order differs from tree order
        {"tests/test_app.py": None, "spec/app_test.go": "package x\n"},  # the example moves
        {"src/pkg/__init__.py": None, "lib/pkg/__init__.py": "", "lib/pkg/mod.py": ""},  # rename a directory
        {"spec/app_test.go": None},  # no test file left
    ]
    examples = []
    for files in steps:
        sha = b.commit(files)
        ctx = ctx_at(b, sha)
        assert_matches_scratch(ctx)
        examples.append(ctx.tree_facts().test_example)
    assert examples == [None, None, "tests/test_app.py", "tests/test_app.py", "tests/test_app.py",
                        "spec/app_test.go", "spec/app_test.go", None]


def test_missing_tests_example_is_the_first_test_file_in_path_order(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    b.commit({"src/app.py": "a = 1\n", "zeta/tests/helper.py": "", "tests/fixtures/data.py": ""})
    sha = b.commit({"alpha/test_one.py": "", "tests/test_two.py": ""})
    ctx = ctx_at(b, sha, ("src/app.py",))
    got = missing_tests(ctx)
    assert got == missing_tests(plain(ctx))
    assert len(got) == 1 and "(e.g. alpha/test_one.py)" in got[0]


def test_a_manifest_change_is_seen_by_the_next_commit(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    first = ctx_at(b, b.commit({"requirements.txt": "requests\n", "src/app.py": "import requests\n"}))
    assert M.manifests(first).python == {"requests"}
    second = ctx_at(b, b.commit({"requirements.txt": "requests\nflask\n"}))
    assert M.manifests(second).python == {"requests", "flask"}
    assert_matches_scratch(second)


def test_commits_with_the_same_manifests_share_one_parse_but_not_first_party_names(tmp_path, monkeypatch):
    b = RepoBuilder(tmp_path / "r")
    ctxs = [ctx_at(b, b.commit({"pyproject.toml": '[project]\nname = "my-app"\ndependencies = ["requests"]\n',
                                "src/app.py": ""}))]
    ctxs.append(ctx_at(b, b.commit({"src/newmod.py": "", "web/index.js": ""})))
    ctxs.append(ctx_at(b, b.commit({"README.md": "x\n"})))
    calls = []
    real = M._parse
    monkeypatch.setattr(M, "_parse", lambda *a: calls.append(1) or real(*a))
    mans = [M.manifests(c) for c in ctxs]
    assert len(calls) == 1
    assert "newmod" not in mans[0].first_party_py and "newmod" in mans[1].first_party_py
    assert {"my_app", "my-app", "app", "src"} <= mans[0].first_party_py
    assert mans[0].top_dirs == {"src"} and mans[1].top_dirs == {"src", "web"}
    for c in ctxs:
        assert_matches_scratch(c)


def test_an_include_outside_the_candidates_is_checked_before_reuse(tmp_path):
    # vendor/ is skipped when listing manifests, but a -r include still reads it
    b = RepoBuilder(tmp_path / "r")
    first = ctx_at(b, b.commit({"requirements.txt": "-r vendor/base.txt\n", "vendor/base.txt": "requests\n"}))
    assert M.manifests(first).python == {"requests"}
    second = ctx_at(b, b.commit({"vendor/base.txt": "requests\nflask\n"}))
    assert M.manifests(second).python == {"requests", "flask"}
    third = ctx_at(b, b.commit({"vendor/base.txt": None}))
    assert M.manifests(third).python == set()
    for c in (first, second, third):
        assert_matches_scratch(c)


def test_lockfile_answers_are_not_shared_between_commits(tmp_path):
    # the constraints file is read only lazily, by Manifests.locked
    b = RepoBuilder(tmp_path / "r")
    first = ctx_at(b, b.commit({"requirements.txt": "requests\n-c vendor/constraints.txt\n",
                                "vendor/constraints.txt": "pinned\n"}))
    assert M.manifests(first).locked("python", "pinned", first.read)
    second = ctx_at(b, b.commit({"vendor/constraints.txt": "other-pin\n"}))
    man = M.manifests(second)
    assert not man.locked("python", "pinned", second.read)
    assert man.locked("python", "other-pin", second.read)


def _write_tree(repo: pygit2.Repository, entries: list[tuple[int, str, pygit2.Oid]]) -> pygit2.Oid:
    """A tree object written byte by byte (names git itself would refuse)."""
    raw = b"".join(b"%o %s\0" % (mode, name.encode()) + oid.raw for mode, name, oid in entries)
    return repo.odb.write(TREE, raw)


def test_hand_made_trees_with_slashes_or_repeated_names_still_sort_like_the_listing(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    repo = b.repo
    blob = repo.create_blob(b"x\n")
    inner = _write_tree(repo, [(0o100644, "z.py", blob)])
    twice = _write_tree(repo, [(0o100644, "b.py", blob)])
    root = _write_tree(repo, [
        (0o40000, "a", inner), (0o100644, "a/b_test.go", blob),  # a name with a slash
        (0o40000, "d", inner), (0o40000, "d", twice),  # the same name twice
    ])
    sig = pygit2.Signature("A", "a@example.com", 1_767_000_000, 0)
    sha = repo.create_commit(None, sig, sig, "hand-made", root, [])
    ctx = ctx_at(b, str(sha))
    assert ctx.paths == ("a/b_test.go", "a/z.py", "d/b.py", "d/z.py")
    assert_matches_scratch(ctx)


def test_the_cache_stays_within_its_bound_and_answers_stay_right(tmp_path, monkeypatch):
    monkeypatch.setattr(treeindex, "MAX_WEIGHT", 40)
    b = RepoBuilder(tmp_path / "r")
    for i in range(30):
        sha = b.commit({f"d{i % 4}/f{i}.py": str(i), f"tests/t{i % 3}/test_{i}.py": "", "top.txt": str(i)})
        assert_matches_scratch(ctx_at(b, sha))
        entries, weight = treeindex.cache_info()
        assert weight <= 40 or entries == 1
    assert treeindex.cache_info()[0] < 30  # 30 distinct root trees alone: older ones were dropped


def test_the_file_name_memo_stays_within_its_bound_and_answers_stay_right(tmp_path, monkeypatch):
    monkeypatch.setattr(treeindex, "MAX_BLOB_SETS", 3)
    b = RepoBuilder(tmp_path / "r")
    for i in range(12):
        sha = b.commit({f"d{i % 2}/f{i}.py": str(i), "requirements.txt": f"pkg{i}\n", "tests/test_a.py": str(i)})
        assert_matches_scratch(ctx_at(b, sha))
        assert len(treeindex._BLOB_SETS) <= 3


def test_unchanged_subtrees_are_not_listed_again(tmp_path, monkeypatch):
    b = RepoBuilder(tmp_path / "r")
    ctx_at(b, b.commit({f"d{i}/f{j}.py": "" for i in range(5) for j in range(5)})).tree_facts()
    seen = []
    real = treeindex._Frame.__init__
    monkeypatch.setattr(treeindex._Frame, "__init__",
                        lambda self, prefix, tree: seen.append(prefix) or real(self, prefix, tree))
    ctx_at(b, b.commit({"d3/new.py": ""})).tree_facts()
    assert seen == ["", "d3/"]


NAMES = ["a", "a.txt", "a-b", "B", "é", "tests", "test_x.py", "x_test.go", "node_modules", "pkg",
         "requirements.txt", "pyproject.toml", "package.json", "go.mod", "poetry.lock", "fixtures", "mod.py"]
CONTENT = {
    "requirements.txt": ["requests\n", "flask\n-r ../requirements.txt\n", "-r node_modules/requirements.txt\n"],
    "pyproject.toml": ['[project]\nname = "p"\ndependencies = ["attrs"]\n', "[project]\n"],
    "package.json": ['{"dependencies": {"left-pad": "1"}}', '{"name": "@s/w"}'],
    "go.mod": ["module example.com/m\nrequire example.com/x v1\n"],
    "poetry.lock": ['name = "pinned"\n', 'name = "other-pin"\n'],
}
paths = st.lists(st.sampled_from(NAMES), min_size=1, max_size=3).map("/".join)


@st.composite
def changes(draw):
    out = {}
    for path in draw(st.lists(paths, min_size=1, max_size=4)):
        base = path.rsplit("/", 1)[-1]
        out[path] = draw(st.none() | st.sampled_from(CONTENT.get(base, ["1\n", "2\n"])))
    return out


def _apply(state: dict[str, str], change: dict[str, str | None]) -> dict[str, str]:
    """The new file set, leaving out changes that would make a path both a file and a directory."""
    new = dict(state)
    for path, data in change.items():
        if data is None:
            new.pop(path, None)
            continue
        dirs = {path[:i] for i in range(len(path)) if path[i] == "/"}
        if dirs & set(new) or any(p.startswith(path + "/") for p in new):
            continue
        new[path] = data
    return new


def test_a_file_can_become_a_directory_in_one_commit_whatever_the_order_of_the_change():
    with tempfile.TemporaryDirectory() as d:
        b = RepoBuilder(Path(d) / "r")
        b.commit({"a": "1\n"})
        sha = b.commit({"a/a": "1\n", "a": None})  # the addition listed first, as a set may give it
        ctx = ctx_at(b, sha, ("a", "a/a"))
        assert ctx.paths == ("a/a",)
        assert_matches_scratch(ctx)


@settings(max_examples=40, deadline=None)
@given(st.lists(changes(), min_size=1, max_size=6))
@example(seq=[{"a": "1\n"}, {"a": None, "a/a": "1\n"}])  # found by a CI run: a file turned into a directory
def test_property_index_equals_scratch_after_any_sequence_of_changes(seq):
    with tempfile.TemporaryDirectory() as d:
        b = RepoBuilder(Path(d) / "r")
        state: dict[str, str] = {}
        for change in seq:
            new = _apply(state, change)
            delta = {p: new.get(p) for p in set(state) | set(new) if state.get(p) != new.get(p)}
            if not delta and state:
                continue
            sha = b.commit({p: v for p, v in delta.items() if v is not None or p in state})
            state = new
            ctx = ctx_at(b, sha, tuple(sorted(delta)))
            assert_matches_scratch(ctx)
            assert ctx.paths == tuple(sorted(state))
            assert missing_tests(ctx) == missing_tests(plain(ctx))


def test_a_name_union_answers_like_the_set_of_its_names_and_shares_its_parts():
    leaf = M.NameUnion(frozenset({"a", "b"}))
    mid = M.NameUnion(frozenset({"c"}), (leaf,))
    top = M.NameUnion(frozenset({"b", "d"}), (mid, leaf))
    assert top == {"a", "b", "c", "d"} and len(top) == 4 and sorted(top) == ["a", "b", "c", "d"]
    assert "a" in top and "c" in top and "e" not in top
    assert {"a", "d"} <= top and not {"a", "e"} <= top
    assert top.parts[0].parts[0] is leaf  # referred to, not copied


def test_an_unchanged_subtree_s_names_are_shared_by_the_next_commit(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    first = ctx_at(b, b.commit({"lib/pkg/mod.py": "", "app/main.py": ""})).tree_facts()
    second = ctx_at(b, b.commit({"app/other.py": ""})).tree_facts()
    assert {"pkg", "mod", "main", "other"} <= second.first_party_py
    lib_first = [p for p in first.first_party_py.parts if "pkg" in p]
    lib_second = [p for p in second.first_party_py.parts if "pkg" in p]
    assert lib_first and lib_second and lib_first[0] is lib_second[0]
