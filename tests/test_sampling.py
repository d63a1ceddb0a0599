"""Deep-dive sampling: reproducible with the secret, unpredictable without it, at the configured rates."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.sampling import draw, load_secret, secret_path, uniform

RATES = {"LOW": 0.05, "MEDIUM": 0.1, "HIGH": 0.25, "CRITICAL": 0.5}
ids = st.text(min_size=1, max_size=40)


@given(secret=st.binary(min_size=1, max_size=32), cid=ids, tier=st.sampled_from(list(RATES)))
def test_same_inputs_give_the_same_draw(secret, cid, tier):
    assert draw(secret, cid, tier, RATES) == draw(secret, cid, tier, RATES)


@given(cid=ids)
def test_uniform_value_is_in_the_unit_interval(cid):
    assert 0.0 <= uniform(b"k", cid) < 1.0


@given(secret=st.binary(min_size=1, max_size=32), cid=ids, tier=st.sampled_from(list(RATES)))
def test_a_draw_is_sampled_exactly_when_u_is_below_the_tier_rate(secret, cid, tier):
    d = draw(secret, cid, tier, RATES)
    assert d.rate == RATES[tier]
    assert d.sampled == (d.u < RATES[tier])


@settings(max_examples=20)
@given(tier=st.sampled_from(list(RATES)))
def test_sample_rate_matches_the_configured_rate(tier):
    n = 4000
    hits = sum(draw(b"team-secret", f"git:r:{i:040x}", tier, RATES).sampled for i in range(n))
    p = RATES[tier]
    sd = math.sqrt(n * p * (1 - p))
    assert abs(hits - n * p) < 5 * sd  # five standard deviations: fails only if the rate is wrong


def test_every_tier_including_low_is_reachable_by_default():
    from triage.config import load_config

    rates = load_config()["sampling"]["rates"]
    assert all(rates[t] > 0 for t in ("LOW", "MEDIUM", "HIGH", "CRITICAL"))
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
    first = load_secret({})
    assert load_secret({}) == first
    assert len(first) >= 32
    assert secret_path().stat().st_mode & 0o777 == 0o600


def test_env_and_config_secrets_take_precedence(monkeypatch):
    monkeypatch.setenv("TRIAGE_SAMPLING_SECRET", "from-the-environment")
    assert load_secret({"sampling": {"secret": "from-the-config-file"}}) == b"from-the-environment"
    monkeypatch.delenv("TRIAGE_SAMPLING_SECRET")
    assert load_secret({"sampling": {"secret": "from-the-config-file"}}) == b"from-the-config-file"
