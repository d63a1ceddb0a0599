"""Faults a real pull request hits, reproduced on the loopback forges (issue 21).

Each test makes the fake forge misbehave the way the real API does (GitHub's 422
for inline comments off the diff, 301/307 for a renamed repository, the
250-commit cap, drafts, a force-push after the verdict) and checks that the
verdict then reaches the forge exactly once, visibly, or that the reviewer is
told why not.
"""

from __future__ import annotations

import json
import time

from triage.forges.http import RetryPolicy
from triage.forges.outbox import push
from triage.forges.publish import marker, status_marker
from triage.queue import load_queue
from triage.store import Store
from triage.forges.sync import sync
from triage.services.verdicts import record

from forge_env import CLAUDE_TRAILER, DAY, REPO

SECRET = b"test-secret"
PUSH_POLICY = RetryPolicy(attempts=3, wait_initial=0.001, wait_max=0.005, wait_jitter=0.0, rate_limit_max_wait=0.0)
NEW_NAME = "acme-corp/store"


def synced(forge, store, cfg, **kw):
    with forge.client() as client:
        return sync(store, client, label="ai-review", cfg=cfg, secret=SECRET, **kw)


def do_push(store, forge, **kw):
    return push(store, lambda s, r, b: forge.client(policy=PUSH_POLICY), clock=forge.clock.time,
                sleep=forge.clock.sleep, **kw)


def marker_count(forge, row_id: str, status: bool = False) -> int:
    tag = status_marker(row_id) if status else marker(row_id)
    return sum(b.count(tag) for b in forge.fake.all_bodies())


def rows(store):
    return store.query("SELECT id, action, target, state, last_error, body FROM outbox ORDER BY created_at, rowid")


# --------------------------------------------------------------- force-push after the verdict


def force_push(forge) -> tuple[str, str]:
    """Rewrite PR #3: the file the findings point at is gone, so their lines are off the diff."""
    old = forge.repo.pulls[3].head_sha
    new = forge.repo.force_push(3, {"app/auth_loader.py": "def load():\n    return {}\n"},
                                "Rewrite the auth loader")
    return old, new


def test_a_force_push_after_the_verdict_holds_its_posts_and_nothing_reaches_the_old_head(forge, tmp_path, cfg):
    with Store(tmp_path / "t.db") as store:
        synced(forge, store, cfg)
        record(store, f"{forge.kind}:{REPO}#3", "approve", note="checked the loader")
        old, new = force_push(forge)
        res = do_push(store, forge)
        assert res.posted == 0 and res.held == len(rows(store))
        assert not forge.fake.requests_to("POST", ".*"), "something was posted about code nobody reviewed"
        assert all(r["state"] == "held" and "head moved" in r["last_error"] for r in rows(store))
        assert any(old[:12] in m and new[:12] in m and "--confirm-moved" in m for m in res.messages)
        assert store.posts_waiting() == len(rows(store))  # the app's "to push" count still shows them


def test_confirm_moved_posts_once_to_the_current_head_with_a_note_and_lines_moved(github, tmp_path, cfg):
    with Store(tmp_path / "t.db") as store:
        synced(github, store, cfg)
        record(store, f"github:{REPO}#3", "needs-fix", note="secret in code")
        review_row = next(r for r in rows(store) if r["action"] == "review")
        assert json.loads(review_row["body"])["comments"], "the scenario needs inline findings"
        old, new = force_push(github)
        assert do_push(store, github).held == 2
        res = do_push(store, github, confirm_moved=True)
        assert (res.posted, res.held, res.failed, res.pending) == (2, 0, 0, 0)
        # the review: one, on the new head, with the note; its findings in the body (GitHub refused the anchors)
        (review,) = github.fake.reviews[(REPO, 3)]
        assert review["commit_id"] == new and review["comments"] == []
        assert f"given at {old[:12]}" in review["body"] and "Lines moved" in review["body"]
        assert "hardcoded" in review["body"] or "secret" in review["body"].lower()
        rejected = [r for r in github.fake.requests_to("POST", r"/reviews$") if r.status == 422]
        assert len(rejected) == 1  # one refusal, one re-post: no loop, no duplicate
        # the status: on the head the PR has now, never on the one it lost
        assert (REPO, old) not in github.fake.statuses
        (status,) = github.fake.statuses[(REPO, new)]
        assert status["state"] == "failure"
        assert all(marker_count(github, r["id"], r["action"] == "status") == 1 for r in rows(store))
        assert any("lines moved" in m for m in res.messages)
        assert do_push(store, github).posted == 0
        assert do_push(store, github, confirm_moved=True).posted == 0


