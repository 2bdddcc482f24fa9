"""ui/text/render/tokenizer.py: the tokens it gives, pinned, whole and split at every character.

The tokenizer is the only module built on html.parser's internals, which CPython releases
change: these tests are what must hold on every supported Python.
"""

from __future__ import annotations

import pytest

from ui.text.render.tokenizer import (
    MAX_CONSTRUCT,
    MAX_EOF_FLUSH,
    UNTERMINATED_NOTE,
    Attrs,
    Tokenizer,
    TokenSink,
)

Token = tuple[object, ...]


class Recorder(TokenSink):
    """A TokenSink that writes the tokens down, adjacent text merged (skip_raw_text: it skips
    the text of <script> and <style>, as the Engine does)."""

    def __init__(self, skip_raw_text: bool = False) -> None:
        self.tokens: list[Token] = []
        self.skip_raw_text = skip_raw_text
        self.in_raw_text = False

    def skipping(self) -> bool:
        return self.skip_raw_text and self.in_raw_text

    def start_tag(self, tag: str, attrs: Attrs) -> None:
        self.in_raw_text = tag in ("script", "style")
        self.tokens.append(("start", tag, tuple(attrs)))

    def start_end_tag(self, tag: str, attrs: Attrs) -> None:
        self.tokens.append(("startend", tag, tuple(attrs)))

    def end_tag(self, tag: str) -> None:
        self.in_raw_text = False
        self.tokens.append(("end", tag))

    def text(self, data: str) -> None:
        if self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", str(self.tokens[-1][1]) + data)
        else:
            self.tokens.append(("text", data))


def tokens(pieces: list[str], skip_raw_text: bool = False) -> list[Token]:
    sink = Recorder(skip_raw_text)
    tokenizer = Tokenizer(sink)
    for piece in pieces:
        tokenizer.feed(piece)
    tokenizer.close()
    return sink.tokens


CASES: list[tuple[str, str, list[Token]]] = [
    ("text", "hello world", [("text", "hello world")]),
    (
        "tags lower-cased",
        "<P CLASS=x>a</P>",
        [("start", "p", (("class", "x"),)), ("text", "a"), ("end", "p")],
    ),
    (
        "attributes quoted, unquoted, bare, entities",
        """<a href="/x?a=1&amp;b=2" title='it&#39;s' hidden data-n=3>l</a>""",
        [
            (
                "start",
                "a",
                (("href", "/x?a=1&b=2"), ("title", "it's"), ("hidden", None), ("data-n", "3")),
            ),
            ("text", "l"),
            ("end", "a"),
        ],
    ),
    (
        "self-closed",
        "<br/><img src=a />",
        [("startend", "br", ()), ("startend", "img", (("src", "a"),))],
    ),
    ("character references", "a &lt; b &amp;&amp; &#x263A; &copy;", [("text", "a < b && ☺ ©")]),
    ("comments dropped", "a<!-- <b>not</b> -->b", [("text", "ab")]),
    ("doctype dropped", "<!DOCTYPE html><p>", [("start", "p", ())]),
    ("processing instruction dropped", "<?xml version='1.0'?>x", [("text", "x")]),
    ("CDATA-like declaration dropped", "a<![CDATA[x]]>b", [("text", "ab")]),
    ("bogus declaration", "a<![foo bar>b", [("text", "ab")]),
    (
        "script text is raw",
        "<script>if (a<b) x = '</p>';</script>after",
        [
            ("start", "script", ()),
            ("text", "if (a<b) x = '</p>';"),
            ("end", "script"),
            ("text", "after"),
        ],
    ),
    (
        "style text is raw",
        "<style>p > a { }</style>",
        [("start", "style", ()), ("text", "p > a { }"), ("end", "style")],
    ),
    ("stray end tag", "a</x>b", [("text", "a"), ("end", "x"), ("text", "b")]),
    ("lone less-than", "a < b", [("text", "a < b")]),
    ("unterminated comment at the end shows nothing", "a<!-- b", [("text", "a")]),
    ("unterminated tag at the end is text", "a<a href=x", [("text", "a<a href=x")]),
]


@pytest.mark.parametrize(("name", "html", "expected"), CASES, ids=[c[0] for c in CASES])
def test_tokens_whole(name: str, html: str, expected: list[Token]) -> None:
    assert tokens([html]) == expected


@pytest.mark.parametrize(("name", "html", "expected"), CASES, ids=[c[0] for c in CASES])
def test_tokens_one_character_at_a_time(name: str, html: str, expected: list[Token]) -> None:
    assert tokens(list(html)) == expected


@pytest.mark.parametrize(("name", "html", "expected"), CASES, ids=[c[0] for c in CASES])
def test_tokens_split_at_every_point(name: str, html: str, expected: list[Token]) -> None:
    for cut in range(1, len(html)):
        assert tokens([html[:cut], html[cut:]]) == expected, cut


def test_garbage_never_raises() -> None:
    garbage = "</x><<<&&&<!--<![foo[\x00<a =b <<!x--><?\ufffd<//>"
    whole = tokens([garbage])
    assert tokens(list(garbage)) == whole


def test_an_over_long_start_tag_keeps_its_first_attributes() -> None:
    # The attribute running into the cut keeps its name, not its value; later ones are lost.
    html = '<a href="/ok" title="' + "t" * (MAX_CONSTRUCT + 10) + '" class=x>link</a>'
    attrs = (("href", "/ok"), ("title", None))
    expected: list[Token] = [("start", "a", attrs), ("text", "link"), ("end", "a")]
    assert tokens([html]) == expected
    assert tokens([html[i : i + 8192] for i in range(0, len(html), 8192)]) == expected


def test_an_over_long_self_closed_tag_and_comment() -> None:
    html = "<img alt=pic src='" + "Q" * MAX_CONSTRUCT + "'/><!-- " + "c" * MAX_CONSTRUCT + " -->x"
    expected: list[Token] = [("startend", "img", (("alt", "pic"), ("src", None))), ("text", "x")]
    assert tokens([html]) == expected
    assert tokens([html[i : i + 5000] for i in range(0, len(html), 5000)]) == expected


def test_an_unterminated_long_tag_at_the_end_is_bounded() -> None:
    html = "a<div " + "a=b " * 10_000
    (only,) = tokens([html])
    assert only[0] == "text"
    text = str(only[1])
    assert text.endswith(UNTERMINATED_NOTE)
    assert len(text) <= MAX_EOF_FLUSH + len(UNTERMINATED_NOTE) + 1


def test_skipped_raw_text_is_dropped_as_it_comes_and_its_end_still_found() -> None:
    body = "x = 1;\n" * 200_000
    html = "<script>" + body + "</script>after"
    sink = Recorder(skip_raw_text=True)
    tokenizer = Tokenizer(sink)
    for i in range(0, len(html), 8192):
        tokenizer.feed(html[i : i + 8192])
        assert len(tokenizer.rawdata) < 3 * MAX_EOF_FLUSH + 8192  # never the whole script
    tokenizer.close()
    assert sink.tokens[0] == ("start", "script", ())
    assert sink.tokens[-2:] == [("end", "script"), ("text", "after")]
