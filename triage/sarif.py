"""Provides SARIF input: findings of the analyzers a team already runs (bandit, semgrep, CodeQL...).

``triage ingest --sarif FILE`` (and ``triage gate --sarif FILE``) read SARIF 2.1.0 logs
and hand their results to the ``external-finding`` rule (:mod:`triage.rules.external`),
which places each one on the lines the change under analysis added, so that it is
shown, suppressible with ``triage: ignore[external-finding]`` and counted in the risk
score like any finding.

A SARIF log describes one checkout, while ingest analyses many commits. Each result
keeps the text of the line it points at (its ``region.snippet``, or the line read from
the repository's ``HEAD`` when the log has no snippet): a commit gets the finding on the
added line with that text nearest to the reported line number, and only when it added
such a line; with no text to compare, the line number alone decides.

Only the log's ``results`` are read: ``uri``/``uriBaseId`` (``%SRCROOT%`` and
``file://`` URIs under the repository are made relative), ``startLine``, ``level`` or
``security-severity``, the rule id and CWE tags (``CWE-89``, ``external/cwe/cwe-089``).
A log that is not JSON, not SARIF, or too large is a one-line error.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from triage.errors import TriageError

MAX_SARIF_BYTES = 200_000_000
MAX_RESULTS = 200_000
MAX_MESSAGE = 300

_LEVELS = {"error": "high", "warning": "medium", "note": "low", "none": "info"}
_CWE = re.compile(r"\bcwe[-_/:]?0*(\d{1,5})\b", re.I)


@dataclass(frozen=True)
class ExternalResult:
    """One analyzer result, ready to be placed on a change's lines."""

    tool: str
    rule: str
    severity: str
    path: str
    line: int
    text: str
    """The stripped text of the line the result points at ("" when unknown)."""
    message: str
    cwe: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def _severity(result: dict, rule: dict) -> str:
    props = {**(rule.get("properties") or {}), **(result.get("properties") or {})}
    sec = props.get("security-severity")
    try:
        score = float(sec) if sec is not None else None
    except (TypeError, ValueError):
        score = None
    if score is not None:
        return "critical" if score >= 9 else "high" if score >= 7 else "medium" if score >= 4 else "low"
    issue = str(props.get("issue_severity", "")).upper()  # bandit's own
    if issue in ("HIGH", "MEDIUM", "LOW"):
        return issue.lower()
    level = result.get("level") or (rule.get("defaultConfiguration") or {}).get("level") or "warning"
    return _LEVELS.get(str(level), "medium")


def _cwe(result: dict, rule: dict) -> str:
    texts: list[str] = []
    for src in (rule.get("properties") or {}, result.get("properties") or {}):
        tags = src.get("tags") or []
        texts += [str(t) for t in tags] if isinstance(tags, list) else [str(tags)]
        for key in ("cwe", "CWE"):
            if key in src:
                texts.append(str(src[key]))
    for rel in rule.get("relationships") or []:
        texts.append(str(((rel or {}).get("target") or {}).get("id", "")))
    for t in texts:
        m = _CWE.search(t)
        if m:
            return f"CWE-{int(m.group(1))}"
    return ""


def _relative(uri: str, base: str, root: Path) -> str:
    """The repository-relative POSIX path of a SARIF artifact URI ("" when outside the repository)."""
    if uri.startswith("file:"):
        p = Path(unquote(urlparse(uri).path))
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            return ""
    path = unquote(uri)
    if base and base not in ("%SRCROOT%", "SRCROOT", "PROJECTROOT"):
        path = posixpath.join(base, path)
    path = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    if path.startswith("../") or path == "..":
        return ""
    return path


def _line_text(read, path: str, line: int, cache: dict) -> str:
    if path not in cache:
        data = read(path) if read is not None else None
        cache[path] = data.decode("utf-8", "replace").split("\n") if data is not None else None
    lines = cache[path]
    if lines is None or not 1 <= line <= len(lines):
        return ""
    return lines[line - 1].strip()


def load(path: str | Path, root: str | Path, read=None) -> list[ExternalResult]:
    """The results of the SARIF log at ``path``; ``read(relpath)`` gives a file's bytes at the
    commit the log was made from (the repository's HEAD), for results without a snippet."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise TriageError(f"cannot read SARIF file {p}: {exc.strerror or exc}") from None
    if size > MAX_SARIF_BYTES:
        raise TriageError(f"SARIF file {p} is {size:,} bytes, more than the {MAX_SARIF_BYTES:,} this reads")
    try:
        data = json.loads(p.read_bytes())
    except (OSError, ValueError, RecursionError) as exc:
        raise TriageError(f"{p} is not a readable SARIF file: {str(exc).splitlines()[0][:120]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise TriageError(f"{p} is not SARIF: it has no \"runs\" list (expected a SARIF 2.1.0 log)")
    return parse(data, Path(root), read)


def parse(data: dict, root: Path, read=None) -> list[ExternalResult]:
    """The results of a parsed SARIF log (see :func:`load`)."""
    out: list[ExternalResult] = []
    cache: dict = {}
    for run in data.get("runs") or []:
        if not isinstance(run, dict):
            continue
        driver = ((run.get("tool") or {}).get("driver") or {})
        tool = str(driver.get("name") or "analyzer")[:40]
        rules = {}
        for r in driver.get("rules") or []:
            if isinstance(r, dict) and r.get("id"):
                rules[str(r["id"])] = r
        rule_list = [r for r in driver.get("rules") or [] if isinstance(r, dict)]
        for res in run.get("results") or []:
            if len(out) >= MAX_RESULTS:
                return out
            if not isinstance(res, dict):
                continue
            rule_id = str(res.get("ruleId") or (res.get("rule") or {}).get("id") or "")
            rule = rules.get(rule_id)
            if rule is None and isinstance(res.get("ruleIndex"), int) and 0 <= res["ruleIndex"] < len(rule_list):
                rule = rule_list[res["ruleIndex"]]
                rule_id = rule_id or str(rule.get("id", ""))
            rule = rule or {}
            message = " ".join(str((res.get("message") or {}).get("text") or rule.get("shortDescription", {}).get("text")
                                   or rule_id).split())[:MAX_MESSAGE]
            for loc in res.get("locations") or []:
                phys = (loc or {}).get("physicalLocation") or {}
                art = phys.get("artifactLocation") or {}
                region = phys.get("region") or {}
                uri = str(art.get("uri") or "")
                line = region.get("startLine")
                if not uri or not isinstance(line, int) or line < 1:
                    continue
                rel = _relative(uri, str(art.get("uriBaseId") or ""), root)
                if not rel:
                    continue
                snippet = str(((region.get("snippet") or {}).get("text")) or "").split("\n")[0].strip()
                text = snippet or _line_text(read, rel, line, cache)
                out.append(ExternalResult(tool, rule_id[:120], _severity(res, rule), rel, line, text[:500], message,
                                          _cwe(res, rule)))
    return out
