"""How long Stop, Cancel and Close take: the speed side of the cancellation tests.

The tests (tests/integration/test_client_cancel.py, tests/gui/test_fetch_worker.py,
test_window.py, test_download_manager.py, test_demo_controller.py, test_demo_server.py)
check that a cancel ends each blocking phase, with generous waits; the design's figure (Stop
takes effect within ~100 ms, in DNS, connect, the TLS handshake or recv()) is measured here.
Every case cancels 0.15 s into the phase it names, from another thread, and times the cancel
to the moment the caller sees it end; median and worst of --runs runs. The reference, in the
same run: a bare blocking ``recv()`` woken by ``shutdown()`` from another thread, the floor
any cancel of a blocked socket call stands on.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/cancel_latency.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from net.cancel import CancelToken  # noqa: E402
from net.client import fetch  # noqa: E402
from net.errors import Cancelled  # noqa: E402
from net.events import Event  # noqa: E402
from net.options import FetchOptions  # noqa: E402
from tests.integration.servers import (  # noqa: E402
    BacklogFullListener,
    LoopbackServer,
    http_response,
    respond,
    stall,
)

INSIDE = 0.15  # seconds into the phase before the cancel
LONG = FetchOptions(connect_timeout=60, read_timeout=60)


def later(delay: float, action: Callable[[], None]) -> list[float]:
    """Run ``action`` after ``delay`` s on a thread; the list gets its perf_counter time."""
    when: list[float] = []

    def run() -> None:
        time.sleep(delay)
        when.append(time.perf_counter())
        action()

    threading.Thread(target=run, daemon=True).start()
    return when


def wait_for(when: list[float]) -> float:
    while not when:
        time.sleep(0.001)
    return when[0]


def bare_recv_shutdown() -> float:
    """The reference: a recv() blocked on a silent loopback peer, woken by shutdown()."""
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    peer, _ = listener.accept()
    when = later(INSIDE, lambda: client.shutdown(socket.SHUT_RDWR))
    client.recv(1)
    ended = time.perf_counter()
    for sock in (client, peer, listener):
        sock.close()
    return ended - wait_for(when)


def client_phase(url: str, options: FetchOptions = LONG) -> float:
    token = CancelToken()
    when = later(INSIDE, token.cancel)
    try:
        for _event in fetch(url, options, token):
            pass
    except Cancelled:
        pass
    else:
        raise SystemExit(f"cancel_latency: {url} ended without being cancelled")
    return time.perf_counter() - wait_for(when)


def client_cases() -> list[tuple[str, Callable[[], float]]]:
    def connect() -> float:
        with BacklogFullListener() as listener:
            return client_phase(f"http://127.0.0.1:{listener.port}/")

    def served(handler: Any, scheme: str = "http", **options: Any) -> Callable[[], float]:
        def case() -> float:
            with LoopbackServer(handler) as server:
                merged = FetchOptions(connect_timeout=60, read_timeout=60, **options)
                return client_phase(server.url("/", scheme=scheme), merged)

        return case

    def dns() -> float:
        import net.transport

        release = threading.Event()

        def silent_resolver(*args: object, **kwargs: object) -> list[object]:
            release.wait(60)  # a resolver that does not answer
            raise socket.gaierror("too late")

        real = net.transport.socket.getaddrinfo
        net.transport.socket.getaddrinfo = silent_resolver  # type: ignore[assignment]
        try:
            return client_phase("http://slow-dns.invalid/")
        finally:
            net.transport.socket.getaddrinfo = real
            release.set()

    body = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome"
    return [
        ("net.client: cancel during DNS (a resolver that does not answer)", dns),
        ("net.client: cancel during connect (full backlog)", connect),
        ("net.client: cancel during the TLS handshake", served(stall(read=False), "https")),
        ("net.client: cancel waiting for the head", served(stall())),
        ("net.client: cancel during the body (silent server)", served(stall(body))),
        (
            "net.client: cancel during the slow-motion delay",
            served(respond(http_response(200, b"x" * 100)), recv_size=10, chunk_delay=60),
        ),
    ]


def stalling_fetch(url: str, options: Any, cancel: Any) -> Iterator[Event]:
    from net.events import BodyChunk, ResponseHead

    yield ResponseHead(url, "1.1", 200, "OK", (), b"", 0.0)
    yield BodyChunk(b"partial", b"partial", 0.0)
    while not cancel.wait(0.005):
        pass
    raise Cancelled("The request was cancelled", url=url)


def gui_cases(app: Any) -> list[tuple[str, Callable[[], float]]]:
    from PySide6.QtCore import QSettings

    from ui.downloads.download_manager import DownloadManager
    from ui.page.fetch_worker import Fetcher
    from ui.settings import Settings
    from ui.shell.main_window import MainWindow

    def spin_until(condition: Callable[[], bool], limit: float = 60.0) -> None:
        deadline = time.perf_counter() + limit
        while not condition():
            if time.perf_counter() > deadline:
                raise SystemExit("cancel_latency: a case did not end within 60 s")
            app.processEvents()
            time.sleep(0.0005)

    def fetcher_stop() -> float:
        fetcher = Fetcher(stalling_fetch)
        fetcher.load("http://x/")
        spin_until(lambda: fetcher.worker_busy)
        time.sleep(INSIDE)
        started = time.perf_counter()
        fetcher.stop()
        spin_until(lambda: not fetcher.worker_busy)
        took = time.perf_counter() - started
        fetcher.shutdown(60_000)
        return took

    def fetcher_shutdown() -> float:
        fetcher = Fetcher(stalling_fetch)
        fetcher.load("http://x/")
        spin_until(lambda: fetcher.worker_busy)
        time.sleep(INSIDE)
        started = time.perf_counter()
        assert fetcher.shutdown(60_000)
        return time.perf_counter() - started

    def window_close(folder: str) -> Callable[[], float]:
        def case() -> float:
            head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
            with LoopbackServer(stall(head + b"x" * 5000)) as server:
                settings = Settings(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat))
                win = MainWindow(settings, options=LONG)
                win.close_wait_ms = 60_000
                win.show()
                win.load(server.url("/"))
                spin_until(lambda: len(win.page.document_view.toPlainText()) >= 5000)
                started = time.perf_counter()
                win.close()
                took = time.perf_counter() - started
                assert not win.page.fetcher.worker_thread.isRunning()
                win.deleteLater()
                app.processEvents()
                return took

        return case

    def download_cancel(folder: str) -> Callable[[], float]:
        def case() -> float:
            raw = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"d" * 1000
            with LoopbackServer(stall(raw)) as server:
                manager = DownloadManager()
                ended: list[float] = []
                progress: list[int] = []
                manager.cancelled.connect(lambda _id: ended.append(time.perf_counter()))
                manager.progress_changed.connect(lambda _id, got, *_: progress.append(got))
                target = Path(folder) / "d.bin"
                download = manager.start(server.url("/d"), str(target))
                spin_until(lambda: any(progress))
                time.sleep(INSIDE)
                started = time.perf_counter()
                manager.cancel(download)
                spin_until(lambda: bool(ended))
                assert manager.shutdown(60_000)
                return ended[0] - started

        return case

    folder = tempfile.mkdtemp(prefix="yonder-cancel-")
    return [
        ("Fetcher.stop -> the worker free (stalling fetch)", fetcher_stop),
        ("Fetcher.shutdown mid-transfer -> the thread ended", fetcher_shutdown),
        ("MainWindow.close mid-transfer (silent server)", window_close(folder)),
        ("DownloadManager.cancel -> cancelled (silent server)", download_cancel(folder)),
    ]


def demo_cases() -> list[tuple[str, Callable[[], float]]]:
    from net.demo_server import DemoServer

    def demo_stop() -> float:
        with tempfile.TemporaryDirectory() as samples:
            demo = DemoServer(Path(samples))
            demo.start()
            port = int(demo.base_url.rstrip("/").rsplit(":", 1)[1])
            drip = socket.create_connection(("127.0.0.1", port), timeout=60)
            drip.sendall(b"GET /drip?bytes=100000&piece=1&delay=0.005 HTTP/1.1\r\nHost: x\r\n\r\n")
            drip.recv(100)
            time.sleep(INSIDE)
            started = time.perf_counter()
            demo.stop()
            took = time.perf_counter() - started
            drip.close()
            return took

    return [("DemoServer.stop while a drip is served", demo_stop)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from ui.app import _qt_message  # drops the offscreen platform's one known notice

    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication([])
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    cases = [
        ("reference: bare recv() woken by shutdown()", bare_recv_shutdown),
        *client_cases(),
        *gui_cases(app),
        *demo_cases(),
    ]
    reference = 0.0
    print("| case | median ms | worst ms | median / reference |")
    print("|---|---|---|---|")
    for name, case in cases:
        times = [case() * 1000 for _ in range(args.runs)]
        median = statistics.median(times)
        if not reference:
            reference = median
        print(f"| {name} | {median:.1f} | {max(times):.1f} | {median / reference:.0f} |")
    print(f"load average after: {os.getloadavg()[0]:.2f}; {args.runs} runs per case")


if __name__ == "__main__":
    main()
