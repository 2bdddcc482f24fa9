"""Journey: a page with long list items, definitions and quotes, loaded from a server through
the address bar, reads as w3m shows it (issue 13, item 4): a wrapped item continues under its
text, not at the left margin, in the window's own width, and again after the window narrows.
Positions come from the view (cursorRect) and are compared with each other, never pixels."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import html_response
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, routes, send
from ui.shell.main_window import MainWindow

WORDS = " ".join(f"word{n}" for n in range(120))
PAGE = (
    "<!DOCTYPE html><html><head><title>Lists</title></head><body><h1>Lists</h1>"
    f"<p>Plain paragraph {WORDS}</p>"
    f"<ul><li>Bulleted item {WORDS}</li><li>Short item</li></ul>"
    f"<ol><li>Numbered item {WORDS}</li></ol>"
    f"<dl><dt>term</dt><dd>Definition text {WORDS}</dd></dl>"
    f"<blockquote><p>Quoted text {WORDS}</p></blockquote>"
    "</body></html>"
)


def x_at(win: MainWindow, pos: int) -> int:
    view = win.page.document_view
    cursor = QTextCursor(view.document())
    cursor.setPosition(pos)
    return view.cursorRect(cursor).x()


def visual_lines(win: MainWindow, needle: str) -> tuple[int, list[int]]:
    """(where ``needle`` starts, the document position of each visual line of its block),
    with that block scrolled to the top."""
    view = win.page.document_view
    pos = drive.screen_text(win).index(needle)
    view.show_at_top(pos, move_caret=False)
    block = view.document().findBlock(pos)
    layout = block.layout()
    return pos, [block.position() + layout.lineAt(i).textStart() for i in range(layout.lineCount())]


def hangs_under_its_text(win: MainWindow, needle: str) -> bool:
    start, lines = visual_lines(win, needle)
    text_x = x_at(win, start)
    return (
        len(lines) >= 2
        and x_at(win, lines[0]) < text_x  # the marker (or indentation) comes first
        and all(x_at(win, line) >= text_x - 1 for line in lines[1:])
    )


def test_a_wrapped_list_item_continues_under_its_text(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/lists.html": send(html_response(PAGE))}))
    drive.open_address(qtbot, window, srv.url("/lists.html"))
    assert "Bulleted item" in drive.screen_text(window)
    items = ("Bulleted item", "Numbered item", "Definition text", "Quoted text")
    for needle in items:
        assert hangs_under_its_text(window, needle), needle
    # A paragraph without a prefix wraps at the margin, as before.
    start, lines = visual_lines(window, "Plain paragraph")
    assert len(lines) >= 2 and all(x_at(window, line) == x_at(window, start) for line in lines)
    # Narrower: laid out again for the new width (more lines), still hanging.
    _, before = visual_lines(window, "Bulleted item")
    window.resize(window.width() * 2 // 3, window.height())
    qtbot.waitUntil(lambda: len(visual_lines(window, "Bulleted item")[1]) > len(before))
    for needle in items:
        assert hangs_under_its_text(window, needle), needle
    assert len(drive.requests_to(srv, "/lists.html")) == 1  # laid out again, not fetched
