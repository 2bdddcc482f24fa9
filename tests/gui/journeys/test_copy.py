"""Journey: select a page's text and copy it (Ctrl+A, Ctrl+C in the page): plain text, and
rich text with the page's links, bold, italics and code for a word processor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import html_response
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, routes, send
from ui.page.document_view import DocumentView
from ui.shell.main_window import MainWindow

PAGE = (
    "<title>Copy</title><p>Read <a href='next.html'>the <b>next</b> page</a>, "
    "<i>slowly</i>; run <code>ls &lt;dir&gt;</code>.</p><p>Second &amp; last.</p>"
)


def copy_all(qtbot: QtBot, window: MainWindow) -> None:
    """Click into the page, Ctrl+A, Ctrl+C."""
    view = window.page.document_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(40, 10))
    assert drive.focused() is view
    drive.press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    drive.press(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)


def test_select_all_and_copy_gives_plain_text_and_html_with_links_and_styles(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    srv = serve(servers, routes({"/page.html": send(html_response(PAGE))}))
    drive.open_address(qtbot, window, srv.url("/page.html"))
    written: list[int] = []
    shown_runs = DocumentView.shown_runs

    def counted(self: DocumentView, *args: int) -> object:
        written.append(1)
        return shown_runs(self, *args)

    monkeypatch.setattr(DocumentView, "shown_runs", counted)
    copy_all(qtbot, window)
    assert written == []  # (X11 offers every selection: its HTML waits for a paste)
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
    assert written == [1]
    assert drive.requests_to(srv, "/next.html") == []  # copying fetches nothing


def test_a_copy_pasted_after_the_next_page_loaded_is_still_the_first_page(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    other = "<title>Other</title><p>Another <b>page</b>.</p>"
    srv = serve(
        servers,
        routes({"/page.html": send(html_response(PAGE)), "/next.html": send(html_response(other))}),
    )
    drive.open_address(qtbot, window, srv.url("/page.html"))
    copy_all(qtbot, window)
    drive.click_link(qtbot, window, srv.url("/next.html"))
    drive.wait_loaded(qtbot, window)
    assert "Another page." in window.page.document_view.toPlainText()
    data = QGuiApplication.clipboard().mimeData()
    assert data is not None
    assert "Read the next page" in data.text()
    assert "Read the next page" in data.html() and "Another" not in data.html()


def test_a_copy_pasted_after_its_tab_closed_is_its_text(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/page.html": send(html_response(PAGE))}))
    drive.open_in_new_tab(qtbot, window, srv.url("/page.html"))
    assert window.tabs.count() == 2
    copy_all(qtbot, window)
    drive.press(qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)  # Ctrl+W
    assert window.tabs.count() == 1
    qtbot.wait(50)  # (the closed tab's widgets are deleted on a later turn)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    data = QGuiApplication.clipboard().mimeData()
    assert data is not None
    assert "Read the next page" in data.text()
    assert "Read the next page" in data.html()
