"""Provides the store: a SQLite file (WAL, explicit migrations, append-only verdicts) or, for a team's
one live queue, a PostgreSQL database (``postgresql://…``; :mod:`triage.store.engine` is the seam).

Every SQL statement of triage lives in this package (a test greps for any
outside it). :class:`Store` is one connection with one mixin per group of
tables: ``changes`` (changes, findings, ingest heads, the queue's read),
``verdicts`` (verdicts, checklist answers, viewed files, review time),
``outbox`` (the forge posts verdicts owe), ``forge`` (remotes, sync cursors),
``team`` (assignments, escapes), ``reports`` (controls and digest reads);
``migrations`` holds the schema, ``rows`` the shapes rows leave in. The store
decides nothing: what a verdict posts is the forges' business
(:mod:`triage.forges.publish`), passed in by :mod:`triage.services`.

The durability choices (WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE``, mode 0600,
append-only verdicts) are listed in :mod:`triage.store.connection`.

One :class:`Store` (one connection) per thread: sqlite3 refuses use from
another thread, and workers open their own (a psycopg connection is used the same way).
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
