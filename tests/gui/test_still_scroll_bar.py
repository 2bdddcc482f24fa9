"""StillScrollBar: a change of range repaints the bar only when the bar would look different;
what is on screen is always what the bar would paint in its present state."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from tests.gui.painted import PaintCount, on_screen, painted_now, settled
from tests.gui.test_render_journeys import html_page, type_address
from tests.gui.windows import serve, text_of
from tests.integration.servers import LoopbackServer, respond
from ui.page.document_view import DocumentView
from ui.page.still_scroll_bar import StillScrollBar
from ui.shell.main_window import MainWindow


def _bar(qtbot: QtBot) -> StillScrollBar:
    bar = StillScrollBar(Qt.Orientation.Vertical)
    qtbot.addWidget(bar)
    bar.resize(16, 400)
    bar.setPageStep(40)
    bar.setRange(0, 100)
    bar.show()
    qtbot.waitExposed(bar)
    return bar


def test_a_range_that_leaves_the_handle_as_it_was_is_not_painted_again(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.setMaximum(100_000)  # the handle at its smallest, at the top
    settled()
    paints = PaintCount(bar)
    for maximum in range(100_000, 200_000, 1_000):  # a document growing, the reader at the top
        bar.setMaximum(maximum)
        settled()
    assert paints.count == 0
    assert bar.maximum() == 199_000  # the range itself is kept: only the repaint is skipped
    assert on_screen(bar) == painted_now(bar)


def test_a_range_that_moves_or_resizes_the_handle_is_painted(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    settled()
    paints = PaintCount(bar)
    bar.setMaximum(200)  # the handle shrinks
    settled()
    assert paints.count >= 1
    assert on_screen(bar) == painted_now(bar)
    bar.setValue(150)
    bar.setMaximum(100_000)
    settled()
    before = paints.count
    bar.setMaximum(300)  # the handle moves down, the value now near the end
    settled()
    assert paints.count > before
    assert on_screen(bar) == painted_now(bar)


def test_a_value_steps_and_the_ends_are_on_screen_as_the_bar_paints_them(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.setMaximum(100_000)
    settled()
    # Each change moves something on the bar, and is seen moved.
    for change in (
        lambda: bar.setValue(50_000),  # the reader scrolls
        lambda: bar.setMaximum(150_000),  # the handle moves up, its size as it was
        lambda: bar.setValue(150_000),  # ...to the end
        lambda: bar.setMaximum(150_500),  # the end moves on, the value stays: off the end
        lambda: bar.setPageStep(20_000),  # a taller view: a longer handle
        lambda: bar.setRange(0, 0),  # no range at all
        lambda: bar.setRange(0, 100_000),
    ):
        before = on_screen(bar)
        change()
        settled()
        assert on_screen(bar) == painted_now(bar)
        assert on_screen(bar) != before


def test_a_page_streaming_in_paints_the_views_bar_seldom_and_leaves_it_right(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # Typed into the address bar: a page hundreds of screens long, rendered in many frames
    # (a frame inserts 512 K characters at most). The bar's range changes every frame; the
    # reader stays at the top, and the handle is at its smallest after a few screens.
    rows = "".join(
        f"<p>Line {i} of the long page, with some more words.</p>" for i in range(30_000)
    )
    srv = serve(servers, respond(html_page(rows)))
    bar = window.page.document_view.verticalScrollBar()
    assert isinstance(bar, StillScrollBar)
    changes: list[object] = []  # what the bar would show after each change of its range
    bar.rangeChanged.connect(lambda _low, _high: changes.append(bar.shown()))
    paints = PaintCount(bar, changes)
    type_address(qtbot, window, srv.url("/long.html"))
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
    settled()
    assert "Line 29999 of the long page, with some more words." in text_of(window)
    # Once the bar shows what it shows at the end, no change of range paints it again (the
    # repaint of the change that got there comes in a later turn: after the next change,
    # maybe, which may come in the same turn).
    last_change = changes.index(changes[-1]) + 2
    assert len(changes) > last_change, changes  # changes that changed nothing on screen
    assert [n for n in paints.after if n > last_change] == [], (paints.after, len(changes))
    assert bar.value() == 0
    assert on_screen(bar) == painted_now(bar)


def _wholly_shown(view: DocumentView) -> list[int]:
    """The numbers of the blocks wholly inside the view."""
    offset, height = view.contentOffset(), view.viewport().height()
    shown: list[int] = []
    block = view.firstVisibleBlock()
    while block.isValid():
        rect = view.blockBoundingGeometry(block).translated(offset)
        if rect.top() >= height:
            break
        if rect.top() >= 0 and rect.bottom() <= height:
            shown.append(block.blockNumber())
        block = block.next()
    return shown


def test_a_click_in_the_trough_pages_without_skipping_a_line(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # Headings are taller than the body's lines: a page step counted in body lines skipped
    # what was below the last line on screen (the bar set in place of Qt's own had lost its
    # link to QPlainTextEdit's page step by pixels).
    rows = "".join(f"<h1>Title {i}</h1><p>Line {i} under it.</p>" for i in range(300))
    srv = serve(servers, respond(html_page(rows)))
    type_address(qtbot, window, srv.url("/titles.html"))
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
    view = window.page.document_view
    bar = view.verticalScrollBar()
    assert isinstance(bar, StillScrollBar)
    for down in (True, True, False):
        settled()
        shown = _wholly_shown(view)
        top = view.firstVisibleBlock().blockNumber()
        handle = bar.shown()[0]
        y = handle.bottom() + 12 if down else handle.top() - 12  # the trough, below or above
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(bar.width() // 2, y))
        settled()
        moved_to = view.firstVisibleBlock().blockNumber()
        if down:
            # The last line wholly shown is the first now: nothing unseen in between.
            assert top < moved_to <= shown[-1], (top, moved_to, shown)
        else:
            after = _wholly_shown(view)
            assert moved_to < top and after[-1] >= shown[0], (top, moved_to, after, shown)
