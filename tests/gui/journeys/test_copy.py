"""Journey: select a page's text and copy it (Ctrl+A, Ctrl+C in the page): plain text, and
rich text with the page's links, bold, italics and code for a word processor."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import html_response
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, routes, send
from ui.shell.main_window import MainWindow

PAGE = (
    "<title>Copy</title><p>Read <a href='next.html'>the <b>next</b> page</a>, "
    "<i>slowly</i>; run <code>ls &lt;dir&gt;</code>.</p><p>Second &amp; last.</p>"
)


def test_select_all_and_copy_gives_plain_text_and_html_with_links_and_styles(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/page.html": send(html_response(PAGE))}))
    drive.open_address(qtbot, window, srv.url("/page.html"))
    view = window.page.document_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(40, 10))
    assert drive.focused() is view
    drive.press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    drive.press(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    data = QGuiApplication.clipboard().mimeData()
    assert data is not None
    text = data.text()
    assert "Read the next page, slowly; run ls <dir>." in text
    assert "Second & last." in text
    rich = data.html()
    assert f'<a href="{srv.url("/next.html")}">' in rich
    assert "<b>next</b>" in rich
    assert "<i>slowly</i>" in rich
    assert "<code>ls &lt;dir&gt;</code>" in rich
    assert "Second &amp; last." in rich
    assert drive.requests_to(srv, "/next.html") == []  # copying fetches nothing
