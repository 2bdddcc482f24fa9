"""Start-up: the light first frame, the deferred build after the first paint, and loads asked
for before that build (the command line's URL, an address typed at once)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QTabWidget
from pytestqt.qtbot import QtBot

from net.options import FetchOptions
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.app import parse_args
from ui.settings import Settings
from ui.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = FetchOptions(connect_timeout=10.0, read_timeout=10.0)
BODY = b"Yonder start-up test page\nsecond line\n"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer(respond(http_response(200, BODY, [("Content-Type", "text/plain")])))
    yield srv
    srv.stop()


@pytest.fixture
def deferred(qtbot: QtBot, make_settings: Callable[[], Settings]) -> Iterator[MainWindow]:
    win = MainWindow(make_settings(), options=OPTIONS, deferred=True)
    qtbot.addWidget(win)
    yield win
    win.close()


def wait_loaded(qtbot: QtBot, win: MainWindow) -> None:
    qtbot.waitUntil(lambda: win.page.load_ok is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not win.page.rendering, timeout=10_000)


def test_the_first_frame_is_light_and_the_rest_is_built_after_the_first_paint(
    qtbot: QtBot, deferred: MainWindow
) -> None:
    win = deferred
    assert not win.fully_built
    assert win.pages == [] and not hasattr(win, "stream_dock")
    # The first frame's own parts exist, at the final layout.
    assert win.address_bar.isEnabled()
    assert [m.title() for m in win.menuBar().findChildren(type(win.file_menu))][:4] == [
        "&File",
        "&Edit",
        "&View",
        "&Go",
    ]
    built: list[bool] = []
    win.built.connect(lambda: built.append(True))
    win.show()
    win.repaint()  # the first paint schedules the build; it has not run yet
    assert not win.fully_built
    first_frame = (win.address_bar.x(), win.tabs.currentWidget().sizes())  # the placeholder
    qtbot.waitUntil(lambda: win.fully_built, timeout=10_000)
    assert built == [True]
    # The deferred parts: the header view's tabs, the Stream dock, the menus, the find bar.
    tabs = win.page.header_view.findChildren(QTabWidget)
    assert tabs and tabs[0].count() >= 4
    assert isinstance(win.stream_dock, QDockWidget)
    # Shown by the build, on screen once the window's layout has taken it (a loaded machine
    # may need more turns of the event loop for that).
    qtbot.waitUntil(win.stream_dock.isVisible, timeout=10_000)
    assert win.stream_dock.isAncestorOf(win.page.stream)
    assert win.commands.save_page_action in win.file_menu.actions()
    assert win.commands.stream_action in win.view_menu.actions()
    assert win.commands.demo_action in win.go_menu.actions()
    assert win.page.find_bar.parent() is not None and not win.page.find_bar.isVisible()
    assert win.address_bar.completer() is not None
    assert win.toolbar.widgetForAction(win.commands.back_action) is not None
    # The header and document areas keep the first frame's split; the address bar its place.
    qtbot.waitUntil(lambda: win.page.splitter.count() == 2)
    assert win.page.splitter.widget(0) is win.page.header_view
    assert win.page.splitter.sizes() == first_frame[1]
    assert win.address_bar.x() == first_frame[0]
    win.finish_build()  # idempotent
    assert built == [True]


def test_a_url_asked_for_before_the_build_loads_once_it_is_done(
    qtbot: QtBot, deferred: MainWindow, server: LoopbackServer
) -> None:
    win = deferred
    win.show()
    win.load(server.url("/page"), typed=True)  # what ui.app.main does with the command line
    assert not win.fully_built  # queued, not lost
    wait_loaded(qtbot, win)
    assert win.page.load_ok is True
    assert win.url == server.url("/page")
    assert win.page.document_view.toPlainText().startswith("Yonder start-up test page")
    assert win.typed.typed == [server.url("/page")]


def test_an_address_typed_before_the_build_loads_and_the_last_one_wins(
    qtbot: QtBot, deferred: MainWindow, server: LoopbackServer
) -> None:
    win = deferred
    win.show()
    win.load("about:start")  # the start page ui.app asks for, then the user types over it
    win.address_bar.setText(server.url("/typed"))
    qtbot.keyClick(win.address_bar, Qt.Key.Key_Return)
    assert not win.fully_built
    wait_loaded(qtbot, win)
    assert win.url == server.url("/typed")
    assert "second line" in win.page.document_view.toPlainText()
    assert win.address_bar.text() == server.url("/typed")


def test_a_window_never_shown_still_builds_when_a_load_is_asked_for(
    qtbot: QtBot, deferred: MainWindow
) -> None:
    deferred.load("yonder:samples/romeo.txt")
    qtbot.waitUntil(lambda: deferred.fully_built, timeout=10_000)
    assert deferred.url == "yonder:samples/romeo.txt"
    # The page renderer fills the view on its own timer, after the build.
    qtbot.waitUntil(
        lambda: "Juliet is the sun" in deferred.page.document_view.toPlainText(), timeout=10_000
    )


def test_closing_before_the_build_is_clean_and_loads_nothing(
    qtbot: QtBot, make_settings: Callable[[], Settings], server: LoopbackServer
) -> None:
    win = MainWindow(make_settings(), options=OPTIONS, deferred=True)
    qtbot.addWidget(win)
    win.show()
    win.load(server.url("/never"))
    win.close()  # builds what closing needs (one shutdown path), then shuts it down
    assert win.fully_built
    assert win.page.load_ok is None and not win.page.fetcher.is_loading
    qtbot.wait(50)
    assert server.connections == 0 and win.url == ""


def test_the_next_run_reserves_the_space_the_last_run_laid_out(
    qtbot: QtBot, make_settings: Callable[[], Settings]
) -> None:
    first = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.stream_dock.hide()
    first.close()  # saves the settings
    address_x, button_height, dock_height = make_settings().first_frame() or (0, 0, -1)
    assert address_x == first.address_bar.x() and button_height > 0 and dock_height == 0
    second = MainWindow(make_settings(), options=OPTIONS, deferred=True)
    qtbot.addWidget(second)
    assert second._dock_slot is None  # the dock was hidden: no space kept for it
    second.close()


def test_parse_args_fast_path_matches_argparse() -> None:
    assert vars(parse_args([])) == vars(parse_args(["--timeout", "30"]))
    fast = parse_args(["example.org"])
    assert fast.url == "example.org" and not fast.demo and fast.screenshot is None
    assert parse_args(["--demo", "/drip"]).demo


FIRST_FRAME_IMPORTS = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(["yonder"])
from ui.shell.main_window import MainWindow
from ui.settings import Settings
win = MainWindow(Settings(QSettings(sys.argv[1], QSettings.Format.IniFormat)), deferred=True)
win.load("http://127.0.0.1:9/queued")  # the command line's URL: queued, imports nothing
print("ui.shell.window_parts" in sys.modules, "ui.page.page_renderer" in sys.modules)
win.finish_build()
print("ui.shell.window_parts" in sys.modules, "ui.page.page_renderer" in sys.modules)
win.page.stop()
win.close()
"""


