"""ui/render: structure as w3m nests it (issue 13), each case whole and split at every point.

The expected texts follow ``w3m -dump -T text/html -cols 100`` for the same HTML: the same
lines, nesting and indentation depth. Where Yonder draws differently on purpose the comment
says so (list bullets "•/◦/▪" for w3m's "•/□/☆", a rule under a table's header row instead of
box drawing). Lines are logical, as the view wraps them (with a hanging indent: each line's
prefix is reported in ``Fragment.indents``), where w3m wraps at ``-cols``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.text.render import Fragment, HtmlRenderer, Style, join_fragments, render_html

BASE = "http://example.org/doc/"
CORPUS = Path(__file__).parent / "html_corpus"

CASES: list[tuple[str, str, str]] = [
    (
        # 1. An inner <dt> used to close the outer <dd>: the method lost its class.
        "nested dl",
        "<dl><dt>class Foo<dd><p>A class.</p><dl><dt>bar()<dd><p>Does bar.</p></dl>"
        "<p>After the inner list.</p></dd><dt>baz()<dd>Baz.</dl><p>end",
        "class Foo\n\n    A class.\n\n    bar()\n\n        Does bar.\n\n"
        "    After the inner list.\n\nbaz()\n    Baz.\n\nend",
    ),
    (
        "dd without dl, stray end tags",
        "<dd>a</dl><dt>b</dd>c",
        "    a\nbc",
    ),
    (
        # 2. A cell of two paragraphs used to turn the table linear, every later cell a
        # paragraph of its own; w3m keeps the grid with a two-line cell.
        "multi-paragraph cell keeps the grid",
        "<table><tr><th>Name<th>Notes<tr><td>a<td><p>First.</p><p>Second.</p>"
        "<tr><td>b<td><p>one</p></table>",
        "Name  Notes\n────  ───────\n\na     First.\n      Second.\n\nb     one",
    ),
    (
        "list and pre in a cell keep the grid",
        "<table><tr><td>k<td>text<ul><li>x<li>y</ul><pre>c  d</pre></table>",
        "k  text\n     • x\n     • y\n   c  d",
    ),
    (
        # 7. "2<sup>31</sup>" read "231".
        "sup and sub as w3m writes them",
        "<p>2<sup>31</sup> and H<sub>2</sub>O, x<sup>n+1</sup>",
        "2^31 and H[2]O, x^n+1",
    ),
    (
        # 8. Yonder runs no script: what a page shows without script is what it shows.
        "noscript shown",
        "<p>a<noscript><p>Enable JS.</noscript><p>b",
        "a\n\nEnable JS.\n\nb",
    ),
    (
        "pre in li and dd keeps its indentation",
        "<ul><li>one<pre>\ndef f():\n    return 1\n</pre></ul><dl><dt>t<dd><pre>x\n  y</pre></dl>",
        "  • one\n\n    def f():\n        return 1\n\nt\n\n    x\n      y",
    ),
]


def feed_split(html: str, cuts: list[int]) -> str:
    renderer = HtmlRenderer(BASE)
    fragments = []
    last = 0
    for cut in cuts:
        fragments.append(renderer.feed(html[last:cut]))
        last = cut
    fragments.append(renderer.feed(html[last:]))
    fragments.append(renderer.close())
    return join_fragments(fragments).text


@pytest.mark.parametrize(("name", "html", "expected"), CASES, ids=[c[0] for c in CASES])
def test_structure_whole(name: str, html: str, expected: str) -> None:
    assert render_html(html, BASE)[0].text.rstrip("\n") == expected


@pytest.mark.parametrize(("name", "html", "expected"), CASES, ids=[c[0] for c in CASES])
def test_structure_split_at_every_point(name: str, html: str, expected: str) -> None:
    for cut in range(1, len(html)):
        assert feed_split(html, [cut]).rstrip("\n") == expected, cut
    assert feed_split(html, list(range(1, len(html)))).rstrip("\n") == expected


def test_sup_is_styled_and_a_multi_paragraph_cell_is_one_table() -> None:
    html = "<p>2<sup>31</sup></p><table><tr><td>a<td><p>x</p><p>y</p></table>"
    fragment, _ = render_html(html, BASE)
    tables = [s for s in fragment.spans if s.style is Style.TABLE]
    assert len(tables) == 1
    assert fragment.text[tables[0].start : tables[0].end] == "a  x\n   y"


def test_sphinx_like_page_nests_as_w3m_whatever_the_split() -> None:
    # 10. Definition lists in definition lists, nested lists, a block quote, <pre> in a list
    # item and in a <dd>, a table with a two-paragraph cell: a page written like Sphinx's.
    page = (CORPUS / "sphinx_like.html").read_text(encoding="utf-8")
    expected = (CORPUS / "sphinx_like.txt").read_text(encoding="utf-8")
    whole = render_html(page, BASE)[0].text
    assert whole.rstrip("\n") + "\n" == expected
    lines = expected.splitlines()
    # The method's signature, its text and its example sit under the class's <dd>...
    assert "    area()¶" in lines
    assert "        Return the area." in lines
    assert "        >>> Circle(1).area()" in lines
    # ...and the text after the inner list is back at the class's indentation.
    assert "    Circles compare by radius." in lines
    assert "    for shape in shapes:" in lines and "        shape.draw()" in lines
    assert "      ◦ Copy one with copy()." in lines
    assert "Circle  Round." in lines and "        Has no corners." in lines
    assert "The search box needs JavaScript." in lines
    for step in (1, 7, 61, 1000):
        assert feed_split(page, list(range(step, len(page), step))) == whole, step


@pytest.mark.parametrize(
    ("html", "style"),
    [
        ("<ul><li>item<pre>def f():\n    return 1</pre></ul>", Style.PRE),
        ("<dl><dt>t<dd><pre>x = 1\ny = 2</pre></dl>", Style.PRE),
        ("<blockquote><pre>a\n  b</pre></blockquote>", Style.PRE),
        ("<dl><dt>t<dd><table><tr><td>a<td>b<tr><td>cc<td>d</table></dl>", Style.TABLE),
    ],
)
def test_indented_pre_and_tables_are_monospace_from_their_first_lines_indentation(
    html: str, style: Style
) -> None:
    # 5. The first line's indentation was in the proportional font and the later lines' in
    # monospace (inside the span), so lines 2+ were drawn ~2 columns further right.
    for cuts in ([], list(range(1, len(html)))):
        renderer = HtmlRenderer(BASE)
        pieces = [
            renderer.feed(html[a:b]) for a, b in zip([0, *cuts], [*cuts, len(html)], strict=True)
        ]
        fragment = join_fragments([*pieces, renderer.close()])
        (span,) = [s for s in fragment.spans if s.style is style]
        covered = fragment.text[span.start : span.end].split("\n")
        line_start = fragment.text.rfind("\n", 0, span.start) + 1
        assert span.start == line_start  # the first line's prefix is inside the span too
        indents = {len(line) - len(line.lstrip(" │")) for line in covered if line.strip()}
        assert len(covered) >= 2 and min(indents) > 0


WIDE_TABLE = (
    "<table><tr><th>Name<th>Description"
    + "".join(
        f"<tr><td>item{i}<td>{'a fairly long description of the item that goes on ' * 2}{i}"
        for i in range(3)
    )
    + "</table>"
)


@pytest.mark.parametrize("width", [40, 60, 78, 100, 160])
def test_a_table_is_laid_out_within_the_width_it_is_given(width: int) -> None:
    # 3. Tables were laid out for a fixed 100 columns, and wrapped apart in a narrower view.
    fragment, _ = render_html(WIDE_TABLE, BASE, width)
    lines = fragment.text.strip("\n").split("\n")
    assert max(len(line) for line in lines) <= width
    assert lines[0].startswith("Name   ")  # still a grid: the header row, then its rule
    assert set(lines[1]) <= {"─", " "}
    assert (
        feed_split(WIDE_TABLE, list(range(0, len(WIDE_TABLE), 5)))
        == render_html(WIDE_TABLE, BASE)[0].text
    )


@pytest.mark.parametrize("width", [40, 78, 100])
@pytest.mark.parametrize(
    ("wrapper", "indent"),
    [
        ("<dl><dt>term<dd>{}</dl>", 4),
        ("<ul><li>item{}</ul>", 4),
        ("<blockquote>{}</blockquote>", 4),
        ("<dl><dt>class<dd><dl><dt>method<dd><ul><li>x{}</ul></dl></dl>", 12),
    ],
    ids=["dd", "li", "blockquote", "li in dd in dd"],
)
def test_an_indented_table_is_laid_out_within_the_width_left_beside_its_indent(
    wrapper: str, indent: int, width: int
) -> None:
    # A table in a <dd> (Sphinx's constants under a function) was laid out for the whole
    # width and then indented: 4 columns too wide, and the view wrapped its longest rows.
    html = wrapper.format(WIDE_TABLE)
    text = render_html(html, BASE, width)[0].text
    lines = text.split("\n")
    assert max(len(line) for line in lines) <= width
    header = next(line for line in lines if "Name" in line)
    assert header[indent:].startswith("Name   ")  # still a grid, after its indent
    rule = lines[lines.index(header) + 1]
    assert set(rule[indent:]) <= {"─", " "} and rule[indent] == "─"
    for step in (1, 7):
        cuts = list(range(step, len(html), step))
        renderer = HtmlRenderer(BASE, width)
        bounds = zip([0, *cuts], [*cuts, len(html)], strict=True)
        pieces = [renderer.feed(html[a:b]) for a, b in bounds]
        assert join_fragments([*pieces, renderer.close()]).text == text


def test_a_rule_in_a_definition_stays_within_the_width_as_w3m_s_does() -> None:
    html = "<dl><dt>term<dd><p>text</p><hr><p>more</p></dl>"
    text = render_html(html, BASE, 40)[0].text
    rule = next(line for line in text.split("\n") if "─" in line)
    assert rule == "    " + "─" * 36  # 4 columns in, to the width (w3m -dump -cols 40: 35)
    assert feed_split(html, list(range(1, len(html)))) == render_html(html, BASE)[0].text


def test_a_table_with_too_many_columns_for_the_width_is_one_line_per_row() -> None:
    html = "<table>" + "<tr>" + "".join(f"<td>c{i}" for i in range(12)) + "</table>"
    narrow = render_html(html, BASE, 60)[0].text.strip()
    assert narrow == " | ".join(f"c{i}" for i in range(12))
    wide = render_html(html, BASE, 120)[0].text.strip()
    assert wide == "  ".join(f"c{i}" for i in range(12))


def test_links_differing_after_the_fragment_resolve_as_net_url_does() -> None:
    from net.errors import InvalidURL
    from net.url import resolve_url

    hrefs = [
        "os.html#os.fork",
        "os.html#os.kill",
        "os.html",
        "../x/y.html?q=1#z",
        "#top",
        "//other.example/p#f",
        "javascript:void(0)#x",
        "javascript:void(0)",
        "mailto:a@b#c",
    ]
    html = "".join(f'<a href="{h}">{i}</a> ' for i, h in enumerate(hrefs))
    fragment, _ = render_html(html, BASE)
    for link, href in zip(fragment.links, hrefs, strict=True):
        try:
            expected, problem = resolve_url(BASE, href).url, None
        except InvalidURL as exc:
            expected, problem = None, str(exc)
        assert (link.href, link.url, link.problem) == (href, expected, problem)
        assert (link.url is None) == (link.problem is not None)


def test_invisible_characters_take_no_column_in_a_table() -> None:
    # A soft hyphen (&shy;, common in German tables) or a zero-width space is not drawn: the
    # column after it must line up with the other rows' as they are shown.
    html = (
        "<table><tr><td>Donau&shy;dampf<td>x<tr><td>Donaudampf<td>y"
        "<tr><td>a&#8203;b&#8288;c<td>z<tr><td>abc<td>w</table>"
    )
    text = render_html(html, "http://h/")[0].text
    shown = [line.translate({0xAD: None, 0x200B: None, 0x2060: None}) for line in text.split("\n")]
    assert shown[0].index("x") == shown[1].index("y")
    assert shown[2].index("z") == shown[3].index("w")
    assert "Donau\xaddampf" in text  # kept for copying, only not counted


# 4. Hanging indents: each line that starts with a prefix (list marker, indentation) is
# reported with the prefix's length, so that the view wraps it under its text.
INDENT_CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "list items",
        "<p>intro</p><ul><li>one two<li>three</ul><p>after",
        [("  • ", "one two"), ("  • ", "three")],
    ),
    (
        "nested list, second paragraph, ordered",
        "<ul><li><p>a</p><p>b</p><ul><li>c</ul></ul><ol start=9><li>nine<li>ten</ol>",
        [("  • ", "a"), ("    ", "b"), ("      ◦ ", "c"), (" 9. ", "nine"), ("10. ", "ten")],
    ),
    (
        "dd, blockquote, pre in li, br",
        "<dl><dt>t<dd>def<br>more</dl><blockquote>q</blockquote><ul><li>x<pre>p\n q</pre></ul>",
        [
            ("    ", "def"),
            ("    ", "more"),
            ("    ", "q"),
            ("  • ", "x"),
            ("    ", "p"),
            ("    ", " q"),
        ],
    ),
    ("no prefix, no indent", "<h1>T</h1><p>a<br>b</p><pre>  c</pre>", []),
]


def indented_lines(fragment: Fragment, utf16: bool = False) -> list[tuple[str, str]]:
    text = fragment.text
    units = text.encode("utf-16-le") if utf16 else None

    def at(start: int, end: int | None = None) -> str:
        if units is None:
            return text[start:end]
        return units[start * 2 : None if end is None else end * 2].decode("utf-16-le")

    lines = []
    for pos, length in fragment.indents:
        rest = at(pos + length).split("\n", 1)[0]
        lines.append((at(pos, pos + length), rest))
    return lines


def split_fragment(html: str, cuts: list[int], utf16: bool = False) -> Fragment:
    renderer = HtmlRenderer(BASE, utf16=utf16)
    bounds = zip([0, *cuts], [*cuts, len(html)], strict=True)
    pieces = [renderer.feed(html[a:b]) for a, b in bounds]
    return join_fragments([*pieces, renderer.close()])


@pytest.mark.parametrize(
    ("name", "html", "expected"), INDENT_CASES, ids=[c[0] for c in INDENT_CASES]
)
def test_each_prefixed_line_is_reported_for_a_hanging_indent_whatever_the_split(
    name: str, html: str, expected: list[tuple[str, str]]
) -> None:
    whole = render_html(html, BASE)[0]
    assert indented_lines(whole) == expected
    # Every line that starts with a space or a marker is one of them, and only those.
    starts = {pos for pos, _ in whole.indents}
    line_starts = [0] + [i + 1 for i, ch in enumerate(whole.text) if ch == "\n"]
    for start in line_starts:
        line = whole.text[start:].split("\n", 1)[0]
        prefixed = re.match(r"( |[•◦▪] |\w{1,4}\. )", line) is not None
        assert (start in starts) == (prefixed and not line.startswith("  c")), line
    for cut in range(1, len(html)):
        assert split_fragment(html, [cut]).indents == whole.indents, cut
    assert split_fragment(html, list(range(1, len(html)))).indents == whole.indents


def test_indents_count_utf16_units_after_astral_characters() -> None:
    html = "<p>\U0001f600 emoji</p><ul><li>\U0001f600 one<li>two</ul>"
    expected = [("  • ", "\U0001f600 one"), ("  • ", "two")]
    whole = render_html(html, BASE, utf16=True)[0]
    assert indented_lines(whole, utf16=True) == expected
    for cut in range(1, len(html)):
        assert split_fragment(html, [cut], utf16=True).indents == whole.indents, cut
