"""Provides the store's connection: a SQLite file (WAL, explicit migrations, append-only verdicts) or a
PostgreSQL URL (:mod:`triage.store.engine`).

Durability choices:

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

import os
import sqlite3
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Self

if TYPE_CHECKING:  # sqlite_utils costs ~0.3 s to import: only migrations need it
    import sqlite_utils

from triage.errors import TriageError, describe_os_error
from triage.store.engine import SQLITE, PgConnection, describe_pg_error, is_postgres_url, shown_url
from triage.store.migrations import RepoKey, apply_migrations, pending_migrations

BUSY_TIMEOUT_S = 15.0

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


class Connection:
    """One connection to the triage database (SQLite or PostgreSQL): opening, migrating, transactions, reads."""

    def __init__(self, path: Path | str, *, migrate: bool = True, repo_key: RepoKey | None = None):
        """Open ``path`` (a file or a PostgreSQL URL) and, with ``migrate``, apply pending migrations;
        ``repo_key`` names a clone's repository for them (see :data:`~triage.store.migrations.RepoKey`)."""
        if is_postgres_url(path):
            self._open_postgres(str(path), migrate, repo_key)
            return
        if isinstance(path, str) and "://" in path:
            raise TriageError(f"database {path.split('://', 1)[0]}://… is not a kind triage opens: give a file path "
                              "(SQLite) or a postgresql:// URL")
        self.dialect = SQLITE
        self._errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
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
                        apply_migrations(conn, repo_key=repo_key)
            except sqlite3.Error as exc:
                raise TriageError(describe_sqlite_error(exc, self.path)) from None

    def _open_postgres(self, url: str, migrate: bool, repo_key: RepoKey | None = None) -> None:
        """Connect to the PostgreSQL database at ``url`` and apply pending migrations (one process at a time)."""
        import psycopg

        self.dialect = PgConnection.dialect
        self._errors = (psycopg.Error,)
        self.path = url
        try:
            self.conn = PgConnection(url)
        except psycopg.Error as exc:
            raise TriageError(describe_pg_error(exc, url)) from None
        if migrate:
            try:
                if pending_migrations(self.conn):
                    with self.write():
                        self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('triage migrations'))")
                        apply_migrations(self.conn, repo_key=repo_key)
            except psycopg.Error as exc:
                raise TriageError(describe_pg_error(exc, url)) from None

    def _describe(self, exc: BaseException) -> str:
        if self.dialect is SQLITE:
            return describe_sqlite_error(exc, self.path)
        return describe_pg_error(exc, str(self.path))

    @property
    def shown_path(self) -> str:
        """The database as messages name it (a PostgreSQL URL without its password)."""
        return shown_url(self.path) if isinstance(self.path, str) else str(self.path)

    # ---------------------------------------------------------------- plumbing

    @property
    def db(self) -> "sqlite_utils.Database":
        """A sqlite-utils view of the same connection (imported on first use; SQLite only)."""
        import sqlite_utils

        if self.dialect is not SQLITE:
            raise TriageError("this needs a SQLite database; the PostgreSQL store has no sqlite-utils view")

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction (``BEGIN`` on PostgreSQL); commits on success, rolls back on error.

        Database errors leave as :class:`TriageError` with a one-line message.
        """
        errors = self._errors
        try:
            self.conn.execute("BEGIN IMMEDIATE" if self.dialect is SQLITE else "BEGIN")
        except errors as exc:
            raise TriageError(self._describe(exc)) from None
        try:
            yield self.conn
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, errors):
                raise TriageError(self._describe(exc)) from None
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except errors as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise TriageError(self._describe(exc)) from None

    def query(self, sql: str, params: Iterable[Any] | dict = ()) -> list[dict]:
        """Rows of a read query as dicts."""
        try:
            cur = self.conn.execute(sql, params)
        except self._errors as exc:
            raise TriageError(self._describe(exc)) from None
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    def integrity_ok(self) -> bool:
        """True when ``PRAGMA integrity_check`` reports ``ok`` (PostgreSQL checks its own pages:
        True when the database answers)."""
        if self.dialect is not SQLITE:
            return self.conn.execute("SELECT 1").fetchone()[0] == 1
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

