"""Push: verdicts reach each forge exactly once, through every fault the reference lists."""

from __future__ import annotations

import pytest

from triage.forges.errors import AuthError
from triage.forges.http import RetryPolicy
from triage.forges.outbox import push
from triage.forges.publish import marker, status_marker
from triage.store import Store
from triage.forges.sync import sync
from triage.services.verdicts import record

from forge_env import REPO

SECRET = b"test-secret"
PUSH_POLICY = RetryPolicy(attempts=3, wait_initial=0.001, wait_max=0.005, wait_jitter=0.0, rate_limit_max_wait=0.0)


_WHERE: dict = {}


@pytest.fixture(autouse=True)
def _on_both_engines(db_target):
    """Every push test runs on a SQLite file and on a PostgreSQL database (the outbox is the store's)."""
    _WHERE["db"] = db_target


def synced(forge, tmp_path, cfg) -> Store:
    store = Store(_WHERE["db"])
    with forge.client() as client:
        sync(store, client, label="ai-review", cfg=cfg, secret=SECRET)
    return store


def do_push(store, forge, **kw):
    return push(store, lambda s, r, b: forge.client(policy=PUSH_POLICY), clock=forge.clock.time,
                sleep=forge.clock.sleep, **kw)


def marker_counts(store, forge) -> dict[str, int]:
    bodies = forge.fake.all_bodies()
    out = {}
    for r in store.query("SELECT id, action FROM outbox"):
        tag = status_marker(r["id"]) if r["action"] == "status" else marker(r["id"])
        out[r["id"]] = sum(b.count(tag) for b in bodies)
    return out


def approvals(forge) -> int:
    return sum(len(v) for v in getattr(forge.fake, "approvals", {}).values())


def verdicts(store, forge):
    k = forge.kind
    record(store, f"{k}:{REPO}#1", "needs-fix", note="refund shells out, please fix")
    record(store, f"{k}:{REPO}#3", "approve", note="checked")


def test_sync_then_push_delivers_every_verdict_once_and_a_second_push_posts_nothing(forge, tmp_path, cfg):
    store = synced(forge, tmp_path, cfg)
    verdicts(store, forge)
    res = do_push(store, forge)
    n_rows = store.query("SELECT count(*) AS n FROM outbox")[0]["n"]
    assert (res.posted, res.pending, res.failed, res.blocked) == (n_rows, 0, 0, 0)
    counts = marker_counts(store, forge)
    approve_rows = [r["id"] for r in store.query("SELECT id FROM outbox WHERE action = 'approve'")]
    assert all(counts[i] == 1 for i in counts if i not in approve_rows)
    assert approvals(forge) == len(approve_rows)
    assert forge.fake.validation_errors == []
    writes = len([r for r in forge.fake.requests if r.method == "POST"])
    again = do_push(store, forge)
    assert (again.posted, again.reconciled) == (0, 0)
    assert len([r for r in forge.fake.requests if r.method == "POST"]) == writes
    # what arrived: the verdict words, the reviewer's note, a follow-up issue for needs-fix
    bodies = "\n".join(forge.fake.all_bodies())
    assert "needs a fix" in bodies and "refund shells out, please fix" in bodies and "Follow-up" in bodies
    if forge.kind == "github":
        (review,) = forge.fake.reviews[(REPO, 3)]
        assert review["state"] == "APPROVED" and review["comments"]
    if forge.kind == "gitea":
        (review,) = forge.fake.reviews[(REPO, 3)]
        assert review["state"] == "APPROVED"
    store.close()


@pytest.mark.parametrize("fault", ["drop_after_commit", "error_after_commit"])
def test_a_write_committed_then_lost_is_found_by_its_marker_not_reposted(forge, tmp_path, cfg, fault):
    store = synced(forge, tmp_path, cfg)
    verdicts(store, forge)
    forge.fake.fault(fault, method="POST", times=2)
    res = do_push(store, forge)
    assert res.pending == 0 and res.failed == 0
    assert res.reconciled == 2  # the two lost answers were reconciled, not re-posted
    counts = marker_counts(store, forge)
    approve_rows = {r["id"] for r in store.query("SELECT id FROM outbox WHERE action = 'approve'")}
    assert all(v == 1 for k, v in counts.items() if k not in approve_rows)
    assert approvals(forge) == len(approve_rows)
    store.close()


