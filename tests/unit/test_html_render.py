"""ui/render (HtmlRenderer): the corpus, links, progressive rendering, hostile input, speed."""

from __future__ import annotations

import gc
import itertools
import random
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ui.text.lines import MAX_LINE_CHARS
from ui.text.render import Fragment, HtmlRenderer, Link, Style, join_fragments, render_html
from ui.text.render.engine import MAX_OPEN_ELEMENTS
from ui.text.render.tokenizer import MAX_EOF_FLUSH, Tokenizer
from ui.text.render.writer import MAX_INDENT

BASE = "http://example.org/dir/page.html"
CORPUS = Path(__file__).parent / "html_corpus"


def render(html: str, base: str = BASE, **kwargs: object) -> str:
    fragment, _ = render_html(html, base, **kwargs)  # type: ignore[arg-type]
    return fragment.text


def feed_in_pieces(html: str, cuts: list[int], base: str = BASE) -> tuple[Fragment, str | None]:
    renderer = HtmlRenderer(base)
    fragments = []
    last = 0
    for cut in sorted(set(cuts)):
        fragments.append(renderer.feed(html[last:cut]))
        last = cut
    fragments.append(renderer.feed(html[last:]))
    fragments.append(renderer.close())
    return join_fragments(fragments), renderer.title


# --------------------------------------------------------------------------- corpus

CASES: list[tuple[str, str, str]] = [
    ("paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo"),
    ("whitespace collapsed", "<p>  a \n\t b   <b> c </b>  d </p>", "a b c d"),
    ("nbsp kept", "<p>a&nbsp;&nbsp;b</p>", "a\xa0\xa0b"),
    ("br", "<p>a<br>b<br/><br>c</p>", "a\nb\n\nc"),
    ("headings", "<h1>Title</h1><p>text</p><h2>Sub</h2>", "Title\n\ntext\n\nSub"),
    ("div lines", "<div>a</div><div>b</div>c", "a\nb\nc"),
    ("unordered list", "<ul><li>one</li><li>two</li></ul>", "  • one\n  • two"),
    (
        "nested lists",
        "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>",
        "  • a\n      ◦ b\n          ▪ c\n  • d",
    ),
    ("ordered list", "<ol><li>a<li>b<li>c</ol>", " 1. a\n 2. b\n 3. c"),
    ("ordered start", '<ol start="9"><li>a<li>b</ol>', " 9. a\n10. b"),
    (
        "ordered types",
        '<ol type="a"><li>x<li>y</ol><ol type="I"><li>p<li>q</ol>',
        " a. x\n b. y\n\n I. p\nII. q",
    ),
    ("li value", '<ol><li>a<li value="7">b<li>c</ol>', " 1. a\n 7. b\n 8. c"),
    (
        "list item paragraphs",
        "<ul><li><p>para one</p><p>para two</p></li><li>next</li></ul>",
        "  • para one\n\n    para two\n\n  • next",
    ),
    (
        "blockquote",
        "<p>x</p><blockquote><p>a</p><p>b</p></blockquote><p>y</p>",
        "x\n\n    a\n\n    b\n\ny",
    ),
    (
        "nested quote",
        "<blockquote>a<blockquote>b</blockquote>c</blockquote>",
        "    a\n\n        b\n\n    c",
    ),
    ("pre verbatim", "<pre>\n  a  b\n\n\tc</pre>", "  a  b\n\n\tc"),
    ("pre with tags", "<pre><b>x</b>  &lt;y&gt;\n z</pre>", "x  <y>\n z"),
    ("pre in list", "<ul><li>code:<pre>a\nb</pre></li></ul>", "  • code:\n\n    a\n    b"),
    ("hr", "<p>a</p><hr><p>b</p>", "a\n\n" + "─" * 40 + "\n\nb"),
    ("dl", "<dl><dt>Term<dd>Definition<dt>T2<dd>D2</dl>", "Term\n    Definition\nT2\n    D2"),
    ("image alt", '<p>a <img src="x.png" alt="A  cat"> b</p>', "a [image: A cat] b"),
    ("image no alt", '<p>a <img src="x.png"> b</p>', "a [image] b"),
    ("image decorative", '<p>a <img src="x.png" alt=""> b</p>', "a b"),
    ("q", "<p><q>hi</q></p>", "“hi”"),
    (
        "entities",
        "<p>&amp; &lt; &gt; &quot; &#39; &copy; &#169; &#xA9; &eacute; &hellip; &euro;</p>",
        "& < > \" ' © © © é … €",
    ),
    (
        "malformed entities",
        "<p>&amp &copy x &#99999999; &#0; &bogus; AT&T &</p>",
        "& © x \ufffd \ufffd &bogus; AT&T &",
    ),
    ("astral entity", "<p>&#x1F600; &#128512;</p>", "😀 😀"),
    ("script dropped", '<p>a<script>document.write("<p>no</p>")</script>b</p>', "ab"),
    ("style dropped", "<style>p { color: red }</style><p>a</p>", "a"),
    ("comment dropped", "<p>a<!-- <p>hidden</p> -->b</p>", "ab"),
    # Yonder runs no script: <noscript> is shown, as w3m shows it.
    ("noscript shown", "<noscript><p>enable JS</p></noscript><p>a</p>", "enable JS\n\na"),
    ("template dropped", "<template><p>t</p></template><p>a</p>", "a"),
    ("svg dropped", "<p>a<svg><title>icon</title><text>t</text></svg>b</p>", "ab"),
    ("self-closed svg", "<p>a<svg/>b</p>", "ab"),
    ("doctype and pi", "<!DOCTYPE html><?xml version='1.0'?><p>a</p>", "a"),
    (
        "cdata and marked sections",
        "<p>a<![CDATA[x]]>b<![if !IE]>c<![endif]>d<![bogus[e]]>f</p>",
        "abcdf",
    ),  # <![bogus[ is a bogus comment up to ">", as in browsers
    ("uppercase tags", "<P>A<BR>B</P><UL><LI>C</UL>", "A\nB\n\n  • C"),
    (
        "unquoted attributes",
        "<p><a href=/x?a=1&b=2>link</a> <img alt=cat src=c.png></p>",
        "link [image: cat]",
    ),
    ("unclosed tags", "<p>a<p>b<div>c<ul><li>d<li>e", "a\n\nb\nc\n\n  • d\n  • e"),
    ("stray end tags", "</b></i></li></td></table></ul>a</p>b</div>", "a\n\nb"),
    ("lone less-than", "<p>1 < 2 and 3 <= 4, a<b</p>", "1 < 2 and 3 <= 4, a"),
    ("misnested", "<p><b>a<i>b</b>c</i>d</p>", "abcd"),
    ("heading end mismatch", "<h1>a</h2>b", "a\n\nb"),
    (
        "head text hidden",
        "<html><head><title>T</title><meta charset=utf-8></head><body>x</body>",
        "x",
    ),
    (
        "form controls",
        '<form><input name=q value="hello"> <input type=checkbox checked> <input type=radio>'
        " <input type=submit> <input type=hidden value=s> <button>Go</button>"
        " <select><option>A<option selected>B</select> <textarea>Some\ntext</textarea></form>",
        "[hello_______] [x] ( ) [ Submit ] [Go] [B ▾] [Some text]",
    ),
    ("unclosed select", "<select><option>A<option>B<p>after", "[A ▾]\n\nafter"),
    (
        "table simple",
        "<table><tr><td>a</td><td>b</td></tr><tr><td>ccc</td><td>d</td></tr></table>",
        "a    b\nccc  d",
    ),
    (
        "table header rule",
        "<table><tr><th>Name<th>Qty<tr><td>apple<td>3<tr><td>kiwi<td>12</table>",
        "Name   Qty\n─────  ───\napple  3\nkiwi   12",
    ),
    ("table caption", "<table><caption>Fruit</caption><tr><td>a<td>b</table>", "Fruit\na  b"),
    (
        "table colspan",
        "<table><tr><td colspan=2>wide cell here<tr><td>a<td>b</table>",
        "wide cell here\na  b",
    ),
    (
        "table rowspan",
        "<table><tr><td rowspan=2>R<td>1<tr><td>2<tr><td>x<td>3</table>",
        "R  1\n   2\nx  3",
    ),
    (
        "table text around",
        "<p>before</p><table><tr><td>a<td>b</table><p>after</p>",
        "before\n\na  b\n\nafter",
    ),
    ("table fostered text", "<table>oops<tr><td>a</table>", "oops\n\na"),
    ("table unclosed", "<table><tr><td>a<td>b<tr><td>c", "a  b\nc"),
    ("cells outside table", "<td>a<td>b", "a b"),
    # A table in a cell makes the outer one a layout table, shown linearly as it arrives (it
    # used to wait for the outer </table>: "x  1  2\n   3  4"); the inner one is still aligned.
    (
        "nested table",
        "<table><tr><td>x<td><table><tr><td>1<td>2<tr><td>3<td>4</table></table>",
        "x\n\n1  2\n3  4",
    ),
]


