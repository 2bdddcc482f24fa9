"""What a widget shows on screen, and when it is painted: helpers for tests of painting."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget


class PaintCount(QObject):
    """Counts the paint events a widget gets; ``after`` notes, for each, the length of
    ``changes`` (a list the test appends to) when it came."""

    def __init__(self, widget: QWidget, changes: list[object] | None = None) -> None:
        super().__init__()
        self.count = 0
        self.changes = changes if changes is not None else []
        self.after: list[int] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
            self.after.append(len(self.changes))
        return False


def settled() -> None:
    """Turns of the event loop enough for posted updates to be painted."""
    for _ in range(3):
        QApplication.processEvents()


def on_screen(widget: QWidget) -> QImage:
    """What the screen shows of ``widget``: on the offscreen platform (the suite's) its
    window's backing store, as last painted; on X11 the screen's pixels, so the window must
    be on top. In device pixels, as grab() gives them."""
    top = widget.window()
    shot = widget.screen().grabWindow(top.winId()).toImage()
    ratio = top.devicePixelRatio()
    corner = widget.mapTo(top, QPoint(0, 0))
    area = QRect(
        round(corner.x() * ratio),
        round(corner.y() * ratio),
        round(widget.width() * ratio),
        round(widget.height() * ratio),
    )
    return shot.copy(area).convertToFormat(QImage.Format.Format_RGB32)


def painted_now(widget: QWidget) -> QImage:
    """What ``widget`` paints in its present state (grab paints it afresh)."""
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
