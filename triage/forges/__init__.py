"""Provides the forge clients (GitHub/GHES, Gitea/Forgejo, GitLab) behind one interface.

:func:`open_forge` resolves the API base URL, finds the token the way each
forge's CLI does, binds it to that origin, and returns a client implementing
:class:`~triage.forges.base.Forge` over one cached, retrying HTTP session.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Mapping

from triage.errors import TriageError
from triage.forges.auth import OriginAuth, auth_header, discover_token, gh_cli_token
from triage.forges.base import ChangeQuery, Forge, PullSummary, RemoteChange, RemotePost, check_repo
from triage.forges.http import Http, RetryPolicy

FORGES: tuple[str, ...] = ("github", "gitea", "gitlab")
"""The forge kinds ``--forge`` accepts."""

__all__ = ["FORGES", "ChangeQuery", "Forge", "PullSummary", "RemoteChange", "RemotePost", "open_forge",
           "resolve_base"]


def resolve_base(kind: str, url: str | None, env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """``(api_base, host)`` for a forge kind and an optional ``--url``."""
    env = os.environ if env is None else env
    try:
        if kind == "github":
            from triage.forges.github import resolve_base as rb

            return rb(url, dict(env))
        if kind == "gitea":
            from triage.forges.gitea import resolve_base as rb

            return rb(url)
        if kind == "gitlab":
            from triage.forges.gitlab import resolve_base as rb

            return rb(url)
    except ValueError as exc:
        raise TriageError(str(exc)) from None
    raise TriageError(f"unknown forge {kind!r}: use one of {', '.join(FORGES)}")


def open_forge(
    kind: str,
    repo: str,
    url: str | None = None,
    *,
    api_base: str | None = None,
    cache_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    notify: Callable[[str], None] | None = None,
    gh_token: Callable[[str], str | None] = gh_cli_token,
    timeout=None,
):
    """A client for ``repo`` on a forge, authenticated with the discovered token."""
    try:
        repo = check_repo(repo, nested=(kind == "gitlab"))
    except ValueError as exc:
        raise TriageError(str(exc)) from None
    if api_base is None:
        api_base, host = resolve_base(kind, url, env)
    else:
        from triage.forges.auth import check_base_url

        host = check_base_url(api_base).host
    if kind == "github" and host == "api.github.com":
        host = "github.com"
    cred = discover_token(kind, host, env=env, gh_token=gh_token)
    header, value = auth_header(kind, cred.token)
    auth = OriginAuth(api_base, header, value)
    defaults: dict[str, str] = {}
    if kind == "github":
        from triage.forges.github import DEFAULT_HEADERS

        defaults = dict(DEFAULT_HEADERS)
    elif kind in ("gitea", "gitlab"):
        defaults = {"Accept": "application/json"}
    kwargs = {} if timeout is None else {"timeout": timeout}
    http = Http(api_base, auth, cache_file=cache_file, credential_hint=cred.source, policy=policy, sleep=sleep,
                clock=clock, notify=notify, default_headers=defaults, **kwargs)
    if kind == "github":
        from triage.forges.github import GitHub as cls
    elif kind == "gitea":
        from triage.forges.gitea import Gitea as cls
    else:
        from triage.forges.gitlab import GitLab as cls
    return cls(http, repo, api_base)