@pytest.mark.parametrize(("name", "html", "expected"), CASES, ids=[c[0] for c in CASES])
def test_corpus(name: str, html: str, expected: str) -> None:
    assert render(html).rstrip("\n") == expected


@pytest.mark.parametrize(("name", "html", "expected"), CASES, ids=[c[0] for c in CASES])
def test_corpus_one_char_at_a_time_and_with_trailing_garbage(
    name: str, html: str, expected: str
) -> None:
    whole, title = render_html(html, BASE)
    drip, drip_title = feed_in_pieces(html, list(range(len(html))))
    assert drip == whole
    assert drip_title == title
    # Trailing garbage after the document never raises and never changes what came before.
    garbage, _ = render_html(html + "</x><<<&&&<!--<![foo[\x00", BASE)
    assert "".join(garbage.text.split()).startswith("".join(whole.text.split()))


def test_corpus_files() -> None:
    pages = sorted(CORPUS.glob("*.html"))
    assert pages
    for page in pages:
        expected = page.with_suffix(".txt").read_text(encoding="utf-8")
        fragment, title = render_html(page.read_text(encoding="utf-8"), BASE)
        assert fragment.text.rstrip("\n") + "\n" == expected, page.name
        assert title


def test_wide_table_wraps_cells_and_keeps_columns_aligned() -> None:
    html = "<table><tr><td>" + "word " * 30 + "<td>b</table>"
    lines = render(html, width=40).split("\n")
    assert all(len(line) <= 40 for line in lines)
    assert lines[0].endswith("  b")
    assert {line.rstrip() for line in lines[1:]} <= {"word " * n + "word" for n in range(8)}


def test_too_many_columns_falls_back_to_rows() -> None:
    row = "".join(f"<td>c{i}" for i in range(60))
    assert render(f"<table><tr>{row}</table>").rstrip() == " | ".join(f"c{i}" for i in range(60))


def test_heading_underline_option() -> None:
    fragment, _ = render_html("<h1>Title</h1><h2>Sub</h2><h3>x</h3>", BASE, underline_headings=True)
    assert fragment.text.rstrip() == "Title\n=====\n\nSub\n---\n\nx"


# --------------------------------------------------------------------------- title


def test_title_decoded_collapsed_and_available_at_end_tag() -> None:
    renderer = HtmlRenderer(BASE)
    renderer.feed("<html><head><title>\n  Caf&eacute;  &amp;\n  more ")
    assert renderer.title is None
    renderer.feed(" </title></head><body>")
    assert renderer.title == "Café & more"
    renderer.feed("<title>second</title>")
    renderer.close()
    assert renderer.title == "Café & more"


def test_title_absent_and_unclosed() -> None:
    assert render_html("<p>x", BASE)[1] is None
    fragment, title = render_html("<title>Lost", BASE)
    assert title == "Lost"
    assert fragment.text == ""
    assert render_html("<title>A</title><svg><title>icon</title></svg>", BASE)[1] == "A"


