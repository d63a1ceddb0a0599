"""Provides the configuration schema: every table and key triage reads, its type and allowed range.

The values themselves live in the shipped ``data/rules.toml`` and ``data/provenance.toml``
(the only place defaults are written) and in the reviewer's own file; :mod:`triage.config`
checks each file against :class:`Config` (see :mod:`triage.schema`) and builds it. Code reads
typed attributes (``cfg.risk.thresholds.HIGH``), never ``.get(key, default)``.

Only entries of arrays of tables (``[[provenance.agents]]``, ``[team] members``) have keys
that may be left out: a list left out is empty, an agent's ``kind`` is ``"ai"``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache

from triage.models import SEVERITIES, TIERS
from triage.paths import data_file
from triage.schema import spec

AGENT_KINDS = ("ai", "bot", "human")

_POINTS = spec(lo=0)
_TIER = spec(choices=TIERS)
_RATE = spec(lo=0, hi=1)


@cache
def rule_ids() -> list[str]:
    """Every known rule id (what ``[rules]`` and ``[risk.floors]`` may name), as data: the shipped
    ``data/rule_ids.toml``, which the rules' own registry is tested against (the rules read the
    configuration, so the configuration does not import them)."""
    return list(tomllib.loads(data_file("rule_ids.toml").read_text(encoding="utf-8"))["ids"])


_RULE = spec(choices=rule_ids, what="an array of rule ids (as `triage show` names them)")


@dataclass(frozen=True)
class Thresholds:
    """``[risk.thresholds]``: the score at which a change reaches each tier (below MEDIUM is LOW)."""

    MEDIUM: float = field(metadata=_POINTS)
    HIGH: float = field(metadata=_POINTS)
    CRITICAL: float = field(metadata=_POINTS)

    def of(self, tier: str) -> float:
        """The threshold of ``tier`` (MEDIUM, HIGH or CRITICAL)."""
        return getattr(self, tier)


@dataclass(frozen=True)
class SeverityPoints:
    """``[risk.severity_points]``: points per unsuppressed finding, by severity."""

    info: float = field(metadata=_POINTS)
    low: float = field(metadata=_POINTS)
    medium: float = field(metadata=_POINTS)
    high: float = field(metadata=_POINTS)
    critical: float = field(metadata=_POINTS)

    def of(self, severity: str) -> float:
        """Points of a finding of ``severity`` (0 for a severity triage does not know)."""
        return getattr(self, severity, 0.0) if severity in SEVERITIES else 0.0


@dataclass(frozen=True)
class SizeBand:
    """One ``[[risk.size]]`` band: ``points`` once ``lines`` lines are changed."""

    lines: int = field(metadata=spec(lo=0))
    points: float = field(metadata=_POINTS)


@dataclass(frozen=True)
class PathCategory:
    """One ``[[risk.paths]]`` category of sensitive paths (a regular expression on the lower-cased path)."""

    category: str = field(metadata=spec(nonempty=True))
    pattern: str = field(metadata=spec(regex=True))
    points: float = field(metadata=_POINTS)


@dataclass(frozen=True)
class ReviewConfig:
    """``[risk.review_config]``: files that configure CI or the review itself."""

    points: float = field(metadata=_POINTS)
    floor: str = field(metadata=_TIER)
    patterns: tuple[str, ...] = field(metadata=spec(regex=True))


@dataclass(frozen=True)
class Manifests:
    """``[risk.manifests]``: the file names that count as dependency manifests."""

    names: tuple[str, ...]
    requirements_prefix: str


@dataclass(frozen=True)
class Risk:
    """``[risk]``: the weights of every factor and the floors."""

    thresholds: Thresholds
    severity_points: SeverityPoints
    findings_cap: float = field(metadata=_POINTS)
    ai_authored: float = field(metadata=_POINTS)
    bot_authored: float = field(metadata=_POINTS)
    no_tests: float = field(metadata=_POINTS)
    manifest: float = field(metadata=_POINTS)
    gitattributes: float = field(metadata=_POINTS)
    binary: float = field(metadata=_POINTS)
    merge_commit: float = field(metadata=_POINTS)
    incomplete: float = field(metadata=_POINTS)
    incomplete_floor: str = field(metadata=_TIER)
    many_files: float = field(metadata=_POINTS)
    many_files_threshold: int = field(metadata=spec(lo=0))
    suppression_added: float = field(metadata=_POINTS)
    suppression_floor: str = field(metadata=_TIER)
    identity_conflict: float = field(metadata=_POINTS)
    size: tuple[SizeBand, ...]
    paths: tuple[PathCategory, ...]
    paths_replace: bool
    review_config: ReviewConfig
    manifests: Manifests
    floors: dict[str, str] = field(metadata=spec(keys=rule_ids, choices=TIERS, keys_what="a rule id"))


@dataclass(frozen=True)
class Rates:
    """``[sampling.rates]``: the probability that a change of each tier is drawn for a deep dive."""

    LOW: float = field(metadata=_RATE)
    MEDIUM: float = field(metadata=_RATE)
    HIGH: float = field(metadata=_RATE)
    CRITICAL: float = field(metadata=_RATE)

    def of(self, tier: str) -> float:
        """The rate of ``tier``."""
        return getattr(self, tier)


@dataclass(frozen=True)
class Sampling:
    """``[sampling]``: the deep-dive draw."""

    period: str
    rates: Rates
    secret: str | None = None
    """Unset: ``TRIAGE_SAMPLING_SECRET``, else a kept random one (see :mod:`triage.sampling`)."""


@dataclass(frozen=True)
class Rules:
    """``[rules]``: which rules run."""

    disabled: tuple[str, ...] = field(metadata=_RULE)
    off_by_default: tuple[str, ...] = field(metadata=_RULE)
    enabled: tuple[str, ...] = field(metadata=_RULE)

    def not_run(self) -> set[str]:
        """The rules not to run: ``disabled``, and ``off_by_default`` unless ``enabled`` names them."""
        return set(self.disabled) | (set(self.off_by_default) - set(self.enabled))


@dataclass(frozen=True)
class Gate:
    """``[gate]``: what ``triage gate``'s exit codes mean."""

    auto_merge: tuple[str, ...] = field(metadata=_TIER)
    blocked: tuple[str, ...] = field(metadata=_TIER)
    hold_sampled: bool


