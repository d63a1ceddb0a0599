"""A reviewer's first day in the app: approvals that never hide a warning, a verdict form that fits,
a queue readable at 100 columns, who the reviewer is, undo, pickers, the browser and the clipboard."""

from __future__ import annotations

import html
import re
import sqlite3

import pytest
from tui_helpers import ADMIN_SHA, SIZE, TYPO_SHA, change_id, open_change, select_change, settle

from triage.approval import approval_concerns

from triage.services.changes import gather_approval_facts
from triage.store import Store
from tui.screens.copy import CopyModal
from tui.screens.picker import PickerModal
from tui.screens.queue import QueueScreen
from tui.screens.review import ReviewScreen
from tui.screens.verdict import VerdictModal
from tui.widgets.queue_table import QueueTable

NARROW = (100, 30)
WIDE = (160, 45)


def screen_text(app) -> str:
    """What the terminal shows (the SVG screenshot's characters)."""
    svg = app.export_screenshot()
    body = svg[svg.index("<g class"):] if "<g class" in svg else svg
    return html.unescape(re.sub(r"<[^>]+>", "", body)).replace("\xa0", " ")


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


# ------------------------------------------------------- one approval question


async def test_queue_and_review_give_the_same_warnings_on_the_trojan_source_change(make_demo_app, demo_db, demo_repo):
    cid = change_id(demo_db, ADMIN_SHA)
    with Store(demo_db) as store:  # the question itself, asked of the store
        _, facts = gather_approval_facts(store, cid, demo_repo)
    expected = approval_concerns(facts)
    assert "4 hidden or bidirectional characters in added lines" in expected
    assert any(c.endswith("checklist items unanswered") for c in expected)
    assert "risk tier is CRITICAL" in expected and "drawn for a deep-dive review (★)" in expected

    found = {}
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_change(pilot, ADMIN_SHA)
        for key in ("a", "v"):  # both queue paths
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, VerdictModal)
            found[f"queue {key}"] = app.screen.concerns
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("v")
        await pilot.pause()
        found["review v"] = app.screen.concerns
    assert found == {"queue a": expected, "queue v": expected, "review v": expected}


async def test_one_key_approve_only_when_the_check_has_nothing_to_say(make_demo_app, demo_db):
    """A LOW change without findings but with open checklist items asks, as the Review screen would."""
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        row = next(i for i, it in enumerate(table.items) if it.tier == "LOW" and not it.findings
                   and not it.sha.startswith(TYPO_SHA))
        table.move_cursor(row=row, animate=False)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, VerdictModal)
        assert app.screen.concerns == ["2 checklist items unanswered"] and app.screen.verdict is None
    with Store(demo_db) as store:
        assert store.query("SELECT count(*) AS n FROM verdicts")[0]["n"] == 0


# ------------------------------------------------------------ the verdict form


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_the_verdict_form_fits_and_says_why_it_refused(make_demo_app, demo_db, size):
    app = make_demo_app()
    async with app.run_test(size=size) as pilot:
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("v")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, VerdictModal) and modal.verdict is None  # CRITICAL: approve is not preselected
        shown = screen_text(app)
        for words in ("Record a verdict", "4 hidden or bidirectional", "approve", "escalate",
                      "I have checked every concern above", "Note (optional)", "Record", "Cancel"):
            assert words in shown, (size, words)
        await pilot.press("a", "ctrl+s")  # approve without the acknowledgement
        await pilot.pause()
        assert app.screen is modal
        shown = screen_text(app)
        assert "Not recorded: approving despite the concerns needs the acknowledgement" in shown, size
        assert "Record" in shown and "Cancel" in shown
        assert app.focused is modal.query_one("#verdict-ack")
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    with Store(demo_db) as store:
        assert [v["verdict"] for v in store.verdicts_for(change_id(demo_db, ADMIN_SHA))] == ["approve"]


async def test_a_change_without_concerns_opens_the_form_on_approve(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_change(pilot, TYPO_SHA)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VerdictModal)
        assert app.screen.concerns == [] and app.screen.verdict == "approve"


# ------------------------------------------------------------ undo


