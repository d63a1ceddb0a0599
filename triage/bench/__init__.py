"""The benchmark for issues #7 and #18: triage's speed at the scale of a large repository, measured against git.

Run it from the project's virtualenv::

    python -m triage.bench                      # 10,000 commits, best of 3
    python -m triage.bench --commits 2000 --repeat 1
    python -m triage.bench --only 'ingest-*,queue-json' --json
    python -m triage.bench --keep /tmp/bench    # keep the repositories and databases
    python -m triage.bench --list               # the measurement names

It builds (once, then reuses from the user cache dir or ``--keep DIR``) a
synthetic repository of ``--commits`` commits with pygit2, deterministic from
``--seed`` (see :mod:`triage.bench.synth`), and times the real ``triage``
command line in subprocesses with fresh databases. Every row is a ratio to a
baseline timed in the same run on the same machine, so a noisy or slow machine
slows both sides:

==================  ===================================================  =================================  ======
name                ours                                                 baseline                           target
==================  ===================================================  =================================  ======
ingest-all          cold ``triage ingest --all`` (every commit analysed)  ``git log -p --no-merges``          ≤ 2×
ingest-ai           cold ``triage ingest`` (AI changes only)              ``git log -p --no-merges``          ≤ 0.3×
diff-floor          triage's diff step alone, one process (no rules)      ``git log -p --no-merges``          none
libgit2-floor       libgit2's part of that step alone (no Python parse)  ``git log -p --no-merges``          none
reingest-warm       ``triage ingest --all`` again, nothing new            the cold ``ingest --all``           ≤ 0.05×
queue-json          ``triage queue --json --all`` (every item)            ``git log --oneline``               none
tui-queue-paint     the app's Queue screen, first paint                   ``git log --oneline``               none
tui-queue-end       ``G`` on the Queue: cursor on the last change          ``git log --oneline``               none
tui-review-paint    the Review screen's first paint, 50,000-line diff    ``git show`` of that commit         none
tui-review-scroll   End key to the diff's last line on screen            ``git show`` of that commit         none
tui-review-rss      peak RSS (MB) with the 50,000-line diff open         the same with a 5,000-line diff     none
real-ingest-all     cold ``ingest --all`` of the real-code history        ``git log -p --no-merges``          ≤ 5×
real-ingest-ai      cold AI-only ``ingest`` of it                         ``git log -p --no-merges``          ≤ 0.3×
real-reingest-warm  warm re-ingest of it                                  its cold ``ingest --all``           ≤ 0.05×
real-diff-libgit2   triage's diff step on it (libgit2, parsed)            ``git log -p --no-merges``          none
real-diff-git       ``git diff-tree --stdin -p`` on it, parsed            ``git log -p --no-merges``          none
repo-*              the same five rows on ``--repo PATH [--range A..B]``   the same baselines                  same
==================  ===================================================  =================================  ======

The real-code history is built from the installed packages' own files (see
:mod:`triage.bench.realsrc`); ``--repo`` runs only the ``repo-*`` rows. The
ingest rows note CPU time over every process and peak RSS.

Short measurements are the best of ``--repeat`` runs (3); a run that takes
longer than 20 s is not repeated. The app rows run
:mod:`triage.bench.tui_probe` in a subprocess (headless, frames counted at the
driver) and read its ``ru_maxrss``; when ``tui.app`` cannot be imported or
has an API the probe does not know, the row says ``not available: <reason>``.

The exit code is 1 when a measurement failed (a program exited non-zero), and
0 otherwise: missed targets are reported, not failed.
"""
