"""The tree: open elements on a stack, and what each undoes when it closes.

:class:`Engine` receives tokens from :class:`~ui.text.render.tokenizer.Tokenizer` and adds the
browser-like recovery a bare tokenizer lacks: implicit closes (``<li>``, ``<td>``, ``<a>``),
stray end tags, skipped elements (scripts, styles, templates...), bounded nesting. End tags
close within scopes (a formatting element never closes across a cell or a table), counted per
scope so a stray end tag costs no scan of the stack.

Tables are held until ``</table>`` (see :mod:`ui.text.render.tables`); a held table goes linear
when, in one of its cells:

- a ``<table>``, ``<h1>``-``<h6>`` or ``<blockquote>`` starts (nested tables and headings are
  page layout);
- a block (``<p>``, ``<div>``, ``<ul>``, ``<pre>``...) starts after text of the same cell: data
  tables wrap a cell's text in one block (Sphinx's ``<td><p>``), layouts put several; in a
  table nested in another table's cell, any block does (Hacker News' ``<center><div>``);
- its held text passes ``MAX_HELD_TEXT`` code points, or its rows and cells ``MAX_HELD_CELLS``:
  memory and the wait stay bounded.

The switch happens at a tag, never at a chunk boundary, so the output does not depend on how
the input was split.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never

from ui.text.lines import MAX_LINE_CHARS
from ui.text.render.elements import (
    BLOCK1,
    BLOCK2,
    CELL_BLOCKS,
    CELL_SCOPE,
    HEADINGS,
    LAYOUT_TAGS,
    SKIP,
    STACK_TAGS,
    START_HANDLERS,
    STYLE_TAGS,
    VOID,
    Closes,
    ListState,
)
from ui.text.render.fast_tokens import Attrs, TokenSink
from ui.text.render.links import LinkResolver
from ui.text.render.model import Span, Style
from ui.text.render.tables import (
    COLUMN_GAP,
    MAX_HELD_CELLS,
    MAX_HELD_TEXT,
    Cell,
    Table,
    layout_table,
    map_pieces,
    put_linear,
    span_attr,
)
from ui.text.render.tokenizer import Tokenizer
from ui.text.render.writer import (
    MAX_PREFIX_DEPTH,
    MAX_TITLE,
    WS_RE,
    OpenLink,
    Writer,
)

IMPLICIT_CLOSE_REACH = 32  # how deep <li>/<dd>/<option> look for an element to close
# Open elements at most, as browsers cap the tree's depth (Blink: 512): an element opened at the
# cap first closes the innermost one, so it becomes its sibling. Each tag then costs O(1), and
# the end of the input closes at most this many (1,000,000 unclosed <pre> froze the window
# for over a second, all popped at once).
MAX_OPEN_ELEMENTS = 512
MIN_TABLE_WIDTH = 20  # the least width a table gets, however deep it is indented
MAX_ANCHOR_NAME = 1024  # an id longer than this is cut (a hostile page cannot bloat the list)


class Entry:
    """An open element that has something to undo when it closes."""

    __slots__ = ("after", "kind", "prefix", "style", "tag", "writer")

    def __init__(self, tag: str, writer: Writer) -> None:
        self.tag = tag
        self.writer = writer
        self.style: Style | None = None
        self.prefix = False
        self.after = 0
        self.kind: Closes | None = None


class Engine(TokenSink):
    def __init__(
        self,
        base_url: str,
        width: int,
        utf16: bool,
        underline_headings: bool,
        resolve: Callable[[str, str], str] | None = None,
    ) -> None:
        self.tokenizer = Tokenizer(self)
        self.links = LinkResolver(base_url, resolve)
        self.width = max(width, MIN_TABLE_WIDTH)
        self.underline = underline_headings
        self.main = Writer(utf16, MAX_LINE_CHARS)
        self.writers: list[Writer] = [self.main]
        self.stack: list[Entry] = []
        self.scope_counts: list[dict[str, int]] = [{}]  # per cell scope: open tags by name
        self.table_counts: list[dict[str, int]] = [{}]  # per table scope
        self.style_counts: dict[Style, int] = {}
        self.tables: list[Table] = []
        self.lists: list[ListState] = []
        self.raw_depth = 0
        self.pre_fresh = False
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.title: str | None = None
        self.title_parts: list[str] | None = None
        self.capture: str | None = None  # "select" or "textarea" while swallowing its content
        self.capture_parts: list[str] = []
        self.options: list[tuple[str, bool]] = []
        self.link_count = 0
        self.table_space = False  # whitespace dropped between table cells since the last tag
        self.table_text = False  # other text given there since the last tag

    def feed(self, data: str) -> None:
        self.tokenizer.feed(data)

    def close(self) -> None:
        self.tokenizer.close()

    def skipping(self) -> bool:
        return self.skip_tag is not None

    # -- helpers

    @property
    def writer(self) -> Writer:
        return self.writers[-1]

    def _push(self, entry: Entry) -> None:
        self.stack.append(entry)
        tag = entry.tag
        if tag in CELL_SCOPE:
            self.scope_counts.append({})
            if tag == "table":
                self.table_counts.append({})
        counts = self.scope_counts[-1]
        counts[tag] = counts.get(tag, 0) + 1
        counts = self.table_counts[-1]
        counts[tag] = counts.get(tag, 0) + 1

    def pop(self) -> None:
        entry = self.stack.pop()
        tag = entry.tag
        self.scope_counts[-1][tag] -= 1
        self.table_counts[-1][tag] -= 1
        if tag in CELL_SCOPE:
            self.scope_counts.pop()
            if tag == "table":
                self.table_counts.pop()
        # What the element undoes (inline: this runs for nearly every end tag).
        writer = entry.writer
        kind = entry.kind
        if kind is not None:
            self._undo_kind(entry, kind)
        if entry.style is not None:
            self._style_off(entry.style, writer)
        if entry.prefix:
            writer.pop_prefix()
        if entry.after:
            writer.block(entry.after)

    def pop_through(self, entry: Entry) -> None:
        while self.stack:
            top = self.stack[-1]
            self.pop()
            if top is entry:
                return

    def close_tag(self, tag: str) -> bool:
        """Close the nearest open ``tag`` in scope and everything opened after it."""
        stack = self.stack
        if stack and stack[-1].tag == tag:
            # The element on top (well-nested markup, nearly always): it is in the innermost
            # scope, which its own count is in, so the scope check below would find it.
            self.pop()
            return True
        counts = self.table_counts[-1] if tag in ("tr", "td", "th", "caption") else None
        if counts is None:
            counts = self.scope_counts[-1]
            if tag == "table":
                counts = self.table_counts[-1]
        if not counts.get(tag):
            return False
        while self.stack:
            top = self.stack[-1].tag
            self.pop()
            if top == tag:
                return True
        return False

    def close_nearby(self, tag: str, stop: frozenset[str]) -> None:
        """Implicit close (a new <li> ends the previous one), looking only a little way down."""
        stack = self.stack
        for i in range(len(stack) - 1, max(-1, len(stack) - 1 - IMPLICIT_CLOSE_REACH), -1):
            name = stack[i].tag
            if name == tag:
                self.pop_through(stack[i])
                return
            if name in stop:
                return

    def style_on(self, style: Style) -> None:
        count = self.style_counts.get(style, 0)
        self.style_counts[style] = count + 1
        if not count:
            self.writers[-1].open_style(style)

    def _style_off(self, style: Style, writer: Writer) -> None:
        count = self.style_counts.get(style, 0) - 1
        self.style_counts[style] = max(count, 0)
        if count <= 0:
            writer.close_style(style)

    def open_entry(self, tag: str) -> Entry:
        entry = Entry(tag, self.writers[-1])
        self._push(entry)
        return entry

    def _undo_kind(self, entry: Entry, kind: Closes) -> None:
        writer = entry.writer
        if kind is Closes.LINK:
            writer.close_link()
        elif kind is Closes.LIST:
            if self.lists:
                self.lists.pop()
        elif kind is Closes.PRE:
            self.raw_depth -= 1
        elif kind is Closes.HEADING:
            if self.underline and entry.style in (Style.H1, Style.H2) and writer.line_chars:
                mark = "=" if entry.style is Style.H1 else "-"
                length = min(writer.line_chars, self.width)
                writer.hard_newline()
                writer._begin_content(styled=False)
                writer._emit(mark * length)
                writer.content_end = writer.pos
                writer.trailing_nl = 0
        elif kind is Closes.QUOTE:
            writer.text("”")
        elif kind is Closes.BRACKET:
            writer.text("]")
        elif kind is Closes.CELL:
            self._finish_cell()
        elif kind is Closes.CAPTION:
            self._finish_caption()
        elif kind is Closes.ROW:
            if self.tables:
                self.tables[-1].row_open = False
        elif kind is Closes.TABLE:
            self._finish_table()
        else:
            assert_never(kind)

    # -- tables

    def start_cell(self, tag: str, attrs: Attrs) -> None:
        table = self.tables[-1]
        if table.cell_entry is not None:
            self.pop_through(table.cell_entry)
        if not table.row_open:
            table.row_open = True
            if table.linear:
                table.parent.block(1)
            else:
                table.rows.append([])
                table.held += 1
        if table.linear:
            # The cell's content goes straight to the parent, after a gap on the row's line.
            parent = table.parent
            table.mark = (parent.pos, parent.pending_nl, parent.pending_space)
            parent.pending_space = COLUMN_GAP
            self._open_cell_entry(table, tag)
            return
        values = dict(attrs)
        cell = Cell(span_attr(values.get("colspan")), span_attr(values.get("rowspan")), tag == "th")
        for style, count in self.style_counts.items():
            if count > 0:
                cell.writer.open_style(style)
        table.cell = cell
        self.writers.append(cell.writer)
        self._open_cell_entry(table, tag)

    def _open_cell_entry(self, table: Table, tag: str) -> None:
        """The open-element entry of a <td>/<th> (a header cell is bold, held or linear)."""
        entry = self.open_entry(tag)
        entry.kind = Closes.CELL
        table.cell_entry = entry
        if tag == "th":
            entry.style = Style.STRONG
            self.style_on(Style.STRONG)

    def _finish_cell(self) -> None:
        table = self.tables[-1]
        table.cell_entry = None
        if table.linear:
            parent = table.parent
            pos, pending_nl, pending_space = table.mark
            if parent.pos == pos:  # the cell showed nothing: no gap, no blank line for it
                parent.pending_nl = pending_nl
                parent.pending_space = pending_space
            return
        cell = table.cell
        if cell is None:
            return
        self.writers.pop()
        cell.finish()
        table.rows[-1].append(cell)
        table.cell = None
        table.held += 1
        table.held_text += len(cell.text)
        if table.held > MAX_HELD_CELLS or table.held_text > MAX_HELD_TEXT:
            self.go_linear(table)

    def _finish_caption(self) -> None:
        table = self.tables[-1]
        table.cell_entry = None
        if table.linear:
            table.parent.block(1)
            return
        cell = table.caption
        if cell is None:
            return
        self.writers.pop()
        cell.finish()

    def _ends_hold(self, table: Table, tag: str) -> bool:
        """Whether ``tag``, starting in the open cell of held ``table``, makes it linear."""
        if tag in LAYOUT_TAGS:
            return True
        cell_writer = self.writer
        if tag in CELL_BLOCKS and table.nested:
            return True
        return table.held_text + cell_writer.pos > MAX_HELD_TEXT

    def go_linear(self, table: Table) -> None:
        """From now on show ``table`` linearly: what it holds goes out at once, cell after
        cell (a row's one-line cells share a line), and its open cell goes on in the parent."""
        table.linear = True
        parent = table.parent
        parent.cut_styles(resume=False)  # held cells carry their own styles
        entry = table.cell_entry
        open_cell = None
        if entry is not None:
            open_cell = table.caption if entry.kind is Closes.CAPTION else table.cell
        if table.caption is not None and table.caption is not open_cell:
            parent.block(1)
            put_linear(parent, table.caption)
            parent.block(1)
        for row in table.rows:
            parent.block(1)
            for cell in row:
                put_linear(parent, cell)
        table.rows = []
        table.caption = None
        table.cell = None
        if entry is not None and open_cell is not None:
            self._reparent_cell(table, open_cell, entry)
        for style, count in self.style_counts.items():
            if count > 0 and style not in parent.open_styles:
                parent.open_style(style)

    def _reparent_cell(self, table: Table, cell: Cell, entry: Entry) -> None:
        """The open cell's text so far goes to the parent, and the rest of it will follow
        there: its open elements now undo themselves on the parent."""
        writer = cell.writer
        parent = table.parent
        pending_nl, pending_space = writer.pending_nl, writer.pending_space
        prefixes, overflow, link = writer.prefixes, writer.prefix_overflow, writer.link
        cell.finish()
        if writer in self.writers:
            self.writers.remove(writer)
        if entry.kind is Closes.CAPTION:
            parent.block(1)
        table.mark = (parent.pos, parent.pending_nl, parent.pending_space)
        put_linear(parent, cell)
        if parent.pos == table.mark[0]:
            parent.pending_space = COLUMN_GAP  # nothing shown yet: the cell's gap is still owed
        for open_entry in reversed(self.stack):
            if open_entry.writer is writer:
                open_entry.writer = parent
            if open_entry is entry:
                break
        for prefix in prefixes:
            if len(parent.prefixes) < MAX_PREFIX_DEPTH:
                parent.prefixes.append(prefix)
            else:
                parent.prefix_overflow += 1
        parent.prefix_overflow += overflow
        parent._cont_cache = None
        parent.fresh = any(p.fresh for p in parent.prefixes)
        if pending_nl:
            parent.block(pending_nl)
        elif pending_space and parent.pos != table.mark[0]:
            parent.pending_space = pending_space
        if link is not None:
            parent.close_link()  # one link at a time: a link open around the table ends here
            carried = OpenLink(link.index, link.href, link.url, link.problem)
            carried.text = link.text[:]
            carried.text_len = link.text_len
            parent.open_link(carried)

    def width_beside(self, writer: Writer, least: int) -> int:
        """The columns left for a block that ``writer`` indents (a table, a rule: their lines
        go in after the indentation and quote bars of the blocks around them), ``least`` at
        least."""
        return max(least, self.width - len(writer.cont_prefix()))

    def _finish_table(self) -> None:
        table = self.tables.pop()
        parent = table.parent
        if table.linear:
            parent.block(2)
            return
        lines, pieces = layout_table(table, self.width_beside(parent, MIN_TABLE_WIDTH))
        parent.cut_styles(resume=False)
        parent.block(2)
        if not lines:
            return
        starts = parent.put_lines(lines)
        table_start = parent.lines_begin if parent.lines_begin >= 0 else starts[0]
        if parent.content_end > table_start:  # a table of empty cells renders no text
            parent.spans.append(Span(table_start, parent.content_end, Style.TABLE))
        map_pieces(parent, lines, starts, pieces)
        parent.block(2)

    # -- tokens (the TokenSink protocol)

    def start_end_tag(self, tag: str, attrs: Attrs) -> None:
        # Browsers ignore the "/" of "<div/>": it opens the element. A self-closed skipped
        # element ("<svg/>") has no content to skip.
        if tag in SKIP:
            return
        self.start_tag(tag, attrs)
        if tag not in VOID and tag in ("a", "textarea", "select", "title", "button"):
            self.end_tag(tag)

    def start_tag(self, tag: str, attrs: Attrs) -> None:
        self.table_space = self.table_text = False
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if self.title_parts is not None:
            self._end_title()
        if self.capture is not None:
            if self.capture == "select" and tag in ("option", "optgroup"):
                if tag == "option":
                    self.options.append(("", any(k == "selected" for k, _ in attrs)))
                return
            self._end_capture()
        self.pre_fresh = False
        if tag in SKIP:
            self.skip_tag = tag
            self.skip_depth = 1
            return
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                # On the document's own writer: a target inside a held table names the
                # table's place (its cells' offsets are not known until it is laid out).
                self.main.anchor(value[:MAX_ANCHOR_NAME])
        if self.tables:
            table = self.tables[-1]
            if not table.linear and table.cell_entry is not None and self._ends_hold(table, tag):
                self.go_linear(table)
        if len(self.stack) >= MAX_OPEN_ELEMENTS and tag in STACK_TAGS:
            self.pop()
        handler = START_HANDLERS.get(tag)
        if handler is not None:
            handler(self, tag, attrs)
            return
        style = STYLE_TAGS.get(tag)
        if style is not None:
            entry = self.open_entry(tag)
            entry.style = style
            self.style_on(style)
            return
        if tag in BLOCK2:
            self.writers[-1].block(2)
        elif tag in BLOCK1:
            self.writers[-1].block(1)

    def end_tag(self, tag: str) -> None:
        self.table_space = self.table_text = False
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if not self.skip_depth:
                    self.skip_tag = None
            return
        if self.title_parts is not None:
            self._end_title()
            if tag == "title":
                return
        if self.capture is not None:
            if tag in ("option", "optgroup"):
                return
            self._end_capture()
            if tag in ("select", "textarea"):
                return
        self.pre_fresh = False
        if tag == "br":
            self.writer.hard_newline()
            return
        if tag in HEADINGS:
            # Any heading end tag closes whichever heading is open, as in browsers.
            open_heading = next((h for h in HEADINGS if self.scope_counts[-1].get(h)), None)
            if open_heading is not None:
                self.close_tag(open_heading)
            self.writer.block(2)
            return
        if tag in STACK_TAGS:
            self.close_tag(tag)
            return
        if tag in BLOCK2:
            self.writers[-1].block(2)
        elif tag in BLOCK1 or tag == "li" or tag == "tr":
            self.writers[-1].block(1)

    def text(self, data: str) -> None:
        if self.skip_tag is not None:
            return
        if self.title_parts is not None:
            if sum(map(len, self.title_parts)) < MAX_TITLE:
                self.title_parts.append(data)
            return
        if self.capture is not None:
            if self.capture == "select":
                if self.options:
                    text, selected = self.options[-1]
                    self.options[-1] = ((text + data)[:200], selected)
            elif len(self.capture_parts) < 1000:
                self.capture_parts.append(data)
            return
        if self.raw_depth:
            if self.pre_fresh:
                self.pre_fresh = False
                if data.startswith("\n"):
                    data = data[1:]
            self.writers[-1].raw(data)
            return
        if self.tables:
            table = self.tables[-1]
            if table.cell is None and table.cell_entry is None:
                # Whitespace between rows and cells is dropped, but not in a run of text
                # between two tags that has more (stray text in a table): the input split
                # decides whether the run's spaces come as calls of their own.
                if data.isspace():
                    if not self.table_text:
                        self.table_space = True
                        return
                else:
                    if self.table_space:
                        self.table_space = False
                        data = " " + data
                    self.table_text = True
        self.writers[-1].text(data)

    # -- title and captured controls

    def _end_title(self) -> None:
        parts = self.title_parts
        self.title_parts = None
        if parts is not None and self.title is None:
            self.title = WS_RE.sub(" ", "".join(parts)).strip()[:MAX_TITLE]

    def _end_capture(self) -> None:
        kind = self.capture
        self.capture = None
        if kind == "select":
            chosen = next((t for t, sel in self.options if sel), None)
            if chosen is None:
                chosen = self.options[0][0] if self.options else ""
            text = WS_RE.sub(" ", chosen).strip()
            self.writer.token(f"[{text} ▾]", Style.FORM)
        else:
            text = WS_RE.sub(" ", "".join(self.capture_parts)).strip()
            if len(text) > 40:
                text = text[:39] + "…"
            self.writer.token(f"[{text or '_' * 20}]", Style.FORM)
        self.options = []
        self.capture_parts = []

    # -- end of input

    def finish(self) -> None:
        if self.title_parts is not None:
            self._end_title()
        if self.capture is not None:
            self._end_capture()
        while self.stack:
            self.pop()
        while len(self.writers) > 1:  # defensive: every cell writer belongs to a stack entry
            self.writers.pop()
        self.main.finish()
