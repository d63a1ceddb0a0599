"""Untrusted text reaches the terminal only as visible, markup-free text (security-and-bad-inputs.md §1-2).

Unit tests check the boundary (tui/safe.py, the highlighter); pilot tests check
every widget that shows untrusted text; one test captures the bytes the driver
writes and proves no escape sequence derived from content gets out.
"""

from __future__ import annotations

import html
import re

import pytest
from rich.text import Text
from textual.drivers.headless_driver import HeadlessDriver
from tui_helpers import (
    HOSTILE_AGENT,
    HOSTILE_PATH,
    HOSTILE_TITLE,
    PWNED_SHA,
    SIZE,
    add_hostile_change,
    select_change,
    settle,
)

from tui.safe import ESCAPE_STYLE, safe_line, safe_plain, safe_text
from tui.widgets.highlight import LineHighlighter, lexer_for

DANGEROUS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""Characters that must never reach a widget raw (TAB excepted)."""


def svg_text(svg: str) -> str:
    """The characters an exported screenshot shows, tags dropped, spaces normalised."""
    body = svg[svg.index("<g class"):] if "<g class" in svg else svg
    return html.unescape(re.sub(r"<[^>]+>", "", body)).replace("\xa0", " ")


def escaped_pieces(text: Text) -> list[str]:
    return [text.plain[s.start:s.end] for s in text.spans if s.style == ESCAPE_STYLE]


@pytest.mark.parametrize("markup", [
    "[bold]x[/bold]",
    "[link=https://evil]x[/link]",
    "[@click=app.quit]x[/]",
    "[/]",
    "[bold",
    "\\[x] and a trailing \\",
])
def test_markup_stays_literal(markup):
    text = safe_text(markup)
    assert isinstance(text, Text)
    assert text.plain == markup
    assert not text.spans


@pytest.mark.parametrize("raw, shown", [
    ("\x1b]52;c;ZXZpbA==\x07", "^[]52;c;ZXZpbA==^G"),
    ("\x1b]52;c;ZXZpbA==\x1b\\", "^[]52;c;ZXZpbA==^[\\"),
    ("a\x00b", "a^@b"),
    ("safe\rEVIL", "safe␍EVIL"),
    ("del\x7f", "del^?"),
    ("c1\x9b31m", "c1\\x9b31m"),
    ("\u202eRLO", "⟨U+202E RLO⟩RLO"),
    ("\u2066x\u2069", "⟨U+2066 LRI⟩x⟨U+2069 PDI⟩"),
    ("zero\u200bwidth", "zero⟨U+200B ZWSP⟩width"),
    ("\ufeffbom", "⟨U+FEFF BOM⟩bom"),
])
def test_controls_bidi_and_invisibles_are_replaced_visibly(raw, shown):
    text = safe_text(raw)
    assert text.plain == shown
    assert not DANGEROUS.search(text.plain)
    assert escaped_pieces(text), "the stand-ins are styled so they stand out"
    assert safe_plain(raw) == shown


def test_safe_line_cuts_and_keeps_escapes():
    text = safe_line("first \x1b[2J line\nsecond line", limit=12)
    assert "second" not in text.plain and text.cell_len <= 12 and text.plain.endswith("…")
    assert "^[" in text.plain


def test_bytes_with_bad_utf8_are_shown_as_hex():
    assert safe_text(b"caf\xe9").plain == "caf\\xe9"


@pytest.mark.parametrize("line", [
    b'if role != "user\xe2\x80\xae \xe2\x81\xa6# admin\xe2\x81\xa9\xe2\x81\xa6":',
    b"osc \x1b]52;c;ZXZpbA==\x07 after = 1",
    b"x = '\x00\x7f\xc2\x9b' # c1",
    b"line = 1\r",
    b"[bold]x[/bold] = '[@click=app.quit]q[/]'",
    b"s = '\\[x]' + '\\\\'",
])
def test_highlighted_lines_are_as_safe_as_plain_ones(line):
    text = LineHighlighter().highlight(line, lexer_for("x.py"))
    plain = safe_text(line, tab_size=4)
    assert text.plain == plain.plain
    assert not DANGEROUS.search(text.plain)
    assert escaped_pieces(text) == escaped_pieces(plain)


def test_highlighting_is_capped_per_line():
    long = b"x = 1 " * 1000
    text = LineHighlighter().highlight(long, lexer_for("x.py"))
    assert not text.spans  # over MAX_HIGHLIGHT: plain text
    assert LineHighlighter().highlight(b"x = 1", lexer_for("x.py")).spans


def test_lexer_by_file_name_only():
    assert lexer_for("app/x.py") is not None
    assert lexer_for("no-extension-here") is None
    assert lexer_for("[link=https://evil]setup.py[/link]") is None  # the name is "link]": plain text
    assert lexer_for("dir/") is None


# ------------------------------------------------------------------ widgets


async def test_hostile_change_is_literal_in_every_widget(make_demo_app, demo_db):
    cid = add_hostile_change(demo_db)
    app = make_demo_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from tui.widgets.queue_table import QueueTable

        table = app.screen.query_one(QueueTable)
        index = next(i for i, it in enumerate(table.items) if it.id == cid)
        title_cell = table.get_cell_at((index, 9))
        agent_cell = table.get_cell_at((index, 3))
        assert isinstance(title_cell, Text) and title_cell.plain.startswith("[bold red]pwned[/] [link=")
        assert HOSTILE_AGENT.startswith(agent_cell.plain.rstrip("…"))
        assert not DANGEROUS.search(title_cell.plain)
        assert "[bold red]pwned[/]" in svg_text(app.export_screenshot())

        table.move_cursor(row=index, animate=False)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running, "no MarkupError, no [@click=app.quit]"
        from tui.widgets.checklist import ChecklistPanel
        from tui.widgets.file_list import FileList

        files = app.screen.query_one(FileList)
        assert files.entries[0].path == HOSTILE_PATH
        prompt = files.get_option_at_index(0).prompt
        assert isinstance(prompt, Text) and prompt.plain.endswith("setup.py[/link]")  # cut from the left
        checklist = app.screen.query_one(ChecklistPanel)
        prompt = checklist.get_option_at_index(0).prompt
        assert isinstance(prompt, Text) and "[bold]Checked[/] ^[]52;c;eA==^G item?" in prompt.plain
        await pilot.press("n")  # jump to the finding: its message and question are shown literally
        await pilot.pause()
        from textual.widgets import Static

        panel = app.screen.query_one("#finding-text", Static)
        shown = str(panel.render())
        assert "[bold red]markup[/] in a finding ^[]52;c;ZXZpbA==^G" in shown
        assert "Is [@click=app.quit]this[/] safe?" in shown
        review_svg = svg_text(app.export_screenshot())
        for literal in ("[@click=app.quit]q[/]", "⟨U+202E RLO⟩", "safe␍EVIL", "nul^@", "c1\\x9b31m",
                        "trailing \\ and \\[x]"):
            assert literal in review_svg, literal
        await pilot.press("f")  # the risk factors: evidence and message are literal too
        await pilot.pause()
        factors_svg = svg_text(app.export_screenshot())
        assert "[link=https://evil]x[/link]" in factors_svg and "^[]0;owned^G" in factors_svg
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_notifications_are_never_markup(make_demo_app, tmp_path):
    app = make_demo_app(tmp_path / "does-not-exist" / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from tui.messages import StoreFailed

        app.post_message(StoreFailed("record the verdict", "[bold]boom[/] \x1b]52;c;eA==\x07 [/]"))
        await pilot.pause()
        assert app.is_running
        toasts = list(app._notifications)
        assert toasts and toasts[-1].markup is False
        assert "[bold]boom[/] ^[]52;c;eA==^G [/]" in toasts[-1].message


# ------------------------------------------------------------- driver bytes

CSI = re.compile(r"\x1b\[[0-9;:?<=>]*[ -/]*[@-~]")
"""Textual's own cursor moves and colours."""
TEXTUAL_OSC = re.compile(r"\x1b\]22;[a-z-]+\x07")
"""Textual's own pointer-shape sequence (kitty protocol): the only OSC it writes."""


