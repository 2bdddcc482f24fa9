"""The classic program's split-character bug beside Yonder's incremental decoding.

The classic socket program calls ``data.decode()`` on every ``recv(512)``: a multibyte UTF-8
character cut by a recv boundary cannot decode on either side (strict decoding would even
raise; here errors='replace' shows U+FFFD). Yonder keeps the incomplete bytes for the next
chunk (``codecs.getincrementaldecoder``). This view shows both, side by side, for the same
chunks, and counts the characters the boundaries broke.

Bounded like the document view: decoded text only joins a pending queue, a frame timer moves
bounded slices into the panes, and the comparison stops after MAX_COMPARED_BYTES of body.
"""

from __future__ import annotations

import codecs
import time
from collections import deque

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from net.charset import charset_from_content_type, lookup_charset
from ui.colours import role_format, text_colours
from ui.fonts import monospace_font
from ui.text.lines import MAX_LINE_CHARS, LineBreaker, NewlineNormaliser

FRAME_MS = 16
SLICE_CHARS = 64 * 1024  # one cursor insert: ~5 ms (FACTS.md, 64 KiB)
TICK_BUDGET_S = 0.008  # both panes together; paint and input need the rest of the frame
MAX_COMPARED_BYTES = 1_000_000  # body bytes compared (and shown) per page
MAX_MARKED = 256  # U+FFFD highlighted individually per slice; more: one plain insert
REPLACEMENT = "\ufffd"

LEFT_TITLE = "Decoded per chunk (classic program: bytes.decode() on each recv)"
RIGHT_TITLE = "Incremental decoder (Yonder)"

MARK_BACKGROUND = QColor(255, 205, 205)
MARK_FOREGROUND = QColor(176, 32, 32)


class ChunkComparison:
    """Decodes the same chunks both ways and counts the characters chunk boundaries broke.

    No Qt: ``feed(data)`` returns (per-chunk text, incremental text) for one chunk.
    A character counts as broken when the incremental decoder had to hold its first bytes
    back at a boundary and later completed it correctly (an invalid sequence is U+FFFD on both
    sides and not a boundary's fault).
    """

    def __init__(self, encoding: str = "utf-8") -> None:
        self.requested = encoding or "utf-8"
        name = lookup_charset(self.requested)
        self.encoding = name or "utf-8"
        self.known = name is not None
        self._decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        self.broken = 0  # characters split by a chunk boundary and completed later
        self.left_replacements = 0  # U+FFFD characters the per-chunk decoding produced
        self.right_replacements = 0
        self.chunks = 0
        self.bytes = 0

    def feed(self, data: bytes) -> tuple[str, str]:
        held = bool(self._decoder.getstate()[0])
        left = data.decode(self.encoding, errors="replace")
        right = self._decoder.decode(data)
        if held and right and right[0] != REPLACEMENT:
            self.broken += 1
        self.chunks += 1
        self.bytes += len(data)
        self.left_replacements += left.count(REPLACEMENT)
        self.right_replacements += right.count(REPLACEMENT)
        return left, right

    def finish(self) -> str:
        """The incremental decoder's held bytes at the end of the body (U+FFFD if any)."""
        tail = self._decoder.decode(b"", final=True)
        self.right_replacements += tail.count(REPLACEMENT)
        return tail


class _DisplayText:
    """Per pane: CRLF and lone CR become LF (even split across chunks), and lines longer than
    MAX_LINE_CHARS are broken, as in the document view. Display only; the comparison counts
    the real text."""

    def __init__(self) -> None:
        self._newlines = NewlineNormaliser()
        self._lines = LineBreaker(MAX_LINE_CHARS)

    def feed(self, text: str, final: bool = False) -> str:
        return self._lines.feed(self._newlines.feed(text, final))


