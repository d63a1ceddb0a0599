"""Benchmark the Review screen on a 50,000-line diff: first paint and scroll to the end.

Not a test (pytest does not collect ``bench_*.py``): run it by hand::

    python tests/bench/bench_review.py [--lines 50000] [--repeat 3] [--size 120x36]

It builds a repository whose one commit adds a ``--lines``-line Python file,
stores that change, and for each run opens the app headless, then times

* ``first paint``: from pressing Enter on the queue until the diff holds its
  rows and the screen has been composed and refreshed;
* ``scroll to end``: from pressing ``G`` until the last line is on screen;

and prints the numbers (seconds) with the rows the diff widget rendered. A
50-line change is measured the same way as a baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

NOW = 1_795_000_000


def build_change(root: Path, lines: int) -> tuple[Path, str]:
    """A repository with one commit adding ``lines`` lines, and a database holding that change."""
    import pygit2

    from triage.store import Store

    repo_path = root / f"repo-{lines}"
    repo = pygit2.init_repository(str(repo_path), initial_head="main")
    sig = pygit2.Signature("Claude", "noreply@anthropic.com", NOW - 3600, 0)
    data = "".join(f"value_{i} = compute({i}, 'x' * {i % 7})  # line {i}\n" for i in range(1, lines + 1)).encode()
    tb = repo.TreeBuilder()
    tb.insert("big.py", repo.create_blob(data), pygit2.enums.FileMode.BLOB)
    oid = str(repo.create_commit("refs/heads/main", sig, sig, f"Add {lines} lines\n", tb.write(), []))
    db = root / f"bench-{lines}.db"
    Store(db).close()
    cid = f"git:bench:{oid}"
    files = [{"path": "big.py", "status": "A", "added": lines, "deleted": 0, "findings": 0, "notes": []}]
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO changes (id, source, repo, repo_path, sha, title, kind, agent, analyzed, tier, tier_rank, "
            "authored_at, files, n_files, added) VALUES (?, 'git', 'bench', ?, ?, ?, 'ai', 'claude', 1, 'HIGH', 2, "
            "?, ?, 1, ?)",
            (cid, str(repo_path), oid, f"Add {lines} lines", NOW - 3600, json.dumps(files), lines))
    return db, cid


async def measure(db: Path, size: tuple[int, int]) -> dict:
    """One cold app run: first paint and scroll-to-end times."""
    from tui.app import make_app
    from tui.screens.review import ReviewScreen
    from tui.widgets.diff_view import DiffView

    app = make_app(db, now=NOW, reviewer="bench")
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press("enter")
        while not (isinstance(app.screen, ReviewScreen) and app.screen.query_one(DiffView).row_count):
            await pilot.pause()
        await pilot.pause()  # the frame that shows it
        first_paint = time.perf_counter() - start
        view = app.screen.query_one(DiffView)
        rendered = view.rendered_lines
        start = time.perf_counter()
        await pilot.press("G")
        while view.scroll_y < view.max_scroll_y or view.cursor != view.row_count - 1:
            await pilot.pause()
        await pilot.pause()
        to_end = time.perf_counter() - start
        return {"first_paint_s": first_paint, "scroll_end_s": to_end, "rows": view.row_count,
                "rendered_at_first_paint": rendered, "rendered_total": view.rendered_lines}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its numbers."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lines", type=int, default=50_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--size", default="120x36")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = p.parse_args(argv)
    size = tuple(int(x) for x in args.size.lower().split("x"))
    results = {}
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
        for lines in (50, args.lines):
            db, _ = build_change(Path(tmp), lines)
            runs = [asyncio.run(measure(db, size)) for _ in range(args.repeat)]
            results[lines] = {
                "first_paint_s": statistics.median(r["first_paint_s"] for r in runs),
                "scroll_end_s": statistics.median(r["scroll_end_s"] for r in runs),
                "rows": runs[0]["rows"],
                "rendered_at_first_paint": runs[0]["rendered_at_first_paint"],
                "rendered_total": runs[0]["rendered_total"],
            }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"Review screen, terminal {size[0]}x{size[1]}, median of {args.repeat} cold runs")
    print(f"{'diff lines':>10} {'rows':>7} {'first paint (s)':>16} {'scroll to end (s)':>18} {'lines rendered':>15}")
    for lines, r in results.items():
        print(f"{lines:>10} {r['rows']:>7} {r['first_paint_s']:>16.3f} {r['scroll_end_s']:>18.3f} "
              f"{r['rendered_at_first_paint']:>7} / {r['rendered_total']:<6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
