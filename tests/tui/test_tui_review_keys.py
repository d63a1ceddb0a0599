"""The Review screen's keys a lazygit or tig user reaches for: / search with n / N, a wrap toggle,
word-level highlighting, a checklist whose answers clear and whose "no" is not n, one finding count,
and findings by severity; the help shows whole ids; the palette ranks an exact word first."""

from __future__ import annotations

import re
import sqlite3

import pytest
from tui_helpers import ADMIN_SHA, SALES_SHA, SIZE, TYPO_SHA, change_id, ensure_checklist, open_change, settle

from triage.patch import parse_patch
from triage.review.layout import build_layout, intraline_spans, search_rows
from triage.store import Store
from tui.screens.help import HelpScreen, binding_ids, help_tables
from tui.widgets.checklist import ChecklistPanel
from tui.widgets.diff_view import CONTINUATION, DiffView

NARROW = (100, 30)


def strip_text(diff: DiffView, y: int) -> str:
    return diff.render_line(y).text


# ------------------------------------------------------------------ search


async def test_slash_searches_the_diff_and_n_goes_from_match_to_match(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, ADMIN_SHA)
        screen = app.screen
        diff = screen.query_one(DiffView)
        expected = search_rows(screen.layout_, "ACCESS")  # case-insensitive
        assert len(expected) == 2
        await pilot.press("/", *"access", "enter")
        await pilot.pause()
        assert screen.matches == expected and diff.cursor == expected[0] and diff.has_focus
        assert "match 1 of 2 lines" in str(screen.query_one("#search-status").render())
        await pilot.press("n")
        assert diff.cursor == expected[1]
        await pilot.press("n")  # wraps around
        assert diff.cursor == expected[0]
        await pilot.press("N")
        assert diff.cursor == expected[1]
        assert "Match" in app.screen.query_one("TriageFooter").query("FooterLabel").first().render().plain
        await pilot.press("escape")  # ends the search, the review stays open
        await pilot.pause()
        assert screen.matches is None and app.screen is screen and diff.search == ""
        await pilot.press("n")  # n goes to findings again
        assert diff.cursor == screen.layout_.finding_rows[0]
        await pilot.press("/", *"no such text", "enter")
        await pilot.pause()
        assert screen.matches == [] and "no line matches" in str(screen.query_one("#search-status").render())
        await pilot.press("/", "escape")  # Esc while typing cancels the typing only
        await pilot.pause()
        assert app.screen is screen and not screen.query_one("#diff-search").display


async def test_search_matches_the_stand_ins_of_hidden_characters(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, ADMIN_SHA)
        await pilot.press("/", *"U+202E", "enter")
        await pilot.pause()
        screen = app.screen
        assert len(screen.matches) == 1
        assert screen.layout_.findings_at.get(screen.matches[0])  # the Trojan Source line


# ------------------------------------------------------------------ wrap


async def test_w_wraps_the_long_trojan_source_line_at_100_columns(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=NARROW) as pilot:
        await open_change(pilot, ADMIN_SHA)
        screen = app.screen
        diff = screen.query_one(DiffView)
        await pilot.press("n", "n")  # the bidi line
        row = diff.cursor
        y = row - round(diff.scroll_y)
        before = strip_text(diff, y)
        assert "check if admin" not in before  # cut at the pane's edge
        await pilot.press("w")
        await pilot.pause()
        assert diff.wrap and diff.row_height(row) >= 2
        y = diff.row_top(row) - round(diff.scroll_y)
        lines = [strip_text(diff, y + k) for k in range(diff.row_height(row))]
        assert "U+202E RLO" in lines[0] and CONTINUATION in lines[1]
        assert "check if admin" in "".join(lines)
        assert diff.virtual_size.height == diff.row_top(len(screen.layout_.rows))  # every row's lines
        await pilot.press("j", "k")  # the cursor still moves row by row
        assert diff.cursor == row
        await pilot.press("w")
        await pilot.pause()
        assert not diff.wrap and diff.virtual_size.height == len(screen.layout_.rows)


async def test_wrapping_a_big_diff_still_draws_only_what_is_on_screen(make_demo_app, demo_db, tmp_path):
    from tui_helpers import add_big_change

    cid = add_big_change(demo_db, tmp_path, lines=20_000)
    app = make_demo_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        app.open_review(cid)
        await settle(pilot)
        diff = app.screen.query_one(DiffView)
        drawn = diff.rendered_lines
        await pilot.press("w", "G")
        await settle(pilot)
        assert diff.cursor == diff.row_count - 1
        assert diff.rendered_lines - drawn < 3 * NARROW[1]  # a screenful or two, never the 20,000 lines


# ------------------------------------------------------------------ word-level highlight


def test_intraline_spans_single_out_the_changed_words():
    old, new = "total = price * qty", "total = price * quantity + tax"
    a, b = intraline_spans(old, new)
    assert [old[s:e] for s, e in a] == ["qty"]
    assert [new[s:e] for s, e in b] == ["quantity + tax"]
    assert intraline_spans("same", "same") == ([], [])
    assert intraline_spans("abc def", "totally different words here") == ([], [])  # a rewrite: no emphasis


