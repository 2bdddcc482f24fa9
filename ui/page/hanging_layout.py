"""Hanging indents for the document view: a wrapped list item, <dd> or quote continues under
its text, not at the left margin, and the text of every indented line starts on a column of the
monospace font, as in w3m.

QPlainTextEdit needs a QPlainTextDocumentLayout, and that lays every line of a block out at the
left margin: it ignores QTextBlockFormat's indent, margins and text indent (QTextEdit's layout
honours them, at 2-6x the cost and with 300 ms stalls per MiB: FACTS.md). Its one seam is the
virtual ``blockBoundingRect``, which QPlainTextEdit calls for every block before it paints,
hit-tests, scrolls or places the caret, and which lays a block out when it has no lines yet.
:class:`HangingIndentLayout` overrides it. For a block that starts with a prefix of N columns
(the renderer reports each one: :attr:`ui.text.render.Fragment.indents`) it lays the lines out
again so that the text after the prefix starts N monospace columns in, and so do the block's
later (wrapped) lines:

- the first line moves right by what the prefix's characters lack of N columns in the
  proportional font: "    Second" lines up under "  • First", a nested item 4 columns further
  in, as the renderer's indentation (in columns, as w3m's) means;
- the later lines start at N columns; a prefix wider than half the line hangs half the width.

No character format changes: the text, its formats and every offset stay as they are (a
layout format for the prefix, as a syntax highlighter sets, would mark the block changed each
time it is set). Blocks without a prefix cost one dictionary lookup more than before; a
prefixed block is laid out twice, when it is shown.

The same seam gives a block the formats of its ranges (:attr:`HangingIndentLayout.formats`,
:mod:`ui.page.range_formats`) before it is laid out: once per block, and again when it grew.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QTimer, Slot
from PySide6.QtGui import QFont, QFontMetricsF, QTextBlock, QTextDocument, QTextLayout
from PySide6.QtWidgets import QPlainTextDocumentLayout

from ui.page.range_formats import RangeFormats

MAX_HANG = 0.5  # of the line's width: a deep prefix in a narrow view still leaves room
PLACED = 0.25  # px: a line within this of where it belongs is in place (already laid out)


class HangingIndentLayout(QPlainTextDocumentLayout):
    """QPlainTextDocumentLayout with hanging indents for the blocks in :attr:`hangs`."""

    def __init__(self, document: QTextDocument, mono_family: str) -> None:
        super().__init__(document)
        # Its own reference: self.document() called inside blockBoundingRect, when that was
        # called from Python (QPlainTextEdit.blockBoundingGeometry, cursorRect...), drops a
        # reference to the document's wrapper (PySide6 6.11.3, Python 3.11): a later garbage
        # collection deleted the document under the view, which crashed in its next hit test.
        self._document = document
        #: Document position of a block's first character -> its prefix's length (UTF-16
        #: units; the renderer's prefixes are one column a character). Positions only grow:
        #: the view appends, and empties this with the document.
        self.hangs: dict[int, int] = {}
        #: The formats of the ranges in this document (the view's), given to each block's
        #: layout before it is laid out; None: the document's own formats only.
        self.formats: RangeFormats | None = None
        self._giving = False  # RangeFormats.apply is laying a block out again: just Qt's layout
        self._changing = False  # inside documentChanged (Qt handles a change of the text)
        #: The view is inside an edit block: formats wait for the next paint (a flush would
        #: take the edit's own pending change, whose contentsChange would never come).
        self.editing = False
        self._mono_family = mono_family
        self._column_for: tuple[str, float] = ("", 0.0)  # (the font's key, column width)
        # The scroll bar counts lines, so a block that gained or lost lines must say so; once
        # per turn of the event loop: QPlainTextEdit lays out the blocks at the bottom to
        # size its scroll bar, and a signal per block there re-entered that walk for each one
        # (contents.html, every line a list item: 2x the time to be on screen).
        self._size_timer = QTimer(self)
        self._size_timer.setSingleShot(True)
        self._size_timer.setInterval(0)
        self._size_timer.timeout.connect(self._size_changed)

    def column(self) -> float:
        """The advance of one monospace column at the document's font size."""
        font = self._document.defaultFont()
        key = font.key()
        if self._column_for[0] != key:
            mono = QFont(font)  # its size, in points or pixels (zoom)
            mono.setFamily(self._mono_family)
            mono.setFixedPitch(True)
            self._column_for = (key, QFontMetricsF(mono).horizontalAdvance("0"))
        return self._column_for[1]

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:
        if self._giving or not block.isValid():  # (Qt asks of an invalid block, too)
            return super().blockBoundingRect(block)
        if self.formats is not None:
            self._give_formats(block)
        prefix = self.hangs.get(block.position())
        if prefix is None:
            return super().blockBoundingRect(block)
        rect = super().blockBoundingRect(block)  # lays the block out if it has no lines
        layout = block.layout()
        count = layout.lineCount()
        if count == 0:
            return rect
        # Qt's own layout puts every line at the margin; this one moves the first line, or
        # the later ones, in: a line off the margin says the block is laid out already (a
        # few calls, on every paint, hit test and scroll, rather than the whole sum below).
        margin = self._document.documentMargin()
        first = layout.lineAt(0)
        if first.x() > margin + PLACED or (count > 1 and layout.lineAt(1).x() > margin + PLACED):
            return rect
        width = first.width()
        hang = min(prefix * self.column(), width * MAX_HANG)
        prefix_x = x_of(first.cursorToX(prefix)) - margin  # the prefix, as drawn
        shift = max(0.0, hang - prefix_x)
        if shift <= PLACED and (count == 1 or hang <= PLACED):
            return rect  # the prefix is N columns wide already (monospace), nothing wraps
        self._lay_out(block, layout, margin, width, shift, hang)
        return super().blockBoundingRect(block)

    def _lay_out(
        self,
        block: QTextBlock,
        layout: QTextLayout,
        margin: float,
        width: float,
        shift: float,
        hang: float,
    ) -> None:
        # As QPlainTextDocumentLayout lays lines out (leading included, a negative leading
        # rounded up), the first line moved by ``shift``, the later ones by ``hang``.
        layout.beginLayout()
        y = 0.0
        left = shift
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLeadingIncluded(True)
            line.setLineWidth(width - left)
            line.setPosition(QPointF(margin + left, y))
            y += line.height()
            if line.leading() < 0:
                y += math.ceil(line.leading())
            left = hang
        layout.endLayout()
        lines = layout.lineCount() if block.isVisible() else 0
        if block.lineCount() != lines:
            block.setLineCount(lines)
            if not self._size_timer.isActive():
                self._size_timer.start()

    def documentChanged(self, position: int, removed: int, added: int) -> None:
        self._changing = True
        try:
            super().documentChanged(position, removed, added)
        finally:
            self._changing = False

    def _give_formats(self, block: QTextBlock) -> None:
        formats = self.formats
        assert formats is not None
        if formats.has_given(block) or self.editing:
            return  # (editing: at the next paint; a flush now would take the edit's change)
        laid_out = block.layout().lineCount() > 0
        if self._changing and laid_out:
            # Inside Qt's handling of a change (a block that grew, the scroll bar's walk):
            # laying it out again from here would handle that change twice. At the next
            # paint, which is all a block off screen needs.
            return
        lines = block.lineCount()
        # Quiet: the block is laid out again inside a paint, a hit test or a scroll, which
        # goes on with its new lines; an update from here would paint everything again.
        blocked = self.blockSignals(True)
        self._giving = True
        try:
            given = formats.apply(block, self._document, flush=not self._changing)
        finally:
            self._giving = False
            self.blockSignals(blocked)
        if given and block.lineCount() != lines and not self._size_timer.isActive():
            self._size_timer.start()

    @Slot()
    def _size_changed(self) -> None:
        self.documentSizeChanged.emit(self.documentSize())


def x_of(result: object) -> float:
    # QTextLine.cursorToX returns (x, position) in some PySide6 versions, x in others.
    value = result[0] if isinstance(result, tuple) else result
    return float(value) if isinstance(value, (int, float)) else 0.0
