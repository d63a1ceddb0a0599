"""Provides ``hidden-unicode``: invisible and direction-changing code points.

Trojan Source (CVE-2021-42574) reorders code with bidi controls so that what a
reviewer reads differs from what the compiler sees; zero-width, filler, tag and
variation-selector code points hide identifiers and payloads (Glassworm). The
classes:

* Bidi_Control: U+061C, U+200E, U+200F, U+202A–202E, U+2066–2069;
* zero-width / format: U+200B–200D, U+2060–2064, U+206A–206F, U+FEFF (not at
  offset 0), U+180E, U+00AD, U+034F, U+FFF9–FFFB;
* invisible fillers: U+115F, U+1160, U+3164, U+FFA0, U+2800, U+17B4–17B5,
  U+1D173–1D17A;
* tags and variation selectors: U+E0000–E007F, U+FE00–FE0F, U+E0100–E01EF.

Benign uses are skipped: VS16 right after an emoji, U+2800 next to other Braille
patterns, ZWJ/ZWNJ between two
letters of a non-Latin script or two emoji (emoji sequences, Persian, Indic),
and the LRM/RLM/ALM marks on a line that contains right-to-left letters (as
Gitea does). Every line is scanned whatever the file's language or length (a
single character-class search, linear time).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterator

from triage.models import Finding
from triage.rules.base import RepoContext, register
from triage.rules.fileinfo import FileInfo, FileRule

BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
FORMAT = "\u200b-\u200d\u2060-\u2064\u206a-\u206f\ufeff\u180e\u00ad\u034f\ufff9-\ufffb"
FILLERS = "\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\U0001d173-\U0001d17a"
TAGS = "\U000e0000-\U000e007f\ufe00-\ufe0f\U000e0100-\U000e01ef"

HIDDEN = re.compile(f"[{BIDI}{FORMAT}{FILLERS}{TAGS}]")
_BIDI = re.compile(f"[{BIDI}]")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_MARKS = {"\u200e", "\u200f", "\u061c"}

_FALLBACK_NAMES = {
    0x061C: "ARABIC LETTER MARK",
    0x180E: "MONGOLIAN VOWEL SEPARATOR",
    0xFEFF: "ZERO WIDTH NO-BREAK SPACE",
}


def name_of(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE`` for one code point."""
    cp = ord(ch)
    name = unicodedata.name(ch, "") or _FALLBACK_NAMES.get(cp, "")
    if not name:
        if 0xE0100 <= cp <= 0xE01EF:
            name = f"VARIATION SELECTOR-{cp - 0xE0100 + 17}"
        elif 0xE0000 <= cp <= 0xE007F:
            name = "TAG CHARACTER"
        else:
            name = unicodedata.category(ch)
    return f"U+{cp:04X} {name}"


def _emoji(ch: str) -> bool:
    if not ch:
        return False
    cp = ord(ch)
    return unicodedata.category(ch) == "So" or 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF


def _letter(ch: str) -> bool:
    return bool(ch) and ord(ch) > 0x7F and unicodedata.category(ch).startswith(("L", "M"))


def hidden_in(line: str, at_file_start: bool = False) -> list[str]:
    """The suspicious code points of one line, in order (benign uses left out)."""
    out: list[str] = []
    rtl: bool | None = None
    for m in HIDDEN.finditer(line):
        ch = m.group(0)
        i = m.start()
        prev = line[i - 1] if i else ""
        nxt = line[i + 1] if i + 1 < len(line) else ""
        if ch == "\ufeff" and i == 0 and at_file_start:
            continue
        if ch == "\ufe0f" and (_emoji(prev) or prev == "\u20e3" or (prev.isdigit() and nxt == "\u20e3") or prev in "#*"):
            continue
        if ch in ("\u200d", "\u200c") and ((_emoji(prev) or prev == "\ufe0f") and _emoji(nxt) or _letter(prev) and _letter(nxt)):
            continue
        if ch == "\u034f" and (unicodedata.category(prev or " ") == "Mn" or unicodedata.category(nxt or " ") == "Mn"):
            continue  # a grapheme joiner inside a run of combining marks
        if ch == "\u2800" and ("\u2800" < prev <= "\u28ff" or "\u2800" < nxt <= "\u28ff"):
            continue  # a blank cell among Braille patterns (spinners, plots)
        if ch in _MARKS:
            if rtl is None:
                rtl = any(unicodedata.category(c).startswith("L") for c in _RTL.findall(line))
            if rtl:
                continue
        out.append(ch)
    return out


def describe(chars: list[str]) -> str:
    """``3 hidden code points: U+202E RIGHT-TO-LEFT OVERRIDE x2, U+2066 LEFT-TO-RIGHT ISOLATE``."""
    counts = Counter(chars)
    parts = []
    for ch, k in list(counts.items())[:6]:
        parts.append(name_of(ch) + (f" x{k}" if k > 1 else ""))
    if len(counts) > 6:
        parts.append(f"and {len(counts) - 6} more kinds")
    total = len(chars)
    noun = "code point" if total == 1 else "code points"
    msg = f"{total} hidden {noun}: " + ", ".join(parts)
    tags = "".join(chr(ord(c) - 0xE0000) for c in chars if 0xE0020 <= ord(c) <= 0xE007E)
    if len(tags) >= 2:
        shown = tags if len(tags) <= 40 else tags[:39] + "…"
        msg += f"; the tag characters spell {shown!r}"
    return msg


@register
class HiddenUnicode(FileRule):
    id = "hidden-unicode"
    severity = "high"
    kind = "token"
    cwe = "CWE-451"
    question = "Why does this line contain invisible or direction-changing characters, and does the code do what it appears to do?"
    demote_in_tests = False
    cheap = True

    def check(self, file, ctx):  # any language, even files no lexer knows
        if not file.added_lines or file.is_binary:
            return ()
        if not HIDDEN.search(file.text):
            return ()
        return list(self.scan(_info(file), ctx))

    def scan(self, fi: FileInfo, ctx: RepoContext) -> Iterator[Finding]:
        for n in sorted(fi.added):
            line = fi.line(n)
            if not line or not HIDDEN.search(line):
                continue
            chars = hidden_in(line, at_file_start=(n == 1))
            if not chars:
                continue
            vs = sum(1 for c in chars if 0xFE00 <= ord(c) <= 0xFE0F or 0xE0100 <= ord(c) <= 0xE01EF)
            strong = vs >= 4 or any(_BIDI.match(c) or 0xE0000 <= ord(c) <= 0xE007F for c in chars)
            yield self.hit(fi, n, describe(chars), None if strong else "medium")


def _info(file):
    from triage.rules.fileinfo import info

    return info(file)
