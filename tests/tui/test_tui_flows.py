"""Pilot tests: every flow of the app, driven by its real key bindings, checked on messages and the store."""

from __future__ import annotations

import re

import pytest
from tui_helpers import (
    ADMIN_SHA,
    MULTI_FILE_SHA,
    SALES_SHA,
    SIZE,
    TYPO_SHA,
    change_id,
    ensure_checklist,
    open_change,
    select_change,
    settle,
)

from triage.store import Store
from tui.messages import ChangeLoaded, DiffLoaded, QueueLoaded, VerdictRecorded
from tui.screens.queue import QueueScreen
from tui.screens.review import ReviewScreen
from tui.screens.verdict import VerdictModal
from tui.widgets.checklist import ChecklistPanel
from tui.widgets.diff_view import DiffView
from tui.widgets.file_list import FileList
from tui.widgets.queue_table import QueueTable


def table_of(app) -> QueueTable:
    return app.screen_stack[0].query_one(QueueTable)


# ------------------------------------------------------------------ queue


async def test_queue_opens_in_queue_order(make_demo_app, demo_db):
    seen: list = []
    app = make_demo_app()
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(pilot)
        loaded = [m for m in seen if isinstance(m, QueueLoaded)][-1]
        with Store(demo_db) as store:
            from triage.queue import load_queue

            expected = [i.id for i in load_queue(store)]
        assert [i.id for i in loaded.items] == expected
        table = table_of(app)
        assert table.row_count == len(expected) and table.has_focus
        ranks = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
        tiers = [i.tier for i in table.items]
        assert tiers == sorted(tiers, key=ranks.index)


