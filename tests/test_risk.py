"""Risk scoring: every point has a named reason, thresholds map to tiers, floors lift tiers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.config import config_with, load_config
from triage.models import TIER_RANK, TIERS, FileDiff, Finding, Provenance
from triage.risk import RiskInput, is_test_path, score_change, tier_for

CFG = load_config().risk
AI = Provenance("ai", "claude")
HUMAN = Provenance("human", None)


def fd(path, added=5, deleted=0, **kw):
    return FileDiff(status="M", old_path=path, new_path=path, added=added, deleted=deleted, **kw)


def finding(rule="sql-interpolation", severity="high", path="app/x.py", suppressed=False):
    return Finding(rule, severity, path, 1, "m", "q", suppressed)


def score(files, findings=(), prov=AI, cfg=CFG, merge_commit=False):
    return score_change(RiskInput(tuple(files), tuple(findings), prov, merge_commit), cfg)


def test_score_is_the_sum_of_its_factors():
    r = score([fd("app/auth/login.py", added=150), fd("requirements.txt")], [finding(), finding(severity="medium")])
    assert r.score == round(sum(f.points for f in r.factors), 2)
    names = {f.name for f in r.factors}
    assert {"path:auth", "size", "finding:sql-interpolation", "no-tests", "dependencies", "provenance"} <= names


def test_sensitive_paths_count_once_per_category_and_name_the_file():
    r = score([fd("app/auth/a.py"), fd("app/auth/b.py")], prov=HUMAN)
    auth = [f for f in r.factors if f.name == "path:auth"]
    assert len(auth) == 1 and "app/auth/a.py" in auth[0].detail and "+1 more" in auth[0].detail


def test_touching_tests_removes_the_no_tests_factor():
    without = score([fd("app/x.py")])
    with_tests = score([fd("app/x.py"), fd("tests/test_x.py")])
    assert "no-tests" in {f.name for f in without.factors}
    assert "no-tests" not in {f.name for f in with_tests.factors}
    assert with_tests.score < without.score


def test_suppressed_findings_add_nothing():
    assert score([fd("tests/test_a.py")], [finding(suppressed=True)]).score == score([fd("tests/test_a.py")]).score


def test_findings_are_capped_but_stay_listed():
    many = [finding(rule=f"r{i}", severity="high") for i in range(10)]
    r = score([fd("tests/test_a.py")], many)
    pts = sum(f.points for f in r.factors if f.name.startswith("finding:"))
    assert abs(pts - CFG.findings_cap) < 1e-6
    assert sum(1 for f in r.factors if f.name.startswith("finding:")) == 10


def test_floor_lifts_a_hidden_unicode_change_to_critical():
    r = score([fd("tests/test_a.py", added=1)], [finding("hidden-unicode", "high")], prov=HUMAN)
    assert r.tier == "CRITICAL"
    assert any(f.name == "floor:hidden-unicode" for f in r.factors)


def test_repo_overrides_change_weights_and_thresholds():
    cfg = config_with({"risk": {"thresholds": {"MEDIUM": 1, "HIGH": 2, "CRITICAL": 3}, "ai_authored": 3}}).risk
    assert score([fd("tests/test_a.py")], cfg=cfg).tier == "CRITICAL"


def test_test_path_detection():
    assert all(map(is_test_path, ["tests/a.py", "pkg/test_a.py", "a_test.go", "src/x.spec.ts", "__tests__/a.js"]))
    assert not any(map(is_test_path, ["app/contest.py", "latest.py", "src/testing_utils_main.c"]))


@given(st.floats(min_value=0, max_value=500, allow_nan=False), st.floats(min_value=0, max_value=500,
                                                                         allow_nan=False))
def test_tier_is_monotonic_in_score(a, b):
    lo, hi = sorted((a, b))
    assert TIER_RANK[tier_for(lo, CFG.thresholds)] <= TIER_RANK[tier_for(hi, CFG.thresholds)]


def test_thresholds_reach_every_tier():
    th = CFG.thresholds
    assert [tier_for(x, th) for x in (0, th.MEDIUM, th.HIGH, th.CRITICAL)] == list(TIERS)


def test_an_unreadable_file_makes_the_change_incomplete_and_never_low():
    broken = fd("tests/test_a.py", added=0, notes=["could not diff this file: object not found"])
    r = score([broken], prov=HUMAN)
    assert any(f.name == "incomplete" for f in r.factors)
    assert r.tier == "MEDIUM"
    forge = fd("tests/test_b.py", notes=["patch withheld by the forge: review incomplete"])
    assert score([forge], prov=HUMAN).tier != "LOW"


# ------------------------------------------------------------- what the change says about its own review


@pytest.mark.parametrize("path", [".triage.toml", ".github/workflows/ci.yml", ".gitlab-ci.yml", "CODEOWNERS",
                                  ".github/CODEOWNERS", ".pre-commit-config.yaml", ".github/dependabot.yml",
                                  "renovate.json", ".circleci/config.yml"])
def test_an_edit_to_ci_or_review_configuration_is_at_least_high(path):
    r = score([fd(path, added=1), fd("tests/test_x.py")], prov=HUMAN)
    assert r.tier == "HIGH", r
    edit = next(f for f in r.factors if f.name == "review-config")
    assert path in edit.detail and edit.points > 0
    assert "floor:review-config" in {f.name for f in r.factors}


def test_deleting_a_workflow_counts_as_an_edit_to_it():
    gone = FileDiff(status="D", old_path=".github/workflows/ci.yml", new_path=None, deleted=12)
    assert score([gone], prov=HUMAN).tier == "HIGH"


def test_an_ordinary_change_has_no_review_config_factor():
    r = score([fd("app/x.py"), fd("tests/test_x.py")], prov=HUMAN)
    assert r.tier == "LOW" and not {"review-config", "suppression-added"} & {f.name for f in r.factors}


def test_a_suppression_the_change_adds_is_at_least_high_and_named():
    r = score_change(RiskInput((fd("app/x.py"), fd("tests/test_x.py")), (), HUMAN,
                               suppressions=(("app/x.py", 3), ("app/x.py", 9))), CFG)
    assert r.tier == "HIGH"
    f = next(f for f in r.factors if f.name == "suppression-added")
    assert "app/x.py:3 (+1 more)" in f.detail and "does not silence" in f.detail


def test_a_finding_whose_suppression_the_change_added_still_counts():
    counted = Finding("eval-exec", "high", "app/x.py", 1, "m", "q", False, "change")
    silenced = Finding("eval-exec", "high", "app/x.py", 1, "m", "q", True, "existing")
    assert "finding:eval-exec" in {f.name for f in score([fd("app/x.py")], [counted]).factors}
    assert "finding:eval-exec" not in {f.name for f in score([fd("app/x.py")], [silenced]).factors}
