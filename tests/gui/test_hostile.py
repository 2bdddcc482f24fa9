"""Hostile pages in the real window (issue 14): sizes past 2 GiB, a full disk, a spill without
end, pathological formatting, a server that never answers, credentials in a refused address.

Every server here is a loopback one that misbehaves on purpose; assertions are on what the
window shows. No wall-clock upper bounds: the gaps and memory are measured in
bench/hostile_pages.py.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from tests.gui.windows import serve, text_of
from tests.integration.servers import LoopbackServer, read_request
from ui.main_window import MainWindow

FIVE_GB = 5_000_000_000
PAST_INT32 = 2**31 + 1


def announce_then(chunks: list[bytes], length: int, gate: threading.Event) -> Any:
    """A handler: a head announcing ``length`` bytes, the first chunk, then each later chunk
    once ``gate`` is set (and cleared again), then silence until the server stops."""

    def handler(conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {length}\r\n\r\n"
        conn.sendall(head.encode() + chunks[0])
        for chunk in chunks[1:]:
            while not gate.wait(0.05):
                if server.stopping.is_set():
                    return
            gate.clear()
            conn.sendall(chunk)
        server.stopping.wait(30)

    return handler


# -- 2 GiB and more ----------------------------------------------------------------------------


def test_a_5_gb_announced_length_shows_progress_that_moves(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    gate = threading.Event()
    chunks = [b"a" * 100_000, b"b" * 300_000]
    srv = serve(servers, announce_then(chunks, FIVE_GB, gate))
    window.load(srv.url("/huge.txt"))
    status = window.load_status
    qtbot.waitUntil(lambda: "of 4.66 GiB" in status.label.text(), timeout=5000)
    assert status.bar.isVisible()
    assert status.bar.maximum() == 1000  # a percentage, not a busy indicator
    qtbot.waitUntil(lambda: status.label.text().startswith("97.7 KiB of 4.66 GiB"), timeout=5000)
    gate.set()  # more arrives: the status follows it
    qtbot.waitUntil(lambda: status.label.text().startswith("390.6 KiB of 4.66 GiB"), timeout=5000)
    assert window.load_ok is None
    srv.stop()  # the server goes away long before 5 GB
    qtbot.waitUntil(lambda: window.load_ok is False, timeout=5000)
    assert window.error_banner.isVisible()
    assert "a" * 100 in text_of(window)


@pytest.mark.parametrize(
    "owner, name",
    [
        ("ui.fetch_worker.Fetcher", "progress_changed"),
        ("ui.page_renderer.PageRenderer", "truncated"),
        ("ui.download_manager.DownloadManager", "progress_changed"),
        ("ui.download_manager.DownloadManager", "finished"),
        ("ui.download_worker.DownloadWorker", "done"),
    ],
)
def test_size_signals_carry_more_than_2_gib_across_threads(
    qtbot: QtBot, owner: str, name: str
) -> None:
    """Each size-carrying signal, emitted on another thread with 2**31 + 1, arrives intact
    (an int signal raised OverflowError there, 446 tracebacks a minute)."""
    import importlib

    module, _, cls = owner.rpartition(".")
    signal = getattr(importlib.import_module(module), cls).__dict__[name]
    # A QObject subclass declaring the very same Signal object (its C++ signature).
    holder = type("Holder", (QObject,), {"sig": signal})()
    types = str(signal).split("(", 1)[1].rstrip(")").split(",")
    samples = {"int": 7, "qint64": PAST_INT32, "QString": "/x", "double": 1.5}
    args = [samples[t] for t in types]
    assert PAST_INT32 in args
    got: list[tuple[Any, ...]] = []
    thread = QThread()
    holder.sig.connect(lambda *a: got.append(a))
    holder.moveToThread(thread)
    thread.started.connect(lambda: holder.sig.emit(*args))
    thread.start()
    try:
        qtbot.waitUntil(lambda: bool(got), timeout=5000)
    finally:
        thread.quit()
        thread.wait(2000)
    assert list(got[0]) == args
