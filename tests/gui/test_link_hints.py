"""The document view's link hints (``f``), numbered links and new-tab requests: alone, and
numbered links in the window, turned on with View > Numbered Links. Two numbered-links tests
stay on a lone view with set_numbered (the slot that action calls): destroying the view
while a number shows (its destructor's order), and the room made a batch at a time
(ROOM_BATCH, patched small)."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QFont, QFontMetricsF, QKeySequence, QTextCursor
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.pages import html_response
from tests.gui.ranged_text import RangedText
from tests.gui.shown import shown_format
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, routes, send
from ui.page.document_view import DocumentView
from ui.shell.main_window import MainWindow
from ui.text.hint_labels import hint_labels


def page_of_links(
    qtbot: QtBot, lines: int = 60, track: bool = True
) -> tuple[QMainWindow, DocumentView]:
    """A window whose document view holds one link a line (``track``: closed by qtbot)."""
    win = QMainWindow()
    if track:
        qtbot.addWidget(win)
    view = DocumentView()
    win.setCentralWidget(view)
    win.resize(600, 400)
    for i in range(lines):
        view.append_text(f"line {i} ")
        view.append_link(f"link {i}", f"http://x/{i}")
        view.append_text("\n")
    view.flush_pending()
    win.show()
    qtbot.waitExposed(win)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    return win, view


def on_screen(view: DocumentView) -> list[str]:
    """The hrefs of the links whose first character is inside the viewport."""
    shown = []
    for start, _end, href in view.links():
        cursor = QTextCursor(view.document())
        cursor.setPosition(start)
        if view.viewport().rect().contains(view.cursorRect(cursor).center()):
            shown.append(href)
    return shown


def label_of(view: DocumentView, href: str) -> str:
    return next(label for label, target in view.link_hints.labels().items() if target == href)


def test_f_labels_every_link_on_screen_and_typing_one_follows_it(qtbot: QtBot) -> None:
    _win, view = page_of_links(qtbot)
    followed: list[str] = []
    view.link_activated.connect(followed.append)
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert view.link_hints.hinting
    labels = view.link_hints.labels()
    shown = on_screen(view)
    assert 9 < len(shown) < 60  # more than one letter's worth, less than the page
    assert sorted(labels.values(), key=shown.index) == shown
    assert sorted(labels) == sorted(hint_labels(len(shown)))
    assert view.link_hints.overlay.isVisible()
    target = shown[len(shown) // 2]
    label = label_of(view, target)
    assert len(label) == 2
    qtbot.keyClicks(view, label)
    assert followed == [target]
    assert not view.link_hints.hinting
    assert not view.link_hints.overlay.isVisible()


def test_letters_narrow_down_backspace_takes_back_and_a_wrong_letter_is_ignored(
    qtbot: QtBot,
) -> None:
    _win, view = page_of_links(qtbot)
    followed: list[str] = []
    view.link_activated.connect(followed.append)
    qtbot.keyClick(view, Qt.Key.Key_F)
    two = [label for label in view.link_hints.labels() if len(label) == 2]
    first = two[0][0]
    qtbot.keyClick(view, first)
    assert view.link_hints.typed == first
    assert all(label.startswith(first) for label in view.link_hints.labels())
    assert {lbl.text for lbl in view.link_hints.overlay.labels} == set(view.link_hints.labels())
    qtbot.keyClick(view, Qt.Key.Key_Q)  # not a hint letter
    qtbot.keyClick(view, Qt.Key.Key_Z)
    assert view.link_hints.typed == first and view.link_hints.hinting
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert view.link_hints.typed == ""
    assert len(view.link_hints.labels()) == len(on_screen(view))
    assert followed == []


def test_esc_cancels_hints_and_no_window_shortcut_takes_the_keys(qtbot: QtBot) -> None:
    win, view = page_of_links(qtbot)
    stop = QAction("Stop", win)
    stop.setShortcut(QKeySequence("Esc"))
    win.addAction(stop)
    stopped: list[bool] = []
    stop.triggered.connect(lambda: stopped.append(True))
    qtbot.keyClick(view, Qt.Key.Key_F)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.link_hints.hinting
    assert stopped == []  # Esc ended the hints, it did not stop the page
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert stopped == [True]  # without hints, Esc is the window's again


def test_a_window_shortcut_ends_hint_mode(qtbot: QtBot) -> None:
    win, view = page_of_links(qtbot)
    focus = QAction("Go to address bar", win)
    focus.setShortcut(QKeySequence("Ctrl+L"))
    win.addAction(focus)
    went: list[bool] = []
    focus.triggered.connect(lambda: went.append(True))
    qtbot.keyClick(view, Qt.Key.Key_F)
    qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert went == [True]
    assert not view.link_hints.hinting


def test_shift_opens_in_a_new_tab_on_f_or_on_the_last_letter(qtbot: QtBot) -> None:
    _win, view = page_of_links(qtbot)
    followed: list[str] = []
    tabs: list[str] = []
    view.link_activated.connect(followed.append)
    view.link_new_tab_requested.connect(tabs.append)
    shown = on_screen(view)

    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(view, label_of(view, shown[0]))
    assert tabs == [shown[0]]

    qtbot.keyClick(view, Qt.Key.Key_F)
    label = label_of(view, shown[-1])
    qtbot.keyClicks(view, label[:-1])
    qtbot.keyClick(view, label[-1].upper(), Qt.KeyboardModifier.ShiftModifier)
    assert tabs == [shown[0], shown[-1]]
    assert followed == []


def test_without_tabs_a_new_tab_request_opens_the_link_here(qtbot: QtBot) -> None:
    _win, view = page_of_links(qtbot)
    followed: list[str] = []
    view.link_activated.connect(followed.append)
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(view, label_of(view, "http://x/2"))
    assert followed == ["http://x/2"]


def test_enter_follows_the_first_label_still_matching(qtbot: QtBot) -> None:
    _win, view = page_of_links(qtbot)
    followed: list[str] = []
    view.link_activated.connect(followed.append)
    qtbot.keyClick(view, Qt.Key.Key_F)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert followed == [on_screen(view)[0]]


def test_labels_follow_the_page_when_it_scrolls(qtbot: QtBot) -> None:
    _win, view = page_of_links(qtbot, lines=200)
    followed: list[str] = []
    view.link_activated.connect(followed.append)
    qtbot.keyClick(view, Qt.Key.Key_F)
    before = view.link_hints.labels()
    qtbot.keyClick(view, Qt.Key.Key_Space)  # page down: the view scrolls, hints stay on
    assert view.link_hints.hinting
    qtbot.waitUntil(lambda: set(view.link_hints.labels().values()) == set(on_screen(view)))
    after = view.link_hints.labels()
    # The link that was last on screen is first now (a page keeps one line): same label.
    kept = set(before.items()) & set(after.items())
    assert kept, (before, after)
    bottom = on_screen(view)[-1]
    qtbot.keyClicks(view, label_of(view, bottom))
    assert followed == [bottom]


def test_links_streaming_in_get_labels(qtbot: QtBot) -> None:
    win = QMainWindow()
    qtbot.addWidget(win)
    view = DocumentView()
    win.setCentralWidget(view)
    win.resize(600, 400)
    win.show()
    qtbot.waitExposed(win)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    view.append_text("Still loading...\n")
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert view.link_hints.labels() == {}
    assert view.link_hints.overlay.prompt.startswith("No links on screen to follow")
    # Links given with the piece of text they are in, as the page renderer gives them.
    view.begin_stream()
    RangedText(view).append(
        "see the first and the second\n",
        [(8, 13, "http://x/first"), (22, 28, "http://x/second")],
    )
    qtbot.waitUntil(lambda: len(view.link_hints.labels()) == 2)
    first = label_of(view, "http://x/first")
    view.append_link("a third", "http://x/third")
    qtbot.waitUntil(lambda: len(view.link_hints.labels()) == 3)
    assert label_of(view, "http://x/first") == first  # kept while the reader types
    followed: list[str] = []
    view.link_activated.connect(followed.append)
    qtbot.keyClicks(view, label_of(view, "http://x/third"))
    assert followed == ["http://x/third"]


def links_site(servers: list[LoopbackServer], lines: int = 200) -> LoopbackServer:
    """A page with one link a line ("line i link i", to /i.html), and each link's page."""
    body = "<title>Links</title><p>" + "<br>".join(
        f"line {i} <a href='/{i}.html'>link {i}</a>" for i in range(lines)
    )
    pages: dict[str, object] = {
        "/links.html": send(html_response(body + "</p>")),
    }
    for i in range(lines):
        pages[f"/{i}.html"] = send(html_response(f"<title>{i}</title><p>Page {i}.</p>"))
    return serve(servers, routes(pages))