async def test_the_queue_title_stays_on_one_line_at_any_width(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        title = app.screen.query_one("#queue-title")
        counts = {t: sum(1 for i in table_of(app).items if i.tier == t) for t in ("CRITICAL", "HIGH", "MEDIUM", "LOW")}
        text = str(title.render())
        assert text.startswith("triage · review queue") and title.size.height == 1
        for tier, n in counts.items():
            assert f" {tier}  {n}" in text
        for width, tier_word in ((100, "CRITICAL"), (80, "C")):  # narrower: shorter words, same facts
            await pilot.resize_terminal(width, SIZE[1])
            await settle(pilot)
            text = str(title.render())
            assert title.size.height == 1 and len(text) <= width - 2, (width, text)
            assert f" {tier_word}  {counts['CRITICAL']}" in text and "to review" in text and "demo" in text


async def test_the_review_header_keeps_two_lines_at_narrower_widths(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, SALES_SHA)
        header = app.screen.query_one("#review-title")
        full = str(header.render())
        assert "agent " in full and "score " in full and header.size.height == 2
        for width in (100, 80):
            await pilot.resize_terminal(width, SIZE[1])
            await settle(pilot)
            text = str(header.render())
            lines = text.split("\n")
            assert header.size.height == 2 and all(len(line) <= width - 2 for line in lines), (width, text)
            assert "Add sales report" in lines[0] and "finding" in lines[1] and "nobody" in lines[1]


async def test_empty_queue_says_how_to_fill_it(make_demo_app, tmp_path):
    app = make_demo_app(tmp_path / "empty.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one("#queue-empty").render())
        assert "The queue is empty" in text
        assert "triage ingest --repo PATH" in text and "triage demo" in text
        await pilot.press("enter", "a", "v", "j", "G")  # nothing to act on: nothing breaks
        assert isinstance(app.screen, QueueScreen)


async def test_vim_keys_move_the_cursor(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("down")
        assert table.cursor_row == 1


async def test_filters_by_tier_state_agent_and_clear(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        total = table.row_count
        await pilot.press("t")
        await settle(pilot)
        assert table.items and {i.tier for i in table.items} == {"CRITICAL"}
        assert "tier=CRITICAL" in str(app.screen.query_one("#filter-bar").render())
        await pilot.press("t")
        await settle(pilot)
        assert {i.tier for i in table.items} == {"HIGH"}
        await pilot.press("x")
        await settle(pilot)
        assert table.row_count == total
        await pilot.press("w")  # the agent picker: type to narrow it, Enter chooses
        await pilot.pause()
        await pilot.press(*"cod", "enter")
        await settle(pilot)
        agents = {i.agent for i in table.items}
        assert agents == {"codex"} and table.row_count < total
        await pilot.press("x", "s")  # state: unreviewed (all of them on a fresh demo)
        await settle(pilot)
        assert table.row_count == total
        await pilot.press("s")  # updated: no forge change got new commits
        await settle(pilot)
        assert table.row_count == 0
        await pilot.press("s")  # draft: the demo has no draft pull request
        await settle(pilot)
        assert table.row_count == 0 and app.screen.filter.state == "draft"
        await pilot.press("s")  # reviewed: none yet
        await settle(pilot)
        assert table.row_count == 0 and app.screen.filter.state == "reviewed"
        assert "No change matches" in str(app.screen.query_one("#queue-empty").render())
        await pilot.press("x", "d")  # the security deep dive: HIGH, CRITICAL and samples
        await settle(pilot)
        assert table.items and all(i.sampled or i.tier in ("HIGH", "CRITICAL") for i in table.items)
        assert any(i.tier in ("LOW", "MEDIUM") for i in table.items)  # a sampled lower-tier change
        assert table.row_count < total
        await pilot.press("x", "H")  # human changes too
        await settle(pilot)
        assert table.row_count > total


async def test_filter_mine_uses_the_reviewer(make_demo_app, demo_db):
    cid = change_id(demo_db, SALES_SHA)
    with Store(demo_db) as store:
        store.record_verdict(cid, "needs-fix", "x", reviewer="reviewer")
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert [i.id for i in table_of(app).items] == [cid]


async def test_incremental_search(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        total = table.row_count
        await pilot.press("/")
        assert app.focused.id == "search"
        await pilot.press(*"admin")
        assert [i.title for i in table.items] == ["Tighten admin check"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", *"app/auth")
        assert table.row_count >= 1 and all(
            any("app/auth" in f["path"] for f in i.files) for i in table.items)
        await pilot.press("enter")  # back to the table, search kept
        assert table.has_focus and table.row_count < total
        await pilot.press("escape")
        assert table.row_count == total


# ----------------------------------------------------------------- review


async def test_open_review_shows_the_change(make_demo_app, demo_db):
    seen: list = []
    app = make_demo_app()
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await open_change(pilot, SALES_SHA)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.change_id == change_id(demo_db, SALES_SHA)
        assert any(isinstance(m, ChangeLoaded) for m in seen) and any(isinstance(m, DiffLoaded) for m in seen)
        assert "Add sales report endpoint" in str(screen.query_one("#review-title").render())
        diff = screen.query_one(DiffView)
        assert diff.has_focus and diff.row_count > 10
        assert screen.query_one(FileList).entries[0].path == "app/reports.py"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    with Store(demo_db) as store:
        sessions = store.query("SELECT seconds FROM review_sessions")
    assert sessions and sessions[0]["seconds"] == 7.5  # time spent is kept without a verdict


async def test_navigate_findings(make_demo_app, demo_db):
    with Store(demo_db) as store:
        findings = store.findings_for(change_id(demo_db, SALES_SHA))
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, SALES_SHA)
        screen = app.screen
        diff = screen.query_one(DiffView)
        layout = screen.layout_
        assert len(layout.finding_rows) >= 2
        await pilot.press("n")
        first = diff.cursor
        assert first == layout.finding_rows[0]
        panel = str(screen.query_one("#finding-text").render())
        shown = layout.findings_at[first][0]
        assert shown["rule"] in panel and shown["question"] in panel
        assert re.search(rf"findings? 1(–\d+)? of {layout.finding_total}\b", panel), panel  # one count per finding
        await pilot.press("n")
        assert diff.cursor == layout.finding_rows[1]
        await pilot.press("N")
        assert diff.cursor == first
        await pilot.press("N")  # wraps to the last finding
        assert diff.cursor == layout.finding_rows[-1]
        assert {f["rule"] for f in findings} >= {f["rule"] for fs in layout.findings_at.values() for f in fs}


async def test_navigate_files_and_viewed_state(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, MULTI_FILE_SHA)
        screen = app.screen
        diff, files = screen.query_one(DiffView), screen.query_one(FileList)
        starts = screen.layout_.file_starts
        assert len(starts) == 2 and diff.cursor == 0
        assert files.entries[0].viewed and not files.entries[1].viewed
        await pilot.press("]")
        assert diff.cursor == starts[1] and files.highlighted == 1 and files.entries[1].viewed
        await pilot.press("]")  # the last file: stays
        assert diff.cursor == starts[1]
        await pilot.press("[")
        assert diff.cursor == starts[0]
        await pilot.press("m")  # un-mark the current file
        assert not files.entries[0].viewed
        await pilot.press("F", "j", "enter")  # the file list: choose the second file
        assert diff.cursor == starts[1] and diff.has_focus
        await pilot.press("j", "k", "G", "g", "pagedown", "pageup", "l", "h", "0")
        assert diff.cursor == 0


async def test_viewed_marks_are_kept_per_reviewer_across_sessions(make_demo_app, demo_db):
    titles: list[str] = []

    async def files_after_opening(reviewer: str, *keys: str) -> list[bool]:
        app = make_demo_app(reviewer=reviewer)
        async with app.run_test(size=SIZE) as pilot:
            await open_change(pilot, MULTI_FILE_SHA)
            files = app.screen.query_one(FileList)
            shown = [e.viewed for e in files.entries]
            titles.append(str(files.border_title))
            if keys:
                await pilot.press(*keys)
                await settle(pilot)  # the marks are written by a worker
        return shown

    assert await files_after_opening("reviewer", "]") == [True, False]  # the first file is viewed on opening
    titles.clear()
    assert await files_after_opening("reviewer", "]", "m") == [True, True]  # kept; then the second is un-marked
    assert titles == ["Files 2/2 viewed"]  # the list's title counts the kept marks
    assert await files_after_opening("reviewer") == [True, False]  # ...and that is kept too
    assert await files_after_opening("someone-else") == [True, False]
    with Store(demo_db) as store:
        cid = store.query("SELECT id FROM changes WHERE sha LIKE ?", (MULTI_FILE_SHA + "%",))[0]["id"]
        second = store.get_change(cid)["files"][1]["path"]
        assert store.viewed_paths(cid, "reviewer") == {store.get_change(cid)["files"][0]["path"]}
        store.set_viewed(cid, second, True, reviewer="someone-else")
    assert await files_after_opening("someone-else") == [True, True]  # marks are each reviewer's own
    assert await files_after_opening("reviewer") == [True, False]


async def test_viewed_marks_that_cannot_be_saved_last_the_session_with_one_message(make_demo_app, monkeypatch):
    import sqlite3

    calls = []

    def refuse(self, *args, **kwargs):
        calls.append(args)
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(Store, "set_viewed", refuse)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, MULTI_FILE_SHA)  # the first file is marked on opening: the save fails
        await pilot.press("]")
        await settle(pilot)
        files = app.screen.query_one(FileList)
        assert [e.viewed for e in files.entries] == [True, True]  # marked all the same
        said = [n.message for n in app._notifications if "viewed marks" in n.message]
        assert len(said) == 1 and "this session only" in said[0] and "readonly" in said[0]
        assert len(calls) == 1  # no further tries, no further messages


async def test_side_by_side_needs_width(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, MULTI_FILE_SHA)
        await pilot.press("s")
        await settle(pilot)
        assert not app.screen.layout_.split  # 120 columns: too narrow, said so
        assert any("Side by side needs" in n.message for n in app._notifications)
    app = make_demo_app()
    async with app.run_test(size=(180, 40)) as pilot:
        await open_change(pilot, SALES_SHA)
        await pilot.press("n")
        row = app.screen.query_one(DiffView).current_row()
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert screen.layout_.split
        now = screen.query_one(DiffView).current_row()
        assert now.new_no == row.new_no  # the cursor stays on the same line
        await pilot.press("s")
        await settle(pilot)
        assert not screen.layout_.split


async def test_risk_factors_on_demand(make_demo_app, demo_db):
    with Store(demo_db) as store:
        row = store.get_change(change_id(demo_db, ADMIN_SHA))
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("f")
        await pilot.pause()
        from tui.screens.details import FactorsModal

        assert isinstance(app.screen, FactorsModal)
        text = str(app.screen.query_one("#factors-body Static").render())
        for f in row["factors"]:
            assert f["name"] in text
        for ev in row["evidence"]:
            assert ev["signal"] in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_file_notes_are_shown_never_an_empty_pane(make_demo_app, demo_db):
    from tui.widgets.diff_view import DiffView as DV

    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, "7d5d3ebdce")  # adds .gitattributes
        text = "\n".join(app.screen.query_one(DV).render_line(y).text for y in range(6))
        assert ".gitattributes changed" in text


# -------------------------------------------------------------- checklist


async def test_answer_checklist_items_with_a_note(make_demo_app, demo_db):
    cid = change_id(demo_db, ADMIN_SHA)
    items = ensure_checklist(demo_db, cid)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, ADMIN_SHA)
        panel = app.screen.query_one(ChecklistPanel)
        assert len(panel.items) == len(items)
        await pilot.press("c")
        assert panel.has_focus
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("j", "x")  # x: no (n still goes to the next finding)
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"no test for the bidi case", "enter")
        await settle(pilot)
        assert panel.items[1].note == "no test for the bidi case"
        assert "Checklist 2/" in panel.border_title
    with Store(demo_db) as store:
        answers = store.checklist_answers(cid)
    assert answers[items[0]["id"]]["answer"] == "yes"
    assert answers[items[1]["id"]]["answer"] == "no"
    assert answers[items[1]["id"]]["note"] == "no test for the bidi case"
    assert answers[items[0]["id"]]["reviewer"] == "reviewer"


# ---------------------------------------------------------------- verdicts


async def test_record_a_verdict_with_a_note_then_relaunch(make_demo_app, demo_db):
    cid = change_id(demo_db, SALES_SHA)
    seen: list = []
    app = make_demo_app()
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await open_change(pilot, SALES_SHA)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VerdictModal)
        await pilot.press("f", "tab", "tab")  # needs-fix, then past the acknowledgement to the note
        await pilot.press(*"parametrise the query; log the error")
        await pilot.press("enter")
        await settle(pilot)
        [recorded] = [m for m in seen if isinstance(m, VerdictRecorded)]
        assert recorded.verdict == "needs-fix" and recorded.seconds == 7.5
        assert isinstance(app.screen, QueueScreen)  # back to the queue...
        table = table_of(app)
        assert table.selected_id() == cid  # ...on the same change, with the verdict shown
        assert table.selected_item().state == "needs-fix"
        assert "needs-fix" in table.get_cell_at((table.cursor_row, 8)).plain
        await pilot.press("q")
    assert app.return_code in (0, None)
    with Store(demo_db) as store:
        [v] = store.verdicts_for(cid)
    assert (v["verdict"], v["note"], v["reviewer"], v["seconds_spent"]) == (
        "needs-fix", "parametrise the query; log the error", "reviewer", 7.5)

    again = make_demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        item = next(i for i in table_of(again).items if i.id == cid)
        assert item.state == "needs-fix"


