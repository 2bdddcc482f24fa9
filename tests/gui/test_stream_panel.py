"""StreamPanel and StreamPane: synthetic batches, real transfers from the demo server through
the Fetcher (recv(512)) and through a plain thread, redirects, ends, and the cost of 100,000
records."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from net.client import fetch
from net.demo_server import UTF8_SPLIT_TEXT, DemoServer, utf8_split_pieces
from net.events import BodyChunk, Event, Finished, Redirected, ResponseHead, Timings
from net.options import FetchOptions
from tests.integration.servers import LoopbackServer, Paced, http_response
from ui.page.fetch_worker import Fetcher
from ui.stream.chunk_table import ChunkTableModel
from ui.stream.stream_panel import StreamPane, StreamPanel
from ui.stream.timeline_view import TimelineView

SHOTS = os.environ.get("YONDER_SHOTS")  # a folder: save screenshots there for a look


@pytest.fixture
def panel(qtbot: QtBot) -> StreamPanel:
    widget = StreamPanel()
    qtbot.addWidget(widget)
    widget.resize(1000, 280)
    return widget


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoServer]:
    with DemoServer(tmp_path) as server:
        yield server


def settle(qtbot: QtBot, panel: StreamPanel) -> None:
    """Wait for the table's frame timer to insert every pending row."""
    qtbot.waitUntil(lambda: panel.table.chunk_model.pending_count == 0, timeout=10_000)


def test_synthetic_batches_are_counted_exactly(panel: StreamPanel, qtbot: QtBot) -> None:
    records = [(0.001 * i, 100 + i % 413) for i in range(1, 2001)]
    panel.reset()
    panel.on_head(0.0005)
    for start in range(0, len(records), 97):  # uneven batches, as the Fetcher sends them
        panel.on_recvs(records[start : start + 97])
    total = sum(size for _, size in records)
    assert panel.chunk_count == panel.timeline.chunk_count == 2000
    assert panel.total_bytes == panel.timeline.total_bytes == total
    settle(qtbot, panel)
    assert panel.table.model().rowCount() == 2000
    assert panel.table.chunk_model.total_bytes == total
    assert panel.table.chunk_model.row_values(1999) == (2.0, records[-1][1], total)
    assert panel.is_live()
    text = panel.header_text()
    assert "2,000 recvs" in text and f"{total:,} bytes" in text and "head at" in text
    assert panel.average_rate() == pytest.approx(total / (2.0 - 0.0005))


@pytest.mark.parametrize("batch", [1, 97, 5000], ids=["one-at-a-time", "uneven", "whole"])
def test_batches_of_any_size_and_trailing_records_after_the_end(
    panel: StreamPanel, qtbot: QtBot, batch: int
) -> None:
    records = [(0.0001 * i, 1 + i % 700) for i in range(5000)]
    for start in range(0, len(records), batch):
        panel.on_recvs(records[start : start + batch])
    total = sum(size for _, size in records)
    timings = Timings(wait=0.01, transfer=0.49)
    panel.on_finished(timings, [timings])
    panel.on_recvs([(0.6, 1000), (0.7, 1000)])  # trailing: after the end, not counted
    assert panel.chunk_count == panel.timeline.chunk_count == 5000
    assert panel.total_bytes == panel.timeline.total_bytes == total
    settle(qtbot, panel)
    assert panel.table.model().rowCount() == 5000
    assert panel.table.chunk_model.total_bytes == total
    panel.reset()
    panel.on_recvs(records[:3])  # a new request counts again
    assert panel.chunk_count == 3


def test_one_record_at_a_time_and_empty_batches(panel: StreamPanel, qtbot: QtBot) -> None:
    panel.on_recvs([])
    assert panel.chunk_count == 0 and not panel.is_live()
    for i in range(300):
        panel.on_recvs([(i * 0.01, 512)])
    assert panel.chunk_count == 300 and panel.total_bytes == 300 * 512
    settle(qtbot, panel)
    assert panel.table.model().rowCount() == 300


def test_zero_size_records_are_not_recvs(panel: StreamPanel, qtbot: QtBot) -> None:
    """A gzip recv that decodes to several pieces yields extra BodyChunks with wire=b''."""
    panel.on_recvs([(0.1, 0), (0.2, 300), (0.2, 0), (0.2, 0), (0.3, 200), (0.4, 0)])
    assert panel.chunk_count == 2 and panel.total_bytes == 500
    assert panel.timeline.chunk_count == 2
    settle(qtbot, panel)
    assert panel.table.model().rowCount() == 2


