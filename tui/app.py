"""Provides :class:`TriageApp` and :func:`make_app`, the one factory the CLI, tests and screenshots use.

The app owns what outlives a screen: the database path, the repository
fallback, the reviewer's name, the clock (``now`` fixes ages for snapshots;
``monotonic`` measures time spent), and the verdict writes, so a verdict
recorded from the queue or from a review takes the same path: a thread
worker with its own Store posts :class:`~tui.messages.VerdictRecorded`, the
review (if open) closes, and the queue reloads with the verdict shown.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Callable, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from triage.review import QueueFilter
from tui.commands import TriageCommands
from tui.messages import StoreFailed, VerdictRecorded
from tui.safe import safe_plain
from tui.screens.help import HelpScreen
from tui.screens.queue import QueueScreen
from tui.screens.review import ReviewScreen
from tui.screens.stats import StatsScreen

__all__ = ["TriageApp", "make_app"]

DEFAULT_THEME = "textual-dark"
"""The theme the app starts with (fixed, so snapshots are stable)."""


def _timestamp(now: float | int | datetime | None) -> float | None:
    if now is None:
        return None
    if isinstance(now, datetime):
        return now.timestamp()
    return float(now)


class TriageApp(App[None]):
    """Keyboard-first review of AI-generated changes: queue, review, verdicts, stats."""

    CSS_PATH = "app.tcss"
    TITLE = "triage"
    COMMANDS = App.COMMANDS | {TriageCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave triage."),
        Binding("question_mark,f1", "show_help", "Help", id="app.help", tooltip="Every key of every screen."),
        Binding("S", "show_stats", "Stats", show=False, id="app.stats", tooltip="Counts by tier and agent, verdicts, progress."),
    ]
    """Keys that work on every screen (unless a screen or a text field uses the key)."""

    def __init__(
        self,
        db: Path | str,
        repo: Path | str | None = None,
        *,
        now: float | int | datetime | None = None,
        reviewer: str | None = None,
        theme: str = DEFAULT_THEME,
        monotonic: Callable[[], float] = time.monotonic,
        demo: bool = False,
        deep_dive: bool = False,
        **options: object,
    ) -> None:
        super().__init__()
        self.db_path = Path(db)
        self.repo = str(repo) if repo else None
        self.now = _timestamp(now)
        if reviewer is None:
            from triage.cli import default_reviewer

            reviewer = default_reviewer()
        self.reviewer = reviewer
        self.monotonic = monotonic
        self.demo = demo
        self.options = options
        self.initial_filter = QueueFilter(sampled_only=deep_dive)
        self.theme = theme

    def get_default_screen(self) -> QueueScreen:
        return QueueScreen(self.initial_filter)

    @property
    def queue_screen(self) -> QueueScreen:
        """The queue (always at the bottom of the screen stack)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, QueueScreen)
        return screen

    # -------------------------------------------------------------- views

    def open_review(self, change_id: str) -> None:
        """Open the review screen on ``change_id``."""
        self.push_screen(ReviewScreen(change_id))

    def action_show_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_show_stats(self) -> None:
        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen(include_all=self.queue_screen.filter.include_all))

    def action_show_queue(self) -> None:
        while len(self.screen_stack) > 1:
            screen = self.screen
            if isinstance(screen, ReviewScreen):
                screen.action_back()
            else:
                self.pop_screen()

    async def action_quit(self) -> None:
        """Quit; time spent on an open review is kept first."""
        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen) and not screen.done:
                screen.done = True
                self._save_review_time(screen.change_id, screen.seconds_spent())
        self.exit()

    def _save_review_time(self, change_id: str, seconds: float) -> None:
        """Record review time synchronously (only at exit, when no worker would finish)."""
        from triage.store import Store

        if seconds <= 0:
            return
        try:
            with Store(self.db_path) as store:
                store.record_review_time(change_id, seconds, reviewer=self.reviewer)
        except Exception:  # noqa: BLE001 - never block quitting
            return

    def latest_verdict(self, change_id: str) -> str | None:
        """The verdict the queue shows for ``change_id``, if any."""
        return next((i.verdict for i in self.queue_screen.items if i.id == change_id), None)

    # ------------------------------------------------------------- writes

    @work(thread=True, group="verdicts", exit_on_error=False, description="Recording a verdict")
    def record_verdict(self, change_id: str, verdict: str, note: str, seconds: float | None) -> None:
        """Append a verdict in a worker; posts :class:`VerdictRecorded` or :class:`StoreFailed`."""
        from triage.store import Store

        try:
            with Store(self.db_path) as store:
                vid = store.record_verdict(change_id, verdict, note, reviewer=self.reviewer, seconds_spent=seconds)
        except Exception as exc:  # noqa: BLE001 - shown in the UI; the verdict is not reported as saved
            self.post_message(StoreFailed("record the verdict", str(exc)))
            return
        self.post_message(VerdictRecorded(change_id, verdict, note, vid, seconds))

    @work(thread=True, group="sessions", exit_on_error=False, description="Recording review time")
    def record_review_time(self, change_id: str, seconds: float) -> None:
        """Record time spent on a change left without a verdict."""
        from triage.store import Store

        if seconds <= 0:
            return
        try:
            with Store(self.db_path) as store:
                store.record_review_time(change_id, seconds, reviewer=self.reviewer)
        except Exception:  # noqa: BLE001 - losing a timing sample must not disturb the reviewer
            return

    def on_verdict_recorded(self, message: VerdictRecorded) -> None:
        screen = self.screen
        if isinstance(screen, ReviewScreen) and screen.change_id == message.change_id:
            self.pop_screen()
        self.queue_screen.reload(select=message.change_id)
        short = message.change_id.rsplit(":", 1)[-1][:10]
        self.notify(safe_plain(f"Recorded {message.verdict} on {short}"), title="Verdict", markup=False, timeout=3)

    def on_store_failed(self, message: StoreFailed) -> None:
        self.notify(safe_plain(f"Could not {message.action}: {message.error}"), severity="error", markup=False,
                    timeout=8)


def make_app(db: Path | str, repo: Path | str | None = None, *, now: float | int | datetime | None = None,
             **options: object) -> TriageApp:
    """Build the app on database ``db``.

    Args:
        db: The triage database file.
        repo: A repository to diff from when a change's recorded path is gone.
        now: A fixed "now" (unix seconds or datetime) for ages; ``None`` uses the clock.
        **options: ``reviewer``, ``theme``, ``monotonic``, ``demo``, ``deep_dive``; unknown ones are ignored.
    """
    return TriageApp(db, repo, now=now, **options)
