"""A long queue opens with its first rows and adds the rest as the reviewer moves (lazygit-style)."""

from __future__ import annotations

import sqlite3
from contextlib import asynccontextmanager

from tui_helpers import SIZE, settle

from tui.widgets import queue_table
from tui.widgets.queue_table import CHUNK, QueueTable

EXTRA = 2 * CHUNK + 150


def add_many(db, n: int = EXTRA) -> list[str]:
    """Store ``n`` extra LOW changes (copies of a demo row) with distinct ids, shas and titles."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM changes WHERE tier = 'LOW' LIMIT 1").fetchone())
        prefix = row["id"].rsplit(":", 1)[0]
        rows = []
        for k in range(n):
            sha = f"{k:08x}" + row["sha"][8:]
            rows.append({**row, "id": f"{prefix}:{sha}", "sha": sha, "title": f"bulk change {k}", "sampled": 0,
                         "authored_at": 1_700_000_000 + k})
        cols = list(row)
        conn.executemany(f"INSERT INTO changes ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         [[r[c] for c in cols] for r in rows])
    return [r["id"] for r in rows]


@asynccontextmanager
async def queue_app(make_demo_app, db, extra: int = EXTRA, size: tuple[int, int] = SIZE):
    """The app on the demo plus ``extra`` changes, settled on the Queue: ``(pilot, table)``."""
    if extra:
        add_many(db, extra)
    app = make_demo_app(db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot, app.screen.query_one(QueueTable)


async def test_a_long_queue_shows_its_first_rows_then_grows_as_the_cursor_moves(make_demo_app, demo_db):
    async with queue_app(make_demo_app, demo_db) as (pilot, table):
        total = len(table.items)
        assert total > EXTRA
        assert table.row_count == CHUNK == table.loaded_rows  # not every row at first
        assert table.get_cell_at((0, 2)).plain == table.items[0].short_id  # the top of the queue, in order

        table.move_cursor(row=CHUNK - 5, animate=False)
        await pilot.pause()
        assert table.row_count == 2 * CHUNK  # nearing the last row added more
        await pilot.press("j")
        assert table.selected_item() is table.items[CHUNK - 4]

        await pilot.press("G")  # the last change: every row is added first
        await pilot.pause()
        assert table.row_count == total
        assert table.cursor_row == total - 1
        assert table.selected_id() == table.items[-1].id


async def test_a_selected_change_deep_in_the_queue_gets_its_row_at_once(make_demo_app, demo_db):
    async with queue_app(make_demo_app, demo_db) as (pilot, table):
        deep = CHUNK + 100
        target = table.items[deep].id
        assert table.row_count <= deep  # not added yet
        table.show_items(table.items, select=target)
        await pilot.pause()
        assert table.cursor_row == deep
        assert table.selected_id() == target
        assert table.get_cell_at((deep, 2)).plain == table.items[deep].short_id


async def test_g_reaches_the_last_change_when_rows_are_still_to_come(make_demo_app, demo_db, monkeypatch):
    monkeypatch.setattr(queue_table, "CHUNK", 3)
    async with queue_app(make_demo_app, demo_db, extra=0) as (pilot, table):
        assert 3 < len(table.items)
        assert table.row_count < len(table.items)  # the patched chunk applies...
        await pilot.press("G")
        await pilot.pause()
        assert table.row_count == len(table.items)  # ...and G still reaches the last change


async def test_scrolling_the_view_to_its_end_adds_rows(make_demo_app, demo_db):
    async with queue_app(make_demo_app, demo_db) as (pilot, table):
        assert table.row_count == CHUNK
        table.scroll_end(animate=False, immediate=True)  # the mouse wheel's path: the cursor stays put
        await pilot.pause()
        assert table.cursor_row == 0
        assert table.row_count == 2 * CHUNK


async def test_columns_fit_rows_still_to_come_and_keep_their_width_as_they_come(make_demo_app, demo_db):
    ids = add_many(demo_db)
    with sqlite3.connect(demo_db) as conn:  # the widest Size of all, far below the first rows
        conn.execute("UPDATE changes SET added = 123456, deleted = 98765 WHERE id = ?", (ids[-1],))
    async with queue_app(make_demo_app, demo_db, extra=0, size=(160, 36)) as (pilot, table):
        last = next(i for i, it in enumerate(table.items) if it.id == ids[-1])
        assert table.loaded_rows <= last  # its row is not there yet...
        widths = [c.get_render_width(table) for c in table.ordered_columns]
        size = table.shown_columns.index("size")
        assert widths[size] >= len("+123456/-98765") + 2 * table.cell_padding  # ...but its column has room

        await pilot.press("G")  # every row comes
        table.move_cursor(row=last, animate=False)
        await pilot.pause()
        assert table.loaded_rows > last
        assert [c.get_render_width(table) for c in table.ordered_columns] == widths  # no column moved
        y = last - round(table.scroll_y) + table.header_height
        assert "+123456/-98765" in table.render_line(y).text  # drawn whole, in its row on screen


def test_every_form_of_the_title_says_how_many_posts_wait():
    from tui.widgets.queue_title import FORMS, QueueCounts, title_line

    counts = QueueCounts(5, {"HIGH": 2, "LOW": 3}, 1, 4, to_push=3, reviewer="alice")
    forms = [title_line(counts, compact).plain for compact in range(FORMS)]
    assert all("3 to push" in form for form in forms[:-1]) and "↑3" in forms[-1]
    assert all(len(a) > len(b) for a, b in zip(forms, forms[1:]))
    assert all("alice" in form for form in forms) and "you: alice" in forms[0]
    assert all("to push" not in title_line(QueueCounts(5, {"LOW": 5}, 0, 5), c).plain for c in range(FORMS))
