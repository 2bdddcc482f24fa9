"""Reading rendered HTML in the window (issue 13): reached as a user does, checked on screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QFontMetricsF, QGuiApplication, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.shown import shown_format
from tests.gui.windows import serve, text_of
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.page import reading_place
from ui.shell.main_window import MainWindow


def html_page(body: str) -> bytes:
    doc = f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>"
    return http_response(200, doc.encode(), [("Content-Type", "text/html; charset=utf-8")])


def type_address(qtbot: QtBot, window: MainWindow, url: str) -> None:
    window.commands.focus_address_action.trigger()
    bar = window.address_bar
    bar.selectAll()
    qtbot.keyClicks(bar, url)
    with qtbot.waitSignal(window.page.load_ended, timeout=10_000):
        qtbot.keyClick(bar, Qt.Key.Key_Return)


def x_of(window: MainWindow, needle: str) -> float:
    """Where the first character of ``needle`` is drawn, in viewport pixels."""
    view = window.page.document_view
    pos = view.toPlainText().index(needle)
    cursor = QTextCursor(view.document())
    cursor.setPosition(pos)
    return float(view.cursorRect(cursor).left())


def column_of(window: MainWindow, needle: str) -> float:
    """The width of one monospace column where ``needle`` is drawn (its font's advance)."""
    view = window.page.document_view
    fmt = shown_format(view, view.toPlainText().index(needle))
    return QFontMetricsF(fmt.font()).horizontalAdvance(needle[0])


def same_column(window: MainWindow, a: str, b: str) -> bool:
    """``a`` and ``b`` start in the same column: closer than half a column's width (a tab
    stop one column off is a whole advance away; sub-pixel rounding is far less)."""
    return abs(x_of(window, a) - x_of(window, b)) < column_of(window, b) / 2


def test_status_says_still_rendering_until_the_page_is_on_screen_and_done_only_then(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    rows = "".join(
        f"<p>Paragraph {i} with <b>bold</b> and <a href=/l{i}>a link</a>.</p>" for i in range(3000)
    )
    srv = serve(servers, respond(html_page(rows)))
    type_address(qtbot, window, srv.url("/big.html"))
    # The body is all in when the load ends; the renderer has at least its last slice to do.
    assert window.page.rendering
    label = window.page.load_status.label
    assert "still rendering" in label.text()
    assert "Done" not in label.text()
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
    assert label.text().startswith("Done: HTTP 200")
    assert "Paragraph 2999 with bold and a link." in text_of(window)


def test_tabs_in_pre_stop_every_8_monospace_columns(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(html_page("<pre>12345678X\nab\tY\n\tZ\n1234567812345678W</pre>")))
    type_address(qtbot, window, srv.url("/tabs.html"))
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=10_000)
    # After a tab, text sits where column 8 (or 16) of the same monospace block is.
    assert same_column(window, "Y", "X"), (x_of(window, "Y"), x_of(window, "X"))
    assert same_column(window, "Z", "X"), (x_of(window, "Z"), x_of(window, "X"))
    window.commands.zoom_in_action.trigger()  # the stops follow the font size
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=10_000)
    assert same_column(window, "Y", "X"), (x_of(window, "Y"), x_of(window, "X"))


def test_code_in_a_list_item_keeps_its_indentation_on_screen(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    page = (
        "<ul><li>Example:<pre>def f():\n    return 1\nprint(f())</pre></li></ul>"
        "<dl><dt>term<dd><pre>alpha\n  beta\ngamma</pre></dl>"
    )
    srv = serve(servers, respond(html_page(page)))
    type_address(qtbot, window, srv.url("/code.html"))
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=10_000)
    # Line 1 and line 3 of each block have the same indentation in the source: same x.
    assert x_of(window, "def f()") == x_of(window, "print(f())")
    assert x_of(window, "alpha") == x_of(window, "gamma")
    assert x_of(window, "beta") > x_of(window, "alpha")
    assert x_of(window, "return 1") > x_of(window, "def f()")


