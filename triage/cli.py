"""Provides the ``triage`` command line (everything but drawing the TUI).

Every command exits non-zero with a one-line ``triage: error: …`` on bad
input; ``--json`` output is stable and documented in the README. This is the
console script's entry point (also ``python -m triage``). The app is reached
through an ``open_tui`` callback, by default :func:`launch_app`, which imports
``tui`` only when a command opens the app: the rest of the CLI (and the CI
gate) never loads textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from triage import __version__
from triage.cliargs import db_path as _db_path
from triage.cliargs import open_store
from triage.cliargs import out as _out
from triage.errors import TriageError
from triage.models import TIERS, VERDICTS, suppression_note
from triage.paths import db_target, default_db_path, default_demo_dir
from triage.present import TIERS_WORST_FIRST, age
from triage.sanitize import display, one_line

OpenTui = Callable[..., int]

COMMAND_MODULES: tuple[str, ...] = ("triage.commands_team", "triage.commands_forge")
"""Modules that add subcommands: each has ``register(subparsers, common)`` and
sets ``handler=`` (a function of ``args``) with ``set_defaults``."""


# ------------------------------------------------------------------- helpers


def launch_app(**options) -> int:
    """Open the Textual app (imported only now); the default ``open_tui``."""
    from tui.__main__ import launch

    return launch(**options)


def default_reviewer() -> str:
    """``TRIAGE_REVIEWER``, else the login name (see :mod:`triage.identity`)."""
    from triage.identity import reviewer_identity

    return reviewer_identity()[0]


def print_queue(items, *, now: float | None = None) -> None:
    """The queue as a plain, sanitised table."""
    if not items:
        _out("The queue is empty. Fill it with `triage ingest --repo PATH` (or try `triage demo`).")
        return
    header = f"{'TIER':<8} {'S':1} {'ID':<12} {'AGENT':<10} {'FIND':>4} {'+/-':>9} {'AGE':>4}  {'STATE':<10} TITLE"
    _out(header)
    for it in items:
        size = f"+{it.added}/-{it.deleted}"
        agent = display(it.agent_label)[:10]
        _out(
            f"{it.tier:<8} {'★' if it.sampled else ' '} {display(it.short_id)[:12]:<12} {agent:<10} "
            f"{it.findings:>4} {size:>9} {age(it.authored_at, now):>4}  {it.shown_state:<10} {one_line(it.title, 70)}"
            + (f"  [{one_line(it.given_by, 60)}]" if it.conflict or any(g["posted_by"] for g in it.given) else "")
        )
    sampled = sum(1 for i in items if i.sampled)
    by_tier = {t: sum(1 for i in items if i.tier == t) for t in TIERS_WORST_FIRST}
    _out("")
    _out(f"{len(items)} changes: " + ", ".join(f"{n} {t}" for t, n in by_tier.items() if n)
         + f"; {sampled} drawn for a deep dive (★)")


# ------------------------------------------------------------------ commands


def cmd_ingest(args: argparse.Namespace) -> int:
    from triage.services.ingest import ingest_history
    from tui.progress import ProgressBar
    from triage.timeparse import parse_since

    from triage.services.changes import sarif_results

    since = parse_since(args.since) if args.since else None
    external = sarif_results(args.repo, args.sarif)
    with open_store(args) as store, ProgressBar("ingesting", "commits") as bar:
        result = ingest_history(store, args.repo, rev_range=args.range, since=since, include_all=args.all,
                        progress=bar.update, external=external)
    for warning in result.warnings:
        sys.stderr.write(f"triage: warning: {display(warning)}\n")
    _out(f"ingested {display(result.repo)}: {result.analysed} analysed, {result.skipped_known} already stored, "
         f"{result.skipped_human} not AI-authored (use --all to include them), "
         + (f"{result.skipped_shallow} at the shallow clone's cut (not analysed), " if result.skipped_shallow else "")
         + f"{result.seen} commits seen in {result.seconds:.2f}s")
    return 0


def json_lines_array(objects: list) -> str:
    """A JSON array with one compact object per line: valid JSON, greppable, and written
    by the C encoder (``indent=`` falls back to the pure-Python one, 2 s for 10,000 items)."""
    if not objects:
        return "[]"
    return "[\n" + ",\n".join(json.dumps(o, ensure_ascii=True) for o in objects) + "\n]"


def cmd_queue(args: argparse.Namespace) -> int:
    from triage.services.reports import queue

    with open_store(args) as store:
        items = queue(store, include_all=args.all, tiers=args.tier, agent=args.agent,
                           reviewer=args.reviewer, state=args.state, repo=args.repo, deep_dive=args.deep_dive)
    if args.json:
        _out(json_lines_array([i.to_json() for i in items]))
    else:
        print_queue(items)
    return 0


def _requested_text(d: dict) -> str:
    """``show``'s note of the reviewers the forge requests, and whether they differ from the assignee."""
    requested = d.get("forge_reviewers") or []
    if not requested:
        return ""
    names = ", ".join(display(r["login"]) + (f" ({display(r['member'])})" if r.get("member") else " (no member)")
                      for r in requested)
    differs = "  ≠ differs from the assignment here (not changed by sync)" if d.get("assignment_differs") else ""
    return f"; requested on the forge: {names}{differs}"


