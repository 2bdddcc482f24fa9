"""A fresh app's first page: its fetch thread loads no module (net.warm_up did, ahead of it).

The app runs as `main.py` runs it (ui.app.main, in a child interpreter of its own: this test
process has every module loaded already). Once the window is built and idle, the address is
typed into the focused address bar and entered; Python's "import" audit event names every
module loaded while the page loads, and the thread that loaded it. An address on the command
line loads at once, with no warm-up beside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.integration.servers import LoopbackServer, http_response, respond, tls_server_context

ROOT = Path(__file__).resolve().parents[2]
BODY = b"But soft what light through yonder window breaks\n" * 40

CHILD = r"""
import json, sys, threading
sys.path.insert(0, sys.argv[1])
URL, MODE = sys.argv[2], sys.argv[3]  # MODE "typed": once idle; "argv": on the command line
loaded = []  # (thread, module) of each module loaded, in order


def audit(event, args):
    if event == "import":
        loaded.append((threading.current_thread().name, args[0]))


sys.addaudithook(audit)
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import net.warm_up
import ui.app

result = {"warm_ups": 0}
warm_ups = []
start_warm_up = net.warm_up.start


def counted_start():
    warm_ups.append(start_warm_up())
    result["warm_ups"] = len(warm_ups)
    return warm_ups[-1]


net.warm_up.start = counted_start


def window():
    return next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")


def when(ready, then):
    # Polled on the event loop, as a user waits: never a sleep that would hold it.
    if ready():
        then()
    else:
        QTimer.singleShot(10, lambda: when(ready, then))


def settled():
    # The start page shown and the warm-up ended: the window waits for a first address.
    win = window()
    if not getattr(win, "fully_built", False):
        return False
    page = win.page
    warmed = bool(warm_ups) and not warm_ups[-1].is_alive()
    return warmed and page.load_ok is not None and not page.rendering


def type_address():
    win = window()
    result["before"] = len(loaded)
    QTest.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Go to address bar
    bar = QApplication.focusWidget()
    result["focused"] = type(bar).__name__
    QTest.keyClicks(bar, URL)
    QTest.keyClick(bar, Qt.Key.Key_Return)
    wait_for_page()


def wait_for_page():
    def shown():
        win = window()
        if not getattr(win, "fully_built", False):
            return False
        page = win.page
        return page.url == URL and page.load_ok is not None and not page.rendering

    when(shown, report)


def report():
    page = window().page
    result["load_ok"] = page.load_ok
    result["text"] = page.document_view.toPlainText()
    result["loaded"] = loaded[result.pop("before", 0):]
    result["main"] = threading.main_thread().name
    print(json.dumps(result))
    QApplication.instance().quit()


tune_runtime = ui.app.tune_runtime


def tune_and_drive():
    # ui.app.main calls this once the window is built, just before its queued start.
    tune_runtime()
    if MODE == "typed":
        when(settled, type_address)
    else:
        wait_for_page()


ui.app.tune_runtime = tune_and_drive
sys.exit(ui.app.main([] if MODE == "typed" else [URL]))
"""


def first_load(url: str, tmp_path: Path, mode: str = "typed", **env: str) -> dict[str, object]:
    environment = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    environment.update(XDG_DATA_HOME=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen")
    environment.update(env)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), url, mode],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def off_the_gui_thread(result: dict[str, object]) -> list[list[str]]:
    loaded = result["loaded"]
    assert isinstance(loaded, list)
    return [row for row in loaded if row[0] != result["main"]]


@pytest.fixture
def plain_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer(respond(http_response(200, BODY, [("Content-Type", "text/plain")])))
    yield server
    server.stop()


def test_the_first_page_of_a_fresh_app_loads_no_module_on_its_fetch_thread(
    plain_server: LoopbackServer, tmp_path: Path
) -> None:
    result = first_load(plain_server.url("/romeo.txt"), tmp_path)
    assert result["warm_ups"] == 1
    assert result["focused"] == "AddressBar"
    assert result["load_ok"] is True
    assert "yonder window breaks" in str(result["text"])
    assert plain_server.requests and plain_server.requests[0].startswith(b"GET /romeo.txt ")
    # Before net.warm_up the fetch thread loaded h11 and net.client here (25-45 ms of Python
    # beside the GUI thread's work on the load).
    assert off_the_gui_thread(result) == []


def test_a_first_https_page_finds_its_tls_context_built(tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    raw = http_response(200, BODY, [("Content-Type", "text/plain")])
    server = LoopbackServer(respond(raw), tls=tls_server_context(ca, "127.0.0.1"))
    try:
        result = first_load(server.url("/romeo.txt"), tmp_path, SSL_CERT_FILE=str(ca_file))
    finally:
        server.stop()
    assert result["load_ok"] is True
    assert "yonder window breaks" in str(result["text"])
    assert off_the_gui_thread(result) == []  # net.tls and the store were loaded ahead


def test_an_address_on_the_command_line_loads_with_no_warm_up_beside_it(
    plain_server: LoopbackServer, tmp_path: Path
) -> None:
    result = first_load(plain_server.url("/romeo.txt"), tmp_path, mode="argv")
    assert result["load_ok"] is True
    assert "yonder window breaks" in str(result["text"])
    # Its fetch was on its way when the window was whole: it loads the client itself, and
    # no warm-up competes with it (nor loads the TLS store an http page does not need).
    assert result["warm_ups"] == 0
    modules = {module for _, module in off_the_gui_thread(result)}
    assert "net.client" in modules and "ssl" not in modules
