"""Provides the ``triage sync`` and ``triage push`` commands (forge IO).

``triage sync --forge github|gitea|gitlab --repo OWNER/NAME [--url BASE]
[--since WHEN] [--label L] [--all]`` pulls merged and labelled open pull
requests into the queue; ``triage push`` posts recorded verdicts (the outbox);
``triage doctor --forge F --repo R [--url BASE]`` checks a forge read-only.
Tokens come from the environment or the forge's CLI (see
:func:`triage.forges.auth.discover_token`) and are never stored or printed.

Also runnable as ``python -m triage.commands_forge sync|push …``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from triage.cliargs import db_path as _db_path
from triage.cliargs import open_store

FORGES: tuple[str, ...] = ("github", "gitea", "gitlab")  # kept here so the CLI starts without httpx

EXIT_INCOMPLETE = 1


def _err(text: str) -> None:
    from triage.sanitize import display

    sys.stderr.write(f"triage: {display(text)}\n")


def _notify(text: str) -> None:
    _err(text)


def cmd_sync(args: argparse.Namespace) -> int:
    """Pull one repository's merged and flagged pull requests into the queue (``--git``: teammates'
    verdicts from the remote's git notes, :mod:`triage.commands_git`)."""
    from triage.commands_git import cmd_sync_git, git_or_forge

    if git_or_forge(args, "sync"):
        return cmd_sync_git(args)
    from triage.config import load_config, warn_on_stderr
    from triage.forges.repo_config import apply_forge_layer
    from triage.forges import open_forge
    from triage.forges.cache import cache_path_for
    from triage.forges.redact import install
    from tui.progress import ProgressBar
    from triage.sampling import team_secret
    from triage.forges.sync import review_label, sync
    from triage.sanitize import display
    from triage.timeparse import parse_since

    install()
    cfg = load_config(None)
    since = parse_since(args.since) if args.since else None
    label = args.label if args.label is not None else review_label(cfg)
    secret = team_secret(cfg, "sync")
    with open_store(args) as store:
        forge = open_forge(args.forge, args.repo, args.url, cache_file=cache_path_for(_db_path(args)),
                           notify=_notify)
        bar = ProgressBar(f"syncing {args.repo}", "changes", enabled=not args.json and sys.stderr.isatty())
        try:
            cfg = apply_forge_layer(cfg, forge, warn_on_stderr)  # the repository's trusted .triage.toml, as ingest reads it
            result = sync(store, forge, since=since, label=label, include_all=args.all, cfg=cfg, secret=secret,
                          progress=lambda text: bar.update(bar.done + 1, note=text))
        finally:
            bar.close()
            forge.close()
    if args.json:
        sys.stdout.write(json.dumps({
            "forge": result.forge, "repo": result.repo, "since": result.since, "listed": result.listed,
            "analysed": result.analysed, "already_stored": result.skipped_known,
            "not_ai": result.skipped_human, "incomplete": result.incomplete,
            "provenance_incomplete": result.provenance_incomplete, "drafts": result.drafts,
            "renamed_to": result.renamed_to or None, "ids": result.ids,
            "imported": [{"id": c, "reviewer": r, "verdict": v} for c, r, v in result.imported],
            "assigned": [{"id": c, "reviewer": m} for c, m in result.assigned],
            "not_imported": result.not_imported, "conflicts": result.conflicts,
            "seconds": round(result.seconds, 3)}, indent=2) + "\n")
        return 0
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(result.since))
    extra = f", {result.incomplete} with an incomplete diff" if result.incomplete else ""
    if result.provenance_incomplete:
        extra += (f", {result.provenance_incomplete} with incomplete provenance (kept: the commits the forge did "
                  "not list may carry an AI marker)")
    if result.drafts:
        extra += f", {result.drafts} draft(s)"
    if result.renamed_to:
        _err(f"{result.forge}:{result.repo} was renamed or transferred on the forge: it is now "
             f"{result.renamed_to} (recorded; change ids keep {result.repo})")
    for msg in result.not_imported:
        _err(msg)
    for cid, member in result.assigned:
        sys.stdout.write(f"assigned {display(cid)} to {display(member)}: requested on the forge\n")
    for cid, reviewer, verdict in result.imported:
        sys.stdout.write(f"imported {display(verdict)} by {display(reviewer)} on {display(cid)}\n")
    for cid in result.conflicts:
        sys.stdout.write(f"conflict on {display(cid)}: reviewers disagree at its current head "
                         f"(see `triage show {display(cid.split(':', 1)[-1])}`)\n")
    if result.imported:
        extra += f", {len(result.imported)} teammates' verdict(s) imported"
    sys.stdout.write(
        f"synced {result.forge}:{result.repo} since {when} UTC: {result.analysed} analysed, "
        f"{result.skipped_known} already stored, {result.skipped_human} not AI-authored (use --all to include "
        f"them){extra}; {result.listed} listed in {result.seconds:.2f}s\n")
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    """Post recorded verdicts (the outbox) to their forges (``--git``: to the remote's git notes,
    :mod:`triage.commands_git`)."""
    from triage.commands_git import cmd_push_git, git_or_forge

    if git_or_forge(args, "push"):
        return cmd_push_git(args)
    from triage.errors import TriageError
    from triage.forges import open_forge
    from triage.forges.cache import cache_path_for
    from triage.forges.http import RetryPolicy
    from triage.forges.outbox import push
    from triage.forges.redact import install

    install()
    if bool(args.forge) != bool(args.repo):
        raise TriageError("give --forge and --repo together (or neither, to push everything)")
    cache = cache_path_for(_db_path(args))

    def connect(source: str, repo: str, api_base: str):
        # Rate limits surface at once: the outbox persists the pause and waits without holding a lease.
        return open_forge(source, repo, api_base=api_base, cache_file=cache,
                          policy=RetryPolicy(rate_limit_max_wait=0.0), notify=_notify)

    with open_store(args) as store:
        result = push(store, connect, retry_blocked=args.retry_blocked,
                      only=(args.forge, args.repo.strip().strip("/")) if args.forge else None, notify=_notify,
                      include_drafts=args.include_drafts, confirm_moved=args.confirm_moved)
    for msg in result.messages:
        _err(msg)
    if args.json:
        sys.stdout.write(json.dumps({
            "posted": result.posted, "already_posted": result.reconciled, "blocked": result.blocked,
            "failed": result.failed, "pending": result.pending, "held": result.held,
            "waiting_drafts": result.drafts, "paused_until": result.paused_until or None,
            "messages": result.messages}, indent=2) + "\n")
    else:
        sys.stdout.write(
            f"pushed: {result.posted} posted, {result.reconciled} found already posted, {result.blocked} blocked, "
            f"{result.failed} failed, {result.held} held (head moved), {result.pending} pending"
            + (f" ({result.drafts} waiting for a draft)" if result.drafts else "") + "\n")
    return 0 if not (result.pending or result.blocked or result.failed or result.held) else EXIT_INCOMPLETE


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check a forge read-only: auth, scopes, API version, rate limit (see :mod:`triage.forges.doctor`)."""
    from triage.forges import open_forge
    from triage.forges.doctor import doctor
    from triage.forges.redact import install
    from triage.sanitize import display

    install()
    forge = open_forge(args.forge, args.repo, args.url, notify=_notify)
    try:
        report = doctor(forge, forge.http.credential_hint)
    finally:
        forge.close()
    if args.json:
        sys.stdout.write(json.dumps({"forge": report.forge, "repo": report.repo, "api_base": report.api_base,
                                     "ok": not report.failed, "checks": [c.to_json() for c in report.checks]},
                                    indent=2) + "\n")
    else:
        sys.stdout.write(f"{report.forge} {display(report.repo)} at {display(report.api_base)}\n")
        for c in report.checks:
            sys.stdout.write(f"  {c.status:<4}  {c.name:<12} {display(c.detail)}\n")
    return EXIT_INCOMPLETE if report.failed else 0


def git_options(parser: argparse.ArgumentParser, does: str) -> None:
    """``--git`` and ``--remote``: the git-only team's way (:mod:`triage.commands_git`)."""
    parser.add_argument("--git", action="store_true", help=f"a git-only team: {does}")
    parser.add_argument("--remote", metavar="NAME", help="with --git: the remote (default: origin, else the only one)")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    """Add ``sync`` and ``push`` to the ``triage`` command line."""
    s = subparsers.add_parser("sync", parents=[common],
                              help="pull merged and flagged pull requests from a forge into the queue")
    s.add_argument("--forge", choices=FORGES, help="github (also GHES), gitea (also Forgejo), gitlab")
    s.add_argument("--repo", metavar="OWNER/NAME", help="the repository (GitLab: GROUP/…/NAME); with --git, "
                   "the clone's path (default: .)")
    git_options(s, "fetch the remote's refs/notes/triage and import teammates' verdicts")
    s.add_argument("--url", metavar="BASE", help="forge URL: GHES https://HOST (or its /api/v3), a Gitea or "
                   "GitLab host; default github.com ($GH_HOST) or gitlab.com")
    s.add_argument("--since", metavar="WHEN", help="merged since WHEN (default: the last sync, else 7 days)")
    s.add_argument("--label", metavar="L", help="also pull open pull requests with this label "
                   "(default: [forge] review_label, 'ai-review'; '' for none)")
    s.add_argument("--all", action="store_true", help="keep merged pull requests that are not AI-authored too")
    s.add_argument("--json", action="store_true", help="JSON summary")
    s.set_defaults(handler=cmd_sync)

    p = subparsers.add_parser("push", parents=[common], help="post recorded verdicts to their forges (the outbox)")
    p.add_argument("--forge", choices=FORGES, help="only this forge (with --repo)")
    p.add_argument("--repo", metavar="OWNER/NAME", help="only this repository (with --forge); with --git, the "
                   "clone's path (default: .)")
    git_options(p, "write your verdicts to refs/notes/triage and push it to the remote")
    p.add_argument("--retry-blocked", action="store_true", help="retry posts blocked by a missing permission")
    p.add_argument("--include-drafts", action="store_true",
                   help="also post to draft pull requests (by default their posts wait until they are ready)")
    p.add_argument("--confirm-moved", action="store_true",
                   help="post verdicts held because the pull request's head moved, to its current head, with a note")
    p.add_argument("--json", action="store_true", help="JSON summary")
    p.set_defaults(handler=cmd_push)

    d = subparsers.add_parser("doctor", parents=[common],
                              help="check a forge read-only: token, scopes, API version, rate limit")
    d.add_argument("--forge", required=True, choices=FORGES, help="github (also GHES), gitea (also Forgejo), gitlab")
    d.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the repository (GitLab: GROUP/…/NAME)")
    d.add_argument("--url", metavar="BASE", help="forge URL, as for sync")
    d.add_argument("--json", action="store_true", help="JSON report")
    d.set_defaults(handler=cmd_doctor)


def main(argv: list[str] | None = None) -> int:
    """Run the triage CLI with these commands registered (for ``python -m``)."""
    from triage import cli

    return cli.main(argv)  # cli.COMMAND_MODULES registers this module's commands


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
