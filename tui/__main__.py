"""Provides :func:`launch`, which opens the Textual app; the CLI calls it lazily.

``python -m tui`` is kept as an alias of ``python -m triage``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def launch(db: Path, repo: Path | str | None = None, **options) -> int:
    """Open the Textual app on ``db`` and return its exit code."""
    from tui.app import make_app

    app = make_app(db=Path(db), repo=repo, **options)
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    """The ``triage`` command line (see :func:`triage.cli.main`)."""
    from triage.cli import main as cli_main

    return cli_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