def test_the_first_frame_imports_none_of_the_window_parts(tmp_path: Path) -> None:
    # In a child: this test process has imported everything already.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_IMPORTS, str(tmp_path / "settings.ini")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert out.split("\n")[:2] == ["False False", "True True"]


def test_main_py_restores_its_session_tabs_and_current_tab_at_the_next_start(
    tmp_path: Path,
) -> None:
    """main.py run as a user runs it, three times in a row in private XDG dirs, each closed
    by SIGTERM (which closes the window as its close button does, saving the session): the
    second start brings the first one's tab back, and opens the address it was given in a
    tab after it; the third (no address) restores both tabs with the second as the current
    one, which alone loads at once (a background tab loads when first shown)."""
    import signal
    import time

    from tests.integration.servers import routes, send

    pages = {
        f"/{name}.txt": send(
            http_response(200, f"page {name}\n".encode(), [("Content-Type", "text/plain")])
        )
        for name in ("a", "b")
    }
    srv = LoopbackServer(routes(pages))
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    a, b = srv.url("/a.txt"), srv.url("/b.txt")

    def requested(path: str) -> int:
        return sum(1 for head in srv.requests if head.split(b" ", 2)[1:2] == [path.encode()])

    def start(*args: str, until: tuple[str, ...]) -> str:
        """main.py with ``args``, closed by SIGTERM once every path of ``until`` was
        requested again (two tabs load at once, in either order); its stderr."""
        before = {path: requested(path) for path in until}
        child = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--debug", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 120  # a hang, not a speed limit
            while any(requested(path) == count for path, count in before.items()):
                assert child.poll() is None, f"main.py ended early: {child.stderr.read()}"
                assert time.monotonic() < deadline, "the page was never requested"
                time.sleep(0.05)
            child.send_signal(signal.SIGTERM)
            _, err = child.communicate(timeout=120)
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()
        assert child.returncode == 0, err
        return err

    session = tmp_path / "data" / "yonder" / "session.json"
    try:
        first = start(a, until=("/a.txt",))
        assert "restored the last session" not in first  # there was none
        assert session.is_file()
        second = start(b, until=("/a.txt", "/b.txt"))
        assert f"restored the last session: 1 tabs ({a}), the current one is tab 1" in second
        assert requested("/a.txt") == 2  # the restored tab was the current one: it loaded
        third = start(until=("/b.txt",))
        assert f"restored the last session: 2 tabs ({a}, {b}), the current one is tab 2" in third
        # The current tab (b) loads at once; the restored background tab (a) waits to be shown.
        assert requested("/a.txt") == 2 and requested("/b.txt") == 2
    finally:
        srv.stop()
    import json

    saved = json.loads(session.read_text(encoding="utf-8"))
    assert saved["current"] == 1
    assert [tab["entries"][tab["index"]] for tab in saved["tabs"]] == [a, b]