class _Pane(QWidget):
    """A title over a read-only monospace QPlainTextEdit fed through a pending queue."""

    def __init__(self, title: str, tooltip: str, font: QFont) -> None:
        super().__init__()
        self.title = QLabel(f"<b>{title}</b>")
        self.title.setWordWrap(True)
        self.title.setToolTip(tooltip)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setUndoRedoEnabled(False)  # an undo stack would copy every insert
        self.text.setFont(font)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setToolTip(tooltip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        self.pending: deque[tuple[str, bool]] = deque()  # (text, is_note)
        self.display = _DisplayText()
        self._plain = QTextCharFormat()
        self._mark = QTextCharFormat()
        self._mark.setBackground(MARK_BACKGROUND)
        self._mark.setForeground(MARK_FOREGROUND)
        self._mark.setFontWeight(QFont.Weight.Bold)
        # Notes: muted, from the pane's palette (readable on its base, ui.colours); the mark
        # is its own pair (red on pink, 5:1) in every theme.
        self._note = role_format("muted", text_colours(self.text.palette()))
        self._note.setFontItalic(True)

    def clear(self) -> None:
        self.pending.clear()
        self.display = _DisplayText()
        self.text.clear()

    def queue(self, text: str, note: bool = False) -> None:
        if not note:
            text = self.display.feed(text)
        if not text:
            return
        if not note and self.pending and not self.pending[-1][1]:
            text = self.pending.pop()[0] + text  # fewer, bigger inserts
        self.pending.append((text, note))

    def insert_slice(self) -> None:
        """Move at most SLICE_CHARS of pending text into the view."""
        if not self.pending:
            return
        text, note = self.pending.popleft()
        if len(text) > SLICE_CHARS:
            cut = SLICE_CHARS
            if "\ud800" <= text[cut - 1] <= "\udbff":
                cut -= 1  # never split a surrogate pair (only from odd decoders)
            self.pending.appendleft((text[cut:], note))
            text = text[:cut]
        bar = self.text.verticalScrollBar()
        follow = bar.value() >= bar.maximum()  # decided before the insert: never yank a reader
        cursor = QTextCursor(self.text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if note:
            cursor.insertText(text, self._note)
        elif REPLACEMENT in text and text.count(REPLACEMENT) <= MAX_MARKED:
            pieces = text.split(REPLACEMENT)
            for index, piece in enumerate(pieces):
                if index:
                    cursor.insertText(REPLACEMENT, self._mark)
                if piece:
                    cursor.insertText(piece, self._plain)
        else:
            cursor.insertText(text, self._plain)
        if follow:
            bar.setValue(bar.maximum())


class DecodeCompareView(QWidget):
    """Two read-only panes: each chunk decoded on its own (left) and incrementally (right),
    with a count of the characters broken by chunk boundaries.

    Signals: none (a passive view).
    Slots: reset(str encoding="utf-8"), reset_for_content_type(str), on_chunk(bytes),
        on_chunks(list[bytes]), finish(), flush_pending()
    Feed it the body bytes of each recv (BodyChunk.data), not coalesced batches: the
    boundaries are the point.
    """

    def __init__(self, parent: QWidget | None = None, tick_budget_s: float = TICK_BUDGET_S) -> None:
        super().__init__(parent)
        # A frame's inserting time (wall clock; a test that needs a cut-off sets its own, 0:
        # one slice per pane and frame).
        self.tick_budget_s = tick_budget_s
        font = monospace_font(10.0)
        self.left = _Pane(
            LEFT_TITLE,
            "Each recv() decoded on its own with errors='replace', as the classic program's "
            "data.decode() does (strict decoding would raise UnicodeDecodeError instead). "
            "A character split between two chunks becomes U+FFFD (highlighted).",
            font,
        )
        self.right = _Pane(
            RIGHT_TITLE,
            "codecs.getincrementaldecoder: the first bytes of a split character wait for the "
            "next chunk, so the text comes out exactly as sent.",
            font,
        )
        self.count_label = QLabel()
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(8)
        grid.addWidget(self.count_label, 0, 0, 1, 2)
        grid.addWidget(self.left, 1, 0)
        grid.addWidget(self.right, 1, 1)
        grid.setRowStretch(1, 1)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_frame)
        self._comparison = ChunkComparison()
        self._finished = False
        self._stopped = False  # MAX_COMPARED_BYTES reached: further chunks are ignored
        self._update_label()

    # -- state --------------------------------------------------------------------------

    @property
    def broken_count(self) -> int:
        return self._comparison.broken

    @property
    def truncated(self) -> bool:
        return self._stopped

    def has_pending(self) -> bool:
        return bool(self.left.pending or self.right.pending)

    # -- slots --------------------------------------------------------------------------

    @Slot(str)
    def reset(self, encoding: str = "utf-8") -> None:
        """Empty both panes for a new body decoded as ``encoding`` (a charset label; an
        unknown one falls back to UTF-8 and says so)."""
        self._timer.stop()
        self.left.clear()
        self.right.clear()
        self._comparison = ChunkComparison(encoding)
        self._finished = False
        self._stopped = False
        self._update_label()

    @Slot(str)
    def reset_for_content_type(self, content_type: str) -> None:
        """reset() with the Content-Type's charset (UTF-8 when it names none)."""
        self.reset(charset_from_content_type(content_type) or "utf-8")

    @Slot(bytes)
    def on_chunk(self, data: bytes) -> None:
        """One recv's body bytes. Cheap: decoding only; the panes update on the next frame."""
        if self._stopped or self._finished or not data:
            return
        left, right = self._comparison.feed(bytes(data))
        self.left.queue(left)
        self.right.queue(right)
        if self._comparison.bytes >= MAX_COMPARED_BYTES:
            self._stopped = True
            note = (
                f"\n[The comparison stops here: only the first {MAX_COMPARED_BYTES:,} bytes of "
                "the body are decoded and shown both ways.]\n"
            )
            self.left.queue(self.left.display.feed("", final=True))
            self.right.queue(self.right.display.feed("", final=True))
            self.left.queue(note, note=True)
            self.right.queue(note, note=True)
        self._changed()

    @Slot(list)
    def on_chunks(self, parts: list[bytes]) -> None:
        """A batch of recvs' body bytes, one item per recv, in order."""
        for data in parts:
            if self._stopped:
                break
            self.on_chunk(data)

    @Slot()
    def finish(self) -> None:
        """The body ended: the incremental decoder gives up any bytes it still holds."""
        if self._finished:
            return
        self._finished = True
        if not self._stopped:
            self.right.queue(self._comparison.finish())
            self.left.queue(self.left.display.feed("", final=True))
            self.right.queue(self.right.display.feed("", final=True))
        self._changed()

    @Slot()
    def flush_pending(self) -> None:
        """Insert everything queued now (tests, screenshots); the UI stalls meanwhile."""
        while self.has_pending():
            self.left.insert_slice()
            self.right.insert_slice()
        self._update_label()

    # -- frame timer ------------------------------------------------------------------------

    def _changed(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_frame(self) -> None:
        started = time.perf_counter()
        while self.has_pending():  # at least one slice each frame, then while time is left
            self.left.insert_slice()
            self.right.insert_slice()
            if time.perf_counter() - started >= self.tick_budget_s:
                break
        self._update_label()
        if not self.has_pending():
            self._timer.stop()

    def label_text(self) -> str:
        c = self._comparison
        noun = "character" if c.broken == 1 else "characters"
        text = f"<b>{c.broken:,} {noun} broken by chunk boundaries</b>"
        if c.chunks:
            text += (
                f" · {c.chunks:,} {'chunk' if c.chunks == 1 else 'chunks'}, {c.bytes:,} bytes"
                f" · U+FFFD: {c.left_replacements:,} per chunk, "
                f"{c.right_replacements:,} incremental"
            )
        text += f" · decoded as {c.encoding}"
        if not c.known:
            text += f" (the charset {c.requested!r} is unknown here, so UTF-8 is used)"
        if self._stopped:
            text += f" · compared the first {MAX_COMPARED_BYTES:,} bytes only"
        return text

    def _update_label(self) -> None:
        self.count_label.setText(self.label_text())
