"""Tables: cells held until ``</table>`` and laid out in aligned columns, or shown linearly.

A held table's cells are written by their own :class:`~ui.text.render.writer.Writer` (local offsets,
in code points); at ``</table>`` :func:`layout_table` places them in a grid of columns within
the width, and :func:`map_pieces` moves each cell's links and spans to where its text landed.
A table that goes linear writes its cells with :func:`put_linear`, one after the other.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from ui.text.render.model import Link, Span, Style, merge_spans
from ui.text.render.writer import Writer, display_width

if TYPE_CHECKING:
    from ui.text.render.engine import Entry

MAX_SPAN = 64  # colspan/rowspan clamp (the HTML spec allows 1000 / 65534)
MAX_TABLE_DEPTH = 16
MAX_COLUMNS = 40  # wider tables are shown row by row, not aligned
MIN_COLUMN = 6
# A table still held past either limit is shown linearly from there on (it is a layout table or
# too big to wait for): bounded memory and latency whatever the page.
MAX_HELD_TEXT = 16_384  # code points of cell text
MAX_HELD_CELLS = 4_096  # rows and cells
COLUMN_GAP = "  "


class Cell:
    __slots__ = ("colspan", "header", "links", "rowspan", "spans", "text", "writer")

    def __init__(self, colspan: int, rowspan: int, header: bool) -> None:
        self.writer = Writer(compact=True)
        self.colspan = colspan
        self.rowspan = rowspan
        self.header = header
        self.text = ""
        self.links: list[Link] = []
        self.spans: list[Span] = []

    def finish(self) -> None:
        writer = self.writer
        writer.finish()
        text, self.links, spans = writer.drain()
        self.text = text[: writer.content_end]
        # A nested table's TABLE span is redundant inside the outer table, and styles
        # inherited level after level would pile up: keep one span per styled range.
        self.spans = merge_spans([s for s in spans if s.style is not Style.TABLE]) if spans else []


class Table:
    """A table being read. Held (``linear`` False): rows of finished cells wait for the
    layout at ``</table>``. Linear: cells write straight into ``parent`` as they arrive."""

    __slots__ = (
        "caption",
        "cell",
        "cell_entry",
        "held",
        "held_text",
        "linear",
        "mark",
        "nested",
        "parent",
        "row_open",
        "rows",
    )

    def __init__(self, parent: Writer, nested: bool) -> None:
        self.parent = parent
        self.rows: list[list[Cell]] = []
        self.row_open = False
        self.cell: Cell | None = None  # the open held cell (None in linear mode)
        self.cell_entry: Entry | None = None  # the open cell's or caption's entry
        self.caption: Cell | None = None
        self.nested = nested  # inside another table's cell: any block in a cell is layout
        self.linear = False
        self.held = 0  # rows and cells held
        self.held_text = 0  # code points of text in the held cells
        # A linear cell's start: (parent.pos, pending_nl, pending_space), to take back the
        # separator it asked for when it shows nothing.
        self.mark: tuple[int, int, str] = (0, 0, "")


def span_attr(value: str | None) -> int:
    if not value:
        return 1
    digits = re.match(r"\s*(\d+)", value)
    if not digits:
        return 1
    return max(1, min(int(digits.group(1)[:6]), MAX_SPAN))


def line_ranges(text: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            ranges.append((start, len(text)))
            return ranges
        ranges.append((start, end))
        start = end + 1


def _wrap(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Split text[start:end] into pieces of at most ``width`` columns, at spaces if possible."""
    pieces: list[tuple[int, int]] = []
    ascii_only = text.isascii()
    while True:
        if ascii_only:
            if end - start <= width:
                break
            limit = start + width
        else:
            if display_width(text[start:end]) <= width:
                break
            limit, used = start, 0
            while limit < end:
                used += display_width(text[limit])
                if used > width:
                    break
                limit += 1
            limit = max(limit, start + 1)
        cut = text.rfind(" ", start, limit + 1)
        if cut > start:
            pieces.append((start, cut))
            start = cut + 1
        else:
            pieces.append((start, limit))
            start = limit
    pieces.append((start, end))
    return pieces


