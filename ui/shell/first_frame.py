"""The first frame's measurements: where the address bar starts, the Stream dock's height,
and the first window's size for DEFAULT_COLUMNS of the document (cheap parts only: the
first frame is painted before the rest of the window exists)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize

from ui.page.split import BASE_POINT_SIZE, HEADER_MIN_WIDTH

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow, QSplitter

# The first window: the document shows DEFAULT_COLUMNS columns of the monospace font (80-column
# text and hex rows never wrap), the header pane HEADER_WIDTH beside it; the whole fits the
# screen's available geometry (a smaller screen or a scale factor takes from the header first).
DEFAULT_COLUMNS = 100
DEFAULT_HEIGHT = 750
HEADER_WIDTH = 320
# ui.page.document_view's documentMargin (not imported: the first frame is light)
DOCUMENT_MARGIN = 12
# The window manager's border and title bar, unknown before the window is first shown.
FRAME_ALLOWANCE = (16, 48)
STREAM_DOCK_HEIGHT = 230  # first run: the lab, the header line and ~8 table rows
# First run: where the address bar starts in the toolbar (after the five navigation buttons);
# later runs use the last run's figure (Settings.first_frame).
ADDRESS_BAR_X = 169
TOOL_BUTTON_HEIGHT = 31  # the navigation buttons' height (24 px icons), likewise


class FirstFrameLayout:
    """The first frame's figures: the last run's (Settings.first_frame), else the defaults."""

    def __init__(self, first: tuple[int, int, int] | None) -> None:
        if first is None:
            first = (ADDRESS_BAR_X, TOOL_BUTTON_HEIGHT, STREAM_DOCK_HEIGHT)
        self.address_x, self.button_height, self.dock_height = first

    def lead_size(self) -> QSize:
        """The stand-in for the navigation buttons, before the address bar (- the margin)."""
        return QSize(max(0, self.address_x - 5), self.button_height)

    @staticmethod
    def document_width(window: QMainWindow, columns: int, zoom: int) -> int:
        """The document view's width that shows ``columns`` characters of the monospace font
        (at the default size and ``zoom``), with its frame, margins and scroll bar."""
        from PySide6.QtGui import QFontMetricsF
        from PySide6.QtWidgets import QStyle

        from ui.fonts import monospace_font

        font = monospace_font()
        font.setPointSizeF(max(4.0, BASE_POINT_SIZE + zoom))
        advance = QFontMetricsF(font).horizontalAdvance("0" * columns)
        style = window.style()
        frame = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
        scroll_bar = style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        # + 2: the wrap leaves room for the cursor at a line's end.
        return int(advance + 0.999) + 2 * DOCUMENT_MARGIN + 2 * frame + scroll_bar + 2

    def default_layout(
        self, window: QMainWindow, splitter: QSplitter, margins: int, available: QRect | None
    ) -> tuple[QSize, list[int]]:
        """The first window's size and split: DEFAULT_COLUMNS for the document, HEADER_WIDTH
        for the headers, within ``available`` (less FRAME_ALLOWANCE) when given, the header
        pane giving way first."""
        chrome = margins + splitter.handleWidth()
        document = self.document_width(window, DEFAULT_COLUMNS, getattr(window, "zoom", 0))
        width, height = chrome + HEADER_WIDTH + document, DEFAULT_HEIGHT
        if available is not None:
            width = min(width, available.width() - FRAME_ALLOWANCE[0])
            height = min(height, available.height() - FRAME_ALLOWANCE[1])
        split = width - chrome
        header = max(HEADER_MIN_WIDTH, min(HEADER_WIDTH, split - document))
        return QSize(width, height), [header, max(0, split - header)]

    def apply(
        self, window: QMainWindow, splitter: QSplitter, margins: int, available: object
    ) -> None:
        """Size the window and its split as :meth:`default_layout` says, centred in
        ``available`` (None: no screen to fit, e.g. a capture)."""
        area = available if isinstance(available, QRect) else None
        size, sizes = self.default_layout(window, splitter, margins, area)
        window.resize(size)
        splitter.setSizes(sizes)
        if area is not None:
            left = area.x() + max(0, (area.width() - size.width()) // 2)
            top = area.y() + max(0, (area.height() - size.height()) // 2)
            window.move(left, top)
