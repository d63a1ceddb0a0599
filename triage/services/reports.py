"""Provides what reviewers read: the queue, the digest (and marking it read) and the controls report.

Each is one function the CLI (``triage queue``, ``triage digest``, ``triage stats``) and the app
(queue, digest and stats screens) both call; the domain work is :mod:`triage.queue`,
:mod:`triage.digest` and :mod:`triage.controls`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage.queue import QueueItem


def queue(store, **filters) -> list[QueueItem]:
    """The ordered queue with ``filters`` applied (the keywords of :func:`triage.queue.load_queue`)."""
    from triage.queue import load_queue

    return load_queue(store, **filters)


def gather_digest(store, until: float, *, repo: str | None = None, since: float | None = None,
                  include_all: bool = False) -> tuple[dict, bool]:
    """``(digest, first)``: the digest of :func:`triage.digest.build` for ``repo`` from ``since``
    (default: the previous run, else yesterday) to ``until``, and whether no digest was marked read
    before."""
    from triage import digest

    first = digest.last_run(store, repo) is None
    if since is None:
        since = digest.default_since(store, repo, until)
    return digest.build(store, since, until, repo=repo, include_all=include_all), first


def mark_digest_read(store, until: float, *, repo: str | None = None) -> None:
    """Remember that the digest for ``repo`` covered everything up to ``until`` (the next starts there)."""
    from triage import digest

    digest.mark_run(store, repo, until)


def control_report(store, **options) -> dict:
    """The control-effectiveness report (:func:`triage.controls.compute`; ``options`` are its keywords)."""
    from triage.controls import compute

    return compute(store, **options)
