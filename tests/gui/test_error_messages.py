"""Error pages quote what the server sent readably (issue 14, "Messages"): escaped bytes, not a
Python repr, in the message and in the technical detail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, respond
from ui.shell.main_window import MainWindow


def test_a_protocol_error_page_quotes_the_bytes_readably(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    raw = b"HTTP/1.1 302 Found\r\nLocation: /hello\rX-Injected: yes\r\nContent-Length: 0\r\n\r\n"
    srv = serve(servers, respond(raw))
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, srv.url("/"))
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, window)
    shown = drive.screen_text(window)
    assert "illegal header line: 'Location: /hello\\rX-Injected: yes'" in shown
    assert "bytearray" not in shown and "b'" not in shown
