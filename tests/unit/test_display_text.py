"""Display-safe text for labels, tooltips and the window title (ui.text.display_text)."""

from __future__ import annotations

import unicodedata

from ui.text.display_text import (
    ELLIPSIS,
    display_line,
    display_title,
    elide,
    strip_hidden,
    tooltip_html,
)


def hidden(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch) in {"Cc", "Cf", "Cs"}]


def test_plain_text_is_kept() -> None:
    assert display_line("HTTP/1.1 200 OK") == "HTTP/1.1 200 OK"
    assert display_line("héllo wörld · 日本語") == "héllo wörld · 日本語"
    assert display_line("<b>bold</b>") == "<b>bold</b>"  # literal: the label is plain text


def test_control_and_format_characters_are_removed() -> None:
    text = "a\x00b\x1b[31mc\x7fd\x85e\u202ef\u2066g\u2069h\u200bi\ufeffj\ud800k"
    assert display_line(text) == "ab[31mcd efghijk"  # NEL (U+0085) is a line break
    for char in ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2067", "\u2068"]:
        assert display_line(f"x{char}y") == "xy"


def test_whitespace_collapses_to_one_line() -> None:
    assert display_line("  a\tb\r\n\nc\u2028d\u00a0 e  ") == "a b c d e"
    assert strip_hidden("a\nb") == "a b"


def test_elision() -> None:
    assert elide("abcdef", 6) == "abcdef"
    assert elide("abcdef", 4) == "abc" + ELLIPSIS
    line = display_line("R" * 60_000)
    assert len(line) == 200 and line.endswith(ELLIPSIS)
    assert len(display_line("R " * 30_000, 50)) <= 50
    # a long tail of hidden characters or spaces still says the text was cut
    assert display_line("x" + " " * 10_000 + "y").endswith(ELLIPSIS)
    assert display_line("x" + "\x00" * 10_000 + "y").endswith(ELLIPSIS)


def test_title() -> None:
    title = display_title("\u202eevil\x00 " + "T" * 1000)
    assert not hidden(title)
    assert len(title) <= 150 and title.startswith("evil T") and title.endswith(ELLIPSIS)


def test_tooltip_is_escaped_and_bounded() -> None:
    assert tooltip_html("") == ""
    tip = tooltip_html("<img src='/tmp/x.png'>\nline two")
    assert "<img" not in tip and "&lt;img" in tip and "<br>" in tip
    assert tip.startswith("<p") and tip.endswith("</p>")
    long = tooltip_html("R" * 60_000)
    assert len(long) < 3_000 and long.count("<br>") == 19 and ELLIPSIS in long
    assert not hidden(tooltip_html("a\u202eb\x1bc"))
