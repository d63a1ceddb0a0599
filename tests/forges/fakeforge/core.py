"""The HTTP plumbing every fake forge shares: a real server on 127.0.0.1, state, faults.

* A ``ThreadingHTTPServer`` on an ephemeral loopback port, HTTP/1.1 with
  keep-alive, in a daemon thread.
* Every request is recorded (method, path, query, headers, body); tests
  assert on what arrived and on what did not (e.g. a token on another host).
* GET answers carry an ``ETag``; ``If-None-Match`` with the current tag gets
  a ``304`` that costs no rate limit. Every other answer decrements the
  forge's rate-limit counter, reported in its own header dialect.
* Faults, matched by method and path regex, each for ``times`` requests after
  skipping ``after`` of them: ``status`` (5xx burst, optional Retry-After),
  ``rate429``, ``rate403`` (primary: remaining 0 + reset), ``secondary``
  (403 with a rate-limit message and no headers), ``slow`` (delay, then
  answer), ``truncate`` (Content-Length promised, half the body sent, then
  the connection closed), ``unauthorized`` (401), ``forbidden`` (403 with the
  accepted scopes), ``drop_after_commit`` (a write is applied, then the
  connection is closed unanswered), ``error_after_commit`` (applied, then 502),
  ``redirect`` (302 to ``location``: a path on this server, or another
  origin), ``force304`` (a 304 whatever the request's validators).
* ``rename(old, new)`` renames or transfers a repository; requests for the
  old name then get the forge's own redirect (GitHub 301 for GET / 307 for
  writes to ``/repositories/ID``; Gitea 307 to the new path; GitLab 301 for
  GET to ``/projects/ID``, 405 for writes).
* ``post_delay``: every write is applied and then answered only after this
  many seconds (so a killed client dies between commit and answer).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class Fault:
    """One injected misbehaviour (see the module doc)."""

    kind: str
    method: str = "*"
    path: str = ".*"
    times: int = 1
    after: int = 0
    status: int = 502
    retry_after: str | None = None
    delay: float = 0.0
    reset_in: float = 30.0
    location: str = ""
    seen: int = 0
    fired: int = 0

    def take(self, method: str, path: str) -> bool:
        if self.method not in ("*", method) or not re.search(self.path, path):
            return False
        if self.fired >= self.times:
            return False
        self.seen += 1
        if self.seen <= self.after:
            return False
        self.fired += 1
        return True


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    headers: dict
    body: Any
    status: int = 0


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


class Request:
    """A parsed request as route handlers see it."""

    def __init__(self, method: str, path: str, query: dict, headers: dict, body: Any, user: str | None,
                 base: str):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.user = user
        self.base = base

    def q(self, name: str, default: str | None = None) -> str | None:
        vals = self.query.get(name)
        return vals[0] if vals else default


class FakeForge:
    """A stateful fake forge. Subclasses define auth, error shapes, headers and routes."""

    prefix = ""
    per_page_param = "per_page"
    per_page_default = 30
    per_page_max = 100
    weak_etags = False

    def __init__(self, token: str, login: str = "triage-bot"):
        self.tokens = {token: login}
        self.login = login
        self.lock = threading.RLock()
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self.rate_limit = 5000
        self.rate_remaining = 5000
        self.rate_reset = int(time.time()) + 3600
        self.post_delay = 0.0
        self.not_modified = 0
        self.repos: dict = {}
        self.next_id = 1000
        self.routes: list[tuple[str, re.Pattern, Callable]] = []
        self.validation_errors: list[str] = []
        self.moved: dict[str, str] = {}
        """Old full name -> new one, for repositories renamed or transferred (see :meth:`rename`)."""
        self._server: ThreadingHTTPServer | None = None
        self.register_routes()

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> "FakeForge":
        app = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True
            wbufsize = 1 << 16

            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):
                app.handle(self)

            def do_POST(self):
                app.handle(self)

            def do_PUT(self):
                app.handle(self)

            def do_PATCH(self):
                app.handle(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # a killed client resets; that is expected
                import sys

                if not isinstance(sys.exc_info()[1], (ConnectionError, OSError)):
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def origin(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """What a user passes as ``--url``."""
        return self.origin

    @property
    def api(self) -> str:
        return self.origin + self.prefix

    # ---------------------------------------------------------------- helpers for tests

    def fault(self, kind: str, **kw) -> Fault:
        f = Fault(kind, **kw)
        with self.lock:
            self.faults.append(f)
        return f

    def new_id(self) -> int:
        with self.lock:
            self.next_id += 1
            return self.next_id

    def route(self, method: str, pattern: str, fn: Callable) -> None:
        self.routes.append((method, re.compile("^" + pattern + "$"), fn))

    def repo_id(self, full: str) -> int:
        """The numeric id of a repository (stable across renames)."""
        repo = self.repos[full]
        if not getattr(repo, "forge_id", 0):
            repo.forge_id = 4242 + sum(1 for r in self.repos.values() if getattr(r, "forge_id", 0))
        return repo.forge_id

    def repo_by_id(self, rid: int):
        return next((r for r in self.repos.values() if getattr(r, "forge_id", 0) == rid), None)

    def current_name(self, full: str) -> str | None:
        """Where a renamed repository lives now (following renames of renames), or None."""
        seen = set()
        while full in self.moved and full not in self.repos and full not in seen:
            seen.add(full)
            full = self.moved[full]
        return full if full in self.repos and seen else None

    def rename(self, old: str, new: str) -> None:
        """Rename or transfer a repository, as the forge's settings page does: the old name
        redirects (each forge in its own way, see ``moved_reply``) until it is reused."""
        with self.lock:
            self.repo_id(old)
            repo = self.repos.pop(old)
            repo.full_name = new
            self.repos[new] = repo
            self.moved[old] = new
            for store in vars(self).values():
                if not isinstance(store, dict) or store is self.repos or store is self.moved:
                    continue
                for key in [k for k in store if k == old or (isinstance(k, tuple) and k and k[0] == old)]:
                    store[new if key == old else (new, *key[1:])] = store.pop(key)

    def moved_reply(self, method: str, path: str, query: str) -> Reply | None:
        """The forge's answer to a request for a renamed repository's old name (subclasses)."""
        return None

    def rewrite(self, path: str) -> str:
        """Map id-addressed paths (``/repositories/ID/…``, ``/projects/ID/…``) onto routes (subclasses)."""
        return path

    def requests_to(self, method: str, pattern: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.search(pattern, r.path)]

    # ---------------------------------------------------------------- subclass hooks

    def register_routes(self) -> None:
        raise NotImplementedError

    def authenticate(self, headers: dict) -> str | None:
        raise NotImplementedError

    def error(self, status: int, message: str) -> Reply:
        return Reply(status, {"message": message})

    def rate_headers(self) -> dict:
        return {"x-ratelimit-limit": str(self.rate_limit), "x-ratelimit-remaining": str(self.rate_remaining),
                "x-ratelimit-reset": str(self.rate_reset), "x-ratelimit-used": str(self.rate_limit - self.rate_remaining)}

    def fault_reply(self, f: Fault) -> Reply | None:
        now = time.time()
        if f.kind == "status":
            h = {"Retry-After": f.retry_after} if f.retry_after else {}
            return Reply(f.status, {"message": "Server Error"}, h)
        if f.kind == "rate429":
            h = {"Retry-After": f.retry_after} if f.retry_after is not None else {}
            return Reply(429, {"message": "Too Many Requests"}, h)
        if f.kind == "rate403":
            h = {**self.rate_headers(), "x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(now + f.reset_in))}
            return Reply(403, {"message": "API rate limit exceeded for user."}, h)
        if f.kind == "secondary":
            h = {"Retry-After": f.retry_after} if f.retry_after is not None else {}
            return Reply(403, {"message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                                          "before you try again."}, h)
        if f.kind == "redirect":
            return Reply(302, None, {"Location": f.location})
        if f.kind == "force304":
            return Reply(304, None, {"ETag": '"stale"'})
        if f.kind == "unauthorized":
            return self.error(401, "Bad credentials")
        if f.kind == "forbidden":
            return Reply(403, {"message": "Resource not accessible by personal access token"},
                         {"X-Accepted-OAuth-Scopes": "repo", "X-OAuth-Scopes": "read:org"})
        return None

    # ---------------------------------------------------------------- pagination

    def paginate(self, req: Request, items: list) -> Reply:
        try:
            per = int(req.q(self.per_page_param, str(self.per_page_default)))
        except ValueError:
            per = self.per_page_default
        per = max(1, min(per, self.per_page_max))
        try:
            page = max(1, int(req.q("page", "1")))
        except ValueError:
            page = 1
        total = len(items)
        pages = max(1, -(-total // per))
        chunk = items[(page - 1) * per: page * per]
        headers = self.page_headers(req, page, pages, per, total)
        return Reply(200, chunk, headers)

    def page_link(self, req: Request, page: int) -> str:
        q = {k: v[0] for k, v in req.query.items()}
        q["page"] = str(page)
        return f"{self.origin}{self.prefix}{req.path}?{urlencode(q)}"

    def page_headers(self, req: Request, page: int, pages: int, per: int, total: int) -> dict:
        links = []
        if page < pages:
            links.append(f'<{self.page_link(req, page + 1)}>; rel="next"')
            links.append(f'<{self.page_link(req, pages)}>; rel="last"')
        if page > 1:
            links.append(f'<{self.page_link(req, 1)}>; rel="first"')
            links.append(f'<{self.page_link(req, page - 1)}>; rel="prev"')
        return {"Link": ", ".join(links)} if links else {}

    # ---------------------------------------------------------------- dispatch

    def _read_body(self, h: BaseHTTPRequestHandler) -> Any:
        n = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(n) if n else b""
        if len(raw) < n:
            raise ConnectionResetError("the client went away mid-request")  # never half-apply a request
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        method = h.command
        headers = {k.lower(): v for k, v in h.headers.items()}
        body = self._read_body(h)
        query = parse_qs(parts.query, keep_blank_values=True)
        rec = Recorded(method, parts.path, query, headers, body)
        with self.lock:
            self.requests.append(rec)
        path = parts.path
        if not path.startswith(self.prefix):
            return self._send(h, rec, self.error(404, "Not Found"))
        path = path[len(self.prefix):] or "/"
        # faults that answer before anything happens
        post_commit = None
        truncate = False
        with self.lock:
            active = [f for f in self.faults if f.take(method, path)]
        for f in active:
            if f.kind == "slow":
                time.sleep(f.delay)
            elif f.kind == "truncate":
                truncate = True
            elif f.kind in ("drop_after_commit", "error_after_commit"):
                post_commit = f.kind
            else:
                reply = self.fault_reply(f)
                if reply is not None:
                    if f.kind == "redirect" and f.location.startswith("/"):
                        reply.headers["Location"] = f.location
                    elif f.kind == "redirect":
                        reply.headers["Location"] = f.location + h.path
                    if f.kind not in ("unauthorized", "status", "redirect", "force304"):
                        self._spend()
                    return self._send(h, rec, reply)
        user = self.authenticate(headers)
        if user is None:
            return self._send(h, rec, self.error(401, "Bad credentials"))
        with self.lock:
            moved = self.moved_reply(method, path, parts.query)
            path = self.rewrite(path)
        if moved is not None:
            return self._send(h, rec, moved)
        req = Request(method, path, query, headers, body, user, self.origin + self.prefix)
        for m, pat, fn in self.routes:
            match = pat.match(path)
            if m == method and match:
                with self.lock:
                    reply = fn(req, **match.groupdict())
                break
        else:
            reply = self.error(404, "Not Found")
        if method != "GET":
            if post_commit == "drop_after_commit":
                rec.status = -1
                h.close_connection = True
                try:
                    h.connection.shutdown(2)
                except OSError:
                    pass
                return None
            if post_commit == "error_after_commit":
                return self._send(h, rec, Reply(502, {"message": "Bad Gateway"}))
            if self.post_delay:
                time.sleep(self.post_delay)
        return self._send(h, rec, reply, truncate=truncate)

    def _spend(self) -> None:
        with self.lock:
            self.rate_remaining = max(0, self.rate_remaining - 1)

    def etag(self, data: bytes, accept: str) -> str:
        tag = hashlib.sha1(data + b"\0" + accept.encode()).hexdigest()
        return f'W/"{tag}"' if self.weak_etags else f'"{tag}"'

    def _send(self, h: BaseHTTPRequestHandler, rec: Recorded, reply: Reply, truncate: bool = False) -> None:
        if isinstance(reply.body, (bytes, bytearray)):
            data = bytes(reply.body)
        elif reply.body is None:
            data = b""
        else:
            data = json.dumps(reply.body).encode()
        headers = dict(reply.headers)
        status = reply.status
        if rec.method == "GET" and status == 200:
            tag = self.etag(data, rec.headers.get("accept", ""))
            headers["ETag"] = tag
            headers.setdefault("Cache-Control", "private, max-age=60, s-maxage=60")
            headers.setdefault("Vary", "Accept, Authorization, Cookie")
            inm = rec.headers.get("if-none-match")
            if inm and tag in [t.strip() for t in inm.split(",")]:
                status, data = 304, b""
                with self.lock:
                    self.not_modified += 1
        if status != 304 and status != 401 and not (rec.method == "GET" and rec.path == "/rate_limit"):
            self._spend()
        for k, v in self.rate_headers().items():
            headers.setdefault(k, v)
        rec.status = status
        try:
            h.send_response(status)
            if status != 304:
                ctype = reply.content_type if not isinstance(reply.body, (bytes, bytearray)) else \
                    headers.pop("Content-Type", "text/plain; charset=utf-8")
                h.send_header("Content-Type", ctype)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            if truncate and data:
                h.wfile.write(data[: len(data) // 2])
                h.wfile.flush()
                h.close_connection = True
                h.connection.shutdown(2)
                return
            if data and status != 304:
                h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, OSError):
            h.close_connection = True
