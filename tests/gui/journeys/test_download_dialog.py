"""Journey: File > Download… asks for the address in a field wide enough to read it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from ui.shell.main_window import MainWindow
from ui.shell.services import DOWNLOAD_FIELD_CHARS


def test_the_download_dialog_shows_a_whole_address(qtbot: QtBot, window: MainWindow) -> None:
    address = "http://127.0.0.1:8765/py/library/json.html"  # 42 characters, typed by a user
    seen: dict[str, int] = {}

    def inspect() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog) or not dialog.isVisible():
            QTimer.singleShot(20, inspect)
            return
        field = dialog.findChild(QLineEdit)
        assert field is not None
        seen["field"] = field.width()
        seen["needed"] = field.fontMetrics().horizontalAdvance(address)
        seen["chars"] = field.fontMetrics().averageCharWidth() * DOWNLOAD_FIELD_CHARS
        qtbot.keyClick(field, Qt.Key.Key_Escape)

    QTimer.singleShot(0, inspect)
    drive.trigger(window, "File", "Download…")
    assert seen, "the Download dialog did not open"
    assert seen["field"] >= seen["needed"]  # the whole address is in view
    assert seen["field"] >= seen["chars"] * 0.8  # and room for a longer one
    assert window.services.downloads_panel is None  # Esc: nothing started
