"""Provides the messages workers post back to the screens (past-tense events).

Workers run in threads, each with its own Store and Repository, and never
touch a widget: they post one of these (``post_message`` is thread-safe) and
the screen's handler updates the widgets on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from triage.models import FileDiff
from triage.review.layout import DiffLayout
from triage.review.queue import QueueFilter, QueueStats


@dataclass
class QueueLoaded(Message, bubble=False):
    """The queue was read from the store."""

    items: list
    filter: QueueFilter
    facets: dict[str, list[str]]
    select: str | None = None
    to_push: int = 0
    """Forge posts waiting for ``triage push``."""
    reviewer_known: bool = True
    """The reviewer's name is already in the store (else the app says once who they review as)."""


@dataclass
class ChangeLoaded(Message, bubble=False):
    """A change's row, findings, checklist answers and viewed files were read (the diff follows)."""

    change_id: str
    row: dict
    findings: list[dict]
    answers: dict[str, dict]
    viewed: set[str] = field(default_factory=set)


@dataclass
class DiffLoaded(Message, bubble=False):
    """A change's diff was loaded and laid out."""

    change_id: str
    files: list[FileDiff]
    layout: DiffLayout
    hidden: list[int]
    seconds: float = 0.0


@dataclass
class DiffFailed(Message, bubble=False):
    """A change's diff could not be loaded; ``error`` is untrusted text."""

    change_id: str
    error: str


@dataclass
class VerdictRecorded(Message, bubble=False):
    """A verdict was appended to the store."""

    change_id: str
    verdict: str
    note: str
    verdict_id: str
    seconds: float | None = None
    extra: str = ""
    """The team rules' one-line outcome, e.g. "assigned to carol (security)" (untrusted names inside)."""
    one_key: bool = False
    """Recorded by the Queue's one-key approve (``u`` undoes it within the session)."""


@dataclass
class VerdictWithdrawn(Message, bubble=False):
    """A one-key approve was undone: a superseding ``withdrawn`` verdict was appended.
    ``posted``: posts of the undone verdict a push had already tried (they may be on the forge)."""

    change_id: str
    verdict: str
    posted: int = 0


@dataclass
class VerdictRefused(Message, bubble=False):
    """A verdict was not recorded: the team rules refused it (deep dive) or the store failed; one line."""

    change_id: str
    verdict: str
    error: str


@dataclass
class ApprovalChecked(Message, bubble=False):
    """The approval check ran on a queue item before a verdict (``intent``: ``approve`` for the
    one-key approve, ``verdict`` for the form); ``blocked``: its open security items (deep dive)."""

    item: object
    intent: str
    concerns: list[str]
    blocked: list[dict] = field(default_factory=list)


@dataclass
class ChecklistAnswered(Message, bubble=False):
    """A checklist answer was appended to the store."""

    change_id: str
    item_id: str
    answer: str
    note: str


@dataclass
class StatsLoaded(Message, bubble=False):
    """The stats were computed."""

    stats: QueueStats
    extra: dict = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    """The control-effectiveness report of :func:`triage.controls.compute`."""


@dataclass
class DigestLoaded(Message, bubble=False):
    """The digest of :func:`triage.digest.build` was gathered; ``first`` is true for a first digest."""

    digest: dict
    first: bool = False


@dataclass
class DigestMarked(Message, bubble=False):
    """The digest was marked read up to ``until`` (the next one starts there)."""

    until: float


@dataclass
class RosterLoaded(Message, bubble=False):
    """The ``[team]`` roster was read for a hand-over of ``change_id``."""

    change_id: str
    row: dict
    members: list
    assignee: str | None


@dataclass
class HandedOver(Message, bubble=False):
    """A change was handed over to ``reviewer`` (from ``previous``, if anyone)."""

    change_id: str
    reviewer: str
    previous: str | None


@dataclass
class HandoverFailed(Message, bubble=False):
    """A hand-over was refused or failed; ``error`` is a one-line, untrusted message."""

    change_id: str
    error: str


@dataclass
class StoreFailed(Message, bubble=False):
    """A store read or write failed; ``error`` is untrusted text."""

    action: str
    error: str


@dataclass
class LayoutBuilt(Message, bubble=False):
    """The diff was laid out again (unified or side by side); ``anchor`` is the row to keep the cursor on."""

    change_id: str
    layout: DiffLayout
    anchor: int


@dataclass
class LinksLoaded(Message, bubble=False):
    """A change's id, sha and web address were read and checked (:func:`triage.links.change_links`);
    ``purpose`` is ``open`` (the browser) or ``copy``. ``osc52``: the user's config lets the app copy."""

    change_id: str
    purpose: str
    links: list
    osc52: bool = False
    problem: str = ""
    """Why the clipboard setting could not be read (one line naming the file)."""


@dataclass
class BrowserOpened(Message, bubble=False):
    """A web browser was asked to open ``url``; ``ok`` is false when none could."""

    url: str
    ok: bool
