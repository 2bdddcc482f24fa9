"""Journeys through tabs (issue 12): open, switch, close and reopen them by their actions and
keys; two transfers in two tabs at once, each tab showing its own views and figures; closing
a tab mid-transfer cancels it; the session comes back at the next start."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import Held, html_response
from tests.gui.windows import OPTIONS, serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.downloads.save_job import SaveStatus
from ui.page.load_state import LoadState
from ui.page.page import Page
from ui.settings import Settings
from ui.shell.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def site(servers: list[LoopbackServer]) -> LoopbackServer:
    pages = {
        f"/{name}.html": send(html_response(f"<title>Page {name}</title><p>This is {name}.</p>"))
        for name in ("a", "b", "c")
    }
    return serve(servers, routes(pages))


def tab_texts(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_open_switch_close_and_reopen_tabs_by_their_actions_and_keys(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers)
    drive.open_address(qtbot, window, srv.url("/a.html"))
    assert not window.tabs.bar.isVisible()  # one tab: no tab bar
    first = window.page

    drive.trigger(window, "File", "New Tab")
    assert window.tabs.count() == 2 and window.tabs.bar.isVisible()
    assert window.page is not first and window.tabs.currentIndex() == 1
    assert drive.focused() is window.address_bar  # a new tab: type an address at once
    drive.wait_loaded(qtbot, window)
    assert "Yonder" in drive.screen_text(window)  # the start page
    drive.type_text(qtbot, srv.url("/b.html"))
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, window)
    assert "This is b." in drive.screen_text(window)
    assert tab_texts(window) == ["Page a", "Page b"]
    assert window.windowTitle() == "Page b — Yonder"

    drive.press(qtbot, Qt.Key.Key_Tab, CTRL)  # Ctrl+Tab, from the document view
    assert window.page is first and "This is a." in drive.screen_text(window)
    assert window.address_bar.text() == srv.url("/a.html")
    assert window.windowTitle() == "Page a — Yonder"
    drive.press(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert "This is b." in drive.screen_text(window)
    drive.press(qtbot, Qt.Key.Key_1, ALT)
    assert window.page is first
    drive.trigger(window, "Go", "Next Tab")
    assert window.tabs.currentIndex() == 1
    drive.trigger(window, "Go", "Previous Tab")
    assert window.tabs.currentIndex() == 0
    drive.press(qtbot, Qt.Key.Key_9, ALT)  # the last tab
    assert window.tabs.currentIndex() == 1
    second = window.page
    drive.press(qtbot, Qt.Key.Key_Tab, CTRL_SHIFT)
    assert window.page is first

    drive.press(qtbot, Qt.Key.Key_Tab, CTRL)
    drive.trigger(window, "File", "Close Tab")
    assert window.tabs.count() == 1 and window.page is first
    assert not second.fetcher.worker_thread.isRunning()  # its thread joined
    assert "This is a." in drive.screen_text(window)
    assert len(drive.requests_to(srv, "/b.html")) == 1

    drive.trigger(window, "File", "Reopen Closed Tab")
    assert window.tabs.count() == 2 and window.tabs.currentIndex() == 1
    drive.wait_loaded(qtbot, window)
    assert "This is b." in drive.screen_text(window)
    assert len(drive.requests_to(srv, "/b.html")) == 2  # loaded again
    # Its back/forward list came back with it: Back goes to the start page it was opened on.
    drive.trigger(window, "Go", "Back")
    drive.wait_loaded(qtbot, window)
    assert window.page.url == "about:start"
    drive.press(qtbot, Qt.Key.Key_W, CTRL)  # Ctrl+W closes the tab too
    assert window.tabs.count() == 1


def test_two_transfers_stream_at_once_and_each_tab_shows_its_own(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    bodies = [b"first tab line\n" * 2000, b"second tab line\n" * 6000]
    held = [Held(http_response(200, body), 300, len(body) // 2) for body in bodies]
    srvs = [serve(servers, h) for h in held]
    drive.enter_address(qtbot, window, srvs[0].url("/one.txt"))
    one = window.page
    qtbot.waitUntil(lambda: one.state is LoadState.RECEIVING)
    drive.trigger(window, "File", "New Tab")
    drive.type_text(qtbot, srvs[1].url("/two.txt"))
    drive.press(qtbot, Qt.Key.Key_Return)
    two = window.page
    qtbot.waitUntil(lambda: two.state is LoadState.RECEIVING)
    held[0].release()
    held[1].release()  # both half sent, both still receiving
    qtbot.waitUntil(lambda: one.store.body_size >= len(bodies[0]) // 2 - 300)
    qtbot.waitUntil(lambda: two.store.body_size >= len(bodies[1]) // 2 - 300)
    assert one.state is LoadState.RECEIVING and two.state is LoadState.RECEIVING
    # Both tabs show they are loading: a turning indicator beside each title.
    icons = [window.tabs.bar.tabIcon(i) for i in range(2)]
    assert not any(icon.isNull() for icon in icons)
    qtbot.waitUntil(lambda: window.tabs.bar.tabIcon(0).cacheKey() != icons[0].cacheKey())
    # Each tab's own figures: the Stream dock's views, the status line, the Stop action.
    for page in (two, one):
        window.tabs.setCurrentWidget(page)
        assert window.services.stream_stack.currentWidget() is page.stream
        assert page.load_status in window.statusBar().findChildren(type(page.load_status))
        assert page.load_status.isVisible()
        assert window.commands.stop_action.isEnabled()
        assert page.stream.panel.total_bytes <= page.store.body_size + 400
    other = two if window.page is one else one
    assert not other.load_status.isVisible()  # the other tab's status is not on show
    assert one.stream.panel.total_bytes != two.stream.panel.total_bytes
    for h in held:
        h.release()
    drive.wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: two.load_ok is True and not two.rendering)
    assert one.document_view.toPlainText() == bodies[0].decode()
    assert two.document_view.toPlainText() == bodies[1].decode()
    assert "first tab" not in two.document_view.toPlainText()
    qtbot.waitUntil(lambda: all(window.tabs.bar.tabIcon(i).isNull() for i in range(2)))


def test_links_opened_in_new_tabs_line_up_after_their_page_in_the_order_opened(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    links = "".join(f"<p><a href='{name}.html'>link {name}</a></p>" for name in ("a", "b", "c"))
    pages = {"/links.html": send(html_response(f"<title>Links</title>{links}"))}
    for name in ("a", "b", "c"):
        pages[f"/{name}.html"] = send(html_response(f"<title>Page {name}</title><p>{name}</p>"))
    srv = serve(servers, routes(pages))
    drive.open_address(qtbot, window, srv.url("/links.html"))
    opener = window.page
    viewport = opener.document_view.viewport()

    def middle_click(name: str) -> None:
        point = drive.hover_link(qtbot, window, srv.url(f"/{name}.html"))
        qtbot.mouseClick(viewport, Qt.MouseButton.MiddleButton, pos=point)

    def all_loaded() -> bool:
        return all(page.load_ok is not None for page in window.pages)

    middle_click("a")
    middle_click("b")
    point = drive.link_point(window, srv.url("/c.html"))
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, CTRL, point)  # Ctrl+click
    qtbot.waitUntil(all_loaded)
    # Relative links, resolved against their own page; each after the one opened before.
    assert tab_texts(window) == ["Links", "Page a", "Page b", "Page c"]
    assert window.page is opener
    drive.press(qtbot, Qt.Key.Key_Tab, CTRL)
    drive.press(qtbot, Qt.Key.Key_Tab, CTRL_SHIFT)  # back on the links: a new series
    middle_click("c")
    qtbot.waitUntil(all_loaded)
    assert tab_texts(window) == ["Links", "Page c", "Page a", "Page b", "Page c"]


def test_a_page_loaded_in_a_background_tab_is_shown_at_the_width_it_was_laid_out_at(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # A long wrapped text opened from a link in a new (background) tab: it is laid out as it
    # arrives at the width it will be shown at, so showing it lays nothing out again (that
    # was one freeze over every block: 240 ms for 20 MB).
    body = b"".join(b"%05d " % i + b"a few words to wrap at the view's width " * 3 + b"\n"
                    for i in range(3000))  # fmt: skip
    pages = {
        "/index.html": send(html_response('<p><a href="/long.txt">the long text</a></p>')),
        "/long.txt": send(http_response(200, body, [("Content-Type", "text/plain")])),
    }
    srv = serve(servers, routes(pages))
    drive.open_address(qtbot, window, srv.url("/index.html"))
    first = window.page
    point = drive.link_point(window, srv.url("/long.txt"))
    qtbot.mouseClick(first.document_view.viewport(), Qt.MouseButton.MiddleButton, pos=point)
    assert window.tabs.count() == 2 and window.page is first  # opened in the background
    background = window.tabs.widget(1)
    assert isinstance(background, Page)
    qtbot.waitUntil(lambda: background.load_ok is True and not background.rendering)
    view = background.document_view
    assert not view.isVisible()
    width = view.viewport().width()
    assert width == first.document_view.viewport().width()
    drive.press(qtbot, Qt.Key.Key_Tab, CTRL)  # Next Tab
    assert window.page is background and view.isVisible()
    assert view.viewport().width() == width
    assert view.toPlainText() == body.decode()


def test_closing_a_tab_mid_transfer_cancels_it_and_joins_its_thread(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = b"streaming\n" * 5000
    held = Held(http_response(200, body), 200)
    srv = serve(servers, held)
    drive.trigger(window, "File", "New Tab")
    drive.type_text(qtbot, srv.url("/stream.txt"))
    drive.press(qtbot, Qt.Key.Key_Return)
    page = window.page
    qtbot.waitUntil(lambda: page.state is LoadState.RECEIVING)
    thread = page.fetcher.worker_thread
    drive.trigger(window, "File", "Close Tab")
    assert window.tabs.count() == 1 and window.page is not page
    assert not thread.isRunning()
    held.release()  # nobody reads it any more: the server finds the connection gone


def test_a_closed_tab_whose_thread_is_stuck_is_still_waited_for_when_yonder_quits(
    qtbot: QtBot, make_settings: Callable[[], Settings]
) -> None:
    # A fetch stuck in a call that ignores cancel outlives the tab's bounded join; the window
    # must still wait it out at exit (a running QThread destroyed with the window aborts).
    inside, release = threading.Event(), threading.Event()

    def stuck_fetch(url: str, options: object, cancel: object) -> Iterator[object]:
        inside.set()
        release.wait(60)  # ignores cancel; stuck until the test lets it go
        yield from ()

    window = MainWindow(make_settings(), options=OPTIONS, fetch=stuck_fetch)
    qtbot.addWidget(window)
    window.show()
    window.close_wait_ms = 50
    drive.trigger(window, "File", "New Tab")
    drive.type_text(qtbot, "http://127.0.0.1:9/stuck")
    drive.press(qtbot, Qt.Key.Key_Return)
    stuck = window.page.fetcher.worker_thread
    assert inside.wait(30)
    drive.trigger(window, "File", "Close Tab")
    assert window.tabs.count() == 1 and stuck.isRunning()
    drive.trigger(window, "File", "Quit")
    assert not window.wait_for_workers(50)  # the closed tab's thread is still counted
    release.set()
    assert window.wait_for_workers(30_000)
    assert not stuck.isRunning()


def test_a_save_in_a_background_tab_keeps_its_progress_off_the_current_tabs_status_bar(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    body = b"saved line\n" * 20_000
    srv = serve(servers, routes({"/big.txt": send(http_response(200, body))}))
    drive.open_address(qtbot, window, srv.url("/big.txt"))
    saving = window.page
    gates = [threading.Event(), threading.Event()]

    def held_body() -> Iterator[bytes]:  # the save goes on a step each time the test says
        yield body[:1000]
        gates[0].wait(60)
        yield body[1000:2000]
        gates[1].wait(60)
        yield body[2000:]

    saving.store.iter_body = held_body  # type: ignore[method-assign]
    target = tmp_path / "big.txt"
    window.ask_path = lambda caption, name: str(target)
    drive.press(qtbot, Qt.Key.Key_S, CTRL)  # Save Page
    status = window.findChild(SaveStatus)
    assert status is not None and status.isVisible()
    drive.trigger(window, "File", "New Tab")
    drive.wait_loaded(qtbot, window)
    shown = status.label.text()
    gates[0].set()
    qtbot.waitUntil(lambda: status.label.text() != shown)  # its progress moved on meanwhile
    assert not status.isVisible()  # not drawn over this tab's status line
    assert window.page.load_status.isVisible()
    gates[1].set()
    qtbot.waitUntil(lambda: not saving.saver.saving)
    assert target.read_bytes() == body
    drive.press(qtbot, Qt.Key.Key_Tab, CTRL)  # back to the saved page
    assert window.page is saving
    assert saving.load_status.label.text().startswith("Saved ")
    assert not status.isVisible()  # a finished save's progress does not come back


def test_the_session_comes_back_at_the_next_start(
    qtbot: QtBot, make_settings: Callable[[], Settings], servers: list[LoopbackServer]
) -> None:
    srv = site(servers)
    settings = make_settings()
    first = MainWindow(settings, options=OPTIONS)
    qtbot.addWidget(first)
    first.show()
    first.open_start(None, typed=False, restore_session=True)  # no session yet: start page
    drive.wait_loaded(qtbot, first)
    assert first.page.url == "about:start"
    drive.open_address(qtbot, first, srv.url("/a.html"))
    drive.open_address(qtbot, first, srv.url("/b.html"))
    drive.trigger(first, "File", "New Tab")
    drive.wait_loaded(qtbot, first)
    drive.type_text(qtbot, srv.url("/c.html"))
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, first)
    drive.press(qtbot, Qt.Key.Key_1, ALT)  # the first tab is current when Yonder closes
    drive.trigger(first, "File", "Quit")
    requests_c = len(drive.requests_to(srv, "/c.html"))

    second = MainWindow(make_settings_like(settings), options=OPTIONS)
    qtbot.addWidget(second)
    second.show()
    second.open_start(None, typed=False, restore_session=True)
    drive.wait_loaded(qtbot, second)
    assert second.tabs.count() == 2 and second.tabs.currentIndex() == 0
    assert "This is b." in drive.screen_text(second)
    assert tab_texts(second) == ["Page b", f"c.html (127.0.0.1:{srv.port})"]
    # The background tab loads when it is first shown, as browsers restore on demand.
    assert len(drive.requests_to(srv, "/c.html")) == requests_c
    drive.press(qtbot, Qt.Key.Key_Tab, CTRL)
    drive.wait_loaded(qtbot, second)
    assert "This is c." in drive.screen_text(second)
    assert len(drive.requests_to(srv, "/c.html")) == requests_c + 1
    drive.press(qtbot, Qt.Key.Key_1, ALT)
    drive.trigger(second, "Go", "Back")  # the first tab's history came back too
    drive.wait_loaded(qtbot, second)
    assert "This is a." in drive.screen_text(second)
    second.persist_settings = False
    second.close()


def make_settings_like(settings: Settings) -> Settings:
    """The same settings file and data directory, read again, as the next start reads them."""
    from PySide6.QtCore import QSettings

    store = QSettings(settings.store.fileName(), QSettings.Format.IniFormat)
    return Settings(store, settings.data_dir)


def test_a_tabs_context_menu_duplicates_reloads_and_closes_the_others(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers)
    drive.open_address(qtbot, window, srv.url("/a.html"))
    drive.open_in_new_tab(qtbot, window, srv.url("/b.html"))
    bar = window.tabs.bar
    menu = drive.right_click(qtbot, window, bar, bar.tabRect(1).center())
    drive.choose(qtbot, menu, "Duplicate Tab")
    drive.wait_loaded(qtbot, window)
    assert tab_texts(window) == ["Page a", "Page b", "Page b"]
    assert window.tabs.currentIndex() == 2
    assert len(drive.requests_to(srv, "/b.html")) == 2
    drive.trigger(window, "Go", "Back")  # the copy has the tab's back/forward list
    drive.wait_loaded(qtbot, window)
    assert window.page.url == "about:start"
    menu = drive.right_click(qtbot, window, bar, bar.tabRect(0).center())
    drive.choose(qtbot, menu, "Reload Tab")
    qtbot.waitUntil(lambda: len(drive.requests_to(srv, "/a.html")) == 2)
    pages = window.pages
    # Reloaded and its loading indicator gone (the tab is narrower again) before it is
    # right-clicked: the menu belongs to the tab under the mouse.
    qtbot.waitUntil(lambda: pages[0].load_ok is True and bar.tabIcon(0).isNull())
    menu = drive.right_click(qtbot, window, bar, bar.tabRect(0).center())
    drive.choose(qtbot, menu, "Close Other Tabs")
    assert window.tabs.count() == 1 and window.page is pages[0]
    assert "This is a." in drive.screen_text(window)
    assert not any(p.fetcher.worker_thread.isRunning() for p in pages[1:])