def _fit_widths(natural: list[int], budget: int) -> list[int]:
    """Column widths within ``budget``: narrow columns keep their natural width, the wide ones
    share what is left (water filling)."""
    if sum(natural) <= budget:
        return natural[:]
    widths = [0] * len(natural)
    remaining = budget
    order = sorted(range(len(natural)), key=natural.__getitem__)
    for k, col in enumerate(order):
        share = remaining // (len(order) - k)
        width = min(natural[col], max(share, MIN_COLUMN))
        widths[col] = width
        remaining -= width
    return widths


# A piece of a cell's text placed in the output: (line index, column in the line, cell,
# start, end in the cell's text).
Piece = tuple[int, int, Cell, int, int]


def layout_table(table: Table, width: int) -> tuple[list[str], list[Piece]]:
    lines: list[str] = []
    pieces: list[Piece] = []
    if table.caption is not None and table.caption.text.strip():
        cap = table.caption
        for a, b in line_ranges(cap.text):
            pieces.append((len(lines), 0, cap, a, b))
            lines.append(cap.text[a:b])
    rows = [row for row in table.rows if row]
    # Place cells in a grid; rowspans keep later rows' columns busy.
    placed: list[list[tuple[int, Cell]]] = []
    busy_until: list[int] = []
    ncols = 0
    for r, row in enumerate(rows):
        out: list[tuple[int, Cell]] = []
        col = 0
        for cell in row:
            while col < len(busy_until) and busy_until[col] >= r:
                col += 1
            out.append((col, cell))
            span = cell.colspan
            if len(busy_until) < col + span:
                busy_until.extend([-1] * (col + span - len(busy_until)))
            rowspan = min(cell.rowspan, len(rows) - r)
            for c in range(col, col + span):
                busy_until[c] = r + rowspan - 1
            col += span
        ncols = max(ncols, col)
        placed.append(out)
    if not placed:
        return lines, pieces
    if ncols > MAX_COLUMNS or ncols * (MIN_COLUMN + len(COLUMN_GAP)) > width + len(COLUMN_GAP):
        # Too many columns to align within the width: one line per row (" | " between
        # cells) rather than a grid the view would wrap and break apart.
        return _layout_flat(placed, lines, pieces)
    cell_lines: dict[int, list[tuple[int, int]]] = {}
    natural = [0] * ncols
    for row_cells in placed:
        for col, cell in row_cells:
            ranges = line_ranges(cell.text) if cell.text else []
            cell_lines[id(cell)] = ranges
            if cell.colspan == 1:
                for a, b in ranges:
                    natural[col] = max(natural[col], display_width(cell.text[a:b]))
    gap = len(COLUMN_GAP)
    if ncols == 1:
        widths = natural  # one column: nothing to align, let the view wrap
    else:
        budget = max(width - gap * (ncols - 1), ncols * MIN_COLUMN)
        widths = _fit_widths(natural, budget)
        for row_cells in placed:
            for col, cell in row_cells:
                if cell.colspan > 1:
                    end = min(col + cell.colspan, ncols)
                    have = sum(widths[col:end]) + gap * (end - col - 1)
                    need = max(
                        (display_width(cell.text[a:b]) for a, b in cell_lines[id(cell)]),
                        default=0,
                    )
                    room = budget - sum(widths)
                    extra = min(need - have, room)
                    if extra > 0:
                        widths[end - 1] += extra
    wrapped: dict[int, list[tuple[int, int]]] = {}
    heights: list[int] = []
    for row_cells in placed:
        height = 1
        for col, cell in row_cells:
            end = min(col + cell.colspan, ncols)
            cell_width = sum(widths[col:end]) + gap * (end - col - 1)
            parts: list[tuple[int, int]] = []
            for a, b in cell_lines[id(cell)]:
                if ncols == 1:
                    parts.append((a, b))
                else:
                    parts.extend(_wrap(cell.text, a, b, max(cell_width, 1)))
            wrapped[id(cell)] = parts
            height = max(height, len(parts))
        heights.append(height)
    spaced_rows = any(h > 1 for h in heights)
    header_rule = all(cell.header for _, cell in placed[0]) and ncols > 1
    for r, row_cells in enumerate(placed):
        if r and spaced_rows:
            lines.append("")
        starts = {col: cell for col, cell in row_cells}
        for k in range(heights[r]):
            chunks: list[str] = []
            used = 0
            col = 0
            while col < ncols:
                cell_at = starts.get(col)
                span = 1 if cell_at is None else min(cell_at.colspan, ncols - col)
                cell_width = sum(widths[col : col + span]) + gap * (span - 1)
                if col:
                    chunks.append(COLUMN_GAP)
                    used += gap
                text = ""
                if cell_at is not None:
                    parts = wrapped[id(cell_at)]
                    if k < len(parts):
                        a, b = parts[k]
                        text = cell_at.text[a:b]
                        if text:
                            pieces.append((len(lines), used, cell_at, a, b))
                chunks.append(text)
                pad = cell_width - display_width(text)
                if pad > 0:
                    chunks.append(" " * pad)
                used += len(text) + max(pad, 0)
                col += span
            lines.append("".join(chunks).rstrip())
        if r == 0 and header_rule:
            lines.append(COLUMN_GAP.join("─" * w for w in widths if w))
    return lines, pieces


