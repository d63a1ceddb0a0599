"""Provides AI provenance: which agent, if any, wrote a change, and why we think so.

Signals (weights in ``data/provenance.toml``): trailers with a known email or
domain, trailer keys only one agent writes, author/committer emails, bot
logins (including the login inside a ``<id>+<login>@users.noreply.github.com``
address), branch prefixes (a PR's head branch, or the branch named in a merge
commit's message), fixed footers, and forge labels. Display names are never
evidence on their own: a fixed name suffix such as ``(aider)`` weighs less than
the threshold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from triage.models import Change, Evidence, Provenance

_NOREPLY = re.compile(r"^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$", re.I)
_TRAILER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.+)$")
_ANGLE_EMAIL = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_MERGE_BRANCH = [
    re.compile(r"^Merge pull request #\d+ from [^/\s]+/(\S+)"),
    re.compile(r"^Merge (?:remote-tracking )?branch '([^']+)'"),
    re.compile(r"^Merge branch \"([^\"]+)\""),
]


@dataclass
class AgentPattern:
    """The markers of one agent, as read from ``provenance.toml``."""

    id: str
    name: str
    kind: str = "ai"
    trailer_emails: set[str] = field(default_factory=set)
    trailer_domains: set[str] = field(default_factory=set)
    trailer_keys: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    email_domains: set[str] = field(default_factory=set)
    bot_logins: set[str] = field(default_factory=set)
    branch_prefixes: tuple[str, ...] = ()
    footers: tuple[str, ...] = ()
    labels: set[str] = field(default_factory=set)
    name_suffixes: tuple[str, ...] = ()


@dataclass
class ProvenanceRules:
    """All agents plus the signal weights and the attribution threshold."""

    agents: list[AgentPattern]
    weights: dict[str, int]
    threshold: int = 50

    @classmethod
    def from_config(cls, cfg: dict) -> "ProvenanceRules":
        """Build from the merged ``provenance`` configuration table."""
        low = lambda xs: {x.lower() for x in xs}  # noqa: E731
        agents = []
        for a in cfg.get("agents", []):
            agents.append(
                AgentPattern(
                    id=a["id"],
                    name=a.get("name", a["id"]),
                    kind=a.get("kind", "ai"),
                    trailer_emails=low(a.get("trailer_emails", [])),
                    trailer_domains=low(a.get("trailer_domains", [])),
                    trailer_keys=low(a.get("trailer_keys", [])),
                    emails=low(a.get("emails", [])),
                    email_domains=low(a.get("email_domains", [])),
                    bot_logins=low(a.get("bot_logins", [])),
                    branch_prefixes=tuple(p.lower() for p in a.get("branch_prefixes", [])),
                    footers=tuple(a.get("footers", [])),
                    labels=low(a.get("labels", [])),
                    name_suffixes=tuple(a.get("name_suffixes", [])),
                )
            )
        return cls(agents=agents, weights=dict(cfg.get("weights", {})), threshold=int(cfg.get("threshold", 50)))


def parse_trailers(message: str) -> list[tuple[str, str]]:
    """``(key, value)`` pairs from the message's final paragraph of trailers."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    if len(paragraphs) < 2:
        return []
    out = []
    for line in paragraphs[-1].splitlines():
        m = _TRAILER.match(line.strip())
        if m:
            out.append((m.group(1), m.group(2).strip()))
    return out


def merge_branch(message: str) -> str:
    """The source branch named in a merge commit's subject, or ``""``."""
    subject = message.split("\n", 1)[0]
    for pat in _MERGE_BRANCH:
        m = pat.match(subject)
        if m:
            branch = m.group(1)
            return branch[len("origin/"):] if branch.startswith("origin/") else branch
    return ""


def _login_of(email: str) -> str | None:
    m = _NOREPLY.match(email)
    return m.group(1).lower() if m else None


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower() if "@" in email else ""


def detect(change: Change, rules: ProvenanceRules, author_name: str | None = None) -> Provenance:
    """Decide whether ``change`` is AI-, bot- or human-authored, with evidence."""
    w = rules.weights
    evidence: list[Evidence] = []
    trailers = parse_trailers(change.message)
    branch = (change.branch or merge_branch(change.message)).lower()
    # per-commit facts, computed once rather than once per agent
    identities = []
    for role, raw in (("author", change.author_email), ("committer", change.committer_email)):
        email = raw.lower()
        if email:
            identities.append((role, email, _domain(email), _login_of(email) or "\0"))
    logins = {change.author_login.lower()} if change.author_login else set()
    name = author_name if author_name is not None else change.author_name
    labels = {lbl.lower() for lbl in change.labels}
    marks = []
    for key, value in trailers:
        k = key.lower()
        email = ""
        if k in ("co-authored-by", "assisted-by", "generated-by"):
            m = _ANGLE_EMAIL.search(value)
            email = m.group(1).lower() if m else ""
        marks.append((key, value, k, email, _domain(email), _login_of(email) or "\0"))
    for agent in rules.agents:
        for key, value, k, email, domain, login in marks:
            if k in agent.trailer_keys:
                evidence.append(Evidence("trailer-key", agent.id, f"{key}: {value}", w.get("trailer-key", 80)))
            if email and (email in agent.trailer_emails or domain in agent.trailer_domains or login in agent.bot_logins):
                evidence.append(Evidence("trailer", agent.id, f"{key}: {value}", w.get("trailer", 80)))
        for role, email, domain, login in identities:
            if email in agent.emails or domain in agent.email_domains:
                evidence.append(Evidence("email", agent.id, f"{role} email {email}", w.get("email", 90)))
            elif login in agent.bot_logins:
                evidence.append(Evidence("bot-login", agent.id, f"{role} email {email}", w.get("bot-login", 90)))
        for login in logins & agent.bot_logins:
            evidence.append(Evidence("bot-login", agent.id, f"login {login}", w.get("bot-login", 90)))
        if branch:
            for prefix in agent.branch_prefixes:
                if branch.startswith(prefix):
                    evidence.append(Evidence("branch", agent.id, f"branch {branch}", w.get("branch", 75)))
                    break
        for footer in agent.footers:
            if footer in change.message:
                evidence.append(Evidence("footer", agent.id, f"footer {footer!r}", w.get("footer", 75)))
                break
        for label in labels & agent.labels:
            evidence.append(Evidence("label", agent.id, f"label {label}", w.get("label", 60)))
        for suffix in agent.name_suffixes:
            if name.endswith(suffix):
                evidence.append(Evidence("name-suffix", agent.id, f"name ends with {suffix.strip()!r}",
                                         w.get("name-suffix", 30)))
    totals: dict[str, int] = {}
    for ev in evidence:
        totals[ev.agent] = totals.get(ev.agent, 0) + ev.weight
    if not totals:
        return Provenance("human", None, ())
    best = max(sorted(totals), key=lambda a: totals[a])
    if totals[best] < rules.threshold:
        return Provenance("human", None, tuple(evidence))
    kind = next(a.kind for a in rules.agents if a.id == best)
    return Provenance(kind, best, tuple(evidence))
