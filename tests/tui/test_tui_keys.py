"""Every key is declared as a Binding with an id and a tooltip, shown in the help, and the palette's commands run."""

from __future__ import annotations

import pytest
from textual.binding import BindingsMap
from tui_helpers import SIZE, open_change, settle, ADMIN_SHA

from tui.app import TriageApp
from tui.commands import VIEW_COMMANDS, REVIEW_COMMANDS, commands_for
from tui.screens.help import HelpScreen, binding_rows, help_text, sections
from tui.screens.queue import QueueScreen
from tui.screens.review import ReviewScreen


def own_bindings(cls):
    return [b for bs in BindingsMap(cls.__dict__.get("BINDINGS", [])).key_to_bindings.values() for b in bs]


OUR_CLASSES = [cls for _, classes in sections(TriageApp) for cls in classes if cls.__module__.startswith("tui.")]


@pytest.mark.parametrize("cls", OUR_CLASSES, ids=lambda c: c.__name__)
def test_every_binding_has_an_id_a_description_and_a_tooltip(cls):
    bindings = own_bindings(cls)
    assert bindings, f"{cls.__name__} declares no keys"
    for b in bindings:
        assert b.id and b.description and b.tooltip, (cls.__name__, b.key)


def test_binding_ids_are_unique_per_action():
    seen: dict[str, tuple] = {}
    for cls in OUR_CLASSES:
        for b in own_bindings(cls):
            other = seen.setdefault(b.id, (cls, b.action))
            assert other == (cls, b.action), f"id {b.id} reused"


def test_help_lists_every_key_of_every_screen():
    text = help_text(TriageApp).plain
    for _, classes in sections(TriageApp):
        for keys, desc, _tip, _id in binding_rows(classes):
            assert desc in text
    for cls in OUR_CLASSES:
        for b in own_bindings(cls):
            assert b.key in text and b.description in text, (cls.__name__, b.key)
    for screen in ("Queue", "Review", "Verdict form", "Stats", "Help", "Everywhere", "checklist"):
        assert screen in text


async def test_help_screen_shows_the_keys(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        tables = app.screen.query(".help-table")
        assert len(tables) == len(sections(TriageApp))


def test_palette_commands_are_namespaced_and_runnable():
    for command in (*VIEW_COMMANDS, *REVIEW_COMMANDS):
        assert command.title.split(":")[0] in ("view", "app", "review") and command.help
        target = TriageApp if command.target == "app" else ReviewScreen
        assert hasattr(target, f"action_{command.action}"), command.title


async def test_palette_offers_the_commands_of_the_current_screen(make_demo_app):
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue_titles = [c.title for c in commands_for(app.screen)]
        for title in ("queue: filter CRITICAL", "queue: filter state unreviewed", "queue: filter agent claude",
                      "queue: search", "view: stats", "view: help"):
            assert title in queue_titles
        assert not any(t.startswith("review:") for t in queue_titles)
        for c in commands_for(app.screen):
            target = app if c.target == "app" else app.screen
            assert callable(getattr(target, f"action_{c.action}")), c.title
        await open_change(pilot, ADMIN_SHA)
        review_titles = [c.title for c in commands_for(app.screen)]
        assert "review: next finding" in review_titles and not any(t.startswith("queue:") for t in review_titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"next finding")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.query_one("DiffView").cursor == screen.layout_.finding_rows[0]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"view: queue")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


def test_team_commands_name_real_actions():
    from tui.commands import DIGEST_COMMANDS
    from tui.screens.digest import DigestScreen

    for command in DIGEST_COMMANDS:
        assert command.title.startswith("digest: ") and command.help
        assert hasattr(DigestScreen, f"action_{command.action}"), command.title
    assert any(c.action == "show_digest" for c in VIEW_COMMANDS) and hasattr(TriageApp, "action_show_digest")
    assert any(c.action == "handover" for c in REVIEW_COMMANDS) and hasattr(ReviewScreen, "action_handover")
    assert hasattr(QueueScreen, "action_handover") and hasattr(QueueScreen, "action_digest")


def test_new_keys_are_in_the_help():
    text = help_text(TriageApp).plain
    for key, desc in (("o", "Hand over"), ("D", "Digest"), ("m", "Mark read"), ("enter", "Review")):
        assert f"  {key:<16} {desc}" in text, (key, desc)
    for section in ("Daily digest (D)", "Hand-over (o)"):
        assert section in text


# ------------------------------------------------------------ [keymap]


async def test_a_keymap_moves_keys_in_the_app_the_footer_and_the_help(make_demo_app):
    from tui.screens.stats import StatsScreen

    app = make_demo_app(keymap={"app.stats": "ctrl+t", "app.help": "f2"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from textual.widgets._footer import FooterKey

        footer = {k.description: k.key for k in app.screen.query(FooterKey)}
        assert footer["Help"] == "f2"  # the footer names the new key
        await pilot.press("S")  # the old key does nothing now
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape", "f2")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        console = Console(width=SIZE[0], record=True, file=open("/dev/null", "w"))
        for table in app.screen.query(".help-table"):
            console.print(table.content)  # the rich Table the help screen shows
        shown = console.export_text()
        stats_row = next(line for line in shown.split("\n") if "Stats" in line and "app.stats" in line)
        assert "^t" in stats_row and " S " not in f" {stats_row} "


async def test_the_keymap_comes_from_the_users_config_never_the_repository(make_demo_app, demo_repo, monkeypatch,
                                                                           tmp_path):
    from tui.screens.stats import StatsScreen
    from tui_helpers import use_config

    config = use_config(monkeypatch, tmp_path, '[keymap]\n"app.stats" = "ctrl+t"\n"no.such" = "z"\n')
    (demo_repo / ".triage.toml").write_text('[keymap]\n"app.quit" = "S"\n')  # a repository must not move keys
    try:
        app = make_demo_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.keymap == {"app.stats": "ctrl+t"}
            said = [n.message for n in app._notifications]
            assert any("no.such" in m and "help screen" in m and str(config) in m for m in said), said
            await pilot.press("ctrl+t")
            await settle(pilot)
            assert isinstance(app.screen, StatsScreen) and app.is_running
    finally:
        (demo_repo / ".triage.toml").unlink()


async def test_a_broken_keymap_is_reported_and_the_keys_stay(make_demo_app, monkeypatch, tmp_path):
    from tui.screens.stats import StatsScreen
    from tui_helpers import use_config

    use_config(monkeypatch, tmp_path, '[keymap]\n"app.stats" = 3\n')
    app = make_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("[keymap] app.stats: expected a string, got 3" in m for m in said), said
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
