"""What the renderer gives the view: text, links and style spans, at absolute offsets.

Offsets count code points from the start of the rendered document, or UTF-16 code units when
the renderer was made with ``utf16=True`` (what QTextCursor positions count).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

__all__ = ["Anchor", "Fragment", "Link", "Span", "Style", "join_fragments", "merge_spans"]


class Style(StrEnum):
    """What a :class:`Span` asks the view to format."""

    H1 = "h1"
    H2 = "h2"
    H3 = "h3"
    H4 = "h4"
    H5 = "h5"
    H6 = "h6"
    STRONG = "strong"
    EMPHASIS = "emphasis"
    CODE = "code"  # inline code, kbd, samp: monospace
    PRE = "pre"  # preformatted block: monospace, no wrapping wanted
    TABLE = "table"  # a laid-out table: monospace, or the columns do not line up
    QUOTE = "quote"
    STRIKE = "strike"
    UNDERLINE = "underline"
    IMAGE = "image"  # the "[image: alt]" placeholder
    RULE = "rule"  # the line drawn for <hr>
    FORM = "form"  # a form control placeholder: "[Search____]", "[x]", "[ Submit ]"


class Link(NamedTuple):
    """A link's range in the output. A link wrapped inside a table cell comes as several
    pieces sharing one ``number``. A named tuple, as Span: a frozen dataclass of seven fields
    cost ~10,000 instructions to make (bench/README.md), and an index page has 17,000."""

    number: int  # the n-th link of the document, counting from 0, in source order
    start: int
    end: int
    href: str  # the attribute as written (surrounding whitespace removed)
    url: str | None  # absolute URL to follow; None when Yonder cannot follow it
    text: str  # the link text, whitespace collapsed
    problem: str | None = None  # why ``url`` is None ("javascript: is not supported ...")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A fragment target: ``#name`` scrolls to offset ``pos``, where the content of the
    element with that ``id`` (or the ``<a name>``) starts."""

    name: str
    pos: int


class Span(NamedTuple):
    """A styled range. A named tuple, not a dataclass: pages make ~50,000 of them, and a
    frozen dataclass costs ~4x as much to make (one object.__setattr__ a field)."""

    start: int
    end: int
    style: Style


@dataclass(frozen=True, slots=True)
class Fragment:
    """Output of one feed()/close(): ``text`` starts at offset ``start`` of the document.

    ``links`` and ``spans`` may refer to text given in earlier fragments (a link is reported
    when it closes), never to text not given yet; ``anchors`` likewise (an anchor is
    reported once the content it names has started, or at the end of the document).
    ``indents`` are the lines of ``text`` that begin with a prefix (list marker, indentation):
    (the offset where the line starts, the prefix's length), for a hanging indent.
    """

    start: int
    text: str
    links: tuple[Link, ...] = ()
    spans: tuple[Span, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    indents: tuple[tuple[int, int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.text or self.links or self.spans or self.anchors)


def join_fragments(fragments: Iterable[Fragment]) -> Fragment:
    """Concatenate fragments into one, with adjacent pieces of a style merged and spans and
    links sorted: the same result whatever the chunking of the input was."""
    texts: list[str] = []
    links: list[Link] = []
    spans: list[Span] = []
    anchors: list[Anchor] = []
    indents: list[tuple[int, int]] = []
    start: int | None = None
    for fragment in fragments:
        if start is None:
            start = fragment.start
        texts.append(fragment.text)
        links.extend(fragment.links)
        spans.extend(fragment.spans)
        anchors.extend(fragment.anchors)
        indents.extend(fragment.indents)
    return Fragment(
        start or 0,
        "".join(texts),
        tuple(sorted(links, key=lambda k: (k.start, k.number))),
        tuple(merge_spans(spans)),
        tuple(anchors),
        tuple(indents),
    )


def merge_spans(spans: list[Span]) -> list[Span]:
    by_style: dict[Style, list[Span]] = {}
    for span in spans:
        by_style.setdefault(span.style, []).append(span)
    merged: list[Span] = []
    for style, items in by_style.items():
        items.sort(key=lambda s: s.start)
        cur_start, cur_end = items[0].start, items[0].end
        for span in items[1:]:
            if span.start <= cur_end:
                cur_end = max(cur_end, span.end)
            else:
                merged.append(Span(cur_start, cur_end, style))
                cur_start, cur_end = span.start, span.end
        merged.append(Span(cur_start, cur_end, style))
    merged.sort(key=lambda s: (s.start, s.end, s.style))
    return merged