@dataclass(frozen=True)
class Trust:
    """``[trust]``: where a repository's ``.triage.toml`` is read from."""

    ref: str | None = None
    """Unset: the remote's default branch (``origin/HEAD``); ``""``: no repository config."""


@dataclass(frozen=True)
class Forge:
    """``[forge]``: syncing pull requests."""

    review_label: str = field(metadata=spec(nonempty=True))


@dataclass(frozen=True)
class Weights:
    """``[provenance.weights]``: what each kind of evidence adds to the agent it names."""

    trailer: int = field(metadata=_POINTS)
    trailer_key: int = field(metadata=spec(lo=0, name="trailer-key"))
    email: int = field(metadata=_POINTS)
    bot_login: int = field(metadata=spec(lo=0, name="bot-login"))
    branch: int = field(metadata=_POINTS)
    footer: int = field(metadata=_POINTS)
    label: int = field(metadata=_POINTS)
    name_suffix: int = field(metadata=spec(lo=0, name="name-suffix"))


@dataclass(frozen=True)
class Agent:
    """One ``[[provenance.agents]]`` entry: the marks of an AI agent or bot."""

    id: str = field(metadata=spec(nonempty=True))
    name: str | None = None
    kind: str = field(default="ai", metadata=spec(choices=AGENT_KINDS))
    trailer_emails: tuple[str, ...] = ()
    trailer_domains: tuple[str, ...] = ()
    trailer_keys: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    email_domains: tuple[str, ...] = ()
    bot_logins: tuple[str, ...] = ()
    branch_prefixes: tuple[str, ...] = ()
    footers: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    name_suffixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """``[provenance]`` (``data/provenance.toml``): how AI- and bot-authored changes are recognised."""

    threshold: int = field(metadata=spec(lo=1))
    weights: Weights
    agents: tuple[Agent, ...]


@dataclass(frozen=True)
class Member:
    """One ``[team] members`` entry (a bare name is a member with no emails or logins)."""

    name: str = field(metadata=spec(nonempty=True))
    emails: tuple[str, ...] = field(default=(), metadata=spec(one_or_list=True))
    logins: tuple[str, ...] = field(default=(), metadata=spec(one_or_list=True))


@dataclass(frozen=True)
class Team:
    """``[team]``: the reviewer rotation."""

    members: tuple[str | Member, ...]
    security: tuple[str, ...] = field(metadata=spec(one_or_list=True))
    capacity: dict[str, int] = field(metadata=spec(lo=0))


@dataclass(frozen=True)
class Git:
    """``[git]``: local repositories."""

    ids: dict[str, str]
    """Clone path or remote URL -> the repository key in change ids (see :func:`triage.git.repo_key`)."""


@dataclass(frozen=True)
class Clipboard:
    """``[clipboard]``: whether ``y`` may copy through the terminal (OSC 52)."""

    osc52: bool


@dataclass(frozen=True)
class Environment:
    """``[environment]``: installed packages ``hallucinated-api`` checks imports against."""

    paths: tuple[str, ...] = field(metadata=spec(one_or_list=True))


@dataclass(frozen=True)
class Config:
    """The whole configuration: the shipped defaults, the reviewer's file and what a repository may add."""

    risk: Risk
    sampling: Sampling
    rules: Rules
    gate: Gate
    trust: Trust
    forge: Forge
    provenance: Provenance
    team: Team
    keymap: dict[str, str]
    git: Git
    clipboard: Clipboard
    environment: Environment
    external: tuple = field(default=(), metadata=spec(internal=True))
    """Other analyzers' results (``--sarif``) for the ``external-finding`` rule: never from a file."""
    repo_layer: "RepoLayer | None" = field(default=None, metadata=spec(internal=True))
    """What the repository's ``.triage.toml`` added, if anything (see :func:`triage.config.config_for_change`)."""


@dataclass(frozen=True)
class RepoLayer:
    """Where the repository's additions came from, and the configuration without them."""

    where: str
    blob: str
    without: Config
