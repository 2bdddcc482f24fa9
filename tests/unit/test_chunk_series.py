"""ChunkSeries: bulk and per-record appends agree exactly, at full resolution and after rows
merge; memory stays under max_rows rows. Pure Python: no Qt."""

from __future__ import annotations

import random
from array import array
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.stream import chunk_series
from ui.stream.chunk_series import FULL_RESOLUTION_ROWS, ChunkSeries


def state(series: ChunkSeries) -> tuple[list[float], list[int], int, int, int]:
    return list(series.times), list(series.totals), series.stride, series.recvs, len(series)


def reference(records: list[tuple[float, int]], stride: int) -> tuple[list[float], list[int]]:
    """What the rows must be for ``stride``, computed the plain way: each row ends at the
    last recv of its group, times raised to the running maximum (and 0), sizes below 0 as 0."""
    times, totals, last, total = [], [], 0.0, 0
    for elapsed, size in records:
        last = max(last, elapsed)
        total += max(0, size)
        times.append(last)
        totals.append(total)
    ends = [min(end, len(records)) - 1 for end in range(stride, len(records) + stride, stride)]
    return [times[i] for i in ends], [totals[i] for i in ends]


def per_record(records: list[tuple[float, int]], max_rows: int) -> ChunkSeries:
    series = ChunkSeries(max_rows)
    for elapsed, size in records:
        series.add(elapsed, size)
    return series


def bulk(records: list[tuple[float, int]], max_rows: int, cuts: list[int]) -> ChunkSeries:
    series = ChunkSeries(max_rows)
    bounds = sorted({0, len(records), *(c % (len(records) + 1) for c in cuts)})
    for start, end in pairwise(bounds):
        batch = records[start:end]
        series.add_many([t for t, _ in batch], [s for _, s in batch])
    return series


records_strategy = st.lists(
    st.tuples(st.floats(-1.0, 10.0, allow_nan=False), st.integers(-10, 70_000)), max_size=300
)


@settings(max_examples=200, deadline=None)
@given(records_strategy, st.integers(2, 40), st.lists(st.integers(0, 400), max_size=8))
def test_bulk_equals_per_record_at_any_batching(
    records: list[tuple[float, int]], max_rows: int, cuts: list[int]
) -> None:
    one = per_record(records, max_rows)
    many = bulk(records, max_rows, cuts)
    assert state(many) == state(one)
    assert (list(one.times), list(one.totals)) == reference(records, one.stride)
    assert one.recvs == len(records)
    assert one.total_bytes == sum(max(0, s) for _, s in records)
    assert len(one) <= max_rows
    assert list(one.times) == sorted(one.times) and all(t >= 0 for t in one.times)


def test_whole_one_at_a_time_and_trailing() -> None:
    rng = random.Random(5)
    records = [(i * 0.001, rng.choice([512, 512, 300, 1])) for i in range(1000)]
    whole = bulk(records, 64, [])
    singly = bulk(records, 64, list(range(1000)))
    assert state(whole) == state(singly) == state(per_record(records, 64))
    whole.add_many([5.0, 6.0], [10, 20])  # trailing records after a merge
    singly.add(5.0, 10)
    singly.add(6.0, 20)
    assert state(whole) == state(singly)
    assert whole.recvs == 1002 and whole.total_bytes == sum(s for _, s in records) + 30


def test_a_merge_moved_a_slice_at_a_time_matches_the_plain_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chunk_series, "_MERGE_SLICE", 3)  # many slices, odd and even
    rng = random.Random(11)
    records = [(i * 0.001, rng.randrange(1, 2000)) for i in range(777)]
    for max_rows in (16, 17, 50):
        one = per_record(records, max_rows)
        many = bulk(records, max_rows, [100, 101, 555])
        assert state(many) == state(one)
        assert (list(one.times), list(one.totals)) == reference(records, one.stride)
        assert len(one) <= max_rows < 2 * len(one)


def test_merging_keeps_exact_totals_at_row_ends_and_bounds_rows() -> None:
    series = ChunkSeries(max_rows=8)
    series.add_many([float(i) for i in range(1, 21)], [10] * 20)  # 20 recvs, 8 rows max
    assert series.stride == 4 and len(series) == 5 and series.recvs == 20
    assert list(series.times) == [4.0, 8.0, 12.0, 16.0, 20.0]
    assert list(series.totals) == [40, 80, 120, 160, 200]
    assert series.total_at(8.0) == (8, 80) and series.total_at(20.0) == (20, 200)
    assert series.total_at(7.9) == (4, 40)  # counted at row ends once merged
    assert series.recv_range(4) == (16, 19) and series.size_of(4) == 40
    series.add(21.0, 5)  # a new, partial last row
    assert len(series) == 6 and series.recv_range(5) == (20, 20) and series.size_of(5) == 5
    series.add_many([22.0], [5])  # it grows in place
    assert len(series) == 6 and series.recv_range(5) == (20, 21) and series.totals[-1] == 210
    generation = series.generation
    series.clear()
    assert state(series) == ([], [], 1, 0, 0) and series.generation == generation + 1


def test_a_million_recvs_cost_16_bytes_each() -> None:
    series = ChunkSeries()
    times = array("d", (i * 4e-6 for i in range(4000)))
    sizes = [512] * 4000
    for batch in range(250):
        series.add_many(array("d", (t + batch * 0.016 for t in times)), sizes)
    assert series.recvs == len(series) == 1_000_000 and series.stride == 1
    assert series.total_bytes == 512_000_000
    used = series.times.buffer_info()[1] * 8 + series.totals.buffer_info()[1] * 8
    assert used == 16_000_000
    assert FULL_RESOLUTION_ROWS * 16 <= 32 * 1024 * 1024  # the documented bound


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        ChunkSeries(1)
    with pytest.raises(ValueError, match="2 times but 1 sizes"):
        ChunkSeries().add_many([0.1, 0.2], [1])
    series = ChunkSeries()
    series.add_many([], [])
    assert series.recvs == 0 and series.total_at(1.0) == (0, 0) and series.last_time is None
