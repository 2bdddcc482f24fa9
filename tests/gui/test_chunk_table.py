"""ChunkTableModel/View: batched inserts per frame, 100,000 rows, tail following."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from ui.chunk_table import ChunkTableModel, ChunkTableView


@pytest.fixture
def table(qtbot: QtBot) -> ChunkTableView:
    view = ChunkTableView()
    qtbot.addWidget(view)
    view.resize(460, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def cell(model: ChunkTableModel, row: int, column: int) -> str:
    return str(model.data(model.index(row, column)))


def test_rows_appear_after_the_frame_flush_in_one_insert(qtbot: QtBot) -> None:
    model = ChunkTableModel()
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    sizes = [512, 512, 100, 0, 7]
    for i, size in enumerate(sizes):
        model.add_chunk(0.001 * (i + 1), size)
    assert model.rowCount() == 0 and model.pending_count == len(sizes)
    assert model.is_animating()
    qtbot.waitUntil(lambda: model.rowCount() == len(sizes), timeout=1000)
    assert inserts == [(0, 4)]
    assert model.total_bytes == sum(sizes)
    qtbot.waitUntil(lambda: not model.is_animating(), timeout=1000)  # idle: timer stops
    assert [cell(model, 1, c) for c in range(4)] == ["2", "2.000", "512", "1,024"]
    assert model.row_values(4) == (0.005, 7, sum(sizes))


def test_columns_headers_and_alignment() -> None:
    model = ChunkTableModel()
    model.add_chunk(1.5, 1_000_000)
    model.flush()
    assert model.columnCount() == 4
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["#", "Time (ms)", "Size (B)", "Total (B)"]
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert cell(model, 0, 1) == "1,500.000"
    assert cell(model, 0, 3) == "1,000,000"
    align = model.data(model.index(0, 2), Qt.ItemDataRole.TextAlignmentRole)
    assert align == int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.data(QModelIndex()) is None
    assert model.rowCount(model.index(0, 0)) == 0  # a flat table: no children


def test_negative_sizes_are_clamped_and_reset_clears(qtbot: QtBot) -> None:
    model = ChunkTableModel()
    model.add_chunk(0.1, -5)
    model.add_chunk(0.2, 10)
    model.flush()
    assert model.total_bytes == 10
    model.add_chunk(0.3, 10)  # pending when reset comes: dropped too
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.reset()
    assert model.rowCount() == 0 and model.pending_count == 0 and model.total_bytes == 0
    assert not model.is_animating()


def test_100000_rows_stay_responsive_and_follow_the_tail(table: ChunkTableView) -> None:
    model = table.chunk_model
    started = time.perf_counter()
    for i in range(100_000):
        table.add_chunk(0.003 + i * 3e-5, 512)
    appended = time.perf_counter() - started
    started = time.perf_counter()
    table.flush()
    table.repaint()
    flushed = time.perf_counter() - started
    print(
        f"chunk table: 100,000 appends {appended * 1000:.0f} ms, "
        f"flush+paint {flushed * 1000:.0f} ms"
    )
    assert model.rowCount() == 100_000
    assert model.total_bytes == 100_000 * 512
    assert flushed < 0.5
    assert table.is_at_bottom()  # it was at the bottom (empty), so it followed
    assert table.rowAt(table.viewport().height() - 2) >= 99_980
    started = time.perf_counter()
    table.grab()
    assert time.perf_counter() - started < 0.2


def test_no_yank_when_the_user_scrolled_up(table: ChunkTableView, qtbot: QtBot) -> None:
    for i in range(500):
        table.add_chunk(i * 0.001, 100)
    table.flush()
    assert table.is_at_bottom()
    table.scrollToTop()
    top = table.verticalScrollBar().value()
    for i in range(500):
        table.add_chunk(1 + i * 0.001, 100)
    table.flush()
    assert table.verticalScrollBar().value() == top  # stays where the user put it
    assert not table.is_at_bottom()
    table.scrollToBottom()
    table.add_chunk(2.0, 1)
    table.flush()
    assert table.is_at_bottom()  # back at the bottom: follows again
    table.clear()
    assert table.chunk_model.rowCount() == 0


def test_rows_arrive_batched_from_a_live_feed(table: ChunkTableView, qtbot: QtBot) -> None:
    inserts: list[int] = []
    table.chunk_model.rowsInserted.connect(lambda _p, first, last: inserts.append(last - first + 1))
    for i in range(3000):
        table.add_chunk(i * 1e-4, 64)
    qtbot.waitUntil(lambda: table.chunk_model.rowCount() == 3000, timeout=1000)
    assert len(inserts) == 1 and sum(inserts) == 3000


def test_empty_table_renders(table: ChunkTableView) -> None:
    table.grab()
    table.flush()  # nothing pending: harmless
    assert table.chunk_model.rowCount() == 0