# --------------------------------------------------------------------------- links


def links_of(html: str, base: str = BASE) -> tuple[str, list[Link]]:
    fragment, _ = render_html(html, base)
    return fragment.text, list(fragment.links)


def test_links_resolved_with_offsets_and_text() -> None:
    text, links = links_of(
        '<p>See <a href="other.html">the <b>other</b> page</a>, '
        '<a href="/root?q=1#frag">root</a>, <a href="//cdn.example.net/x">cdn</a>, '
        '<a href="https://secure.example.com/">abs</a> and <a href="">self</a>.</p>'
    )
    assert text.rstrip() == "See the other page, root, cdn, abs and self."
    got = [(text[k.start : k.end], k.url, k.text, k.number) for k in links]
    assert got == [
        ("the other page", "http://example.org/dir/other.html", "the other page", 0),
        ("root", "http://example.org/root?q=1", "root", 1),
        ("cdn", "http://cdn.example.net/x", "cdn", 2),
        ("abs", "https://secure.example.com/", "abs", 3),
        ("self", BASE, "self", 4),
    ]
    assert all(k.url is not None and k.problem is None for k in links)


def test_base_href_changes_resolution() -> None:
    _, links = links_of(
        '<head><base href="http://other.example/sub/"></head>'
        '<a href="x.html">x</a><base href="http://ignored/"><a href="../y">y</a>'
    )
    assert [k.url for k in links] == ["http://other.example/sub/x.html", "http://other.example/y"]


def test_relative_base_href_resolves_against_document() -> None:
    _, links = links_of('<base href="/top/"><a href="a">a</a>')
    assert links[0].url == "http://example.org/top/a"


def test_unfollowable_links_are_kept_and_marked() -> None:
    text, links = links_of(
        '<a href="javascript:alert(1)">js</a> <a href="mailto:a@b.c">mail</a> '
        '<a href="ftp://x/">ftp</a> <a href="http://[bad">bad</a>'
    )
    assert [text[k.start : k.end] for k in links] == ["js", "mail", "ftp", "bad"]
    assert all(k.url is None and k.problem for k in links)
    assert "javascript" in (links[0].problem or "")


def test_anchor_without_href_is_not_a_link() -> None:
    text, links = links_of('<a name="top">Top</a> <a id=x>here</a> <a href="a">a</a>')
    assert text.rstrip() == "Top here a"
    assert [k.text for k in links] == ["a"]


def test_href_whitespace_and_newlines_removed() -> None:
    _, links = links_of('<a href="  pa\nge.html\t ">x</a>')
    assert links[0].url == "http://example.org/dir/page.html"
    assert links[0].href == "page.html"


def test_nested_anchor_closes_previous_and_unclosed_anchor_ends_at_close() -> None:
    text, links = links_of('<a href="a">one <a href="b">two</a> three <a href="c">four')
    assert [(text[k.start : k.end], k.url.rsplit("/", 1)[1]) for k in links if k.url] == [
        ("one", "a"),
        ("two", "b"),
        ("four", "c"),
    ]


def test_empty_link_dropped_image_link_kept() -> None:
    text, links = links_of('<a href="a"></a><a href="b"><img alt="Logo"></a>')
    assert [k.text for k in links] == ["[image: Logo]"]
    assert text[links[0].start : links[0].end] == "[image: Logo]"


def test_links_in_table_cells_map_to_output_even_when_wrapped() -> None:
    html = (
        "<table><tr><td>name</td><td><a href='x'>"
        + "long words " * 12
        + "</a></td></tr><tr><td><a href=y>y</a></td><td>2</td></tr></table>"
    )
    fragment, _ = render_html(html, BASE, width=40)
    text = fragment.text
    pieces = [k for k in fragment.links if k.number == 0]
    assert len(pieces) > 1
    assert " ".join(text[k.start : k.end] for k in pieces) == ("long words " * 12).strip()
    assert [text[k.start : k.end] for k in fragment.links if k.number == 1] == ["y"]


def test_utf16_offsets_count_astral_characters_twice() -> None:
    html = '<p>😀 <a href="x">é😀x</a> <b>y</b></p>'
    plain, _ = render_html(html, BASE)
    wide, _ = render_html(html, BASE, utf16=True)
    assert plain.text == wide.text
    (link,) = wide.links
    encoded = wide.text.encode("utf-16-le")
    assert encoded[link.start * 2 : link.end * 2].decode("utf-16-le") == "é😀x"
    (bold,) = [s for s in wide.spans if s.style is Style.STRONG]
    assert encoded[bold.start * 2 : bold.end * 2].decode("utf-16-le") == "y"
    assert plain.links[0].start == link.start - 1


def test_utf16_offsets_in_table() -> None:
    html = '<table><tr><td>😀😀<td><a href="x">link</a></table>'
    wide, _ = render_html(html, BASE, utf16=True)
    encoded = wide.text.encode("utf-16-le")
    (link,) = wide.links
    assert encoded[link.start * 2 : link.end * 2].decode("utf-16-le") == "link"


# --------------------------------------------------------------------------- styles


def styled(html: str) -> dict[Style, list[str]]:
    fragment, _ = render_html(html, BASE)
    out: dict[Style, list[str]] = {}
    for span in fragment.spans:
        out.setdefault(span.style, []).append(fragment.text[span.start : span.end])
    return out


def test_style_spans() -> None:
    got = styled(
        "<h1>Big</h1><h3>Small</h3><p><b>b</b> <strong>s</strong> <em>e</em> <code>c()</code> "
        "<del>d</del> <u>u</u></p><pre>p\nq</pre><blockquote>quote</blockquote>"
        "<table><tr><th>H<td>v</table><hr><img alt=i>"
    )
    assert got[Style.H1] == ["Big"]
    assert got[Style.H3] == ["Small"]
    assert got[Style.STRONG] == ["b", "s", "H"]
    assert got[Style.EMPHASIS] == ["e"]
    assert got[Style.CODE] == ["c()"]
    assert got[Style.STRIKE] == ["d"]
    assert got[Style.UNDERLINE] == ["u"]
    assert got[Style.PRE] == ["p\nq"]
    assert got[Style.QUOTE] == ["quote"]
    assert got[Style.TABLE] == ["H  v"]
    assert got[Style.RULE] == ["─" * 40]
    assert got[Style.IMAGE] == ["[image: i]"]


