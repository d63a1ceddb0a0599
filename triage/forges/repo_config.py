"""Provides the forge repository's ``.triage.toml`` layer: what it may add to the configuration,
read from the forge at the trusted branch (as :func:`triage.config.apply_repo_layer` reads a clone's)."""

from __future__ import annotations

from triage.config import REPO_FILE, REPO_FILE_MAX, Warn, apply_repo_file, blob_id
from triage.forges.errors import ForgeError
from triage.settings import Config


def apply_forge_layer(cfg: Config, forge, warn: Warn) -> Config:
    """``cfg`` with what a forge repository's ``.triage.toml`` may add, read from the forge at the
    trusted branch: ``[trust] ref`` (``"origin/main"`` or ``"main"`` name the branch ``main``; ``""``
    reads none), else the repository's default branch, as ``origin/HEAD`` is for a clone. Never
    from a pull request's head."""
    ref = cfg.trust.ref
    if ref == "":
        return cfg
    if ref is None:
        try:
            branch = str(forge.repo_info().get("default_branch") or "")
        except ForgeError as exc:
            warn(f"{forge.repo}: the forge did not say which branch is the default ({exc}): "
                 f"its {REPO_FILE} is not read")
            return cfg
        if not branch:
            return cfg
    else:
        branch = ref.removeprefix("refs/remotes/").removeprefix("refs/heads/").removeprefix("origin/")
    data = forge.read_file(REPO_FILE, branch)
    if data is None:
        return cfg
    where = f"{REPO_FILE} at {branch} of {forge.repo}"
    if len(data) > REPO_FILE_MAX:
        warn(f"{where} is larger than {REPO_FILE_MAX // 1024} KiB; ignored")
        return cfg
    return apply_repo_file(cfg, data, where, blob_id(data), warn)
