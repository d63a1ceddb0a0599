"""Provides :class:`TriageApp` and :func:`make_app`, the one factory the CLI, tests and screenshots use.

The app owns what outlives a screen: the database path, the repository
fallback, the reviewer's name, the clock (``now`` fixes ages for snapshots;
``monotonic`` measures time spent), the deep-dive mode, and the team writes,
so a verdict or a hand-over from the queue, the digest or a review takes the
same path: a thread worker with its own Store calls the team rules
(:func:`triage.services.verdicts.record_verdict`, :func:`triage.services.team.handover`)
and posts :class:`~tui.messages.VerdictRecorded` (or ``VerdictRefused``,
``HandedOver``, ``HandoverFailed``); the review (if open) closes, and the
queue and the digest reload.

With ``digest=True`` (``triage review --digest``) the app opens on the
:class:`~tui.screens.digest.DigestScreen`, above the queue.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Callable, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from triage.links import Link
from triage.present import short_id
from triage.review.queue import QueueFilter
from tui.commands import TriageCommands
from tui.messages import (
    BrowserOpened,
    HandedOver,
    LinksLoaded,
    HandoverFailed,
    RosterLoaded,
    StoreFailed,
    VerdictRecorded,
    VerdictRefused,
    VerdictWithdrawn,
)
from tui.safe import safe_plain
from tui.screens.copy import CopyModal
from tui.screens.digest import DigestScreen
from tui.screens.handover import HandoverChoice, HandoverModal, member_choices
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
        Binding("S", "show_stats", "Stats", show=False, id="app.stats",
                tooltip="Review effectiveness, defect rate, review time, velocity; queue counts."),
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
        digest: bool = False,
        keymap: dict[str, str] | None = None,
        **options: object,
    ) -> None:
        super().__init__()
        self.db_path = db if isinstance(db, str) and "://" in db else Path(db)
        self.repo = str(repo) if repo else None
        self.now = _timestamp(now)
        self.reviewer_source = "given when the app was started"
        """Where :attr:`reviewer` comes from (``TRIAGE_REVIEWER``, the login name, ...)."""
        if reviewer is None:
            from triage.identity import reviewer_identity

            reviewer, self.reviewer_source = reviewer_identity()
        self.reviewer = reviewer
        self._identity_told = False
        self.monotonic = monotonic
        self.demo = demo
        self.options = options
        self.initial_filter = QueueFilter(deep_dive=deep_dive)
        self.deep_dive_mode = deep_dive
        self.digest_mode = digest
        self.theme = theme
        self.one_key_approvals: list[tuple[str, str]] = []
        """``(change id, verdict id)`` of this session's one-key approves, latest last (``u`` undoes)."""
        self.keymap: dict[str, str] = {}
        """Binding id -> keys, from ``[keymap]`` in the user's config (see :mod:`triage.keymap`)."""
        self._keymap_problem = ""
        if keymap is None:
            from triage.errors import TriageError
            from triage.keymap import user_keymap

            try:
                keymap = user_keymap()
            except TriageError as exc:
                keymap, self._keymap_problem = {}, str(exc)
        if keymap:
            from tui.screens.help import binding_ids

            known = binding_ids(type(self))
            unknown = sorted(set(keymap) - known)
            if unknown:
                from triage.config import user_config_path

                self._keymap_problem = (f"[keymap] in {user_config_path()} names no key binding "
                                        f"{', '.join(unknown)}; the help screen (?) lists every binding's id")
            self.keymap = {k: v for k, v in keymap.items() if k in known}

    def get_default_screen(self) -> QueueScreen:
        return QueueScreen(self.initial_filter)

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        if self._keymap_problem:
            self.notify(safe_plain(self._keymap_problem), title="Keys", severity="warning", markup=False, timeout=10)
        if self.digest_mode:
            self.push_screen(DigestScreen())

    @property
    def queue_screen(self) -> QueueScreen:
        """The queue (always at the bottom of the screen stack)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, QueueScreen)
        return screen

    @property
    def deep_dive(self) -> bool:
        """Deep-dive mode: started with ``--deep-dive``, or the queue's deep-dive filter (``d``) is on."""
        return self.deep_dive_mode or self.queue_screen.filter.deep_dive

    def clock(self) -> float:
        """The fixed "now" when one was given, else the wall clock."""
        return self.now if self.now is not None else time.time()

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

    def action_show_digest(self) -> None:
        """Open the daily digest (what merged since the last one, what waits, what was decided)."""
        if not isinstance(self.screen, DigestScreen):
            self.push_screen(DigestScreen(include_all=self.queue_screen.filter.include_all))

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
        """Record time spent on a change left without a verdict, here and now (at exit, when no
        worker would finish, or inside :meth:`record_review_time`'s worker)."""
        from triage.services.verdicts import save_review_time
        from triage.store import Store

        try:
            with Store(self.db_path) as store:
                save_review_time(store, change_id, seconds, reviewer=self.reviewer)
        except Exception:  # noqa: BLE001 - never block quitting; losing a timing sample must not disturb
            return

    def tell_identity(self, known: bool) -> None:
        """Say once who the reviewer is when the name is the login name that this database has
        never seen (``TRIAGE_REVIEWER`` or a name given to the app is the reviewer's own choice)."""
        from triage.identity import ENV

        if self._identity_told or known or self.reviewer_source == ENV or self.reviewer_source.startswith("given"):
            return
        self._identity_told = True
        self.notify(safe_plain(f"You review as {self.reviewer!r} ({self.reviewer_source}): verdicts, checklist "
                               f"answers and m (mine) use this name. Set {ENV} to review under another one."),
                    title="Reviewer", markup=False, timeout=10)

    def latest_verdict(self, change_id: str) -> str | None:
        """The verdict the queue shows for ``change_id``, if any."""
        return next((i.verdict for i in self.queue_screen.items if i.id == change_id), None)

    def superseded_verdict(self, change_id: str) -> dict | None:
        """The verdict ``change_id`` had before new commits came (the queue shows it ``updated``)."""
        return next((i.superseded for i in self.queue_screen.items if i.id == change_id and not i.verdict), None)

    # ------------------------------------------------------------- writes

    @work(thread=True, group="verdicts", exit_on_error=False, description="Recording a verdict")
    def record_verdict(self, change_id: str, verdict: str, note: str, seconds: float | None,
                       deep_dive: bool = False, one_key: bool = False) -> None:
        """Append a verdict under the team rules in a worker.

        :func:`triage.services.verdicts.record_verdict` enforces the deep-dive
        checklist (``deep_dive``) and assigns an escalation to the security
        group. Posts :class:`VerdictRecorded`, or :class:`VerdictRefused`
        when the rules said no or the store failed. ``one_key``: the Queue's
        one-key approve, which ``u`` can undo within the session.
        """
        from triage.services.verdicts import record_verdict
        from triage.errors import TriageError
        from triage.store import Store

        try:
            with Store(self.db_path) as store:
                vid, extra = record_verdict(store, change_id, verdict, note=note, reviewer=self.reviewer,
                                            deep_dive=deep_dive, seconds_spent=seconds)
        except TriageError as exc:  # the rules' one-line refusal, or a store that cannot be opened
            self.post_message(VerdictRefused(change_id, verdict, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - shown in the UI; the verdict is not reported as saved
            self.post_message(VerdictRefused(change_id, verdict, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(VerdictRecorded(change_id, verdict, note, vid, seconds, extra, one_key))

    @work(thread=True, group="sessions", exit_on_error=False, description="Recording review time")
    def record_review_time(self, change_id: str, seconds: float) -> None:
        """Record time spent on a change left without a verdict, in a worker."""
        self._save_review_time(change_id, seconds)

    def on_verdict_recorded(self, message: VerdictRecorded) -> None:
        screen = self.screen
        if isinstance(screen, ReviewScreen) and screen.change_id == message.change_id:
            self.pop_screen()
        self.queue_screen.reload(select=message.change_id)
        self._reload_digests()
        short = short_id(message.change_id)
        posts = "" if message.change_id.startswith("git:") else "; `triage push` posts it to the forge"
        undo = ""
        if message.one_key:
            self.one_key_approvals.append((message.change_id, message.verdict_id))
            undo = " (u on the queue undoes it)"
        self.notify(safe_plain(f"Recorded {message.verdict} on {short}{posts}{undo}"), title="Verdict",
                    markup=False, timeout=5 if posts or undo else 3)
        if message.extra:
            self.notify(safe_plain(message.extra), title="Escalated", markup=False, timeout=6)

    def undo_approve(self) -> None:
        """Undo the latest one-key approve of this session (a superseding ``withdrawn`` verdict)."""
        if not self.one_key_approvals:
            self.notify("No one-key approve to undo in this session (verdicts recorded with the form stand; "
                        "record another verdict instead).", title="Undo", severity="warning", timeout=5)
            return
        change_id, verdict_id = self.one_key_approvals.pop()
        self._withdraw(change_id, verdict_id)

    @work(thread=True, group="verdicts", exit_on_error=False, description="Undoing an approve")
    def _withdraw(self, change_id: str, verdict_id: str) -> None:
        from triage.errors import TriageError
        from triage.services.verdicts import undo
        from triage.store import Store

        try:
            with Store(self.db_path) as store:
                posted = undo(store, change_id, verdict_id, reviewer=self.reviewer, note="undid the one-key approve")
        except TriageError as exc:
            self.post_message(VerdictRefused(change_id, "undo", str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - shown in the UI
            self.post_message(VerdictRefused(change_id, "undo", f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(VerdictWithdrawn(change_id, "approve", posted))

    def on_verdict_withdrawn(self, message: VerdictWithdrawn) -> None:
        self.queue_screen.reload(select=message.change_id)
        self._reload_digests()
        short = short_id(message.change_id)
        forge = (f"; {message.posted} forge post{'s' if message.posted != 1 else ''} of it had already been "
                 "tried by a push and may be on the forge") if message.posted else ""
        self.notify(safe_plain(f"Undid the approve of {short}: a superseding 'withdrawn' verdict is recorded and "
                               f"the change is unreviewed again{forge}"), title="Undo", markup=False,
                    severity="warning" if message.posted else "information", timeout=6)

    def on_verdict_refused(self, message: VerdictRefused) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen) and screen.change_id == message.change_id:
                screen.done = False  # still open: its time is recorded when it closes
        what = "undo the approve" if message.verdict == "undo" else "record the verdict"
        self.notify(safe_plain(f"Could not {what}: {message.error}"), title="Not recorded",
                    severity="error", markup=False, timeout=8)

    def _reload_digests(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, DigestScreen):
                screen.reload()

    # ------------------------------------------------------ browser, copy

    def show_links(self, change_id: str, purpose: str) -> None:
        """Open ``change_id`` in the browser (``purpose`` ``open``) or offer its id, sha and URL to copy."""
        self._load_links(change_id, purpose)

    @work(thread=True, exclusive=True, group="links", exit_on_error=False, description="Reading the change's links")
    def _load_links(self, change_id: str, purpose: str) -> None:
        from triage.errors import TriageError
        from triage.links import change_links, osc52_enabled
        from triage.store import Store

        try:
            with Store(self.db_path) as store:
                row = store.get_change(change_id)
            if row is None:
                raise TriageError(f"unknown change id {change_id!r}")
            links = change_links(row, self.repo)
        except Exception as exc:  # noqa: BLE001 - shown in the UI
            self.post_message(StoreFailed("read the change's links", str(exc)))
            return
        osc52, problem = False, ""
        if purpose == "copy":
            try:
                osc52 = osc52_enabled()
            except TriageError as exc:
                problem = str(exc)
        self.post_message(LinksLoaded(change_id, purpose, links, osc52, problem))

    def on_links_loaded(self, message: LinksLoaded) -> None:
        if message.purpose == "open":
            url = next((link for link in message.links if link.kind == "url"), None)
            if url is None or not url.value:
                self.notify(safe_plain(f"No web page to open: {url.why if url else 'no URL'}"), title="Browser",
                            severity="warning", markup=False, timeout=5)
                return
            self._open_browser(url.value)
            return

        def done(link: Link | None) -> None:
            if link is not None and link.value:
                self.copy_link(link, message.osc52, message.problem)

        from triage.config import user_config_path

        note = ("y copies with OSC 52 (your terminal's clipboard)." if message.osc52 else
                f"Copying is off: set [clipboard] osc52 = true in {user_config_path()} to let the terminal copy; "
                "until then the value is shown to select.")
        self.push_screen(CopyModal(message.links, note), done)

    def copy_link(self, link: Link, osc52: bool, problem: str = "") -> None:
        """Copy a checked value with OSC 52 when the user's config allows it; else show it to select."""
        from triage.config import user_config_path

        if osc52:
            self.copy_to_clipboard(link.value or "")
            self.notify(safe_plain(f"Copied the {link.label}: {link.value}"), title="Copy", markup=False, timeout=4)
            return
        why = problem or f"set [clipboard] osc52 = true in {user_config_path()} to copy with a key"
        self.notify(safe_plain(f"{link.label}: {link.value}  (select it to copy; {why})"), title="Copy",
                    markup=False, timeout=10)

    @work(thread=True, group="links", exit_on_error=False, description="Opening a web browser")
    def _open_browser(self, url: str) -> None:
        import webbrowser

        try:
            ok = bool(webbrowser.open(url, new=2))
        except Exception:  # noqa: BLE001 - no browser is an answer, not a crash
            ok = False
        self.post_message(BrowserOpened(url, ok))

    def on_browser_opened(self, message: BrowserOpened) -> None:
        if message.ok:
            self.notify(safe_plain(f"Opened {message.url}"), title="Browser", markup=False, timeout=3)
        else:
            self.notify(safe_plain(f"No web browser could open {message.url} (set BROWSER to choose one)"),
                        title="Browser", severity="warning", markup=False, timeout=8)

    # ---------------------------------------------------------- hand-over

    def start_handover(self, change_id: str) -> None:
        """Read the roster in a worker, then ask whom to hand ``change_id`` to."""
        self._load_roster(change_id)

    @work(thread=True, exclusive=True, group="roster", exit_on_error=False, description="Reading the roster")
    def _load_roster(self, change_id: str) -> None:
        from triage.services.team import handover_context
        from triage.store import Store

        try:
            with Store(self.db_path) as store:
                row, roster, cand, assignee = handover_context(store, change_id)
        except Exception as exc:  # noqa: BLE001 - a missing or broken roster is explained, never a crash
            self.post_message(HandoverFailed(change_id, str(exc)))
            return
        self.post_message(RosterLoaded(change_id, row, member_choices(roster, cand, assignee), assignee))

    def on_roster_loaded(self, message: RosterLoaded) -> None:
        def done(choice: HandoverChoice | None) -> None:
            if choice is not None:
                self._handover(message.change_id, choice.name, choice.note)

        self.push_screen(HandoverModal(message.row, message.members, message.assignee), done)

    @work(thread=True, group="roster", exit_on_error=False, description="Handing a change over")
    def _handover(self, change_id: str, name: str, note: str) -> None:
        from triage.services.team import handover
        from triage.store import Store

        try:
            with Store(self.db_path) as store:
                row = handover(store, change_id, name, note=note)
        except Exception as exc:  # noqa: BLE001 - the rules' refusal (an author) is shown as it is
            self.post_message(HandoverFailed(change_id, str(exc)))
            return
        self.post_message(HandedOver(change_id, row["reviewer"], row["handed_over_from"]))

    def on_handed_over(self, message: HandedOver) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen) and screen.change_id == message.change_id:
                screen.show_assignee(message.reviewer)
        self.queue_screen.reload(select=message.change_id)
        self._reload_digests()
        short = short_id(message.change_id)
        frm = f" from {message.previous}" if message.previous else ""
        self.notify(safe_plain(f"Handed {short} over{frm} to {message.reviewer}"), title="Hand-over",
                    markup=False, timeout=4)

    def on_handover_failed(self, message: HandoverFailed) -> None:
        self.notify(safe_plain(message.error), title="Hand-over refused", severity="error", markup=False,
                    timeout=8)

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
        **options: ``reviewer``, ``theme``, ``monotonic``, ``demo``, ``deep_dive`` (verdicts on deep-dive
            changes need their security checklist answered), ``digest`` (open on the daily digest),
            ``keymap`` (binding id -> keys; by default ``[keymap]`` of the user's config);
            unknown ones are ignored.
    """
    return TriageApp(db, repo, now=now, **options)
