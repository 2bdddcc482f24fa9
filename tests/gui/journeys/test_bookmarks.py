"""Journeys through bookmarks and history: Ctrl+D and the Bookmarks menu, yonder:bookmarks
(edit, delete, search), import and export of a Netscape bookmark file as another browser
writes it, yonder:history (Ctrl+H, search, clear), address-bar completion, and action links
that must not work from anywhere but Yonder's own pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.downloads.save_file import LAST_DIRECTORY_KEY
from ui.library.netscape import parse_netscape
from ui.shell.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def page(title: str, body: str) -> bytes:
    html = f"<html><head><title>{title}</title></head><body><p>{body}</p></body></html>"
    return http_response(200, html.encode(), [("Content-Type", "text/html; charset=utf-8")])


def site(servers: list[LoopbackServer], **pages: tuple[str, str]) -> LoopbackServer:
    """A loopback server with /<name>.html for each page (title, body text)."""
    table = {f"/{name}.html": send(page(*content)) for name, content in pages.items()}
    return serve(servers, routes(table))


def back_in_window(qtbot: QtBot, win: MainWindow) -> None:
    """Until the window has the keyboard focus again after a dialog closed, and is the active
    window (so its shortcuts work). Offscreen there is no window manager to give activation
    back when the address bar's completion popup closes: do what one does."""
    qtbot.waitUntil(lambda: (w := QApplication.focusWidget()) is not None and w.window() is win)
    if QApplication.activeWindow() is not win and QApplication.activePopupWidget() is None:
        win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)


def go(qtbot: QtBot, win: MainWindow, address: str) -> None:
    """Type an address as a user does: Ctrl+L, the text, Enter; wait until it is shown."""
    back_in_window(qtbot, win)
    drive.press(qtbot, Qt.Key.Key_L, CTRL)
    drive.type_text(qtbot, address)
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, win)


def show(qtbot: QtBot, win: MainWindow, url: str) -> None:
    qtbot.waitUntil(lambda: win.address_bar.text() == url and win.page.load_ok is not None)
    drive.wait_loaded(qtbot, win)


