"""The document view alone: frame-timer slices, tail follow, links (decoding a body is the
renderer's: tests/gui/test_page_renderer.py)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QGuiApplication,
    QPalette,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

import ui.page.document_view as document_view
from tests.gui.ranged_text import RangedText
from tests.gui.shown import drawn_runs, shown_format
from ui.page.document_view import (
    COST_MARGIN,
    FIRST_SLICE_CHARS,
    HIDDEN_FRAME_MS,
    MAX_SLICE_CHARS,
    MIN_SLICE_CHARS,
    REST_MS,
    SLICE_TARGET,
    TICK_BUDGET_S,
    DocumentView,
    TurnGuard,
)
from ui.page.range_formats import LINK_RANK, RANKS, STYLE_RANK
from ui.text.lines import LineBreaker as _LineBreaker
from ui.text.lines import NewlineNormaliser as _NewlineNormaliser


@pytest.fixture
def view(qtbot: QtBot) -> DocumentView:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.resize(500, 300)
    widget.show()
    return widget


def test_newline_normaliser_across_chunks() -> None:
    norm = _NewlineNormaliser()
    out = norm.feed("a\r") + norm.feed("\nb\r") + norm.feed("c\r") + norm.feed("", final=True)
    assert out == "a\nb\nc\n"


@pytest.mark.parametrize(
    "text", ["", "short\nlines\n", "x" * 25, "ab\n" + "y" * 23 + "\nz" * 3, "\n" * 5 + "q" * 11]
)
def test_line_breaker_whole_bytewise_and_splits(text: str) -> None:
    def run(pieces: list[str]) -> str:
        breaker = _LineBreaker(limit=10)
        return "".join(breaker.feed(p) for p in pieces)

    whole = run([text])
    assert all(len(line) <= 10 for line in whole.split("\n"))
    assert whole.replace("\n", "") == text.replace("\n", "")
    assert run(list(text)) == whole
    for cut in range(len(text)):
        assert run([text[:cut], text[cut:]]) == whole


def test_frame_timer_inserts_bounded_slices(qtbot: QtBot, view: DocumentView) -> None:
    data = "".join(f"{i:079d}\n" for i in range(50_000))  # 4 MB: far more than one frame
    view.begin_stream()
    view.append_text(data)
    # The first text after idle is on screen at once, as one small slice; the rest queues.
    assert len(view.toPlainText()) == FIRST_SLICE_CHARS
    assert view.pending_chars == len(data) - FIRST_SLICE_CHARS
    view.append_text(data)  # a burst while a frame is pending: the slot only queues
    assert len(view.toPlainText()) == FIRST_SLICE_CHARS
    sizes: list[int] = []
    view.document().contentsChange.connect(lambda pos, removed, added: sizes.append(added))
    with qtbot.waitSignal(view.drained, timeout=20000):
        pass
    assert view.toPlainText() == data + data
    # One insert per frame, never more than a frame's slice.
    assert len(sizes) >= len(data) * 2 // MAX_SLICE_CHARS
    assert max(sizes) <= MAX_SLICE_CHARS


def test_a_hidden_view_yields_to_a_shown_one_and_catches_up_when_shown(qtbot: QtBot) -> None:
    # A background tab's view: never shown, a big backlog queued.
    hidden = DocumentView()
    qtbot.addWidget(hidden)
    hidden.resize(500, 300)
    data = "".join(f"{i:079d}\n" for i in range(50_000))
    hidden.begin_stream()
    hidden.append_text(data)

    def frame(shown_just_inserted: bool) -> int:
        TurnGuard.last_end = 0.0  # a turn of its own
        TurnGuard.shown_insert_end = time.perf_counter() if shown_just_inserted else 0.0
        before = hidden.pending_chars
        hidden._on_frame()
        assert hidden.pending_chars < before  # it inserted a slice
        return hidden._timer.interval()

    # While a shown view streams, one slice per HIDDEN_FRAME_MS; else the shown view's rate.
    assert frame(shown_just_inserted=True) == HIDDEN_FRAME_MS
    assert frame(shown_just_inserted=False) == REST_MS
    assert frame(shown_just_inserted=True) == HIDDEN_FRAME_MS
    hidden.show()  # its tab became current: the next slice comes at once
    assert hidden._timer.isActive() and hidden._timer.remainingTime() <= REST_MS
    with qtbot.waitSignal(hidden.drained, timeout=20000):
        pass
    assert hidden.toPlainText() == data


def test_slice_size_follows_the_measured_insert_cost(view: DocumentView) -> None:
    start = view.slice_chars
    for _ in range(120):  # inserts turn out cheap: bigger slices (slowly), up to the cap
        view._measure(start, TICK_BUDGET_S / 16)
    assert view.slice_chars == MAX_SLICE_CHARS
    for _ in range(3):  # slow inserts: the slice is cut at once, not over dozens of frames
        view._measure(view.slice_chars, TICK_BUDGET_S * 4)
    assert view.slice_chars < start // 2
    assert view.slice_chars >= MIN_SLICE_CHARS
    for _ in range(200):  # settles where one insert costs the budget, less the margin
        chars = view.slice_chars
        view._measure(chars, 0.0005 + chars * 30e-9)  # fixed cost + per character
    expected = (TICK_BUDGET_S * SLICE_TARGET / COST_MARGIN - 0.0005) / 30e-9
    assert abs(view.slice_chars - expected) < expected * 0.05


def test_following_the_tail_of_a_wrapped_stream(qtbot: QtBot, view: DocumentView) -> None:
    # Wrapped lines, a stream far taller than the view, the reader at the bottom (they moved
    # there: a document opens at its top): the view ends at the bottom line.
    view.setLineWrapMode(view.LineWrapMode.WidgetWidth)
    view.resize(300, 200)
    view.show()
    qtbot.waitExposed(view)
    view.begin_stream()
    view.append_text("".join(f"{i} " * 30 + "\n" for i in range(100)))
    view.flush_pending()
    bar = view.verticalScrollBar()
    assert bar.value() == 0
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert bar.maximum() > 0 and bar.value() >= bar.maximum() - 1  # the last line shown
    view.append_text("".join(f"{i} " * 30 + "\n" for i in range(100, 3000)))
    with qtbot.waitSignal(view.drained, timeout=20000):
        pass
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    last = view.cursorForPosition(view.viewport().rect().bottomLeft()).block()
    assert last.blockNumber() >= view.document().blockCount() - 3


def test_text_arriving_far_below_the_reader_does_not_repaint_what_they_read(
    qtbot: QtBot, view: DocumentView
) -> None:
    # A reader at the top of a long page while it streams: what goes in at the end is two
    # screens below, so the text on screen is not painted again for it (only the scroll bar
    # changes); formats merged over earlier text still repaint.
    view.follow_tail = False
    qtbot.waitExposed(view)
    document = view.document()
    viewport = view.viewport()
    full_paints: list[QRect] = []

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                rect = event.rect()  # type: ignore[attr-defined]
                if rect.height() >= viewport.height() // 2:
                    full_paints.append(rect)
            return False

    watch = PaintWatch()
    view.begin_stream()
    lines = [f"line {i} " + "word " * 25 + "\n" for i in range(12_000)]
    for n in range(0, len(lines), 50):
        view.append_text("".join(lines[n : n + 50]))
    qtbot.waitUntil(lambda: document.lineCount() > 1000, timeout=20000)
    viewport.installEventFilter(watch)
    inserted = document.characterCount()
    qtbot.waitUntil(lambda: document.characterCount() > inserted + 200_000, timeout=20000)
    viewport.removeEventFilter(watch)
    assert view.has_pending()  # still streaming, and the reader still at the top
    assert view.verticalScrollBar().value() == 0
    assert full_paints == []
    with qtbot.waitSignal(view.drained, timeout=60000):
        pass


def test_reading_the_top_of_a_long_stream_the_end_waits_and_stays_reachable(
    qtbot: QtBot, view: DocumentView
) -> None:
    # A reader at the top of a long page while it streams: the text below, nobody sees yet,
    # is not laid out after each insert (the scroll bar's range is estimated meanwhile), the
    # view stays where the reader is, and the end is one key away; once all of it is in,
    # the scroll bar is the one Qt sizes from the laid-out end.
    view.follow_tail = False  # a page, as a browser shows it
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    document = view.document()
    view.begin_stream()
    lines = [f"line {i} " + "word " * 25 + "\n" for i in range(12_000)]
    for n in range(0, len(lines), 50):
        view.append_text("".join(lines[n : n + 50]))
    qtbot.waitUntil(lambda: document.lineCount() > 3000, timeout=20000)
    assert view.has_pending()  # still streaming
    assert document.lastBlock().previous().layout().lineCount() == 0  # not laid out
    assert bar.value() == 0 and bar.maximum() >= document.lineCount() - 2 * bar.pageStep()
    assert "line 0 " in view.cursorForPosition(QPoint(5, 5)).block().text()
    grown = bar.maximum()
    qtbot.waitUntil(lambda: bar.maximum() > grown, timeout=20000)  # it grows as text comes
    assert bar.value() == 0

    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    end = view.textCursor()
    assert end.atEnd()
    assert view.viewport().rect().contains(view.cursorRect(end).center())  # the end shown
    with qtbot.waitSignal(view.drained, timeout=60000):
        pass
    assert not view.has_pending()
    exact = bar.maximum()
    layout = document.documentLayout()
    layout.documentSizeChanged.emit(layout.documentSize())  # Qt sizes it again: the same
    assert bar.maximum() == exact
    # The scroll bar dragged to the bottom shows the end (it may grow once when the lines
    # shown there are laid out: Qt counts a block one line until it is).
    end = QTextCursor(document)
    end.movePosition(QTextCursor.MoveOperation.End)

    def dragged_to_the_bottom_shows_the_end() -> bool:
        bar.setValue(bar.maximum())
        return view.viewport().rect().contains(view.cursorRect(end).center())

    qtbot.waitUntil(dragged_to_the_bottom_shows_the_end, timeout=10000)
    bar.setValue(0)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.viewport().rect().contains(view.cursorRect(view.textCursor()).center())
    assert view.toPlainText() == "".join(lines)


def test_follows_the_tail_only_at_the_bottom(qtbot: QtBot, view: DocumentView) -> None:
    bar = view.verticalScrollBar()
    view.begin_stream()
    view.append_text("".join(f"line {i}\n" for i in range(200)))
    view.flush_pending()
    assert bar.maximum() > 0 and bar.value() == 0  # a document opens at its top
    view.append_text("more\n" * 50)
    view.flush_pending()
    assert bar.value() == 0  # the reader did not move there: no following
    bar.setValue(bar.maximum())  # the reader goes to the bottom
    view.append_text("more\n" * 50)
    view.flush_pending()
    assert bar.value() == bar.maximum()
    bar.setValue(10)  # the reader scrolls up
    view.append_text("even more\n" * 50)
    view.flush_pending()
    assert bar.value() == 10  # never yanked
    bar.setValue(bar.maximum())  # back at the bottom: following again
    view.append_text("tail\n" * 50)
    view.flush_pending()
    assert bar.value() == bar.maximum()


def test_links_click_and_keyboard(qtbot: QtBot, view: DocumentView) -> None:
    view.append_text("Go ")
    view.append_link("first", "http://one/")
    view.append_text(" or ")
    view.append_link("second", "yonder:samples/romeo.txt")
    view.append_text("\n")
    view.flush_pending()
    assert [url for _, _, url in view.links()] == ["http://one/", "yonder:samples/romeo.txt"]
    start, _end, _ = view.links()[0]
    cursor = view.textCursor()
    cursor.setPosition(start + 1)
    point = view.cursorRect(cursor).center()
    assert view.link_at(point) == "http://one/"
    with qtbot.waitSignal(view.link_activated, timeout=10_000) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == ["http://one/"]
    qtbot.mouseMove(view.viewport(), point)
    assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseMove(view.viewport(), QPoint(5, view.viewport().height() - 5))
    assert view.viewport().cursor().shape() == Qt.CursorShape.IBeamCursor
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    with qtbot.waitSignal(view.link_activated, timeout=10_000) as entered:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert entered.args == ["yonder:samples/romeo.txt"]
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.focused_link() == "http://one/"


def test_shift_tab_walks_every_link_back_and_wraps(qtbot: QtBot, view: DocumentView) -> None:
    for i in range(40):
        view.append_text(f"word {i} " if i % 3 else f"line {i}\n")
        view.append_link(f"link {i}", f"http://h.test/{i}")
    view.append_text("\n")
    view.flush_pending()
    view.setFocus()
    seen = []
    for _ in range(41):
        qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        seen.append(view.focused_link())
    # From the top: nothing before it, so the last link; then back one by one, then wrap.
    expected = [f"http://h.test/{i}" for i in range(39, -1, -1)]
    assert seen == [*expected, "http://h.test/39"]


def _menu_texts(menu: QMenu) -> list[str]:
    return [action.text() for action in menu.actions() if not action.isSeparator()]


def test_context_menu_on_a_link(qtbot: QtBot, view: DocumentView) -> None:
    view.append_text("Read ")
    view.append_link("the page", "http://example.test/page")
    view.append_text(" or ")
    view.append_link("a sample", "yonder:samples/romeo.txt")
    view.append_text("\n")
    view.flush_pending()
    (page_start, _, _), (sample_start, _, _) = view.links()

    def point_at(position: int) -> QPoint:
        cursor = view.textCursor()
        cursor.setPosition(position + 1)
        return view.cursorRect(cursor).center()

    menu = view.context_menu(point_at(page_start))
    texts = _menu_texts(menu)
    assert texts[:3] == ["Open Link", "Copy Link Address", "Download Link…"]
    assert any("Copy" in text for text in texts[3:])  # the standard entries stay
    actions = {action.text(): action for action in menu.actions()}
    actions["Copy Link Address"].trigger()
    assert QGuiApplication.clipboard().text() == "http://example.test/page"
    with qtbot.waitSignal(view.link_activated, timeout=10_000) as opened:
        actions["Open Link"].trigger()
    assert opened.args == ["http://example.test/page"]
    with qtbot.waitSignal(view.link_download_requested, timeout=10_000) as download:
        actions["Download Link…"].trigger()
    assert download.args == ["http://example.test/page"]

    # An internal link opens and copies, but is no download; plain text has no link entries.
    assert _menu_texts(view.context_menu(point_at(sample_start)))[:2] == [
        "Open Link",
        "Copy Link Address",
    ]
    assert "Download Link…" not in _menu_texts(view.context_menu(point_at(sample_start)))
    assert "Open Link" not in _menu_texts(view.context_menu(point_at(1)))


def test_context_menu_from_the_keyboard_uses_the_selected_link(
    qtbot: QtBot, view: DocumentView, monkeypatch: pytest.MonkeyPatch
) -> None:
    view.append_text("x ")
    view.append_link("one", "http://one.test/")
    view.flush_pending()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.focused_link() == "http://one.test/"
    menu = view.context_menu(QPoint(0, 0), from_keyboard=True)
    assert _menu_texts(menu)[0] == "Open Link"
    # The real event (Shift+F10, the Menu key) pops that menu up at the selected link.
    shown: list[tuple[list[str], QPoint]] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, at: shown.append((_menu_texts(menu), at)))
    origin = QPoint(0, 0)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, origin, view.viewport().mapToGlobal(origin)
    )
    QApplication.sendEvent(view.viewport(), event)
    assert len(shown) == 1 and shown[0][0][0] == "Open Link"
    assert shown[0][1] == view.viewport().mapToGlobal(view.cursorRect().center())


def test_space_pages_down_and_shift_space_up(qtbot: QtBot, view: DocumentView) -> None:
    view.follow_tail = False
    view.append_text("".join(f"line {n}\n" for n in range(500)))
    view.flush_pending()
    bar = view.verticalScrollBar()
    bar.setValue(0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    page = bar.value()
    assert 0 < page < bar.pageStep()  # one line of overlap (tests/gui/journeys: which line)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert page < bar.value() <= 2 * page + 1  # (the first page also held the top margin)
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert bar.value() == page
    assert "line 0" in view.toPlainText()  # nothing typed into the read-only view


def test_many_links_on_screen_and_queued_in_any_order(qtbot: QtBot, view: DocumentView) -> None:
    words = [f"w{n:04d}" for n in range(3000)]
    starts = [n * 6 for n in range(3000)]
    links = [(start, start + 5, f"http://h/{n}") for n, start in enumerate(starts)]
    view.begin_stream()
    ranged = RangedText(view)
    # The first piece goes on screen at once (the first slice after idle), the second waits
    # behind it; each gives its links in reverse order, and one link spans the two.
    ranged.append(" ".join(words[:1500]) + " w1", links[:1500][::-1])
    ranged.append(" ".join(words[1500:])[2:], links[1500:][::-1])
    qtbot.waitUntil(lambda: not view.has_pending())
    assert view.links() == links
    for start, end, url in links[::499]:
        assert shown_format(view, start + 1).anchorHref() == url
        assert shown_format(view, end).anchorHref() == ""  # the space after a link is no link


def test_a_link_over_text_given_before_follows_once_its_end_arrives(
    qtbot: QtBot, view: DocumentView
) -> None:
    # What an incremental HTML renderer does: text first, the link once it closes.
    view.begin_stream()
    ranged = RangedText(view)
    ranged.append("intro ")  # on screen at once (the first slice after idle)
    ranged.append("see the do")  # the link's text begins here, queued behind it
    assert view.links() == []
    ranged.append("cs here", [(14, 18, "http://docs/")])
    view.flush_pending()
    assert view.links() == [(14, 18, "http://docs/")]
    ranged.append("", [(19, 23, "http://here/")])  # over text on screen: the next frame
    qtbot.waitUntil(lambda: len(view.links()) == 2)
    assert view.links()[-1] == (19, 23, "http://here/")
    for at, url in ((13, ""), (15, "http://docs/"), (17, "http://docs/"), (20, "http://here/")):
        assert shown_format(view, at).anchorHref() == url
    assert view.toPlainText() == "intro see the docs here"


def test_columns_follow_the_shown_width_and_the_font(qtbot: QtBot) -> None:
    widget = DocumentView()
    qtbot.addWidget(widget)
    assert widget.columns == 100  # hidden, never laid out: a default
    widget.resize(1600, 300)
    with qtbot.waitSignal(widget.columns_changed, timeout=10_000) as shown:
        widget.show()
    wide = shown.args[0]
    assert wide == widget.columns
    with qtbot.waitSignal(widget.columns_changed, timeout=10_000) as narrowed:
        widget.resize(900, 300)  # wide enough that zooming still narrows it (>= 40 columns)
    assert narrowed.args[0] < wide
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    with qtbot.waitSignal(widget.columns_changed, timeout=10_000) as zoomed:
        widget.setFont(font)
    assert zoomed.args[0] < narrowed.args[0]


def test_clearing_a_page_of_many_links_drops_them_at_once_and_frees_them_later(
    qtbot: QtBot, view: DocumentView
) -> None:
    """The old page's link list and anchors are out of use at once (no link of it can be
    found or clicked), and are freed in pieces on later turns (one free of 1 M entries was a
    ~100 ms stall); the next page's links are its own."""
    from ui.page.document_view import RETIRE_ITEMS

    count = RETIRE_ITEMS + 5000
    RangedText(view).append("x" * (2 * count), [(2 * i, 2 * i + 1, f"/p{i}") for i in range(count)])
    view.add_anchors((f"a{i}", 2 * i) for i in range(count))
    view.flush_pending()
    qtbot.waitUntil(lambda: len(view.links()) == count)
    view.clear_document()
    assert view.links() == [] and view.anchor_position(["a1"]) is None
    assert view.disposing >= 2  # the links and the anchors, still being freed
    view.begin_stream()
    RangedText(view).append("new page", [(0, 3, "/new")])
    view.flush_pending()
    qtbot.waitUntil(lambda: view.disposing == 0, timeout=30_000)
    assert view.links() == [(0, 3, "/new")]
    assert view.toPlainText() == "new page"