def place(href: str) -> str:
    """A link's place in links_site's page (1 for /0.html): its number."""
    return str(int(href.rsplit("/", 1)[1].split(".")[0]) + 1)


def test_numbered_links_show_page_numbers_and_digits_enter_follow(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = links_site(servers)
    drive.open_address(qtbot, window, srv.url("/links.html"))
    view = window.page.document_view
    qtbot.waitUntil(lambda: drive.focused() is view)
    text = drive.screen_text(window)
    action = drive.trigger(window, "View", "Numbered Links")
    assert action.isChecked()
    shown = on_screen(view)
    qtbot.waitUntil(lambda: drive.hint_labels(window) == {place(h): h for h in shown})
    assert "1" in drive.hint_labels(window) and len(shown) < 200
    assert drive.screen_text(window) == text  # the text itself is unchanged
    drive.press(qtbot, Qt.Key.Key_Space)  # a page down
    qtbot.waitUntil(lambda: "1" not in drive.hint_labels(window))
    # A number is the link's place in the page, wherever the view is.
    qtbot.waitUntil(lambda: drive.hint_labels(window) == {place(h): h for h in on_screen(view)})

    drive.type_text(qtbot, "120")
    assert "Link 120" in drive.hint_prompt(window)
    drive.press(qtbot, Qt.Key.Key_Backspace)
    drive.press(qtbot, Qt.Key.Key_Return)  # link 12 (off screen is fine, as in lynx)
    drive.wait_loaded(qtbot, window)
    assert window.address_bar.text() == srv.url("/11.html")
    assert "Page 11." in drive.screen_text(window)
    drive.trigger(window, "Go", "Back")
    drive.wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: drive.focused() is window.page.document_view)
    page = window.page
    drive.type_text(qtbot, "3")
    drive.press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # a new tab
    qtbot.waitUntil(lambda: len(drive.requests_to(srv, "/2.html")) == 1, timeout=10000)
    assert window.tabs.count() == 2 and window.page is page
    drive.type_text(qtbot, "999")
    drive.press(qtbot, Qt.Key.Key_Return)
    assert "No link 999" in drive.hint_prompt(window)
    assert window.page is page and window.page.url == srv.url("/links.html")
    drive.press(qtbot, Qt.Key.Key_Escape)
    assert drive.hint_prompt(window) == ""

    drive.trigger(window, "View", "Numbered Links")  # off
    assert not action.isChecked()
    qtbot.waitUntil(lambda: drive.hint_labels(window) == {})
    drive.type_text(qtbot, "5")
    drive.press(qtbot, Qt.Key.Key_Return)
    assert drive.requests_to(srv, "/4.html") == []  # digits are nothing without numbers


