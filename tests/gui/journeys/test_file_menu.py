"""Journeys through the File menu: the address bar, Download…, Close and Quit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.shell.main_window import MainWindow


def test_file_download_asks_for_an_address_and_a_file_and_streams_it_to_disk(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    body = b"0123456789" * 5000
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    target = tmp_path / "numbers.txt"
    titles = drive.answer_dialogs(qtbot, srv.url("/numbers.txt"), str(target))
    drive.trigger(window, "File", "Download…")
    assert titles == ["Download", "Download to"]
    qtbot.waitUntil(lambda: target.exists() and target.read_bytes() == body, timeout=10000)
    assert len(drive.requests_to(srv, "/numbers.txt")) == 1
    assert window.services.downloads_dock.isVisible()
    panel = window.services.downloads_panel
    assert panel is not None
    qtbot.waitUntil(lambda: any("numbers.txt" in t for t in drive.label_texts(panel)))


def test_file_download_cancelled_does_nothing(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    titles = drive.answer_dialogs(qtbot, None)
    drive.trigger(window, "File", "Download…")
    assert titles == ["Download"]
    assert window.services.downloads_panel is None  # nothing started, no dock made


def test_file_go_to_address_bar_focuses_and_selects_it(qtbot: QtBot, window: MainWindow) -> None:
    window.page.document_view.setFocus()
    drive.trigger(window, "File", "Go to address bar")
    bar = window.address_bar
    assert drive.focused() is bar
    assert bar.selectedText() == bar.text()
    drive.type_text(qtbot, "about:start")
    drive.press(qtbot, Qt.Key.Key_Return)
    assert "Start page" in window.windowTitle()


def test_file_close_window_and_quit_close_the_window(
    qtbot: QtBot, window: MainWindow, make_settings: object
) -> None:
    drive.trigger(window, "File", "Close Window")
    qtbot.waitUntil(lambda: not window.isVisible())
    window.show()
    qtbot.waitUntil(window.isVisible)
    drive.trigger(window, "File", "Quit")
    qtbot.waitUntil(lambda: not window.isVisible())
