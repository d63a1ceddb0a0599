"""Provides the SQLite store: one file, WAL, explicit migrations, append-only verdicts.

Durability choices (see ``shared/reference/security-and-bad-inputs.md`` §4):

* ``journal_mode=WAL`` with ``synchronous=FULL``: a committed verdict survives a
  crash or power loss; ``kill -9`` never corrupts the file.
* Every write runs in ``BEGIN IMMEDIATE`` with a busy timeout, so two triage
  processes writing at once wait for each other instead of failing with
  SQLITE_BUSY_SNAPSHOT.
* The file is created with mode 0600 (``-wal``/``-shm`` inherit it); tokens are
  never written to it.
* ``verdicts`` and ``checklist_answers`` are append-only (triggers refuse UPDATE
  and DELETE); the latest row wins.

One :class:`Store` (one connection) per thread: sqlite3 refuses use from
another thread, and workers open their own.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # sqlite_utils costs ~0.3 s to import: only migrations need it
    import sqlite_utils

from triage.errors import TriageError, describe_os_error
from triage.models import VERDICTS, WITHDRAWN

BUSY_TIMEOUT_S = 15.0

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


_SUPERSEDED = "coalesce(v.sha != c.sha, 0)"
"""SQL: verdict ``v`` was given at an earlier head of change ``c`` (a NULL head stands for any)."""


FRESH_EMPTY_S = 5.0
"""An empty database file younger than this is one another triage process is creating."""


def _create_private(path: Path) -> bool:
    """Create ``path`` with mode 0600 if it does not exist; tighten it if it is looser.

    Returns True when this call created the file. An existing file of 0 bytes is
    refused: SQLite would silently start a new, empty database in it, and an empty
    file where a database should be is a lost or truncated one (a failed copy, a
    full disk), not a fresh start. Only one made in the last
    :data:`FRESH_EMPTY_S` seconds passes: another triage process creating the same
    database writes its schema right after creating the file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        return True
    except FileExistsError:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size == 0 and not _has_wal(path) \
                and time.time() - info.st_mtime > FRESH_EMPTY_S:
            raise TriageError(f"database {path} is an empty (0-byte) file, not a triage database; it was left "
                              "untouched: restore it from a backup, or delete it to start a new database")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077 and os.access(path, os.W_OK):
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass
        return False


def _has_wal(path: Path) -> bool:
    """True when a non-empty ``-wal`` file sits beside ``path`` (its pages may not be checkpointed yet)."""
    try:
        return os.path.getsize(f"{path}-wal") > 0
    except OSError:
        return False


