"""Provides outbox planning: the forge posts a verdict calls for, rendered ahead of time.

:func:`plan_outbox` runs inside the verdict's transaction (see
:meth:`triage.store.Store.record_verdict`), so a verdict and its posts are
committed together or not at all. It is pure: no IO.

* A merged change gets a comment with the verdict and note; ``needs-fix`` and
  ``revert`` also open a follow-up issue linking the change.
* An open change gets a review: ``APPROVE`` / ``REQUEST_CHANGES`` (Gitea:
  ``APPROVED``), ``COMMENT`` for ``escalate``, with inline comments for the
  findings whose lines lie in the stored patch's hunks (validated here, so a
  stale anchor cannot make the whole review fail with 422); the others are
  listed in the body. GitLab has no review object: a note, one discussion per
  anchored finding, and an approval. Open changes also get a ``triage/review``
  commit status on the head commit.

Each row's ``body`` is JSON holding exactly what will be sent. The hidden
marker ``<!-- triage:verdict:<outbox row id> -->`` is added by the sender
(the row id does not exist yet while planning). A verdict's main post (the
review, or the comment/note) also carries the verdict itself for teammates,
``<!-- triage:record v=1 id=… verdict=… reviewer=… sha=… at=… -->``
(:func:`record_marker`), which their ``sync`` imports (:func:`parse_records`). Untrusted text (titles, notes,
paths, finding messages) is made visible and Markdown-escaped.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote

from triage.models import db_text
from triage.sanitize import display, one_line

FORGE_SOURCES = ("github", "gitea", "gitlab")
STATUS_CONTEXT = "triage/review"
MAX_INLINE = 25
MARKER_FORMAT = "<!-- triage:verdict:{id} -->"
STATUS_MARKER_FORMAT = "#triage-verdict-{id}"

_WORDS = {
    "approve": "approved",
    "needs-fix": "needs a fix",
    "revert": "should be reverted",
    "escalate": "escalated for a security review",
}
_EVENTS = {
    "github": {"approve": "APPROVE", "needs-fix": "REQUEST_CHANGES", "revert": "REQUEST_CHANGES",
               "escalate": "COMMENT"},
    "gitea": {"approve": "APPROVED", "needs-fix": "REQUEST_CHANGES", "revert": "REQUEST_CHANGES",
              "escalate": "COMMENT"},
}
_STATUS = {
    "github": {"approve": "success", "needs-fix": "failure", "revert": "failure", "escalate": "pending"},
    "gitea": {"approve": "success", "needs-fix": "failure", "revert": "failure", "escalate": "pending"},
    "gitlab": {"approve": "success", "needs-fix": "failed", "revert": "failed", "escalate": "pending"},
}
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~")


def marker(row_id: str) -> str:
    """The hidden marker a post of outbox row ``row_id`` carries in its body."""
    return MARKER_FORMAT.format(id=row_id)


RECORD_VERSION = "1"
_RECORD = re.compile(r"<!-- triage:record ([A-Za-z0-9=%._~ -]{1,600}?) -->")
_HEX_ID = re.compile(r"^[0-9a-f]{32}$")
_SHA = re.compile(r"^[0-9a-f]{7,64}$")


def record_marker(record: dict) -> str:
    """The hidden marker that carries a verdict to teammates: ``id``, ``verdict``, ``reviewer``,
    ``sha`` (the head it was given at) and ``at`` (unix time), each percent-encoded, so no value
    can end the comment or add a field."""
    fields = [("v", RECORD_VERSION)] + [(k, str(record.get(k) or "")) for k in ("id", "verdict", "reviewer", "sha")]
    fields.append(("at", f"{float(record.get('at') or 0):.3f}"))
    return "<!-- triage:record " + " ".join(f"{k}={quote(v, safe='')}" for k, v in fields) + " -->"


def parse_records(text: str) -> list[dict]:
    """The well-formed verdict records in a post's text (anything malformed is skipped): dicts
    with ``id``, ``verdict``, ``reviewer``, ``sha`` (or None) and ``at``. The values are what the
    post claims; who posted it is the forge's to say (see :mod:`triage.forges.shared`)."""
    from triage.models import VERDICTS

    out = []
    for m in _RECORD.finditer(text or ""):
        fields: dict[str, str] = {}
        for part in m.group(1).split(" "):
            key, eq, value = part.partition("=")
            if eq and key not in fields:
                fields[key] = unquote(value)
        if fields.get("v") != RECORD_VERSION or not _HEX_ID.match(fields.get("id", "")):
            continue
        if fields.get("verdict") not in VERDICTS:
            continue
        sha = fields.get("sha") or ""
        try:
            at = float(fields.get("at") or "")
        except ValueError:
            continue
        if sha and not _SHA.match(sha) or at != at or at <= 0:
            continue
        out.append({"id": fields["id"], "verdict": fields["verdict"], "reviewer": fields.get("reviewer", "")[:100],
                    "sha": sha or None, "at": at})
    return out


