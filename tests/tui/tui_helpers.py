"""Helpers shared by the TUI tests (constants, DB tweaks, waiting for workers)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

DEMO_SECRET = b"triage-demo-sampling-secret-31673"
NOW = 1_795_000_000.0
"""The fixed "now" of every TUI test and snapshot (2026-11-18)."""

SIZE = (120, 36)

ADMIN_SHA = "65b321315f"
"""The demo's "Tighten admin check" commit: bidi characters, findings, CRITICAL."""
SALES_SHA = "7737a78f6f"
"""The demo's "Add sales report endpoint" commit: SQL interpolation and a swallowed exception."""
PWNED_SHA = "5ca9004b9c"
"""The demo commit whose message is Rich markup plus an OSC 52 sequence."""
MULTI_FILE_SHA = "8c0b4c6d71"
"""A LOW demo commit touching two files."""
TYPO_SHA = "9baf23ee35"
"""The demo's "Fix typo in README": LOW, no findings, no checklist: the one change ``a`` approves at once."""

FALLBACK_CHECKLIST = [
    {"id": "authz-tested", "text": "Is the authorisation change covered by a test?", "kind": "security",
     "area": "auth"},
    {"id": "input-validated", "text": "Is every input validated before use?", "kind": "security", "area": "input"},
    {"id": "rollback-plan", "text": "Can this be rolled back safely?", "kind": "ops", "area": "release"},
]
"""Used only while the demo has no checklists (until ``triage.checklists`` lands)."""


def change_id(db: Path, sha_prefix: str) -> str:
    """The full id of the demo change whose sha starts with ``sha_prefix``."""
    with sqlite3.connect(db) as conn:
        (cid,) = conn.execute("SELECT id FROM changes WHERE sha LIKE ?", (sha_prefix + "%",)).fetchone()
    return cid


def ensure_checklist(db: Path, cid: str) -> list[dict]:
    """The change's checklist; a fixed one is stored first when the pipeline gave none."""
    with sqlite3.connect(db) as conn:
        (raw,) = conn.execute("SELECT checklist FROM changes WHERE id = ?", (cid,)).fetchone()
        items = json.loads(raw)
        if not items:
            items = FALLBACK_CHECKLIST
            conn.execute("UPDATE changes SET checklist = ? WHERE id = ?", (json.dumps(items), cid))
    return items


