"""Provides the team use cases: the roster from the reviewer's own config, hand-over, assignment."""

from __future__ import annotations

from triage.errors import TriageError


def team_config():
    """The effective config for team commands: the shipped defaults and the reviewer's own file.

    The ``[team]`` roster is never read from a repository: a change under review
    must not be able to edit who reviews it (see :mod:`triage.config`).
    """
    from triage.config import load_config

    return load_config()


def roster_from_config(cfg):
    """The ``[team]`` roster; a one-line error naming the user's config file when there is none."""
    from triage.config import user_config_path
    from triage.rotation import Roster

    roster = Roster.from_config(cfg)
    if not roster.members:
        raise TriageError("no [team] roster configured: add [team] members = [{name = \"alice\", emails = [...]}] "
                          f"to your own config.toml, {user_config_path()} (a repository's .triage.toml cannot set it)")
    return roster


def rotation_key(cfg, command: str | None = None) -> bytes | None:
    """The team secret (as for sampling), so authors cannot predict who reviews them. For
    ``command`` (``assign``) a configured team must share one (:func:`triage.sampling.team_secret`
    refuses otherwise); an escalation's tie-break never stops a verdict from being recorded."""
    from triage.sampling import load_secret, team_secret

    try:
        return team_secret(cfg, command) if command else load_secret(cfg)
    except OSError:
        return None


def handover_context(store, change_id: str) -> tuple[dict, object, object, str | None]:
    """What a hand-over of ``change_id`` is chosen from: ``(change row, roster, the change's
    :class:`~triage.rotation.Candidate`, current assignee)``; a one-line :class:`TriageError`
    without a roster or for an unknown change."""
    from triage.rotation_store import candidate_from_store

    roster = roster_from_config(team_config())
    row = store.get_change(change_id)
    if row is None:
        raise TriageError(f"unknown change id {change_id!r}")
    cand = candidate_from_store(store, row)
    current = store.current_assignees().get(change_id)
    assignee = current.reviewer if current else row.get("assignee")
    return row, roster, cand, assignee


def forge_requests(store, roster):
    """The ``plan_posts`` of assignments: each one of an open forge pull request to a member with
    a login also requests that login's review on the forge (:mod:`triage.forges.reviewers`)."""
    from functools import partial

    from triage.forges.reviewers import posts_for

    return partial(posts_for, store, roster)


def handover(store, change_id: str, to: str, note: str = "", roster=None) -> dict:
    """Hand ``change_id`` over to roster member ``to`` (never an author); the new assignment.
    ``roster``: the ``[team]`` of the reviewer's own config unless given."""
    from triage.rotation_store import handover as hand

    roster = roster or roster_from_config(team_config())
    return hand(store, roster, change_id, to, note=note, plan_posts=forge_requests(store, roster))


def assign(store, roster, day: str, *, include_all: bool = False, repo: str | None = None,
           key: bytes | None = None, dry_run: bool = False) -> list:
    """Give every unassigned, unreviewed queue item a reviewer from ``roster`` (``triage assign``),
    each with the review request it owes on the forge."""
    from triage.rotation_store import assign_pending

    return assign_pending(store, roster, day, include_all=include_all, repo=repo, key=key, dry_run=dry_run,
                          plan_posts=forge_requests(store, roster))
