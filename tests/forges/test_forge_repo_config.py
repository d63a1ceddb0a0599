"""Sync reads a repository's ``.triage.toml`` as ingest does: from the trusted branch (the forge's
default branch, or ``[trust] ref``), only for what adds review, and never for the change that wrote it."""

from __future__ import annotations

import json
import time

from triage.config import load_config
from triage.forges.repo_config import apply_forge_layer
from triage.store import Store
from triage.forges.sync import sync

from forge_env import CLAUDE_TRAILER, DAY, REPO
from test_forge_cli import run

PAYMODULE = '[[risk.paths]]\ncategory = "pay-module"\npoints = 20\npattern = \'(^|/)pay\\.py$\'\n'


def _factors(store, number: int, kind: str) -> set[str]:
    row = store.query("SELECT factors FROM changes WHERE id = ?", (f"{kind}:{REPO}#{number}",))[0]
    return {f["name"] for f in json.loads(row["factors"])}


def _synced(forge, tmp_path, warn) -> Store:
    store = Store(tmp_path / "t.db")
    with forge.client() as client:
        cfg = apply_forge_layer(load_config(None), client, warn)
        sync(store, client, label="ai-review", cfg=cfg, secret=b"test-secret")
    return store


def test_sync_adds_the_default_branchs_risk_paths(forge, tmp_path, monkeypatch):
    forge.repo.commit({".triage.toml": PAYMODULE}, "configure review")
    said: list[str] = []
    with _synced(forge, tmp_path, said.append) as store:
        assert "path:pay-module" in _factors(store, 1, forge.kind)  # PR 1 edits app/pay.py
    assert said == []


def test_trust_ref_empty_reads_no_repository_config(github, tmp_path, monkeypatch):
    github.repo.commit({".triage.toml": PAYMODULE}, "configure review")
    config = tmp_path / "config.toml"
    config.write_text('[trust]\nref = ""\n')
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))
    with _synced(github, tmp_path, print) as store:
        assert "path:pay-module" not in _factors(store, 1, "github")


def test_the_pull_request_that_wrote_the_file_is_scored_without_it(github, tmp_path):
    now = time.time()
    github.repo.add_pr(6, {".triage.toml": PAYMODULE, "app/pay.py": "def pay():\n    return 1\n"},
                       title="Configure review", user="alice", head_ref="claude/config", merged=True,
                       message="Configure review" + CLAUDE_TRAILER, created_at=now - DAY, updated_at=now - DAY / 2)
    github.repo.commit({".triage.toml": PAYMODULE}, "merge #6")  # the default branch now has its file
    with _synced(github, tmp_path, print) as store:
        assert "path:pay-module" not in _factors(store, 6, "github")  # its own config does not apply to it...
        assert "path:pay-module" in _factors(store, 1, "github")  # ...it applies to the others
        assert "review-config" in _factors(store, 6, "github")


def test_what_the_repository_may_not_set_is_warned_about_and_ignored(github, tmp_path):
    github.repo.commit({".triage.toml": '[gate]\nblocked = []\n[risk.thresholds]\nHIGH = "thirty"\n' + PAYMODULE},
                       "configure review")
    env = {"GH_TOKEN": github.token}
    out = run(["sync", "--forge", "github", "--repo", REPO, "--url", github.url, "--db", str(tmp_path / "t.db")],
              env, tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"triage: warning: .triage.toml at main of {REPO} may not set [gate]")
    assert "risk.thresholds" in lines[0]
    with Store(tmp_path / "t.db") as store:
        assert "path:pay-module" in _factors(store, 1, "github")
