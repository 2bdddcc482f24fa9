"""What the Stream dock costs the GUI thread per recv, and what it costs to paint.

The worst case is recv(512) on a fast loopback: ~240,000 recvs/s, ~4,000 (elapsed, size)
records per 16 ms frame, handed to StreamPanel.on_recvs in batches. Prints:
- microseconds per record through StreamPanel.on_recvs (timeline + chunk table + counters),
  100,000 records in batches of 4,000, then the table's frame flush; median of --runs;
- the timeline's paint time at 720x260 with 100,000 and 1,000,000 chunks, median of 5;
- RSS growth per million records kept by a StreamPanel (and the rows it keeps), fed
  2,000,000 records (1 GiB at 512 B per recv).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/stream_panel_cost.py [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.stream_panel import StreamPanel  # noqa: E402
from ui.timeline_view import TimelineView  # noqa: E402

BATCH = 4000


def make_batches(count: int, start: float = 0.0) -> list[list[tuple[float, int]]]:
    """Records as the Fetcher sends them: ~240,000 recvs/s, mostly 512 B, some shorter."""
    records = [(start + i * 4.2e-6, 512 if i % 9 else 300) for i in range(count)]
    return [records[i : i + BATCH] for i in range(0, count, BATCH)]


def cost_per_record(runs: int) -> tuple[float, float, float]:
    """(median, min, max) microseconds per record through on_recvs plus the table flush."""
    batches = make_batches(100_000)
    results = []
    for _ in range(runs):
        panel = StreamPanel()
        panel.resize(1000, 280)
        gc.collect()
        started = time.perf_counter()
        for batch in batches:
            panel.on_recvs(batch)
        panel.table.flush()  # the rows' own frame work, which runs on the GUI thread too
        took = time.perf_counter() - started
        assert panel.chunk_count == 100_000
        results.append(took / 100_000 * 1e6)
        panel.deleteLater()
        QApplication.processEvents()
    return statistics.median(results), min(results), max(results)


def fill(view: TimelineView, count: int) -> None:
    times = [i * 4.2e-6 for i in range(count)]
    sizes = [512 if i % 9 else 300 for i in range(count)]
    bulk = getattr(view, "add_chunks", None)
    if bulk is not None:
        bulk(times, sizes)
    else:  # the per-record slot (before the bulk path existed)
        for t, size in zip(times, sizes, strict=True):
            view.add_chunk(t, size)
    view.mark_head(0.0)
    view.finish(times[-1])


def paint_ms(count: int) -> float:
    view = TimelineView()
    view.resize(720, 260)
    fill(view, count)
    image = QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied)
    view.render(image)  # warm-up: fonts, glyph caches
    times = []
    for _ in range(5):
        started = time.perf_counter()
        view.render(image)
        times.append(time.perf_counter() - started)
    view.deleteLater()
    return statistics.median(times) * 1000


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory_per_million() -> tuple[float, int, int]:
    """(MiB of RSS growth per million records, rows kept by the timeline, by the table) after
    2,000,000 records: 1 GiB at 512 B per recv."""
    panel = StreamPanel()
    gc.collect()
    before = rss_bytes()
    total = 2_000_000
    for start in range(0, total, 100_000):
        for batch in make_batches(100_000, start * 4.2e-6):
            panel.on_recvs(batch)
        panel.table.flush()
    gc.collect()
    grown = rss_bytes() - before
    assert panel.chunk_count == total
    rows = panel.table.chunk_model.rowCount()
    timeline_rows = getattr(panel.timeline, "row_count", panel.timeline.chunk_count)
    return grown / (1024 * 1024) / (total / 1_000_000), timeline_rows, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    median, low, high = cost_per_record(args.runs)
    print(
        f"on_recvs + table flush, 100,000 records in batches of {BATCH:,}: "
        f"{median:.3f} us/record (min {low:.3f}, max {high:.3f}, {args.runs} runs); "
        f"{median * BATCH / 1000:.2f} ms per {BATCH:,}-record frame"
    )
    for count in (100_000, 1_000_000):
        print(f"timeline paint 720x260, {count:,} chunks: median {paint_ms(count):.1f} ms of 5")
    per_million, timeline_rows, table_rows = memory_per_million()
    print(
        f"RSS growth per million records (2,000,000 fed): {per_million:.1f} MiB; "
        f"rows kept: timeline {timeline_rows:,}, table {table_rows:,}"
    )
    del app


if __name__ == "__main__":
    main()
