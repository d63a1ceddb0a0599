"""Acceptance: ``triage push`` SIGKILLed at random points still posts every verdict exactly once.

The fake GitHub applies each write slowly (a delay before it commits and
another before it answers), so kills land before a post, between the forge
committing it and triage recording it, and between recording and the next
row. After the kills, one more push runs to completion. Every outbox row must
then be done, its marker present exactly once on the forge, and no local
verdict lost.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from triage.forges.publish import marker, status_marker
from triage.store import Store
from triage.forges.sync import sync
from triage.services.verdicts import record

from forge_env import REPO

ROOT = Path(__file__).resolve().parents[2]
RUNS = 20
SEED = 20260101

VERDICTS = [("#1", "needs-fix"), ("#3", "approve"), ("#1", "revert"), ("#3", "needs-fix"), ("#1", "approve"),
            ("#3", "escalate")]


def _push(db: Path, env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "triage.commands_forge", "push", "--db", str(db)],
                            env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_push_killed_at_random_points_posts_every_verdict_exactly_once(github, tmp_path, cfg):
    db = tmp_path / "t.db"
    with Store(db) as store:
        with github.client() as c:
            sync(store, c, label="ai-review", cfg=cfg, secret=b"s")
        for ref, verdict in VERDICTS:
            record(store, f"github:{REPO}{ref}", verdict, note=f"{verdict} note")
        assert len(store.query("SELECT id FROM outbox")) >= 10

    github.fake.post_delay = 0.06  # committed, then answered late
    github.fake.fault("slow", method="POST", delay=0.03, times=10_000)  # late to commit
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "PYTHONPATH": str(ROOT), "GH_TOKEN": github.token}
    rnd = random.Random(SEED)
    killed = 0
    for run in range(RUNS):
        ref, verdict = VERDICTS[run % len(VERDICTS)]
        with Store(db) as store:  # reviewers keep working while pushes die
            record(store, f"github:{REPO}{ref}", verdict, note=f"run {run}")
        seen = len(github.fake.requests)
        proc = _push(db, env, tmp_path)
        # Wait until this push is talking to the forge (start-up time varies with load),
        # then kill it at a random moment of its work.
        deadline = time.monotonic() + 20
        while len(github.fake.requests) == seen and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rnd.uniform(0.0, 0.5))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.communicate(timeout=30)
    final = _push(db, env, tmp_path)
    out, err = final.communicate(timeout=60)
    assert final.returncode == 0, err

    with Store(db) as store:
        assert store.integrity_ok()
        rows = store.query("SELECT id, action, state, attempts FROM outbox")
        assert {r["state"] for r in rows} == {"done"}
        assert len(store.query("SELECT id FROM verdicts")) == len(VERDICTS) + RUNS  # no local verdict lost
    bodies = github.fake.all_bodies()
    for r in rows:
        tag = status_marker(r["id"]) if r["action"] == "status" else marker(r["id"])
        assert sum(b.count(tag) for b in bodies) == 1, f"{r['action']} {r['id']} posted not exactly once"
    posts = github.fake.requests_to("POST", ".*")
    reconciles = [q for q in github.fake.requests if q.method == "GET" and
                  q.path.endswith(("/comments", "/reviews", "/issues", "/statuses"))]
    print(f"\nkill test: {RUNS} runs, {killed} killed, {len(rows)} rows, {len(posts)} posts, "
          f"{len(reconciles)} reconciling listings; final run: {out.strip()}")
    assert killed >= RUNS // 2, "the kills did not land while pushing"
    assert reconciles, "no run ever had to reconcile: the kills never landed mid-flight"
    assert len(posts) >= len(rows) and github.fake.validation_errors == []