async def test_u_undoes_a_one_key_approve_with_a_superseding_verdict(make_demo_app, demo_db):
    cid = change_id(demo_db, TYPO_SHA)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")  # nothing to undo yet
        await pilot.pause()
        assert any("No one-key approve to undo" in m for m in messages(app))
        await select_change(pilot, TYPO_SHA)
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert table.selected_item().state == "approve"
        assert any("u on the queue undoes it" in m for m in messages(app))
        await pilot.press("u")
        await settle(pilot)
        assert table.selected_item().id == cid and table.selected_item().state == "unreviewed"
        assert any("superseding 'withdrawn' verdict" in m and "unreviewed again" in m for m in messages(app))
    with Store(demo_db) as store:
        assert [v["verdict"] for v in store.verdicts_for(cid)] == ["approve", "withdrawn"]


# ------------------------------------------------------------ 100 columns


async def test_queue_columns_give_way_by_priority_at_100_columns(make_demo_app, demo_db):
    app = make_demo_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert "assignee" not in table.shown_columns  # nobody is assigned anything: it goes first
        assert {"tier", "id", "findings", "state", "title"} <= set(table.shown_columns)
        assert table.ordered_columns[-1].width >= 32  # the title keeps room
        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        assert "assignee" in table.shown_columns and "size" in table.shown_columns
    with sqlite3.connect(demo_db) as conn:
        conn.execute("UPDATE changes SET assignee = 'carol' WHERE sha LIKE ?", (ADMIN_SHA + "%",))
    app = make_demo_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert "assignee" in table.shown_columns and "size" not in table.shown_columns  # Size goes before it


@pytest.mark.parametrize("where", ["queue", "review"])
async def test_the_footer_keeps_quit_and_help_at_100_columns(make_demo_app, where):
    from textual.widgets._footer import FooterKey

    app = make_demo_app()
    async with app.run_test(size=NARROW) as pilot:
        if where == "review":
            await open_change(pilot, ADMIN_SHA)
        else:
            await settle(pilot)
        keys = {k.action for k in app.screen.query(FooterKey)}
        assert {"quit", "show_help"} <= keys, keys
        shown = [line for line in screen_text(app).splitlines() if line.strip()][-1]
        assert "Quit" in shown and "Help" in shown, shown


@pytest.mark.parametrize("width", [100, 80])
async def test_the_filter_bar_always_shows_the_deep_dive_mode(make_demo_app, width):
    app = make_demo_app()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        bar = str(app.screen.query_one("#filter-bar").render())
        assert "deep-dive" in bar and "off" in bar and len(bar) <= width - 2
        await pilot.press("d")
        await settle(pilot)
        assert "deep-dive" in str(app.screen.query_one("#filter-bar").render())


# ------------------------------------------------------------ who reviews


