"""Icons the window draws itself, where the desktop's theme has none.

They are line drawings in one colour, the palette's window text (as symbolic icons are), so
they read on the toolbar in every theme: the window draws them again when its palette
changes (View > Theme, or the desktop's own theme under System). The style's fallbacks
(SP_ArrowBack...) are black pictures, unreadable on a dark toolbar.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

ICON_SIZES = (16, 24, 32, 48)
#: Toolbar icon -> the desktop icon theme's name for it (freedesktop naming).
THEME_NAMES = {
    "back": "go-previous",
    "forward": "go-next",
    "reload": "view-refresh",
    "stop": "process-stop",
    "home": "go-home",
}


def _back(painter: QPainter) -> None:
    painter.drawLine(QPointF(19, 12), QPointF(5.5, 12))
    painter.drawPolyline(QPolygonF([QPointF(11, 6.5), QPointF(5.5, 12), QPointF(11, 17.5)]))


def _forward(painter: QPainter) -> None:
    painter.drawLine(QPointF(5, 12), QPointF(18.5, 12))
    painter.drawPolyline(QPolygonF([QPointF(13, 6.5), QPointF(18.5, 12), QPointF(13, 17.5)]))


def _reload(painter: QPainter) -> None:
    # Three quarters of a circle open at the right, and an arrowhead at its upper end
    # pointing clockwise into the gap.
    circle = QRectF(5, 5, 14, 14)
    path = QPainterPath()
    path.arcMoveTo(circle, 45)
    path.arcTo(circle, 45, 270)
    painter.drawPath(path)
    tip = path.pointAtPercent(0)
    head = [tip + QPointF(-4, 0), tip, tip + QPointF(0, -4)]
    painter.drawPolyline(QPolygonF(head))


def _stop(painter: QPainter) -> None:
    painter.drawLine(QPointF(6.5, 6.5), QPointF(17.5, 17.5))
    painter.drawLine(QPointF(17.5, 6.5), QPointF(6.5, 17.5))


def _home(painter: QPainter) -> None:
    painter.drawPolyline(QPolygonF([QPointF(3, 12), QPointF(12, 3.5), QPointF(21, 12)]))
    walls = [QPointF(6, 10), QPointF(6, 20.5), QPointF(18, 20.5), QPointF(18, 10)]
    painter.drawPolyline(QPolygonF(walls))
    painter.drawRect(QRectF(10, 14, 4, 6.5))  # the door


DRAWINGS: dict[str, Callable[[QPainter], None]] = {
    "back": _back,
    "forward": _forward,
    "reload": _reload,
    "stop": _stop,
    "home": _home,
}


def drawn_icon(name: str, colour: QColor, disabled: QColor | None = None) -> QIcon:
    """Yonder's own ``name`` icon (a key of :data:`DRAWINGS`) in ``colour`` (and in
    ``disabled`` for a disabled action, when given), on a 24-unit grid drawn at each of
    :data:`ICON_SIZES`."""
    icon = QIcon()
    modes = [(QIcon.Mode.Normal, colour)]
    if disabled is not None:
        modes.append((QIcon.Mode.Disabled, disabled))
    for mode, pen_colour in modes:
        for size in ICON_SIZES:
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(size / 24, size / 24)
            pen = QPen(pen_colour, 2.0)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            DRAWINGS[name](painter)
            painter.end()
            icon.addPixmap(pixmap, mode)
    return icon


def toolbar_icon(name: str, palette: QPalette) -> QIcon:
    """The desktop theme's icon for ``name`` ("back", "forward", "reload", "stop", "home"),
    else Yonder's own in ``palette``'s window text colour, its disabled one when disabled
    (the style's only "home" pixmap, SP_DirHomeIcon, is a folder: the home directory)."""
    themed = QIcon.fromTheme(THEME_NAMES[name])
    if not themed.isNull():
        return themed
    text = QPalette.ColorRole.WindowText
    return drawn_icon(
        name,
        palette.color(QPalette.ColorGroup.Active, text),
        palette.color(QPalette.ColorGroup.Disabled, text),
    )


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