def test_style_inherited_into_table_cells_but_not_over_padding() -> None:
    got = styled("<b>x<table><tr><td>a<td>b</table>y</b>")
    assert got[Style.STRONG] == ["x", "a", "b", "y"]


# --------------------------------------------------------------------------- progressive

DOCUMENT = (
    "<!doctype html><html><head><title>Progressive &amp; streaming</title>"
    "<style>body { margin: 0 }</style><script>var s = '</p><p>';</script></head><body>"
    "<h1>First heading</h1><p>The first paragraph, with a <a href='a.html'>link</a>.</p>"
    "<ul><li>one<li>two <b>bold</b><ul><li>nested</ul></ul>"
    "<table><tr><th>k<th>v<tr><td>alpha<td><a href=/t>in table</a><tr><td colspan=2>wide</table>"
    "<blockquote>quoted<br>text</blockquote><pre>\n  pre  text\n\tx</pre>"
    "<p>&eacute;&#233;&#xe9; &lt;&amp;&gt; AT&T 😀</p><!-- bye --></body></html>\r\n"
)


def test_partial_output_before_the_end() -> None:
    renderer = HtmlRenderer(BASE)
    cut = DOCUMENT.index("<ul>")
    first = renderer.feed(DOCUMENT[:cut])
    assert "First heading" in first.text
    assert "The first paragraph, with a link." in first.text
    assert [k.text for k in first.links] == ["link"]
    assert renderer.title == "Progressive & streaming"
    assert renderer.position == len(first.text)
    rest = renderer.feed(DOCUMENT[cut:])
    assert rest.start == len(first.text)
    final = renderer.close()
    whole, _ = render_html(DOCUMENT, BASE)
    assert first.text + rest.text + final.text == whole.text


def test_paragraph_text_appears_as_it_arrives() -> None:
    renderer = HtmlRenderer(BASE)
    assert renderer.feed("<p>Hello wor").text == "Hello wor"
    assert renderer.feed("ld, and ").text == "ld, and"  # the space waits for what follows
    assert renderer.feed("more</p><p>next").text == " more\n\nnext"


def test_table_held_until_it_closes() -> None:
    renderer = HtmlRenderer(BASE)
    assert renderer.feed("<p>x</p><table><tr><td>a<td>b").text == "x"
    assert renderer.feed("<tr><td>c").text == ""
    assert renderer.feed("</table>").text == "\n\na  b\nc"


def test_one_char_at_a_time_equals_whole() -> None:
    whole, title = render_html(DOCUMENT, BASE)
    drip, drip_title = feed_in_pieces(DOCUMENT, list(range(len(DOCUMENT))))
    assert drip == whole
    assert drip_title == title == "Progressive & streaming"
    assert [k.text for k in whole.links] == ["link", "in table"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=len(DOCUMENT)), max_size=25))
def test_any_split_equals_whole(cuts: list[int]) -> None:
    whole, _ = render_html(DOCUMENT, BASE)
    pieces, _ = feed_in_pieces(DOCUMENT, cuts)
    assert pieces == whole


def test_crlf_split_across_feeds_is_one_line_break() -> None:
    html = "<pre>a\r\nb\rc</pre>"
    whole, _ = render_html(html, BASE)
    assert whole.text.rstrip() == "a\nb\nc"
    split, _ = feed_in_pieces(html, [html.index("\n")])
    assert split == whole


def test_feed_after_close_is_an_error() -> None:
    renderer = HtmlRenderer(BASE)
    renderer.close()
    assert renderer.close() == Fragment(0, "")
    with pytest.raises(ValueError, match="after close"):
        renderer.feed("x")


# Markup soup for the fuzz tests: tags, attributes, entities, text, broken bits.
_TOKENS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<b>",
        "</b>",
        "<i>",
        "<a href='x'>",
        "<a href=/y>",
        "<a>",
        "</a>",
        "<ul>",
        "</ul>",
        "<ol>",
        "<li>",
        "</li>",
        "<table>",
        "</table>",
        "<tr>",
        "<td>",
        "<th colspan=3>",
        "</td>",
        "<td rowspan=9>",
        "<caption>",
        "<pre>",
        "</pre>",
        "<br>",
        "<hr>",
        "<h1>",
        "</h2>",
        "<blockquote>",
        "</blockquote>",
        "<dl><dt>",
        "<dd>",
        "<img alt=x>",
        "<script>",
        "</script>",
        "<style>",
        "</style>",
        "<!--",
        "-->",
        "<title>",
        "</title>",
        "<select><option>o",
        "</select>",
        "<textarea>",
        "<button>",
        "<base href=/b/>",
        "<svg>",
        "</svg>",
        "<![x[",
        "]]>",
        "<",
        ">",
        "&",
        "&amp;",
        "&#x1F600;",
        "&#;",
        "\n",
        "\r",
        " ",
        "\t",
        "word",
        "é",
        "😀",
        "\x00",
        "<q>",
        "</q>",
        "<div>",
        "</div>",
        "<center>",
        "</tr>",
        "</caption>",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, max_size=40), st.lists(st.integers(min_value=0, max_value=400)))
@example(tokens=["<table>", "<td>"], cuts=[])  # an all-empty table once gave an empty span
def test_fuzz_never_raises_and_split_invariant(tokens: list[str], cuts: list[int]) -> None:
    html = "".join(tokens)
    whole, _ = render_html(html, BASE)
    for link in whole.links:
        assert 0 <= link.start < link.end <= len(whole.text)
    for span in whole.spans:
        assert 0 <= span.start < span.end <= len(whole.text)
    pieces, _ = feed_in_pieces(html, [c for c in cuts if c <= len(html)])
    assert pieces == whole


