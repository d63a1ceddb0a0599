"""An author attacks their own change's review, and fails: each attack replayed on a fresh clone.

The corpus (``tests/hostile/authors.py``) makes every change twice from one base,
without and with the attack. On a clone whose ``origin/HEAD`` (the default trusted
revision) carries a ``.triage.toml`` that sets every table a repository may not
set, and whose working tree holds another one, the real CLI in a subprocess must
judge each attacked change at least as strictly as the plain one (the same tier
and gate exit where the plain change is already HIGH or CRITICAL), say what it
ignored, and show the reviewer why.
"""

from __future__ import annotations

import json
import re

import pygit2
import pytest

from helpers_reliability import child_env, run_cli
from hostile.authors import build_author_corpus
from triage.models import SUPPRESSION_ADDED_NOTE, SUPPRESSION_DISPLACED_NOTE, SUPPRESSION_EXISTING_NOTE, TIER_RANK

WORKTREE_TOML = '[gate]\nauto_merge = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]\nblocked = []\n[rules]\ndisabled = ["eval-exec"]\n'
"""An uncommitted .triage.toml in the clone's working tree: never read."""

# slug -> (plain tier, plain gate exit, attacked tier, attacked gate exit)
EXPECTED = {
    "self-suppression": ("CRITICAL", 2, "CRITICAL", 2),
    "unicode-floor": ("CRITICAL", 2, "CRITICAL", 2),
    "config-tampering": ("CRITICAL", 2, "CRITICAL", 2),
    "identity-spoof": ("LOW", 0, "MEDIUM", 1),
    "crlf-trailer": ("LOW", 0, "LOW", 0),
    "whitespace-separator": ("LOW", 0, "LOW", 0),
    "re-roll": ("LOW", 0, "LOW", 0),
    "moved-suppression": ("MEDIUM", 1, "HIGH", 1),
    "hijacked-suppression": ("MEDIUM", 1, "MEDIUM", 1),
    "ci-deletion": ("LOW", 0, "HIGH", 1),
}

# slug -> (factor name in the attacked change's gate output, text the reviewer reads in `triage show`)
SHOWN = {
    "self-suppression": ("suppression-added", SUPPRESSION_ADDED_NOTE),
    "unicode-floor": ("floor:hidden-unicode", SUPPRESSION_ADDED_NOTE),
    "config-tampering": ("review-config", "edits CI or review configuration: .triage.toml"),
    "identity-spoof": ("identity-conflict", "identity-conflict: claude evidence (Co-Authored-By: Claude"),
    "crlf-trailer": ("provenance", "trailer: Co-Authored-By: Claude <noreply@anthropic.com>"),
    "whitespace-separator": ("provenance", "trailer: Co-Authored-By: Claude <noreply@anthropic.com>"),
    "re-roll": ("provenance", "AI-authored (claude)"),
    "moved-suppression": ("suppression-added", SUPPRESSION_ADDED_NOTE),
    "hijacked-suppression": ("finding:eval-exec", SUPPRESSION_DISPLACED_NOTE),
    "ci-deletion": ("review-config", "edits CI or review configuration: .github/workflows/ci.yml"),
}

DRAW_WORDS = re.compile(r"drawn|deep.dive|sampl|random", re.I)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """``(corpus, clone path, db, env)``: the corpus, a fresh clone of it, and every case ingested there."""
    root = tmp_path_factory.mktemp("authors")
    corpus = build_author_corpus(root / "src")
    path = root / "clone"
    pygit2.clone_repository(str(corpus.path), str(path))
    (path / ".triage.toml").write_text(WORKTREE_TOML)
    env = child_env()
    db = root / "authors.db"
    for slug in corpus.attacks:
        for kind in ("plain", "attacked"):
            p = run_cli("ingest", "--repo", str(path), "--db", str(db), "--range", f"origin/case/{slug}/{kind}",
                        env=env)
            assert p.returncode == 0, p.stderr
    for name in ("case/existing-suppression", "main"):
        assert run_cli("ingest", "--repo", str(path), "--db", str(db), "--range", f"origin/{name}",
                       env=env).returncode == 0
    return corpus, path, db, env


def gate(path, sha, env, *extra):
    p = run_cli("gate", "--repo", str(path), "--rev", sha, *extra, env=env)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def show(db, sha, env) -> tuple[dict, str]:
    as_json = run_cli("show", sha, "--db", str(db), "--json", env=env)
    text = run_cli("show", sha, "--db", str(db), env=env)
    assert as_json.returncode == 0 and text.returncode == 0, as_json.stderr
    return json.loads(as_json.stdout), text.stdout.decode()


