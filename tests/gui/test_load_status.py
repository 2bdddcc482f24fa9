"""The status bar's load status: its progress is painted with the window, never on its own."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.painted import PaintCount, on_screen, painted_now, settled
from ui.page.load_status import LoadStatus


def test_progress_is_painted_with_the_rest_of_the_window_in_its_next_paint(
    qtbot: QtBot,
) -> None:
    # A window with the status and a part waiting for its paint (as the page's new text
    # waits for the frame's paint while the fetch reports progress).
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    page = QLabel("the page")
    status = LoadStatus()
    layout.addWidget(page)
    layout.addWidget(status)
    window.show()
    qtbot.waitExposed(window)
    status.start()
    status.update_progress(0, 1000, 0.1)
    settled()
    bar_paints, page_paints = PaintCount(status.bar), PaintCount(page)
    page.update()
    status.update_progress(500, 1000, 0.2)
    # QProgressBar.setValue alone repaints at once, and with it the waiting page.
    assert (bar_paints.count, page_paints.count) == (0, 0)
    settled()
    assert bar_paints.count >= 1 and page_paints.count >= 1
    assert status.bar.value() == 500
    assert status.bar.text() == "50%"
    assert on_screen(status.bar) == painted_now(status.bar)
    assert "500 B of 1000 B (50%)" in status.label.text()
