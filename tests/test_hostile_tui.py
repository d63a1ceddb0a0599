"""The hostile corpus through the app: the Queue screen and every change's Review screen.

Headless, with a pilot. The driver is made to report that it is not headless
and its ``write`` is captured (reference §1: "test the bytes the driver
writes"), so the bytes a real terminal would receive are checked: no
content-derived escape sequence (the only OSC Textual writes itself is its
pointer-shape ``OSC 22``), no C1 control, no bidi or invisible character.
Each screen is also exported (SVG) and its text must show the stand-ins.
Every way of starting a program is patched to fail, and the corpus's armed
hooks and config must never leave their marker.

Skipped, with the reason, when ``tui.app`` cannot be imported.
"""

from __future__ import annotations

import html
import importlib
import re

import pytest

from triage.git import open_repo, repo_key

from hostile import assert_no_marker
from hostile.fixtures import corpus, no_spawn  # noqa: F401 - fixtures
from triage.sanitize import char_class

try:
    make_app = importlib.import_module("tui.app").make_app
    HeadlessDriver = importlib.import_module("textual.drivers.headless_driver").HeadlessDriver
    UNAVAILABLE = None
except Exception as exc:  # noqa: BLE001
    UNAVAILABLE = f"not available: tui.app cannot be imported ({type(exc).__name__}: {exc})"

pytestmark = pytest.mark.skipif(UNAVAILABLE is not None, reason=UNAVAILABLE or "")

NOW = 1_767_500_000
CHUNKS = 4
OWN_OSC = re.compile(r"\x1b\]22;[a-z-]*(?:\x1b\\|\x07)?")  # Textual's pointer shape (kitty protocol)

# scenario slug -> what its Review screen must show (as exported text)
REVIEW_MUST_SHOW = {
    "osc52": ("^[", "ZXZpbA==", "still visible"),
    "c1": ("\\x9b",),
    "click-markup": ("a[@click=app.quit]b[/]",),
    "link-markup": ("[link=file:evil]setup.py[/link]",),
    "cr-bs": ("␍", "^H"),
    "trojan-source": ("U+202E",),
    "bidi-zero-width": ("U+2066", "U+200B"),
    "symlinks": ("/etc/passwd",),
    "odd-names": ("\\xe9",),
    "evil-merge": ("s28/evil.py",),
}


def screen_text(app) -> str:
    """The visible text of the current screen, from an SVG export."""
    svg = app.export_screenshot()
    assert "\x1b" not in svg
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    text = html.unescape("".join(re.sub(r"<[^>]+>", "", p) for p in parts)).replace("\xa0", " ")
    return text


def assert_frames_safe(frames: list[str]) -> None:
    data = "".join(frames)
    assert data, "the driver received no frames"
    stripped = OWN_OSC.sub("", data)
    osc = stripped.find("\x1b]")
    assert osc < 0, f"a content-derived OSC reached the terminal: {stripped[osc:osc + 60]!r}"
    assert not re.search(r"\x1b[^\[]", stripped), "an escape sequence other than CSI reached the terminal"
    assert "\x1b[2J" not in data and "\x1b[21t" not in data and "\x1b[8m" not in data
    bad = sorted({f"U+{ord(c):04X}" for c in data if char_class(c) not in (None, "control", "line-break")
                  and c != "\xa0"})
    assert not bad, f"hidden characters reached the terminal: {bad}"
    assert not any(0x80 <= ord(c) < 0xA0 for c in data), "a C1 control reached the terminal"
    controls = {f"U+{ord(c):04X}" for c in stripped if ord(c) < 0x20 and c not in "\x1b\n\r\t"}
    assert not controls, f"raw C0 controls reached the terminal: {sorted(controls)}"


@pytest.fixture
def frames(monkeypatch):
    """Capture what the (headless) driver would write to a real terminal."""
    out: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: out.append(data))
    monkeypatch.setattr(HeadlessDriver, "flush", lambda self: None)
    monkeypatch.setattr(HeadlessDriver, "is_headless", property(lambda self: False))
    return out


async def settle(pilot, app) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _app(repo, db):
    app = make_app(db=db, repo=repo.path, now=NOW)
    flt = getattr(app, "initial_filter", None)
    if flt is not None and hasattr(flt, "with_"):
        app.initial_filter = flt.with_(include_all=True)
    return app


