"""TimelineView: cheap appends, frame-rate repaint, decimated painting, edge cases."""

from __future__ import annotations

import random
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from net.demo_server import DemoServer
from ui.stream.chunk_series import ChunkSeries
from ui.stream.chunk_table import ChunkTableModel
from ui.stream.timeline_view import (
    BYTES_COLOUR,
    TimelineView,
    nice_step,
)


@pytest.fixture
def view(qtbot: QtBot) -> TimelineView:
    widget = TimelineView()
    qtbot.addWidget(widget)
    widget.resize(720, 260)
    return widget


def render(widget: TimelineView) -> QImage:
    image = QImage(widget.size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    widget.render(image)
    return image


def count_colour(image: QImage, colour: QColor) -> int:
    """Pixels close to ``colour`` (sampled every 2nd pixel: enough to tell drawn from not)."""
    hits = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - colour.red()) < 30
                and abs(pixel.green() - colour.green()) < 30
                and abs(pixel.blue() - colour.blue()) < 30
            ):
                hits += 1
    return hits


def test_chunk_count_and_byte_total_equal_what_was_added(view: TimelineView) -> None:
    sizes = [512, 1, 0, 4096, 77]
    view.mark_head(0.001)
    for i, size in enumerate(sizes):
        view.add_chunk(0.002 + i * 0.001, size)
    view.finish(0.01)
    assert view.chunk_count == len(sizes)
    assert view.total_bytes == sum(sizes)
    assert view.total_at(0.0035) == (2, 513)
    assert view.total_at(1.0) == (5, sum(sizes))
    assert view.head_elapsed == 0.001 and view.outcome == "done"
    assert view.duration() == 0.01


def test_out_of_order_and_negative_values_are_clamped(view: TimelineView) -> None:
    view.add_chunk(0.5, 10)
    view.add_chunk(0.2, 10)  # earlier than the previous: kept in order at 0.5
    view.add_chunk(-1.0, -5)
    assert view.chunk_count == 3
    assert view.total_bytes == 20
    assert view.total_at(0.49) == (0, 0)


def test_reset_empties_everything(view: TimelineView) -> None:
    view.mark_head(0.1)
    view.add_chunk(0.2, 100)
    view.finish(0.3)
    view.reset()
    assert view.chunk_count == 0 and view.total_bytes == 0
    assert view.head_elapsed is None and view.outcome == ""
    assert view.duration() == 0.0


def test_add_chunk_never_repaints_and_the_timer_stops_when_idle(
    view: TimelineView, qtbot: QtBot
) -> None:
    view.show()
    qtbot.waitExposed(view)
    paints = 0
    original = view._paint

    def counting_paint(painter: object) -> None:
        nonlocal paints
        paints += 1
        original(painter)  # type: ignore[arg-type]

    view._paint = counting_paint  # type: ignore[method-assign]
    assert not view.is_animating()
    for i in range(5000):
        view.add_chunk(i * 1e-5, 512)
    assert paints == 0  # appends only; painting waits for the frame timer
    assert view.is_animating()
    qtbot.waitUntil(lambda: paints >= 1, timeout=10_000)
    qtbot.waitUntil(lambda: not view.is_animating(), timeout=10_000)
    assert paints <= 2  # one frame for 5,000 chunks
    settled = paints
    qtbot.wait(60)
    assert paints == settled  # idle: no more frames
    view.add_chunk(1.0, 1)
    assert view.is_animating()  # data changes restart it
    qtbot.waitUntil(lambda: not view.is_animating(), timeout=10_000)


def test_empty_single_and_zero_duration_states_render(view: TimelineView) -> None:
    render(view)  # nothing at all
    view.mark_head(0.0)
    render(view)  # head but no chunks: "Waiting for the first chunk"
    view.add_chunk(0.0, 100)
    view.finish(0.0)
    image = render(view)  # one chunk, zero duration
    assert count_colour(image, BYTES_COLOUR) > 0
    view.reset()
    for _ in range(3):
        view.add_chunk(0.0, 10)  # several chunks at the same instant
    render(view)
    view.resize(10, 10)  # smaller than the margins
    render(view)
    assert view.tooltip_at(-5) == ""


