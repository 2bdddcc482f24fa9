"""The Stream panel: every recv() of the current hop as a live timeline and a chunk table, with
a header line of live figures; and StreamPane, the Stream dock's whole content (the receive
lab above, the panel and the decode comparison in tabs below).

Per-recv records arrive in batches (the Fetcher coalesces at frame rate, but passes one
(elapsed, wire_size) record per recv: ~4,000 per frame at recv(512) on loopback). The slot
splits a batch into two arrays with C-level loops and appends them once to a ChunkSeries that
the timeline and the table share (~0.2 us per record, 16 bytes per recv, bounded: see
ui/stream/chunk_series.py); the timeline, the table and the header each repaint from their own
timer, so the cost per second is bounded by the frame rate, not by the number of recvs.

Redirects: ``elapsed`` restarts at every hop (net.events), so the timeline and the table
restart too, and the header says which hop is shown; earlier hops are summarised in the
header's tooltip (the phase bar keeps every hop's timings).
"""

from __future__ import annotations

import html
from itertools import compress
from operator import itemgetter

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from net.events import Finished, Redirected, ResponseHead, Timings
from ui.accessible import describe_tabs
from ui.stream.chunk_series import ChunkSeries
from ui.stream.chunk_table import ChunkTableView
from ui.stream.decode_compare import DecodeCompareView
from ui.stream.receive_lab import ReceiveLab
from ui.stream.timeline_view import TimelineView
from ui.text.display_text import elide
from ui.text.units import format_duration, format_rate, format_size

HEADER_MS = 100  # the header's figures refresh at most 10 times a second: readable, cheap

Record = tuple[float, int]

_elapsed_of = itemgetter(0)
_size_of = itemgetter(1)
_positive = (0).__lt__  # size > 0, without a Python-level lambda