# --------------------------------------------------------------------------- layout tables

HN = (CORPUS / "hacker_news.html").read_text(encoding="utf-8")
HN_BASE = "https://news.ycombinator.com/news"
HN_TITLES = [
    "Show HN: A tiny text browser in Python",
    "Ask HN: What are you reading?",
    "Why layout tables refuse to die & what lynx did",
    "Streaming HTML parsers: a survey",
    "Café culture and the web 😀",
]


def test_layout_page_shows_each_story_as_its_row_arrives() -> None:
    # The whole page is one outer table: each story's title, link and subtext must be out by
    # the end of its own rows, long before the outer </table> (the old renderer held it all).
    renderer = HtmlRenderer(HN_BASE)
    text = ""
    links: list[Link] = []
    seen: dict[str, int] = {}
    for i in range(0, len(HN), 7):
        fragment = renderer.feed(HN[i : i + 7])
        text += fragment.text
        links.extend(fragment.links)
        for title in HN_TITLES:
            if title not in seen and any(k.text == title for k in links):
                seen[title] = i + 7
    outer_end = HN.rindex("</table>")
    for n, title in enumerate(HN_TITLES, 1):
        story = HN.index(f'<tr class="athing" id="{2000 + n}"')
        row_end = HN.index("</tr>", story) + len("</tr>")
        assert title in seen, title
        assert seen[title] <= row_end + 7 < outer_end, title
    assert f"1.  {HN_TITLES[0]} (example.com)\n312 points by alice 3 hours ago" in text
    renderer.close()


def test_layout_page_fed_early_returns_the_first_story() -> None:
    renderer = HtmlRenderer(HN_BASE)
    cut = HN.index('<tr class="athing" id="2002"')
    early = renderer.feed(HN[:cut])
    assert early.text.startswith("[image]  Hacker News new | past | comments | ask | submit  login")
    assert "1.  Show HN: A tiny text browser in Python (example.com)" in early.text
    assert "128\xa0comments" in early.text
    assert "Ask HN" not in early.text
    story = next(k for k in early.links if k.text == HN_TITLES[0])
    assert (story.url, early.text[story.start : story.end]) == (
        "https://example.com/rust-story",
        HN_TITLES[0],
    )
    rest = [renderer.feed(HN[cut:]), renderer.close()]
    whole, _ = render_html(HN, HN_BASE)
    assert join_fragments([early, *rest]) == whole


def corpus_pages() -> Iterator[str]:
    for page in sorted(CORPUS.glob("*.html")):
        yield page.read_text(encoding="utf-8")


def test_corpus_files_one_char_at_a_time_equal_whole() -> None:
    for html in corpus_pages():
        whole, title = render_html(html, BASE)
        assert feed_in_pieces(html, list(range(len(html)))) == (whole, title)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_corpus_files_any_split_equals_whole(data: st.DataObject) -> None:
    for html in corpus_pages():
        cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(html)), max_size=40))
        assert feed_in_pieces(html, cuts) == render_html(html, BASE)


@pytest.mark.parametrize("utf16", [False, True])
def test_links_and_spans_in_linear_cells_point_at_their_text(utf16: bool) -> None:
    whole, _ = render_html(HN, HN_BASE, utf16=utf16)
    units = whole.text.encode("utf-16-le") if utf16 else None

    def at(start: int, end: int) -> str:
        if units is None:
            return whole.text[start:end]
        return units[start * 2 : end * 2].decode("utf-16-le")

    for link in whole.links:
        assert at(link.start, link.end) == link.text
    by_text = {k.text: k for k in whole.links}
    assert by_text[HN_TITLES[4]].url == "https://xn--caf-dma.example/"
    assert by_text[HN_TITLES[3]].url == "https://example.org/p?a=1&b=2"
    assert by_text["alice"].url == "https://news.ycombinator.com/user?id=alice"
    assert by_text["More"].url == "https://news.ycombinator.com/news?p=2"
    assert by_text["Contact"].url is None
    strong = [at(s.start, s.end) for s in whole.spans if s.style is Style.STRONG]
    assert strong == ["Hacker News"]
    (table,) = [at(s.start, s.end) for s in whole.spans if s.style is Style.TABLE]
    assert table.startswith("[image]  Hacker News") and table.endswith("login")


def test_data_tables_with_one_block_per_cell_stay_aligned() -> None:
    # Sphinx wraps every cell's text in <p>; MDN and others in a <div>: still data tables.
    sphinx = (
        "<table><thead><tr><th><p>Operation</p></th><th><p>Result</p></th></tr></thead>"
        "<tbody><tr><td><p><code>x + y</code></p></td><td><p>sum of <em>x</em> and y</p></td>"
        "</tr><tr><td><div><div>x * y</div></div></td><td><ul><li>product</ul></td></tr>"
        "</tbody></table>"
    )
    assert render(sphinx).rstrip() == (
        "Operation  Result\n─────────  ──────────────\nx + y      sum of x and y\n"
        "x * y        • product"
    )
    got = styled(sphinx)
    assert got[Style.CODE] == ["x + y"]
    assert got[Style.TABLE] == [render(sphinx).strip()]


def test_second_block_in_a_cell_keeps_the_grid_and_a_heading_makes_a_layout_table() -> None:
    # w3m keeps a cell of two paragraphs in the grid (one line each); it used to turn the
    # whole table linear ("nav  one\n\ntwo\n\nx").
    two_paragraphs = "<table><tr><td>nav<td><p>one</p><p>two</p><td>x</table><p>after"
    assert render(two_paragraphs).rstrip() == "nav  one  x\n     two\n\nafter"
    heading = "<table><tr><td><a href=/>Home</a><br><a href=a>A</a><td><h1>Title</h1>text</table>"
    fragment, _ = render_html(heading, BASE)
    assert fragment.text.rstrip() == "Home\nA\n\nTitle\n\ntext"
    assert [(fragment.text[k.start : k.end], k.url) for k in fragment.links] == [
        ("Home", "http://example.org/"),
        ("A", "http://example.org/dir/a"),
    ]
    assert styled(heading)[Style.H1] == ["Title"]
    assert Style.TABLE not in styled(heading)


