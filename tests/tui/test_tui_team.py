"""Pilot tests for the team workflows in the app: deep-dive verdicts, escalation, the digest, stats, hand-over."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text
from tui_helpers import (
    ADMIN_SHA,
    FALLBACK_CHECKLIST,
    NOW,
    SALES_SHA,
    SIZE,
    add_review_history,
    change_id,
    mark_digest_read,
    open_change,
    select_change,
    set_checklist,
    settle,
    use_config,
)

from triage import digest
from triage.controls import compute
from triage.present import interval, percent
from triage.store import Store
from tui.messages import DigestLoaded, VerdictRecorded
from tui.screens.digest import DigestScreen
from tui.screens.handover import HandoverModal
from tui.screens.queue import QueueScreen
from tui.screens.review import ReviewScreen
from tui.screens.stats import StatsScreen
from tui.screens.verdict import VerdictModal
from tui.widgets.checklist import ChecklistPanel
from tui.widgets.queue_table import QueueTable
from tui.widgets.report import VelocityChart


def plain(widget, width: int = 116) -> str:
    """What a Static shows, as plain text (a Text, or a rich Table rendered at ``width``)."""
    content = widget.content
    if isinstance(content, Text):
        return content.plain
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.fixture
def no_roster(monkeypatch, tmp_path):
    """A configuration without a ``[team]`` table (and not the user's own)."""
    return use_config(monkeypatch, tmp_path, "")


@pytest.fixture
def roster(monkeypatch, tmp_path):
    """alice, bruno and carol; carol is the security group; alice wrote the admin check."""
    return use_config(monkeypatch, tmp_path)


def latest(db, cid: str) -> dict:
    with Store(db) as store:
        return store.verdicts_for(cid)[-1]


def assignee(db, cid: str) -> str | None:
    with Store(db) as store:
        return store.get_change(cid)["assignee"]


# ---------------------------------------------------------------- deep dive


async def test_deep_dive_refuses_until_the_security_items_are_answered(make_demo_app, demo_db, no_roster):
    cid = change_id(demo_db, ADMIN_SHA)
    set_checklist(demo_db, cid, FALLBACK_CHECKLIST)  # two security items, one ops item
    seen: list = []
    app = make_demo_app(deep_dive=True)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await open_change(pilot, ADMIN_SHA)
        review = app.screen
        assert isinstance(review, ReviewScreen) and app.deep_dive
        assert "deep dive: 0/2 security items answered" in str(review.query_one("#review-title").render())
        await pilot.press("v")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, VerdictModal)
        assert [i["id"] for i in modal.blocked] == ["authz-tested", "input-validated"]
        shown = str(modal.query_one("#verdict-blocked").render())
        assert "answer the 2 open security checklist items first" in shown and "authz-tested" in shown
        await pilot.press("f", "ctrl+s")  # needs-fix: refused by the form
        await pilot.pause()
        assert app.screen is modal
        assert "2 security checklist items are still open" in str(modal.query_one("#verdict-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not any(isinstance(m, VerdictRecorded) for m in seen)

        await pilot.press("c", "y")  # authz-tested: yes
        await settle(pilot)
        await pilot.press("j", "a")  # input-validated: n/a
        await settle(pilot)
        assert [i.answer for i in review.query_one(ChecklistPanel).items][:2] == ["yes", "n/a"]
        assert "deep dive: 2/2 security items answered" in str(review.query_one("#review-title").render())
        await pilot.press("v")
        await pilot.pause()
        assert app.screen.blocked == []
        await pilot.press("f", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    v = latest(demo_db, cid)
    assert v["verdict"] == "needs-fix" and v["seconds_spent"] > 0


async def test_answers_given_earlier_count_when_the_review_reopens(make_demo_app, demo_db, no_roster):
    cid = change_id(demo_db, ADMIN_SHA)
    set_checklist(demo_db, cid, FALLBACK_CHECKLIST)
    with Store(demo_db) as store:
        store.answer_checklist(cid, "authz-tested", "yes", "", reviewer="reviewer")
        store.answer_checklist(cid, "input-validated", "no", "no length check", reviewer="reviewer")
    app = make_demo_app(deep_dive=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, ADMIN_SHA)
        assert "deep dive: 2/2 security items answered" in str(app.screen.query_one("#review-title").render())
        await pilot.press("v")
        await pilot.pause()
        assert app.screen.blocked == [] and not app.screen.query("#verdict-blocked")


async def test_deep_dive_filter_on_the_queue_applies_the_rule(make_demo_app, demo_db, no_roster):
    cid = change_id(demo_db, ADMIN_SHA)
    set_checklist(demo_db, cid, FALLBACK_CHECKLIST)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.deep_dive
        await pilot.press("d")  # the deep-dive filter turns the mode on
        await settle(pilot)
        assert app.deep_dive
        await select_change(pilot, ADMIN_SHA)
        await pilot.press("v")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, VerdictModal) and len(modal.blocked) == 2
        await pilot.press("r", "ctrl+s")  # revert: refused
        await pilot.pause()
        assert app.screen is modal
        await pilot.press("escape")
    with Store(demo_db) as store:
        assert store.verdicts_for(cid) == []


async def test_the_write_enforces_the_rule_too(make_demo_app, demo_db, no_roster):
    """A verdict that reaches the store without the form's check is refused there, and said so."""
    cid = change_id(demo_db, ADMIN_SHA)
    set_checklist(demo_db, cid, FALLBACK_CHECKLIST)
    app = make_demo_app(deep_dive=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.record_verdict(cid, "approve", "", None, True)
        await settle(pilot)
        assert any("Could not record the verdict: deep dive" in m for m in notes(app))
    with Store(demo_db) as store:
        assert store.verdicts_for(cid) == []


async def test_escalate_is_allowed_in_a_deep_dive_and_goes_to_security(make_demo_app, demo_db, roster):
    cid = change_id(demo_db, ADMIN_SHA)
    set_checklist(demo_db, cid, FALLBACK_CHECKLIST)
    seen: list = []
    app = make_demo_app(deep_dive=True)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("v")
        await pilot.pause()
        assert len(app.screen.blocked) == 2
        await pilot.press("e", "tab", "tab", *"bidi in the admin check", "enter")  # past the acknowledgement
        await settle(pilot)
        [recorded] = [m for m in seen if isinstance(m, VerdictRecorded)]
        assert recorded.verdict == "escalate" and recorded.extra == "assigned to carol (security)"
        assert "assigned to carol (security)" in notes(app)
        assert isinstance(app.screen, QueueScreen)
        item = app.screen.query_one(QueueTable).selected_item()
        assert item.id == cid and item.assignee == "carol" and item.state == "escalate"
    assert latest(demo_db, cid)["verdict"] == "escalate"
    assert assignee(demo_db, cid) == "carol"


async def test_escalate_without_a_security_group_says_so(make_demo_app, demo_db, no_roster):
    cid = change_id(demo_db, SALES_SHA)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, SALES_SHA)
        await pilot.press("v", "e", "ctrl+s")
        await settle(pilot)
        assert any(m.startswith("not assigned: no security group configured") for m in notes(app))
    assert latest(demo_db, cid)["verdict"] == "escalate" and assignee(demo_db, cid) is None


# ------------------------------------------------------------------- digest


async def test_digest_mode_opens_reviews_and_marks_read(make_demo_app, demo_db, no_roster):
    mark_digest_read(demo_db, NOW - 21 * 86400)
    seen: list = []
    app = make_demo_app(digest=True)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DigestScreen) and isinstance(app.screen_stack[0], QueueScreen)
        [loaded] = [m for m in seen if isinstance(m, DigestLoaded)]
        d = loaded.digest
        assert (d["since"], d["until"]) == (NOW - 21 * 86400, NOW) and d["merged_total"] == 15
        summary = str(screen.query_one("#digest-summary").render())
        assert "15 merged" in summary and "★ 3 drawn for a deep dive" in summary and "15 still unreviewed" in summary
        assert "since the last digest read" in str(screen.query_one("#digest-title").render())
        kinds = [line.kind for line in screen.lines]
        assert kinds[:3] == ["heading", "tier", "item"]
        assert screen.lines[1].text == "CRITICAL"  # CRITICAL first
        tiers = [line.text for line in screen.lines if line.kind == "tier"]
        assert tiers == ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
        first = screen.lines[2]
        assert first.data["sampled"] and screen.selected_id() == first.change_id
        listing = screen.query_one("#digest-list")
        assert "★" in str(listing.get_option_at_index(2).prompt)

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.change_id == first.change_id
        await pilot.press("v", "f", "ctrl+s")  # a verdict from a review opened in the digest
        await settle(pilot)
        assert app.screen is screen  # back to the digest, gathered again
        assert screen.digest["unreviewed_total"] == 14

        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and len(app.screen_stack) == 1
        assert any("Digest read up to" in m for m in notes(app))
    with Store(demo_db) as store:
        assert digest.last_run(store, None) == NOW


async def test_digest_from_the_queue_key_and_the_palette(make_demo_app, no_roster):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DigestScreen)
        # no digest read yet: the window starts yesterday, when nothing of the demo merged
        assert "no digest read yet" in str(screen.query_one("#digest-title").render())
        assert any(line.text == "Nothing merged in this window." for line in screen.lines)
        assert screen.digest["unreviewed_total"] == 15
        await pilot.press("escape")  # back to the queue, not marked read
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"view: daily digest")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DigestScreen)