@pytest.mark.parametrize("slug", list(EXPECTED))
def test_the_attack_never_lowers_the_tier_or_the_gate(clone, slug):
    corpus, path, _, env = clone
    attack = corpus.attacks[slug]
    plain_tier, plain_exit, attacked_tier, attacked_exit = EXPECTED[slug]
    code, out, err = gate(path, attack.plain, env)
    assert (out.split()[1], code) == (plain_tier, plain_exit), out
    code, out, err = gate(path, attack.attacked, env)
    assert (out.split()[1], code) == (attacked_tier, attacked_exit), out
    assert TIER_RANK[attacked_tier] >= TIER_RANK[plain_tier] and attacked_exit >= plain_exit
    factor, _ = SHOWN[slug]
    assert re.search(rf"^\s+[\d.]+\s+{re.escape(factor)}\s", out, re.M), out  # the gate says why
    assert not DRAW_WORDS.search(out), out  # and never whether the change was drawn


def test_the_gate_says_on_one_line_each_what_the_trusted_config_may_not_set(clone):
    corpus, path, _, env = clone
    _, _, err = gate(path, corpus.attacks["config-tampering"].attacked, env)
    lines = err.strip().splitlines()
    assert all(line.startswith("triage: warning: .triage.toml at origin/HEAD (") for line in lines), err
    forbidden = lines[0]
    for table in ("[rules]", "[gate]", "[sampling]", "[team]", "[keymap]", "[trust]", "[forge]",
                  "risk.thresholds", "risk.severity_points", "risk.floors", "provenance.threshold"):
        assert table in forbidden, forbidden
    assert "ignored" in forbidden
    assert any("agent 'claude' is already defined" in line for line in lines[1:]), err


@pytest.mark.parametrize("slug", list(EXPECTED))
def test_the_reviewer_sees_why_in_show(clone, slug):
    corpus, _, db, env = clone
    attack = corpus.attacks[slug]
    d, text = show(db, attack.attacked, env)
    plain, _ = show(db, attack.plain, env)
    assert d["kind"] == "ai" and d["agent"] == "claude"  # no attack took it out of the AI queue
    assert SHOWN[slug][1] in text, text
    factor = SHOWN[slug][0]
    assert factor in {f["name"] for f in d["factors"]}
    if d["tier"] != plain["tier"]:
        assert any(f["name"].startswith("floor:") or f["name"] in ("identity-conflict", "suppression-added",
                                                                    "review-config") for f in d["factors"])


def test_self_suppressed_findings_all_count_and_say_where_the_comment_came_from(clone):
    corpus, _, db, env = clone
    d, _ = show(db, corpus.attacks["self-suppression"].attacked, env)
    plain, _ = show(db, corpus.attacks["self-suppression"].plain, env)
    rules = {"hardcoded-secret", "hidden-unicode", "sql-interpolation", "shell-injection", "eval-exec"}
    silenced = {f["rule"]: (f["suppressed"], f["suppressed_by"]) for f in d["findings"] if f["rule"] in rules}
    assert silenced == {r: (False, "change") for r in rules}
    assert d["n_findings"] == plain["n_findings"]
    assert d["tier"] == "CRITICAL" and "finding:hidden-unicode" in {f["name"] for f in d["factors"]}


def test_a_suppression_that_was_there_before_keeps_working_and_says_so(clone):
    corpus, _, db, env = clone
    d, text = show(db, corpus.commits["existing-suppression"], env)
    ev = next(f for f in d["findings"] if f["rule"] == "eval-exec")
    assert (ev["suppressed"], ev["suppressed_by"]) == (True, "existing")
    assert SUPPRESSION_EXISTING_NOTE in text
    assert "finding:eval-exec" not in {f["name"] for f in d["factors"]}


def test_a_moved_suppression_counts_as_added(clone):
    corpus, _, db, env = clone
    d, _ = show(db, corpus.attacks["moved-suppression"].attacked, env)
    ev = next(f for f in d["findings"] if f["rule"] == "eval-exec")
    assert (ev["suppressed"], ev["suppressed_by"]) == (False, "change")


def test_an_existing_suppression_does_not_cover_a_line_inserted_under_it(clone):
    corpus, _, db, env = clone
    d, _ = show(db, corpus.attacks["hijacked-suppression"].attacked, env)
    ev = next(f for f in d["findings"] if f["rule"] == "eval-exec")
    assert (ev["suppressed"], ev["suppressed_by"]) == (False, "inserted")