def _find(app, name: str):
    return next((w for w in app.screen.walk_children() if any(c.__name__ == name for c in type(w).__mro__)), None)


async def test_queue_screen_shows_the_hostile_titles_defused(corpus, frames, no_spawn):
    repo, db = corpus
    app = _app(repo, db)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot, app)
        table = _find(app, "DataTable")
        assert table is not None and table.row_count == len(repo.scenarios) + 3  # + base and two side commits
        text = screen_text(app)
        for needle in ("^[[2J^[[H", "[@click=app.quit]click me[/]", "[link=https://evil.example/]setup.py[/link]",
                       "U+202E"):
            assert needle in text, f"queue screen lacks {needle!r}"
        await pilot.press("G")
        await pilot.press("g")
        await settle(pilot, app)
        assert app.is_running
    assert_frames_safe(frames)
    assert no_spawn == []
    assert_no_marker(repo.marker)


@pytest.mark.parametrize("chunk", range(CHUNKS))
async def test_every_review_screen_opens_and_shows_the_evidence(corpus, frames, no_spawn, chunk):
    repo, db = corpus
    scenarios = repo.scenarios[chunk::CHUNKS]
    app = _app(repo, db)
    async with app.run_test(size=(180, 50)) as pilot:
        await settle(pilot, app)
        table = _find(app, "DataTable")
        for s in scenarios:
            cid = f"git:{repo_key(open_repo(repo.path))}:{s.sha}"  # the repository's own key, not its directory
            if chunk == 0 and hasattr(table, "get_row_index"):  # the way a person opens it
                table.move_cursor(row=table.get_row_index(cid))
                table.focus()
                await pilot.press("enter")
            else:
                app.open_review(cid)
            await settle(pilot, app)
            assert type(app.screen).__name__ == "ReviewScreen", s.slug
            diff = _find(app, "DiffView")
            assert diff is not None, s.slug
            if s.slug == "empty":
                assert diff.row_count == 0
            else:
                assert diff.row_count > 0, f"{s.slug}: the diff is empty"
            if s.slug == "huge":
                assert diff.row_count > 20_000
                diff.focus()
                await pilot.press("G")
                await settle(pilot, app)
            text = screen_text(app)
            for needle in REVIEW_MUST_SHOW.get(s.slug, ()):
                assert needle in text, f"{s.slug}: review screen lacks {needle!r}"
            await pilot.press("escape")
            await settle(pilot, app)
            assert type(app.screen).__name__ == "QueueScreen", s.slug
        assert app.is_running
    assert_frames_safe(frames)
    assert no_spawn == []
    assert_no_marker(repo.marker)


@pytest.mark.parametrize("raw", ["\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;https://evil\x1b\\x", "ok\u202eevil", "\x9b2J",
                                 "a\x08b", "\x1bPq", "x\u200by"])
def test_the_frame_checker_catches_what_content_could_smuggle(raw):
    """The checks above are not vacuous: each of these, written by the driver, fails them."""
    with pytest.raises(AssertionError):
        assert_frames_safe(["\x1b[1;1H", raw])


async def test_a_repository_damaged_after_ingest_shows_an_error_and_the_app_keeps_running(tmp_path, frames, no_spawn):
    """Scenario 30: objects gone (a corrupt or pruned clone): the review says so; the app stays up."""
    import shutil

    from gitrepo import RepoBuilder
    from triage.ingest import ingest
    from triage.store import Store

    b = RepoBuilder(tmp_path / "damaged")
    b.commit({"a.py": "A = 1\n"}, "base")
    sha = b.commit({"b.py": "B = 2\n" * 50}, "add b\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
    db = tmp_path / "d.db"
    with Store(db) as s:
        ingest(s, b.path, include_all=True, secret=b"s", workers=1)
    shutil.rmtree(b.path / ".git" / "objects")  # every object gone: commit, trees, blobs
    (b.path / ".git" / "objects").mkdir()
    app = make_app(db=db, repo=b.path, now=NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        app.open_review(f"git:damaged:{sha}")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "ReviewScreen"
        text = screen_text(app)
        assert "Could not show the diff" in text or "could not" in text.lower(), text[:2000]
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.is_running and type(app.screen).__name__ == "QueueScreen"
    assert_frames_safe(frames)