def cmd_show(args: argparse.Namespace) -> int:
    from triage.services.changes import change_details

    with open_store(args) as store:
        cid = store.resolve_id(args.id)
        d = change_details(store, cid)
    if args.json:
        _out(json.dumps(d, indent=2, ensure_ascii=True))
        return 0
    when = datetime.fromtimestamp(d["authored_at"], timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    _out(f"{d['tier']}  score {d['score']:g}  {'★ deep-dive sample' if d['sampled'] else ''}".rstrip())
    _out(f"{display(d['id'])}")
    _out(f"title:   {one_line(d['title'], 200)}")
    _out(f"author:  {display(d['author_name'])} <{display(d['author_email'])}>  {when}")
    agent = d["agent"] or d["kind"]
    _out(f"agent:   {display(agent)} ({d['kind']})")
    for ev in d["evidence"]:
        _out(f"         · {ev['signal']}: {display(ev['detail'])} (+{ev['weight']})")
    if d.get("provenance_note"):
        _out(f"         ! provenance incomplete: {display(d['provenance_note'])}")
    if d.get("draft"):
        _out("draft:   the pull request is a draft; `triage push` posts to it only with --include-drafts")
    if d.get("assignee") or d.get("forge_reviewers"):
        _out(f"assigned: {display(d.get('assignee') or '—')}" + _requested_text(d))
    if d["is_merge"]:
        _out("merge:   diffed against its first parent")
    _out("")
    _out("why this tier:")
    for f in d["factors"]:
        _out(f"  {f['points']:>6g}  {display(f['name']):<28} {display(f['detail'])}")
    _out("")
    _out(f"files ({d['n_files']}, +{d['added']}/-{d['deleted']}):")
    for f in d["files"]:
        extra = "; ".join(display(n) for n in f["notes"])
        _out(f"  {f['status']} {display(f['path'])}  +{f['added']}/-{f['deleted']}"
             + (f"  [{extra}]" if extra else ""))
    _out("")
    _out(f"findings ({len(d['findings'])}):" if d["findings"] else "findings: none")
    for f in d["findings"]:
        note = suppression_note(f)
        sup = f"  [{note}]" if note else ""
        _out(f"  {f['severity']:<7} {display(f['path'])}:{f['line']}  {display(f['rule'])}{sup}")
        _out(f"          {display(f['message'])}")
        _out(f"          ? {display(f['question'])}")
    if d["checklist"]:
        _out("")
        _out("checklist:")
        for item in d["checklist"]:
            mark = {"yes": "[x]", "no": "[!]", "n/a": "[-]"}.get(item.get("answer") or "", "[ ]")
            _out(f"  {mark} {display(item['text'])}  ({item['kind']}: {item['area']})")
    if d["verdicts"]:
        _out("")
        _out("verdicts:")
        for v in d["verdicts"]:
            t = datetime.fromtimestamp(v["created_at"], timezone.utc).strftime("%Y-%m-%d %H:%M")
            note = f"  “{one_line(v['note'], 120)}”" if v["note"] else ""
            old = f"  (at {display(v['sha'][:10])}, before new commits)" if v["superseded"] else ""
            via = f" (via {display(v['posted_by'])})" if v.get("posted_by") else ""
            _out(f"  {t}  {v['verdict']:<9} by {display(v['reviewer'])}{via}{old}{note}")
    return 0


def cmd_verdict(args: argparse.Namespace) -> int:
    from triage.services.verdicts import record_verdict

    verdict = next(v for v in VERDICTS if getattr(args, v.replace("-", "_")))
    with open_store(args) as store:
        cid = store.resolve_id(args.id)
        vid, extra = record_verdict(store, cid, verdict, note=args.note or "",
                                    reviewer=args.reviewer or default_reviewer(), deep_dive=args.deep_dive)
    _out(f"recorded {verdict} on {display(cid)} (verdict {vid[:12]})" + (f"; {display(extra)}" if extra else ""))
    return 0


def cmd_gate(args: argparse.Namespace) -> int:
    from triage.services.changes import gate

    change, a, code, word = gate(args.repo, args.rev, args.sarif)
    # The deep-dive draw is not printed (nor in --json): an author who could see it in CI could
    # push again until it came out their way. The reviewer sees it in the queue (★).
    if args.json:
        _out(json.dumps({"sha": change.sha, "tier": a.risk.tier, "score": a.risk.score, "decision": word,
                         "exit_code": code,
                         "factors": [f.to_dict() for f in a.risk.factors],
                         "findings": [f.to_dict() for f in a.findings]}, indent=2))
    else:
        _out(f"{change.sha[:12]} {a.risk.tier} score {a.risk.score:g}: {word}")
        for f in a.risk.factors:
            _out(f"  {round(f.points, 1):>6g}  {display(f.name):<28} {display(f.detail)}")
    return code


def cmd_demo(args: argparse.Namespace, open_tui: OpenTui | None) -> int:
    from triage.demo import DEMO_SECRET, build
    from triage.config import load_config, reviewer_repo_keys
    from triage.services.ingest import ingest_history
    from triage.services.reports import queue
    from triage.store import Store

    dest = Path(args.dir) if args.dir else default_demo_dir()
    repo_path = build(dest / "shopapi")
    db = db_target(args.db) if args.db else dest / "triage-demo.db"
    cfg = load_config(repo_path)
    with Store(db, repo_key=reviewer_repo_keys()) as store:
        ingest_history(store, repo_path, include_all=True, cfg=cfg, secret=DEMO_SECRET)
        if args.no_tui or open_tui is None:
            print_queue(queue(store))
            _out("")
            _out(f"demo repository: {repo_path}")
            _out(f"demo database:   {db}   (pass --db {db} to queue, show and verdict)")
            return 0
    code = open_tui(db=db, repo=repo_path, demo=True)
    _out(demo_farewell(db, repo_path))
    return code


def demo_farewell(db: Path, repo_path: Path) -> str:
    """What quitting the demo's app prints: where its database is and how to open it again
    (a plain ``triage`` opens the default database, not the demo's)."""
    return (f"The demo's verdicts are kept in {db}.\n"
            f"Reopen it with `triage demo` (it reuses the database) or "
            f"`triage review --db {db} --repo {repo_path}`;\n"
            f"a plain `triage` opens your own database, {default_db_path()}.")


def cmd_review(args: argparse.Namespace, open_tui: OpenTui | None) -> int:
    if open_tui is None:
        raise TriageError("the TUI is not available in this installation")
    db = _db_path(args)
    from triage.store import Store

    if args.repo:
        from triage.git import open_repo

        open_repo(args.repo)  # a one-line error for a path that is not a repository, before the app opens
    from triage.config import reviewer_repo_keys, trusted_config

    trusted_config()  # a bad value in your config: its one line now, not inside the app
    Store(db, repo_key=reviewer_repo_keys()).close()  # fail early, with a one-line error, on a bad database
    return open_tui(db=db, repo=args.repo, digest=getattr(args, "digest", False),
                    deep_dive=getattr(args, "deep_dive", False))


# -------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help="database file or postgresql:// URL (default: $TRIAGE_DB or the user data dir)")

    p = argparse.ArgumentParser(prog="triage", description="Risk-ordered review of AI-generated code changes.")
    p.add_argument("--version", action="version", version=f"triage {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", parents=[common], help="build the demo repository, ingest it, open the app")
    d.add_argument("--no-tui", action="store_true", help="print the queue instead of opening the app")
    d.add_argument("--dir", metavar="D", help="where to build the demo (default: the user data dir)")

    i = sub.add_parser("ingest", parents=[common], help="scan a git repository into the queue")
    i.add_argument("--repo", default=".", metavar="PATH", help="repository path (default: .)")
    g = i.add_mutually_exclusive_group()
    g.add_argument("--since", metavar="WHEN", help="only commits since WHEN (2025-01-31, yesterday, '3 days ago')")
    g.add_argument("--range", metavar="A..B", help="only commits in A..B")
    i.add_argument("--all", action="store_true", help="analyse human commits too, not only AI-authored ones")
    i.add_argument("--sarif", action="append", metavar="FILE",
                   help="another analyzer's SARIF log (bandit, semgrep, CodeQL): its results on the lines the "
                        "analysed commits added become findings (repeatable)")

    q = sub.add_parser("queue", parents=[common], help="print the risk-ordered queue")
    q.add_argument("--repo", metavar="NAME", help="only changes of this repository (name or path)")
    q.add_argument("--json", action="store_true", help="JSON output (see the README for the fields)")
    q.add_argument("--tier", action="append", type=str.upper, choices=TIERS, help="only this tier (repeatable)")
    q.add_argument("--agent", help="only changes by this agent (claude, copilot, …)")
    q.add_argument("--reviewer", help="only changes assigned to or reviewed by this person")
    q.add_argument("--state", help="unreviewed, updated (new commits since its verdict), draft (a draft pull request), reviewed, "
                   "or a verdict name")
    q.add_argument("--all", action="store_true", help="include human- and bot-authored changes")
    q.add_argument("--deep-dive", action="store_true",
                   help="only the security deep dive: HIGH/CRITICAL and sampled changes")

    s = sub.add_parser("show", parents=[common], help="show one change: factors, files, findings, checklist")
    s.add_argument("id", help="change id, or a unique sha prefix")
    s.add_argument("--json", action="store_true", help="JSON output")

    v = sub.add_parser("verdict", parents=[common], help="record a verdict without the app")
    v.add_argument("id", help="change id, or a unique sha prefix")
    vg = v.add_mutually_exclusive_group(required=True)
    for name in VERDICTS:
        vg.add_argument(f"--{name}", action="store_true", help=f"record {name}")
    v.add_argument("--note", help="a note to keep with the verdict")
    v.add_argument("--reviewer", help="who reviewed (default: $TRIAGE_REVIEWER or your login)")
    v.add_argument("--deep-dive", action="store_true",
                   help="security deep dive: refuse until the change's security checklist is answered")

    gt = sub.add_parser("gate", parents=[common], help="CI gate: exit 0 auto-merge, 1 review, 2 blocked")
    gt.add_argument("--repo", default=".", metavar="PATH")
    gt.add_argument("--rev", default="HEAD", metavar="REV")
    gt.add_argument("--json", action="store_true")
    gt.add_argument("--sarif", action="append", metavar="FILE",
                    help="another analyzer's SARIF log, counted on the lines this commit added (repeatable)")

    r = sub.add_parser("review", parents=[common], help="open the app")
    r.add_argument("--repo", metavar="PATH", help="repository to show diffs from")
    r.add_argument("--digest", action="store_true", help="open in daily-digest mode")
    r.add_argument("--deep-dive", action="store_true", help="open in security deep-dive mode")

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)

    from triage.completion import SHELLS

    c = sub.add_parser("completion", help="print a shell completion script (bash, zsh or fish)")
    c.add_argument("shell", choices=SHELLS, help="the shell to complete for")
    return p


