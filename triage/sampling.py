"""Provides deep-dive sampling by keyed hash.

``u = HMAC-SHA256(secret, "<change id>|<period>")[:8] / 2**64``; a change is
sampled when ``u < rate[tier]``. The same secret and inputs always give the
same sample (auditors can replay it); without the secret an author cannot
predict it. The inclusion probability ``π = rate[tier]`` is stored with each
change at selection time, for Horvitz–Thompson / Hájek estimates later.
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from triage.errors import TriageError
from triage.paths import user_config_dir


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


def draw(secret: bytes, change_id: str, tier: str, rates: dict, period: str = "") -> Draw:
    """Decide whether ``change_id`` (of ``tier``) is drawn for a deep dive."""
    rate = float(rates.get(tier, 0.0))
    if not 0.0 <= rate <= 1.0:
        raise TriageError(f"sampling rate for {tier} must be between 0 and 1, not {rate}")
    u = uniform(secret, change_id, period)
    return Draw(u=u, rate=rate, sampled=u < rate)


def secret_path() -> Path:
    """Where the generated sampling secret is kept."""
    return user_config_dir() / "sampling-secret"


def load_secret(cfg: dict) -> bytes:
    """The team secret: ``TRIAGE_SAMPLING_SECRET``, the config, or a kept random one."""
    env = os.environ.get("TRIAGE_SAMPLING_SECRET")
    if env:
        return env.encode()
    configured = cfg.get("sampling", {}).get("secret")
    if configured:
        return str(configured).encode()
    path = secret_path()
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(value)
    return value
