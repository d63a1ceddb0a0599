"""Provides the HTTP cache: hishel 1.x over SQLite, for conditional GETs.

* Every GET is revalidated (``Cache-Control: no-cache`` on the request): the
  cache never answers from memory alone, so a listing is never stale. With a
  stored entry hishel sends ``If-None-Match``; a ``304`` costs no rate limit
  and hands back the stored body. With no stored entry, no validator is sent.
* The cache key is the URL, the ``Accept`` header and a digest of the
  credential, so two identities (or a JSON and a diff view of one URL) never
  share an entry.
* Credential headers are stripped from the request before an entry is
  stored: the cache file never holds a token.
* Only GETs go through the cache; writes go straight to the network.

The cache file lives next to the database (``triage.httpcache.db`` beside
``triage.db``) and is created with mode 0600.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import uuid
from dataclasses import replace
from pathlib import Path

import httpx
from hishel import CacheOptions, Headers, Request, SpecificationPolicy, SyncBaseStorage, SyncSqliteStorage
from hishel.httpx import SyncCacheTransport

SECRET_HEADERS = frozenset({"authorization", "private-token", "cookie", "proxy-authorization"})
BYPASS = "triage_bypass_cache"
"""Request extension: send this GET straight to the network."""

DEFAULT_TTL_S = 30 * 86400.0


def cache_path_for(db_path: Path | str) -> Path | None:
    """Where the HTTP cache of a database lives (None for an in-memory database)."""
    if str(db_path) == ":memory:" or "://" in str(db_path):
        return None  # in memory, or a database server (PostgreSQL): no file to sit beside
    p = Path(db_path)
    return p.with_name(f"{p.stem}.httpcache{p.suffix or '.db'}")


def _ensure_private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass


def _strip(request: Request) -> Request:
    kept = {k: v for k, v in request.headers.items() if k.lower() not in SECRET_HEADERS}
    return replace(request, headers=Headers(kept))


class SecretFreeStorage(SyncBaseStorage):
    """A hishel storage that never writes credential headers (delegates to SQLite)."""

    def __init__(self, inner: SyncBaseStorage):
        self.inner = inner

    def create_entry(self, request, response, key, id_: uuid.UUID | None = None):
        return self.inner.create_entry(_strip(request), response, key, id_)

    def get_entries(self, key):
        return self.inner.get_entries(key)

    def update_entry(self, id, new_entry):  # noqa: A002 - hishel's signature
        return self.inner.update_entry(id, new_entry)

    def remove_entry(self, id) -> None:  # noqa: A002 - hishel's signature
        self.inner.remove_entry(id)

    def close(self) -> None:
        self.inner.close()


def _identity(request: Request) -> str:
    cred = request.headers.get("authorization") or request.headers.get("private-token") or ""
    return hashlib.sha256(cred.encode("utf-8", "replace")).hexdigest() if cred else "anonymous"


def _cache_key(request: Request) -> str:
    accept = request.headers.get("accept", "")
    return hashlib.sha256(f"{request.url}\n{accept}\n{_identity(request)}".encode()).hexdigest()


class _KeepTimeouts(httpx.BaseTransport):
    """Re-applies the client's timeouts, which hishel drops when it rebuilds a request."""

    def __init__(self, inner: httpx.BaseTransport, timeout: httpx.Timeout):
        self.inner = inner
        self.timeout = timeout.as_dict()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions = {**request.extensions, "timeout": request.extensions.get("timeout") or self.timeout}
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class CachingTransport(httpx.BaseTransport):
    """Routes GETs through hishel (keyed as described above) and everything else straight on."""

    def __init__(self, network: httpx.BaseTransport, cache_file: Path | None, timeout: httpx.Timeout):
        self.network = network
        if cache_file is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            inner = SyncSqliteStorage(connection=conn, default_ttl=DEFAULT_TTL_S)
        else:
            _ensure_private(cache_file)
            # Our own connection: hishel would otherwise drop a ".gitignore" beside the file.
            conn = sqlite3.connect(str(cache_file), check_same_thread=False, timeout=5.0)
            inner = SyncSqliteStorage(connection=conn, default_ttl=DEFAULT_TTL_S)
        self.storage = SecretFreeStorage(inner)
        self.cached = SyncCacheTransport(
            next_transport=_KeepTimeouts(network, timeout),
            storage=self.storage,
            policy=SpecificationPolicy(cache_options=CacheOptions(shared=False)),
        )
        # hishel 1.x keys entries by URL only and offers no public hook; key by URL, Accept and identity.
        # (Pinned hishel>=1.3,<2; test_forge_http checks that two identities never share an entry.)
        self.cached._cache_proxy._get_key_for_request = _cache_key

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and not request.extensions.get(BYPASS):
            request.headers["Cache-Control"] = "no-cache"
            return self.cached.handle_request(request)
        return self.network.handle_request(request)

    def close(self) -> None:
        self.network.close()
        self.storage.close()