def status_marker(row_id: str) -> str:
    """The URL fragment a commit status of outbox row ``row_id`` carries in ``target_url``."""
    return STATUS_MARKER_FORMAT.format(id=row_id)


def md_escape(text: str) -> str:
    """Untrusted text made inert in Markdown: visible controls, escaped syntax, no mentions."""
    out = []
    for ch in display(text):
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == "&":
            out.append("&amp;")
        elif ch == "@":
            out.append("@\u200b")
        else:
            out.append(ch)
    return "".join(out)


def md_quote(text: str) -> str:
    """A multi-line untrusted note as an escaped block quote."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join("> " + md_escape(line) if line.strip() else ">" for line in lines)


def _finding_line(f: dict) -> str:
    return (f"- **{md_escape(f['severity'])}** {md_escape(f['rule'])} at {md_escape(f['path'])}:{int(f['line'])}: "
            f"{md_escape(f['message'])}" + (f" *Question:* {md_escape(f['question'])}" if f.get("question") else ""))


def _summary(row: dict) -> str:
    agent = row.get("agent") or row.get("kind") or "unknown"
    return (f"Risk tier **{md_escape(str(row.get('tier') or '?'))}** (score {float(row.get('score') or 0):g}), "
            f"author: {md_escape(str(agent))}, {int(row.get('n_findings') or 0)} finding(s).")


def render_body(row: dict, verdict: str, note: str, loose: list[dict], heading: str) -> str:
    """The Markdown of a verdict post (without the marker)."""
    parts = [f"**triage: {heading}**", _summary(row)]
    if note.strip():
        parts.append(md_quote(note.strip()))
    if loose:
        shown = loose[:50]
        lines = [_finding_line(f) for f in shown]
        if len(loose) > len(shown):
            lines.append(f"- … and {len(loose) - len(shown)} more")
        parts.append("Findings:\n" + "\n".join(lines))
    return "\n\n".join(parts)


def anchor_lines(patch: bytes | None, added_only: bool) -> dict[str, tuple[set[int], str]]:
    """path -> (post-image lines a comment may anchor on, old path), from the patch hunks."""
    if not patch:
        return {}
    from triage.patch import parse_patch

    out: dict[str, tuple[set[int], str]] = {}
    for fd in parse_patch(patch):
        if fd.new_path is None or fd.is_binary:
            continue
        ok = {ln.new_no for h in fd.hunks for ln in h.lines
              if ln.new_no is not None and (ln.origin == "+" or (not added_only and ln.origin == " "))}
        out[db_text(fd.new_path)] = (ok, db_text(fd.old_path or fd.new_path))
    return out


def split_findings(patch: bytes | None, findings: list[dict], added_only: bool) -> tuple[list[dict], list[dict]]:
    """``(inline comments, loose findings)``: a finding is inline only if its line is in a hunk."""
    valid = anchor_lines(patch, added_only)
    inline: dict[tuple[str, int], dict] = {}
    loose = []
    for f in findings:
        if f.get("suppressed"):
            continue
        lines, old_path = valid.get(f["path"], (set(), f["path"]))
        key = (f["path"], int(f["line"]))
        if int(f["line"]) in lines and (key in inline or len(inline) < MAX_INLINE):
            text = f"**{md_escape(f['severity'])}** {md_escape(f['rule'])}: {md_escape(f['message'])}"
            if f.get("question"):
                text += f"\n\n*Question:* {md_escape(f['question'])}"
            if key in inline:
                inline[key]["body"] += "\n\n" + text
            else:
                inline[key] = {"path": f["path"], "old_path": old_path, "line": int(f["line"]), "body": text}
        else:
            loose.append(f)
    return list(inline.values()), loose


def _row(action: str, target: str, payload: dict) -> dict:
    return {"action": action, "target": target, "body": json.dumps(payload, ensure_ascii=False, sort_keys=True)}


def _issue(row: dict, verdict: str, note: str, findings: list[dict], target_repo: str) -> dict:
    number = row["number"]
    title = one_line(f"Follow-up: {row['repo']}#{number} {_WORDS[verdict]}: {row.get('title') or ''}", 200)
    link = f"[{md_escape(row['repo'])}#{number}]({row['url']})" if row.get("url") else f"#{number}"
    parts = [f"triage review of {link} (merged): **{verdict}**, it {_WORDS[verdict]}.", _summary(row)]
    if note.strip():
        parts.append(md_quote(note.strip()))
    active = [f for f in findings if not f.get("suppressed")]
    if active:
        parts.append("Findings:\n" + "\n".join(_finding_line(f) for f in active[:50]))
    return _row("issue", target_repo, {"title": title, "text": "\n\n".join(parts), "labels": []})


def plan_outbox(change_row: dict, verdict: str, note: str, verdict_id: str, findings: list[dict], *,
                reviewer: str = "", at: float = 0.0) -> list[dict]:
    """The outbox rows (``action``, ``target``, ``body``) for a verdict on a forge change.

    The main post (review, or comment/note) carries ``record``: the verdict for teammates
    (:func:`record_marker`), with ``reviewer`` and ``at`` (when it was given).

    Never raises (it runs inside the verdict's transaction, and a verdict must
    not be lost to a rendering bug): on an unexpected error it plans one plain
    comment with the verdict and note.
    """
    record = {"id": verdict_id, "verdict": verdict, "reviewer": reviewer, "sha": change_row.get("sha") or "",
              "at": at}
    try:
        return _plan(change_row, verdict, note, verdict_id, findings, record)
    except Exception:  # noqa: BLE001 - see the docstring
        if change_row.get("source") not in FORGE_SOURCES or change_row.get("number") is None:
            return []
        number = int(change_row["number"])
        text = f"**triage: {verdict}**" + (f"\n\n{md_quote(note)}" if note.strip() else "")
        return [_row("comment", f"{change_row['source']}:{change_row['repo']}#{number}",
                     {"number": number, "text": text, "verdict_id": verdict_id, "record": record})]


def _plan(change_row: dict, verdict: str, note: str, verdict_id: str, findings: list[dict],
          record: dict | None = None) -> list[dict]:
    source = change_row.get("source")
    number = change_row.get("number")
    if source not in FORGE_SOURCES or number is None or verdict not in _WORDS:
        return []
    repo = change_row["repo"]
    target = f"{source}:{repo}#{int(number)}"
    heading = f"{_WORDS[verdict]} ({verdict})"
    active = [f for f in findings if not f.get("suppressed")]
    out: list[dict] = []
    if change_row.get("state") != "open":
        text = render_body(change_row, verdict, note, active, f"{heading}, after merge")
        out.append(_row("comment", target, {"number": int(number), "text": text, "verdict_id": verdict_id,
                                            "record": record}))
        if verdict in ("needs-fix", "revert"):
            out.append(_issue(change_row, verdict, note, findings, f"{source}:{repo}"))
        return out
    patch = change_row.get("patch")
    sha = change_row.get("sha") or ""
    if source == "gitlab":
        inline, loose = split_findings(patch, findings, added_only=True)
        text = render_body(change_row, verdict, note, loose, heading)
        out.append(_row("comment", target, {"number": int(number), "text": text, "verdict_id": verdict_id,
                                            "record": record}))
        for c in inline:
            out.append(_row("inline", target, {"number": int(number), **c}))
        if verdict == "approve":
            out.append(_row("approve", target, {"number": int(number), "sha": sha}))
    else:
        inline, loose = split_findings(patch, findings, added_only=False)
        text = render_body(change_row, verdict, note, loose, heading)
        out.append(_row("review", target, {"number": int(number), "event": _EVENTS[source][verdict], "text": text,
                                           "comments": inline, "commit_id": sha, "verdict_id": verdict_id,
                                           "record": record}))
    if sha:
        out.append(_row("status", f"{source}:{repo}@{sha}", {
            "sha": sha, "state": _STATUS[source][verdict], "context": STATUS_CONTEXT,
            "description": f"triage: {_WORDS[verdict]}", "url": change_row.get("url") or ""}))
    return out
