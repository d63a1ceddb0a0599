"""Provides the progress bar of long ingests and syncs (the CLI's; Rich is UI, so it lives beside the app): Rich, on stderr, only when someone watches.

:class:`ProgressBar` stays silent for the first second (a short run shows
nothing), then draws ``label  ━━━━━━╸━━━  1,234/5,000 commits  412 commits/s
0:00:09 left`` on stderr and erases it when the run ends. It is never shown
when stderr is not a terminal, or under ``--json`` (the caller passes
``enabled=False``). Whatever it shows that came from outside (a repository or
pull request name) is passed through :func:`triage.sanitize.one_line` and drawn
as plain text, never as Rich markup.
"""

from __future__ import annotations

import sys
import time
from typing import Callable

SHOW_AFTER_S = 1.0
"""A run shorter than this shows no bar."""

REFRESH_S = 0.1
"""The bar is redrawn at most this often."""


class ProgressBar:
    """A lazily shown Rich progress bar: call :meth:`update` with the count done (and the
    total, when known), then :meth:`close`; or use it as a context manager."""

    def __init__(self, label: str, unit: str = "commits", *, enabled: bool | None = None, console=None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        from triage.sanitize import one_line

        self.label = one_line(label, 60)
        self.unit = unit
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.console = console
        self.clock = clock
        self.started = clock()
        self.last_draw = float("-inf")
        self._progress = None
        self._task = None
        self.done = 0
        self.first: int | None = None
        """The count at the first update (work done by an earlier run is not this run's speed)."""
        self.total: int | None = None
        self.note = ""

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def shown(self) -> bool:
        """True once the bar has been drawn."""
        return self._progress is not None

    def update(self, done: int, total: int | None = None, note: str = "") -> None:
        """Record ``done`` of ``total`` (None: unknown); draw when it is time to."""
        from triage.sanitize import one_line

        self.done, self.total = done, total if total is not None else self.total
        if self.first is None:
            self.first = done
        if note:
            self.note = one_line(note, 50)
        if not self.enabled:
            return
        now = self.clock()
        if self._progress is None:
            if now - self.started < SHOW_AFTER_S:
                return
            self._start()
        self._progress.update(self._task, completed=self.done, total=self.total, note=self.note)
        if now - self.last_draw >= REFRESH_S:
            self.last_draw = now
            self._progress.refresh()

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        console = self.console or Console(stderr=True)
        self._progress = Progress(
            TextColumn(self.label, markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(self.unit, markup=False),
            _rate_column(self),
            TextColumn("{task.fields[note]}", markup=False),
            console=console, transient=True, auto_refresh=False, get_time=self.clock,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.label, total=self.total, completed=self.done, note=self.note)

    def rate(self) -> float | None:
        """Units done per second since the run started (None before any)."""
        elapsed = self.clock() - self.started
        done = self.done - (self.first or 0)
        return done / elapsed if done > 0 and elapsed > 0 else None

    def time_left(self) -> float | None:
        """Seconds left at the rate so far (None: no total or no rate yet)."""
        rate = self.rate()
        if rate is None or self.total is None:
            return None
        return max(0.0, (self.total - self.done) / rate)

    def close(self) -> None:
        """Erase the bar (if it was shown)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _rate_column(bar: ProgressBar):
    """``412 commits/s  0:00:09 left``, counted from the run's start (the bar shows up a
    second late, and Rich's own estimate would start from then)."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            rate = bar.rate()
            speed = "–" if rate is None else f"{rate:,.0f}" if rate >= 10 else f"{rate:.1f}"
            left = bar.time_left()
            when = "-:--" if left is None else _clock(left)
            return Text(f"{speed} {bar.unit}/s  {when} left")

    return RateColumn()


def _clock(seconds: float) -> str:
    """``1:02:03`` or ``2:03``."""
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
