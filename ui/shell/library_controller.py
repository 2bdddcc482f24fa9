"""Bookmarks and history in the window: the Bookmarks menu, Ctrl+D's dialog, import and export,
the ``yonder:bookmarks`` / ``yonder:history`` pages and their action links, visit recording
and the address bar's completion list.

The data and the pages are ui/library (no Qt); this is the thin Qt side, written against a
small window protocol (:class:`Host`) so that a window of tabs can route its current page's
events here just the same. Files: ``$XDG_DATA_HOME/yonder/bookmarks.json`` (saved on every
change) and ``history.json`` (visits saved a few seconds after a visit, on close and at once
when cleared), through ui.settings.

Why action links are safe is in ui/library/pages.py: an action (delete, edit, search, clear)
runs only from a link followed on one of these pages (:meth:`follow_link`, which the window
calls only when the page on screen is internal) that carries this run's key; any other way
of reaching such an address (typed, a web page's link, a bookmark) shows the page and says
the action was ignored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ui.library import pages
from ui.library.bookmarks import Bookmark, BookmarkError, Bookmarks
from ui.library.netscape import (
    ImportResult,
    MergedImport,
    import_file,
    merge_import,
    to_netscape,
)
from ui.library.visits import Visits, completions

if TYPE_CHECKING:
    from ui.settings import Settings

T = TypeVar("T")
VISIT_SAVE_MS = 3000  # visits reach the file this long after the last one (and on close)
IMPORT_POLL_MS = 20  # how often the window looks whether an import's thread has finished
MENU_ENTRIES = 300  # bookmarks listed in the menu; the rest are on yonder:bookmarks
MENU_TEXT = 60  # characters of a title in the menu


class Host(Protocol):
    """What the controller needs from the window (later: from the window and its page)."""

    settings: Settings
    persist_settings: bool

    @property
    def url(self) -> str: ...

    def load(self, text: str, typed: bool = False, from_history: bool = False) -> None: ...

    def ask_path(self, caption: str, suggested: str) -> str | None: ...

    def typed_urls(self) -> list[str]: ...

    def clear_typed_urls(self) -> None: ...

    def report(self, text: str, error: bool = False) -> None: ...


def internal_bookmarkable(url: str) -> bool:
    """Internal pages worth a bookmark: the start page, samples and these pages (read-only)."""
    if url == "about:start" or url.startswith("yonder:samples/"):
        return True
    address = pages.parse_address(url)
    return address is not None and not address.action


def check_address(text: str) -> str:
    """The address to keep for a bookmark; raises BookmarkError saying why not."""
    text = text.strip()
    if internal_bookmarkable(text):
        return text
    if text.startswith(("about:", "yonder:")):
        raise BookmarkError(f"'{text[:80]}' is not a page Yonder has")
    from net.errors import InvalidURL
    from net.url import parse_url

    try:
        return parse_url(text).url
    except InvalidURL as exc:
        raise BookmarkError(exc.message) from None


FIELD_CHARS = 64  # a dialog's text fields show this many average characters (a title, a URL)
SCREEN_SHARE = 0.8  # ...but never make a dialog wider than this share of its screen


def field_width(widget: QWidget, chars: int = FIELD_CHARS) -> int:
    """The width of a text field that shows ``chars`` average characters of ``widget``'s
    font, capped so that its dialog still fits the screen."""
    width = widget.fontMetrics().averageCharWidth() * chars + 16  # the frame and margins
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is not None:
        width = min(width, int(screen.availableGeometry().width() * SCREEN_SHARE))
    return width


def select_from_start(field: QLineEdit) -> None:
    """All of ``field``'s text selected (typing replaces it), its start in view."""
    length = len(field.text())
    field.setSelection(length, -length)


def fit_dialog(dialog: QDialog) -> None:
    """Size ``dialog`` for its contents: never below its layout's size hint, and tight
    around it (no strip below the buttons), growing when a hidden row is shown."""
    layout = dialog.layout()
    if layout is not None:
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
    dialog.resize(dialog.sizeHint())