# -------------------------------------------------------------------- stats


async def test_stats_show_the_controls_and_say_when_samples_are_too_few(make_demo_app, demo_db, no_roster):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        eff = plain(screen.query_one("#stats-effectiveness"))
        assert "95% CI 0.0–100.0%" in eff and "n 0 defects" in eff
        assert "too few samples: 0 defects (need 5)" in eff
        rate = plain(screen.query_one("#stats-defect-rate"))
        for word in ("overall", "CRITICAL", "HIGH", "MEDIUM", "LOW", "n_eff", "too few samples: 0 reviewed (need 5)"):
            assert word in rate
        time_ = plain(screen.query_one("#stats-review-time"))
        assert "too few samples: 0 timed (need 5)" in time_ and "claude" in time_
        assert "No verdicts yet" in plain(screen.query_one("#stats-verdict-mix"))
        assert screen.report["velocity"][0]["merged"] == 15
        assert "merged 15" in plain(screen.query_one("#stats-velocity-note"))
        chart = screen.query_one(VelocityChart)
        assert chart.size.height > 5
        assert "CRITICAL" in str(screen.query_one("#stats-panel-0").render())  # the queue counts stay


async def test_stats_figures_match_the_report(make_demo_app, demo_db, no_roster):
    add_review_history(demo_db)
    with Store(demo_db) as store:
        report = compute(store, now=NOW)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        e = report["effectiveness"]
        eff = plain(screen.query_one("#stats-effectiveness"))
        assert percent(e["value"]) in eff and interval(e) in eff and f"n {e['n']} defects" in eff
        assert f"{e['found_in_review']} found in review" in eff and f"{e['escaped']} escaped" in eff
        rate = plain(screen.query_one("#stats-defect-rate"))
        overall = report["defect_rate"]["overall"]
        assert interval(overall) in rate and f"{overall['n_eff']:.1f}" in rate
        time_ = plain(screen.query_one("#stats-review-time"))
        critical = report["review_time"]["by_tier"]["CRITICAL"]
        assert f"{critical['seconds_per_line']:.2f}" in time_
        mix = plain(screen.query_one("#stats-verdict-mix"))
        for agent in report["verdict_mix"]:
            assert agent in mix
        assert "too few samples" in mix
        await pilot.press("j", "k", "H")  # scroll, then every author
        await settle(pilot)
        assert screen.report["population"] == "all"


