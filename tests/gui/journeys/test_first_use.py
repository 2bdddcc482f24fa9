"""Journeys through what a first-time user met in the tabbed window (issue 12's findings):
the start page in its own reading font whatever tab it opens in, its table of keys in one
column, the link numbers beside the text they number, a stopped page that says it is
incomplete, history without the address twice, hint and error wording, no charset label on
Yonder's own pages, link hints that survive a window resize."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontInfo, QFontMetricsF, QTextCursor
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import Held, html_response
from tests.gui.shown import shown_format
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.shell.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
TEXT = [("Content-Type", "text/plain; charset=utf-8")]


def fixed_pitch(window: MainWindow) -> bool:
    """The document view's text is in a monospace font (as Qt resolved it on screen)."""
    return QFontInfo(window.page.document_view.font()).fixedPitch()


def text_site(servers: list[LoopbackServer]) -> LoopbackServer:
    pages = {
        "/notes.txt": send(http_response(200, b"plain notes\nin a monospace font\n", TEXT)),
        "/page.html": send(html_response("<title>Page</title><p>A page without links.</p>")),
    }
    return serve(servers, routes(pages))


def test_the_start_page_is_in_its_reading_font_in_a_new_tab_opened_from_a_text_page(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = text_site(servers)
    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)
    assert window.page.is_start_page() and not fixed_pitch(window)
    reading_family = window.page.document_view.font().family()
    drive.open_address(qtbot, window, srv.url("/notes.txt"))
    assert "plain notes" in drive.screen_text(window) and fixed_pitch(window)
    text_page = window.page

    drive.press(qtbot, Qt.Key.Key_T, CTRL)  # Ctrl+T from the text page
    drive.wait_loaded(qtbot, window)
    assert window.page is not text_page and window.page.is_start_page()
    assert "Welcome to Yonder" in drive.screen_text(window)
    assert not fixed_pitch(window)
    assert window.page.document_view.font().family() == reading_family

    # Duplicate Tab of the text page: the copy shows the text (monospace), and its Back
    # goes to the start page, in the start page's own font.
    drive.press(qtbot, Qt.Key.Key_Tab, CTRL)  # Ctrl+Tab: round to the text page's tab
    qtbot.waitUntil(lambda: window.page is text_page)
    bar = window.tabs.bar
    menu = drive.right_click(qtbot, window, bar, bar.tabRect(bar.currentIndex()).center())
    drive.choose(qtbot, menu, "Duplicate Tab")
    drive.wait_loaded(qtbot, window)
    assert window.page is not text_page and "plain notes" in drive.screen_text(window)
    assert fixed_pitch(window)
    drive.trigger(window, "Go", "Back")
    drive.wait_loaded(qtbot, window)
    assert window.page.is_start_page() and not fixed_pitch(window)


def column_slack(window: MainWindow) -> float:
    """How far apart two x's may be and still read as one column: a quarter of an average
    character of the document view's font (sub-pixel glyph positions and hinting differ
    between machines; a column off by a character or more is what a reader sees)."""
    return QFontMetricsF(window.page.document_view.font()).averageCharWidth() / 4


def description_xs(window: MainWindow, first_key: str, last_key: str) -> dict[str, int]:
    """The x on screen where each line of the table of keys (from the line of ``first_key``
    to that of ``last_key``) has its description start: key -> x."""
    view = window.page.document_view
    block = view.document().begin()
    xs: dict[str, int] = {}
    inside = False
    while block.isValid():
        text = block.text()
        key = text.strip().split("  ", 1)[0]
        inside = inside or key == first_key
        if inside:
            start = len(text) - len(text.split("  ")[-1].lstrip())  # after the padding
            cursor = QTextCursor(block)
            cursor.setPosition(block.position() + start)
            view.setTextCursor(cursor)  # the caret goes there: the view scrolls to it
            xs[key] = view.cursorRect().x()
            if key == last_key:
                break
        block = block.next()
    return xs