def test_the_layout_pairs_replaced_lines_of_equal_runs():
    patch = (b"diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,4 +1,4 @@\n"
             b" a = 1\n-b = 2\n-c = 3\n+b = 20\n+c = 30\n d = 4\n")
    layout = build_layout(parse_patch(patch))
    rows = layout.rows
    minus = [i for i, r in enumerate(rows) if r.line is not None and r.line.origin == "-"]
    plus = [i for i, r in enumerate(rows) if r.line is not None and r.line.origin == "+"]
    assert {layout.pairs[i] for i in minus} == set(plus) and all(layout.pairs[layout.pairs[i]] == i for i in minus)
    uneven = build_layout(parse_patch(patch.replace(b"+c = 30\n", b"+c = 30\n+e = 5\n").replace(b"+1,4", b"+1,5")))
    assert uneven.pairs == {}  # runs of different lengths are not paired


async def test_a_changed_word_is_drawn_in_the_strong_colour(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, TYPO_SHA)
        diff = app.screen.query_one(DiffView)
        plus = next(i for i, r in enumerate(diff.layout_.rows) if r.line is not None and r.line.origin == "+")
        strong = diff.get_component_rich_style("diff-view--added-word").bgcolor
        line = diff.render_line(plus - round(diff.scroll_y))
        emphasised = "".join(seg.text for seg in line if seg.style is not None and seg.style.bgcolor == strong)
        assert "Run the tests" in emphasised and "order and user" not in emphasised


# ------------------------------------------------------------------ checklist


async def test_checklist_no_is_x_and_an_answer_can_be_cleared(make_demo_app, demo_db):
    cid = change_id(demo_db, ADMIN_SHA)
    items = ensure_checklist(demo_db, cid)
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, ADMIN_SHA)
        screen = app.screen
        panel = screen.query_one(ChecklistPanel)
        diff = screen.query_one(DiffView)
        await pilot.press("c", "x")
        await settle(pilot)
        assert panel.items[0].answer == "no"
        await pilot.press("n")  # still the next finding, with the checklist focused
        assert diff.cursor == screen.layout_.finding_rows[0]
        await pilot.press("c", "backspace")
        await settle(pilot)
        assert panel.items[0].answer is None and panel.border_title == f"Checklist 0/{len(items)}"
    with Store(demo_db) as store:
        assert items[0]["id"] not in store.checklist_answers(cid)  # open again
        rows = store.query("SELECT answer FROM checklist_answers WHERE change_id = ? ORDER BY id", (cid,))
    assert [r["answer"] for r in rows] == ["no", ""]  # the history keeps both


# ------------------------------------------------------------------ findings


async def test_one_finding_count_everywhere_and_the_worst_first(make_demo_app, demo_db):
    cid = change_id(demo_db, SALES_SHA)
    with sqlite3.connect(demo_db) as conn:  # a second, lesser finding on the line of the first one
        first = conn.execute("SELECT path, line, severity FROM findings WHERE change_id = ? ORDER BY line",
                             (cid,)).fetchone()
        conn.execute("INSERT INTO findings (change_id, rule, severity, path, line, message, question, suppressed) "
                     "VALUES (?, 'unresolved-todo', 'low', ?, ?, 'a TODO', 'Is it done?', 0)", (cid, *first[:2]))
        conn.execute("UPDATE changes SET n_findings = n_findings + 1 WHERE id = ?", (cid,))
        total = conn.execute("SELECT n_findings FROM changes WHERE id = ?", (cid,)).fetchone()[0]
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_change(pilot, SALES_SHA)
        screen = app.screen
        layout = screen.layout_
        assert layout.finding_total == total
        assert f"{total} findings" in str(screen.query_one("#review-title").render())
        await pilot.press("n")
        panel = str(screen.query_one("#finding-text").render())
        assert f"of {total}" in panel
        shown = layout.findings_at[screen.query_one(DiffView).cursor]
        ranks = ["info", "low", "medium", "high", "critical"]
        assert [ranks.index(f["severity"]) for f in shown] == sorted((ranks.index(f["severity"]) for f in shown),
                                                                    reverse=True)
        if len(shown) > 1:
            assert panel.index(shown[0]["rule"]) < panel.index(shown[1]["rule"])  # listed worst first
        await pilot.press(*["n"] * (len(layout.finding_rows) - 1))
        last = str(screen.query_one("#finding-text").render())
        assert re.search(rf"findings? (\d+–)?{total} of {total}\b", last), last  # the last one is number N


# ------------------------------------------------------------------ help and palette


async def test_the_help_shows_every_binding_id_whole_at_100_columns(make_demo_app):
    import io

    from rich.console import Console

    app = make_demo_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        width = app.screen.query_one(".help-table").content_region.width
        out = io.StringIO()
        for _title, table in help_tables(type(app), app.get_key_display, keymap=app.keymap):  # as the screen shows
            Console(width=width, file=out, color_system=None).print(table)
        shown = out.getvalue()
        for bid in binding_ids(type(app)):
            assert re.search(rf"(?<![\w.]){re.escape(bid)}(?![\w.])", shown), bid


@pytest.mark.parametrize("typed, first", [("filter", "queue: filter "), ("queue", "view: queue"),
                                          ("approve", "queue: approve selected"), ("stats", "view: stats")])
async def test_the_palette_ranks_an_exact_word_first(make_demo_app, typed, first):
    from textual.command import CommandPalette

    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*typed)
        await pilot.pause(0.4)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one("CommandList")
        top = str(options.get_option_at_index(0).prompt)
        assert top.startswith(first), top
