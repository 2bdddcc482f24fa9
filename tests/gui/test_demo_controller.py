"""DemoController: start/stop lifecycle, signals, links, failures, quitting the app."""

from __future__ import annotations

import contextlib
import http.client
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from net.demo_server import DemoServer
from ui.shell.demo_controller import DemoController


@pytest.fixture
def controller(qtbot: QtBot) -> Iterator[DemoController]:
    demo = DemoController()
    yield demo
    demo.stop()


def get(url: str) -> tuple[int, bytes]:
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_start_serves_the_samples_on_loopback_and_stop_closes_the_port(
    controller: DemoController, qtbot: QtBot
) -> None:
    assert not controller.running and controller.base_url == ""
    with qtbot.waitSignal(controller.state_changed, timeout=10_000) as blocker:
        url = controller.start()
    assert url is not None and url.startswith("http://127.0.0.1:") and url.endswith("/")
    assert blocker.args == [True, url]
    assert controller.running and controller.base_url == url
    assert controller.start() == url  # a second start is a no-op
    status, body = get(url + "samples/romeo.txt")
    assert status == 200 and b"yonder window" in body

    port = urlsplit(url).port
    assert port is not None
    with qtbot.waitSignal(controller.state_changed, timeout=10_000) as blocker:
        controller.stop()
    assert blocker.args == [False, ""]
    assert not controller.running and controller.base_url == ""
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    controller.stop()  # stopping twice is harmless


def test_stop_is_bounded_while_a_drip_is_being_served(controller: DemoController) -> None:
    url = controller.start()
    assert url is not None
    parts = urlsplit(url)
    assert parts.port is not None
    # The drip would take 500 s: stop ends it mid-way instead of waiting for it (how long
    # stop takes: bench/cancel_latency.py).
    with socket.create_connection(("127.0.0.1", parts.port), timeout=30) as sock:
        sock.sendall(b"GET /drip?bytes=5000&piece=10&delay=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        received = sock.recv(1024)
        assert received.startswith(b"HTTP/1.1 200")
        controller.stop()
        assert not controller.running
        with contextlib.suppress(ConnectionResetError):  # ends with a FIN or a reset
            while data := sock.recv(1024):  # the connection ends, the drip unfinished
                received += data
    assert len(received.partition(b"\r\n\r\n")[2]) < 5000


def test_endpoint_links_are_absolute_loopback_urls_with_descriptions(
    controller: DemoController,
) -> None:
    assert controller.endpoint_links() == []
    url = controller.start()
    assert url is not None
    links = controller.endpoint_links()
    paths = [link[len(url) - 1 :] for link, _ in links]
    for expected in ("/", "/drip?", "/large?", "/stream?", "/gzip?", "/redirect?", "/status/404"):
        assert any(path.startswith(expected) for path in paths), expected
    assert "/samples/romeo.txt" in paths
    assert all(link.startswith(url) and text for link, text in links)
    assert all("<" not in link for link, _ in links)
    # The links really work (the quick ones: /drip and /stream take seconds by design).
    by_path = dict(zip(paths, (link for link, _ in links), strict=True))
    assert get(by_path["/"])[0] == 200
    assert get(by_path["/samples/romeo.txt"])[0] == 200
    assert get(by_path["/status/404"])[0] == 404
    controller.stop()
    assert controller.endpoint_links() == []


def test_a_start_failure_emits_failed_with_a_clear_message(
    controller: DemoController, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: DemoServer) -> str:
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(DemoServer, "start", refuse)
    changes: list[tuple[bool, str]] = []
    controller.state_changed.connect(lambda running, url: changes.append((running, url)))
    with qtbot.waitSignal(controller.failed, timeout=10_000) as blocker:
        assert controller.start() is None
    message = blocker.args[0]
    assert "demo server could not start" in message
    assert "Address already in use" in message and "try" in message
    assert "Traceback" not in message and "OSError" not in message
    assert not controller.running and controller.base_url == "" and changes == []


def test_a_bad_samples_folder_value_error_is_reported_too(qtbot: QtBot, tmp_path: Path) -> None:
    def factory(folder: Path) -> DemoServer:
        return DemoServer(folder, host="10.0.0.1")  # refused by DemoServer: not loopback

    demo = DemoController(tmp_path, server_factory=factory)
    with qtbot.waitSignal(demo.failed, timeout=10_000) as blocker:
        assert demo.start() is None
    assert "loopback" in blocker.args[0]
    assert not demo.running


def test_quitting_the_application_stops_the_server(qtbot: QtBot) -> None:
    demo = DemoController()
    url = demo.start()
    assert url is not None
    app = QCoreApplication.instance()
    assert app is not None
    app.aboutToQuit.emit()  # what QCoreApplication.quit() emits before the loop ends
    assert not demo.running
    port = urlsplit(url).port
    assert port is not None
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_start_page_segments_link_every_endpoint(controller: DemoController) -> None:
    assert controller.start_page_segments() == []
    url = controller.start()
    assert url is not None
    segments = controller.start_page_segments()
    assert segments[0][0] == "heading" and "Demo server" in segments[0][1]
    links = [(text, href) for kind, text, href in segments if kind == "link"]
    assert [href for _, href in links] == [link for link, _ in controller.endpoint_links()]
    assert ("/", url) in links and ("/status/404", url + "status/404") in links
    assert all(text.endswith("\n") for kind, text, _ in segments if kind in ("heading",))
