"""The window's tabs: one Page each, opened, switched, closed and reopened; each tab shows
its page's title and a loading indicator; the session (every tab's back/forward list and
the current tab) is saved on close and restored at the next start.

Closing a tab cancels its transfer and joins its thread (bounded); a thread still inside a
blocking call is kept until it ends (destroying a running QThread aborts the process).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu

from ui.page.load_state import LoadState
from ui.page.page import Page
from ui.page.start_page import START_URL
from ui.shell.icons import spinner_frames
from ui.shell.session import Session, SessionError, from_json, make_tab
from ui.text.display_text import display_line

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from ui.shell.main_window import MainWindow

SPIN_MS = 100
MAX_CLOSED = 25  # closed tabs Ctrl+Shift+T can bring back
TAB_TITLE_CHARS = 28
log = logging.getLogger("yonder.session")


class TabsController:
    """The window's pages, in tab order (the tab widget holds each Page as its tab)."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._tabs = window.tabs
        self._closed: list[tuple[int, list[str], int]] = []  # (tab index, entries, position)
        self._closing: list[Page] = []  # closed pages whose thread has not ended yet
        # (opener, the last tab opened from it): the next one goes after it (open_in_new_tab);
        # forgotten when another tab becomes current.
        self._last_opened: tuple[Page, Page] | None = None
        self._tabs.tabCloseRequested.connect(self.close_at)
        bar = self._tabs.bar
        bar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        bar.customContextMenuRequested.connect(self._tab_menu)
        # The loading indicator turns while any tab loads or renders (SPIN_MS a frame).
        self._spinner: list[QIcon] = []
        self._frame = 0
        self._busy: list[Page] = []
        self.recolour()
        self._spin = QTimer(window)
        self._spin.setInterval(SPIN_MS)
        self._spin.timeout.connect(self._turn)

    def open_first_page(self) -> None:
        """The first page takes the first frame's placeholder's place and split."""
        window = self._window
        placeholder = self._tabs.widget(0)
        sizes = window.split_placeholder.sizes()
        page = self._make_page()
        # At the placeholder's size first: sizes set on a page not laid out yet are scaled.
        page.resize(window.split_placeholder.size())
        page.splitter.setSizes(sizes)
        self._tabs.insertTab(0, page, "New tab")
        self._tabs.removeTab(1)
        if placeholder is not None:
            placeholder.deleteLater()
        self._tabs.setCurrentIndex(0)
        self._tabs.currentChanged.connect(self._on_current_changed)
        window.set_current_page(page)

    @property
    def pages(self) -> list[Page]:
        pages = []
        for i in range(self._tabs.count()):
            widget = self._tabs.widget(i)
            if isinstance(widget, Page):
                pages.append(widget)
        return pages

    @property
    def can_reopen(self) -> bool:
        return bool(self._closed)

    def _make_page(self) -> Page:
        window = self._window
        page = Page(
            window.services,
            window.fetch,
            window.view_cap,
            window.spill,
            zoom=window.zoom,
            word_wrap=window.commands.wrap_action.isChecked(),
        )
        page.document_view.link_hints.set_numbered(
            window.commands.numbered_links_action.isChecked()
        )
        current = window.shown_page
        if current is not None:
            page.splitter.setSizes(current.splitter.sizes())
        window.services.stream_stack.addWidget(page.stream)
        window.wire_page(page)
        return page

    def _on_current_changed(self, index: int) -> None:
        page = self._tabs.widget(index)
        if isinstance(page, Page) and page is not self._window.shown_page:
            self._last_opened = None
            self._window.set_current_page(page)
            page.load_pending()

    # -- opening ------------------------------------------------------------------------------

    def open_new_tab(self, url: str | None = None, typed: bool = False) -> Page:
        """Ctrl+T: a new tab after the current one, made current; the start page (with the
        focus in the address bar) unless ``url`` is given."""
        page = self._insert(self._make_page())
        self._tabs.setCurrentWidget(page)
        page.load(url or START_URL, typed=typed)
        if url is None:
            self._window.address_bar.focus_and_select()
        else:
            page.document_view.setFocus(Qt.FocusReason.OtherFocusReason)
        return page

    def open_in_new_tab(self, url: str, opener: Page) -> Page:
        """A link of ``opener`` opened in a new tab (middle click, Ctrl+click, its context
        menu, a hint): in the background, after ``opener`` and after the tabs opened from it
        since it became current, in the order they were opened (as in browsers)."""
        resolved = opener.resolve(url)  # the link is the opener's: relative to its address
        after = opener
        last = self._last_opened
        if last is not None and last[0] is opener and self._tabs.indexOf(last[1]) >= 0:
            after = last[1]
        page = self._insert(self._make_page(), self._tabs.indexOf(after) + 1)
        self._last_opened = (opener, page)
        if resolved:
            page.load(resolved)
        return page

    def _insert(self, page: Page, index: int | None = None) -> Page:
        """``page``'s tab at ``index`` (None: after the current tab)."""
        if index is None:
            index = self._tabs.currentIndex() + 1
        self._tabs.insertTab(index, page, page.title)
        self._lay_out_in_background(page)
        self.show_title(page)
        return page

    def duplicate(self, page: Page) -> Page:
        """A copy of ``page``'s tab beside it, with its back/forward list, loaded again."""
        copy = self._make_page()
        self._tabs.insertTab(self._tabs.indexOf(page) + 1, copy, page.title)
        copy.restore_history(page.history.entries, page.history.index)
        self._tabs.setCurrentWidget(copy)
        copy.load_pending()
        return copy

    def close_others(self, keep: Page) -> None:
        for page in self.pages:
            if page is not keep:
                self.close_at(self._tabs.indexOf(page))

    def _tab_menu(self, point: QPoint) -> None:
        """A tab's context menu, as browsers have it (a right click on the tab)."""
        index = self._tabs.bar.tabAt(point)
        page = self._tabs.widget(index)
        if not isinstance(page, Page):
            return
        c = self._window.commands
        menu = QMenu(self._tabs.bar)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def entry(text: str, handler: Callable[[], object], like: QAction | None) -> QAction:
            """An entry for this tab that shows the keys of ``like``, the window's action doing
            the same to the current tab (a menu shows its actions' shortcuts). Bound to the
            menu alone, they never compete with the window's own."""
            action = menu.addAction(text, handler)
            if like is not None:
                action.setShortcuts(like.shortcuts())
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            return action

        entry("Reload Tab", page.reload, c.reload_action).setEnabled(bool(page.url))
        entry("Duplicate Tab", lambda: self.duplicate(page), None)
        menu.addSeparator()
        entry("Close Tab", lambda: self.close_at(self._tabs.indexOf(page)), c.close_tab_action)
        others = entry("Close Other Tabs", lambda: self.close_others(page), None)
        others.setEnabled(self._tabs.count() > 1)
        menu.addSeparator()
        menu.addAction(c.new_tab_action)
        menu.addAction(c.reopen_tab_action)
        menu.popup(self._tabs.bar.mapToGlobal(point))

    def _lay_out_in_background(self, page: Page) -> None:
        """Give a background tab's page the current page's geometry and layout now (shown
        and hidden again at once: never painted), so that its document view lays its text out
        at the width it will be shown at as the text arrives. Otherwise (QStackedLayout sizes
        only the current page) its first show laid every block out again at once: 254 ms for
        a 20 MB page loaded in the background (bench/window_stream.py)."""
        current = self._tabs.currentWidget()
        if current is None or current is page or not current.isVisible():
            return
        sizes = current.splitter.sizes() if isinstance(current, Page) else None
        page.setGeometry(current.geometry())
        page.show()
        page.hide()
        if sizes:
            page.splitter.setSizes(sizes)

    # -- switching ----------------------------------------------------------------------------

    def step(self, by: int) -> None:
        """Ctrl+Tab / Ctrl+Shift+Tab (Ctrl+PgDn/PgUp): the next or previous tab, round."""
        count = self._tabs.count()
        if count > 1:
            self._tabs.setCurrentIndex((self._tabs.currentIndex() + by) % count)

    def jump(self, n: int) -> None:
        """Alt+n: the n-th tab; Alt+9 the last one, as in browsers."""
        count = self._tabs.count()
        index = count - 1 if n == 9 else n - 1
        if 0 <= index < count:
            self._tabs.setCurrentIndex(index)

    def show_title(self, page: Page) -> None:
        """The tab's text (the page's title, shortened), full title and address on hover,
        and a loading indicator while the page loads or renders."""
        index = self._tabs.indexOf(page)
        if index < 0:
            return
        title = page.title or "New tab"
        self._tabs.setTabText(index, display_line(title, TAB_TITLE_CHARS).replace("&", "&&"))
        self._tabs.setTabToolTip(index, f"{title}\n{page.url}" if page.url else title)
        busy = page.state.loading or page.state is LoadState.RENDERING
        if busy and page not in self._busy:
            self._busy.append(page)
        elif not busy and page in self._busy:
            self._busy.remove(page)
        self._tabs.setTabIcon(index, self._spinner[self._frame] if busy else QIcon())
        if self._busy and not self._spin.isActive():
            self._spin.start()
        if page is self._window.shown_page:
            self._window.services.show_title(title)

    def recolour(self) -> None:
        """The loading indicator in the window's text colour (again when the palette changes)."""
        self._spinner = spinner_frames(self._window.palette().windowText().color())
        for page in self._busy:
            self._tabs.setTabIcon(self._tabs.indexOf(page), self._spinner[self._frame])

    def _turn(self) -> None:
        self._busy = [page for page in self._busy if self._tabs.indexOf(page) >= 0]
        if not self._busy:
            self._spin.stop()
            return
        self._frame = (self._frame + 1) % len(self._spinner)
        for page in self._busy:
            self._tabs.setTabIcon(self._tabs.indexOf(page), self._spinner[self._frame])

    # -- closing and reopening ------------------------------------------------------------------

    def close_current(self) -> None:
        """Ctrl+W: close the current tab; closing the last one closes the window."""
        self.close_at(self._tabs.currentIndex())

    def close_at(self, index: int) -> None:
        page = self._tabs.widget(index)
        if not isinstance(page, Page):
            return
        if self._tabs.count() == 1:
            self._window.close()
            return
        if page.history.entries:
            self._closed.append((index, page.history.entries, page.history.index))
            del self._closed[:-MAX_CLOSED]
        self._tabs.removeTab(index)
        self._dispose(page)
        self._window.services.update_actions()

    def _dispose(self, page: Page) -> None:
        self._window.services.stream_stack.removeWidget(page.stream)
        page.close_page(self._window.close_wait_ms)
        thread = page.fetcher.worker_thread
        # Connected before asking: a thread that ends in between still lets the page go.
        self._closing.append(page)
        thread.finished.connect(lambda: self._forget(page))
        if not thread.isRunning():
            self._forget(page)

    def _forget(self, page: QObject) -> None:
        if page in self._closing:
            self._closing.remove(page)
            page.deleteLater()

    def reopen_closed(self) -> None:
        """Ctrl+Shift+T: the last closed tab again, at its place, with its back/forward list."""
        if not self._closed:
            return
        index, entries, position = self._closed.pop()
        page = self._make_page()
        self._tabs.insertTab(min(index, self._tabs.count()), page, page.title)
        self._tabs.setCurrentWidget(page)
        page.restore_history(entries, position)
        page.load_pending()

    @property
    def closing(self) -> list[Page]:
        """Closed pages whose thread is still inside a blocking call (kept until it ends)."""
        return list(self._closing)

    def close_all(self, wait_ms: int) -> None:
        for page in [*self.pages, *self._closing]:
            page.close_page(wait_ms)

    # -- the session ----------------------------------------------------------------------------

    def session(self) -> Session:
        tabs = []
        for page in self.pages:
            tab = make_tab(page.history.entries, page.history.index)
            if tab is not None:
                tabs.append(tab)
        return Session(tuple(tabs), max(0, min(self._tabs.currentIndex(), len(tabs) - 1)))

    def save_session(self) -> None:
        problem = self._window.settings.write_session(self.session().to_json())
        if problem:
            self._window.page.load_status.show_text(f"The session was not saved: {problem}")

    def restore_session(self) -> bool:
        """The last session's tabs, each at its place in its back/forward list; only the
        current tab loads now, the others when first shown. False when there is none."""
        window = self._window
        data, problem = window.settings.read_session()
        if data is None:
            if problem:
                window.page.load_status.show_text(f"The last session was not restored: {problem}")
            return False
        try:
            session = from_json(data)
        except SessionError as exc:
            window.page.load_status.show_text(f"The last session was not restored: {exc}")
            return False
        if not session.tabs:
            return False
        first = window.page
        for i, tab in enumerate(session.tabs):
            page = first if i == 0 else self._make_page()
            if i:
                self._tabs.addTab(page, page.title)
            page.restore_history(list(tab.entries), tab.index)
            self.show_title(page)
        self._tabs.setCurrentIndex(session.current)
        window.page.load_pending()
        log.info(
            "restored the last session: %d tabs (%s), the current one is tab %d",
            len(session.tabs),
            ", ".join(tab.current for tab in session.tabs),
            session.current + 1,
        )
        return True
