"""The header view: colours by status class, headers in order, raw bytes, copy."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from net.events import (
    Connected,
    Redirected,
    RequestSent,
    Resolved,
    ResponseHead,
    Timings,
    TLSReady,
)
from ui.colours import rgb
from ui.page.fetch_worker import Mail, mail_kinds
from ui.page.header_view import HeaderView, status_colour, visible_line_endings
from ui.text.contrast import AA_TEXT, WHITE, contrast_ratio

RAW = b"HTTP/1.1 404 Not Found\r\nX-B: 2\r\nx-a: 1\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\n"
HEAD = ResponseHead(
    "http://h/",
    "1.1",
    404,
    "Not Found",
    (("X-B", "2"), ("x-a", "1"), ("Set-Cookie", "a"), ("Set-Cookie", "b")),
    RAW,
    0.01,
)


@pytest.mark.parametrize(
    ("status", "colour"),
    # 4xx: the orange darkened from #c8620a (4.0:1 under white text) to reach 4.5:1.
    [(101, "#606060"), (204, "#1e7e34"), (301, "#1f5fbf"), (404, "#bb5c09"), (503, "#b02020")],
)
def test_status_colours(status: int, colour: str) -> None:
    assert status_colour(status).name() == colour
    assert contrast_ratio(rgb(status_colour(status)), WHITE) >= AA_TEXT  # its white text


def test_visible_line_endings() -> None:
    assert visible_line_endings(b"A\r\nB\nC\r") == "A\\r\\n\nB\\n\nC\\r"
    assert visible_line_endings(b"\xe9") == "é"  # latin-1: every byte shows


def test_head_request_redirect_connection(qtbot: QtBot) -> None:
    view = HeaderView()
    qtbot.addWidget(view)
    view.show_transfer(Connected("127.0.0.1", 8443, 0.002))
    view.show_transfer(
        TLSReady(
            "TLSv1.3", "TLS_AES_256_GCM_SHA384", "CN=localhost", "CN=Test CA", "Jan 1 2030", 0.01
        )
    )
    view.show_request(RequestSent("GET", "http://h/", b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", 0.0))
    hop_head = ResponseHead("http://h/old", "1.1", 301, "Moved", (("Location", "/"),), b"", 0.0)
    view.add_redirect(Redirected(301, "http://h/old", "http://h/", hop_head, Timings()))
    view.show_head(HEAD)
    assert view.status_label.text() == "HTTP/1.1 404 Not Found"
    assert "#bb5c09" in view.status_label.styleSheet()
    table = view.table
    rows = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert rows == list(HEAD.headers)  # received order, case and duplicates kept
    assert view.raw.toPlainText() == visible_line_endings(RAW)
    assert view.request.toPlainText().startswith("GET / HTTP/1.1\\r\\n\n")
    assert (
        "301 Moved" in view.redirects.toPlainText()
        and "Location: /" in view.redirects.toPlainText()
    )
    assert view.tabs.tabText(3) == "Redirects (1)"
    connection = view.connection.toPlainText()
    assert "127.0.0.1:8443" in connection and "TLSv1.3" in connection and "CN=Test CA" in connection
    view.clear()
    assert table.rowCount() == 0 and view.tabs.tabText(3) == "Redirects"
    assert view.redirects.toPlainText() == "No redirects."


def test_every_transfer_event_the_fetcher_sends_is_shown(qtbot: QtBot) -> None:
    """The Connection tab has a line for each class the fetcher emits as transfer_info (a
    class added there without a case here would fail this, not vanish)."""
    samples = {
        Resolved: Resolved("h.test", ("192.0.2.7",), 0.001),
        Connected: Connected("192.0.2.7", 443, 0.002),
        TLSReady: TLSReady("TLSv1.3", "TLS_AES_128_GCM_SHA256", "", "", "", 0.003),
    }
    transfer = {cls for cls, kind in mail_kinds().items() if kind is Mail.TRANSFER}
    assert transfer == set(samples)
    view = HeaderView()
    qtbot.addWidget(view)
    for event in samples.values():
        before = view.connection.toPlainText()
        view.show_transfer(event)
        assert view.connection.toPlainText() != before
    connection = view.connection.toPlainText()
    assert "h.test" in connection and "192.0.2.7:443" in connection and "TLSv1.3" in connection


def test_ctrl_c_copies_selected_headers(qtbot: QtBot) -> None:
    view = HeaderView()
    qtbot.addWidget(view)
    view.show_head(HEAD)
    view.table.selectRow(1)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "X-B: 2\nx-a: 1\nSet-Cookie: a\nSet-Cookie: b"


def test_server_text_in_the_status_line_is_plain_elided_and_bounded(qtbot: QtBot) -> None:
    view = HeaderView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    reason = '<b>bold</b><img src="/tmp/x.png">\x1b\x7f\u202eZ'
    raw = f"HTTP/1.1 200 {reason}\r\n\r\n".encode()
    view.show_head(ResponseHead("http://h/", "1.1", 200, reason, (), raw, 0.0))
    label = view.status_label
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == 'HTTP/1.1 200 <b>bold</b><img src="/tmp/x.png">Z'
    long = "R" * 60_000
    raw = f"HTTP/1.1 200 {long}\r\n\r\n".encode()
    view.show_head(ResponseHead("http://h/", "1.1", 200, long, (), raw, 0.0))
    assert len(label.text()) == 200 and label.text().endswith("…")
    assert view.minimumSizeHint().width() < 1000
    assert long in view.raw.toPlainText()
    assert "RRRR" in label.toolTip() and "http://h/" in label.toolTip()
