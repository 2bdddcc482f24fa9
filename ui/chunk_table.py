"""A table of received chunks (index, time offset, size, running total) that stays responsive
at 100,000+ rows.

Chunks are appended to a pending buffer; a ~16 ms frame timer inserts them with one
beginInsertRows per frame, so the view relayouts per frame, not per chunk. Rows live in
arrays and are formatted only when the view asks for a visible cell.
"""

from __future__ import annotations

from array import array
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

FRAME_MS = 16

ModelIndex = QModelIndex | QPersistentModelIndex


class ChunkTableModel(QAbstractTableModel):
    """Rows of received chunks: #, time offset (ms), size (bytes), running total (bytes).

    Signals: the standard model signals only (rowsInserted once per flushed frame,
    modelReset on reset()). Slots: ``reset()``, ``add_chunk(elapsed, size)``, ``flush()``.
    """

    HEADERS = ("#", "Time (ms)", "Size (B)", "Total (B)")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._times = array("d")
        self._sizes = array("q")
        self._totals = array("q")
        self._pending_times = array("d")
        self._pending_sizes = array("q")
        self._frame = QTimer(self)
        self._frame.setInterval(FRAME_MS)
        self._frame.timeout.connect(self.flush)

    # -- data in ------------------------------------------------------------------------

    @Slot()
    def reset(self) -> None:
        self._frame.stop()
        self.beginResetModel()
        self._times = array("d")
        self._sizes = array("q")
        self._totals = array("q")
        self._pending_times = array("d")
        self._pending_sizes = array("q")
        self.endResetModel()

    @Slot(float, int)
    def add_chunk(self, elapsed: float, size: int) -> None:
        # Cheap: the rows appear at the next frame, all at once.
        self._pending_times.append(elapsed)
        self._pending_sizes.append(max(0, size))
        if not self._frame.isActive():
            self._frame.start()

    @Slot()
    def flush(self) -> None:
        """Insert every pending chunk now, with one beginInsertRows; stop the timer if idle."""
        count = len(self._pending_times)
        if not count:
            self._frame.stop()
            return
        first = len(self._times)
        self.beginInsertRows(QModelIndex(), first, first + count - 1)
        total = self._totals[-1] if self._totals else 0
        for size in self._pending_sizes:
            total += size
            self._totals.append(total)
        self._times.extend(self._pending_times)
        self._sizes.extend(self._pending_sizes)
        self._pending_times = array("d")
        self._pending_sizes = array("q")
        self.endInsertRows()

    @property
    def pending_count(self) -> int:
        return len(self._pending_times)

    @property
    def total_bytes(self) -> int:
        return self._totals[-1] if self._totals else 0

    def is_animating(self) -> bool:
        return self._frame.isActive()

    # -- model interface ----------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt idiom)
        return 0 if parent.isValid() else len(self._times)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{row + 1:,}"
            if column == 1:
                return f"{self._times[row] * 1000:,.3f}"
            if column == 2:
                return f"{self._sizes[row]:,}"
            return f"{self._totals[row]:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def row_values(self, row: int) -> tuple[float, int, int]:
        """(elapsed seconds, size, running total) of ``row``, for tests and copy."""
        return self._times[row], self._sizes[row], self._totals[row]


class ChunkTableView(QTableView):
    """A QTableView over its own ChunkTableModel: uniform rows, follows the tail only while
    the user is at the bottom.

    Signals: none beyond QTableView's. Slots (forwarded to the model): ``clear()``,
    ``add_chunk(elapsed, size)``, ``flush()``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chunk_model = ChunkTableModel(self)
        self.setModel(self.chunk_model)
        # Fixed-height rows and fixed-width columns: Qt never measures 100,000 rows.
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 4)
        horizontal = self.horizontalHeader()
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        horizontal.setStretchLastSection(True)
        digits = self.fontMetrics().horizontalAdvance("0,000,000,000.000") + 12
        for column, width in enumerate((digits * 2 // 3, digits, digits * 2 // 3)):
            self.setColumnWidth(column, width)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._follow = True
        self.chunk_model.rowsAboutToBeInserted.connect(self._on_rows_about_to_be_inserted)
        self.chunk_model.rowsInserted.connect(self._on_rows_inserted)
        self.chunk_model.modelReset.connect(self._on_model_reset)

    @Slot()
    def clear(self) -> None:
        # Not named reset(): that is QAbstractItemView's virtual, which Qt itself calls when
        # the model resets; overriding it would recurse.
        self.chunk_model.reset()

    @Slot(float, int)
    def add_chunk(self, elapsed: float, size: int) -> None:
        self.chunk_model.add_chunk(elapsed, size)

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
    def _on_model_reset(self) -> None:
        self._follow = True
