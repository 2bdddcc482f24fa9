"""The header view: what the server said and what Yonder sent, hop by hop.

A status line coloured by class above five tabs: the headers as a table in received order
(selectable, Ctrl+C copies "Name: value" lines), the raw head bytes exactly as received with
their line endings made visible, the request that was sent, every redirect hop, and the
connection (peer, TLS session, certificate, timings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_never

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.accessible import describe_tabs
from ui.colours import status_colour as chip_colour
from ui.fonts import monospace_font
from ui.text.display_text import display_line, elide, tooltip_html
from ui.text.units import format_duration
from ui.text.wire_text import wire_text

if TYPE_CHECKING:
    from net.events import (
        Connected,
        Finished,
        Redirected,
        RequestSent,
        Resolved,
        ResponseHead,
        Timings,
        TLSReady,
    )


def status_colour(status: int) -> QColor:
    """The status chip's colour: grey 1xx, green 2xx, blue 3xx, orange 4xx, red 5xx (grey
    for anything else), each dark enough for its white text (4.5:1, ui.colours)."""
    return chip_colour(status)


def visible_line_endings(raw: bytes) -> str:
    """Raw head bytes as text with CR and LF written as ``\\r`` and ``\\n`` (and a real line
    break after each LF), so a bare LF or a stray CR is visible; exact (ui.text.wire_text)."""
    return wire_text(raw)


def format_timings(timings: Timings) -> str:
    parts = [
        ("DNS", timings.dns),
        ("connect", timings.connect),
        ("TLS", timings.tls),
        ("request", timings.request),
        ("wait", timings.wait),
        ("transfer", timings.transfer),
    ]
    # No TLS phase on plain http ("TLS 0 ms" would say a handshake happened); a real
    # handshake never takes exactly zero.
    parts = [(name, value) for name, value in parts if name != "TLS" or value > 0]
    return " · ".join(f"{name} {format_duration(value)}" for name, value in parts) + (
        f"  (total {format_duration(timings.total)})"
    )


class HeaderTable(QTableWidget):
    """Two columns, Name and Value, one row per header in received order.

    Signals: none beyond QTableWidget's. Ctrl+C copies the selected rows as "Name: value".
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Name", "Value"])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        # Tab leaves the table (arrows move between cells): it was a keyboard trap.
        self.setTabKeyNavigation(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.setAlternatingRowColors(True)

    def set_headers(self, headers: tuple[tuple[str, str], ...]) -> None:
        self.setRowCount(len(headers))
        for row, (name, value) in enumerate(headers):
            self.setItem(row, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(value)
            item.setToolTip(tooltip_html(value) if len(value) > 60 else "")
            self.setItem(row, 1, item)

    def selected_text(self) -> str:
        rows = sorted({index.row() for index in self.selectedIndexes()})
        lines = []
        for row in rows:
            name, value = self.item(row, 0), self.item(row, 1)
            if name is not None and value is not None:
                lines.append(f"{name.text()}: {value.text()}")
        return "\n".join(lines)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            text = self.selected_text()
            if text:
                QGuiApplication.clipboard().setText(text)
            event.accept()
            return
        super().keyPressEvent(event)


def _text_pane(name: str, description: str) -> QPlainTextEdit:
    pane = QPlainTextEdit()
    pane.setAccessibleName(name)
    pane.setAccessibleDescription(description)
    pane.setReadOnly(True)
    pane.setUndoRedoEnabled(False)
    pane.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    pane.setFont(monospace_font())
    return pane


class HeaderView(QWidget):
    """Status line + tabs (Headers, Raw, Request, Redirects, Connection).

    Signals: none (a passive view).
    Slots: clear(), show_transfer(object Resolved|Connected|TLSReady),
        show_request(object RequestSent), show_head(object ResponseHead),
        add_redirect(object Redirected), show_finished(object Finished),
        show_message(str text)
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_label = QLabel()
        # Server text: never Qt's rich-text guess, and never a minimum width of its own (a
        # 60 KB reason without spaces would widen the window to 646,000 px).
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_label.setMinimumWidth(1)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setWordWrap(True)
        self.status_label.setMargin(6)
        font = self.status_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.status_label.setFont(font)
        # Its accessible name is its text (a screen reader reads the status line itself).
        self.status_label.setAccessibleDescription("The response's status line")
        self.table = HeaderTable()
        self.table.setAccessibleName("Response headers")
        self.table.setAccessibleDescription("The response's header fields, one per row")
        self.raw = _text_pane("Raw response head", "The response head as it was received")
        self.request = _text_pane("Request", "The request as it was sent")
        self.redirects = _text_pane("Redirects", "Each redirect that was followed")
        self.connection = _text_pane(
            "Connection", "Name resolution, connection and TLS, with their timings"
        )
        self.connection.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.table, "Headers")
        self.tabs.addTab(self.raw, "Raw")
        self.tabs.addTab(self.request, "Request")
        self.tabs.addTab(self.redirects, "Redirects")
        self.tabs.addTab(self.connection, "Connection")
        describe_tabs(
            self.tabs,
            "Response details",
            "The response's headers, raw head, request, redirects and connection",
            {
                "Headers": "The response's header fields",
                "Raw": "The response head as received, line endings shown",
                "Request": "The request as it was sent",
                "Redirects": "Each redirect that was followed",
                "Connection": "Name resolution, connection and TLS, with their timings",
            },
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)
        self._hops = 0
        self._connection_lines: list[str] = []
        self.clear()

    @Slot()
    def clear(self) -> None:
        self._set_status("No response yet", None)
        self.table.setRowCount(0)
        self.raw.clear()
        self.request.clear()
        self.redirects.setPlainText("No redirects.")
        self._hops = 0
        self._connection_lines = []
        self.connection.clear()
        self.tabs.setTabText(3, "Redirects")

    @Slot(str)
    def show_message(self, text: str) -> None:
        """A status line for a page that did not come from HTTP (start page, error)."""
        self._set_status(text, None)

    def _set_status(self, text: str, colour: QColor | None) -> None:
        """The status line, display-safe and elided (the whole line: the tooltip, Raw tab)."""
        self.status_label.setText(display_line(text))
        self.status_label.setToolTip("")
        if colour is None:
            self.status_label.setStyleSheet("")
        else:
            self.status_label.setStyleSheet(
                f"color: white; background-color: {colour.name()}; border-radius: 4px;"
            )

    @Slot(object)
    def show_transfer(self, event: Resolved | Connected | TLSReady) -> None:
        from net import events  # imported here, not at start-up (a dict look-up by now)

        # On the classes themselves, not their names: a renamed class is a type error here.
        match event:
            case events.Resolved():
                if self._connection_lines:
                    self._connection_lines.append("")  # a new hop
                addresses = ", ".join(event.addresses) or "(none)"
                self._connection_lines.append(
                    f"Resolved {event.host} → {addresses}  ({format_duration(event.elapsed)})"
                )
            case events.Connected():
                self._connection_lines.append(
                    f"Connected to {event.peer}  ({format_duration(event.elapsed)})"
                )
            case events.TLSReady():
                elapsed = format_duration(event.elapsed)
                self._connection_lines += [
                    f"TLS {event.version}, cipher {event.cipher}  ({elapsed})",
                    f"  certificate subject: {event.subject or '(not verified)'}",
                    f"  issuer: {event.issuer or '-'}",
                    f"  valid until: {event.not_after or '-'}",
                ]
            case _:
                assert_never(event)
        self.connection.setPlainText("\n".join(self._connection_lines))

    @Slot(object)
    def show_request(self, sent: RequestSent) -> None:
        self.request.setPlainText(visible_line_endings(sent.raw))

    @Slot(object)
    def show_head(self, head: ResponseHead) -> None:
        self._set_status(head.status_line, status_colour(head.status))
        self.status_label.setToolTip(tooltip_html(f"{elide(head.status_line, 1000)}\n{head.url}"))
        self.table.set_headers(head.headers)
        self.raw.setPlainText(visible_line_endings(head.raw))

    @Slot(object)
    def add_redirect(self, hop: Redirected) -> None:
        if self._hops == 0:
            self.redirects.clear()
        self._hops += 1
        lines = [
            f"{self._hops}. {hop.head.status_line}",
            f"   from {hop.from_url}",
            f"   to   {hop.to_url}",
        ]
        lines += [f"   {name}: {value}" for name, value in hop.head.headers]
        lines.append(f"   {format_timings(hop.timings)}")
        self.redirects.appendPlainText("\n".join(lines) + "\n")
        self.tabs.setTabText(3, f"Redirects ({self._hops})")

    @Slot(object)
    def show_finished(self, done: Finished) -> None:
        self._connection_lines += ["", f"Timings: {format_timings(done.timings)}"]
        self._connection_lines.append(
            f"Body: {done.body_bytes:,} bytes decoded, {done.wire_bytes:,} bytes on the wire"
        )
        self.connection.setPlainText("\n".join(self._connection_lines))
