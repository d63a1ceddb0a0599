"""Provides the source-independent middle of the pipeline.

Given a :class:`~triage.models.Change` whose files are already diffed, and read
access to the tree at that commit, :func:`assess` runs analysis, risk scoring,
sampling and checklist selection, and returns the row the store keeps. Local
git ingest and forge sync both call it, so a change is judged the same way
whatever its source.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from triage.models import db_text
from triage.models import TIER_RANK, Change, FileDiff, Finding, Provenance, RiskScore
from triage.risk import RiskInput, score_change
from triage.rules import RepoContext, SourceFile, added_suppressions, analyze, generated, release, unparsed
from triage.sampling import draw, sample_key
from triage.settings import Config


@dataclass
class Assessment:
    """Everything the pipeline concluded about one change."""

    change: Change
    provenance: Provenance
    findings: list[Finding]
    risk: RiskScore
    sampled: bool
    sample_u: float
    sample_rate: float
    checklist: list[dict]


def source_files(files: list[FileDiff], read_new) -> list[SourceFile]:
    """Rule inputs for the text files of a change that gained lines.

    ``read_new(file)`` returns the post-image bytes of a file, or None.
    """
    out = []
    for f in files:
        if f.is_binary or f.new_path is None or f.status == "D" or f.is_submodule or f.is_symlink:
            continue
        added = frozenset(f.added_line_numbers())
        if not added:
            continue
        data = read_new(f)
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        kind = generated.classify(f.path, text)
        if kind and generated.note(kind) not in f.notes:
            f.notes.append(generated.note(kind))
        out.append(SourceFile(path=f.path, text=text, added_lines=added, inserted_lines=inserted_lines(f),
                              blob=f.new_oid or "", generated=kind, edited_in_place=f.status == "M"))
    return out


def disabled_rules(cfg: Config) -> set[str]:
    """The rules not to run: ``[rules] disabled``, and ``off_by_default`` unless ``enabled`` names them."""
    return cfg.rules.not_run()


def inserted_lines(f: FileDiff) -> frozenset[int]:
    """Post-image numbers of the added lines that replace no deleted line: in each run of
    changes, the ``+`` lines beyond the number of ``-`` lines just before them."""
    out = set()
    for hunk in f.hunks:
        pending = 0
        for ln in hunk.lines:
            if ln.origin == "-":
                pending += 1
            elif ln.origin == "+":
                if pending:
                    pending -= 1
                elif ln.new_no is not None:
                    out.add(ln.new_no)
            elif ln.origin == " ":
                pending = 0
    return frozenset(out)


def _checklist(findings: list[Finding], paths: list[str]) -> list[dict]:
    try:
        from triage.checklists import checklist_for
    except ImportError:  # pragma: no cover - the checklists module ships with triage
        return []
    return checklist_for(findings, paths)


def assess(
    change: Change,
    provenance: Provenance,
    ctx: RepoContext,
    read_new,
    cfg: Config,
    secret: bytes,
) -> Assessment:
    """Analyse, score, sample and pick checklists for one diffed change."""
    files = change.files
    srcs = source_files(files, read_new)
    findings = analyze(srcs, ctx, disabled=disabled_rules(cfg))
    suppressions = tuple(added_suppressions(srcs))
    by_path = {f.path: f for f in files}
    for src in srcs:
        why = unparsed(src)
        fd = by_path.get(src.path)
        if why and fd is not None and why not in fd.notes:
            fd.notes.append(why)
        # Freed now by refcounting, not later by the cyclic garbage collector, whose
        # passes over the rules' per-file state cost a tenth of a bulk ingest.
        release(src)
    risk = score_change(
        RiskInput(files=tuple(files), findings=tuple(findings), provenance=provenance, is_merge=change.is_merge,
                  suppressions=suppressions),
        cfg.risk,
    )
    d = draw(secret, sample_key(change), risk.tier, cfg.sampling.rates, cfg.sampling.period)
    checklist = _checklist(findings, [f.path for f in files])
    return Assessment(change, provenance, findings, risk, d.sampled, d.u, d.rate, checklist)


def file_summary(f: FileDiff, findings: list[Finding]) -> dict:
    """The per-file record kept with a change (what the queue and the file tree show)."""
    return {
        "path": db_text(f.path),
        "old_path": db_text(f.old_path) if f.old_path is not None and f.old_path != f.new_path else None,
        "raw_path_hex": f.raw_path.hex(),
        "status": f.status,
        "added": f.added,
        "deleted": f.deleted,
        "binary": f.is_binary,
        "truncated": f.truncated,
        "old_mode": f.old_mode,
        "new_mode": f.new_mode,
        "similarity": f.similarity,
        "notes": [db_text(n) for n in f.notes],
        "findings": sum(1 for x in findings if x.path == f.path and not x.suppressed),
    }


def to_row(a: Assessment, repo_path: str = "", patch: bytes | None = None) -> tuple[dict, list[dict]]:
    """The ``changes`` row and ``findings`` rows for an assessment."""
    c = a.change
    active = [f for f in a.findings if not f.suppressed]
    row = {
        "id": c.id,
        "source": c.source,
        "repo": c.repo,
        "repo_path": repo_path,
        "sha": c.sha,
        "title": db_text(c.title),
        "message": db_text(c.message),
        "author_name": db_text(c.author_name),
        "author_email": db_text(c.author_email),
        "committer_email": db_text(c.committer_email),
        "author_login": c.author_login,
        "authored_at": c.authored_at,
        "parents": json.dumps(list(c.parents)),
        "branch": db_text(c.branch),
        "labels": json.dumps(list(c.labels)),
        "url": c.url,
        "number": c.number,
        "state": c.state,
        "draft": int(c.draft),
        "provenance_note": db_text(c.provenance_note),
        "kind": a.provenance.kind,
        "agent": a.provenance.agent,
        "evidence": json.dumps([e.to_dict() for e in a.provenance.evidence]),
        "analyzed": 1,
        "tier": a.risk.tier,
        "tier_rank": TIER_RANK[a.risk.tier],
        "score": a.risk.score,
        "factors": json.dumps([f.to_dict() for f in a.risk.factors]),
        "sampled": int(a.sampled),
        "sample_u": a.sample_u,
        "sample_rate": a.sample_rate,
        "files": json.dumps([file_summary(f, a.findings) for f in c.files]),
        "n_files": len(c.files),
        "added": c.added,
        "deleted": c.deleted,
        "n_findings": len(active),
        "checklist": json.dumps(a.checklist),
        "is_merge": int(c.is_merge),
        "patch": patch,
        "ingested_at": int(time.time()),
    }
    findings = [
        {**f.to_dict(), "path": db_text(f.path), "message": db_text(f.message)} for f in a.findings
    ]
    return row, findings