def cmd_completion(args: argparse.Namespace) -> int:
    from triage.completion import completion_script

    sys.stdout.write(completion_script(build_parser(), args.shell))
    return 0


def main(argv: Sequence[str] | None = None, open_tui: OpenTui | None = launch_app) -> int:
    """Run the CLI; return the exit code. ``open_tui=None`` runs without the app
    (``demo`` prints the queue, ``review`` is refused)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["review", *argv]  # plain `triage [--db PATH]` opens the app
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return cmd_demo(args, open_tui)
        if args.command == "review":
            return cmd_review(args, open_tui)
        if getattr(args, "handler", None) is not None:
            return args.handler(args)
        handler = {
            "ingest": cmd_ingest,
            "queue": cmd_queue,
            "show": cmd_show,
            "verdict": cmd_verdict,
            "gate": cmd_gate,
            "completion": cmd_completion,
        }[args.command]
        return handler(args)
    except TriageError as exc:
        sys.stderr.write(f"triage: error: {display(str(exc))}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("triage: interrupted\n")
        return 130
    except Exception as exc:  # a PostgreSQL server's refusal outside a transaction: its one line
        from triage.store.engine import describe_server_error

        line = describe_server_error(exc)
        if line is None:
            raise
        sys.stderr.write(f"triage: error: {display(line)}\n")
        return 2
    except BrokenPipeError:
        return 0
