"""What the document view draws a character with (its formats live partly beside the
document: :mod:`ui.page.range_formats`)."""

from __future__ import annotations

from PySide6.QtGui import QTextCharFormat, QTextCursor

from ui.page.document_view import DocumentView


def shown_format(view: DocumentView, pos: int) -> QTextCharFormat:
    """The format the character at document position ``pos`` is drawn with: the document's,
    with the ranges merged over it, and its link's href."""
    shown = view.shown_runs(pos, pos + 1)
    return shown[0][2] if shown else QTextCharFormat()


def drawn_runs(view: DocumentView) -> list[tuple[int, str, QTextCharFormat]]:
    """The characters of the blocks on screen as their layouts draw them, after a paint:
    (document position, character, format), the format the document's with the formats
    given to the block's layout merged over it in order (as Qt resolves them)."""
    view.viewport().repaint()  # lays out, and gives their formats to, the blocks on screen
    found: list[tuple[int, str, QTextCharFormat]] = []
    bottom = view.viewport().rect().bottom()
    block = view.firstVisibleBlock()
    while block.isValid():
        if view.blockBoundingGeometry(block).translated(view.contentOffset()).top() > bottom:
            break
        ranges = block.layout().formats()
        start = block.position()
        pos = start
        for char in block.text():
            cursor = QTextCursor(view.document())
            cursor.setPosition(pos + 1)
            fmt = QTextCharFormat(cursor.charFormat())
            for r in ranges:
                if r.start <= pos - start < r.start + r.length:
                    fmt.merge(r.format)
            found.append((pos, char, fmt))
            pos += 2 if ord(char) > 0xFFFF else 1
        block = block.next()
    return found
