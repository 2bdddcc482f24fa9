"""Reading the web as text, through the window: rendered HTML, links, charsets, binary bodies,
the view cap, views, find, save, curl, zoom/wrap. Real client, loopback servers, offscreen."""

from __future__ import annotations

import gzip
import hashlib
import shlex
import socket
import tracemalloc
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontInfo, QGuiApplication, QTextCursor
from pytestqt.qtbot import QtBot

from net.options import FetchOptions
from tests.gui.shown import shown_format
from tests.gui.windows import OPTIONS, serve, text_of
from tests.integration.servers import (
    LoopbackServer,
    drip,
    http_response,
    read_request,
    respond,
    routes,
    send,
    stall,
)
from ui.page.page_renderer import ViewMode, charset_label
from ui.shell.main_window import MainWindow
from ui.text.wire_text import wire_bytes, wire_text


def load(qtbot: QtBot, win: MainWindow, url: str, timeout: int = 5000) -> None:
    with qtbot.waitSignal(win.page.load_ended, timeout=timeout):
        win.load(url)
    wait_rendered(qtbot, win, timeout)


def wait_rendered(qtbot: QtBot, win: MainWindow, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: not win.page.rendering, timeout=timeout)


def html(body: str, head: str = "", charset: str | None = "utf-8", encoding: str = "") -> bytes:
    ctype = "text/html" + (f"; charset={charset}" if charset else "")
    doc = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    data = doc.encode(encoding or charset or "utf-8")
    return http_response(200, data, [("Content-Type", ctype)])


ARTICLE = (
    "<title>The  Yonder   Times</title><h1>Front page</h1>"
    "<p>First <b>bold</b> and <em>slanted</em> words.</p>"
    "<table><tr><th>Act</th><th>Place</th></tr><tr><td>I</td><td>Verona</td></tr></table>"
    "<ul><li>one<li>two</ul><script>alert('no')</script><p>Fish &amp; chips &copy;</p>"
)


# -- rendered HTML -----------------------------------------------------------------------------


def test_html_is_rendered_with_title_styles_and_no_markup(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(html(ARTICLE)))
    load(qtbot, window, srv.url("/news.html"))
    text = text_of(window)
    assert "Front page" in text and "First bold and slanted words." in text
    assert "<b>" not in text and "alert" not in text and "Fish & chips ©" in text
    assert "• one" in text and "• two" in text
    assert window.windowTitle() == "The Yonder Times — Yonder"
    assert window.page.renderer.kind == "html"
    # Heading bold and bigger; the table monospace; the body font proportional.
    view = window.page.document_view
    assert shown_format(view, text.index("Front")).fontWeight() >= 700
    assert shown_format(view, text.index("Verona")).fontFixedPitch()
    # paragraphs read proportional
    assert not QFontInfo(window.page.document_view.font()).fixedPitch()
    assert window.page.charset_label.text() == "UTF-8 · from Content-Type"


