"""RangeFormats: a page's link and style ranges kept beside the document, found by position."""

from __future__ import annotations

import gc
import marshal
import random
import tracemalloc

import pytest
from PySide6.QtGui import QPalette, QTextCharFormat, QTextDocument, QTextFormat

from ui.colours import text_colours
from ui.page.page_renderer import SPAN_UNITS, _style_formats, range_styles
from ui.page.range_formats import LINK, LINK_RANK, LONG, RANKS, STYLE_RANK, WIDE, RangeFormats
from ui.text.fragments import resolve_link
from ui.text.render import HtmlRenderer
from ui.text.render.remote import output_of

BASE = "http://127.0.0.1:8080/page.html"

TAG = QTextFormat.Property.UserProperty


def _tagged(n: int) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setProperty(TAG, n)
    return fmt


def _expand(found: RangeFormats, start: int, length: int) -> list[list[int]]:
    """Per position of [start, start + length): the tags of the ranges over it, in order."""
    at: list[list[int]] = [[] for _ in range(length)]
    for r in found.ranges(start, length):
        assert r.start >= 0 and r.length > 0 and r.start + r.length <= length
        for pos in range(r.start, r.start + r.length):
            at[pos].append(int(r.format.property(TAG)))
    return at


@pytest.mark.parametrize("seed", range(6))
def test_a_blocks_ranges_are_those_over_it_in_merge_order(qapp: object, seed: int) -> None:
    # Pieces of a stream that begins at document position 7 (the second stream of a page),
    # one with astral characters (two UTF-16 units each); short ranges, long ones, ranges
    # begun far before their piece, over earlier text, empty, or reaching past their piece's
    # text (cut there); pieces with short ranges alone, near their text: any block's ranges
    # are what a brute-force walk in merge order says.
    rng = random.Random(seed)
    styles = {LINK: _tagged(0), **{f"s{n}": _tagged(n) for n in range(1, 9)}}
    styles["quote"] = _tagged(9)  # (ranked first: RANKS)
    rank = {0: LINK_RANK, 9: RANKS["quote"]}
    offset = 7
    document = QTextDocument()
    found = RangeFormats()
    texts = ["abcdefghij" * 600, "x\U0001f600y" * 2_000, "plain " * 1_500, "", "tail" * 900]
    pos = offset  # the document position of the next piece's text
    # position: (rank, start, -end, arrival, tag), which sorts in merge order
    expected: dict[int, list[tuple[int, int, int, int, int]]] = {}
    arrival = 0
    for number, text in enumerate(texts):
        units = len(text) + sum(ord(ch) > 0xFFFF for ch in text)
        end = pos + units
        links, spans = [], []
        short = number % 2 == 0
        lengths = [0, 1, 5, 40, LONG - 1] + ([] if short else [LONG, LONG + 1, WIDE + 10])
        for _ in range(60):
            a = rng.randrange(max(offset, pos - (40 if short else 3 * WIDE)), max(end, pos + 1))
            b = min(a + rng.choice(lengths), end + (0 if short else 20))
            group = rng.choice(["link", "span"])
            if group == "link":
                links.append((a - offset, b - offset, f"http://h/{a}"))
            else:
                name = rng.choice([f"s{rng.randrange(1, 9)}", "quote"])
                spans.append((a - offset, b - offset, name))
        if not short:
            spans.append((0, end - offset, "s8"))  # the whole stream so far
        for n, (a, b, code) in enumerate([*links, *spans]):
            tag = 0 if n < len(links) else 9 if code == "quote" else int(code[1:])
            a, b = a + offset, min(b + offset, end)
            for p in range(a, b):
                expected.setdefault(p, []).append(
                    (rank.get(tag, STYLE_RANK), a, -b, arrival + n, tag)
                )
        arrival += len(links) + len(spans)
        found.add(offset, pos, text, links, spans, styles, document)
        pos = end
    walked = [[tag for *_, tag in sorted(expected.get(p, []))] for p in range(pos)]
    for start in [*range(0, pos, 997), pos - 50, 5_990, 6_000 + offset]:
        for length in (1, 40, 300, WIDE + 100):
            length = min(length, pos - start)
            assert _expand(found, start, length) == walked[start : start + length]