def _runs(view: DocumentView) -> list[tuple[object, ...]]:
    """Every stretch of text drawn with one format, with that format (the document's own, and
    the ranges' given to the layout when a block is laid out)."""
    return [
        (
            pos,
            text,
            fmt.fontWeight(),
            fmt.fontItalic(),
            fmt.fontUnderline(),
            tuple(fmt.fontFamilies() or ()),
            fmt.isAnchor(),
            fmt.anchorHref(),
            fmt.foreground().color().name(),
        )
        for pos, text, fmt in view.shown_runs()
    ]


def _ranged_views(
    qtbot: QtBot,
    text: str,
    styles: list[tuple[int, int, str]],
    links: list[tuple[int, int, str]],
    formats: dict[str, QTextCharFormat],
    bounds: list[int],
    slice_chars: int,
) -> tuple[DocumentView, DocumentView]:
    """The same ranges over ``text`` in two views: merged over the plain text on screen (the
    reference), and as the ranges a renderer reports with the pieces of ``text`` given in
    pieces that end at ``bounds`` (each range told with the piece its end is in), inserted
    ``slice_chars`` at a time (pieces cut by a frame)."""

    def shown() -> DocumentView:
        widget = DocumentView()
        qtbot.addWidget(widget)
        widget.resize(500, 300)
        widget.show()
        widget.begin_stream()
        return widget

    merged = shown()
    merged.append_text(text)
    merged.flush_pending()
    # Every range merged over the plain text in merge order (ui.page.range_formats): styles
    # before links, then by start, outer before inner, then as given.
    order = sorted(
        [(LINK_RANK, a, -b, n, url) for n, (a, b, url) in enumerate(links)]
        + [
            (RANKS.get(style, STYLE_RANK), a, -b, n, style)
            for n, (a, b, style) in enumerate(styles)
        ]
    )
    cursor = QTextCursor(merged.document())
    for rank, a, minus_b, _, code in order:
        b, is_style = -minus_b, rank != LINK_RANK
        fmt = formats[code] if is_style else QTextCharFormat(merged.link_format)
        if not is_style:
            fmt.setAnchorHref(code)
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

    ran = shown()
    ranged = RangedText(ran, formats)
    units = [0]
    for ch in text:
        units.append(units[-1] + (2 if ord(ch) > 0xFFFF else 1))
    last = 0
    for bound in [*bounds, len(text)]:
        end = units[bound]
        ranged.append(
            text[last:bound],
            [link for link in links if units[last] < link[1] <= end or (last == 0 == link[1])],
            [span for span in styles if units[last] < span[1] <= end or (last == 0 == span[1])],
        )
        last = bound
    while ran.has_pending():
        ran._insert_slices(budget=None, slice_chars=slice_chars)
    return merged, ran


