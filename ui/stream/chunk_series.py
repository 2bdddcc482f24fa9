"""ChunkSeries: the recvs of one hop as two flat arrays (end time, running byte total), shared
by the timeline and the chunk table, bounded in memory.

Why arrays and bulk appends: at recv(512) on loopback ~240,000 recvs/s arrive, ~4,000 per
16 ms frame; any Python work per record costs the GUI thread. ``add_many`` converts a batch
with C-level loops (array(), itertools.accumulate, slicing), ~0.1 us per record.

Why a bound: one row is 16 bytes (8 for the time, 8 for the total). Every recv gets its own
row up to ``max_rows`` (FULL_RESOLUTION_ROWS = 2,097,152 by default: 1 GiB at 512 B, ~32 MiB).
Past that, neighbouring rows merge in pairs and ``stride`` (recvs per row) doubles, so memory
stays under ``max_rows`` rows for any length of transfer. A merged row keeps the time of its
last recv and the exact running total after it, so totals, counts at row ends and byte rates
stay exact; only the per-recv detail inside a row is lost, and the table says so.

The head: the recvs that carried the response head come first, whole (``head_bytes`` says
how many of their bytes were head), so a recv that held the end of the head and the start of
the body is one row with both parts (``head_part`` / ``body_part``), as the classic program
prints it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate, islice, repeat
from operator import le, sub
from typing import Any

from ui.text.units import transfer_rate

FULL_RESOLUTION_ROWS = 1 << 21  # 2,097,152 recvs: 1 GiB at recv(512), 32 MiB of rows
_MERGE_SLICE = 1 << 16  # rows moved per step of a merge (a 512 KiB temporary)


def _keep_pair_ends(values: array[Any]) -> None:
    """values[j] = values[2j + 1] (an odd last value stays), in place, a slice at a time."""
    rows = len(values)
    pairs = rows // 2
    last = values[-1]
    for start in range(0, pairs, _MERGE_SLICE):
        end = min(start + _MERGE_SLICE, pairs)
        values[start:end] = values[2 * start + 1 : 2 * end : 2]  # reads ahead of the writes
    if rows % 2:
        values[pairs] = last
    del values[pairs + rows % 2 :]


class ChunkSeries:
    """Rows of (end time in seconds, running byte total); each row holds ``stride`` recvs
    (the last row possibly fewer). Plain Python: no Qt, no signals.

    Times are kept non-decreasing and >= 0 (an earlier value is raised to the previous one),
    sizes below 0 count as 0, so ``bisect`` over the times is always valid.
    """

    def __init__(self, max_rows: int = FULL_RESOLUTION_ROWS) -> None:
        if max_rows < 2:
            raise ValueError(f"max_rows must be at least 2, not {max_rows}")
        self.max_rows = max_rows
        self.times = array("d")  # end time of each row, non-decreasing
        self.totals = array("q")  # running byte total after each row
        self.stride = 1  # recvs per row: doubles each time the rows are merged in pairs
        self.recvs = 0  # every recv added, whatever the stride
        self.generation = 0  # bumps on clear() and on every merge: row numbers changed
        self.head_bytes = 0  # bytes of the first recvs that were the response head (1xx too)

    def clear(self) -> None:
        """Empty, back to full resolution (in place: views sharing the series see it)."""
        self.times = array("d")
        self.totals = array("q")
        self.stride = 1
        self.recvs = 0
        self.head_bytes = 0
        self.generation += 1

    def __len__(self) -> int:
        return len(self.times)

    @property
    def total_bytes(self) -> int:
        return self.totals[-1] if self.totals else 0

    @property
    def last_time(self) -> float | None:
        return self.times[-1] if self.times else None

    def add(self, elapsed: float, size: int) -> None:
        """One recv (the per-record path; ``add_many`` is ~10x cheaper per record)."""
        times = self.times
        last = times[-1] if times else 0.0
        elapsed = elapsed if elapsed > last else last
        total = (self.totals[-1] if self.totals else 0) + (size if size > 0 else 0)
        if self.stride > 1 and self.recvs % self.stride:
            times[-1] = elapsed  # the last row is not full yet: it grows
            self.totals[-1] = total
        else:
            times.append(elapsed)
            self.totals.append(total)
        self.recvs += 1
        if len(times) > self.max_rows:
            self._merge_pairs()

    def add_many(self, times: Sequence[float], sizes: Sequence[int]) -> None:
        """Many recvs: ``times[i]`` (seconds) and ``sizes[i]`` (bytes) of each, in order.
        Same result as ``add`` per record, without per-record Python code on the usual path."""
        count = len(times)
        if count != len(sizes):
            raise ValueError(f"{count} times but {len(sizes)} sizes")
        if not count:
            return
        last = self.times[-1] if self.times else 0.0
        if times[0] < last or not all(map(le, times, islice(times, 1, None))):
            # Rare (clock quirks, tests): raise each time to the running maximum.
            new_times = array("d", islice(accumulate(times, max, initial=last), 1, None))
        else:
            new_times = array("d", times)
        new_sizes = sizes
        if min(sizes) < 0:
            new_sizes = [size if size > 0 else 0 for size in sizes]
        new_totals = array("q", islice(accumulate(new_sizes, initial=self.total_bytes), 1, None))
        stride = self.stride
        start = 0
        filled = self.recvs % stride
        if filled:  # top up the last, partial row first
            start = min(stride - filled, count)
            self.times[-1] = new_times[start - 1]
            self.totals[-1] = new_totals[start - 1]
        if start < count:
            if stride == 1:
                self.times.extend(new_times if start == 0 else new_times[start:])
                self.totals.extend(new_totals if start == 0 else new_totals[start:])
            else:
                rest_times, rest_totals = new_times[start:], new_totals[start:]
                self.times.extend(rest_times[stride - 1 :: stride])
                self.totals.extend(rest_totals[stride - 1 :: stride])
                if len(rest_times) % stride:  # a new partial row
                    self.times.append(rest_times[-1])
                    self.totals.append(rest_totals[-1])
        self.recvs += count
        while len(self.times) > self.max_rows:
            self._merge_pairs()

    def _merge_pairs(self) -> None:
        # Row j of the result covers rows 2j and 2j+1: it ends where row 2j+1 ended.
        # In place, a slice at a time: new arrays (or one big temporary) would leave the
        # allocator holding the old and the new (measured: RSS twice the rows' size).
        _keep_pair_ends(self.times)
        _keep_pair_ends(self.totals)
        self.stride *= 2
        self.generation += 1

    # -- queries ------------------------------------------------------------------------

    def total_at(self, elapsed: float) -> tuple[int, int]:
        """(recvs, bytes) received by ``elapsed``: exact at full resolution; when rows are
        merged, counted at row ends (the rows that ended by ``elapsed``)."""
        rows = bisect_right(self.times, elapsed)
        if not rows:
            return 0, 0
        return min(rows * self.stride, self.recvs), self.totals[rows - 1]

    def bytes_at(self, at: Sequence[float]) -> list[int]:
        """``total_at(t)[1]`` for every t of ``at``, which must be non-decreasing (pixel
        columns), with the loops in C: ~0.5 us per value at 1,000,000 rows."""
        count = len(at)
        ends = list(map(bisect_right, repeat(self.times, count), at))
        zeros = bisect_right(ends, 0)  # ends is non-decreasing, as ``at`` is
        totals = self.totals
        return [0] * zeros + list(map(totals.__getitem__, map(sub, ends[zeros:], repeat(1))))

    def recv_range(self, row: int) -> tuple[int, int]:
        """(first, last) 0-based recv index held by ``row``."""
        first = row * self.stride
        return first, min(first + self.stride, self.recvs) - 1

    def size_of(self, row: int) -> int:
        """Bytes received in ``row`` (the sum of its recvs)."""
        return self.totals[row] - (self.totals[row - 1] if row else 0)

    def head_part(self, row: int) -> int:
        """How many of ``row``'s bytes were the response head (0 for a body-only row)."""
        before = self.totals[row - 1] if row else 0
        return max(0, min(self.head_bytes - before, self.size_of(row)))

    def transfer_rate(self, head_elapsed: float | None) -> float | None:
        """The hop's transfer rate (ui.text.units.transfer_rate): the bytes after the head over the
        time from the head to the latest recv; None before the head or any time passed."""
        if head_elapsed is None or not self.times:
            return None
        return transfer_rate(self.total_bytes - self.head_bytes, self.times[-1] - head_elapsed)
