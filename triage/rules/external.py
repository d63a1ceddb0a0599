"""Provides ``external-finding``: another analyzer's results (SARIF), placed on a change's added lines.

The results come from the team's own configuration, never from the change: ``triage
ingest --sarif FILE`` (see :mod:`triage.sarif`) puts them in the analysis context's
configuration under ``external.results``. For each changed file, a result is placed on
the added line whose text is the one the analyzer reported (the nearest such line to
its line number), or, when the result carries no text, on its line number if that
line was added. Lines the change did not add get nothing: the driver keeps only
findings on added lines, and suppression comments work as for any rule.

The finding keeps the analyzer's identity in its message (``bandit B608``,
``semgrep python.lang.security...``) and its severity; one rule id for all of them
lets a repository turn external results off in one place.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, Rule, SourceFile, register


def _results(ctx: RepoContext) -> list[dict]:
    got = getattr(ctx.config, "external", ())
    return [r for r in got if isinstance(r, dict)] if isinstance(got, tuple) else []


def place(result: dict, file: SourceFile) -> int | None:
    """The added line of ``file`` the result belongs on, or None."""
    text = str(result.get("text") or "").strip()
    line = int(result.get("line") or 0)
    if not text:
        return line if line in file.added_lines else None
    lines = file.lines()
    candidates = [n for n in file.added_lines if 1 <= n <= len(lines) and lines[n - 1].strip() == text]
    if not candidates:
        return None
    return min(candidates, key=lambda n: (abs(n - line), n))


@register
class ExternalFinding(Rule):
    id = "external-finding"
    severity = "medium"
    kind = "context"
    cwe = ""
    question = "Is this analyzer's finding real here, and what does its rule ask of the change?"
    per_change = True

    def check_change(self, files: list[SourceFile], ctx: RepoContext) -> Iterable[Finding]:
        results = _results(ctx)
        if not results:
            return ()
        by_path: dict[str, list[dict]] = {}
        for r in results:
            if isinstance(r, dict) and r.get("path"):
                by_path.setdefault(str(r["path"]), []).append(r)
        return list(self._findings(files, by_path))

    def _findings(self, files: list[SourceFile], by_path: dict[str, list[dict]]) -> Iterator[Finding]:
        for f in files:
            for r in by_path.get(f.path, ()):
                line = place(r, f)
                if line is None:
                    continue
                tag = " ".join(x for x in (str(r.get("tool", "")), str(r.get("rule", ""))) if x)
                cwe = f", {r['cwe']}" if r.get("cwe") else ""
                sev = str(r.get("severity") or self.severity)
                yield self.finding(f, line, f"[{tag}{cwe}] {r.get('message', '')}", sev)
