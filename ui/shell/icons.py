"""Icons the window draws itself, where the desktop's theme has none."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF


def home_icon(colour: QColor) -> QIcon:
    """The theme's go-home, else a house drawn in ``colour`` (the style's only "home"
    pixmap, SP_DirHomeIcon, is a folder: the home directory)."""
    themed = QIcon.fromTheme("go-home")
    if not themed.isNull():
        return themed
    icon = QIcon()
    for size in (16, 24, 32, 48):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size / 24, size / 24)
        pen = QPen(colour, 2.0)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        roof = [QPointF(3, 12), QPointF(12, 3.5), QPointF(21, 12)]
        painter.drawPolyline(QPolygonF(roof))
        walls = [QPointF(6, 10), QPointF(6, 20.5), QPointF(18, 20.5), QPointF(18, 10)]
        painter.drawPolyline(QPolygonF(walls))
        painter.drawRect(QRectF(10, 14, 4, 6.5))  # the door
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def spinner_frames(colour: QColor, count: int = 8, size: int = 16) -> list[QIcon]:
    """A tab's loading indicator: an arc drawn at ``count`` angles (one frame each), in the
    palette's colour, as browsers turn a throbber in a loading tab."""
    frames = []
    for n in range(count):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(colour, 2.0)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        # drawArc angles are in 1/16 degree, counter-clockwise from three o'clock.
        painter.drawArc(QRectF(2, 2, size - 4, size - 4), -n * (360 // count) * 16, 270 * 16)
        painter.end()
        frames.append(QIcon(pixmap))
    return frames
