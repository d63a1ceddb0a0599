"""Stable ids for local commits: a change's id comes from the repository, never from the clone's directory.

Two reviewers who clone the same remote into ``shop`` and ``shop-bob`` must get the same change ids,
the same deep-dive samples and the same assignments; a database made before stable ids keeps its
verdicts (a migration renames the repository everywhere).
"""

from __future__ import annotations

import pygit2
import pytest
from hypothesis import given, strategies as st

from gitrepo import RepoBuilder
from triage.config import config_with
from triage.errors import TriageError
from triage.git import key_text, normalize_remote, open_repo, repo_key
from triage.ingest import ingest
from triage.links import safe_id
from triage.rotation import Roster
from triage.rotation_store import assign_pending
from triage.store import Store

SECRET = b"shared-team-secret-0123456789"
DAY = "2026-03-02"
ROSTER = Roster.from_config(config_with({"team": {"members": [{"name": n, "emails": [f"{n}@team.test"]}
                                                              for n in ("alice", "bob", "carol")]}}))


def _upstream(tmp_path, n: int = 12) -> str:
    """A bare remote with AI-authored commits (some risky, so tiers and samples differ)."""
    work = RepoBuilder(tmp_path / "seed")
    for i in range(n):
        body = f"def f{i}(x):\n    return x + {i}\n" if i % 3 else f"import os\nos.system(input())  # {i}\n"
        work.commit({f"app/m{i}.py": body}, f"change {i}\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
                    name="Dev", email="dev@elsewhere.test")
    bare = tmp_path / "upstream" / "shop.git"
    pygit2.clone_repository(str(work.path), str(bare), bare=True)
    return str(bare)


def _ingested(tmp_path, url: str, clone_name: str, db=None) -> Store:
    clone = tmp_path / "clones" / clone_name
    pygit2.clone_repository(url, str(clone))
    store = Store(db or tmp_path / f"{clone_name}.db")
    ingest(store, clone, secret=SECRET, workers=1)
    return store


def _facts(store: Store) -> dict[str, tuple]:
    return {r["id"]: (r["tier"], r["sampled"], r["sample_u"])
            for r in store.query("SELECT id, tier, sampled, sample_u FROM changes")}


def test_two_clones_under_different_names_get_the_same_ids_samples_and_assignments(tmp_path):
    url = _upstream(tmp_path)
    with _ingested(tmp_path, url, "shop") as a, _ingested(tmp_path, url, "shop-bob") as b:
        facts_a, facts_b = _facts(a), _facts(b)
        assert len(facts_a) == 12 and facts_a == facts_b
        assert all("shop-bob" not in cid for cid in facts_b)
        plan_a = {x.change_id: x.reviewer for x in assign_pending(a, ROSTER, DAY, key=SECRET)}
        plan_b = {x.change_id: x.reviewer for x in assign_pending(b, ROSTER, DAY, key=SECRET)}
        assert plan_a == plan_b and len(plan_a) == 12 and None not in plan_a.values()


@pytest.mark.parametrize("url", [
    "https://github.com/acme/shop.git",
    "https://alice:ghp_secret@github.com/acme/shop",
    "ssh://git@github.com:22/acme/shop.git",
    "git@github.com:acme/shop.git",
    "git@GitHub.com:acme/shop/",
])
def test_every_way_of_naming_a_remote_gives_one_key_without_credentials(url):
    assert normalize_remote(url) == "github.com/acme/shop"


def test_a_local_remote_is_named_by_its_absolute_path(tmp_path):
    (tmp_path / "w").mkdir()
    assert normalize_remote("../srv/shop.git", tmp_path / "w") == normalize_remote(str(tmp_path / "srv/shop.git"))
    assert normalize_remote(f"file://{tmp_path}/srv/shop.git") == normalize_remote(str(tmp_path / "srv" / "shop"))


@given(st.text(max_size=80))
def test_a_key_is_always_made_of_id_characters(text):
    key = key_text(text)
    assert ":" not in key and (not key or safe_id(f"git:{key}:{'a' * 40}"))


def test_without_a_remote_the_key_is_the_root_commit_the_same_in_every_copy(tmp_path):
    one = RepoBuilder(tmp_path / "one")
    one.commit({"a.py": "x = 1\n"})
    one.commit({"a.py": "x = 2\n"})
    copy = tmp_path / "elsewhere-named"
    pygit2.clone_repository(str(one.path), str(copy))
    pygit2.Repository(str(copy)).remotes.delete("origin")
    assert repo_key(open_repo(one.path)) == repo_key(open_repo(copy))
    assert repo_key(open_repo(copy)).startswith("root-") and "one" not in repo_key(open_repo(copy))


