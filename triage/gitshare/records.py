"""Provides the line format of the git-only team record: one JSON object per line, per note.

A note (one per commit) holds the records about that commit, one compact JSON
object a line (keys sorted, ASCII only), the lines sorted and unique: the
format git's own ``git notes merge -s cat_sort_uniq`` keeps, so two reviewers'
notes on the same commit merge by taking both sets of lines, never by picking
one. A record is immutable: a changed line is a different record (and the old
one missing, which :mod:`triage.gitshare.exchange` reports).

Kinds: ``verdict`` (``id``, ``verdict``, ``reviewer``, ``sha``: the head it was
given at, ``at``, ``note``) and ``escape`` (``id``, ``note``, ``link``,
``found_at``, ``at``). What a line claims is untrusted: :func:`parse_note`
keeps only well-formed records, and who may be credited is decided on import.
"""

from __future__ import annotations

import json
import re

from triage.models import VERDICTS, WITHDRAWN

RECORD_VERSION = 1
MAX_LINE = 4096
MAX_NOTE = 2000
_HEX_ID = re.compile(r"^[0-9a-f]{32}$")
_ESCAPE_ID = re.compile(r"^[0-9A-Za-z:._-]{1,100}$")
_SHA = re.compile(r"^[0-9a-f]{7,64}$")


def encode(record: dict) -> str:
    """One record as its line (no newline): compact JSON, keys sorted, ASCII only."""
    return json.dumps({"v": RECORD_VERSION, **record}, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def verdict_record(row: dict) -> dict:
    """The record of a stored verdict row (``id, verdict, reviewer, sha, created_at, note``)."""
    return {"kind": "verdict", "id": row["id"], "verdict": row["verdict"], "reviewer": row["reviewer"] or "",
            "sha": row["sha"] or "", "at": round(float(row["created_at"]), 3), "note": (row["note"] or "")[:MAX_NOTE]}


def escape_record(row: dict) -> dict:
    """The record of a stored escape row (``id, note, link, found_at``): the same line on every machine
    (``at`` is when it was found, not when this store learnt of it)."""
    return {"kind": "escape", "id": row["id"], "note": (row["note"] or "")[:MAX_NOTE], "link": row["link"] or "",
            "found_at": round(float(row["found_at"]), 3), "at": round(float(row["found_at"]), 3)}


def note_lines(text: str) -> set[str]:
    """The non-empty lines of a note."""
    return {line for line in (text or "").splitlines() if line.strip()}


def note_text(lines) -> str:
    """A note's text from its lines: sorted, unique, newline-terminated (``cat_sort_uniq``'s result)."""
    return "".join(f"{line}\n" for line in sorted(set(lines)))


def _time(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if value == value and 0 < value < 1e11 else None


def _text(value, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def parse_line(line: str) -> dict | None:
    """One well-formed record, or None (anything malformed, or of another version, is skipped)."""
    if len(line) > MAX_LINE:
        return None
    try:
        raw = json.loads(line)
    except ValueError:
        return None
    if not isinstance(raw, dict) or raw.get("v") != RECORD_VERSION:
        return None
    at = _time(raw.get("at"))
    if at is None:
        return None
    if raw.get("kind") == "verdict":
        rid, verdict, sha = raw.get("id"), raw.get("verdict"), raw.get("sha")
        reviewer, note = _text(raw.get("reviewer"), 100), _text(raw.get("note", ""), MAX_NOTE)
        if not (isinstance(rid, str) and _HEX_ID.match(rid)) or verdict not in (*VERDICTS, WITHDRAWN):
            return None
        if not isinstance(sha, str) or (sha and not _SHA.match(sha)) or reviewer is None or note is None:
            return None
        return {"kind": "verdict", "id": rid, "verdict": verdict, "reviewer": reviewer, "sha": sha or None,
                "at": at, "note": note}
    if raw.get("kind") == "escape":
        rid, found = raw.get("id"), _time(raw.get("found_at"))
        note, link = _text(raw.get("note", ""), MAX_NOTE), _text(raw.get("link", ""), 2000)
        if not (isinstance(rid, str) and _ESCAPE_ID.match(rid)) or found is None or note is None or link is None:
            return None
        return {"kind": "escape", "id": rid, "note": note, "link": link, "found_at": found, "at": at}
    return None


def parse_note(text: str) -> list[dict]:
    """The well-formed records of a note, in line order."""
    return [rec for rec in map(parse_line, sorted(note_lines(text))) if rec is not None]
