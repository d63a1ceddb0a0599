"""Provides deep-dive sampling by keyed hash.

``u = HMAC-SHA256(secret, "<key>|<period>")[:8] / 2**64``; a change is sampled
when ``u < rate[tier]``. The key (:func:`sample_key`) is what an author cannot
re-roll cheaply: a pull request's forge id (a new draw needs a new PR, in plain
view), or a commit's patch id (its diff with whitespace ignored, so amending the
message, the date or the author draws the same again). The same secret and
inputs always give the same sample (auditors can replay it); without the secret
an author cannot predict it. The inclusion probability ``π = rate[tier]`` is
stored with each change at selection time, for Horvitz–Thompson / Hájek
estimates later.

The secret is the reviewer's: ``TRIAGE_SAMPLING_SECRET``, ``[sampling] secret``
in their own config (a repository's ``.triage.toml`` cannot set it), or a random
one generated once into the user config directory. An empty or short one is an
error, never a weak key. A team (``[team]`` configured) must share one:
:func:`team_secret` refuses the machine's own random one.
"""

from __future__ import annotations

import errno
import hmac
import os
import secrets
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from triage.errors import TriageError, describe_os_error
from triage.paths import user_config_dir
from triage.settings import Config, Rates

MIN_SECRET_LENGTH = 16
"""Shorter secrets are refused: an author who sees some draws could guess a short key."""

_WHITESPACE = b" \t\r\n\v\f"


@dataclass(frozen=True)
class Draw:
    """A sampling decision: the uniform value, the rate used, and the outcome."""

    u: float
    rate: float
    sampled: bool


def uniform(secret: bytes, change_id: str, period: str = "") -> float:
    """The keyed pseudo-random value in [0, 1) for a change."""
    msg = f"{change_id}|{period}".encode("utf-8", "surrogateescape")
    digest = hmac.new(secret, msg, sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def draw(secret: bytes, change_id: str, tier: str, rates: Rates, period: str = "") -> Draw:
    """Decide whether ``change_id`` (of ``tier``) is drawn for a deep dive (``rates`` are checked
    to be in [0, 1] when the configuration is read)."""
    rate = rates.of(tier)
    u = uniform(secret, change_id, period)
    return Draw(u=u, rate=rate, sampled=u < rate)


def patch_id(files) -> str:
    """A hash of what a diff changes, like ``git patch-id``: paths and added/deleted lines with
    whitespace removed (no line numbers, no context, no commit metadata); blob ids stand in
    for content that has no lines (binary files, submodules)."""
    h = sha256()
    for f in sorted(files, key=lambda f: (f.raw_path, f.old_raw_path or b"")):
        h.update(b"F\0" + (f.old_raw_path or b"") + b"\0" + (f.new_raw_path or b"") + b"\0")
        if not f.hunks:
            h.update(f"{f.old_oid}\0{f.new_oid}\0".encode())
        for hunk in f.hunks:
            for ln in hunk.lines:
                if ln.origin == "+" or ln.origin == "-":
                    h.update(ln.origin.encode() + ln.raw.translate(None, _WHITESPACE) + b"\n")
    return h.hexdigest()


def sample_key(change) -> str:
    """What a change's draw is keyed on: its patch id for a local commit with a diff, else its id
    (a pull request's ``<forge>:<owner>/<repo>#<n>``, or an empty commit's sha)."""
    if change.source == "git" and change.files:
        return f"git:{change.repo}:patch:{patch_id(change.files)}"
    return change.id


def secret_path() -> Path:
    """Where the generated sampling secret is kept."""
    return user_config_dir() / "sampling-secret"


def _checked(value: bytes, where: str, fix: str) -> bytes:
    if not value:
        raise TriageError(f"the sampling secret in {where} is empty; {fix}")
    if len(value) < MIN_SECRET_LENGTH:
        raise TriageError(f"the sampling secret in {where} is {len(value)} characters, fewer than "
                          f"{MIN_SECRET_LENGTH}; {fix}")
    return value


_SET_ONE = "set one of 16+ characters (e.g. the output of `python -c 'import secrets; print(secrets.token_hex(32))'`)"


def shared_secret(cfg: Config) -> bytes | None:
    """The secret a person set, ``TRIAGE_SAMPLING_SECRET`` or ``[sampling] secret`` in their own
    config (the same on every machine that sets it alike), or None when neither is set."""
    env = os.environ.get("TRIAGE_SAMPLING_SECRET")
    if env is not None:
        return _checked(env.encode(), "TRIAGE_SAMPLING_SECRET", _SET_ONE + " or unset it")
    configured = cfg.sampling.secret
    if configured is not None:
        return _checked(configured.encode(), "[sampling] secret of your config", _SET_ONE + " or remove it")
    return None


def team_configured(cfg: Config) -> bool:
    """True when the reviewer's config has a ``[team]`` roster with members."""
    return bool(cfg.team.members)


def team_secret(cfg: Config, command: str) -> bytes:
    """The secret ``command`` (``assign``, ``sync``) draws with: for a configured team, only a
    shared one (:func:`shared_secret`), since a secret each machine made for itself gives every
    reviewer different samples and assignments; alone, :func:`load_secret`.

    Raises:
        TriageError: a team is configured and no shared secret is set (the message says how).
    """
    if not team_configured(cfg):
        return load_secret(cfg)
    secret = shared_secret(cfg)
    if secret is None:
        from triage.config import user_config_path

        raise TriageError(
            f"`triage {command}` refuses to run for a team ([team] is configured) without a shared sampling "
            "secret: a secret each machine makes for itself gives every reviewer different deep-dive samples and "
            "assignments. Set the same secret on every reviewer's machine, `[sampling] secret = \"...\"` in "
            f"{user_config_path()} or TRIAGE_SAMPLING_SECRET (16+ characters; make one with `python -c 'import "
            "secrets; print(secrets.token_hex(32))'` and share it privately, never in the repository)")
    return secret


def load_secret(cfg: Config) -> bytes:
    """The sampling secret: ``TRIAGE_SAMPLING_SECRET``, the config, or a kept random one."""
    secret = shared_secret(cfg)
    if secret is not None:
        return secret
    path = secret_path()
    try:
        return _read_secret_file(path)
    except FileNotFoundError:
        return _create_secret_file(path)


def _read_secret_file(path: Path) -> bytes:
    try:
        value = path.read_bytes().strip()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise TriageError(f"cannot read the sampling secret {path}: {describe_os_error(exc)}") from None
    return _checked(value, str(path), "delete the file and triage makes a new one, or " + _SET_ONE)


def _create_secret_file(path: Path) -> bytes:
    """Generate the secret and publish it atomically: a temporary file, written and synced,
    then linked into place (never over a secret another process made meanwhile)."""
    value = secrets.token_hex(32).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(value)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return _read_secret_file(path)  # another process made one first: use theirs
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP):
                raise
            os.replace(tmp, path)  # a file system without hard links
        return value
    except OSError as exc:
        raise TriageError(f"cannot write the sampling secret {path}: {describe_os_error(exc)}") from None
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass
