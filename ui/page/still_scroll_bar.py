"""A scroll bar that is painted again only when what it shows changes.

While a page streams in, its document grows every frame, and QPlainTextEdit (or the view's
estimate, :meth:`ui.page.document_view.DocumentView._estimate_scroll_range`) sets the bar's
range each time. QAbstractSlider repaints on every change of range, yet once the handle is at
its smallest and the reader at the top, the bar looks the same from one frame to the next.
In Fusion those repaints cost more in all than the paints of the page's text (bench/README.md,
"Shorter turns").

:class:`StillScrollBar` skips the repaint of a change of range or steps that leaves the
handle's rectangle and the state of its ends as they were last painted. A change of value
(the reader scrolls), of size, palette, style or hover repaints as always.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QScrollBar,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

_QUIET_CHANGES = (
    QAbstractSlider.SliderChange.SliderRangeChange,
    QAbstractSlider.SliderChange.SliderStepsChange,
)

#: What a painted bar shows: its handle's rectangle, whether the value is at each end (some
#: styles draw the arrow there disabled; Fusion does not), whether there is a range at all,
#: and the style state.
Shown = tuple[QRect, bool, bool, bool, int]


class StillScrollBar(QScrollBar):
    """QScrollBar that repaints a change of range only when the bar would look different."""

    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self._painted: Shown | None = None  # as last painted (None: not painted yet)

    def shown(self) -> Shown:
        """What the bar would show now."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        handle = self.style().subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, self
        )
        value, low, high = option.sliderValue, option.minimum, option.maximum
        return (handle, value <= low, value >= high, low == high, option.state.value)

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:
        if change in _QUIET_CHANGES and self._painted is not None and self.shown() == self._painted:
            return
        super().sliderChange(change)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._painted = self.shown()
        super().paintEvent(event)
