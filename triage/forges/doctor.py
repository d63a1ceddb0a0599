"""Provides ``triage doctor``: a read-only check of one repository on one forge.

It answers what a team wants to know before the first ``sync``/``push`` against
their own forge (no real forge runs in the tests): is the token accepted, can it
see the repository (and was the repository renamed), what may it do there
(GitHub's ``X-OAuth-Scopes`` for classic tokens, repository permissions for
fine-grained ones; GitLab's token scopes; Gitea's repository permissions),
does the server speak the API version triage requests, and how much rate limit
is left. Only GETs are sent (``/rate_limit`` costs GitHub no rate limit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from triage.forges.errors import AuthError, ForgeError, PermissionDenied
from triage.sanitize import one_line

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass
class Check:
    """One line of the report."""

    name: str
    status: str
    detail: str

    def to_json(self) -> dict:
        return {"check": self.name, "status": self.status, "detail": self.detail}


@dataclass
class Report:
    """Every check, in order; ``failed`` when any says ``fail``."""

    forge: str
    repo: str
    api_base: str
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, status: str, detail: str) -> None:
        self.checks.append(Check(name, status, one_line(detail, 300)))

    @property
    def failed(self) -> bool:
        return any(c.status == FAIL for c in self.checks)


def _get(forge, path: str):
    return forge.http.request("GET", path)


def doctor(forge, credential_hint: str = "") -> Report:
    """Run the checks against an open forge client (see the module doc)."""
    rep = Report(forge.kind, forge.repo, forge.api_base)
    hint = f" (from {credential_hint})" if credential_hint else ""
    try:
        user_resp = _get(forge, "/user")
        user = user_resp.json()
        login = user.get("login") or user.get("username") or "?"
        rep.add("auth", OK, f"the token{hint} is accepted: authenticated as {login}")
    except AuthError as exc:
        rep.add("auth", FAIL, str(exc))
        return rep
    except ForgeError as exc:
        rep.add("auth", FAIL, f"GET /user failed: {exc}")
        return rep
    info = _repository(forge, rep)
    if forge.kind == "github":
        _github(forge, rep, user_resp, info)
    elif forge.kind == "gitlab":
        _gitlab(forge, rep, user_resp)
    else:
        _gitea(forge, rep, info)
    return rep


def _repository(forge, rep: Report) -> dict | None:
    try:
        info = forge.repo_info()
    except PermissionDenied as exc:
        rep.add("repository", FAIL, f"{forge.repo}: {exc}")
        return None
    except ForgeError as exc:
        rep.add("repository", FAIL, f"{forge.repo}: {exc}")
        return None
    name = forge._full_name(info)
    if forge.moved and name and name != forge.remote_repo:
        rep.add("repository", WARN, f"{forge.repo} was renamed or transferred: it is now {name} (the forge "
                                    "redirects; `triage sync` follows it and records the new name)")
    else:
        rep.add("repository", OK, f"{name or forge.repo} is visible to this token")
    return info


def _permissions(info: dict | None) -> str:
    perms = (info or {}).get("permissions") or {}
    if not isinstance(perms, dict) or not perms:
        return ""
    return ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in perms.items() if isinstance(v, bool))


def _github(forge, rep: Report, user_resp, info: dict | None) -> None:
    from triage.forges.github import API_VERSION

    scopes = user_resp.headers.get("x-oauth-scopes")
    perms = _permissions(info)
    private = bool((info or {}).get("private"))
    if scopes is not None:
        have = {s.strip() for s in scopes.split(",") if s.strip()}
        can_write = "repo" in have or (not private and "public_repo" in have)
        rep.add("scopes", OK if can_write else WARN,
                f"classic token, scopes: {', '.join(sorted(have)) or 'none'}"
                + ("" if can_write else f"; posting reviews, comments and statuses needs "
                   f"{'repo' if private else 'repo or public_repo'}"))
    else:
        accepted = user_resp.headers.get("x-accepted-github-permissions")
        rep.add("scopes", OK if perms else WARN,
                "fine-grained token or app (no X-OAuth-Scopes): permissions are per repository"
                + (f"; on this repository: {perms}" if perms else "")
                + "; posting needs Pull requests: write, Issues: write and Commit statuses: write"
                + (f"; this endpoint accepts {accepted}" if accepted else ""))
    expiry = user_resp.headers.get("github-authentication-token-expiration")
    if expiry:
        rep.add("token expiry", OK, f"the token expires {expiry}")
    try:
        versions = [str(v) for v in _get(forge, "/versions").json()]
        rep.add("api version", OK if API_VERSION in versions else FAIL,
                f"triage requests X-GitHub-Api-Version {API_VERSION}; the server supports {', '.join(versions)}")
    except ForgeError as exc:
        rep.add("api version", WARN, f"the server does not list its API versions (GET /versions: {exc}); triage "
                                     f"requests {API_VERSION}")
    try:
        core = (_get(forge, "/rate_limit").json().get("resources") or {}).get("core") or {}
        remaining, limit = core.get("remaining"), core.get("limit")
        low = isinstance(remaining, int) and isinstance(limit, int) and remaining < max(100, limit // 20)
        rep.add("rate limit", WARN if low else OK, f"{remaining} of {limit} requests left this hour (resets at "
                                                   f"{core.get('reset')})")
    except ForgeError as exc:
        rep.add("rate limit", WARN, f"GET /rate_limit failed ({exc}); GitHub Enterprise Server may have rate "
                                    "limits disabled")


def _gitlab(forge, rep: Report, user_resp) -> None:
    try:
        tok = _get(forge, "/personal_access_tokens/self").json()
        scopes = set(tok.get("scopes") or [])
        can_write = "api" in scopes
        can_read = can_write or "read_api" in scopes
        status = OK if can_write else (WARN if can_read else FAIL)
        rep.add("scopes", status, f"token scopes: {', '.join(sorted(scopes)) or 'none'}"
                + ("" if can_write else "; posting notes, approvals and statuses needs the api scope")
                + (f"; expires {tok['expires_at']}" if tok.get("expires_at") else ""))
    except ForgeError as exc:
        rep.add("scopes", WARN, f"the token's scopes cannot be read (GET /personal_access_tokens/self: {exc}; "
                                "GitLab 15.5+); reading needs read_api, posting needs api")
    try:
        v = _get(forge, "/version").json()
        rep.add("api version", OK, f"GitLab {v.get('version')} (REST v4)")
    except ForgeError as exc:
        rep.add("api version", WARN, f"GET /version failed: {exc}")
    remaining = user_resp.headers.get("ratelimit-remaining")
    if remaining is not None:
        rep.add("rate limit", OK, f"{remaining} of {user_resp.headers.get('ratelimit-limit')} requests left "
                                  f"(resets at {user_resp.headers.get('ratelimit-reset')})")
    else:
        rep.add("rate limit", OK, "the server sends no RateLimit headers (limits off, or not announced)")


def _gitea(forge, rep: Report, info: dict | None) -> None:
    perms = _permissions(info)
    can_read = bool(((info or {}).get("permissions") or {}).get("pull"))
    rep.add("scopes", OK if perms and can_read else WARN,
            (f"repository permissions: {perms}" if perms else "the repository's permissions are not shown")
            + "; a scoped token needs read:repository to sync and write:repository plus write:issue to post")
    try:
        v = _get(forge, "/version").json()
        rep.add("api version", OK, f"Gitea/Forgejo {v.get('version')} (API v1)")
    except ForgeError as exc:
        rep.add("api version", WARN, f"GET /version failed: {exc}")
    rep.add("rate limit", OK, "Gitea/Forgejo do not rate-limit the API by default")