def _formatted(view: DocumentView) -> list[tuple[object, ...]]:
    """:func:`_runs` with neighbours of one format joined (where the document's fragments
    end also depends on how the text went in: a run inserted in two slices is two)."""
    joined: list[tuple[object, ...]] = []
    for run in _runs(view):
        if joined and joined[-1][2:] == run[2:]:
            joined[-1] = (joined[-1][0], f"{joined[-1][1]}{run[1]}", *run[2:])
        else:
            joined.append(run)
    return joined


def _look(fmt: QTextCharFormat) -> tuple[object, ...]:
    """What of a format is seen (weight, italic, underline, family, colour)."""
    return (
        fmt.fontWeight(),
        fmt.fontItalic(),
        fmt.fontUnderline(),
        tuple(fmt.fontFamilies() or ()),
        fmt.foreground().color().name(),
    )


def _some_formats() -> dict[str, QTextCharFormat]:
    bold, italic, mono, red, green = (QTextCharFormat() for _ in range(5))
    bold.setFontWeight(QFont.Weight.Bold)
    italic.setFontItalic(True)
    mono.setFontFamilies(["monospace"])
    red.setForeground(QColor("#ff0000"))
    green.setForeground(QColor("#00aa00"))  # (a link is blue)
    return {"bold": bold, "italic": italic, "mono": mono, "red": red, "green": green}