async def test_risky_approval_needs_an_acknowledgement(make_demo_app, demo_db):
    cid = change_id(demo_db, ADMIN_SHA)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_change(pilot, ADMIN_SHA)
        await pilot.press("a")  # CRITICAL with findings: never silent
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, VerdictModal) and modal.verdict is None  # approve is never preselected
        assert any("CRITICAL" in c for c in modal.concerns)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is modal and "choose a verdict" in str(modal.query_one("#verdict-error").render())
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        assert app.screen is modal  # refused without the tick, and it says why
        assert "acknowledgement" in str(modal.query_one("#verdict-error").render())
        await pilot.press("space")  # the checkbox has focus now
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    with Store(demo_db) as store:
        assert store.verdicts_for(cid)[-1]["verdict"] == "approve"


async def test_quick_approve_low_change_without_findings(make_demo_app, demo_db):
    cid = change_id(demo_db, TYPO_SHA)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_change(pilot, TYPO_SHA)
        item = table_of(app).selected_item()
        assert item.tier == "LOW" and item.findings == 0 and not item.sampled
        await pilot.press("a")  # the approval check finds nothing: no checklist, no hidden characters
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert table_of(app).selected_item().state == "approve"
    with Store(demo_db) as store:
        [v] = store.verdicts_for(cid)
    assert v["verdict"] == "approve" and v["seconds_spent"] is None


