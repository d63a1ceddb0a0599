"""Provides risk scoring: explained, weighted factors mapped to a tier.

Every point comes from a :class:`~triage.models.Factor` naming its reason, so
a reviewer can see why a change is CRITICAL, and tune the weights in
``data/rules.toml`` or their own config (a repository's ``.triage.toml`` can only
add sensitive paths; see :mod:`triage.config`).

Three factors exist because the change under review is untrusted: an edit to CI
or review configuration (``.triage.toml``, workflows, CODEOWNERS…), a
``triage: ignore[...]`` comment the change adds, and an AI agent's marks under a
bot's identity. The first two lift the tier to at least HIGH (by default); the
third adds points.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from triage.models import TIER_RANK, TIERS, Factor, FileDiff, Finding, Provenance, RiskScore
from triage.settings import ReviewConfig, Risk, Thresholds

_TEST_PATH = re.compile(r"(^|/)(tests?|spec|__tests__)(/|$)|(^|/)test_[^/]*$|_test\.[a-z]+$|\.(test|spec)\.[jt]sx?$")
_DOC_PATH = re.compile(r"\.(md|rst|txt|adoc)$|(^|/)docs?/|(^|/)(license|changelog|authors)[^/]*$", re.I)


def is_test_path(path: str) -> bool:
    """True for files that look like tests."""
    return bool(_TEST_PATH.search(path.lower()))


def is_source_path(path: str) -> bool:
    """True for files that are neither tests nor documentation."""
    return not is_test_path(path) and not _DOC_PATH.search(path)


INCOMPLETE_NOTES = ("could not diff", "a blob is missing", "review incomplete", "too large to diff")
"""File notes meaning part of the change could not be read: nobody can review what is not shown."""


def is_incomplete(f: FileDiff) -> bool:
    """True when some of this file's change could not be read or shown."""
    return any(n.startswith(INCOMPLETE_NOTES) or "review incomplete" in n for n in f.notes)


@lru_cache(maxsize=64)
def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _review_config_edits(files, table: ReviewConfig) -> list[str]:
    """Paths (old or new) of the files that configure CI or review, by ``[risk.review_config] patterns``."""
    patterns = [_compile(p) for p in table.patterns]
    out = []
    for f in files:
        for p in dict.fromkeys(x for x in (f.path, f.old_path) if x):
            if any(pat.search(p.lower()) for pat in patterns):
                out.append(p)
                break
    return out


@dataclass(frozen=True)
class RiskInput:
    """What the scorer needs to know about a change."""

    files: tuple[FileDiff, ...]
    findings: tuple[Finding, ...]
    provenance: Provenance
    is_merge: bool = False
    suppressions: tuple[tuple[str, int], ...] = ()
    """``(path, line)`` of every ``triage: ignore[...]`` comment on a line the change adds."""


def tier_for(score: float, thresholds: Thresholds) -> str:
    """The tier a score reaches under ``thresholds`` (MEDIUM/HIGH/CRITICAL)."""
    tier = "LOW"
    for name in TIERS[1:]:
        if score >= thresholds.of(name):
            tier = name
    return tier


