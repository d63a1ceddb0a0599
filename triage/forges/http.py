"""Provides the one HTTP client every forge uses: retries, rate limits, redirects, paging.

Policy:

* Timeouts: connect 5 s, read 30 s, write 30 s, pool 5 s.
* GET, transient failures (connect errors, timeouts, a cut-off or unreadable
  body, 500/502/503/504): exponential backoff with jitter via stamina, at
  most ``attempts`` tries; a ``Retry-After`` on the failure wins.
* Writes are sent once. A failure after the request may have reached the
  forge (timeout, reset, 5xx) raises :class:`Ambiguous`: the caller must look
  for its marker before trying again. Only a failed *connect* is retried.
* Rate limits (403/429): ``Retry-After`` if present, else
  ``x-ratelimit-remaining: 0`` until ``x-ratelimit-reset`` (+1 s), else at
  least 60 s. Waits up to ``rate_limit_max_wait`` go through the injectable
  ``sleep``; longer ones raise :class:`RateLimited` so the caller can persist
  the pause. A response announcing ``remaining: 0`` pauses the next request.
* 401 raises :class:`AuthError`; 403/404 :class:`PermissionDenied` with the
  scopes the forge says it accepts; 400/409/422 :class:`Unprocessable`.
* Redirects are followed by hand, only within the same origin (scheme, host,
  port): GETs on any redirect, writes on 307/308 (which keep method and body;
  a renamed or transferred GitHub repository answers writes with 307). The
  query goes along. A redirect to another host is refused with a one-line
  error, so neither a token nor a post leaves the configured forge.
* Listings follow ``Link: rel="next"`` (or GitLab's ``x-next-page``) only,
  100 per page, deduplicated by id; a page that cannot be read raises
  :class:`ListingIncomplete`, never a short listing.
"""

from __future__ import annotations

import email.utils
import json as jsonlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import stamina

from triage.forges.auth import origin
from triage.forges.cache import BYPASS, CachingTransport
from triage.forges.errors import (
    Ambiguous,
    AuthError,
    ForgeError,
    InsecureURL,
    ListingIncomplete,
    PermissionDenied,
    RateLimited,
    Unavailable,
    Unprocessable,
)
from triage.forges.redact import redact
from triage.sanitize import one_line

log = logging.getLogger("triage.forges.http")

TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
USER_AGENT = "triage/0.1 (+https://github.com/triage-review/triage)"
TRANSIENT_STATUS = frozenset({500, 502, 503, 504})
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass
class RetryPolicy:
    """How hard to try. Tests shrink the waits; the defaults follow the reference policy."""

    attempts: int = 5
    wait_initial: float = 1.0
    wait_max: float = 60.0
    wait_jitter: float = 1.0
    rate_limit_max_wait: float = 300.0
    rate_limit_retries: int = 3
    secondary_wait: float = 60.0


