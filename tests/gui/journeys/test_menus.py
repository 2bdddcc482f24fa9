"""Journeys through the Edit, View and Go menus and File's Save items: each action reached
from its menu, checked on screen and against what the loopback server received."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import Held, html_response
from tests.gui.painted import settled
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.shell.actions import ENCODINGS
from ui.shell.main_window import MainWindow

HTML = "<title>Menus</title><h1>Menus</h1><p>alpha beta alpha gamma alpha</p>"


def site(servers: list[LoopbackServer], body: bytes | None = None) -> LoopbackServer:
    raw = html_response(HTML) if body is None else body
    return serve(servers, routes({"/page.html": send(raw)}))


def test_views_rendered_source_and_wire_show_one_download(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    rendered = drive.screen_text(window)
    assert "alpha beta" in rendered and "<p>" not in rendered
    # Each step waits for its view's whole positive content: the wire view holds "alpha
    # beta" too, and an empty view mid re-render holds no "<p>", so neither passes a wait.
    drive.trigger(window, "View", "Source")
    qtbot.waitUntil(lambda: HTML in drive.screen_text(window), timeout=10000)
    drive.trigger(window, "View", "Wire")
    qtbot.waitUntil(lambda: drive.screen_text(window).startswith("HTTP/1.1 200 OK"), timeout=10000)
    drive.trigger(window, "View", "Rendered")
    qtbot.waitUntil(
        lambda: not window.page.rendering and drive.screen_text(window) == rendered, timeout=10000
    )
    assert "<p>" not in drive.screen_text(window)
    assert len(srv.requests) == 1  # every view from the one body received


def test_every_encoding_redecodes_without_fetching(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = "caf\u00e9 na\u00efve \u00fc\n".encode("windows-1252")
    srv = site(servers, http_response(200, body, [("Content-Type", "text/plain")]))
    drive.open_address(qtbot, window, srv.url("/page.html"))
    auto = drive.screen_text(window)
    for name, label in ENCODINGS:
        drive.trigger(window, "View", "Encoding", name)
        qtbot.waitUntil(lambda: not window.page.rendering)
        shown = drive.screen_text(window)
        if label is None:
            assert shown == auto
        elif label in ("utf-16-le", "utf-16-be"):
            assert shown != auto and "café" not in shown  # two bytes a character
        else:
            expected = body.decode(label, errors="replace")
            assert shown.rstrip("\n") == expected.rstrip("\n"), name
        assert window.page.charset_label.text()  # says what the text was decoded with
    assert len(srv.requests) == 1


def test_find_next_and_previous_walk_the_matches(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    drive.trigger(window, "Edit", "Find…")
    assert window.page.find_bar.isVisible()
    assert drive.focused() is window.page.find_bar.edit
    drive.type_text(qtbot, "alpha")

    def match() -> int:
        # The current match, highlighted on screen: its range in the document.
        found = window.page.find_bar.current_range()
        assert found is not None
        start, end = found
        assert drive.screen_text(window)[start:end] == "alpha"
        return start

    qtbot.waitUntil(lambda: window.page.find_bar.current_range() is not None)
    first = match()
    drive.trigger(window, "Edit", "Find Next")
    second = match()
    assert second > first
    drive.trigger(window, "Edit", "Find Next")
    third = match()
    assert third > second
    drive.trigger(window, "Edit", "Find Previous")
    assert match() == second


def test_a_match_below_the_screen_is_shown_in_the_middle_with_what_follows_it(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    lines = [f"line {i} of the page" for i in range(400)]
    lines[150] = "line 150 holds the needle"
    lines[300] = "line 300 holds the needle too"
    body = "\n".join(lines).encode()
    srv = site(servers, http_response(200, body, [("Content-Type", "text/plain")]))
    drive.open_address(qtbot, window, srv.url("/page.html"))
    view = window.page.document_view
    drive.trigger(window, "Edit", "Find…")
    drive.type_text(qtbot, "needle")
    qtbot.waitUntil(lambda: window.page.find_bar.current_range() is not None)

    def shown_rows() -> tuple[int, int, int]:
        """(lines shown above the match, below it, the match's line number)."""
        found = window.page.find_bar.current_range()
        assert found is not None
        block = view.document().findBlock(found[0])
        top = view.firstVisibleBlock().blockNumber()
        shown = view.viewport().height() // max(1, round(view.blockBoundingRect(block).height()))
        return block.blockNumber() - top, top + shown - 1 - block.blockNumber(), block.blockNumber()

    # Found from the top: the match came from off screen, and browsers put it mid-screen
    # (it was on the last line shown, with nothing after it).
    above, below, number = shown_rows()
    assert number == 150
    assert min(above, below) >= 5 and abs(above - below) <= 2, (above, below)
    drive.trigger(window, "Edit", "Find Next")
    above, below, number = shown_rows()
    assert number == 300
    assert min(above, below) >= 5 and abs(above - below) <= 2, (above, below)
    drive.trigger(window, "Edit", "Find Previous")  # back up, off screen again: the middle
    above, below, number = shown_rows()
    assert number == 150
    assert min(above, below) >= 5 and abs(above - below) <= 2, (above, below)


def match_on_screen(window: MainWindow) -> bool:
    """The current match's line is wholly inside the view."""
    view = window.page.document_view
    found = window.page.find_bar.current_range()
    assert found is not None
    cursor = QTextCursor(view.document())
    cursor.setPosition(found[0])
    rect = view.cursorRect(cursor)
    return rect.top() >= 0 and rect.bottom() <= view.viewport().height()


def test_a_match_near_the_end_of_a_stream_stays_on_screen_as_more_arrives(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # Centred on a match near the end, the view reached the bottom; taken for the reader
    # moving there, it followed the text that came next and scrolled the match away.
    first = "".join(f"log line {i}\n" for i in range(200)).replace("log line 190", "log ERROR")
    rest = "".join(f"log line {i}\n" for i in range(200, 320))
    raw = http_response(200, (first + rest).encode(), [("Content-Type", "text/plain")])
    held = Held(raw, raw.index(b"log line 200"))
    srv = serve(servers, held)
    drive.enter_address(qtbot, window, srv.url("/log.txt"))
    view = window.page.document_view
    qtbot.waitUntil(lambda: "log line 199" in view.toPlainText(), timeout=10000)
    drive.trigger(window, "Edit", "Find…")
    drive.type_text(qtbot, "ERROR")
    qtbot.waitUntil(lambda: window.page.find_bar.current_range() is not None)
    assert match_on_screen(window)
    held.release()
    drive.wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: "log line 319" in view.toPlainText() and not view.has_pending())
    assert match_on_screen(window)


def test_a_match_beside_the_screen_of_an_unwrapped_line_keeps_the_view_on_its_lines(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    lines = [f"line {i} " + "filler " * 40 for i in range(200)]
    lines[60] += "needle at the far right"
    body = "\n".join(lines).encode()
    srv = site(servers, http_response(200, body, [("Content-Type", "text/plain")]))
    drive.open_address(qtbot, window, srv.url("/page.html"))
    view = window.page.document_view
    drive.trigger(window, "View", "Word Wrap")  # off: each line one long row
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() > 0)
    view.verticalScrollBar().setValue(57)  # line 60 on screen, its end far to the right
    top = view.firstVisibleBlock().blockNumber()
    drive.trigger(window, "Edit", "Find…")
    drive.type_text(qtbot, "needle")
    qtbot.waitUntil(lambda: window.page.find_bar.current_range() is not None)
    assert match_on_screen(window)
    assert view.horizontalScrollBar().value() > 0  # scrolled sideways to it
    assert view.firstVisibleBlock().blockNumber() == top  # and not up or down


def test_find_opens_in_a_narrow_window_without_widening_it_or_laying_tables_out_again(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    rows = "".join(
        f"<tr><td>v{i}<td>{'a change to the function that went in ' * 3}" for i in range(4)
    )
    srv = site(servers, html_response(f"<table><tr><th>Version<th>Changes{rows}</table>"))
    window.show()
    window.resize(640, 700)
    qtbot.waitUntil(lambda: window.width() == 640)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    qtbot.waitUntil(lambda: not window.page.rendering)
    view = window.page.document_view
    columns, rendered = view.columns, window.page.renderer.rendered_width
    drive.trigger(window, "Edit", "Find…")
    drive.type_text(qtbot, "change")
    qtbot.waitUntil(lambda: window.page.find_bar.current_range() is not None)
    settled()  # (the layout's requests handled: a resize would have come)
    assert window.width() == 640  # the bar fits: its minimum made the window 683 px wide
    assert view.columns == columns and window.page.renderer.rendered_width == rendered
    assert window.page.find_bar.count_label.text() == "1 of 13"  # (and "Changes")
    bar = window.page.find_bar
    assert bar.close_button.geometry().right() <= bar.width()  # all of it shown


def slow_log(servers: list[LoopbackServer], word: str) -> tuple[Held, LoopbackServer]:
    """A text page whose second part (held until released) holds ``word``."""
    first = "".join(f"early line {i}\n" for i in range(50))
    rest = "".join(f"late line {i}\n" for i in range(50)) + f"the {word} at last\n"
    raw = http_response(200, (first + rest).encode(), [("Content-Type", "text/plain")])
    held = Held(raw, raw.index(b"late line 0"))
    return held, serve(servers, held)


def said(bar: object) -> list[str]:
    """Every text the find bar's count label is given from now on."""
    label = bar.count_label  # type: ignore[attr-defined]
    texts: list[str] = []
    set_text = label.setText

    def record(text: str) -> None:
        texts.append(text)
        set_text(text)

    label.setText = record
    return texts


def test_a_word_not_arrived_yet_is_not_found_yet_then_found_or_not_at_the_end(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # While the page still comes in, "No matches" in red was a verdict given too early.
    held, srv = slow_log(servers, "needle")
    drive.enter_address(qtbot, window, srv.url("/slow.txt"))
    view = window.page.document_view
    qtbot.waitUntil(lambda: "early line 49" in view.toPlainText(), timeout=10000)
    bar = window.page.find_bar
    texts = said(bar)
    drive.trigger(window, "Edit", "Find…")
    drive.type_text(qtbot, "needle")
    qtbot.waitUntil(lambda: bar.count_label.text() != "")
    assert bar.count_label.text() == "not found yet…"
    assert bar.current_range() is None
    held.release()  # the word arrives, and the page ends
    drive.wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: bar.count_label.text() == "1 of 1")
    assert "No matches" not in texts  # (it was said once the load ended, before the search)
    found = bar.current_range()
    assert found is not None and view.toPlainText()[found[0] : found[1]] == "needle"
    drive.type_text(qtbot, "s")  # "needles": in no part of the whole page
    qtbot.waitUntil(lambda: bar.count_label.text() == "No matches")


def test_a_word_in_no_part_of_a_streaming_page_is_no_match_once_the_load_ends(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # The verdict when the load ends with no new text: all of it was searched already, as
    # "not found yet…", and only the end of the load says there is nothing more to come.
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
    first = "".join(f"early line {i}\n" for i in range(50)).encode()
    rest = "".join(f"late line {i}\n" for i in range(50)).encode()
    raw = head + first + rest  # ends when the server closes
    held = Held(raw, len(head + first), len(raw))  # the rest, then (empty) the close
    srv = serve(servers, held)
    drive.enter_address(qtbot, window, srv.url("/slow.txt"))
    page = window.page
    view = page.document_view
    qtbot.waitUntil(lambda: "early line 49" in view.toPlainText(), timeout=10000)
    bar = page.find_bar
    drive.trigger(window, "Edit", "Find…")
    drive.type_text(qtbot, "needle")  # in no part of the page
    qtbot.waitUntil(lambda: bar.count_label.text() == "not found yet…")
    texts = said(bar)
    arrived: list[int] = []  # how many label texts there were when the rest came in

    def on_change() -> None:
        if not arrived and "late line 49" in view.toPlainText():
            arrived.append(len(texts))

    view.document().contentsChanged.connect(on_change)
    held.release()  # the rest of the text, the load still open
    qtbot.waitUntil(lambda: bool(arrived) and len(texts) > arrived[0], timeout=10000)
    assert texts[-1] == "not found yet…" and page.load_ok is None  # searched, still loading
    held.release()  # the server closes: the load ends, no text comes with it
    qtbot.waitUntil(lambda: page.load_ok is not None, timeout=10000)
    qtbot.waitUntil(lambda: bar.count_label.text() == "No matches")
    assert not page.text_coming


def test_a_search_in_a_background_tab_gives_its_verdict_when_the_tab_is_shown_again(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    held, srv = slow_log(servers, "needle")
    drive.enter_address(qtbot, window, srv.url("/slow.txt"))
    page = window.page
    qtbot.waitUntil(lambda: "early line 49" in page.document_view.toPlainText(), timeout=10000)
    drive.trigger(window, "Edit", "Find…")
    drive.type_text(qtbot, "needles")  # in no part of the page
    qtbot.waitUntil(lambda: page.find_bar.count_label.text() == "not found yet…")
    drive.trigger(window, "File", "New Tab")
    qtbot.waitUntil(lambda: window.page is not page)
    held.release()  # the first tab's page ends while it is hidden
    qtbot.waitUntil(lambda: page.load_ok is not None and not page.rendering, timeout=10000)
    drive.trigger(window, "Go", "Previous Tab")
    qtbot.waitUntil(lambda: window.page is page)
    qtbot.waitUntil(lambda: page.find_bar.count_label.text() == "No matches")


def test_the_find_field_is_wide_when_there_is_room(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers)
    window.show()
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    drive.trigger(window, "Edit", "Find…")
    edit = window.page.find_bar.edit
    qtbot.waitUntil(lambda: edit.isVisible())
    assert edit.width() == edit.maximumWidth()  # (it stayed at its least, 125 px)


def test_zoom_in_out_and_actual_size(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    size = window.page.document_view.font().pointSizeF()
    drive.trigger(window, "View", "Zoom In")
    assert window.page.document_view.font().pointSizeF() > size
    assert "Zoom" in drive.status_text(window)
    drive.trigger(window, "View", "Actual Size")
    assert window.page.document_view.font().pointSizeF() == size
    drive.trigger(window, "View", "Zoom Out")
    assert window.page.document_view.font().pointSizeF() < size


def test_copy_as_curl_puts_the_command_on_the_clipboard(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html") + "#menus")
    drive.trigger(window, "Edit", "Copy as curl")
    command = QGuiApplication.clipboard().text()
    assert command.startswith("curl ") and srv.url("/page.html") in command
    assert "#menus" not in command  # a fragment is never sent
    assert "Copied" in drive.status_text(window)
    assert len(srv.requests) == 1


def test_reload_fetches_again_and_stop_ends_a_load(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    drive.trigger(window, "Go", "Reload")
    qtbot.waitUntil(lambda: len(srv.requests) == 2)
    drive.wait_loaded(qtbot, window)
    assert "alpha beta" in drive.screen_text(window)

    raw = html_response("<p>arrived</p>" + "<p>never</p>" * 50)
    held = Held(raw, raw.index(b"<p>never"))
    slow = serve(servers, held)
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, slow.url("/slow.html"))
    drive.press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "arrived" in drive.screen_text(window))
    drive.trigger(window, "Go", "Stop")
    qtbot.waitUntil(lambda: window.page.load_ok is False)
    assert "Stopped" in drive.status_text(window)
    assert "never" not in drive.screen_text(window)
    assert len(slow.requests) == 1


def test_view_downloads_shows_the_downloads_dock(qtbot: QtBot, window: MainWindow) -> None:
    drive.trigger(window, "View", "Downloads")
    assert window.services.downloads_dock.isVisible()
    assert window.services.downloads_panel is not None
    assert any(
        "No downloads" in text for text in drive.label_texts(window.services.downloads_panel)
    )


def test_save_page_and_save_headers_write_what_was_received(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    raw = html_response(HTML)
    srv = site(servers, raw)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    page, headers = tmp_path / "page.html", tmp_path / "page.headers.txt"
    titles = drive.answer_dialogs(qtbot, str(page))
    drive.trigger(window, "File", "Save Page…")
    qtbot.waitUntil(lambda: page.exists() and page.read_bytes() == HTML.encode(), timeout=10000)
    second = drive.answer_dialogs(qtbot, str(headers))
    drive.trigger(window, "File", "Save Headers…")
    qtbot.waitUntil(lambda: headers.exists(), timeout=10000)
    assert raw.startswith(headers.read_bytes())  # the head exactly as received
    assert headers.read_bytes().startswith(b"HTTP/1.1 200 OK\r\n")
    assert titles == ["Save Page"] and second == ["Save Headers"]
    assert len(srv.requests) == 1  # saved from what was received