def fill_dialog(
    qtbot: QtBot, *steps: str | Qt.Key, then: Callable[[QWidget], None] | None = None
) -> list[str]:
    """Answer the next modal dialog as a user fills a form: text typed into the focused field
    (replacing it), keys (Tab) pressed there; then Enter, and ``then(dialog)`` if given (the
    dialog may still be open: a check, then Esc). Returns the dialog titles seen."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.windowTitle())
        for step in steps:
            field = dialog.focusWidget() or dialog
            if isinstance(step, str):
                qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
                qtbot.keyClicks(field, step)
            else:
                qtbot.keyClick(field, step)
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
        if then is not None:
            then(dialog)

    QTimer.singleShot(0, answer)
    return seen


def stored_bookmarks(win: MainWindow) -> list[dict[str, object]]:
    doc = json.loads(win.settings.bookmarks_path.read_text(encoding="utf-8"))
    assert doc["format"] == "yonder-bookmarks"
    return list(doc["bookmarks"])


def test_ctrl_d_bookmarks_the_page_and_the_bookmarks_menu_opens_it(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, romeo=("Romeo and Juliet", "But soft, what light"))
    go(qtbot, window, srv.url("/romeo.html"))
    assert "But soft" in drive.screen_text(window)
    back_in_window(qtbot, window)
    titles = drive.answer_dialogs(qtbot, "Romeo, bookmarked")
    drive.press(qtbot, Qt.Key.Key_D, CTRL)
    assert titles == ["Add Bookmark"]
    assert "Bookmarked “Romeo, bookmarked”" in drive.status_text(window)
    assert [(b["title"], b["url"]) for b in stored_bookmarks(window)] == [
        ("Romeo, bookmarked", srv.url("/romeo.html"))
    ]

    go(qtbot, window, "about:start")
    assert "Start page" in window.windowTitle()
    drive.trigger(window, "Bookmarks", "Romeo, bookmarked")
    show(qtbot, window, srv.url("/romeo.html"))
    assert "But soft, what light" in drive.screen_text(window)
    assert window.windowTitle().startswith("Romeo and Juliet")
    assert len(drive.requests_to(srv, "/romeo.html")) == 2


def test_bookmark_this_page_with_a_folder_then_edit_search_and_delete_on_the_page(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, a=("Page A", "alpha text"), b=("Page B", "beta text"))
    go(qtbot, window, srv.url("/a.html"))
    # The title, then Tab past the address to the folder field, a folder in a folder, Enter.
    seen = fill_dialog(qtbot, "A", Qt.Key.Key_Tab, Qt.Key.Key_Tab, "Reading/Plays")
    drive.trigger(window, "Bookmarks", "Bookmark This Page…")
    qtbot.waitUntil(lambda: seen == ["Add Bookmark"])
    assert drive.find_action(window, "Bookmarks", "Reading", "Plays", "A")
    go(qtbot, window, srv.url("/b.html"))
    drive.answer_dialogs(qtbot, "B")
    drive.trigger(window, "Bookmarks", "Bookmark This Page…")
    (entry,) = [b for b in window.library.bookmarks if b.title == "B"]

    drive.trigger(window, "Bookmarks", "Show All Bookmarks")
    show(qtbot, window, "yonder:bookmarks")
    text = drive.screen_text(window)
    assert "2 bookmarks" in text and "A — " in text and "B — " in text
    assert text.index("B — ") < text.index("Reading › Plays") < text.index("A — ")
    edit = next(h for _, _, h in window.page.document_view.links() if f"edit={entry.id}" in h)
    titles = drive.answer_dialogs(qtbot, "B renamed")
    drive.click_link(qtbot, window, edit)
    assert titles == ["Edit Bookmark"]
    qtbot.waitUntil(lambda: "B renamed — " in drive.screen_text(window))
    drive.wait_loaded(qtbot, window)
    assert "Saved “B renamed”." in drive.screen_text(window)
    assert stored_bookmarks(window)[1]["title"] == "B renamed"
    assert drive.find_action(window, "Bookmarks", "B renamed").toolTip() == srv.url("/b.html")

    search = next(h for _, _, h in window.page.document_view.links() if "search=" in h)
    titles = drive.answer_dialogs(qtbot, "renamed")
    drive.click_link(qtbot, window, search)
    assert titles == ["Search Bookmarks"]
    show(qtbot, window, "yonder:bookmarks?q=renamed")
    text = drive.screen_text(window)
    assert "1 of 2 bookmarks match “renamed”" in text
    assert "B renamed — " in text and "A — " not in text
    drive.click_link(qtbot, window, "yonder:bookmarks")  # Show all
    show(qtbot, window, "yonder:bookmarks")

    (a,) = [b for b in window.library.bookmarks if b.title == "A"]
    delete = next(h for _, _, h in window.page.document_view.links() if f"delete={a.id}" in h)
    drive.click_link(qtbot, window, delete)
    qtbot.waitUntil(lambda: "Deleted “A”" in drive.screen_text(window))
    drive.wait_loaded(qtbot, window)
    assert "1 bookmark." in drive.screen_text(window)
    assert [b["title"] for b in stored_bookmarks(window)] == ["B renamed"]
    assert not any(p[-1] == "A" for p, _ in drive.menu_actions(window))
    assert not any(p[:2] == ("Bookmarks", "Reading") for p, _ in drive.menu_actions(window))
    assert window.address_bar.text() == "yonder:bookmarks"  # never the action's address


def test_import_a_firefox_bookmark_file_then_export_and_read_it_back(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    srv = site(servers, docs=("Python docs", "the docs page"), news=("News", "headlines"))
    firefox = tmp_path / "bookmarks-firefox.html"
    # As Firefox writes it (Bookmarks > Manage Bookmarks > Import and Backup > Export).
    firefox.write_text(
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
        "<!-- This is an automatically generated file.\n"
        "     It will be read and overwritten.\n"
        "     DO NOT EDIT! -->\n"
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n'
        "<TITLE>Bookmarks</TITLE>\n"
        "<H1>Bookmarks Menu</H1>\n\n"
        "<DL><p>\n"
        '    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000001" '
        'PERSONAL_TOOLBAR_FOLDER="true">Bookmarks Toolbar</H3>\n'
        "    <DL><p>\n"
        f'        <DT><A HREF="{srv.url("/docs.html")}" ADD_DATE="1700000002" '
        'ICON="data:image/png;base64,iVBORw0KGgo=">Python &amp; docs</A>\n'
        '        <DT><A HREF="place:sort=8&amp;maxResults=10">Most Visited</A>\n'
        "    </DL><p>\n"
        f'    <DT><A HREF="{srv.url("/news.html")}" ADD_DATE="1700000003">Caf&eacute; news</A>\n'
        "    <DD>A description Firefox keeps\n"
        "</DL>\n",
        encoding="utf-8",
    )
    # The file dialogs open where the last save went: here, as an earlier session left it.
    window.settings.store.setValue(LAST_DIRECTORY_KEY, str(tmp_path))
    titles = drive.answer_dialogs(qtbot, firefox.name)
    drive.trigger(window, "Bookmarks", "Import Bookmarks…")
    assert titles == ["Import Bookmarks"]
    show(qtbot, window, "yonder:bookmarks")
    text = drive.screen_text(window)
    assert "2 bookmarks, 1 skipped" in text and "2 added" in text
    assert "Bookmarks Toolbar" in text and "Python & docs" in text and "Café news" in text
    # The menu is rebuilt in the turn after the import's end (a turn of its own).
    path = ("Bookmarks", "Bookmarks Toolbar", "Python & docs")
    qtbot.waitUntil(lambda: any(found == path for found, _ in drive.menu_actions(window)))

    drive.click_link(qtbot, window, srv.url("/news.html"))  # follow an imported bookmark
    show(qtbot, window, srv.url("/news.html"))
    assert "headlines" in drive.screen_text(window)
    assert len(drive.requests_to(srv, "/news.html")) == 1

    exported = tmp_path / "exported.html"
    titles = drive.answer_dialogs(qtbot, exported.name)
    drive.trigger(window, "Bookmarks", "Export Bookmarks…")
    assert titles == ["Export Bookmarks"]
    qtbot.waitUntil(exported.exists)
    data = exported.read_bytes()
    assert data.startswith(b"<!DOCTYPE NETSCAPE-Bookmark-file-1>")
    assert b"<DT><H3>Bookmarks Toolbar</H3>" in data
    assert b">Python &amp; docs</A>" in data
    back = parse_netscape(data)
    assert [(b.title, b.url, b.folder, b.added) for b in back.bookmarks] == [
        ("Python & docs", srv.url("/docs.html"), "Bookmarks Toolbar", 1700000002),
        ("Café news", srv.url("/news.html"), "", 1700000003),
    ]
    assert "Exported 2 bookmarks" in drive.status_text(window)

    # Importing the same file again adds nothing (every address is there already).
    drive.answer_dialogs(qtbot, exported.name)
    drive.trigger(window, "Bookmarks", "Import Bookmarks…")
    qtbot.waitUntil(lambda: "2 already there; 0 added" in drive.screen_text(window))
    assert len(window.library.bookmarks) == 2


def test_importing_20000_bookmarks_keeps_the_window_responsive_and_adds_them_all(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """The file is read, parsed and merged on a thread of its own (it froze the window for
    ~1 s before): the event loop turns throughout, the status bar says what is going on, and
    then every bookmark is in the file, the menu and yonder:bookmarks."""
    from ui.library.bookmarks import MAX_BOOKMARKS, Bookmark, Bookmarks
    from ui.library.netscape import to_netscape

    made = Bookmarks(
        Bookmark(0, f"Page {i}", f"https://site{i % 300}.example/p/{i}", f"Folder {i % 20}")
        for i in range(MAX_BOOKMARKS)
    )
    exported = tmp_path / "big.html"
    exported.write_bytes(to_netscape(made))
    window.settings.store.setValue(LAST_DIRECTORY_KEY, str(tmp_path))
    library = window.library
    ticks_while_importing = [0]

    def tick() -> None:
        if library.import_job is not None:
            ticks_while_importing[0] += 1

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(1)
    drive.answer_dialogs(qtbot, exported.name)
    drive.trigger(window, "Bookmarks", "Import Bookmarks…")
    assert library.import_job is not None  # the action returned with the import under way
    assert f"Importing bookmarks from {exported}" in drive.status_text(window)
    assert not library.import_action.isEnabled()  # one import at a time
    qtbot.waitUntil(lambda: library.import_job is None, timeout=60_000)
    timer.stop()
    assert ticks_while_importing[0] >= 5  # the window's event loop ran during the import
    assert library.import_action.isEnabled()
    note = f"Imported from {exported}: {MAX_BOOKMARKS} bookmarks; {MAX_BOOKMARKS} added."
    qtbot.waitUntil(lambda: note in drive.screen_text(window), timeout=30_000)
    assert window.address_bar.text() == "yonder:bookmarks"
    assert len(library.bookmarks) == MAX_BOOKMARKS
    stored = stored_bookmarks(window)
    # (the file lists them folder by folder, as browsers write it)
    assert sorted((b["title"], b["url"], b["folder"]) for b in stored) == sorted(
        (b.title, b.url, b.folder) for b in made
    )
    path = ("Bookmarks", "Folder 0", "Page 0")
    qtbot.waitUntil(lambda: any(found == path for found, _ in drive.menu_actions(window)))


def test_a_bookmark_added_during_an_import_is_kept(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The import merges into a snapshot on its thread; a bookmark added meanwhile (Ctrl+D)
    is not undone: the file is merged again into the bookmarks as they are then."""
    import threading

    from ui.library import netscape

    srv = site(servers, page=("Added meanwhile", "text"))
    file = tmp_path / "few.html"
    file.write_text(
        '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="https://a.example/">A</A>\n'
        '<DT><A HREF="https://b.example/">B</A>\n</DL>\n',
        encoding="utf-8",
    )
    release = threading.Event()
    real = netscape.parse_netscape

    def held(data: bytes) -> netscape.ImportResult:
        release.wait(30)  # the import's thread waits here while the user bookmarks a page
        return real(data)

    monkeypatch.setattr(netscape, "parse_netscape", held)
    go(qtbot, window, srv.url("/page.html"))
    window.settings.store.setValue(LAST_DIRECTORY_KEY, str(tmp_path))
    drive.answer_dialogs(qtbot, file.name)
    drive.trigger(window, "Bookmarks", "Import Bookmarks…")
    try:
        assert window.library.import_job is not None
        back_in_window(qtbot, window)
        drive.answer_dialogs(qtbot, "Added meanwhile")
        drive.press(qtbot, Qt.Key.Key_D, CTRL)
        qtbot.waitUntil(lambda: len(window.library.bookmarks) == 1)
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.library.import_job is None, timeout=30_000)
    titles = [b.title for b in window.library.bookmarks]
    assert titles == ["Added meanwhile", "A", "B"]
    assert [b["title"] for b in stored_bookmarks(window)] == titles
    qtbot.waitUntil(lambda: "2 added" in drive.screen_text(window))


