"""Provides AI provenance: which agent, if any, wrote a change, and why we think so.

Signals (weights in ``data/provenance.toml``): trailers with a known email or
domain, trailer keys only one agent writes, author/committer emails, bot
logins (including the login inside a ``<id>+<login>@users.noreply.github.com``
address), branch prefixes (a PR's head branch, or the branch named in a merge
commit's message), fixed footers, and forge labels. Display names are never
evidence on their own: a fixed name suffix such as ``(aider)`` weighs less than
the threshold.

An AI agent's evidence is never outvoted: when it reaches the threshold the
change is AI-authored even if a bot's identity (author, committer, login) is on
it too, and that conflict is recorded as ``identity-conflict`` evidence, which
raises the risk score. Trailers are read as ``git interpret-trailers --parse``
reads them (:func:`parse_trailers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from triage import settings
from triage.models import Change, Evidence, Provenance
from triage.schema import to_toml_dict

_NOREPLY = re.compile(r"^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$", re.I)
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
    threshold: int

    @classmethod
    def from_config(cls, cfg: settings.Provenance) -> "ProvenanceRules":
        """Build from the configuration's ``[provenance]`` table."""
        low = lambda xs: {x.lower() for x in xs}  # noqa: E731
        agents = []
        for a in cfg.agents:
            agents.append(
                AgentPattern(
                    id=a.id,
                    name=a.name if a.name is not None else a.id,
                    kind=a.kind,
                    trailer_emails=low(a.trailer_emails),
                    trailer_domains=low(a.trailer_domains),
                    trailer_keys=low(a.trailer_keys),
                    emails=low(a.emails),
                    email_domains=low(a.email_domains),
                    bot_logins=low(a.bot_logins),
                    branch_prefixes=tuple(p.lower() for p in a.branch_prefixes),
                    footers=a.footers,
                    labels=low(a.labels),
                    name_suffixes=a.name_suffixes,
                )
            )
        return cls(agents=agents, weights=to_toml_dict(cfg.weights), threshold=cfg.threshold)


_ISSPACE = " \t\n\v\f\r"
"""C's ``isspace`` in the C locale: what git's trailer code calls whitespace."""
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_SCISSORS = "# ------------------------ >8 ------------------------\n"
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


def _split_lines(text: str) -> list[str]:
    """``text`` as lines that keep their ``\n`` (split on ``\n`` only, as git does)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _is_blank(line: str) -> bool:
    return not line.strip(_ISSPACE)


def _separator_at(line: str) -> int:
    """git's ``find_separator``: the index of the ``:`` after a ``[A-Za-z0-9-]+`` key (spaces
    allowed before it), or -1."""
    spaced = False
    for i, c in enumerate(line):
        if c == ":":
            return i
        if not spaced and c in _ALNUM:
            continue
        if i and c in " \t":
            spaced = True
            continue
        break
    return -1


def _log_end(lines: list[str]) -> int:
    """How many lines the log message has: up to a ``---`` divider, without the trailing run of
    comment and empty lines (or an old ``Conflicts:`` block) and anything after a scissors line."""
    end = next((i for i, ln in enumerate(lines) if ln.startswith("---") and ln[3:4] and ln[3] in _ISSPACE),
               len(lines))
    cutoff = next((i for i, ln in enumerate(lines[:end]) if ln == _SCISSORS), end)
    boc, conflicts = 0, False  # 0 means "no run yet", as the offset 0 does in git
    for i, ln in enumerate(lines[:cutoff]):
        if ln.startswith("#") or ln == "\n":
            boc = boc or i
        elif ln == "Conflicts:\n":
            conflicts, boc = True, boc or i
        elif conflicts and ln.startswith("\t"):
            pass
        elif boc:
            boc, conflicts = 0, False
    return boc or cutoff


def _trailer_start(lines: list[str]) -> int:
    """git's ``find_trailer_start``: the first line of the trailer block, or ``len(lines)``.

    The block is the last paragraph after the title, after a blank (or whitespace-only)
    line, when it is all trailers, or holds a git-generated one (``Signed-off-by: ``) and is
    at least a quarter trailers. Indented lines continue the trailer above them.
    """
    end_of_title = next((i for i, ln in enumerate(lines) if not ln.startswith("#") and _is_blank(ln)), len(lines))
    only_spaces, recognized = True, False
    trailer_lines = non_trailer_lines = continuation = 0
    for i in range(len(lines) - 1, end_of_title - 1, -1):
        ln = lines[i]
        if ln.startswith("#"):
            non_trailer_lines += continuation
            continuation = 0
            continue
        if _is_blank(ln):
            if only_spaces:
                continue
            non_trailer_lines += continuation
            if (recognized and trailer_lines * 3 >= non_trailer_lines) or (trailer_lines and not non_trailer_lines):
                return i + 1
            return len(lines)
        only_spaces = False
        if ln.startswith(_GIT_GENERATED):
            trailer_lines += 1
            continuation = 0
            recognized = True
        elif _separator_at(ln) >= 1 and ln[0] not in _ISSPACE:
            trailer_lines += 1
            continuation = 0
        elif ln[0] in _ISSPACE:
            continuation += 1
        else:
            non_trailer_lines += 1 + continuation
            continuation = 0
    return len(lines)


def _unfold(value: str) -> str:
    """git's ``unfold_value``: each newline and the whitespace after it become one space."""
    out, i = [], 0
    while i < len(value):
        c = value[i]
        i += 1
        if c == "\n":
            while i < len(value) and value[i] in _ISSPACE:
                i += 1
            out.append(" ")
        else:
            out.append(c)
    return "".join(out).strip(_ISSPACE)


