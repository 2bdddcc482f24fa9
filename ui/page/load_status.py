"""The load status for the status bar: bytes, elapsed time and a progress bar.

With a Content-Length the bar shows a percentage; without one it is a busy indicator and the
text carries the byte count. Updates come throttled from the Fetcher (<= 10/s).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QWidget

from ui.text.display_text import display_line, tooltip_html
from ui.text.units import format_duration, format_size


def progress_text(received: int, total: int, elapsed: float) -> str:
    """ "3.2 MiB of 50 MiB (6%) · loading 0.3 s"; no total: "3.2 MiB · loading 0.3 s". No
    rate here: the one
    transfer rate (ui.text.units.transfer_rate) is in the Stream dock, beside what it measures."""
    amount = format_size(received)
    if total >= 0:
        percent = 100 if total == 0 else min(100, received * 100 // total)
        amount = f"{amount} of {format_size(total)} ({percent}%)"
    return f"{amount} · loading {format_duration(elapsed)}"


class LoadStatus(QWidget):
    """A label and a compact progress bar for the status bar.

    Signals: none (a passive view).
    Slots: start(), update_progress(qint64 received, qint64 total, float elapsed),
        finish(str text), show_text(str text)
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        # Texts can hold server text (an error's Location, a save's file name): plain, one
        # line, elided, and without a minimum width of its own.
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(1)
        # Its accessible name is its text: a screen reader reads the status line itself.
        self.label.setAccessibleDescription("The load status: progress, or how the load ended")
        self.setAccessibleName("Load status")
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Load progress")
        self.bar.setAccessibleDescription("How much of the page has arrived")
        self.bar.setFixedWidth(160)
        self.bar.setMaximumHeight(16)
        self.bar.setTextVisible(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.bar.hide()

    @Slot()
    def start(self) -> None:
        self.bar.setRange(0, 0)  # busy until the head tells the length
        self.bar.show()
        self.label.setText("Connecting…")
        self.label.setToolTip("")

    @Slot("qint64", "qint64", float)
    def update_progress(self, received: int, total: int, elapsed: float) -> None:
        if total > 0:
            if self.bar.maximum() != 1000:
                self.bar.setRange(0, 1000)
            self._set_value(min(1000, received * 1000 // total))
            self.bar.setFormat("%p%")
        elif self.bar.maximum() != 0:
            self.bar.setRange(0, 0)
        self.label.setText(progress_text(received, total, elapsed))

    def _set_value(self, value: int) -> None:
        # QProgressBar.setValue repaints the bar at once, and a repaint paints every part of
        # the window that waits for its paint (the page's new text, the scroll bar) inside
        # the fetch's turn, apart from the frame's own paint: with updates off it is an
        # update, painted with the rest of the window in its next paint.
        bar = self.bar
        bar.setUpdatesEnabled(False)
        try:
            bar.setValue(value)
        finally:
            bar.setUpdatesEnabled(True)  # (and an update)

    @Slot(str)
    def finish(self, text: str) -> None:
        self.bar.hide()
        self.show_text(text)

    @Slot(str)
    def show_text(self, text: str) -> None:
        line = display_line(text)
        self.label.setText(line)
        self.label.setToolTip(tooltip_html(text) if line != text else "")