def test_ranges_give_the_document_merging_every_range_gives(qtbot: QtBot) -> None:
    # Nested, overlapping, empty and touching ranges, links inside styles and styles inside
    # links, a range over the whole text, and a part with astral characters (two UTF-16
    # units each); given whole, in pieces that cut links and styles, and inserted in slices
    # that cut pieces: the document, its links and their formats are the merged reference.
    first = "".join(f"line {n} has words, some bold, some linked\n" for n in range(60))
    text = first + "an astral 😀 character sits here\n" * 6
    units = len(text) + text.count("😀")
    styles: list[tuple[int, int, str]] = [(0, units, "mono")]  # all of it
    links: list[tuple[int, int, str]] = []
    for n in range(0, units - 40, 37):
        styles.append((n, n + 12, "bold"))
        styles.append((n + 4, n + 30, "italic"))  # overlaps the bold, and a link
        styles.append((n + 20, n + 20, "mono"))  # empty
        styles.append((n + 9, n + 16, "red"))  # ends with a link, whose colour wins
        links.append((n + 8, n + 16, f"http://h/{n}"))
        links.append((n + 16, n + 16, f"http://empty/{n}"))  # empty
        links.append((n + 16, n + 24, f"http://next/{n}"))  # touches the one before
    # (never a boundary inside an astral character: a renderer's ranges hold whole ones)
    inside, at = set(), 0
    for ch in text:
        at += 1
        if ord(ch) > 0xFFFF:
            inside.add(at)  # between the two halves of its surrogate pair
            at += 1
    styles = sorted((s for s in styles if not {s[0], s[1]} & inside), key=lambda s: s[1])
    links = [k for k in links if not {k[0], k[1]} & inside]
    formats = _some_formats()
    for bounds, slice_chars in (([], 1 << 20), ([5, 200, 1111, 2000], 97), ([1500], 1)):
        merged, ran = _ranged_views(qtbot, text, styles, links, formats, bounds, slice_chars)
        assert ran.toPlainText() == merged.toPlainText() == text
        assert ran.links() == sorted(links)
        assert _formatted(ran) == _formatted(merged)
        # ...and what the blocks on screen are drawn with: the ranges' formats given to their
        # layouts, against the reference's formats held in its document.
        drawn = [(pos, char, _look(fmt)) for pos, char, fmt in drawn_runs(ran)]
        assert drawn and drawn == [(p, c, _look(f)) for p, c, f in drawn_runs(merged)]
    links_drawn = [r for r in _runs(ran) if r[7]]
    assert links_drawn and all(r[8] == "#0000ff" for r in links_drawn)  # over red, too
    assert all(r[5] == ("monospace",) for r in _runs(ran))