def test_the_reviewers_config_or_the_clones_git_config_name_the_key(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    b.commit({"a.py": "x = 1\n"})
    b.repo.remotes.create("origin", "git@github.com:acme/shop.git")
    repo = open_repo(b.path)
    assert repo_key(repo) == "github.com/acme/shop"
    b.repo.config["triage.id"] = "shop"
    assert repo_key(open_repo(b.path)) == "shop"
    cfg = config_with({"git": {"ids": {"git@github.com:acme/shop.git": "acme-shop"}}})
    assert repo_key(open_repo(b.path), cfg) == "acme-shop"
    assert repo_key(open_repo(b.path), config_with({"git": {"ids": {str(b.path): "by-path"}}})) == "by-path"
    with pytest.raises(TriageError, match=r"\[git.ids\]"):
        repo_key(open_repo(b.path), config_with({"git": {"ids": {str(b.path): ":::"}}}))


def test_a_repositorys_own_config_file_cannot_rename_it(tmp_path):
    from triage.config import load_config

    b = RepoBuilder(tmp_path / "r")
    b.commit({".triage.toml": '[git.ids]\n"git@github.com:acme/shop.git" = "evil"\n'})
    b.repo.remotes.create("origin", "git@github.com:acme/shop.git")
    b.repo.references.create("refs/remotes/origin/HEAD", b.repo.head.target)
    warnings: list[str] = []
    cfg = load_config(b.path, warn=warnings.append)
    assert repo_key(open_repo(b.path), cfg) == "github.com/acme/shop"
    assert any("git" in w for w in warnings)


def _old_style(store: Store, old: str, new: str) -> None:
    """Make ``store`` look like one written before stable ids: the repository under its directory name."""
    from triage.store import rekey_repo

    with store.write() as conn:
        rekey_repo(conn, new, old)
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_repo_ids'")


def test_the_migration_keeps_an_old_databases_verdicts_answers_and_assignments(tmp_path):
    url = _upstream(tmp_path, n=4)
    store = _ingested(tmp_path, url, "shop")
    new = store.query("SELECT DISTINCT repo FROM changes")[0]["repo"]
    cid = store.query("SELECT id FROM changes ORDER BY id LIMIT 1")[0]["id"]
    vid = store.record_verdict(cid, "needs-fix", note="n", reviewer="alice")
    store.answer_checklist(cid, "item", "yes", reviewer="alice")
    assigned = {a.change_id: a.reviewer for a in assign_pending(store, ROSTER, DAY, key=SECRET)}
    _old_style(store, "shop", new)
    old_id = cid.replace(new, "shop")
    assert store.verdicts_for(old_id) and not store.verdicts_for(cid)
    store.close()
    with Store(tmp_path / "shop.db") as again:  # the migration runs on open
        assert [v["id"] for v in again.verdicts_for(cid)] == [vid]
        assert again.checklist_answers(cid)["item"]["answer"] == "yes"
        assert again.query("SELECT count(*) AS n FROM assignments WHERE change_id LIKE 'git:shop:%'")[0]["n"] == 0
        assert {r["change_id"]: r["reviewer"] for r in again.query("SELECT change_id, reviewer FROM assignments")
                } == assigned and len(assigned) == 3
        assert again.latest_verdicts()[cid]["verdict"] == "needs-fix"
        with pytest.raises(TriageError, match="append-only"):  # the guards are back
            with again.write() as conn:
                conn.execute("DELETE FROM verdicts")
        result = ingest(again, tmp_path / "clones" / "shop", secret=SECRET, workers=1)
        assert result.analysed == 0  # nothing analysed twice under the new name


def test_an_ingest_renames_what_the_migration_could_not_reach(tmp_path, db_target):
    url = _upstream(tmp_path, n=3)
    store = _ingested(tmp_path, url, "shop", db_target)
    new = store.query("SELECT DISTINCT repo FROM changes")[0]["repo"]
    cid = store.query("SELECT id FROM changes ORDER BY id LIMIT 1")[0]["id"]
    store.record_verdict(cid, "approve", reviewer="alice")
    from triage.store import rekey_repo

    with store.write() as conn:
        rekey_repo(conn, new, "shop")
    result = ingest(store, tmp_path / "clones" / "shop", secret=SECRET, workers=1)
    assert result.analysed == 0  # its ingest head was renamed too: nothing new to walk
    assert store.latest_verdicts()[cid]["verdict"] == "approve"
    assert {r["repo"] for r in store.query("SELECT repo FROM changes")} == {new}
    with pytest.raises(TriageError, match="append-only"):
        with store.write() as conn:
            conn.execute("UPDATE verdicts SET verdict = 'approve'")
