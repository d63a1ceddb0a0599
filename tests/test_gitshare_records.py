"""The git-only record's parts: its line format, the notes merge, and the store reads it needs (both engines).

The merge must be safe whichever order two reviewers' notes meet in: it keeps every line of both sides,
and the result does not depend on who merged whom (hypothesis, on real pygit2 repositories).
"""

from __future__ import annotations

import json

import pygit2
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from triage.gitshare import notes
from triage.gitshare.records import encode, escape_record, note_lines, parse_line, parse_note, verdict_record
from triage.store import Store

SIG = pygit2.Signature("t", "t@x.test", 1_800_000_000, 0)
COMMITS = ["1" * 40, "2" * 40, "3" * 40]
LINE = st.builds(lambda rid, verdict: encode({"kind": "verdict", "id": f"{rid:032x}", "verdict": verdict,
                                              "reviewer": "ana", "sha": "", "at": 1.5, "note": ""}),
                 st.integers(0, 2**40), st.sampled_from(["approve", "needs-fix", "revert"]))
SIDE = st.dictionaries(st.sampled_from(COMMITS), st.sets(LINE, min_size=1, max_size=4), max_size=3)


def _point(repo, oid) -> None:
    """Set the local notes ref to ``oid`` (None: no notes yet)."""
    if oid is not None:
        repo.create_reference_direct(notes.NOTES_REF, oid, True)
        return
    try:
        repo.references.delete(notes.NOTES_REF)
    except KeyError:
        pass


def _write(repo, side: dict[str, set[str]], base=None):
    """Notes commit holding ``side`` on top of ``base``, as another clone would have written it."""
    _point(repo, base)
    notes.add_lines(repo, side, SIG)
    return notes.ref_target(repo, notes.NOTES_REF)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=SIDE, mine=SIDE, theirs=SIDE)
def test_a_merge_keeps_every_line_of_both_sides_whoever_merges(tmp_path_factory, base, mine, theirs):
    repo = pygit2.init_repository(str(tmp_path_factory.mktemp("notes")), bare=True)
    root = _write(repo, base) if base else None
    a, b = _write(repo, mine, root), _write(repo, theirs, root)
    results = []
    for ours, other in ((a, b), (b, a)):
        _point(repo, ours)
        notes.merge(repo, other, SIG)
        results.append({k: note_lines(v) for k, v in notes.read_notes(repo).items()})
    expected: dict[str, set[str]] = {}
    for side in (base, mine, theirs):
        for commit, lines in side.items():
            expected.setdefault(commit, set()).update(lines)
    assert results[0] == results[1] == expected


def test_malformed_or_foreign_lines_are_skipped():
    good = encode({"kind": "verdict", "id": "a" * 32, "verdict": "approve", "reviewer": "ana", "sha": "ab12cd3",
                   "at": 2.0, "note": "ok"})
    bad = [
        "not json", "[]", json.dumps({"v": 2, "kind": "verdict"}),
        good.replace('"approve"', '"merge-it"'),
        good.replace('"a' + "a" * 31 + '"', '"../../etc"'),
        good.replace('"ab12cd3"', '"HEAD~1"'),
        good.replace('"at":2.0', '"at":"soon"'),
        good.replace('"at":2.0', '"at":true'),
        json.dumps({"v": 1, "kind": "assignment", "id": "b" * 32, "at": 1.0}),
        good[:-1] + ',"note":' + json.dumps("x" * 5000) + "}",
    ]
    assert [r["id"] for r in parse_note("\n".join([*bad, good]))] == ["a" * 32]
    assert parse_line(good)["sha"] == "ab12cd3"


def test_a_record_line_is_the_same_on_every_machine():
    """An escape learnt from a teammate is written back as the very same line (its ``at`` is when it was
    found, not when this store heard of it), so notes do not grow with every push."""
    row = {"id": "scan-" + "c" * 32, "note": "broke", "link": "", "found_at": 5.0, "created_at": 99.0}
    assert encode(escape_record(row)) == encode(escape_record({**row, "created_at": 12345.0}))
    v = {"id": "d" * 32, "verdict": "approve", "reviewer": "bo", "sha": None, "created_at": 7.25, "note": None}
    assert parse_line(encode(verdict_record(v)))["sha"] is None


def _change(store, cid, repo, sha, source="git"):
    row = {"id": cid, "source": source, "repo": repo, "sha": sha, "title": "t", "analyzed": 1, "tier": "LOW",
           "tier_rank": 0, "authored_at": 1, "kind": "ai", "agent": "claude", "files": json.dumps([])}
    with store.write():
        store.save_changes([row], {cid: []})


def test_the_store_gives_only_this_machines_verdicts_of_the_repository(db_target):
    with Store(db_target) as s:
        _change(s, "git:shop:aaa1", "shop", "aaa1")
        _change(s, "git:other:bbb2", "other", "bbb2")
        mine = s.record_verdict("git:shop:aaa1", "approve", reviewer="ana")
        s.record_verdict("git:other:bbb2", "approve", reviewer="ana")
        s.import_verdict("git:shop:aaa1", "e" * 32, "needs-fix", "bo", "aaa1", 3.0, "git:origin")
        s.add_escape("esc-1", "git:shop:aaa1", "broke", "", 4.0, 5.0)
        assert [(v["id"], v["commit_sha"]) for v in s.own_git_verdicts("shop")] == [(mine, "aaa1")]
        assert [(e["id"], e["commit_sha"]) for e in s.git_escapes("shop")] == [("esc-1", "aaa1")]
        assert s.git_escapes("other") == []