def test_a_range_begun_in_an_earlier_piece_keeps_the_merge_order(qtbot: QtBot) -> None:
    # A link begun in one piece over a <code> inside it that ends where it ends, in the
    # next: the link's colour wins over the code's (links merge last), on both sides of the
    # cut; outside the link, the outer style's.
    text = "xsee code here"
    styles = [(0, 14, "red"), (5, 14, "green")]
    links = [(1, 14, "http://h/x")]
    merged, ran = _ranged_views(qtbot, text, styles, links, _some_formats(), [3, 7], 2)
    assert _formatted(ran) == _formatted(merged)
    assert ran.links() == links
    colours = {run[1]: run[8] for run in _runs(ran)}
    assert colours == {"x": "#ff0000", "see code here": "#0000ff"}


def test_a_frame_over_its_budget_stops_between_pieces_and_the_rest_follows(
    qtbot: QtBot,
) -> None:
    # A slice sized from cheaper text (the frame's budget spent after its first piece): the
    # insert stops there, and the next frames insert the rest, links and formats whole.
    text = "".join(f"word {n} " for n in range(2000))  # past the first slice after idle
    links = [(n, n + 4, f"http://h/{n}") for n in range(0, len(text) - 8, 40)]
    styles = [(n + 20, n + 30, "bold") for n in range(0, len(text) - 40, 40)]
    merged, _ = _ranged_views(qtbot, text, styles, links, _some_formats(), [], 1 << 20)
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    view.begin_stream()
    ranged = RangedText(view, _some_formats())
    for n in range(4):  # four pieces, each range told with the piece its end is in
        a, b = n * len(text) // 4, (n + 1) * len(text) // 4
        ranged.append(
            text[a:b],
            [k for k in links if a < k[1] <= b],
            [k for k in styles if a < k[1] <= b],
        )
    frames = 0
    while view.has_pending():
        view._insert_slices(budget=1e-9, slice_chars=1 << 20)  # over budget at once
        frames += 1
    assert frames > 1  # it stopped before the slice's end...
    assert view.toPlainText() == text  # ...and the rest followed
    assert view.links() == links
    assert _formatted(view) == _formatted(merged)