class StreamPanel(QWidget):
    """Timeline (left, large) and chunk table (right) of the current hop, under a header line:
    recvs, bytes on the wire (head included), the transfer rate, head / time to first byte.

    Signals: none (a passive view).
    Slots: reset(), on_head(float elapsed), on_recvs(list[(float elapsed, int wire_size)]),
        on_redirect(Redirected), on_finished(Timings timings, list[Timings] hops),
        on_aborted(str reason)
    A record with wire_size 0 is not a recv (a decoder's extra output piece) and is skipped;
    records after the end (on_finished / on_aborted) are ignored until reset().
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Its accessible name is its text (the figures themselves).
        self.header.setAccessibleDescription("The transfer's figures: recvs, bytes, phase")
        # Wrapped: one line of figures is ~800 px, and as its minimum width it made the dock,
        # and so the window, grow mid-transfer; each wider document view then laid out every
        # block again (20-80 ms on a 50 MB page, bench/window_stream.py).
        self.header.setWordWrap(True)
        # One series for both views: each recv is stored once (16 bytes), appended once.
        self.series = ChunkSeries()
        self.timeline = TimelineView(series=self.series)
        self.table = ChunkTableView(series=self.series)
        self.table.setMinimumWidth(200)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.timeline)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 520])  # the table: four columns, the head split included
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.splitter, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(HEADER_MS)
        self._timer.timeout.connect(self._refresh_header)
        self._earlier_hops: list[str] = []
        self._clear_hop()
        self._refresh_header()

    def _clear_hop(self) -> None:
        self._chunks = 0
        self._bytes = 0
        self._head: float | None = None
        self._first: float | None = None  # elapsed of the first recv
        self._last: float | None = None  # elapsed of the latest recv
        self._timings: Timings | None = None
        self._ended = ""  # "" while live; else the end note ("done", "stopped", ...)

    # -- figures ------------------------------------------------------------------------

    @property
    def chunk_count(self) -> int:
        return self._chunks

    @property
    def total_bytes(self) -> int:
        return self._bytes

    @property
    def hop(self) -> int:
        """1 for the first request, 2 after one redirect, ..."""
        return len(self._earlier_hops) + 1

    def is_live(self) -> bool:
        """True while the header refreshes itself (between the first data and the end)."""
        return self._timer.isActive()

    def average_rate(self) -> float | None:
        """The transfer rate (ui.text.units.transfer_rate): bytes after the head over the time from
        the head to the latest recv; None before the head or when no time has passed."""
        return self.series.transfer_rate(self._head)

    def header_text(self) -> str:
        parts: list[str] = []
        if self._earlier_hops:
            count = len(self._earlier_hops)
            parts.append(f"Hop {self.hop} (after {count} redirect{'s' if count > 1 else ''})")
        noun = "recv" if self._chunks == 1 else "recvs"
        parts.append(f"{self._chunks:,} {noun}")
        parts.append(f"{format_size(self._bytes)} on the wire ({self._bytes:,} bytes)")
        average = self.average_rate()
        if average is not None:
            parts.append(f"transfer rate {format_rate(average)}")
        if self._timings is not None:
            parts.append(f"first byte {format_duration(self._timings.time_to_first_byte)}")
        elif self._head is not None:
            parts.append(f"head at {format_duration(self._head)}")
        if self.series.stride > 1:  # past ChunkSeries.max_rows: say that rows are merged
            parts.append(f"{self.series.stride:,} recvs per row")
        if self._ended:
            parts.append(self._ended)
        elif self._head is None and not self._chunks:
            parts.append("waiting for the response")
        return " · ".join(parts)

    @Slot()
    def _refresh_header(self) -> None:
        self.header.setText(self.header_text())

    def _go_live(self) -> None:
        if not self._ended and not self._timer.isActive():
            self._timer.start()

    def _end(self, note: str) -> None:
        self._ended = note
        self._timer.stop()
        self._refresh_header()

    # -- slots --------------------------------------------------------------------------

    @Slot()
    def reset(self) -> None:
        """A new request: empty the timeline, the table and the figures."""
        self._timer.stop()
        self._earlier_hops = []
        self.header.setToolTip("")
        self._reset_views()

    def _reset_views(self) -> None:
        self.timeline.reset()
        self.table.clear()
        self._clear_hop()
        self._refresh_header()

    @Slot(float)
    def on_head(self, elapsed: float, head_bytes: int = 0) -> None:
        """The hop's response head was parsed ``elapsed`` seconds after the hop started; its
        recvs (already recorded, or the next ones) carried ``head_bytes`` bytes of head."""
        self._head = max(0.0, elapsed)
        self.series.head_bytes = max(0, head_bytes)
        self.table.chunk_model.series_grown()  # rows already shown get their head part
        self.timeline.mark_head(self._head)
        self._go_live()

    @Slot(list)
    def on_recvs(self, records: list[Record]) -> None:
        """A batch of per-recv (elapsed seconds since the hop started, wire bytes) records.
        Ignored once the hop ended (finished, stopped, failed): late data is not this hop's."""
        if self._ended or not records:
            return
        times = list(map(_elapsed_of, records))
        sizes = list(map(_size_of, records))
        if min(sizes) <= 0:  # wire_size 0: a decoder's extra piece, not a recv
            keep = list(map(_positive, sizes))
            times = list(compress(times, keep))
            sizes = list(compress(sizes, keep))
            if not times:
                return
        self.timeline.add_chunks(times, sizes)  # the shared series: the table's rows too
        self.table.chunk_model.series_grown()
        last = times[-1]
        if self._first is None:
            self._first = times[0]
        self._chunks += len(times)
        self._bytes += sum(sizes)
        self._last = last if self._last is None else max(self._last, last)
        self._go_live()

    @Slot(object)
    def on_redirect(self, redirect: Redirected) -> None:
        """The hop ended with a redirect: summarise it, and restart for the next hop."""
        t = redirect.timings
        self._earlier_hops.append(
            f"Hop {self.hop}: {redirect.status} from {redirect.from_url} to {redirect.to_url}: "
            f"{self._chunks:,} recvs, {self._bytes:,} bytes, first byte "
            f"{format_duration(t.time_to_first_byte)}, total {format_duration(t.total)}"
        )
        self.header.setToolTip(
            "<br>".join(html.escape(elide(line, 300), quote=False) for line in self._earlier_hops)
        )
        self._timer.stop()
        self._reset_views()

    @Slot(object, list)
    def on_finished(self, timings: Timings, hops: list[Timings]) -> None:
        """The final hop ended; ``timings`` is its exact phases, ``hops`` every hop's."""
        self._timings = timings
        self.timeline.finish(timings.total)
        note = (
            f"transfer {format_duration(timings.transfer)} · "
            f"request total {format_duration(timings.total)}"
        )
        if len(hops) > 1:
            note += f" ({format_duration(sum(h.total for h in hops))} over {len(hops)} hops)"
        self._end(note)

    @Slot(str)
    def on_aborted(self, reason: str) -> None:
        """The transfer ended without Finished: ``reason`` is e.g. "stopped" or "failed"."""
        ended_at = self._last if self._last is not None else self._head
        self.timeline.finish(ended_at or 0.0, reason)
        self._end(reason)


