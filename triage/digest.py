"""Provides the daily digest: what merged, what is still waiting, what was decided.

:func:`build` gathers a plain dict for a time window; :func:`render_md` and
:func:`render_html` print it. The window starts at ``--since``, else at the
previous digest run (kept in ``sync_cursors`` as ``digest:<repo>``, ``*`` for
all repositories), else yesterday 00:00 UTC. "Merged" means the change's
commit time falls in the window (for a forge change: the time sync stored).

Every untrusted string (titles, paths, names, notes, links) goes through
:func:`triage.sanitize.display` first, so control and bidi characters show as
visible stand-ins, and is then escaped for the output format. The HTML is one
self-contained file: inline CSS, no scripts, no external assets, a
Content-Security-Policy that forbids loading anything, and links only for
``http``/``https`` URLs.
"""

from __future__ import annotations

import html
import re
import time
from datetime import datetime, timezone

from triage.models import TIERS
from triage.present import short_id
from triage.sanitize import display

LIMIT = 100
"""At most this many rows per list; the rest are counted."""


def cursor_key(repo: str | None) -> str:
    """The ``sync_cursors.source`` under which a digest run is remembered."""
    return f"digest:{repo or '*'}"


def last_run(store, repo: str | None) -> float | None:
    """When the previous digest for ``repo`` ran (unix seconds), if ever."""
    cursor = store.cursor(cursor_key(repo))
    try:
        return float(cursor) if cursor is not None else None
    except ValueError:
        return None


def mark_run(store, repo: str | None, when: float) -> None:
    """Remember that a digest for ``repo`` covered everything up to ``when``."""
    store.set_cursor(cursor_key(repo), repr(float(when)))


def default_since(store, repo: str | None, now: float | None = None) -> float:
    """The previous run's time, else yesterday 00:00 UTC."""
    from triage.timeparse import parse_since

    prev = last_run(store, repo)
    return prev if prev is not None else parse_since("yesterday", now)


def _item(it) -> dict:
    return {
        "id": it.id, "short_id": it.short_id, "title": it.title, "tier": it.tier, "agent": it.agent,
        "kind": it.kind, "author": it.author, "sampled": it.sampled, "findings": it.findings,
        "added": it.added, "deleted": it.deleted, "state": it.state, "assignee": it.assignee,
        "authored_at": it.authored_at, "url": it.url, "files": [f.get("path", "") for f in it.files][:20],
    }


def build(
    store,
    since: float,
    until: float | None = None,
    *,
    repo: str | None = None,
    include_all: bool = False,
    limit: int = LIMIT,
) -> dict:
    """The digest for ``[since, until)`` as a plain dict (lists of plain item dicts)."""
    from triage.queue import load_queue

    until = until if until is not None else time.time()
    items = load_queue(store, include_all=include_all, repo=repo)
    merged = [it for it in items if since <= it.authored_at < until]
    by_tier = {t: [_item(it) for it in merged if it.tier == t] for t in reversed(TIERS)}
    samples = [_item(it) for it in merged if it.sampled]
    waiting = sorted((it for it in items if it.verdict is None), key=lambda i: (i.authored_at, i.id))
    ids = {it.id for it in items}
    verdicts = [v for v in store.verdicts_between(since, until) if v["change_id"] in ids]
    escapes = [e for e in store.escapes_between(since, until) if e["change_id"] in ids]
    return {
        "since": since,
        "until": until,
        "repo": repo,
        "population": "all" if include_all else "ai",
        "merged_total": len(merged),
        "merged": {t: v[:limit] for t, v in by_tier.items()},
        "merged_counts": {t: len(v) for t, v in by_tier.items()},
        "samples": samples[:limit],
        "samples_total": len(samples),
        "unreviewed": [_item(it) for it in waiting[:limit]],
        "unreviewed_total": len(waiting),
        "verdicts": verdicts[:limit],
        "verdicts_total": len(verdicts),
        "escapes": escapes[:limit],
        "escapes_total": len(escapes),
    }


def _when(ts: float, with_time: bool = True) -> str:
    fmt = "%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d"
    return datetime.fromtimestamp(ts, timezone.utc).strftime(fmt)


