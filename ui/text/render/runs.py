"""Runs: rendered text cut where its links and styles begin and end, as the view inserts it.

The document view inserts text one run at a time, each run with a single format
(QTextCursor.insertText(text, format)). Working out the runs from overlapping link and style
ranges cost the GUI thread about as much as inserting them, so it is done where the page is
rendered: in the renderer process for a big page (remote.py), on the GUI thread only for a
small one (bench/README.md, "The window's share").

A run's format is the view's base format merged with each range over it, in the order of
(end, start, arrival): an inner range ends first, so where an outer one sets the same property
(a colour) the outer one wins. A run names that ordered list of range codes (a style's name,
or LINK) as a *combo*, numbered per stream: the view makes each combo's format once.

A range that began in text given before (a link is reported when it closes, its text may span
two pieces) is split: its part in this text goes into the runs, its part before into
``merges``, which the view merges over that earlier text (queued before this one, so on
screen by then) before inserting these runs. Merged in the same order, the result is the
format every character would have had with every range merged over plain text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import NamedTuple

LINK = "link"  # the code of a link in a combo (no Style has this name)

#: (start, end, code, url): a range's part over text given before (url "" unless a link).
Merge = tuple[int, int, str, str]
#: A range waiting to be cut into runs: (end, start, arrival, code, url).
_Range = tuple[int, int, int, str, str]


class Runs(NamedTuple):
    """One piece of text as runs. Offsets count UTF-16 units from the stream's start (as
    QTextCursor positions); run lengths count characters of ``text`` (for slicing)."""

    text: str
    runs: list[int]  # flat: length, combo number (0: no range), href index (-1: no link)
    combos: list[tuple[str, ...]]  # combos first used here: numbered on from earlier ones
    hrefs: list[str]
    links: list[tuple[int, int, str]]  # the followable links given with this piece
    merges: list[Merge]  # ranges' parts over earlier text, in merge order


class RunBuilder:
    """Cuts a stream's pieces into :class:`Runs`, keeping its combo numbers and its position."""

    def __init__(self) -> None:
        self._combos: dict[tuple[str, ...], int] = {(): 0}
        self._arrivals = 0
        #: Where the next piece's text starts (UTF-16 units since the stream began).
        self.position = 0

    def build(
        self,
        text: str,
        links: Sequence[tuple[int, int, str]],
        spans: Sequence[tuple[int, int, str]],
    ) -> Runs:
        """``text`` (the next piece of the stream) as runs, with ``links`` (start, end, url)
        and style ``spans`` (start, end, style) over it or over earlier text."""
        start = self.position
        astral = _astral_offsets(text)
        end = start + len(text) + len(astral)
        self.position = end
        ranges: list[_Range] = []
        before: list[_Range] = []
        arrival = self._arrivals
        for a, b, url in links:  # links first: on equal ranges a style wins over a link
            arrival += 1
            _place((min(b, end), a, arrival, LINK, url), start, ranges, before)
        for a, b, style in spans:
            arrival += 1
            _place((min(b, end), a, arrival, style, ""), start, ranges, before)
        self._arrivals = arrival
        before.sort()
        merges = [(r[1], min(r[0], start), r[3], r[4]) for r in before]
        runs, combos, hrefs = self._cut(text, start, end, ranges, astral)
        return Runs(text, runs, combos, hrefs, list(links), merges)

    def _cut(
        self, text: str, start: int, end: int, ranges: list[_Range], astral: list[int]
    ) -> tuple[list[int], list[tuple[str, ...]], list[str]]:
        runs: list[int] = []
        new: list[tuple[str, ...]] = []
        hrefs: list[str] = []
        if not text:
            return runs, new, hrefs
        if not ranges:
            return [len(text), 0, -1], new, hrefs
        points = {start, end}
        for r in ranges:
            points.add(max(r[1], start))
            points.add(r[0])
        cuts = sorted(points)
        ranges.sort(key=_starts)  # (stable: arrival order kept on equal starts)
        combos = self._combos
        active: list[_Range] = []
        taken = 0
        count = len(ranges)
        at = 0  # characters of text before the current run
        for i in range(len(cuts) - 1):
            a = cuts[i]
            b = cuts[i + 1]
            if active:
                active = [r for r in active if r[0] > a]
            while taken < count and max(ranges[taken][1], start) <= a:
                if ranges[taken][0] > a:
                    active.append(ranges[taken])
                taken += 1
            stop = b - start
            if astral:
                stop -= bisect_right(astral, stop)
            length = stop - at
            at = stop
            if not active:
                if runs and runs[-2] == 0:
                    runs[-3] += length  # a plain run right after a plain one (empty ranges)
                else:
                    runs += (length, 0, -1)
                continue
            ordered = sorted(active) if len(active) > 1 else active
            key = tuple([r[3] for r in ordered])
            combo = combos.get(key)
            if combo is None:
                combo = len(combos)
                combos[key] = combo
                new.append(key)
            href = -1
            for r in ordered:
                if r[3] == LINK:
                    url = r[4]
                    if not hrefs or hrefs[-1] != url:
                        hrefs.append(url)
                    href = len(hrefs) - 1
            runs += (length, combo, href)
        return runs, new, hrefs


def _place(r: _Range, start: int, ranges: list[_Range], before: list[_Range]) -> None:
    """A range into the runs (its part from ``start`` on), the merges (its part before), or
    both; an empty one (or one cut to nothing at the text's end) into neither."""
    if r[1] >= r[0] or r[1] < 0:
        return
    if r[1] < start:
        before.append(r)
    if r[0] > start:
        ranges.append(r)


def _starts(r: _Range) -> int:
    return r[1]


def _astral_offsets(text: str) -> list[int]:
    """The UTF-16 offsets just past each astral character of ``text`` (two units each), in
    order; empty for the usual text."""
    if text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return []
    offsets: list[int] = []
    units = 0
    for ch in text:
        units += 1
        if ord(ch) > 0xFFFF:
            units += 1
            offsets.append(units)
    return offsets