def ok_cancel(dialog: QDialog, accept: Callable[[], None]) -> QDialogButtonBox:
    """OK (``accept``, which may check before it accepts) and Cancel for ``dialog``."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class BookmarkDialog(QDialog):
    """Title, address and folder of a bookmark; the address is checked on OK."""

    def __init__(
        self, parent: QWidget | None, caption: str, item: Bookmark, folders: list[str]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(caption)
        self.title_edit = QLineEdit(item.title)
        self.title_edit.setAccessibleName("Bookmark title")
        self.url_edit = QLineEdit(item.url)
        self.url_edit.setAccessibleName("Bookmark address")
        self.folder_box = QComboBox()
        self.folder_box.setEditable(True)
        self.folder_box.addItems(["", *folders])
        self.folder_box.setCurrentText(item.folder)
        self.folder_box.setToolTip("Optional; folders inside folders are written A/B")
        self.folder_box.setAccessibleName("Bookmark folder")
        # Wide enough for a typical title and address (Qt's default is ~17 characters).
        for field in (self.title_edit, self.url_edit, self.folder_box):
            field.setMinimumWidth(field_width(field))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Address:", self.url_edit)
        form.addRow("&Folder:", self.folder_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(ok_cancel(self, self._check))
        fit_dialog(self)
        self.url = item.url
        select_from_start(self.title_edit)
        self.title_edit.setFocus()

    def _check(self) -> None:
        try:
            self.url = check_address(self.url_edit.text())
        except BookmarkError as exc:
            self.problem.setText(f"This address cannot be bookmarked: {exc}")
            self.problem.show()
            self.url_edit.setFocus()
            return
        self.accept()

    def values(self) -> tuple[str, str, str]:
        return self.title_edit.text(), self.url, self.folder_box.currentText()


class SearchDialog(QDialog):
    """Search Bookmarks / Search History: the words to find, OK and Cancel."""

    def __init__(self, parent: QWidget | None, caption: str, words: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(caption)
        self.words_edit = QLineEdit(words)
        self.words_edit.setAccessibleName("Words to find")
        self.words_edit.setMinimumWidth(field_width(self.words_edit))
        label = QLabel("&Words to find (in titles and addresses):")
        label.setBuddy(self.words_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.words_edit)
        layout.addWidget(ok_cancel(self, self.accept))
        fit_dialog(self)
        select_from_start(self.words_edit)
        self.words_edit.setFocus()

    def words(self) -> str:
        return self.words_edit.text()


def modal(window: QWidget, run: Callable[[], T]) -> T:
    """Run a modal dialog over ``window`` and give the keyboard focus back to the window's
    widget that had it (platforms without a window manager, offscreen among them, leave it
    in the closed dialog)."""
    before = QApplication.focusWidget()
    if before is None or not shiboken6.isValid(before) or before.window() is not window:
        before = window.focusWidget()
    try:
        return run()
    finally:
        if shiboken6.isValid(window) and window.isVisible():
            window.activateWindow()  # takes effect once the event loop runs
            if before is not None and shiboken6.isValid(before) and before.isVisible():
                before.setFocus(Qt.FocusReason.OtherFocusReason)


def ask_open_path(
    parent: QWidget, caption: str, name_filter: str, settings: Settings
) -> str | None:
    """Ask for a file to read; it opens where the last save or import was (as Save does)."""
    import os

    from ui.downloads.save_file import LAST_DIRECTORY_KEY, _default_directory

    remembered = settings.store.value(LAST_DIRECTORY_KEY, "", str)
    start = remembered if isinstance(remembered, str) and os.path.isdir(remembered) else ""
    dialog = QFileDialog(parent, caption)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters([name_filter, "All files (*)"])
    dialog.setDirectory(start or _default_directory())
    try:
        if modal(parent, dialog.exec) != QFileDialog.DialogCode.Accepted:
            return None
        files = dialog.selectedFiles()
    finally:
        dialog.deleteLater()
    if not files or not files[0]:
        return None
    settings.store.setValue(LAST_DIRECTORY_KEY, os.path.dirname(files[0]))
    return files[0]


class ImportJob:
    """A bookmark file read, parsed and merged into a snapshot of the bookmarks on a thread
    of its own (ui.library.netscape.import_file: pure Python, so the GUI thread gets the GIL
    every switch interval; ~1 s for 20,000 bookmarks, which froze the window before).

    Poll :attr:`done`; then :attr:`outcome` is the merge, or :attr:`error` says why nothing
    was imported. ``generation`` is the bookmarks' generation the snapshot was taken at.
    Nothing here touches Qt, so a job whose window closed just ends."""

    def __init__(
        self, path: str, snapshot: Bookmarks, generation: int, parsed: ImportResult | None = None
    ) -> None:
        self.path = path
        self.generation = generation
        self.outcome: MergedImport | None = None
        self.error = ""
        self.note = ""  # what yonder:bookmarks says at its top afterwards
        self.page = ""  # ...and that page's HTML, made here too (~170 ms for 20,000)
        self._done = threading.Event()
        threading.Thread(
            target=self._run, args=(snapshot, parsed), name="yonder-import", daemon=True
        ).start()

    def _run(self, snapshot: Bookmarks, parsed: ImportResult | None) -> None:
        from ui.text.collector import collector_paused

        path = self.path
        try:
            with collector_paused():  # its collections held the GIL: see ui/text/collector.py
                if parsed is None:
                    outcome = import_file(path, snapshot)
                else:
                    outcome = merge_import(parsed, snapshot)
                also = f"; {outcome.duplicates} already there" if outcome.duplicates else ""
                self.note = (
                    f"Imported from {path}: {outcome.result.summary()}{also}; "
                    f"{outcome.added} added."
                )
                self.page = pages.bookmarks_html(outcome.bookmarks, "", self.note)
                self.outcome = outcome
        except OSError as exc:
            self.error = f"Could not read {path}: {exc.strerror or exc}"
        except BookmarkError as exc:
            self.error = f"Nothing imported from {path}: {exc}"
        except Exception as exc:  # never a traceback on a thread: say it
            self.error = f"Nothing imported from {path}: {type(exc).__name__}: {exc}"
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


class LibraryController(QObject):
    """Owns the bookmarks and the visits, their actions and the Bookmarks menu.

    Signals:
        completions_changed(): the address bar's list (:meth:`completions`) changed.
    """

    completions_changed = Signal()

    def __init__(self, host: Host, window: QWidget, menu: QMenu, go_menu: QMenu) -> None:
        super().__init__(window)
        self._host = host
        self._window = window
        self._menu = menu
        self._note = ""  # said at the top of the next library page shown
        self._title: tuple[str, str] = ("", "")  # (url, title) of the page on screen
        settings = host.settings
        self.bookmarks = self._read_bookmarks(settings)
        self.visits = Visits.from_list(settings.visits())
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(VISIT_SAVE_MS)
        self._save_timer.timeout.connect(self.save_history)
        # Bumped by every change of the bookmarks: an import merged into an older snapshot
        # is merged again into what they are now.
        self._generation = 0
        self.import_job: ImportJob | None = None
        # (generation, note, HTML) of yonder:bookmarks as an import made it on its thread:
        # shown once instead of making it again (see page_for).
        self._made_page: tuple[int, str, str] | None = None
        self._import_poll = QTimer(self)
        self._import_poll.setInterval(IMPORT_POLL_MS)
        self._import_poll.timeout.connect(self._poll_import)

        def action(text: str, handler: object, *keys: str) -> QAction:
            item = QAction(text, window)
            item.setShortcuts([QKeySequence(k) for k in keys])
            if keys:
                item.setToolTip(f"{text} ({', '.join(QKeySequence(k).toString() for k in keys)})")
            item.triggered.connect(lambda _checked=False: handler())  # type: ignore[operator]
            window.addAction(item)  # the shortcut works wherever the focus is
            return item

        self.add_action = action("Bookmark This Page…", self.bookmark_page, "Ctrl+D")
        self.show_action = action(
            "Show All Bookmarks", lambda: host.load(pages.BOOKMARKS_URL), "Ctrl+Shift+O"
        )
        self.import_action = action("Import Bookmarks…", self.import_bookmarks)
        self.export_action = action("Export Bookmarks…", self.export_bookmarks)
        self.history_action = action("History", lambda: host.load(pages.HISTORY_URL), "Ctrl+H")
        go_menu.addSeparator()
        go_menu.addAction(self.history_action)
        self._rebuild_menu()

    # -- files ----------------------------------------------------------------------------------

    def _read_bookmarks(self, settings: Settings) -> Bookmarks:
        data, problem = settings.read_bookmarks()
        if problem:
            self._note = problem
        if data is None:
            return Bookmarks()
        try:
            return Bookmarks.from_json(data)
        except BookmarkError as exc:
            self._note = settings.set_aside_bookmarks(str(exc))
            return Bookmarks()

    def _bookmarks_changed(self, data: bytes | None = None, menu_now: bool = True) -> None:
        """Save, and update the menu and completions; ``data``: the file's bytes when they
        were made already (an import makes them on its thread); ``menu_now`` False: the
        menu is rebuilt in the next turn of the event loop."""
        self._generation += 1
        self._made_page = None
        if data is None:
            data = self.bookmarks.to_json()
        problem = self._host.settings.write_bookmarks(data)
        if problem:
            self._host.report(
                f"{problem[0].upper()}{problem[1:]}; they are kept until you quit", True
            )
        if menu_now:
            self._rebuild_menu()
        else:
            QTimer.singleShot(0, self, self._rebuild_menu)
        self.completions_changed.emit()

    def save_history(self) -> None:
        self._save_timer.stop()
        if self._host.persist_settings:
            self._host.settings.set_typed_urls(self._host.typed_urls(), self.visits.to_list())

    # -- the menu -----------------------------------------------------------------------------

    def _rebuild_menu(self) -> None:
        menu = self._menu
        for old in menu.actions():
            sub = old.menu()
            if isinstance(sub, QMenu) and sub is not menu:
                sub.deleteLater()
        menu.clear()
        menu.addActions([self.add_action, self.show_action])
        menu.addSeparator()
        menu.addActions([self.import_action, self.export_action])
        self.export_action.setEnabled(len(self.bookmarks) > 0)
        if not len(self.bookmarks):
            return
        menu.addSeparator()
        folders: dict[tuple[str, ...], QMenu] = {(): menu}
        for count, item in enumerate(self.bookmarks):
            if count >= MENU_ENTRIES:
                break
            parts = item.folder_parts
            for depth in range(1, len(parts) + 1):
                key = parts[:depth]
                if key not in folders:
                    sub = QMenu(_menu_text(key[-1]), self._window)
                    folders[key[:-1]].addMenu(sub)
                    folders[key] = sub
            entry = QAction(_menu_text(item.title), folders[parts])
            entry.setToolTip(item.url)
            entry.setStatusTip(item.url)
            url = item.url
            entry.triggered.connect(lambda _checked=False, url=url: self._host.load(url))
            folders[parts].addAction(entry)

    # -- bookmarks ----------------------------------------------------------------------------

    def on_title(self, url: str, title: str) -> None:
        """The page on screen at ``url`` has a title (from its HTML)."""
        self._title = (url, title)
        self.visits.set_title(url, title)

    def _page_title(self, url: str) -> str:
        if self._title[0] == url and self._title[1].strip():
            return self._title[1]
        from ui.page.titles import page_title

        return page_title(url)

    def bookmark_page(self) -> None:
        url = self._host.url
        if not url or (url.startswith(("about:", "yonder:")) and not internal_bookmarkable(url)):
            self._host.report("There is no page to bookmark here", True)
            return
        existing = self.bookmarks.find_url(url)
        if existing is not None:
            self.edit_bookmark(existing.id, caption="Edit Bookmark (already bookmarked)")
            return
        item = Bookmark(0, self._page_title(url), url)
        dialog = BookmarkDialog(self._window, "Add Bookmark", item, self.bookmarks.folders())
        try:
            if modal(self._window, dialog.exec) != QDialog.DialogCode.Accepted:
                return
            title, url, folder = dialog.values()
        finally:
            dialog.deleteLater()
        try:
            added = self.bookmarks.add(title, url, folder, int(time.time()))
        except BookmarkError as exc:
            self._host.report(str(exc), True)
            return
        self._bookmarks_changed()
        where = f" in {added.folder}" if added.folder else ""
        self._host.report(f"Bookmarked “{added.title}”{where}")

    def edit_bookmark(self, bookmark_id: int, caption: str = "Edit Bookmark") -> bool:
        item = self.bookmarks.get(bookmark_id)
        if item is None:
            self._note = f"There is no bookmark #{bookmark_id} any more"
            return False
        dialog = BookmarkDialog(self._window, caption, item, self.bookmarks.folders())
        try:
            if modal(self._window, dialog.exec) != QDialog.DialogCode.Accepted:
                return False
            title, url, folder = dialog.values()
        finally:
            dialog.deleteLater()
        try:
            new = self.bookmarks.update(bookmark_id, title, url, folder)
        except BookmarkError as exc:
            self._note = str(exc)
            return True
        self._bookmarks_changed()
        self._note = f"Saved “{new.title}”."
        return True

    def import_bookmarks(self) -> None:
        path = ask_open_path(
            self._window,
            "Import Bookmarks",
            "Bookmark files (*.html *.htm *.HTML)",
            self._host.settings,
        )
        if path is None:
            return
        self._host.report(f"Importing bookmarks from {path}…")
        self._start_import(path)

    def _start_import(self, path: str, parsed: ImportResult | None = None) -> None:
        self.import_action.setEnabled(False)  # one import at a time
        self.import_job = ImportJob(path, self.bookmarks.copy(), self._generation, parsed)
        self._import_poll.start()

    def _poll_import(self) -> None:
        job = self.import_job
        if job is None or not job.done:
            return
        self._import_poll.stop()
        self.import_job = None
        self.import_action.setEnabled(True)
        if job.error or job.outcome is None:
            self._host.report(job.error or f"Nothing imported from {job.path}", True)
            return
        outcome = job.outcome
        if job.generation != self._generation:
            # A bookmark was added, edited or deleted meanwhile: merge the same file into
            # the bookmarks as they are now (the snapshot's merge would undo that change).
            self._start_import(job.path, outcome.result)
            return
        if outcome.added:
            self.bookmarks.adopt(outcome.bookmarks)
            # The menu's ~300 entries (~35 ms) in a turn of their own.
            self._bookmarks_changed(outcome.data, menu_now=False)
        self._note = job.note
        self._made_page = (self._generation, job.note, job.page)
        self._host.report(job.note)
        self._host.load(pages.BOOKMARKS_URL)

    def export_bookmarks(self) -> None:
        path = modal(
            self._window, lambda: self._host.ask_path("Export Bookmarks", "bookmarks.html")
        )
        if path is None:
            return
        from ui.downloads.save_file import SaveError, save_bytes_atomically

        try:
            save_bytes_atomically(path, [to_netscape(self.bookmarks)])
        except (OSError, SaveError) as exc:
            self._host.report(f"Could not export the bookmarks to {path}: {exc}", True)
            return
        count = len(self.bookmarks)
        self._host.report(
            f"Exported {count} bookmark{'s' if count != 1 else ''} to {path} "
            "(Netscape bookmark file: every browser imports it)"
        )

    # -- history ------------------------------------------------------------------------------

    def on_visited(self, url: str) -> None:
        """A web page loaded (any HTTP status) at ``url``, its final address."""
        if not url.startswith(("http://", "https://")):
            return
        title = self._title[1] if self._title[0] == url else ""
        if self.visits.record(url, title, int(time.time())) is not None:
            self.completions_changed.emit()
            if self._host.persist_settings:
                self._save_timer.start()

    def clear_history(self) -> bool:
        answer = modal(
            self._window,
            lambda: QMessageBox.question(
                self._window,
                "Clear History",
                f"Forget the {len(self.visits)} visited pages and the typed addresses?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes,
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.visits.clear()
        self._host.clear_typed_urls()
        self.save_history()
        self.completions_changed.emit()
        self._note = "The history was cleared."
        return True

    def completions(self) -> list[str]:
        return completions(self._host.typed_urls(), self.visits.entries, self.bookmarks)

    # -- the pages ------------------------------------------------------------------------------

    def page_for(self, url: str) -> tuple[str, str] | None:
        """(address to show, HTML) for a library page address, else None. An action in the
        address is not carried out here (see the module docstring); the page says so."""
        address = pages.parse_address(url)
        if address is None:
            return None
        note, self._note = self._note, ""
        if address.action and not note:
            note = (
                f"The “{address.action}” in this address was ignored: changes are made only "
                "from links on this page."
            )
        made, self._made_page = self._made_page, None
        if address.page == pages.BOOKMARKS_URL:
            if made is not None and made[:2] == (self._generation, note) and not address.query:
                return address.url, made[2]  # the import's own page, of these very bookmarks
            return address.url, pages.bookmarks_html(self.bookmarks, address.query, note)
        return address.url, pages.history_html(self.visits, address.query, note)

    def follow_link(self, href: str) -> bool:
        """A link followed on an internal page: True when it was a library action (done, or
        refused); the page is then shown again (or, for a search, the results)."""
        address = pages.parse_address(href)
        if address is None or not address.action:
            return False
        if pages.parse_address(self._host.url) is None:
            return False  # not followed on one of these pages: loading it shows it, ignored
        if not address.authorised():
            self._note = "That link’s action was not carried out (it is not one of this page’s)."
            self._host.load(address.url, from_history=True)
            return True
        page, query = address.page, address.query
        if address.action == "search":
            noun = "Bookmarks" if page == pages.BOOKMARKS_URL else "History"
            dialog = SearchDialog(self._window, f"Search {noun}", query)
            try:
                if modal(self._window, dialog.exec) == QDialog.DialogCode.Accepted:
                    self._host.load(pages.page_url(page, dialog.words()))
            finally:
                dialog.deleteLater()
            return True
        if address.action == "delete" and page == pages.BOOKMARKS_URL:
            gone = self.bookmarks.delete(address.target)
            if gone is not None:
                self._bookmarks_changed()
                self._note = f"Deleted “{gone.title}” ({gone.url})."
            else:
                self._note = f"There is no bookmark #{address.target} any more."
        elif address.action == "edit" and page == pages.BOOKMARKS_URL:
            changed = self.edit_bookmark(address.target)
            if not changed:
                return True  # cancelled: the page stays as it is
        elif address.action == "clear" and page == pages.HISTORY_URL:
            cleared = self.clear_history()
            if not cleared:
                return True
        self._host.load(address.url, from_history=True)
        return True


def _menu_text(text: str) -> str:
    if len(text) > MENU_TEXT:
        text = text[: MENU_TEXT - 1] + "…"
    return text.replace("&", "&&")


__all__ = ["BookmarkDialog", "LibraryController", "SearchDialog", "check_address"]