async def test_the_header_names_the_reviewer_and_a_first_run_says_where_it_comes_from(make_demo_app, monkeypatch):
    import getpass

    monkeypatch.delenv("TRIAGE_REVIEWER", raising=False)
    app = make_demo_app(reviewer=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        me = getpass.getuser()
        assert f"you: {me}" in str(app.screen.query_one("#queue-title").render())
        told = [m for m in messages(app) if "You review as" in m]
        assert len(told) == 1 and "your login name" in told[0] and "TRIAGE_REVIEWER" in told[0]
        await pilot.press("r")
        await settle(pilot)
        assert len([m for m in messages(app) if "You review as" in m]) == 1  # once

    monkeypatch.setenv("TRIAGE_REVIEWER", "dana")
    app = make_demo_app(reviewer=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "you: dana" in str(app.screen.query_one("#queue-title").render())
        assert not [m for m in messages(app) if "You review as" in m]  # a name the reviewer chose


async def test_mine_with_nothing_mine_says_whose_name_it_looked_for(make_demo_app):
    app = make_demo_app(reviewer="root")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        text = str(app.screen.query_one("#queue-empty").render())
        assert "Nothing is assigned to or was reviewed by root" in text and "TRIAGE_REVIEWER" in text


# ------------------------------------------------------------ pickers


async def test_the_reviewer_and_agent_filters_are_picked_from_a_list(make_demo_app, demo_db):
    with sqlite3.connect(demo_db) as conn:
        conn.execute("UPDATE changes SET assignee = 'carol' WHERE sha LIKE ?", (ADMIN_SHA + "%",))
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerModal) and picker.shown == ["", "reviewer", "carol"]
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert app.screen.filter.reviewer == "carol" and [i.sha[:10] for i in table.items] == [ADMIN_SHA]
        await pilot.press("M")
        await pilot.pause()
        assert app.screen.query_one("#picker-list").highlighted == 2  # the picker opens on the current value
        await pilot.press("up", "up", "enter")  # "anyone" clears it
        await settle(pilot)
        assert app.screen.filter.reviewer is None
        await pilot.press("w")
        await pilot.pause()
        await pilot.press(*"zzz")
        await pilot.pause()
        assert app.screen.shown == []  # nothing matches: Enter does nothing
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.filter.agent is None


# ------------------------------------------------------------ browser and clipboard


async def test_b_opens_the_changes_web_page_in_the_browser(make_demo_app, demo_db, tmp_path, monkeypatch):
    import webbrowser

    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", f"{browser} %s")
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # read BROWSER again
    monkeypatch.setattr(webbrowser, "_browsers", {})
    with sqlite3.connect(demo_db) as conn:
        conn.execute("UPDATE changes SET url = 'https://github.com/acme/shop/commit/x1' WHERE sha LIKE ?",
                     (ADMIN_SHA + "%",))
        conn.execute("UPDATE changes SET url = 'https://evil.example/`id`' WHERE sha LIKE ?", (TYPO_SHA + "%",))
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_change(pilot, ADMIN_SHA)
        await pilot.press("b")
        await settle(pilot)
        assert opened.read_text().splitlines() == ["https://github.com/acme/shop/commit/x1"]
        await select_change(pilot, TYPO_SHA)
        await pilot.press("b")
        await settle(pilot)
        assert opened.read_text().splitlines() == ["https://github.com/acme/shop/commit/x1"]  # never opened
        assert any("No web page to open" in m for m in messages(app))


async def test_y_copies_with_osc52_only_when_the_users_config_allows_it(make_demo_app, demo_db, tmp_path,
                                                                        monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))
    config.write_text("", encoding="utf-8")
    sha = next(r for r in [change_id(demo_db, ADMIN_SHA).rsplit(":", 1)[-1]])
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_change(pilot, ADMIN_SHA)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CopyModal) and "Copying is off" in str(
            app.screen.query_one("#copy-note").render())
        await pilot.press("s")
        await pilot.pause()
        assert app.clipboard == ""  # no OSC 52 without the user's say-so
        assert any(sha in m and "osc52 = true" in m and str(config) in m for m in messages(app))

    config.write_text("[clipboard]\nosc52 = true\n", encoding="utf-8")
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_change(pilot, ADMIN_SHA)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("u")  # the demo has no remote: no URL, and it says why
        await pilot.pause()
        assert isinstance(app.screen, CopyModal) and app.clipboard == ""
        assert any("Cannot copy the URL" in m for m in messages(app))
        await pilot.press("i")
        await pilot.pause()
        assert app.clipboard == change_id(demo_db, ADMIN_SHA)


async def test_copy_refuses_an_id_made_of_hostile_text(make_demo_app, demo_db, tmp_path, monkeypatch):
    from tui_helpers import add_hostile_change

    config = tmp_path / "config.toml"
    config.write_text("[clipboard]\nosc52 = true\n", encoding="utf-8")
    monkeypatch.setenv("TRIAGE_CONFIG", str(config))
    cid = add_hostile_change(demo_db)
    with sqlite3.connect(demo_db) as conn:
        conn.execute("UPDATE changes SET id = ?, url = ? WHERE id = ?",
                     ("github:evil/re po\x1b]52;c;eA==\x07#1", "https://evil.example/\u202e", cid))
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        table.move_cursor(row=next(i for i, it in enumerate(table.items) if it.source == "github"), animate=False)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("i", "s", "u")
        await pilot.pause()
        assert isinstance(app.screen, CopyModal) and app.clipboard == ""  # nothing was safe to copy
