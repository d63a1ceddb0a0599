"""Provides the one boundary through which untrusted text reaches a screen.

Commit messages, paths, diff lines, PR titles and forge errors are untrusted.
Rich and Textual parse markup in plain strings and pass ESC, C1 and bidi
controls through to the terminal, so nothing untrusted may reach them raw.

:func:`segments` splits text into ``(text, escaped)`` pieces: ordinary text,
and visible stand-ins for everything that could hide or act. The stand-ins
*replace* the character, they never strip it (stripping hides evidence):

* C0 controls as caret notation (``^[`` for ESC, ``^@`` for NUL), except TAB;
  DEL as ``^?``; CR as ``␍`` (Rich would silently delete it);
* C1 controls as ``\\x9b``;
* bidi controls, zero-width and other invisible or format characters, tag
  characters, variation selectors, odd spaces and line separators as
  ``⟨U+202E RLO⟩``-style tokens;
* lone surrogates (undecodable bytes kept by ``surrogateescape``) as ``\\xe9``.

Markup brackets need no escaping here because the TUI builds ``rich.text.Text``
objects (never markup strings) from these segments; :func:`display` is the
plain-string form for the CLI and reports.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
"""Unicode Bidi_Control code points (the full property, not rustc's first list)."""

_ABBREV = {
    0x061C: "ALM", 0x200E: "LRM", 0x200F: "RLM",
    0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
    0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI",
    0x200B: "ZWSP", 0x200C: "ZWNJ", 0x200D: "ZWJ", 0x2060: "WJ", 0xFEFF: "BOM",
    0x00AD: "SHY", 0x034F: "CGJ", 0x180E: "MVS", 0x3164: "HANGUL FILLER",
    0x00A0: "NBSP", 0x2028: "LSEP", 0x2029: "PSEP", 0x0085: "NEL",
}

_EXTRA_INVISIBLE = frozenset(
    [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x17B4, 0x17B5, *range(0x1D173, 0x1D17B), 0x034F, 0x180E]
)


@lru_cache(maxsize=4096)
def char_class(ch: str) -> str | None:
    """Why ``ch`` must not be shown raw, or ``None`` when it is safe.

    Classes: ``control``, ``bidi``, ``zero-width``, ``invisible``, ``tag``,
    ``variation-selector``, ``space``, ``line-break``, ``private``,
    ``unassigned``, ``surrogate``.
    """
    cp = ord(ch)
    if cp < 0x20 or cp == 0x7F or 0x80 <= cp < 0xA0:
        if cp == 0x09:
            return None
        if cp in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85):
            return "line-break"
        return "control"
    if cp < 0x7F:
        return None
    if cp in BIDI_CONTROLS:
        return "bidi"
    if 0xE0000 <= cp <= 0xE007F:
        return "tag"
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return "variation-selector"
    if cp in _EXTRA_INVISIBLE:
        return "invisible"
    cat = unicodedata.category(ch)
    if cat == "Cf":
        return "zero-width"
    if cat in ("Zl", "Zp"):
        return "line-break"
    if cat == "Zs":
        return "space"
    if cat == "Co":
        return "private"
    if cat == "Cn":
        return "unassigned"
    if cat == "Cs":
        return "surrogate"
    if cat == "Cc":
        return "control"
    return None


def _stand_in(ch: str, cls: str) -> str:
    cp = ord(ch)
    if cls == "surrogate" and 0xDC80 <= cp <= 0xDCFF:
        return f"\\x{cp - 0xDC00:02x}"  # a byte kept by surrogateescape
    if cls in ("control", "line-break") and cp < 0x20:
        if cp == 0x0D:
            return "␍"
        return "^" + chr(cp + 0x40)
    if cp == 0x7F:
        return "^?"
    if 0x80 <= cp < 0xA0 and cp != 0x85:
        return f"\\x{cp:02x}"
    name = _ABBREV.get(cp)
    if name is None:
        try:
            name = unicodedata.name(ch)
        except ValueError:
            name = cls
    return f"⟨U+{cp:04X} {name}⟩"


def segments(text: str | bytes) -> list[tuple[str, bool]]:
    """Split untrusted ``text`` into ``(piece, escaped)`` runs.

    Bytes are decoded as UTF-8 with ``surrogateescape`` so no byte is lost.
    ``escaped`` pieces are the visible stand-ins described in the module doc.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="surrogateescape")
    out: list[tuple[str, bool]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch.isascii() and ch >= " " and ch != "\x7f":
            continue
        cls = char_class(ch)
        if cls is None:
            continue
        if i > start:
            out.append((text[start:i], False))
        out.append((_stand_in(ch, cls), True))
        start = i + 1
    if start < len(text):
        out.append((text[start:], False))
    return out


def display(text: str | bytes) -> str:
    """``text`` made safe to print: every hidden or active character made visible."""
    if isinstance(text, str) and text.isascii() and text.isprintable():
        return text
    return "".join(piece for piece, _ in segments(text))


def hidden_chars(text: str) -> list[tuple[int, str, str]]:
    """``(index, char, class)`` for every bidi, invisible or control character.

    Used to count and flag Trojan-Source style content; TAB, CR and LF are
    ordinary here.
    """
    found = []
    for i, ch in enumerate(text):
        if ch.isascii() and (ch >= " " or ch in "\t\r\n") and ch != "\x7f":
            continue
        cls = char_class(ch)
        if cls is not None and cls != "space":
            found.append((i, ch, cls))
    return found


def one_line(text: str | bytes, limit: int = 200) -> str:
    """The first line of ``text``, made safe and cut to ``limit`` characters."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="surrogateescape")
    first = text.split("\n", 1)[0]
    shown = display(first)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
