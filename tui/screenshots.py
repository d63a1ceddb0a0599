"""Write the README screenshots: the real app, headless, on the demo data.

Usage::

    python -m tui.screenshots [--out screenshots] [--size 120x36]

It builds the demo repository and database in a temporary directory (the
same deterministic demo as ``triage demo``), then drives the app with its
real key bindings, a fixed clock and a fixed theme, and saves
``queue.svg``, ``review.svg``, ``verdict.svg``, ``digest.svg``, ``stats.svg``
and ``help.svg``. The queue screenshot has the cursor on the demo commit whose
title is Rich markup plus an OSC 52 sequence, and the review screenshot
shows the bidi finding, so both prove untrusted text is shown literally.
The digest screenshot is ``triage review --digest`` three weeks after a
digest was last read (recorded in the demo database first), so the window
covers the demo's commits; the stats screenshot is the fresh demo, where
every control figure still says it rests on too few samples.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage import digest  # noqa: E402
from triage.demo import DEMO_SECRET, build  # noqa: E402
from triage.services.ingest import ingest_history  # noqa: E402
from triage.store import Store  # noqa: E402

NOW = 1_795_000_000.0
"""The fixed clock of the screenshots (2026-11-18 UTC)."""

DIGEST_AGE = 21 * 86400
"""The last digest was read this long before :data:`NOW` (the demo's commits are two weeks old)."""

PWNED_SHA = "5ca9004b9c"
ADMIN_SHA = "65b321315f"


async def _settle(pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause()


async def _select(pilot, sha: str) -> None:
    from tui.widgets.queue_table import QueueTable

    table = pilot.app.screen.query_one(QueueTable)
    index = next(i for i, it in enumerate(table.items) if it.sha.startswith(sha))
    table.move_cursor(row=index, animate=False)
    await pilot.pause()


async def _queue(pilot) -> None:
    await _select(pilot, PWNED_SHA)


async def _review(pilot) -> None:
    await _select(pilot, ADMIN_SHA)
    await pilot.press("enter")
    await _settle(pilot)
    await pilot.press("n", "n")
    await pilot.pause()


async def _verdict(pilot) -> None:
    await _review(pilot)
    await pilot.press("v", "f", "tab", "tab", *"bidi override in the admin check: revert and add a test")
    await pilot.pause()


async def _stats(pilot) -> None:
    await pilot.press("S")
    await _settle(pilot)


async def _digest(pilot) -> None:
    await pilot.press("D")
    await _settle(pilot)


async def _help(pilot) -> None:
    await pilot.press("question_mark")
    await pilot.pause()


SHOTS = {"queue": _queue, "review": _review, "verdict": _verdict, "digest": _digest, "stats": _stats,
         "help": _help}
"""Screenshot name -> the keys that reach it from a freshly opened queue."""


async def shoot(db: Path, repo: Path, out: Path, size: tuple[int, int]) -> list[Path]:
    """Take every screenshot in :data:`SHOTS`; return the files written."""
    from textual.widgets import Input

    from tui.app import make_app

    Input._toggle_cursor = lambda self: None  # no blinking cursor in pictures
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, steps in SHOTS.items():
        app = make_app(db, repo, now=NOW, reviewer="reviewer", demo=True, monotonic=lambda: 0.0)
        async with app.run_test(size=size) as pilot:
            await _settle(pilot)
            await steps(pilot)
            await pilot.pause()
            path = Path(app.save_screenshot(f"{name}.svg", path=str(out)))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Build the demo and write the screenshots."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=str(ROOT / "screenshots"), help="directory for the SVG files")
    p.add_argument("--size", default="120x36", help="terminal size, WIDTHxHEIGHT")
    args = p.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="triage-shots-") as tmp:
        repo = build(Path(tmp) / "shopapi")
        db = Path(tmp) / "demo.db"
        with Store(db) as store:
            ingest_history(store, repo, include_all=True, secret=DEMO_SECRET)
            digest.mark_run(store, None, NOW - DIGEST_AGE)
        for path in asyncio.run(shoot(db, repo, Path(args.out), (width, height))):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
