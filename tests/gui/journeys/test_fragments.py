"""Journeys: #fragment links in a page (issue 10, defect 2).

A same-document fragment scrolls to its target with no request; the address bar shows the
fragment; Back and Forward move between the positions; a typed address with a fragment loads
once and scrolls as soon as the target has arrived; an unknown fragment stays at the top,
silently; text/plain has no targets.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import Held, html_response, manual
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.shell.main_window import MainWindow


def test_a_table_of_contents_link_scrolls_without_a_request_and_back_returns(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/doc.html": send(html_response(manual()))}))
    page = srv.url("/doc.html")
    drive.enter_address(qtbot, window, page)
    drive.wait_loaded(qtbot, window)
    assert len(srv.requests) == 1
    assert drive.top_line(window) == "The Manual"

    drive.hover_link(qtbot, window, page + "#usage")
    assert drive.status_text(window) == page + "#usage"  # the fragment is not dropped
    drive.click_link(qtbot, window, page + "#usage")
    qtbot.waitUntil(lambda: drive.top_line(window).startswith("Usage"))
    assert len(srv.requests) == 1  # no request: the same document
    assert window.address_bar.text() == page + "#usage"
    assert window.windowTitle() == "Manual — Yonder"  # still the page's own title
    usage_top = drive.scroll(window)[0]
    assert usage_top > 0

    drive.click_link(qtbot, window, page + "#faq")  # an <a name> target
    qtbot.waitUntil(lambda: drive.top_line(window).startswith("Faq"))
    assert window.address_bar.text() == page + "#faq"

    drive.trigger(window, "Go", "Back")
    qtbot.waitUntil(lambda: drive.top_line(window).startswith("Usage"))
    assert window.address_bar.text() == page + "#usage"
    drive.trigger(window, "Go", "Back")
    qtbot.waitUntil(lambda: drive.top_line(window) == "The Manual")
    assert window.address_bar.text() == page
    drive.trigger(window, "Go", "Forward")
    qtbot.waitUntil(lambda: drive.top_line(window).startswith("Usage"))
    assert window.address_bar.text() == page + "#usage"
    assert len(srv.requests) == 1  # back and forward within the page fetch nothing
    assert window.page.document_view.toPlainText().startswith("The Manual")


def test_back_to_top_and_an_unknown_fragment_change_nothing_else(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/doc.html": send(html_response(manual()))}))
    page = srv.url("/doc.html")
    drive.enter_address(qtbot, window, page)
    drive.wait_loaded(qtbot, window)
    drive.click_link(qtbot, window, page + "#nowhere")
    qtbot.waitUntil(lambda: window.address_bar.text() == page + "#nowhere")
    assert drive.scroll(window)[0] == 0  # stays at the top, silently
    assert not window.page.error_banner.isVisible()
    drive.click_link(qtbot, window, page + "#install")
    qtbot.waitUntil(lambda: drive.top_line(window).startswith("Install"))
    drive.click_link(qtbot, window, page + "#top")  # "Back to top", at the end of the page
    qtbot.waitUntil(lambda: drive.top_line(window) == "The Manual")
    assert len(srv.requests) == 1


def test_top_and_an_empty_fragment_go_to_the_top_of_a_page_that_names_no_top(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # HTML's "scroll to the fragment": with no element of that name, "#top" (in any case)
    # and "#" are the top of the document.
    doc = (
        manual()
        .replace('<h1 id="top">', "<h1>")
        .replace(
            '<a href="#top">Back to top</a>',
            '<a href="#Top">Back to top</a> <a href="#">Top again</a>',
        )
    )
    srv = serve(servers, routes({"/doc.html": send(html_response(doc))}))
    page = srv.url("/doc.html")
    drive.enter_address(qtbot, window, page)
    drive.wait_loaded(qtbot, window)
    for link in ("#Top", "#"):
        drive.click_link(qtbot, window, page + "#install")
        qtbot.waitUntil(lambda: drive.top_line(window).startswith("Install"))
        drive.click_link(qtbot, window, page + link)
        qtbot.waitUntil(lambda: drive.top_line(window) == "The Manual")
        assert window.address_bar.text() == page + link
    assert len(srv.requests) == 1


def test_a_typed_address_with_a_fragment_loads_once_and_scrolls_while_streaming(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    raw = html_response(manual())
    held = Held(raw, raw.index(b"Usage paragraph 39"))  # the target is in, the rest is not
    srv = serve(servers, held)
    try:
        drive.enter_address(qtbot, window, srv.url("/doc.html#usage"))
        qtbot.waitUntil(lambda: drive.top_line(window).startswith("Usage"), timeout=10000)
        assert window.page.load_ok is None  # still streaming
        assert window.address_bar.text() == srv.url("/doc.html#usage")
    finally:
        held.release_all()
    drive.wait_loaded(qtbot, window)
    assert drive.top_line(window).startswith("Usage")  # the rest did not move the view
    assert len(srv.requests) == 1
    request_line = srv.requests[0].split(b"\r\n", 1)[0]
    assert request_line == b"GET /doc.html HTTP/1.1"  # the fragment is never sent


def test_plain_text_has_no_fragments_and_opens_at_its_top(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    lines = "".join(f"line {n} id=usage #usage\n" for n in range(300)).encode()
    srv = serve(
        servers,
        routes({"/log.txt": send(http_response(200, lines, [("Content-Type", "text/plain")]))}),
    )
    drive.enter_address(qtbot, window, srv.url("/log.txt#usage"))
    drive.wait_loaded(qtbot, window)
    assert drive.scroll(window)[0] == 0
    assert drive.top_line(window).startswith("line 0")
    assert window.address_bar.text() == srv.url("/log.txt#usage")
    assert len(srv.requests) == 1
