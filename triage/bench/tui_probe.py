"""Provides the TUI probe: one headless app run, timed, in its own process.

Run by the benchmark as a subprocess, so each run starts cold and its peak
RSS (``ru_maxrss``) is its own::

    python -m triage.bench.tui_probe check  --db D   # can the app be probed?
    python -m triage.bench.tui_probe queue  --db D [--repo R]
    python -m triage.bench.tui_probe review --db D --repo R --change ID

It prints one JSON object on stdout: ``{"ok": true, ...timings...,
"maxrss_kb": N}`` (the peak RSS: ``VmHWM``, or ``ru_maxrss`` where there is no
``/proc``), or ``{"ok": false, "reason": "..."}`` when the app is not
available (``tui.app`` missing, or an API this probe does not know).

What is timed (a monotonic clock, from ``make_app()``; importing the app is
reported apart as ``import_s``):

* ``queue``: ``first_paint_s``, until the Queue screen's table holds its first
  rows (``--expect N`` of them; ``--all`` starts the queue with human changes
  too) and a frame has been written to the (headless) driver after that; then
  ``end_s``, from the ``G`` key until the cursor is on the last change (every
  row added) and a frame is written;
* ``review``: ``queue_paint_s`` as above, then ``first_paint_s``, from the
  key that opens the change until the Review screen's diff holds its rows and
  a frame is written; then ``scroll_end_s``, from the End key until the diff's
  last line is on screen and a frame is written.

The headless driver normally writes nothing; the probe counts the frames the
app would write by reporting it as not headless and capturing ``write``, so
the whole rendering path runs as it does in a terminal.

This module imports no UI library at import time (``triage/`` never does):
the app is imported inside :func:`main`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import resource
import sys
import time
from pathlib import Path

WAIT_LIMIT_S = 300.0
"""Give up waiting for a screen after this long (a hung app is a result too)."""

IDLE_PAUSES = 20
"""Pauses to wait for a frame once a screen is ready, before taking it as painted."""


class NotAvailable(Exception):
    """The app cannot be probed; the message says why."""


def _maxrss_kb() -> int:
    """Peak resident set size of this process, in KiB.

    ``VmHWM`` from ``/proc/self/status`` where there is one: on Linux
    ``ru_maxrss`` keeps the parent's peak across fork and exec, so a probe
    started by a big benchmark process would report the benchmark's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _install_frame_counter() -> dict:
    """Make the headless driver count the frames a real terminal would receive."""
    counter = {"frames": 0, "bytes": 0}
    try:
        headless = importlib.import_module("textual.drivers.headless_driver").HeadlessDriver
    except Exception:  # noqa: BLE001 - an unknown textual: time without frame counting
        return counter

    def write(self, data: str) -> None:
        counter["frames"] += 1
        counter["bytes"] += len(data)

    headless.write = write
    headless.is_headless = property(lambda self: False)
    headless.flush = lambda self: None
    return counter


def _make_app(db: Path, repo: str | None):
    try:
        mod = importlib.import_module("tui.app")
    except Exception as exc:  # noqa: BLE001
        raise NotAvailable(f"cannot import tui.app ({type(exc).__name__}: {exc})") from None
    make_app = getattr(mod, "make_app", None)
    if make_app is None:
        raise NotAvailable("tui.app has no make_app()")
    params = inspect.signature(make_app).parameters
    kwargs: dict = {"db": db}
    if "repo" in params:
        kwargs["repo"] = repo
    if "now" in params:
        kwargs["now"] = time.time()
    try:
        return make_app(**kwargs)
    except TypeError as exc:
        raise NotAvailable(f"make_app() has an API this probe does not know: {exc}") from None


def _find(app, class_name: str):
    """The first widget on the current screen whose class (or a base) is ``class_name``."""
    for w in app.screen.walk_children(with_self=False):
        if any(c.__name__ == class_name for c in type(w).__mro__):
            return w
    return None


def _rows(widget) -> int:
    n = getattr(widget, "row_count", 0)
    return int(n() if callable(n) else n)


