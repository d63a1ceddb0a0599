"""Provides a change's web address and the values a reviewer copies (id, sha, URL), made safe first.

Everything here comes from the change under review or its repository, so it
is untrusted: a web address is opened or copied only when it is a plain
``http(s)`` URL of safe characters (no user name, no spaces, quotes, shell
metacharacters, control, bidi or invisible characters), an id only when it
is made of the characters ids are made of, and a sha only when it is hex.
Anything else is refused with a reason, never passed on "cleaned".

A local commit has no URL of its own; its web address is derived from the
repository's ``origin`` remote (``git@github.com:o/r.git`` or
``https://host/o/r``) as ``https://host/o/r/commit/<sha>``, the form GitHub,
Gitea/Forgejo and GitLab all answer.

The clipboard is reached with OSC 52 (the terminal copies) only when the
reviewer turns it on in their own config (``[clipboard] osc52 = true``),
never from a repository's ``.triage.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from triage.errors import TriageError

__all__ = ["Link", "change_links", "commit_web_url", "osc52_enabled", "safe_id", "safe_sha", "safe_web_url"]

_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#=%@+]+")
_ID_CHARS = re.compile(r"[A-Za-z0-9\-._:/#@+]+")
_HEX = re.compile(r"[0-9a-f]{7,64}")
_SCP_REMOTE = re.compile(r"(?:[A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!//)([A-Za-z0-9._~/-]+?)(?:\.git)?/?")


def safe_web_url(url: str | None) -> str | None:
    """``url`` when it is safe to open or paste: ``http(s)``, a host, no user info, safe characters only."""
    if not url or len(url) > 2000 or not _URL_CHARS.fullmatch(url):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return url


def safe_id(change_id: str | None) -> str | None:
    """A change id made only of the characters ids are built from (else ``None``)."""
    return change_id if change_id and len(change_id) <= 300 and _ID_CHARS.fullmatch(change_id) else None


def safe_sha(sha: str | None) -> str | None:
    """A commit sha in lowercase hex (else ``None``)."""
    return sha if sha and _HEX.fullmatch(sha) else None


def commit_web_url(remote: str, sha: str) -> str | None:
    """The web page of commit ``sha`` on the forge behind remote URL ``remote`` (``None`` when unknown)."""
    remote = remote.strip()
    host = path = None
    match = _SCP_REMOTE.fullmatch(remote)
    if match:
        host, path = match.group(1), match.group(2)
    else:
        parts = urlsplit(remote)
        if parts.scheme in ("https", "http", "ssh", "git") and parts.hostname:
            host = parts.hostname
            path = parts.path.strip("/").removesuffix(".git")
    if not host or not path or not safe_sha(sha) or path.count("/") < 1:
        return None
    return safe_web_url(f"https://{host}/{path}/commit/{sha}")


def _origin(repo_path: str | Path) -> str | None:
    from triage.git import open_repo

    repo = open_repo(repo_path)
    names = list(repo.remotes.names())
    name = "origin" if "origin" in names else (names[0] if names else None)
    return repo.remotes[name].url if name else None


@dataclass(frozen=True)
class Link:
    """One value a reviewer can copy or open: ``value`` is safe, else ``None`` and ``why`` says why."""

    kind: str
    label: str
    value: str | None
    why: str = ""


def change_links(row: dict, repo: str | Path | None = None) -> list[Link]:
    """The change's id, sha and web address, each checked (call it in a worker: it may open the repository)."""
    out = [Link("id", "id", safe_id(row.get("id")), "the id holds characters that are unsafe to paste")]
    sha = row.get("sha") or ""
    out.append(Link("sha", "sha", safe_sha(sha), "no commit sha is stored" if not sha
                    else "the sha is not plain hex"))
    url, why = row.get("url") or "", ""
    if url:
        why = "" if safe_web_url(url) else "the URL is not a plain http(s) address of safe characters"
        url = safe_web_url(url)
    elif row.get("source", "git") == "git":
        where = next((p for p in (row.get("repo_path"), repo) if p and Path(p).exists()), None)
        try:
            remote = _origin(where) if where else None
        except TriageError:
            remote = None
        url = commit_web_url(remote, sha) if remote else None
        why = ("the repository has no remote to derive a web address from" if not remote
               else "the remote is not a forge address triage can turn into a web page")
    else:
        why = "the forge gave no web address"
    out.append(Link("url", "URL", url, why))
    return out


def osc52_enabled() -> bool:
    """``[clipboard] osc52`` of the user's own config (``False`` without one).

    Raises:
        TriageError: when the value is not ``true`` or ``false`` (the message names the file).
    """
    from triage.config import quietly, trusted_config

    return trusted_config(warn=quietly).clipboard.osc52
