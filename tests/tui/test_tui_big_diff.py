"""A 50,000-line diff opens in the review screen and scrolls to its end without rendering it all."""

from __future__ import annotations

from tui_helpers import SIZE, add_big_change, settle

from tui.screens.review import ReviewScreen
from tui.widgets.diff_view import DiffView
from tui.widgets.queue_table import QueueTable

LINES = 50_000


async def test_fifty_thousand_line_diff_opens_and_scrolls_to_the_end(make_demo_app, demo_db, tmp_path):
    cid = add_big_change(demo_db, tmp_path, LINES)
    app = make_demo_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        table.move_cursor(row=next(i for i, it in enumerate(table.items) if it.id == cid), animate=False)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        diff = screen.query_one(DiffView)
        assert diff.row_count >= LINES
        assert len(list(screen.walk_children())) < 100  # one widget, not 50,000
        first_paint = diff.rendered_lines
        assert 0 < first_paint <= diff.size.height  # only the rows on screen were highlighted

        await pilot.press("G")
        await pilot.pause()
        assert diff.cursor == diff.row_count - 1
        assert diff.scroll_y >= diff.row_count - diff.size.height
        shown = "\n".join(diff.render_line(y).text for y in range(diff.size.height))
        assert f"{LINES}" in shown and f"# line {LINES}" in shown
        assert diff.rendered_lines - first_paint <= 2 * diff.size.height

        await pilot.press("g")
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        assert diff.cursor == diff.row_count - 1
        assert diff.rendered_lines < 5 * diff.size.height


async def test_side_by_side_keeps_a_deep_cursor_on_screen(make_demo_app, demo_db, tmp_path):
    cid = add_big_change(demo_db, tmp_path, 5_000)
    app = make_demo_app(demo_db)
    async with app.run_test(size=(180, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        table.move_cursor(row=next(i for i, it in enumerate(table.items) if it.id == cid), animate=False)
        await pilot.press("enter")
        await settle(pilot)
        diff = app.screen.query_one(DiffView)
        for _ in range(3):
            await pilot.press("pagedown")
        await pilot.press("j")
        line = diff.current_row().new_no
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.layout_.split
        assert diff.current_row().new_no == line
        assert diff.scroll_y <= diff.cursor < diff.scroll_y + diff.size.height
        shown = "\n".join(diff.render_line(y).text for y in range(diff.size.height))
        assert f"# line {line}" in shown
