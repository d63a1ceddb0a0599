"""Provides the failures a forge conversation can end in, each with a one-line message.

Every class derives from :class:`~triage.errors.TriageError`, so the CLI
prints the message and exits non-zero. Messages never contain a token: they
are built from status codes, hosts and the forge's own error text.
"""

from __future__ import annotations

from triage.errors import TriageError


class ForgeError(TriageError):
    """A forge request failed. ``status`` is the HTTP status, or 0 for network errors."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class AuthError(ForgeError):
    """401: the token is missing, expired or revoked. Stop; nothing is retried."""


class PermissionDenied(ForgeError):
    """403 (not a rate limit) or 404: the token lacks a scope, or the resource is hidden.

    ``needed`` names the scopes or permissions the forge said it accepts
    (``X-Accepted-OAuth-Scopes`` / ``X-Accepted-GitHub-Permissions``), if any.
    """

    def __init__(self, message: str, status: int = 403, needed: str = ""):
        super().__init__(message, status)
        self.needed = needed


class Unprocessable(ForgeError):
    """422 (or 400/409): the forge refused the content for good, e.g. a stale line anchor."""


class RateLimited(ForgeError):
    """The forge asked us to wait until ``until`` (unix seconds) before the next request."""

    def __init__(self, message: str, until: float, status: int = 429):
        super().__init__(message, status)
        self.until = until


class Unavailable(ForgeError):
    """5xx, timeouts or connection errors that outlasted the retries."""


class Ambiguous(Unavailable):
    """A write was sent but its outcome is unknown (timeout, reset, 5xx after sending).

    The forge may or may not have committed it: reconcile by looking for the
    post's marker before trying again.
    """


class ListingIncomplete(ForgeError):
    """A page of a listing could not be read: the listing is incomplete, not empty."""


class InsecureURL(TriageError):
    """A base URL that would expose a token (plain http to a remote host, userinfo)."""
