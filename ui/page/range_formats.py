"""The character formats of a page's links and styles, kept beside its document as the ranges
a renderer reported, and given to a block's layout when the block is laid out, as a syntax
highlighter's are.

A renderer's piece of text goes into the document as plain text, one insert per piece
(:meth:`ui.page.document_view.DocumentView.append_ranges`); its ranges (start, end, and a
link or a style's name) stay here, as arrays of positions. Before :class:`ui.page.hanging_layout.
HangingIndentLayout` lays a block out it asks :meth:`RangeFormats.apply`: the ranges over the
block become its layout's format ranges, which Qt merges over the text's own format in list
order. So a block is drawn, hit-tested and measured with its formats, and only the blocks
someone looks at pay for them. Formats in the document made the inserts twice as slow as
plain text, and cutting each piece into runs of one format was ~10% of the renderer
process's work for a page (bench/README.md, "Ranges, not runs").

Merge order is (rank, start, end descending, arrival): a quote's dimmed colour first
(:data:`RANKS`), then the other styles, then links, so that a link looks like a link inside a
quote and around code (its colour and underline over theirs; code keeps its font), and code in
a quote keeps its colour; within a rank an outer range merges before the inner ones it holds,
whose own settings win, as in CSS; ranges over the same text keep the order they came in.
(By end first, code that ended a link took the code colour and code before it the link's:
"and, or, not", one link, drew "not" alone as code.) A range may lie over text given
before its piece (a link is reported when it closes): the blocks there that have their
formats get them again when next laid out.

Positions are document positions (UTF-16 units); the document only grows at its end while a
page streams, and :meth:`RangeFormats.clear` goes with a new page.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain, compress
from operator import attrgetter, itemgetter, not_, or_, sub

from PySide6.QtGui import QTextBlock, QTextCharFormat, QTextDocument, QTextLayout

LINK = "link"  # a link's range takes the styles' format of this name (no style has it)
#: Where a style's ranges come in the merge: lower first, so the higher ones' settings win
#: where both set one (a colour). Styles not named here rank STYLE_RANK; links LINK_RANK.
RANKS = {"quote": 0}
STYLE_RANK = 1
LINK_RANK = 2
#: A piece with a range begun this far (UTF-16 units) before its text is looked at by every
#: block; the others only by blocks near them.
WIDE = 4096
#: A piece's ranges at least this long are looked at by every block its piece is looked at
#: by; the shorter ones (all.html: 99%) by their starts, from this far before a block at most.
LONG = 512

#: (start, end, link url or style name): a renderer's range, in its stream's positions.
Range = tuple[int, int, str]
#: A range found over a block: (rank, start, -end, arrival, format): sorted, merge order.
_Found = tuple[int, int, int, int, QTextCharFormat]

_first = itemgetter(0)
_second = itemgetter(1)
_third = itemgetter(2)


def utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class _Piece:
    """One piece's ranges, compact (arrays of positions, no tuples kept): by start, with the
    long ones (or begun WIDE before its text) apart, in its stream's positions. Each range is
    known by its number in the piece, links first, and cut to the piece's text (a range never
    reaches past the text given with it) when a block finds it. Built from C-speed passes
    over the ranges: a loop over each cost three times as much (bench/README.md, "Ranges, not
    runs")."""

    __slots__ = (
        "arrival",
        "by_start",
        "codes",
        "end",
        "ends",
        "formats",
        "link",
        "links",
        "long",
        "low",
        "offset",
        "order",
        "ranks",
        "reach",
        "start",
        "starts",
    )

    def __init__(
        self,
        start: int,
        end: int,
        offset: int,
        links: Sequence[Range],
        spans: Sequence[Range],
        styles: Mapping[str, QTextCharFormat],
        arrival: int,
    ) -> None:
        self.start, self.end, self.offset = start, end, offset  # its text's; its stream's
        self.arrival = arrival + 1  # its first range's
        self.links = len(links)
        # A span's style as its number in ``formats`` (two bytes: no str kept per span; a
        # name with no format raises KeyError here), a link's format LINK's (its url is the
        # view's).
        names = {name: n for n, name in enumerate(styles)}
        self.formats = list(styles.values())
        self.ranks = [RANKS.get(name, STYLE_RANK) for name in styles]  # by format number
        self.link = names.get(LINK, -1)
        self.codes = array("H", list(map(names.__getitem__, map(_third, spans))))
        # (C-speed passes, lists first and arrays of them after: arrays filled from
        # iterators cost 1.5x)
        ranges = [*links, *spans]
        count = len(ranges)
        starts = list(map(_first, ranges))
        ends = list(map(_second, ranges))
        lengths = list(map(sub, ends, starts))
        self.low = offset + min(starts)  # (add gives at least one range)
        early = start - WIDE - offset  # begun before this: looked at apart
        narrow: Iterable[int] = range(count)
        self.long = array("q")
        if max(lengths) >= LONG or self.low - offset < early:
            apart = list(map(or_, map(LONG.__le__, lengths), map(early.__gt__, starts)))
            narrow = compress(range(count), map(not_, apart))
            self.long = array("q", list(compress(range(count), apart)))
        order = sorted(narrow, key=starts.__getitem__)
        self.reach = max(map(lengths.__getitem__, order), default=0)
        self.order = array("q", order)
        self.by_start = array("q", list(map(starts.__getitem__, order)))
        self.starts = array("q", starts)
        self.ends = array("q", ends)

    def collect(self, start: int, end: int, found: list[_Found]) -> None:
        """Its ranges over document positions [start, end) into ``found``."""
        offset = self.offset
        start -= offset  # (in stream positions)
        end -= offset
        by_start, starts, ends = self.by_start, self.starts, self.ends
        links, codes, formats, ranks = self.links, self.codes, self.formats, self.ranks
        limit, arrival = self.end - offset, self.arrival
        first = bisect_left(by_start, start - self.reach)
        for n in chain(self.order[first : bisect_left(by_start, end)], self.long):
            a, b = starts[n], ends[n]
            if b > limit:
                b = limit
            if b <= start or a >= end or b <= a or a < 0:
                continue  # not over it, empty, or before its stream (a renderer's bug)
            if n < links:
                fmt, rank = formats[self.link], LINK_RANK
            else:
                code = codes[n - links]
                fmt, rank = formats[code], ranks[code]
            if not fmt.isEmpty():  # (an empty one changes nothing)
                found.append((rank, a + offset, -b - offset, arrival + n, fmt))

    def over_earlier(self) -> list[tuple[int, int]]:
        """The document positions of text given before this piece that its ranges lie over,
        as (start, end) stretches in order, none overlapping."""
        offset, text = self.offset, self.start - self.offset
        stretches: list[tuple[int, int]] = []
        starts, ends = self.starts, self.ends
        for n in self.order[: bisect_left(self.by_start, text)]:
            a, b = max(starts[n], 0), min(ends[n], text)
            if b <= a:
                continue
            if stretches and a <= stretches[-1][1] - offset:
                if b + offset > stretches[-1][1]:
                    stretches[-1] = (stretches[-1][0], b + offset)
            else:
                stretches.append((a + offset, b + offset))
        for n in self.long:  # (unordered, and few)
            a, b = max(starts[n], 0), min(ends[n], text)
            if b > a:
                stretches.append((a + offset, b + offset))
        return stretches


class RangeFormats:
    """Formats by document position, and which laid-out blocks have theirs."""

    def __init__(self) -> None:
        self._near: list[_Piece] = []  # pieces whose ranges all begin near their text
        self._far: list[_Piece] = []  # ...and the others (few: a <pre> begun long before)
        self._arrivals = 0
        self._styles: dict[int, Mapping[str, QTextCharFormat]] = {}  # the pieces' (by id)
        #: Block position -> (its length, the generation, whether its layout got formats)
        #: when they were given: a block that grew (the last one, while text streams) or
        #: a new generation (the palette changed) gets them again.
        self._given: dict[int, tuple[int, int, bool]] = {}
        self._generation = 0

    def clear(self) -> None:
        self._near = []
        self._far = []
        self._styles = {}
        self._given = {}

    def __bool__(self) -> bool:
        return bool(self._near or self._far)

    # -- what the view notes ------------------------------------------------------------

    def add(
        self,
        offset: int,
        start: int,
        text: str,
        links: Sequence[Range],
        spans: Sequence[Range],
        styles: Mapping[str, QTextCharFormat],
        document: QTextDocument,
    ) -> bool:
        """The ranges of a piece whose ``text`` goes in at document position ``start``:
        ``links`` (start, end, url) and ``spans`` (start, end, style name), in the positions
        of a stream that began at document position ``offset``, each formatted as the
        ``styles`` of its name (a link as LINK's; the mapping may be recoloured later). True:
        some lie over text given before, whose blocks get their formats again."""
        if not links and not spans:
            return False
        if links and LINK not in styles:
            # (a renderer's bug, told where it is made rather than when a block is drawn;
            # _Piece tells of a style with no format)
            raise KeyError(f"no format for {LINK}")
        end = start + utf16_len(text)
        piece = _Piece(start, end, offset, links, spans, styles, self._arrivals)
        self._arrivals += len(links) + len(spans)
        self._styles[id(styles)] = styles
        if piece.low < start - WIDE:
            self._far.append(piece)
        else:
            self._near.append(piece)  # (in order of their text, and so of its end)
        if piece.low >= start:
            return False
        over = False
        for a, b in piece.over_earlier():
            block = document.findBlock(a)
            while block.isValid() and block.position() < b:
                self._given.pop(block.position(), None)
                over = True
                block = block.next()
        return over

    def restyle(self, change: Callable[[QTextCharFormat], object]) -> None:
        """``change`` every format once (a palette change recolours them); every block
        gets its formats again when next laid out."""
        for styles in self._styles.values():
            for fmt in styles.values():
                change(fmt)
        self._generation += 1

    # -- what a block is drawn with -----------------------------------------------------

    def has_given(self, block: QTextBlock) -> bool:
        """The block's layout has its formats (as of its length and the last restyle)."""
        given = self._given.get(block.position())
        return given is not None and given[0] == block.length() and given[1] == self._generation

    def apply(self, block: QTextBlock, document: QTextDocument, flush: bool = True) -> bool:
        """Give ``block``'s layout its formats unless it has them (True: they were given,
        and the block was laid out again if it had lines). ``flush`` False: inside Qt's own
        handling of a change, which takes this one along (the block has no lines yet)."""
        if self.has_given(block):
            return False
        pos = block.position()
        length = block.length()
        given = self._given.get(pos)
        ranges = self.ranges(pos, length - 1) if self else []
        self._given[pos] = (length, self._generation, bool(ranges))
        if not ranges and (given is None or not given[2]):
            return False  # plain, as it was
        block.layout().setFormats(ranges)
        if flush:
            # setFormats only notes the change; a later edit would lay out again every
            # block from here to the end of that edit. Told now, the layout lays out just
            # this one.
            document.markContentsDirty(pos, length)
        return True

    def ranges(self, start: int, length: int) -> list[QTextLayout.FormatRange]:
        """The format ranges over [start, start + length), relative to ``start``, in merge
        order (each merges over those before it)."""
        return [_range(a - start, b - a, fmt) for a, b, fmt in self.over(start, start + length)]

    def over(self, start: int, end: int) -> list[tuple[int, int, QTextCharFormat]]:
        """The ranges over [start, end), in merge order, as (start, end, format) document
        positions cut to it."""
        if end <= start:
            return []
        found: list[_Found] = []
        near = self._near
        k = bisect_right(near, start, key=_end)  # (the pieces before end before start)
        while k < len(near) and near[k].start - WIDE < end:
            if near[k].low < end:  # (small pieces: many begin after a block)
                near[k].collect(start, end, found)
            k += 1
        for piece in self._far:
            piece.collect(start, end, found)
        found.sort()  # (arrivals differ: the format is never compared)
        return [(max(a, start), min(-b, end), fmt) for _, a, b, _, fmt in found]


_end = attrgetter("end")  # a piece's end, the key the pieces are searched by (in C)


def _range(start: int, length: int, fmt: QTextCharFormat) -> QTextLayout.FormatRange:
    found = QTextLayout.FormatRange()
    found.start = start
    found.length = length
    found.format = fmt
    return found