def _read_only_place(path: Path) -> bool:
    """True when ``path``'s directory cannot be written (read-only mount or permissions)."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        if os.statvfs(directory).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(directory, os.W_OK)


def describe_sqlite_error(exc: BaseException, path: Path | str) -> str:
    """A one-line, user-facing description of a sqlite3 failure on ``path``."""
    msg = str(exc)
    low = msg.lower()
    if "locked" in low or "busy" in low:
        return f"database {path} is locked by another process (waited {BUSY_TIMEOUT_S:g}s); try again"
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return (f"database {path} is corrupt or not a triage database ({msg}); "
                "it was left untouched: move it aside or restore a backup")
    if "readonly" in low or "read-only" in low:
        return f"database {path} is read-only ({msg}); nothing was written"
    if "full" in low:
        return f"database {path}: the disk is full (or the database reached its size limit: {msg}); nothing was written"
    if "unable to open" in low:
        if _read_only_place(Path(path)):
            return (f"database {path} is on a read-only file system or in a directory triage cannot write "
                    "(SQLite needs to create its -wal and -shm files beside it); nothing was written")
        return f"cannot open database {path} ({msg})"
    return f"database {path}: {msg}"


class Store:
    """The triage database. Open one per thread; use :meth:`write` for every write."""

    def __init__(self, path: Path | str, *, migrate: bool = True):
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                _create_private(self.path)
            conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=True
            )
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except PermissionError as exc:
            raise TriageError(f"cannot open database {self.path}: {exc.strerror}") from None
        except OSError as exc:
            raise TriageError(f"cannot create database {self.path}: {describe_os_error(exc)}") from None
        except sqlite3.Error as exc:
            raise TriageError(describe_sqlite_error(exc, self.path)) from None
        self.conn = conn
        if migrate:
            try:
                if pending_migrations(conn):
                    with self.write():
                        apply_migrations(conn)
            except sqlite3.Error as exc:
                raise TriageError(describe_sqlite_error(exc, self.path)) from None

    # ---------------------------------------------------------------- plumbing

    @property
    def db(self) -> "sqlite_utils.Database":
        """A sqlite-utils view of the same connection (imported on first use)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction; commits on success, rolls back on error.

        sqlite3 errors leave as :class:`TriageError` with a one-line message.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise TriageError(describe_sqlite_error(exc, self.path)) from None
        try:
            yield self.conn
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise TriageError(describe_sqlite_error(exc, self.path)) from None
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise TriageError(describe_sqlite_error(exc, self.path)) from None

    def query(self, sql: str, params: Iterable[Any] | dict = ()) -> list[dict]:
        """Rows of a read query as dicts."""
        try:
            cur = self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise TriageError(describe_sqlite_error(exc, self.path)) from None
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    def integrity_ok(self) -> bool:
        """True when ``PRAGMA integrity_check`` reports ``ok``."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # ---------------------------------------------------------------- changes

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` already stored and analysed."""
        ids = list(ids)
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM changes WHERE analyzed = 1 AND id IN ({marks})", chunk))
        return found

    def stored_shas(self, repo: str) -> dict[str, int]:
        """sha -> analysed flag, for every commit of ``repo`` already stored."""
        return {sha: analyzed for sha, analyzed in self.conn.execute(
            "SELECT sha, analyzed FROM changes WHERE repo = ? AND source = 'git'", (repo,))}

    def save_changes(self, rows: list[dict], findings: dict[str, list[dict]]) -> None:
        """Insert or replace analysed change rows and their findings (in the caller's transaction)."""
        if not rows:
            return
        cols = list(rows[0].keys())
        keep = {"id", "assignee"}  # a re-save (e.g. a forge re-sync) keeps the assignment
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in keep)
        sql = (f"INSERT INTO changes ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
               f"ON CONFLICT(id) DO UPDATE SET {updates}")
        self.conn.executemany(sql, [tuple(r[c] for c in cols) for r in rows])
        ids = [r["id"] for r in rows]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            self.conn.execute(f"DELETE FROM findings WHERE change_id IN ({','.join('?' * len(chunk))})", chunk)
        frows = [
            (cid, f["rule"], f["severity"], f["path"], f["line"], f["message"], f["question"], int(f["suppressed"]),
             f.get("suppressed_by", ""))
            for cid, fs in findings.items() for f in fs
        ]
        if frows:
            self.conn.executemany(
                "INSERT INTO findings (change_id, rule, severity, path, line, message, question, suppressed, "
                "suppressed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", frows)

    def set_ingest_head(self, repo: str, repo_path: str, head: str) -> None:
        """Remember the last ingested head of ``repo`` (in the caller's transaction)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO ingest_heads (repo, repo_path, head, updated_at) VALUES (?, ?, ?, ?)",
            (repo, repo_path, head, time.time()))

    def rekey_moved_repo(self, repo_path: str, key: str) -> list[str]:
        """Rename (:func:`rekey_repo`) every other key this clone path was ingested under to ``key``;
        returns the old keys. Run by ``ingest`` before it looks at what is stored."""
        old = {r[0] for r in self.conn.execute(
            "SELECT DISTINCT repo FROM changes WHERE source = 'git' AND repo_path = ? AND repo != ?", (repo_path, key))}
        old.update(r[0].rsplit(":", 1)[0] for r in self.conn.execute(
            "SELECT repo FROM ingest_heads WHERE repo_path = ?", (repo_path,)))
        old = sorted(o for o in old if o and o != key)
        if old:
            with self.write() as conn:
                for name in old:
                    rekey_repo(conn, name, key)
        return old

    def ingest_head(self, repo: str) -> str | None:
        """The head recorded by the last complete ingest of ``repo``."""
        row = self.conn.execute("SELECT head FROM ingest_heads WHERE repo = ?", (repo,)).fetchone()
        return row[0] if row else None

    def get_change(self, change_id: str) -> dict | None:
        """One change row, with JSON columns decoded."""
        rows = self.query("SELECT * FROM changes WHERE id = ?", (change_id,))
        return decode_change(rows[0]) if rows else None

    def resolve_id(self, ref: str) -> str:
        """Resolve a full id, a forge ``owner/repo#N``, or a unique sha prefix to an id."""
        ref = ref.strip()
        if not ref:
            raise TriageError("empty change id")
        if self.conn.execute("SELECT 1 FROM changes WHERE id = ?", (ref,)).fetchone():
            return ref
        candidates = [r[0] for r in self.conn.execute(
            "SELECT id FROM changes WHERE id LIKE ? ESCAPE '\\' LIMIT 3", ("%:" + _like(ref),))]
        if not candidates and len(ref) >= 4 and all(c in "0123456789abcdef" for c in ref.lower()):
            candidates = [r[0] for r in self.conn.execute(
                "SELECT id FROM changes WHERE sha LIKE ? ESCAPE '\\' LIMIT 3", (_like(ref.lower()) + "%",))]
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise TriageError(f"change id {ref!r} is ambiguous: {', '.join(candidates[:2])}, …")
        raise TriageError(f"unknown change id {ref!r}: see `triage queue` for the ids")

    def findings_for(self, change_id: str) -> list[dict]:
        """The findings of a change, by path and line."""
        rows = self.query(
            "SELECT rule, severity, path, line, message, question, suppressed, suppressed_by FROM findings "
            "WHERE change_id = ? ORDER BY path, line, rule", (change_id,))
        for r in rows:
            r["suppressed"] = bool(r["suppressed"])
        return rows

    # ---------------------------------------------------------------- verdicts

    def record_verdict(
        self,
        change_id: str,
        verdict: str,
        note: str = "",
        reviewer: str = "",
        seconds_spent: float | None = None,
        outbox: list[dict] | None = None,
    ) -> str:
        """Append a verdict (and its outbox rows, in the same transaction); return its id.
        The verdict holds the change's head as it is now (see :meth:`latest_verdicts`)."""
        if verdict not in VERDICTS:
            raise TriageError(f"unknown verdict {verdict!r}: use one of {', '.join(VERDICTS)}")
        vid = uuid.uuid4().hex
        now = time.time()
        with self.write() as conn:
            head = conn.execute("SELECT sha FROM changes WHERE id = ?", (change_id,)).fetchone()
            if not head:
                raise TriageError(f"unknown change id {change_id!r}")
            conn.execute(
                "INSERT INTO verdicts (id, change_id, verdict, note, reviewer, created_at, seconds_spent, sha) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (vid, change_id, verdict, note, reviewer, now, seconds_spent, head[0] or None))
            if outbox is None:
                outbox = _plan_outbox(self, change_id, verdict, note, vid)
            if seconds_spent:
                conn.execute(
                    "INSERT INTO review_sessions (change_id, reviewer, started_at, seconds) VALUES (?, ?, ?, ?)",
                    (change_id, reviewer, now - seconds_spent, seconds_spent))
            for item in outbox or []:
                conn.execute(
                    "INSERT INTO outbox (id, verdict_id, change_id, action, target, body, state, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                    (uuid.uuid4().hex, vid, change_id, item["action"], item.get("target", ""),
                     item.get("body", ""), now, now))
        return vid

    def verdicts_for(self, change_id: str) -> list[dict]:
        """Every verdict recorded on a change, oldest first (``sha``: the head it was given at;
        ``superseded``: 1 when the change has had new commits since)."""
        return self.query(
            f"SELECT v.id, v.verdict, v.note, v.reviewer, v.created_at, v.seconds_spent, v.sha, "
            f"{_SUPERSEDED} AS superseded FROM verdicts v JOIN changes c ON c.id = v.change_id "
            "WHERE v.change_id = ? ORDER BY v.created_at, v.rowid", (change_id,))

    def _last_verdicts(self, current: bool) -> dict[str, dict]:
        rows = self.query(
            "SELECT v.change_id, v.verdict, v.note, v.reviewer, v.created_at, v.sha FROM verdicts v "
            "JOIN (SELECT change_id, MAX(rowid) AS r FROM verdicts GROUP BY change_id) last ON v.rowid = last.r "
            f"JOIN changes c ON c.id = v.change_id WHERE {'NOT ' if current else ''}({_SUPERSEDED}) "
            "AND v.verdict != ?", (WITHDRAWN,))
        return {r["change_id"]: r for r in rows}

    def latest_verdicts(self) -> dict[str, dict]:
        """change id -> its latest verdict row, when that verdict was given at the change's
        current head. A pull request that got new commits since (a sync moved its head)
        has none: it is unreviewed again, and :meth:`superseded_verdicts` has the old one.
        Nor has a change whose latest verdict was withdrawn (:meth:`withdraw_verdict`)."""
        return self._last_verdicts(current=True)

    def superseded_verdicts(self) -> dict[str, dict]:
        """change id -> its latest verdict row, for changes whose head moved after it."""
        return self._last_verdicts(current=False)

    def withdraw_verdict(self, change_id: str, verdict_id: str, reviewer: str = "", note: str = "") -> int:
        """Undo verdict ``verdict_id``: append a superseding ``withdrawn`` verdict (the change is
        unreviewed again; both rows stay in its history) and cancel the forge posts of the undone
        verdict that no ``push`` has tried yet, in one transaction.

        Returns how many of its posts could not be cancelled (a push already tried them).

        Raises:
            TriageError: when ``verdict_id`` is not the change's latest verdict (another one came since).
        """
        now = time.time()
        with self.write() as conn:
            last = conn.execute("SELECT id, verdict FROM verdicts WHERE change_id = ? ORDER BY rowid DESC LIMIT 1",
                                (change_id,)).fetchone()
            if last is None or last[0] != verdict_id:
                raise TriageError("a later verdict was recorded on this change since; record a new one instead")
            head = conn.execute("SELECT sha FROM changes WHERE id = ?", (change_id,)).fetchone()
            conn.execute(
                "INSERT INTO verdicts (id, change_id, verdict, note, reviewer, created_at, seconds_spent, sha) "
                "VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                (uuid.uuid4().hex, change_id, WITHDRAWN, note or f"undoes {last[1]} {verdict_id[:12]}", reviewer,
                 now, (head[0] if head else None) or None))
            conn.execute("UPDATE outbox SET state = 'cancelled', updated_at = ? WHERE verdict_id = ? "
                         "AND state = 'pending' AND attempts = 0 AND lease_until <= ?", (now, verdict_id, now))
            return conn.execute("SELECT count(*) FROM outbox WHERE verdict_id = ? AND state != 'cancelled'",
                                (verdict_id,)).fetchone()[0]

    def answer_checklist(self, change_id: str, item_id: str, answer: str, note: str = "", reviewer: str = "") -> None:
        """Append a checklist answer (``yes``, ``no`` or ``n/a``)."""
        if answer not in ("yes", "no", "n/a"):
            raise TriageError(f"checklist answer must be yes, no or n/a, not {answer!r}")
        with self.write() as conn:
            conn.execute(
                "INSERT INTO checklist_answers (change_id, item_id, answer, note, reviewer, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (change_id, item_id, answer, note, reviewer, time.time()))

    def clear_checklist_answer(self, change_id: str, item_id: str, reviewer: str = "") -> None:
        """Take back the answer to a checklist item: an empty answer is appended (the table is
        append-only, so the earlier answers stay in its history) and the item is open again."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO checklist_answers (change_id, item_id, answer, note, reviewer, created_at) "
                "VALUES (?, ?, '', '', ?, ?)", (change_id, item_id, reviewer, time.time()))

    def checklist_answers(self, change_id: str) -> dict[str, dict]:
        """item id -> latest answer for a change (an item whose answer was cleared is left out)."""
        rows = self.query(
            "SELECT item_id, answer, note, reviewer, created_at FROM checklist_answers WHERE change_id = ? "
            "ORDER BY created_at, id", (change_id,))
        latest = {r["item_id"]: r for r in rows}
        return {item: r for item, r in latest.items() if r["answer"]}

    # ---------------------------------------------------------------- forge remotes

    def record_forge_remote(self, source: str, repo: str, api_base: str, remote_repo: str | None = None) -> None:
        """Remember where a synced repository lives (``repo``: the name its change ids use).
        ``remote_repo`` is its current name on the forge after a rename or transfer; None
        keeps the one recorded."""
        update = "api_base = excluded.api_base, updated_at = excluded.updated_at"
        if remote_repo is not None:
            update += ", remote_repo = excluded.remote_repo"
        with self.write() as conn:
            conn.execute(
                "INSERT INTO forge_remotes (source, repo, api_base, updated_at, remote_repo) VALUES (?, ?, ?, ?, ?) "
                f"ON CONFLICT (source, repo) DO UPDATE SET {update}",
                (source, repo, api_base, time.time(), "" if remote_repo in (None, repo) else remote_repo))

    def forge_remotes(self) -> list[dict]:
        """Every synced repository: ``source``, ``repo`` (the name its ids use), ``api_base``
        and ``remote_repo`` (its current name on the forge, ``''`` when unchanged)."""
        return self.query("SELECT source, repo, api_base, remote_repo FROM forge_remotes ORDER BY source, repo")

    def forge_identity(self, source: str, api_base: str, name: str) -> tuple[str, str]:
        """``(id name, current name)`` of a repository a user names: a repository renamed on
        the forge keeps the name it was first synced under in its change ids (the old name
        is an alias), whichever of the two names the user gives."""
        rows = self.query("SELECT repo, remote_repo FROM forge_remotes WHERE source = ? AND api_base = ? "
                          "AND (repo = ? OR remote_repo = ?) ORDER BY repo = ? DESC", (source, api_base, name, name,
                                                                                   name))
        if not rows:
            return name, name
        row = rows[0]
        return row["repo"], (row["remote_repo"] or row["repo"]) if row["repo"] == name else name

    def posts_waiting(self) -> int:
        """Forge posts recorded verdicts still owe (pending; blocked until ``push --retry-blocked``;
        held, because the pull request's head moved, until ``push --confirm-moved``)."""
        return self.query("SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'blocked', 'held')")[0]["n"]

    def set_viewed(self, change_id: str, path: str, viewed: bool, reviewer: str = "", at: float | None = None) -> None:
        """Mark (or unmark) one file of a change viewed by ``reviewer`` (``path`` as the change's
        ``files`` record has it: :func:`triage.git.db_text` form). ``at`` is when the reviewer
        did it: a mark older than the stored one is ignored, so writes that finish out of
        order keep the latest."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO viewed_files (change_id, reviewer, path, viewed, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (change_id, reviewer, path) DO UPDATE SET viewed = excluded.viewed, "
                "updated_at = excluded.updated_at WHERE excluded.updated_at >= viewed_files.updated_at",
                (change_id, reviewer, path, int(viewed), time.time() if at is None else at))

    def viewed_paths(self, change_id: str, reviewer: str = "") -> set[str]:
        """The paths of a change that ``reviewer`` has marked viewed."""
        rows = self.query("SELECT path FROM viewed_files WHERE change_id = ? AND reviewer = ? AND viewed = 1",
                          (change_id, reviewer))
        return {r["path"] for r in rows}

    def record_review_time(self, change_id: str, seconds: float, reviewer: str = "") -> None:
        """Record time spent looking at a change (without a verdict)."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO review_sessions (change_id, reviewer, started_at, seconds) VALUES (?, ?, ?, ?)",
                (change_id, reviewer, time.time() - seconds, seconds))


def _plan_outbox(store: "Store", change_id: str, verdict: str, note: str, verdict_id: str) -> list[dict]:
    """The forge posts a verdict calls for (none for local commits).

    Planned inside the verdict's transaction, so a verdict and its outbox rows
    are committed together or not at all.
    """
    row = store.get_change(change_id)
    if row is None or row["source"] == "git":
        return []
    try:
        from triage.publish import plan_outbox
    except ImportError:  # pragma: no cover - publishing ships with the forge support
        return []
    return plan_outbox(row, verdict, note, verdict_id, store.findings_for(change_id))


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


JSON_COLUMNS = ("parents", "labels", "evidence", "factors", "files", "checklist")


def decode_change(row: dict) -> dict:
    """Decode the JSON columns of a change row in place and return it."""
    for col in JSON_COLUMNS:
        if col in row and isinstance(row[col], str):
            row[col] = json.loads(row[col])
    if "sampled" in row:
        row["sampled"] = bool(row["sampled"])
    return row
