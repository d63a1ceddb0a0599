"""Provides per-line syntax highlighting that is safe on untrusted input.

Only the lines on screen are highlighted, one at a time, and the caller caches
the result. The lexer is chosen by file name only (never ``guess_lexer``,
whose heuristics run every lexer over the text). Lines longer than
:data:`MAX_HIGHLIGHT` characters, and any line a lexer fails on, are shown
as plain text. Highlighting styles the text that :mod:`triage.sanitize` made
safe: the stand-ins for hidden characters keep their warning style.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_for_filename
from pygments.token import _TokenType
from pygments.util import ClassNotFound
from rich.style import Style
from rich.syntax import PygmentsSyntaxTheme
from rich.text import Text

from triage.sanitize import segments
from tui.safe import ESCAPE_STYLE, safe_text

MAX_HIGHLIGHT = 2000
"""Lines longer than this many characters are not highlighted (vim's synmaxcol idea)."""

TAB_SIZE = 4
"""Columns a tab expands to in the diff."""


@lru_cache(maxsize=512)
def lexer_for(path: str) -> Lexer | None:
    """The Pygments lexer for a file name, or ``None`` (plain text)."""
    name = path.rsplit("/", 1)[-1]
    if not name:
        return None
    try:
        return get_lexer_for_filename(name, stripnl=False, ensurenl=False, stripall=False)
    except (ClassNotFound, ValueError, TypeError):
        return None


def warm_lexers(paths, limit: int = 12) -> None:
    """Load and compile the lexers for ``paths`` ahead of drawing (call it from a worker thread).

    Finding a lexer imports its module and its first use compiles its regular
    expressions: together a noticeable pause, better spent off the UI thread.
    """
    seen: set[type] = set()
    for path in paths:
        lexer = lexer_for(path)
        if lexer is None or type(lexer) in seen:
            continue
        seen.add(type(lexer))
        try:
            for _ in lexer.get_tokens_unprocessed("x = 1"):
                pass
        except Exception:  # noqa: BLE001 - a broken lexer falls back to plain text later
            pass
        if len(seen) >= limit:
            break


class LineHighlighter:
    """Highlights single lines with a Pygments theme."""

    def __init__(self, theme: str = "monokai") -> None:
        self.theme = PygmentsSyntaxTheme(theme)
        self._styles: dict[_TokenType, Style | None] = {}

    def _style(self, ttype: _TokenType | Style) -> Style | None:
        if isinstance(ttype, Style):  # an emphasis span, not a token
            return ttype
        try:
            return self._styles[ttype]
        except KeyError:
            s = self.theme.get_style_for_token(ttype)
            style = Style(color=s.color, bold=s.bold, italic=s.italic) if s.color or s.bold or s.italic else None
            self._styles[ttype] = style
            return style

    def highlight(self, raw: bytes, lexer: Lexer | None, emphasis: Sequence[tuple[int, int]] = (),
                  emphasis_style: Style | None = None) -> Text:
        """``raw`` as safe, highlighted :class:`Text` (plain when too long or unlexable).

        ``emphasis`` lists character spans of the decoded line (the words a change
        replaced) drawn in ``emphasis_style`` on top of the syntax colours.
        """
        text = raw.decode("utf-8", "surrogateescape")
        tokens: list = []
        if lexer is not None and len(text) <= MAX_HIGHLIGHT and text.strip():
            try:
                tokens = list(lexer.get_tokens_unprocessed(text))
            except Exception:  # noqa: BLE001 - a broken lexer must not break review
                tokens = []
        if emphasis_style is not None and emphasis:
            tokens = [*tokens, *((start, emphasis_style, text[start:end]) for start, end in emphasis)]
        if not tokens:
            return safe_text(text, tab_size=TAB_SIZE)
        segs = segments(text)
        out = Text(end="")
        if len(segs) <= 1 and not (segs and segs[0][1]):
            out.append(text)
            for idx, ttype, value in tokens:
                style = self._style(ttype)
                if style is not None and value:
                    out.stylize(style, idx, idx + len(value))
        else:
            spans: list[tuple[int, int, int, bool]] = []  # orig start, orig end, display start, escaped
            orig = disp = 0
            for piece, escaped in segs:
                n = 1 if escaped else len(piece)
                spans.append((orig, orig + n, disp, escaped))
                out.append(piece, ESCAPE_STYLE if escaped else None)
                orig += n
                disp += len(piece)
            for idx, ttype, value in tokens:
                style = self._style(ttype)
                if style is None or not value:
                    continue
                s, e = idx, idx + len(value)
                for os_, oe, ds, escaped in spans:
                    if escaped or oe <= s or os_ >= e:
                        continue
                    a, b = max(s, os_), min(e, oe)
                    out.stylize(style, ds + a - os_, ds + b - os_)
        if "\t" in text:
            out.expand_tabs(TAB_SIZE)
        return out