def _layout_flat(
    placed: list[list[tuple[int, Cell]]], lines: list[str], pieces: list[Piece]
) -> tuple[list[str], list[Piece]]:
    """Too many columns to align: one line per row, cells separated by " | "."""
    for row_cells in placed:
        chunks: list[str] = []
        used = 0
        for _, cell in row_cells:
            for a, b in line_ranges(cell.text) if cell.text else []:
                if a == b:
                    continue
                if chunks:
                    sep = " | " if a == 0 else " "
                    chunks.append(sep)
                    used += len(sep)
                pieces.append((len(lines), used, cell, a, b))
                chunks.append(cell.text[a:b])
                used += b - a
        lines.append("".join(chunks))
    return lines, pieces


def map_pieces(parent: Writer, lines: list[str], starts: list[int], pieces: list[Piece]) -> None:
    """Move each cell's links and spans to where its text landed in ``parent``."""
    by_cell: dict[int, list[tuple[int, int, int]]] = {}
    cells: dict[int, Cell] = {}
    for line_index, column, cell, a, b in pieces:
        line = lines[line_index]
        offset = starts[line_index] + parent.units(line[:column])
        by_cell.setdefault(id(cell), []).append((a, b, offset))
        cells[id(cell)] = cell
    for key, placements in by_cell.items():
        cell = cells[key]
        if not cell.links and not cell.spans:
            continue
        placements.sort()
        piece_starts = [p[0] for p in placements]
        text = cell.text

        for link in cell.links:
            for lo, hi in _piece_ranges(
                parent, placements, piece_starts, text, link.start, link.end
            ):
                parent.links.append(
                    Link(link.number, lo, hi, link.href, link.url, link.text, link.problem)
                )
        for span in cell.spans:
            for lo, hi in _piece_ranges(
                parent, placements, piece_starts, text, span.start, span.end
            ):
                parent.spans.append(Span(lo, hi, span.style))


def _piece_ranges(
    parent: Writer,
    placements: list[tuple[int, int, int]],
    piece_starts: list[int],
    text: str,
    start: int,
    end: int,
) -> list[tuple[int, int]]:
    """Where text[start:end] of a cell landed: one range per placed piece it overlaps."""
    out: list[tuple[int, int]] = []
    i = max(bisect_right(piece_starts, start) - 1, 0)
    while i < len(placements):
        a, b, offset = placements[i]
        if a >= end:
            break
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            out.append((offset + parent.units(text[a:lo]), offset + parent.units(text[a:hi])))
        i += 1
    return out


def put_linear(parent: Writer, cell: Cell) -> None:
    """A held cell shown linearly: after a gap where the next content goes (a new line when
    one is owed), its lines as they are, its links and spans moved along. Empty: nothing."""
    text = cell.text
    if not text:
        return
    ranges = line_ranges(text)
    lines = [text[a:b] for a, b in ranges]
    parent.pending_space = COLUMN_GAP
    starts = parent.put_lines(lines, block=False)
    pieces = [(i, 0, cell, a, b) for i, (a, b) in enumerate(ranges) if a < b]
    map_pieces(parent, lines, starts, pieces)
