"""Acceptance: under 429/5xx/cut-off/slow faults a sync ends with the same queue as without."""

from __future__ import annotations

from triage.store import Store
from triage.forges.sync import sync

from forge_env import _start


def _queue(db):
    with Store(db) as store:
        changes = store.query("SELECT id, tier, score, agent, state, sha, n_findings, files FROM changes ORDER BY id")
        findings = store.query("SELECT change_id, rule, severity, path, line, message FROM findings "
                               "ORDER BY change_id, path, line, rule")
    return changes, findings


def _run(env, db, cfg):
    with Store(db) as store, env.client() as c:
        return sync(store, c, label="ai-review", cfg=cfg, secret=b"same-secret")


def test_a_sync_through_faults_gives_the_same_queue(forge, tmp_path, request, cfg):
    clean = _start(forge.kind, tmp_path / "clean", request)
    _run(clean, tmp_path / "clean.db", cfg)

    f = forge.fake
    f.fault("status", status=502, times=2)                      # a 5xx burst at the start
    f.fault("rate429", retry_after="3", after=3)                 # a 429 with Retry-After
    f.fault("status", status=503, after=5, times=2)              # another burst mid-way
    f.fault("truncate", after=7)                                 # a page cut off mid-body
    f.fault("secondary", after=9)                                # a rate limit with no headers
    f.fault("status", status=500, method="GET", path=r"diffs?$|\.diff$|/pulls/\d+$", times=2)
    f.fault("status", status=504, path=r"/commits$", times=2)
    f.fault("slow", delay=0.05, after=2, times=5)
    res = _run(forge, tmp_path / "faulty.db", cfg)

    assert sum(x.fired for x in f.faults) >= 10, "the faults did not fire"
    assert any(s >= 60 for s in forge.clock.slept) and any(2 <= s <= 4 for s in forge.clock.slept)
    assert res.analysed == 2
    assert _queue(tmp_path / "faulty.db") == _queue(tmp_path / "clean.db")
    changes, findings = _queue(tmp_path / "faulty.db")
    assert len(changes) == 2 and findings