def test_a_marker_in_someone_elses_comment_is_ignored(github, tmp_path, cfg):
    store = synced(github, tmp_path, cfg)
    record(store, f"github:{REPO}#1", "approve")
    (row,) = store.query("SELECT id FROM outbox")
    # an attacker pastes our marker into a comment; and our previous attempt "may have happened"
    github.fake.comments[(REPO, 1)] = [{"id": 1, "user": "mallory", "body": f"lol {marker(row['id'])}", "at": 0}]
    with store.write() as conn:
        conn.execute("UPDATE outbox SET attempts = 1")
    res = do_push(store, github)
    assert (res.posted, res.reconciled) == (1, 0)
    mine = [c for c in github.fake.comments[(REPO, 1)] if c["user"] == github.fake.login]
    assert len(mine) == 1 and marker(row["id"]) in mine[0]["body"]
    store.close()


def test_an_incomplete_listing_means_no_post(github, tmp_path, cfg):
    store = synced(github, tmp_path, cfg)
    record(store, f"github:{REPO}#1", "approve")
    github.fake.per_page_max = 1
    for i in range(3):
        github.fake.comments.setdefault((REPO, 1), []).append({"id": 10 + i, "user": "x", "body": "hi", "at": 0})
    with store.write() as conn:
        conn.execute("UPDATE outbox SET attempts = 1")
    github.fake.fault("status", status=500, method="GET", path=r"/issues/1/comments$", after=1, times=1000)
    res = do_push(store, github)
    assert res.posted == 0 and res.pending == 1
    (row,) = store.query("SELECT * FROM outbox")
    assert "incomplete" in row["last_error"]
    assert not github.fake.requests_to("POST", r"/comments$")
    store.close()


def test_401_stops_the_queue_and_rows_stay_pending(forge, tmp_path, cfg):
    store = synced(forge, tmp_path, cfg)
    verdicts(store, forge)
    forge.fake.fault("unauthorized", method="POST", after=1, times=100)
    with pytest.raises(AuthError) as info:
        do_push(store, forge)
    assert forge.token not in str(info.value)
    states = [r["state"] for r in store.query("SELECT state FROM outbox ORDER BY rowid")]
    assert states[0] == "done" and set(states[1:]) == {"pending"}
    assert len(forge.fake.requests_to("POST", ".*")) == 2  # stopped at the first 401
    store.close()


def test_403_blocks_the_row_with_the_scope_and_retry_blocked_resumes(github, tmp_path, cfg):
    store = synced(github, tmp_path, cfg)
    record(store, f"github:{REPO}#1", "approve")
    github.fake.fault("forbidden", method="POST")
    res = do_push(store, github)
    assert res.blocked == 1
    (row,) = store.query("SELECT state, last_error FROM outbox")
    assert row["state"] == "blocked" and "blocked: permission" in row["last_error"] and "repo" in row["last_error"]
    assert do_push(store, github).posted == 0
    assert do_push(store, github, retry_blocked=True).posted == 1
    store.close()


def test_422_is_a_permanent_failure_with_the_forge_message(github, tmp_path, cfg):
    github.repo.pulls[3].user = github.fake.login  # our own PR: GitHub refuses self-approval
    store = synced(github, tmp_path, cfg)
    record(store, f"github:{REPO}#3", "approve")
    res = do_push(store, github)
    assert res.failed == 1 and res.posted == 1  # the review failed; the status went through
    failed = store.query("SELECT last_error FROM outbox WHERE state = 'failed'")[0]["last_error"]
    assert "422" in failed and "approve your own pull request" in failed
    store.close()


def test_gitea_never_sends_approve_and_comments_on_merged(gitea, tmp_path, cfg):
    store = synced(gitea, tmp_path, cfg)
    record(store, f"gitea:{REPO}#1", "approve")
    record(store, f"gitea:{REPO}#3", "needs-fix")
    res = do_push(store, gitea)
    assert res.failed == 0 and gitea.fake.validation_errors == []
    assert [r["state"] for r in gitea.fake.reviews[(REPO, 3)]] == ["REQUEST_CHANGES"]
    assert (REPO, 1) not in gitea.fake.reviews and len(gitea.fake.comments[(REPO, 1)]) == 1
    store.close()


def test_gitlab_reapproval_is_reconciled_not_refused(gitlab, tmp_path, cfg):
    store = synced(gitlab, tmp_path, cfg)
    gitlab.fake.approvals[(REPO, 3)] = [gitlab.fake.login]  # approved earlier (by hand, or a lost answer)
    record(store, f"gitlab:{REPO}#3", "approve")
    res = do_push(store, gitlab)
    assert res.failed == 0 and res.pending == 0 and res.reconciled == 1
    assert gitlab.fake.approvals[(REPO, 3)] == [gitlab.fake.login]
    store.close()