def table_lines(window: MainWindow) -> list[str]:
    lines = text_of(window).split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Name"))
    return [line for line in lines[start:] if line.strip()][:8]


def test_tables_are_laid_out_again_for_the_new_width_without_fetching(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    rows = "".join(
        f"<tr><td>item{i}<td>{'a fairly long description of the item that goes on ' * 3}{i}"
        for i in range(4)
    )
    srv = serve(servers, respond(html_page(f"<table><tr><th>Name<th>Description{rows}</table>")))
    window.show()
    window.resize(1400, 700)
    type_address(qtbot, window, srv.url("/table.html"))
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=10_000)
    view = window.page.document_view
    wide = view.columns
    assert max(map(len, table_lines(window))) <= wide
    window.resize(900, 700)  # narrower: the grid must fit the view again, not wrap apart
    qtbot.waitUntil(lambda: view.columns < wide, timeout=5_000)
    narrow = view.columns
    qtbot.waitUntil(
        lambda: not window.page.rendering and max(map(len, table_lines(window))) <= narrow,
        timeout=10_000,
    )
    assert table_lines(window)[0].startswith("Name")
    window.commands.zoom_in_action.trigger()
    window.commands.zoom_in_action.trigger()
    qtbot.waitUntil(lambda: view.columns < narrow, timeout=5_000)
    zoomed = view.columns
    qtbot.waitUntil(
        lambda: not window.page.rendering and max(map(len, table_lines(window))) <= zoomed,
        timeout=10_000,
    )
    assert len(srv.requests) == 1  # laid out again from the store, never fetched again


def drawn_lines(window: MainWindow, first: str, last: str) -> dict[str, int]:
    """How many lines the view draws each block from the one holding ``first`` to the one
    holding ``last`` on (laid out as the view lays it out to paint it)."""
    view = window.page.document_view
    text = view.toPlainText()
    block = view.document().findBlock(text.index(first))
    end = view.document().findBlock(text.index(last))
    drawn: dict[str, int] = {}
    while block.isValid():
        view.blockBoundingGeometry(block)  # (lays the block out, as a paint would)
        drawn[block.text()] = block.layout().lineCount()
        if block == end:
            return drawn
        block = block.next()
    raise AssertionError(f"no block holds {last!r} after {first!r}")