def test_a_review_whose_inline_lines_left_the_diff_is_posted_once_with_them_in_the_body(github, tmp_path, cfg):
    """The 422 GitHub gives for an anchor off the diff (head unchanged: the stored patch was stale)."""
    with Store(tmp_path / "t.db") as store:
        synced(github, store, cfg)
        record(store, f"github:{REPO}#3", "needs-fix")
        row = next(r for r in rows(store) if r["action"] == "review")
        payload = json.loads(row["body"])
        payload["comments"][0]["line"] = 999
        with store.write() as conn:
            conn.execute("UPDATE outbox SET body = ? WHERE id = ?", (json.dumps(payload), row["id"]))
        res = do_push(store, github)
        assert (res.posted, res.failed) == (2, 0)
        (review,) = github.fake.reviews[(REPO, 3)]
        assert review["state"] == "CHANGES_REQUESTED" and review["comments"] == []
        assert "Lines moved" in review["body"] and "app/auth.py:999" in review["body"].replace("\\", "")
        assert marker_count(github, row["id"]) == 1


def test_a_gitlab_discussion_whose_line_is_gone_becomes_a_note(gitlab, tmp_path, cfg):
    with Store(tmp_path / "t.db") as store:
        synced(gitlab, store, cfg)
        record(store, f"gitlab:{REPO}#3", "needs-fix")
        inline = [r for r in rows(store) if r["action"] == "inline"]
        assert inline
        payload = json.loads(inline[0]["body"])
        payload["line"] = 999
        with store.write() as conn:
            conn.execute("UPDATE outbox SET body = ? WHERE id = ?", (json.dumps(payload), inline[0]["id"]))
        res = do_push(store, gitlab)
        assert res.failed == 0 and res.pending == 0
        notes = [n["body"] for n in gitlab.fake.notes[(REPO, 3)]]
        assert sum("Lines moved" in b for b in notes) == 1
        assert marker_count(gitlab, inline[0]["id"]) == 1


# --------------------------------------------------------------- renamed or transferred repository


def test_a_renamed_repository_gets_every_post_once_and_keeps_its_change_ids(forge, tmp_path, cfg):
    k = forge.kind
    with Store(tmp_path / "t.db") as store:
        synced(forge, store, cfg)
        record(store, f"{k}:{REPO}#1", "needs-fix", note="refund shells out")
        record(store, f"{k}:{REPO}#3", "approve")
        forge.fake.rename(REPO, NEW_NAME)
        res = do_push(store, forge)
        n = len(rows(store))
        assert (res.posted, res.failed, res.pending, res.blocked) == (n, 0, 0, 0), res.messages
        assert all(marker_count(forge, r["id"], r["action"] == "status") == 1 for r in rows(store)
                   if r["action"] != "approve")
        assert any(NEW_NAME in m and "renamed or transferred" in m for m in res.messages)
        (remote,) = store.forge_remotes()
        assert (remote["repo"], remote["remote_repo"]) == (REPO, NEW_NAME)
        # the redirects were followed by the forge's own rules, on the same host only
        redirected = [r for r in forge.fake.requests if r.status in (301, 307)]
        assert redirected
        if k == "gitlab":
            assert any(r.status == 405 for r in forge.fake.requests)  # GitLab refuses writes to the old path
        assert do_push(store, forge).posted == 0
        # syncing again, by either name, keeps the ids (the old name is an alias)
        before = {r["id"] for r in store.query("SELECT id FROM changes")}
        synced(forge, store, cfg)
        from triage.forges import open_forge

        client = open_forge(k, NEW_NAME, forge.url, env=forge.env, cache_file=tmp_path / "t.httpcache.db",
                            gh_token=lambda h: None, policy=PUSH_POLICY)
        with client:
            res = sync(store, client, label="ai-review", cfg=cfg, secret=SECRET)
        assert res.repo == REPO
        assert {r["id"] for r in store.query("SELECT id FROM changes")} == before
        assert all(cid.startswith(f"{k}:{REPO}#") for cid in before)


