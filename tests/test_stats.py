"""Tests for triage.stats: hand-computed cases and properties of the interval and estimators."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.stats import (
    Z95,
    bar,
    effective_n,
    group_by,
    hajek,
    ht_total,
    iso_week,
    per_line,
    proportion,
    too_few_message,
    weighted_rate,
    wilson,
)

Z = 1.96


# ----------------------------------------------------------------- Wilson by hand
#
# Wilson: centre = (p + z²/2n) / (1 + z²/n), half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).
# With z = 1.96, z² = 3.8416.


def test_wilson_zero_of_ten():
    # p = 0, n = 10: z²/n = 0.38416, denom = 1.38416
    # centre = (0 + 0.19208) / 1.38416 = 0.138770
    # half   = 1.96·√(0 + 3.8416/400) / 1.38416 = 1.96·0.098 / 1.38416 = 0.19208 / 1.38416 = 0.138770
    # -> (0, 0.277540)
    low, high = wilson(0, 10, Z)
    assert low == 0.0
    assert high == pytest.approx(0.277540, abs=1e-6)


def test_wilson_five_of_ten():
    # p = 0.5, n = 10: centre = (0.5 + 0.19208) / 1.38416 = 0.5
    # half = 1.96·√(0.025 + 0.009604) / 1.38416 = 1.96·0.186022 / 1.38416 = 0.263411
    # -> (0.236589, 0.763411)
    low, high = wilson(5, 10, Z)
    assert low == pytest.approx(0.236589, abs=1e-6)
    assert high == pytest.approx(0.763411, abs=1e-6)


def test_wilson_one_of_one():
    # p = 1, n = 1: z²/n = 3.8416, denom = 4.8416
    # centre = (1 + 1.9208) / 4.8416 = 0.603272
    # half = 1.96·√(0 + 3.8416/4) / 4.8416 = 1.96·0.98 / 4.8416 = 0.396728
    # -> (0.206544, 1.0)
    low, high = wilson(1, 1, Z)
    assert low == pytest.approx(0.206544, abs=1e-6)
    assert high == 1.0


def test_wilson_with_no_data_knows_nothing():
    assert wilson(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize("k,n", [(-1, 3), (4, 3), (1, -1)])
def test_wilson_rejects_impossible_counts(k, n):
    with pytest.raises(ValueError):
        wilson(k, n)


def test_wilson_matches_rule_of_three_roughly_for_zero_defects():
    # Zero defects in 100: the one-sided 95 % bound is about 3/n; the two-sided Wilson upper is near 3.7/n.
    assert 0.03 < wilson(0, 100)[1] < 0.04


# --------------------------------------------------------- estimators by hand


def test_ht_and_hajek_by_hand():
    # ys = [1, 0, 0], π = [0.5, 0.1, 0.1]
    # HT total = 1/0.5 = 2; Σ 1/π = 2 + 10 + 10 = 22; Hájek = 2/22 = 0.090909
    ys, pis = [1, 0, 0], [0.5, 0.1, 0.1]
    assert ht_total(ys, pis) == pytest.approx(2.0)
    assert hajek(ys, pis) == pytest.approx(1 / 11)
    # weights 2, 10, 10: n_eff = 22² / (4 + 100 + 100) = 484 / 204 = 2.372549
    assert effective_n([2, 10, 10]) == pytest.approx(2.372549, abs=1e-6)


def test_hajek_with_equal_probabilities_is_the_plain_proportion():
    assert hajek([1, 0, 1, 0], [0.25] * 4) == pytest.approx(0.5)
    assert effective_n([4] * 4) == pytest.approx(4)


def test_hajek_empty_and_bad_probabilities():
    assert hajek([], []) is None
    assert effective_n([]) == 0.0
    with pytest.raises(ValueError):
        hajek([1], [0.0])
    with pytest.raises(ValueError):
        hajek([1], [1.5])
    with pytest.raises(ValueError):
        hajek([1, 0], [0.5])


def test_weighted_rate_uses_n_eff_for_the_interval():
    # Equal π: n_eff = n, so the interval is the plain Wilson interval of 2/8.
    fig = weighted_rate([1, 1, 0, 0, 0, 0, 0, 0], [0.1] * 8)
    assert fig["value"] == pytest.approx(0.25)
    assert (fig["low"], fig["high"]) == pytest.approx(wilson(2, 8, Z95))
    assert fig["n"] == 8 and fig["n_eff"] == pytest.approx(8) and fig["defects"] == 2
    assert fig["weight"] == pytest.approx(80)
    assert fig["too_few"] is False and fig["message"] is None


def test_weighted_rate_flags_a_small_effective_sample():
    # Six reviewed, but one weight dominates: n_eff = (100 + 5·2)² / (100² + 5·2²) = 12100 / 10020 ≈ 1.21
    fig = weighted_rate([1, 0, 0, 0, 0, 0], [0.01] + [0.5] * 5)
    assert fig["n"] == 6
    assert fig["n_eff"] == pytest.approx(12100 / 10020, abs=1e-3)
    assert fig["too_few"] is True
    assert "effective sample size 1.2" in fig["message"]


def test_too_few_messages():
    assert too_few_message(2) == "too few samples: 2 reviewed (need 5)"
    assert too_few_message(5) is None
    assert proportion(1, 2)["message"] == "too few samples: 2 reviewed (need 5)"
    assert proportion(0, 0)["value"] is None


def test_per_line_ratio_of_totals_and_median():
    # 60 s over 10 lines, 30 s over 30 lines, and an untimed change: 90/40 = 2.25 s/line; median(6, 1) = 3.5
    fig = per_line([60, 30, 0], [10, 30, 5])
    assert fig["seconds_per_line"] == pytest.approx(2.25)
    assert fig["median_seconds_per_line"] == pytest.approx(3.5)
    assert fig["n"] == 2 and fig["lines"] == 40 and fig["too_few"]
    assert "2 timed" in fig["message"]
    assert per_line([], [])["seconds_per_line"] is None


def test_small_helpers():
    assert iso_week(1_793_491_200) == "2026-W44"  # 2026-11-01 (a Sunday) belongs to ISO week 44
    assert iso_week(1_793_577_600) == "2026-W45"  # Monday 2026-11-02
    assert group_by([1, 2, 3, 4], lambda x: "odd" if x % 2 else "even") == {"odd": [1, 3], "even": [2, 4]}
    assert bar(5, 10, 10) == "█" * 5 and bar(0, 10) == "" and bar(1, 1000, 10) == "█"


# ---------------------------------------------------------------- properties

counts = st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n)))


@given(counts, st.sampled_from([1.0, 1.645, 1.96, 2.576]))
def test_wilson_contains_the_estimate_and_stays_in_the_unit_interval(kn, z):
    k, n = kn
    low, high = wilson(k, n, z)
    assert 0.0 <= low <= k / n <= high <= 1.0


@given(counts, st.integers(min_value=2, max_value=50))
def test_wilson_narrows_as_n_grows_at_a_fixed_proportion(kn, m):
    k, n = kn
    lo1, hi1 = wilson(k, n)
    lo2, hi2 = wilson(k * m, n * m)
    assert hi2 - lo2 < hi1 - lo1


@given(st.lists(st.tuples(st.booleans(), st.floats(min_value=0.001, max_value=1.0)), min_size=1, max_size=200))
@settings(max_examples=200)
def test_hajek_is_a_proportion_and_its_interval_contains_it(pairs):
    ys = [1.0 if y else 0.0 for y, _ in pairs]
    pis = [p for _, p in pairs]
    est = hajek(ys, pis)
    assert 0.0 <= est <= 1.0 + 1e-12
    if all(ys) or not any(ys):
        assert est == pytest.approx(ys[0])
    n_eff = effective_n([1 / p for p in pis])
    assert 1.0 - 1e-9 <= n_eff <= len(ys) + 1e-9
    fig = weighted_rate(ys, pis)
    assert 0.0 <= fig["low"] <= fig["value"] <= fig["high"] <= 1.0
    assert not math.isnan(fig["low"])
