"""Provides credentials: base-URL checks, token discovery and origin-bound auth.

Rules:

* a token is only ever sent over https, or plain http to a loopback host
  (127.0.0.0/8, ::1, ``localhost``); base URLs with userinfo are refused;
* a token never goes into a URL, the database, a log or a posted body;
* :class:`OriginAuth` adds the credential only to requests for the configured
  origin (scheme, host, port), so neither ``Authorization`` nor GitLab's
  ``PRIVATE-TOKEN`` follows a redirect to another host.

Token discovery follows each forge's own CLI: see :func:`discover_token`.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping

import httpx

from triage.forges.errors import InsecureURL
from triage.forges.redact import register_secret
from triage.errors import TriageError

GH_CLI_TIMEOUT_S = 5.0
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: httpx.URL | str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of a URL, with the default port filled in."""
    u = httpx.URL(url)
    return u.scheme, u.host.lower(), u.port or _DEFAULT_PORTS.get(u.scheme, 0)


def check_base_url(url: str) -> httpx.URL:
    """Parse a forge base URL, refusing anything that could leak a token.

    Raises :class:`InsecureURL` for userinfo, schemes other than http(s), and
    plain http to a host that is not loopback.
    """
    try:
        u = httpx.URL(url.strip())
    except Exception:  # noqa: BLE001 - httpx raises several types for junk
        raise InsecureURL(f"not a valid URL: {url!r}") from None
    if u.scheme not in ("http", "https") or not u.host:
        raise InsecureURL(f"forge URL must be https://HOST[/PATH], not {url!r}")
    if u.userinfo:
        raise InsecureURL("forge URL must not contain a user name or password; use a token in the environment")
    if u.scheme == "http" and not is_loopback(u.host):
        raise InsecureURL(
            f"refusing to send a token over plain http to {u.host}; use https:// (plain http is allowed "
            "only for 127.0.0.1, ::1 and localhost)")
    if u.query or u.fragment:
        raise InsecureURL(f"forge URL must not carry a query or fragment: {url!r}")
    return u


class OriginAuth(httpx.Auth):
    """Adds one credential header, only to requests for one origin.

    The secret is kept out of ``repr`` and registered for log redaction.
    """

    def __init__(self, base_url: httpx.URL | str, header: str, value: str):
        self._origin = origin(base_url)
        self._header = header
        self._value = value
        register_secret(value)

    def __repr__(self) -> str:
        return f"OriginAuth(origin={self._origin!r}, header={self._header!r}, value=[REDACTED])"

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if origin(request.url) == self._origin:
            if request.url.scheme != "https" and not is_loopback(request.url.host):
                raise InsecureURL(f"refusing to send a token over plain http to {request.url.host}")
            request.headers[self._header] = self._value
        yield request


@dataclass(frozen=True)
class Credential:
    """A token and where it came from (``GH_TOKEN``, ``gh auth token``, …); never printed."""

    token: str
    source: str

    def __repr__(self) -> str:
        return f"Credential(source={self.source!r}, token=[REDACTED])"


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if any(ord(c) < 0x21 or ord(c) > 0x7E for c in value):
        raise TriageError("the token contains spaces or control characters; check the environment variable")
    return value


def gh_cli_token(hostname: str, run: Callable = subprocess.run) -> str | None:
    """``gh auth token --hostname HOST``, or None when gh is absent, fails or times out."""
    exe = shutil.which("gh")
    if exe is None:
        return None
    try:
        out = run([exe, "auth", "token", "--hostname", hostname], capture_output=True, text=True,
                  timeout=GH_CLI_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    try:
        return _clean(out.stdout)
    except TriageError:
        return None


def is_github_dotcom(host: str) -> bool:
    """True for github.com, api.github.com and GHE.com data-residency hosts."""
    host = host.lower()
    return host in ("github.com", "api.github.com") or host.endswith(".ghe.com")


def discover_token(
    kind: str,
    host: str,
    env: Mapping[str, str] | None = None,
    gh_token: Callable[[str], str | None] = gh_cli_token,
) -> Credential:
    """Find the token for ``kind`` (github, gitea, gitlab) at ``host``, as the forge CLIs do.

    * GitHub (github.com, ghe.com): ``GH_TOKEN``, ``GITHUB_TOKEN``, then
      ``gh auth token --hostname github.com``.
    * GitHub Enterprise Server: ``GH_ENTERPRISE_TOKEN``, ``GITHUB_ENTERPRISE_TOKEN``,
      then ``gh auth token --hostname HOST``; for a loopback host (a local
      proxy or test server) ``GH_TOKEN``/``GITHUB_TOKEN`` last.
    * Gitea/Forgejo: ``GITEA_TOKEN``, then ``FORGEJO_TOKEN``.
    * GitLab: ``GITLAB_TOKEN``, then ``GITLAB_ACCESS_TOKEN``.

    Raises a one-line :class:`TriageError` naming what to set when none is found.
    """
    env = os.environ if env is None else env
    if kind == "github":
        if is_github_dotcom(host):
            names, gh_host = ["GH_TOKEN", "GITHUB_TOKEN"], ("github.com" if "github.com" in host else host)
            late: list[str] = []
        else:
            names, gh_host = ["GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"], host
            late = ["GH_TOKEN", "GITHUB_TOKEN"] if is_loopback(host) else []
    elif kind == "gitea":
        names, gh_host, late = ["GITEA_TOKEN", "FORGEJO_TOKEN"], None, []
    elif kind == "gitlab":
        names, gh_host, late = ["GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN"], None, []
    else:
        raise TriageError(f"unknown forge {kind!r}: use github, gitea or gitlab")
    for name in names:
        value = _clean(env.get(name))
        if value:
            return Credential(value, name)
    if gh_host is not None:
        value = gh_token(gh_host)
        if value:
            return Credential(value, f"gh auth token --hostname {gh_host}")
    for name in late:
        value = _clean(env.get(name))
        if value:
            return Credential(value, name)
    hint = " or ".join(names)
    if gh_host is not None:
        hint += f", or log in with `gh auth login --hostname {gh_host}`"
    raise TriageError(f"no {kind} token for {host}: set {hint}")


def auth_header(kind: str, token: str) -> tuple[str, str]:
    """The header name and value each forge expects for a personal token."""
    if kind == "github":
        return "Authorization", f"Bearer {token}"
    if kind == "gitea":
        return "Authorization", f"token {token}"
    if kind == "gitlab":
        return "PRIVATE-TOKEN", token
    raise TriageError(f"unknown forge {kind!r}")
