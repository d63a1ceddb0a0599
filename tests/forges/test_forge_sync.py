"""Sync: merged and labelled PRs arrive in the queue, judged exactly like local commits."""

from __future__ import annotations

import json
import time

import pytest

from triage.forges.errors import AuthError, ListingIncomplete
from triage.store import Store
from triage.forges.sync import cursor_key, read_cursor, sync
from triage.services.verdicts import record

from forge_env import CLAUDE_TRAILER, DAY, PAY_V2, REPO

SECRET = b"test-secret"
_WHERE: dict = {}


@pytest.fixture(autouse=True)
def _on_both_engines(db_target):
    """Every sync test runs on a SQLite file and on a PostgreSQL database."""
    _WHERE["db"] = db_target


def _sync(forge, store, cfg, **kw):
    with forge.client() as client:
        return sync(store, client, label=kw.pop("label", "ai-review"), cfg=cfg, secret=SECRET, **kw)


def test_sync_lists_ai_merged_and_labelled_open_changes(forge, tmp_path, cfg):
    with Store(_WHERE["db"]) as store:
        res = _sync(forge, store, cfg)
        rows = {r["id"]: r for r in store.query("SELECT * FROM changes")}
        findings = store.findings_for(f"{forge.kind}:{REPO}#3")
    k = forge.kind
    # 1 (claude, merged) and 3 (labelled, open); not 2 (human), 4 (no label), 5 (outside the window)
    assert set(rows) == {f"{k}:{REPO}#1", f"{k}:{REPO}#3"}
    assert (res.listed, res.analysed, res.skipped_human) == (3, 2, 1)
    one, three = rows[f"{k}:{REPO}#1"], rows[f"{k}:{REPO}#3"]
    assert (one["state"], one["agent"], one["branch"], one["source"]) == ("merged", "claude", "claude/refunds", k)
    assert (three["state"], three["agent"], three["author_login"]) == ("open", "copilot", "carol")
    assert json.loads(three["labels"]) == ["ai-review"]
    assert one["number"] == 1 and one["url"].endswith("/1") and one["url"].startswith(forge.fake.origin)
    assert one["sha"] == forge.repo.pulls[1].head_sha
    assert b"+def refund(order_id, reason):" in one["patch"]
    signals = {e["signal"] for e in json.loads(one["evidence"])}
    assert {"branch", "footer", "trailer"} <= signals  # head branch, PR body footer, commit trailer
    rules = {f["rule"] for f in findings}
    assert {"hardcoded-secret", "hallucinated-import"} <= rules  # manifests read through the forge


def test_sync_all_keeps_human_changes_and_label_can_be_turned_off(github, tmp_path, cfg):
    with Store(_WHERE["db"]) as store:
        res = _sync(github, store, cfg, include_all=True, label="")
        ids = {r["id"] for r in store.query("SELECT id FROM changes")}
    assert ids == {f"github:{REPO}#1", f"github:{REPO}#2"}
    assert res.skipped_human == 0


def test_a_forge_change_is_judged_like_the_same_local_commit(github, tmp_path, cfg):
    """Same commit, two sources: the same tier, score, findings and files."""
    from triage.ingest import ingest
    from gitrepo import RepoBuilder

    local = RepoBuilder(tmp_path / "local")
    from forge_env import BASE_FILES

    local.commit(BASE_FILES, "initial import")
    local.commit({"app/pay.py": PAY_V2}, "Add refunds" + CLAUDE_TRAILER)
    with Store(tmp_path / "local.db") as store:
        ingest(store, local.path, secret=SECRET, cfg=cfg)
        (lrow,) = store.query("SELECT * FROM changes")
        lfind = store.findings_for(lrow["id"])
    with Store(tmp_path / "forge.db") as store:
        _sync(github, store, cfg)
        frow = store.get_change(f"github:{REPO}#1")
        ffind = store.findings_for(frow["id"])
    assert (frow["tier"], frow["score"], frow["added"], frow["deleted"]) == \
        (lrow["tier"], lrow["score"], lrow["added"], lrow["deleted"])
    assert ffind == lfind
    assert frow["files"] == json.loads(lrow["files"])