async def test_cancel_the_verdict_form_records_nothing(make_demo_app, demo_db):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, SALES_SHA)
        await pilot.press("v", "r", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    with Store(demo_db) as store:
        assert store.query("SELECT count(*) AS n FROM verdicts")[0]["n"] == 0


async def test_a_failed_store_is_reported_not_saved(make_demo_app, demo_db, tmp_path):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.db_path = tmp_path  # a directory: every read and write fails
        await select_change(pilot, TYPO_SHA)
        await pilot.press("a")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("Could not check the change before a verdict" in m for m in messages)
        assert table_of(app).row_count > 0  # the queue is still shown
        assert app.is_running and isinstance(app.screen, QueueScreen)
    with Store(demo_db) as store:
        assert store.query("SELECT count(*) AS n FROM verdicts")[0]["n"] == 0


# ------------------------------------------------------------ other views


async def test_stats_help_and_quit(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        from tui.screens.help import HelpScreen
        from tui.screens.stats import StatsScreen

        assert isinstance(app.screen, StatsScreen)
        assert "AI-authored changes" in str(app.screen.query_one("#stats-title").render())
        assert "CRITICAL" in str(app.screen.query_one("#stats-panel-0").render())
        await pilot.press("H")
        await settle(pilot)
        assert "all authors" in str(app.screen.query_one("#stats-title").render())
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("j", "k", "escape")
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("q")
    assert not app.is_running


async def test_command_palette_runs_namespaced_commands(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"queue: filter CRITICAL")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.filter.tier == "CRITICAL"
        assert {i.tier for i in table_of(app).items} == {"CRITICAL"}


async def test_mouse_click_opens_a_change_and_moves_the_diff_cursor(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(QueueTable, offset=(40, 3))  # one click on the third row (under the header) opens it
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.change_id == table_of(app).items[2].id
        await pilot.click(DiffView, offset=(20, 4))
        assert app.screen.query_one(DiffView).cursor == 3  # one border row above the first line


async def test_quitting_during_a_review_keeps_the_time_spent(make_demo_app, demo_db):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, SALES_SHA)
        await pilot.press("q")
    with Store(demo_db) as store:
        rows = store.query("SELECT change_id, seconds FROM review_sessions")
    assert rows == [{"change_id": change_id(demo_db, SALES_SHA), "seconds": 7.5}]


SPECIAL_PATCH = b"""diff --git a/old.py b/new.py
similarity index 100%
rename from old.py
rename to new.py
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
diff --git a/logo.png b/logo.png
index 1111111..2222222 100644
Binary files a/logo.png and b/logo.png differ
"""


async def test_special_files_show_their_notes_in_the_diff(make_demo_app, demo_db):
    from tui_helpers import insert_change

    cid = insert_change(demo_db, id="github:acme/shop#7", source="github", repo="acme/shop", repo_path="",
                        sha="", title="Rename, chmod and a binary", patch=SPECIAL_PATCH, tier="CRITICAL",
                        tier_rank=3, files="[]", n_files=3)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        table.move_cursor(row=next(i for i, it in enumerate(table.items) if it.id == cid), animate=False)
        await pilot.press("enter")
        await settle(pilot)
        diff = app.screen.query_one(DiffView)
        text = "\n".join(diff.render_line(y).text for y in range(diff.size.height))
        assert "renamed old.py -> new.py (100%)" in text
        assert "(+x)" in text and "binary" in text
        assert [e.path for e in app.screen.query_one(FileList).entries] == ["new.py", "run.sh", "logo.png"]


async def test_a_forge_verdict_says_it_waits_for_push_and_the_queue_counts_it(make_demo_app, demo_db):
    from tui_helpers import insert_change

    cid = insert_change(demo_db, id="github:acme/shop#8", source="github", repo="acme/shop", repo_path="",
                        number=8, state="merged", url="https://github.com/acme/shop/pull/8",
                        title="Tidy the cart", n_files=1, added=1, deleted=1,
                        files='[{"path": "README.md", "status": "M", "added": 1, "deleted": 1, "findings": 0, '
                              '"notes": [], "old_path": null}]',
                        patch=b"diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
                              b"@@ -1 +1 @@\n-# shop\n+# Shop\n")
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        title = app.screen.query_one("#queue-title")
        assert "to push" not in str(title.render())  # nothing waits yet
        table = table_of(app)
        table.move_cursor(row=next(i for i, it in enumerate(table.items) if it.id == cid), animate=False)
        await pilot.press("a")  # a LOW change without findings: approved at once
        await settle(pilot)
        with Store(demo_db) as store:
            waiting = store.posts_waiting()
        assert waiting >= 1
        assert f"{waiting} to push" in str(title.render())
        said = [n.message for n in app._notifications]
        assert any("Recorded approve" in m and "triage push" in m for m in said), said


async def test_a_missing_repository_is_explained(make_demo_app, demo_db, tmp_path):
    from tui.app import make_app
    from tui_helpers import NOW

    cid = change_id(demo_db, SALES_SHA)
    with Store(demo_db) as store:
        with store.write() as conn:
            conn.execute("UPDATE changes SET repo_path = ? WHERE id = ?", (str(tmp_path / "moved"), cid))
    app = make_app(demo_db, None, now=NOW, reviewer="reviewer")
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, SALES_SHA)
        diff = app.screen.query_one(DiffView)
        text = " ".join(diff.render_line(y).text.strip() for y in range(4))
        assert "Could not show the diff" in text and "pass --repo PATH" in text
        assert app.screen.query_one(FileList).entries[0].path == "app/reports.py"  # the stored summary
        await pilot.press("v")
        await pilot.pause()
        assert any("could not be shown" in c for c in app.screen.concerns)


@pytest.mark.parametrize("old_sha, shown", [("aaa1111111", "aaa1111111"), ("a\x1b]52;c\x07b", "a^[]52;c^Gb")])
async def test_a_pull_request_with_new_commits_since_its_verdict_shows_updated(make_demo_app, demo_db, old_sha, shown):
    import sqlite3

    from tui_helpers import insert_change

    cid = insert_change(demo_db, id="github:acme/shop#9", source="github", repo="acme/shop", repo_path="",
                        number=9, state="open", sha="bbb2222222", url="https://github.com/acme/shop/pull/9",
                        title="Retry the refund", files="[]", n_files=0, patch=b"")
    with sqlite3.connect(demo_db) as conn:  # approved at the head before the last sync
        conn.execute("INSERT INTO verdicts (id, change_id, verdict, note, reviewer, created_at, sha) "
                     "VALUES ('v-old', ?, 'approve', '', 'ana', 1.0, ?)", (cid, old_sha))
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        row = next(i for i, it in enumerate(table.items) if it.id == cid)
        table.move_cursor(row=row, animate=False)
        await pilot.pause()
        y = row - round(table.scroll_y) + table.header_height
        line = table.render_line(y).text
        assert "acme/shop#9" in line and "updated" in line and "approve" not in line
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VerdictModal)
        summary = str(app.screen.query_one("#verdict-summary").render())
        assert f"new commits since approve by ana at {shown}" in summary  # a forge's sha, shown visibly
        assert "\x1b" not in summary