# ------------------------------------------------------------------ markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def md(text: str | None) -> str:
    """Untrusted text for Markdown: made visible, HTML-escaped, markup characters backslashed, one line."""
    shown = display(str(text or "")).replace("\n", " ")
    shown = html.escape(shown, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", shown)


def md_code(text: str | None) -> str:
    """Untrusted text as a Markdown code span (its content is literal; backticks cannot close it)."""
    return "`" + display(str(text or "")).replace("\n", " ").replace("`", "'") + "`"


def _md_item(it: dict) -> str:
    star = "★ " if it["sampled"] else ""
    who = md(it["agent"] or it["kind"])
    parts = [f"{who}", f"by {md(it['author'])}", f"+{it['added']}/-{it['deleted']}",
             f"{it['findings']} findings", it["state"]]
    if it["assignee"]:
        parts.append(f"assigned to {md(it['assignee'])}")
    return f"- {star}{md_code(it['short_id'])} **{it['tier']}** {md(it['title'])}  \n  " + " · ".join(parts)


def render_md(d: dict) -> str:
    """The digest as Markdown (safe to paste into an issue or chat)."""
    scope = f" for {md(d['repo'])}" if d["repo"] else ""
    out = [f"# triage digest{scope}: {_when(d['since'])} to {_when(d['until'])}", ""]
    out.append(f"**{d['merged_total']} merged** · {d['samples_total']} drawn for a deep dive · "
               f"{d['unreviewed_total']} still unreviewed · {d['verdicts_total']} verdicts given"
               + (f" · {d['escapes_total']} escapes recorded" if d["escapes_total"] else ""))
    out += ["", "## Merged in this window, by tier", ""]
    if not d["merged_total"]:
        out.append("Nothing merged in this window.")
    for tier, items in d["merged"].items():
        n = d["merged_counts"][tier]
        if not n:
            continue
        out += [f"### {tier} ({n})", ""]
        out += [_md_item(it) for it in items]
        if n > len(items):
            out.append(f"- … and {n - len(items)} more")
        out.append("")
    out += ["## Deep-dive samples (★)", ""]
    if d["samples"]:
        out.append("Drawn at random by the keyed hash: review these in full, whatever their tier.")
        out.append("")
        out += [_md_item(it) for it in d["samples"]]
    else:
        out.append("No change in this window was drawn for a deep dive.")
    out += ["", f"## Still unreviewed ({d['unreviewed_total']}, oldest first)", ""]
    out += [_md_item(it) + f" · merged {_when(it['authored_at'], False)}" for it in d["unreviewed"]] or [
        "Nothing is waiting."]
    if d["unreviewed_total"] > len(d["unreviewed"]):
        out.append(f"- … and {d['unreviewed_total'] - len(d['unreviewed'])} more")
    out += ["", "## Verdicts given", ""]
    for v in d["verdicts"]:
        note = f": “{md(v['note'])}”" if v["note"] else ""
        out.append(f"- {_when(v['created_at'])} **{v['verdict']}** on {md_code(short_id(v['change_id']))} "
                   f"{md(v['title'])} by {md(v['reviewer']) or 'unknown'}{note}")
    if not d["verdicts"]:
        out.append("No verdicts in this window.")
    if d["escapes"]:
        out += ["", "## Escapes recorded", ""]
        for e in d["escapes"]:
            link = f" ({md(e['link'])})" if e["link"] else ""
            out.append(f"- {_when(e['found_at'])} {md(e['title'])}: {md(e['note'])}{link}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- html

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:60em;color:#1b1f24;
background:#fff;padding:0 1em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #d0d7de}h3{font-size:1em}
table{border-collapse:collapse;width:100%;margin:.4em 0}td,th{border-bottom:1px solid #eaeef2;padding:.25em .5em;
text-align:left;vertical-align:top}th{font-weight:600;background:#f6f8fa}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em}
.tier{font-weight:700;padding:0 .35em;border-radius:3px;color:#fff;font-size:.85em}
.CRITICAL{background:#a40e26}.HIGH{background:#d1242f}.MEDIUM{background:#9a6700}.LOW{background:#57606a}
.star{color:#bf8700}.muted{color:#57606a}.summary span{margin-right:1.2em}
""".strip()


def h(text: object) -> str:
    """Untrusted text for HTML: made visible, then escaped (quotes too)."""
    return html.escape(display(str(text if text is not None else "")), quote=True)


def _href(url: str | None) -> str | None:
    url = (url or "").strip()
    if re.match(r"^https?://[^\s<>\"'`]+$", url) and display(url) == url:
        return html.escape(url, quote=True)
    return None


def _title_cell(it: dict) -> str:
    href = _href(it.get("url"))
    title = h(it["title"])
    return f'<a href="{href}" rel="noopener noreferrer">{title}</a>' if href else title


def _html_rows(items: list[dict], with_age: bool = False) -> str:
    head = ("<tr><th>Tier</th><th></th><th>Id</th><th>Title</th><th>Agent</th><th>Author</th><th>+/−</th>"
            "<th>Findings</th><th>State</th><th>Assignee</th>" + ("<th>Merged</th>" if with_age else "") + "</tr>")
    rows = []
    for it in items:
        rows.append(
            f'<tr><td><span class="tier {h(it["tier"])}">{h(it["tier"])}</span></td>'
            f'<td class="star">{"★" if it["sampled"] else ""}</td><td><code>{h(it["short_id"])}</code></td>'
            f"<td>{_title_cell(it)}</td><td>{h(it['agent'] or it['kind'])}</td><td>{h(it['author'])}</td>"
            f"<td>+{int(it['added'])}/−{int(it['deleted'])}</td><td>{int(it['findings'])}</td>"
            f"<td>{h(it['state'])}</td><td>{h(it['assignee'] or '')}</td>"
            + (f"<td>{_when(it['authored_at'], False)}</td>" if with_age else "") + "</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def render_html(d: dict) -> str:
    """The digest as one self-contained, script-free HTML page."""
    scope = f" for {h(d['repo'])}" if d["repo"] else ""
    title = f"triage digest{scope}: {_when(d['since'])} to {_when(d['until'])}"
    body = [f"<h1>{title}</h1>", '<p class="summary">'
            f"<span><b>{d['merged_total']}</b> merged</span><span><b>{d['samples_total']}</b> drawn for a deep dive"
            f"</span><span><b>{d['unreviewed_total']}</b> still unreviewed</span>"
            f"<span><b>{d['verdicts_total']}</b> verdicts given</span>"
            + (f"<span><b>{d['escapes_total']}</b> escapes recorded</span>" if d["escapes_total"] else "") + "</p>"]
    body.append("<h2>Merged in this window, by tier</h2>")
    if not d["merged_total"]:
        body.append('<p class="muted">Nothing merged in this window.</p>')
    for tier, items in d["merged"].items():
        n = d["merged_counts"][tier]
        if n:
            more = f'<p class="muted">… and {n - len(items)} more</p>' if n > len(items) else ""
            body.append(f"<h3>{tier} ({n})</h3>{_html_rows(items)}{more}")
    body.append("<h2>Deep-dive samples (★)</h2>")
    if d["samples"]:
        body.append('<p class="muted">Drawn at random by the keyed hash: review these in full, whatever their '
                    "tier.</p>" + _html_rows(d["samples"]))
    else:
        body.append('<p class="muted">No change in this window was drawn for a deep dive.</p>')
    body.append(f"<h2>Still unreviewed ({d['unreviewed_total']}, oldest first)</h2>")
    if d["unreviewed"]:
        body.append(_html_rows(d["unreviewed"], with_age=True))
        if d["unreviewed_total"] > len(d["unreviewed"]):
            body.append(f'<p class="muted">… and {d["unreviewed_total"] - len(d["unreviewed"])} more</p>')
    else:
        body.append('<p class="muted">Nothing is waiting.</p>')
    body.append("<h2>Verdicts given</h2>")
    if d["verdicts"]:
        rows = "".join(
            f"<tr><td>{_when(v['created_at'])}</td><td><b>{h(v['verdict'])}</b></td>"
            f"<td><code>{h(short_id(v['change_id']))}</code></td><td>{h(v['title'])}</td><td>{h(v['reviewer'])}</td>"
            f"<td>{h(v['note'])}</td></tr>" for v in d["verdicts"])
        body.append("<table><tr><th>When</th><th>Verdict</th><th>Id</th><th>Title</th><th>Reviewer</th>"
                    f"<th>Note</th></tr>{rows}</table>")
    else:
        body.append('<p class="muted">No verdicts in this window.</p>')
    if d["escapes"]:
        rows = "".join(
            f"<tr><td>{_when(e['found_at'])}</td><td>{h(e['title'])}</td><td>{h(e['note'])}</td><td>"
            + (f'<a href="{_href(e["link"])}" rel="noopener noreferrer">{h(e["link"])}</a>' if _href(e["link"])
               else h(e["link"])) + "</td></tr>" for e in d["escapes"])
        body.append("<h2>Escapes recorded</h2><table><tr><th>Found</th><th>Change</th><th>Note</th><th>Link</th>"
                    f"</tr>{rows}</table>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
