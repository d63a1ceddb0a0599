"""Provides the plain data records that flow through the pipeline.

Every stage (sources, provenance, diff, analyze, risk, sampling, queue, store)
speaks in these types, so each stage can be tested alone. Nothing here does IO.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TIERS: tuple[str, ...] = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
"""Risk tiers, lowest first."""

TIER_RANK: dict[str, int] = {t: i for i, t in enumerate(TIERS)}
"""Tier name -> rank (CRITICAL is the highest)."""

SERIOUS_TIERS: frozenset[str] = frozenset({"HIGH", "CRITICAL"})
"""The tiers that always get the security deep dive and go to the security group."""

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
"""Finding severities, lowest first."""

VERDICTS: tuple[str, ...] = ("approve", "needs-fix", "revert", "escalate")
"""The verdicts a reviewer can record."""

WITHDRAWN = "withdrawn"
"""What an undone verdict is superseded by (:meth:`triage.store.Store.withdraw_verdict`): the
change is unreviewed again, and its history keeps both rows."""


def db_text(text: str) -> str:
    """Make a str that may hold surrogate escapes storable as SQLite TEXT (``\\xe9`` form)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# --------------------------------------------------------------------------- diff


@dataclass(slots=True)
class DiffLine:
    """One line of a hunk.

    ``origin`` is ``"+"`` (added), ``"-"`` (deleted), ``" "`` (context) or
    ``"\\"`` (a "no newline at end of file" marker; ``raw`` is then empty).
    ``raw`` holds the line's bytes without the trailing ``\\n`` (a ``\\r`` from
    CRLF is kept, so the difference stays visible).
    """

    origin: str
    raw: bytes
    old_no: int | None = None
    new_no: int | None = None

    @property
    def text(self) -> str:
        """The line decoded as UTF-8; undecodable bytes become U+FFFD."""
        return self.raw.decode("utf-8", errors="replace")


@dataclass(slots=True)
class Hunk:
    """A hunk: its header numbers and its lines."""

    old_start: int
    old_lines: int
    new_start: int
    new_lines: int
    header: str = ""
    lines: list[DiffLine] = field(default_factory=list)


@dataclass(slots=True)
class FileDiff:
    """The change to one file.

    Paths are kept twice: ``*_raw_path`` holds the exact bytes git stores,
    ``*_path`` a str decoded with ``surrogateescape`` (lossless, but must be
    passed through :func:`triage.sanitize.display` before it is shown).
    ``status`` is one of ``A`` added, ``D`` deleted, ``M`` modified,
    ``R`` renamed, ``C`` copied, ``T`` type change.
    """

    status: str
    old_path: str | None
    new_path: str | None
    old_raw_path: bytes | None = None
    new_raw_path: bytes | None = None
    old_mode: int = 0
    new_mode: int = 0
    similarity: int = 0
    is_binary: bool = False
    binary_reason: str = ""  # "content" | "gitattributes" | "forge" | ""
    old_size: int = 0
    new_size: int = 0
    old_oid: str = ""
    new_oid: str = ""
    hunks: list[Hunk] = field(default_factory=list)
    added: int = 0
    deleted: int = 0
    truncated: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The path a reviewer knows this file by (the new one, else the old)."""
        return self.new_path if self.new_path is not None else (self.old_path or "")

    @property
    def raw_path(self) -> bytes:
        """The raw bytes of :attr:`path`."""
        if self.new_raw_path is not None:
            return self.new_raw_path
        return self.old_raw_path or b""

    @property
    def is_submodule(self) -> bool:
        """True when either side is a gitlink (mode 160000)."""
        return 0o160000 in (self.old_mode, self.new_mode)

    @property
    def is_symlink(self) -> bool:
        """True when either side is a symbolic link (mode 120000)."""
        return 0o120000 in (self.old_mode, self.new_mode)

    def added_line_numbers(self) -> set[int]:
        """1-based post-image line numbers of the added lines."""
        return {
            ln.new_no
            for h in self.hunks
            for ln in h.lines
            if ln.origin == "+" and ln.new_no is not None
        }


# ----------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's observation on an added line.

    ``suppressed`` means a ``triage: ignore[...]`` comment that was there before
    the change silences it (``suppressed_by="existing"``). A comment the change
    itself adds silences nothing: the finding counts, with ``suppressed_by="change"``; nor does an
    existing comment above a line the change inserted (``suppressed_by="inserted"``).
    """

    rule: str
    severity: str
    path: str
    line: int
    message: str
    question: str
    suppressed: bool = False
    suppressed_by: str = ""  # "" | "existing" | "change" | "inserted"; "unknown" for rows stored before these

    def to_dict(self) -> dict:
        """The JSON shape used by ``triage show --json``."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "question": self.question,
            "suppressed": self.suppressed,
            "suppressed_by": self.suppressed_by,
        }


SUPPRESSION_ADDED_NOTE = "suppression added by this change: it still counts"
SUPPRESSION_EXISTING_NOTE = "suppressed by a comment that was there before this change"
SUPPRESSION_DISPLACED_NOTE = "a new line inserted under an existing suppression comment: it still counts"


def suppression_note(finding: dict) -> str:
    """What a finding's ``triage: ignore`` comment did, for people (``""`` when there is none)."""
    by = finding.get("suppressed_by") or ""
    if by == "change":
        return SUPPRESSION_ADDED_NOTE
    if by == "inserted":
        return SUPPRESSION_DISPLACED_NOTE
    if not finding.get("suppressed"):
        return ""
    if by == "existing":
        return SUPPRESSION_EXISTING_NOTE
    return "suppressed by a comment (recorded before triage told who added it)"


