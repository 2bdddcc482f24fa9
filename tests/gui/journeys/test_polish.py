"""Journeys for issue 10's items 8-15: layout, docks, numbers, the chunk table's head, the
learning features, error pages and polish. Each one goes the user's way: actions found by
their menu text, keys to the focused widget, then what is on screen and what the loopback
server received."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.settings import Settings
from ui.shell.main_window import HEADER_MIN_WIDTH, MainWindow

ROOT = Path(__file__).resolve().parents[3]

DECIMAL_UNITS = re.compile(r"\d (KB|MB|GB|TB)\b|\d (kB|KB|MB|GB)/s")


def dismiss_completion(qtbot: QtBot, win: MainWindow) -> None:
    """Esc to the address bar's completion list if typing left it open; and the window active
    again once it closed (offscreen, no window manager hands activation back from a popup)."""
    completer = win.address_bar.completer()
    popup = completer.popup() if completer is not None else None
    if popup is not None and popup.isVisible():
        qtbot.keyClick(popup, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not popup.isVisible())
    if QApplication.activeWindow() is not win:
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def type_address(qtbot: QtBot, win: MainWindow, url: str) -> None:
    """Ctrl+L's action, the address typed, Enter."""
    dismiss_completion(qtbot, win)
    drive.trigger(win, "File", "Go to address bar")
    drive.type_text(qtbot, url)
    dismiss_completion(qtbot, win)
    drive.press(qtbot, Qt.Key.Key_Return)


def open_address(qtbot: QtBot, win: MainWindow, url: str) -> None:
    """The address typed and entered (type_address); then wait for the page."""
    type_address(qtbot, win, url)
    drive.wait_loaded(qtbot, win)


