"""The window end to end: real client, real loopback servers, real widgets (offscreen)."""

from __future__ import annotations

import socket
import threading
import unicodedata
from collections.abc import Iterator

import trustme
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from net.events import Finished, Timings
from net.options import FetchOptions
from tests.gui.windows import OPTIONS, serve, text_of
from tests.integration.servers import (
    LoopbackServer,
    closed_port,
    drip,
    http_response,
    read_request,
    redirect,
    respond,
    routes,
    send,
    stall,
    tls_server_context,
)
from ui.shell.main_window import MainWindow


def wait_loaded(qtbot: QtBot, win: MainWindow, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: win.page.load_ok is not None, timeout=timeout)
    qtbot.waitUntil(lambda: not win.page.rendering, timeout=timeout)


def test_typing_a_url_and_enter_fills_both_views(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = b"But soft what light through yonder window breaks\n" * 3
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    bar = window.address_bar
    window.commands.focus_address_action.trigger()
    assert bar.hasFocus()
    url = srv.url("/romeo.txt").removeprefix("http://")  # no scheme: it gets http://
    qtbot.keyClicks(bar, url)
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000) as ended:
        qtbot.keyClick(bar, Qt.Key.Key_Return)
    assert ended.args == [True]
    wait_loaded(qtbot, window)
    assert text_of(window) == body.decode()
    assert window.page.header_view.status_label.text() == "HTTP/1.1 200 OK"
    table = window.page.header_view.table
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert names[0] == "Content-Type" and "Content-Length" in names
    assert "\\r\\n\n" in window.page.header_view.raw.toPlainText()
    assert window.page.header_view.request.toPlainText().startswith(
        "GET /romeo.txt HTTP/1.1\\r\\n\n"
    )
    assert bar.text() == srv.url("/romeo.txt")
    assert window.windowTitle() == f"romeo.txt (127.0.0.1:{srv.port}) — Yonder"
    assert "Done: HTTP 200" in window.page.load_status.label.text()
    assert window.typed.typed[0] == srv.url("/romeo.txt")


