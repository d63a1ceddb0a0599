"""Provides :func:`launch`, which opens the Textual app; the CLI calls it lazily.

The app is entered through the CLI (``triage``, ``python -m triage``), which
imports this module only when a command opens the app; ``tui`` never imports
the CLI (the import contracts in ``tests/test_architecture.py`` keep it so).
"""

from __future__ import annotations

from pathlib import Path


def launch(db: Path, repo: Path | str | None = None, **options) -> int:
    """Open the Textual app on ``db`` and return its exit code."""
    from tui.app import make_app

    app = make_app(db=Path(db), repo=repo, **options)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit("the app opens through the command line: run `triage` (or `python -m triage`)")