def test_rendering_is_progressive_from_a_drip_server(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    paragraphs = "".join(f"<p>Paragraph number {i:03d} of the story.</p>" for i in range(80))
    raw = html(paragraphs)
    srv = serve(servers, drip(raw, delay=0.0015))  # ~3 s in total, one byte per send
    window.load(srv.url("/slow.html"))
    qtbot.waitUntil(lambda: "Paragraph number 003" in text_of(window), timeout=10_000)
    assert window.page.load_ok is None  # still loading: part of the page is readable already
    assert "Paragraph number 079" not in text_of(window)
    assert "<p>" not in text_of(window)
    window.page.stop()


def test_links_follow_relative_urls_by_click_and_keyboard(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    page = html('<p>Go <a href="next.html?x=1">next</a> or <a href="../up.html">up</a>.</p>')
    srv = serve(
        servers,
        routes(
            {
                "/dir/page.html": send(page),
                "/dir/next.html?x=1": send(html("<p>the next page</p>")),
                "/up.html": send(html("<p>the up page</p>")),
            }
        ),
    )
    load(qtbot, window, srv.url("/dir/page.html"))
    links = window.page.document_view.links()
    assert [url for _, _, url in links] == [srv.url("/dir/next.html?x=1"), srv.url("/up.html")]
    # Click the first link.
    view = window.page.document_view
    cursor = QTextCursor(view.document())
    cursor.setPosition(links[0][0] + 1)
    point: QPoint = view.cursorRect(cursor).center()
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    wait_rendered(qtbot, window)
    assert window.url == srv.url("/dir/next.html?x=1")
    assert "the next page" in text_of(window)
    # Back, then the keyboard: Tab twice, Enter follows the second link.
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        window.page.go_back()
    wait_rendered(qtbot, window)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.focused_link() == srv.url("/up.html")
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        qtbot.keyClick(view, Qt.Key.Key_Return)
    wait_rendered(qtbot, window)
    assert window.url == srv.url("/up.html")
    assert "the up page" in text_of(window)


def test_links_resolve_against_base_href(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(b""))
    page = html('<a href="b.html">b</a>', head=f'<base href="{srv.url("/base/")}">')
    srv.handler = routes({"/a/page.html": send(page), "/base/b.html": send(html("based"))})
    load(qtbot, window, srv.url("/a/page.html"))
    assert [url for _, _, url in window.page.document_view.links()] == [srv.url("/base/b.html")]
    window.page.document_view.link_activated.emit(window.page.document_view.links()[0][2])
    qtbot.waitUntil(lambda: "based" in text_of(window), timeout=10_000)


def test_plain_text_urls_are_clickable_and_json_is_pretty_printed(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    text = b"See https://example.org/a_(b) and www.example.com.\n"
    doc = b'{"name":"Yonder","list":[1,2],"nested":{"ok":true}}'
    srv = serve(
        servers,
        routes(
            {
                "/t.txt": send(http_response(200, text, [("Content-Type", "text/plain")])),
                "/d.json": send(http_response(200, doc, [("Content-Type", "application/json")])),
            }
        ),
    )
    load(qtbot, window, srv.url("/t.txt"))
    assert text_of(window) == text.decode()
    assert [u for _, _, u in window.page.document_view.links()] == [
        "https://example.org/a_(b)",
        "http://www.example.com",
    ]
    load(qtbot, window, srv.url("/d.json"))
    assert text_of(window) == (
        '{\n  "name": "Yonder",\n  "list": [\n    1,\n    2\n  ],\n'
        '  "nested": {\n    "ok": true\n  }\n}'
    )
    window.page.set_view_mode(ViewMode.SOURCE)
    wait_rendered(qtbot, window)
    assert text_of(window) == doc.decode()
    assert QFontInfo(window.page.document_view.font()).fixedPitch()


def test_switching_views_re_renders_without_fetching(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(html("<h1>Hi</h1><p>there</p>")))
    load(qtbot, window, srv.url("/"))
    assert text_of(window).startswith("Hi")
    qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)  # Ctrl+U
    wait_rendered(qtbot, window)
    assert window.page.view_mode == ViewMode.SOURCE
    assert "<h1>Hi</h1><p>there</p>" in text_of(window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    wait_rendered(qtbot, window)
    assert text_of(window).startswith("HTTP/1.1 200 OK\\r\\n\n")
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    wait_rendered(qtbot, window)
    assert text_of(window).startswith("Hi")
    assert len(srv.requests) == 1
    # A reload keeps the chosen view; another page starts Rendered again.
    window.page.set_view_mode(ViewMode.SOURCE)
    load(qtbot, window, srv.url("/"))
    assert window.page.view_mode == ViewMode.SOURCE and "<h1>" in text_of(window)
    load(qtbot, window, srv.url("/other"))
    assert window.page.view_mode == ViewMode.RENDERED and text_of(window).startswith("Hi")


# -- wire --------------------------------------------------------------------------------------


def test_wire_view_shows_the_head_with_visible_crlf_and_the_end_marked(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"
    srv = serve(servers, respond(head + body))
    load(qtbot, window, srv.url("/chunked"))
    assert text_of(window) == "hello, world"
    window.page.set_view_mode(ViewMode.WIRE)
    wait_rendered(qtbot, window)
    shown = text_of(window)
    lines = shown.split("\n")
    assert lines[0] == "HTTP/1.1 200 OK\\r\\n"
    assert lines[3].startswith("\\r\\n  ← blank line: end of the head")
    assert lines[1] == "Content-Type: text/plain\\r\\n"
    # Everything after the marker line is the body exactly as received, chunk sizes included.
    assert wire_bytes("\n".join(lines[4:])) == body
    assert "\n".join(lines[4:]).startswith("5\\r\\n\nhello\\r\\n\n7\\r\\n")


# -- charsets ----------------------------------------------------------------------------------


def test_charset_from_header_bom_meta_and_default(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    word = "déjà vu"
    srv = serve(
        servers,
        routes(
            {
                "/header": send(
                    http_response(
                        200,
                        word.encode("latin-1"),
                        [("Content-Type", "text/plain; charset=iso-8859-1")],
                    )
                ),
                "/bom": send(
                    http_response(
                        200, b"\xef\xbb\xbf" + word.encode(), [("Content-Type", "text/plain")]
                    )
                ),
                "/meta": send(
                    html(
                        word, head='<meta charset="windows-1252">', charset=None, encoding="cp1252"
                    )
                ),
                "/default": send(http_response(200, b"caf\xe9", [("Content-Type", "text/plain")])),
                "/utf8": send(http_response(200, b"caf\xc3\xa9", [("Content-Type", "text/plain")])),
            }
        ),
    )
    expected = {
        "/header": (word, "windows-1252 · from Content-Type"),
        "/bom": (word, "UTF-8 · from the byte-order mark"),
        "/meta": (word, "windows-1252 · from <meta> in the page"),
        # Undeclared and not UTF-8: windows-1252, as WHATWG's default (was "caf\ufffd").
        "/default": ("café", "windows-1252 · default (nothing declared, not valid UTF-8)"),
        "/utf8": ("café", "UTF-8 · default (nothing declared)"),
    }
    for path, (text, label) in expected.items():
        load(qtbot, window, srv.url(path))
        assert text_of(window).strip() == text, path
        assert window.page.charset_label.text() == label, path


def test_encoding_override_re_decodes_without_fetching(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = "Grüße, naïve café".encode()
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    load(qtbot, window, srv.url("/"))
    assert text_of(window) == "Grüße, naïve café"
    window.commands.encoding_actions["windows-1252"].trigger()
    wait_rendered(qtbot, window)
    assert text_of(window) == body.decode("cp1252")  # "GrÃ¼ÃŸe…": what the override asked
    assert window.page.charset_label.text() == "windows-1252 · chosen in View > Encoding"
    window.commands.encoding_actions[None].trigger()
    wait_rendered(qtbot, window)
    assert text_of(window) == "Grüße, naïve café"
    assert len(srv.requests) == 1  # every re-decode came from the store


def test_a_multibyte_character_split_across_chunks_in_html(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, drip(html("<p>日本語 🦊 € naïve</p>")))
    window.options = FetchOptions(recv_size=512, read_timeout=10.0)
    load(qtbot, window, srv.url("/"))
    assert text_of(window) == "日本語 🦊 € naïve"


# -- binary ------------------------------------------------------------------------------------


def test_a_png_is_shown_as_a_hex_dump_never_as_text(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    png = (Path(__file__).parents[2] / "resources" / "samples" / "gradient.png").read_bytes()
    # Declared; sniffed from the signature; or sent as text/plain, as Apache does for files
    # it knows nothing about (checked, as browsers do).
    for ctype in ("image/png", "", "text/plain; charset=UTF-8"):
        headers = [("Content-Type", ctype)] if ctype else []
        srv = serve(servers, respond(http_response(200, png, headers)))
        load(qtbot, window, srv.url("/picture"))
        text = text_of(window)
        assert text.startswith("Binary content: not shown as text")
        assert f"({len(png):,} bytes)" in text
        assert "00000000  89 50 4e 47 0d 0a 1a 0a" in text
        assert "IDAT" not in text.split("The first")[0]
        assert any(url == "yonder:save-page" for _, _, url in window.page.document_view.links())
        assert window.page.renderer.kind == "binary"
        assert window.page.notice_bar.isVisible() and window.page.notice_bar.save_button.isVisible()
        assert "Binary content" in window.page.notice_bar.label.text()


# -- large bodies ------------------------------------------------------------------------------


BIG = 100 * 1024 * 1024
BLOCK = bytes(range(32, 127)) * 11 + b"\n"  # 1,046 bytes of printable text per line


def _big_handler(conn: socket.socket, server: LoopbackServer) -> None:
    read_request(conn, server)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        + f"Content-Length: {BIG}\r\n\r\n".encode()
    )
    piece = BLOCK * 1000
    sent = 0
    while sent < BIG:
        chunk = piece[: BIG - sent]
        conn.sendall(chunk)
        sent += len(chunk)


def _expected_digest() -> str:
    digest = hashlib.sha256()
    piece = BLOCK * 1000
    sent = 0
    while sent < BIG:
        chunk = piece[: BIG - sent]
        digest.update(chunk)
        sent += len(chunk)
    return digest.hexdigest()


@pytest.mark.slow
def test_a_100_mb_body_is_capped_in_the_view_and_saved_whole(
    qtbot: QtBot, make_settings, servers: list[LoopbackServer], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cap = 2 * 1024 * 1024
    win = MainWindow(make_settings(), options=OPTIONS, view_cap=cap)
    qtbot.addWidget(win)
    win.show()
    srv = serve(servers, _big_handler)
    announced: list[tuple[int, int]] = []
    win.page.renderer.truncated.connect(lambda shown, total: announced.append((shown, total)))
    tracemalloc.start()
    try:
        with qtbot.waitSignal(win.page.load_ended, timeout=25000) as ended:
            win.load(srv.url("/big.txt"))
        wait_rendered(qtbot, win, 10000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ended.args == [True]
    assert announced == [(cap, -1), (cap, BIG)]  # at the cap while loading, then the total
    assert "the whole 100 MiB body is kept for Save" in win.page.notice_bar.label.text()
    text = text_of(win)
    assert (
        "Document truncated at 2 MiB in the view; the whole 100 MiB body is kept for Save" in text
    )
    assert cap - 2000 < len(text) < cap + 2000
    assert win.page.notice_bar.isVisible() and win.page.notice_bar.save_button.isVisible()
    # Memory: the cap, the mailbox and a few batches in flight; never the 100 MB body.
    assert peak < 40 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
    target = tmp_path / "big.txt"
    win.ask_path = lambda caption, name: str(target)
    with qtbot.waitSignal(win.saved, timeout=10000):
        win.page.notice_bar.save_button.click()  # the one-click Save of the notice
    assert target.stat().st_size == BIG
    digest = hashlib.sha256()
    with target.open("rb") as saved:
        while block := saved.read(1 << 20):
            digest.update(block)
    assert digest.hexdigest() == _expected_digest()
    win.close()


# -- find --------------------------------------------------------------------------------------


def test_find_counts_and_walks_the_matches(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(html("<p>Rose, rose, ROSE and a rosebud.</p>")))
    load(qtbot, window, srv.url("/"))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.page.find_bar
    assert bar.isVisible() and bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "rose")
    qtbot.waitUntil(lambda: bar.match_count == 4, timeout=10_000)
    first = bar.current_index
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert bar.current_index == (first + 1) % 4
    qtbot.keyClick(window, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.current_index == first
    bar.case_box.setChecked(True)
    qtbot.waitUntil(lambda: bar.match_count == 2, timeout=10_000)


# -- save --------------------------------------------------------------------------------------


def test_save_page_writes_the_decoded_body_under_a_sanitised_name(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    body = b"line one\nline two\n" * 100
    raw = http_response(
        200,
        gzip.compress(body),
        [
            ("Content-Type", "text/plain"),
            ("Content-Encoding", "gzip"),
            ("Content-Disposition", 'attachment; filename="../../etc/pass\x07wd.txt"'),
        ],
    )
    srv = serve(servers, respond(raw))
    load(qtbot, window, srv.url("/download?id=1"))
    asked: list[tuple[str, str]] = []

    def ask(caption: str, name: str) -> str:
        asked.append((caption, name))
        return str(tmp_path / name)

    window.ask_path = ask
    with qtbot.waitSignal(window.saved, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert asked == [("Save Page", "passwd.txt")]
    assert (tmp_path / "passwd.txt").read_bytes() == body  # content-coding undone
    with qtbot.waitSignal(window.saved, timeout=10_000):
        window.commands.save_headers_action.trigger()
    assert asked[1] == ("Save Headers", "passwd.headers.txt")
    saved = (tmp_path / "passwd.headers.txt").read_bytes()
    assert saved.startswith(b"HTTP/1.1 200 OK\r\n") and saved.endswith(b"\r\n\r\n")


def test_cancelled_and_failed_saves_leave_no_file(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    srv = serve(servers, respond(html("<p>x</p>")))
    load(qtbot, window, srv.url("/page.html"))
    window.ask_path = lambda caption, name: None  # the dialog was cancelled
    window.page.saver.save_page()
    assert list(tmp_path.iterdir()) == [] or all(p.name == "settings" for p in tmp_path.iterdir())
    missing = tmp_path / "no-such-dir" / "page.html"
    window.ask_path = lambda caption, name: str(missing)
    window.page.saver.save_page()
    assert not missing.exists() and not missing.parent.exists()
    assert window.page.notice_bar.isVisible()
    assert f"Could not save to {missing}" in window.page.notice_bar.label.text()
    assert "folder does not exist" in window.page.notice_bar.label.text()


def test_save_while_loading_says_so(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    srv = serve(servers, drip(html("<p>" + "word " * 200 + "</p>"), delay=0.002))
    window.ask_path = lambda caption, name: pytest.fail("no dialog while loading")
    window.load(srv.url("/"))
    qtbot.waitUntil(lambda: window.page.store.body_size > 0, timeout=10_000)
    window.page.saver.save_page()
    assert "still loading" in window.page.notice_bar.label.text()
    window.page.stop()


# -- curl, zoom, wrap --------------------------------------------------------------------------


def test_copy_as_curl(qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]) -> None:
    srv = serve(servers, respond(http_response(200, b"hi\n")))
    window.options = FetchOptions(connect_timeout=3.0, read_timeout=7.0)
    load(qtbot, window, srv.url("/a%20b?q='x'"))
    window.commands.curl_action.trigger()
    command = QGuiApplication.clipboard().text()
    args = shlex.split(command)
    assert args[0] == "curl" and args[-1] == window.url
    assert "--connect-timeout" in args and args[args.index("--connect-timeout") + 1] == "3"
    assert args[args.index("--speed-time") + 1] == "7"


def test_zoom_and_word_wrap_persist(
    qtbot: QtBot, make_settings, servers: list[LoopbackServer]
) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(first)
    first.show()
    size = first.page.document_view.font().pointSizeF()
    keys = {s.toString() for s in first.commands.zoom_in_action.shortcuts()}
    assert keys == {"Ctrl++", "Ctrl+="}
    assert first.commands.zoom_out_action.shortcut().toString() == "Ctrl+-"
    assert first.commands.zoom_reset_action.shortcut().toString() == "Ctrl+0"
    first.commands.zoom_in_action.trigger()
    first.commands.zoom_in_action.trigger()
    assert first.zoom == 2
    assert first.page.document_view.font().pointSizeF() == size + 2
    first.commands.wrap_action.trigger()
    assert first.page.document_view.lineWrapMode() == first.page.document_view.LineWrapMode.NoWrap
    first.close()

    second = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(second)
    assert second.zoom == 2 and second.page.document_view.font().pointSizeF() == size + 2
    assert not second.commands.wrap_action.isChecked()
    assert second.page.document_view.lineWrapMode() == second.page.document_view.LineWrapMode.NoWrap
    second.commands.zoom_out_action.trigger()
    assert second.zoom == 1
    second.commands.zoom_reset_action.trigger()
    assert second.zoom == 0 and second.page.document_view.font().pointSizeF() == size
    second.close()


# -- download ----------------------------------------------------------------------------------


def test_download_streams_to_disk_without_the_view(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    body = b"0123456789" * 50_000
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    target = tmp_path / "file.bin"
    window.go_home()
    before = text_of(window)
    manager = window.services.downloads()
    with qtbot.waitSignal(manager.finished, timeout=10_000) as done:
        window.services.download(srv.url("/file.bin"), str(target))
    assert done.args[1] == str(target) and done.args[2] == len(body)
    assert target.read_bytes() == body
    assert text_of(window) == before  # the body never went through the view
    assert window.services.downloads_dock.isVisible()


def test_download_link_from_the_context_menu(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    body = b"payload " * 1000
    srv = serve(
        servers,
        routes(
            {
                "/file.txt": send(http_response(200, body, [("Content-Type", "text/plain")])),
                "/": send(html('<p>Get <a href="/file.txt">the file</a></p>', charset="utf-8")),
            }
        ),
    )
    load(qtbot, window, srv.url("/"))
    start, _end, href = window.page.document_view.links()[0]
    assert href == srv.url("/file.txt")
    cursor = window.page.document_view.textCursor()
    cursor.setPosition(start + 1)
    menu = window.page.document_view.context_menu(
        window.page.document_view.cursorRect(cursor).center()
    )
    actions = {action.text(): action for action in menu.actions()}
    asked: list[str] = []
    target = tmp_path / "saved.txt"

    def ask(caption: str, name: str) -> str:
        asked.append(name)
        return str(target)

    window.ask_path = ask  # type: ignore[method-assign]
    manager = window.services.downloads()
    with qtbot.waitSignal(manager.finished, timeout=10_000):
        actions["Download Link…"].trigger()
    assert asked == ["file.txt"]  # named after the link, not the page
    assert target.read_bytes() == body
    assert window.url == srv.url("/")  # the page stayed


# -- helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("step", [256, 1, 7])
def test_wire_text_is_exact_and_reversible_whole_bytewise_and_with_garbage(step: int) -> None:
    data = bytes(range(256)) + b"\r\n0\r\n\r\ntrailing \\r garbage \\\x00\xff\n"
    text = "".join(wire_text(data[i : i + step]) for i in range(0, len(data), step))
    assert wire_bytes(text) == data
    assert "\r" not in text and "\x00" not in text and "\x85" not in text
    assert wire_text(b"a\r\nb\\") == "a\\r\\n\nb\\\\"


def test_charset_labels() -> None:
    from net.charset import CharsetChoice

    assert charset_label(None) == ""
    assert charset_label(CharsetChoice("utf-8", "header")) == "UTF-8 · from Content-Type"
    assert (
        charset_label(CharsetChoice("shift_jis", "meta")) == "SHIFT-JIS · from <meta> in the page"
    )
    assert charset_label(CharsetChoice("cp1252", "fallback")) == (
        "windows-1252 · default (nothing declared, not valid UTF-8)"
    )
    assert charset_label(CharsetChoice("utf-8", "default", ignored="x-nope\x1b")) == (
        "UTF-8 · default (the unknown charset 'x-nope?' in Content-Type was ignored)"
    )
    assert charset_label(CharsetChoice("koi8-r", "meta", ignored="klingon")) == (
        "KOI8-R · from <meta> in the page (the unknown charset 'klingon' in Content-Type was "
        "ignored)"
    )


def test_a_long_page_and_a_long_plain_text_open_at_their_top(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    many = "".join(f"<p>Paragraph {i}</p>" for i in range(400))
    lines = "".join(f"line {i}\n" for i in range(400)).encode()
    srv = serve(
        servers,
        routes(
            {
                "/page.html": send(html(many)),
                "/log.txt": send(http_response(200, lines, [("Content-Type", "text/plain")])),
            }
        ),
    )
    load(qtbot, window, srv.url("/page.html"))
    bar = window.page.document_view.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    load(qtbot, window, srv.url("/log.txt"))
    # Issue 10: tail-following is the reader's choice (tests/gui/journeys/test_reading.py).
    assert bar.maximum() > 0 and bar.value() == 0


def test_a_failure_mid_page_keeps_the_rendered_part_and_the_error_in_every_view(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    page = b"<html><title>Cut</title><h1>Arrived</h1><p>first part</p><p>never"
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n" + page
    srv = serve(servers, respond(raw))
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000) as ended:
        window.load(srv.url("/cut.html"))
    assert ended.args == [False]
    wait_rendered(qtbot, window)
    text = text_of(window)
    assert text.startswith("Arrived\n") and "first part" in text
    assert "Could not load this page" in text and "Protocol" in text
    window.page.set_view_mode(ViewMode.SOURCE)
    wait_rendered(qtbot, window)
    assert text_of(window).startswith(page.decode())
    assert "Could not load this page" in text_of(window)
    assert window.windowTitle() == "Cut — Yonder"


def test_hovering_a_link_shows_where_it_leads_and_an_empty_body_says_so(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(
        servers,
        routes(
            {
                "/p.html": send(html('<p>go <a href="/target?x=1">there</a></p>')),
                "/empty": send(http_response(200, b"", [("Content-Type", "text/html")])),
            }
        ),
    )
    load(qtbot, window, srv.url("/p.html"))
    view = window.page.document_view
    start = view.links()[0][0]
    cursor = QTextCursor(view.document())
    cursor.setPosition(start + 1)
    qtbot.mouseMove(view.viewport(), view.cursorRect(cursor).center())
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == srv.url("/target?x=1"))
    qtbot.mouseMove(
        view.viewport(), QPoint(view.viewport().width() - 5, view.viewport().height() - 5)
    )
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "")
    load(qtbot, window, srv.url("/empty"))
    assert text_of(window) == "(The response has no body.)\n"


def test_switching_view_and_encoding_mid_load_continues_with_what_arrives(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    words = "".join(f"<p>word{i:03d} café</p>" for i in range(60))
    srv = serve(servers, drip(html(words), delay=0.001))
    window.load(srv.url("/"))
    qtbot.waitUntil(lambda: "word002" in text_of(window), timeout=10_000)
    window.page.set_view_mode(ViewMode.SOURCE)
    qtbot.waitUntil(lambda: "<p>word003" in text_of(window), timeout=10_000)
    window.page.set_encoding("windows-1252")  # the page is UTF-8: "café" becomes "cafÃ©"
    qtbot.waitUntil(lambda: window.page.load_ok is not None, timeout=10000)
    wait_rendered(qtbot, window)
    text = text_of(window)
    assert text.count("<p>word") == 60 and "word059 cafÃ©</p>" in text
    assert len(srv.requests) == 1


def test_an_untyped_slow_body_is_shown_without_waiting_for_1024_bytes(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"  # no Content-Type
    srv = serve(servers, stall(head + b"first words\n"))
    window.load(srv.url("/"))
    qtbot.waitUntil(lambda: "first words" in text_of(window), timeout=10_000)
    assert window.page.load_ok is None and window.page.renderer.kind == "text"
    window.page.stop()


def test_a_slow_html_page_without_a_charset_is_shown_before_1024_bytes(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # No charset in the header: the decoder looks for a <meta> in the first 1024 bytes, but a
    # slow server must not keep what already arrived off screen.
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"
    srv = serve(servers, stall(head + b"<h1>Early news</h1><p>caf\xc3\xa9</p>"))
    window.load(srv.url("/"))
    qtbot.waitUntil(lambda: "Early news" in text_of(window), timeout=10_000)
    assert "caf\u00e9" in text_of(window)
    assert (
        window.page.renderer.choice is not None and window.page.renderer.choice.source == "default"
    )
    window.page.stop()