def test_a_style_with_no_format_is_refused_when_added(qapp: object) -> None:
    found = RangeFormats()
    document = QTextDocument()
    with pytest.raises(KeyError):
        found.add(0, 0, "bad", [], [(0, 3, "nowhere")], {"bold": _tagged(1)}, document)
    with pytest.raises(KeyError):
        found.add(0, 0, "bad", [(0, 3, "http://x/")], [], {"bold": _tagged(1)}, document)
    assert not found


def test_ranges_over_earlier_text_say_so_and_its_blocks_get_formats_again(qapp: object) -> None:
    document = QTextDocument()
    document.setPlainText("first line\nsecond line\n")
    styles = {LINK: _tagged(0), "bold": _tagged(1)}
    found = RangeFormats()
    assert not found.add(0, 0, "first line\n", [], [(0, 5, "bold")], styles, document)
    first = document.firstBlock()
    assert found.apply(first, document)
    assert found.has_given(first)
    # A link over "line" of the first block, reported with the next piece.
    assert found.add(0, 11, "second line\n", [(6, 10, "http://a/")], [], styles, document)
    assert not found.has_given(first)
    assert found.apply(first, document)
    assert [(r.start, r.length) for r in first.layout().formats()] == [(0, 5), (6, 4)]


def test_garbage_ranges_are_cut_to_their_text_or_dropped(qapp: object) -> None:
    # A renderer's bug: a range before its stream, ends before starts, an empty one, one past
    # its piece's text (cut there): nothing raises, and a block gets what is sound of them.
    document = QTextDocument()
    styles = {LINK: _tagged(0), "bold": _tagged(1), "code": _tagged(2)}
    found = RangeFormats()
    bad = [(-5, 3, "bold"), (7, 3, "code"), (4, 4, "bold"), (2, 10_000, "code")]
    found.add(10, 10, "some text", [(5, 99, "http://far/")], bad, styles, document)
    assert _expand(found, 10, 9) == [[], [], [2], [2], [2], [2, 0], [2, 0], [2, 0], [2, 0]]
    assert found.ranges(0, 10) == [] and found.ranges(19, 50) == []


def test_a_pages_ranges_are_kept_within_the_views_memory_budget(qapp: object) -> None:
    # page_renderer's budget (view_units) counts SPAN_UNITS (~8 bytes each) a style span: a
    # renderer's answers for a page of 120,000 spans, through the process's frames, are kept
    # in less than that once every piece is indexed (tuples and a str per name were ~1.5x).
    html = "<p>" + "<b>bold</b> and <code>code</code> " * 60_000 + "</p>"
    renderer = HtmlRenderer(BASE, 100, utf16=True, resolve=resolve_link)
    fragments = [renderer.feed(html[i : i + 16_384]) for i in range(0, len(html), 16_384)]
    fragments.append(renderer.close())
    frames = [marshal.dumps(output_of(fragment, None)[0]) for fragment in fragments]
    del fragments
    styles = range_styles(QTextCharFormat(), _style_formats("monospace", text_colours(QPalette())))
    document = QTextDocument()
    found = RangeFormats()
    spans = pos = 0
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for frame in frames:
        text, links, piece_spans = marshal.loads(frame)
        found.add(0, pos, text, links, piece_spans, styles, document)
        spans += len(piece_spans)
        pos += len(text)
        del text, links, piece_spans
    found.ranges(0, pos)  # (every piece looked at)
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert spans >= 120_000
    assert kept / spans <= SPAN_UNITS * 8, f"{kept / spans:.0f} bytes a span"
