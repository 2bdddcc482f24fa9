"""A compact bar of a request's phase timings (DNS, connect, TLS, request, wait, transfer),
one run of coloured segments per redirect hop, sized to sit beside a status line.

No legend: the colours are explained by the tooltip, which lists every phase of every hop in
exact milliseconds with the totals.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from net.events import Timings
from ui.text.units import format_ms

# (attribute of Timings, label, colour): the colours follow the browsers' network panels.
PHASES: tuple[tuple[str, str, QColor], ...] = (
    ("dns", "DNS", QColor(26, 152, 128)),
    ("connect", "Connect", QColor(230, 145, 56)),
    ("tls", "TLS", QColor(155, 89, 182)),
    ("request", "Request", QColor(127, 140, 141)),
    ("wait", "Waiting (TTFB)", QColor(46, 204, 113)),
    ("transfer", "Transfer", QColor(52, 119, 219)),
)


class PhaseBar(QWidget):
    """Proportional phase segments for a list of hops (redirects first, the final hop last),
    and the overall total as text at the right.

    Signals: none (a passive view). Slots: ``set_timings(hops: list[Timings])``, ``clear()``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hops: list[Timings] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(80)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        self._update_tooltip()

    @property
    def hops(self) -> list[Timings]:
        return list(self._hops)

    @property
    def total(self) -> float:
        return sum(hop.total for hop in self._hops)

    @Slot(list)
    def set_timings(self, hops: list[Timings]) -> None:
        self._hops = list(hops)
        self._update_tooltip()
        self.update()

    @Slot()
    def clear(self) -> None:
        self.set_timings([])

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(220, metrics.height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(80, self.fontMetrics().height() + 2)

    # -- tooltip ------------------------------------------------------------------------

    def tooltip_text(self) -> str:
        """A rich-text table: one column per hop, one row per phase, exact milliseconds."""
        if not self._hops:
            return "No timings yet: they appear when a request finishes."
        several = len(self._hops) > 1
        header = "<th align='left'>Phase</th>" + "".join(
            f"<th align='right'>{'Hop ' + str(i + 1) if several else ''}</th>"
            for i in range(len(self._hops))
        )
        if several:
            header += "<th align='right'>All hops</th>"
        rows = [f"<tr>{header}</tr>"]
        for attribute, label, colour in PHASES:
            if attribute == "tls" and not any(hop.tls for hop in self._hops):
                continue  # plain http: no handshake, no "TLS 0.000 ms" row
            cells = "".join(
                f"<td align='right'>{format_ms(getattr(hop, attribute))}</td>" for hop in self._hops
            )
            if several:
                overall = sum(getattr(hop, attribute) for hop in self._hops)
                cells += f"<td align='right'>{format_ms(overall)}</td>"
            rows.append(
                f"<tr><td><span style='color:{colour.name()}'>&#9632;</span> "
                f"{html.escape(label)}</td>{cells}</tr>"
            )
        totals = "".join(
            f"<td align='right'><b>{format_ms(hop.total)}</b></td>" for hop in self._hops
        )
        if several:
            totals += f"<td align='right'><b>{format_ms(self.total)}</b></td>"
        rows.append(f"<tr><td><b>Total</b></td>{totals}</tr>")
        title = f"{len(self._hops)} hops (redirects first)" if several else "Request timings"
        return f"<b>{title}</b><table cellspacing='0' cellpadding='2'>{''.join(rows)}</table>"

    def _update_tooltip(self) -> None:
        self.setToolTip(self.tooltip_text())

    # -- painting -----------------------------------------------------------------------

    def segments(self, bar: QRectF) -> list[tuple[QRectF, QColor]]:
        """The coloured rectangles inside ``bar``: every phase of every hop, proportional to
        its share of the overall total, with a 2 px gap between hops."""
        total = self.total
        if total <= 0:
            return []
        gap = 2.0 if len(self._hops) > 1 else 0.0
        usable = max(1.0, bar.width() - gap * (len(self._hops) - 1))
        # Proportional widths, but every non-zero phase keeps >= 1 px (a 0.3 ms DNS beside a
        # 2 s transfer must still show); the widest segment pays for it.
        widths = [
            [usable * getattr(hop, attribute) / total for attribute, _, _ in PHASES]
            for hop in self._hops
        ]
        flat = [w for hop_widths in widths for w in hop_widths]
        extra = sum(1.0 - w for w in flat if 0 < w < 1.0)
        widest = max(range(len(flat)), key=flat.__getitem__)
        result: list[tuple[QRectF, QColor]] = []
        x = bar.left()
        position = 0
        for index, hop_widths in enumerate(widths):
            if index:
                x += gap
            for width, (_, _, colour) in zip(hop_widths, PHASES, strict=True):
                if width > 0:
                    width = max(1.0, width) - (extra if position == widest else 0.0)
                    result.append((QRectF(x, bar.top(), max(1.0, width), bar.height()), colour))
                    x += max(1.0, width)
                position += 1
        return result

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            palette = self.palette()
            metrics = self.fontMetrics()
            label = f"{self.total * 1000:.0f} ms" if self._hops else "–"
            label_width = metrics.horizontalAdvance(label) + 6
            height = min(float(self.height() - 2), float(metrics.height()) - 2)
            bar = QRectF(
                1, (self.height() - height) / 2, max(1.0, self.width() - label_width - 2), height
            )
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.fillRect(bar, palette.color(QPalette.ColorRole.Base))
            for rect, colour in self.segments(bar):
                painter.fillRect(rect, colour)
            frame = QColor(palette.color(QPalette.ColorRole.Text))
            frame.setAlpha(90)
            painter.setPen(QPen(frame, 1))
            painter.drawRect(bar.adjusted(0, 0, -1, -1))
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(
                QRectF(bar.right() + 4, 0, label_width, self.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                label,
            )
        finally:
            painter.end()
