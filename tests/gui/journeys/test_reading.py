"""Journeys while reading (issue 10, defects 4 and 7): a document opens at its top and
follows its tail only once the reader went to the bottom; Space pages with one line of
overlap; the caret moves with the page, so an arrow key or a wrap toggle does not snap back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import Held
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.shell.main_window import MainWindow


def lines(first: int, last: int) -> bytes:
    return "".join(f"log line {n:04d}\n" for n in range(first, last)).encode()


def test_a_growing_log_stays_at_its_top_until_the_reader_goes_to_the_bottom(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = lines(0, 200) + lines(200, 400) + lines(400, 600)
    raw = http_response(200, body, [("Content-Type", "text/plain")])
    head = len(raw) - len(body)
    held = Held(raw, head + len(lines(0, 200)), head + len(lines(0, 400)))
    srv = serve(servers, held)
    try:
        drive.enter_address(qtbot, window, srv.url("/log.txt"))
        qtbot.waitUntil(lambda: "log line 0199" in drive.screen_text(window))
        assert drive.scroll(window)[0] == 0 and drive.scroll(window)[1] > 0
        held.release()
        qtbot.waitUntil(lambda: "log line 0399" in drive.screen_text(window))
        assert drive.top_line(window) == "log line 0000"  # not dragged to the end
        assert window.page.load_ok is None
        drive.press(qtbot, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # to the end
        assert "log line 0399" in drive.visible_text(window)
        held.release()
        qtbot.waitUntil(lambda: "log line 0599" in drive.screen_text(window))
        drive.wait_loaded(qtbot, window)
        assert "log line 0599" in drive.visible_text(window)  # followed the tail
    finally:
        held.release_all()
    assert len(srv.requests) == 1


def test_space_pages_with_one_line_of_overlap_and_the_caret_follows(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = lines(0, 1000)
    srv = serve(
        servers,
        routes({"/log.txt": send(http_response(200, body, [("Content-Type", "text/plain")]))}),
    )
    drive.enter_address(qtbot, window, srv.url("/log.txt"))
    drive.wait_loaded(qtbot, window)
    assert drive.focused() is window.page.document_view
    assert drive.top_line(window) == "log line 0000"
    for _ in range(3):
        last = drive.last_full_line(window)
        drive.press(qtbot, Qt.Key.Key_Space)
        assert drive.top_line(window) == last  # one line of overlap, none skipped
        assert drive.caret_on_screen(window)  # the caret came along
    top, value = drive.top_line(window), drive.scroll(window)[0]
    drive.press(qtbot, Qt.Key.Key_Down)  # the caret moves from where the page is
    assert drive.scroll(window)[0] >= value
    assert drive.top_line(window) != "log line 0000"
    drive.trigger(window, "View", "Word Wrap")  # toggled: the same line stays on top
    assert drive.top_line(window) == top
    drive.trigger(window, "View", "Word Wrap")
    assert drive.top_line(window) == top
    first = drive.top_line(window)
    drive.press(qtbot, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert drive.last_full_line(window) == first  # page up: the old top is now the bottom
    assert drive.caret_on_screen(window)


def test_the_wheel_moves_the_caret_with_the_page(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = lines(0, 1000)
    srv = serve(
        servers,
        routes({"/log.txt": send(http_response(200, body, [("Content-Type", "text/plain")]))}),
    )
    drive.enter_address(qtbot, window, srv.url("/log.txt"))
    drive.wait_loaded(qtbot, window)
    drive.wheel(qtbot, window, notches=-10)  # ten notches down
    qtbot.waitUntil(lambda: drive.scroll(window)[0] > 0)
    top = drive.top_line(window)
    assert top != "log line 0000"
    assert drive.caret_on_screen(window)
    drive.press(qtbot, Qt.Key.Key_Down)
    assert drive.top_line(window) == top  # no snap back to the old caret at the top
