"""A live chunk timeline: cumulative bytes over time and a receive-rate curve, drawn with
QPainter, with the end of the response head marked.

Adding a chunk only appends to two arrays; a 40 ms frame timer (running only while data
changes) renders a frame image in its own event-loop turn, and paintEvent copies that image.
Rendering looks up one value per pixel column with bisect (loops in C), so the cost of a frame
depends on the widget's width, not on the number of chunks (1,000,000+ is fine): ~2 ms at
1100x230 (bench/stream_panel_cost.py), against ~12 ms when each paint recomputed everything
per column in Python and antialiased the dense curves.
The arrays are a ChunkSeries (ui/stream/chunk_series.py), which a chunk table can share, and which
bounds memory (16 bytes per recv up to ~2 million recvs, then rows merge in pairs).
"""

from __future__ import annotations

import math
import struct
import sys
from array import array
from collections.abc import Sequence
from operator import sub

from PySide6.QtCore import (
    QByteArray,
    QDataStream,
    QEvent,
    QLineF,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ui.colours import readable_on
from ui.stream.chunk_series import ChunkSeries
from ui.stream.frame_pacer import FramePacer
from ui.text.units import format_duration, format_rate, format_size, size_step

FRAME_MS = 40  # 25 frames a second while data changes: plenty for a timeline, and the
# document view (16 ms frames) keeps most of the GUI thread during a fast transfer
DOTS_UP_TO = 400  # chunks drawn as individual dots while there are this few

BYTES_COLOUR = QColor(36, 113, 214)
RATE_COLOUR = QColor(230, 126, 34)
HEAD_COLOUR = QColor(142, 68, 173)
LEGEND = (("■ bytes", BYTES_COLOUR), ("■ rate", RATE_COLOUR))
TITLE_TOP = 4  # px above the title line (the text's own line height, in the bold font)
TITLE_GAP = 4  # px between the title line and the plot

_COUNT = struct.Struct("<I" if sys.byteorder == "little" else ">I")
_BYTE_ORDER = (
    QDataStream.ByteOrder.LittleEndian
    if sys.byteorder == "little"
    else QDataStream.ByteOrder.BigEndian
)
_RESTYLE_EVENTS = (
    QEvent.Type.PaletteChange,
    QEvent.Type.FontChange,
    QEvent.Type.StyleChange,
)


def nice_step(span: float, max_ticks: int) -> float:
    """The smallest 1-2-5 x 10^k step that puts at most ``max_ticks`` ticks on ``span``."""
    if span <= 0 or max_ticks < 1:
        return 1.0
    raw = span / max_ticks
    power = float(10 ** math.floor(math.log10(raw)))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def _blend(colour: QColor, alpha: int, background: QColor) -> QColor:
    """``colour`` at ``alpha`` over ``background``, as one opaque colour: opaque lines take
    Qt's fast path (measured: 18 grid lines 0.05 ms opaque, 0.6-2.8 ms translucent)."""
    if background.alpha() != 255:
        translucent = QColor(colour)
        translucent.setAlpha(alpha)
        return translucent
    a = alpha / 255
    return QColor(
        round(colour.red() * a + background.red() * (1 - a)),
        round(colour.green() * a + background.green() * (1 - a)),
        round(colour.blue() * a + background.blue() * (1 - a)),
    )


def _polygon(xs: Sequence[float], ys: Sequence[float]) -> QPolygonF:
    """A QPolygonF of (xs[i], ys[i]), read from one buffer: ~10x cheaper than a QPointF per
    point (QDataStream's format: a quint32 count, then x, y doubles)."""
    count = len(xs)
    coords = array("d", bytes(16 * count))
    coords[0::2] = array("d", xs)
    coords[1::2] = array("d", ys)
    stream = QDataStream(QByteArray(_COUNT.pack(count) + coords.tobytes()))
    stream.setByteOrder(_BYTE_ORDER)
    stream.setFloatingPointPrecision(QDataStream.FloatingPointPrecision.DoublePrecision)
    polygon = QPolygonF()
    stream >> polygon
    return polygon


class TimelineView(QWidget):
    """Cumulative bytes (left axis) and receive rate (right axis) over time for one hop.

    Signals: none (a passive view). Slots: ``reset()``, ``mark_head(elapsed)``,
    ``add_chunk(elapsed, size)``, ``add_chunks(times, sizes)`` (a batch: the cheap path),
    ``finish(elapsed)``; ``elapsed`` in seconds since the hop started (net.events'
    convention), ``size`` in bytes. ``series`` may be shared with a ChunkTableModel.
    """

    def __init__(self, parent: QWidget | None = None, series: ChunkSeries | None = None) -> None:
        super().__init__(parent)
        self._series = series if series is not None else ChunkSeries()
        self._head: float | None = None
        self._end: float | None = None
        self._outcome = ""
        self._dirty = False
        self._image: QImage | None = None  # the last rendered frame (see paintEvent)
        self._image_key: tuple[object, ...] = ()  # the data it shows
        # Frames at FRAME_MS, each in a quiet event-loop turn when there is one (FramePacer).
        self._frame = FramePacer(FRAME_MS, self._on_frame, self.isVisible, self)
        self._fit_minimum()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # -- data ---------------------------------------------------------------------------

    @property
    def series(self) -> ChunkSeries:
        return self._series

    @property
    def chunk_count(self) -> int:
        return self._series.recvs

    @property
    def total_bytes(self) -> int:
        return self._series.total_bytes

    @property
    def head_elapsed(self) -> float | None:
        return self._head

    @property
    def outcome(self) -> str:
        """How the hop ended ("done", "stopped", "failed (DNS)"...), "" while it runs."""
        return self._outcome if self._end is not None else ""

    def is_animating(self) -> bool:
        """True while the frame timer runs (it stops one frame after the data stops)."""
        return self._frame.is_active()

    @Slot()
    def reset(self) -> None:
        self._series.clear()
        self._head = None
        self._end = None
        self._changed()

    @Slot(float)
    def mark_head(self, elapsed: float) -> None:
        self._head = max(0.0, elapsed)
        self._changed()

    @Slot(float, int)
    def add_chunk(self, elapsed: float, size: int) -> None:
        # Only appends (kept sorted for bisect by the series, whatever the caller sends).
        self._series.add(elapsed, size)
        if not self._dirty:
            self._changed()

    def add_chunks(self, times: Sequence[float], sizes: Sequence[int]) -> None:
        """A batch of chunks: the same result as add_chunk per pair, ~10x cheaper."""
        if times:
            self._series.add_many(times, sizes)
            if not self._dirty:
                self._changed()

    def series_grown(self) -> None:
        """Someone else added to the shared series: repaint at the next frame."""
        if not self._dirty:
            self._changed()

    def finish(self, elapsed: float, outcome: str = "done") -> None:
        """The hop ended at ``elapsed``: "done", or why not ("stopped", "failed")."""
        self._end = max(0.0, elapsed)
        self._outcome = outcome
        self._changed()

    def _changed(self) -> None:
        self._dirty = True
        self._frame.request()

    def _on_frame(self) -> None:
        self._dirty = False
        if self.isVisible():
            self._render_image()  # here, in the pacer's own turn; paintEvent only copies
        self.update()

    def total_at(self, elapsed: float) -> tuple[int, int]:
        """(chunks received, bytes received) by ``elapsed``."""
        return self._series.total_at(elapsed)

    def duration(self) -> float:
        """The time span shown: up to the end, the last chunk or the head, whichever is last."""
        candidates = [0.0]
        last = self._series.last_time
        if last is not None:
            candidates.append(last)
        if self._head is not None:
            candidates.append(self._head)
        if self._end is not None:
            candidates.append(self._end)
        return max(candidates)

    def rate_window(self, span: float) -> float:
        """Sliding window of the rate curve: a 40th of the span, but wide enough to hold
        ~8 points on average (else a slow drip aliases into spikes), and at least 1 ms."""
        count = max(1, len(self._series))
        return max(span / 40.0, 8.0 * span / count, 0.001)

    def rate_at(self, elapsed: float, window: float) -> float:
        """Bytes per second received during (elapsed - window, elapsed]."""
        _, now = self.total_at(elapsed)
        _, before = self.total_at(elapsed - window)
        return (now - before) / window

    # -- painting ------------------------------------------------------------------------
    #
    # Why a frame image: a live frame is rendered once per FRAME_MS in the frame timer's
    # own event-loop turn (never inside the window's paint pass, where the document view's
    # insert and repaint already are), and paintEvent only copies it. Repaints that are not
    # data-driven (expose, the table's splitter, a tooltip) copy the image too.

    def sizeHint(self) -> QSize:
        return QSize(480, 200)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _RESTYLE_EVENTS:
            self._image = None  # colours or metrics changed: the next paint renders afresh
        if event.type() == QEvent.Type.FontChange:
            self._fit_minimum()
        super().changeEvent(event)

    def _fit_minimum(self) -> None:
        """240x80 (a 2x-scaled small screen still fits the window), or taller when the font
        needs it: the title line, the time axis and two lines of plot between them."""
        line = self.fontMetrics().height()
        margins = TITLE_TOP + self._title_height() + TITLE_GAP + line + 8
        self.setMinimumSize(240, max(80, margins + 2 * line))

    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _title_height(self) -> int:
        """The title line's height: the taller of the bold title's and the legend's lines."""
        return max(QFontMetrics(self._title_font()).height(), self.fontMetrics().height())

    def title_rect(self) -> QRectF:
        """Where the title line is drawn: a band of a whole line's height above the plot,
        from the plot's left edge to its right (the legend at its right end)."""
        plot = self._plot_rect()
        return QRectF(plot.left(), TITLE_TOP, plot.width(), self._title_height())

    def _plot_rect(self) -> QRectF:
        metrics = self.fontMetrics()
        left = metrics.horizontalAdvance("999 KiB") + 10
        right = metrics.horizontalAdvance("999 KiB/s") + 10
        top = TITLE_TOP + self._title_height() + TITLE_GAP
        bottom = metrics.height() + 8
        return QRectF(
            left, top, max(1.0, self.width() - left - right), max(1.0, self.height() - top - bottom)
        )

    def _data_key(self) -> tuple[object, ...]:
        series = self._series
        return (
            series.generation,
            len(series),
            series.recvs,
            self.total_bytes,
            self._head,
            self._end,
        )

    def render_frame(self) -> None:
        """Render the current data into the frame image now: what each live frame does (the
        next paint only copies it). For benchmarks and tests; the frame timer calls it."""
        self._render_image()

    def _render_image(self) -> None:
        """Render the whole widget into the frame image (what paintEvent copies)."""
        ratio = self.devicePixelRatioF()
        size = self.size() * ratio
        image = self._image
        if image is None or image.size() != size or image.devicePixelRatioF() != ratio:
            base = self.palette().color(QPalette.ColorRole.Base)
            opaque = base.alpha() == 255  # an opaque image is copied, not blended
            image = QImage(
                size,
                QImage.Format.Format_RGB32 if opaque else QImage.Format.Format_ARGB32_Premultiplied,
            )
            image.setDevicePixelRatio(ratio)
            self._image = image
        painter = QPainter(image)
        try:
            painter.setFont(self.font())
            self._paint(painter)
        finally:
            painter.end()
        self._image_key = self._data_key()

    def paintEvent(self, event: QPaintEvent) -> None:
        image = self._image
        stale = image is None or image.size() != self.size() * self.devicePixelRatioF()
        if not stale and self._image_key != self._data_key():
            # Newer data than the image: while live, the next frame (<= FRAME_MS away)
            # renders it; otherwise (a one-off paint, render() in a test) render it now.
            stale = not self._frame.is_active()
        if stale:
            self._render_image()
        painter = QPainter(self)
        try:
            rect = event.rect()
            assert self._image is not None  # made by _render_image above when missing
            painter.drawImage(QRectF(rect), self._image, self._source_rect(rect))
        finally:
            painter.end()

    def _source_rect(self, rect: QRect) -> QRectF:
        ratio = self.devicePixelRatioF()
        return QRectF(
            rect.x() * ratio, rect.y() * ratio, rect.width() * ratio, rect.height() * ratio
        )

    def _columns(self, span: float, columns: int, with_rate: bool) -> tuple[list[int], list[float]]:
        """C(t) at each column's right edge, and the rate there (zeros unless ``with_rate``):
        the same values as total_at and rate_at per column, with the loops in C (map)."""
        n = columns + 1
        at = [span * col / columns for col in range(n)]
        column_totals = self._series.bytes_at(at)
        if not with_rate:
            return column_totals, [0.0] * n
        window = self.rate_window(span)
        before = self._series.bytes_at([t - window for t in at])
        return column_totals, [grown / window for grown in map(sub, column_totals, before)]

    def _paint(self, painter: QPainter) -> None:
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        # Aliased: grid, axes and the dense curves sit on whole pixels (the columns are
        # pixel columns), where antialiasing costs most and shows least.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        text_colour = palette.color(QPalette.ColorRole.Text)
        base_colour = palette.color(QPalette.ColorRole.Base)
        grid_colour = _blend(text_colour, 40, base_colour)
        # Labels in the curves' colours, moved only as far as the base needs for 4.5:1 (the
        # rate orange is 2.7:1 on white, the bytes blue 3.3:1 on a dark base).
        bytes_text = readable_on(BYTES_COLOUR, base_colour)
        rate_text = readable_on(RATE_COLOUR, base_colour)
        head_text = readable_on(HEAD_COLOUR, base_colour)
        plot = self._plot_rect()
        span = self.duration()
        x_span = span if span > 0 else 0.001  # zero durations still get a readable axis
        total = self.total_bytes
        y_max = max(self._nice_max(total), 1024.0)  # an empty plot still reads 0 B .. 1 KiB
        columns = max(1, int(plot.width()))

        # One sample per pixel column: C(t) at the column's right edge, and the rate there.
        column_totals: list[int] = []
        column_rates: list[float] = []
        if len(self._series):
            # A rate needs an interval: not drawn for a single chunk or a zero duration.
            with_rate = span > 0 and len(self._series) > 1
            column_totals, column_rates = self._columns(x_span, columns, with_rate)
        peak_rate = max(column_rates, default=0.0)
        rate_max = self._nice_max(peak_rate) if peak_rate > 0 else 0.0

        def x_of(t: float) -> float:
            return plot.left() + plot.width() * t / x_span

        def y_of(value: float, top: float) -> float:
            return plot.bottom() - plot.height() * value / top

        # Grid, axes and tick labels.
        metrics = self.fontMetrics()
        x_step = nice_step(
            x_span, max(1, int(plot.width() / (metrics.horizontalAdvance("0000 ms") + 16)))
        )
        y_step = size_step(y_max, max(1, int(plot.height() / (metrics.height() * 2))))
        grid: list[QLineF] = []
        painter.setPen(text_colour)
        tick = 0.0
        while tick <= x_span + 1e-12:
            x = x_of(tick)
            grid.append(QLineF(x, plot.top(), x, plot.bottom()))
            label = format_duration(tick)
            width = metrics.horizontalAdvance(label)
            painter.drawText(
                QPointF(
                    min(x - width / 2, self.width() - width - 2),
                    plot.bottom() + metrics.ascent() + 4,
                ),
                label,
            )
            tick += x_step
        tick = 0.0
        while tick <= y_max + 1e-9:
            y = y_of(tick, y_max)
            grid.append(QLineF(plot.left(), y, plot.right(), y))
            painter.setPen(bytes_text)
            label = format_size(tick)
            painter.drawText(
                QPointF(
                    plot.left() - metrics.horizontalAdvance(label) - 5, y + metrics.ascent() / 2 - 1
                ),
                label,
            )
            if rate_max > 0:
                painter.setPen(rate_text)
                painter.drawText(
                    QPointF(plot.right() + 5, y + metrics.ascent() / 2 - 1),
                    format_rate(rate_max * tick / y_max),
                )
            tick += y_step
        painter.setPen(QPen(grid_colour, 0))  # cosmetic and opaque: the fast line path
        painter.drawLines(grid)
        painter.setPen(QPen(text_colour, 1))
        painter.drawRect(plot)

        if not len(self._series):
            painter.setPen(text_colour)
            if self._end is not None:
                message = f"No body received · {self._outcome}"
            elif self._head is not None:
                message = "Waiting for the first chunk…"
            else:
                message = "No chunks yet"
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, message)
        else:
            self._paint_curves(painter, plot, columns, column_totals, column_rates, y_max, rate_max)

        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)  # the few marks below
        if self._head is not None:
            x = x_of(self._head)
            painter.setPen(QPen(HEAD_COLOUR, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            label = f"head {format_duration(self._head)}"
            width = metrics.horizontalAdvance(label)
            lx = x + 4 if x + 4 + width < plot.right() else x - 4 - width
            painter.setPen(head_text)
            painter.drawText(QPointF(lx, plot.top() + metrics.ascent() + 2), label)

        # Title line: the figures that matter, in the curves' colours; the legend at the right
        # and the title elided before it (a long title ran under the legend). Each is drawn
        # in the title band, centred on its line (a baseline from the top let a taller bold
        # font's glyphs reach above the widget).
        band = self.title_rect()
        centred = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        x = band.right()
        for text, colour in reversed(LEGEND):
            x -= metrics.horizontalAdvance(text) + 8
            painter.setPen(readable_on(colour, base_colour))
            painter.drawText(QRectF(x, band.top(), band.right() - x, band.height()), centred, text)
        painter.setPen(text_colour)
        painter.setFont(self._title_font())
        painter.drawText(band, centred, self.fitted_title(plot))
        painter.setFont(self.font())

    def _paint_curves(
        self,
        painter: QPainter,
        plot: QRectF,
        columns: int,
        column_totals: list[int],
        column_rates: list[float],
        y_max: float,
        rate_max: float,
    ) -> None:
        left, bottom, width, height = plot.left(), plot.bottom(), plot.width(), plot.height()
        xs = [left + col * width / columns for col in range(columns + 1)]
        painter.save()
        painter.setClipRect(plot.adjusted(-1, -1, 1, 1))
        # Rate: a filled area under a line, behind the cumulative curve.
        if rate_max > 0:
            ys = [bottom - height * rate / rate_max for rate in column_rates]
            area = _polygon([left, *xs, left + width], [bottom, *ys, bottom])
            fill = QColor(RATE_COLOUR)
            fill.setAlpha(45)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawPolygon(area)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(RATE_COLOUR, 0))  # cosmetic 1 px: ~20x cheaper than a wide pen
            painter.drawPolyline(_polygon(xs, ys))
        # Cumulative bytes: a step through each column's value (exact at pixel resolution):
        # (x, previous value) then (x, value) for every column.
        ys = [bottom - height * value / y_max for value in column_totals]
        step_xs = [x for x in xs for _ in (0, 1)]
        step_ys = [bottom] * (2 * len(ys))
        step_ys[2::2] = ys[:-1]
        step_ys[1::2] = ys
        # 2 px wide as two 1 px cosmetic lines a pixel apart: a wide pen goes through the
        # stroker (~1.5 ms for 2,200 points), a cosmetic one does not (~0.1 ms).
        line = _polygon(step_xs, step_ys)
        painter.setPen(QPen(BYTES_COLOUR, 0))
        painter.drawPolyline(line)
        line.translate(1.0, -1.0)
        painter.drawPolyline(line)
        if len(self._series) <= DOTS_UP_TO:  # few chunks: show every recv() as a dot
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            span = self.duration() or 0.001
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(BYTES_COLOUR)
            for t, value in zip(self._series.times, self._series.totals, strict=True):
                centre = QPointF(left + width * t / span, bottom - height * value / y_max)
                painter.drawEllipse(centre, 2.5, 2.5)
        painter.restore()

    @staticmethod
    def _nice_max(value: float) -> float:
        """The axis top: ``value`` rounded up to a byte axis step (1 when there is nothing)."""
        if value <= 0:
            return 1.0
        step = size_step(value, 4)
        return math.ceil(value * 1.04 / step) * step  # a little headroom above the top

    def fitted_title(self, plot: QRectF) -> str:
        """The title as painted: elided (in the bold title font) to the room the legend at the
        right of ``plot`` leaves."""
        metrics = self.fontMetrics()
        legend = sum(metrics.horizontalAdvance(text) + 8 for text, _ in LEGEND)
        room = int(plot.width() - legend - 8)
        return QFontMetrics(self._title_font()).elidedText(
            self.title_text(), Qt.TextElideMode.ElideRight, room
        )

    def title_text(self) -> str:
        """The title line: the same figures, by the same definitions, as the Stream panel's
        header line (ui.text.units)."""
        noun = "recv" if self.chunk_count == 1 else "recvs"
        summary = f"{self.chunk_count:,} {noun} · {format_size(self.total_bytes)} on the wire"
        rate = self._series.transfer_rate(self._head)
        if rate is not None:
            summary += f" · transfer rate {format_rate(rate)}"
        if self._end is not None:
            summary += f" · {self._outcome}"
        return summary

    # -- hover ---------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(float(event.pos().x()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def tooltip_at(self, x: float) -> str:
        """What the tooltip says for the pixel column ``x`` ('' outside the plot)."""
        plot = self._plot_rect()
        if not len(self._series) or not plot.left() <= x <= plot.right():
            return ""
        span = self.duration() or 0.001
        t = span * (x - plot.left()) / plot.width()
        count, received = self.total_at(t)
        rate = self.rate_at(t, self.rate_window(span))
        return (
            f"at {format_duration(t)}: {received:,} bytes in {count:,} "
            f"{'chunk' if count == 1 else 'chunks'}\n"
            f"rate {format_rate(rate)} (over {format_duration(self.rate_window(span))})"
        )
