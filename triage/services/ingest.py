"""Provides ingesting a repository's history: the use case ``triage ingest`` and ``triage demo``
call (the analysis itself is :func:`triage.ingest.ingest`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage.ingest import IngestResult


def ingest_history(store, path: str | Path, **options) -> IngestResult:
    """Analyse and store the commits of the repository at ``path`` not stored yet (``options``: the
    keywords of :func:`triage.ingest.ingest`: range, since, all authors, config, secret, progress,
    external findings)."""
    from triage.ingest import ingest

    return ingest(store, path, **options)