def test_the_table_of_keys_lines_its_descriptions_up_in_the_reading_font(
    qtbot: QtBot, window: MainWindow
) -> None:
    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)
    assert not fixed_pitch(window)
    xs = description_xs(window, "Ctrl+L", "Ctrl+Shift+W, Ctrl+Q")
    assert len(xs) > 30 and {"f", "Ctrl+Shift+E", "Alt+1 … Alt+9"} <= set(xs)
    slack = column_slack(window)
    assert max(xs.values()) - min(xs.values()) <= slack, (slack, xs)
    # The key column is wider than the widest key: no description touches its key.
    view = window.page.document_view
    assert min(xs.values()) > view.fontMetrics().horizontalAdvance("Tab, Shift+Tab, Enter")
    drive.trigger(window, "Help", "Keys")  # the same table on a page of its own
    drive.wait_loaded(qtbot, window)
    xs = description_xs(window, "Ctrl+L", "Ctrl+Shift+W, Ctrl+Q")
    assert len(xs) > 30 and max(xs.values()) - min(xs.values()) <= column_slack(window), xs


def test_yonder_s_own_pages_show_no_charset_and_a_web_page_still_does(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = text_site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    label = window.page.charset_label
    assert label.isVisible() and label.text() == "UTF-8 · from Content-Type"
    drive.press(qtbot, Qt.Key.Key_H, CTRL)  # history
    drive.wait_loaded(qtbot, window)
    assert window.page.url == "yonder:history" and "Page" in drive.screen_text(window)
    qtbot.waitUntil(lambda: not window.page.rendering)
    assert window.page.charset_label.text() == ""
    drive.press(qtbot, Qt.Key.Key_O, CTRL_SHIFT)  # bookmarks
    drive.wait_loaded(qtbot, window)
    assert window.page.url == "yonder:bookmarks" and window.page.charset_label.text() == ""
    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)
    assert window.page.charset_label.text() == ""
    drive.press(qtbot, Qt.Key.Key_Left, ALT)
    drive.press(qtbot, Qt.Key.Key_Left, ALT)
    drive.press(qtbot, Qt.Key.Key_Left, ALT)
    drive.wait_loaded(qtbot, window)
    assert window.page.url == srv.url("/page.html")
    assert window.page.charset_label.text() == "UTF-8 · from Content-Type"