# -------------------------------------------------------------------- provenance


@dataclass(frozen=True, slots=True)
class Evidence:
    """One signal behind a provenance decision, e.g. a trailer or a bot email."""

    signal: str  # "trailer" | "trailer-key" | "email" | "bot-login" | "branch" | "footer" | "label" | "name-suffix"
    #              | "identity-conflict" (AI evidence under a bot's identity; weight 0)
    agent: str
    detail: str
    weight: int

    def to_dict(self) -> dict:
        return {"signal": self.signal, "agent": self.agent, "detail": self.detail, "weight": self.weight}


@dataclass(frozen=True, slots=True)
class Provenance:
    """Who (or what) wrote a change: ``kind`` is ``ai``, ``bot`` or ``human``."""

    kind: str
    agent: str | None
    evidence: tuple[Evidence, ...] = ()

    @property
    def is_ai(self) -> bool:
        return self.kind == "ai"


# -------------------------------------------------------------------------- risk


@dataclass(frozen=True, slots=True)
class Factor:
    """One weighted reason behind a risk score."""

    name: str
    points: float
    detail: str

    def to_dict(self) -> dict:
        return {"name": self.name, "points": round(self.points, 2), "detail": self.detail}


@dataclass(frozen=True, slots=True)
class RiskScore:
    """A score, its tier and the factors that add up to it."""

    score: float
    tier: str
    factors: tuple[Factor, ...]


# ----------------------------------------------------------------------- changes


@dataclass(slots=True)
class Change:
    """A change under review: a commit or a pull/merge request.

    ``id`` is stable: ``git:<repo>:<sha>`` or ``<forge>:<owner>/<repo>#<number>``.
    """

    id: str
    source: str  # "git" | "github" | "gitea" | "gitlab"
    repo: str
    sha: str
    title: str
    message: str
    author_name: str
    author_email: str
    committer_email: str
    authored_at: int  # unix seconds
    parents: tuple[str, ...] = ()
    branch: str = ""
    labels: tuple[str, ...] = ()
    url: str = ""
    number: int | None = None
    state: str = "merged"  # "merged" | "open"
    author_login: str = ""
    files: list[FileDiff] = field(default_factory=list)
    draft: bool = False
    """An open pull request its author marked as a draft (not ready for review)."""
    provenance_note: str = ""
    """Why the provenance signals are incomplete (e.g. the forge listed only part of the
    commits); empty when every signal was read."""

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def deleted(self) -> int:
        return sum(f.deleted for f in self.files)
