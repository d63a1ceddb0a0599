"""Provides the SQLite store: one file, WAL, explicit migrations, append-only verdicts.

Every SQL statement of triage lives in this package (a test greps for any
outside it). :class:`Store` is one connection with one mixin per group of
tables: ``changes`` (changes, findings, ingest heads, the queue's read),
``verdicts`` (verdicts, checklist answers, viewed files, review time),
``outbox`` (the forge posts verdicts owe), ``forge`` (remotes, sync cursors),
``team`` (assignments, escapes), ``reports`` (controls and digest reads);
``migrations`` holds the schema, ``rows`` the shapes rows leave in. The store
decides nothing: what a verdict posts is the forges' business
(:mod:`triage.forges.publish`), passed in by :mod:`triage.services`.

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

from triage.store.changes import QUEUE_COLUMNS, ChangesTable, QueueReads
from triage.store.connection import BUSY_TIMEOUT_S, FRESH_EMPTY_S, Connection, describe_sqlite_error
from triage.store.forge import ForgeTable
from triage.store.migrations import MIGRATION_SET, apply_migrations, migrations, pending_migrations, rekey_repo
from triage.store.outbox import OutboxTable
from triage.store.reports import ReportsTable
from triage.store.rows import JSON_COLUMNS, AssignmentRow, decode_change
from triage.store.team import IDENTITY_COLUMNS, TeamTable
from triage.store.verdicts import PlanPosts, VerdictsTable

__all__ = [
    "BUSY_TIMEOUT_S", "FRESH_EMPTY_S", "IDENTITY_COLUMNS", "JSON_COLUMNS", "MIGRATION_SET", "QUEUE_COLUMNS",
    "AssignmentRow", "PlanPosts", "Store", "apply_migrations", "decode_change",
    "describe_sqlite_error", "migrations", "pending_migrations", "rekey_repo",
]


class Store(ChangesTable, QueueReads, VerdictsTable, OutboxTable, ForgeTable, TeamTable, ReportsTable, Connection):
    """The triage database. Open one per thread; use :meth:`write` for every write."""
