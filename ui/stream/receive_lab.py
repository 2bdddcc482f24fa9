"""The receive lab: the recv buffer size, a slow-motion delay per recv, and the "decode per
chunk" switch, in one toolbar-like row, remembered across runs.

The knobs do not touch a running fetch: the window reads :attr:`ReceiveLab.recv_size` and
:attr:`ReceiveLab.chunk_delay` into the options of each new load, so a change takes effect on
the next load (or Reload).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSettings, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from net.options import CLASSIC_RECV_SIZE, DEFAULT_RECV_SIZE, MAX_RECV_SIZE

SETTINGS_GROUP = "receive_lab"

#: (bytes, label) offered for recv(); the classic program's 512 first.
RECV_SIZES: tuple[tuple[int, str], ...] = (
    (CLASSIC_RECV_SIZE, "512 B (classic)"),
    (1024, "1 KiB"),
    (4 * 1024, "4 KiB"),
    (16 * 1024, "16 KiB"),
    (64 * 1024, "64 KiB"),
    (DEFAULT_RECV_SIZE, "256 KiB (default)"),
    (MAX_RECV_SIZE, "1 MiB"),
)

#: (seconds, label) of the pause after each recv.
CHUNK_DELAYS: tuple[tuple[float, str], ...] = (
    (0.0, "off"),
    (0.010, "10 ms"),
    (0.050, "50 ms"),
    (0.100, "100 ms"),
    (0.250, "250 ms"),
    (0.500, "500 ms"),
    (1.0, "1 s"),
)

DEFAULT_DELAY = 0.0


def _as_int(value: object, default: int) -> int:
    # An ini file hands everything back as str; a corrupt value falls back to the default.
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _as_float(value: object, default: float) -> float:
    try:
        number = float(str(value))
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def _as_bool(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return default


class ReceiveLab(QWidget):
    """Receive buffer size, slow-motion delay and the decode-per-chunk switch.

    Signals:
        settings_changed(): any knob changed (by the user or a setter).
        decode_per_chunk_changed(bool on): the checkbox changed.
    Slots: set_recv_size(int), set_chunk_delay(float), set_decode_per_chunk(bool)
    Properties: recv_size (bytes), chunk_delay (seconds), decode_per_chunk.
    """

    settings_changed = Signal()
    decode_per_chunk_changed = Signal(bool)

    def __init__(self, store: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # QSettings() uses the organisation/application names app.py sets ("Yonder").
        self._store = store if store is not None else QSettings()

        self.recv_combo = QComboBox()
        for size, label in RECV_SIZES:
            self.recv_combo.addItem(label, size)
        self.recv_combo.setToolTip(
            "How many bytes each recv() asks the socket for. The classic socket program asks "
            "for 512, so a page arrives in many small chunks; watch the timeline and the "
            "chunk table. Takes effect on the next load."
        )
        self.delay_combo = QComboBox()
        for seconds, label in CHUNK_DELAYS:
            self.delay_combo.addItem(label, seconds)
        self.delay_combo.setToolTip(
            "Slow motion: Yonder pauses this long after every recv(), so progressive "
            "rendering and progress can be watched even on a small page. Takes effect on the "
            "next load."
        )
        self.decode_check = QCheckBox("Decode per chunk (the classic bug)")
        self.decode_check.setToolTip(
            "Show each recv() decoded on its own, as the classic program's data.decode() "
            "does, beside Yonder's incremental decoder: a character split between two "
            "chunks turns into U+FFFD (�)."
        )

        recv_label = QLabel("Receive buffer:")
        recv_label.setBuddy(self.recv_combo)
        delay_label = QLabel("Slow motion (pause per recv):")
        delay_label.setBuddy(self.delay_combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(6)
        layout.addWidget(recv_label)
        layout.addWidget(self.recv_combo)
        layout.addSpacing(12)
        layout.addWidget(delay_label)
        layout.addWidget(self.delay_combo)
        layout.addSpacing(12)
        layout.addWidget(self.decode_check)
        layout.addStretch(1)

        self._load()
        self.recv_combo.currentIndexChanged.connect(self._on_user_change)
        self.delay_combo.currentIndexChanged.connect(self._on_user_change)
        self.decode_check.toggled.connect(self._on_decode_toggled)

    # -- values -------------------------------------------------------------------------

    @property
    def recv_size(self) -> int:
        return int(self.recv_combo.currentData())

    @property
    def chunk_delay(self) -> float:
        return float(self.delay_combo.currentData())

    @property
    def decode_per_chunk(self) -> bool:
        return self.decode_check.isChecked()

    @Slot(int)
    def set_recv_size(self, size: int) -> None:
        """Select ``size`` bytes; ValueError if it is not one of RECV_SIZES."""
        self.recv_combo.setCurrentIndex(self._index_of(self.recv_combo, size, "recv size"))

    @Slot(float)
    def set_chunk_delay(self, seconds: float) -> None:
        """Select a delay of ``seconds``; ValueError if it is not one of CHUNK_DELAYS."""
        self.delay_combo.setCurrentIndex(self._index_of(self.delay_combo, seconds, "delay"))

    @Slot(bool)
    def set_decode_per_chunk(self, on: bool) -> None:
        self.decode_check.setChecked(on)

    @staticmethod
    def _index_of(combo: QComboBox, value: float, what: str) -> int:
        for index in range(combo.count()):
            if math.isclose(float(combo.itemData(index)), value, abs_tol=1e-9):
                return index
        offered = ", ".join(combo.itemText(i) for i in range(combo.count()))
        raise ValueError(f"{value!r} is not an offered {what}; choose one of: {offered}")

    # -- persistence --------------------------------------------------------------------

    def _load(self) -> None:
        store = self._store
        store.beginGroup(SETTINGS_GROUP)
        try:
            size = _as_int(store.value("recv_size", DEFAULT_RECV_SIZE), DEFAULT_RECV_SIZE)
            delay = _as_float(store.value("chunk_delay", DEFAULT_DELAY), DEFAULT_DELAY)
            decode = _as_bool(store.value("decode_per_chunk", False), False)
        finally:
            store.endGroup()
        # A value that is no longer offered (edited by hand, an older version) -> the default.
        try:
            self.set_recv_size(size)
        except ValueError:
            self.set_recv_size(DEFAULT_RECV_SIZE)
        try:
            self.set_chunk_delay(delay)
        except ValueError:
            self.set_chunk_delay(DEFAULT_DELAY)
        self.decode_check.setChecked(decode)

    def _save(self) -> None:
        store = self._store
        store.beginGroup(SETTINGS_GROUP)
        try:
            store.setValue("recv_size", self.recv_size)
            store.setValue("chunk_delay", self.chunk_delay)
            store.setValue("decode_per_chunk", self.decode_per_chunk)
        finally:
            store.endGroup()

    @Slot()
    def _on_user_change(self) -> None:
        self._save()
        self.settings_changed.emit()

    @Slot(bool)
    def _on_decode_toggled(self, on: bool) -> None:
        self._save()
        self.decode_per_chunk_changed.emit(on)
        self.settings_changed.emit()