class FakeMonotonic:
    """A monotonic clock that advances 7.5 s per reading (deterministic time spent)."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        self.t += 7.5
        return self.t


async def settle(pilot) -> None:
    """Wait until every worker finished and the screen caught up (no sleeps)."""
    app = pilot.app
    for _ in range(4):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            break
    await pilot.pause()


async def select_change(pilot, sha_prefix: str) -> None:
    """Move the queue cursor onto the change whose sha starts with ``sha_prefix``."""
    from tui.widgets.queue_table import QueueTable

    table = pilot.app.screen.query_one(QueueTable)
    index = next(i for i, it in enumerate(table.items) if it.sha.startswith(sha_prefix))
    table.move_cursor(row=index, animate=False)
    await pilot.pause()


async def open_change(pilot, sha_prefix: str) -> None:
    """Open the review screen on a change and wait for its diff."""
    await settle(pilot)
    await select_change(pilot, sha_prefix)
    await pilot.press("enter")
    await settle(pilot)


HOSTILE_TITLE = (
    "[bold red]pwned[/] [link=https://evil]x[/link] [@click=app.quit]click[/] [/] [bold "
    "\x1b]52;c;ZXZpbA==\x07 \x1b[2J\x1b[H\u2714 checks passed \x9b31m \x9d0;t\x9c nul\x00 safe\rEVIL "
    "\u202eRLO\u202c zero\u200bwidth"
)
"""A commit title built from every trick in security-and-bad-inputs.md §1-2."""

HOSTILE_PATH = "[link=https://evil]setup.py[/link]"
HOSTILE_AGENT = "[red]claude[/]"

HOSTILE_PATCH = (
    f"diff --git a/{HOSTILE_PATH} b/{HOSTILE_PATH}\nnew file mode 100644\n--- /dev/null\n+++ b/{HOSTILE_PATH}\n"
    "@@ -0,0 +1,7 @@\n"
    "+[bold]x[/bold] [@click=app.quit]q[/] [/]\n"
    "+osc52 \x1b]52;c;ZXZpbA==\x07 visible after\n"
    "+nul\x00 del\x7f c1\x9b31m\n"
    "+safe\rEVIL\n"
    "+if role != \"user\u202e \u2066# admin\u2069\u2066\":\n"
    "+zero\u200bwidth\n"
    "+trailing \\ and \\[x]\n"
).encode("utf-8")
"""A forge patch whose lines carry markup, OSC 52, NUL/DEL/C1, CR, bidi and zero-width characters."""


def insert_change(db: Path, **fields) -> str:
    """Store a change: a copy of a demo row with ``fields`` replaced; returns its id."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM changes WHERE tier = 'LOW' LIMIT 1").fetchone())
        row.update(authored_at=int(NOW) - 3600, sampled=0, n_findings=0, checklist="[]", **fields)
        cols = list(row)
        conn.execute(f"INSERT INTO changes ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [row[c] for c in cols])
    return row["id"]


def add_hostile_change(db: Path) -> str:
    """Store a forge change made of hostile text (title, author, agent, path, lines, finding, checklist)."""
    cid = "github:evil/repo#1"
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM changes WHERE tier = 'LOW' LIMIT 1").fetchone())
        row.update(
            id=cid, source="github", repo="evil/repo", repo_path="", sha="", number=1,
            title=HOSTILE_TITLE, message=HOSTILE_TITLE + "\n\nbody \x1b]0;owned\x07 [b]x[/b]",
            author_name="Mallory [@click=app.quit]x[/] \x1b[31m", author_login="", author_email="m@evil",
            agent=HOSTILE_AGENT, kind="ai", tier="HIGH", tier_rank=2, authored_at=int(NOW) - 3600,
            sampled=0, n_files=1, added=7, deleted=0, n_findings=1, patch=HOSTILE_PATCH,
            files=json.dumps([{"path": HOSTILE_PATH, "status": "A", "added": 7, "deleted": 0, "findings": 1,
                               "notes": [], "old_path": None}]),
            checklist=json.dumps([{"id": "c1", "text": "[bold]Checked[/] \x1b]52;c;eA==\x07 item?",
                                   "kind": "security", "area": "[@click=app.quit]area[/]"}]),
            factors=json.dumps([{"name": "[b]path[/b]", "points": 9, "detail": "\x1b]52;c;eA==\x07 detail"}]),
            evidence=json.dumps([{"signal": "trailer", "agent": "claude", "detail": "[link=https://evil]x[/link]",
                                  "weight": 80}]),
        )
        cols = list(row)
        conn.execute(f"INSERT INTO changes ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [row[c] for c in cols])
        conn.execute(
            "INSERT INTO findings (change_id, rule, severity, path, line, message, question, suppressed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            (cid, "hidden-unicode", "high", HOSTILE_PATH, 5,
             "[bold red]markup[/] in a finding \x1b]52;c;ZXZpbA==\x07", "Is [@click=app.quit]this[/] safe?"))
    return cid


def build_big_repo(root: Path, lines: int = 50_000) -> tuple[Path, str]:
    """A repository whose one commit adds a ``lines``-line Python file; returns ``(path, sha)``."""
    import pygit2

    path = root / "big"
    repo = pygit2.init_repository(str(path), initial_head="main")
    sig = pygit2.Signature("Claude", "noreply@anthropic.com", int(NOW) - 7200, 0)
    data = "".join(f"value_{i} = {i} * 2  # line {i}\n" for i in range(1, lines + 1)).encode()
    tb = repo.TreeBuilder()
    tb.insert("big.py", repo.create_blob(data), pygit2.enums.FileMode.BLOB)
    oid = repo.create_commit("refs/heads/main", sig, sig, "Add a big generated table\n", tb.write(), [])
    return path, str(oid)


def add_big_change(db: Path, root: Path, lines: int = 50_000) -> str:
    """Store a local change whose diff is one ``lines``-line file (not analysed: only the diff matters)."""
    repo, sha = build_big_repo(root, lines)
    cid = f"git:big:{sha}"
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM changes WHERE tier = 'LOW' LIMIT 1").fetchone())
        row.update(
            id=cid, repo="big", repo_path=str(repo), sha=sha, title="Add a big generated table",
            message="Add a big generated table\n", kind="ai", agent="claude", tier="CRITICAL", tier_rank=3,
            authored_at=int(NOW) - 7200, n_files=1, added=lines, deleted=0, n_findings=0, sampled=0,
            files=json.dumps([{"path": "big.py", "status": "A", "added": lines, "deleted": 0, "findings": 0,
                               "notes": [], "old_path": None}]),
            checklist="[]", patch=None,
        )
        cols = list(row)
        conn.execute(f"INSERT INTO changes ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [row[c] for c in cols])
    return cid


def set_checklist(db: Path, cid: str, items: list[dict]) -> None:
    """Store ``items`` as the change's checklist (so a test does not depend on the checklist catalogue)."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE changes SET checklist = ? WHERE id = ?", (json.dumps(items), cid))


TEAM_TOML = """
[team]
members = [
  {name = "alice", emails = ["alice@example.com"]},
  {name = "bruno", emails = ["bruno@example.com"]},
  {name = "carol", emails = ["carol@example.com"]},
]
security = ["carol"]
"""
"""A roster for the demo: alice wrote the admin check, carol is the security group."""


def use_config(monkeypatch, tmp_path: Path, text: str = TEAM_TOML) -> Path:
    """Point ``TRIAGE_CONFIG`` at a file holding ``text``, from a directory with no ``.triage.toml``."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("TRIAGE_CONFIG", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def mark_digest_read(db: Path, when: float) -> None:
    """Remember a digest read at ``when`` (the next digest starts there)."""
    from triage import digest
    from triage.store import Store

    with Store(db) as store:
        digest.mark_run(store, None, when)


def add_review_history(db: Path) -> dict[str, str]:
    """Verdicts, review time and an escape on the demo, so every control figure has numbers.

    Returns the ids used, by role. Timestamps are fixed (relative to :data:`NOW`).
    """
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, sampled FROM changes WHERE kind = 'ai' ORDER BY tier_rank DESC, id").fetchall()
    ids = [r[0] for r in rows]
    plan = {
        ids[0]: ("needs-fix", "parametrise the query", 240.0),
        ids[1]: ("revert", "breaks the reset flow", 420.0),
        ids[2]: ("approve", "", 60.0),
        ids[3]: ("approve", "", 90.0),
        ids[4]: ("needs-fix", "missing test", 150.0),
        ids[5]: ("escalate", "crypto: ask security", 30.0),
        ids[6]: ("approve", "", 45.0),
    }
    with sqlite3.connect(db) as conn:  # inserted with fixed times (verdicts are append-only)
        for n, (cid, (verdict, note, secs)) in enumerate(plan.items()):
            at = NOW - 7200 + 60 * n
            conn.execute("INSERT INTO verdicts (id, change_id, verdict, note, reviewer, created_at, seconds_spent) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", (f"v{n:04d}", cid, verdict, note, "reviewer", at, secs))
            conn.execute("INSERT INTO review_sessions (change_id, reviewer, started_at, seconds) VALUES (?, ?, ?, ?)",
                         (cid, "reviewer", at - secs, secs))
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO escapes (id, change_id, note, link, found_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                     ("e0001", ids[2], "the approved change leaked a token", "", NOW - 3600, NOW - 3600))
    return {"found": ids[0], "escaped": ids[2]}