def test_second_sync_is_incremental_and_revalidates_with_etags(forge, tmp_path, cfg):
    since = time.time() - 7 * DAY  # the same window twice (GitLab puts it in the URL)
    with Store(_WHERE["db"]) as store:
        _sync(forge, store, cfg, since=since)
        before = forge.fake.rate_remaining
        sent_before = len(forge.fake.requests)
        res = _sync(forge, store, cfg, since=since)
        assert (res.analysed, res.skipped_known) == (0, 3 - res.skipped_human)
    again = forge.fake.requests[sent_before:]
    assert again, "the second sync asked the forge again"
    conditional = [r for r in again if r.method == "GET" and "if-none-match" in r.headers]
    assert conditional and all(r.status == 304 for r in conditional)
    assert forge.fake.rate_remaining == before  # a 304 costs no rate limit
    first_gets = [r for r in forge.fake.requests[:sent_before] if r.method == "GET"]
    assert not any("if-none-match" in r.headers for r in first_gets)  # nothing cached: no validator sent


def test_cursor_advances_only_after_a_complete_sync(github, tmp_path, cfg):
    with Store(_WHERE["db"]) as store:
        key = cursor_key("github", github.fake.origin, REPO)
        github.fake.fault("status", status=500, method="GET", path=r"/pulls/1/commits$", times=50)
        with pytest.raises(ListingIncomplete) as info:
            _sync(github, store, cfg)
        assert "incomplete" in str(info.value) and "page 1" in str(info.value)
        assert read_cursor(store, key) is None
        github.fake.faults.clear()
        started = time.time()
        _sync(github, store, cfg)
        assert read_cursor(store, key) == pytest.approx(started - 120, abs=5)


def test_incremental_sync_starts_from_the_cursor(github, tmp_path, cfg):
    with Store(_WHERE["db"]) as store:
        _sync(github, store, cfg)
        now = time.time()
        github.repo.add_pr(6, {"app/new.py": "Z = 3\n"}, title="New AI work", body="", user="amy",
                           head_ref="claude/new", merged=True, created_at=now, updated_at=now)
        res = _sync(github, store, cfg)
        assert res.ids == [f"github:{REPO}#6"]
        assert res.listed == 2  # 6 and the open #3: the merged listing stopped at the cursor


def test_a_401_in_the_middle_keeps_what_was_complete_and_no_cursor(github, tmp_path, cfg):
    with Store(_WHERE["db"]) as store:
        github.fake.fault("unauthorized", path=r"/pulls/3/commits$")
        with pytest.raises(AuthError) as info:
            _sync(github, store, cfg)
        assert "401" in str(info.value) and github.token not in str(info.value)
        assert "GH_TOKEN" in str(info.value)
        assert [r["id"] for r in store.query("SELECT id FROM changes")] == [f"github:{REPO}#1"]
        assert read_cursor(store, cursor_key("github", github.fake.origin, REPO)) is None


def test_pagination_follows_links_across_small_pages(forge, tmp_path, cfg):
    forge.fake.per_page_max = 1
    with Store(_WHERE["db"]) as store:
        res = _sync(forge, store, cfg)
    assert res.analysed == 2
    pages = [r for r in forge.fake.requests if r.path.endswith("/pulls") or r.path.endswith("/merge_requests")]
    assert len(pages) >= 3
    assert any(r.query.get("page") == ["2"] for r in pages)


def test_gitlab_without_link_headers_follows_x_next_page(gitlab, tmp_path, cfg):
    gitlab.fake.send_link = False
    gitlab.fake.per_page_max = 1
    with Store(_WHERE["db"]) as store:
        res = _sync(gitlab, store, cfg)
    assert res.analysed == 2


def test_diff_too_large_falls_back_to_files_and_withheld_patch_marks_incomplete(github, tmp_path, cfg):
    pr = github.repo.pulls[1]
    pr.too_large = True
    pr.withhold_patch = {"app/pay.py"}
    with Store(_WHERE["db"]) as store:
        res = _sync(github, store, cfg)
        row = store.get_change(f"github:{REPO}#1")
    assert res.incomplete == 1
    (f,) = row["files"]
    assert any(n.startswith("review incomplete:") for n in f["notes"])
    assert (f["added"], f["deleted"]) == (6, 0)  # counts from the forge even without the patch
    assert github.fake.requests_to("GET", r"/pulls/1/files$")