def test_reset_empties_everything(panel: StreamPanel, qtbot: QtBot) -> None:
    panel.on_head(0.01)
    panel.on_recvs([(0.02, 10), (0.03, 20)])
    panel.reset()
    settle(qtbot, panel)
    assert panel.chunk_count == 0 and panel.total_bytes == 0 and panel.hop == 1
    assert panel.timeline.chunk_count == 0 and panel.timeline.head_elapsed is None
    assert panel.table.model().rowCount() == 0
    assert not panel.is_live()
    assert panel.header.text() == "0 recvs · 0 B on the wire (0 bytes) · waiting for the response"


def test_finish_shows_exact_first_byte_and_stops_refreshing(panel: StreamPanel) -> None:
    panel.on_head(0.020)
    panel.on_recvs([(0.021, 1000), (0.030, 1000)])
    timings = Timings(dns=0.001, connect=0.002, request=0.001, wait=0.015, transfer=0.011)
    panel.on_finished(timings, [timings])
    assert not panel.is_live()
    assert panel.timeline.duration() == pytest.approx(timings.total)
    text = panel.header.text()
    assert (
        "first byte 19 ms" in text
        and "transfer 11 ms · request total 30 ms" in text
        and "head at" not in text
    )


def test_aborted_marks_the_end(panel: StreamPanel) -> None:
    panel.on_recvs([(0.5, 100)])
    assert panel.is_live()
    panel.on_aborted("stopped")
    assert not panel.is_live() and panel.header.text().endswith("· stopped")
    assert panel.timeline.duration() == 0.5
    assert panel.timeline.outcome == "stopped"  # the title says so, not "done"


def test_a_hop_that_failed_before_any_body_is_ended_too(panel: StreamPanel) -> None:
    # A redirect Yonder cannot follow: a head, no body, then the failure.
    panel.on_head(0.004)
    panel.on_aborted("failed (Redirect)")
    assert panel.timeline.duration() == 0.004
    assert (
        panel.timeline.outcome == "failed (Redirect)"
    )  # "No body received · failed…", not "Waiting…"
    panel.timeline.grab()  # paints that state without error


def test_100000_records_cost_little_and_repaint_per_frame(panel: StreamPanel, qtbot: QtBot) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    paints = 0
    original = panel.timeline.paintEvent

    def counting(event: Any) -> None:
        nonlocal paints
        paints += 1
        original(event)

    panel.timeline.paintEvent = counting  # type: ignore[method-assign]
    # What they cost in microseconds, and a paint in milliseconds: bench/stream_panel_cost.py.
    batch = 500
    for start in range(0, 100_000, batch):
        panel.on_recvs([((start + i) * 1e-5, 512) for i in range(batch)])
    assert paints == 0  # nothing painted inside the slots
    assert panel.chunk_count == 100_000 and panel.total_bytes == 51_200_000
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: paints > 0, timeout=10_000)  # the frame timer paints
    assert panel.table.model().rowCount() == 100_000