def score_change(inp: RiskInput, r: Risk) -> RiskScore:
    """Score a change under the ``[risk]`` configuration table."""
    factors: list[Factor] = []
    paths = [f.path for f in inp.files]
    lower = [p.lower() for p in paths]

    for cat in r.paths:
        pat = _compile(cat.pattern)
        hits = [p for p, lp in zip(paths, lower) if pat.search(lp)]
        if hits:
            more = f" (+{len(hits) - 1} more)" if len(hits) > 1 else ""
            factors.append(Factor(f"path:{cat.category}", cat.points, f"touches {hits[0]}{more}"))

    changed = sum(f.added + f.deleted for f in inp.files)
    size_points, size_band = 0, 0
    for band in r.size:
        if changed >= band.lines and band.points >= size_points:
            size_points, size_band = band.points, band.lines
    if size_points:
        factors.append(Factor("size", size_points, f"{changed} lines changed (≥ {size_band})"))
    if len(inp.files) > r.many_files_threshold:
        factors.append(Factor("many-files", r.many_files, f"{len(inp.files)} files touched"))

    sev_points = r.severity_points
    active = [f for f in inp.findings if not f.suppressed]
    per_rule: Counter = Counter()
    rule_sev: dict[str, str] = {}
    for f in active:
        per_rule[f.rule] += 1
        rule_sev[f.rule] = f.severity
    finding_total = 0.0
    finding_factors = []
    for rule, n in sorted(per_rule.items(), key=lambda kv: (-sev_points.of(rule_sev[kv[0]]), kv[0])):
        pts = sev_points.of(rule_sev[rule]) * n
        finding_total += pts
        finding_factors.append(Factor(f"finding:{rule}", pts, f"{n} × {rule_sev[rule]}"))
    cap = r.findings_cap
    if finding_total > cap:
        # Keep every factor visible but scale the points so the total is the cap.
        scale = cap / finding_total
        finding_factors = [Factor(f.name, f.points * scale, f.detail + f" (scaled to the {cap:g} cap)")
                           for f in finding_factors]
    factors.extend(x for x in finding_factors if x.points or x.detail)

    sources = [p for p in paths if is_source_path(p)]
    if sources and not any(is_test_path(p) for p in paths):
        factors.append(Factor("no-tests", r.no_tests, f"{len(sources)} source file(s), no test touched"))

    names = set(r.manifests.names)
    req = r.manifests.requirements_prefix
    manifests = [p for p, lp in zip(paths, lower) if lp.rsplit("/", 1)[-1] in names
                 or (lp.rsplit("/", 1)[-1].startswith(req) and lp.endswith(".txt"))]
    if manifests:
        factors.append(Factor("dependencies", r.manifest, f"edits {manifests[0]}"))
    if any(lp.rsplit("/", 1)[-1] == ".gitattributes" for lp in lower):
        factors.append(Factor("gitattributes", r.gitattributes, ".gitattributes changed: it can hide diffs"))
    binaries = [f.path for f in inp.files if f.is_binary]
    if binaries:
        factors.append(Factor("binary", r.binary, f"{len(binaries)} binary file(s), e.g. {binaries[0]}"))
    unreadable = [f.path for f in inp.files if is_incomplete(f)]
    if unreadable:
        factors.append(Factor("incomplete", r.incomplete,
                              f"{len(unreadable)} file(s) could not be fully read, e.g. {unreadable[0]}"))
    if inp.provenance.kind == "ai":
        factors.append(Factor("provenance", r.ai_authored, f"AI-authored ({inp.provenance.agent})"))
    elif inp.provenance.kind == "bot":
        factors.append(Factor("provenance", r.bot_authored, f"bot-authored ({inp.provenance.agent})"))
    if inp.is_merge:
        factors.append(Factor("merge", r.merge_commit, "merge commit, diffed against its first parent"))
    conflict = next((e for e in inp.provenance.evidence if e.signal == "identity-conflict"), None)
    if conflict is not None:
        factors.append(Factor("identity-conflict", r.identity_conflict, conflict.detail))
    review_edits = _review_config_edits(inp.files, r.review_config)
    if review_edits:
        more = f" (+{len(review_edits) - 1} more)" if len(review_edits) > 1 else ""
        factors.append(Factor("review-config", r.review_config.points,
                              f"edits CI or review configuration: {review_edits[0]}{more}"))
    if inp.suppressions:
        (spath, sline), n = inp.suppressions[0], len(inp.suppressions)
        more = f" (+{n - 1} more)" if n > 1 else ""
        factors.append(Factor("suppression-added", r.suppression_added,
                              f"adds a triage: ignore comment at {spath}:{sline}{more}; "
                              "a suppression added by the change does not silence its findings"))

    factors = [f for f in factors if f.points]
    score = round(sum(f.points for f in factors), 2)
    tier = tier_for(score, r.thresholds)
    floor = r.incomplete_floor
    if unreadable and TIER_RANK[floor] > TIER_RANK[tier]:
        factors.append(Factor("floor:incomplete", 0, f"an incompletely read change is at least {floor}"))
        tier = floor
    for name, present, floor, what in (
        ("review-config", review_edits, r.review_config.floor,
         "an edit to CI or review configuration"),
        ("suppression-added", inp.suppressions, r.suppression_floor,
         "a suppression comment the change adds"),
    ):
        if present and TIER_RANK[floor] > TIER_RANK[tier]:
            factors.append(Factor(f"floor:{name}", 0, f"{what} lifts the tier to at least {floor}"))
            tier = floor
    floors = r.floors
    for rule in sorted(per_rule):
        floor = floors.get(rule)
        if floor and TIER_RANK[floor] > TIER_RANK[tier]:
            factors.append(Factor(f"floor:{rule}", 0, f"a {rule} finding lifts the tier to at least {floor}"))
            tier = floor
    return RiskScore(score=score, tier=tier, factors=tuple(factors))