def choose_recv_size(qtbot: QtBot, win: MainWindow, label: str) -> None:
    """The receive lab's buffer, picked with the keyboard as a user does (focus, arrows)."""
    combo = win.lab.recv_combo
    combo.setFocus()  # a click on the combo / Tab into it
    qtbot.waitUntil(lambda: drive.focused() is combo)
    drive.press(qtbot, Qt.Key.Key_Home)
    while combo.currentText() != label:
        before = combo.currentIndex()
        drive.press(qtbot, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"no receive size {label!r}"


# -- 10: one formatter, labelled figures, one rate -----------------------------------------------


def test_every_figure_of_one_load_uses_iec_units_and_names_what_it_measures(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = b"x" * 95_640 + b"\n"
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    choose_recv_size(qtbot, window, "512 B (classic)")  # many recvs: a transfer that lasts
    open_address(qtbot, window, srv.url("/big.txt"))
    status = drive.status_text(window)
    assert re.fullmatch(
        r"Done: HTTP 200 · 93\.4 KiB · transfer [\d.]+ m?s · all received in [\d.]+ m?s", status
    ), status
    panel = window.page.stream.panel
    header = panel.header.text()
    assert "on the wire" in header and "request total" in header and "first byte" in header
    # One rate, by one definition: the panel's header and the timeline's title say the same.
    title = panel.timeline.title_text()
    rates = re.findall(r"transfer rate ([\d.]+ \w+/s)", header)
    assert len(rates) == 1 and rates == re.findall(r"transfer rate ([\d.]+ \w+/s)", title)
    for text in (status, header, title):
        assert not DECIMAL_UNITS.search(text), text


# -- 12: the chunk table shows the head's recvs whole ---------------------------------------------


def test_with_a_512_byte_buffer_the_first_recv_shows_its_head_and_body_parts(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = b"".join(b"line %04d of the body\n" % i for i in range(200))
    response = http_response(200, body, [("Content-Type", "text/plain")])
    head_size = response.index(b"\r\n\r\n") + 4
    assert head_size < 512 < len(response)
    srv = serve(servers, respond(response))
    choose_recv_size(qtbot, window, "512 B (classic)")
    open_address(qtbot, window, srv.url("/lines.txt"))
    model = window.page.stream.panel.table.chunk_model
    qtbot.waitUntil(lambda: model.pending_count == 0)
    rows = [model.row_values(r) for r in range(model.rowCount())]
    sizes = [size for _, size, _ in rows]
    assert sum(sizes) == len(response)  # every byte that came, the head's too
    assert all(size <= 512 for size in sizes)
    cells = [str(model.data(model.index(r, 2))) for r in range(model.rowCount())]
    # The recv that carried the end of the head: its whole size, then its two parts.
    split = [c for c in cells if "head" in c]
    assert split, cells[:3]
    last = split[-1]
    match = re.fullmatch(r"([\d,]+) \(head ([\d,]+) \+ body ([\d,]+)\)", last)
    assert match, last
    whole, head, rest = (int(g.replace(",", "")) for g in match.groups())
    assert whole == head + rest
    head_parts = []
    for cell in split:
        parts = re.fullmatch(r"([\d,]+) \((?:head ([\d,]+) \+ body [\d,]+|head)\)", cell)
        assert parts, cell
        head_parts.append(int((parts.group(2) or parts.group(1)).replace(",", "")))
    assert sum(head_parts) == head_size
    if len(split) == 1:  # the usual case on loopback: one recv of 512 B = head + body
        assert whole == 512 and head == head_size
    assert len(drive.requests_to(srv, "/lines.txt")) == 1


def choose_slow_motion(qtbot: QtBot, win: MainWindow, label: str) -> None:
    """The receive lab's pause per recv, picked with the keyboard (focus, arrows)."""
    combo = win.lab.delay_combo
    combo.setFocus()
    qtbot.waitUntil(lambda: drive.focused() is combo)
    drive.press(qtbot, Qt.Key.Key_Home)
    while combo.currentText() != label:
        before = combo.currentIndex()
        drive.press(qtbot, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"no pause {label!r}"


def seconds_of(text: str) -> float:
    """A format_duration figure ("4.69 ms", "1.25 s") in seconds."""
    number, unit = text.split()
    return float(number) / (1000 if unit == "ms" else 1)


def test_with_slow_motion_the_first_recv_is_drawn_at_the_first_byte_the_dock_states(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # The first recv and the head were timed after the pause that follows each recv: the
    # table and the chart put them a whole pause after the "first byte" stated above them.
    body = b"".join(b"line %04d of the body\n" % i for i in range(100))
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    choose_recv_size(qtbot, window, "512 B (classic)")
    choose_slow_motion(qtbot, window, "50 ms")
    open_address(qtbot, window, srv.url("/slow.txt"))
    panel = window.page.stream.panel
    model = panel.table.chunk_model
    qtbot.waitUntil(lambda: model.pending_count == 0 and "first byte" in panel.header.text())
    stated = re.search(r"first byte ([\d.]+ m?s)", panel.header.text())
    assert stated, panel.header.text()
    first_byte = seconds_of(stated.group(1))
    times = [model.row_values(r)[0] for r in range(model.rowCount())]
    assert len(times) >= 4
    assert abs(times[0] - first_byte) <= 0.001 + 0.02 * first_byte, (times[0], first_byte)
    assert all(b - a >= 0.05 for a, b in itertools.pairwise(times))  # the pauses
    choose_slow_motion(qtbot, window, "off")


# -- 8: the default layout ---------------------------------------------------------------------


def lines_of_first_block(win: MainWindow) -> int:
    """How many screen lines the line at the top of the document view takes (1: no wrap)."""
    view = win.page.document_view
    block = view.cursorForPosition(QPoint(4, 4)).block()
    assert len(block.text()) == 100, block.text()
    return block.layout().lineCount()


def test_the_first_window_shows_100_columns_and_the_header_pane_yields_first(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    line = b"".join(b"%d" % (i % 10) for i in range(100))  # 100 columns, no space to wrap at
    body = (line + b"\n") * 300  # long enough for a scroll bar
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    open_address(qtbot, window, srv.url("/wide.txt"))
    assert window.commands.wrap_action.isChecked()  # word wrap on, as by default: still one line
    # 300 lines: a scroll bar takes its width too (laid out after the text arrived).
    qtbot.waitUntil(
        lambda: window.page.document_view.verticalScrollBar().isVisible(), timeout=10000
    )
    assert lines_of_first_block(window) == 1
    # The user makes the window narrower: the header pane gives way, the document keeps its
    # width (and its 100 columns)...
    header, document = window.page.splitter.sizes()
    window.resize(window.width() - 60, window.height())
    qtbot.waitUntil(lambda: window.page.splitter.sizes()[0] < header)
    assert window.page.splitter.sizes()[1] == document
    assert lines_of_first_block(window) == 1
    # ...down to the header's minimum; only then does the document yield.
    window.resize(window.width() - 2000, window.height())
    qtbot.waitUntil(lambda: window.page.splitter.sizes()[1] < document)
    assert window.page.splitter.sizes()[0] >= HEADER_MIN_WIDTH
    # Wider again: the document grows back first.
    window.resize(window.width() + 3000, window.height())
    qtbot.waitUntil(lambda: lines_of_first_block(window) == 1)


SCREEN_PROBE = """
import json, sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
from ui.app import create_application
from ui.shell.main_window import MainWindow
from ui.settings import Settings
app = create_application([])
settings = Settings(QSettings(sys.argv[1], QSettings.Format.IniFormat))
window = MainWindow(settings, deferred=True)  # as `python main.py` starts
window.show()
deadline = time.monotonic() + 20
while not window.fully_built and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
app.processEvents()
screen = window.screen()
frame, avail = window.frameGeometry(), screen.availableGeometry()
print(json.dumps({
    "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
    "available": [avail.x(), avail.y(), avail.width(), avail.height()],
    "scale": screen.devicePixelRatio(),
    "built": window.fully_built,
}))
window.persist_settings = False
window.close()
"""


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_the_first_window_fits_a_1400x900_screen_at_any_scale_factor(
    tmp_path: Path, scale: str
) -> None:
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "laptop",
                        "x": 0,
                        "y": 0,
                        "width": 1400,
                        "height": 900,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": scale,
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-c", SCREEN_PROBE, str(tmp_path / "yonder.ini")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["built"] and found["scale"] == float(scale)
    x, y, width, height = found["frame"]
    ax, ay, aw, ah = found["available"]
    assert aw == round(1400 / float(scale)) or abs(aw - 1400 / float(scale)) <= 1
    assert ax <= x and ay <= y and x + width <= ax + aw and y + height <= ay + ah, found


# -- 11: the Stream dock remembers whether it was open ---------------------------------------


def start_like_main(qtbot: QtBot, make_settings: Callable[[], Settings]) -> MainWindow:
    """A window built as `python main.py` builds it: the light first frame, the rest after."""
    win = MainWindow(make_settings(), deferred=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.fully_built)
    qtbot.wait(50)  # any queued show or hide of the docks has run: the state a user sees
    return win


def test_closing_the_stream_dock_is_remembered_by_the_next_run(
    qtbot: QtBot, make_settings: Callable[[], Settings]
) -> None:
    first = start_like_main(qtbot, make_settings)
    assert first.stream_dock.isVisible()  # a first run shows the stream
    drive.trigger(first, "View", "Stream (timeline, receive lab)")
    assert not first.stream_dock.isVisible()
    drive.trigger(first, "File", "Close Window")
    second = start_like_main(qtbot, make_settings)
    assert not second.stream_dock.isVisible()
    drive.trigger(second, "View", "Stream (timeline, receive lab)")
    assert second.stream_dock.isVisible()
    drive.trigger(second, "File", "Close Window")
    third = start_like_main(qtbot, make_settings)
    assert third.stream_dock.isVisible()
    third.close()


# -- 13: the learning features are findable ----------------------------------------------------


def test_the_start_page_names_the_demo_server_the_stream_dock_and_the_receive_lab(
    qtbot: QtBot, window: MainWindow
) -> None:
    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)
    text = drive.screen_text(window)
    for feature in (
        "Go > Start Demo Server",
        "Stream dock",
        "Ctrl+Shift+E",
        "receive lab",
        "512 B",
    ):
        assert feature in text, feature
    # The key table: every description starts in the same column.
    keys = text.split("\nKeys\n", 1)[1].split("\n\n", 1)[0].strip("\n").splitlines()
    assert len(keys) >= 20
    columns = {re.search(r"\S\s{2,}(?=\S)", line).end() for line in keys}  # type: ignore[union-attr]
    assert len(columns) == 1, keys


def test_go_start_demo_server_opens_its_index_and_stop_demo_server_stops_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert not drive.reachable(window, "Go", "Stop Demo Server")  # nothing to stop yet
    action = drive.trigger(window, "Go", "Start Demo Server")
    assert not action.isCheckable()  # a plain action that says what it does
    drive.wait_loaded(qtbot, window)
    base = window.services.demo.base_url
    assert window.url == base and window.address_bar.text() == base
    text = drive.screen_text(window)
    assert text.startswith("Yonder demo server")
    assert "`" not in text and "bytes" in text  # its parameters, without Markdown
    assert "Demo server running on" in drive.status_text(window) or window.page.load_ok
    # It serves: one of its links, followed with the mouse.
    drive.click_link(qtbot, window, base + "redirect?n=3")
    drive.wait_loaded(qtbot, window)
    assert window.page.load_ok and window.page.header_view.tabs.tabText(3) == "Redirects (3)"
    assert not drive.reachable(window, "Go", "Start Demo Server")
    drive.trigger(window, "Go", "Stop Demo Server")
    assert not window.services.demo.running
    assert drive.reachable(window, "Go", "Start Demo Server")
    assert not drive.reachable(window, "Go", "Stop Demo Server")
    assert "Demo server stopped" in window.page.load_status.label.text()


# -- 15: polish ------------------------------------------------------------------------------


def test_home_has_a_house_icon_not_a_folder(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QStyle

    home = drive.find_action(window, "Go", "Home")
    button = window.toolbar.widgetForAction(home)
    assert button is not None and button.isVisible()
    folder = window.style().standardIcon(QStyle.StandardPixmap.SP_DirHomeIcon)
    size = button.iconSize()
    shown = home.icon().pixmap(size).toImage()
    assert not shown.isNull()
    assert shown != folder.pixmap(size).toImage()
    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)
    assert window.windowTitle() == "Start page — Yonder"


def test_help_about_shows_the_version_the_licence_and_links_to_the_start_page_and_keys(
    qtbot: QtBot, window: MainWindow
) -> None:
    from net.version import version

    drive.trigger(window, "Help", "About Yonder")
    drive.wait_loaded(qtbot, window)
    text = drive.screen_text(window)
    assert f"Version {version()}" in text and "MIT" in text
    assert window.windowTitle() == "About Yonder — Yonder"
    drive.click_link(qtbot, window, "about:keys")
    drive.wait_loaded(qtbot, window)
    assert "Ctrl+L" in drive.screen_text(window) and "Ctrl+T" in drive.screen_text(window)
    drive.trigger(window, "Go", "Back")
    drive.wait_loaded(qtbot, window)
    drive.click_link(qtbot, window, "about:start")
    drive.wait_loaded(qtbot, window)
    assert window.windowTitle() == "Start page — Yonder"
    drive.press(qtbot, Qt.Key.Key_F1)  # the key the start page gives for it
    drive.wait_loaded(qtbot, window)
    assert window.windowTitle() == "About Yonder — Yonder"


def test_help_keys_lists_every_key(qtbot: QtBot, window: MainWindow) -> None:
    drive.trigger(window, "Help", "Keys")
    drive.wait_loaded(qtbot, window)
    text = drive.screen_text(window)
    assert text.startswith("Keys") and "Ctrl+Shift+D" in text and "F1" in text


def test_plain_http_shows_no_tls_phase(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(http_response(200, b"plain\n", [("Content-Type", "text/plain")])))
    open_address(qtbot, window, srv.url("/plain.txt"))
    connection = window.page.header_view.connection.toPlainText()
    assert "Timings: DNS" in connection and "TLS" not in connection
    assert (
        "TLS" not in window.page.phase_bar.toolTip()
        and "Connect" in window.page.phase_bar.toolTip()
    )


# -- 14: error pages ----------------------------------------------------------------------------


def test_a_malformed_address_says_so_once_and_offers_no_retry(
    qtbot: QtBot, window: MainWindow
) -> None:
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, "ftp://example.org/file")
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, window)
    text = drive.screen_text(window)
    message = text.split("What failed\n", 1)[1].split("\n", 1)[0].split(": ", 1)[1]
    assert "scheme" in message.lower()
    assert text.count(message) == 1  # not again in the technical detail
    assert message not in window.page.load_status.label.text()  # nor in the status bar
    assert window.page.load_status.label.text() == "Could not load the page: Address error"
    # Trying the same malformed address again cannot help: no Retry anywhere.
    assert "Retry" not in text
    assert "yonder:retry" not in [href for _, _, href in window.page.document_view.links()]
    assert not window.page.error_banner.retry_button.isVisible()


def test_error_pages_share_one_font_and_open_at_their_title(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    import trustme

    from tests.integration.servers import closed_port, tls_server_context

    context = tls_server_context(trustme.CA(), "localhost", "127.0.0.1")
    tls = serve(servers, respond(http_response(200, b"secret")), tls=context)
    families = []
    for url in (tls.url("/"), f"http://127.0.0.1:{closed_port()}/", "ftp://example.org/"):
        type_address(qtbot, window, url)
        drive.wait_loaded(qtbot, window)
        assert window.page.load_ok is False
        qtbot.waitUntil(lambda: drive.top_line(window) == "Could not load this page")
        assert drive.scroll(window)[0] == 0  # at its own title, however long the detail
        families.append(window.page.document_view.font().family())
    assert len(set(families)) == 1, families
    # The family of rendered pages, not the monospace one of plain text.
    html = b"<!doctype html><title>t</title><p>A paragraph.</p>"
    page = serve(servers, respond(http_response(200, html, [("Content-Type", "text/html")])))
    open_address(qtbot, window, page.url("/page.html", host="localhost"))
    assert window.page.document_view.font().family() == families[0]


# -- 9: the Downloads dock opens readable and leaves the Stream dock alone ------------------------


def clipped(container: QWidget) -> list[str]:
    """The labels, buttons, boxes and checkboxes inside ``container`` that are narrower than
    their text needs (cut or elided on screen)."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel

    found = []
    for widget in container.findChildren(QWidget):
        if not widget.isVisibleTo(container):
            continue
        if isinstance(widget, QLabel) and not widget.wordWrap():
            need = widget.fontMetrics().horizontalAdvance(widget.text()) + 2 * widget.margin()
        elif isinstance(widget, QAbstractButton | QComboBox):
            need = widget.minimumSizeHint().width()
        else:
            continue
        if widget.width() < need:
            found.append(f"{type(widget).__name__} {widget.width()} < {need}")
    return found


def test_downloads_dock_opens_wide_enough_and_widening_it_spares_the_stream_dock(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    body = b"0123456789" * 5000
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    lab = window.lab
    assert clipped(lab) == []
    stream_width = window.stream_dock.width()
    target = tmp_path / "a-file-with-a-readable-name.txt"
    drive.answer_dialogs(qtbot, srv.url("/numbers.txt"), str(target))
    drive.trigger(window, "File", "Download…")
    qtbot.waitUntil(lambda: target.exists() and target.read_bytes() == body, timeout=10000)
    dock, panel = window.services.downloads_dock, window.services.downloads_panel
    assert panel is not None
    qtbot.waitUntil(lambda: dock.isVisible() and panel.rows() != [])
    (row,) = panel.rows()
    qtbot.waitUntil(lambda: row.state == "finished")
    assert dock.width() >= panel.minimumWidth() > 200
    name = row.name_label
    assert name.width() >= name.fontMetrics().horizontalAdvance(name.text())
    status = row.status_label
    assert re.fullmatch(r"Done · 48\.8 KiB( · transfer [\d.]+ m?s)?", status.text())
    assert status.width() >= status.fontMetrics().horizontalAdvance(status.text())
    assert row.open_button.isVisible() and row.rect().contains(row.open_button.geometry())
    # The Stream dock below keeps its width and its controls whole...
    assert window.stream_dock.width() == stream_width and clipped(lab) == []
    # ...also when the user widens the Downloads dock (its separator dragged).
    window.resizeDocks([dock], [dock.width() + 250], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() > panel.minimumWidth() + 100)
    assert window.stream_dock.width() == stream_width and clipped(lab) == []
