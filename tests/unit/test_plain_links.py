"""ui/text/plain_links.py: URLs in plain text, whole and chunk by chunk."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.text.plain_links import PlainLinkScanner, find_urls


def urls(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in find_urls(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("go to http://example.org now", ["http://example.org"]),
        ("HTTPS://Example.org/A?b=1&c=2#frag", ["HTTPS://Example.org/A?b=1&c=2#frag"]),
        ("end of sentence http://a.example/x.", ["http://a.example/x"]),
        ("list: http://a.example/, http://b.example/;", ["http://a.example/", "http://b.example/"]),
        ("(see http://a.example/page)", ["http://a.example/page"]),
        (
            "wiki http://en.wikipedia.org/wiki/Foo_(bar) ok",
            ["http://en.wikipedia.org/wiki/Foo_(bar)"],
        ),
        ("(http://en.wikipedia.org/wiki/Foo_(bar))", ["http://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("[http://a.example/x]", ["http://a.example/x"]),
        ("<http://a.example/x>", ["http://a.example/x"]),
        ('"http://a.example/x"', ["http://a.example/x"]),
        ("what? http://a.example/?q=1!", ["http://a.example/?q=1"]),
        ("www.example.org/path.", ["www.example.org/path"]),
        ("awww.example.org and x@www.example.org", []),
        ("http:// alone, https://", []),
        ("no urls here", []),
        ("ftp://x.example/ is not for us", []),
        (
            "http://a.example/x\thttp://b.example/y\nhttps://c.example",
            ["http://a.example/x", "http://b.example/y", "https://c.example"],
        ),
        ("http://ünïcode.example/päth", ["http://ünïcode.example/päth"]),
    ],
)
def test_find_urls(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


def test_www_gets_a_scheme() -> None:
    assert find_urls("www.example.org") == [(0, 15, "http://www.example.org")]
    assert find_urls("x https://e.example") == [(2, 19, "https://e.example")]


TEXT = (
    "Romeo: see http://data.pr4e.org/romeo.txt.\n"
    "Mirror (www.example.org/r?x=(1)) and https://en.wikipedia.org/wiki/Romeo_(name),\n"
    "emoji 😀 https://e.example/😀 end"
)


def scan(chunks: list[str], utf16: bool = False) -> list[tuple[int, int, str]]:
    scanner = PlainLinkScanner(utf16=utf16)
    found: list[tuple[int, int, str]] = []
    for chunk in chunks:
        found += scanner.feed(chunk)
    return found + scanner.close()


def test_scanner_whole_one_char_at_a_time_and_trailing_garbage() -> None:
    whole = scan([TEXT])
    assert whole == find_urls(TEXT)
    assert len(whole) == 4
    assert scan(list(TEXT)) == whole
    garbage = scan([TEXT, " \x00\x01 <<http://", "::"])
    assert garbage[: len(whole)] == whole


def test_scanner_reports_a_line_before_the_end() -> None:
    scanner = PlainLinkScanner()
    assert scanner.feed("see http://a.example/x") == []  # could still grow
    assert scanner.feed(" and") == [(4, 22, "http://a.example/x")]
    assert scanner.close() == []


def test_scanner_utf16_offsets() -> None:
    found = scan(["😀 http://a.example/ 😀😀 www.b.example"], utf16=True)
    assert [(s, e) for s, e, _ in found] == [(3, 20), (26, 39)]


def test_scanner_bounded_without_whitespace() -> None:
    scanner = PlainLinkScanner()
    assert scanner.feed("x" * 10_000) == []
    assert scanner._tail == ""


@given(st.lists(st.integers(min_value=0, max_value=len(TEXT))))
def test_any_split_equals_whole(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    chunks = [TEXT[a:b] for a, b in zip([0, *points], [*points, len(TEXT)], strict=True)]
    assert scan(chunks) == find_urls(TEXT)