def test_middle_click_and_ctrl_click_ask_for_a_new_tab(qtbot: QtBot) -> None:
    _win, view = page_of_links(qtbot)
    followed: list[str] = []
    tabs: list[str] = []
    view.link_activated.connect(followed.append)
    view.link_new_tab_requested.connect(tabs.append)
    start = view.links()[1][0]
    cursor = QTextCursor(view.document())
    cursor.setPosition(start + 2)
    point = view.cursorRect(cursor).center()
    assert view.link_at(point) == "http://x/1"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.MiddleButton, pos=point)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, point
    )
    assert tabs == ["http://x/1", "http://x/1"]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert followed == ["http://x/1"]


def test_the_link_menu_offers_a_new_tab_only_where_tabs_open(qtbot: QtBot) -> None:
    _win, view = page_of_links(qtbot)
    start = view.links()[0][0]
    cursor = QTextCursor(view.document())
    cursor.setPosition(start + 2)
    point = view.cursorRect(cursor).center()
    texts = [a.text() for a in view.context_menu(point).actions()]
    assert "Open Link in New Tab" not in texts
    tabs: list[str] = []
    view.link_new_tab_requested.connect(tabs.append)
    menu = view.context_menu(point)
    texts = [a.text() for a in menu.actions()]
    assert texts[:3] == ["Open Link", "Open Link in New Tab", "Copy Link Address"]
    menu.actions()[1].trigger()
    assert tabs == ["http://x/0"]


def test_hint_mode_ends_when_the_page_loses_the_focus(qtbot: QtBot) -> None:
    _win, view = page_of_links(qtbot)
    qtbot.keyClick(view, Qt.Key.Key_F)
    view.clearFocus()
    qtbot.waitUntil(lambda: not view.link_hints.overlay.isVisible())
    assert not view.link_hints.hinting


