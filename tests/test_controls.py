"""Tests for triage.controls: the control-effectiveness report on the demo, with hand-checked figures."""

from __future__ import annotations

import json

import pytest
from test_rotation import cli  # noqa: F401 - the shared `cli` fixture

from triage.controls import compute, render_text
from triage.escapes import record_escape
from triage.stats import wilson
from triage.store import Store

FIGURE_KEYS = {"n", "too_few", "message"}


def _figures(report: dict):
    """Every figure dict in the report, with a name."""
    yield "effectiveness", report["effectiveness"]
    yield "defect_rate.overall", report["defect_rate"]["overall"]
    for t, f in report["defect_rate"]["by_tier"].items():
        yield f"defect_rate.{t}", f
    for part in ("by_tier", "by_agent"):
        for k, f in report["review_time"][part].items():
            yield f"review_time.{part}.{k}", f
    for k, f in report["verdict_mix"].items():
        yield f"verdict_mix.{k}", f
    for w in report["velocity"]:
        yield f"velocity.{w['week']}", w


def _ai_ids(store) -> list[str]:
    return [r["id"] for r in store.query("SELECT id FROM changes WHERE kind = 'ai' ORDER BY authored_at, id")]


def test_acceptance_demo_stats_json_has_every_figure_with_its_sample_size(cli):
    with Store(cli.db) as store:
        ids = _ai_ids(store)
        store.record_verdict(ids[0], "needs-fix", reviewer="bruno", seconds_spent=120)
        store.record_verdict(ids[1], "approve", reviewer="bruno", seconds_spent=30)
        store.record_verdict(ids[2], "revert", reviewer="chen", seconds_spent=300)
        store.record_verdict(ids[3], "escalate", reviewer="chen", seconds_spent=45)
        store.record_verdict(ids[4], "approve", reviewer="dana")
        record_escape(store, ids[1], "crashed on empty cart in production")
        sampled = [r["id"] for r in store.query("SELECT id FROM changes WHERE kind = 'ai' AND sampled = 1")]
        for cid in sampled:
            store.record_verdict(cid, "approve", reviewer="alice", seconds_spent=60)
    code, out, err = cli("stats", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["schema"] == 1 and report["population"] == "ai" and report["min_samples"] == 5
    assert report["counts"]["changes"] == len(ids) and report["counts"]["escapes"] == 1
    for name, fig in _figures(report):
        assert FIGURE_KEYS <= set(fig), name
        assert isinstance(fig["n"], int), name
        assert fig["too_few"] == (fig["message"] is not None), name
        if fig["too_few"]:
            assert fig["message"].startswith("too few samples: "), name
    e = report["effectiveness"]
    # ids[0] needs-fix and ids[2] revert were found in review; ids[1] was approved and escaped.
    assert (e["found_in_review"], e["escaped"], e["escaped_after_approval"], e["n"]) == (2, 1, 1, 3)
    assert e["value"] == pytest.approx(2 / 3)
    assert (e["low"], e["high"]) == pytest.approx(wilson(2, 3, 1.959963984540054))
    assert e["too_few"] and e["message"] == "too few samples: 3 defects (need 5)"
    rate = report["defect_rate"]["overall"]
    assert rate["sampled"] == len(sampled) and rate["n"] >= len(sampled)
    assert rate["low"] <= (rate["value"] or 0) <= rate["high"]
    assert set(report["defect_rate"]["by_tier"]) == {"CRITICAL", "HIGH", "MEDIUM", "LOW"}
    timed = report["review_time"]["by_tier"]
    assert sum(f["n"] for f in timed.values()) == len(set(ids[:4]) | set(sampled))
    mix = report["verdict_mix"]
    assert sum(f["n"] for f in mix.values()) == report["counts"]["reviewed"]
    assert sum(f["needs-fix"] + f["revert"] for f in mix.values()) == 2
    weeks = report["velocity"]
    assert weeks and sum(w["merged"] for w in weeks) == len(ids)
    assert sum(w["found_in_review"] for w in weeks) == 2 and sum(w["escaped"] for w in weeks) == 1
    assert all(w["week"].startswith("2026-W") for w in weeks)


def _controlled(db):
    """Four sampled AI changes with known tiers and π, judged by hand; everything else unsampled."""
    with Store(db) as store:
        ids = _ai_ids(store)
        with store.write() as conn:
            conn.execute("UPDATE changes SET sampled = 0")
            for cid, tier, rank, rate in [(ids[0], "LOW", 0, 0.05), (ids[1], "LOW", 0, 0.05),
                                          (ids[2], "MEDIUM", 1, 0.1), (ids[3], "MEDIUM", 1, 0.1),
                                          (ids[4], "MEDIUM", 1, 0.1)]:
                conn.execute("UPDATE changes SET sampled = 1, sample_rate = ?, tier = ?, tier_rank = ? WHERE id = ?",
                             (rate, tier, rank, cid))
        store.record_verdict(ids[0], "needs-fix", reviewer="bruno", seconds_spent=100)  # y = 1
        store.record_verdict(ids[1], "approve", reviewer="bruno", seconds_spent=50)  # y = 0
        store.record_verdict(ids[2], "approve", reviewer="chen")  # y = 1 (escaped below)
        record_escape(store, ids[2], "refund rounding lost cents")
        store.record_verdict(ids[3], "approve", reviewer="chen")  # y = 0
        store.record_verdict(ids[4], "escalate", reviewer="chen")  # not judged yet: not in the sample
        rows = {r["id"]: r for r in store.query("SELECT id, added, deleted, tier FROM changes")}
        return ids, rows, compute(store)


def test_defect_rate_by_hand(cli):
    ids, rows, report = _controlled(cli.db)
    dr = report["defect_rate"]
    # Overall Hájek: Σ y/π = 1/0.05 + 1/0.1 = 30; Σ 1/π = 20 + 20 + 10 + 10 = 60; rate = 0.5.
    # Weights 20, 20, 10, 10: n_eff = 60² / (400 + 400 + 100 + 100) = 3.6.
    o = dr["overall"]
    assert o["value"] == pytest.approx(0.5) and o["n"] == 4 and o["n_eff"] == pytest.approx(3.6)
    assert o["defects"] == 2 and o["weight"] == pytest.approx(60)
    assert (o["low"], o["high"]) == pytest.approx(wilson(0.5 * 3.6, 3.6, 1.959963984540054))
    assert o["sampled"] == 5 and o["too_few"] and o["message"] == "too few samples: 4 reviewed (need 5)"
    # Per tier π is constant, so the rate is the plain share: LOW 1/2, MEDIUM 1/2 (escalated one left out).
    low, med = dr["by_tier"]["LOW"], dr["by_tier"]["MEDIUM"]
    assert (low["value"], low["n"], med["value"], med["n"]) == (0.5, 2, 0.5, 2)
    assert low["n_eff"] == pytest.approx(2.0)
    assert dr["by_tier"]["CRITICAL"]["value"] is None and dr["by_tier"]["CRITICAL"]["n"] == 0
    # Estimated defects among the tier's unreviewed changes = rate × unreviewed.
    assert low["estimated_unreviewed_defects"] == pytest.approx(0.5 * low["unreviewed"])
    # Review time: 150 s over the lines of ids[0] and ids[1].
    lines = sum(rows[i]["added"] + rows[i]["deleted"] for i in ids[:2])
    rt = report["review_time"]["by_tier"]["LOW"]
    assert rt["n"] == 2 and rt["seconds"] == pytest.approx(150) and rt["lines"] == lines
    assert rt["seconds_per_line"] == pytest.approx(150 / lines)
    # Effectiveness: 1 found (needs-fix), 1 escaped after approval.
    e = report["effectiveness"]
    assert (e["value"], e["found_in_review"], e["escaped"]) == (0.5, 1, 1)


def test_review_seconds_are_not_counted_twice(cli):
    with Store(cli.db) as store:
        cid = _ai_ids(store)[0]
        store.record_review_time(cid, 40)
        store.record_verdict(cid, "approve", seconds_spent=20)  # also writes a review_sessions row
        report = compute(store)
    total = sum(f["seconds"] for f in report["review_time"]["by_tier"].values())
    assert total == pytest.approx(60)


def test_filters_and_empty_store(cli, tmp_path):
    with Store(cli.db) as store:
        everything = compute(store, include_all=True)
        ai = compute(store)
        other = compute(store, repo="no-such-repo")
        later = compute(store, since=2_000_000_000)
    assert everything["counts"]["changes"] > ai["counts"]["changes"] > 0
    assert other["counts"]["changes"] == 0 and other["velocity"] == []
    assert later["counts"]["changes"] == 0 and later["since"].startswith("2033-05-18")
    assert other["effectiveness"]["value"] is None and other["effectiveness"]["too_few"]
    assert "nothing merged yet" in render_text(other)
    with Store(tmp_path / "empty.db") as store:
        assert compute(store)["counts"] == {"changes": 0, "reviewed": 0, "sampled": 0, "escapes": 0}


def test_text_rendering_has_every_section_and_a_weekly_chart(cli):
    _controlled(cli.db)
    code, out, err = cli("stats")
    assert code == 0, err
    for heading in ("Review effectiveness: 50.0%", "Estimated defect rate", "Review time per changed line",
                    "Verdict mix by agent", "Velocity: changes merged per ISO week"):
        assert heading in out
    assert "⚠ too few samples: 4 reviewed (need 5)" in out
    assert "2026-W45  █" in out
    assert "\x1b" not in out
    code, out, _ = cli("stats", "--min-samples", "2")
    assert "overall" in out and "too few samples: 4 reviewed" not in out
