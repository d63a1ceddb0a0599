"""Provides ``triage sync --git`` and ``triage push --git``: the team record in the repository's git notes.

The options are registered with ``sync`` and ``push`` (:mod:`triage.commands_forge`),
which hand over here when ``--git`` is given; the work is :mod:`triage.gitshare.exchange`.
"""

from __future__ import annotations

import argparse
import json
import sys

from triage.cliargs import open_store
from triage.errors import TriageError


def git_or_forge(args: argparse.Namespace, command: str) -> bool:
    """True for ``--git``; a one-line error when ``--git`` and ``--forge`` are mixed (or, for ``sync``,
    when neither is given)."""
    if getattr(args, "git", False):
        if args.forge:
            raise TriageError(f"{command}: give --git or --forge, not both")
        return True
    if getattr(args, "remote", None):
        raise TriageError(f"{command}: --remote goes with --git")
    if command == "sync" and not (args.forge and args.repo):
        raise TriageError("sync: give --forge and --repo (a forge repository), or --git (the clone's remote)")
    return False


def _err(text: str) -> None:
    from triage.sanitize import display

    sys.stderr.write(f"triage: {display(text)}\n")


def _context(args: argparse.Namespace):
    from triage.config import load_config
    from triage.identity import reviewer_identity

    return load_config(None), args.repo or ".", reviewer_identity()[0]


def _json(result) -> str:
    return json.dumps({
        "remote": result.remote, "repo": result.repo, "merge": result.merge, "written": result.written,
        "pushed": result.pushed, "attempts": result.attempts,
        "imported": [{"id": c, "reviewer": r, "verdict": v} for c, r, v in result.imported],
        "escapes_imported": result.escapes, "not_imported": result.not_imported, "rewritten": result.rewritten,
        "conflicts": result.conflicts, "notes_on_unknown_commits": result.unknown_commits}, indent=2) + "\n"


def _report_warnings(result) -> None:
    for msg in result.rewritten:
        _err(f"warning: {msg}")
    for msg in result.not_imported:
        _err(msg)


def _run(args: argparse.Namespace, exchange):
    """Run ``exchange(store, path, cfg=…, remote=…, reviewer=…)`` and say its warnings; the result, or
    None once the ``--json`` summary is printed."""
    cfg, path, reviewer = _context(args)
    with open_store(args) as store:
        result = exchange(store, path, cfg=cfg, remote=args.remote, reviewer=reviewer)
    _report_warnings(result)
    if args.json:
        sys.stdout.write(_json(result))
        return None
    return result


def cmd_sync_git(args: argparse.Namespace) -> int:
    """Fetch the remote's ``refs/notes/triage``, merge it, import teammates' verdicts and escapes."""
    from triage.gitshare.exchange import sync_git
    from triage.sanitize import display

    result = _run(args, sync_git)
    if result is None:
        return 0
    for cid, who, verdict in result.imported:
        sys.stdout.write(f"imported {display(verdict)} by {display(who)} on {display(cid)}\n")
    for cid in result.conflicts:
        sys.stdout.write(f"conflict on {display(cid)}: reviewers disagree at its current head "
                         f"(see `triage show {display(cid.rsplit(':', 1)[-1][:12])}`)\n")
    unknown = (f"; notes on {result.unknown_commits} commit(s) not ingested here (run `triage ingest`, then sync "
               "again)") if result.unknown_commits else ""
    sys.stdout.write(f"synced {display(result.repo)} from {display(result.remote)}'s git notes ({result.merge}): "
                     f"{len(result.imported)} teammates' verdict(s) imported, {result.escapes} escape(s){unknown}\n")
    return 0


def cmd_push_git(args: argparse.Namespace) -> int:
    """Write this machine's verdicts and escapes to ``refs/notes/triage`` and push it to the remote."""
    from triage.gitshare.exchange import push_git
    from triage.sanitize import display

    result = _run(args, push_git)
    if result is None:
        return 0
    tries = f" after {result.attempts} tries (the remote moved; merged)" if result.attempts > 1 else ""
    where = f"pushed to {display(result.remote)}{tries}" if result.pushed else "nothing to push"
    sys.stdout.write(f"git notes of {display(result.repo)}: {result.written} new record(s) written, {where}\n")
    return 0