async def test_driver_output_has_no_content_escape_sequences(make_demo_app, demo_db, monkeypatch):
    """Capture what the driver would write to the terminal: the content's ESC bytes must not be in it."""
    add_hostile_change(demo_db)
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "is_headless", property(lambda self: False))
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    app = make_demo_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_change(pilot, PWNED_SHA)  # the demo's own hostile commit
        await pilot.pause()
        before = len(written)
        from tui.widgets.queue_table import QueueTable

        table = app.screen.query_one(QueueTable)
        index = next(i for i, it in enumerate(table.items) if it.source == "github")
        table.move_cursor(row=index, animate=False)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n", "f")
        await settle(pilot)
        assert len(written) > before
    out = "".join(written)
    assert out, "the patched driver saw the frames"
    for bad in ("\x1b]52", "\x1b]8;", "\x1b]0;owned", "\x9b", "\x9d", "\x00", "\x7f", "\u202e", "\u2066",
                "\u200b", "\x1b[2J"):
        assert bad not in out, repr(bad)
    text = TEXTUAL_OSC.sub("", CSI.sub("", out))
    assert "\x1b" not in text, repr(text[text.index("\x1b") - 20: text.index("\x1b") + 20])
    assert "\x07" not in text and "\r" not in text
    assert "[bold red]pwned[/]" in text
    assert "^[]52;c;ZXZpbA==^G" in text
    assert HOSTILE_TITLE not in out


