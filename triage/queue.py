"""Provides the review queue: stored changes, filtered and ordered.

Order: tier (CRITICAL first), then deep-dive samples within their tier, then
age (the oldest waiting change first), then id for a total order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from triage.models import TIER_RANK, TIERS
from triage.present import short_id
from triage.store import Store

@dataclass
class QueueItem:
    """One row of the queue, with its latest verdict if any."""

    id: str
    title: str
    author: str
    author_email: str
    agent: str | None
    kind: str
    tier: str
    score: float
    factors: list[dict]
    sampled: bool
    findings: int
    files: list[dict]
    added: int
    deleted: int
    url: str
    authored_at: int
    repo: str
    sha: str
    source: str
    evidence: list[dict] = field(default_factory=list)
    assignee: str | None = None
    verdict: str | None = None
    verdict_note: str = ""
    reviewer: str = ""
    sample_rate: float | None = None
    repo_path: str = ""
    number: int | None = None
    superseded: dict | None = None
    """The latest verdict when it was given at an earlier head (new commits came since)."""
    draft: bool = False
    """An open pull request marked as a draft: listed, but ``push`` does not post to it
    unless asked (``--include-drafts``)."""
    provenance_note: str = ""
    """Why provenance could not be read completely (e.g. a truncated commit list); such a
    change is listed even when no AI signal was found, since the missing part may hold one."""
    given: list[dict] = field(default_factory=list)
    """Every standing verdict at the current head, one per reviewer (``reviewer``, ``verdict``,
    ``posted_by``: the forge or git account that carried a teammate's verdict here)."""
    conflict: bool = False
    """Reviewers disagree at this head: shown as ``conflict``, not settled by which came last."""
    requested_on_forge: list[dict] = field(default_factory=list)
    """Who the forge requests this pull request's review from (``login``, ``member``), as last synced."""

    @property
    def assignment_differs(self) -> bool:
        """The forge requests reviews, none of them from the assignee here."""
        return assignment_differs(self.assignee, self.requested_on_forge)

    @property
    def state(self) -> str:
        """``unreviewed``, ``conflict`` (reviewers disagree at this head) or the latest verdict."""
        if self.conflict:
            return "conflict"
        return self.verdict or "unreviewed"

    @property
    def given_by(self) -> str:
        """Who gave the standing verdicts, as one line: ``approve alice, needs-fix bob``."""
        return ", ".join(f"{g['verdict']} {g['reviewer'] or '?'}" for g in self.given)

    @property
    def shown_state(self) -> str:
        """:attr:`state` as the Queue's State column shows it: ``updated`` for an item that
        got new commits after its last verdict (it is unreviewed again)."""
        if self.superseded and not self.verdict:
            return "updated"
        if self.draft and not self.verdict:
            return "draft"
        return self.state

    @property
    def agent_label(self) -> str:
        """What the Agent column shows: the agent, ``incomplete`` when provenance could not be
        read completely and no agent was found, else the kind."""
        if self.agent:
            return self.agent
        return "incomplete" if self.provenance_note else self.kind

    @property
    def short_id(self) -> str:
        """What a person types: the sha prefix, or ``repo#N`` for a forge change."""
        return short_id(self.id)

    def sort_key(self) -> tuple:
        """The queue order (see the module doc)."""
        return (-TIER_RANK.get(self.tier, -1), not self.sampled, self.authored_at, self.id)

    def to_json(self) -> dict:
        """The documented ``triage queue --json`` object."""
        return {
            "id": self.id,
            "short_id": self.short_id,
            "title": self.title,
            "author": self.author,
            "author_email": self.author_email,
            "agent": self.agent,
            "kind": self.kind,
            "tier": self.tier,
            "score": self.score,
            "factors": self.factors,
            "sampled": self.sampled,
            "sample_rate": self.sample_rate,
            "findings": self.findings,
            "files": [f["path"] for f in self.files],
            "added": self.added,
            "deleted": self.deleted,
            "url": self.url,
            "authored_at": self.authored_at,
            "repo": self.repo,
            "sha": self.sha,
            "assignee": self.assignee,
            "state": self.state,
            "verdict": self.verdict,
            "conflict": self.conflict,
            "verdicts_by": [dict(g) for g in self.given],
            "requested_on_forge": [dict(r) for r in self.requested_on_forge],
            "assignment_differs": self.assignment_differs,
            "superseded_verdict": None if not self.superseded else {
                k: self.superseded[k] for k in ("verdict", "reviewer", "sha", "created_at")},
            "evidence": self.evidence,
            "draft": self.draft,
            "provenance_incomplete": bool(self.provenance_note),
            "provenance_note": self.provenance_note,
        }


def assignment_differs(assignee: str | None, requested: list[dict]) -> bool:
    """Whether the forge requests reviews (``requested``: ``login``, ``member``, as sync read them)
    and none of them from the change's ``assignee`` here."""
    if not assignee or not requested:
        return False
    return assignee.lower() not in {(r.get("member") or "").lower() for r in requested}


def item_from_row(row: dict, verdict: dict | None = None, superseded: dict | None = None) -> QueueItem:
    """Build a :class:`QueueItem` from a decoded ``changes`` row (``verdict``: its current
    verdict; ``superseded``: a verdict given at an earlier head)."""
    return QueueItem(
        id=row["id"],
        title=row["title"],
        author=row["author_login"] or row["author_name"],
        author_email=row["author_email"],
        agent=row["agent"],
        kind=row["kind"],
        tier=row["tier"] or "LOW",
        score=row["score"],
        factors=row["factors"],
        sampled=bool(row["sampled"]),
        findings=row["n_findings"],
        files=row["files"],
        added=row["added"],
        deleted=row["deleted"],
        url=row["url"],
        authored_at=row["authored_at"],
        repo=row["repo"],
        sha=row["sha"],
        source=row["source"],
        evidence=row["evidence"],
        assignee=row.get("assignee"),
        verdict=verdict["verdict"] if verdict else None,
        verdict_note=verdict["note"] if verdict else "",
        reviewer=verdict["reviewer"] if verdict else "",
        sample_rate=row.get("sample_rate"),
        repo_path=row.get("repo_path", ""),
        number=row.get("number"),
        superseded=superseded,
        draft=bool(row.get("draft")),
        provenance_note=row.get("provenance_note") or "",
        given=list(verdict.get("given") or []) if verdict else [],
        conflict=bool(verdict.get("conflict")) if verdict else False,
        requested_on_forge=list(row.get("forge_reviewers") or []),
    )


def order(items: list[QueueItem]) -> list[QueueItem]:
    """Items in queue order."""
    return sorted(items, key=QueueItem.sort_key)


def load_queue(
    store: Store,
    *,
    include_all: bool = False,
    tiers: list[str] | None = None,
    agent: str | None = None,
    reviewer: str | None = None,
    state: str | None = None,
    repo: str | None = None,
    sampled_only: bool = False,
    deep_dive: bool = False,
) -> list[QueueItem]:
    """The ordered queue with filters applied.

    ``state`` is ``unreviewed``, ``updated``, ``draft``, ``reviewed`` or a verdict name; ``reviewer``
    matches the assignee or the reviewer of the latest verdict; ``deep_dive``
    keeps the security deep dive: HIGH and CRITICAL changes plus every sampled one.
    """
    if tiers:
        bad = [t for t in tiers if t.upper() not in TIERS]
        if bad:
            from triage.errors import TriageError

            raise TriageError(f"unknown tier {bad[0]!r}: use one of {', '.join(TIERS)}")
    rows = store.queue_rows(include_all=include_all, tiers=tiers, agent=agent, repo=repo, sampled_only=sampled_only,
                            deep_dive=deep_dive)
    latest = store.latest_verdicts()
    old = store.superseded_verdicts()
    items = [item_from_row(r, latest.get(r["id"]), old.get(r["id"])) for r in rows]
    if reviewer:
        items = [i for i in items if i.assignee == reviewer or i.reviewer == reviewer]
    if state:
        if state == "reviewed":
            items = [i for i in items if i.verdict]
        elif state == "draft":
            items = [i for i in items if i.draft]
        else:  # ``updated`` picks the unreviewed items that had a verdict before new commits
            items = [i for i in items if i.state == state or i.shown_state == state]
    return order(items)