async def _wait(pilot, counter: dict, ready, deadline: float) -> None:
    """Pump the app until ``ready()`` holds and a frame showing it has been written.

    A frame written after the last check that found the screen not ready may
    already show it; otherwise wait for the next frame (an idle app writes
    none, so after :data:`IDLE_PAUSES` pauses the screen counts as painted).
    """
    seen = counter["frames"]
    while not ready():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen never became ready")
        seen = counter["frames"]
        await pilot.pause()
    if counter["frames"] > seen:
        return
    for _ in range(IDLE_PAUSES):
        if counter["frames"] > seen or time.perf_counter() > deadline:
            return
        await pilot.pause()


async def _probe(args) -> dict:
    out: dict = {}
    t0 = time.perf_counter()
    counter = _install_frame_counter()
    try:
        importlib.import_module("tui.app")
    except Exception as exc:  # noqa: BLE001
        raise NotAvailable(f"cannot import tui.app ({type(exc).__name__}: {exc})") from None
    out["import_s"] = time.perf_counter() - t0
    start = time.perf_counter()
    app = _make_app(Path(args.db), args.repo)
    if args.all:
        flt = getattr(app, "initial_filter", None)
        if flt is None or not hasattr(flt, "include_all"):
            raise NotAvailable("the app has no initial_filter.include_all to start with every item")
        import dataclasses

        app.initial_filter = (flt.with_(include_all=True) if hasattr(flt, "with_")
                              else dataclasses.replace(flt, include_all=True))
    deadline = start + WAIT_LIMIT_S
    async with app.run_test(size=(args.width, args.height)) as pilot:
        table = lambda: _find(app, "DataTable")  # noqa: E731
        await _wait(pilot, counter, lambda: table() is not None and _rows(table()) >= args.expect,
                    deadline)
        out["queue_paint_s"] = time.perf_counter() - start
        out["queue_rows"] = _rows(table())
        items = len(getattr(table(), "items", ())) or out["queue_rows"]
        out["queue_items"] = items
        if args.mode == "queue":
            out["first_paint_s"] = out["queue_paint_s"]
            t = table()
            t.focus()
            await pilot.pause()
            pressed = time.perf_counter()
            await pilot.press("G")  # the QueueTable's "last change" key

            def at_last() -> bool:
                return _rows(t) >= items and t.cursor_row == items - 1

            await _wait(pilot, counter, at_last, deadline)
            out["end_s"] = time.perf_counter() - pressed
        else:
            t = table()
            try:
                t.move_cursor(row=t.get_row_index(args.change))
            except Exception as exc:  # noqa: BLE001
                raise NotAvailable(f"cannot select change {args.change} in the queue table: {exc}") from None
            t.focus()
            await pilot.pause()
            opened = time.perf_counter()
            await pilot.press("enter")  # the QueueTable's "open for review" key
            diff = lambda: _find(app, "DiffView")  # noqa: E731
            await _wait(pilot, counter, lambda: diff() is not None and _rows(diff()) > 0, deadline)
            out["first_paint_s"] = time.perf_counter() - opened
            view = diff()
            out["diff_rows"] = _rows(view)
            view.focus()
            await pilot.pause()
            scrolled = time.perf_counter()
            await pilot.press("end")

            def at_end() -> bool:
                return view.max_scroll_y > 0 and view.scroll_y >= view.max_scroll_y

            await _wait(pilot, counter, at_end, deadline)
            out["scroll_end_s"] = time.perf_counter() - scrolled
    out["frames"] = counter["frames"]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run one probe and print its JSON result."""
    p = argparse.ArgumentParser(prog="python -m triage.bench.tui_probe")
    p.add_argument("mode", choices=["check", "queue", "review"])
    p.add_argument("--db", required=True)
    p.add_argument("--repo")
    p.add_argument("--change")
    p.add_argument("--all", action="store_true", help="start the queue with human changes too (every item)")
    p.add_argument("--expect", type=int, default=1, help="the queue is painted once it holds this many rows")
    p.add_argument("--width", type=int, default=160)
    p.add_argument("--height", type=int, default=48)
    args = p.parse_args(argv)
    try:
        if args.mode == "check":
            _make_app(Path(args.db), args.repo)
            result = {"ok": True}
        else:
            result = {"ok": True, **asyncio.run(_probe(args))}
    except NotAvailable as exc:
        result = {"ok": False, "reason": str(exc)}
    except Exception as exc:  # noqa: BLE001 - report, the bench prints it
        result = {"ok": False, "reason": f"the app failed: {type(exc).__name__}: {exc}"}
    result["maxrss_kb"] = _maxrss_kb()
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
