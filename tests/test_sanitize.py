"""The sanitising boundary: untrusted text is shown literally and visibly, never interpreted."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.sanitize import char_class, display, hidden_chars, one_line, segments


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("\x1b]52;c;ZXZpbA==\x07", "^[]52;c;ZXZpbA==^G"),
        ("\x1b[2J\x1b[H✔ checks passed", "^[[2J^[[H✔ checks passed"),
        ("a\x00b\x7fc", "a^@b^?c"),
        ("safe\rEVIL", "safe␍EVIL"),
        ("x\x9b31mred", "x\\x9b31mred"),
        ("user\u202e \u2066# admin\u2069", "user⟨U+202E RLO⟩ ⟨U+2066 LRI⟩# admin⟨U+2069 PDI⟩"),
        ("zero\u200bwidth", "zero⟨U+200B ZWSP⟩width"),
        ("a\u2028b", "a⟨U+2028 LSEP⟩b"),
        ("lat\udce9.txt", "lat\\xe9.txt"),
        ("tab\there", "tab\there"),
        ("[bold red]pwned[/]", "[bold red]pwned[/]"),
    ],
)
def test_hidden_and_active_characters_become_visible_stand_ins(raw, shown):
    assert display(raw) == shown


def test_bytes_are_decoded_without_losing_any():
    assert display(b"caf\xe9 \xff") == "caf\\xe9 \\xff"


def test_markup_is_left_alone_for_the_widget_layer_to_treat_as_text():
    assert segments("[link=https://evil]x[/link]") == [("[link=https://evil]x[/link]", False)]


def test_escaped_segments_are_marked():
    assert segments("a\x1bb") == [("a", False), ("^[", True), ("b", False)]


@pytest.mark.parametrize("cp", [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
def test_every_bidi_control_is_classified(cp):
    assert char_class(chr(cp)) == "bidi"


@pytest.mark.parametrize("ch, cls", [("\u3164", "invisible"), ("\ufe0f", "variation-selector"),
                                     ("\U000e0041", "tag"), ("\u00a0", "space"), ("\ufeff", "zero-width")])
def test_invisible_classes(ch, cls):
    assert char_class(ch) == cls


@given(st.text())
def test_display_never_emits_control_bidi_or_invisible_characters(text):
    out = display(text)
    assert hidden_chars(out) == []
    assert "\x1b" not in out and "\r" not in out


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_printable_ascii_passes_through_unchanged(text):
    assert display(text) == text


def test_one_line_cuts_and_keeps_only_the_first_line():
    assert one_line("title\nbody") == "title"
    assert one_line("x" * 300, limit=10) == "x" * 9 + "…"