def test_an_address_that_cannot_be_bookmarked_is_refused_in_the_dialog_and_nothing_is_lost(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, page=("A page", "text"))
    go(qtbot, window, srv.url("/page.html"))
    said: list[str] = []

    def refused_then_cancel(dialog: QWidget) -> None:
        assert dialog.isVisible()  # Enter did not accept it
        said.extend(label.text() for label in dialog.findChildren(QLabel) if label.isVisible())
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)

    seen = fill_dialog(
        qtbot, "Title", Qt.Key.Key_Tab, "ftp://files.example/x", then=refused_then_cancel
    )
    drive.trigger(window, "Bookmarks", "Bookmark This Page…")
    qtbot.waitUntil(lambda: seen == ["Add Bookmark"] and bool(said))
    assert any("This address cannot be bookmarked" in t and "ftp" in t for t in said), said
    assert len(window.library.bookmarks) == 0
    assert not window.settings.bookmarks_path.exists()


def test_importing_a_file_that_is_not_bookmarks_says_so_and_keeps_everything(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    junk = tmp_path / "photo.html"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    window.settings.store.setValue(LAST_DIRECTORY_KEY, str(tmp_path))
    drive.answer_dialogs(qtbot, junk.name)
    drive.trigger(window, "Bookmarks", "Import Bookmarks…")
    qtbot.waitUntil(lambda: "Nothing imported" in drive.status_text(window))
    assert "not a Netscape bookmark file" in drive.status_text(window)
    assert len(window.library.bookmarks) == 0


def test_history_page_lists_visits_newest_first_and_searches_them(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, one=("Alpha page", "one"), two=("Beta page", "two"))
    go(qtbot, window, srv.url("/one.html"))
    go(qtbot, window, srv.url("/two.html"))
    back_in_window(qtbot, window)
    drive.press(qtbot, Qt.Key.Key_H, CTRL)
    show(qtbot, window, "yonder:history")
    text = drive.screen_text(window)
    assert "2 pages visited" in text
    assert text.index("Beta page") < text.index("Alpha page")  # newest first
    search = next(h for _, _, h in window.page.document_view.links() if "search=" in h)
    titles = drive.answer_dialogs(qtbot, "alpha")
    drive.click_link(qtbot, window, search)
    assert titles == ["Search History"]
    show(qtbot, window, "yonder:history?q=alpha")
    text = drive.screen_text(window)
    assert "1 of 2 pages visited match “alpha”" in text
    assert "Alpha page" in text and "Beta page" not in text
    assert window.windowTitle().startswith("History: “alpha”")
    drive.click_link(qtbot, window, srv.url("/one.html"))
    show(qtbot, window, srv.url("/one.html"))
    assert len(drive.requests_to(srv, "/one.html")) == 2

    drive.trigger(window, "Go", "History")
    show(qtbot, window, "yonder:history")
    assert "(2 visits)" in drive.screen_text(window)


def test_clearing_history_empties_the_page_the_file_and_the_completion(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, secret=("Secret page", "hush"))
    go(qtbot, window, srv.url("/secret.html"))
    assert srv.url("/secret.html") in window.address_bar.history()
    back_in_window(qtbot, window)
    drive.press(qtbot, Qt.Key.Key_H, CTRL)
    show(qtbot, window, "yonder:history")
    assert "Secret page" in drive.screen_text(window)
    clear = next(h for _, _, h in window.page.document_view.links() if "clear=" in h)
    titles = drive.answer_dialogs(qtbot, "")  # Enter: the dialog's default, Yes
    drive.click_link(qtbot, window, clear)
    assert titles == ["Clear History"]
    qtbot.waitUntil(lambda: "The history was cleared." in drive.screen_text(window))
    drive.wait_loaded(qtbot, window)
    assert "Secret page" not in drive.screen_text(window)
    assert "No pages visited yet" in drive.screen_text(window)
    doc = json.loads(window.settings.history_path.read_text(encoding="utf-8"))
    assert doc == {"typed": [], "visits": []}
    assert srv.url("/secret.html") not in window.address_bar.history()


def test_address_bar_completes_from_visits_and_bookmarks(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(
        servers,
        linked=("Linked", "<a href='/target.html'>go there</a>"),
        target=("Target page", "arrived"),
    )
    go(qtbot, window, srv.url("/linked.html"))
    drive.click_link(qtbot, window, srv.url("/target.html"))  # visited, never typed
    show(qtbot, window, srv.url("/target.html"))
    assert "arrived" in drive.screen_text(window)
    # A bookmark of an address never typed nor visited: the dialog's address changed.
    elsewhere = srv.url("/elsewhere.html")
    back_in_window(qtbot, window)
    fill_dialog(qtbot, "Elsewhere", Qt.Key.Key_Tab, elsewhere)
    drive.press(qtbot, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: len(window.library.bookmarks) == 1)
    completer = window.address_bar.completer()
    assert completer is not None
    for typed, offered in (("target.ht", srv.url("/target.html")), ("elsewh", elsewhere)):
        back_in_window(qtbot, window)
        drive.press(qtbot, Qt.Key.Key_L, CTRL)
        drive.type_text(qtbot, typed)
        qtbot.waitUntil(completer.popup().isVisible)
        shown = [
            completer.completionModel().index(i, 0).data()
            for i in range(completer.completionCount())
        ]
        assert offered in shown
        # Esc goes to the open popup (it has the keyboard while shown) and closes it.
        qtbot.keyClick(completer.popup(), Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not completer.popup().isVisible())
    assert drive.requests_to(srv, "/elsewhere.html") == []
    assert len(drive.requests_to(srv, "/target.html")) == 1


def test_action_links_from_a_web_page_or_typed_do_nothing(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, keep=("Keep me", "kept"))
    go(qtbot, window, srv.url("/keep.html"))
    back_in_window(qtbot, window)
    drive.answer_dialogs(qtbot, "Keep me")
    drive.press(qtbot, Qt.Key.Key_D, CTRL)
    (item,) = window.library.bookmarks
    evil_body = (
        f"<a href='yonder:bookmarks?delete={item.id}'>delete</a> "
        f"<a href='yonder:history?clear=&key=guessed'>clear</a>"
    )
    evil = site(servers, evil=("Evil", evil_body))
    go(qtbot, window, evil.url("/evil.html"))
    # A web page's yonder: links are not links at all (net.url does not resolve them).
    assert "delete clear" in drive.screen_text(window)
    assert [href for _, _, href in window.page.document_view.links()] == []

    go(qtbot, window, f"yonder:bookmarks?delete={item.id}&key=guessed")
    assert window.address_bar.text() == "yonder:bookmarks"
    assert "ignored" in drive.screen_text(window)
    assert [b["title"] for b in stored_bookmarks(window)] == ["Keep me"]