def test_every_attacked_change_is_in_the_ai_queue(clone):
    corpus, _, db, env = clone
    p = run_cli("queue", "--db", str(db), "--json", env=env)
    ai = {i["sha"] for i in json.loads(p.stdout)}
    for attack in corpus.attacks.values():
        assert attack.attacked in ai, attack.slug  # none skipped as bot or human
    assert corpus.commits["later-config"] in ai  # the config commit itself is judged...
    d, _ = show(db, corpus.commits["later-config"], env)
    assert d["tier"] == "HIGH" and "floor:review-config" in {f["name"] for f in d["factors"]}  # ...at least HIGH


def test_an_amended_commit_draws_exactly_what_the_original_drew(clone):
    corpus, _, db, env = clone
    a = corpus.attacks["re-roll"]
    assert a.plain != a.attacked
    first, _ = show(db, a.plain, env)
    second, _ = show(db, a.attacked, env)
    assert (first["sample_u"], first["sampled"]) == (second["sample_u"], second["sampled"])
    other, _ = show(db, corpus.attacks["self-suppression"].plain, env)
    assert other["sample_u"] != first["sample_u"]  # another diff, another draw


def test_no_repository_config_changes_a_single_verdict(clone, tmp_path):
    """The same gate runs with no repository config at all: identical output, change by change."""
    corpus, path, _, env = clone
    user = tmp_path / "config.toml"
    user.write_text('[trust]\nref = ""\n')
    bare_env = {**env, "TRIAGE_CONFIG": str(user)}
    for attack in corpus.attacks.values():
        for sha in (attack.plain, attack.attacked):
            with_cfg = gate(path, sha, env)
            without = gate(path, sha, bare_env)
            assert with_cfg[:2] == without[:2], attack.slug
            assert without[2] == ""  # nothing read, nothing to warn about


def test_a_change_named_as_its_own_trusted_ref_configures_nothing(clone, tmp_path):
    corpus, path, _, env = clone
    attacked = corpus.attacks["config-tampering"].attacked
    user = tmp_path / "config.toml"
    user.write_text(f'[trust]\nref = "{attacked}"\n')
    code, out, err = gate(path, attacked, {**env, "TRIAGE_CONFIG": str(user)})
    assert code == 2 and out.split()[1] == "CRITICAL", out
    assert f"at {attacked} ({attacked[:10]})" in err


def test_sampling_rates_and_secret_come_from_the_reviewer(clone, tmp_path):
    corpus, path, db, env = clone
    user = tmp_path / "config.toml"
    user.write_text('[trust]\nref = ""\n')
    other = tmp_path / "bare.db"
    sha = corpus.attacks["config-tampering"].attacked
    p = run_cli("ingest", "--repo", str(path), "--db", str(other), "--range", "origin/case/config-tampering/attacked",
                env={**env, "TRIAGE_CONFIG": str(user)})
    assert p.returncode == 0, p.stderr
    with_cfg, _ = show(db, sha, env)
    without, _ = show(other, sha, env)
    assert with_cfg["sample_rate"] == without["sample_rate"] == 0.5  # CRITICAL's rate, not the repo's 0
    assert with_cfg["sample_u"] == without["sample_u"]  # the repo's [sampling] secret was not the key


def test_the_roster_is_the_reviewers_not_the_repositorys(clone, tmp_path):
    _, _, db, env = clone
    user = tmp_path / "config.toml"
    user.write_text('[team]\nmembers = [{name = "alice", emails = ["alice@example.com"]}, '
                    '{name = "bruno", emails = ["bruno@example.com"]}]\nsecurity = ["bruno"]\n')
    p = run_cli("assign", "--db", str(db), "--json", "--dry-run", env={**env, "TRIAGE_CONFIG": str(user)})
    assert p.returncode == 0, p.stderr
    who = {a["reviewer"] for a in json.loads(p.stdout)["assignments"]}
    assert who and who <= {"alice", "bruno"}  # never mallory, whom the repository's [team] names


def test_a_draw_never_shows_in_the_gate_and_holds_only_if_the_reviewer_asks(clone, tmp_path):
    corpus, path, _, env = clone
    sha = corpus.attacks["re-roll"].plain
    user = tmp_path / "config.toml"
    user.write_text('[sampling.rates]\nLOW = 1.0\n')  # every LOW change drawn
    drawn = {**env, "TRIAGE_CONFIG": str(user)}
    code, out, _ = gate(path, sha, drawn)
    assert code == 0 and not DRAW_WORDS.search(out)
    p = run_cli("gate", "--repo", str(path), "--rev", sha, "--json", env=drawn)
    assert "sampled" not in json.loads(p.stdout) and p.returncode == 0
    user.write_text('[sampling.rates]\nLOW = 1.0\n[gate]\nhold_sampled = true\n')
    code, out, _ = gate(path, sha, drawn)
    assert code == 1 and "needs human review" in out and not DRAW_WORDS.search(out)