def test_drip_draws_curves_and_the_head_line(view: TimelineView) -> None:
    view.mark_head(0.003)
    for i in range(40):
        view.add_chunk(0.003 + i * 0.05, 64)
    view.finish(2.0)
    image = render(view)
    assert count_colour(image, BYTES_COLOUR) > 200
    plot = view._plot_rect()
    text = view.tooltip_at(plot.left() + plot.width() / 2)
    assert "bytes in" in text and "chunks" in text and "/s" in text
    count, received = view.total_at(1.0)
    assert f"{received:,} bytes in {count:,} chunks" in view.tooltip_at(
        plot.left() + plot.width() * 1.0 / 2.0
    )


def points_per_paint(view: TimelineView) -> list[int]:
    """Render ``view`` once; how many points each of its series queries asked for."""
    series = view.series
    asked: list[int] = []
    original = series.bytes_at

    def counting(at: Any) -> list[int]:
        asked.append(len(at))
        return original(at)

    series.bytes_at = counting  # type: ignore[method-assign]
    try:
        render(view)
    finally:
        del series.bytes_at
    return asked


def test_painting_100000_chunks_asks_per_pixel_column_not_per_chunk(view: TimelineView) -> None:
    # Its cost in milliseconds: bench/stream_panel_cost.py.
    view.mark_head(0.002)
    t = 0.002
    for i in range(100_000):
        t += 0.00002 if i % 3 else 0.00005
        view.add_chunk(t, 512 if i % 7 else 1400)
    view.finish(t)
    assert view.chunk_count == 100_000
    asked = points_per_paint(view)
    assert asked and max(asked) <= view.width() + 1
    assert count_colour(render(view), BYTES_COLOUR) > 0  # the curve is drawn


# The offscreen platform warns that it cannot raise() the tooltip window; harmless here.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_tooltip_event_shows_text_over_the_plot(view: TimelineView, qtbot: QtBot) -> None:
    view.add_chunk(0.1, 1000)
    view.add_chunk(0.2, 1000)
    view.show()
    qtbot.waitExposed(view)
    plot = view._plot_rect()
    assert view.tooltip_at(plot.right()).startswith("at 200 ms: 2,000 bytes in 2 chunks")
    assert view.tooltip_at(plot.left() + 1).startswith("at ")
    assert view.tooltip_at(0) == ""
    inside = QPoint(int(plot.left() + plot.width() * 0.75), int(plot.center().y()))
    event = QHelpEvent(QEvent.Type.ToolTip, inside, view.mapToGlobal(inside))
    assert QApplication.sendEvent(view, event)
    qtbot.waitUntil(lambda: QToolTip.text().startswith("at "), timeout=10_000)
    assert QToolTip.text() == view.tooltip_at(inside.x())
    assert "1,000 bytes in 1 chunk\n" in QToolTip.text()
    QToolTip.hideText()


def test_nice_step_is_1_2_5() -> None:
    assert nice_step(2.0, 4) == 0.5
    assert nice_step(1000, 5) == 200
    assert nice_step(0, 5) == 1.0
    assert nice_step(7, 1) == 10


