"""Journeys: following links from the keyboard as text browsers do: ``f`` labels the links on
screen (qutebrowser, Lagrange) and typing a label follows it (Shift: in a new tab), also while
the page is still streaming; Esc ends the hints without stopping the page; View > Numbered
Links numbers them as lynx does, and digits + Enter follow one."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import html_response
from tests.gui.windows import OPTIONS, serve
from tests.integration.servers import LoopbackServer, routes, send
from ui.settings import Settings
from ui.shell.main_window import MainWindow

LINKS = 14  # more than the nine home-row letters: some labels take two
PAGE = (
    "<title>Index</title><h1>Index</h1><p>"
    + "<br>".join(f"Chapter <a href='ch{n}.html'>number {n}</a> of the book." for n in range(LINKS))
    + "</p>"
)


def chapter(n: int) -> bytes:
    return html_response(f"<title>Chapter {n}</title><p>This is chapter {n}.</p>")


def chapters() -> dict[str, object]:
    return {f"/ch{n}.html": send(chapter(n)) for n in range(LINKS)}


class Stalled:
    """A route that sends the head and ``parts[0]`` at once, each next part when
    :meth:`release` is called, and then stalls: the page is still streaming meanwhile (its
    Content-Length promises more than is ever sent)."""

    def __init__(self, *parts: str) -> None:
        self.parts = [part.encode() for part in parts]
        self._released = threading.Semaphore(0)

    def release(self) -> None:
        self._released.release()

    def __call__(self, conn: socket.socket, server: LoopbackServer, request: bytes) -> None:
        total = sum(map(len, self.parts)) + 100_000
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {total}\r\n\r\n"
        ).encode()
        conn.sendall(head + self.parts[0])
        for part in self.parts[1:]:
            while not self._released.acquire(timeout=0.05):
                if server.stopping.is_set():
                    return
            conn.sendall(part)
        server.stopping.wait()  # stalls until the test ends (or the browser hangs up)


def label_for(win: MainWindow, href: str) -> str:
    labels = drive.hint_labels(win)
    found = [label for label, target in labels.items() if target == href]
    assert found, f"no hint on {href!r}; the hints: {labels}"
    return found[0]


def test_f_labels_the_links_and_typing_a_label_follows_it(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/index.html": send(html_response(PAGE)), **chapters()}))
    drive.open_address(qtbot, window, srv.url("/index.html"))
    assert drive.focused() is window.page.document_view
    drive.press(qtbot, Qt.Key.Key_F)
    labels = drive.hint_labels(window)
    assert sorted(labels.values()) == sorted(srv.url(f"/ch{n}.html") for n in range(LINKS))
    assert {len(label) for label in labels} == {1, 2}  # 14 links: short labels where possible
    assert "type a label" in drive.hint_prompt(window)
    target = srv.url("/ch11.html")
    label = label_for(window, target)
    assert len(label) == 2
    drive.type_text(qtbot, label[0])
    assert set(drive.hint_labels(window)) == {k for k in labels if k.startswith(label[0])}
    drive.type_text(qtbot, label[1])
    drive.wait_loaded(qtbot, window)
    assert "This is chapter 11." in drive.screen_text(window)
    assert window.address_bar.text() == target
    assert len(drive.requests_to(srv, "/ch11.html")) == 1
    assert drive.hint_labels(window) == {}  # the hints went with the old page
    assert sum(len(drive.requests_to(srv, f"/ch{n}.html")) for n in range(LINKS)) == 1


def test_hints_work_while_the_page_is_still_streaming(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    page = Stalled(
        "<title>Slow</title><h1>Slow index</h1><p>The links are coming.</p>\n",
        "<p>Read <a href='ch3.html'>chapter three</a> or <a href='ch5.html'>five</a>.</p>\n"
        "<p>More is on its way.</p>\n",
    )
    srv = serve(servers, routes({"/slow.html": page, **chapters()}))
    drive.enter_address(qtbot, window, srv.url("/slow.html"))
    qtbot.waitUntil(lambda: "The links are coming." in drive.screen_text(window), timeout=10000)
    qtbot.waitUntil(lambda: drive.focused() is window.page.document_view, timeout=10000)
    drive.press(qtbot, Qt.Key.Key_F)  # before the links have arrived
    assert drive.hint_labels(window) == {}
    # Said as a status of its own, and why: the page is still loading.
    assert drive.hint_prompt(window).startswith(
        "No links on screen to follow yet: the page is still loading"
    )
    page.release()  # the links arrive; the page keeps streaming
    three, five = srv.url("/ch3.html"), srv.url("/ch5.html")
    qtbot.waitUntil(lambda: set(drive.hint_labels(window).values()) == {three, five}, timeout=10000)
    assert window.page.load_ok is None  # still loading
    drive.type_text(qtbot, label_for(window, five))
    drive.wait_loaded(qtbot, window)
    assert "This is chapter 5." in drive.screen_text(window)
    assert window.address_bar.text() == five
    assert len(drive.requests_to(srv, "/ch5.html")) == 1
    assert drive.requests_to(srv, "/ch3.html") == []


def test_esc_ends_the_hints_and_leaves_the_streaming_page_alone(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    page = Stalled("<title>Slow</title><p>Read <a href='ch1.html'>one</a>.</p>\n<p>More</p>\n")
    srv = serve(servers, routes({"/slow.html": page, **chapters()}))
    drive.enter_address(qtbot, window, srv.url("/slow.html"))
    one = srv.url("/ch1.html")
    qtbot.waitUntil(
        lambda: any(link[2] == one for link in window.page.document_view.links()), timeout=10000
    )
    qtbot.waitUntil(lambda: drive.focused() is window.page.document_view, timeout=10000)
    drive.press(qtbot, Qt.Key.Key_F)
    assert drive.hint_labels(window) == {"a": one}
    drive.press(qtbot, Qt.Key.Key_Escape)
    assert drive.hint_labels(window) == {}
    assert window.page.load_ok is None  # Esc ended the hints; the page still streams
    drive.press(qtbot, Qt.Key.Key_Escape)  # now Esc is Stop, as everywhere else
    qtbot.waitUntil(lambda: window.page.load_ok is not None, timeout=10000)
    assert drive.requests_to(srv, "/ch1.html") == []


def test_view_numbered_links_numbers_every_link_and_digits_enter_follow_one(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/index.html": send(html_response(PAGE)), **chapters()}))
    drive.open_address(qtbot, window, srv.url("/index.html"))
    text = drive.screen_text(window)
    action = drive.trigger(window, "View", "Numbered Links")
    assert action.isChecked()
    numbers = drive.hint_labels(window)
    assert numbers == {str(n + 1): srv.url(f"/ch{n}.html") for n in range(LINKS)}
    assert drive.screen_text(window) == text  # the numbers are drawn over, not in, the text
    drive.type_text(qtbot, "12")
    assert "Link 12" in drive.hint_prompt(window)
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, window)
    assert "This is chapter 11." in drive.screen_text(window)
    assert window.address_bar.text() == srv.url("/ch11.html")
    assert len(drive.requests_to(srv, "/ch11.html")) == 1

    drive.trigger(window, "View", "Numbered Links")  # off again
    assert not action.isChecked()
    drive.trigger(window, "Go", "Back")
    drive.wait_loaded(qtbot, window)
    assert drive.hint_labels(window) == {}
    drive.type_text(qtbot, "3")
    drive.press(qtbot, Qt.Key.Key_Return)
    assert drive.requests_to(srv, "/ch2.html") == []  # digits are nothing without numbers


def test_shift_follows_a_hint_into_a_background_tab(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/index.html": send(html_response(PAGE)), **chapters()}))
    drive.open_address(qtbot, window, srv.url("/index.html"))
    page = window.page
    drive.press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)  # F: into a new tab
    assert "new tab" in drive.hint_prompt(window)
    drive.type_text(qtbot, label_for(window, srv.url("/ch4.html")))
    qtbot.waitUntil(lambda: len(drive.requests_to(srv, "/ch4.html")) == 1, timeout=10000)
    assert window.tabs.count() == 2 and window.page is page  # in the background

    drive.press(qtbot, Qt.Key.Key_F)  # f, then Shift on the last letter (as in Lagrange)
    label = label_for(window, srv.url("/ch12.html"))
    drive.type_text(qtbot, label[:-1])
    drive.press(
        qtbot, getattr(Qt.Key, f"Key_{label[-1].upper()}"), Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: len(drive.requests_to(srv, "/ch12.html")) == 1, timeout=10000)
    assert window.tabs.count() == 3 and window.page is page
    assert window.address_bar.text() == srv.url("/index.html")
    drive.press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)  # the next tab
    drive.wait_loaded(qtbot, window)
    assert "This is chapter" in drive.screen_text(window)


def test_numbered_links_stay_on_for_new_tabs_and_the_next_start(
    qtbot: QtBot, make_settings: Callable[[], Settings], servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/index.html": send(html_response(PAGE)), **chapters()}))
    first = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(first)
    first.show()
    drive.open_address(qtbot, first, srv.url("/index.html"))
    drive.trigger(first, "View", "Numbered Links")
    drive.trigger(first, "File", "New Tab")  # a new tab numbers its links too
    drive.wait_loaded(qtbot, first)
    drive.type_text(qtbot, srv.url("/index.html"))
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, first)
    assert drive.hint_labels(first)["3"] == srv.url("/ch2.html")
    drive.trigger(first, "File", "Quit")

    second = MainWindow(make_settings(), options=OPTIONS)  # the same settings file, read again
    qtbot.addWidget(second)
    second.show()
    drive.open_address(qtbot, second, srv.url("/index.html"))
    assert drive.find_action(second, "View", "Numbered Links").isChecked()
    assert drive.hint_labels(second)["14"] == srv.url("/ch13.html")
    second.persist_settings = False
    second.close()
