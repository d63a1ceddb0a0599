"""Provides the TUI's one boundary for untrusted text: :func:`safe_text`.

Titles, paths, commit messages, author names, diff lines, notes and error
messages all reach a widget through here. The result is a ``rich.text.Text``
built piece by piece from :func:`triage.sanitize.segments`, never parsed as
markup, so ``[bold]`` or ``[@click=app.quit]`` stay literal text, and every
control, bidi or invisible character is replaced by a visible stand-in drawn
in :data:`ESCAPE_STYLE` (white on red) so it cannot be mistaken for content.

Never hand an untrusted ``str`` to a widget that parses markup (``Static``,
``Label``, ``DataTable`` cells, ``Tree`` labels, ``OptionList`` prompts,
``notify``): pass the ``Text`` from here, or :func:`safe_plain` with
``markup=False``.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from triage.sanitize import display, segments

__all__ = ["ESCAPE_STYLE", "safe_plain", "safe_text", "safe_line"]

ESCAPE_STYLE = Style(color="bright_white", bgcolor="red3", bold=True)
"""How a stand-in for a hidden or control character is drawn (its own colours win over any line background)."""


def safe_text(text: str | bytes | None, style: str | Style = "", *, tab_size: int | None = None) -> Text:
    """``text`` as a markup-free :class:`Text` with every dangerous character made visible.

    Args:
        text: Untrusted text (bytes are decoded as UTF-8, keeping bad bytes as ``\\xNN``).
        style: Style for the ordinary pieces.
        tab_size: Expand tabs to this many columns (``None`` keeps them).
    """
    out = Text(style=style, no_wrap=False, end="")
    if not text:
        return out
    for piece, escaped in segments(text):
        out.append(piece, ESCAPE_STYLE if escaped else None)
    if tab_size is not None and "\t" in out.plain:
        out.expand_tabs(tab_size)
    return out


def safe_line(text: str | bytes | None, style: str | Style = "", limit: int = 200) -> Text:
    """The first line of ``text`` as :func:`safe_text`, cut to ``limit`` cells with an ellipsis."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    first = (text or "").split("\n", 1)[0]
    out = safe_text(first, style, tab_size=1)
    if out.cell_len > limit:
        out.truncate(limit - 1)
        out.append("…")
    return out


def safe_plain(text: str | bytes | None) -> str:
    """``text`` as a plain, visible-escaped string (for ``notify(..., markup=False)``)."""
    return display(text or "")
