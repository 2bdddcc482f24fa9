"""A table of received chunks (index, time offset, size, running total) that stays responsive
at 100,000+ rows. Every recv shows its full size; the recvs that carried the response head say
how much of them was head and how much body ("512 (head 200 + body 312)").

Chunks go straight into a ChunkSeries (two flat arrays, possibly shared with the timeline);
a ~16 ms frame timer announces the new rows with one beginInsertRows per frame, so the view
relayouts per frame, not per chunk. Cells are formatted only when the view asks for a visible
one. Past ChunkSeries.max_rows (~2 million) rows merge in pairs: the model resets once per
merge, the "#" column shows each row's recv range and its header says how many per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ui.stream.chunk_series import ChunkSeries
from ui.stream.frame_pacer import FramePacer

FRAME_MS = 40  # the timeline's rate: 25 row updates a second, each in a quiet turn

ModelIndex = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ChunkTableModel(QAbstractTableModel):
    """Rows of received chunks: #, time offset (ms), size (bytes), running total (bytes).

    Signals: the standard model signals only (rowsInserted once per flushed frame,
    modelReset on reset() and when the series merges rows). Slots: ``reset()``,
    ``add_chunk(elapsed, size)``, ``add_chunks(times, sizes)`` (a batch: the cheap path),
    ``series_grown()`` (a sharer added to ``series``), ``flush()``.
    """

    HEADERS = ("#", "Time (ms)", "Size (B)", "Total (B)")

    def __init__(self, parent: QObject | None = None, series: ChunkSeries | None = None) -> None:
        super().__init__(parent)
        self._series = series if series is not None else ChunkSeries()
        self._shown = 0  # rows announced to the views (rowCount)
        self._generation = self._series.generation  # row numbering the views know
        self._dirty = False
        # Rows are announced at FRAME_MS, in a quiet event-loop turn when there is one: the
        # view's repaint (~2-3 ms for a screenful of rows) then stays out of the document
        # view's insert (FramePacer).
        self._frame = FramePacer(FRAME_MS, self._on_frame, parent=self)

    @property
    def series(self) -> ChunkSeries:
        return self._series

    # -- data in ------------------------------------------------------------------------

    @Slot()
    def reset(self) -> None:
        self._frame.stop()
        self._dirty = False
        self.beginResetModel()
        self._series.clear()
        self._shown = 0
        self._generation = self._series.generation
        self.endResetModel()

    @Slot(float, int)
    def add_chunk(self, elapsed: float, size: int) -> None:
        # Cheap: the rows appear at the next frame, all at once.
        self._series.add(elapsed, size)
        self.series_grown()

    def add_chunks(self, times: Sequence[float], sizes: Sequence[int]) -> None:
        """A batch of chunks: the same rows as add_chunk per pair, ~10x cheaper."""
        if times:
            self._series.add_many(times, sizes)
            self.series_grown()

    @Slot()
    def series_grown(self) -> None:
        """The series has new data: show it at the next frame."""
        self._dirty = True
        self._frame.request()

    def _on_frame(self) -> None:
        if self._dirty:
            self.flush()

    @Slot()
    def flush(self) -> None:
        """Show every pending row now, with one beginInsertRows (or one reset after a merge)."""
        self._dirty = False
        series = self._series
        rows = len(series)
        if series.generation != self._generation:
            # Rows were merged (or the series cleared by a sharer): every row number changed.
            self.beginResetModel()
            self._shown = rows
            self._generation = series.generation
            self.endResetModel()
            return
        if self._shown and series.stride > 1:
            last = self._shown - 1  # a partial merged row may have grown
            self.dataChanged.emit(self.index(last, 1), self.index(last, 3))
        if rows > self._shown:
            self.beginInsertRows(QModelIndex(), self._shown, rows - 1)
            self._shown = rows
            self.endInsertRows()

    @property
    def pending_count(self) -> int:
        """Rows in the series not shown yet (all of them while a merge is not shown)."""
        if self._series.generation != self._generation:
            return len(self._series) or 1
        return len(self._series) - self._shown

    @property
    def total_bytes(self) -> int:
        return self._series.total_bytes

    @property
    def chunk_count(self) -> int:
        """Recvs in the series (equal to the row count until rows merge)."""
        return self._series.recvs

    @property
    def recvs_per_row(self) -> int:
        return self._series.stride

    def resolution_note(self) -> str:
        """'' at full resolution; else what a row holds, for the header's tooltip."""
        stride = self._series.stride
        if stride == 1:
            return ""
        return (
            f"Every recv has its own row up to {self._series.max_rows:,} rows. This transfer "
            f"had more, so each row now merges {stride:,} consecutive recvs: the time of the "
            "last one, the sum of their sizes and the exact running total."
        )

    def is_animating(self) -> bool:
        return self._frame.is_active()

    # -- model interface ----------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt idiom)
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks ~9 roles per visible cell and repaint: the two used ones come first.
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        row, column = index.row(), index.column()
        series = self._series
        if row >= len(series):
            return None  # the series was cleared by a sharer; a reset is on its way
        if column == 0:
            if series.stride == 1:
                return f"{row + 1:,}"
            first, last = series.recv_range(row)
            return f"{first + 1:,}" if first == last else f"{first + 1:,}\u2013{last + 1:,}"
        if column == 1:
            return f"{series.times[row] * 1000:,.3f}"
        if column == 2:
            return self.size_text(row)
        return f"{series.totals[row]:,}"

    def size_text(self, row: int) -> str:
        """ "512", or for a recv of the head "512 (head 200 + body 312)" / "200 (head)"."""
        series = self._series
        size = series.size_of(row)
        head = series.head_part(row) if series.head_bytes else 0
        if not head:
            return f"{size:,}"
        body = size - head
        return f"{size:,} (head {head:,} + body {body:,})" if body else f"{size:,} (head)"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        stride = self._series.stride
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0 and stride > 1:
                return f"# ({stride:,} recvs/row)"
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and stride > 1:
            return self.resolution_note()
        return None

    def row_values(self, row: int) -> tuple[float, int, int]:
        """(elapsed seconds, size, running total) of ``row``, for tests and copy."""
        series = self._series
        return series.times[row], series.size_of(row), series.totals[row]