def test_f_on_a_page_without_links_says_so_as_a_status_of_its_own(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = text_site(servers)
    drive.open_address(qtbot, window, srv.url("/page.html"))
    qtbot.waitUntil(lambda: drive.focused() is window.page.document_view)
    drive.press(qtbot, Qt.Key.Key_F)
    assert drive.hint_labels(window) == {}
    prompt = drive.hint_prompt(window)
    assert prompt.startswith("No links on screen to follow") and "loading" not in prompt
    assert "yet" not in prompt
    drive.press(qtbot, Qt.Key.Key_Escape)
    assert drive.hint_prompt(window) == ""


def test_history_names_a_plain_text_page_by_its_file_and_shows_its_address_once(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = text_site(servers)
    drive.open_address(qtbot, window, srv.url("/notes.txt"))
    drive.open_address(qtbot, window, srv.url("/page.html"))
    drive.press(qtbot, Qt.Key.Key_H, CTRL)  # Ctrl+H: yonder:history
    drive.wait_loaded(qtbot, window)
    lines = drive.screen_text(window).splitlines()
    notes = [line for line in lines if srv.url("/notes.txt") in line]
    assert len(notes) == 1 and notes[0].count(srv.url("/notes.txt")) == 1, notes
    assert "notes.txt — " + srv.url("/notes.txt") in notes[0]  # its file name, then where
    titled = [line for line in lines if srv.url("/page.html") in line]
    assert len(titled) == 1 and "Page — " + srv.url("/page.html") in titled[0], titled


def test_an_invalid_address_says_what_failed_and_what_to_do_naming_it_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    drive.enter_address(qtbot, window, "hello world")
    drive.wait_loaded(qtbot, window)
    text = drive.screen_text(window)
    assert "'hello world' in 'hello world'" not in text
    failed = text.split("What failed\n", 1)[1].split("\n", 1)[0]
    assert failed.startswith("Address: 'hello world' is not a valid host name"), failed
    assert text.count("hello world") == 1
    assert "no spaces" in failed and "example.org" in failed  # what the user can do
    banner = window.page.error_banner.label.text()
    assert banner.count("hello world") == 1 and "no spaces" in banner
    assert "Address: hello world" not in text  # the address is said once, in the message
    assert "What you can do\nCheck the address" in text


def test_a_page_stopped_mid_transfer_says_it_is_incomplete_and_how_much_arrived(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    body = b"a slow line of the document\n" * 4000  # 112,000 bytes, the first 20,000 sent
    held = Held(http_response(200, body, TEXT), 20_000 + 200)
    srv = serve(servers, held)
    drive.enter_address(qtbot, window, srv.url("/slow.txt"))
    page = window.page
    qtbot.waitUntil(lambda: page.store.body_size >= 20_000, timeout=10000)
    qtbot.waitUntil(lambda: drive.focused() is page.document_view)
    assert not page.notice_bar.isVisible()
    drive.press(qtbot, Qt.Key.Key_Escape)  # Stop
    qtbot.waitUntil(lambda: page.load_ok is False)
    notice = page.notice_bar.label.text()
    assert page.notice_bar.isVisible()
    assert notice.startswith("Stopped: this page is incomplete"), notice
    got = page.store.body_size
    assert f"{got:,} of {len(body):,} bytes" in notice, notice
    assert "Reload (F5)" in notice
    held.release()
    drive.trigger(window, "Go", "Home")  # another page: the notice goes with the stopped one
    drive.wait_loaded(qtbot, window)
    assert not page.notice_bar.isVisible()


def test_a_page_stopped_before_the_server_answered_says_nothing_arrived(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    held = Held(http_response(200, b"late\n", TEXT), 0)  # sends nothing until released
    srv = serve(servers, held)
    drive.enter_address(qtbot, window, srv.url("/late.txt"))
    page = window.page
    qtbot.waitUntil(lambda: len(drive.requests_to(srv, "/late.txt")) == 1, timeout=10000)
    drive.trigger(window, "Go", "Stop")
    qtbot.waitUntil(lambda: page.load_ok is False)
    assert page.notice_bar.isVisible()
    assert page.notice_bar.label.text().startswith("Stopped before the server answered")
    held.release()


def test_link_hints_stay_on_when_a_resize_lays_the_page_s_table_out_again(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    rows = "".join(
        f"<tr><td><a href='/row{n}.html'>row {n}</a></td><td>{'a wide cell ' * 12}</td></tr>"
        for n in range(6)
    )
    pages = {
        "/table.html": send(html_response(f"<title>Table</title><table>{rows}</table>")),
        **{
            f"/row{n}.html": send(html_response(f"<title>Row {n}</title><p>Row page {n}.</p>"))
            for n in range(6)
        },
    }
    srv = serve(servers, routes(pages))
    drive.open_address(qtbot, window, srv.url("/table.html"))
    page = window.page
    assert page.renderer.has_tables
    qtbot.waitUntil(lambda: drive.focused() is page.document_view)
    drive.press(qtbot, Qt.Key.Key_F)
    links = {srv.url(f"/row{n}.html") for n in range(6)}
    assert set(drive.hint_labels(window).values()) == links
    columns = page.renderer.table_width
    window.resize(window.width() * 2 // 3, window.height())  # the table is laid out again
    qtbot.waitUntil(lambda: page.renderer.table_width != columns)
    qtbot.waitUntil(lambda: not page.rendering)
    assert page.document_view.link_hints.hinting  # still on, placed where the links are now
    qtbot.waitUntil(lambda: set(drive.hint_labels(window).values()) == links)
    assert drive.hint_prompt(window).startswith("Hints (follow)")
    labels = {href: label for label, href in drive.hint_labels(window).items()}
    drive.type_text(qtbot, labels[srv.url("/row4.html")])
    drive.wait_loaded(qtbot, window)
    assert "Row page 4." in drive.screen_text(window)


NUMBERED_PAGE = (
    "<title>Numbers</title><p><a href='/a.html'>Leading link</a> starts the paragraph, then"
    " see (<a href='/b.html'>the notes</a>) and Chapter <a href='/c.html'>number 3</a> of the"
    " book, word<a href='/d.html'>glued</a> to a word.</p>"
    "<ul><li><a href='/e.html'>list link</a> in a list</li>"
    "<li>text then <a href='/f.html'>another</a></li></ul>"
)


def char_box(window: MainWindow, pos: int) -> QRectF:
    """The box of the character at document position ``pos`` as drawn: from its x to its
    own advance in its font (without any room added after it)."""
    view = window.page.document_view
    cursor = QTextCursor(view.document())
    cursor.setPosition(pos)
    caret = view.cursorRect(cursor)
    cursor.setPosition(pos + 1, QTextCursor.MoveMode.KeepAnchor)
    font = QFont(view.font())
    font = shown_format(view, pos).font().resolve(font)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 100.0)
    advance = QFontMetricsF(font).horizontalAdvance(cursor.selectedText())
    return QRectF(caret.x(), caret.y(), advance, caret.height())


def test_link_numbers_have_room_of_their_own_and_cover_no_text(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, routes({"/numbers.html": send(html_response(NUMBERED_PAGE))}))
    drive.open_address(qtbot, window, srv.url("/numbers.html"))
    view = window.page.document_view
    text = drive.screen_text(window)
    plain_x = char_box(window, view.links()[1][0]).x()
    drive.trigger(window, "View", "Numbered Links")
    overlay = view.link_hints.overlay
    qtbot.waitUntil(lambda: len(overlay.labels) == 6)
    assert drive.screen_text(window) == text  # room made, not text: Copy and Find unchanged
    links = view.links()
    slack = QFontMetricsF(view.font()).averageCharWidth() / 10
    checked = 0
    for label in overlay.labels:
        start, _end, href = links[int(label.text) - 1]
        assert drive.hint_labels(window)[label.text] == href
        badge = overlay.label_rect(label)
        first = char_box(window, start)  # the link's own first character
        assert not badge.intersects(first), (label.text, badge, first)
        block = view.document().findBlock(start)
        if start > block.position():  # the character before it, on its line
            before = char_box(window, start - 1)
            assert before.y() == first.y()
            assert not badge.intersects(before), (label.text, badge, before)
            # Beside it, not over it: at most a sliver of antialiasing (a tenth of a
            # character of the page's font) may meet the character's own advance.
            assert badge.left() >= before.right() - slack, (label.text, badge, before)
            checked += 1
        else:  # a line's first link: its number in the margin left of the text
            assert badge.right() <= first.left() and badge.left() >= -view.left_margin
    assert checked == 5
    # Numbers off: the room goes too, the text is where it was.
    drive.trigger(window, "View", "Numbered Links")
    qtbot.waitUntil(lambda: not overlay.isVisible())
    assert view.left_margin == 0
    assert char_box(window, view.links()[1][0]).x() == plain_x


def test_a_stopped_page_laid_out_again_for_a_zoom_still_says_it_is_incomplete(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    cells = "".join(f"<tr><td>row{i}<td>{'words in a cell ' * 12}" for i in range(40))
    doc = f"<html><body><table>{cells}</table>{'<p>more text</p>' * 4000}</body></html>"
    raw = http_response(200, doc.encode(), [("Content-Type", "text/html")])
    held = Held(raw, 30_000)
    srv = serve(servers, held)
    window.show()
    drive.enter_address(qtbot, window, srv.url("/slow.html"))
    page = window.page
    qtbot.waitUntil(lambda: page.store.body_size >= 20_000, timeout=10000)
    drive.trigger(window, "Go", "Stop")
    qtbot.waitUntil(lambda: page.load_ok is False and not page.rendering, timeout=10000)
    assert page.notice_bar.isVisible() and page.renderer.has_tables
    laid_out = page.renderer.rendered_width
    drive.trigger(window, "View", "Zoom In")
    qtbot.waitUntil(lambda: page.renderer.rendered_width != laid_out, timeout=10000)
    qtbot.waitUntil(lambda: not page.rendering, timeout=10000)
    assert page.notice_bar.isVisible()  # the page is no less incomplete for its new width
    assert page.notice_bar.label.text().startswith("Stopped: this page is incomplete")
    held.release()
