"""Provides the team subcommands: ``digest``, ``stats``, ``assign``, ``handover`` and ``escape``.

``triage.cli`` loads this module through ``COMMAND_MODULES``; :func:`register`
adds the subcommands, whose work is done by :mod:`triage.services`. Like all of ``triage/``, it never imports textual or rich.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from triage.cliargs import open_store
from triage.cliargs import out as _out
from triage.errors import TriageError, describe_os_error
from triage.present import short_id
from triage.sanitize import display, one_line


def _store(args: argparse.Namespace):
    return open_store(args)


def _when(text: str | None) -> float | None:
    from triage.timeparse import parse_since

    return parse_since(text) if text else None


def _write_output(text: str, path: str | None) -> None:
    if not path or path == "-":
        sys.stdout.write(text)
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise TriageError(f"cannot write {path}: {describe_os_error(exc)}") from None


def cmd_digest(args: argparse.Namespace) -> int:
    """``triage digest``: Markdown or HTML for the window since the last run (or ``--since``)."""
    from triage.digest import render_html, render_md
    from triage.services.reports import gather_digest, mark_digest_read

    now = time.time()
    with _store(args) as store:
        d, _first = gather_digest(store, now, repo=args.repo, since=_when(args.since) if args.since else None,
                                  include_all=args.all)
        text = render_html(d) if args.format == "html" else render_md(d)
        _write_output(text, args.output)
        if not args.no_record:
            mark_digest_read(store, now, repo=args.repo)
    if args.output and args.output != "-":
        _out(f"wrote the {args.format} digest to {display(args.output)}: {d['merged_total']} merged, "
             f"{d['unreviewed_total']} unreviewed, {d['verdicts_total']} verdicts")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """``triage stats``: control effectiveness, as text or ``--json``."""
    from triage.controls import render_text
    from triage.services.reports import control_report

    with _store(args) as store:
        report = control_report(store, repo=args.repo, include_all=args.all, since=_when(args.since),
                         min_samples=args.min_samples)
    if args.json:
        _out(json.dumps(report, indent=2, ensure_ascii=True))
    else:
        sys.stdout.write(render_text(report))
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    """``triage assign``: give every unassigned, unreviewed queue item a reviewer from the roster."""
    from triage.rotation import parse_day
    from triage.services.team import assign, roster_from_config, rotation_key, team_config

    cfg = team_config()
    roster = roster_from_config(cfg)
    day = parse_day(args.day)
    with _store(args) as store:
        result = assign(store, roster, day, include_all=args.all, repo=args.repo,
                        key=rotation_key(cfg, "assign"), dry_run=args.dry_run)
        titles = store.change_titles([a.change_id for a in result])
    if args.json:
        _out(json.dumps({"day": day, "dry_run": args.dry_run, "assignments": [a.to_dict() for a in result]},
                        indent=2, ensure_ascii=True))
        return 0
    if not result:
        _out("nothing to assign: every unreviewed change already has a reviewer")
        return 0
    per: dict[str, int] = {}
    for a in result:
        title = titles.get(a.change_id, ("", "", "git"))[0]
        short = short_id(a.change_id)
        who = a.reviewer or "—"
        why = "" if a.reason in ("rotation", "security") else f"  [{display(a.reason)}]"
        _out(f"{a.tier:<8} {display(short)[:12]:<12} → {display(who):<10} {one_line(title, 60)}{why}")
        if a.reviewer:
            per[a.reviewer] = per.get(a.reviewer, 0) + 1
    done = sum(per.values())
    verb = "would assign" if args.dry_run else "assigned"
    _out("")
    _out(f"{verb} {done} of {len(result)} changes for {day}: "
         + (", ".join(f"{display(k)} {v}" for k, v in sorted(per.items())) or "none"))
    left = len(result) - done
    if left:
        _out(f"{left} left unassigned (see the reasons above)")
    return 0


def cmd_handover(args: argparse.Namespace) -> int:
    """``triage handover ID --to NAME``: reassign one change (never to its author)."""
    from triage.services.team import handover

    with _store(args) as store:
        cid = store.resolve_id(args.id)
        row = handover(store, cid, args.to, note=args.note or "")
    frm = f" from {display(row['handed_over_from'])}" if row["handed_over_from"] else ""
    _out(f"handed {display(cid)} over{frm} to {display(row['reviewer'])}")
    return 0


def cmd_escape(args: argparse.Namespace) -> int:
    """``triage escape ID --note …`` records an escape; ``--scan`` finds reverts and ``Fixes:`` trailers."""
    from triage import escapes

    with _store(args) as store:
        if args.scan:
            if args.id:
                raise TriageError("give either a change id or --scan, not both")
            found = escapes.scan(store, repo=args.repo, record=not args.dry_run)
            if args.json:
                _out(json.dumps([f.to_dict() for f in found], indent=2, ensure_ascii=True))
                return 0
            new = sum(1 for f in found if f.recorded)
            for f in found:
                mark = "new " if f.recorded else "kept"
                _out(f"{mark} {display(f.target.split(':')[-1][:12])} ← {f.how} {f.sha[:12]}  {one_line(f.note, 80)}")
            verb = "would record" if args.dry_run else "recorded"
            _out(f"{len(found)} escapes found by revert or Fixes: trailers; {verb} "
                 f"{len(found) if args.dry_run else new} new")
            return 0
        if not args.id:
            raise TriageError("give a change id (triage escape ID --note TEXT), or --scan")
        if not args.note:
            raise TriageError("an escape needs a note: what went wrong (--note TEXT)")
        cid = store.resolve_id(args.id)
        eid = escapes.record_escape(store, cid, args.note, link=args.link or "", found_at=_when(args.found_at))
    if args.json:
        _out(json.dumps({"id": eid, "change_id": cid}, ensure_ascii=True))
    else:
        _out(f"recorded an escape on {display(cid)} (escape {eid[:12]})")
    return 0


# -------------------------------------------------------------------- parser


def register(sub, common: argparse.ArgumentParser) -> None:
    """Add the team subcommands to ``triage``'s subparsers."""
    d = sub.add_parser("digest", parents=[common], help="the daily digest: merged, waiting, decided")
    d.add_argument("--since", metavar="WHEN",
                   help="start of the window (default: the previous digest run, else yesterday)")
    d.add_argument("--format", choices=("md", "html"), default="md", help="Markdown (default) or HTML")
    d.add_argument("--repo", metavar="NAME", help="only changes of this repository (name or path)")
    d.add_argument("--all", action="store_true", help="include human- and bot-authored changes")
    d.add_argument("--output", "-o", metavar="PATH", help="write to PATH instead of stdout")
    d.add_argument("--no-record", action="store_true", help="do not remember this run as the last digest")
    d.set_defaults(handler=cmd_digest)

    s = sub.add_parser("stats", parents=[common], help="control effectiveness: defects, escapes, time, velocity")
    s.add_argument("--json", action="store_true", help="JSON output (see the README for the fields)")
    s.add_argument("--repo", metavar="NAME", help="only changes of this repository (name or path)")
    s.add_argument("--all", action="store_true", help="include human- and bot-authored changes")
    s.add_argument("--since", metavar="WHEN", help="only changes merged since WHEN")
    s.add_argument("--min-samples", type=int, default=5, metavar="N",
                   help="flag figures resting on fewer than N samples (default 5)")
    s.set_defaults(handler=cmd_stats)

    a = sub.add_parser("assign", parents=[common], help="assign unreviewed changes to reviewers from [team]")
    a.add_argument("--day", metavar="YYYY-MM-DD", help="the rotation day (default: today, UTC)")
    a.add_argument("--repo", metavar="NAME", help="only changes of this repository (name or path)")
    a.add_argument("--all", action="store_true", help="include human- and bot-authored changes")
    a.add_argument("--dry-run", action="store_true", help="show the plan without writing it")
    a.add_argument("--json", action="store_true", help="JSON output")
    a.set_defaults(handler=cmd_assign)

    h = sub.add_parser("handover", parents=[common], help="hand one change over to another reviewer")
    h.add_argument("id", help="change id, or a unique sha prefix")
    h.add_argument("--to", required=True, metavar="NAME", help="a [team] member (never the change's author)")
    h.add_argument("--note", help="why")
    h.set_defaults(handler=cmd_handover)

    e = sub.add_parser("escape", parents=[common], help="record a defect found after merge, or --scan for reverts")
    e.add_argument("id", nargs="?", help="change id, or a unique sha prefix")
    e.add_argument("--note", help="what went wrong")
    e.add_argument("--link", metavar="URL", help="an issue, incident or revert")
    e.add_argument("--found-at", metavar="WHEN", help="when it was found (default: now)")
    e.add_argument("--scan", action="store_true",
                   help="find escapes: later commits with 'This reverts commit <sha>' or 'Fixes: <sha>'")
    e.add_argument("--repo", metavar="NAME", help="with --scan: only this repository")
    e.add_argument("--dry-run", action="store_true", help="with --scan: report without recording")
    e.add_argument("--json", action="store_true", help="JSON output")
    e.set_defaults(handler=cmd_escape)