async def test_stats_stay_usable_at_100_columns(make_demo_app, no_roster):
    app = make_demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert not screen.has_class("-narrow")
        assert screen.query_one("#stats-effectiveness").region.width >= 50
        assert screen.query_one(VelocityChart).region.height > 5
    app = make_demo_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert app.screen.has_class("-narrow")  # stacked: each panel full width


# ---------------------------------------------------------------- hand-over


async def _pick(pilot, name: str) -> None:
    modal = pilot.app.screen
    assert isinstance(modal, HandoverModal)
    modal.query_one("#handover-members").highlighted = [m.name for m in modal.members].index(name)
    await pilot.press("enter")
    await settle(pilot)


async def test_hand_over_from_the_queue_and_the_review(make_demo_app, demo_db, roster):
    cid = change_id(demo_db, ADMIN_SHA)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_change(pilot, ADMIN_SHA)
        await pilot.press("o")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, HandoverModal), notes(app)
        assert [(m.name, m.security, m.author) for m in modal.members] == [
            ("alice", False, True), ("bruno", False, False), ("carol", True, False)]
        await pilot.press("tab", *"alice is on leave")  # the note
        await pilot.press("shift+tab")
        await _pick(pilot, "bruno")
        assert isinstance(app.screen, QueueScreen)
        assert any("over to bruno" in m for m in notes(app))
        assert app.screen.query_one(QueueTable).selected_item().assignee == "bruno"

        await open_change(pilot, ADMIN_SHA)
        review = app.screen
        assert "assigned to bruno" in str(review.query_one("#review-title").render())
        await pilot.press("o")
        await settle(pilot)
        assert [m.current for m in app.screen.members] == [False, True, False]
        await _pick(pilot, "alice")  # the author: refused by the rules
        assert app.screen is review
        assert "alice is an author of this change and cannot review it" in notes(app)
        await pilot.press("o")
        await settle(pilot)
        await _pick(pilot, "carol")
        assert "assigned to carol" in str(review.query_one("#review-title").render())
    assert assignee(demo_db, cid) == "carol"
    with Store(demo_db) as store:
        rows = store.query("SELECT reviewer, reason, handed_over_from FROM assignments WHERE change_id = ? "
                           "ORDER BY id", (cid,))
    assert rows == [{"reviewer": "bruno", "reason": "handover: alice is on leave", "handed_over_from": None},
                    {"reviewer": "carol", "reason": "handover", "handed_over_from": "bruno"}]


async def test_hand_over_without_a_roster_explains(make_demo_app, demo_db, no_roster):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert any(m.startswith("no [team] roster configured") for m in notes(app))
