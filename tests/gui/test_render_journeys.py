"""Reading rendered HTML in the window (issue 13): reached as a user does, checked on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from tests.gui.windows import serve, text_of
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.main_window import MainWindow


def html_page(body: str) -> bytes:
    doc = f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>"
    return http_response(200, doc.encode(), [("Content-Type", "text/html; charset=utf-8")])


def type_address(qtbot: QtBot, window: MainWindow, url: str) -> None:
    window.focus_address_action.trigger()
    bar = window.address_bar
    bar.selectAll()
    qtbot.keyClicks(bar, url)
    with qtbot.waitSignal(window.load_ended, timeout=10_000):
        qtbot.keyClick(bar, Qt.Key.Key_Return)


def x_of(window: MainWindow, needle: str) -> float:
    """Where the first character of ``needle`` is drawn, in viewport pixels."""
    view = window.document_view
    pos = view.toPlainText().index(needle)
    cursor = QTextCursor(view.document())
    cursor.setPosition(pos)
    return float(view.cursorRect(cursor).left())


def test_status_says_still_rendering_until_the_page_is_on_screen_and_done_only_then(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    rows = "".join(
        f"<p>Paragraph {i} with <b>bold</b> and <a href=/l{i}>a link</a>.</p>" for i in range(3000)
    )
    srv = serve(servers, respond(html_page(rows)))
    type_address(qtbot, window, srv.url("/big.html"))
    # The body is all in when the load ends; the renderer has at least its last slice to do.
    assert window.rendering
    label = window.load_status.label
    assert "still rendering" in label.text()
    assert "Done" not in label.text()
    qtbot.waitUntil(lambda: not window.rendering, timeout=30_000)
    assert label.text().startswith("Done: HTTP 200")
    assert "Paragraph 2999 with bold and a link." in text_of(window)


def test_tabs_in_pre_stop_every_8_monospace_columns(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(html_page("<pre>12345678X\nab\tY\n\tZ\n1234567812345678W</pre>")))
    type_address(qtbot, window, srv.url("/tabs.html"))
    qtbot.waitUntil(lambda: not window.rendering, timeout=10_000)
    # After a tab, text sits where column 8 (or 16) of the same monospace block is.
    assert x_of(window, "Y") == x_of(window, "X")
    assert x_of(window, "Z") == x_of(window, "X")
    window.zoom_in_action.trigger()  # the stops follow the font size
    qtbot.waitUntil(lambda: not window.rendering, timeout=10_000)
    assert x_of(window, "Y") == x_of(window, "X")


def test_code_in_a_list_item_keeps_its_indentation_on_screen(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    page = (
        "<ul><li>Example:<pre>def f():\n    return 1\nprint(f())</pre></li></ul>"
        "<dl><dt>term<dd><pre>alpha\n  beta\ngamma</pre></dl>"
    )
    srv = serve(servers, respond(html_page(page)))
    type_address(qtbot, window, srv.url("/code.html"))
    qtbot.waitUntil(lambda: not window.rendering, timeout=10_000)
    # Line 1 and line 3 of each block have the same indentation in the source: same x.
    assert x_of(window, "def f()") == x_of(window, "print(f())")
    assert x_of(window, "alpha") == x_of(window, "gamma")
    assert x_of(window, "beta") > x_of(window, "alpha")
    assert x_of(window, "return 1") > x_of(window, "def f()")