def test_switch_inside_a_cell_carries_styles_links_and_lists_on() -> None:
    # The <h2> turns the table linear in the middle of a list item, inside a link, in bold:
    # the cell's text so far goes out, and the list, link and bold go on in the document.
    html = (
        "<table><tr><th>k<td><b><ul><li>bold <a href=x>li</a> one<li>tw<a href=y>o "
        "<h2>Head</h2>rest</a></ul>end</b><td>last</table>"
    )
    fragment, _ = render_html(html, BASE)
    text = fragment.text
    assert text.rstrip() == "k    • bold li one\n  • two\n\n    Head\n\n    rest\n\nend  last"
    pieces = [(k.number, text[k.start : k.end], k.url) for k in fragment.links]
    assert pieces == [
        (0, "li", "http://example.org/dir/x"),
        (1, "o", "http://example.org/dir/y"),  # one link in two pieces, as in a wrapped cell
        (1, "Head\n\n    rest", "http://example.org/dir/y"),
    ]
    assert fragment.links[-1].text == "oHeadrest"  # as outside tables: blocks add no space
    got = styled(html)
    assert got[Style.STRONG] == ["k", "bold li one", "  • two", "Head\n\n    rest\n\nend"]
    assert got[Style.H2] == ["Head"]
    drip, _ = feed_in_pieces(html, list(range(len(html))))
    assert drip == fragment


def test_nested_data_table_in_a_layout_table_is_aligned() -> None:
    html = (
        "<table><tr><td><h2>Scores</h2><table><tr><th>team<th>pts<tr><td>red<td>12"
        "<tr><td>blue<td>7</table><p>That is all.</td></tr></table>"
    )
    assert render(html).rstrip() == (
        "Scores\n\nteam  pts\n────  ───\nred   12\nblue  7\n\nThat is all."
    )


def test_empty_cells_add_no_gap_or_blank_line() -> None:
    html = (
        "<table><tr><td><table><tr><td>x</table><tr><td>1.<td><center><div></div></center>"
        "<td><a href=t>Title</a><tr><td colspan=2><td>sub</table>"
    )
    assert render(html).rstrip() == "x\n\n1.  Title\nsub"


def huge_table(rows: int) -> Iterator[str]:
    yield "<p>top</p><table>"
    for start in range(0, rows, 100):
        yield "".join(f"<tr><td>row {n}<td>v<td>{n % 7}.5</tr>" for n in range(start, start + 100))
    yield "</table><p>end</p>"


def test_huge_table_streams_before_its_end_with_bounded_memory() -> None:
    def peak(rows: int) -> tuple[int, str]:
        renderer = HtmlRenderer(BASE)
        tail = ""
        tracemalloc.start()
        try:
            for chunk in huge_table(rows):
                if chunk.startswith("</table>"):
                    break
                tail = (tail + renderer.feed(chunk).text)[-200:]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        renderer.close()
        return peak, tail

    small, tail = peak(5_000)
    assert "row 4999  v  1.5" in tail  # out before </table> was fed
    big, _ = peak(20_000)  # held until it goes linear (~2.5 MB measured), then flat
    assert big < small * 1.2 + 200_000, (small, big)
    text = render("".join(huge_table(5_000)))
    assert text.startswith("top\n\nrow 0  v  0.5\nrow 1  v  1.5\n")
    assert text.rstrip().endswith("row 4999  v  1.5\n\nend")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(HN)), st.integers(0, 300), st.booleans()), max_size=8),
    st.lists(st.integers(min_value=0, max_value=len(HN) * 2), max_size=20),
)
def test_mangled_layout_page_never_raises_and_split_invariant(
    edits: list[tuple[int, int, bool]], cuts: list[int]
) -> None:
    html = HN
    for at, length, duplicate in edits:
        piece = html[at : at + length]
        html = html[:at] + (piece + piece if duplicate else "") + html[at + length :]
    whole, _ = render_html(html, BASE)
    for link in whole.links:
        assert 0 <= link.start < link.end <= len(whole.text)
    for span in whole.spans:
        assert 0 <= span.start < span.end <= len(whole.text)
    assert feed_in_pieces(html, [c for c in cuts if c <= len(html)])[0] == whole


# --------------------------------------------------------------------------- hostile input

T = TypeVar("T")