def test_a_real_drip_from_the_demo_server_is_counted_exactly(
    view: TimelineView, qtbot: QtBot, tmp_path: Path
) -> None:
    """recv(512) from /drip feeds the timeline and the table as a worker would."""
    table = ChunkTableModel()
    with (
        DemoServer(tmp_path) as demo,
        socket.create_connection(
            ("127.0.0.1", int(demo.base_url.rsplit(":", 1)[1].rstrip("/"))), timeout=5
        ) as sock,
    ):
        sock.sendall(b"GET /drip?bytes=3000&piece=200&delay=0.005 HTTP/1.1\r\nHost: x\r\n\r\n")
        started = time.perf_counter()
        head = b""
        chunks = 0
        body = 0
        while data := sock.recv(512):
            now = time.perf_counter() - started
            if view.head_elapsed is None:
                head += data
                if b"\r\n\r\n" not in head:
                    continue
                view.mark_head(now)
                data = head.partition(b"\r\n\r\n")[2]
                if not data:
                    continue
            chunks += 1
            body += len(data)
            view.add_chunk(now, len(data))
            table.add_chunk(now, len(data))
        view.finish(time.perf_counter() - started)
    qtbot.waitUntil(lambda: table.rowCount() == chunks, timeout=10_000)
    assert body == 3000
    assert view.chunk_count == chunks and view.total_bytes == body
    assert table.total_bytes == body
    assert chunks >= -(-body // 512)  # 15 pieces; coalesced ones still come 512 B at most
    render(view)


def test_add_chunks_draws_and_counts_exactly_like_add_chunk(qtbot: QtBot) -> None:
    rng = random.Random(7)
    times = [i * 0.003 + rng.random() * 0.004 for i in range(3000)]  # some out of order
    times[10] = -1.0
    sizes = [rng.choice([512, 512, 300, 0, -3]) for _ in times]
    one, bulk = TimelineView(), TimelineView()
    for view in (one, bulk):
        qtbot.addWidget(view)
        view.resize(720, 260)
        view.mark_head(0.001)
    for t, size in zip(times, sizes, strict=True):
        one.add_chunk(t, size)
    for start in range(0, len(times), 977):  # uneven batches
        bulk.add_chunks(times[start : start + 977], sizes[start : start + 977])
    bulk.add_chunks([], [])  # an empty batch changes nothing
    assert bulk.chunk_count == one.chunk_count == len(bulk.series) == 3000
    assert bulk.total_bytes == one.total_bytes == sum(max(0, s) for s in sizes)
    for t in (0.0, 0.5, 4.0, 9.0, 100.0):
        assert bulk.total_at(t) == one.total_at(t)
    assert bulk.duration() == one.duration()
    assert render(bulk) == render(one)


def test_painting_1000000_chunks_is_bounded_by_the_width(view: TimelineView) -> None:
    batch = [i * 4.2e-6 for i in range(4000)]
    sizes = [512] * 4000
    for frame in range(250):  # 1,000,000 recvs of 512 B, as a fast loopback delivers them
        view.add_chunks([t + frame * 0.0168 for t in batch], sizes)
    view.finish(4.2)
    assert view.chunk_count == 1_000_000 and view.total_bytes == 512_000_000
    asked = points_per_paint(view)  # its cost in milliseconds: bench/stream_panel_cost.py
    assert asked and max(asked) <= view.width() + 1
    assert count_colour(render(view), BYTES_COLOUR) > 0


def test_a_view_shares_its_series(view: TimelineView) -> None:
    series = ChunkSeries()
    shared = TimelineView(series=series)
    series.add_many([0.1, 0.2], [10, 20])
    shared.series_grown()
    assert shared.series is series and shared.is_animating()
    assert shared.chunk_count == 2 and shared.total_bytes == 30
    shared.reset()
    assert len(series) == 0  # cleared in place: every sharer sees it
    shared.deleteLater()


def test_a_long_title_is_elided_before_the_legend(view: TimelineView) -> None:
    """The title ran under the '■ bytes ■ rate' legend on a narrow dock ('… · do■ bytes')."""
    from PySide6.QtGui import QFont, QFontMetrics

    from ui.stream.timeline_view import LEGEND

    view.mark_head(0.003)
    for i in range(2000):
        view.add_chunk(0.003 + i * 0.001, 100_000)
    view.finish(2.5)
    bold = QFont(view.font())
    bold.setBold(True)
    legend = sum(view.fontMetrics().horizontalAdvance(text) + 8 for text, _ in LEGEND)
    for width in (400, 560, 720, 1400):
        view.resize(width, 260)
        plot = view._plot_rect()
        shown = view.fitted_title(plot)
        assert QFontMetrics(bold).horizontalAdvance(shown) + legend <= plot.width()
        whole = view.title_text()
        assert shown == whole or (shown.endswith("…") and whole.startswith(shown[:-1]))
    assert view.fitted_title(view._plot_rect()) == view.title_text()  # room for all of it
    render(view)
