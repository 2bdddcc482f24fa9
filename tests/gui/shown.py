"""What the document view draws a character with (its formats live partly beside the
document: :mod:`ui.page.run_formats`)."""

from __future__ import annotations

from PySide6.QtGui import QTextCharFormat

from ui.page.document_view import DocumentView


def shown_format(view: DocumentView, pos: int) -> QTextCharFormat:
    """The format the character at document position ``pos`` is drawn with: the document's,
    with its run's and the merges over it, and its link's href."""
    shown = view.shown_runs(pos, pos + 1)
    return shown[0][2] if shown else QTextCharFormat()
