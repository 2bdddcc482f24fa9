"""ChunkTableModel/View: batched inserts per frame, 100,000 rows, tail following."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from ui.stream.chunk_series import ChunkSeries
from ui.stream.chunk_table import ChunkTableModel, ChunkTableView


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
    qtbot.waitUntil(lambda: model.rowCount() == len(sizes), timeout=10_000)
    assert inserts == [(0, 4)]
    assert model.total_bytes == sum(sizes)
    qtbot.waitUntil(lambda: not model.is_animating(), timeout=10_000)  # idle: timer stops
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
    with qtbot.waitSignal(model.modelReset, timeout=10_000):
        model.reset()
    assert model.rowCount() == 0 and model.pending_count == 0 and model.total_bytes == 0
    assert not model.is_animating()


def test_100000_rows_arrive_in_one_flush_and_follow_the_tail(table: ChunkTableView) -> None:
    # What the appends, the flush and a paint cost: bench/stream_panel_cost.py.
    model = table.chunk_model
    for i in range(100_000):
        table.add_chunk(0.003 + i * 3e-5, 512)
    assert model.rowCount() == 0 and model.pending_count == 100_000  # nothing per append
    table.flush()
    table.repaint()
    assert model.rowCount() == 100_000 and model.pending_count == 0
    assert model.total_bytes == 100_000 * 512
    assert table.is_at_bottom()  # it was at the bottom (empty), so it followed
    assert table.rowAt(table.viewport().height() - 2) >= 99_980
    assert not table.grab().isNull()


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
    qtbot.waitUntil(lambda: table.chunk_model.rowCount() == 3000, timeout=10_000)
    assert len(inserts) == 1 and sum(inserts) == 3000


def test_empty_table_renders(table: ChunkTableView) -> None:
    table.grab()
    table.flush()  # nothing pending: harmless
    assert table.chunk_model.rowCount() == 0


def test_add_chunks_gives_the_same_rows_as_add_chunk(qtbot: QtBot) -> None:
    times = [0.001 * i for i in range(1, 1001)]
    sizes = [(i * 37) % 600 - 5 for i in range(1000)]  # zeros and negatives too
    one, bulk = ChunkTableModel(), ChunkTableModel()
    for t, size in zip(times, sizes, strict=True):
        one.add_chunk(t, size)
    inserts: list[tuple[int, int]] = []
    bulk.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    for start in range(0, 1000, 333):
        bulk.add_chunks(times[start : start + 333], sizes[start : start + 333])
    assert bulk.pending_count == one.pending_count == 1000 and bulk.rowCount() == 0
    qtbot.waitUntil(lambda: bulk.rowCount() == one.rowCount() == 1000, timeout=10_000)
    assert inserts == [(0, 999)]  # one insert for the frame, whatever the batches
    assert bulk.total_bytes == one.total_bytes == sum(max(0, s) for s in sizes)
    assert bulk.chunk_count == 1000
    for row in (0, 1, 500, 999):
        assert bulk.row_values(row) == one.row_values(row)
        assert [cell(bulk, row, c) for c in range(4)] == [cell(one, row, c) for c in range(4)]
    assert bulk.resolution_note() == "" and bulk.recvs_per_row == 1


def test_rows_merge_past_max_rows_and_the_table_says_so(qtbot: QtBot) -> None:
    model = ChunkTableModel(series=ChunkSeries(max_rows=8))
    model.add_chunks([0.001 * i for i in range(1, 8)], [10] * 7)
    model.flush()
    assert model.rowCount() == 7 and model.headerData(0, Qt.Orientation.Horizontal) == "#"
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None
    with qtbot.waitSignal(model.modelReset, timeout=10_000):
        model.add_chunks([0.001 * i for i in range(8, 21)], [10] * 13)  # 20 recvs > 8 rows
        assert model.pending_count > 0
    assert model.rowCount() == 5 and model.pending_count == 0
    assert model.chunk_count == 20 and model.total_bytes == 200 and model.recvs_per_row == 4
    assert model.headerData(0, Qt.Orientation.Horizontal) == "# (4 recvs/row)"
    note = model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert note == model.resolution_note() and "merges 4 consecutive recvs" in note
    assert [cell(model, 4, c) for c in range(4)] == ["17\u201320", "20.000", "40", "200"]
    changed: list[int] = []
    model.dataChanged.connect(lambda first, _last: changed.append(first.row()))
    model.add_chunk(0.021, 5)  # a new partial row...
    model.flush()
    assert model.rowCount() == 6 and cell(model, 5, 0) == "21"
    model.add_chunk(0.022, 5)  # ...that grows in place
    model.flush()
    assert model.rowCount() == 6 and cell(model, 5, 0) == "21\u201322" and 5 in changed
    assert model.row_values(5) == (0.022, 10, 210)
    model.reset()
    assert model.rowCount() == 0 and model.recvs_per_row == 1
    assert model.headerData(0, Qt.Orientation.Horizontal) == "#"


def test_the_view_keeps_its_place_or_the_tail_when_rows_merge(qtbot: QtBot) -> None:
    view = ChunkTableView(series=ChunkSeries(max_rows=1000))
    qtbot.addWidget(view)
    view.resize(460, 300)
    view.show()
    qtbot.waitExposed(view)
    view.add_chunks([i * 0.001 for i in range(1000)], [100] * 1000)
    view.flush()
    assert view.is_at_bottom()
    view.add_chunks([1.0 + i * 0.001 for i in range(10)], [100] * 10)  # merges: 2 per row
    view.flush()
    assert view.chunk_model.rowCount() == 505 and view.is_at_bottom()  # still following
    view.scrollTo(view.chunk_model.index(300, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    top = view.rowAt(0)
    view.add_chunks([2.0 + i * 0.001 for i in range(1600)], [100] * 1600)  # 4 per row
    view.flush()
    assert view.chunk_model.recvs_per_row == 4 and not view.is_at_bottom()
    assert abs(view.rowAt(0) - top // 2) <= 1  # the same recvs stay in sight
    assert view.chunk_model.total_bytes == 2610 * 100
