"""BodyStore / SpillBuffer: memory up to a cap, then a temporary file; reads and Save-chunks."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from tests.small_disk import fill, small_disk
from ui.text.body_store import FREE_CHECK_BYTES, BodyStore, SpillBuffer, SpillLimits

DATA = bytes(range(256)) * 40  # 10,240 bytes, every byte value


def feed(buffer: SpillBuffer, data: bytes, step: int) -> None:
    for i in range(0, len(data), step):
        buffer.append(data[i : i + step])


@pytest.mark.parametrize("step", [len(DATA), 1, 7, 4096])
@pytest.mark.parametrize("cap", [0, 1, 1000, len(DATA), len(DATA) + 5])
def test_spill_keeps_every_byte_whatever_the_chunking(step: int, cap: int) -> None:
    buffer = SpillBuffer(cap)
    feed(buffer, DATA, step)
    assert buffer.size == len(DATA)
    assert buffer.in_memory == min(cap, len(DATA))
    assert buffer.overflowed == (cap < len(DATA))
    assert b"".join(buffer.chunks(piece=333)) == DATA
    # Reads see the memory part only, exactly.
    kept = DATA[: buffer.in_memory]
    for offset, size in [(0, 10), (5, 3000), (999, 2), (len(DATA) - 3, 10), (0, 10**9)]:
        assert buffer.read(offset, size) == kept[offset : offset + size]
    buffer.close()


def test_trailing_appends_after_reading_chunks_continue_at_the_end() -> None:
    buffer = SpillBuffer(10)
    buffer.append(b"0123456789abc")
    assert b"".join(buffer.chunks()) == b"0123456789abc"
    buffer.append(b"def")  # garbage after a save: still appended, in order
    assert b"".join(buffer.chunks()) == b"0123456789abcdef"
    buffer.close()


def test_without_spill_the_overflow_is_only_counted() -> None:
    buffer = SpillBuffer(4, spill=False)
    buffer.append(b"abcdefgh")
    assert buffer.size == 8 and buffer.in_memory == 4
    assert not buffer.complete
    assert b"".join(buffer.chunks()) == b"abcd"


def test_close_deletes_the_temporary_file_and_refuses_appends() -> None:
    buffer = SpillBuffer(2)
    buffer.append(b"abcdef")
    spill = buffer._file
    assert spill is not None
    fd = spill.fileno()
    os.fstat(fd)  # open (and already unlinked: it has no name to leave behind)
    buffer.close()
    assert spill.closed
    with pytest.raises(ValueError):
        buffer.append(b"x")
    assert buffer.read(0, 2) == b""


def test_body_store_begin_replaces_the_previous_body() -> None:
    store = BodyStore(view_cap=4, wire_cap=3)
    store.begin("http://h/a", headers=(("Content-Type", "text/html"),), head_raw=b"HTTP/1.1...")
    store.append(b"moved", b"5\r\nmoved")
    store.begin(
        "http://h/b",
        headers=(
            ("content-type", "text/plain; charset=latin1"),
            ("Content-Disposition", "attachment; filename=x.txt"),
        ),
        status=200,
    )
    assert store.body_size == 0 and store.wire.size == 0
    assert store.content_type == "text/plain; charset=latin1"
    assert store.content_disposition == "attachment; filename=x.txt"
    store.append(b"hello", b"hello")
    store.finish(True)
    assert store.complete and store.truncated_in_view
    assert store.view_bytes(0, 100) == b"hell"
    assert store.prefix(2) == b"he"
    assert b"".join(store.iter_body()) == b"hello"
    assert store.wire.read(0, 100) == b"hel" and store.wire.size == 5
    store.close()


def test_a_100_mb_body_keeps_memory_bounded_and_saves_whole() -> None:
    cap = 8 * 1024 * 1024
    store = BodyStore(view_cap=cap, wire_cap=1024 * 1024)
    store.begin("http://h/big")
    piece = 256 * 1024
    total = 100 * 1024 * 1024
    tracemalloc.start()
    try:
        for i in range(total // piece):
            block = bytes([i % 251]) * piece  # a fresh object each time, like recv()
            store.append(block, block)
        store.finish(True)
        _, peak = tracemalloc.get_traced_memory()
        size = 0
        first = last = b""
        for chunk in store.iter_body():
            assert len(chunk) <= max(piece, 1024 * 1024)
            first = first or chunk[:1]
            last = chunk[-1:]
            size += len(chunk)
        _, peak_after_save = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size == total and store.body_size == total
    assert first == b"\x00" and last == bytes([(total // piece - 1) % 251])
    # What stays is the cap (memory part) + the wire cap + one piece in flight, not 100 MB.
    bound = cap + 1024 * 1024 + 4 * piece
    assert peak < bound, f"peak {peak / 2**20:.1f} MiB"
    assert peak_after_save < bound + 2 * 1024 * 1024
    store.close()


# -- the spill is bounded (issue 14) ----------------------------------------------------------


def test_spill_stops_at_its_limit_and_says_why() -> None:
    buffer = SpillBuffer(100, limits=SpillLimits(limit=1000, reserve=0))
    feed(buffer, DATA, 64)
    assert buffer.size == len(DATA)
    assert buffer.kept == 1100 and buffer.spilled == 1000
    assert not buffer.complete
    assert buffer.lost is not None
    assert buffer.lost.startswith("the body beyond 1.07 KiB was not kept")
    assert "Download saves a stream to disk" in buffer.lost
    assert b"".join(buffer.chunks()) == DATA[:1100]  # what was kept, exactly
    buffer.close()


def test_whole_bodies_within_the_limit_say_nothing() -> None:
    buffer = SpillBuffer(100, limits=SpillLimits(limit=len(DATA), reserve=0))
    feed(buffer, DATA, 7)
    assert buffer.complete and buffer.lost is None
    assert b"".join(buffer.chunks()) == DATA
    buffer.close()


def test_chunks_read_what_was_kept_when_asked_even_after_close() -> None:
    buffer = SpillBuffer(10, limits=SpillLimits(reserve=0))
    buffer.append(DATA[:5000])
    chunks = buffer.chunks(piece=999)
    buffer.append(DATA[5000:])  # more arrives while a save reads
    buffer.close()  # and the page is left
    assert b"".join(chunks) == DATA[:5000]


def test_the_free_space_reserve_keeps_a_small_disk_free(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        # The default reserve (1 GiB) is more than the whole disk: nothing spills.
        buffer = SpillBuffer(100, limits=SpillLimits(directory=str(disk)))
        feed(buffer, DATA, 512)
        assert buffer.kept == 100 and not buffer.complete
        assert buffer.lost is not None and "to leave free space on the disk" in buffer.lost
        assert str(disk) in buffer.lost
        buffer.close()
        # A reserve of 3 MiB on a 4 MiB disk: about 1 MiB spills, then it stops.
        buffer = SpillBuffer(0, limits=SpillLimits(directory=str(disk), reserve=3 * 2**20))
        for _ in range(40):
            buffer.append(DATA * 10)
        assert 0 < buffer.spilled <= 2**20
        assert buffer.lost is not None and not buffer.complete
        buffer.close()


def test_a_full_disk_stops_keeping_at_the_first_error(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "1m") as disk:
        buffer = SpillBuffer(100, limits=SpillLimits(directory=str(disk), reserve=0))
        buffer.append(DATA)  # the file is made while there is room
        fill(disk)
        for _ in range(20):
            buffer.append(DATA)  # no exception: every later chunk is only counted
        assert buffer.size == 21 * len(DATA)
        assert buffer.lost is not None
        assert buffer.lost.startswith(f"the disk holding the temporary folder ({disk}) is full")
        kept = b"".join(buffer.chunks())
        assert len(kept) == buffer.kept < buffer.size
        assert kept == (DATA * 21)[: buffer.kept]
        buffer.close()


def test_a_disk_that_fills_to_its_last_byte_is_called_full(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "1m") as disk:
        limits = SpillLimits(directory=str(disk), reserve=0, reserve_fraction=0)
        buffer = SpillBuffer(0, limits=limits)
        for _ in range(200):
            buffer.append(DATA)  # 2 MB into 1 MiB: no reserve to stop at first
        assert buffer.lost is not None
        assert buffer.lost.startswith(f"the disk holding the temporary folder ({disk}) is full")
        assert b"".join(buffer.chunks()) == (DATA * 200)[: buffer.kept]
        buffer.close()


def test_one_append_larger_than_a_free_space_check_is_kept_whole() -> None:
    # Free space is asked of the disk every FREE_CHECK_BYTES; one append past that (a gzip
    # body inflating to more than 8 MiB at once, a bundled file) must ask again, not stop.
    big = os.urandom(FREE_CHECK_BYTES * 2 + 12345)
    buffer = SpillBuffer(1000, limits=SpillLimits(reserve=0, reserve_fraction=0))
    buffer.append(big)
    assert buffer.lost is None
    assert buffer.complete and buffer.kept == len(big)
    assert b"".join(buffer.chunks()) == big
    buffer.close()


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("started", [False, True])
def test_chunks_closed_unread_releases_the_temporary_file(started: bool) -> None:
    # A Save that fails to open its target closes the chunks it was given without reading
    # them: the duplicate descriptor of the (multi-GB) spill file must go with them, or the
    # disk space stays held after the page is left.
    buffer = SpillBuffer(10, limits=SpillLimits(reserve=0))
    buffer.append(DATA)
    before = open_descriptors()
    chunks = buffer.chunks(piece=999)
    assert open_descriptors() == before + 1
    if started:
        assert next(chunks) == DATA[:10]
    chunks.close()
    assert open_descriptors() == before
    buffer.close()
