"""The Stream dock, the phase bar and the demo server through the real window: real client,
loopback servers, real widgets (offscreen)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from net.events import BodyChunk, Event, Finished, ResponseHead
from net.options import FetchOptions
from tests.integration.servers import (
    LoopbackServer,
    Paced,
    drip,
    http_response,
    redirect,
    respond,
    routes,
    send,
)
from ui.page.fetch_worker import _default_fetch
from ui.page.start_page import START_URL
from ui.shell.main_window import MainWindow

MOD_CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

OPTIONS = FetchOptions(connect_timeout=10.0, read_timeout=10.0)
LINE = b"But soft what light through yonder window breaks\n"


class Recorder:
    """A fetch function that runs the real client and keeps every event it yields."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.lock = threading.Lock()

    def __call__(self, url: str, options: Any, cancel: Any) -> Iterator[Event]:
        for event in _default_fetch(url, options, cancel):
            with self.lock:
                self.events.append(event)
            yield event

    def of(self, kind: type) -> list[Any]:
        with self.lock:
            return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def window(qtbot: QtBot, make_settings, recorder: Recorder) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(make_settings(), fetch=recorder, options=OPTIONS)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def load_and_wait(qtbot: QtBot, win: MainWindow, url: str, timeout: int = 5000) -> bool:
    with qtbot.waitSignal(win.page.load_ended, timeout=timeout) as ended:
        win.load(url)
    qtbot.waitUntil(lambda: not win.page.rendering, timeout=timeout)
    return bool(ended.args[0])


def text_server(servers: list[LoopbackServer], body: bytes, **kw: Any) -> LoopbackServer:
    raw = http_response(200, body, [("Content-Type", "text/plain; charset=utf-8")])
    server = LoopbackServer(drip(raw, **kw) if kw else respond(raw))
    servers.append(server)
    return server


def test_stream_dock_is_visible_by_default_and_toggles_with_ctrl_shift_e(
    qtbot: QtBot, window: MainWindow
) -> None:
    dock = window.stream_dock
    assert dock.objectName() == "stream"
    assert dock.isVisible()
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert window.commands.stream_action.shortcut().toString() == "Ctrl+Shift+E"
    shortcuts = [s.toString() for a in window.actions() for s in a.shortcuts()]
    # No two of the window's actions share a key (Ctrl+T, once the dock's, is New Tab).
    assert len(shortcuts) == len(set(shortcuts))
    qtbot.keyClick(window.page.document_view, Qt.Key.Key_E, MOD_CTRL_SHIFT)
    assert not dock.isVisible()
    window.commands.stream_action.trigger()
    assert dock.isVisible()


def test_stream_dock_visibility_persists(qtbot: QtBot, make_settings) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(first)
    first.show()
    first.stream_dock.hide()
    first.close()
    second = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(second)
    second.show()
    assert not second.stream_dock.isVisible()
    second.close()


def test_timeline_counts_every_recv_and_byte_of_the_transfer(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], recorder: Recorder
) -> None:
    window.lab.set_recv_size(512)
    body = LINE * 400  # ~20 KB in 512-byte recvs: ~40 records
    server = text_server(servers, body)
    assert load_and_wait(qtbot, window, server.url("/romeo.txt"))
    done = recorder.of(Finished)[-1]
    head = recorder.of(ResponseHead)[-1]
    chunks = recorder.of(BodyChunk)
    wire = sum(c.wire_size for c in chunks)
    assert wire == done.wire_bytes - len(head.raw)
    panel = window.page.stream.panel
    # One row per recv: the head's recvs (the last one's body bytes ride on the first chunk).
    body_recvs = len([c for c in chunks if c.wire_size]) - (1 if head.body_prefix else 0)
    assert panel.chunk_count == len(head.recvs) + body_recvs > 1
    assert panel.total_bytes == done.wire_bytes
    assert all(c.wire_size <= 512 for c in chunks)  # the lab's buffer size took effect
    assert all(size <= 512 for _, size in head.recvs)
    assert "request total" in panel.header_text()
    # elapsed is non-decreasing within the hop
    times = [e.elapsed for e in recorder.events if hasattr(e, "elapsed")]
    assert times == sorted(times)


