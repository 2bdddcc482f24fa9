"""Turns a :class:`ui.text.body_store.BodyStore` into what the document view shows, progressively.

Three views of one response, re-rendered from the store on demand (never fetched again):

- **Rendered** (the default): HTML through :class:`ui.text.render.HtmlRenderer` with styles as
  character formats and links as anchors; JSON pretty-printed once complete; other text as
  is, with its URLs clickable; a binary body as type, size and a hex dump, never as text.
- **Source**: the decoded body as text.
- **Wire**: the bytes that crossed the socket: the head with its CRLFs visible and the blank
  line that ends it marked, then the body exactly as received (chunk-size lines included).

Why a frame timer: the HTML renderer is pure Python (~2.5 MB/s here), so feeding it a
2 MB batch on arrival would freeze the window for most of a second. Each tick reads the
next bounded slice *from the store* (the network never waits for rendering: the store takes
the body at full speed and bounds memory itself) and stops once TICK_BUDGET_S is spent, or
while the document view still has plenty queued to insert.

Offsets: every piece appended here is counted in UTF-16 units from the start of the stream
(QTextCursor positions), so style spans can be laid over text the view inserts later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QTextCharFormat, QTextFormat

from ui.colours import COLOUR_ROLE, TextColours, recolour_format
from ui.fonts import monospace_font
from ui.page import render_process
from ui.page.document_view import DocumentView, Segment, SegmentKind
from ui.page.range_formats import LINK, utf16_len
from ui.page.turns import DEFER_MS, TurnGuard
from ui.text.binary_preview import declared_text, hex_dump, looks_binary
from ui.text.lines import LineBreaker, NewlineNormaliser
from ui.text.plain_links import PlainLinkScanner
from ui.text.units import format_size
from ui.text.wire_text import wire_text

if TYPE_CHECKING:
    from net.charset import CharsetChoice, StreamTextDecoder
    from ui.page.render_process import RemoteStream
    from ui.text.body_store import BodyStore
    from ui.text.json_pretty import PrettyJob
    from ui.text.render import Fragment, HtmlRenderer
    from ui.text.render.remote import Output

FRAME_MS = 16
IDLE_S = FRAME_MS / 1000  # starved this long: the next bytes are rendered on arrival
TICK_BUDGET_S = 0.008  # one tick's parsing; input, paint and the view's inserts run between
HTML_SLICE = 8 * 1024  # bytes per HtmlRenderer.feed: ~3 ms of pure-Python parsing
MIN_HTML_SLICE = 4096  # ...and the least, however dense the markup
STEP_TARGET_S = 0.004  # what one feed should take (slices are sized from the last one)
TEXT_SLICE = 128 * 1024  # bytes per step for text that needs no parsing (~1-2 ms)
REMOTE_FIRST_SLICE = 8 * 1024  # bytes of HTML decoded and sent to the renderer process: first
# ...and then: the process parses (here it is only decoded); its renderer ran 20-30% slower
# on 64 KiB feeds than on 8-16 KiB ones, each feed's tokens and output a bigger working set
# (bench/README.md)
REMOTE_SLICE = 16 * 1024
# What the view may hold (view_units), whatever the page: 31 MB of nested <blockquote>
# rendered to 235 M characters and 2.9 GB before. A unit is ~8 bytes of QTextDocument here
# (bench/hostile_pages.py): a character is one, a line ~64 (its block and layout), a style
# span ~16, a link ~192 (each href is a format of its own, kept by the document).
UNIT_CAP = 64_000_000
LINE_UNITS = 64
SPAN_UNITS = 16
LINK_UNITS = 192
VIEW_HIGH_WATER = 512 * 1024  # characters queued in the view above which we wait for it
BINARY_PREVIEW = 4096  # bytes of a binary body shown as a hex dump
SNIFF_BYTES = 1024  # what looks_binary and the <meta> prescan need to decide
SNIFF_WAIT_S = 0.1  # ...or whatever arrived this long after the first byte
# JSON is pretty-printed on a thread of its own (ui.text.json_pretty.PrettyJob: ~0.3-1 s
# for 2 MB there, the window's gaps unchanged); its tree costs ~10x the text in memory, so
# past this the JSON stays as received.
PRETTY_JSON_MAX = 2 * 1024 * 1024
JSON_POLL_MS = FRAME_MS  # how often a finished body looks for its pretty-printed text
SAVE_URL = "yonder:save-page"  # a link in the page that asks the window to save the body
TABLE_WIDTH = 100  # columns a laid-out HTML table may use, until the view tells its width


log = logging.getLogger("yonder.page.renderer")


class ViewMode(StrEnum):
    RENDERED = "rendered"
    SOURCE = "source"
    WIRE = "wire"


class BodyKind(StrEnum):
    """What the renderer shows the body as, once it has decided (a str: it crosses
    kind_changed)."""

    UNDECIDED = ""
    HTML = "html"
    JSON = "json"
    TEXT = "text"
    BINARY = "binary"  # a hex dump of its first bytes
    SOURCE = "source"  # View > Source: the text as received
    WIRE = "wire"  # View > Wire: the bytes as they crossed the socket


def charset_label(choice: CharsetChoice | None) -> str:
    """ "UTF-8 · from Content-Type" and friends, for the status bar."""
    if choice is None:
        return ""
    from net.charset import CharsetSource  # loaded with the body that made the choice

    names = {"utf-8": "UTF-8", "cp1252": "windows-1252", "latin-1": "ISO-8859-1"}
    name = names.get(choice.encoding, choice.encoding.upper().replace("_", "-"))
    source = {
        CharsetSource.HEADER: "from Content-Type",
        CharsetSource.BOM: "from the byte-order mark",
        CharsetSource.META: "from <meta> in the page",
        CharsetSource.DEFAULT: "default (nothing declared)",
        CharsetSource.FALLBACK: "default (nothing declared, not valid UTF-8)",
        CharsetSource.OVERRIDE: "chosen in View > Encoding",
    }[choice.source]
    if choice.ignored:
        # Declared, but no codec of that name: not "nothing declared".
        shown = "".join(ch if ch.isprintable() else "?" for ch in choice.ignored)
        if choice.source == CharsetSource.DEFAULT:
            source = "default"
        source += f" (the unknown charset '{shown}' in Content-Type was ignored)"
    return f"{name} · {source}"


def _style_formats(mono_family: str, colours: TextColours) -> dict[str, QTextCharFormat]:
    """The HTML styles as character formats; colours from the view's palette (each format
    names its palette colour, COLOUR_ROLE, so a palette change can recolour it)."""

    def fmt(**kw: object) -> QTextCharFormat:
        f = QTextCharFormat()
        if kw.get("bold"):
            f.setFontWeight(QFont.Weight.Bold)
        if kw.get("italic"):
            f.setFontItalic(True)
        if "grow" in kw:
            # Relative to the view's font, so zooming scales headings too.
            f.setProperty(QTextFormat.Property.FontSizeAdjustment, kw["grow"])
        if kw.get("mono"):
            f.setFontFamilies([mono_family])
            f.setFontFixedPitch(True)
        if "colour" in kw:
            f.setProperty(COLOUR_ROLE, kw["colour"])
            recolour_format(f, colours)
        if kw.get("strike"):
            f.setFontStrikeOut(True)
        if kw.get("underline"):
            f.setFontUnderline(True)
        return f

    muted = "muted"
    return {
        "h1": fmt(bold=True, grow=2),
        "h2": fmt(bold=True, grow=1),
        "h3": fmt(bold=True, grow=1),
        "h4": fmt(bold=True),
        "h5": fmt(bold=True),
        "h6": fmt(bold=True),
        "strong": fmt(bold=True),
        "emphasis": fmt(italic=True),
        "code": fmt(mono=True, colour="code"),
        "pre": fmt(mono=True),
        "table": fmt(mono=True),
        "quote": fmt(colour="quote"),
        "strike": fmt(strike=True),
        "underline": fmt(underline=True),
        "image": fmt(colour=muted, italic=True),
        "rule": fmt(colour=muted),
        "form": fmt(colour=muted, mono=True),
        "mono": fmt(mono=True),
        "marker": fmt(colour="marker"),
        "end-of-head": fmt(colour="head-end", bold=True),
    }


class PageRenderer(QObject):
    """Renders the current store into a DocumentView in the current mode, frame by frame.

    Signals:
        title_changed(str title): the HTML <title> became known.
        encoding_changed(object CharsetChoice): the charset used for the text became known.
        kind_changed(str kind): a BodyKind (html, json, text, binary, source or wire), once
            decided.
        truncated(qint64 shown, qint64 total): the view stopped at the cap; ``total`` body bytes
            are kept for Save (-1 while the body is still arriving; again at the end).
        rendered(): everything of an ended body is in the view's queue, with its links and
            styles (the view applies them as their text reaches the screen).
    Slots: start(BodyStore, ViewMode, str|None override), poke(), stop(), set_trailer(list)
    """

    title_changed = Signal(str)
    encoding_changed = Signal(object)
    kind_changed = Signal(str)
    # "qint64" (sizes past 2 GiB) is a C++ type name; PySide6's stubs take Python types only.
    truncated = Signal("qint64", "qint64")  # type: ignore[arg-type]
    rendered = Signal()

    def __init__(
        self,
        view: DocumentView,
        parent: QObject | None = None,
        tick_budget_s: float = TICK_BUDGET_S,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self._styles: dict[str, QTextCharFormat] = {}  # the stream's (see _fresh_styles)
        # A tick's parsing time (wall clock: how much one tick renders depends on the machine;
        # a test that needs a known cut-off sets its own, 0: one step per tick).
        self.tick_budget_s = tick_budget_s
        # Columns an aligned HTML table may use: the window sets the view's width in columns
        # (DocumentView.columns) and re-renders from the store when it changes.
        self.table_width = TABLE_WIDTH
        self.rendered_width = TABLE_WIDTH  # ...and the width the current rendering uses
        self._mono_family = monospace_font().family()
        self._formats = _style_formats(self._mono_family, view.colours)
        view.colours_changed.connect(self._on_colours_changed)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        # Wakes rendering once a sniffing wait is over. Precise: a coarse timer may fire up to
        # 5% early, and poke() now ticks at once, so an early wake found the wait not yet over
        # and nothing woke it again.
        self._wake = QTimer(self)
        self._wake.setTimerType(Qt.TimerType.PreciseTimer)
        self._wake.setSingleShot(True)
        self._wake.timeout.connect(self.poke)
        self.store: BodyStore | None = None
        self.unit_cap = UNIT_CAP  # tests set a small one
        self.mode = ViewMode.RENDERED
        self.override: str | None = None
        self._trailer: list[Segment] = []
        # The page failed in the renderer process: its next render (the restart) is here.
        self._render_here_next = False
        self._reset_state()
        # Seconds the last run kept the GUI thread busy (bench/render_window.py reports it).
        self.stats_busy = 0.0

    @Slot()
    def _on_colours_changed(self) -> None:
        # The view recolours the stream's formats it holds; the pieces to come share them.
        self._formats = _style_formats(self._mono_family, self.view.colours)
        for fmt in self._styles.values():
            recolour_format(fmt, self.view.colours)

    def _reset_state(self) -> None:
        self.has_tables = False  # an aligned table was laid out (for table_width)
        self.kind = BodyKind.UNDECIDED
        self.title: str | None = None
        self.choice: CharsetChoice | None = None
        self.done = False
        self._offset = 0  # store bytes consumed
        self._pos = 0  # UTF-16 units appended since the stream began
        self._decoder: StreamTextDecoder | None = None
        self._html: HtmlRenderer | None = None
        self._remote: RemoteStream | None = None  # ...or the renderer process's document
        self._remote_closed = False  # its end was sent: waiting for the last answers
        self._scanner: PlainLinkScanner | None = None
        self._newlines = NewlineNormaliser()
        self._lines = LineBreaker()
        self._json_parts: list[str] = []
        self._json_job: PrettyJob | None = None  # the complete body being pretty-printed
        self._json_text: str | None = None  # ...its indented form, going into the view
        self._json_at = 0  # ...this far (characters)
        self._fresh_styles()
        self._lines_added = 0  # line breaks queued (for view_units)
        self._spans_added = 0  # style spans queued (for view_units)
        self._links_added = 0  # links queued (for view_units)
        self._view_full = False  # view_units reached unit_cap: no more of the body is shown
        self._html_slice = HTML_SLICE  # bytes of HTML per step (sized to its measured cost)
        self._head_written = False
        self._cap_announced = False
        self._sniff_since: float | None = None
        self._held_since: float | None = None  # when the decoder began holding back text
        self._binary_note = False
        self._starved_at = 0.0  # when the last tick found nothing left to render

    # -- control --------------------------------------------------------------------------

    def start(self, store: BodyStore, mode: ViewMode, override: str | None = None) -> None:
        """(Re-)render ``store`` from its first byte into an emptied view."""
        self._timer.stop()
        self._drop_remote()
        self.store = store
        self.mode = mode
        self.override = override
        self.rendered_width = self.table_width
        self._reset_state()
        self.stats_busy = 0.0
        self.view.clear_document()
        self.view.begin_stream()
        self.view.follow_tail = False  # a page opens at its top; plain text follows (below)
        self._timer.setInterval(0)
        self._timer.start()
        self._tick()  # what is stored goes on screen now, not a turn or a frame later

    @Slot()
    def stop(self) -> None:
        """Forget the store (a new page); leaves the view as it is."""
        self._timer.stop()
        self._wake.stop()
        self._drop_remote()
        self._render_here_next = False
        self.store = None
        self._trailer = []
        self._reset_state()

    @Slot()
    def poke(self) -> None:
        """The store grew or ended: make sure rendering runs."""
        if self.store is None or self.done or self._timer.isActive():
            return
        # Work just arrived: the next tick runs in the next turn of the event loop (interval
        # 0), not a frame later. After a real pause (the first bytes of a body, a slow server)
        # it runs right here: those bytes reach the view (which inserts the first text after
        # idle at once) in this turn, instead of behind another turn's paint and timers.
        self._timer.setInterval(0)
        self._timer.start()
        if self._remote is not None:
            return  # an answer from the renderer process: in a turn of its own (after a paint)
        if self._offset == 0 or time.perf_counter() - self._starved_at >= IDLE_S:
            self._tick()

    def set_trailer(self, segments: list[Segment]) -> None:
        """Segments shown after the body in every view (an error section)."""
        self._trailer = list(segments)
        if self.done:
            self._append_segments(self._trailer)
        self.poke()

    def _drop_remote(self) -> None:
        if self._remote is not None:
            self._remote.drop()
            self._remote = None

    @property
    def busy(self) -> bool:
        """True while stored bytes are still being rendered (False while waiting for more),
        while a complete JSON body is pretty-printed, and while the renderer process has
        text of the page it has not answered for."""
        return (
            self._timer.isActive()
            or self._json_job is not None
            or self._json_text is not None
            or (self._remote is not None and not self.done and self._remote.waiting)
            or self._render_here_next  # (until the restart after a failed process begins)
        )

    @property
    def rendered_offset(self) -> int:
        """Body (or wire) bytes consumed so far."""
        return self._offset

    # -- appending ------------------------------------------------------------------------

    def _append(self, text: str, kind: SegmentKind = SegmentKind.TEXT) -> int:
        """Queue text; its start offset (UTF-16 units from the stream start)."""
        start = self._pos
        if text:
            self.view.append_text(text, kind)
            self._pos += utf16_len(text)
            self._lines_added += text.count("\n")
        return start

    def _append_styled(self, text: str, style: str) -> None:
        self._append_ranges(text, (), [(self._pos, self._pos + utf16_len(text), style)])

    def _append_ranges(
        self,
        text: str,
        links: Sequence[tuple[int, int, str]],
        spans: Sequence[tuple[int, int, str]],
    ) -> None:
        """Queue ``text`` with ``links`` (start, end, url) and style ``spans`` (start, end,
        style) over it or over text queued before (stream positions)."""
        self.view.append_ranges(text, links, spans, self._styles)
        if text:
            self._pos += utf16_len(text)
            self._lines_added += text.count("\n")

    def _fresh_styles(self) -> None:
        """A new stream's formats (the view holds on to a stream's: see range_formats)."""
        self._styles = range_styles(self.view.link_format, self._formats)

    def _append_segments(self, segments: list[Segment]) -> None:
        for name, text, href in segments:
            kind = SegmentKind(name)
            if kind is SegmentKind.LINK:
                self.view.append_link(text, href)
                self._pos += utf16_len(text)
            else:
                self._append(text, kind)

    # -- the frame ------------------------------------------------------------------------

    @Slot()
    def _tick(self) -> None:
        store = self.store
        if store is None:
            self._timer.stop()
            return
        if TurnGuard.busy() and self.view.pending_chars <= VIEW_HIGH_WATER:
            # The view just inserted in this turn: parse in the next one.
            self._timer.setInterval(DEFER_MS)
            if not self._timer.isActive():
                self._timer.start()
            return
        started = time.perf_counter()
        more = False  # stopped by the budget with work left: come back at once
        starved = False  # everything stored is rendered: poke() wakes us when more comes
        step_cost = 0.0  # the dearest step so far: the next one must fit in what is left
        worked = False
        while not self.done:
            if self.view.pending_chars > VIEW_HIGH_WATER:
                break  # the view is behind: wait a frame for it
            before = time.perf_counter()
            if worked and before - started + step_cost > self.tick_budget_s:  # 1 step at least
                more = True
                break
            if not self._step(store):
                starved = not self.done
                break
            # Only a step that consumed something counts for TurnGuard: a starved check is
            # cheap, and must not push back the view's insert (or our own next tick).
            worked = True
            step_cost = max(step_cost, time.perf_counter() - before)
        self.stats_busy += time.perf_counter() - started
        if worked:
            TurnGuard.done()
        if self.done or starved:
            self._timer.stop()
            self._starved_at = time.perf_counter()
            if self.done:
                self.rendered.emit()
            return
        # Between two ticks the event loop runs (input, paint, the view's inserts), so a
        # zero interval keeps the window responsive while using the idle time for parsing.
        self._timer.setInterval(0 if more else FRAME_MS)
        if not self._timer.isActive():
            self._timer.start()

    def _step(self, store: BodyStore) -> bool:
        """One bounded piece of work; False when waiting for more bytes (or done)."""
        if self.mode == ViewMode.WIRE:
            return self._step_wire(store)
        if self._json_job is not None or self._json_text is not None:
            return self._step_json(store)
        if self.kind is BodyKind.UNDECIDED and not self._decide_kind(store):
            return False
        if self.kind is BodyKind.BINARY:
            return self._step_binary(store)
        if self._remote is not None:
            return self._step_remote(store, self._remote)
        slice_size = self._html_slice if self.kind is BodyKind.HTML else TEXT_SLICE
        if not self._view_full and self.view_units >= self.unit_cap:
            self._view_full = True  # what the view holds is capped, not the body's bytes
        data = b"" if self._view_full else store.view_bytes(self._offset, slice_size)
        if data:
            self._offset += len(data)
            assert self._decoder is not None
            before = time.perf_counter()
            self._text(self._decoder.feed(data), final=False)
            if self.kind is BodyKind.HTML:
                self._size_html_slice(len(data), time.perf_counter() - before)
            self._note_encoding()
            return True
        if self._held_back(store):
            return False
        assert self._decoder is not None
        if not self._view_full:
            # Cut short (a Stop, a failure, the view's cap): its last bytes may be the start
            # of a character that never came, not a sign of another encoding.
            cut = not store.complete or store.truncated_in_view
            self._text(self._decoder.finish(cut=cut), final=True)
            self._note_encoding()
        self._finish_text(store)
        return False

    def _held_back(self, store: BodyStore) -> bool:
        """Everything stored is consumed and the body has not ended: waiting for the network,
        or cut short by the view's cap (announced once; the total is known at the end)."""
        if not store.ended and self._offset < store.view_cap and not self._view_full:
            self._release_held_text()
            return True
        if self._cut(store) and not store.ended:
            if not self._cap_announced:
                self._cap_announced = True
                self.truncated.emit(self._offset, -1)
            return True
        return False

    def _size_html_slice(self, size: int, seconds: float) -> None:
        # Dense markup (a page of nothing but links) costs ~4 us a byte here, ten times
        # ordinary text: an 8 KB step took 36 ms. The next slice is sized so that a step
        # takes about STEP_TARGET_S, between MIN_HTML_SLICE and HTML_SLICE.
        if size >= MIN_HTML_SLICE and seconds > 0:
            fit = int(STEP_TARGET_S * size / seconds)
            self._html_slice = max(MIN_HTML_SLICE, min(HTML_SLICE, fit))

    @property
    def view_units(self) -> int:
        """What the view holds, in the units of :attr:`unit_cap`: its UTF-16 characters, plus
        LINE_UNITS a line, SPAN_UNITS a style span and LINK_UNITS a link (a QTextDocument's
        memory goes to blocks and formats as much as to characters)."""
        return (
            self._pos
            + LINE_UNITS * self._lines_added
            + SPAN_UNITS * self._spans_added
            + LINK_UNITS * self._links_added
        )

    def _cut(self, store: BodyStore) -> bool:
        """The view stops before the end of the body (its byte cap, or its own)."""
        return store.truncated_in_view or (self._view_full and self._offset < store.body_size)

    def _release_held_text(self) -> None:
        """An HTML page without a header charset from a slow server: the decoder holds up to
        1024 bytes looking for a <meta>; after SNIFF_WAIT_S decide on what has arrived."""
        decoder = self._decoder
        if decoder is None or decoder.choice is not None:
            return
        now = time.perf_counter()
        if self._held_since is None:
            self._held_since = now
            self._wake.start(int(SNIFF_WAIT_S * 1000) + 1)
        elif now - self._held_since >= SNIFF_WAIT_S:
            self._text(decoder.decide_now(), final=False)
            self._note_encoding()

    def _decide_kind(self, store: BodyStore) -> bool:
        content_type = store.content_type
        # When the type alone decides, the answer cannot depend on the bytes; else wait for
        # the first bytes (or the end of a short body).
        undecided = looks_binary(content_type, b"") != looks_binary(content_type, b"\x00")
        # Declared text (text/plain, still checked for binary) is decided on the first bytes,
        # whatever their size: a file's signature and NULs come first, and text must not wait.
        if undecided and declared_text(content_type):
            if store.body_size == 0 and not store.ended:
                return False
            undecided = False
        if undecided and store.body_size < SNIFF_BYTES and not store.ended:
            # A slow server must not keep the first bytes off screen: decide on what came
            # within SNIFF_WAIT_S of the first byte.
            if store.body_size == 0:
                return False
            now = time.perf_counter()
            if self._sniff_since is None:
                self._sniff_since = now
                self._wake.start(int(SNIFF_WAIT_S * 1000) + 1)
                return False
            if now - self._sniff_since < SNIFF_WAIT_S:
                return False
        from net.charset import StreamTextDecoder, media_type

        if looks_binary(content_type, store.prefix(SNIFF_BYTES)):
            self.kind = BodyKind.BINARY
        elif self.mode == ViewMode.SOURCE:
            self.kind = BodyKind.SOURCE
        elif media_type(content_type) in ("text/html", "application/xhtml+xml"):
            self.kind = BodyKind.HTML
        elif _is_json(content_type):
            self.kind = BodyKind.JSON
        else:
            self.kind = BodyKind.TEXT
        # The <meta> prescan applies to HTML whichever view shows it.
        sniff = media_type(content_type) in ("text/html", "application/xhtml+xml")
        self._decoder = StreamTextDecoder(content_type, self.override, sniff_html=sniff)
        if self.kind is BodyKind.HTML:
            from ui.text.fragments import resolve_link
            from ui.text.render import HtmlRenderer

            # Links keep their #fragment: a same-document link scrolls instead of fetching.
            # Yonder's own pages link to yonder: addresses, which net.url does not resolve.
            internal = store.url.startswith(("yonder:", "about:"))
            resolve = _resolve_internal if internal else resolve_link
            if not internal and not self._render_here_next:
                self._remote = self._open_remote(store)
            self._render_here_next = False
            if self._remote is None:
                self._html = HtmlRenderer(
                    store.url, self.rendered_width, utf16=True, resolve=resolve
                )
        elif self.kind in (BodyKind.TEXT, BodyKind.JSON):
            self._scanner = PlainLinkScanner(utf16=True)
        # Plain text streams like a log (the tail stays in view while the reader is there);
        # a document is read from its top.
        self.view.follow_tail = self.kind is BodyKind.TEXT
        self.kind_changed.emit(self.kind)
        return True

    def _note_encoding(self) -> None:
        assert self._decoder is not None
        # An undeclared body changes from UTF-8 to windows-1252 at its first non-UTF-8 byte.
        if self._decoder.choice is not None and self._decoder.choice != self.choice:
            self.choice = self._decoder.choice
            self.encoding_changed.emit(self.choice)

    def _text(self, text: str, final: bool) -> None:
        if self._remote is not None:  # (only the held text of a slow page comes here)
            if text:
                self._remote.feed(text)
            return
        if self._html is not None:
            if final:  # the decoder's last characters and the renderer's close, as one
                from ui.text.render import join_fragments

                fragment = join_fragments([self._html.feed(text), self._html.close()])
            else:
                fragment = self._html.feed(text)
            self._fragment(fragment)
            if self.title is None and self._html.title is not None:
                self.title = self._html.title
                self.title_changed.emit(self.title)
            return
        text = self._lines.feed(self._newlines.feed(text, final=final))
        if self.kind is BodyKind.JSON:
            self._json_parts.append(text)
        if self._scanner is None:
            self._append(text)
            return
        links = self._scanner.feed(text)
        if final:
            links += self._scanner.close()
        self._links_added += len(links)
        self._append_ranges(text, links, ())

    def _fragment(self, fragment: Fragment) -> None:
        from ui.text.render.remote import output_of

        self._apply_output(output_of(fragment, None))

    def _apply_output(self, output: Output) -> None:
        """What the renderer made of a piece of the page (here, or in its process: see
        ui.text.render.remote.output_of), to the view: indents, text and ranges, anchors."""
        (text, links, spans), anchors, indents, _title, link_count, span_count, tables = output
        if indents:  # before their text: laid out with their hanging indent at once
            self.view.add_indents(indents)
        self._append_ranges(text, links, spans)
        self._links_added += link_count
        self._spans_added += span_count
        if tables:
            self.has_tables = True
        if anchors:
            self.view.add_anchors(anchors)

    # -- the renderer process ---------------------------------------------------------------

    def _open_remote(self, store: BodyStore) -> RemoteStream | None:
        """A document in the renderer process for a big page (None: render it here)."""
        if max(store.declared_size or 0, store.body_size) < render_process.MIN_BYTES:
            return None
        process = render_process.shared()
        if process is None:
            return None
        return process.open_stream(store.url, self.rendered_width, self.poke)

    def _step_remote(self, store: BodyStore, remote: RemoteStream) -> bool:
        """As _step, with the renderer in its process: take back one answer, or send the
        next slice of text while little is on the way; False while waiting for either."""
        if remote.failed is not None:
            self._render_here(store, remote.failed)
            return False
        answer = remote.take()
        if answer is not None:
            closed, output = answer
            self._apply_output(output)
            title = output[3]
            if self.title is None and title is not None:
                self.title = title
                self.title_changed.emit(title)
            if closed:
                self._finish_text(store)
            return True
        if self._remote_closed or not remote.has_room:
            return False  # the process answers (and pokes) when it has rendered more
        if not self._view_full and self.view_units >= self.unit_cap:
            self._view_full = True
        # The first slice small, so that the page's top is on screen at once.
        size = REMOTE_FIRST_SLICE if self._offset == 0 else REMOTE_SLICE
        data = b"" if self._view_full else store.view_bytes(self._offset, size)
        assert self._decoder is not None
        if data:
            self._offset += len(data)
            text = self._decoder.feed(data)
            if text:
                remote.feed(text)
            self._note_encoding()
            return True
        if self._held_back(store):
            return False
        if not self._view_full:
            cut = not store.complete or store.truncated_in_view
            text = self._decoder.finish(cut=cut)
            if text:
                remote.feed(text)
            self._note_encoding()
        remote.close()
        self._remote_closed = True
        return True

    def _render_here(self, store: BodyStore, reason: str) -> None:
        """The renderer process failed this page: render it again from its first byte here,
        in a later turn (this one is inside a tick)."""
        log.warning("rendering %s in the window's process: %s", store.url, reason)
        self._drop_remote()
        self._render_here_next = True

        def again() -> None:
            # The mode and override of now: a view switch in between has its own start().
            if self.store is store and self._render_here_next:
                self.start(store, self.mode, self.override)

        QTimer.singleShot(0, self, again)

    def _finish_text(self, store: BodyStore) -> None:
        if self.kind is BodyKind.JSON and self._json_parts:
            size = sum(map(len, self._json_parts))
            whole = not self._cut(store) and size <= PRETTY_JSON_MAX
            text = "".join(self._json_parts) if whole else ""
            self._json_parts = []
            if whole:
                # Off the GUI thread (json.loads alone held it ~90 ms for 2 MB); the raw
                # text stays on screen until _step_json swaps in the indented form.
                from ui.text.json_pretty import PrettyJob

                self._json_job = PrettyJob(text)
                self._wake.start(JSON_POLL_MS)
                return
        self._finish_after_json(store)

    def _step_json(self, store: BodyStore) -> bool:
        """A complete JSON body waits for its pretty-printed form (the same text pretty_json
        gives), looking again every frame; then the raw text is replaced with it, a
        TEXT_SLICE a step like any text (all of 2 MB's ~4 M characters in one step was a
        ~65 ms turn: the line breaks and the URL scan over all of it)."""
        job = self._json_job
        if job is not None:
            if not job.done:
                if not self._wake.isActive():
                    self._wake.start(JSON_POLL_MS)
                return False
            self._json_job = None
            if job.result is None:  # not JSON after all (or too deep): the source stays
                self._finish_after_json(store)
                return False
            self.view.clear_document()
            self.view.begin_stream()
            self._pos = 0
            self._fresh_styles()
            self._lines_added = 0
            self._links_added = 0
            self._scanner = PlainLinkScanner(utf16=True)
            self._json_text, self._json_at = job.result, 0
            return True
        text = self._json_text
        assert text is not None
        piece = text[self._json_at : self._json_at + TEXT_SLICE]
        self._json_at += len(piece)
        last = self._json_at >= len(text)
        self._text(piece, final=last)
        if not last:
            return True
        self._json_text = None
        self._finish_after_json(store)
        return False

    def _finish_after_json(self, store: BodyStore) -> None:
        self._json_parts = []
        if self._cut(store):
            self._truncation_notice(store)
        if store.body_size == 0:
            self._append("(The response has no body.)\n", SegmentKind.MUTED)
        self._end()

    def _truncation_notice(self, store: BodyStore) -> None:
        shown, total = self._offset, store.body_size
        if store.lost is None:
            kept = f"the whole {format_size(total)} body is kept for Save"
            link = "Save the whole body…"
        else:
            kept = f"of the {format_size(total)} body, {store.lost}"
            link = f"Save the {format_size(store.kept_size)} that were kept…"
        self._append(
            f"\n\n──── Document truncated at {format_size(shown)} in the view; {kept} ────\n",
            SegmentKind.MUTED,
        )
        self._append_segments([(SegmentKind.LINK, link, SAVE_URL), (SegmentKind.TEXT, "\n", "")])
        self.truncated.emit(shown, total)

    def _end(self) -> None:
        self._append_segments(self._trailer)
        self.done = True

    # -- binary ---------------------------------------------------------------------------

    def _step_binary(self, store: BodyStore) -> bool:
        if not store.ended:
            if not self._binary_note:
                self._binary_note = True
                self._append(
                    f"Binary content ({store.content_type or 'no type given'})", SegmentKind.HEADING
                )
                self._append("\nNot shown as text. Receiving…\n", SegmentKind.MUTED)
            return False
        self.view.clear_document()
        self.view.begin_stream()
        self._pos = 0
        self._fresh_styles()
        size = store.body_size
        state = "" if store.complete else " (incomplete: the transfer did not finish)"
        self._append("Binary content: not shown as text\n", SegmentKind.HEADING)
        self._append(f"Type: {store.content_type or '(none given)'}\n")
        self._append(f"Size: {format_size(size)} ({size:,} bytes){state}\n")
        self._append_segments(
            [(SegmentKind.LINK, "Save…", SAVE_URL), (SegmentKind.TEXT, "\n\n", "")]
        )
        preview = store.prefix(BINARY_PREVIEW)
        self._append(f"The first {len(preview):,} bytes:\n", SegmentKind.MUTED)
        self._append_styled(hex_dump(preview) + "\n", "mono")
        self._offset = size
        self._end()
        return False

    # -- wire -----------------------------------------------------------------------------

    def _step_wire(self, store: BodyStore) -> bool:
        if not self._head_written:
            self._head_written = True
            if store.head_raw:
                self._write_head(store.head_raw)
            else:
                self._append(
                    "This page did not come over the network: no bytes crossed a socket.\n",
                    SegmentKind.MUTED,
                )
            self.kind_changed.emit(BodyKind.WIRE)
            return True
        data = store.wire.read(self._offset, TEXT_SLICE)
        if data:
            self._offset += len(data)
            self._append(self._lines.feed(wire_text(data)))
            return True
        if not store.ended:
            return False
        if store.wire.overflowed:
            self._append(
                f"\n\n──── Wire view truncated at {format_size(store.wire.in_memory)}; "
                f"{store.wire.size:,} body bytes were received in all ────\n",
                SegmentKind.MUTED,
            )
        self._end()
        return False

    def _write_head(self, raw: bytes) -> None:
        """The head line by line, CR and LF written out in a subdued colour, the end marked."""
        lines = raw.split(b"\n")
        for index, line in enumerate(lines[:-1]):
            body, cr = (line[:-1], True) if line.endswith(b"\r") else (line, False)
            self._append(wire_text(body))
            last = index == len(lines) - 2
            marker = ("\\r" if cr else "") + "\\n"
            self._append_styled(marker, "end-of-head" if last else "marker")
            if last:
                self._append_styled("  ← blank line: end of the head, the body follows", "marker")
            self._append("\n")
        if lines[-1]:  # a head without its final LF (should not happen)
            self._append(wire_text(lines[-1]))


def _resolve_internal(base: str, href: str) -> str:
    """Links on an internal page: internal addresses as they are, "#name" in the page, and
    absolute http(s) addresses; a relative one has nothing to resolve against."""
    from ui.text.fragments import resolve_link

    href = href.strip()
    if href.startswith(("yonder:", "about:")):
        return href
    if href.startswith("#"):
        return resolve_link(base, href)
    if "://" not in href:
        from net.errors import InvalidURL

        raise InvalidURL(f"A relative link ({href[:80]!r}) on a page of Yonder's own")
    return resolve_link(href, href)


def _is_json(content_type: str) -> bool:
    # json loads with the first JSON page, not at start-up.
    from ui.text.json_pretty import is_json_type

    return is_json_type(content_type)


def range_styles(
    link_format: QTextCharFormat, styles: Mapping[str, QTextCharFormat]
) -> dict[str, QTextCharFormat]:
    """A stream's formats for its ranges (DocumentView.append_ranges): copies of ``styles``,
    and ``link_format`` as LINK's."""
    formats = {name: QTextCharFormat(fmt) for name, fmt in styles.items()}
    formats[LINK] = QTextCharFormat(link_format)
    return formats
