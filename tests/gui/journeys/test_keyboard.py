"""Journeys without a mouse (issue 10, defects 3 and 5): the focus goes to the page, Tab
cycles its links and never falls into the header table, F6 moves between the panes, Esc
surprises nobody, and the status bar shows the link Tab reached, never a stale one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import Held, html_response
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, routes, send
from ui.shell.main_window import MainWindow

PAGE = (
    "<title>Links</title><h1>Three links</h1>"
    "<p>Go to <a href='a.html'>page A</a>, <a href='b.html'>page B</a> "
    "or <a href='#end'>the end</a>.</p>" + "<p>filler</p>" * 5 + "<p id=end>The end.</p>"
)


def serve_site(servers: list[LoopbackServer]) -> LoopbackServer:
    return serve(
        servers,
        routes(
            {
                "/page.html": send(html_response(PAGE)),
                "/a.html": send(html_response("<title>A</title><p>This is page A.</p>")),
                "/b.html": send(html_response("<title>B</title><p>This is page B.</p>")),
            }
        ),
    )


def test_enter_moves_the_focus_to_the_page_and_tab_cycles_its_links(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve_site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    view = window.page.document_view
    assert drive.focused() is view  # not left in the address bar
    hrefs = [srv.url("/a.html"), srv.url("/b.html"), srv.url("/page.html#end")]
    assert [link[2] for link in view.links()] == hrefs
    reached = []
    for _ in range(len(hrefs) + 1):
        drive.press(qtbot, Qt.Key.Key_Tab)
        assert drive.focused() is view  # never into the header table
        reached.append(view.focused_link())
        assert drive.status_text(window) == reached[-1]  # the URL of the link Tab reached
    assert reached == [*hrefs, hrefs[0]]  # past the last link: the first again
    drive.press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert view.focused_link() == hrefs[-1]  # before the first: the last
    drive.press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert view.focused_link() == hrefs[1]
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, window)
    assert "This is page B." in drive.screen_text(window)
    assert len(drive.requests_to(srv, "/b.html")) == 1
    assert window.statusBar().currentMessage() == ""  # no stale link URL
    assert "page A" not in drive.status_text(window)


def test_a_hovered_link_leaves_no_stale_url_after_the_click(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve_site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    drive.hover_link(qtbot, window, srv.url("/a.html"))
    assert drive.status_text(window) == srv.url("/a.html")
    drive.click_link(qtbot, window, srv.url("/a.html"))
    drive.wait_loaded(qtbot, window)
    assert "This is page A." in drive.screen_text(window)
    assert window.statusBar().currentMessage() == ""
    assert srv.url("/a.html") not in drive.status_text(window)


def test_f6_cycles_address_bar_document_headers_and_stream_dock(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve_site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    if not window.stream_dock.isVisible():
        drive.trigger(window, "View", "Stream (timeline, receive lab)")
    assert window.stream_dock.isVisible()
    drive.trigger(window, "File", "Go to address bar")

    def where() -> str:
        focus = drive.focused()
        for name, pane in (
            ("address", window.address_bar),
            ("document", window.page.document_view),
            ("headers", window.page.header_view),
            ("stream", window.stream_dock),
        ):
            if focus is pane or pane.isAncestorOf(focus):
                return name
        return f"elsewhere: {focus!r}"

    visited = []
    for _ in range(4):
        drive.press(qtbot, Qt.Key.Key_F6)
        visited.append(where())
    assert visited == ["document", "headers", "stream", "address"]
    visited = []
    for _ in range(4):
        drive.press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
        visited.append(where())
    assert visited == ["stream", "headers", "document", "address"]
    # In the header view, Tab moves on (the table no longer keeps it to walk its cells).
    drive.press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    drive.press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert where() == "headers"
    table = window.page.header_view.table
    assert drive.focused() is table
    drive.press(qtbot, Qt.Key.Key_Tab)
    assert drive.focused() is not table


def test_esc_in_the_document_stops_a_load_and_otherwise_does_nothing(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve_site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    view = window.page.document_view
    text, scroll = drive.screen_text(window), drive.scroll(window)
    drive.press(qtbot, Qt.Key.Key_Escape)
    assert drive.focused() is view
    assert drive.screen_text(window) == text and drive.scroll(window) == scroll
    assert len(srv.requests) == 1

    raw = html_response("<p>first part</p>" + "<p>more</p>" * 100)
    held = Held(raw, raw.index(b"<p>more"))
    slow = serve(servers, held)
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, slow.url("/slow.html"))
    drive.press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "first part" in drive.screen_text(window))
    assert drive.focused() is view and window.page.load_ok is None
    drive.press(qtbot, Qt.Key.Key_Escape)  # Stop, as in every browser
    qtbot.waitUntil(lambda: window.page.load_ok is False)
    assert drive.focused() is view
    assert "Stopped" in drive.status_text(window)
    assert "first part" in drive.screen_text(window)


def test_escape_in_the_address_bar_undoes_the_typing_then_hands_the_keys_to_the_page(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/long.html": send(html_response("<p>line</p>" * 300))}))
    url = srv.url("/long.html")
    drive.open_address(qtbot, window, url)
    bar, view = window.address_bar, window.page.document_view
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, "garbage")
    assert bar.text() == "garbage"
    drive.press(qtbot, Qt.Key.Key_Escape)  # as in browsers: what was typed is undone
    assert bar.text() == url and bar.selectedText() == url
    assert drive.focused() is bar
    drive.press(qtbot, Qt.Key.Key_Escape)  # nothing left to undo: back to the page
    assert drive.focused() is view
    top = drive.scroll(window)
    drive.press(qtbot, Qt.Key.Key_Space)  # the keys are the page's again
    assert drive.scroll(window) != top
    # Ctrl+L, Escape, then a space: the address is kept, not typed over.
    drive.trigger(window, "File", "Go to address bar")
    drive.press(qtbot, Qt.Key.Key_Escape)
    drive.press(qtbot, Qt.Key.Key_Space)
    assert bar.text() == url
    assert len(srv.requests) == 1


def open_half_a_page(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> tuple[Held, str]:
    """A page typed into the address bar whose first part is shown and whose rest is held
    (until released): (the hold, the page's address)."""
    raw = html_response("<p>first part</p>" + "<p>more</p>" * 100)
    held = Held(raw, raw.index(b"<p>more"))
    url = serve(servers, held).url("/slow.html")
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, url)
    drive.press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "first part" in drive.screen_text(window))
    return held, url


def test_escape_while_a_page_loads_undoes_the_typing_first_and_stops_the_page_next(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    held, url = open_half_a_page(qtbot, window, servers)
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, "other.example")
    drive.press(qtbot, Qt.Key.Key_Escape)  # the bar's: the typing undone, the page goes on
    assert window.address_bar.text() == url
    assert window.page.load_ok is None
    drive.press(qtbot, Qt.Key.Key_Escape)  # the window's: Stop
    qtbot.waitUntil(lambda: window.page.load_ok is False)
    assert "Stopped" in drive.status_text(window)
    held.release_all()


def test_what_is_typed_in_the_address_bar_stays_when_a_load_ends_meanwhile(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    held, url = open_half_a_page(qtbot, window, servers)
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, "next.example/dra")
    held.release_all()  # the page ends while the next address is half typed
    drive.wait_loaded(qtbot, window)
    assert window.page.load_ok is True
    drive.type_text(qtbot, "ft")
    assert window.address_bar.text() == "next.example/draft"  # (the load's end wiped it)
    drive.press(qtbot, Qt.Key.Key_Escape)
    assert window.address_bar.text() == url
