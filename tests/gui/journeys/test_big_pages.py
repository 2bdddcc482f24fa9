"""Journeys: big pages (issue 14's last GUI-thread stalls). Clearing a big document on a view
switch or when leaving the page swaps in a fresh one and takes the old one apart in pieces;
what the user sees and does is the same: the view switched, the page left, Find on the new
text. (Speed lives in bench/hostile_pages.py, cases 19-21.)"""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.page.document_view import SWAP_CLEAR_CHARS
from ui.page.find_bar import READ_SLICE_DOCUMENT_CHARS
from ui.shell.main_window import MainWindow

PARAGRAPH = "<p>Some <b>bold</b> words and a <a href='/x'>link</a> in a paragraph.</p>\n"


def big_html() -> bytes:
    count = 2 * SWAP_CLEAR_CHARS // 40 + 1  # rendered: past SWAP_CLEAR_CHARS
    body = "<html><body><h1>Big</h1>" + PARAGRAPH * count + "<p>The very end.</p></body></html>"
    return http_response(200, body.encode(), [("Content-Type", "text/html; charset=utf-8")])


def test_view_switches_on_a_big_page_show_each_view_and_find_searches_the_new_text(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/big.html": send(big_html())}))
    drive.open_address(qtbot, window, srv.url("/big.html"), timeout=60000)
    view = window.page.document_view
    rendered = view.document()
    assert rendered.characterCount() > SWAP_CLEAR_CHARS
    assert "<b>" not in view.toPlainText()[:2000]

    qtbot.keyClick(drive.focused(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=60000)
    assert view.toPlainText().startswith("<html><body><h1>Big</h1>")  # the source
    assert view.document() is not rendered  # a fresh document, the old one taken apart
    qtbot.waitUntil(lambda: view.disposing == 0, timeout=60000)

    drive.trigger(window, "Edit", "Find…")
    drive.type_text(qtbot, "<b>bold")  # only in the source: the bar follows the new document
    qtbot.waitUntil(lambda: window.page.find_bar.match_count > 0, timeout=30000)
    found = window.page.find_bar.current_range()
    assert found is not None
    assert view.toPlainText()[found[0] : found[1]] == "<b>bold"
    drive.press(qtbot, Qt.Key.Key_Escape)

    drive.trigger(window, "View", "Rendered")
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=60000)
    assert view.toPlainText().startswith("Big")
    assert view.toPlainText().rstrip().endswith("The very end.")

    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: view.disposing == 0, timeout=60000)
    assert "The very end." not in view.toPlainText()
    assert window.address_bar.text() != srv.url("/big.html")


def test_ctrl_f_on_a_big_page_reads_it_in_slices_and_finds_the_word(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    line = "the quick brown fox jumps over the lazy dog\n"
    count = READ_SLICE_DOCUMENT_CHARS // len(line) + 1000  # past the sliced-read threshold
    body = (line * count + "a zebra at the end\n").encode()
    page = http_response(200, body, [("Content-Type", "text/plain; charset=utf-8")])
    srv = serve(servers, routes({"/big.txt": send(page)}))
    drive.open_address(qtbot, window, srv.url("/big.txt"), timeout=60000)
    view = window.page.document_view
    assert view.document().characterCount() > READ_SLICE_DOCUMENT_CHARS
    view.setFocus()
    qtbot.waitUntil(lambda: drive.focused() is view)

    drive.press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.page.find_bar
    qtbot.waitUntil(lambda: drive.focused() is bar.edit)
    drive.type_text(qtbot, "zebra")
    qtbot.waitUntil(lambda: not bar.reading and bar.count_complete, timeout=30000)
    assert bar.count_label.text() == "1 of 1"
    found = bar.current_range()
    assert found is not None
    assert view.toPlainText()[found[0] : found[1]] == "zebra"
    drive.press(qtbot, Qt.Key.Key_Escape)  # the match stays selected in the view
    assert view.textCursor().selectedText() == "zebra"


def test_word_wrap_off_and_on_on_a_big_page_keeps_the_place_and_survives_a_view_switch(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    lines = [f"line {n:06d} " + "word " * (60 if n % 10 == 0 else 5) for n in range(40_000)]
    body = ("\n".join(lines) + "\n").encode()
    page = http_response(200, body, [("Content-Type", "text/plain; charset=utf-8")])
    srv = serve(servers, routes({"/wide.txt": send(page)}))
    drive.open_address(qtbot, window, srv.url("/wide.txt"), timeout=60000)
    view = window.page.document_view
    assert view.document().characterCount() > SWAP_CLEAR_CHARS
    view.setFocus()
    qtbot.waitUntil(lambda: drive.focused() is view)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)  # the scroll bar dragged to the middle
    top = drive.top_line(window)
    assert top.startswith("line ") and not top.startswith("line 000000")
    hbar = view.horizontalScrollBar()
    assert not hbar.isVisible()  # wrapped: nothing to scroll sideways

    drive.trigger(window, "View", "Word Wrap")  # off
    qtbot.waitUntil(lambda: hbar.isVisible() and hbar.maximum() > 0)  # lines run on
    hbar.setValue(hbar.maximum())  # the reader drags it to the right
    assert hbar.value() > 0
    assert not window.commands.wrap_action.isChecked()  # (saved with the window: test_page_views)
    assert drive.top_line(window) == top

    drive.press(
        qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier
    )  # Source: a fresh document
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=60000)
    drive.press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=60000)
    qtbot.waitUntil(lambda: hbar.isVisible() and hbar.maximum() > 0)  # still not wrapped

    drive.trigger(window, "View", "Word Wrap")  # on again
    qtbot.waitUntil(lambda: not hbar.isVisible())
    assert hbar.value() == 0
    assert window.commands.wrap_action.isChecked()
