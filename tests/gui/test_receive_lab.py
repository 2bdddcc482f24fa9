"""ReceiveLab: choices, persistence in QSettings, and that the knobs take effect on a real
fetch from the demo server (recv size and the slow-motion delay; the window's load_options
reads them: tests/gui/test_stream_wiring.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from net.client import fetch
from net.demo_server import DemoServer, text_lines
from net.events import BodyChunk, Finished, ResponseHead
from net.options import DEFAULT_RECV_SIZE, FetchOptions
from ui.stream.receive_lab import CHUNK_DELAYS, RECV_SIZES, SETTINGS_GROUP, ReceiveLab


@pytest.fixture
def lab(qtbot: QtBot) -> ReceiveLab:
    widget = ReceiveLab()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoServer]:
    with DemoServer(tmp_path) as server:
        yield server


def test_defaults_are_the_fast_path(lab: ReceiveLab) -> None:
    assert lab.recv_size == DEFAULT_RECV_SIZE == 256 * 1024
    assert lab.chunk_delay == 0.0
    assert lab.decode_per_chunk is False
    assert lab.recv_combo.currentText() == "256 KiB (default)"
    assert lab.delay_combo.currentText() == "off"


def test_every_offered_size_and_delay(lab: ReceiveLab) -> None:
    assert [size for size, _ in RECV_SIZES] == [512, 1024, 4096, 16384, 65536, 262144, 1 << 20]
    assert [d for d, _ in CHUNK_DELAYS] == [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0]
    assert lab.recv_combo.count() == len(RECV_SIZES)
    assert lab.delay_combo.count() == len(CHUNK_DELAYS)
    assert lab.recv_combo.itemText(0) == "512 B (classic)"


def test_a_choice_is_the_lab_s_value_and_is_announced(lab: ReceiveLab, qtbot: QtBot) -> None:
    with qtbot.waitSignal(lab.settings_changed, timeout=10_000):
        lab.recv_combo.setCurrentIndex(0)  # as the user would
    with qtbot.waitSignal(lab.settings_changed, timeout=10_000):
        lab.set_chunk_delay(0.25)
    assert lab.recv_size == 512 and lab.chunk_delay == 0.25


def lab_options(lab: ReceiveLab) -> FetchOptions:
    """What the window's load_options makes of the lab's choices."""
    return FetchOptions(recv_size=lab.recv_size, chunk_delay=lab.chunk_delay)


def test_decode_switch_emits_both_signals(lab: ReceiveLab, qtbot: QtBot) -> None:
    with (
        qtbot.waitSignal(lab.decode_per_chunk_changed, timeout=10_000) as toggled,
        qtbot.waitSignal(lab.settings_changed, timeout=10_000),
    ):
        lab.decode_check.click()
    assert toggled.args == [True] and lab.decode_per_chunk


def test_values_outside_the_offer_are_refused(lab: ReceiveLab) -> None:
    with pytest.raises(ValueError, match="512 B"):
        lab.set_recv_size(1000)
    with pytest.raises(ValueError, match="not an offered delay"):
        lab.set_chunk_delay(0.3)
    assert lab.recv_size == DEFAULT_RECV_SIZE and lab.chunk_delay == 0.0


def test_choices_persist_in_the_receive_lab_group(qtbot: QtBot) -> None:
    first = ReceiveLab()
    qtbot.addWidget(first)
    first.set_recv_size(4096)
    first.set_chunk_delay(0.05)
    first.decode_check.setChecked(True)
    store = QSettings()
    store.sync()
    assert {k for k in store.allKeys() if k.startswith(SETTINGS_GROUP + "/")} == {
        "receive_lab/recv_size",
        "receive_lab/chunk_delay",
        "receive_lab/decode_per_chunk",
    }
    second = ReceiveLab()
    qtbot.addWidget(second)
    assert (second.recv_size, second.chunk_delay, second.decode_per_chunk) == (4096, 0.05, True)


def test_an_ini_store_round_trips_and_corrupt_values_fall_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = str(tmp_path / "lab.ini")
    first = ReceiveLab(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.set_recv_size(512)
    first.set_chunk_delay(1.0)
    first._store.sync()
    second = ReceiveLab(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    assert (second.recv_size, second.chunk_delay) == (512, 1.0)

    bad = QSettings(path, QSettings.Format.IniFormat)
    bad.setValue("receive_lab/recv_size", "lots")
    bad.setValue("receive_lab/chunk_delay", "nan")
    bad.setValue("receive_lab/decode_per_chunk", "maybe")
    bad.sync()
    third = ReceiveLab(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(third)
    assert (third.recv_size, third.chunk_delay, third.decode_per_chunk) == (
        DEFAULT_RECV_SIZE,
        0.0,
        False,
    )
    bad.setValue("receive_lab/recv_size", 12345)  # a number no longer offered
    bad.sync()
    fourth = ReceiveLab(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(fourth)
    assert fourth.recv_size == DEFAULT_RECV_SIZE


def collect(url: str, options: FetchOptions) -> tuple[ResponseHead, list[BodyChunk], Finished]:
    head: ResponseHead | None = None
    chunks: list[BodyChunk] = []
    done: Finished | None = None
    for event in fetch(url, options):
        if isinstance(event, ResponseHead):
            head = event
        elif isinstance(event, BodyChunk):
            chunks.append(event)
        elif isinstance(event, Finished):
            done = event
    assert head is not None and done is not None
    return head, chunks, done


def test_the_buffer_size_takes_effect(lab: ReceiveLab, demo: DemoServer) -> None:
    """/large?size=65536 read with the lab's 512-byte buffer: >= 128 recvs of <= 512 bytes."""
    lab.set_recv_size(512)
    head, chunks, done = collect(demo.base_url + "large?size=65536", lab_options(lab))
    assert b"".join(c.data for c in chunks) == text_lines(0, 65536)
    sizes = [c.wire_size for c in chunks]
    assert len(chunks) >= 128 and max(sizes) <= 512
    assert sum(sizes) == done.wire_bytes - len(head.raw) == 65536
    # The same body with the default buffer: far fewer, bigger recvs.
    lab.set_recv_size(DEFAULT_RECV_SIZE)
    _, big, _ = collect(demo.base_url + "large?size=65536", lab_options(lab))
    assert len(big) < len(chunks) // 4


def test_the_slow_motion_delay_takes_effect(lab: ReceiveLab, demo: DemoServer) -> None:
    """Every recv pauses chunk_delay: N recvs take at least N * delay."""
    lab.set_recv_size(512)
    lab.set_chunk_delay(0.01)
    url = demo.base_url + "large?size=8192"
    started = time.perf_counter()
    _, chunks, done = collect(url, lab_options(lab))
    took = time.perf_counter() - started
    recvs = sum(1 for c in chunks if c.wire_size)
    assert recvs >= 16
    assert took >= recvs * 0.01
    assert done.timings.transfer >= (recvs - 1) * 0.01
    # Back at zero, the lab asks for no delay and the same transfer still arrives whole.
    lab.set_chunk_delay(0.0)
    options = lab_options(lab)
    assert options.chunk_delay == 0.0 and options.recv_size == 512
    _, again, _ = collect(url, options)
    assert b"".join(c.data for c in again) == b"".join(c.data for c in chunks)