def test_a_table_under_a_definition_fits_the_view_beside_its_indent(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # As Sphinx writes a function's constants: the table inside the function's <dd>. It was
    # laid out for the whole width, then indented: its longest rows wrapped in the view.
    rows = "".join(
        f"<tr><td>CONSTANT_{i}<td>{'The function will return when any future finishes. ' * 4}"
        for i in range(3)
    )
    body = (
        "<dl><dt>coroutine wait(aws, *, timeout=None)<dd><p>Constants:</p>"
        f"<table><tr><th>Constant<th>Description{rows}</table><p>After the table.</p></dl>"
    )
    for width in (1100, 800):
        open_page(qtbot, window, servers, body, "/wait.html", width=width)
        drawn = drawn_lines(window, "Constant", "CONSTANT_2")
        rows_drawn = [line for line in drawn if line.strip()]
        assert len(rows_drawn) >= 5, drawn  # the header, its rule, rows of several lines
        assert all(count == 1 for count in drawn.values()), drawn
        assert all(line.startswith("    ") for line in rows_drawn)  # under its definition


def test_a_link_looks_like_a_link_around_code_and_in_a_quote(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # As Sphinx's tables of contents: "Boolean Operations — and, or, not", one link; only
    # "not", which ends the link, was drawn as code, the others in the link's colour. And in
    # a quote, the quote's dimmed colour was over its links and code.
    body = (
        "<ul><li><a href='#ops'>Boolean Operations — <code>and</code>, <code>or</code>, "
        "<code>not</code></a></li></ul><blockquote><p>Special: see <a href='#x'>names</a> "
        "and <code>None</code>, then plain words.</p></blockquote><p id=ops>Ops.</p>"
    )
    open_page(qtbot, window, servers, body, "/toc.html")
    view = window.page.document_view
    text = view.toPlainText()
    colours = view.colours

    def drawn(word: str) -> tuple[str, bool, bool, str]:
        """(colour, monospace, underlined, href) of ``word`` as drawn."""
        fmt = shown_format(view, text.index(word))
        colour = fmt.foreground().color().name()
        return colour, fmt.fontFixedPitch(), fmt.fontUnderline(), fmt.anchorHref()

    link, code, quote = colours.link.name(), colours.code.name(), colours.quote.name()
    assert len({link, code, quote}) == 3
    for word in ("Boolean", "and", "or", "not"):
        colour, _, underlined, href = drawn(word)
        assert (colour, underlined, href.endswith("#ops")) == (link, True, True), word
    for word in ("and", "or", "not"):  # code keeps its font inside the link
        assert drawn(word)[1], word
    assert drawn("names")[0] == link and drawn("names")[2]
    assert drawn("None")[:2] == (code, True)
    assert drawn("plain words")[:2] == (quote, False)
    assert not drawn("Boolean")[1]  # (the link's own text: the reading font)


def open_page(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    body: str,
    path: str,
    width: int = 1100,
) -> LoopbackServer:
    """``body`` served at ``path`` and loaded in the window ``width`` pixels wide, rendered."""
    srv = serve(servers, respond(html_page(body)))
    window.show()
    window.resize(width, 700)
    # (A window manager resizes later: the view's columns come with the resize event.)
    qtbot.waitUntil(lambda: window.width() == width)
    type_address(qtbot, window, srv.url(path))
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
    return srv


def sections(count: int) -> str:
    """``count`` short paragraphs, a titled section (a fragment target) every 100."""
    return "".join(
        (f"<h2 id=s{i // 100}>Section {i // 100}</h2>" if i % 100 == 0 else "")
        + f"<p>Paragraph {i} of the page.</p>"
        for i in range(count)
    )


def wide_table(rows: int, words: int = 24) -> str:
    """A table whose cells wrap onto more lines the narrower the view."""
    cells = "".join(
        f"<tr><td>item{i}<td>" + " ".join(f"word{k}" for k in range(words)) for i in range(rows)
    )
    return f"<table><tr><th>Name<th>Description{cells}</table>"


def top_line(window: MainWindow) -> str:
    """The first line of text shown (the blank line between two paragraphs skipped)."""
    view = window.page.document_view
    block = view.document().findBlock(view.top_position())
    while block.isValid() and not block.text().strip():
        block = block.next()
    return block.text()


def test_two_quick_zoom_steps_lay_the_tables_out_for_the_last_width(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = open_page(qtbot, window, servers, sections(5000) + wide_table(4), "/late-table.html")
    view = window.page.document_view
    window.page.renderer.tick_budget_s = 0  # one step a tick: the table comes ticks later
    before = view.columns
    window.commands.zoom_in_action.trigger()
    qtbot.waitUntil(lambda: window.page.rendering, timeout=5_000)  # laid out again...
    assert not window.page.renderer.has_tables  # ...and not at the table yet: zoom again
    window.commands.zoom_in_action.trigger()
    qtbot.waitUntil(lambda: view.columns < before, timeout=5_000)
    qtbot.waitUntil(
        lambda: not window.page.rendering and max(map(len, table_lines(window))) <= view.columns,
        timeout=30_000,
    )
    assert window.page.renderer.rendered_width == view.columns
    assert len(srv.requests) == 1


def test_a_zoom_that_lays_a_table_out_again_keeps_the_reader_on_the_same_line(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # The table above the reader gets more lines with each zoom step: a place kept as a
    # line or block number would land sections earlier.
    srv = open_page(
        qtbot,
        window,
        servers,
        wide_table(30, words=40) + sections(3000),
        "/early-table.html",
        width=800,
    )
    view = window.page.document_view
    view.setFocus()
    for _ in range(60):
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
    reading = top_line(window)
    assert reading.startswith("Paragraph "), reading
    lines = len(text_of(window).split("\n"))
    for steps in range(3):
        before = view.columns
        window.commands.zoom_in_action.trigger()
        qtbot.waitUntil(lambda before=before: view.columns < before, timeout=5_000)
        qtbot.waitUntil(lambda: window.page.renderer.rendered_width == view.columns, timeout=5_000)
        qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
        assert top_line(window) == reading, steps
    assert len(text_of(window).split("\n")) > lines  # the table above did grow
    assert len(srv.requests) == 1


def test_while_a_page_is_laid_out_again_the_view_shows_what_it_showed(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    request: pytest.FixtureRequest,
) -> None:
    open_page(qtbot, window, servers, wide_table(10) + sections(5000), "/frozen.html")
    view = window.page.document_view
    window.page.renderer.tick_budget_s = 0  # one step a tick: the page refills in many
    flash = QApplication.cursorFlashTime()
    QApplication.setCursorFlashTime(0)  # a caret that blinks between two pictures is no change
    request.addfinalizer(lambda: QApplication.setCursorFlashTime(flash))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    reading = top_line(window)
    window.commands.zoom_in_action.trigger()
    qtbot.wait(50)  # the zoomed page, drawn before its tables are laid out again
    shown = view.grab(view.viewport().geometry()).toImage()  # the text (its scroll bar settles)
    qtbot.waitUntil(lambda: window.page.rendering, timeout=5_000)
    # The page fills up again from its top; the reader still sees the end they were at.
    assert "Paragraph 4999" not in text_of(window)
    assert view.grab(view.viewport().geometry()).toImage() == shown
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
    assert top_line(window) == reading


def paragraphs(count: int) -> str:
    return "".join(f"<p>Paragraph {i} of the page.</p>" for i in range(count))


def read_at(qtbot: QtBot, window: MainWindow, needle: str) -> str:
    """Find ``needle`` as a reader does (Ctrl+F, type, Enter, Escape); the top line then."""
    view = window.page.document_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.page.find_bar
    qtbot.keyClicks(bar.edit, needle)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not bar.isVisible())
    return top_line(window)


def zoom_in_and_wait(qtbot: QtBot, window: MainWindow) -> None:
    view = window.page.document_view
    before = view.columns
    window.commands.zoom_in_action.trigger()
    qtbot.waitUntil(lambda: view.columns < before, timeout=5_000)
    qtbot.waitUntil(lambda: window.page.renderer.rendered_width == view.columns, timeout=5_000)
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)


@pytest.mark.parametrize(
    "top",
    [
        "",  # no fragment targets at all
        "<h1 id=title>Title</h1>",  # one, above the table
        "",  # ...or only on the table's rows (below)
    ],
    ids=["no-targets", "a-target-above-the-table", "targets-on-table-rows"],
)
def test_the_place_is_kept_whatever_targets_the_page_has_above_it(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    top: str,
    request: pytest.FixtureRequest,
) -> None:
    table = wide_table(30, words=40)
    if "rows" in request.node.callspec.id:
        table = table.replace("<tr><td>item", "<tr id=row><td>item")
    open_page(qtbot, window, servers, top + table + paragraphs(8000), "/place.html", width=800)
    reading = read_at(qtbot, window, "Paragraph 4000 ")
    assert reading.startswith("Paragraph "), reading
    for step in range(3):
        zoom_in_and_wait(qtbot, window)
        assert top_line(window) == reading, step


def test_a_page_opened_at_a_fragment_keeps_the_reader_s_place_not_the_fragment_s(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    open_page(
        qtbot, window, servers, wide_table(5, words=40) + sections(3000), "/doc.html#s25", width=800
    )
    assert top_line(window) == "Section 25"
    view = window.page.document_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(20):
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
    reading = top_line(window)
    zoom_in_and_wait(qtbot, window)
    qtbot.wait(100)
    assert top_line(window) == reading


def paragraph_number(line: str) -> int:
    return int(line.split()[1])


def test_keys_pressed_while_the_page_is_laid_out_again_act_from_the_place(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    open_page(qtbot, window, servers, wide_table(10) + paragraphs(5000), "/keys.html")
    reading = paragraph_number(read_at(qtbot, window, "Paragraph 4000 "))
    view = window.page.document_view
    window.page.renderer.tick_budget_s = 0  # one step a tick: the page refills in many
    view.setFocus()
    window.commands.zoom_in_action.trigger()
    qtbot.waitUntil(lambda: window.page.rendering, timeout=5_000)
    assert "Paragraph 4000 " not in text_of(window)  # the reader's place is still to come
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
    qtbot.waitUntil(lambda: paragraph_number(top_line(window)) > reading, timeout=5_000)
    assert paragraph_number(top_line(window)) < reading + 40  # one page on, from the place


def test_a_page_slower_to_lay_out_again_than_its_picture_lasts_is_left_to_the_reader(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading_place, "FROZEN_MS", 1)  # as a huge page on a slow machine
    window.commands.new_tab_action.trigger()  # (a page made now: its frame has that limit)
    open_page(qtbot, window, servers, wide_table(10) + paragraphs(5000), "/slow.html")
    read_at(qtbot, window, "Paragraph 4000 ")
    view = window.page.document_view
    window.page.renderer.tick_budget_s = 0
    window.commands.zoom_in_action.trigger()
    qtbot.waitUntil(lambda: window.page.rendering, timeout=5_000)
    view.setFocus()
    # The picture is gone (its limit passed): the page shows as it refills.
    qtbot.waitUntil(lambda: not window.page._frozen.isVisible(), timeout=5_000)
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
    qtbot.wait(50)
    assert top_line(window).startswith("Name")  # where the reader went, not pulled back


def test_a_hidden_tab_s_tables_are_laid_out_again_once_it_is_shown_not_at_each_zoom(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    open_page(
        qtbot,
        window,
        servers,
        wide_table(20, words=40) + paragraphs(500),
        "/tables.html",
        width=800,
    )
    tables = window.page
    laid_out = tables.renderer.rendered_width
    starts: list[int] = []
    tables.renderer.kind_changed.connect(lambda _kind: starts.append(1))  # once a rendering
    window.commands.new_tab_action.trigger()
    assert window.page is not tables and not tables.document_view.isVisible()
    for _ in range(3):
        window.commands.zoom_in_action.trigger()
    # (A relayout waiting to settle would be this timer: none, or it has run.)
    qtbot.waitUntil(lambda: not tables._relayout_timer.isActive(), timeout=5_000)
    assert not starts and tables.renderer.rendered_width == laid_out
    drive.press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)  # Next Tab
    qtbot.waitUntil(lambda: window.page is tables)
    view = tables.document_view
    qtbot.waitUntil(
        lambda: tables.renderer.rendered_width == view.columns and not tables.rendering,
        timeout=10_000,
    )
    assert view.columns < laid_out
    assert max(map(len, table_lines(window))) <= view.columns
    assert len(starts) == 1


def _zoomed(qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], reading: str) -> str:
    """A long page with a table, read at ``reading`` and zoomed in: laid out again, slowly
    (its end still to come), the clipboard empty. The page's text before the zoom."""
    open_page(qtbot, window, servers, wide_table(10) + paragraphs(5000), "/whole.html")
    read_at(qtbot, window, reading)
    whole = text_of(window)
    view = window.page.document_view
    window.page.renderer.tick_budget_s = 0  # one step a tick: the page refills in many
    view.setFocus()
    window.commands.zoom_in_action.trigger()
    qtbot.waitUntil(lambda: window.page.rendering, timeout=5_000)
    assert "Paragraph 4999" not in text_of(window)  # still refilling
    QGuiApplication.clipboard().clear()
    return whole


def _copied_all(qtbot: QtBot, window: MainWindow, whole: str) -> None:
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
    qtbot.waitUntil(lambda: "Paragraph 4999" in QGuiApplication.clipboard().text(), timeout=5_000)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Name") and copied.rstrip().endswith("Paragraph 4999 of the page.")
    assert len(copied) >= len(whole) - 200  # all of it (its table cut for the new width)


def test_select_all_and_copy_while_the_page_is_laid_out_again_copy_all_of_it(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    whole = _zoomed(qtbot, window, servers, "Paragraph 4000 ")  # (the picture still up)
    view = window.page.document_view
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    _copied_all(qtbot, window, whole)


def _zoomed_and_place_back(qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]) -> str:
    """:func:`_zoomed` near the page's top: its place is back on screen (the picture gone)
    while the rest of it still renders."""
    whole = _zoomed(qtbot, window, servers, "Paragraph 30 ")
    picture = window.page.document_view.findChild(reading_place.FrozenFrame)
    qtbot.waitUntil(lambda: window.page.rendering and picture.isHidden(), timeout=10_000)
    assert "Paragraph 4999" not in text_of(window)
    return whole


def test_select_all_and_copy_once_the_place_is_back_still_copy_the_whole_page(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    # The reader sees the page (the picture is gone) and copies it: all of it, not the part
    # rendered again so far.
    whole = _zoomed_and_place_back(qtbot, window, servers)
    view = window.page.document_view
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    _copied_all(qtbot, window, whole)


def test_the_context_menus_select_all_and_copy_also_wait_for_the_whole_page(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    whole = _zoomed_and_place_back(qtbot, window, servers)
    view = window.page.document_view
    for name in ("select-all", "edit-copy"):  # right click, then the menu's item
        at = view.viewport().rect().center()
        event = QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at)
        )
        QApplication.sendEvent(view.viewport(), event)
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        action = next(a for a in menu.actions() if a.objectName() == name)
        assert action.isEnabled()  # (Copy too: Select All selected what is there)
        action.trigger()
        menu.close()
    assert window.page.rendering  # (the menu's actions wait: nothing copied yet)
    _copied_all(qtbot, window, whole)
    # ...and once the page is whole, the menu acts at once.
    QGuiApplication.clipboard().clear()
    view.setTextCursor(QTextCursor(view.document()))  # (no selection)
    at = view.viewport().rect().center()
    QApplication.sendEvent(
        view.viewport(),
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at)),
    )
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    next(a for a in menu.actions() if a.objectName() == "select-all").trigger()
    menu.close()
    assert view.textCursor().selectedText().startswith("Name")


def test_find_while_a_page_is_laid_out_again_shows_the_match_not_the_old_place(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    open_page(qtbot, window, servers, wide_table(10) + paragraphs(5000), "/find.html")
    read_at(qtbot, window, "Paragraph 4000 ")
    view = window.page.document_view
    window.page.renderer.tick_budget_s = 0  # one step a tick: the page refills in many
    window.commands.zoom_in_action.trigger()
    qtbot.waitUntil(lambda: window.page.rendering, timeout=5_000)
    assert "Paragraph 4000 " not in text_of(window)  # the old place is still to come
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.page.find_bar
    qtbot.waitUntil(bar.isVisible)
    qtbot.keyClicks(bar.edit, "Paragraph 10 ")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30_000)
    found = bar.current_range()
    assert found is not None and text_of(window)[found[0] : found[1]] == "Paragraph 10 "
    cursor = QTextCursor(view.document())
    cursor.setPosition(found[0])
    assert view.viewport().rect().contains(view.cursorRect(cursor).center())  # on screen