def test_streaming_is_visible_mid_transfer(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = b"".join(b"line %03d\n" % i for i in range(60))
    raw = http_response(200, body, [("Content-Type", "text/plain")])
    srv = serve(servers, drip(raw, delay=0.004))  # ~2.5 s in total, one byte per send
    window.load(srv.url("/drip"))
    qtbot.waitUntil(lambda: "line 005" in text_of(window), timeout=10_000)
    assert window.page.load_ok is None  # still loading: the page shows part of the body
    shown = text_of(window)
    assert 0 < len(shown) < len(body)
    assert body.decode().startswith(shown)
    assert window.page.load_status.bar.isVisible()
    window.page.stop()


def test_stop_takes_effect_at_once_and_frees_the_worker(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # How fast the worker is free again: bench/cancel_latency.py.
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n"
    srv = serve(servers, stall(head + b"first part\n"))
    window.load(srv.url("/"))
    qtbot.waitUntil(lambda: "first part" in text_of(window), timeout=10_000)
    assert window.commands.stop_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.page.load_ok is False  # the page knows at once
    # the server stalls forever: the worker being free proves the cancel reached it
    qtbot.waitUntil(lambda: not window.page.fetcher.worker_busy, timeout=10_000)
    assert "Stopped after" in window.page.load_status.label.text()
    assert text_of(window) == "first part\n"  # what arrived stays
    assert not window.commands.stop_action.isEnabled()


def test_a_new_load_during_a_transfer_replaces_it(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
    slow = serve(servers, stall(head + b"old page\n"))
    fast = serve(servers, respond(http_response(200, b"new page\n")))
    window.load(slow.url("/"))
    qtbot.waitUntil(lambda: "old page" in text_of(window), timeout=10_000)
    window.load(fast.url("/"))
    wait_loaded(qtbot, window)
    assert text_of(window) == "new page\n"
    assert window.page.load_ok is True
    qtbot.waitUntil(lambda: not window.page.fetcher.worker_busy, timeout=10_000)
    qtbot.wait(50)
    assert text_of(window) == "new page\n"  # the old load never comes back


def test_stale_signals_are_ignored(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(http_response(200, b"current\n")))
    window.load(srv.url("/a"))
    wait_loaded(qtbot, window)
    old_id = window.page.fetcher.current_id - 1
    assert old_id >= 0
    status = window.page.load_status.label.text()
    fetcher = window.page.fetcher
    fetcher.chunk_received.emit(old_id, b"STALE", 5, 0.1)
    fetcher.failed.emit(old_id, "DNS", "stale failure", "detail")
    fetcher.stopped.emit(old_id)
    fetcher.finished.emit(old_id, Finished("http://stale/", 500, 0, 0, Timings()))
    qtbot.wait(40)
    assert text_of(window) == "current\n"
    assert not window.page.error_banner.isVisible()
    assert window.page.load_status.label.text() == status
    assert window.address_bar.text() == srv.url("/a")


def test_a_utf8_character_split_across_chunks(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = "café 日本語 🦊 €\n".encode()
    raw = http_response(200, body, [("Content-Type", "text/plain; charset=utf-8")])
    srv = serve(servers, drip(raw))  # one byte per send: every character is split
    window.options = FetchOptions(recv_size=512, read_timeout=10.0)
    window.load(srv.url("/"))
    wait_loaded(qtbot, window)
    assert text_of(window) == "café 日本語 🦊 €\n"
    assert "\ufffd" not in text_of(window)


def test_charset_from_content_type_and_redirects_shown(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    latin = http_response(
        200, "naïve\n".encode("latin-1"), [("Content-Type", "text/plain; charset=iso-8859-1")]
    )
    srv = serve(servers, routes({"/start": redirect(302, "/end"), "/end": send(latin)}))
    window.load(srv.url("/start"))
    wait_loaded(qtbot, window)
    assert text_of(window) == "naïve\n"
    assert window.address_bar.text() == srv.url("/end")
    assert window.page.header_view.tabs.tabText(3) == "Redirects (1)"
    assert "302" in window.page.header_view.redirects.toPlainText()
    assert window.page.history.current == srv.url("/end")


def test_closing_mid_transfer_cancels_and_ends_the_worker(
    qtbot: QtBot,
    make_settings,
    servers: list[LoopbackServer],  # type: ignore[no-untyped-def]
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
    srv = serve(servers, stall(head + b"x" * 5000))
    win = MainWindow(make_settings(), options=OPTIONS)
    win.show()
    win.load(srv.url("/"))
    qtbot.waitUntil(lambda: len(text_of(win)) >= 5000, timeout=10_000)
    # The server stalls forever: the thread ending proves the close cancelled the transfer.
    # The wait is generous (a loaded machine); how long closing takes: bench/cancel_latency.py.
    win.close_wait_ms = 30_000
    win.close()
    assert not win.page.fetcher.worker_thread.isRunning()
    win.deleteLater()


# -- error pages: each keeps the partial content --------------------------------------------


def assert_error_page(
    win: MainWindow, phase_words: str, partial: str = "", retry: bool = True
) -> None:
    text = text_of(win)
    assert text.startswith(partial)
    assert "Could not load this page" in text
    assert "What failed" in text and "What you can do" in text and "Technical detail" in text
    assert phase_words in text
    assert "Traceback" not in text
    assert win.page.error_banner.isVisible()
    # Retry where trying again can help; never for a malformed address.
    assert any(url == "yonder:retry" for _, _, url in win.page.document_view.links()) == retry
    assert win.page.error_banner.retry_button.isVisibleTo(win.page.error_banner) == retry
    assert win.page.load_ok is False


def load_and_fail(qtbot: QtBot, win: MainWindow, url: str, timeout: int = 6000) -> None:
    with qtbot.waitSignal(win.page.load_ended, timeout=timeout) as ended:
        win.load(url)
    assert ended.args == [False]
    qtbot.waitUntil(lambda: not win.page.rendering, timeout=10_000)


def test_error_dns(qtbot: QtBot, window: MainWindow) -> None:
    load_and_fail(qtbot, window, "http://no-such-host.invalid/")
    assert_error_page(window, "DNS:")
    assert "No response" in window.page.header_view.status_label.text()


def test_error_refused_then_retry_works(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    port = closed_port()
    load_and_fail(qtbot, window, f"http://127.0.0.1:{port}/")
    assert_error_page(window, "Connect:")
    assert f"127.0.0.1:{port}" in text_of(window)


def test_error_read_timeout_keeps_partial(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
    srv = serve(servers, stall(head + b"partial text\n"))
    window.options = FetchOptions(read_timeout=0.3)
    load_and_fail(qtbot, window, srv.url("/"))
    assert_error_page(window, "Read:", partial="partial text\n")
    assert "after 13 bytes" in text_of(window)


def test_error_tls_untrusted(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    context = tls_server_context(trustme.CA(), "localhost", "127.0.0.1")
    srv = serve(servers, respond(http_response(200, b"secret")), tls=context)
    load_and_fail(qtbot, window, srv.url("/"))
    assert_error_page(window, "TLS:")


def test_error_protocol_garbage(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(b"SSH-2.0-OpenSSH_9.2\r\nthis is not http\r\n\r\n"))
    load_and_fail(qtbot, window, srv.url("/"))
    assert_error_page(window, "Protocol:")


def test_error_truncated_keeps_partial(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly half of it\n"
    srv = serve(servers, respond(raw))
    load_and_fail(qtbot, window, srv.url("/"))
    assert_error_page(window, "Protocol:", partial="only half of it\n")
    assert window.page.header_view.status_label.text() == "HTTP/1.1 200 OK"


def test_error_bad_redirect_target_is_the_servers_fault(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(http_response(302, b"", [("Location", "ftp://files.example/x")])))
    load_and_fail(qtbot, window, srv.url("/"))
    assert_error_page(window, "Redirect:")
    assert "cannot follow" in text_of(window)
    assert "Check the address" not in text_of(window)  # not the user's typing


def test_invalid_address_is_an_inline_error(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        window.address_bar.setText("ftp://example.org/file")
        qtbot.keyClick(window.address_bar, Qt.Key.Key_Return)
    assert_error_page(window, "Address:", retry=False)
    assert "Unsupported scheme" in text_of(window)


def test_an_overlong_address_is_refused_whole_not_cut(qtbot: QtBot, window: MainWindow) -> None:
    address = "http://127.0.0.1:9/" + "x" * 40_000
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        window.address_bar.setText(address)
        qtbot.keyClick(window.address_bar, Qt.Key.Key_Return)
    assert window.address_bar.text() == address  # not silently cut to 32,767 characters
    assert_error_page(window, "Address:", retry=False)
    assert "once encoded" in text_of(window)


def test_retry_link_reloads(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    calls = {"n": 0}

    def flaky(conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        calls["n"] += 1
        if calls["n"] == 1:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\ncut")
        else:
            conn.sendall(http_response(200, b"whole page\n"))

    srv = serve(servers, flaky)
    load_and_fail(qtbot, window, srv.url("/"))
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000) as ended:
        window.page.document_view.link_activated.emit("yonder:retry")
    assert ended.args == [True]
    wait_loaded(qtbot, window)
    assert text_of(window) == "whole page\n"
    assert not window.page.error_banner.isVisible()


# -- navigation, start page, settings --------------------------------------------------------


def test_start_page_links_and_bundled_sample(qtbot: QtBot, window: MainWindow) -> None:
    window.go_home()
    assert "Welcome to Yonder" in text_of(window)
    links = [url for _, _, url in window.page.document_view.links()]
    assert "http://data.pr4e.org/romeo.txt" in links
    assert "yonder:samples/romeo.txt" in links
    window.page.document_view.setFocus()
    # Tab to the bundled romeo.txt link, Enter follows it: no network involved.
    for _ in range(links.index("yonder:samples/romeo.txt") + 1):
        qtbot.keyClick(window.page.document_view, Qt.Key.Key_Tab)
    assert window.page.document_view.focused_link() == "yonder:samples/romeo.txt"
    qtbot.keyClick(window.page.document_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=10_000)
    assert text_of(window).startswith("But soft what light through yonder window breaks")
    assert window.windowTitle() == "romeo.txt — Yonder"
    assert window.page.load_ok is True


def test_back_and_forward(qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]) -> None:
    srv = serve(
        servers,
        routes(
            {"/one": send(http_response(200, b"one\n")), "/two": send(http_response(200, b"two\n"))}
        ),
    )
    window.go_home()
    for path in ("/one", "/two"):
        window.load(srv.url(path))
        wait_loaded(qtbot, window)
    assert text_of(window) == "two\n"
    assert (
        window.commands.back_action.isEnabled() and not window.commands.forward_action.isEnabled()
    )
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    wait_loaded(qtbot, window)
    assert text_of(window) == "one\n"
    window.page.go_back()
    assert "Welcome to Yonder" in text_of(window)
    assert not window.commands.back_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    wait_loaded(qtbot, window)
    assert text_of(window) == "one\n"
    assert window.commands.forward_action.isEnabled()


def test_settings_persist_geometry_splitter_and_history(
    qtbot: QtBot,
    make_settings,
    servers: list[LoopbackServer],  # type: ignore[no-untyped-def]
) -> None:
    srv = serve(servers, respond(http_response(200, b"hello\n")))
    first = MainWindow(make_settings(), options=OPTIONS)
    first.show()
    first.resize(700, 520)  # the offscreen screen is 800x600
    first.page.splitter.setSizes([250, 600])
    sizes = first.page.splitter.sizes()
    first.address_bar.setText(srv.url("/remember"))
    qtbot.keyClick(first.address_bar, Qt.Key.Key_Return)
    wait_loaded(qtbot, first)
    first.close()
    first.deleteLater()

    second = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (700, 520)
    assert second.page.splitter.sizes() == sizes
    assert second.typed.typed == [srv.url("/remember")]
    assert second.address_bar.history() == [srv.url("/remember")]
    second.close()


def test_default_size_and_title(window: MainWindow) -> None:
    screen = window.screen().availableGeometry()
    assert window.height() == min(750, screen.height() - 48)
    window.go_home()
    assert window.windowTitle() == "Start page — Yonder"


def test_closing_while_the_worker_is_stuck_waits_it_out_instead_of_aborting(
    qtbot: QtBot, make_settings
) -> None:  # type: ignore[no-untyped-def]
    # A fetch stuck in a call that ignores cancel (as a slow disk write would) outlives the
    # close's 1 s wait; destroying its running QThread would abort the process.
    inside, release = threading.Event(), threading.Event()

    def stuck_fetch(url: str, options: object, cancel: object) -> Iterator[object]:
        inside.set()
        release.wait(60)  # ignores cancel; stuck until the test lets it go
        yield from ()

    win = MainWindow(make_settings(), options=OPTIONS, fetch=stuck_fetch)
    qtbot.addWidget(win)
    win.show()
    win.load("http://127.0.0.1:9/")
    assert inside.wait(30)
    win.close()
    assert win.page.fetcher.worker_thread.isRunning()  # closing waited only close_wait_ms
    release.set()
    assert win.wait_for_workers(30_000)
    assert not win.page.fetcher.worker_thread.isRunning()


def test_server_text_is_plain_and_cannot_grow_the_window(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # A status reason and a Content-Type that look like HTML are shown as typed, not rendered.
    reason = b'<h1 style="font-size:200px">Y</h1><img src="/tmp/x.png">'
    raw = (
        b"HTTP/1.1 200 " + reason + b"\r\nContent-Type: image/x<b style='font-size:120px'>big</b>"
        b"\r\nContent-Length: 4\r\n\r\n\x00\x01\x02\x03"
    )
    srv = serve(servers, respond(raw))
    size = window.size()
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        window.load(srv.url("/rt"))
    wait_loaded(qtbot, window)
    status = window.page.header_view.status_label
    assert status.textFormat() == Qt.TextFormat.PlainText
    assert status.text() == "HTTP/1.1 200 " + reason.decode()
    qtbot.waitUntil(lambda: window.page.notice_bar.isVisible(), timeout=10_000)
    notice = window.page.notice_bar.label
    assert notice.textFormat() == Qt.TextFormat.PlainText
    assert "image/x<b style='font-size:120px'>big</b>" in notice.text()
    assert window.page.load_status.label.textFormat() == Qt.TextFormat.PlainText
    # A 60 KB reason without spaces: elided, the window keeps its size, Raw has all of it.
    long = b"R" * 60_000
    raw = b"HTTP/1.1 200 " + long + b"\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nhi\n"
    srv = serve(servers, respond(raw))
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        window.load(srv.url("/long"))
    wait_loaded(qtbot, window)
    qtbot.wait(100)  # let the layouts settle
    assert window.width() <= 2 * size.width() and window.height() <= 2 * size.height()
    assert window.minimumSizeHint().width() < 2000
    assert len(status.text()) <= 200 and status.text().endswith("…")
    assert long.decode() in window.page.header_view.raw.toPlainText()
    assert "RRRR" in status.toolTip()


def test_a_title_with_control_and_bidi_characters_is_cleaned(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    page = "<title>\u202eevil\x00 \x1b\u2066page\u2069 " + "T" * 500 + "</title><p>hi"
    srv = serve(
        servers,
        respond(http_response(200, page.encode(), [("Content-Type", "text/html; charset=utf-8")])),
    )
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        window.load(srv.url("/t"))
    wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: "evil" in window.windowTitle(), timeout=10_000)
    title = window.windowTitle()
    assert title.endswith(" — Yonder") and title.startswith("evil")
    assert not [ch for ch in title if unicodedata.category(ch) in {"Cc", "Cf"}]
    assert len(title) <= 150 + len(" — Yonder")


def test_a_long_redirect_location_keeps_the_error_banner_small(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    location = "ftp://files.example/<h1>big</h1><img src='/tmp/x.png'>" + "x" * 20_000
    srv = serve(servers, respond(http_response(302, b"", [("Location", location)])))
    size = window.size()
    load_and_fail(qtbot, window, srv.url("/"))
    qtbot.wait(100)
    banner = window.page.error_banner
    assert banner.isVisible()
    assert banner.label.textFormat() == Qt.TextFormat.PlainText
    assert len(banner.label.text()) <= 300 and banner.label.text().endswith("…")
    assert banner.height() < 200
    assert len(window.page.load_status.label.text()) <= 200
    assert window.width() <= 2 * size.width() and window.height() <= 2 * size.height()
