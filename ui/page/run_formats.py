"""The character formats of a page's runs, kept beside its document and given to a block's
layout when the block is laid out, as a syntax highlighter's are.

A renderer's runs (:meth:`ui.page.document_view.DocumentView.append_runs`) go into the
document as plain text, one insert per piece; their formats (bold, code, a link's colour and
underline, merged ranges over earlier text) stay here. :class:`ui.page.hanging_layout.
HangingIndentLayout` asks :meth:`RunFormats.apply` before it lays a block out, so a block is
drawn, hit-tested and measured with its formats, and only the blocks someone looks at pay
for them. Inserting each run with its own format made the window's inserts take twice as long
as the same text plain (bench/README.md, "Formats applied when a block is laid out").

Positions are document positions (UTF-16 units); the document only grows at its end while a
page streams, and :meth:`RunFormats.clear` goes with a new page.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate
from typing import NamedTuple

from PySide6.QtGui import QTextBlock, QTextCharFormat, QTextDocument, QTextLayout


class _Piece(NamedTuple):
    """One piece's runs: run i covers [starts[i], starts[i + 1])."""

    starts: array[int]  # document positions, one more than there are runs
    combos: Sequence[int]  # run i's index into formats
    links: Sequence[int]  # run i's index into hrefs, or -1
    formats: Sequence[QTextCharFormat]  # the stream's formats (shared, may grow)
    hrefs: Sequence[str]


def _utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


SHORT_MERGE = 4096  # UTF-16 units: see RunFormats._merge_starts


class RunFormats:
    """Formats by document position, and which laid-out blocks have theirs."""

    def __init__(self) -> None:
        self._pieces: list[_Piece] = []
        self._piece_starts: list[int] = []
        self._merges: list[tuple[int, int, QTextCharFormat]] = []  # in merge order
        # Merges shorter than SHORT_MERGE by their sorted starts (a block looks at those
        # starting up to that far before it), the longer ones (few: a <pre> begun in an
        # earlier piece) by their order alone, each looked at by every block.
        self._merge_starts: list[int] = []
        self._merge_order: list[int] = []  # the merge at each sorted start
        self._long_merges: list[int] = []
        #: Block position -> (its length, the generation, whether its layout got formats)
        #: when they were given: a block that grew (the last one, while text streams) or
        #: a new generation (the palette changed) gets them again.
        self._given: dict[int, tuple[int, int, bool]] = {}
        self._generation = 0

    def clear(self) -> None:
        self._pieces = []
        self._piece_starts = []
        self._merges = []
        self._merge_starts = []
        self._merge_order = []
        self._long_merges = []
        self._given = {}

    def __bool__(self) -> bool:
        return bool(self._pieces or self._merges)

    # -- what the view notes ------------------------------------------------------------

    def add(
        self,
        start: int,
        text: str,
        runs: Sequence[int],
        formats: Sequence[QTextCharFormat],
        hrefs: Sequence[str],
    ) -> None:
        """The runs of ``text`` (flat: length in characters, index into ``formats``, index
        into ``hrefs`` or -1, per run), whose text starts at document position ``start``."""
        lengths = runs[0::3]
        if not lengths:
            return
        combos, links = runs[1::3], runs[2::3]
        if max(combos) >= len(formats) or max(links) >= len(hrefs):
            # (a renderer's bug, told where it is made rather than when a block is drawn)
            raise IndexError("a run names a format or a link that is not there")
        if _utf16_len(text) != len(text):  # astral characters count twice in positions
            lengths, at = [], 0
            for length in runs[0::3]:
                lengths.append(_utf16_len(text[at : at + length]))
                at += length
        starts = array("q", accumulate(lengths, initial=start))
        self._pieces.append(_Piece(starts, combos, links, formats, hrefs))
        self._piece_starts.append(start)

    def merge(self, start: int, end: int, fmt: QTextCharFormat, document: QTextDocument) -> None:
        """``fmt`` merged over [start, end) (after the runs and earlier merges there); the
        blocks there that have their formats already get them again when next laid out."""
        if end <= start:
            return
        index = len(self._merges)
        self._merges.append((start, end, fmt))
        if end - start >= SHORT_MERGE:
            self._long_merges.append(index)
        else:
            at = bisect_right(self._merge_starts, start)
            self._merge_starts.insert(at, start)
            self._merge_order.insert(at, index)
        block = document.findBlock(start)
        while block.isValid() and block.position() < end:
            self._given.pop(block.position(), None)
            block = block.next()

    def restyle(self, change: Callable[[QTextCharFormat], object]) -> None:
        """``change`` every format once (a palette change recolours them); every block
        gets its formats again when next laid out."""
        seen: set[int] = set()
        for piece in self._pieces:
            if id(piece.formats) not in seen:
                seen.add(id(piece.formats))
                for fmt in piece.formats:
                    change(fmt)
        for _, _, fmt in self._merges:
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
        """The format ranges over [start, start + length), relative to ``start``: the runs',
        then the merges' (in merge order, so each merges over what is before it)."""
        end = start + length
        found: list[QTextLayout.FormatRange] = []
        for a, b, fmt in self._runs_over(start, end):
            if not fmt.isEmpty():
                found.append(_range(a - start, b - a, fmt))
        for a, b, fmt in self._merges_over(start, end):
            found.append(_range(a - start, b - a, fmt))
        return found

    def layers(
        self, start: int, end: int
    ) -> tuple[list[tuple[int, int, QTextCharFormat]], list[tuple[int, int, QTextCharFormat]]]:
        """The runs over [start, end) (in order, none overlapping), and the merges over it
        (in merge order), as (start, end, format) document positions cut to the range."""
        return list(self._runs_over(start, end)), self._merges_over(start, end)

    def _runs_at(self, start: int, end: int) -> Iterator[tuple[_Piece, int]]:
        """(piece, run index) of every run over [start, end), in order."""
        p = max(0, bisect_right(self._piece_starts, start) - 1)
        while p < len(self._pieces) and self._piece_starts[p] < end:
            piece = self._pieces[p]
            starts = piece.starts
            i = max(0, bisect_right(starts, start) - 1)
            count = len(starts) - 1
            while i < count and starts[i] < end:
                if starts[i + 1] > start:
                    yield piece, i
                i += 1
            p += 1

    def _runs_over(self, start: int, end: int) -> Iterator[tuple[int, int, QTextCharFormat]]:
        for piece, i in self._runs_at(start, end):
            a = max(start, piece.starts[i])
            b = min(end, piece.starts[i + 1])
            if b > a:
                yield a, b, piece.formats[piece.combos[i]]

    def _merges_over(self, start: int, end: int) -> list[tuple[int, int, QTextCharFormat]]:
        if not self._merges:
            return []
        starts = self._merge_starts
        last = bisect_right(starts, end - 1)
        first = bisect_right(starts, start - SHORT_MERGE)
        order = self._merge_order
        over = []
        for index in [*(order[k] for k in range(max(0, first - 1), last)), *self._long_merges]:
            a, b, fmt = self._merges[index]
            a, b = max(a, start), min(b, end)
            if b > a:
                over.append((index, a, b, fmt))
        over.sort()
        return [(a, b, fmt) for _, a, b, fmt in over]


def _range(start: int, length: int, fmt: QTextCharFormat) -> QTextLayout.FormatRange:
    found = QTextLayout.FormatRange()
    found.start = start
    found.length = length
    found.format = fmt
    return found