class ChunkTableView(QTableView):
    """A QTableView over its own ChunkTableModel: uniform rows, follows the tail only while
    the user is at the bottom.

    Signals: none beyond QTableView's. Slots (forwarded to the model): ``clear()``,
    ``add_chunk(elapsed, size)``, ``add_chunks(times, sizes)``, ``flush()``.
    """

    def __init__(self, parent: QWidget | None = None, series: ChunkSeries | None = None) -> None:
        super().__init__(parent)
        self.chunk_model = ChunkTableModel(self, series)
        self.setModel(self.chunk_model)
        self.setAccessibleName("Chunks")
        self.setAccessibleDescription("Every recv() of the response: its time, size and total")
        # Fixed-height rows and fixed-width columns: Qt never measures 100,000 rows.
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 4)
        horizontal = self.horizontalHeader()
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        horizontal.setStretchLastSection(True)
        metrics = self.fontMetrics()
        digits = metrics.horizontalAdvance("0,000,000,000.000") + 12
        # The size column holds the head's split too: "4,096 (head 999 + body 3,097)".
        sizes = max(
            digits * 2 // 3, metrics.horizontalAdvance("4,096 (head 999 + body 3,097)") + 12
        )
        rows = metrics.horizontalAdvance("0,000,000") + 12
        for column, width in enumerate((rows, digits, sizes)):
            self.setColumnWidth(column, width)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._follow = True
        self._top_recv = 0  # the recv at the top of the viewport, kept across a merge
        self._old_stride = 1  # recvs per row the view's row numbers refer to
        self.chunk_model.rowsAboutToBeInserted.connect(self._on_rows_about_to_be_inserted)
        self.chunk_model.rowsInserted.connect(self._on_rows_inserted)
        self.chunk_model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        self.chunk_model.modelReset.connect(self._on_model_reset)

    @Slot()
    def clear(self) -> None:
        # Not named reset(): that is QAbstractItemView's virtual, which Qt itself calls when
        # the model resets; overriding it would recurse.
        self.chunk_model.reset()

    @Slot(float, int)
    def add_chunk(self, elapsed: float, size: int) -> None:
        self.chunk_model.add_chunk(elapsed, size)

    def add_chunks(self, times: Sequence[float], sizes: Sequence[int]) -> None:
        self.chunk_model.add_chunks(times, sizes)

    @Slot()
    def flush(self) -> None:
        self.chunk_model.flush()

    def is_at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 2

    @Slot()
    def _on_rows_about_to_be_inserted(self) -> None:
        # Decide before the rows land: the scroll range changes with them.
        self._follow = self.is_at_bottom()

    @Slot()
    def _on_rows_inserted(self) -> None:
        if self._follow:
            self.scrollToBottom()

    @Slot()
    def _on_model_about_to_be_reset(self) -> None:
        self._follow = self.is_at_bottom()
        top = self.rowAt(0)
        # The series already holds the new numbering: recover the recv from the old stride.
        self._top_recv = max(0, top) * self._old_stride

    @Slot()
    def _on_model_reset(self) -> None:
        model = self.chunk_model
        self._old_stride = model.recvs_per_row
        if not model.rowCount():
            self._follow = True  # a new transfer
        elif self._follow:
            self.scrollToBottom()
        else:  # rows merged while the user looked at older ones: stay on the same recvs
            row = min(self._top_recv // model.recvs_per_row, model.rowCount() - 1)
            self.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
