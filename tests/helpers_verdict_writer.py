"""A verdict writer for the reliability tests (run as a subprocess, killed or raced).

    python tests/helpers_verdict_writer.py DB --tag T [--count N] [--reopen] [--wait-go]

Records verdicts and checklist answers on the changes stored in ``DB``
through :class:`triage.store.Store`, the way the app and the CLI do, and
prints one line on stdout, flushed, *after* each write has returned:

* ``V <verdict id>`` after ``record_verdict``;
* ``C <note>`` after ``answer_checklist`` (the note is unique: ``<tag>-<n>``).

A line on stdout is the acknowledgement the tests hold the store to: every
acknowledged write must be in the database afterwards, whatever happened to
this process. ``--reopen`` opens a new Store for every write (as the app's
verdict worker does); ``--wait-go`` waits for a line on stdin before writing,
so two writers start together. Without ``--count`` it writes until killed.
Each iteration first reads the latest verdicts (a read-then-write, as the
queue screen does before a verdict). On a TriageError it prints ``E <message>``
and exits 2.
"""

from __future__ import annotations

import argparse
import itertools
import sys

from triage.errors import TriageError
from triage.models import VERDICTS
from triage.store import Store


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("db")
    p.add_argument("--tag", default="w")
    p.add_argument("--count", type=int)
    p.add_argument("--reopen", action="store_true")
    p.add_argument("--wait-go", action="store_true")
    args = p.parse_args()
    out = sys.stdout
    store = Store(args.db)
    ids = [r["id"] for r in store.query("SELECT id FROM changes ORDER BY id")]
    if not ids:
        out.write("E no changes in the database\n")
        return 2
    out.write("READY\n")
    out.flush()
    if args.wait_go:
        sys.stdin.readline()
    steps = range(args.count) if args.count is not None else itertools.count()
    try:
        for n in steps:
            change = ids[n % len(ids)]
            s = Store(args.db) if args.reopen else store
            try:
                s.latest_verdicts()
                vid = s.record_verdict(change, VERDICTS[n % len(VERDICTS)], note=f"{args.tag}-{n}",
                                       reviewer=args.tag, seconds_spent=1.5)
                out.write(f"V {vid}\n")
                out.flush()
                s.answer_checklist(change, f"item-{n % 7}", ("yes", "no", "n/a")[n % 3], note=f"{args.tag}-{n}",
                                   reviewer=args.tag)
                out.write(f"C {args.tag}-{n}\n")
                out.flush()
            finally:
                if args.reopen:
                    s.close()
    except TriageError as exc:
        out.write(f"E {exc}\n")
        out.flush()
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