def _queued_ranges(view: DocumentView, words: int) -> tuple[str, list[tuple[int, int, str]]]:
    """``words`` words with a link every 40 characters, queued with their ranges; (text,
    links)."""
    text = "".join(f"word {n}" + ("\n" if n % 8 == 7 else " ") for n in range(words))
    links = [(n, n + 4, f"http://h/{n}") for n in range(0, len(text) - 8, 40)]
    view.begin_stream()
    RangedText(view, _some_formats()).append(text, links, [])
    return text, links


def _cursor_at(view: DocumentView, pos: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(pos)
    return cursor


def _drain_whole(view: DocumentView, text: str, links: list[tuple[int, int, str]]) -> None:
    """Insert what is queued: the view then holds ``text`` and ``links``, whole."""
    view.flush_pending()
    assert view.toPlainText() == text
    assert view.links() == links


def _frame(view: DocumentView) -> int:
    """One frame in a turn of its own; the characters it inserted."""
    before = view.pending_chars
    TurnGuard.last_end = 0.0
    view._on_frame()
    return before - view.pending_chars


def test_a_frame_takes_one_slice_of_ranged_and_plain_text_alike(
    view: DocumentView, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ranged text goes in plain (its formats are given when a block is laid out), so a
    # frame of ranged text, of plain text or of both is one slice, and the rest follows whole.
    monkeypatch.setattr(document_view, "MAX_SLICE_CHARS", 20_000)
    text, links = _queued_ranges(view, 20_000)
    plain = "".join(f"line {n}\n" for n in range(20_000))
    view.append_text(plain)
    frames = 0
    while view.pending_chars > view.slice_chars:
        slice_chars = view.slice_chars
        assert _frame(view) == slice_chars
        frames += 1
    assert frames > 3  # frames of ranged text, one of both, frames of plain text
    view.flush_pending()
    assert view.toPlainText() == text + plain
    assert view.links() == links


def test_ranged_text_goes_in_plain_and_a_block_gets_its_formats_when_laid_out(
    qtbot: QtBot, view: DocumentView
) -> None:
    qtbot.waitExposed(view)
    _, links = _queued_ranges(view, 20_000)
    view.flush_pending()
    document = view.document()
    fragments = 0
    block = document.begin()
    while block.isValid():
        piece = block.begin()
        while not piece.atEnd():
            assert piece.fragment().charFormat() == QTextCharFormat()  # the text alone
            fragments += 1
            piece += 1
        block = block.next()
    assert fragments >= document.blockCount() - 1
    # (the last screen is laid out to size the scroll bar: a block in the middle is not)
    link = links[len(links) // 2]
    far = document.findBlock(link[0])
    assert far.layout().formats() == []  # never laid out: no formats yet
    view.show_at_top(link[0])
    qtbot.waitUntil(lambda: far.layout().formats() != [])  # shown: laid out with them
    assert any(
        far.position() + r.start <= link[0] < far.position() + r.start + r.length
        and r.format.fontUnderline()
        for r in far.layout().formats()
    )
    assert shown_format(view, link[0]).anchorHref() == link[2]
    assert view.link_at(view.cursorRect(_cursor_at(view, link[0] + 1)).center()) == link[2]


def test_a_stream_begun_while_ranged_text_is_queued_keeps_its_links_where_they_are(
    view: DocumentView,
) -> None:
    # The pieces of a stream still queued when the next begins keep their own positions.
    first = "0123456789" * 1000 + "see link"  # past the first slice after idle: queued
    view.begin_stream()
    RangedText(view).append(first, [(10_004, 10_008, "http://a/")])
    assert view.has_pending()
    view.begin_stream()  # counts from after the first stream's text, queued or not
    RangedText(view).append(" second", [(1, 7, "http://b/")])
    view.flush_pending()
    text = view.toPlainText()
    assert [(text[a:b], url) for a, b, url in view.links()] == [
        ("link", "http://a/"),
        ("second", "http://b/"),
    ]


def test_a_piece_that_fails_to_go_in_leaves_the_document_working(
    qtbot: QtBot, view: DocumentView
) -> None:
    # A renderer bug (a style with no format) raises from that insert, and the document is
    # not left inside its edit block: later text is laid out and reported.
    qtbot.waitExposed(view)
    view.begin_stream()
    with pytest.raises(KeyError):
        view.append_ranges("bad", [], [(0, 3, "nowhere")], {})
    changes: list[tuple[int, int, int]] = []
    view.document().contentsChange.connect(lambda *change: changes.append(change))
    view.append_text("".join(f"line {n}\n" for n in range(500)))
    view.flush_pending()
    assert changes
    assert view.verticalScrollBar().maximum() > 0
    assert "line 499" in view.toPlainText()


def test_a_link_is_under_the_pointer_on_either_half_of_an_emoji_not_beside_the_line(
    qtbot: QtBot, view: DocumentView
) -> None:
    qtbot.waitExposed(view)
    view.begin_stream()
    RangedText(view).append("see \U0001f600\U0001f600 now\n", [(4, 8, "http://emoji/")])
    view.flush_pending()
    first = view.cursorRect(_cursor_at(view, 4))
    second = view.cursorRect(_cursor_at(view, 6))  # after the first emoji's two halves
    y = first.center().y()
    for x in (first.left() + 1, (first.left() + 3 * second.left()) // 4, second.left() + 2):
        assert view.link_at(QPoint(x, y)) == "http://emoji/"
    assert view.link_at(QPoint(first.left() - 4, y)) == ""  # "see "
    end = view.cursorRect(_cursor_at(view, 12))
    assert view.link_at(QPoint(end.right() + 30, y)) == ""  # beside the line's end


def test_a_merge_over_text_on_screen_and_a_palette_change_are_drawn(
    qtbot: QtBot, view: DocumentView
) -> None:
    qtbot.waitExposed(view)
    view.begin_stream()
    ranged = RangedText(view, _some_formats())
    ranged.append("intro and a link that ")
    view.flush_pending()
    assert not any(fmt.fontUnderline() for _, _, fmt in drawn_runs(view))
    ranged.append("ends here", [(12, 31, "http://late/")])  # begun on screen already
    view.flush_pending()
    drawn = {pos: fmt for pos, _, fmt in drawn_runs(view)}
    assert [pos for pos in sorted(drawn) if drawn[pos].fontUnderline()] == list(range(12, 31))
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#101010"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#f0f0f0"))
    view.setPalette(dark)
    link = view.colours.link.name()
    assert {fmt.foreground().color().name() for _, _, fmt in drawn_runs(view)[12:31]} == {link}


def test_a_new_page_after_a_big_one_is_drawn_without_its_formats(
    qtbot: QtBot, view: DocumentView
) -> None:
    qtbot.waitExposed(view)
    text, _ = _queued_ranges(view, 80_000)  # past SWAP_CLEAR_CHARS: its document is swapped
    view.flush_pending()
    assert drawn_runs(view) and any(fmt.fontUnderline() for _, _, fmt in drawn_runs(view))
    assert len(text) > document_view.SWAP_CLEAR_CHARS
    view.clear_document()
    view.append_text("a plain page\n" * 50)
    view.flush_pending()
    drawn = drawn_runs(view)
    assert drawn and not any(fmt.fontUnderline() for _, _, fmt in drawn)
