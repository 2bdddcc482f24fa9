"""What the Stream dock costs the GUI thread per recv, and what it costs to paint.

The worst case is recv(512) on a fast loopback: ~240,000 recvs/s, ~4,000 (elapsed, size)
records per 16 ms frame, handed to StreamPanel.on_recvs in batches. Prints:
- microseconds per record through StreamPanel.on_recvs (timeline + chunk table + counters),
  100,000 records in batches of 4,000, then the table's frame flush; median of --runs; and
  the reference, the per-record slots of a timeline and a table (the bulk path's ratio to it);
- a shown chunk table given 100,000 rows one by one: the appends, the flush and repaint, a grab;
- the timeline's paint time at 720x260 with 100,000 and 1,000,000 chunks, median of 5;
- the live case, at the docked size 1100x230: 4,000 new records appended before each frame,
  then the frame's render (TimelineView.render_frame, what each live frame costs the GUI
  thread; a full paint on versions without it) and the paint that follows it (paintEvent,
  a copy of the frame image), median of 20 frames, with 100,000 and 1,000,000 chunks;
- RSS growth of one StreamPanel after 2,000,000 records (1 GiB at 512 B per recv) and after
  8,000,000 (4 GiB: past the full-resolution limit, rows merge, memory stays bounded), with
  the table's rows and recvs per row.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/stream_panel_cost.py [--runs 5]
        [--memory 2000000,8000000]
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

from ui.stream.chunk_table import ChunkTableModel, ChunkTableView  # noqa: E402
from ui.stream.stream_panel import StreamPanel  # noqa: E402
from ui.stream.timeline_view import TimelineView  # noqa: E402

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


def cost_per_record_single(runs: int) -> float:
    """The reference: median microseconds per record through the per-record slots of a
    separate timeline and chunk table (what the bulk path replaced), 40,000 records."""
    records = [r for batch in make_batches(40_000) for r in batch]
    results = []
    for _ in range(runs):
        timeline, table = TimelineView(), ChunkTableModel()
        gc.collect()
        started = time.perf_counter()
        for elapsed, size in records:
            timeline.add_chunk(elapsed, size)
            table.add_chunk(elapsed, size)
        table.flush()
        results.append((time.perf_counter() - started) / len(records) * 1e6)
        timeline.deleteLater()
        QApplication.processEvents()
    return statistics.median(results)


def chunk_table_ms(rows: int = 100_000) -> tuple[float, float, float]:
    """(appends, flush + repaint, grab) in ms for ``rows`` rows added one by one to a shown
    ChunkTableView, as a per-recv producer would."""
    table = ChunkTableView()
    table.resize(600, 300)
    table.show()
    QApplication.processEvents()
    started = time.perf_counter()
    for i in range(rows):
        table.add_chunk(0.003 + i * 3e-5, 512)
    appended = time.perf_counter()
    table.flush()
    table.repaint()
    flushed = time.perf_counter()
    table.grab()
    grabbed = time.perf_counter()
    assert table.chunk_model.rowCount() == rows
    table.close()
    table.deleteLater()
    QApplication.processEvents()
    return (
        (appended - started) * 1000,
        (flushed - appended) * 1000,
        (grabbed - flushed) * 1000,
    )


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
    # A full render each time: the frame image (when the view keeps one) is rendered afresh,
    # not copied from the previous paint.
    render_frame = getattr(view, "render_frame", None)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        if render_frame is not None:
            render_frame()
        view.render(image)
        times.append(time.perf_counter() - started)
    view.deleteLater()
    return statistics.median(times) * 1000


def live_frame_ms(count: int, frames: int = 20) -> tuple[float, float]:
    """(render ms, paint ms) per live frame at 1100x230: each frame first appends 4,000
    records, as a recv(512) loopback transfer does between two 16 ms frames."""
    view = TimelineView()
    view.resize(1100, 230)
    extra = frames * BATCH
    times = [i * 4.2e-6 for i in range(count + extra)]
    sizes = [512 if i % 9 else 300 for i in range(count + extra)]
    view.add_chunks(times[:count], sizes[:count])
    view.mark_head(0.0)
    image = QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied)
    view.render(image)  # warm-up: fonts, glyph caches
    render_frame = getattr(view, "render_frame", None)
    renders, paints = [], []
    for frame in range(frames):
        start = count + frame * BATCH
        view.add_chunks(times[start : start + BATCH], sizes[start : start + BATCH])
        started = time.perf_counter()
        if render_frame is not None:
            render_frame()
        rendered = time.perf_counter()
        view.render(image)  # the paint the frame's update() leads to
        done = time.perf_counter()
        renders.append(rendered - started)
        paints.append(done - rendered)
    view.deleteLater()
    return statistics.median(renders) * 1000, statistics.median(paints) * 1000


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(checkpoints: tuple[int, ...]) -> list[tuple[int, float, int, int]]:
    """Feed one StreamPanel records up to the last checkpoint; at each, (records, RSS growth in
    MiB, rows kept by the table, recvs per row). 2,000,000 records: 1 GiB at 512 B per recv."""
    panel = StreamPanel()
    gc.collect()
    before = rss_bytes()
    fed = 0
    results = []
    for checkpoint in checkpoints:
        while fed < checkpoint:
            for batch in make_batches(100_000, fed * 4.2e-6):
                panel.on_recvs(batch)
            panel.table.flush()
            fed += 100_000
        gc.collect()
        assert panel.chunk_count == fed
        model = panel.table.chunk_model
        grown = (rss_bytes() - before) / (1024 * 1024)
        results.append((fed, grown, model.rowCount(), getattr(model, "recvs_per_row", 1)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--memory",
        type=lambda text: tuple(int(n) for n in text.split(",")),
        default=(2_000_000, 8_000_000),
        help="record counts at which to report RSS (comma-separated, ascending)",
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    median, low, high = cost_per_record(args.runs)
    print(
        f"on_recvs + table flush, 100,000 records in batches of {BATCH:,}: "
        f"{median:.3f} us/record (min {low:.3f}, max {high:.3f}, {args.runs} runs); "
        f"{median * BATCH / 1000:.2f} ms per {BATCH:,}-record frame"
    )
    single = cost_per_record_single(args.runs)
    print(
        f"reference, the per-record slots (timeline.add_chunk + table.add_chunk), 40,000 "
        f"records: {single:.3f} us/record; bulk path / per-record {median / single:.2f}"
    )
    appended, flushed, grabbed = chunk_table_ms()
    print(
        f"chunk table, 100,000 rows: appends {appended:.0f} ms, flush + repaint "
        f"{flushed:.0f} ms, grab {grabbed:.0f} ms"
    )
    for count in (100_000, 1_000_000):
        print(f"timeline paint 720x260, {count:,} chunks: median {paint_ms(count):.1f} ms of 5")
    for count in (100_000, 1_000_000):
        render, paint = live_frame_ms(count)
        print(
            f"timeline live frame 1100x230, {count:,} chunks + {BATCH:,} per frame: "
            f"render {render:.2f} ms + paint {paint:.2f} ms = {render + paint:.2f} ms "
            "(median of 20)"
        )
    for fed, grown, rows, stride in memory(args.memory):
        print(
            f"RSS growth after {fed:,} records: {grown:.1f} MiB "
            f"({grown / (fed / 1_000_000):.1f} MiB per million); "
            f"table rows {rows:,}, {stride} recv(s) per row"
        )
    del app


if __name__ == "__main__":
    main()