def test_a_sync_through_a_rename_keeps_the_listing_query_and_records_the_new_name(forge, tmp_path, cfg):
    forge.fake.rename(REPO, NEW_NAME)
    with Store(tmp_path / "t.db") as store:
        res = synced(forge, store, cfg)
        assert res.analysed == 2 and res.renamed_to == NEW_NAME
        assert {r["id"] for r in store.query("SELECT id FROM changes")} == {f"{forge.kind}:{REPO}#1",
                                                                              f"{forge.kind}:{REPO}#3"}
        assert store.forge_remotes()[0]["remote_repo"] == NEW_NAME
    listings = [r for r in forge.fake.requests if r.method == "GET" and r.path.endswith(("/pulls", "/merge_requests"))
                and r.status == 200]
    assert listings and all(r.query.get("state") for r in listings)  # the query survived the redirect
    assert {r.query["state"][0] for r in listings} >= ({"merged", "opened"} if forge.kind == "gitlab"
                                                        else {"closed", "open"})


def test_a_redirect_for_a_write_to_another_host_is_refused_with_one_line(github, tmp_path, cfg):
    from fakeforge import FakeGitHub

    other = FakeGitHub("x").start()
    try:
        with Store(tmp_path / "t.db") as store:
            synced(github, store, cfg)
            record(store, f"github:{REPO}#1", "approve")
            github.fake.fault("redirect", method="POST", location=other.origin, times=5)
            res = do_push(store, github)
            assert res.posted == 0 and res.failed == 1
            (msg,) = [m for m in res.messages if "another host" in m]
            assert "\n" not in msg
        assert other.requests == []
    finally:
        other.stop()


# --------------------------------------------------------------- the 250-commit cap


def long_pr(forge, now: float, n: int = 260) -> None:
    steps = [({"app/long.py": f"X = {i}\n"}, f"step {i}") for i in range(n - 1)]
    steps.append(({"app/long.py": f"X = {n}\n"}, "last step" + CLAUDE_TRAILER))
    forge.repo.add_pr(7, {}, title="Long refactor", body="", user="zoe", head_ref="refactor", merged=True,
                      commits=steps, created_at=now - DAY, updated_at=now - 0.2 * DAY)


def test_a_pr_past_the_commit_cap_is_read_through_the_compare_api(github, tmp_path, cfg):
    long_pr(github, time.time())
    with Store(tmp_path / "t.db") as store:
        res = synced(github, store, cfg)
        row = store.get_change(f"github:{REPO}#7")
    assert row is not None, "a 260-commit PR whose AI trailer is on commit 260 was skipped as human"
    assert (row["kind"], row["agent"], row["provenance_note"]) == ("ai", "claude", "")
    assert res.provenance_incomplete == 0
    listed = github.fake.requests_to("GET", r"/pulls/7/commits$")
    compared = github.fake.requests_to("GET", r"/compare/")
    assert listed and compared and len(compared) >= 3  # 260 commits at 100 a page


