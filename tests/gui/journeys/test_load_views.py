"""Journeys: every view describes the page on screen (issue 10, defect 6). After a loaded
page, the start page, a bundled sample and an error page clear the timeline, the chunk table
and the phase bar instead of showing the previous load's figures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.shell.main_window import MainWindow


def stream_state(win: MainWindow) -> tuple[int, bool, str]:
    """(chunk table rows, phase bar has timings, Stream dock's header line)."""
    rows = win.page.stream.panel.table.model().rowCount()
    timed = not win.page.phase_bar.tooltip_text().startswith("No timings")
    return rows, timed, win.page.stream.panel.header.text()


def load_http(qtbot: QtBot, win: MainWindow, url: str) -> tuple[int, bool, str]:
    drive.trigger(win, "File", "Go to address bar")
    drive.type_text(qtbot, url)
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, win)
    qtbot.waitUntil(lambda: stream_state(win)[0] > 0 and stream_state(win)[1])
    return stream_state(win)


def test_start_page_samples_and_error_pages_clear_the_stream_views(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = b"some text\n" * 200
    srv = serve(
        servers,
        routes({"/t.txt": send(http_response(200, body, [("Content-Type", "text/plain")]))}),
    )
    empty = None

    loaded = load_http(qtbot, window, srv.url("/t.txt"))
    drive.trigger(window, "Go", "Home")  # the start page
    assert "Start page" in window.windowTitle()
    empty = stream_state(window)
    assert empty[0] == 0 and not empty[1] and empty[2] != loaded[2]
    assert "no request" in empty[2] and "waiting" not in empty[2]

    load_http(qtbot, window, srv.url("/t.txt"))
    drive.trigger(window, "Go", "Home")
    drive.click_link(qtbot, window, "yonder:samples/romeo.txt")  # a bundled sample
    qtbot.waitUntil(lambda: "romeo.txt" in window.windowTitle())
    assert stream_state(window) == empty

    load_http(qtbot, window, srv.url("/t.txt"))
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, "http://exa mple.org/")  # an address that cannot be requested
    drive.press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.page.error_banner.isVisible())
    assert stream_state(window) == empty
    assert len(srv.requests) == 3