def parse_trailers(message: str) -> list[tuple[str, str]]:
    """``(key, value)`` pairs of the message's trailer block, as ``git interpret-trailers --parse``
    finds them: CRLF line ends and whitespace-only separator lines count as git counts them,
    continuation lines are unfolded, comment lines skipped."""
    lines = _split_lines(message)
    lines = lines[:_log_end(lines)]
    entries: list[str] = []
    last_is_trailer = False
    for ln in lines[_trailer_start(lines):]:
        if last_is_trailer and ln[0] in _ISSPACE:
            entries[-1] += ln
            continue
        entries.append(ln)
        last_is_trailer = _separator_at(ln) >= 1
    out = []
    for entry in entries:
        if entry.startswith("#"):
            continue
        sep = _separator_at(entry)
        if sep >= 1:
            out.append((entry[:sep].strip(_ISSPACE), _unfold(entry[sep + 1:].strip(_ISSPACE))))
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
                evidence.append(Evidence("trailer-key", agent.id, f"{key}: {value}", w["trailer-key"]))
            if email and (email in agent.trailer_emails or domain in agent.trailer_domains or login in agent.bot_logins):
                evidence.append(Evidence("trailer", agent.id, f"{key}: {value}", w["trailer"]))
        for role, email, domain, login in identities:
            if email in agent.emails or domain in agent.email_domains:
                evidence.append(Evidence("email", agent.id, f"{role} email {email}", w["email"]))
            elif login in agent.bot_logins:
                evidence.append(Evidence("bot-login", agent.id, f"{role} email {email}", w["bot-login"]))
        for login in logins & agent.bot_logins:
            evidence.append(Evidence("bot-login", agent.id, f"login {login}", w["bot-login"]))
        if branch:
            for prefix in agent.branch_prefixes:
                if branch.startswith(prefix):
                    evidence.append(Evidence("branch", agent.id, f"branch {branch}", w["branch"]))
                    break
        for footer in agent.footers:
            if footer in change.message:
                evidence.append(Evidence("footer", agent.id, f"footer {footer!r}", w["footer"]))
                break
        for label in labels & agent.labels:
            evidence.append(Evidence("label", agent.id, f"label {label}", w["label"]))
        for suffix in agent.name_suffixes:
            if name.endswith(suffix):
                evidence.append(Evidence("name-suffix", agent.id, f"name ends with {suffix.strip()!r}",
                                         w["name-suffix"]))
    return _decide(rules, evidence)


def _decide(rules: ProvenanceRules, evidence: list[Evidence]) -> Provenance:
    """Attribute the change from its evidence. An AI agent whose total reaches the threshold wins
    whatever else is there: a bot's identity on the same change never cancels an agent's marks
    (authors choose their identity); it is added as ``identity-conflict`` evidence instead."""
    totals: dict[str, int] = {}
    for ev in evidence:
        totals[ev.agent] = totals.get(ev.agent, 0) + ev.weight
    if not totals:
        return Provenance("human", None, ())
    kinds = {a.id: a.kind for a in rules.agents}
    ai = sorted((a for a in totals if kinds.get(a) == "ai"), key=lambda a: (-totals[a], a))
    if ai and totals[ai[0]] >= rules.threshold:
        agent = ai[0]
        others = sorted((a for a in totals if kinds.get(a) != "ai" and totals[a] >= rules.threshold),
                        key=lambda a: (-totals[a], a))
        if others:
            mark = next(e for e in evidence if e.agent == agent)
            disguise = next(e for e in evidence if e.agent == others[0])
            evidence = [*evidence, Evidence(
                "identity-conflict", others[0],
                f"{agent} evidence ({mark.detail}) under the {kinds.get(others[0], 'bot')} identity {others[0]} "
                f"({disguise.detail}): still AI-authored", 0)]
        return Provenance("ai", agent, tuple(evidence))
    best = min(totals, key=lambda a: (-totals[a], a))
    if totals[best] < rules.threshold:
        return Provenance("human", None, tuple(evidence))
    return Provenance(kinds.get(best, "ai"), best, tuple(evidence))