class _RetryableStatus(Exception):
    """A transient status (5xx) or unreadable body on a GET, to be retried."""

    def __init__(self, response: httpx.Response | None, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.response = response
        self.reason = reason
        self.retry_after = retry_after


_NETWORK_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def _transient_hook(exc: Exception) -> bool | float:
    if isinstance(exc, _RetryableStatus):
        return exc.retry_after if exc.retry_after is not None else True
    return isinstance(exc, _NETWORK_ERRORS)


def _connect_hook(exc: Exception) -> bool:
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _header(resp: httpx.Response, *names: str) -> str | None:
    for n in names:
        v = resp.headers.get(n)
        if v is not None:
            return v
    return None


def forge_message(resp: httpx.Response) -> str:
    """The forge's own error text (GitHub, Gitea or GitLab shape), one line, made safe."""
    try:
        data = resp.json()
    except ValueError:
        text = resp.text[:200] if resp.headers.get("content-type", "").startswith("text/") else ""
        return one_line(redact(text), 200) if text else resp.reason_phrase
    parts: list[str] = []
    if isinstance(data, dict):
        msg = data.get("message", data.get("error"))
        if isinstance(msg, (list, tuple)):
            parts.extend(str(m) for m in msg)
        elif isinstance(msg, dict):
            parts.extend(f"{k} {v}" for k, v in msg.items())
        elif msg:
            parts.append(str(msg))
        if data.get("error_description"):
            parts.append(str(data["error_description"]))
        for err in data.get("errors") or []:
            if isinstance(err, dict):
                parts.append(str(err.get("message") or err.get("code") or ""))
            else:
                parts.append(str(err))
    text = "; ".join(p for p in parts if p) or resp.reason_phrase
    return one_line(redact(text), 200)


class Http:
    """A forge HTTP session bound to one API base URL and one credential."""

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth | None,
        *,
        cache_file: Path | None = None,
        credential_hint: str = "",
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        notify: Callable[[str], None] | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        default_headers: dict[str, str] | None = None,
    ):
        self.base_url = httpx.URL(base_url.rstrip("/") + "/")
        self.host = self.base_url.host
        self.auth = auth
        self.credential_hint = credential_hint
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.clock = clock
        self.notify = notify
        self.paused_until = 0.0
        self.requests_sent = 0
        self.on_redirect: list[Callable[[str, httpx.URL, httpx.URL, int], None]] = []
        """Called for every redirect followed: ``(method, from, to, status)``."""
        network = transport or httpx.HTTPTransport(retries=0)
        self._transport = CachingTransport(network, cache_file, timeout)
        headers = {"User-Agent": USER_AGENT}
        headers.update(default_headers or {})
        self.client = httpx.Client(
            transport=self._transport, timeout=timeout, follow_redirects=False, headers=headers,
            event_hooks={"response": [self._log_response]},
        )

    # ------------------------------------------------------------ plumbing

    def close(self) -> None:
        """Close the connection pool and the cache file."""
        self.client.close()

    def __enter__(self) -> "Http":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> httpx.URL:
        """An absolute URL for an API path (``/repos/o/r``) or a full URL (a ``next`` link)."""
        if path.startswith(("http://", "https://")):
            return httpx.URL(path)
        return self.base_url.join(path.lstrip("/"))

    def _log_response(self, response: httpx.Response) -> None:
        log.debug("%s %s -> %s", response.request.method, redact(str(response.request.url)), response.status_code)

    def _say(self, text: str) -> None:
        if self.notify is not None:
            self.notify(text)

    # ------------------------------------------------------------ sending

    def _send(self, method: str, url: httpx.URL, *, params=None, body=None, headers=None,
              bypass: bool = False) -> httpx.Response:
        """One request, following same-origin redirects by hand (see :meth:`_follow`)."""
        extensions = {BYPASS: True} if bypass else {}
        for _hop in range(MAX_REDIRECTS + 1):
            content = None
            hdrs = dict(headers or {})
            if body is not None:
                content = jsonlib.dumps(body).encode()
                hdrs["Content-Type"] = "application/json"
            req = self.client.build_request(method, url, params=params, content=content, headers=hdrs,
                                            extensions=extensions)
            self.requests_sent += 1
            resp = self.client.send(req, auth=self.auth)
            try:
                resp.read()
            finally:
                resp.close()
            if resp.status_code == 304 and not bypass:
                # The cache could not match the 304 (entry evicted): ask again without validators.
                bypass, extensions = True, {BYPASS: True}
                continue
            if resp.status_code in REDIRECTS and "location" in resp.headers:
                url = self._follow(method, url, resp)
                continue
            self._note_rate(resp)
            return resp
        raise ForgeError(f"{method} {url.path}: too many redirects")

    def _follow(self, method: str, url: httpx.URL, resp: httpx.Response) -> httpx.URL:
        """Where a redirect leads, if it may be followed: only to the same origin (so the
        token and the post stay on the forge that was configured), and for a write only on
        307/308, which keep the method and body (GitHub answers a write to a renamed or
        transferred repository with 307; GET gets 301). The query goes along."""
        nxt = url.join(resp.headers["location"])
        if origin(nxt) != origin(url):
            raise ForgeError(f"{method} {url.path} on {self.host}: the forge redirected to {nxt.scheme}://{nxt.host}"
                             f"{'' if nxt.port is None else f':{nxt.port}'}, another host; not followed (a token "
                             "or a post never leaves the configured forge): check the forge URL", resp.status_code)
        if method != "GET" and resp.status_code not in (307, 308):
            raise ForgeError(f"{method} {url.path} on {self.host}: the forge answered a write with a "
                             f"{resp.status_code} redirect, which would turn it into a GET; not followed: check the "
                             "forge URL", resp.status_code)
        for hook in self.on_redirect:
            hook(method, url, nxt, resp.status_code)
        return nxt

    def _note_rate(self, resp: httpx.Response) -> None:
        remaining = _header(resp, "x-ratelimit-remaining", "ratelimit-remaining")
        reset = _header(resp, "x-ratelimit-reset", "ratelimit-reset")
        if remaining == "0" and reset and resp.is_success:
            try:
                self.paused_until = max(self.paused_until, float(reset) + 1.0)
            except ValueError:
                pass

    def rate_limit_until(self, resp: httpx.Response, tries: int = 0) -> float | None:
        """When a 403/429 is a rate limit, the time to wait until; else None.

        Without ``Retry-After`` or ``remaining: 0`` + reset, wait at least a
        minute, doubling on each further hit (``tries``).
        """
        if resp.status_code not in (403, 429):
            return None
        now = self.clock()
        after = parse_retry_after(resp.headers.get("retry-after"), now)
        if after is not None:
            return now + max(after, 1.0)
        remaining = _header(resp, "x-ratelimit-remaining", "ratelimit-remaining")
        reset = _header(resp, "x-ratelimit-reset", "ratelimit-reset")
        if remaining == "0" and reset:
            try:
                return max(float(reset) + 1.0, now + 1.0)
            except ValueError:
                pass
        if resp.status_code == 429 or "rate limit" in forge_message(resp).lower():
            return now + self.policy.secondary_wait * (2 ** min(tries, 6))
        return None

    def _wait_for_pause(self) -> None:
        wait = self.paused_until - self.clock()
        if wait <= 0:
            return
        if wait > self.policy.rate_limit_max_wait:
            raise RateLimited(
                f"{self.host} rate limit: paused until {time.strftime('%H:%M:%S', time.localtime(self.paused_until))}"
                f" ({int(wait)} s); try again then", self.paused_until)
        self._say(f"rate limited by {self.host}; waiting {wait:.0f} s")
        self.sleep(wait)

    def _send_get(self, url: httpx.URL, params, headers, expect_json: bool) -> httpx.Response:
        p = self.policy
        try:
            for attempt in stamina.retry_context(
                on=_transient_hook, attempts=p.attempts, timeout=None, wait_initial=p.wait_initial,
                wait_max=p.wait_max, wait_jitter=p.wait_jitter,
            ):
                with attempt:
                    resp = self._send("GET", url, params=params, headers=headers)
                    if resp.status_code in TRANSIENT_STATUS:
                        raise _RetryableStatus(
                            resp, f"{resp.status_code} {resp.reason_phrase}",
                            parse_retry_after(resp.headers.get("retry-after"), self.clock()))
                    if expect_json and resp.is_success:
                        try:
                            resp.json()
                        except ValueError:
                            raise _RetryableStatus(resp, "an unreadable (cut-off?) JSON body") from None
            return resp
        except _RetryableStatus as exc:
            raise Unavailable(f"GET {url.path} on {self.host}: {exc.reason} after {p.attempts} tries",
                              exc.response.status_code if exc.response is not None else 0) from None
        except _NETWORK_ERRORS as exc:
            raise Unavailable(f"GET {url.path}: cannot reach {self.host} ({_net_reason(exc)}) after "
                              f"{p.attempts} tries") from None

    def _send_write(self, method: str, url: httpx.URL, body, headers) -> httpx.Response:
        p = self.policy
        try:
            for attempt in stamina.retry_context(
                on=_connect_hook, attempts=p.attempts, timeout=None, wait_initial=p.wait_initial,
                wait_max=p.wait_max, wait_jitter=p.wait_jitter,
            ):
                with attempt:
                    resp = self._send(method, url, body=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise Unavailable(f"{method} {url.path}: cannot reach {self.host} ({_net_reason(exc)})") from None
        except _NETWORK_ERRORS as exc:
            raise Ambiguous(f"{method} {url.path} on {self.host}: {_net_reason(exc)} after sending; "
                            "the forge may or may not have applied it") from None
        if resp.status_code >= 500:
            raise Ambiguous(f"{method} {url.path} on {self.host}: {resp.status_code} {resp.reason_phrase}; "
                            "the forge may or may not have applied it", resp.status_code)
        return resp

    def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                accept: str | None = None, expect_json: bool = True) -> httpx.Response:
        """Send a request under the policy above; return a 2xx response or raise a typed error."""
        url = self.url(path)
        headers = {"Accept": accept} if accept else {}
        tries = 0
        while True:
            self._wait_for_pause()
            if method == "GET":
                resp = self._send_get(url, params, headers, expect_json)
            else:
                resp = self._send_write(method, url, json, headers)
            until = self.rate_limit_until(resp, tries)
            if until is None:
                break
            self.paused_until = max(self.paused_until, until)
            tries += 1
            wait = until - self.clock()
            if wait > self.policy.rate_limit_max_wait or tries > self.policy.rate_limit_retries:
                raise RateLimited(
                    f"{self.host} rate limit ({resp.status_code} {forge_message(resp)}): paused until "
                    f"{time.strftime('%H:%M:%S', time.localtime(until))}; try again then", until, resp.status_code)
        self._raise_for(method, url, resp)
        return resp

    def _raise_for(self, method: str, url: httpx.URL, resp: httpx.Response) -> None:
        status = resp.status_code
        if resp.is_success:
            return
        what = f"{method} {url.path} on {self.host}"
        msg = forge_message(resp)
        if status == 401:
            hint = f" (from {self.credential_hint})" if self.credential_hint else ""
            raise AuthError(f"{self.host} refused the token{hint}: 401 {msg}; it is missing, expired or "
                            "revoked, so nothing more was sent", 401)
        if status in (403, 404):
            needed = _header(resp, "x-accepted-github-permissions") or _header(resp, "x-accepted-oauth-scopes") or ""
            has = _header(resp, "x-oauth-scopes")
            extra = ""
            if needed:
                extra = f"; the forge accepts: {one_line(needed, 120)}"
                if has is not None:
                    extra += f" (the token has: {one_line(has, 120) or 'none'})"
            elif status == 404:
                extra = "; not found, or not visible to this token"
            raise PermissionDenied(f"{what}: {status} {msg}{extra}", status, needed)
        if status in (400, 409, 422):
            raise Unprocessable(f"{what}: {status} {msg}", status)
        if status >= 500:
            raise Unavailable(f"{what}: {status} {msg}", status)
        raise ForgeError(f"{what}: {status} {msg}", status)

    # ------------------------------------------------------------ helpers

    def get_json(self, path: str, params: dict | None = None, accept: str | None = None) -> Any:
        """GET and decode JSON."""
        return self.request("GET", path, params=params, accept=accept).json()

    def get_bytes(self, path: str, accept: str, params: dict | None = None) -> bytes:
        """GET a non-JSON body (a diff, a raw file)."""
        return self.request("GET", path, params=params, accept=accept, expect_json=False).content

    def post_json(self, path: str, body: Any, method: str = "POST") -> Any:
        """Send a write once (see the module doc) and decode the JSON answer."""
        resp = self.request(method, path, json=body)
        try:
            return resp.json() if resp.content else {}
        except ValueError:
            return {}

    def paginate(
        self,
        path: str,
        params: dict | None = None,
        *,
        per_page_param: str = "per_page",
        per_page: int = 100,
        item_id: Callable[[dict], Any] = lambda item: item.get("id"),
        accept: str | None = None,
    ) -> Iterator[dict]:
        """Every item of a listing, following ``rel="next"`` only; deduplicated by ``item_id``.

        Raises :class:`ListingIncomplete` when a page cannot be read (after
        retries); auth, permission and rate-limit errors pass through as is.
        """
        query = dict(params or {})
        query[per_page_param] = per_page
        url: str | None = path
        seen: set = set()
        page = 0
        while url:
            page += 1
            try:
                resp = self.request("GET", url, params=query if page == 1 else None, accept=accept)
                items = resp.json()
            except Unavailable as exc:
                raise ListingIncomplete(f"the listing {self.url(path).path} is incomplete: page {page} "
                                        f"could not be read ({exc})", exc.status) from None
            if not isinstance(items, list):
                raise ListingIncomplete(f"the listing {self.url(path).path} is incomplete: page {page} "
                                        "is not a list")
            for item in items:
                key = item_id(item) if isinstance(item, dict) else None
                if key is not None:
                    if key in seen:
                        continue
                    seen.add(key)
                yield item
            url = next_page_url(resp)


def next_page_url(resp: httpx.Response) -> str | None:
    """The next page: ``Link: rel="next"``, else GitLab's ``x-next-page`` on the same URL."""
    nxt = resp.links.get("next", {}).get("url")
    if nxt:
        return str(resp.request.url.join(nxt))
    x_next = resp.headers.get("x-next-page", "").strip()
    if x_next.isdigit():
        return str(resp.request.url.copy_set_param("page", x_next))
    return None


def _net_reason(exc: BaseException) -> str:
    name = type(exc).__name__
    return {"ConnectError": "connection refused or DNS failure", "ConnectTimeout": "connect timeout",
            "ReadTimeout": "read timeout", "WriteTimeout": "write timeout", "PoolTimeout": "pool timeout",
            "RemoteProtocolError": "connection dropped", "ReadError": "connection reset",
            "WriteError": "connection reset"}.get(name, name)