def test_a_pr_past_the_cap_whose_rest_cannot_be_read_is_kept_and_marked_incomplete(github, tmp_path, cfg, capsys):
    long_pr(github, time.time())
    github.fake.fault("status", status=404, method="GET", path=r"/compare/", times=100)
    with Store(tmp_path / "t.db") as store:
        res = synced(github, store, cfg)
        row = store.get_change(f"github:{REPO}#7")
        assert row is not None and row["kind"] == "human"
        assert "250 of 260 commits" in row["provenance_note"] and "not seen" in row["provenance_note"]
        assert res.provenance_incomplete == 1
        (item,) = [i for i in load_queue(store) if i.id == f"github:{REPO}#7"]  # listed by default
        assert item.agent_label == "incomplete" and item.to_json()["provenance_incomplete"] is True
        from triage import cli

        db = tmp_path / "t.db"
    assert cli.main(["show", f"github:{REPO}#7", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "provenance incomplete" in out and "250 of 260" in out
    assert cli.main(["queue", "--db", str(db)]) == 0
    assert "incomplete" in capsys.readouterr().out


# --------------------------------------------------------------- drafts


def test_a_draft_is_listed_as_draft_and_posted_to_only_when_asked(forge, tmp_path, cfg):
    k = forge.kind
    forge.repo.pulls[3].draft = True
    with Store(tmp_path / "t.db") as store:
        res = synced(forge, store, cfg)
        assert res.drafts == 1
        (item,) = load_queue(store, state="draft")
        assert item.id == f"{k}:{REPO}#3" and item.shown_state == "draft" and item.to_json()["draft"] is True
        record(store, f"{k}:{REPO}#3", "approve")
        res = do_push(store, forge)
        assert res.posted == 0 and res.drafts == len(rows(store)) and res.pending == len(rows(store))
        assert not forge.fake.requests_to("POST", ".*")
        assert any("draft" in m and "--include-drafts" in m for m in res.messages)
        assert all("draft" in r["last_error"] for r in rows(store))
        res = do_push(store, forge, include_drafts=True)
        assert (res.posted, res.pending) == (len(rows(store)), 0)
        assert all(marker_count(forge, r["id"], r["action"] == "status") == 1 for r in rows(store)
                   if r["action"] != "approve")


def test_a_draft_that_becomes_ready_is_posted_by_a_plain_push(github, tmp_path, cfg):
    github.repo.pulls[3].draft = True
    with Store(tmp_path / "t.db") as store:
        synced(github, store, cfg)
        record(store, f"github:{REPO}#3", "approve")
        assert do_push(store, github).posted == 0
        github.repo.pulls[3].draft = False
        assert do_push(store, github).posted == 2
        res = synced(github, store, cfg)
        assert res.analysed == 1  # draft -> ready is a change worth re-reading
        assert load_queue(store, state="draft") == []


def test_the_push_command_says_why_nothing_was_posted(github, tmp_path, monkeypatch, capsys):
    from triage import cli

    monkeypatch.setenv("GH_TOKEN", github.token)
    monkeypatch.setenv("TRIAGE_SAMPLING_SECRET", "a-sixteen-char-secret")
    db = str(tmp_path / "t.db")
    github.repo.pulls[3].draft = True
    assert cli.main(["sync", "--forge", "github", "--repo", REPO, "--url", github.url, "--db", db]) == 0
    assert cli.main(["verdict", f"github:{REPO}#3", "--approve", "--db", db]) == 0
    assert cli.main(["push", "--db", db]) == 1
    out = capsys.readouterr()
    assert "0 posted" in out.out and "waiting for a draft" in out.out and "--include-drafts" in out.err
    assert cli.main(["push", "--include-drafts", "--db", db]) == 0
    assert "2 posted" in capsys.readouterr().out


def test_an_old_database_gains_the_new_columns_and_keeps_working(tmp_path):
    """Migration m007 on a database made before it: rows stay, the new fields default sensibly."""
    import sqlite3

    from triage.store.migrations import _MIGRATIONS

    db = tmp_path / "old.db"
    with Store(db) as store:
        store.record_forge_remote("github", REPO, "https://api.github.com")
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_forge_faults'")
    conn.execute("ALTER TABLE forge_remotes DROP COLUMN remote_repo")
    conn.execute("ALTER TABLE changes DROP COLUMN draft")
    conn.execute("ALTER TABLE changes DROP COLUMN provenance_note")
    conn.commit()
    conn.close()
    assert "m007_forge_faults" in [fn.__name__ for fn in _MIGRATIONS]
    with Store(db) as store:
        (remote,) = store.forge_remotes()
        assert (remote["repo"], remote["remote_repo"]) == (REPO, "")
        assert store.forge_identity("github", "https://api.github.com", REPO) == (REPO, REPO)


def test_forge_identity_maps_either_name_to_the_id_name(tmp_path):
    with Store(tmp_path / "t.db") as store:
        store.record_forge_remote("github", REPO, "https://api.github.com")
        store.record_forge_remote("github", REPO, "https://api.github.com", NEW_NAME)
        assert store.forge_identity("github", "https://api.github.com", REPO) == (REPO, NEW_NAME)
        assert store.forge_identity("github", "https://api.github.com", NEW_NAME) == (REPO, NEW_NAME)
        assert store.forge_identity("github", "https://ghe.example/api/v3", NEW_NAME) == (NEW_NAME, NEW_NAME)
        store.record_forge_remote("github", REPO, "https://api.github.com")  # a later sync keeps the new name
        assert store.forge_remotes()[0]["remote_repo"] == NEW_NAME