class Recorder:
    """Wraps net.client.fetch on the worker thread: keeps every event for the assertions."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, url: str, options: FetchOptions | None, cancel: Any) -> Iterator[Event]:
        for event in fetch(url, options, cancel):
            self.events.append(event)
            yield event

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


def wire_fetcher(fetcher: Fetcher, pane: StreamPane) -> None:
    """What the window does (after its request-id check)."""
    fetcher.started.connect(lambda _id, _url: pane.on_started())
    fetcher.head_received.connect(lambda _id, head: pane.on_head(head))
    fetcher.chunks_recorded.connect(lambda _id, records: pane.on_recvs(records))
    fetcher.redirected.connect(lambda _id, hop: pane.on_redirect(hop))
    fetcher.finished.connect(lambda _id, done: pane.on_finished(done))
    fetcher.stopped.connect(lambda _id: pane.on_aborted("stopped"))
    fetcher.failed.connect(lambda _id, phase, _m, _d: pane.on_aborted(f"failed ({phase})"))


@pytest.fixture
def pane(qtbot: QtBot) -> StreamPane:
    widget = StreamPane()
    qtbot.addWidget(widget)
    widget.resize(1100, 340)
    return widget


def run_fetch(qtbot: QtBot, pane: StreamPane, url: str, options: FetchOptions) -> Recorder:
    recorder = Recorder()
    fetcher = Fetcher(recorder)
    wire_fetcher(fetcher, pane)
    try:
        with qtbot.waitSignal(fetcher.finished, timeout=10_000):
            fetcher.load(url, options)
    finally:
        assert fetcher.shutdown(2000)
    settle(qtbot, pane.panel)
    return recorder


def test_a_real_drip_through_the_fetcher_with_recv_512(
    pane: StreamPane, qtbot: QtBot, demo: DemoServer
) -> None:
    pane.lab.set_recv_size(512)
    options = FetchOptions(recv_size=pane.lab.recv_size, chunk_delay=pane.lab.chunk_delay)
    recorder = run_fetch(
        qtbot, pane, demo.base_url + "drip?bytes=6000&piece=300&delay=0.01", options
    )
    (head,) = recorder.of(ResponseHead)
    (done,) = recorder.of(Finished)
    chunks: list[BodyChunk] = recorder.of(BodyChunk)
    wire = sum(c.wire_size for c in chunks)
    assert wire == done.wire_bytes - len(head.raw) == 6000
    assert all(c.wire_size <= 512 for c in chunks)
    panel = pane.panel
    # One row per recv: the head's recvs whole (the last may hold the first body bytes, which
    # the first BodyChunk carries again as its wire), then the body's.
    body_recvs = [c for c in chunks if c.wire]
    if head.body_prefix:
        assert body_recvs[0].wire_size == head.body_prefix
        body_recvs = body_recvs[1:]
    recvs = [*head.recvs, *((c.elapsed, c.wire_size) for c in body_recvs)]
    assert panel.chunk_count == panel.timeline.chunk_count == len(recvs)
    assert panel.chunk_count >= 20  # 20 pieces of 300 bytes, each at least one recv
    assert panel.total_bytes == panel.timeline.total_bytes == done.wire_bytes
    assert panel.table.model().rowCount() == panel.chunk_count
    assert panel.table.chunk_model.total_bytes == done.wire_bytes
    assert panel.timeline.head_elapsed == pytest.approx(head.elapsed)
    assert panel.timeline.duration() == pytest.approx(done.timings.total)
    rows = [panel.table.chunk_model.row_values(i) for i in range(panel.chunk_count)]
    assert [r[0] for r in rows] == [t for t, _ in recvs]
    assert [r[1] for r in rows] == [size for _, size in recvs]
    series = panel.series
    assert sum(series.head_part(i) for i in range(len(rows))) == len(head.raw)
    assert "request total" in panel.header.text() and "first byte" in panel.header.text()
    if SHOTS:
        pane.show()
        qtbot.waitExposed(pane)
        qtbot.wait(50)
        pane.grab().save(str(Path(SHOTS) / "stream-drip.png"))


def test_a_redirect_chain_restarts_per_hop(
    pane: StreamPane, qtbot: QtBot, demo: DemoServer
) -> None:
    recorder = run_fetch(qtbot, pane, demo.base_url + "redirect?n=2", FetchOptions())
    assert len(recorder.of(Redirected)) == 2
    (done,) = recorder.of(Finished)
    panel = pane.panel
    assert panel.hop == 3
    assert panel.header.text().startswith("Hop 3 (after 2 redirects)")
    assert "over 3 hops" in panel.header.text()
    assert panel.header.toolTip().count("Hop ") == 2 and "302" in panel.header.toolTip()
    # Only the final hop's recvs are on the timeline, its head's included.
    assert panel.total_bytes == done.wire_bytes


def test_a_failure_ends_the_panel(pane: StreamPane, qtbot: QtBot) -> None:
    fetcher = Fetcher()
    wire_fetcher(fetcher, pane)
    try:
        with qtbot.waitSignal(fetcher.failed, timeout=10_000):
            fetcher.load("http://127.0.0.1:1/", None)  # refused: nothing listens on port 1
    finally:
        assert fetcher.shutdown(2000)
    assert not pane.panel.is_live() and "failed" in pane.panel.header.text()


def test_split_characters_from_a_real_socket_in_the_pane(pane: StreamPane, qtbot: QtBot) -> None:
    """A plain thread runs net.client.fetch; the GUI thread forwards per recv, as the window
    will with the Fetcher's per-recv body parts. The server sends the demo's /utf8-split
    pieces one per recv (each once the client has the one before: no timing involved)."""
    pieces = utf8_split_pieces()
    body = b"".join(pieces)
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    head = http_response(200, headers=headers, content_length=False)
    paced = Paced(head, pieces)
    server = LoopbackServer(paced.handler)
    pane.lab.decode_check.setChecked(True)
    assert pane.tabs.currentWidget() is pane.compare
    pane.lab.set_recv_size(512)
    pane.lab.set_chunk_delay(0.01)
    events: queue.Queue[Event | None] = queue.Queue()
    options = FetchOptions(recv_size=pane.lab.recv_size, chunk_delay=pane.lab.chunk_delay)

    def worker() -> None:
        try:
            for event in paced.fetch(fetch)(server.url("/utf8-split"), options):
                events.put(event)
        finally:
            events.put(None)

    done: list[Finished] = []

    def pump() -> None:
        while True:
            try:
                event = events.get_nowait()
            except queue.Empty:
                return
            if event is None:
                timer.stop()
                return
            if isinstance(event, ResponseHead):
                pane.on_head(event)
            elif isinstance(event, BodyChunk):
                pane.on_recvs([(event.elapsed, event.wire_size)])
                pane.on_body_parts([event.data])
            elif isinstance(event, Finished):
                pane.on_finished(event)
                done.append(event)

    pane.on_started()
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(pump)
    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    timer.start()
    try:
        qtbot.waitUntil(lambda: bool(done), timeout=30_000)
    finally:
        timer.stop()
        thread.join(30)
        server.stop()
    assert not thread.is_alive()
    pane.compare.flush_pending()
    assert pane.compare.right.text.toPlainText() == UTF8_SPLIT_TEXT
    assert "\ufffd" in pane.compare.left.text.toPlainText()
    assert pane.compare.broken_count == 4
    assert pane.panel.chunk_count == len(pieces) == 5
    assert pane.panel.total_bytes == len(UTF8_SPLIT_TEXT.encode())
    if SHOTS:
        pane.show()
        qtbot.waitExposed(pane)
        QApplication.processEvents()
        pane.grab().save(str(Path(SHOTS) / "decode-compare.png"))


def test_the_decode_switch_gates_the_comparison(pane: StreamPane) -> None:
    pane.lab.decode_check.setChecked(False)
    assert not pane.tabs.isTabEnabled(pane.compare_index)
    assert pane.tabs.currentWidget() is pane.panel
    pane.on_started()
    pane.on_body_parts([b"caf\xc3", b"\xa9"])
    assert pane.compare.broken_count == 0  # off: nothing decoded twice
    pane.lab.decode_check.setChecked(True)
    assert pane.tabs.isTabEnabled(pane.compare_index)
    assert pane.tabs.currentWidget() is pane.compare
    pane.on_body_parts([b"caf\xc3", b"\xa9"])
    assert pane.compare.broken_count == 1
    pane.lab.decode_check.setChecked(False)
    assert pane.tabs.currentWidget() is pane.panel


def test_bulk_and_per_record_paths_give_identical_totals(panel: StreamPanel, qtbot: QtBot) -> None:
    """on_recvs' batch path against the per-record slots of a separate timeline and table."""
    records = [
        (0.0002 * i + (0.0003 if i % 50 == 7 else 0.0), (i * 131) % 520) for i in range(9000)
    ]
    timeline, table = TimelineView(), ChunkTableModel()
    qtbot.addWidget(timeline)
    for elapsed, size in records:
        if size > 0:  # what on_recvs skips: not a recv
            timeline.add_chunk(elapsed, size)
            table.add_chunk(elapsed, size)
    for start in range(0, len(records), 4000):  # the worst case's frame-sized batches
        panel.on_recvs(records[start : start + 4000])
    recvs = sum(1 for _, size in records if size > 0)
    total = sum(size for _, size in records)
    assert panel.chunk_count == timeline.chunk_count == panel.timeline.chunk_count == recvs
    assert panel.total_bytes == timeline.total_bytes == panel.timeline.total_bytes == total
    for t in (0.0, 0.3, 0.9, 1.2, 2.0):
        assert panel.timeline.total_at(t) == timeline.total_at(t)
    settle(qtbot, panel)
    table.flush()
    model = panel.table.chunk_model
    assert model.rowCount() == table.rowCount() == recvs
    assert model.total_bytes == table.total_bytes == total
    assert [model.row_values(r) for r in range(recvs)] == [
        table.row_values(r) for r in range(recvs)
    ]


def test_merged_rows_keep_exact_figures_and_the_header_says_so(
    panel: StreamPanel, qtbot: QtBot
) -> None:
    panel.series.max_rows = 1000  # stands for FULL_RESOLUTION_ROWS (2,097,152)
    records = [(i * 1e-5, 512) for i in range(2500)]
    for start in range(0, len(records), 400):
        panel.on_recvs(records[start : start + 400])
    settle(qtbot, panel)
    model = panel.table.chunk_model
    assert panel.chunk_count == panel.timeline.chunk_count == model.chunk_count == 2500
    assert panel.total_bytes == model.total_bytes == 2500 * 512
    assert model.recvs_per_row == 4 and model.rowCount() == 625 == len(panel.timeline.series)
    assert "4 recvs per row" in panel.header_text()
    assert model.headerData(0, Qt.Orientation.Horizontal) == "# (4 recvs/row)"
    panel.reset()
    assert "recvs per row" not in panel.header_text()
    settle(qtbot, panel)
    assert model.rowCount() == 0
