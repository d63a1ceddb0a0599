"""Unit tests for triage/review.py: the pure logic behind the review screens (no terminal)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pygit2
import pytest

from triage.patch import parse_patch
from triage.errors import TriageError
from triage.present import age
from triage.review.checklist import checklist_items, checklist_progress
from triage.review.layout import build_layout, FILE, file_notes, hidden_counts, HUNK, hunk_title, LINE, MARK, next_position, NOTE
from triage.review.queue import cycle, matches_search, queue_stats, QueueFilter, STATE_CYCLE, TIER_CYCLE
from triage.review.timer import ReviewTimer
from triage.services.changes import load_files

PATCH = b"""diff --git a/app/x.py b/app/x.py
index 1111111..2222222 100644
--- a/app/x.py
+++ b/app/x.py
@@ -1,4 +1,5 @@ def f():
 one
-two
+TWO
+extra
 three
 four
diff --git a/app/y.py b/app/y.py
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/app/y.py
@@ -0,0 +1,2 @@
+a
+b
\\ No newline at end of file
"""

SPECIAL = b"""diff --git a/old.py b/new.py
similarity index 100%
rename from old.py
rename to new.py
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
diff --git a/logo.png b/logo.png
index 1111111..2222222 100644
Binary files a/logo.png and b/logo.png differ
"""


def test_unified_layout_rows_and_line_numbers():
    files = parse_patch(PATCH)
    layout = build_layout(files)
    kinds = [r.kind for r in layout.rows]
    assert kinds[0] == FILE and kinds[1] == HUNK
    assert layout.file_starts == [0, kinds.index(FILE, 1)]
    lines = [r for r in layout.rows if r.kind == LINE]
    assert [(r.line.origin, r.old_no, r.new_no) for r in lines[:5]] == [
        (" ", 1, 1), ("-", 2, None), ("+", None, 2), ("+", None, 3), (" ", 3, 4)]
    assert layout.rows[-1].kind == MARK  # "\ No newline" is a marker, never content
    assert layout.file_at(len(layout.rows) - 1) == 1
    assert layout.width >= len("extra")


def test_hunk_title_is_not_doubled():
    files = parse_patch(PATCH)
    title = hunk_title(files[0].hunks[0])
    assert title.count("@@") == 2 and title.endswith("def f():")


def test_split_layout_pairs_deletions_with_additions():
    layout = build_layout(parse_patch(PATCH), split=True)
    lines = [r for r in layout.rows if r.kind == LINE and r.file == 0]
    assert lines[0].line is lines[0].right  # context on both sides
    assert lines[1].line.raw == b"two" and lines[1].right.raw == b"TWO"
    assert lines[2].line is None and lines[2].right.raw == b"extra"
    assert layout.split


def test_findings_attach_to_their_added_line_and_unplaced_ones_to_the_file():
    files = parse_patch(PATCH)
    findings = [
        {"path": "app/x.py", "line": 3, "rule": "r1", "severity": "high"},
        {"path": "app/x.py", "line": 99, "rule": "r2", "severity": "low"},
        {"path": "elsewhere.py", "line": 1, "rule": "r3", "severity": "low"},
    ]
    for split in (False, True):
        layout = build_layout(files, findings, split=split)
        placed = layout.findings_at
        on_line = [i for i, fs in placed.items() if any(f["rule"] == "r1" for f in fs)]
        assert len(on_line) == 1 and layout.rows[on_line[0]].new_no == 3
        assert any(f["rule"] == "r2" for f in placed[layout.file_starts[0]])  # never lost
        assert all(f["rule"] != "r3" for fs in placed.values() for f in fs)
        assert layout.finding_rows == sorted(placed)


def test_find_row_maps_between_views():
    files = parse_patch(PATCH)
    unified, split = build_layout(files), build_layout(files, split=True)
    for layout in (unified, split):
        row = layout.find_row(0, new_no=3)
        assert layout.rows[row].new_no == 3
        row = layout.find_row(0, old_no=2)
        assert layout.rows[row].old_no == 2
    assert unified.find_row(5, new_no=1) is None


def test_special_files_always_have_a_note():
    files = parse_patch(SPECIAL)
    notes = [file_notes(f) for f in files]
    assert all(notes)
    assert any("renamed" in n for n in notes[0])
    assert any("+x" in n for n in notes[1])
    assert any("binary" in n for n in notes[2])
    layout = build_layout(files)
    assert sum(1 for r in layout.rows if r.kind == NOTE) >= 3


def test_next_position_wraps_and_stops():
    pos = [3, 10, 20]
    assert next_position(pos, 0) == 3
    assert next_position(pos, 3) == 10
    assert next_position(pos, 20) == 3
    assert next_position(pos, 20, wrap=False) is None
    assert next_position(pos, 10, forward=False) == 3
    assert next_position(pos, 3, forward=False) == 20
    assert next_position(pos, 3, forward=False, wrap=False) is None
    assert next_position([], 5) is None


def test_hidden_counts_see_bidi_and_zero_width_but_not_crlf():
    patch = (b"diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -0,0 +1,3 @@\n"
             + "+x = 1 \u202e\u2066 # admin\u2069\n".encode() + "+zero\u200bwidth\n".encode() + b"+crlf\r\n")
    assert hidden_counts(parse_patch(patch)) == [4]


def test_checklist_items_merge_answers_and_progress():
    items = checklist_items(
        [{"id": "a", "text": "A?"}, {"id": "b", "text": "B?", "area": "auth"}, {"text": "no id"}],
        {"a": {"answer": "yes", "note": "ok"}},
    )
    assert [(i.id, i.answer, i.note) for i in items] == [("a", "yes", "ok"), ("b", None, ""), ("item-3", None, "")]
    assert checklist_progress(items) == (1, 3)


def test_review_timer_is_monotonic():
    ticks = iter([10.0, 12.5, 11.0])
    timer = ReviewTimer(lambda: next(ticks))
    assert timer.seconds() == 2.5
    assert timer.seconds() == 1.0


def test_queue_filter_cycles_and_kwargs():
    f = QueueFilter()
    assert not f.active
    assert cycle(TIER_CYCLE, None) == "CRITICAL" and cycle(TIER_CYCLE, "LOW") is None
    assert cycle(STATE_CYCLE, None) == "unreviewed" and cycle(STATE_CYCLE, "unreviewed") == "updated"
    f = f.with_(tier="HIGH", state="reviewed")
    assert f.active
    kw = f.load_kwargs()
    assert kw["tiers"] == ["HIGH"] and kw["state"] == "reviewed" and kw["include_all"] is False
    assert dict(f.describe())["tier"] == "HIGH"


@dataclass
class Item:
    id: str = "git:r:abc"
    short_id: str = "abc"
    title: str = "Add password reset tokens"
    agent: str | None = "copilot"
    kind: str = "ai"
    author: str = "Copilot"
    assignee: str | None = None
    tier: str = "HIGH"
    state: str = "unreviewed"
    verdict: str | None = None
    sampled: bool = False
    findings: int = 2
    files: list = field(default_factory=lambda: [{"path": "app/auth/reset.py"}])


def test_search_matches_every_word_anywhere():
    it = Item()
    assert matches_search(it, "")
    assert matches_search(it, "reset AUTH")
    assert matches_search(it, "copilot tokens")
    assert not matches_search(it, "reset claude")


def test_age():
    assert age(0, 45) == "45s"
    assert age(0, 3600 * 5) == "5h"
    assert age(0, 86400 * 20 + 5) == "20d"
    assert age(100, 50) == "0s"


def test_queue_stats_counts():
    items = [Item(tier="LOW"), Item(tier="HIGH", verdict="approve", state="approve", sampled=True),
             Item(agent=None, kind="human", tier="LOW")]
    s = queue_stats(items, [30.0, 0, 90.0])
    assert s.total == 3 and s.by_tier["LOW"] == 2 and list(s.by_tier) == ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
    assert s.by_agent == {"copilot": 2, "human": 1}
    assert s.verdicts["approve"] == 1 and s.reviewed == 1 and s.unreviewed == 2 and s.sampled == 1
    assert s.review_seconds == 120.0 and s.reviewed_sessions == 2


def test_load_files_from_a_forge_patch():
    files = load_files({"source": "github", "patch": PATCH, "sha": ""})
    assert [f.path for f in files] == ["app/x.py", "app/y.py"]


def test_load_files_from_git(tmp_path):
    repo = pygit2.init_repository(str(tmp_path / "r"), initial_head="main")
    sig = pygit2.Signature("A", "a@example.com", 1_700_000_000, 0)
    tb = repo.TreeBuilder()
    tb.insert("a.txt", repo.create_blob(b"hello\n"), pygit2.enums.FileMode.BLOB)
    oid = repo.create_commit("refs/heads/main", sig, sig, "add", tb.write(), [])
    row = {"source": "git", "sha": str(oid), "repo_path": str(tmp_path / "gone"), "repo": "r", "patch": None}
    with pytest.raises(TriageError, match="not available"):
        load_files(row)
    files = load_files(row, tmp_path / "r")  # the --repo fallback
    assert files[0].path == "a.txt" and files[0].added == 1
    with pytest.raises(TriageError, match="not in"):
        load_files({**row, "sha": "0" * 39 + "1"}, tmp_path / "r")
    with pytest.raises(TriageError, match="no diff"):
        load_files({"source": "github", "patch": None, "sha": ""})


# ------------------------------------------------------------------ digest and control figures


def _digest(**over):
    from triage.models import TIERS

    item = {"id": "git:r:a", "tier": "CRITICAL", "sampled": True}
    d = {"merged_total": 0, "merged": {t: [] for t in reversed(TIERS)}, "merged_counts": {t: 0 for t in TIERS},
         "unreviewed": [], "unreviewed_total": 0, "verdicts": [], "verdicts_total": 0, "escapes": [],
         "escapes_total": 0}
    d.update(over)
    return d, item


def test_digest_outline_sections_in_order():
    from triage.review.outline import digest_outline

    d, item = _digest()
    d["merged_total"] = 3
    d["merged"]["CRITICAL"] = [item]
    d["merged_counts"]["CRITICAL"] = 3  # two left out by the limit
    d["unreviewed"], d["unreviewed_total"] = [item], 1
    d["verdicts"], d["verdicts_total"] = [{"change_id": "git:r:b", "verdict": "approve"}], 1
    lines = digest_outline(d)
    assert [(ln.kind, ln.change_id) for ln in lines] == [
        ("heading", None), ("tier", None), ("item", "git:r:a"), ("more", None),
        ("heading", None), ("waiting", "git:r:a"),
        ("heading", None), ("verdict", "git:r:b"),
    ]
    assert lines[1].text == "CRITICAL" and lines[1].data == {"n": 3, "sampled": 1}
    assert lines[3].text == "… and 2 more"


def test_digest_outline_says_when_sections_are_empty():
    from triage.review.outline import digest_outline

    d, _ = _digest()
    lines = digest_outline(d)
    assert [ln.text for ln in lines if ln.kind == "empty"] == [
        "Nothing merged in this window.", "Nothing is waiting.", "No verdicts in this window."]
    assert not any(ln.change_id for ln in lines)


def test_escapes_get_their_own_section():
    from triage.review.outline import digest_outline

    d, _ = _digest(escapes=[{"change_id": "git:r:c"}], escapes_total=1)
    assert digest_outline(d)[-2:][0].text == "Escapes recorded: 1"
    assert digest_outline(d)[-1].kind == "escape" and digest_outline(d)[-1].change_id == "git:r:c"


def test_percent_and_interval_labels():
    from triage.present import interval, percent

    assert percent(None) == "—" and percent(2 / 3) == "66.7%" and percent(0.5, 0) == "50%"
    assert interval({"low": 0.208, "high": 0.939}) == "20.8–93.9%"
    assert interval({}) == "—"


def test_velocity_series_keeps_the_last_weeks_and_marks_years():
    from triage.review.outline import velocity_series

    weeks = [{"week": f"2025-W{n:02d}", "merged": n, "found_in_review": 1, "escaped": 0} for n in (50, 51, 52)]
    weeks.append({"week": "2026-W01", "merged": 4, "found_in_review": 0, "escaped": 1})
    labels, merged, found, escaped = velocity_series(weeks, weeks=3)
    assert labels == ["2025-W51", "W52", "2026-W01"]
    assert merged == [51, 52, 4] and found == [1, 1, 0] and escaped == [0, 0, 1]
    assert velocity_series(weeks[:2])[0] == ["W50", "W51"]
    assert velocity_series([]) == ([], [], [], [])
