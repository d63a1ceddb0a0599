"""Provides the use cases about changes: show one, gate one in CI, load its files, gather what approving it needs, other analyzers' results, the queue's facets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from triage.errors import TriageError
from triage.models import WITHDRAWN, FileDiff
from triage.present import by_severity

if TYPE_CHECKING:
    from triage.approval import ApprovalFacts


def change_details(store, change_id: str) -> dict:
    """Everything ``triage show`` reports about one change."""
    row = store.get_change(change_id)
    row.pop("patch", None)
    answers = store.checklist_answers(change_id)
    for item in row["checklist"]:
        ans = answers.get(item["id"])
        item["answer"] = ans["answer"] if ans else None
        item["answer_note"] = ans["note"] if ans else ""
    row["findings"] = by_severity(store.findings_for(change_id))  # the worst first, as the app lists them
    row["verdicts"] = store.verdicts_for(change_id)
    for v in row["verdicts"]:
        v["superseded"] = bool(v["superseded"])  # given before new commits came
    last = row["verdicts"][-1] if row["verdicts"] else None
    row["verdict"] = last["verdict"] if last and not last["superseded"] and last["verdict"] != WITHDRAWN else None
    from triage.queue import assignment_differs

    row["assignment_differs"] = assignment_differs(row.get("assignee"), row.get("forge_reviewers") or [])
    return row


def gate(repo_path: str, rev: str, sarif_files: list[str] | None = None):
    """Assess commit ``rev`` of the repository at ``repo_path`` as ``triage gate`` does:
    ``(change, assessment, exit code, words)`` under the repository's ``[gate]`` table."""
    from triage.config import load_config
    from triage.git import change_from_commit, open_repo, repo_key, resolve
    from triage.ingest import assess_commit
    from triage.provenance import ProvenanceRules, detect
    from triage.sampling import load_secret

    repo = open_repo(repo_path)
    cfg = load_config(repo)
    commit = resolve(repo, rev)
    refuse_shallow_cut(repo, commit)
    change = change_from_commit(commit, repo_key(repo, cfg))
    prov = detect(change, ProvenanceRules.from_config(cfg.provenance))
    external = sarif_results(repo_path, sarif_files)
    if external:
        from triage.ingest import with_external

        cfg = with_external(cfg, external)
    a = assess_commit(repo, commit, change, prov, cfg, load_secret(cfg))
    code, word = gate_decision(a.risk.tier, a.sampled, cfg.gate)
    return change, a, code, word


def refuse_shallow_cut(repo, commit) -> None:
    """A one-line error when ``commit``'s parents are not in this shallow clone: its diff
    cannot be known (it would look like the whole tree added), so there is nothing to gate."""
    from triage.errors import TriageError
    from triage.ingest import shallow_boundary

    if str(commit.id) in shallow_boundary(repo):
        raise TriageError(
            f"commit {str(commit.id)[:12]} is at this shallow clone's cut: its parent is not in the clone, so "
            "its diff cannot be known. Fetch one more commit (`git fetch --deepen=1`; in GitHub Actions, "
            "actions/checkout with `fetch-depth: 2`) and run the gate again")


def gate_decision(tier: str, sampled: bool, gate) -> tuple[int, str]:
    """``(exit code, words)`` of ``triage gate`` for a change of ``tier`` under the ``[gate]`` table.

    A deep-dive draw changes nothing unless ``hold_sampled = true``: a drawn LOW change
    may merge, and its deep dive happens from the queue.
    """
    if tier in gate.blocked:
        return 2, "blocked"
    if tier in gate.auto_merge and not (sampled and gate.hold_sampled):
        return 0, "may auto-merge"
    return 1, "needs human review"


def sarif_results(repo_path: str, files: list[str] | None) -> list:
    """The results of the ``--sarif`` logs, for the repository at ``repo_path`` (one-line errors)."""
    if not files:
        return []
    from triage import sarif
    from triage.git import open_repo, repo_root
    from triage.ingest import read_head

    repo = open_repo(repo_path)
    read = read_head(repo)
    out: list = []
    for f in files:
        out.extend(sarif.load(f, repo_root(repo), read))
    return out


def load_files(row: dict, repo: str | Path | None = None, *, max_lines_per_file: int = 200_000) -> list[FileDiff]:
    """The :class:`FileDiff` list of a stored change.

    A forge change keeps its diff in the ``patch`` column and is parsed from
    it; a local commit is re-diffed with pygit2 from ``row["repo_path"]`` (or
    ``repo`` when that path is gone). Call this in the thread that will use
    the result: it opens its own repository.

    Raises:
        TriageError: when neither a patch nor a readable repository is there.
    """
    from triage.diff import DiffError, diff_commit
    from triage.patch import parse_patch

    patch = row.get("patch")
    if patch:
        return parse_patch(bytes(patch), max_lines_per_file=max_lines_per_file)
    sha = row.get("sha") or ""
    if row.get("source", "git") != "git" or not sha:
        raise TriageError("no diff is stored for this change (sync it again to fetch its patch)")
    import pygit2

    from triage.git import open_repo

    candidates = [p for p in (row.get("repo_path"), repo) if p]
    path = next((p for p in candidates if Path(p).exists()), None)
    if path is None:
        where = candidates[0] if candidates else row.get("repo", "?")
        raise TriageError(f"repository {where} is not available: pass --repo PATH to show this diff")
    git_repo = open_repo(path)
    try:
        commit = git_repo.get(pygit2.Oid(hex=sha))
    except (ValueError, pygit2.GitError):
        commit = None
    if not isinstance(commit, pygit2.Commit):
        raise TriageError(f"commit {sha[:12]} is not in {path} (was the history rewritten?)")
    try:
        return diff_commit(git_repo, commit, max_lines_per_file=max_lines_per_file)
    except DiffError as exc:
        raise TriageError(str(exc)) from None


def gather_approval_facts(store, change_id: str, repo: str | Path | None = None) -> tuple[dict, "ApprovalFacts"]:
    """``(row, facts)`` for a stored change, its diff read as the Review screen reads it.

    Call it in a worker thread: it opens the change's repository. A diff that
    cannot be read is a concern of its own, never a reason to skip the others.

    Raises:
        TriageError: for an unknown change id.
    """
    from triage.approval import approval_facts

    row = store.get_change(change_id)
    if row is None:
        raise TriageError(f"unknown change id {change_id!r}")
    findings = store.findings_for(change_id)
    answers = store.checklist_answers(change_id)
    files: list[FileDiff] = []
    error = ""
    try:
        files = load_files(row, repo)
    except TriageError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a broken repository is a concern, not a crash
        error = f"{type(exc).__name__}: {exc}"
    return row, approval_facts(row, findings, answers, files, error)


def queue_facets(store) -> dict[str, list[str]]:
    """Agents and reviewers known to ``store``, for the filter keys to cycle through."""
    return {"agents": store.agents(), "reviewers": store.reviewers()}
