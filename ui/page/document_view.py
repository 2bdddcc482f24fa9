"""The document view: text appended as it arrives, without ever freezing the window.

Text (decoded and laid out by ui/page/page_renderer.py, or segments of Yonder's own pages)
only joins a pending queue; a frame timer (FRAME_MS) moves it into the QPlainTextEdit with one
cursor insert at the end per frame, sized by a feedback loop so that it takes about
TICK_BUDGET_S (FACTS.md: one big insert or setPlainText stalls for hundreds of ms). The view
follows the tail only when the reader was at the bottom before the insert.

Links are ranges of the text (:meth:`links`) with a link's format: appended with
:meth:`append_link`, or given with the ranges a renderer reports for a piece of a page
(:meth:`append_ranges`; a link may lie over text queued before). Such pieces go in as plain
text; their ranges' formats are given to each block when it is laid out
(:mod:`ui.page.range_formats`).
Click a link, or Tab to it and press Enter; the context menu (right click, the Menu key) adds
Open Link, Open Link in New Tab, Copy Link Address and Download Link; a middle click or
Ctrl+click opens a link in a new tab. ``f`` labels the links on screen to follow one by
typing its label, and numbered links show each link's number (both in
:mod:`ui.page.link_hints`, an overlay that leaves the text alone).
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from itertools import pairwise
from typing import Any, NamedTuple, TypeVar

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QMetaMethod,
    QMimeData,
    QPoint,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QShowEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QAbstractSlider, QMenu, QPlainTextEdit, QWidget

from ui.colours import TextColours, recolour_format, role_format, text_colours
from ui.fonts import monospace_font
from ui.page.hanging_layout import HangingIndentLayout
from ui.page.link_hints import LinkHints
from ui.page.range_formats import Range, RangeFormats, utf16_len
from ui.page.rich_copy import RICH_COPY_CHARS, RichSelection, runs_html
from ui.page.still_scroll_bar import StillScrollBar
from ui.page.turns import DEFER_MS, TurnGuard

FRAME_MS = 16
SLICE_CHARS = 64 * 1024  # the starting slice, before the cost of a character is measured
MIN_SLICE_CHARS = 4 * 1024
MAX_SLICE_CHARS = 512 * 1024
TAB_COLUMNS = 8  # tab stops, in columns of the monospace font
MIN_COLUMNS = 40  # the width in columns given to tables, at least and at most
MAX_COLUMNS = 250
HIDDEN_COLUMNS = 100
FIRST_SLICE_CHARS = 8 * 1024  # the first insert after idle: on screen fast
# One insert per frame, sized to take about this long: the frame's paint comes on top in the
# same turn, and beside a busy process the whole turn stretches. An insert has a fixed cost
# (~0.6 ms) plus ~30 ns per character here, so few big inserts fill faster than many small
# ones: 64 KiB slices ~12 MB/s, one ~300K slice per frame ~19 MB/s. 10.5 ms filled no faster
# than 8 and gave longer turns (bench/README.md, "Shorter turns").
TICK_BUDGET_S = 0.008
REST_MS = 5  # between two frames when behind: the event loop paints and handles input
# While a shown view streams, a hidden one (a background tab's) inserts one slice at most this
# often: the shown tab keeps the GUI thread (two views inserting every frame left no idle turn:
# gaps of 40-80 ms, p99 50-80 ms); the rest waits in the page's store, and the view catches up
# at full rate once shown, or once no shown view has inserted for turns.SHOWN_QUIET_S.
HIDDEN_FRAME_MS = 100
# The slice is sized from a conservative cost per character: a dearer measurement is taken at
# once (the cost grows with the document, and one slow insert must not be repeated), a cheaper
# one only slowly; and the slice aims at this part of the budget (a frame's fixed costs, the
# scroll and the repaint's layout, come on top).
COST_MARGIN = 1.1
COST_DECAY = 0.15
SLICE_TARGET = 1.0
MAX_DEFERRALS = 4  # a view's insert waits at most this many times for a turn of its own

#: Clearing a document this big (characters) swaps in a fresh one and takes the old one apart
#: in timed pieces: QTextDocument.clear() (and its destructor) is one call, 130-260 ms for a
#: rendered page of 10-20 M characters. Smaller ones are cleared at once (under ~10 ms).
SWAP_CLEAR_CHARS = 500_000
DISPOSE_BUDGET_S = 0.006  # taking the old document apart: per turn of the event loop
DISPOSE_START_CHARS = 10_000  # the first piece, before its cost is measured
DISPOSE_MAX_CHARS = 512 * 1024
#: The link list and the anchors of a big page are dropped in pieces
#: too: freeing 1,000,000 link entries is one ~100 ms call (~24 ms on a capped page).
RETIRE_ITEMS = 20_000  # containers longer than this are taken apart on later turns
RETIRE_START_ITEMS = 20_000  # the first piece, before its cost is measured
RETIRE_MAX_ITEMS = 200_000


_Container = TypeVar("_Container", list[Any], dict[str, int], dict[int, int])


class SegmentKind(StrEnum):
    """How a piece of text is shown: each kind has its character format."""

    TEXT = "text"
    LINK = "link"  # href is the link's URL
    HEADING = "heading"
    TITLE = "title"
    ERROR = "error"
    MUTED = "muted"
    CODE = "code"
    KEY = "key"  # a key in a table of keys: monospace, so the descriptions after it line up


#: (kind, text, href): a piece of one of Yonder's own pages (start page, error page...). The
#: kind is a SegmentKind; typed str only while the window still writes one literal kind
#: (TODO(lead): tuple[SegmentKind, str, str] once main_window.py is restructured). An unknown
#: kind is a ValueError in append_segments, never shown as plain text.
Segment = tuple[str, str, str]

RECOLOUR_BUDGET_S = 0.006  # recolouring shown text after a palette change: per turn


class RangedText(NamedTuple):
    """A piece of text queued with its ranges (:meth:`DocumentView.append_ranges`): ``links``
    (start, end, url) and style ``spans`` (start, end, name), formatted as ``styles`` says,
    are noted when its first slice goes in (``noted`` for the rest of a piece); the links are
    followable once their text is on screen (``links`` of a rest: those not yet). Offsets are
    stream positions (UTF-16 units since begin_stream); ``offset`` is the document position
    where that stream began (taken when the piece is queued)."""

    text: str  # (first, as a plain piece's: the queue reads either's text as item[0])
    links: Sequence[Range]
    spans: Sequence[Range]
    styles: Mapping[str, QTextCharFormat]
    offset: int
    noted: bool = False


#: What waits to go in: plain text, a segment or a link of a kind (text, kind, href), or a
#: piece with its ranges.
_Queued = tuple[str, SegmentKind, str] | RangedText


def _int_of(result: object) -> int:
    # QTextLine.xToCursor returns (position, x) in some PySide6 versions, position in others.
    value = result[0] if isinstance(result, tuple) else result
    return int(value) if isinstance(value, int) else 0


class DocumentView(QPlainTextEdit):
    """Read-only streaming text view with links.

    Signals:
        link_activated(str url): a link was clicked, or focused with Tab and Enter pressed.
        drained(): the pending queue became empty (everything received is on screen).
        columns_changed(int columns): the width or the font changed how many monospace
            columns fit across the view (see :attr:`columns`)
        colours_changed(): the palette changed the text colours (:attr:`colours`); the
            text on screen is being recoloured (formats keep their COLOUR_ROLE)
        link_hovered(str url): the mouse moved onto a link ("" when it left every link).
        link_download_requested(str url): Download Link was chosen in the context menu.
        link_focused(str url): Tab selected a link ("" when the selection left it).
        link_new_tab_requested(str url): open the link in a new tab: middle click,
            Ctrl+click, Open Link in New Tab, a link hint typed with Shift (see
            :meth:`open_in_new_tab`).
    Slots:
        clear_document(), begin_stream(), append_text(str), append_link(str text, str url),
        flush_pending()
    """

    link_activated = Signal(str)
    link_hovered = Signal(str)
    link_download_requested = Signal(str)
    link_focused = Signal(str)
    link_new_tab_requested = Signal(str)
    drained = Signal()
    columns_changed = Signal(int)
    colours_changed = Signal()
    #: The view's QTextDocument was replaced by a fresh one (clear_document of a big one):
    #: whoever follows the document's signals connects to the new one.
    document_replaced = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._range_formats = RangeFormats()  # the formats of the ranges (append_ranges)
        #: Runs the context menu's Copy and Select All (the page's: they may wait for the
        #: page to be whole, see ui.page.reading_place.FrozenFrame.defer); None: at once.
        self.whole_page_gate: Callable[[Callable[[], object]], None] | None = None
        self._page = 0  # counts clear_document: a copied selection's page is still there
        self._plain = QTextCharFormat()  # what a ranged piece's text goes in with
        self._wrap = QPlainTextEdit.LineWrapMode.WidgetWidth  # see setLineWrapMode
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)  # an undo stack would hold a copy of every insert
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        # A document whose layout gives prefixed lines a hanging indent (add_indents).
        self.setDocument(self._new_document(self.document()))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Not painted again for a range that changes nothing it shows (a page streaming in).
        # A bar set in place of QPlainTextEdit's own loses its link to the page step by pixels
        # (Qt reconnects only the value and the range): a click in the trough would step by
        # the lines a page of the body font holds, skipping lines where headings are taller.
        bar = StillScrollBar(Qt.Orientation.Vertical, self)
        self.setVerticalScrollBar(bar)
        bar.actionTriggered.connect(self._on_bar_action)
        # Always there: a bar that appears once the text outgrows the view narrows it, and a
        # narrower view lays every block out again. In a background tab that came at its
        # first show, at once: 240 ms for a 20 MB page (bench/window_stream.py).
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._columns = 0  # last told by columns_changed
        font = monospace_font(10.5)
        self.setFont(font)
        self._set_tab_stops()
        self.document().setDocumentMargin(12)
        self.viewport().setMouseTracking(True)
        self._format_font = QFont(font)
        self.colours: TextColours = text_colours(self.palette())
        self._formats = self._make_formats(font)
        # Recolouring the shown text after a palette change, a few blocks per turn (a page
        # of 50,000 links takes ~0.5 s in all): the next block to walk.
        self._recolour_block = -1
        self._recolour_timer = QTimer(self)
        self._recolour_timer.setInterval(0)
        self._recolour_timer.timeout.connect(self._recolour_step)
        self.setAccessibleName("Page")
        self.setAccessibleDescription(
            "The page's text. Tab moves to the next link, Enter follows it."
        )
        self._pending: deque[_Queued] = deque()
        self._pending_chars = 0
        self._stream_start = 0  # document position where the current stream began
        self._links: list[tuple[int, int, str]] = []  # absolute (start, end, href), sorted
        self._press_anchor = ""
        self._hovered = ""
        self._focused: tuple[int, int] | None = None  # the link Tab selected (its range)
        # Fragment targets: name -> document position (the first of a name wins, as in
        # browsers); _target is the fragment to show once it has arrived.
        self._anchors: dict[str, int] = {}
        self._target: list[str] | None = None
        #: Keep the end in view while text arrives (a streaming log); False: a page stays at
        #: its top, as a browser shows it. Even when True the view follows only once the
        #: reader has moved it to the bottom (_tail_armed): a document opens at its top.
        self.follow_tail = True
        self._tail_armed = False
        self._scrolling = False  # the view scrolls itself: not the reader's doing
        self._range_estimated = False  # the scroll bar's range: see _estimate_scroll_range
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        # Measured seconds per inserted character (moving average): sizes the next slice so
        # that a frame's insert stays near TICK_BUDGET_S on any machine and any document.
        self._cost_per_char = TICK_BUDGET_S / SLICE_CHARS
        self._last_insert = 0.0  # when the last insert ended (perf_counter; 0: idle)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)  # re-armed by each frame: see _on_frame
        self._timer.timeout.connect(self._on_frame)
        self._deferrals = 0  # frames in a row that waited for a turn of their own
        # Old documents being taken apart (see clear_document), and the piece size.
        self._disposing: list[QTextDocument] = []
        # ...and the old page's big link lists and anchor tables (see _retire).
        self._retired: list[list[object] | dict[str, int] | dict[int, int]] = []
        self._retire_items = RETIRE_START_ITEMS
        self._dispose_chars = DISPOSE_START_CHARS
        self._dispose_timer = QTimer(self)
        self._dispose_timer.setInterval(0)
        self._dispose_timer.timeout.connect(self._dispose_step)
        #: ``f`` hints and numbered links (View > Numbered Links: ``link_hints.set_numbered``).
        self.link_hints = LinkHints(self)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._set_tab_stops()
            self._note_columns()
        elif event.type() == QEvent.Type.PaletteChange:
            self._on_palette_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._note_columns()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._note_columns()  # the first resize event comes before the view is visible
        if self._pending and self._timer.remainingTime() > FRAME_MS:
            self._timer.start(0)  # shown (its tab is current): catch up at the full rate now

    @property
    def columns(self) -> int:
        """How many columns of the monospace font (tables, <pre>) fit across the view (a
        hidden view, never laid out, says HIDDEN_COLUMNS)."""
        if not self.isVisible():
            return HIDDEN_COLUMNS
        mono = monospace_font()
        mono.setPointSizeF(self.font().pointSizeF())
        advance = QFontMetricsF(mono).horizontalAdvance("0")
        room = self.viewport().width() - 2 * self.document().documentMargin() - advance
        return max(MIN_COLUMNS, min(MAX_COLUMNS, int(room / max(advance, 1.0))))

    def _note_columns(self) -> None:
        columns = self.columns
        if columns != self._columns:
            self._columns = columns
            self.columns_changed.emit(columns)

    def _set_tab_stops(self) -> None:
        # Tabs every 8 columns of the monospace font (<pre>, plain text, code) at the view's
        # size, as a terminal and w3m do; Qt's default is 80 px, ~9.5 columns here.
        mono = monospace_font()
        mono.setPointSizeF(self.font().pointSizeF())
        self.setTabStopDistance(TAB_COLUMNS * QFontMetricsF(mono).horizontalAdvance(" "))

    def _make_formats(self, font: QFont) -> dict[SegmentKind, QTextCharFormat]:
        colours = self.colours
        text = QTextCharFormat()
        link = role_format("link", colours)
        link.setFontUnderline(True)
        link.setAnchor(True)
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        heading.setFontPointSize(font.pointSizeF() * 1.25)
        title = QTextCharFormat()
        title.setFontWeight(QFont.Weight.Bold)
        title.setFontPointSize(font.pointSizeF() * 1.6)
        error = role_format("error", colours)
        error.setFontWeight(QFont.Weight.Bold)
        error.setFontPointSize(font.pointSizeF() * 1.25)
        muted = role_format("muted", colours)
        # Detail lines (code): muted text on the alternate base colour (readable on both).
        code = role_format("code-block", colours)
        code.setFontFamilies([monospace_font().family()])  # detail lines up in any view font
        key = QTextCharFormat()
        key.setFontFamilies([monospace_font().family()])  # the key column, in any view font
        key.setFontFixedPitch(True)
        return {
            SegmentKind.KEY: key,
            SegmentKind.TEXT: text,
            SegmentKind.LINK: link,
            SegmentKind.HEADING: heading,
            SegmentKind.TITLE: title,
            SegmentKind.ERROR: error,
            SegmentKind.MUTED: muted,
            SegmentKind.CODE: code,
        }

    # -- colours --------------------------------------------------------------------------

    def _on_palette_changed(self) -> None:
        colours = text_colours(self.palette())
        if colours == self.colours:
            return
        self.colours = colours
        self._formats = self._make_formats(self._format_font)
        self._range_formats.restyle(lambda fmt: recolour_format(fmt, colours))
        self.viewport().update()
        done: set[int] = set()  # (a stream's pieces share one mapping of formats)
        for item in self._pending:  # ...and pieces not inserted yet
            if isinstance(item, RangedText) and id(item.styles) not in done:
                done.add(id(item.styles))
                for fmt in item.styles.values():
                    recolour_format(fmt, colours)
        self._recolour_block = 0
        self._recolour_timer.start()
        self.colours_changed.emit()

    @Slot()
    def _recolour_step(self) -> None:
        """Recolour the fragments that carry a COLOUR_ROLE in the next blocks, within
        RECOLOUR_BUDGET_S, in one edit block (a single layout)."""
        document = self.document()
        block = document.findBlockByNumber(self._recolour_block)
        colours = self.colours
        started = time.perf_counter()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        count = 0
        while block.isValid():
            changes: list[tuple[int, int, QTextCharFormat]] = []
            piece = block.begin()
            while not piece.atEnd():  # (read first: a change may split or merge fragments)
                fragment = piece.fragment()
                fmt = fragment.charFormat()
                if recolour_format(fmt, colours):
                    start = fragment.position()
                    changes.append((start, start + fragment.length(), fmt))
                piece += 1
            for start, end, fmt in changes:
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(fmt)
            block = block.next()
            count += 1
            if count % 64 == 0 and time.perf_counter() - started >= RECOLOUR_BUDGET_S:
                break
        cursor.endEditBlock()
        if block.isValid():
            self._recolour_block = block.blockNumber()
        else:
            self._stop_recolour()

    def _stop_recolour(self) -> None:
        self._recolour_block = -1
        self._recolour_timer.stop()

    # -- content --------------------------------------------------------------------------

    @Slot()
    def clear_document(self) -> None:
        """Empty the view and everything queued (a new page)."""
        self._timer.stop()
        self._pending.clear()
        self._pending_chars = 0
        self._links = self._retire(self._links)
        self._anchors = self._retire(self._anchors)
        self._target = None
        self._tail_armed = False
        self._hovered = ""
        self._stream_start = 0
        self._page += 1
        self._range_formats.clear()
        self.link_hints.cancel()  # hint mode ends with its page (numbers stay: a setting)
        self._stop_recolour()  # nothing shown is left to recolour
        hanging = self._hanging()
        if hanging is not None:  # (before a swap: the old document's layout lets go of it)
            hanging.hangs = self._retire(hanging.hangs)
        if self.document().characterCount() > SWAP_CLEAR_CHARS:
            self._swap_document()
        else:
            self.clear()
        if self._focused is not None:
            self._focused = None
            self.link_focused.emit("")

    def _retire(self, items: _Container) -> _Container:
        """An empty container of the same kind in place of ``items``; a big one is kept
        aside and emptied in timed pieces on later turns (see _dispose_step)."""
        if len(items) <= RETIRE_ITEMS:
            items.clear()
            return items
        self._retired.append(items)
        self._dispose_timer.start()
        return type(items)()

    def _new_document(self, old: QTextDocument) -> QTextDocument:
        """An empty document with ``old``'s settings and a hanging-indent layout."""
        fresh = QTextDocument(self)
        layout = HangingIndentLayout(fresh, monospace_font().family())
        layout.formats = self._range_formats
        fresh.setDocumentLayout(layout)
        fresh.setUndoRedoEnabled(False)
        fresh.setDefaultFont(old.defaultFont())
        fresh.setDefaultTextOption(old.defaultTextOption())  # tab stops, wrap
        fresh.setDocumentMargin(old.documentMargin())
        fresh.setUseDesignMetrics(old.useDesignMetrics())
        return fresh

    def _hanging(self) -> HangingIndentLayout | None:
        layout = self.document().documentLayout()
        return layout if isinstance(layout, HangingIndentLayout) else None

    def _swap_document(self) -> None:
        """Show a fresh, empty document with the old one's settings; the old one is taken
        apart in pieces on later turns (see _dispose_step)."""
        old = self.document()
        fresh = self._new_document(old)
        hanging = self._hanging()
        if hanging is not None:
            hanging.formats = None  # the old text's formats went with clear_document
        old.setParent(self)  # setDocument deletes (at once) a document its control owns
        # (as clear() does first: setDocument with the view scrolled sideways recursed in
        # the scroll bars' valueChanged until the stack overflowed)
        self.horizontalScrollBar().setValue(0)
        self.setDocument(fresh)
        self._disposing.append(old)
        self._dispose_timer.start()
        self.document_replaced.emit()

    @Slot()
    def _dispose_step(self) -> None:
        """Remove one timed piece of the oldest document being disposed of; when what is
        left is one piece, delete it."""
        if self._retired:
            self._retire_step()
            return
        if not self._disposing:
            self._dispose_timer.stop()
            return
        old = self._disposing[0]
        started = time.perf_counter()
        left = old.characterCount() - 1
        if left <= self._dispose_chars:
            self._disposing.pop(0)
            old.setParent(None)
            shiboken6.delete(old)
        else:
            cursor = QTextCursor(old)
            cursor.setPosition(left - self._dispose_chars)
            cursor.setPosition(left, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()  # from the end: nothing after it moves
        spent = time.perf_counter() - started
        chars = self._dispose_chars
        scaled = int(chars * DISPOSE_BUDGET_S / max(spent, 1e-4))
        # Grows slowly: the cost per character varies along a page (a cheap end made the
        # next piece 4 M characters, 118 ms).
        self._dispose_chars = max(10_000, min(2 * chars, scaled, DISPOSE_MAX_CHARS))

    def _retire_step(self) -> None:
        """Free one timed piece of the oldest retired container."""
        items = self._retired[0]
        started = time.perf_counter()
        count = self._retire_items
        if isinstance(items, dict):
            for _ in range(min(count, len(items))):
                items.popitem()
        else:
            del items[-count:]  # from the end: nothing moves
        if not items:
            self._retired.pop(0)
        spent = time.perf_counter() - started
        scaled = int(count * DISPOSE_BUDGET_S / max(spent, 1e-4))
        self._retire_items = max(1000, min(2 * count, scaled, RETIRE_MAX_ITEMS))

    @property
    def disposing(self) -> int:
        """How many old documents (and big link lists of old pages) are still being taken
        apart."""
        return len(self._disposing) + len(self._retired)

    @Slot()
    def begin_stream(self) -> None:
        """Stream positions (links, formats, anchors) count from here: after what is there."""
        self._stream_start = self._queued_end()
        self._last_insert = 0.0  # its first text goes on screen at once

    @Slot(str)
    def append_text(self, text: str, kind: SegmentKind = SegmentKind.TEXT) -> None:
        if text:
            self._enqueue((text, kind, ""))

    @Slot(str, str)
    def append_link(self, text: str, url: str) -> None:
        if text:
            self._enqueue((text, SegmentKind.LINK, url))

    def append_segments(self, segments: Iterable[Segment]) -> None:
        for name, text, href in segments:
            kind = SegmentKind(name)
            if kind is SegmentKind.LINK:
                self.append_link(text, href)
            else:
                self.append_text(text, kind)

    def append_ranges(
        self,
        text: str,
        links: Sequence[Range],
        spans: Sequence[Range],
        styles: Mapping[str, QTextCharFormat],
    ) -> None:
        """Queue ``text`` with the ranges a renderer reported with it: the followable
        ``links`` (start, end, url) and style ``spans`` (start, end, name), over it or over
        text queued before, in stream positions (UTF-16 units since begin_stream). Each is
        drawn in the format ``styles`` gives its name (a link: LINK's), merged in the order
        of :mod:`ui.page.range_formats`; ``styles`` is the stream's, shared by its pieces."""
        if text or links or spans:
            self._enqueue(RangedText(text, links, spans, styles, self._stream_start))

    def add_indents(self, indents: Iterable[tuple[int, int]]) -> None:
        """Lines that start with a prefix (a list marker, indentation), as (stream position
        where the line starts, the prefix's length), both in UTF-16 units since begin_stream:
        wrapped, they continue under their text (see :mod:`ui.page.hanging_layout`)."""
        hanging = self._hanging()
        if hanging is None:
            return
        offset = self._stream_start
        hangs = hanging.hangs
        document = self.document()
        end = document.characterCount() - 1
        shown = False
        for pos, length in indents:
            hangs[offset + pos] = length
            if offset + pos < end:
                # A line on screen already, laid out without its indent: again when shown.
                # (The renderer gives them before their text: this is for other callers.)
                document.findBlock(offset + pos).clearLayout()
                shown = True
        if shown:
            self.viewport().update()

    def add_anchors(self, anchors: Iterable[tuple[str, int]]) -> None:
        """Fragment targets at stream positions (UTF-16 units since begin_stream)."""
        offset = self._stream_start
        for name, pos in anchors:
            self._anchors.setdefault(name, offset + pos)
        if self._target is not None:
            self._seek_target()

    def anchor_position(self, names: Iterable[str]) -> int | None:
        """The document position of the first of ``names`` that is a target, or None."""
        for name in names:
            pos = self._anchors.get(name)
            if pos is not None:
                return pos
        return None

    def anchor_before(self, pos: int) -> tuple[str, int] | None:
        """The target nearest before (or at) document position ``pos``: (name, position)."""
        best: tuple[str, int] | None = None
        for name, at in self._anchors.items():
            if at <= pos and (best is None or at > best[1]):
                best = (name, at)
        return best

    def scroll_to_target(self, names: list[str] | None) -> bool:
        """Show the fragment target (the first of ``names`` the page has) at the top, now or
        as soon as it has arrived; None forgets a pending one. True when it is shown now;
        an unknown target is no error (the view stays where it is, as browsers do)."""
        self._target = names or None
        return self._seek_target()

    def _seek_target(self) -> bool:
        if self._target is None:
            return False
        pos = self.anchor_position(self._target)
        if pos is None or pos > self.document().characterCount() - 1:
            return False  # not (yet) known, or its text is still queued
        self.show_at_top(pos)
        if self.line_index(self.top_position()) >= self.line_index(pos):
            self._target = None
        # else too near the end of what has arrived to be the first line: again after the
        # next insert, until it is (or the reader scrolls).
        return True

    def line_index(self, pos: int) -> int:
        """The scroll bar's unit for ``pos``: its visual line counted from the top."""
        block = self.document().findBlock(pos)
        layout = block.layout()
        line = layout.lineForTextPosition(pos - block.position()) if layout else None
        return block.firstLineNumber() + (line.lineNumber() if line and line.isValid() else 0)

    def show_at_top(self, pos: int, move_caret: bool = True) -> None:
        """Scroll so that the line holding ``pos`` is the first one shown (as near as the
        end of the document allows); the caret goes there too unless ``move_caret`` is
        False."""
        pos = max(0, min(pos, self.document().characterCount() - 1))
        cursor = QTextCursor(self.document())
        cursor.setPosition(pos)
        self._scrolling = True
        try:
            if move_caret:
                self.setTextCursor(cursor)
            # Lays the target's lines out, so that their line numbers are exact.
            self._reveal(cursor)
            self.verticalScrollBar().setValue(self.line_index(pos))
        finally:
            self._scrolling = False

    def centerCursor(self) -> None:
        # Find's scroll to a match from off screen: the view's own doing, not the reader
        # moving to the end (a match near the end of a stream would arm following the tail,
        # and the text that follows would scroll the match away).
        self._scrolling = True
        try:
            super().centerCursor()
        finally:
            self._scrolling = False
        self._target = None  # the match is what the reader looks at now, not a #fragment
        self._tail_armed = False

    def _reveal(self, cursor: QTextCursor) -> None:
        saved = self.textCursor()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        if saved.position() != cursor.position() or saved.anchor() != cursor.anchor():
            self.setTextCursor(saved)

    def top_position(self) -> int:
        """The document position at the start of the first line shown."""
        return self.cursorForPosition(QPoint(0, 0)).position()

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        if self._scrolling:
            return
        self._target = None  # the reader scrolled: the view is theirs now
        bar = self.verticalScrollBar()
        # Following the tail is the reader's choice: only after they moved to the bottom.
        self._tail_armed = bar.maximum() > 0 and self._at_bottom()
        self._caret_with_view()

    def _caret_with_view(self) -> None:
        # The caret moves with the page (Space, the wheel, the scroll bar), so that the next
        # arrow key or a wrap toggle does not snap back to where it was. A selection made
        # by the reader stays (they may be about to copy it); a Tab-selected link does not.
        cursor = self.textCursor()
        if cursor.hasSelection() and self._focused is None:
            return
        rect = self.cursorRect(cursor)
        viewport = self.viewport().rect()
        if viewport.contains(rect.center()):
            return
        caret = self.cursorForPosition(QPoint(0, 0))
        self._scrolling = True
        try:
            self.setTextCursor(caret)
        finally:
            self._scrolling = False

    @Slot()
    def _on_cursor_moved(self) -> None:
        if self._focused is None:
            return
        cursor = self.textCursor()
        if (cursor.selectionStart(), cursor.selectionEnd()) != self._focused:
            self._focused = None
            self.link_focused.emit("")

    def setLineWrapMode(self, mode: QPlainTextEdit.LineWrapMode) -> None:
        # NoWrap and WidgetWidth are the text option's wrap mode, the line-wrap mode staying
        # WidgetWidth: QPlainTextEdit.setLineWrapMode also resets the layout's text width, a
        # second pass over every block (bench/hostile_pages.py case 20). The same look: a
        # long line runs on, with a horizontal scroll bar.
        lines = QPlainTextEdit.LineWrapMode
        self._wrap = mode
        word = QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
        if mode == lines.NoWrap:
            mode, word = lines.WidgetWidth, QTextOption.WrapMode.NoWrap
        if super().lineWrapMode() != mode:
            super().setLineWrapMode(mode)
        # Wrapped, nothing is wider than the view; but the layout keeps the width of the
        # widest line it laid out unwrapped until that line is laid out again (only
        # setLineWrapMode's full relayout resets it): no horizontal scroll bar meanwhile.
        wrapped = word != QTextOption.WrapMode.NoWrap
        policy = Qt.ScrollBarPolicy
        self.setHorizontalScrollBarPolicy(
            policy.ScrollBarAlwaysOff if wrapped else policy.ScrollBarAsNeeded
        )
        if wrapped:
            self.horizontalScrollBar().setValue(0)
        if self.wordWrapMode() == word:
            return
        # The reader's place survives a wrap toggle: the first line shown stays first.
        if self.document().isEmpty() or not hasattr(self, "_anchors"):
            self.setWordWrapMode(word)
            return
        top = self.top_position()
        self.setWordWrapMode(word)
        self.show_at_top(top, move_caret=False)

    def lineWrapMode(self) -> QPlainTextEdit.LineWrapMode:
        """The mode last set (NoWrap is kept as the text option's wrap mode)."""
        return self._wrap

    def has_pending(self) -> bool:
        """Text (or a piece with its ranges) waits to be inserted."""
        return bool(self._pending)

    @property
    def pending_chars(self) -> int:
        return self._pending_chars

    def links(self) -> list[tuple[int, int, str]]:
        """Every link on screen: (start, end, url) document positions, in order."""
        return list(self._links)

    def links_in(self, start: int, end: int) -> tuple[int, list[tuple[int, int, str]]]:
        """The links over document positions [start, end] (a link that begins before
        ``start`` and reaches into it included), and the index in :meth:`links` of the first
        one: a bisection, not a copy of every link (a page may hold a million)."""
        links = self._links
        first = bisect_left(links, start, key=lambda k: k[0])
        while first > 0 and links[first - 1][1] > start:
            first -= 1
        last = bisect_right(links, end, key=lambda k: k[0])
        return first, links[first:last]

    @Slot()
    def flush_pending(self) -> None:
        """Insert everything queued now (tests, screenshots); the UI stalls meanwhile."""
        while self._pending:
            self._insert_slices(budget=None)
        if self._range_estimated:
            self._exact_scroll_range()

    def _queued_end(self) -> int:
        queued = (item[0] for item in self._pending)
        return self.document().characterCount() - 1 + sum(map(utf16_len, queued))

    def _enqueue(self, item: _Queued) -> None:
        # Never concatenate onto the queue (a growing backlog would be copied per chunk);
        # the frame joins small consecutive text pieces instead.
        self._pending.append(item)
        self._pending_chars += len(item[0])
        if not self._timer.isActive():
            since = time.perf_counter() - self._last_insert
            if since < FRAME_MS / 1000:
                # Text that keeps coming (a renderer's steps, a fast stream) waits for the
                # rest of this frame and goes in with what follows it: one insert a frame.
                # Each insert has a fixed cost (~0.6 ms, its layout and the cursor's move to
                # the end): one per renderer step made 1,670 inserts of all.html, ~1 s.
                self._timer.start(int((FRAME_MS / 1000 - since) * 1000))
                return
            # The first text after idle goes on screen at once, as one small slice (bounded:
            # only when no frame is pending, so a burst of queued signals still only queues).
            # Waiting for the next turn of the event loop cost 4-10 ms behind other paints.
            # Not measured: a small insert is mostly fixed cost, and believing its cost per
            # character would shrink the slices of a whole short transfer (COST_DECAY).
            self._insert_slices(budget=0.0, slice_chars=FIRST_SLICE_CHARS, measure=False)
            self._timer.start(FRAME_MS if self._pending else 0)  # 0: just emit drained

    # -- the frame timer --------------------------------------------------------------------

    @Slot()
    def _on_frame(self) -> None:
        behind = False
        if self._pending:
            if TurnGuard.busy() and self._deferrals < MAX_DEFERRALS:
                # Another view's insert or a renderer's tick just ended in this turn (two
                # tabs stream at once): insert in a turn of our own.
                self._deferrals += 1
                self._timer.start(DEFER_MS)
                return
            self._deferrals = 0
            slice_chars = self.slice_chars
            queued = self._pending_chars
            self._insert_slices(TICK_BUDGET_S * SLICE_TARGET, slice_chars)
            # More than a slice queued, or a frame the budget stopped with text left: a backlog.
            behind = queued > slice_chars or (
                bool(self._pending) and queued - self._pending_chars < slice_chars
            )
            TurnGuard.done()
            if self.isVisible():
                TurnGuard.shown_insert_end = TurnGuard.last_end
        if not self._pending:
            if self._range_estimated:
                self._exact_scroll_range()
            self.drained.emit()
        elif not self.isVisible() and TurnGuard.shown_streaming():
            self._timer.start(HIDDEN_FRAME_MS)  # a background tab: see HIDDEN_FRAME_MS
        elif behind:
            # A backlog: the next slice follows after a short rest for paint and input rather
            # than on the next 16 ms tick (+15% fill rate, same longest stall).
            self._timer.start(REST_MS)
        else:
            self._timer.start(FRAME_MS)

    @property
    def slice_chars(self) -> int:
        """Characters the next frame inserts: the tick budget over the measured cost."""
        chars = int(TICK_BUDGET_S * SLICE_TARGET / self._cost_per_char)
        return max(MIN_SLICE_CHARS, min(MAX_SLICE_CHARS, chars))

    def _measure(self, chars: int, seconds: float) -> None:
        # Only sizeable inserts say something about the per-character cost; the fixed cost
        # is part of it, so the slice settles where fixed + chars * cost = the budget.
        if chars >= MIN_SLICE_CHARS:
            cost = seconds / chars
            if cost * COST_MARGIN > self._cost_per_char:
                self._cost_per_char = cost * COST_MARGIN  # dearer: believed at once
            else:
                self._cost_per_char += COST_DECAY * (cost * COST_MARGIN - self._cost_per_char)

    def _insert_slices(
        self,
        budget: float | None,
        slice_chars: int = SLICE_CHARS,
        measure: bool = True,
    ) -> None:
        """One frame's insert: ``slice_chars`` characters, within ``budget`` seconds (None:
        no limit; looked at between pieces)."""
        # Decided before the insert: never yank a reader who scrolled up, and follow only a
        # reader who moved to the bottom (a document opens at its top).
        follow = self.follow_tail and self._tail_armed and self._at_bottom()
        started = time.perf_counter()
        # A reader well above the end: the scroll bar's range is estimated (see
        # _estimate_scroll_range) rather than sized by Qt, which lays out the blocks at the
        # bottom after each insert to do so: a third of a big page's insert time, for text
        # nobody sees yet.
        estimate = not follow and self._above_the_end()
        layout = self.document().documentLayout()
        if estimate:
            layout.blockSignals(True)  # documentSizeChanged, update, updateBlock
        try:
            merged = self._insert_edit_block(budget, slice_chars, measure, started)
        finally:
            if estimate:
                layout.blockSignals(False)
        if estimate:
            self._estimate_scroll_range()  # (text that went in at the end is not on screen)
        else:
            self._range_estimated = False  # Qt sized it after this insert
        if merged:
            # Formats merged over earlier text, which may be on screen: its blocks get them
            # when next laid out, in this repaint (Qt's own repaints an insert's blocks).
            self.viewport().update()
        self._last_insert = time.perf_counter()
        if self._target is not None and self._seek_target():
            return
        if follow:
            self._scroll_to_end()

    def _insert_edit_block(
        self, budget: float | None, slice_chars: int, measure: bool, started: float
    ) -> bool:
        """The frame's edit block; whether it merged formats over earlier text."""
        merged = False
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        # One edit block for the frame: the document is laid out (and the scroll bar sized)
        # once, not once per piece; the pieces share the frame's characters (slice_chars).
        cursor.beginEditBlock()
        hanging = self._hanging()
        if hanging is not None:
            hanging.editing = True
        left = slice_chars
        # (budget 0: the first slice after idle, small by its size; None: flush_pending)
        try:  # (left open, the document would hold back its layout and signals for good)
            while self._pending and left > 0:
                item = self._pending.popleft()
                if isinstance(item, RangedText):
                    chars, over_earlier = self._insert_ranged(cursor, item, left)
                    merged = merged or over_earlier
                else:
                    text, kind, href = item
                    if kind is SegmentKind.TEXT:
                        text = self._take_text(text, left)
                    chars = len(text)
                    start = cursor.position()
                    fmt = self._formats[kind]
                    if kind is SegmentKind.LINK:
                        fmt = QTextCharFormat(fmt)
                        fmt.setAnchorHref(href)
                    cursor.insertText(text, fmt)
                    if kind is SegmentKind.LINK:
                        self._links.append((start, cursor.position(), href))
                self._pending_chars -= chars
                left -= chars
                if budget is not None and time.perf_counter() - started >= budget:
                    break
        finally:
            if hanging is not None:
                hanging.editing = False
            cursor.endEditBlock()
        if measure:
            self._measure(slice_chars - left, time.perf_counter() - started)
        return merged

    def _above_the_end(self) -> bool:
        """Shown, with the end of the document more than two screens below the view."""
        bar = self.verticalScrollBar()
        return self.isVisible() and bar.maximum() - bar.value() > 2 * max(bar.pageStep(), 1)

    def _estimate_scroll_range(self) -> None:
        # What Qt's sizing would give with the new blocks one line each (as it counts a block
        # not laid out yet): the new line count less a screen. Once the text is all in (or
        # the reader nears the end) Qt sizes it again: _exact_scroll_range.
        bar = self.verticalScrollBar()
        page = max(bar.pageStep(), 1)
        bar.setMaximum(max(bar.maximum(), self.document().lineCount() - page))
        self._range_estimated = True

    def _exact_scroll_range(self) -> None:
        """Qt sizes the scroll bar from the laid-out end of the document, as after an insert."""
        self._range_estimated = False
        layout = self.document().documentLayout()
        self._scrolling = True  # (it keeps the top line: not the reader's doing)
        try:
            layout.documentSizeChanged.emit(layout.documentSize())
        finally:
            self._scrolling = False

    def _at_bottom(self) -> bool:
        # The end of the document is in view. Ctrl+End shows it a few steps short of the
        # maximum (the bottom margin, a half line): near the maximum, look at the end itself
        # (the cursor rectangle walks the blocks from the top one: only when near).
        bar = self.verticalScrollBar()
        if bar.value() >= bar.maximum():
            return True
        if bar.maximum() - bar.value() > 3:
            return False
        end = QTextCursor(self.document())
        end.movePosition(QTextCursor.MoveOperation.End)
        return self.cursorRect(end).top() < self.viewport().rect().bottom()

    def _scroll_to_end(self) -> None:
        # On a visible viewport, QPlainTextEdit computes the scroll distance by walking (and
        # laying out) every block between the old and the new top block: every line just
        # inserted, 20-60 ms per frame with wrapping on (measured). With updates off it only
        # moves its top block; the repaint then lays out just the visible lines.
        viewport = self.viewport()
        bar = self.verticalScrollBar()
        if bar.value() == bar.maximum():
            return
        viewport.setUpdatesEnabled(False)
        self._scrolling = True
        bar.setValue(bar.maximum())
        self._scrolling = False
        viewport.setUpdatesEnabled(True)  # schedules the repaint

    def _take_text(self, text: str, limit: int) -> str:
        """``text`` plus following plain-text pieces, at most ``limit``; the rest stays."""
        parts = [text]
        size = len(text)
        pending = self._pending
        while size < limit and pending:
            item = pending[0]
            if isinstance(item, RangedText) or item[1] is not SegmentKind.TEXT:
                break
            pending.popleft()
            parts.append(item[0])
            size += len(item[0])
        joined = parts[0] if len(parts) == 1 else "".join(parts)
        if len(joined) > limit:
            cut = limit
            if "\ud800" <= joined[cut - 1] <= "\udbff":
                cut -= 1  # never split a surrogate pair (only from odd decoders)
            self._pending.appendleft((joined[cut:], SegmentKind.TEXT, ""))
            joined = joined[:cut]
        return joined

    def _insert_ranged(self, cursor: QTextCursor, item: RangedText, limit: int) -> tuple[int, bool]:
        """Note ``item``'s ranges, then insert up to ``limit`` characters of its text as
        plain text at ``cursor`` (the end, inside the frame's edit block); what is left of it
        goes back to the queue's front. The characters inserted, and whether some ranges lie
        over text given before (on screen now)."""
        text = item.text
        over_earlier = False
        if not item.noted:  # (its first slice)
            over_earlier = self._range_formats.add(
                item.offset,
                cursor.position(),
                text,
                item.links,
                item.spans,
                item.styles,
                self.document(),
            )
        taken = len(text)
        if taken > limit:
            taken = limit
            if "\ud800" <= text[taken - 1] <= "\udbff":
                taken += 1  # never split a surrogate pair (only from odd decoders)
        if taken:
            cursor.insertText(text if taken == len(text) else text[:taken], self._plain)
        left = self._note_links(item.links, cursor.position(), item.offset)
        if taken < len(text):
            rest = RangedText(text[taken:], left, (), item.styles, item.offset, noted=True)
            self._pending.appendleft(rest)
        return taken, over_earlier

    def _note_links(
        self, links: Sequence[tuple[int, int, str]], shown: int, offset: int
    ) -> list[tuple[int, int, str]]:
        """Note the ``links`` (positions in the stream that began at document position
        ``offset``) whose text is on screen up to document position ``shown``; the others,
        to note later."""
        left: list[tuple[int, int, str]] = []
        numbered = QTextCursor(self.document()) if self.link_hints.numbered else None
        for start, end, url in links:
            if offset + end <= shown:
                self._note_link(offset + start, offset + end, url, numbered)
            else:
                left.append((start, end, url))
        return left

    def _note_link(self, start: int, end: int, url: str, cursor: QTextCursor | None) -> None:
        """Add a link to :attr:`_links` (and to the numbered links, given a cursor over it)."""
        link = (start, end, url)
        if not self._links or self._links[-1][0] <= start:
            self._links.append(link)  # the common case: links arrive in document order
            index = len(self._links) - 1
        else:
            # (A list of starts built per call made 10,000 links cost 2 s: bisect on a key.)
            index = bisect_right(self._links, start, key=lambda k: k[0])
            self._links.insert(index, link)
        if cursor is not None and self.link_hints.numbered:
            self.link_hints.make_room_for(cursor, index, link)  # its number's place

    @property
    def link_format(self) -> QTextCharFormat:
        """The format a link's text takes (before its href is set)."""
        return self._formats[SegmentKind.LINK]

    @property
    def left_margin(self) -> int:
        """The margin left of the text (numbered links keep one for a line's first link)."""
        return self.viewportMargins().left()

    def set_left_margin(self, pixels: int) -> None:
        if pixels != self.left_margin:
            self.setViewportMargins(pixels, 0, 0, 0)

    # -- links: mouse and keyboard ----------------------------------------------------------

    def link_at(self, pos: QPoint) -> str:
        """The href of the link whose text is under viewport position ``pos``, or "" (as
        QPlainTextEdit.anchorAt, from :meth:`links`: a ranged piece's text has no anchors)."""
        if not self._links:
            return ""
        block = self.cursorForPosition(pos).block()
        layout = block.layout()
        if layout is None:
            return ""
        origin = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft()
        x, y = pos.x() - origin.x(), pos.y() - origin.y()
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            if line.y() <= y < line.y() + line.height():
                if not line.x() <= x < line.x() + line.naturalTextWidth():
                    return ""  # beside the line's text: no character there
                # The character under x (either half of an emoji, a base and its marks,
                # right to left as well), not the nearest place between two.
                on = line.xToCursor(x, QTextLine.CursorPosition.CursorOnCharacter)
                link = self._link_over(block.position() + _int_of(on))
                return link[2] if link is not None else ""
        return ""

    def _link_over(self, pos: int) -> tuple[int, int, str] | None:
        links = self._links
        i = bisect_right(links, pos, key=lambda k: k[0]) - 1
        if i >= 0 and links[i][0] <= pos < links[i][1]:
            return links[i]
        return None

    def shown_runs(
        self, start: int = 0, end: int | None = None
    ) -> list[tuple[int, str, QTextCharFormat]]:
        """The text of document positions [start, end) (None: to the end) as stretches of a
        block drawn with one format: (document position, text, format), in order. The
        format is the document's own with the ranges' merged over it, and a link's href
        (Copy's rich text; tests)."""
        document = self.document()
        last = document.characterCount() - 1
        end = last if end is None else min(end, last)
        found: list[tuple[int, str, QTextCharFormat]] = []
        block = document.findBlock(start)
        while block.isValid() and block.position() < end:
            found += self._block_runs(block, start, end)
            block = block.next()
        return found

    def _block_runs(
        self, block: QTextBlock, start: int, end: int
    ) -> list[tuple[int, str, QTextCharFormat]]:
        pos = block.position()
        lo, hi = max(start, pos), min(end, pos + block.length() - 1)
        if hi <= lo:
            return []
        pieces: list[tuple[int, int, QTextCharFormat]] = []  # the document's fragments
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            at = fragment.position()
            pieces.append((at, at + fragment.length(), fragment.charFormat()))
            it += 1
        ranges = self._range_formats.over(lo, hi)
        _, links = self.links_in(lo, hi)
        cuts = {lo, hi}
        for layer in (pieces, ranges, links):
            for a, b, _ in layer:
                cuts.update((a, b))
        points = sorted(c for c in cuts if lo <= c <= hi)
        units = block.text().encode("utf-16-le", "surrogatepass")
        # A sweep: the ranges over each stretch are those begun and not yet ended there,
        # merged in their order (a loop over every range for every stretch took seconds for
        # a long line of links).
        begin: dict[int, list[int]] = {}
        finish: dict[int, list[int]] = {}
        for n, (a, b, _) in enumerate(ranges):
            begin.setdefault(a, []).append(n)
            finish.setdefault(b, []).append(n)
        active: set[int] = set()
        found: list[tuple[int, str, QTextCharFormat]] = []
        p = k = 0  # the fragment and link at or after the stretch (in order)
        for a, b in pairwise(points):
            active.difference_update(finish.get(a, ()))
            active.update(begin.get(a, ()))
            while p < len(pieces) and pieces[p][1] <= a:
                p += 1
            fmt = QTextCharFormat(pieces[p][2]) if p < len(pieces) else QTextCharFormat()
            for n in sorted(active):
                fmt.merge(ranges[n][2])
            while k < len(links) and links[k][1] <= a:
                k += 1
            if k < len(links) and links[k][0] <= a:
                fmt.setAnchor(True)
                fmt.setAnchorHref(links[k][2])
            text = units[2 * (a - pos) : 2 * (b - pos)].decode("utf-16-le", "surrogatepass")
            if found and found[-1][2] == fmt:
                found[-1] = (found[-1][0], found[-1][1] + text, fmt)
            else:
                found.append((a, text, fmt))
        return found

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copy (and, on X11, every selection): the selection's plain text and, up to
        RICH_COPY_CHARS, its HTML with the links and styles drawn, written only when a paste
        asks for it (the document alone holds a ranged piece's text plain)."""
        cursor = self.textCursor()
        text = cursor.selection().toPlainText()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        if not 0 < end - start <= RICH_COPY_CHARS:
            data = QMimeData()
            data.setText(text)
            return data
        page = self._page

        def html() -> str:
            if not shiboken6.isValid(self) or page != self._page:
                # Its tab closed, or another page since: the text as it was, plain.
                return runs_html([(0, text, QTextCharFormat())])
            return runs_html(self.shown_runs(start, end))

        return RichSelection(text, html)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        href = self.link_at(event.position().toPoint())
        shape = Qt.CursorShape.PointingHandCursor if href else Qt.CursorShape.IBeamCursor
        if self.viewport().cursor().shape() != shape:
            self.viewport().setCursor(shape)
        if href != self._hovered:
            self._hovered = href
            self.link_hovered.emit(href)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hovered:
            self._hovered = ""
            self.link_hovered.emit("")
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_anchor = ""
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            self._press_anchor = self.link_at(event.position().toPoint())
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        button = event.button()
        buttons = (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton)
        if button not in buttons or not self._press_anchor:
            return
        href = self.link_at(event.position().toPoint())
        pressed, self._press_anchor = self._press_anchor, ""
        if href != pressed:
            return
        # Middle click and Ctrl+click: a new tab, as in every tabbed browser.
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if button == Qt.MouseButton.MiddleButton or ctrl:
            self.open_in_new_tab(href)
        elif not self.textCursor().hasSelection():  # a drag that selected text is no click
            self.link_activated.emit(href)

    def open_in_new_tab(self, href: str) -> None:
        """Ask for ``href`` in a new tab (link_new_tab_requested); where nothing opens tabs
        (no receiver), it opens here, as a plain click does."""
        if self.opens_tabs():
            self.link_new_tab_requested.emit(href)
        else:
            self.link_activated.emit(href)

    def opens_tabs(self) -> bool:
        """Someone takes link_new_tab_requested (the context menu offers a new tab then)."""
        return self.isSignalConnected(QMetaMethod.fromSignal(self.link_new_tab_requested))

    def event(self, event: QEvent) -> bool:
        # Tab/Shift+Tab cycle the page's links, wrapping at either end, and never leave the
        # document (QWidget would move focus into the header table, a keyboard trap);
        # F6 / Shift+F6 move between the window's panes.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            mods = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not mods:
                forward = event.key() == Qt.Key.Key_Tab and not (
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                )
                if not self.focus_link(forward):
                    self.focus_link(forward, wrap=True)
                return True
        return super().event(event)

    def focus_link(self, forward: bool = True, wrap: bool = False) -> bool:
        """Select the next (or previous) link after the cursor (``wrap``: the first, or the
        last, link of the page); False if there is none."""
        if not self._links:
            return False
        cursor = self.textCursor()
        if wrap:
            link = self._links[0] if forward else self._links[-1]
        else:
            # Without a link selected, walking starts from the top of what is on screen.
            top = self.top_position()
            if forward:
                here = cursor.selectionEnd() if cursor.hasSelection() else top
                i = bisect_left(self._links, here, key=lambda k: k[0])
                if i == len(self._links):
                    return False
                link = self._links[i]
            else:
                here = cursor.selectionStart() if cursor.hasSelection() else top
                # The last link ending at or before here starts there or before: a bisection,
                # not a scan of every link on each Shift+Tab (a page may hold a million).
                i = bisect_right(self._links, here, key=lambda k: k[0]) - 1
                while i >= 0 and self._links[i][1] > here:
                    i -= 1
                if i < 0:
                    return False
                link = self._links[i]
        selection = QTextCursor(self.document())
        selection.setPosition(link[0])
        selection.setPosition(link[1], QTextCursor.MoveMode.KeepAnchor)
        self._focused = None  # the old link's range: its change is this one, not a leave
        self.setTextCursor(selection)
        self.ensureCursorVisible()
        self._focused = (link[0], link[1])
        self.link_focused.emit(link[2])
        return True

    def focused_link(self) -> str:
        """The href of the link the keyboard selection covers exactly, or ""."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return ""
        for start, end, href in self._links:
            if start == cursor.selectionStart() and end == cursor.selectionEnd():
                return href
        return ""

    # -- context menu ----------------------------------------------------------------------

    def context_menu(self, pos: QPoint, from_keyboard: bool = False) -> QMenu:
        """The menu for viewport position ``pos``: the link actions first when there is a link
        there (or, from the keyboard, when a link is selected), then Copy and Select All."""
        href = self.focused_link() if from_keyboard else self.link_at(pos)
        menu = self.createStandardContextMenu(pos)
        menu.setParent(self, menu.windowFlags())
        gate = self.whole_page_gate
        if gate is not None:  # (Qt's own Copy and Select All: through the gate)
            for action in menu.actions():
                name = action.objectName()
                if name == "edit-copy":
                    action.triggered.disconnect()
                    action.triggered.connect(lambda: gate(self.copy))
                elif name == "select-all":
                    # What is there now (so the menu offers Copy), and all of the page once
                    # it is whole.
                    action.triggered.disconnect()
                    action.triggered.connect(lambda: self._select_all_through(gate))
        if href:
            first = menu.actions()[0] if menu.actions() else None
            open_link = QAction("Open Link", menu)
            open_link.triggered.connect(lambda: self.link_activated.emit(href))
            actions = [open_link]
            if self.opens_tabs():
                new_tab = QAction("Open Link in New Tab", menu)
                new_tab.triggered.connect(lambda: self.link_new_tab_requested.emit(href))
                actions.append(new_tab)
            copy_link = QAction("Copy Link Address", menu)
            copy_link.triggered.connect(lambda: QGuiApplication.clipboard().setText(href))
            actions.append(copy_link)
            if "://" in href:  # yonder: links (Retry, bundled samples) are not downloads
                download = QAction("Download Link…", menu)
                download.triggered.connect(lambda: self.link_download_requested.emit(href))
                actions.append(download)
            menu.insertActions(first, actions)  # type: ignore[arg-type]
            menu.insertSeparator(first)  # type: ignore[arg-type]
        return menu

    def _select_all_through(self, gate: Callable[[Callable[[], object]], None]) -> None:
        self.selectAll()
        gate(self.selectAll)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
        pos = event.pos()
        if keyboard and self.textCursor().hasSelection():
            pos = self.cursorRect().center()
        menu = self.context_menu(pos, from_keyboard=keyboard)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.viewport().mapToGlobal(pos) if keyboard else event.globalPos())

    @Slot(int)
    def _on_bar_action(self, action: int) -> None:
        # (Emitted before the bar moves to its own position, which is then this one's.)
        if action == QAbstractSlider.SliderAction.SliderPageStepAdd.value:
            self.page(down=True)
        elif action == QAbstractSlider.SliderAction.SliderPageStepSub.value:
            self.page(down=False)

    def page(self, down: bool = True) -> None:
        """Page down (up): the last line wholly shown becomes the first (the first, the
        last): one line of overlap, and a half-shown line is never skipped."""
        bar = self.verticalScrollBar()
        viewport = self.viewport().rect()
        bottom = self.cursorForPosition(QPoint(0, viewport.bottom()))
        if self.cursorRect(bottom).bottom() > viewport.bottom():  # only partly shown
            above = self.cursorRect(bottom).top() - 1
            bottom = self.cursorForPosition(QPoint(0, max(0, above)))
        step = max(1, self.line_index(bottom.position()) - bar.value())
        bar.setValue(bar.value() + (step if down else -step))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            href = self.focused_link()
            if href:
                self.link_activated.emit(href)
                return
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() == Qt.Key.Key_Space and mods in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        ):
            # A reader's page down / page up, as in every browser (the view is read-only).
            self.page(down=mods == Qt.KeyboardModifier.NoModifier)
            return
        super().keyPressEvent(event)
