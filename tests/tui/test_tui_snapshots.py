"""SVG snapshots of every screen on the demo data, with a fixed clock, reviewer and theme.

Regenerate with ``pytest tests/tui --snapshot-update`` only after looking at
``snapshot_report.html``: the demo data (rules, risk weights, checklists) is
part of the picture, so a change there shows up here too.
"""

from __future__ import annotations

import pytest
from tui_helpers import (
    ADMIN_SHA,
    FALLBACK_CHECKLIST,
    NOW,
    SIZE,
    add_review_history,
    change_id,
    ensure_checklist,
    mark_digest_read,
    open_change,
    set_checklist,
    settle,
)


def test_queue_screen(snap_compare, make_demo_app):
    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(make_demo_app(), terminal_size=SIZE, run_before=run_before)


def test_empty_queue(snap_compare, make_demo_app, tmp_path):
    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(make_demo_app(tmp_path / "empty.db", demo=False), terminal_size=SIZE, run_before=run_before)


def test_review_screen_on_a_finding(snap_compare, make_demo_app, demo_db):
    ensure_checklist(demo_db, change_id(demo_db, ADMIN_SHA))

    async def run_before(pilot):
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("n", "n")  # the bidi finding
        await pilot.pause()

    assert snap_compare(make_demo_app(), terminal_size=SIZE, run_before=run_before)


def test_verdict_modal(snap_compare, make_demo_app):
    async def run_before(pilot):
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("v", "f")
        await pilot.pause()

    assert snap_compare(make_demo_app(), terminal_size=SIZE, run_before=run_before)


def test_stats_screen(snap_compare, make_demo_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)

    assert snap_compare(make_demo_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, make_demo_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_demo_app(), terminal_size=SIZE, run_before=run_before)


def test_stats_screen_with_reviews(snap_compare, make_demo_app, demo_db):
    """The control figures with numbers: verdicts, review time and an escape at fixed times."""
    add_review_history(demo_db)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)

    assert snap_compare(make_demo_app(), terminal_size=SIZE, run_before=run_before)


def test_stats_screen_at_100_columns(snap_compare, make_demo_app, demo_db):
    add_review_history(demo_db)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)

    assert snap_compare(make_demo_app(), terminal_size=(100, 30), run_before=run_before)


def test_digest_screen(snap_compare, make_demo_app, demo_db):
    """``triage review --digest`` three weeks after the last digest read, with verdicts and an escape."""
    add_review_history(demo_db)
    mark_digest_read(demo_db, NOW - 21 * 86400)

    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(make_demo_app(digest=True), terminal_size=SIZE, run_before=run_before)


def test_deep_dive_verdict_refused(snap_compare, make_demo_app, demo_db):
    """Deep-dive mode: the verdict form lists the open security items and refuses needs-fix."""
    set_checklist(demo_db, change_id(demo_db, ADMIN_SHA), FALLBACK_CHECKLIST)

    async def run_before(pilot):
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("v", "f", "ctrl+s")
        await pilot.pause()

    assert snap_compare(make_demo_app(deep_dive=True), terminal_size=SIZE, run_before=run_before)


SIZES = {"100x30": (100, 30), "160x45": (160, 45)}
"""A split pane and a large terminal: the Queue, Review and verdict screens at both."""


@pytest.mark.parametrize("size", list(SIZES))
def test_queue_at_size(snap_compare, make_demo_app, size):
    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(make_demo_app(), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", list(SIZES))
def test_review_at_size(snap_compare, make_demo_app, demo_db, size):
    ensure_checklist(demo_db, change_id(demo_db, ADMIN_SHA))

    async def run_before(pilot):
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("n", "n")  # the Trojan Source line
        await pilot.pause()

    assert snap_compare(make_demo_app(), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", list(SIZES))
def test_verdict_form_at_size(snap_compare, make_demo_app, size):
    """The Trojan Source change: every concern, no verdict chosen, the refusal, the note and the buttons."""

    async def run_before(pilot):
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("v", "a", "ctrl+s")  # approve without the acknowledgement: refused, and it says why
        await pilot.pause()

    assert snap_compare(make_demo_app(), terminal_size=SIZES[size], run_before=run_before)


def test_review_wrapped_at_100_columns(snap_compare, make_demo_app):
    async def run_before(pilot):
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("n", "n", "w", "/", *"access", "enter")
        await pilot.pause()

    assert snap_compare(make_demo_app(), terminal_size=SIZES["100x30"], run_before=run_before)