def test_too_large_diff_with_patches_is_rebuilt_from_files(github, tmp_path, cfg):
    github.repo.pulls[1].too_large = True
    with Store(_WHERE["db"]) as store:
        res = _sync(github, store, cfg)
        row = store.get_change(f"github:{REPO}#1")
        findings = store.findings_for(row["id"])
    assert res.incomplete == 0
    assert b"+def refund(order_id, reason):" in row["patch"]
    assert {"shell-injection", "eval-exec"} <= {f["rule"] for f in findings}


def test_gitlab_too_large_file_marks_incomplete(gitlab, tmp_path, cfg):
    gitlab.repo.pulls[1].withhold_patch = {"app/pay.py"}
    with Store(_WHERE["db"]) as store:
        res = _sync(gitlab, store, cfg)
        row = store.get_change(f"gitlab:{REPO}#1")
    assert res.incomplete == 1
    assert any(n.startswith("review incomplete:") for n in row["files"][0]["notes"])


def test_gitea_broken_diff_falls_back_to_file_list(gitea, tmp_path, cfg):
    gitea.fake.broken_diff.add(1)
    with Store(_WHERE["db"]) as store:
        res = _sync(gitea, store, cfg)
        row = store.get_change(f"gitea:{REPO}#1")
    assert res.incomplete == 1
    assert row["files"][0]["added"] == 6


def test_an_open_pr_that_merges_is_reassessed(github, tmp_path, cfg):
    with Store(_WHERE["db"]) as store:
        _sync(github, store, cfg)
        pr = github.repo.pulls[3]
        pr.state, pr.merged, pr.merged_at, pr.updated_at = "closed", True, time.time(), time.time()
        _sync(github, store, cfg)
        assert store.get_change(f"github:{REPO}#3")["state"] == "merged"


def test_a_reviewed_pr_that_gets_new_commits_is_in_the_queue_again(forge, tmp_path, cfg):
    from triage.services.changes import change_details
    from triage.queue import load_queue

    cid = f"{forge.kind}:{REPO}#3"
    with Store(_WHERE["db"]) as store:
        _sync(forge, store, cfg)
        record(store, cid, "approve", reviewer="ana")
        item = next(i for i in load_queue(store) if i.id == cid)
        assert (item.state, item.shown_state) == ("approve", "approve")
        pr = forge.repo.pulls[3]
        first = pr.head_sha
        pr.head_sha = forge.repo.builder.commit({"app/more.py": "def more():\n    return 1\n"}, "More AI work",
                                                parents=[first], ref="refs/heads/pr-3")
        pr.commits.append(pr.head_sha)
        pr.updated_at = time.time()
        res = _sync(forge, store, cfg)
        assert cid in res.ids
        item = next(i for i in load_queue(store) if i.id == cid)
        assert (item.state, item.shown_state, item.verdict) == ("unreviewed", "updated", None)
        assert item.to_json()["superseded_verdict"]["sha"] == first
        assert cid in {i.id for i in load_queue(store, state="unreviewed")}
        assert [i.id for i in load_queue(store, state="updated")] == [cid]
        d = change_details(store, cid)
        assert d["verdict"] is None and [v["superseded"] for v in d["verdicts"]] == [True]
        # what the approval will post stays bound to the head that was reviewed
        targets = [r["target"] for r in store.query("SELECT target FROM outbox WHERE action = 'status'")]
        assert targets == [f"{forge.kind}:{REPO}@{first}"]


def test_unreadable_post_image_falls_back_to_hunks(github, tmp_path, cfg):
    github.fake.fault("status", status=503, path=r"/contents/app/pay\.py$", times=100)
    with Store(_WHERE["db"]) as store:
        _sync(github, store, cfg)
        row = store.get_change(f"github:{REPO}#1")
        rules = {f["rule"] for f in store.findings_for(row["id"])}
    assert any("diff hunks only" in n for n in row["files"][0]["notes"])
    assert {"shell-injection", "eval-exec"} <= rules  # the added lines are still analysed
