"""Provides the outbox sender: effectively-once posting of committed verdicts.

A verdict and its outbox rows are committed first (``Store.record_verdict``).
Then, for each row:

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

Before a post on an open pull request, its current head is read
(:meth:`pull_head`, once per pull request and push):

* the head moved since the verdict (a force-push or new commits): the row is
  ``held`` and nothing is posted (a status never lands on a sha the pull
  request no longer has). ``push --confirm-moved`` re-plans held rows
  against the current head, with a note saying which head was reviewed;
* the pull request is a draft: the row stays pending, untouched, until it is
  ready for review or ``push --include-drafts``.

Outcomes: 401 stops the whole push (rows stay pending); 403/404 mark the row
``blocked`` with the scope the forge asked for; a review whose inline comments
no longer land on the diff (422, "line must be part of the diff") is posted
again, once, with those findings in its body under "Lines moved" (GitLab: a
discussion whose line is gone becomes a note); any other 422 marks the row
``failed`` with the forge's message; rate limits persist ``next_attempt_at``
on every pending row of that forge, so a restart does not burst; an ambiguous
write (timeout, reset, 5xx) is retried after reconciliation. A repository
renamed or transferred on the forge is followed (same host only) and its new
name recorded in ``forge_remotes``.
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
from triage.forges.publish import marker, md_escape, record_marker, status_marker
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
    held: int = 0
    drafts: int = 0
    messages: list[str] = field(default_factory=list)
    paused_until: float = 0.0


@dataclass
class PushOptions:
    """What the reviewer allowed this push: posting to drafts, and to moved heads."""

    include_drafts: bool = False
    confirm_moved: bool = False
    heads: dict = field(default_factory=dict)
    """number -> :class:`~triage.forges.base.PullHead`, read once per push."""
    waiting: set = field(default_factory=set)
    """Rows left pending on purpose this push (drafts): not claimed again."""


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
        for target in self.store.pending_targets():
            key = parse_target(target)
            if key not in seen:
                seen.append(key)
        return seen

    def claim(self, source: str, repo: str, exclude: frozenset[str] = frozenset()) -> dict | None:
        """Lease the oldest due pending row of a repository (not in ``exclude``); None when there is none."""
        now = self.clock()

        def pick(row: dict) -> bool:
            if parse_target(row["target"]) != (source, repo) or row["id"] in exclude:
                return False
            held = row["lease_owner"] and row["lease_until"] > now and row["lease_owner"] != self.owner
            return not (held and not owner_dead(row["lease_owner"]))

        return self.store.claim_post(now, self.owner, now + self.lease_s, pick)

    def next_due(self, source: str, repo: str, exclude: frozenset[str] = frozenset()) -> float | None:
        """When the earliest pending row of a repository that nobody else holds becomes due."""
        now = self.clock()
        times = [r["next_attempt_at"] for r in self.store.pending_leases()
            if parse_target(r["target"]) == (source, repo) and r["id"] not in exclude
            and not (r["lease_owner"] and r["lease_owner"] != self.owner and r["lease_until"] > now
                     and not owner_dead(r["lease_owner"]))]
        return min(times) if times else None

    def _update(self, row_id: str, **changes) -> bool:
        return self.store.update_leased_post(row_id, self.owner, self.clock(), **changes)

    def count_attempt(self, row_id: str) -> bool:
        """Record that a post is about to be sent (so a crash after it triggers reconciliation).

        Renews the lease too, so it outlasts the one write that follows.
        """
        return self._update(row_id, attempts_plus=1, lease_until=self.clock() + self.lease_s)

    def done(self, row_id: str, remote_id: str) -> None:
        """The post exists on the forge: record its id and release the lease."""
        self._update(row_id, state="done", remote_id=remote_id, last_error="", lease_until=0, lease_owner="")

    def release(self, row_id: str, error: str, next_attempt_at: float = 0.0) -> None:
        """Give the row back (still pending), to be retried after ``next_attempt_at``."""
        self._update(row_id, last_error=error, next_attempt_at=next_attempt_at, lease_until=0, lease_owner="")

    def settle(self, row_id: str, state: str, error: str) -> None:
        """A final outcome other than done: ``blocked`` or ``failed``."""
        self._update(row_id, state=state, last_error=error, lease_until=0, lease_owner="")

    def pause(self, repos: list[tuple[str, str]], until: float) -> None:
        """Persist a rate-limit pause on every pending row of these repositories."""
        self.store.pause_posts(lambda target: parse_target(target) in repos, until, self.clock())

    def rebody(self, row_id: str, body: str, target: str) -> bool:
        """Re-plan a claimed row (new payload and target), before it is posted."""
        return self._update(row_id, body=body, target=target)

    def confirm_held(self) -> int:
        """Put ``held`` rows back to pending, to be re-planned against the current head."""
        return self.store.requeue_posts("held", self.clock())

    def retry_blocked(self) -> int:
        """Put ``blocked`` rows back to pending (after the token gained the missing scope)."""
        return self.store.requeue_posts("blocked", self.clock())


# ------------------------------------------------------------------ actions


def _find_existing(forge, row: dict, payload: dict, me: str) -> str | None:
    action = row["action"]
    mine = me.lower()
    if action == "approve":
        return "approved" if mine in (u.lower() for u in forge.approved_by(payload["number"])) else None
    if action == "request_reviewer":
        login = str(payload["login"]).lower()
        requested = (u.lower() for u in forge.requested_reviewers(payload["number"]))
        return f"requested:{payload['login']}" if login in requested else None
    if action == "review":
        posts = forge.list_reviews(payload["number"])
        needle = marker(row["id"])
    elif action == "inline":  # a discussion, or the note it became when its line left the diff
        posts = forge.list_reviews(payload["number"]) + forge.list_comments(payload["number"])
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


_STALE_ANCHOR = ("part of the diff", "line could not be resolved", "diff hunk", "line_code", "position",
                 "path is invalid")


def stale_anchor(exc: Unprocessable) -> bool:
    """Whether a refused review/discussion names an inline anchor that is not on the diff."""
    text = str(exc).lower()
    return any(s in text for s in _STALE_ANCHOR)


def lines_moved(comments: list[dict]) -> str:
    """The Markdown section that carries inline findings whose lines left the diff (an anchor's
    path becomes body text here, so token-shaped text in it is redacted like the rest)."""
    items = [f"- {md_escape(redact_post_text(str(c.get('path', ''))))}:{int(c.get('line', 0))}: " + " ".join(
        str(c.get("body", "")).split("\n\n")) for c in comments]
    return ("**Lines moved:** the pull request changed after this review was written, so these findings "
            "could not be placed on lines of its diff:\n" + "\n".join(items))


def _post(forge, row: dict, payload: dict) -> str:
    action = row["action"]
    tag = marker(row["id"])
    if isinstance(payload.get("record"), dict) and action in ("review", "comment"):
        tag = f"{record_marker(payload['record'])}\n{tag}"  # the verdict, for teammates' sync
    if action == "review":
        comments = [{**c, "body": c["body"]} for c in payload.get("comments") or []]
        try:
            return forge.post_review(payload["number"], payload["event"], f"{payload['text']}\n\n{tag}", comments,
                                     payload.get("commit_id") or "")
        except Unprocessable as exc:
            if not comments or not stale_anchor(exc):
                raise
        # GitHub refuses the whole review (and creates nothing) when one anchor is off the diff.
        payload["_lines_moved"] = len(comments)
        return forge.post_review(payload["number"], payload["event"],
                                 f"{payload['text']}\n\n{lines_moved(comments)}\n\n{tag}", [],
                                 payload.get("commit_id") or "")
    if action == "comment":
        return forge.post_comment(payload["number"], f"{payload['text']}\n\n{tag}")
    if action == "inline":
        try:
            return forge.post_inline(payload["number"], payload["path"], payload.get("old_path") or payload["path"],
                                     payload["line"], f"{payload['body']}\n\n{tag}")
        except Unprocessable as exc:
            if not stale_anchor(exc):
                raise
        payload["_lines_moved"] = 1
        return forge.post_comment(payload["number"], f"{lines_moved([payload])}\n\n{tag}")
    if action == "issue":
        return forge.create_issue(payload["title"], f"{payload['text']}\n\n{tag}", payload.get("labels") or [])
    if action == "status":
        return forge.set_status(payload["sha"], payload["state"], payload["context"], payload["description"],
                                _status_url(forge, payload, row["id"]))
    if action == "approve":
        return forge.approve(payload["number"], payload.get("sha") or "")
    if action == "request_reviewer":
        return forge.request_reviewer(payload["number"], payload["login"])
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
    "request_reviewer": ("number", "login"),
}


def _change_facts(store: Store, row: dict) -> dict | None:
    """The stored change a row posts about (number, state, sha) and the head its verdict saw."""
    return store.post_facts(row["change_id"], row["verdict_id"])


def _replan(action: str, target: str, payload: dict, old: str, new: str) -> tuple[dict, str]:
    """A held row's payload and target, moved to the pull request's current head ``new``."""
    note = (f"*Note: this verdict was given at {old[:12]}; the pull request has new commits since (now "
            f"{new[:12]}). Posted to the current head at the reviewer's request (`triage push --confirm-moved`).*")
    payload = {**payload, "head": new}
    if action == "review":
        payload["commit_id"] = new
        payload["text"] = f"{note}\n\n{payload['text']}"
    elif action == "comment":
        payload["text"] = f"{note}\n\n{payload['text']}"
    elif action == "inline":
        payload["body"] = f"{note}\n\n{payload['body']}"
    elif action in ("status", "approve"):
        payload["sha"] = new
        if action == "status":
            payload["description"] = f"{payload['description']} (verdict at {old[:7]})"
            target = target.rsplit("@", 1)[0] + "@" + new
    return payload, target


def _check_head(box: "Outbox", forge, row: dict, payload: dict, opts: PushOptions,
                result: PushResult) -> dict | None:
    """The payload to post, or None when the row must wait (see the module doc).

    Only posts about an open pull request are checked; merged ones do not move.
    """
    facts = _change_facts(box.store, row)
    if facts is None or facts["state"] != "open" or facts["number"] is None or not hasattr(forge, "pull_head"):
        return payload
    number = int(facts["number"])
    head = opts.heads.get(number)
    if head is None:
        head = opts.heads[number] = forge.pull_head(number)
    what = f"{row['target']} {row['action']}"
    if head.draft and not opts.include_drafts:
        box.release(row["id"], "waiting: the pull request is a draft; `triage push --include-drafts` posts to it")
        result.drafts += 1
        opts.waiting.add(row["id"])
        result.messages.append(f"{what}: not posted: #{number} is a draft (use `triage push --include-drafts` to "
                               "post anyway)")
        return None
    planned = payload.get("head") or facts["verdict_sha"] or payload.get("commit_id") or payload.get("sha") or ""
    if not planned or not head.sha or head.sha == planned:
        return payload
    if not opts.confirm_moved:
        reason = (f"held: #{number}'s head moved from {planned[:12]} to {head.sha[:12]} after the verdict, so "
                  "nothing was posted (a status never goes to a commit the pull request no longer has); review "
                  "it again, or `triage push --confirm-moved` to post the verdict to the new head with a note")
        box.settle(row["id"], "held", reason)
        result.held += 1
        result.messages.append(f"{what}: {reason}")
        return None
    payload, target = _replan(row["action"], row["target"], payload, planned, head.sha)
    body = json.dumps({k: v for k, v in payload.items() if not k.startswith("_")}, ensure_ascii=False,
                      sort_keys=True)
    if not box.rebody(row["id"], body, target):
        return None  # the lease was taken over
    row["target"] = target
    result.messages.append(f"{what}: #{number}'s head moved from {planned[:12]} to {head.sha[:12]}; posted to the "
                           "new head with a note, as confirmed")
    return payload


def _backoff(attempts: int) -> float:
    return min(MAX_BACKOFF_S, 2.0 ** max(1, attempts))


def process_row(box: Outbox, forge, row: dict, me: str, result: PushResult, tries: int = 0,
                opts: PushOptions | None = None) -> float | None:
    """Reconcile and post one claimed row. Returns a rate-limit pause end, if one was hit.

    Raises :class:`AuthError` (after releasing the row) to stop the whole push.
    """
    opts = opts or PushOptions()
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
        if row["attempts"] > 0 or row["was_leased"] or row["action"] in ("approve", "request_reviewer"):
            # approve and a review request have no marker (GitLab refuses a second approval with 401;
            # a reviewer already requested is not requested again), so always look first
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
        if row["action"] != "request_reviewer":  # a review request is about the pull request, not a head
            payload = _check_head(box, forge, row, payload, opts, result)
        if payload is None:
            return None
        if not box.count_attempt(rid):
            return None  # the lease was taken over; the other sender owns the row now
        try:
            remote_id = _post(forge, row, payload)
        except (KeyError, TypeError):
            remote_id = "unknown"  # a 2xx whose body lacked the id: it exists, do not post it again
        box.done(rid, remote_id)
        result.posted += 1
        if payload.get("_lines_moved"):
            result.messages.append(
                f"{row['target']} {row['action']}: {payload['_lines_moved']} inline finding(s) no longer land on the "
                "diff (lines moved); posted once, with them in the body under \"Lines moved\"")
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
    include_drafts: bool = False,
    confirm_moved: bool = False,
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
    if confirm_moved:
        box.confirm_held()
    known = {(r["source"], r["repo"]): r for r in store.forge_remotes()}
    remotes = {k: r["api_base"] for k, r in known.items()}
    for source, repo in box.groups():
        alias = (source, known.get((source, repo), {}).get("remote_repo") or repo)
        if only is not None and only not in ((source, repo), alias):
            continue
        api_base = remotes.get((source, repo))
        if api_base is None:
            result.messages.append(f"{source}:{repo}: no forge address known; run `triage sync` for it first")
            continue
        peers = [k for k, base in remotes.items() if base == api_base]
        current = known[(source, repo)]["remote_repo"] or repo
        forge = connect(source, current, api_base)
        forge.repo = repo  # targets and ids keep the name the repository was synced under
        if getattr(forge, "remote_repo", current) != current:
            forge.use_remote(current)
        opts = PushOptions(include_drafts=include_drafts, confirm_moved=confirm_moved)
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
                until = process_row(box, forge, row, me, result, tries[row["id"]], opts)
                spent |= opts.waiting
                if getattr(forge, "moved", False):
                    _try_locate(forge)  # renamed or transferred: address the new name directly from now on
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
            _note_move(store, forge, source, repo, api_base, current, result)
        finally:
            forge.close()
    result.pending = store.posts_pending()
    return result


def _try_locate(forge) -> None:
    """Look the repository's new name up; a failure only means requests keep being redirected."""
    try:
        forge.locate()
    except (ForgeError, ValueError):
        pass


def _note_move(store: Store, forge, source: str, repo: str, api_base: str, current: str, result: PushResult) -> None:
    """Record a rename or transfer the push ran into (a redirect was followed, or GitLab's 405)."""
    if getattr(forge, "moved", False):
        _try_locate(forge)
    now = getattr(forge, "remote_repo", current)
    if now != current:
        store.record_forge_remote(source, repo, api_base, now)
        result.messages.append(f"{source}:{repo} was renamed or transferred on the forge: it is now {now} "
                               f"(recorded; change ids keep {repo})")