def test_phase_bar_timings_are_monotonic_and_add_up_per_hop(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], recorder: Recorder
) -> None:
    page = http_response(200, LINE * 10, [("Content-Type", "text/plain")])
    server = LoopbackServer(
        routes({"/a": redirect(302, "/b"), "/b": redirect(301, "/c"), "/c": send(page)})
    )
    servers.append(server)
    assert load_and_wait(qtbot, window, server.url("/a"))
    done = recorder.of(Finished)[-1]
    bar = window.page.phase_bar
    assert len(bar.hops) == 3 and bar.hops == list(done.hops)
    assert bar.hops[-1] == done.timings
    for hop in bar.hops:
        phases = [hop.dns, hop.connect, hop.tls, hop.request, hop.wait, hop.transfer]
        assert all(p >= 0 for p in phases)
        assert sum(phases) == pytest.approx(hop.total)
        # cumulative phase ends are monotonic and end at the total
        ends = [sum(phases[: i + 1]) for i in range(len(phases))]
        assert ends == sorted(ends) and ends[-1] == pytest.approx(hop.total)
        assert hop.time_to_first_byte <= hop.total
    assert bar.total == pytest.approx(sum(h.total for h in done.hops))
    tip = bar.toolTip()
    assert "ms" in tip and "DNS" in tip and "Transfer" in tip
    # The stream panel shows the final hop and says it followed redirects.
    assert window.page.stream.panel.hop == 3
    # Per hop, the events' elapsed values never go back.
    hop_times: list[list[float]] = [[]]
    for event in recorder.events:
        if type(event).__name__ == "Redirected":
            hop_times.append([])
        elif hasattr(event, "elapsed"):
            hop_times[-1].append(event.elapsed)
    assert len(hop_times) == 3 and all(t == sorted(t) for t in hop_times)


def test_new_load_clears_the_phase_bar_and_the_timeline(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    server = text_server(servers, LINE * 5)
    assert load_and_wait(qtbot, window, server.url("/a"))
    assert window.page.phase_bar.hops and window.page.stream.panel.chunk_count
    slow = text_server(servers, LINE * 50, delay=0.2)
    window.load(slow.url("/b"))
    assert window.page.phase_bar.hops == []
    assert window.page.stream.panel.chunk_count == 0
    window.page.stop()
    assert "stopped" in window.page.stream.panel.header_text()


def test_throttle_takes_effect_on_the_next_load(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], recorder: Recorder
) -> None:
    body = LINE * 40  # ~2 KB
    server = text_server(servers, body)
    window.lab.set_recv_size(512)
    window.lab.set_chunk_delay(0.05)
    started = time.perf_counter()
    assert load_and_wait(qtbot, window, server.url("/slow"))
    took = time.perf_counter() - started
    recvs = len([c for c in recorder.of(BodyChunk) if c.wire_size])
    assert recvs >= 4
    assert took >= (recvs - 1) * 0.05
    assert window.page.load_options().chunk_delay == 0.05
    window.lab.set_chunk_delay(0.0)
    assert window.page.load_options().chunk_delay == 0.0


def test_lab_change_does_not_touch_the_running_load(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], recorder: Recorder
) -> None:
    server = text_server(servers, LINE * 20)
    window.lab.set_recv_size(512)
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        window.load(server.url("/x"))
        window.lab.set_recv_size(1024 * 1024)  # after the load started
    assert all(c.wire_size <= 512 for c in recorder.of(BodyChunk))