def test_destroying_a_view_with_hints_or_a_number_showing_is_safe(qtbot: QtBot) -> None:
    # Its destructor hides it and takes the focus away: the hints must not touch it then.
    for start in ("hints", "number"):
        win, view = page_of_links(qtbot, lines=20, track=False)
        if start == "hints":
            qtbot.keyClick(view, Qt.Key.Key_F)
        else:
            view.link_hints.set_numbered(True)
            qtbot.keyClicks(view, "4")
        assert view.link_hints.overlay.isVisible()
        shiboken6.delete(win)
        QApplication.processEvents()  # the deferred repaint finds no view: nothing runs
        assert not shiboken6.isValid(view)


def test_a_click_ends_hint_mode(qtbot: QtBot) -> None:
    _win, view = page_of_links(qtbot)
    qtbot.keyClick(view, Qt.Key.Key_F)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.rect().center())
    qtbot.waitUntil(lambda: not view.link_hints.overlay.isVisible())
    assert not view.link_hints.hinting


def test_a_new_page_ends_hint_mode_and_the_numbers_stay(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = links_site(servers, lines=20)
    drive.open_address(qtbot, window, srv.url("/links.html"))
    action = drive.trigger(window, "View", "Numbered Links")
    qtbot.waitUntil(lambda: drive.hint_labels(window).get("1") == srv.url("/0.html"))
    qtbot.waitUntil(lambda: drive.focused() is window.page.document_view)
    drive.press(qtbot, Qt.Key.Key_F)
    assert drive.hint_prompt(window).startswith("Hints")
    drive.trigger(window, "Go", "Home")  # a new page while the hints show
    drive.wait_loaded(qtbot, window)
    view = window.page.document_view
    assert window.page.is_start_page() and not view.link_hints.hinting
    assert action.isChecked()
    # The start page's links are numbered from 1 (scrolled to the first, as a reader does).
    first = view.links()[0][2]
    drive.link_point(window, first)
    qtbot.waitUntil(lambda: drive.hint_labels(window).get("1") == first)
    assert srv.url("/0.html") not in drive.hint_labels(window).values()


def char_box(view: DocumentView, pos: int) -> QRectF:
    """The box of the character at document position ``pos`` as drawn (viewport
    coordinates): from its x to its own advance in its font, without the room added after
    it (its letter spacing)."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(pos)
    caret = view.cursorRect(cursor)
    cursor.setPosition(pos + 1, QTextCursor.MoveMode.KeepAnchor)
    font = shown_format(view, pos).font().resolve(QFont(view.font()))
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 100.0)
    advance = QFontMetricsF(font).horizontalAdvance(cursor.selectedText())
    return QRectF(caret.x(), caret.y(), advance, caret.height())


def badges_clear_of_text(view: DocumentView) -> bool:
    """Every number painted now sits clear of the text: of its link's first character,
    and of the character before the link on its line."""
    overlay = view.link_hints.overlay
    links = view.links()
    assert overlay.labels, "no number painted"
    for label in overlay.labels:
        badge = overlay.label_rect(label)
        start = links[int(label.text) - 1][0]
        if badge.intersects(char_box(view, start)):
            return False
        line_start = view.document().findBlock(start).position()
        if start > line_start and badge.intersects(char_box(view, start - 1)):
            return False
    return True


def test_numbered_links_make_room_for_a_long_page_a_batch_at_a_time(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The batches are internal (ROOM_BATCH links a turn of the event loop), so this one is
    # on a lone view with set_numbered, the slot View > Numbered Links calls; what it checks
    # is the layout a reader sees: where the links' text is, where the numbers are painted.
    from ui.page import link_hints

    monkeypatch.setattr(link_hints, "ROOM_BATCH", 7)
    _win, view = page_of_links(qtbot, lines=40)
    text = view.toPlainText()
    links = view.links()

    def x_of(index: int) -> float:
        return char_box(view, links[index][0]).x()

    plain = [x_of(0), x_of(39)]
    view.link_hints.set_numbered(True)
    assert x_of(0) > plain[0]  # the first batch: room before its links now
    assert x_of(39) == plain[1]  # the rest: on later turns of the event loop
    qtbot.waitUntil(lambda: x_of(39) > plain[1])
    assert view.toPlainText() == text and view.left_margin > 0
    # On screen, top and bottom of the page: no number over any text.
    qtbot.waitUntil(lambda: "1" in view.link_hints.labels())
    assert badges_clear_of_text(view)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "40" in view.link_hints.labels())
    assert badges_clear_of_text(view)
    view.link_hints.set_numbered(False)
    qtbot.waitUntil(lambda: x_of(39) == plain[1])
    assert x_of(0) == plain[0]
    assert view.left_margin == 0 and view.toPlainText() == text
