"""A one-line strip above the document (the error banner, the notice bar), coloured from
the palette it inherits: a tint of the error red or of the highlight colour over the window
colour, a border of the same hue, and its labels' text readable on it (ui.colours).

It is painted, not styled: a style sheet fixes the palette of the widget it is set on, so a
strip inside the window kept the colours of the theme it was made in (a pale strip in Dark,
with a pale button on it). A painted strip inherits each new palette and recolours itself
on the PaletteChange that comes with it; its buttons are the style's own, as elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from ui.colours import text_colours

STRIP_RADIUS = 4.0


class Strip(QFrame):
    """The strip's fill, border and text colour follow its palette and :meth:`set_error`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._error = False

    def set_error(self, error: bool) -> None:
        self._error = error
        self._recolour()

    def colours(self) -> tuple[QColor, QColor, QColor]:
        """(fill, border, text) of the strip in its palette now."""
        c = text_colours(self.palette())
        if self._error:
            return c.error_strip, c.error_strip_border, c.error_strip_text
        return c.info_strip, c.info_strip_border, c.info_strip_text

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._recolour()

    def _recolour(self) -> None:
        text = self.colours()[2]
        role = QPalette.ColorRole.WindowText
        for label in self.findChildren(QLabel):
            if label.palette().color(role) != text:
                palette = QPalette(label.palette())  # only its text colour is its own
                palette.setColor(role, text)
                label.setPalette(palette)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        fill, border, _text = self.colours()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(border, 1))
            painter.setBrush(fill)
            rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.drawRoundedRect(rect, STRIP_RADIUS, STRIP_RADIUS)
        finally:
            painter.end()


__all__ = ["Strip"]