def test_decode_per_chunk_breaks_split_characters_on_the_left_only(
    qtbot: QtBot,
    make_settings,  # type: ignore[no-untyped-def]
    servers: list[LoopbackServer],
) -> None:
    text = "Café ☕ naïve — 日本語 🦊\n"
    data = text.encode()
    cuts = [
        data.index("é".encode()) + 1,
        data.index("☕".encode()) + 1,
        data.index("🦊".encode()) + 2,
    ]
    pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    ).encode()
    paced = Paced(head, pieces)  # one piece per recv: each once the window has the last one
    server = LoopbackServer(paced.handler)
    servers.append(server)
    window = MainWindow(make_settings(), fetch=paced.fetch(_default_fetch), options=OPTIONS)
    qtbot.addWidget(window)
    window.show()
    window.lab.set_decode_per_chunk(True)
    assert window.page.fetcher.emit_body_parts
    assert window.page.stream.tabs.currentWidget() is window.page.stream.compare
    assert load_and_wait(qtbot, window, server.url("/split.txt"))
    compare = window.page.stream.compare
    compare.flush_pending()
    left = compare.left.text.toPlainText()
    right = compare.right.text.toPlainText()
    assert right == text
    assert "\ufffd" in left and "\ufffd" not in right
    assert compare.broken_count == 3
    assert window.page.document_view.toPlainText() == text  # the page itself decodes correctly
    window.lab.set_decode_per_chunk(False)
    assert not window.page.fetcher.emit_body_parts
    window.close()


def test_demo_menu_starts_and_stops_the_server_and_the_start_page_lists_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.load(START_URL)
    assert "Demo server" not in window.page.document_view.toPlainText()
    assert window.start_demo() is not None
    assert (
        not window.commands.demo_action.isEnabled() and window.commands.demo_stop_action.isEnabled()
    )
    base = window.services.demo.base_url
    assert base.startswith("http://127.0.0.1:")
    page = window.page.document_view.toPlainText()
    assert "Demo server" in page and base in page and "/drip" in page
    assert "`" not in page  # no Markdown in the descriptions
    assert load_and_wait(qtbot, window, base.rstrip("/") + "/samples/romeo.txt")
    assert "soft" in window.page.document_view.toPlainText()
    window.load(START_URL)
    window.commands.demo_stop_action.trigger()
    assert not window.services.demo.running and window.commands.demo_action.isEnabled()
    assert not window.commands.demo_stop_action.isEnabled()
    assert "Demo server" not in window.page.document_view.toPlainText()


def test_closing_the_window_stops_the_demo_server(qtbot: QtBot, make_settings) -> None:  # type: ignore[no-untyped-def]
    import socket

    win = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(win)
    win.show()
    base = win.start_demo()
    assert base is not None
    port = int(base.rstrip("/").rsplit(":", 1)[1])
    win.close()
    assert not win.services.demo.running
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 1):
        pass


def test_demo_failure_is_shown_not_raised(qtbot: QtBot, window: MainWindow) -> None:
    from ui.shell.demo_controller import DemoController

    def broken(_samples: Any) -> Any:
        raise OSError(98, "Address already in use")

    window.services._demo = None
    controller = DemoController(parent=window, server_factory=broken)
    controller.state_changed.connect(window.services.on_demo_state_changed)
    controller.failed.connect(window.services.on_demo_failed)
    window.services._demo = controller
    window.commands.demo_action.trigger()
    assert (
        window.commands.demo_action.isEnabled() and not window.commands.demo_stop_action.isEnabled()
    )
    assert (
        "could not start" in window.services.demo_error
        and "127.0.0.1" in window.services.demo_error
    )
    assert window.page.notice_bar.isVisible()


def test_drip_from_the_demo_fills_the_timeline_mid_transfer(
    qtbot: QtBot, window: MainWindow
) -> None:
    base = window.start_demo()
    assert base is not None
    window.lab.set_recv_size(512)
    window.load(base + "drip?bytes=4096&delay=0.02&piece=256")
    panel = window.page.stream.panel
    qtbot.waitUntil(lambda: panel.chunk_count >= 3, timeout=10_000)
    assert window.page.is_loading and panel.is_live()  # mid-transfer: visible while it streams
    qtbot.waitUntil(lambda: window.page.load_ok is not None, timeout=10_000)
    assert panel.total_bytes >= 4096
