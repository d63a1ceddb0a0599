"""Ingest: AI changes are found, analysed once, and resumed incrementally."""

import pytest

from triage.errors import TriageError
from triage.ingest import ingest
from triage.queue import load_queue
from triage.store import Store

from gitrepo import RepoBuilder

CLAUDE = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
SECRET = b"s"


@pytest.fixture
def repo(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    b.commit({"app/a.py": "x = 1\n"}, "human start")
    b.commit({"app/b.py": "def f():\n    return 2\n"}, "add f" + CLAUDE)
    b.commit({"README.md": "hello\n"}, "docs")
    return b


def test_only_ai_commits_are_analysed_by_default(repo, tmp_path):
    with Store(tmp_path / "t.db") as s:
        res = ingest(s, repo.path, secret=SECRET)
        assert (res.seen, res.analysed, res.skipped_human) == (3, 1, 2)
        items = load_queue(s, include_all=True)
    assert [i.title for i in items] == ["add f"]
    assert items[0].agent == "claude"


def test_all_includes_human_commits_and_queue_all_shows_them(repo, tmp_path):
    with Store(tmp_path / "t.db") as s:
        ingest(s, repo.path, include_all=True, secret=SECRET)
        assert len(load_queue(s)) == 1
        assert len(load_queue(s, include_all=True)) == 3


def test_second_ingest_adds_and_analyses_nothing(repo, tmp_path):
    with Store(tmp_path / "t.db") as s:
        first = ingest(s, repo.path, include_all=True, secret=SECRET)
        before = s.query("SELECT id, ingested_at, score FROM changes ORDER BY id")
        second = ingest(s, repo.path, include_all=True, secret=SECRET)
        after = s.query("SELECT id, ingested_at, score FROM changes ORDER BY id")
    assert first.analysed == 3
    assert (second.seen, second.analysed) == (0, 0)  # the walk stops at the recorded head
    assert before == after


def test_incremental_ingest_picks_up_only_new_commits(repo, tmp_path):
    with Store(tmp_path / "t.db") as s:
        ingest(s, repo.path, secret=SECRET)
        repo.commit({"app/c.py": "y = 3\n"}, "add c" + CLAUDE)
        res = ingest(s, repo.path, secret=SECRET)
        assert (res.seen, res.analysed) == (1, 1)
        assert sorted(i.title for i in load_queue(s)) == ["add c", "add f"]


def test_a_stored_sha_is_never_reanalysed_even_with_a_range(repo, tmp_path):
    with Store(tmp_path / "t.db") as s:
        ingest(s, repo.path, secret=SECRET)
        res = ingest(s, repo.path, rev_range="HEAD~2..HEAD", secret=SECRET)
        assert res.analysed == 0 and res.skipped_known == 1


def test_range_and_since_limit_the_walk(repo, tmp_path):
    with Store(tmp_path / "t.db") as s:
        res = ingest(s, repo.path, rev_range="HEAD~1..HEAD", include_all=True, secret=SECRET)
        assert res.seen == 1
    with Store(tmp_path / "u.db") as s:
        res = ingest(s, repo.path, since=repo.when - 1, include_all=True, secret=SECRET)
        assert res.seen == 1


def test_all_after_an_ai_only_ingest_adds_the_human_commits(repo, tmp_path):
    with Store(tmp_path / "t.db") as s:
        ingest(s, repo.path, secret=SECRET)
        res = ingest(s, repo.path, include_all=True, secret=SECRET)
        assert (res.analysed, res.skipped_known) == (2, 1)


def test_merge_commit_is_diffed_against_its_first_parent_and_attributed_by_branch(tmp_path):
    b = RepoBuilder(tmp_path / "m")
    base = b.commit({"a.py": "a = 1\n"}, "base")
    side = b.commit({"a.py": "a = 1\n", "feature.py": "f = 1\nf2 = 2\n"}, "feature work", parents=[base],
                    ref=None)
    main2 = b.commit({"a.py": "a = 2\n"}, "main moves on")
    b.commit({"a.py": "a = 2\n", "feature.py": "f = 1\nf2 = 2\n"},
             "Merge pull request #7 from bob/copilot/feature\n\nfeature", parents=[main2, side],
             name="Bob", email="bob@example.com")
    with Store(tmp_path / "t.db") as s:
        ingest(s, b.path, secret=SECRET)
        [item] = load_queue(s)
    assert item.agent == "copilot"
    assert [f["path"] for f in item.files] == ["feature.py"]  # first parent: the merged-in change only
    assert (item.added, item.deleted) == (2, 0)
    assert any(f["name"] == "merge" for f in item.factors)


def test_empty_repository_ingests_nothing(tmp_path):
    import pygit2

    pygit2.init_repository(str(tmp_path / "e"))
    with Store(tmp_path / "t.db") as s:
        assert ingest(s, tmp_path / "e", secret=SECRET).seen == 0


@pytest.mark.parametrize("bad", ["nope..HEAD", "HEAD..nope", "does-not-exist"])
def test_unknown_revision_is_a_one_line_error(repo, tmp_path, bad):
    with Store(tmp_path / "t.db") as s:
        with pytest.raises(TriageError, match="unknown revision"):
            ingest(s, repo.path, rev_range=bad, secret=SECRET)


def test_not_a_repository(tmp_path):
    with Store(tmp_path / "t.db") as s:
        with pytest.raises(TriageError, match="not a git repository"):
            ingest(s, tmp_path, secret=SECRET)
        with pytest.raises(TriageError, match="does not exist"):
            ingest(s, tmp_path / "missing", secret=SECRET)


def test_an_interrupted_ingest_resumes_without_losing_or_duplicating(repo, tmp_path, monkeypatch):
    import triage.ingest as ingest_mod

    for i in range(5):
        repo.commit({f"app/n{i}.py": f"n = {i}\n"}, f"n{i}" + CLAUDE)
    monkeypatch.setattr(ingest_mod, "BATCH", 2)
    calls = {"n": 0}
    real = ingest_mod.assess

    def flaky(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # as if the user hit ctrl-c mid-ingest
        return real(*a, **kw)

    monkeypatch.setattr(ingest_mod, "assess", flaky)
    with Store(tmp_path / "t.db") as s:
        with pytest.raises(KeyboardInterrupt):
            ingest(s, repo.path, secret=SECRET)
        stored = len(load_queue(s))
        assert stored == 2  # one full batch was committed before the interruption
        monkeypatch.setattr(ingest_mod, "assess", real)
        res = ingest(s, repo.path, secret=SECRET)
        assert res.analysed == 6 - stored
        assert len(load_queue(s)) == 6


def test_parallel_workers_store_the_same_rows_as_one_process(repo, tmp_path, monkeypatch):
    import triage.ingest as ingest_mod

    for i in range(6):
        repo.commit({f"app/p{i}.py": f"def f{i}(x):\n    return eval(x)\n"}, f"p{i}" + CLAUDE)
    cols = "id, tier, score, factors, sampled, files, n_findings, checklist"
    with Store(tmp_path / "one.db") as s:
        ingest(s, repo.path, include_all=True, secret=SECRET, workers=1)
        one = s.query(f"SELECT {cols} FROM changes ORDER BY id")
        one_f = s.query("SELECT change_id, rule, line FROM findings ORDER BY change_id, rule, line")
    monkeypatch.setattr(ingest_mod, "PARALLEL_MIN", 0)
    with Store(tmp_path / "two.db") as s:
        ingest(s, repo.path, include_all=True, secret=SECRET, workers=2)
        two = s.query(f"SELECT {cols} FROM changes ORDER BY id")
        two_f = s.query("SELECT change_id, rule, line FROM findings ORDER BY change_id, rule, line")
    assert len(one) == 9
    assert one == two and one_f == two_f


def test_a_pool_started_early_analyses_the_ai_commits_and_is_closed_even_with_nothing_to_do(
        repo, tmp_path, monkeypatch):
    import triage.ingest as ingest_mod

    pools = []
    real = ingest_mod.start_pool
    monkeypatch.setattr(ingest_mod, "PARALLEL_MIN", 0)
    monkeypatch.setattr(ingest_mod, "start_pool", lambda *a: pools.append(real(*a)) or pools[-1])
    repo.commit({"app/c.py": "y = 2\n"}, "human again")
    with Store(tmp_path / "t.db") as s:
        first = ingest(s, repo.path, secret=SECRET, workers=2)
        assert [i.title for i in load_queue(s)] == ["add f"]
        second = ingest(s, repo.path, rev_range="HEAD", secret=SECRET, workers=2)
    assert (first.seen, first.analysed, first.skipped_human) == (4, 1, 3)
    assert (second.seen, second.analysed, second.skipped_known) == (4, 0, 1)
    assert len(pools) == 2
    for pool in pools:  # shut down: no worker is left behind
        with pytest.raises(RuntimeError):
            pool.submit(int)


def test_analysing_commits_leaves_no_reference_cycles(repo, tmp_path):
    """Pool workers raise the collector's thresholds, which is only safe because an
    analysed change is freed by refcounting: its files, token streams, syntax trees
    and repository context must form no cycle the collector would have to find."""
    import gc

    repo.commit({"app/q.py": "import subprocess\n\n\ndef run(cmd):\n    # TODO: check\n"
                             "    return subprocess.run(cmd, shell=True)\n\n\n"
                             "def find(cur, uid):\n    cur.execute(f\"SELECT * FROM t WHERE id = {uid}\")\n",
                 "web/a.js": "export function f(u) {\n  return fetch(u);\n}\n"}, "flagged" + CLAUDE)
    with Store(tmp_path / "t.db") as s:
        gc.collect()
        gc.disable()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            res = ingest(s, repo.path, include_all=True, secret=SECRET, workers=1)
            gc.collect()
            ours = [o for o in gc.garbage if type(o).__module__.startswith("triage")
                    or type(o).__module__ == "ast"]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()
        findings = {f["rule"] for f in s.query("SELECT rule FROM findings")}
    assert res.analysed == 4
    assert {"shell-injection", "unresolved-todo", "missing-timeout", "sql-interpolation"} <= findings
    assert ours == [], sorted({type(o).__name__ for o in ours})