class StreamPane(QWidget):
    """One page's part of the Stream dock (under the window's one receive lab): tabs
    "Timeline" (StreamPanel) and "Decode per chunk" (DecodeCompareView, fed only while the
    lab's switch is on).

    Signals: none of its own; see ``lab`` (ReceiveLab.settings_changed, ...).
    Slots, one per Fetcher signal (the window checks the request id first):
        on_started(), on_head(ResponseHead), on_recvs(list[(float, int)]),
        on_body_parts(list[bytes]), on_redirect(Redirected), on_finished(Finished),
        on_aborted(str reason)
    """

    def __init__(self, lab: ReceiveLab | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab = lab if lab is not None else ReceiveLab()
        self.panel = StreamPanel()
        self.compare = DecodeCompareView()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.panel, "Timeline")
        self.compare_index = self.tabs.addTab(self.compare, "Decode per chunk")
        describe_tabs(
            self.tabs,
            "Stream views",
            "How the response arrived: the timeline and chunk table, or decoding per chunk",
            {"Timeline": "Bytes and rate over time, and every recv() in a table"},
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.tabs, 1)
        self.lab.decode_per_chunk_changed.connect(self._on_decode_switch)
        self._on_decode_switch(self.lab.decode_per_chunk, show=False)

    @Slot(bool)
    def _on_decode_switch(self, on: bool, show: bool = True) -> None:
        self.tabs.setTabEnabled(self.compare_index, on)
        self.tabs.setTabToolTip(
            self.compare_index,
            "The classic split-character bug beside incremental decoding"
            if on
            else "Turn on \u201cDecode per chunk\u201d above, then load a page",
        )
        if on and show:
            self.tabs.setCurrentIndex(self.compare_index)
        elif not on:
            self.tabs.setCurrentWidget(self.panel)

    @Slot()
    def on_started(self) -> None:
        self.panel.reset()
        self.compare.reset()

    @Slot()
    def clear(self) -> None:
        """A page that came from no load (an error before any request, a bundled page):
        nothing of an earlier load stays on show, and the header does not claim to wait."""
        self.panel.reset()
        self.panel._end("no request: this page did not come from the network")
        self.compare.reset()

    @Slot(object)
    def on_head(self, head: ResponseHead) -> None:
        head_bytes = sum(size for _, size in head.recvs) - head.body_prefix
        self.panel.on_head(head.elapsed, head_bytes)
        # Each hop's head starts a new body (a redirect's own body is replaced).
        self.compare.reset_for_content_type(head.content_type)

    @Slot(list)
    def on_recvs(self, records: list[Record]) -> None:
        self.panel.on_recvs(records)

    @Slot(list)
    def on_body_parts(self, parts: list[bytes]) -> None:
        if self.lab.decode_per_chunk:
            self.compare.on_chunks(parts)

    @Slot(object)
    def on_redirect(self, redirect: Redirected) -> None:
        self.panel.on_redirect(redirect)

    @Slot(object)
    def on_finished(self, done: Finished) -> None:
        self.panel.on_finished(done.timings, list(done.hops) or [done.timings])
        self.compare.finish()

    @Slot(str)
    def on_aborted(self, reason: str) -> None:
        self.panel.on_aborted(reason)
        self.compare.finish()
