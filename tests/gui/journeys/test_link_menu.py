"""Journeys: the link context menu (right click on a link, or the Menu key on the link Tab
reached): Open Link, Copy Link Address, Download Link…."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import html_response
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.shell.main_window import MainWindow

DATA = bytes(range(256)) * 64
PAGE = (
    "<title>Links</title><h1>Links</h1>"
    "<p>Read <a href='next.html'>the next page</a> or fetch <a href='data.bin'>the data</a>.</p>"
)


def serve_site(servers: list[LoopbackServer]) -> LoopbackServer:
    return serve(
        servers,
        routes(
            {
                "/page.html": send(html_response(PAGE)),
                "/next.html": send(html_response("<title>Next</title><p>The next page.</p>")),
                "/data.bin": send(
                    http_response(200, DATA, [("Content-Type", "application/octet-stream")])
                ),
            }
        ),
    )


def right_click_link(qtbot: QtBot, win: MainWindow, href: str) -> QMenu:
    """A right click on the link, through the window as the platform delivers it (QTest's
    widget clicks skip the step where Qt turns a right press into a context menu event)."""
    drive.hover_link(qtbot, win, href)
    point = drive.link_point(win, href)  # where it is now (the hover may move the layout)
    viewport = win.page.document_view.viewport()
    handle = win.windowHandle()
    assert handle is not None
    at = viewport.mapTo(win, point)
    QTest.mousePress(handle, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseRelease(handle, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, at)
    return drive.popup_menu(qtbot)


def test_right_click_copy_link_address_then_open_link(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve_site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    next_url = srv.url("/next.html")

    menu = right_click_link(qtbot, window, next_url)
    assert [a.text() for a in menu.actions()][:4] == [
        "Open Link",
        "Open Link in New Tab",
        "Copy Link Address",
        "Download Link…",
    ]
    drive.choose(qtbot, menu, "Copy Link Address")
    assert QGuiApplication.clipboard().text() == next_url
    assert drive.requests_to(srv, "/next.html") == []  # copying fetches nothing

    drive.choose(qtbot, right_click_link(qtbot, window, next_url), "Open Link")
    drive.wait_loaded(qtbot, window)
    assert "The next page." in drive.screen_text(window)
    assert window.address_bar.text() == next_url
    assert len(drive.requests_to(srv, "/next.html")) == 1


def test_menu_key_on_a_tabbed_link_downloads_it(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    srv = serve_site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    drive.press(qtbot, Qt.Key.Key_Tab, times=2)  # the page has the focus: its second link
    assert drive.status_text(window) == srv.url("/data.bin")
    target = tmp_path / "data.bin"
    titles = drive.answer_dialogs(qtbot, str(target))
    # The Menu key: on X11 the platform turns it into a keyboard context-menu event for the
    # focused widget (seen on Xvfb with xdotool); offscreen has no such step, so the test
    # delivers that event to the focused widget, as xcb does.
    focused = drive.focused()
    QApplication.sendEvent(
        focused,
        QContextMenuEvent(
            QContextMenuEvent.Reason.Keyboard,
            focused.rect().center(),
            focused.mapToGlobal(focused.rect().center()),
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    drive.choose(qtbot, drive.popup_menu(qtbot), "Download Link…")
    qtbot.waitUntil(lambda: target.exists() and target.read_bytes() == DATA, timeout=10000)
    assert titles == ["Download to"]
    assert len(drive.requests_to(srv, "/data.bin")) == 1
    assert "Links" in drive.screen_text(window)  # the page stays


def tab_count(win: MainWindow) -> int:
    return win.tabs.count()


def test_open_link_in_new_tab_middle_click_and_ctrl_click_open_background_tabs(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve_site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    page = window.page
    next_url = srv.url("/next.html")

    drive.choose(qtbot, right_click_link(qtbot, window, next_url), "Open Link in New Tab")
    qtbot.waitUntil(lambda: len(drive.requests_to(srv, "/next.html")) == 1, timeout=10000)
    assert tab_count(window) == 2
    assert window.page is page  # a background tab: the reader stays on the page
    assert window.address_bar.text() == srv.url("/page.html")

    viewport = page.document_view.viewport()
    point = drive.hover_link(qtbot, window, next_url)
    qtbot.mouseClick(viewport, Qt.MouseButton.MiddleButton, pos=point)
    qtbot.waitUntil(lambda: len(drive.requests_to(srv, "/next.html")) == 2, timeout=10000)
    point = drive.link_point(window, next_url)
    qtbot.mouseClick(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, point
    )
    qtbot.waitUntil(lambda: len(drive.requests_to(srv, "/next.html")) == 3, timeout=10000)
    assert tab_count(window) == 4
    assert window.page is page and "Read the next page" in drive.screen_text(window)

    drive.press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Tab
    drive.wait_loaded(qtbot, window)
    assert window.address_bar.text() == next_url
    assert "The next page." in drive.screen_text(window)