@pytest.mark.parametrize("kind,kw,least", [
    ("rate429", {"retry_after": "120"}, 120),
    ("secondary", {}, 60),
    ("rate403", {"reset_in": 200}, 199),
])
def test_rate_limits_pause_the_queue_persist_and_do_not_burst_after_restart(github, tmp_path, cfg, kind, kw, least):
    store = synced(github, tmp_path, cfg)
    verdicts(store, github)
    github.fake.fault(kind, method="POST", **kw)
    t0 = github.clock.time()
    res = do_push(store, github, max_wait=30)
    assert res.posted == 0 and res.pending == 4
    nexts = {r["next_attempt_at"] for r in store.query("SELECT next_attempt_at FROM outbox")}
    assert min(nexts) >= t0 + least - 2  # every row of the forge paused, persisted
    before = len(github.fake.requests)
    res = do_push(store, github, max_wait=30)  # "restart" before the pause ends: nothing is sent
    assert res.posted == 0
    assert [r.path for r in github.fake.requests[before:]] == ["/user"]
    github.clock.sleep(least + 5)
    res = do_push(store, github)
    assert (res.posted, res.pending) == (4, 0)
    store.close()


def test_a_short_rate_limit_is_waited_out_through_the_sleeper(github, tmp_path, cfg):
    store = synced(github, tmp_path, cfg)
    verdicts(store, github)
    github.fake.fault("rate429", method="POST", retry_after="7")
    res = do_push(store, github)
    assert (res.posted, res.pending) == (4, 0)
    assert any(6 <= s <= 8 for s in github.clock.slept)
    store.close()


def test_ambiguous_5xx_on_write_is_retried_after_reconciling(github, tmp_path, cfg):
    store = synced(github, tmp_path, cfg)
    record(store, f"github:{REPO}#1", "approve")
    github.fake.fault("status", status=502, method="POST", times=2)  # not applied, twice
    res = do_push(store, github)
    assert (res.posted, res.pending) == (1, 0)
    assert len(github.fake.requests_to("GET", r"/issues/1/comments$")) >= 2  # looked before re-posting
    assert len(github.fake.comments[(REPO, 1)]) == 1
    store.close()


def test_token_shaped_text_is_redacted_and_the_post_still_goes_out(github, tmp_path, cfg):
    from forge_env import CLAUDE_TRAILER

    shaped = "ghp_" + "Q7x" * 12  # a PR title and a file name that look like a GitHub token
    github.repo.add_pr(6, {f"app/{shaped}.py": "value = eval(data)\n"}, title=f"Rotate {shaped} please",
                       head_ref="claude/rotate", merged=True, message="Rotate" + CLAUDE_TRAILER,
                       created_at=github.clock.time() - 3600)
    store = synced(github, tmp_path, cfg)
    record(store, f"github:{REPO}#6", "needs-fix", note=f"oops, my token: {github.token}")
    res = do_push(store, github)
    assert res.failed == 0 and res.posted >= 2, res.messages  # the comment and the follow-up issue
    bodies = github.fake.all_bodies()
    issue_titles = [i["title"] for i in github.fake.issues.get(REPO, [])]
    for text in bodies + issue_titles:
        assert shaped not in text.replace("\\", "") and github.token not in text.replace("\\", ""), text
    assert any("[REDACTED]" in t for t in issue_titles)
    assert sum("[REDACTED]" in b for b in bodies) >= 2
    store.close()


def test_a_malformed_row_fails_alone_and_the_rest_is_posted(github, tmp_path, cfg):
    store = synced(github, tmp_path, cfg)
    store.record_verdict(f"github:{REPO}#1", "approve", outbox=[
        {"action": "comment", "target": f"github:{REPO}#1", "body": "not json"},
        {"action": "comment", "target": f"github:{REPO}#1", "body": '{"text": "no number"}'},
        {"action": "comment", "target": f"github:{REPO}#1", "body": '{"number": 1, "text": "fine"}'},
    ])
    res = do_push(store, github)
    assert (res.failed, res.posted) == (2, 1)
    errors = [r["last_error"] for r in store.query("SELECT last_error FROM outbox WHERE state = 'failed'")]
    assert all(e.startswith("malformed outbox row") for e in errors)
    store.close()
