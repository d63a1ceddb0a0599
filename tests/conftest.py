"""Shared fixtures: the demo repository (built once) and a fresh copy of its database per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DEMO_SECRET = b"triage-demo-sampling-secret-31673"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep every test away from the real user's config, data and sampling secret."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("TRIAGE_DB", raising=False)
    monkeypatch.delenv("TRIAGE_CONFIG", raising=False)
    monkeypatch.setenv("TRIAGE_SAMPLING_SECRET", "test-sampling-secret")


@pytest.fixture(scope="module")
def isolated_git_config(tmp_path_factory):
    """Keep the user's global/system git config (attributes!) out of a module's tests."""
    import pygit2
    from pygit2.enums import ConfigLevel

    empty = str(tmp_path_factory.mktemp("gitconfig"))
    levels = (ConfigLevel.GLOBAL, ConfigLevel.XDG, ConfigLevel.SYSTEM)
    saved = {lvl: pygit2.settings.search_path[lvl] for lvl in levels}
    for lvl in levels:
        pygit2.settings.search_path[lvl] = empty
    yield
    for lvl, value in saved.items():
        pygit2.settings.search_path[lvl] = value


@pytest.fixture(scope="session")
def demo_secret() -> bytes:
    """The sampling secret the demo database was ingested with (to ingest the demo elsewhere alike)."""
    return DEMO_SECRET


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> tuple[Path, Path]:
    """The demo repository and a database with it ingested (``--all``), built once."""
    from triage.demo import build
    from triage.ingest import ingest
    from triage.store import Store

    root = tmp_path_factory.mktemp("demo")
    repo = build(root / "shopapi")
    db = root / "demo.db"
    with Store(db) as store:
        ingest(store, repo, include_all=True, secret=DEMO_SECRET)
    return repo, db


@pytest.fixture
def demo(demo_build, tmp_path) -> tuple[Path, Path]:
    """``(repo, db)``: the shared demo repository and a private copy of its database."""
    repo, db = demo_build
    copy = tmp_path / "demo.db"
    shutil.copyfile(db, copy)
    return repo, copy


# ---------------------------------------------------------------- PostgreSQL

@pytest.fixture(scope="session")
def pg_server():
    """The admin DSN of a PostgreSQL server for the session: ``TRIAGE_TEST_PG`` if set, else a
    throwaway one (:mod:`tests.pgserver`), stopped at the end. Under ``CI=true`` a server that
    cannot start fails the tests that need it; elsewhere they are skipped with the reason."""
    import os

    dsn = os.environ.get("TRIAGE_TEST_PG")
    if dsn:
        yield dsn
        return
    from pgserver import PgServer, PgServerError

    try:
        server = PgServer()
    except PgServerError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs a PostgreSQL server for the PostgreSQL store tests: {exc}")
        pytest.skip(f"no PostgreSQL server for the PostgreSQL store tests: {exc}")
    yield server.dsn
    server.stop()


_pg_databases = iter(range(1, 1_000_000))


@pytest.fixture
def pg_url(pg_server):
    """The URL of a new, empty PostgreSQL database on :func:`pg_server` (dropped after the test)."""
    import os

    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    name = f"triage_test_{os.getpid()}_{next(_pg_databases)}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    from urllib.parse import quote

    params = conninfo_to_dict(pg_server)
    login = quote(params.get("user", ""), safe="")
    if params.get("password"):
        login += ":" + quote(params["password"], safe="")
    url = f"postgresql://{login}@{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}/{name}"
    yield url
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request, tmp_path):
    """Where a store test opens its database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "t.db"
    return request.getfixturevalue("pg_url")
