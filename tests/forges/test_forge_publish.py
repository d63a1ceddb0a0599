"""Outbox planning: what each verdict posts, anchors validated locally, untrusted text inert."""

from __future__ import annotations

import json

import pytest

from triage.forges.publish import marker, md_escape, plan_outbox, split_findings

PATCH = (
    b"diff --git a/app/x.py b/app/x.py\n"
    b"--- a/app/x.py\n"
    b"+++ b/app/x.py\n"
    b"@@ -10,3 +10,5 @@ def f():\n"
    b"     a = 1\n"
    b"+    b = eval(a)\n"
    b"+    c = 2\n"
    b"     d = 3\n"
    b"     e = 4\n"
)


def _row(source="github", state="open", **kw):
    return {"id": f"{source}:acme/shop#7", "source": source, "repo": "acme/shop", "number": 7, "state": state,
            "sha": "a" * 40, "title": "Add [link](http://evil) <!-- x --> @everyone", "url": "https://forge/acme/shop/pull/7",
            "patch": PATCH, "tier": "HIGH", "score": 12.5, "agent": "claude", "kind": "ai", "n_findings": 2, **kw}


def _finding(line, path="app/x.py", rule="eval-exec", suppressed=False):
    return {"rule": rule, "severity": "high", "path": path, "line": line, "message": "eval() on `a`",
            "question": "Why eval?", "suppressed": suppressed}


def _payloads(rows):
    return [(r["action"], r["target"], json.loads(r["body"])) for r in rows]


def test_local_commits_plan_nothing():
    assert plan_outbox({"source": "git", "number": None}, "approve", "", "v", []) == []


@pytest.mark.parametrize("verdict,issue", [("approve", False), ("escalate", False), ("needs-fix", True),
                                           ("revert", True)])
def test_merged_change_gets_a_comment_and_a_follow_up_issue_for_fixes(verdict, issue):
    rows = _payloads(plan_outbox(_row(state="merged"), verdict, "note", "v1", [_finding(11)]))
    assert rows[0][0] == "comment" and rows[0][1] == "github:acme/shop#7"
    assert verdict in rows[0][2]["text"]
    assert [r[0] for r in rows] == (["comment", "issue"] if issue else ["comment"])
    if issue:
        assert rows[1][1] == "github:acme/shop"
        assert "https://forge/acme/shop/pull/7" in rows[1][2]["text"]
        assert "\n" not in rows[1][2]["title"] and len(rows[1][2]["title"]) <= 200


@pytest.mark.parametrize("source,verdict,event,state", [
    ("github", "approve", "APPROVE", "success"),
    ("github", "needs-fix", "REQUEST_CHANGES", "failure"),
    ("github", "escalate", "COMMENT", "pending"),
    ("gitea", "approve", "APPROVED", "success"),
    ("gitea", "revert", "REQUEST_CHANGES", "failure"),
])
def test_open_change_gets_a_review_and_a_status(source, verdict, event, state):
    rows = _payloads(plan_outbox(_row(source), verdict, "", "v1", [_finding(11)]))
    (review, status) = rows
    assert review[0] == "review" and review[2]["event"] == event and review[2]["commit_id"] == "a" * 40
    assert status[0] == "status" and status[1] == f"{source}:acme/shop@{'a' * 40}"
    assert status[2]["state"] == state and status[2]["context"] == "triage/review"


def test_gitlab_open_change_gets_note_inline_approval_and_status():
    rows = _payloads(plan_outbox(_row("gitlab"), "needs-fix", "", "v1", [_finding(11), _finding(12)]))
    assert [r[0] for r in rows] == ["comment", "inline", "inline", "status"]
    assert rows[-1][2]["state"] == "failed"
    rows = _payloads(plan_outbox(_row("gitlab"), "approve", "", "v1", []))
    assert [r[0] for r in rows] == ["comment", "approve", "status"]


def test_only_findings_on_diff_lines_become_inline_comments():
    findings = [_finding(11), _finding(13, rule="ctx-line"), _finding(40, rule="far-away"),
                _finding(5, path="other.py", rule="other-file"), _finding(12, suppressed=True)]
    inline, loose = split_findings(PATCH, findings, added_only=False)
    assert [(c["path"], c["line"]) for c in inline] == [("app/x.py", 11), ("app/x.py", 13)]
    assert [f["rule"] for f in loose] == ["far-away", "other-file"]
    inline, loose = split_findings(PATCH, findings, added_only=True)  # GitLab: added lines only
    assert [c["line"] for c in inline] == [11]
    review = json.loads(plan_outbox(_row(), "needs-fix", "", "v", findings)[0]["body"])
    assert "far\\-away" in review["text"] and "other\\-file" in review["text"]
    assert [c["line"] for c in review["comments"]] == [11, 13]


def test_two_findings_on_one_line_share_a_comment_and_inline_comments_are_capped():
    inline, _ = split_findings(PATCH, [_finding(11), _finding(11, rule="second")], added_only=False)
    assert len(inline) == 1 and "second" in inline[0]["body"]
    many = [_finding(11, rule=f"r{i}") for i in range(3)] + [_finding(12, rule="x")]
    inline, loose = split_findings(PATCH, many, added_only=False)
    assert len(inline) == 2 and not loose


def test_no_patch_means_no_inline_comments():
    inline, loose = split_findings(None, [_finding(11)], added_only=False)
    assert inline == [] and len(loose) == 1


def test_untrusted_text_is_inert_markdown():
    note = "looks fine <!-- triage:verdict:abc --> [x](javascript:alert(1)) @octocat \x1b[2J\u202e"
    rows = _payloads(plan_outbox(_row(state="merged"), "needs-fix", note, "v1", [_finding(11)]))
    text = rows[0][2]["text"]
    assert "<!--" not in text and marker("abc") not in text
    assert "](javascript" not in text and "\\[x\\]" in text
    assert "@octocat" not in text and "@\u200boctocat" in text
    assert "\x1b" not in text and "\u202e" not in text and "^\\[\\[2J" in text and "U\\+202E RLO" in text
    issue = rows[1][2]
    assert "<!--" not in issue["text"] and "@everyone" not in issue["text"]


def test_md_escape_keeps_plain_words_readable():
    assert md_escape("plain words 123") == "plain words 123"
    assert md_escape("a_b*c") == "a\\_b\\*c"


def test_planning_never_raises_inside_the_verdict_transaction():
    broken = [{"rule": "x"}]  # a finding without its fields
    rows = _payloads(plan_outbox(_row(), "approve", "still recorded", "v1", broken))
    assert [r[0] for r in rows] == ["comment"] and "still recorded" in rows[0][2]["text"]


def test_a_token_shape_in_a_body_is_detected_even_escaped():
    from triage.forges.redact import contains_secret

    token = "ghp_" + "A1" * 18
    assert contains_secret(md_escape(f"see {token}"))
    assert not contains_secret("commit " + "ab12" * 10)  # a SHA is not a token here
