"""Provides the schema: the registered migrations, applied once each, in order, by name.

Further migrations go at the end. Never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Callable

from triage.errors import TriageError

if TYPE_CHECKING:  # sqlite_utils costs ~0.3 s to import: only migrations need it
    import sqlite_utils

MIGRATION_SET = "triage"
_MIGRATIONS: list[Callable] = []


def migrations() -> Callable[[Callable], Callable]:
    """Register a schema migration (applied in registration order, once, recorded by name)."""

    def register(fn: Callable) -> Callable:
        _MIGRATIONS.append(fn)
        return fn

    return register


def pending_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names of the registered migrations this database has not applied yet."""
    try:
        applied = {r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,))}
    except sqlite3.OperationalError:  # no migrations table yet: a new database
        applied = set()
    return [fn.__name__ for fn in _MIGRATIONS if fn.__name__ not in applied]


def apply_migrations(conn: sqlite3.Connection) -> None:
    """Apply pending migrations with sqlite-utils' ``Migrations`` (call inside a write transaction)."""
    import sqlite_utils

    sets = sqlite_utils.Migrations(MIGRATION_SET)
    for fn in _MIGRATIONS:
        sets(name=fn.__name__)(fn)
    sets.apply(sqlite_utils.Database(conn))


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The first schema: changes, findings, verdicts, checklist answers, outbox, cursors."""
    db.execute(
        """
        CREATE TABLE changes (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            repo TEXT NOT NULL,
            repo_path TEXT NOT NULL DEFAULT '',
            sha TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            message TEXT NOT NULL DEFAULT '',
            author_name TEXT NOT NULL DEFAULT '',
            author_email TEXT NOT NULL DEFAULT '',
            committer_email TEXT NOT NULL DEFAULT '',
            author_login TEXT NOT NULL DEFAULT '',
            authored_at INTEGER NOT NULL DEFAULT 0,
            parents TEXT NOT NULL DEFAULT '[]',
            branch TEXT NOT NULL DEFAULT '',
            labels TEXT NOT NULL DEFAULT '[]',
            url TEXT NOT NULL DEFAULT '',
            number INTEGER,
            state TEXT NOT NULL DEFAULT 'merged',
            kind TEXT NOT NULL DEFAULT 'human',
            agent TEXT,
            evidence TEXT NOT NULL DEFAULT '[]',
            analyzed INTEGER NOT NULL DEFAULT 0,
            tier TEXT,
            tier_rank INTEGER NOT NULL DEFAULT -1,
            score REAL NOT NULL DEFAULT 0,
            factors TEXT NOT NULL DEFAULT '[]',
            sampled INTEGER NOT NULL DEFAULT 0,
            sample_u REAL,
            sample_rate REAL,
            files TEXT NOT NULL DEFAULT '[]',
            n_files INTEGER NOT NULL DEFAULT 0,
            added INTEGER NOT NULL DEFAULT 0,
            deleted INTEGER NOT NULL DEFAULT 0,
            n_findings INTEGER NOT NULL DEFAULT 0,
            checklist TEXT NOT NULL DEFAULT '[]',
            is_merge INTEGER NOT NULL DEFAULT 0,
            patch BLOB,
            assignee TEXT,
            ingested_at INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX changes_repo_sha ON changes(repo, sha)")
    db.execute("CREATE INDEX changes_order ON changes(tier_rank DESC, sampled DESC, authored_at)")
    db.execute(
        """
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            change_id TEXT NOT NULL REFERENCES changes(id) ON DELETE CASCADE,
            rule TEXT NOT NULL,
            severity TEXT NOT NULL,
            path TEXT NOT NULL,
            line INTEGER NOT NULL,
            message TEXT NOT NULL,
            question TEXT NOT NULL,
            suppressed INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX findings_change ON findings(change_id)")
    db.execute(
        """
        CREATE TABLE verdicts (
            id TEXT PRIMARY KEY,
            change_id TEXT NOT NULL,
            verdict TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            seconds_spent REAL
        )
        """
    )
    db.execute("CREATE INDEX verdicts_change ON verdicts(change_id, created_at)")
    db.execute(
        """
        CREATE TABLE checklist_answers (
            id INTEGER PRIMARY KEY,
            change_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            answer TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX checklist_change ON checklist_answers(change_id, item_id)")
    for table in ("verdicts", "checklist_answers"):
        for op in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
            )
    db.execute(
        """
        CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            verdict_id TEXT NOT NULL,
            change_id TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            lease_until REAL NOT NULL DEFAULT 0,
            remote_id TEXT,
            last_error TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX outbox_state ON outbox(state, next_attempt_at)")
    db.execute(
        "CREATE TABLE sync_cursors (source TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at REAL NOT NULL)"
    )
    db.execute(
        "CREATE TABLE ingest_heads (repo TEXT PRIMARY KEY, repo_path TEXT NOT NULL, head TEXT NOT NULL, "
        "updated_at REAL NOT NULL)"
    )
    db.execute(
        "CREATE TABLE review_sessions (id INTEGER PRIMARY KEY, change_id TEXT NOT NULL, reviewer TEXT NOT NULL "
        "DEFAULT '', started_at REAL NOT NULL, seconds REAL NOT NULL)"
    )


@migrations()
def m002_team(db: sqlite_utils.Database) -> None:
    """Escapes (defects found after review) and reviewer assignments (append-only)."""
    db.execute(
        """
        CREATE TABLE escapes (
            id TEXT PRIMARY KEY,
            change_id TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            link TEXT NOT NULL DEFAULT '',
            found_at REAL NOT NULL,
            created_at REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX escapes_change ON escapes(change_id)")
    db.execute(
        """
        CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            change_id TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            handed_over_from TEXT,
            created_at REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX assignments_change ON assignments(change_id, id)")
    for op in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER assignments_no_{op.lower()} BEFORE {op} ON assignments "
            f"BEGIN SELECT RAISE(ABORT, 'assignments are append-only'); END"
        )


# Further migrations go below, in order. Never edit one that has shipped.


@migrations()
def m003_forge(db: sqlite_utils.Database) -> None:
    """Forge remotes (the API base each synced repository came from) and outbox lease owners."""
    db.execute(
        "CREATE TABLE forge_remotes (source TEXT NOT NULL, repo TEXT NOT NULL, api_base TEXT NOT NULL, "
        "updated_at REAL NOT NULL, PRIMARY KEY (source, repo))"
    )
    db.execute("ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT ''")


@migrations()
def m004_viewed_files(db: sqlite_utils.Database) -> None:
    """Which files of a change each reviewer has marked viewed (the latest mark per file)."""
    db.execute(
        "CREATE TABLE viewed_files (change_id TEXT NOT NULL, reviewer TEXT NOT NULL, path TEXT NOT NULL, "
        "viewed INTEGER NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (change_id, reviewer, path))"
    )


@migrations()
def m005_verdict_sha(db: sqlite_utils.Database) -> None:
    """The head a verdict was given at: a forge change that gets new commits is reviewed again.
    Verdicts recorded before this migration keep NULL (they stand for any head)."""
    db.execute("ALTER TABLE verdicts ADD COLUMN sha TEXT")


@migrations()
def m006_suppression_origin(db: sqlite_utils.Database) -> None:
    """Where a finding's suppression comment came from: ``existing`` (there before the change,
    honoured) or ``change`` (added by it, so the finding still counts). Findings suppressed
    before this migration become ``unknown``: triage then honoured any comment."""
    db.execute("ALTER TABLE findings ADD COLUMN suppressed_by TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE findings SET suppressed_by = 'unknown' WHERE suppressed = 1")


@migrations()
def m007_forge_faults(db: sqlite_utils.Database) -> None:
    """Forge faults: a repository's current name on the forge after a rename or transfer
    (``forge_remotes.remote_repo``; change ids keep the name they were synced under, which
    stays the key and so an alias), draft pull requests (``changes.draft``), and why a
    change's provenance could not be read completely (``changes.provenance_note``)."""
    db.execute("ALTER TABLE forge_remotes ADD COLUMN remote_repo TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE changes ADD COLUMN draft INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE changes ADD COLUMN provenance_note TEXT NOT NULL DEFAULT ''")


@migrations()
def m008_repo_ids(db: sqlite_utils.Database) -> None:
    """Stable ids for local commits: a change's repository key comes from the repository itself
    (the reviewer's ``[git.ids]`` key, its remote's URL, else its root commit), no longer from the
    clone's directory name. Every repository whose clone is still where it was ingested from is
    renamed here, with its verdicts, answers, posts and assignments; one that cannot be opened now
    is renamed by the next ``triage ingest`` of it (:func:`rekey_repo`)."""
    from triage.config import trusted_config
    from triage.git import open_repo, repo_key

    try:
        cfg = trusted_config()
    except TriageError:
        cfg = {}
    places = db.execute("SELECT DISTINCT repo, repo_path FROM changes WHERE source = 'git' AND repo_path != ''"
                        ).fetchall()
    done: set[str] = set()
    for old, path in places:
        if old in done:
            continue
        try:
            new = repo_key(open_repo(path), cfg)
        except (TriageError, OSError, ValueError):
            continue
        done.add(old)
        if new != old:
            rekey_repo(db.conn, old, new)


@migrations()
def m009_shared_verdicts(db: sqlite_utils.Database) -> None:
    """Verdicts shared through the forge or git: ``posted_by`` names the account that carried a
    teammate's verdict here (``github:alice-gh``, ``git:alice@example.com``); ``''`` for one
    recorded on this machine."""
    db.execute("ALTER TABLE verdicts ADD COLUMN posted_by TEXT NOT NULL DEFAULT ''")


_CHANGE_ID_TABLES = ("findings", "verdicts", "checklist_answers", "outbox", "review_sessions", "escapes",
                     "assignments", "viewed_files")
_APPEND_ONLY = ("verdicts", "checklist_answers", "assignments")


def rekey_repo(conn: sqlite3.Connection, old: str, new: str) -> int:
    """Rename local repository ``old`` to ``new`` in every table (change ids ``git:old:<sha>`` become
    ``git:new:<sha>``); call inside a write transaction. The append-only tables' guards are lifted
    for this one rename and put back in the same transaction. Returns how many changes moved.
    A change stored under both names keeps the new one's row; the old one's history joins it."""
    prefix_old, prefix_new = f"git:{old}:", f"git:{new}:"
    ids = [r[0] for r in conn.execute("SELECT id FROM changes WHERE source = 'git' AND repo = ?", (old,))]
    if not ids:
        conn.execute("UPDATE OR IGNORE ingest_heads SET repo = ? || substr(repo, ?) WHERE repo LIKE ? ESCAPE '\\'",
                     (new, len(old) + 1, _like(old) + ":%"))
        return 0
    conn.execute("PRAGMA defer_foreign_keys = ON")  # findings follow their change within the transaction
    for table in _APPEND_ONLY:
        for op in ("update", "delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
    moved = 0
    for cid in ids:
        nid = prefix_new + cid[len(prefix_old):] if cid.startswith(prefix_old) else cid
        taken = conn.execute("SELECT 1 FROM changes WHERE id = ?", (nid,)).fetchone()
        if taken:
            conn.execute("DELETE FROM findings WHERE change_id = ?", (cid,))
            conn.execute("DELETE FROM changes WHERE id = ?", (cid,))
        else:
            conn.execute("UPDATE findings SET change_id = ? WHERE change_id = ?", (nid, cid))
            conn.execute("UPDATE changes SET id = ?, repo = ? WHERE id = ?", (nid, new, cid))
        for table in _CHANGE_ID_TABLES:
            if table != "findings":
                conn.execute(f"UPDATE OR IGNORE {table} SET change_id = ? WHERE change_id = ?", (nid, cid))
        moved += 1
    conn.execute("DELETE FROM viewed_files WHERE change_id LIKE ? ESCAPE '\\'", (_like(prefix_old) + "%",))
    conn.execute("UPDATE OR IGNORE ingest_heads SET repo = ? || substr(repo, ?) WHERE repo LIKE ? ESCAPE '\\'",
                 (new, len(old) + 1, _like(old) + ":%"))
    conn.execute("DELETE FROM ingest_heads WHERE repo LIKE ? ESCAPE '\\'", (_like(old) + ":%",))
    for table in _APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            conn.execute(f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                         f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END")
    return moved


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
