"""Provides the outbox sender: effectively-once posting of committed verdicts.

A verdict and its outbox rows are committed first (``Store.record_verdict``).
Then, for each row (``shared/reference/security-and-bad-inputs.md`` §4):

1. **claim** it with a lease, in ``BEGIN IMMEDIATE`` (``lease_owner`` names
   host, pid and sender; a lease held by a dead local process, or expired,
   may be taken over);
2. if a previous attempt may have happened (``attempts > 0``, or the row was
   leased before), **reconcile**: list *all* pages of the target's reviews /
   comments / issues / statuses, keep those by the authenticated user, and
   look for the row's marker. Found: record ``remote_id``, done, no post. A
   listing that cannot be read completely: no post, retry later. A marker in
   someone else's post is ignored;
3. count the attempt (its own transaction), **post** once with the marker;
4. mark the row done with ``remote_id`` (its own transaction).

Outcomes: 401 stops the whole push (rows stay pending); 403/404 mark the row
``blocked`` with the scope the forge asked for; 422 marks it ``failed`` with
the forge's message; rate limits persist ``next_attempt_at`` on every pending
row of that forge, so a restart does not burst; an ambiguous write (timeout,
reset, 5xx) is retried after reconciliation.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

from triage.errors import TriageError
from triage.forges.errors import (
    AuthError,
    ForgeError,
    ListingIncomplete,
    PermissionDenied,
    RateLimited,
    Unavailable,
    Unprocessable,
)
from triage.forges.redact import contains_registered_secret, redact_post_text
from triage.publish import marker, status_marker
from triage.store import Store

LEASE_S = 300.0
MAX_TRIES_PER_RUN = 4
MAX_BACKOFF_S = 300.0
_TARGET = re.compile(r"^(github|gitea|gitlab):([^#@]+?)(?:#(\d+)|@([0-9A-Fa-f]+))?$")


@dataclass
class PushResult:
    """What a push did, with a one-line reason for every row it could not post."""

    posted: int = 0
    reconciled: int = 0
    blocked: int = 0
    failed: int = 0
    pending: int = 0
    messages: list[str] = field(default_factory=list)
    paused_until: float = 0.0


def parse_target(target: str) -> tuple[str, str]:
    """``(source, repo)`` of an outbox target (``github:o/r#12``, ``github:o/r@sha``, ``github:o/r``)."""
    m = _TARGET.match(target)
    if not m:
        raise TriageError(f"outbox target {target!r} is not understood")
    return m.group(1), m.group(2)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_dead(owner: str) -> bool:
    """True when a lease owner is a process on this host that no longer exists."""
    try:
        host, pid, _tag = owner.rsplit(":", 2)
        return host == socket.gethostname() and not _pid_alive(int(pid))
    except ValueError:
        return False


class Outbox:
    """Claims, reconciles, posts and settles outbox rows of one store."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time, lease_s: float = LEASE_S):
        self.store = store
        self.clock = clock
        self.lease_s = lease_s
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    # ------------------------------------------------------------ row state

    def groups(self) -> list[tuple[str, str]]:
        """``(source, repo)`` pairs that have pending rows."""
        seen: list[tuple[str, str]] = []
        for r in self.store.query("SELECT target FROM outbox WHERE state = 'pending' ORDER BY created_at, rowid"):
            key = parse_target(r["target"])
            if key not in seen:
                seen.append(key)
        return seen

    def claim(self, source: str, repo: str, exclude: frozenset[str] = frozenset()) -> dict | None:
        """Lease the oldest due pending row of a repository (not in ``exclude``); None when there is none."""
        now = self.clock()
        with self.store.write() as conn:
            cur = conn.execute(
                "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY created_at, rowid",
                (now,))
            cols = [d[0] for d in cur.description]
            for values in cur.fetchall():
                row = dict(zip(cols, values))
                if parse_target(row["target"]) != (source, repo) or row["id"] in exclude:
                    continue
                held = row["lease_owner"] and row["lease_until"] > now and row["lease_owner"] != self.owner
                if held and not owner_dead(row["lease_owner"]):
                    continue
                conn.execute("UPDATE outbox SET lease_owner = ?, lease_until = ?, updated_at = ? WHERE id = ?",
                             (self.owner, now + self.lease_s, now, row["id"]))
                row["was_leased"] = bool(row["lease_until"]) or bool(row["lease_owner"])
                return row
        return None

    def next_due(self, source: str, repo: str, exclude: frozenset[str] = frozenset()) -> float | None:
        """When the earliest pending row of a repository that nobody else holds becomes due."""
        now = self.clock()
        times = [r["next_attempt_at"] for r in self.store.query(
            "SELECT id, target, next_attempt_at, lease_owner, lease_until FROM outbox WHERE state = 'pending'")
            if parse_target(r["target"]) == (source, repo) and r["id"] not in exclude
            and not (r["lease_owner"] and r["lease_owner"] != self.owner and r["lease_until"] > now
                     and not owner_dead(r["lease_owner"]))]
        return min(times) if times else None

    def _update(self, row_id: str, sql: str, params: tuple) -> bool:
        with self.store.write() as conn:
            cur = conn.execute(f"UPDATE outbox SET {sql}, updated_at = ? WHERE id = ? AND lease_owner = ?",
                               (*params, self.clock(), row_id, self.owner))
            return cur.rowcount == 1

    def count_attempt(self, row_id: str) -> bool:
        """Record that a post is about to be sent (so a crash after it triggers reconciliation).

        Renews the lease too, so it outlasts the one write that follows.
        """
        return self._update(row_id, "attempts = attempts + 1, lease_until = ?", (self.clock() + self.lease_s,))

    def done(self, row_id: str, remote_id: str) -> None:
        """The post exists on the forge: record its id and release the lease."""
        self._update(row_id, "state = 'done', remote_id = ?, last_error = '', lease_until = 0, lease_owner = ''",
                     (remote_id,))

    def release(self, row_id: str, error: str, next_attempt_at: float = 0.0) -> None:
        """Give the row back (still pending), to be retried after ``next_attempt_at``."""
        self._update(row_id, "last_error = ?, next_attempt_at = ?, lease_until = 0, lease_owner = ''",
                     (error, next_attempt_at))

    def settle(self, row_id: str, state: str, error: str) -> None:
        """A final outcome other than done: ``blocked`` or ``failed``."""
        self._update(row_id, "state = ?, last_error = ?, lease_until = 0, lease_owner = ''", (state, error))

    def pause(self, repos: list[tuple[str, str]], until: float) -> None:
        """Persist a rate-limit pause on every pending row of these repositories."""
        with self.store.write() as conn:
            rows = conn.execute("SELECT id, target FROM outbox WHERE state = 'pending'").fetchall()
            ids = [rid for rid, target in rows if parse_target(target) in repos]
            for rid in ids:
                conn.execute("UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, ?), updated_at = ? "
                             "WHERE id = ?", (until, self.clock(), rid))

    def retry_blocked(self) -> int:
        """Put ``blocked`` rows back to pending (after the token gained the missing scope)."""
        with self.store.write() as conn:
            return conn.execute("UPDATE outbox SET state = 'pending', next_attempt_at = 0, updated_at = ? "
                                "WHERE state = 'blocked'", (self.clock(),)).rowcount


# ------------------------------------------------------------------ actions


def _find_existing(forge, row: dict, payload: dict, me: str) -> str | None:
    action = row["action"]
    mine = me.lower()
    if action == "approve":
        return "approved" if mine in (u.lower() for u in forge.approved_by(payload["number"])) else None
    if action == "review":
        posts = forge.list_reviews(payload["number"])
        needle = marker(row["id"])
    elif action == "inline":
        posts = forge.list_reviews(payload["number"])
        needle = marker(row["id"])
    elif action == "comment":
        posts = forge.list_comments(payload["number"])
        needle = marker(row["id"])
    elif action == "issue":
        posts = forge.list_issues(row["created_at"] - 600, me)
        needle = marker(row["id"])
    elif action == "status":
        posts = forge.list_statuses(payload["sha"])
        needle = status_marker(row["id"])
    else:
        raise TriageError(f"unknown outbox action {action!r}")
    for post in posts:
        if post.author.lower() == mine and needle in post.text:
            return post.id
    return None


def _status_url(forge, payload: dict, row_id: str) -> str:
    url = (payload.get("url") or "").split("#", 1)[0]
    if not url and payload.get("number") is not None:
        url = forge.web_url(payload["number"])
    return url + status_marker(row_id)


def _post(forge, row: dict, payload: dict) -> str:
    action = row["action"]
    tag = marker(row["id"])
    if action == "review":
        return forge.post_review(payload["number"], payload["event"], f"{payload['text']}\n\n{tag}",
                                 [{**c, "body": c["body"]} for c in payload.get("comments") or []],
                                 payload.get("commit_id") or "")
    if action == "comment":
        return forge.post_comment(payload["number"], f"{payload['text']}\n\n{tag}")
    if action == "inline":
        return forge.post_inline(payload["number"], payload["path"], payload.get("old_path") or payload["path"],
                                 payload["line"], f"{payload['body']}\n\n{tag}")
    if action == "issue":
        return forge.create_issue(payload["title"], f"{payload['text']}\n\n{tag}", payload.get("labels") or [])
    if action == "status":
        return forge.set_status(payload["sha"], payload["state"], payload["context"], payload["description"],
                                _status_url(forge, payload, row["id"]))
    if action == "approve":
        return forge.approve(payload["number"], payload.get("sha") or "")
    raise TriageError(f"unknown outbox action {action!r}")


def _strings(value) -> list:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _strings(v)]
    if isinstance(value, list):
        return [x for v in value for x in _strings(v)]
    return [value] if isinstance(value, str) else []


_TEXT_FIELDS = ("text", "title", "body", "description")
"""Payload fields people read; the others (paths, shas, numbers) are the forge's own data."""


def redact_payload(payload: dict) -> dict:
    """``payload`` with token-shaped text masked in every field people read (inline comments too).

    A PR title or file name shaped like a token (``ghp_…``) is redacted, so the post goes
    out instead of failing for good; an anchor ``path`` is left as the forge knows it.
    """
    out = {k: redact_post_text(v) if k in _TEXT_FIELDS and isinstance(v, str) else v for k, v in payload.items()}
    if isinstance(out.get("comments"), list):
        out["comments"] = [redact_payload(c) if isinstance(c, dict) else c for c in out["comments"]]
    return out


_REQUIRED = {
    "review": ("number", "event", "text"), "comment": ("number", "text"), "inline": ("number", "path", "line", "body"),
    "issue": ("title", "text"), "status": ("sha", "state", "context", "description"), "approve": ("number",),
}


def _backoff(attempts: int) -> float:
    return min(MAX_BACKOFF_S, 2.0 ** max(1, attempts))


def process_row(box: Outbox, forge, row: dict, me: str, result: PushResult, tries: int = 0) -> float | None:
    """Reconcile and post one claimed row. Returns a rate-limit pause end, if one was hit.

    Raises :class:`AuthError` (after releasing the row) to stop the whole push.
    """
    rid = row["id"]
    try:
        try:
            payload = json.loads(row["body"])
            if not isinstance(payload, dict):
                raise ValueError("not an object")
            missing = [k for k in _REQUIRED.get(row["action"], ()) if k not in payload]
            if missing:
                raise ValueError(f"{row['action']} lacks {', '.join(missing)}")
        except ValueError as exc:
            box.settle(rid, "failed", f"malformed outbox row: {exc}")
            result.failed += 1
            return None
        if not forge.supports(row["action"]):
            box.settle(rid, "failed", f"{forge.kind} has no {row['action']!r} action")
            result.failed += 1
            return None
        if row["attempts"] > 0 or row["was_leased"] or row["action"] == "approve":
            # approve has no marker; GitLab refuses a second approval with 401, so always look first
            found = _find_existing(forge, row, payload, me)
            if found is not None:
                box.done(rid, found)
                result.reconciled += 1
                return None
        payload = redact_payload(payload)
        if contains_registered_secret("\n".join(_strings(payload))):
            box.settle(rid, "failed", "refusing to post: the body contains your forge token")
            result.failed += 1
            return None
        if not box.count_attempt(rid):
            return None  # the lease was taken over; the other sender owns the row now
        try:
            remote_id = _post(forge, row, payload)
        except (KeyError, TypeError):
            remote_id = "unknown"  # a 2xx whose body lacked the id: it exists, do not post it again
        box.done(rid, remote_id)
        result.posted += 1
        return None
    except AuthError as exc:
        box.release(rid, str(exc))
        raise
    except RateLimited as exc:
        box.release(rid, str(exc), exc.until)
        return exc.until
    except PermissionDenied as exc:
        need = f" (needs: {exc.needed})" if exc.needed else ""
        box.settle(rid, "blocked", f"blocked: permission{need}: {exc}")
        result.blocked += 1
        result.messages.append(f"{row['target']} {row['action']}: blocked: permission{need}: {exc}")
    except Unprocessable as exc:
        box.settle(rid, "failed", str(exc))
        result.failed += 1
        result.messages.append(f"{row['target']} {row['action']}: failed: {exc}")
    except (ListingIncomplete, Unavailable) as exc:
        box.release(rid, str(exc), box.clock() + _backoff(max(row["attempts"], tries) + 1))
    except ForgeError as exc:
        box.settle(rid, "failed", str(exc))
        result.failed += 1
        result.messages.append(f"{row['target']} {row['action']}: failed: {exc}")
    except BaseException:
        box.release(rid, "interrupted")
        raise
    return None


def push(
    store: Store,
    connect: Callable[[str, str, str], object],
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    max_wait: float = 60.0,
    retry_blocked: bool = False,
    only: tuple[str, str] | None = None,
    notify: Callable[[str], None] | None = None,
    lease_s: float = LEASE_S,
) -> PushResult:
    """Flush the outbox: every pending row of every synced repository (or ``only`` one).

    ``connect(source, repo, api_base)`` opens the forge client. Waits (backoff
    after an ambiguous write, rate limits) up to ``max_wait`` seconds go
    through ``sleep`` without holding a lease; longer ones end the push with
    the rows pending and their ``next_attempt_at`` persisted.
    """
    box = Outbox(store, clock=clock, lease_s=lease_s)
    result = PushResult()
    if retry_blocked:
        box.retry_blocked()
    remotes = {(r["source"], r["repo"]): r["api_base"] for r in store.query(
        "SELECT source, repo, api_base FROM forge_remotes")}
    for source, repo in box.groups():
        if only is not None and (source, repo) != only:
            continue
        api_base = remotes.get((source, repo))
        if api_base is None:
            result.messages.append(f"{source}:{repo}: no forge address known; run `triage sync` for it first")
            continue
        peers = [k for k, base in remotes.items() if base == api_base]
        forge = connect(source, repo, api_base)
        try:
            try:
                me = forge.whoami()
            except RateLimited as exc:
                box.pause(peers, exc.until)
                result.paused_until = max(result.paused_until, exc.until)
                result.messages.append(f"{source}:{repo}: {exc}")
                continue
            tries: dict[str, int] = {}
            spent: set[str] = set()
            while True:
                row = box.claim(source, repo, frozenset(spent))
                if row is None:
                    due = box.next_due(source, repo, frozenset(spent))
                    wait = None if due is None else due - clock()
                    if wait is None or wait <= 0 or wait > max_wait:
                        break
                    if notify:
                        notify(f"{source}:{repo}: retrying in {wait:.0f} s")
                    sleep(wait)
                    continue
                tries[row["id"]] = tries.get(row["id"], 0) + 1
                if tries[row["id"]] >= MAX_TRIES_PER_RUN:
                    spent.add(row["id"])  # leave it for the next push; keep going with the others
                until = process_row(box, forge, row, me, result, tries[row["id"]])
                if until is not None:
                    box.pause(peers, until)
                    result.paused_until = max(result.paused_until, until)
                    wait = until - clock()
                    if wait > max_wait:
                        result.messages.append(
                            f"{source}:{repo}: rate limited until "
                            f"{time.strftime('%H:%M:%S', time.localtime(until))}; the rest stays queued")
                        break
                    if notify:
                        notify(f"{source}:{repo}: rate limited; waiting {max(wait, 0):.0f} s")
                    sleep(max(wait, 0.0))
        finally:
            forge.close()
    result.pending = store.query("SELECT count(*) AS n FROM outbox WHERE state = 'pending'")[0]["n"]
    return result
