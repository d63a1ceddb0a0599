"""Deep-dive sampling: reproducible with the secret, unpredictable without it, at the configured rates."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.errors import TriageError
from triage.config import config_with, load_config
from triage.sampling import draw, load_secret, secret_path, uniform
from triage.settings import Rates

RATES = Rates(LOW=0.05, MEDIUM=0.1, HIGH=0.25, CRITICAL=0.5)
TIERS = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]
ids = st.text(min_size=1, max_size=40)


@given(secret=st.binary(min_size=1, max_size=32), cid=ids, tier=st.sampled_from(TIERS))
def test_same_inputs_give_the_same_draw(secret, cid, tier):
    assert draw(secret, cid, tier, RATES) == draw(secret, cid, tier, RATES)


@given(cid=ids)
def test_uniform_value_is_in_the_unit_interval(cid):
    assert 0.0 <= uniform(b"k", cid) < 1.0


@given(secret=st.binary(min_size=1, max_size=32), cid=ids, tier=st.sampled_from(TIERS))
def test_a_draw_is_sampled_exactly_when_u_is_below_the_tier_rate(secret, cid, tier):
    d = draw(secret, cid, tier, RATES)
    assert d.rate == RATES.of(tier)
    assert d.sampled == (d.u < RATES.of(tier))


@settings(max_examples=20)
@given(tier=st.sampled_from(TIERS))
def test_sample_rate_matches_the_configured_rate(tier):
    n = 4000
    hits = sum(draw(b"team-secret", f"git:r:{i:040x}", tier, RATES).sampled for i in range(n))
    p = RATES.of(tier)
    sd = math.sqrt(n * p * (1 - p))
    assert abs(hits - n * p) < 5 * sd  # five standard deviations: fails only if the rate is wrong


def test_every_tier_including_low_is_reachable_by_default():
    rates = load_config().sampling.rates
    assert all(rates.of(t) > 0 for t in TIERS)
    low = [draw(b"s", f"id{i}", "LOW", rates).sampled for i in range(2000)]
    assert 0 < sum(low) < 2000


def test_another_secret_draws_another_sample():
    a = [draw(b"secret-a", f"id{i}", "MEDIUM", RATES).sampled for i in range(2000)]
    b = [draw(b"secret-b", f"id{i}", "MEDIUM", RATES).sampled for i in range(2000)]
    assert a != b


def test_the_period_redraws_the_sample():
    a = [draw(b"s", f"id{i}", "HIGH", RATES, period="2026-W47").sampled for i in range(1000)]
    b = [draw(b"s", f"id{i}", "HIGH", RATES, period="2026-W48").sampled for i in range(1000)]
    assert a != b


def test_a_generated_secret_is_kept_private_and_reused(monkeypatch):
    monkeypatch.delenv("TRIAGE_SAMPLING_SECRET", raising=False)
    first = load_secret(load_config())
    assert load_secret(load_config()) == first
    assert len(first) >= 32
    assert secret_path().stat().st_mode & 0o777 == 0o600


def test_env_and_config_secrets_take_precedence(monkeypatch):
    monkeypatch.setenv("TRIAGE_SAMPLING_SECRET", "from-the-environment")
    assert load_secret(config_with({"sampling": {"secret": "from-the-config-file"}})) == b"from-the-environment"
    monkeypatch.delenv("TRIAGE_SAMPLING_SECRET")
    assert load_secret(config_with({"sampling": {"secret": "from-the-config-file"}})) == b"from-the-config-file"


# ------------------------------------------------------------- what the draw is keyed on


def _diffed(builder, sha):
    from triage.diff import diff_commit
    from triage.git import change_from_commit

    commit = builder.repo[sha]
    change = change_from_commit(commit, "r")
    change.files = diff_commit(builder.repo, commit)
    return change


def test_an_amended_commit_keeps_its_key_and_another_diff_gets_another(tmp_path):
    from gitrepo import RepoBuilder
    from triage.sampling import sample_key

    b = RepoBuilder(tmp_path / "r")
    base = b.commit({"a.py": "A = 1\n"}, "base")
    first = b.commit({"b.py": "def f():\n    return 1\n"}, "Add f", parents=[base], ref="refs/heads/a")
    amended = b.commit({"b.py": "def f():\n    return 1\n"}, "Add f (reworded)", name="Someone", email="x@y",
                       parents=[base], ref="refs/heads/b")
    spaced = b.commit({"b.py": "def f():\n    return  1   \n"}, "Add f, respaced", parents=[base],
                      ref="refs/heads/c")
    other = b.commit({"b.py": "def f():\n    return 2\n"}, "Add f", parents=[base], ref="refs/heads/d")
    keys = {name: sample_key(_diffed(b, sha)) for name, sha in
            (("first", first), ("amended", amended), ("spaced", spaced), ("other", other))}
    assert first != amended and keys["first"] == keys["amended"] == keys["spaced"]  # like git patch-id
    assert keys["other"] != keys["first"]
    assert keys["first"].startswith("git:r:patch:")


def test_a_pull_request_is_keyed_on_its_forge_id_and_an_empty_commit_on_its_id():
    from triage.models import Change
    from triage.sampling import sample_key

    pr = Change(id="github:acme/shop#7", source="github", repo="acme/shop", sha="a" * 40, title="t", message="",
                author_name="", author_email="", committer_email="", authored_at=0)
    assert sample_key(pr) == "github:acme/shop#7"
    empty = Change(id="git:r:" + "b" * 40, source="git", repo="r", sha="b" * 40, title="t", message="",
                   author_name="", author_email="", committer_email="", authored_at=0)
    assert sample_key(empty) == empty.id


# ------------------------------------------------------------- the secret


@pytest.mark.parametrize("value, words", [("", "is empty"), ("short-secret", "is 12 characters, fewer than 16")])
def test_an_empty_or_short_secret_from_the_environment_is_refused(monkeypatch, value, words):
    monkeypatch.setenv("TRIAGE_SAMPLING_SECRET", value)
    with pytest.raises(TriageError, match=words) as err:
        load_secret(load_config())
    assert "TRIAGE_SAMPLING_SECRET" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("value, words", [("", "is empty"), ("tiny", "is 4 characters")])
def test_an_empty_or_short_secret_in_the_config_is_refused(monkeypatch, value, words):
    monkeypatch.delenv("TRIAGE_SAMPLING_SECRET")
    with pytest.raises(TriageError, match=words) as err:
        load_secret(config_with({"sampling": {"secret": value}}))
    assert "[sampling] secret" in str(err.value)


def test_an_empty_secret_file_is_refused_with_what_to_do(monkeypatch, tmp_path, capsys):
    from gitrepo import RepoBuilder
    from triage.cli import main

    monkeypatch.delenv("TRIAGE_SAMPLING_SECRET")
    path = secret_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n")
    with pytest.raises(TriageError, match="is empty; delete the file and triage makes a new one"):
        load_secret(load_config())
    b = RepoBuilder(tmp_path / "r")
    b.commit({"a.py": "A = 1\n"}, "one")
    assert main(["gate", "--repo", str(b.path)]) == 2  # the gate fails closed
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(path) in err and "empty" in err
    assert path.read_bytes() == b"\n"  # left as it was


def test_a_generated_secret_leaves_no_temporary_file(monkeypatch):
    monkeypatch.delenv("TRIAGE_SAMPLING_SECRET")
    value = load_secret(load_config())
    assert len(value) == 64
    assert [p.name for p in secret_path().parent.iterdir()] == ["sampling-secret"]


def test_a_full_disk_when_generating_the_secret_says_so_and_leaves_nothing(tmp_path):
    from gitrepo import RepoBuilder

    b = RepoBuilder(tmp_path / "r")
    b.commit({"a.py": "A = 1\n"}, "one")
    from helpers_reliability import unshare_helper

    result = unshare_helper("secret", "--repo", str(b.path), "--dir", str(tmp_path / "config"))
    line = result["gate"]["err"].strip()
    assert result["gate"]["rc"] == 2 and line.count("\n") == 0, result
    assert line.startswith("triage: error: cannot write the sampling secret") and "the disk is full" in line, line
    assert result["left"] == [], result  # no empty secret file, no temporary file