def cpu_seconds(work: Callable[[], T], runs: int = 2) -> tuple[float, T]:
    """The least CPU time (this process's, not the wall clock: another process's load does
    not count) of ``runs`` runs of ``work``, with the collector off; and work's result."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            result = work()
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best, result


def assert_linear(build: Callable[[int], str], work: Callable[[str], T], n: int) -> T:
    """``work`` on ``build(n)`` costs less than 8x its cost on ``build(n // 4)``: linear is
    4x, quadratic 16x, on any machine (a ratio in CPU time, plus 20 ms for the clock's grain).
    What it costs in seconds: bench/render_window.py and bench/hostile_pages.py. Returns
    work's result on ``build(n)``."""
    small, big = build(n // 4), build(n)
    small_s, _ = cpu_seconds(lambda: work(small))
    big_s, result = cpu_seconds(lambda: work(big))
    assert big_s < 8 * small_s + 0.02, f"{n // 4:,}: {small_s:.3f} s, {n:,}: {big_s:.3f} s"
    return result


def linear_render(build: Callable[[int], str], n: int) -> Fragment:
    """render_html of ``build(n)``, checked to cost linear time in n (assert_linear)."""
    return assert_linear(build, lambda html: render_html(html, BASE)[0], n)


@pytest.mark.parametrize(
    ("open_tag", "close_tag"),
    [
        ("<div>", "</div>"),
        ("<b>", "</b>"),
        ("<ul><li>", "</li></ul>"),
        ("<blockquote>", "</blockquote>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<a href=x>", "</a>"),
        ("<span><i>", ""),
    ],
)
def test_deep_nesting_10000_levels(open_tag: str, close_tag: str) -> None:
    fragment = linear_render(
        lambda n: open_tag * n + "deep" + close_tag * n + "<p>after</p>", 10_000
    )
    assert "deep" in fragment.text
    assert "after" in fragment.text
    assert max(len(line) for line in fragment.text.split("\n")) < 200


@pytest.mark.parametrize("tag", ["pre", "blockquote", "b", "li", "a href=x", "table", "dd", "h2"])
def test_unclosed_elements_keep_the_open_element_stack_bounded(tag: str) -> None:
    renderer = HtmlRenderer(BASE)
    fragments = []
    for _ in range(20):
        fragments.append(renderer.feed(f"<{tag}>x" * 5_000))
        assert len(renderer._engine.stack) <= MAX_OPEN_ELEMENTS  # what close() has to pop
    fragments.append(renderer.close())
    assert join_fragments(fragments).text.count("x") == 100_000


def test_elements_past_the_depth_cap_become_siblings_whatever_the_split() -> None:
    html = "<blockquote>" * (MAX_OPEN_ELEMENTS + 50) + "deep<p>after"
    whole, _ = render_html(html, BASE)
    indent = " " * MAX_INDENT  # MAX_PREFIX_DEPTH quotes' indentation, cut to MAX_INDENT
    assert whole.text == indent + "deep\n\n" + indent + "after"
    assert feed_in_pieces(html, list(range(0, len(html), 7)))[0] == whole
    nested = "<ul><li>a<ul><li>b</ul><li>c</ul>"  # far below the cap: nesting kept
    assert render(nested) == "  • a\n      ◦ b\n  • c"


def test_megabyte_attribute_and_text() -> None:
    fragment = linear_render(
        lambda n: '<p title="' + "x" * n + '">a</p><a href="' + "y" * n + '">b</a>', 1_000_000
    )
    assert fragment.text.rstrip() == "a\n\nb"


def test_unclosed_comment_and_script() -> None:
    assert "start" in linear_render(lambda n: "<p>start</p><!-- " + "<p>x</p>" * n, 100_000).text
    script = linear_render(lambda n: "<p>s</p><script>" + "var x = 1;" * n, 100_000)
    assert script.text.rstrip() == "s"


def test_unclosed_comment_streamed_in_chunks_stays_linear() -> None:
    def streamed(html: str) -> str:
        renderer = HtmlRenderer(BASE)
        pieces = [renderer.feed(html[i : i + 16_384]) for i in range(0, len(html), 16_384)]
        return join_fragments([*pieces, renderer.close()]).text

    assert "start" in assert_linear(
        lambda n: "<p>start</p><!-- " + "<p>x</p>" * n, streamed, 100_000
    )


def test_hostile_tables() -> None:
    linear_render(
        lambda n: "<table><tr>" + "<td colspan=99999 rowspan=99999>x" * n + "</table>", 2_000
    )
    text = linear_render(lambda n: "<table>" + "<tr><td>a<td>b" * n + "</table>", 20_000).text
    assert text.count("\n") >= 19_999


def test_many_stray_end_tags_stay_linear() -> None:
    fragment = linear_render(
        lambda n: "<table><tr><td>" + "<b>" * 300 + "</i></a></li>" * n + "x", 50_000
    )
    assert "x" in fragment.text


# --------------------------------------------------------------------------- speed


def make_page(size: int) -> str:
    rng = random.Random(1)
    words = [
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "consectetur",
        "adipiscing",
        "elit",
        "sed",
        "do",
        "eiusmod",
    ]
    parts = ["<html><head><title>Big</title></head><body>"]
    total, n = 0, 0
    while total < size:
        n += 1
        chunk = (
            f"<h2>Section {n}</h2><p>{' '.join(rng.choice(words) for _ in range(60))} "
            f'<a href="/page/{n % 500}">link {n}</a> <b>bold</b> &amp; <i>it</i></p><ul>'
            + "".join(f"<li>item {i} <a href='x{i}.html'>x</a></li>" for i in range(5))
            + "</ul>"
        )
        if n % 20 == 0:
            chunk += "<table>" + "<tr><td>r<td>value<td>3.5</tr>" * 10 + "</table>"
        parts.append(chunk)
        total += len(chunk)
    return "".join(parts)


def test_one_megabyte_page_renders_in_linear_time_in_chunks() -> None:
    # How fast: bench/render_window.py (1 MB in ~0.35 s here, unloaded).
    def chunked(page: str) -> Fragment:
        renderer = HtmlRenderer(BASE)
        fragments = [renderer.feed(page[i : i + 65_536]) for i in range(0, len(page), 65_536)]
        return join_fragments([*fragments, renderer.close()])

    joined = assert_linear(make_page, chunked, 1_000_000)
    page = make_page(1_000_000)
    assert len(joined.links) > 5_000
    assert joined.text.count("Section") == page.count("<h2>")


# --------------------------------------------------------------------------- long lines

LIMIT = MAX_LINE_CHARS


def long_line_pages(scale: int) -> dict[str, str]:
    return {
        "paragraph": "<p>start " + "word " * (scale // 5) + "end</p><p>next</p>",
        "pre": "<pre>" + "x" * scale + "</pre><p>next</p>",
        "links": "<p>"
        + "".join(f'<a href="/l{i}">link {i}</a> ' for i in range(scale // 30))
        + "</p>",
        "astral links": "<p>"
        + "".join(f"<a href=x{i}>\U0001f600{i}</a>" for i in range(scale // 20))
        + "</p>",
        "replacement chars": "<p>" + "\ufffd" * scale + "</p><p>x\x00y</p>",
        "long words": "<ul><li>" + ("y" * 3000 + " ") * (scale // 3000) + "</li></ul>",
    }


def check_lines(fragment: Fragment, utf16: bool = False) -> None:
    """No line much longer than the limit; each link's offsets cover its text (a line break
    there replaced a space, or was added inside a long word)."""
    text = fragment.text
    assert max(map(len, text.split("\n"))) <= 2 * LIMIT
    units = text.encode("utf-16-le") if utf16 else b""
    for link in fragment.links:
        if utf16:
            shown = units[2 * link.start : 2 * link.end].decode("utf-16-le")
        else:
            shown = text[link.start : link.end]
        assert link.text in (shown.replace("\n", " "), shown.replace("\n", ""))


@pytest.mark.parametrize("name", list(long_line_pages(1)))
def test_long_lines_are_broken_with_offsets_kept(name: str) -> None:
    html = long_line_pages(400_000)[name]
    for utf16 in (False, True):
        fragment, _ = render_html(html, BASE, utf16=utf16)
        check_lines(fragment, utf16)
    plain, _ = render_html(html, BASE)
    flat, _ = render_html(html.replace("<p>", "<p>\n"), BASE)  # same text, another source
    assert plain == flat
    text = plain.text
    if name == "paragraph":
        assert text.replace("\n", " ") == "start " + "word " * 80_000 + "end  next"
        # broken at spaces only, soon after the limit
        assert all(len(line) <= LIMIT + 5 for line in text.split("\n"))
    elif name == "pre":
        assert text.replace("\n", "") == "x" * 400_000 + "next"
        assert text.split("\n")[0] == "x" * (2 * LIMIT)
    elif name == "links":
        assert len(plain.links) == 400_000 // 30
        assert all(len(line) <= LIMIT + 20 for line in text.split("\n"))
    elif name == "replacement chars":
        assert text.replace("\n", "") == "\ufffd" * 400_000 + "x\ufffdy"
    elif name == "long words":
        assert all(len(line) <= LIMIT + 3002 for line in text.split("\n"))


@pytest.mark.parametrize("name", list(long_line_pages(1)))
def test_long_lines_same_whatever_the_split(name: str) -> None:
    html = long_line_pages(20_000)[name]
    for utf16 in (False, True):
        whole, _ = render_html(html, BASE, utf16=utf16)
        assert max(map(len, whole.text.split("\n"))) <= 2 * LIMIT
        renderer = HtmlRenderer(BASE, utf16=utf16)
        pieces = [renderer.feed(ch) for ch in html] + [renderer.close()]
        assert join_fragments(pieces) == whole
        rng = random.Random(len(html))
        cuts = sorted(rng.sample(range(len(html)), 40))
        renderer = HtmlRenderer(BASE, utf16=utf16)
        bounds = [0, *cuts, len(html)]
        pieces = [renderer.feed(html[a:b]) for a, b in itertools.pairwise(bounds)]
        assert join_fragments([*pieces, renderer.close()]) == whole


LONG_DOC = long_line_pages(12_000)["links"] + long_line_pages(9_000)["pre"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(LONG_DOC)), max_size=30))
def test_long_lines_any_split_equals_whole(cuts: list[int]) -> None:
    whole, _ = render_html(LONG_DOC, BASE)
    assert feed_in_pieces(LONG_DOC, cuts)[0] == whole


# --------------------------------------------------------------------------- long constructs


def count_goahead(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = Tokenizer.goahead

    def counted(self: Tokenizer, end: bool) -> None:
        calls[0] += 1
        original(self, end)

    monkeypatch.setattr(Tokenizer, "goahead", counted)
    return calls


@pytest.mark.parametrize("megabytes", [1, 5])
def test_huge_start_tag_in_slices_is_parsed_once_in_bounded_memory(
    monkeypatch: pytest.MonkeyPatch, megabytes: int
) -> None:
    attrs = "a=b " * (megabytes * 250_000)
    html = "<p>before</p><div " + attrs + "><p>after <a href=ok>link</a></p>"
    calls = count_goahead(monkeypatch)
    renderer = HtmlRenderer(BASE)
    tracemalloc.start()
    try:
        fragments = [renderer.feed(html[i : i + 8192]) for i in range(0, len(html), 8192)]
        fragments.append(renderer.close())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    joined = join_fragments(fragments)
    assert joined.text == "before\n\nafter link"
    assert [link.url for link in joined.links] == ["http://example.org/dir/ok"]
    assert calls[0] < 20  # not once per slice
    # HTMLParser's regex takes ~17 MB on the 64 KiB a tag is cut at; the same for any size
    assert peak < 40_000_000


def test_long_tag_keeps_its_first_attributes_whatever_the_split() -> None:
    html = (
        '<p>a <a href="/ok" title="'
        + "t" * 70_000
        + '" class=x>link</a> b</p><img alt=pic src="data:'
        + "Q" * 80_000
        + '"><!-- '
        + "c" * 70_000
        + " --><p>end</p>"
    )
    whole, _ = render_html(html, BASE)
    assert whole.text == "a link b\n\n[image: pic]\n\nend"
    assert [link.url for link in whole.links] == ["http://example.org/ok"]
    renderer = HtmlRenderer(BASE)
    pieces = [renderer.feed(ch) for ch in html] + [renderer.close()]
    assert join_fragments(pieces) == whole
    assert feed_in_pieces(html, [70_010, 70_020, 150_100])[0] == whole


def test_unterminated_tag_or_comment_at_the_end_is_bounded() -> None:
    for rest in ('<a href="' + "x" * 1_000_000, "<div " + "a=b " * 10_000, "<!-- " + "x" * 10**6):
        html = "<p>start</p>" + rest
        whole, _ = render_html(html, BASE)
        assert whole.text.startswith("start")
        assert len(whole.text) < MAX_EOF_FLUSH + 100
        assert feed_in_pieces(html, list(range(0, len(html), 8192)))[0] == whole
    assert render("<p>a</p><!-- x") == "a"
    assert render("<p>a</p><a href=x") == "a\n\n<a href=x"


def test_stray_text_in_a_table_keeps_its_spaces_whatever_the_split() -> None:
    html = '<table><tr><td>a</td></tr> <a href="p">past</a> | <a href="c">comments</a> </table>'
    whole, _ = render_html(html, BASE)
    assert "past | comments" in whole.text
    for cut in range(len(html)):
        assert feed_in_pieces(html, [cut])[0] == whole
