"""hidden-unicode: Trojan Source (CVE-2021-42574) and invisible code points."""

from __future__ import annotations

import pytest

from triage.rules import SourceFile, analyze

BIDI = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]


def hidden(path: str, text: str):
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    return [x for x in analyze([f]) if x.rule == "hidden-unicode"]


@pytest.mark.parametrize("cp", BIDI)
def test_each_bidi_control_alone_is_flagged_and_named(cp):
    (fd,) = hidden("a.py", f'x = "abc{chr(cp)}def"\n')
    assert fd.severity == "high" and fd.line == 1
    assert f"U+{cp:04X}" in fd.message and "1 hidden code point" in fd.message


def test_message_names_and_counts():
    (fd,) = hidden("a.js", 'if (a) { /*\u202e } \u2066if (b)\u2069 \u2066 */\n')
    assert fd.message.startswith("4 hidden code points: ")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in fd.message
    assert "U+2066 LEFT-TO-RIGHT ISOLATE x2" in fd.message
    assert "U+2069 POP DIRECTIONAL ISOLATE" in fd.message


@pytest.mark.parametrize(
    "ch",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e", "\u3164", "\u115f", "\uffa0", "\u2800",
     "\U000e0041", "\ufe0e", "\U000e0100"],
)
def test_zero_width_fillers_tags_and_selectors(ch):
    found = hidden("a.js", f"const a{ch}b = 1;\n")
    assert len(found) == 1 and f"U+{ord(ch):04X}" in found[0].message


def test_tag_payload_is_counted_and_spelled():
    payload = "".join(chr(0xE0000 + ord(c)) for c in "rm -rf /")
    (fd,) = hidden("a.js", f'const s = "ok{payload}";\n')
    assert fd.message.startswith("8 hidden code points") and "'rm -rf /'" in fd.message
    assert fd.severity == "high"


def test_variation_selector_run_is_high():
    (fd,) = hidden("a.js", "const s = 'x" + "\U000e0100" * 64 + "';\n")
    assert "x64" in fd.message and fd.severity == "high"


def test_benign_uses_are_quiet():
    text = (
        '\ufeffHEART = "\u2764\ufe0f"\n'
        'FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"\n'
        'FA = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"\n'
        'HE = "\u05e9\u05dc\u05d5\u05dd\u200f!"\n'
        'KEYCAP = "1\ufe0f\u20e3"\n'
    )
    assert hidden("a.py", text) == []


def test_bom_not_at_file_start_is_flagged():
    (fd,) = hidden("a.py", "x = 1\ny = '\ufeff'\n")
    assert fd.line == 2 and "U+FEFF" in fd.message


def test_any_file_type_even_without_a_lexer():
    assert len(hidden("notes.unknownext", "plain \u202e text\n")) == 1
    assert len(hidden(".env", "KEY=va\u200blue\n")) == 1
