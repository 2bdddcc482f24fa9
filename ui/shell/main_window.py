"""The Yonder window: a shell of pages. Toolbar with the address bar, the tabs (one Page
each, ui/page/page.py), the Stream dock, the status bar and the menus.

Everything about a transfer lives in its Page; the window composes and routes: actions go
to the current page (:attr:`MainWindow.page`), and the status bar and the Stream dock show
the current page's own widgets, so switching tabs mid-transfer never mixes two loads.
Every connection is made in :meth:`MainWindow._connect_signals` and :meth:`_wire_page`.

Keys: Ctrl+T new tab, Ctrl+W close it, Ctrl+Shift+T reopen, Ctrl+Tab / Ctrl+PgDn next,
Ctrl+Shift+Tab / Ctrl+PgUp previous, Alt+1…9 a tab; Ctrl+1 Rendered, Ctrl+2 / Ctrl+U
Source, Ctrl+3 Wire; Ctrl+F find, F3 / Shift+F3; Ctrl+S Save Page, Ctrl+Shift+S Save
Headers, Ctrl+Shift+D Download…; Ctrl++ / Ctrl+- / Ctrl+0 zoom; Alt+Z word wrap;
Ctrl+Shift+E the Stream dock; F6 the next pane.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar, QVBoxLayout, QWidget

from ui.page.split import HEADER_MIN_WIDTH, YieldingSplitter
from ui.settings import Settings
from ui.shell.address_bar import AddressBar
from ui.shell.first_frame import FirstFrameLayout
from ui.shell.tab_stack import TabStack
from ui.text.body_store import SPILL_LIMIT, VIEW_CAP, SpillLimits
from ui.text.history import TypedAddresses

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QPaintEvent, QShowEvent

    from net.options import FetchOptions
    from ui.page.fetch_worker import FetchFunction
    from ui.page.page import Page
    from ui.shell.services import WindowServices

#: ask_path(caption, suggested_name) -> chosen path or None (tests replace it).
AskPath = Callable[[str, str], "str | None"]

BUILD_FALLBACK_MS = 300  # builds the rest even if the first paint never comes (hidden)
CLOSE_WAIT_MS = 1000  # how long closing waits for each worker thread to end


def _on_triggered(action: QAction, handler: Callable[[], object]) -> None:
    """Run ``handler()`` with no arguments when ``action`` is triggered.

    ``triggered`` carries ``checked``; connected directly, a handler with optional parameters
    takes it as its first one (File > Download… got ``False`` as its address).
    """
    action.triggered.connect(lambda _checked=False: handler())


class MainWindow(QMainWindow):
    """The browser window.

    With ``deferred=True`` (what ``python main.py`` does) the constructor builds only the
    first frame: the toolbar with the address bar, the tab with an empty page's split, the
    Stream dock's space, the status bar and the menu titles. The rest (pages, actions and
    menus, the Stream dock, settings) is built by :meth:`finish_build`, which the first
    paint schedules; a load asked for before it is queued and runs when it is done.

    Signals:
        saved(str path): Save Page or Save Headers wrote ``path`` (any tab).
        built(): the window is whole (:attr:`fully_built`): right away unless deferred.
        current_page_changed(): another tab became current (or the first page exists).
    """

    saved = Signal(str)
    built = Signal()
    current_page_changed = Signal()

    def __init__(
        self,
        settings: Settings | None = None,
        fetch: FetchFunction | None = None,
        options: FetchOptions | None = None,
        view_cap: int = VIEW_CAP,
        deferred: bool = False,
        spill: SpillLimits | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings if settings is not None else Settings()
        self.options = options
        self.fetch = fetch
        self.view_cap = view_cap
        self.spill = spill or SpillLimits(limit=self.settings.spill_limit(SPILL_LIMIT))
        self.ask_path: AskPath = self._ask_path
        self.persist_settings = True  # False for --screenshot: a capture changes nothing
        self.close_wait_ms = CLOSE_WAIT_MS  # a wall-clock budget: tests that need one set it
        self.typed = TypedAddresses(self.settings.typed_urls())
        self.zoom = self.settings.zoom()
        self.fully_built = False
        self._build_scheduled = False
        self._queued: Callable[[], None] | None = None  # what to open once the window is whole
        self._page: Page | None = None
        self.setWindowTitle("Yonder")
        self._build_frame()
        if not deferred:
            self.finish_build()

    # -- construction -------------------------------------------------------------------------

    def _build_frame(self) -> None:
        """The first frame, at its final layout, from cheap parts only (no Qt enums)."""
        first = self.settings.first_frame()
        self.address_bar = AddressBar()
        self.address_bar.load_requested.connect(self.on_address_entered)  # queued until built
        self.address_bar.leave_requested.connect(self._focus_page)
        toolbar = QToolBar("Navigation")
        toolbar.setObjectName("navigation")
        toolbar.setMovable(False)
        self.frame = FirstFrameLayout(first)
        # Stands in for the navigation buttons until they exist (their icons need QStyle).
        self._toolbar_lead = QWidget()
        self._toolbar_lead.setFixedSize(self.frame.lead_size())
        self._lead_action = toolbar.addWidget(self._toolbar_lead)
        self.address_action = toolbar.addWidget(self.address_bar)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.edit_menu = bar.addMenu("&Edit")
        self.view_menu = bar.addMenu("&View")
        self.go_menu = bar.addMenu("&Go")
        self.bookmarks_menu = bar.addMenu("&Bookmarks")
        self.help_menu = bar.addMenu("&Help")

        self.tabs = TabStack()
        # Until the first page exists: its split, empty, at its place and size.
        self.split_placeholder = YieldingSplitter(HEADER_MIN_WIDTH)
        self.split_placeholder.addWidget(QWidget())
        self.split_placeholder.addWidget(QWidget())
        self.split_placeholder.setStretchFactor(1, 1)
        self.tabs.addTab(self.split_placeholder, "Yonder")
        central = QWidget()
        self._central_layout = QVBoxLayout(central)
        self._central_layout.setContentsMargins(6, 4, 6, 0)
        self._central_layout.addWidget(self.tabs, 1)
        # The Stream dock's space (it is shown on a first run): the layout does not jump.
        self._dock_slot: QWidget | None = None
        if self.frame.dock_height:
            self._dock_slot = QWidget()
            self._dock_slot.setFixedHeight(self.frame.dock_height)
            self._central_layout.addWidget(self._dock_slot)
        self.setCentralWidget(central)
        # The status line's height until a page has one.
        self.status_placeholder: QLabel | None = QLabel(" ")
        self.statusBar().addWidget(self.status_placeholder, 1)
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen()
            self.apply_default_layout(screen.availableGeometry() if screen is not None else None)
        splitter = self.settings.splitter_state()
        if splitter is not None:
            self.split_placeholder.restoreState(splitter)

    def apply_default_layout(self, available: object) -> None:
        """Size the window and its split for DEFAULT_COLUMNS of the document within
        ``available`` (a QRect; None: no screen to fit, e.g. a capture)."""
        margins = self._central_layout.contentsMargins()
        self.frame.apply(self, self.split_placeholder, margins.left() + margins.right(), available)
        if self._page is not None:
            self._page.splitter.setSizes(self.split_placeholder.sizes())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.fully_built:
            QTimer.singleShot(BUILD_FALLBACK_MS, self.finish_build)  # in case no paint comes

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.fully_built and not self._build_scheduled:
            # The first frame is on its way to the screen: build the rest right after it.
            self._build_scheduled = True
            QTimer.singleShot(0, self.finish_build)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self.fully_built and event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.StyleChange,
        ):
            # A theme chosen, or the desktop's changed under System: the icons drawn in the
            # palette's text colour are drawn again (ui/shell/icons.py).
            self.commands.recolour_icons()
            self.tabs_controller.recolour()

    @Slot()
    def finish_build(self) -> None:
        """Build everything the first frame left out; run what was queued meanwhile."""
        if self.fully_built:
            return
        # The costly half of the window's imports, after the first paint (window_parts.py).
        from ui.shell import window_parts as parts

        self.services: WindowServices = parts.WindowServices(self)
        self.lab = self.services.lab
        self.stream_dock = self.services.build_stream_dock()
        if self._dock_slot is not None:
            self._central_layout.removeWidget(self._dock_slot)
            self._dock_slot.deleteLater()
            self._dock_slot = None
        self.commands = parts.WindowCommands(self)
        self.library = parts.LibraryController(self, self, self.bookmarks_menu, self.go_menu)
        self.tabs_controller = parts.TabsController(self)
        self.tabs_controller.open_first_page()
        self._connect_signals()
        self.services.restore_settings()
        self.fully_built = True
        self.built.emit()
        queued, self._queued = self._queued, None
        if queued is not None:
            queued()

    def remove_toolbar_lead(self) -> None:
        self.toolbar.removeAction(self._lead_action)
        self._toolbar_lead.deleteLater()

    def _connect_signals(self) -> None:
        """Every connection of the window's own parts, in one place (pages: _wire_page)."""
        c, on, s = self.commands, _on_triggered, self.services
        on(c.back_action, lambda: self.page.go_back())
        on(c.forward_action, lambda: self.page.go_forward())
        on(c.reload_action, lambda: self.page.reload())
        on(c.stop_action, lambda: self.page.stop())
        on(c.home_action, self.go_home)
        on(c.focus_address_action, self.address_bar.focus_and_select)
        on(c.quit_action, self.close)
        on(c.close_action, self.close)
        t = self.tabs_controller
        on(c.new_tab_action, t.open_new_tab)
        on(c.close_tab_action, t.close_current)
        on(c.reopen_tab_action, t.reopen_closed)
        on(c.next_tab_action, lambda: t.step(1))
        on(c.previous_tab_action, lambda: t.step(-1))
        for n, action in enumerate(c.tab_jump_actions, start=1):
            on(action, functools.partial(t.jump, n))
        c.view_group.triggered.connect(lambda action: s.set_view_mode(action.data()))
        c.encoding_group.triggered.connect(lambda action: s.set_encoding(action.data() or None))
        on(c.save_page_action, lambda: self.page.saver.save_page())
        on(c.save_headers_action, lambda: self.page.saver.save_headers())
        on(c.download_action, s.download)
        on(c.downloads_action, s.show_downloads)
        on(c.curl_action, lambda: self.page.copy_as_curl())
        on(c.find_action, lambda: self.page.find_bar.open_bar())
        on(c.find_next_action, lambda: self.page.find_next())
        on(c.find_previous_action, lambda: self.page.find_next(backwards=True))
        on(c.zoom_in_action, lambda: s.set_zoom(self.zoom + 1))
        on(c.zoom_out_action, lambda: s.set_zoom(self.zoom - 1))
        on(c.zoom_reset_action, lambda: s.set_zoom(0))
        c.wrap_action.toggled.connect(s.set_word_wrap)
        c.numbered_links_action.toggled.connect(s.set_numbered_links)
        on(c.demo_action, s.open_demo)
        on(c.demo_stop_action, s.stop_demo)
        on(c.keys_action, lambda: self.load(s.KEYS_URL))
        on(c.about_action, lambda: self.load(s.ABOUT_URL))
        on(c.next_pane_action, lambda: s.cycle_focus(True))
        on(c.previous_pane_action, lambda: s.cycle_focus(False))
        self.library.completions_changed.connect(s.update_completions)

    def wire_page(self, page: Page) -> None:
        """Connect a new page's signals: the window follows the current page only, and
        each tab follows its own page."""
        s = self.services
        page.url_changed.connect(lambda url: self._if_current(page, s.show_url, url))
        page.title_changed.connect(lambda _: self.tabs_controller.show_title(page))
        page.state_changed.connect(lambda _: self.tabs_controller.show_title(page))
        page.actions_changed.connect(lambda: self._if_current(page, s.update_actions))
        page.load_ended.connect(lambda _: self._if_current(page, s.update_actions))
        page.link_hovered.connect(lambda url: self._if_current(page, s.show_link, url))
        page.saved.connect(self.saved)
        page.new_tab_requested.connect(lambda url: self.tabs_controller.open_in_new_tab(url, page))
        page.download_requested.connect(s.download)

    def _if_current(self, page: Page, slot: Callable[..., object], *args: object) -> None:
        if page is self._page:
            slot(*args)

    # -- the current page ---------------------------------------------------------------------

    @property
    def page(self) -> Page:
        """The current tab's page (the window must be built: :meth:`finish_build`)."""
        if self._page is None:
            self.finish_build()
        assert self._page is not None
        return self._page

    @property
    def shown_page(self) -> Page | None:
        """The current page, None before the first one exists (the first frame)."""
        return self._page

    def set_current_page(self, page: Page) -> None:
        """Show ``page``'s status widgets, stream views, address and title (TabsController
        calls this when the current tab changes)."""
        old, self._page = self._page, page
        self.services.show_page(old, page)
        self.current_page_changed.emit()

    @property
    def pages(self) -> list[Page]:
        return self.tabs_controller.pages if self._page is not None else []

    # -- routing (what the command line, the library and tests call) ----------------------------

    @Slot(str)
    def on_address_entered(self, text: str) -> None:
        if not text.strip():
            return
        if not self.fully_built:
            self._queue(lambda: self.page.enter_address(text))
            return
        # The reader goes on in the page they asked for, as in browsers (Ctrl+L returns).
        self.page.document_view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.page.enter_address(text)

    @Slot()
    def _focus_page(self) -> None:
        if self.fully_built:
            self.page.document_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def load(self, text: str, typed: bool = False, from_history: bool = False) -> None:
        """Open an address in the current tab. Before the window is whole (deferred
        start-up) it waits for :meth:`finish_build`; a later one replaces it."""
        if not self.fully_built:
            self._queue(lambda: self.page.load(text, typed=typed, from_history=from_history))
            return
        self.page.load(text, typed=typed, from_history=from_history)

    def open_start(self, url: str | None, typed: bool, restore_session: bool) -> None:
        """What a start opens: the last session's tabs (when asked and there is one), and
        ``url`` (in a tab of its own after a restored session), else the start page."""
        if not self.fully_built:
            self._queue(lambda: self.open_start(url, typed, restore_session))
            return
        restored = restore_session and self.tabs_controller.restore_session()
        if restored and url:
            self.tabs_controller.open_new_tab(url, typed=typed)
        elif not restored:
            self.page.load(url or self.services.START_URL, typed=typed)

    def _queue(self, action: Callable[[], None]) -> None:
        self._queued = action
        if not self.isVisible() and not self._build_scheduled:
            # Not shown, so no first paint to wait for. (When shown, the build waits for
            # the paint: a timer now would run before it.)
            self._build_scheduled = True
            QTimer.singleShot(0, self.finish_build)

    @property
    def url(self) -> str:
        return self.page.url

    def go_home(self) -> None:
        self.load(self.services.START_URL)

    def report(self, text: str, error: bool = False) -> None:
        self.page.report(text, error)

    def add_typed(self, url: str) -> None:
        self.typed.add_typed(url)
        self.services.update_completions()

    def typed_urls(self) -> list[str]:
        return self.typed.typed

    def clear_typed_urls(self) -> None:
        self.typed.typed.clear()
        self.services.update_completions()

    def _ask_path(self, caption: str, suggested: str) -> str | None:
        from ui.downloads.save_file import ask_save_path

        return ask_save_path(self, suggested, caption=caption, settings=self.settings.store)

    def start_demo(self) -> str | None:
        """Start the demo server on 127.0.0.1 (a free port); its base URL, or None when it
        could not start (the reason is on screen)."""
        self.finish_build()
        return self.services.demo.start()

    # -- closing ------------------------------------------------------------------------------

    def wait_for_workers(self, timeout_ms: int) -> bool:
        """Wait out worker threads that outlived closing's bounded wait; True when none runs
        (a QThread whose wrapper is destroyed while it still runs aborts the process)."""
        return all(not t.isRunning() or t.wait(timeout_ms) for t in self.services.threads())

    def closeEvent(self, event: QCloseEvent) -> None:
        self._queued = None  # closed before the deferred build: nothing to load
        self.finish_build()  # one shutdown path, and settings saved whole
        if self.persist_settings:
            self.tabs_controller.save_session()
            self.services.save_settings()
        self.tabs_controller.close_all(self.close_wait_ms)
        self.services.shutdown(self.close_wait_ms)
        super().closeEvent(event)