async def test_digest_handover_and_stats_show_hostile_text_literally(make_demo_app, demo_db, monkeypatch, tmp_path):
    """Titles, agents, notes, reviewer and roster names are literal in the team screens too."""
    import sqlite3

    from tui_helpers import NOW, SALES_SHA, change_id, mark_digest_read, use_config

    from tui.screens.digest import DigestScreen
    from tui.screens.handover import HandoverModal

    cid = add_hostile_change(demo_db)
    with sqlite3.connect(demo_db) as conn:
        conn.execute("INSERT INTO verdicts (id, change_id, verdict, note, reviewer, created_at, seconds_spent) "
                     "VALUES ('vh', ?, 'needs-fix', ?, ?, ?, 30)",
                     (change_id(demo_db, SALES_SHA), "[bold]n[/] \x1b]52;c;eA==\x07", "[@click=app.quit]r[/]",
                      NOW - 60))
    use_config(monkeypatch, tmp_path, '[team]\nmembers = [{name = "[@click=app.quit]eve[/]"}, {name = "bob"}]\n'
                                      'security = ["[@click=app.quit]eve[/]"]\n')
    mark_digest_read(demo_db, NOW - 2 * 86400)
    app = make_demo_app(demo_db, digest=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DigestScreen) and screen.digest["merged_total"] == 1
        assert "[bold red]pwned[/]" in svg_text(app.export_screenshot())
        listing = screen.query_one("#digest-list")
        prompts = [listing.get_option_at_index(i).prompt for i in range(listing.option_count)]
        assert all(isinstance(p, Text) and not DANGEROUS.search(p.plain) for p in prompts)
        verdict = next(p.plain for p, line in zip(prompts, screen.lines) if line.kind == "verdict")
        assert "by [@click=app.qui" in verdict and "[bold]n[/] ^[]52;c;eA==^G" in verdict
        await pilot.press("escape")
        await settle(pilot)
        from tui.widgets.queue_table import QueueTable

        table = app.screen.query_one(QueueTable)
        table.move_cursor(row=next(i for i, it in enumerate(table.items) if it.id == cid), animate=False)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, HandoverModal)
        assert "[@click=app.quit]eve[/]" in svg_text(app.export_screenshot())
        await pilot.press("enter")  # hand it to eve: the notification is literal too
        await settle(pilot)
        assert app.is_running
        assert any("to [@click=app.quit]eve[/]" in n.message and n.markup is False for n in app._notifications)
        await pilot.press("S")
        await settle(pilot)
        assert app.is_running
        assert HOSTILE_AGENT in svg_text(app.export_screenshot())
