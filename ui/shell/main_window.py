"""The Yonder window: toolbar, address bar, header view | document view, status bar, menus.

Widgets are passive; every connection between them, the Fetcher and the window's own slots
is made in :meth:`MainWindow._connect_signals`. Each fetch signal carries a request id and
the window ignores any id but the current one, so a cancelled load never touches the page.

The body goes into a :class:`ui.text.body_store.BodyStore` (memory up to a cap, then a temporary
file); a :class:`ui.page.page_renderer.PageRenderer` shows it in the document view as Rendered,
Source or Wire, and renders it again from the store on a view switch or an Encoding override,
without fetching. Save Page writes the store, whole, atomically, on a background thread
(ui/downloads/save_job.py) with its progress and a Cancel button in the status bar.

Keys: Ctrl+1 Rendered, Ctrl+2 / Ctrl+U Source, Ctrl+3 Wire; Ctrl+F find, F3 / Shift+F3
next / previous; Ctrl+S Save Page, Ctrl+Shift+S Save Headers, Ctrl+Shift+D Download…;
Ctrl++ / Ctrl+- / Ctrl+0 zoom; Alt+Z word wrap; Ctrl+T the Stream dock.

The Stream dock (bottom, shown on first run: making the stream visible is Yonder's point)
holds the receive lab, the live chunk timeline and table, and the decode-per-chunk comparison;
the status bar's right end holds the phase bar (DNS ... transfer per hop, exact ms on hover).
Go > Start Demo Server starts the built-in loopback demo server and opens its index; the start
page lists it while it runs; Go > Stop Demo Server stops it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QMenu, QSplitter, QToolBar, QVBoxLayout, QWidget

from ui.page.load_status import LoadStatus
from ui.settings import Settings
from ui.shell.address_bar import AddressBar
from ui.text import fragments
from ui.text.body_store import SPILL_LIMIT, VIEW_CAP, BodyStore, SpillLimits
from ui.text.display_text import display_line, display_title
from ui.text.history import History
from ui.text.units import format_duration, format_size

if TYPE_CHECKING:
    from PySide6.QtGui import (
        QAction,
        QCloseEvent,
        QIcon,
        QKeySequence,
        QPaintEvent,
        QResizeEvent,
        QShowEvent,
    )
    from PySide6.QtWidgets import QStyle

    from net.charset import CharsetChoice
    from net.errors import InvalidURL
    from net.events import Finished, Redirected, ResponseHead, Timings
    from net.options import FetchOptions
    from ui.downloads.download_manager import DownloadManager, DownloadsPanel
    from ui.downloads.save_job import SaveJob, SaveStatus
    from ui.page.fetch_worker import FetchFunction
    from ui.page.page_renderer import ViewMode
    from ui.shell.demo_controller import DemoController


#: (menu text, codec label or None for Auto): View > Encoding.
ENCODINGS: tuple[tuple[str, str | None], ...] = (
    ("Auto (as the page declares)", None),
    ("Unicode (UTF-8)", "utf-8"),
    ("Western (windows-1252)", "windows-1252"),
    ("Western (ISO-8859-1)", "iso-8859-1"),
    ("Western (ISO-8859-15)", "iso-8859-15"),
    ("Central European (windows-1250)", "windows-1250"),
    ("Cyrillic (windows-1251)", "windows-1251"),
    ("Cyrillic (KOI8-R)", "koi8-r"),
    ("Greek (windows-1253)", "windows-1253"),
    ("Japanese (Shift_JIS)", "shift_jis"),
    ("Japanese (EUC-JP)", "euc-jp"),
    ("Chinese Simplified (GB18030)", "gb18030"),
    ("Chinese Traditional (Big5)", "big5"),
    ("Korean (EUC-KR)", "euc-kr"),
    ("Unicode (UTF-16LE)", "utf-16-le"),
    ("Unicode (UTF-16BE)", "utf-16-be"),
)
MIN_ZOOM, MAX_ZOOM = -6, 24  # point steps around the default size
BASE_POINT_SIZE = 10.5

#: ask_path(caption, suggested_name) -> chosen path or None (tests replace it).
AskPath = Callable[[str, str], "str | None"]

# The first window: the document shows DEFAULT_COLUMNS columns of the monospace font (80-column
# text and hex rows never wrap), the header pane HEADER_WIDTH beside it; the whole fits the
# screen's available geometry (a smaller screen or a scale factor takes from the header first).
DEFAULT_COLUMNS = 100
DEFAULT_HEIGHT = 750
HEADER_WIDTH = 320
HEADER_MIN_WIDTH = 160  # the header pane yields down to this before the document yields
# ui.page.document_view's documentMargin (not imported: the first frame is light)
DOCUMENT_MARGIN = 12
# Characters of an address the Download… dialog shows without scrolling.
DOWNLOAD_FIELD_CHARS = 72

# The window manager's border and title bar, unknown before the window is first shown.
FRAME_ALLOWANCE = (16, 48)
STREAM_DOCK_HEIGHT = 230  # first run: the lab, the header line and ~8 table rows
# First run: where the address bar starts in the toolbar (after the five navigation buttons);
# later runs use the last run's figure (Settings.first_frame).
ADDRESS_BAR_X = 169
TOOL_BUTTON_HEIGHT = 31  # the navigation buttons' height (24 px icons), likewise
BUILD_FALLBACK_MS = 300  # builds the rest even if the first paint never comes (hidden)
SAVE_POLL_MS = 100  # how often a background Save Page's progress is shown
CLOSE_WAIT_MS = 1000  # how long closing waits for the worker thread to end
RELAYOUT_MS = 250  # a resize or zoom must settle this long before tables are laid out again


class YieldingSplitter(QSplitter):
    """A horizontal split whose first pane (the headers) gives way first when the split
    shrinks, down to ``first_min`` pixels; growth goes to the second (the document) by its
    stretch factor. (QSplitter alone shrinks by stretch factor: the document first.)"""

    def __init__(self, first_min: int) -> None:
        super().__init__()
        self._first_min = first_min

    def resizeEvent(self, event: QResizeEvent) -> None:
        before = self.sizes()  # still the old layout's
        super().resizeEvent(event)
        shrunk = event.oldSize().width() - event.size().width()
        if len(before) != 2 or event.oldSize().width() <= 0 or shrunk <= 0 or not before[0]:
            return
        total = sum(self.sizes())
        first = max(min(self._first_min, before[0]), before[0] - shrunk)
        self.setSizes([first, max(0, total - first)])


def page_title(url: str) -> str:
    """A short name for the title bar: the last path segment, else the host."""
    from ui.shell import window_parts as parts

    url = fragments.without_fragment(url)
    if url == parts.START_URL:
        return "Start page"
    if url == parts.ABOUT_URL:
        return "About Yonder"
    if url == parts.KEYS_URL:
        return "Keys"
    if url.startswith(parts.SAMPLE_PREFIX):
        return url[len(parts.SAMPLE_PREFIX) :]
    if url.startswith(("yonder:bookmarks", "yonder:history")):
        page, _, query = url.partition("?q=")
        name = "Bookmarks" if page == "yonder:bookmarks" else "History"
        from urllib.parse import unquote

        return f"{name}: “{unquote(query)}”" if query else name
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    segment = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return f"{segment} ({host})" if segment else host or url


def _on_triggered(action: QAction, handler: Callable[[], object]) -> None:
    """Run ``handler()`` with no arguments when ``action`` is triggered.

    ``triggered`` carries ``checked``; connected directly, a handler with optional parameters
    takes it as its first one (File > Download… got ``False`` as its address).
    """
    action.triggered.connect(lambda _checked=False: handler())


class MainWindow(QMainWindow):
    """The browser window.

    With ``deferred=True`` (what ``python main.py`` does) the constructor builds only the
    first frame: the toolbar with the address bar, the split with empty header and document
    areas, the Stream dock's space, the status bar and the menu titles. The rest (views,
    actions and menus, the Stream dock, the fetcher, settings) is built by
    :meth:`finish_build`, which the first paint schedules; a load asked for before it (the
    command line's URL, an address typed at once) is queued and runs when it is done.

    Signals:
        load_ended(bool ok): the current load ended; True when the page loaded (any HTTP
            status), False on an error page or when stopped.
        saved(str path): Save Page or Save Headers wrote ``path``.
        built(): the window is whole (:attr:`fully_built`): right away unless deferred.
    Slots: load(str), reload(), stop(), go_back(), go_forward(), go_home(),
        set_view_mode(ViewMode), set_encoding(str|None), save_page(), save_headers(),
        copy_as_curl(), download(), zoom_in(), zoom_out(), zoom_reset(), set_word_wrap(bool),
        start_demo() -> str | None, open_demo(), stop_demo(), show_about()
    """

    load_ended = Signal(bool)
    saved = Signal(str)
    built = Signal()

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
        self._fetch = fetch
        if spill is None:
            spill = SpillLimits(limit=self.settings.spill_limit(SPILL_LIMIT))
        self.store = BodyStore(view_cap=view_cap, limits=spill)
        self._lost_shown = False  # the notice that the body is no longer kept is up
        self._curl_refused = False  # the page is a refused address: no Copy as curl
        self._save_job: SaveJob | None = None  # Save Page running in the background
        self._save_note: tuple[str, bool] = ("", False)  # its "(incomplete: ...)", and error
        self._save_status: SaveStatus | None = None  # its part of the status bar, made on use
        self._save_poll = QTimer(self)
        self._save_poll.setInterval(SAVE_POLL_MS)
        self._save_poll.timeout.connect(self._poll_save)
        self._has_body = False  # the page shows a response body (or a bundled sample)
        self._error_page = False  # the page is an error page of its own (nothing received)
        self._override: str | None = None
        self._shown_url = ""  # the address of the page on screen (a reload keeps its view)
        self._zoom = self.settings.zoom()
        self.ask_path: AskPath = self._ask_path
        self._downloads: DownloadManager | None = None
        self.downloads_panel: DownloadsPanel | None = None
        self.persist_settings = True  # False for --screenshot: a capture changes nothing
        self.close_wait_ms = CLOSE_WAIT_MS  # a wall-clock budget: tests that need one set it
        self.history = History(self.settings.typed_urls())
        self._request_id = 0  # the fetch the page belongs to; 0: none (internal page)
        self._url = ""  # the address the page came from (final, after redirects)
        self._body_bytes = 0
        self._head_seen = False
        self._load_ok: bool | None = None
        # "Done: ..." waits here while the page is still being rendered (see on_finished).
        self._done_text = ""
        self._hops: list[Timings] = []  # the current load's finished hops (redirects)
        self._fragment: str | None = None  # the #fragment of the page's address (never sent)
        self._tops: dict[int, int] = {}  # history index -> first position shown (same page)
        self._demo: DemoController | None = None
        self.demo_error = ""  # why the demo server last failed to start ("" if it did not)

        self.fully_built = False
        self._build_scheduled = False
        self._queued_load: tuple[str, bool, bool] | None = None  # (text, typed, from_history)

        self.setWindowTitle("Yonder")
        self._build_frame()
        if not deferred:
            self.finish_build()

    # -- construction -------------------------------------------------------------------------

    def _build_frame(self) -> None:
        """The first frame, at its final layout, from cheap parts only (no Qt enums)."""
        first = self.settings.first_frame()
        if first is None:
            first = (ADDRESS_BAR_X, TOOL_BUTTON_HEIGHT, STREAM_DOCK_HEIGHT)
        address_x, button_height, dock_height = first
        self.address_bar = AddressBar()
        self.address_bar.load_requested.connect(self.on_address_entered)
        toolbar = QToolBar("Navigation")
        toolbar.setObjectName("navigation")
        toolbar.setMovable(False)
        # Stands in for the navigation buttons until they exist (their icons need QStyle).
        self._toolbar_lead = QWidget()
        self._toolbar_lead.setFixedSize(max(0, address_x - 5), button_height)  # - the margin
        self._lead_action = toolbar.addWidget(self._toolbar_lead)
        self._address_action = toolbar.addWidget(self.address_bar)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.edit_menu = bar.addMenu("&Edit")
        self.view_menu = bar.addMenu("&View")
        self.go_menu = bar.addMenu("&Go")
        self.bookmarks_menu = bar.addMenu("&Bookmarks")
        self.help_menu = bar.addMenu("&Help")

        self._header_slot = QWidget()  # placeholders at the views' places in the split
        self._document_slot = QWidget()
        self.splitter = YieldingSplitter(HEADER_MIN_WIDTH)  # horizontal
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._header_slot)
        self.splitter.addWidget(self._document_slot)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        central = QWidget()
        self._central_layout = QVBoxLayout(central)
        self._central_layout.setContentsMargins(6, 4, 6, 0)
        self._central_layout.addWidget(self.splitter, 1)
        # The Stream dock's space (it is shown on a first run): the layout does not jump.
        self._dock_slot: QWidget | None = None
        if dock_height:
            self._dock_slot = QWidget()
            self._dock_slot.setFixedHeight(dock_height)
            self._central_layout.addWidget(self._dock_slot)
        self.setCentralWidget(central)
        self.load_status = LoadStatus()
        self.statusBar().addWidget(self.load_status, 1)
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen()
            self.apply_default_layout(screen.availableGeometry() if screen is not None else None)
        splitter = self.settings.splitter_state()
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def document_width(self, columns: int) -> int:
        """The document view's width that shows ``columns`` characters of the monospace font
        (at the default size and the current zoom), with its frame, margins and scroll bar."""
        from PySide6.QtGui import QFontMetricsF
        from PySide6.QtWidgets import QStyle

        from ui.fonts import monospace_font

        font = monospace_font()
        font.setPointSizeF(max(4.0, BASE_POINT_SIZE + self._zoom))
        advance = QFontMetricsF(font).horizontalAdvance("0" * columns)
        style = self.style()
        frame = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
        scroll_bar = style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        # + 2: the wrap leaves room for the cursor at a line's end.
        return int(advance + 0.999) + 2 * DOCUMENT_MARGIN + 2 * frame + scroll_bar + 2

    def default_layout(self, available: QRect | None) -> tuple[QSize, list[int]]:
        """The first window's size and split: DEFAULT_COLUMNS for the document, HEADER_WIDTH
        for the headers, within ``available`` (less FRAME_ALLOWANCE) when given, the header
        pane giving way first."""
        margins = self._central_layout.contentsMargins()
        chrome = margins.left() + margins.right() + self.splitter.handleWidth()
        document = self.document_width(DEFAULT_COLUMNS)
        width, height = chrome + HEADER_WIDTH + document, DEFAULT_HEIGHT
        if available is not None:
            width = min(width, available.width() - FRAME_ALLOWANCE[0])
            height = min(height, available.height() - FRAME_ALLOWANCE[1])
        split = width - chrome
        header = max(HEADER_MIN_WIDTH, min(HEADER_WIDTH, split - document))
        return QSize(width, height), [header, max(0, split - header)]

    def apply_default_layout(self, available: QRect | None) -> None:
        """Size the window and its split as :meth:`default_layout` says, centred in
        ``available`` (None: no screen to fit, e.g. a capture)."""
        size, sizes = self.default_layout(available)
        self.resize(size)
        self.splitter.setSizes(sizes)
        if available is not None:
            left = available.x() + max(0, (available.width() - size.width()) // 2)
            top = available.y() + max(0, (available.height() - size.height()) // 2)
            self.move(left, top)

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

    @Slot()
    def finish_build(self) -> None:
        """Build everything the first frame left out; run a load queued meanwhile."""
        if self.fully_built:
            return
        # The costly half of the window's imports (ui/shell/window_parts.py says why), after the
        # first paint. Every method that uses one of them imports the module itself (already
        # loaded then: a dictionary look-up).
        from ui.shell import window_parts as parts

        self._mode = parts.ViewMode.RENDERED
        self.fetcher = parts.Fetcher(self._fetch, parent=self)
        self._build_widgets()
        self._build_actions()
        from ui.shell.library_controller import LibraryController

        # Bookmarks, visited pages, their menu and pages (ui/shell/library_controller.py).
        self.library = LibraryController(self, self, self.bookmarks_menu, self.go_menu)
        self._connect_signals()
        self._restore_settings()
        self.fully_built = True
        self._update_actions()
        self.built.emit()
        if self._queued_load is not None:
            text, typed, from_history = self._queued_load
            self._queued_load = None
            self.load(text, typed=typed, from_history=from_history)

    def _build_widgets(self) -> None:
        from ui.shell import window_parts as parts

        self.header_view = parts.HeaderView()
        self.document_view = parts.DocumentView()
        self.error_banner = parts.ErrorBanner()
        self.notice_bar = parts.NoticeBar()
        self.find_bar = parts.FindBar()
        self.find_bar.hide()
        self.find_bar.attach(self.document_view)
        self.charset_label = parts.QLabel()
        self.charset_label.setTextFormat(Qt.TextFormat.PlainText)  # names a server's charset
        self.charset_label.setToolTip("The character encoding the text was decoded with")
        self.renderer = parts.PageRenderer(self.document_view, self)
        self.renderer.table_width = self.document_view.columns
        # Tables are laid out for the view's width in columns: once a resize or zoom settles,
        # a page with aligned tables is laid out again from the store (never fetched again).
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(RELAYOUT_MS)
        self._relayout_timer.timeout.connect(self._relayout_tables)
        self._restore_block = -1  # after a re-layout: the block to bring back to the top
        self.phase_bar = parts.PhaseBar()
        self.phase_bar.setToolTip("Phase timings of the last load: hover for exact milliseconds")

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.error_banner)
        right_layout.addWidget(self.notice_bar)
        right_layout.addWidget(self.document_view, 1)
        right_layout.addWidget(self.find_bar)

        # The views take their placeholders' places and sizes. (Not replaceWidget: PySide6
        # does not give the splitter the new widget's ownership there; insertWidget does.)
        sizes = self.splitter.sizes()
        self.splitter.insertWidget(0, self.header_view)
        self.splitter.insertWidget(2, right)
        for slot in (self._header_slot, self._document_slot):
            slot.hide()
            slot.setParent(None)
            slot.deleteLater()
        self.splitter.setStretchFactor(0, 0)  # per widget (its size policy): set them again
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes(sizes)
        self.statusBar().addPermanentWidget(self.charset_label)
        self.statusBar().addPermanentWidget(self.phase_bar)
        self._build_stream_dock()

    def _build_stream_dock(self) -> None:
        from ui.shell import window_parts as parts

        # The lab remembers its knobs in the window's own settings store.
        self.stream = parts.StreamPane(parts.ReceiveLab(self.settings.store))
        # The lab's row of knobs is ~770 px wide: it may be squeezed rather than set the whole
        # window's minimum width (a narrow window clips the row's end).
        self.stream.lab.setMinimumWidth(240)
        dock = parts.QDockWidget("Stream", self)
        dock.setObjectName("stream")  # saveState/restoreState key
        dock.setWidget(self.stream)
        area = parts.Qt.DockWidgetArea
        dock.setAllowedAreas(area.BottomDockWidgetArea | area.TopDockWidgetArea)
        if self._dock_slot is not None:
            self._central_layout.removeWidget(self._dock_slot)
            self._dock_slot.deleteLater()
            self._dock_slot = None
        # Hidden until _restore_settings says otherwise: added to a window already on screen
        # (the deferred build), a dock not explicitly hidden is shown by a queued call that
        # runs after restoreState, and a dock the user had closed came back every run.
        dock.hide()
        self.addDockWidget(area.BottomDockWidgetArea, dock)
        self.resizeDocks([dock], [STREAM_DOCK_HEIGHT], parts.Qt.Orientation.Vertical)
        self.stream_dock = dock

    def _icon(self, pixmap: QStyle.StandardPixmap, theme: str) -> QIcon:
        from ui.shell import window_parts as parts

        return parts.QIcon.fromTheme(theme, self.style().standardIcon(pixmap))

    def _home_icon(self) -> QIcon:
        """The theme's go-home, else a house drawn in the palette's text colour (the style's
        only "home" pixmap, SP_DirHomeIcon, is a folder: the home directory)."""
        from PySide6.QtCore import QPointF, QRectF
        from PySide6.QtGui import QIcon, QPainter, QPen, QPixmap, QPolygonF

        themed = QIcon.fromTheme("go-home")
        if not themed.isNull():
            return themed
        icon = QIcon()
        colour = self.palette().windowText().color()
        for size in (16, 24, 32, 48):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(size / 24, size / 24)
            pen = QPen(colour, 2.0)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            roof = [QPointF(3, 12), QPointF(12, 3.5), QPointF(21, 12)]
            painter.drawPolyline(QPolygonF(roof))
            walls = [QPointF(6, 10), QPointF(6, 20.5), QPointF(18, 20.5), QPointF(18, 10)]
            painter.drawPolyline(QPolygonF(walls))
            painter.drawRect(QRectF(10, 14, 4, 6.5))  # the door
            painter.end()
            icon.addPixmap(pixmap)
        return icon

    def _action(self, text: str, icon: QIcon | None, *keys: QKeySequence | str) -> QAction:
        from ui.shell import window_parts as parts

        action = parts.QAction(text, self)
        if icon is not None:
            action.setIcon(icon)
        action.setShortcuts([parts.QKeySequence(k) for k in keys])
        shortcut_text = ", ".join(parts.QKeySequence(k).toString() for k in keys)
        action.setToolTip(f"{text} ({shortcut_text})" if keys else text)
        self.addAction(action)  # shortcuts work even where the toolbar hides the action
        return action

    def _build_actions(self) -> None:
        from ui.shell import window_parts as parts

        sp = parts.QStyle.StandardPixmap
        self.back_action = self._action(
            "Back", self._icon(sp.SP_ArrowBack, "go-previous"), "Alt+Left"
        )
        self.forward_action = self._action(
            "Forward", self._icon(sp.SP_ArrowForward, "go-next"), "Alt+Right"
        )
        self.reload_action = self._action(
            "Reload", self._icon(sp.SP_BrowserReload, "view-refresh"), "F5", "Ctrl+R"
        )
        self.stop_action = self._action(
            "Stop", self._icon(sp.SP_BrowserStop, "process-stop"), "Esc"
        )
        self.home_action = self._action("Home", self._home_icon(), "Alt+Home")
        self.focus_address_action = self._action("Go to address bar", None, "Ctrl+L")
        self.quit_action = self._action("Quit", None, "Ctrl+Q")
        self.close_action = self._action("Close window", None, "Ctrl+W")
        # F6 / Shift+F6: address bar -> document -> header view -> Stream dock, as browsers
        # move between their panes (window shortcuts, in no menu).
        self.next_pane_action = self._action("Next pane", None, "F6")
        self.previous_pane_action = self._action("Previous pane", None, "Shift+F6")

        toolbar = self.toolbar
        toolbar.setToolButtonStyle(parts.Qt.ToolButtonStyle.ToolButtonIconOnly)
        toolbar.removeAction(self._lead_action)
        self._toolbar_lead.deleteLater()
        for action in (
            self.back_action,
            self.forward_action,
            self.reload_action,
            self.stop_action,
            self.home_action,
        ):
            toolbar.insertAction(self._address_action, action)

        # Views: one checkable action each, exclusive; the toolbar shows them as text buttons.
        self.view_group = parts.QActionGroup(self)
        self.view_actions: dict[ViewMode, QAction] = {}
        for mode, text, keys in (
            (parts.ViewMode.RENDERED, "Rendered", ("Ctrl+1",)),
            (parts.ViewMode.SOURCE, "Source", ("Ctrl+2", "Ctrl+U")),
            (parts.ViewMode.WIRE, "Wire", ("Ctrl+3",)),
        ):
            action = self._action(text, None, *keys)
            action.setCheckable(True)
            action.setData(mode.value)
            self.view_group.addAction(action)
            self.view_actions[mode] = action
        self.view_actions[parts.ViewMode.RENDERED].setChecked(True)
        for action in self.view_group.actions():
            toolbar.addAction(action)

        self.save_page_action = self._action("Save Page…", None, "Ctrl+S")
        self.save_headers_action = self._action("Save Headers…", None, "Ctrl+Shift+S")
        self.download_action = self._action("Download…", None, "Ctrl+Shift+D")
        self.curl_action = self._action("Copy as curl", None, "Ctrl+Shift+C")
        self.find_action = self._action("Find…", None, "Ctrl+F")
        self.find_next_action = self._action("Find Next", None, "F3")
        self.find_previous_action = self._action("Find Previous", None, "Shift+F3")
        self.zoom_in_action = self._action("Zoom In", None, "Ctrl++", "Ctrl+=")
        self.zoom_out_action = self._action("Zoom Out", None, "Ctrl+-")
        self.zoom_reset_action = self._action("Actual Size", None, "Ctrl+0")
        self.wrap_action = self._action("Word Wrap", None, "Alt+Z")
        self.wrap_action.setCheckable(True)
        self.downloads_action = self._action("Downloads", None)
        self.stream_action = self.stream_dock.toggleViewAction()
        self.stream_action.setText("Stream (timeline, receive lab)")
        self.stream_action.setShortcut(parts.QKeySequence("Ctrl+T"))
        self.stream_action.setToolTip("Show or hide the Stream dock (Ctrl+T)")
        self.addAction(self.stream_action)
        # Two plain actions, each saying what it does (a checkable "Stop" read backwards).
        self.demo_action = self._action("Start Demo Server", None)
        self.demo_action.setToolTip(
            "Start the built-in demo server (127.0.0.1 only) and open its index: drips, large "
            "and chunked bodies, gzip, redirects, errors"
        )
        self.demo_stop_action = self._action("Stop Demo Server", None)
        self.demo_stop_action.setToolTip("Stop the built-in demo server")
        self.demo_stop_action.setEnabled(False)
        self.keys_action = self._action("Keys", None)
        self.keys_action.setToolTip("Every key of the window")
        self.about_action = self._action("About Yonder", None, "F1")

        self.encoding_group = parts.QActionGroup(self)
        self.encoding_actions: dict[str | None, parts.QAction] = {}
        for text, label in ENCODINGS:
            action = parts.QAction(text, self)
            action.setCheckable(True)
            action.setData(label or "")
            self.encoding_group.addAction(action)
            self.encoding_actions[label] = action
        self.encoding_actions[None].setChecked(True)
        self._build_menus()

    def _build_menus(self) -> None:
        file_menu = self.file_menu
        file_menu.addAction(self.focus_address_action)
        file_menu.addSeparator()
        file_menu.addActions([self.save_page_action, self.save_headers_action])
        file_menu.addAction(self.download_action)
        file_menu.addSeparator()
        file_menu.addActions([self.close_action, self.quit_action])
        edit_menu = self.edit_menu
        edit_menu.addAction(self.curl_action)
        edit_menu.addSeparator()
        edit_menu.addActions([self.find_action, self.find_next_action, self.find_previous_action])
        view_menu = self.view_menu
        view_menu.addActions(self.view_group.actions())
        view_menu.addSeparator()
        self.encoding_menu = QMenu("&Encoding", self)
        self.encoding_menu.addActions(self.encoding_group.actions())
        self.encoding_menu.insertSeparator(self.encoding_group.actions()[1])
        view_menu.addMenu(self.encoding_menu)
        view_menu.addSeparator()
        view_menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        view_menu.addAction(self.wrap_action)
        view_menu.addSeparator()
        view_menu.addAction(self.stream_action)
        view_menu.addAction(self.downloads_action)
        go_menu = self.go_menu
        go_menu.addActions(
            [
                self.back_action,
                self.forward_action,
                self.home_action,
                self.reload_action,
                self.stop_action,
            ]
        )
        go_menu.addSeparator()
        go_menu.addActions([self.demo_action, self.demo_stop_action])
        self.help_menu.addActions([self.keys_action, self.about_action])

    def _connect_signals(self) -> None:
        """Every connection in the window, in one place."""
        from ui.shell import window_parts as parts

        on = _on_triggered
        on(self.back_action, self.go_back)
        on(self.forward_action, self.go_forward)
        on(self.reload_action, self.reload)
        on(self.stop_action, self.stop)
        on(self.home_action, self.go_home)
        on(self.focus_address_action, self.address_bar.focus_and_select)
        on(self.quit_action, self.close)
        on(self.close_action, self.close)

        self.view_group.triggered.connect(
            lambda action: self.set_view_mode(parts.ViewMode(action.data()))
        )
        self.encoding_group.triggered.connect(
            lambda action: self.set_encoding(action.data() or None)
        )
        on(self.save_page_action, self.save_page)
        on(self.save_headers_action, self.save_headers)
        on(self.download_action, self.download)
        on(self.downloads_action, self.show_downloads)
        on(self.curl_action, self.copy_as_curl)
        on(self.find_action, self.find_bar.open_bar)
        on(self.find_next_action, self._find_next)
        on(self.find_previous_action, self._find_previous)
        on(self.zoom_in_action, self.zoom_in)
        on(self.zoom_out_action, self.zoom_out)
        on(self.zoom_reset_action, self.zoom_reset)
        self.wrap_action.toggled.connect(self.set_word_wrap)
        self.demo_action.triggered.connect(self.open_demo)
        self.demo_stop_action.triggered.connect(self.stop_demo)
        self.keys_action.triggered.connect(self.show_keys)
        self.about_action.triggered.connect(self.show_about)
        self.stream.lab.decode_per_chunk_changed.connect(self._on_decode_per_chunk_changed)
        self.fetcher.emit_body_parts = self.stream.lab.decode_per_chunk
        self.library.completions_changed.connect(self._update_completions)

        self.document_view.link_activated.connect(self.on_link_activated)
        self.document_view.link_hovered.connect(self.on_link_hovered)
        self.document_view.link_focused.connect(self.on_link_hovered)
        on(self.next_pane_action, lambda: self.cycle_focus(True))
        on(self.previous_pane_action, lambda: self.cycle_focus(False))
        self.document_view.link_download_requested.connect(self.download_link)
        self.error_banner.retry_requested.connect(self.reload)
        self.notice_bar.save_requested.connect(self.save_page)

        r = self.renderer
        r.title_changed.connect(self.on_title_changed)
        r.encoding_changed.connect(self.on_encoding_changed)
        r.kind_changed.connect(self.on_kind_changed)
        r.truncated.connect(self.on_truncated)
        r.rendered.connect(self._on_render_progress)
        self.document_view.drained.connect(self._on_render_progress)
        self.document_view.columns_changed.connect(self._on_columns_changed)

        f = self.fetcher
        f.set_backlog_probe(lambda: self.document_view.pending_chars)
        f.started.connect(self.on_fetch_started)
        f.transfer_info.connect(self.on_transfer_info)
        f.request_sent.connect(self.on_request_sent)
        f.head_received.connect(self.on_head_received)
        f.wire_received.connect(self.on_wire_received)
        f.chunk_received.connect(self.on_chunk_received)
        f.chunks_recorded.connect(self.on_chunks_recorded)
        f.body_parts.connect(self.on_body_parts)
        f.progress_changed.connect(self.on_progress_changed)
        f.redirected.connect(self.on_redirected)
        f.finished.connect(self.on_finished)
        f.failed.connect(self.on_failed)
        f.stopped.connect(self.on_stopped)

    def _restore_settings(self) -> None:
        # Geometry and the split are restored by _build_frame, before the first paint.
        state = self.settings.window_state()
        if state is None or not self.restoreState(state):  # the Stream dock's visibility, size
            self.stream_dock.show()  # first run: making the stream visible is Yonder's point
        self._update_completions()
        self.address_bar.install_completer()
        self.wrap_action.setChecked(self.settings.word_wrap())
        self.set_word_wrap(self.wrap_action.isChecked())
        self._apply_font()

    def save_settings(self) -> None:
        dock_height = self.stream_dock.height() if self.stream_dock.isVisible() else 0
        button = self.toolbar.widgetForAction(self.back_action)
        button_height = button.height() if button is not None else TOOL_BUTTON_HEIGHT
        self.settings.set_first_frame(self.address_bar.x(), button_height, dock_height)
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_splitter_state(self.splitter.saveState())
        self.settings.set_window_state(self.saveState())
        self.settings.set_typed_urls(self.history.typed, self.library.visits.to_list())
        self.settings.set_zoom(self._zoom)
        self.settings.set_word_wrap(self.wrap_action.isChecked())
        self.settings.sync()

    def _update_completions(self) -> None:
        # Typed addresses, bookmarks and visited pages (ui.library.visits.completions).
        self.address_bar.set_history(self.library.completions())

    def typed_urls(self) -> list[str]:
        return self.history.typed

    def clear_typed_urls(self) -> None:
        self.history.typed.clear()
        self._update_completions()

    def report(self, text: str, error: bool = False) -> None:
        self._report(text, error)

    # -- navigation ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._url

    @property
    def is_loading(self) -> bool:
        return self._request_id != 0 and self.fetcher.is_loading

    @Slot(str)
    def on_address_entered(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        # The reader goes on in the page they asked for, as in browsers (Ctrl+L returns);
        # typed before the deferred build, there is no document view yet to go to.
        if self.fully_built:
            self.document_view.setFocus(Qt.FocusReason.OtherFocusReason)
        same = self._same_page(text)
        if same is not None:
            self._go_to_fragment(same)
            return
        self.load(text, typed=True)

    @Slot(str)
    def load(self, text: str, typed: bool = False, from_history: bool = False) -> None:
        """Open an address: internal pages at once, anything else through the Fetcher.

        Before the window is whole (deferred start-up) the address waits for
        :meth:`finish_build`; a later one replaces it, as a new load replaces a running one.
        """
        if not self.fully_built:
            self._queued_load = (text, typed, from_history)
            if not self.isVisible() and not self._build_scheduled:
                # Not shown, so no first paint to wait for. (When shown, the build waits for
                # the paint: a timer now would run before it.)
                self._build_scheduled = True
                QTimer.singleShot(0, self.finish_build)
            return
        from ui.shell import window_parts as parts

        self._fragment = fragments.fragment_of(text.strip())
        if parts.is_internal(text):
            self._show_internal(text, from_history)
            return
        from net.errors import InvalidURL
        from net.url import parse_url

        try:
            url = parse_url(text).url  # what is requested: never the fragment
        except InvalidURL as exc:
            self._fragment = None
            self._show_invalid_address(text, exc)
            return
        shown = fragments.with_fragment(url, self._fragment)
        if typed:
            self.history.add_typed(shown)
            self._update_completions()
        if not from_history:
            self.history.visit(shown)
        self._url = shown
        self._request_id = self.fetcher.load(url, self.load_options())

    def _same_page(self, text: str) -> str | None:
        """``text`` as an absolute address when it is the page on screen with a #fragment
        (a same-document navigation: no request), else None."""
        from ui.shell import window_parts as parts

        if fragments.fragment_of(text) is None or not (self._has_body or self.is_loading):
            return None
        url = text
        if not parts.is_internal(text):
            from net.errors import InvalidURL
            from net.url import parse_url

            try:
                url = fragments.with_fragment(parse_url(text).url, fragments.fragment_of(text))
            except InvalidURL:
                return None
        return url if fragments.same_document(url, self._url) else None

    def _go_to_fragment(self, url: str, from_history: bool = False) -> None:
        """Move within the page on screen to ``url``'s fragment: no request. The address bar
        and the history follow; going back returns to where the reader was."""
        if not from_history:
            self._tops[self.history.index] = self.document_view.top_position()
            self.history.visit(url)
        self._url = url
        self._fragment = fragments.fragment_of(url)
        self.address_bar.set_url(url)  # the title stays the page's own: the same document
        view = self.document_view
        if self._fragment:
            # Shown now, or once it arrives while the page streams; a target the page does
            # not have leaves the view where it is, silently, as in browsers.
            view.scroll_to_target(fragments.target_names(self._fragment))
        else:
            view.scroll_to_target(None)
            view.show_at_top(self._tops.get(self.history.index, 0))
        self._update_actions()

    def load_options(self) -> FetchOptions:
        """The options of the next load: the window's own (tests and benches set them), with
        the receive lab's recv size and slow motion wherever the user moved them off their
        defaults; the lab never touches a running load."""
        import dataclasses

        from net.options import DEFAULT_RECV_SIZE, FetchOptions

        options = self.options or FetchOptions()
        lab = self.stream.lab
        if lab.recv_size != DEFAULT_RECV_SIZE:
            options = dataclasses.replace(options, recv_size=lab.recv_size)
        if lab.chunk_delay > 0:
            options = dataclasses.replace(options, chunk_delay=lab.chunk_delay)
        return options

    @Slot()
    def reload(self) -> None:
        if self._url:
            self.load(self._url, from_history=True)

    @Slot()
    def stop(self) -> None:
        self.fetcher.stop()

    @Slot()
    def go_back(self) -> None:
        self._go_history(forward=False)

    def _go_history(self, forward: bool) -> None:
        index, top = self.history.index, self.document_view.top_position()
        url = self.history.forward() if forward else self.history.back()
        if url is None:
            return
        if fragments.same_document(url, self._url) and (self._has_body or self.is_loading):
            self._tops[index] = top
            self._go_to_fragment(url, from_history=True)
        else:
            self.load(url, from_history=True)

    @Slot()
    def go_forward(self) -> None:
        self._go_history(forward=True)

    @Slot()
    def go_home(self) -> None:
        from ui.shell import window_parts as parts

        self.load(parts.START_URL)

    @Slot(str)
    def on_link_activated(self, href: str) -> None:
        from ui.shell import window_parts as parts

        if href == parts.RETRY_URL:
            self.reload()
            return
        if href == parts.SAVE_URL:
            self.save_page()
            return
        # An action link (delete, edit, ...) counts only on a page of Yonder's own.
        if parts.is_internal(self._url) and self.library.follow_link(href):
            return
        if not (
            parts.is_internal(href)
            or "://" in href
            or not self._url
            or parts.is_internal(self._url)
        ):
            from net.errors import InvalidURL

            try:
                href = fragments.resolve_link(self._url, href)
            except InvalidURL as exc:
                self.load_status.show_text(str(exc))
                return
        same = self._same_page(href)
        if same is not None:
            self._go_to_fragment(same)  # an in-page link: scroll, no request
            return
        self.load(href)

    @Slot(str)
    def on_link_hovered(self, href: str) -> None:
        # Where a link leads, before following it (as every browser shows it).
        if href:
            self.statusBar().showMessage(href)
        else:
            self.statusBar().clearMessage()

    def panes(self) -> list[QWidget]:
        """What F6 cycles through, in order: the address bar, the document, the header view
        and (when shown) the Stream dock."""
        panes: list[QWidget] = [self.address_bar, self.document_view, self.header_view]
        if self.stream_dock.isVisible():
            panes.append(self.stream_dock)
        return panes

    def cycle_focus(self, forward: bool = True) -> None:
        """F6 / Shift+F6: the keyboard focus to the next (previous) pane."""
        from ui.shell import window_parts as parts

        panes = self.panes()
        focus = parts.QApplication.focusWidget()
        here = next(
            (i for i, p in enumerate(panes) if focus is p or (focus and p.isAncestorOf(focus))),
            None,
        )
        if here is None:
            target = panes[0] if forward else panes[-1]
        else:
            target = panes[(here + (1 if forward else -1)) % len(panes)]
        if target is self.address_bar:
            self.address_bar.focus_and_select()
            return
        if target is self.header_view:
            target = self.header_view.tabs.currentWidget() or target  # the tab on show
        if not target.focusPolicy() & Qt.FocusPolicy.TabFocus:
            # A container (the dock): its first control that takes the focus.
            target = next(
                (
                    child
                    for child in target.findChildren(QWidget)
                    if child.isVisible()
                    and child.isEnabled()
                    and child.focusPolicy() & Qt.FocusPolicy.TabFocus
                ),
                target,
            )
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _abandon_fetch(self) -> None:
        # The page no longer belongs to any fetch: anything still in flight is stale.
        if self._request_id and self.fetcher.is_loading:
            self.stream.on_aborted("stopped")
        self._request_id = 0
        self.fetcher.stop()

    def _new_page(self, url: str) -> None:
        from ui.shell import window_parts as parts

        self.renderer.stop()
        self.store.close()
        self._restore_block = -1
        self._lost_shown = False
        self._curl_refused = False
        self._has_body = False
        self._error_page = False
        self.document_view.clear_document()
        self.header_view.clear()
        self.error_banner.hide()
        self.notice_bar.hide()
        self.charset_label.clear()
        self._body_bytes = 0
        self._head_seen = False
        self._load_ok = None
        self._url = url
        self._tops.clear()
        self.statusBar().clearMessage()  # a hovered or focused link of the page just left
        if fragments.without_fragment(url) != fragments.without_fragment(self._shown_url):
            # A new page starts in the Rendered view, decoded as it declares; a reload keeps
            # the view and the encoding the reader chose.
            self._mode = parts.ViewMode.RENDERED
            self.view_actions[parts.ViewMode.RENDERED].setChecked(True)
            self._override = None
            self.encoding_actions[None].setChecked(True)
        self._shown_url = url
        self.address_bar.set_url(url)
        self.setWindowTitle(f"{display_title(page_title(url))} — Yonder")
        self._update_actions()

    def _render(self) -> None:
        """(Re-)render the stored body in the current view and encoding."""
        self._has_body = True
        self.notice_bar.hide()
        self.renderer.start(self.store, self._mode, self._override)
        if self._fragment:  # shown as soon as its target has arrived
            self.document_view.scroll_to_target(fragments.target_names(self._fragment))
        self._apply_font()
        self._update_actions()

    def _show_internal(self, url: str, from_history: bool) -> None:
        from ui.shell import window_parts as parts

        self._abandon_fetch()
        library_page = self.library.page_for(url)
        if library_page is not None:
            url = library_page[0]  # without an action it may hold: it is not carried out
        if not from_history:
            self.history.visit(url)
        self._new_page(url)
        self._clear_load_views()
        page = fragments.without_fragment(url)  # a bundled page's #fragment names a target
        if library_page is not None:
            # HTML, rendered like any web page (its links are absolute yonder: or http(s)).
            html = library_page[1].encode("utf-8")
            self.store.begin(url, headers=(("Content-Type", "text/html; charset=utf-8"),))
            self.store.append(html)
            self.store.finish(True)
            self._render()
            self.header_view.show_message(f"{page_title(url)} (kept by Yonder, no network)")
            self.load_status.finish(page_title(url))
            ok = True
        elif page == parts.START_URL:
            segments = parts.start_page()
            if self._demo is not None and self._demo.running:
                segments = [*self._demo.start_page_segments(), ("text", "\n", ""), *segments]
            self.document_view.append_segments(segments)
            self.header_view.show_message("Start page (bundled with Yonder, no network)")
            self.load_status.finish("Start page")
            ok = True
        elif page in (parts.ABOUT_URL, parts.KEYS_URL):
            if page == parts.ABOUT_URL:
                from net.version import version

                self.document_view.append_segments(parts.about_page(version()))
            else:
                self.document_view.append_segments(parts.keys_page())
            self.header_view.show_message(f"{page_title(url)} (bundled with Yonder, no network)")
            self.load_status.finish(page_title(url))
            ok = True
        else:
            data = parts.sample_bytes(page)
            if data is None:
                self._show_error_section(
                    url,
                    "Address",
                    f"There is no bundled page '{url}'",
                    "Open the start page (Alt+Home) for the list of bundled samples.",
                )
                ok = False
            else:
                # A bundled sample is a stored body like any other: every view works.
                content_type = parts.sample_content_type(page)
                self.store.begin(page, headers=(("Content-Type", content_type),))
                self.store.append(data)
                self.store.finish(True)
                self._render()
                self.header_view.show_message(
                    f"Bundled sample {page_title(url)} (read from disk, no network)"
                )
                self.load_status.finish(f"Bundled sample: {format_size(len(data))}")
                ok = True
        if not self._fragment:
            self.document_view.show_at_top(0)  # a page opens at its top (or its fragment)
        self.document_view.flush_pending()  # small and local: no reason to stream it
        self._end_load(ok)

    def _clear_load_views(self) -> None:
        # A page that no load produced: the timeline, chunk table and phase bar must not
        # go on describing the previous page's load.
        self._hops = []
        self.phase_bar.clear()
        self.stream.clear()

    def _show_invalid_address(self, text: str, exc: InvalidURL) -> None:
        from net.url import mask_credentials

        self._abandon_fetch()
        # A refused user:password@ address: its password is shown nowhere (title, address
        # bar, error page), and Copy as curl, which would send it, is off for it.
        shown = mask_credentials(text)
        self._new_page(shown)
        self._clear_load_views()
        self._curl_refused = True
        self._update_actions()
        self._show_error_section(shown, exc.phase, exc.message, f"InvalidURL: {exc.message}")
        self.document_view.flush_pending()
        self._end_load(False)

    def _show_error_section(self, url: str, phase: str, message: str, detail: str) -> None:
        from ui.shell import window_parts as parts

        segments = parts.error_segments(url, phase, message, detail, self._body_bytes)
        if self._has_body:
            self.renderer.set_trailer(segments)  # after the partial body, in every view
        else:
            # An error page of its own: in the one font of error pages, at its title.
            self._error_page = True
            self._apply_font()
            self.document_view.append_segments(segments)
            self.document_view.flush_pending()
            self.document_view.verticalScrollBar().setValue(0)
        self.error_banner.show_error(parts.summary(phase, message), parts.retry_helps(phase))
        # The message is on the page and in the banner: the status bar only says what failed.
        self.load_status.finish(f"Could not load the page: {phase} error")
        if not self._head_seen:
            self.header_view.show_message(f"No response: {phase} error")

    def _end_load(self, ok: bool) -> None:
        self._load_ok = ok
        self._update_actions()
        self.load_ended.emit(ok)

    @property
    def rendering(self) -> bool:
        """True while received text is still on its way into the view."""
        return self.renderer.busy or self.document_view.has_pending()

    @property
    def load_ok(self) -> bool | None:
        """None while loading, else whether the last load ended with a page."""
        return self._load_ok

    def _update_actions(self) -> None:
        from ui.shell import window_parts as parts

        self.back_action.setEnabled(self.history.can_go_back)
        self.forward_action.setEnabled(self.history.can_go_forward)
        self.stop_action.setEnabled(self.is_loading)
        self.reload_action.setEnabled(bool(self._url))
        for action in (self.save_page_action, self.save_headers_action):
            action.setEnabled(self._has_body)
        self.view_group.setEnabled(self._has_body)
        self.encoding_menu.setEnabled(self._has_body)
        self.curl_action.setEnabled(
            bool(self._url) and not parts.is_internal(self._url) and not self._curl_refused
        )

    # -- fetch events (each checks the request id) -------------------------------------------

    @Slot(int, str)
    def on_fetch_started(self, request_id: int, url: str) -> None:
        # load() sets _request_id after Fetcher.load returns: started arrives first.
        self._request_id = request_id
        self._done_text = ""
        self._new_page(fragments.with_fragment(url, self._fragment))
        self._hops = []
        self.phase_bar.clear()
        self.stream.on_started()
        self.load_status.start()
        self._update_actions()

    @Slot(int, object)
    def on_transfer_info(self, request_id: int, event: object) -> None:
        if request_id == self._request_id:
            self.header_view.show_transfer(event)  # type: ignore[arg-type]

    @Slot(int, object)
    def on_request_sent(self, request_id: int, sent: object) -> None:
        if request_id == self._request_id:
            self.header_view.show_request(sent)  # type: ignore[arg-type]
            # Not "Connecting…" until the read timeout: the server has the request.
            self.load_status.show_text("Waiting for the server's response (request sent)")

    @Slot(int, object)
    def on_head_received(self, request_id: int, head: ResponseHead) -> None:
        if request_id != self._request_id:
            return
        self._head_seen = True
        self._body_bytes = 0
        self.header_view.show_head(head)
        self.stream.on_head(head)
        # Each hop's head starts a new body (a redirect's own body is replaced).
        self.store.begin(head.url, head_raw=head.raw, headers=head.headers, status=head.status)
        self._render()

    @Slot(int, bytes, "qint64", float)
    def on_chunk_received(self, request_id: int, data: bytes, wire: int, elapsed: float) -> None:
        if request_id != self._request_id:
            return
        self._body_bytes += len(data)
        self.store.append(data)
        if self.store.lost is not None and not self._lost_shown:
            self._lost_shown = True
            self._show_body_notice(self.renderer.rendered_offset >= self.store.view_cap)
        self.renderer.poke()

    @Slot(int, object)
    def on_chunks_recorded(self, request_id: int, records: list[tuple[float, int]]) -> None:
        if request_id == self._request_id:
            self.stream.on_recvs(records)

    @Slot(int, object)
    def on_body_parts(self, request_id: int, parts: list[bytes]) -> None:
        if request_id == self._request_id:
            self.stream.on_body_parts(parts)

    @Slot(int, bytes)
    def on_wire_received(self, request_id: int, wire: bytes) -> None:
        if request_id != self._request_id:
            return
        self.store.append_wire(wire)
        self.renderer.poke()

    @Slot(int, "qint64", "qint64", float)
    def on_progress_changed(
        self, request_id: int, received: int, total: int, elapsed: float
    ) -> None:
        if request_id == self._request_id:
            self.load_status.update_progress(received, total, elapsed)

    @Slot(int, object)
    def on_redirected(self, request_id: int, hop: Redirected) -> None:
        if request_id != self._request_id:
            return
        self.header_view.add_redirect(hop)
        self.stream.on_redirect(hop)
        self._hops.append(hop.timings)
        self.phase_bar.set_timings(self._hops)
        # A Location without a fragment keeps the one asked for, as in browsers.
        self._url = fragments.with_fragment(hop.to_url, self._fragment)
        self.history.replace_current(self._url)
        self.address_bar.set_url(self._url)
        self.setWindowTitle(f"{display_title(page_title(hop.to_url))} — Yonder")

    @Slot(int, object)
    def on_finished(self, request_id: int, done: Finished) -> None:
        if request_id != self._request_id:
            return
        self.store.finish(True)
        self.renderer.poke()
        self.header_view.show_finished(done)
        self.stream.on_finished(done)
        self.phase_bar.set_timings(list(done.hops) or [*self._hops, done.timings])
        self._url = fragments.with_fragment(done.url, self._fragment)
        self.library.on_visited(done.url)
        self.address_bar.set_url(self._url)
        # Two spans, each named: the final hop's transfer (what the Stream dock shows) and
        # the whole wait from Enter until the last byte was here.
        summary = (
            f"HTTP {done.status} · {format_size(done.body_bytes)} · transfer "
            f"{format_duration(done.timings.transfer)} · all received in "
            f"{format_duration(self.fetcher.elapsed)}"
        )
        if self.rendering:
            # The body is in, but a big page takes longer to show: "Done" only once it is.
            self._done_text = f"Done: {summary}"
            self.load_status.finish(f"Received ({summary}); still rendering the page…")
        else:
            self.load_status.finish(f"Done: {summary}")
        self._end_load(True)

    @Slot(int)
    def _on_columns_changed(self, columns: int) -> None:
        if self._has_body and self.renderer.has_tables:
            self._relayout_timer.start()  # laid out again once the resize or zoom settles
        else:
            self.renderer.table_width = columns  # nothing laid out yet: the next page uses it

    @Slot()
    def _relayout_tables(self) -> None:
        view = self.document_view
        columns = view.columns
        if columns == self.renderer.table_width:
            return
        self.renderer.table_width = columns
        if not (self._has_body and self.renderer.has_tables and self._mode == "rendered"):
            return
        # Keep the reader's place: the first visible line is brought back once re-rendered.
        first = view.cursorForPosition(view.viewport().rect().topLeft()).blockNumber()
        self._render()
        self._restore_block = first
        self._restore_place()

    def _restore_place(self) -> None:
        block = self._restore_block
        if block < 0:
            return
        view = self.document_view
        if block < view.document().blockCount() - 1 or not self.rendering:
            self._restore_block = -1
            view.verticalScrollBar().setValue(block)

    @Slot()
    def _on_render_progress(self) -> None:
        self._restore_place()
        if self._done_text and not self.rendering:
            text, self._done_text = self._done_text, ""
            self.load_status.finish(text)

    @Slot(int, str, str, str)
    def on_failed(self, request_id: int, phase: str, message: str, detail: str) -> None:
        if request_id != self._request_id:
            return
        self.store.finish(False)  # the partial content stays; the error follows it
        self.renderer.poke()
        self.stream.on_aborted(f"failed ({phase})")
        self._show_error_section(self._url, phase, message, detail)
        self._end_load(False)

    @Slot(int)
    def on_stopped(self, request_id: int) -> None:
        if request_id != self._request_id:
            return
        self.store.finish(False)
        self.renderer.poke()
        self.stream.on_aborted("stopped")
        self.load_status.finish(f"Stopped after {format_size(self._body_bytes)}")
        if not self._head_seen:
            self.header_view.show_message("Stopped before a response arrived")
        self._end_load(False)

    # -- views, encoding, fonts ----------------------------------------------------------------

    @property
    def view_mode(self) -> ViewMode:
        return self._mode

    @property
    def encoding_override(self) -> str | None:
        return self._override

    @Slot(object)
    def set_view_mode(self, mode: ViewMode) -> None:
        """Show the page as Rendered, Source or Wire: re-rendered from the store, no fetch."""
        from ui.shell import window_parts as parts

        self._mode = parts.ViewMode(mode)
        self.view_actions[self._mode].setChecked(True)
        if self._has_body:
            self._render()

    @Slot(object)
    def set_encoding(self, label: str | None) -> None:
        """Decode the body with ``label`` (None: as the page declares), without fetching."""
        self._override = label or None
        self.encoding_actions.get(self._override, self.encoding_actions[None]).setChecked(True)
        if self._has_body:
            self._render()

    @Slot(str)
    def on_title_changed(self, title: str) -> None:
        title = display_title(title)
        if title:
            self.setWindowTitle(f"{title} — Yonder")
            self.library.on_title(self._url, title)

    @Slot(object)
    def on_encoding_changed(self, choice: CharsetChoice) -> None:
        from ui.shell import window_parts as parts

        self.charset_label.setText(display_line(parts.charset_label(choice), 120))

    @Slot(str)
    def on_kind_changed(self, kind: str) -> None:
        self._apply_font()
        if kind == "binary":
            what = self.store.content_type.split(";", 1)[0].strip() or "no type given"
            self.notice_bar.show_notice(
                f"Binary content ({what}): shown as a hex dump, never as text.", offer_save=True
            )

    @Slot("qint64", "qint64")
    def on_truncated(self, shown: int, total: int) -> None:
        self._show_body_notice(True, shown)

    def _show_body_notice(self, truncated: bool, shown: int = 0) -> None:
        """The notice for a body the view or the store does not hold whole: how much the view
        shows, and whether Save will have all of it (and if not, why not)."""
        store = self.store
        lost = store.lost
        sentences = []
        if truncated:
            sentences.append(
                f"Document truncated at {format_size(shown or store.view_cap)} in the view"
            )
        if lost is not None:
            sentences.append(f"Save will be incomplete: {lost}")
        elif not store.ended and store.truncated_in_view:
            sentences.append(
                "the rest of the body goes to a temporary file, so Save will have all of it"
            )
        elif not store.ended:
            sentences.append(
                "the rest of the body is kept as it arrives, so Save will have all of it"
            )
        else:
            sentences.append(f"the whole {format_size(store.body_size)} body is kept for Save")
        text = "; ".join(sentences) + "."
        self.notice_bar.show_notice(
            text[0].upper() + text[1:], offer_save=True, error=lost is not None
        )

    def _apply_font(self) -> None:
        # Rendered HTML reads best in a proportional font (its tables, pre and code spans are
        # monospace); Source, Wire, plain text and hex dumps line up in a monospace font.
        from ui.shell import window_parts as parts

        # Error pages (nothing received) read as rendered text too: one font for all of them.
        proportional = (self._has_body and self.renderer.kind == "html") or self._error_page
        from ui.fonts import monospace_font

        font = parts.QFont(parts.QApplication.font()) if proportional else monospace_font()
        font.setPointSizeF(max(4.0, BASE_POINT_SIZE + self._zoom))
        if font != self.document_view.font():
            self.document_view.setFont(font)

    @property
    def zoom(self) -> int:
        return self._zoom

    def _set_zoom(self, steps: int) -> None:
        self._zoom = max(MIN_ZOOM, min(MAX_ZOOM, steps))
        self._apply_font()
        self.load_status.show_text(f"Zoom: {BASE_POINT_SIZE + self._zoom:g} pt")

    @Slot()
    def zoom_in(self) -> None:
        self._set_zoom(self._zoom + 1)

    @Slot()
    def zoom_out(self) -> None:
        self._set_zoom(self._zoom - 1)

    @Slot()
    def zoom_reset(self) -> None:
        self._set_zoom(0)

    @Slot(bool)
    def set_word_wrap(self, on: bool) -> None:
        from ui.shell import window_parts as parts

        if self.wrap_action.isChecked() != on:
            self.wrap_action.setChecked(on)  # toggled calls back here
            return
        mode = (
            parts.QPlainTextEdit.LineWrapMode.WidgetWidth
            if on
            else parts.QPlainTextEdit.LineWrapMode.NoWrap
        )
        self.document_view.setLineWrapMode(mode)

    @Slot()
    def _find_next(self) -> None:
        if not self.find_bar.isVisible():
            self.find_bar.open_bar()
        else:
            self.find_bar.find_next()

    @Slot()
    def _find_previous(self) -> None:
        if not self.find_bar.isVisible():
            self.find_bar.open_bar()
        else:
            self.find_bar.find_previous()

    # -- save, download, curl -----------------------------------------------------------------

    def _ask_path(self, caption: str, suggested: str) -> str | None:
        from ui.downloads.save_file import ask_save_path

        return ask_save_path(self, suggested, caption=caption, settings=self.settings.store)

    def suggested_filename(self) -> str:
        from ui.text.filenames import suggest_filename

        store = self.store
        return suggest_filename(store.url, store.content_disposition, store.content_type)

    def _report(self, text: str, error: bool = False) -> None:
        self.notice_bar.show_notice(text, offer_save=False, error=error)
        self.load_status.show_text(text)

    @Slot()
    def save_page(self) -> None:
        """Save the body as received (transfer- and content-decoded), whole, from the store."""
        if not self._has_body:
            self._report("Nothing to save: this page has no body. Load a page first.")
            return
        if not self.store.ended:
            self._report(
                "The page is still loading. Save when it has finished, or Stop first "
                "to save what has arrived."
            )
            return
        if self._save_job is not None:
            self._report(f"Still saving to {self._save_job.path}: wait for it, or cancel it.")
            return
        path = self.ask_path("Save Page", self.suggested_filename())
        if not path:
            return
        from ui.downloads.save_file import SaveError
        from ui.downloads.save_job import SaveJob

        store = self.store
        if store.lost is not None:
            partial = f" (incomplete: {store.lost})"
        elif not store.complete:
            partial = " (incomplete: the transfer did not finish)"
        else:
            partial = ""
        try:
            # What is kept now, read through its own descriptor: leaving the page (or a new
            # load) meanwhile does not cut the save short.
            job = SaveJob(path, store.iter_body(), store.kept_size)
        except SaveError as exc:
            self._report(str(exc), error=True)
            return
        job.start()
        self._save_job = job
        self._save_note = partial, store.lost is not None
        self._save_poll.start()
        self._poll_save()

    @property
    def saving(self) -> bool:
        """A Save Page is being written in the background."""
        return self._save_job is not None

    @Slot()
    def cancel_save(self) -> None:
        """Cancel the running Save Page (the status bar's Cancel); nothing is written."""
        if self._save_job is not None:
            self._save_job.cancel()

    @Slot()
    def _poll_save(self) -> None:
        job = self._save_job
        if job is None:
            self._save_poll.stop()
            return
        status = self._save_status_widget()
        if not job.finished:
            import os

            name = os.path.basename(job.path) or job.path
            status.update_progress(
                f"Saving {name}: {format_size(job.written)} of {format_size(job.total)}",
                job.written,
                job.total,
            )
            return
        self._save_poll.stop()
        self._save_job = None
        status.hide()
        if job.error is not None:
            self._report(str(job.error), error=True)
            return
        partial, lost = self._save_note
        self._report(f"Saved {format_size(job.written)} to {job.path}{partial}", error=lost)
        self.saved.emit(job.path)

    def _save_status_widget(self) -> SaveStatus:
        if self._save_status is None:
            from ui.downloads.save_job import SaveStatus

            self._save_status = SaveStatus()
            self._save_status.cancel_requested.connect(self.cancel_save)
            # The first permanent widget (index 1: after the load status), before the charset.
            self.statusBar().insertPermanentWidget(1, self._save_status)
        return self._save_status

    @Slot()
    def save_headers(self) -> None:
        """Save the response head exactly as received (status line, headers, CRLFs)."""
        if not self._has_body or not self.store.head_raw:
            self._report("No response headers to save: this page did not come from HTTP.")
            return
        from ui.downloads.save_file import SaveError, save_bytes_atomically
        from ui.text.filenames import sanitize_filename

        stem = self.suggested_filename().rsplit(".", 1)[0] or "response"
        path = self.ask_path("Save Headers", sanitize_filename(f"{stem}.headers.txt"))
        if not path:
            return
        try:
            save_bytes_atomically(path, [self.store.head_raw])
        except SaveError as exc:
            self._report(str(exc), error=True)
            return
        self._report(f"Saved the response headers to {path}")
        self.saved.emit(path)

    def curl_command(self) -> str:
        from net.options import FetchOptions
        from ui.text.curl_command import curl_command_for

        return curl_command_for(
            fragments.without_fragment(self._url), self.options or FetchOptions()
        )

    @Slot()
    def copy_as_curl(self) -> None:
        from ui.shell import window_parts as parts

        if not self._url or parts.is_internal(self._url) or self._curl_refused:
            self._report("Copy as curl needs a web address: load one first.")
            return
        command = self.curl_command()
        parts.QGuiApplication.clipboard().setText(command)
        self.load_status.show_text(f"Copied: {command}")

    def downloads(self) -> DownloadManager:
        """The download manager and its panel (a dock at the right), made on first use."""
        from ui.shell import window_parts as parts

        if self._downloads is None:
            from ui.downloads.download_manager import DownloadManager, DownloadsPanel

            self._downloads = DownloadManager(self._fetch, parent=self)
            self.downloads_panel = DownloadsPanel(self._downloads)
            dock = parts.QDockWidget("Downloads", self)
            dock.setObjectName("downloads")
            dock.setWidget(self.downloads_panel)
            # At the right, between the toolbar and the Stream dock: it opens as wide as its
            # rows need (DownloadsPanel's minimum), and widening it takes from the page (the
            # header pane first), never from the Stream dock's controls below.
            area = parts.Qt.DockWidgetArea
            dock.setAllowedAreas(
                area.RightDockWidgetArea | area.LeftDockWidgetArea | area.BottomDockWidgetArea
            )
            self.addDockWidget(area.RightDockWidgetArea, dock)
            width = self.downloads_panel.minimumSizeHint().width()
            self.resizeDocks([dock], [width], parts.Qt.Orientation.Horizontal)
            self.downloads_dock = dock
        return self._downloads

    @Slot(str)
    def download_link(self, href: str) -> None:
        """The document view's Download Link… (an absolute URL): asks where, then streams."""
        self.download(href)

    @Slot()
    def show_downloads(self) -> None:
        self.downloads()
        self.downloads_dock.show()

    @Slot()
    def download(self, url: str | None = None, path: str | None = None) -> int | None:
        """Stream ``url`` straight to disk (asks for both when not given); the download id."""
        from ui.shell import window_parts as parts

        if url is None:
            start = "" if parts.is_internal(self._url) else self._url
            dialog = parts.QInputDialog(self)
            dialog.setWindowTitle("Download")
            dialog.setLabelText("Address to download:")
            dialog.setTextValue(start)
            # Sized to its label, the dialog showed a dozen characters of an address.
            width = dialog.fontMetrics().averageCharWidth() * DOWNLOAD_FIELD_CHARS
            dialog.resize(max(dialog.sizeHint().width(), width), dialog.sizeHint().height())
            accepted = dialog.exec() == parts.QDialog.DialogCode.Accepted
            text = dialog.textValue().strip()
            dialog.deleteLater()
            if not accepted or not text:
                return None
            url = text
        from net.errors import InvalidURL
        from net.url import parse_url

        try:
            url = parse_url(url).url
        except InvalidURL as exc:
            self._report(f"Cannot download: {exc}", error=True)
            return None
        if path is None:
            from ui.text.filenames import suggest_filename

            path = self.ask_path("Download to", suggest_filename(url, None, None))
            if not path:
                return None
        manager = self.downloads()
        self.downloads_dock.show()
        return manager.start(url, path, self.options)

    # -- demo server --------------------------------------------------------------------------

    @property
    def demo(self) -> DemoController:
        """The demo server's controller, made on first use (its module loads http.server)."""
        if self._demo is None:
            from ui.shell.demo_controller import DemoController

            self._demo = DemoController(parent=self)
            self._demo.state_changed.connect(self.on_demo_state_changed)
            self._demo.failed.connect(self.on_demo_failed)
        return self._demo

    @Slot()
    def start_demo(self) -> str | None:
        """Start the demo server on 127.0.0.1 (a free port); its base URL, or None when it
        could not start (the reason is on screen)."""
        return self.demo.start()

    @Slot()
    def stop_demo(self) -> None:
        if self._demo is not None:
            self._demo.stop()

    @Slot(bool)
    def _on_decode_per_chunk_changed(self, on: bool) -> None:
        self.fetcher.emit_body_parts = on  # takes effect with the next batch

    @Slot()
    def show_about(self) -> None:
        """Help > About Yonder: the version, the licence, links to the start page and keys."""
        from ui.shell import window_parts as parts

        self.load(parts.ABOUT_URL)

    @Slot()
    def show_keys(self) -> None:
        from ui.shell import window_parts as parts

        self.load(parts.KEYS_URL)

    @Slot()
    def open_demo(self) -> None:
        """Go > Start Demo Server: start it (if it is not running) and open its index; a
        failure to start is on screen (on_demo_failed)."""
        base = self.demo.base_url if self.demo.running else self.start_demo()
        if base is not None:
            self.load(base)

    @Slot(bool, str)
    def on_demo_state_changed(self, running: bool, base_url: str) -> None:
        from ui.shell import window_parts as parts

        self.demo_action.setEnabled(not running)
        self.demo_stop_action.setEnabled(running)
        if running:
            self.load_status.show_text(f"Demo server running on {base_url} (loopback only)")
        else:
            self.load_status.show_text("Demo server stopped")
        if self._url == parts.START_URL and not self.is_loading:
            self._show_internal(parts.START_URL, from_history=True)  # list (or unlist) the demo

    @Slot(str)
    def on_demo_failed(self, message: str) -> None:
        self.demo_error = message
        self.demo_action.setEnabled(True)
        self.demo_stop_action.setEnabled(False)
        self._report(message, error=True)

    def show_demo_failure(self) -> None:
        """Show again why the demo server did not start (e.g. after the page loaded)."""
        if self.demo_error:
            self._report(self.demo_error, error=True)

    # -- closing ------------------------------------------------------------------------------

    def wait_for_workers(self, timeout_ms: int) -> bool:
        """Wait out worker threads that outlived closing's bounded wait; True when none runs.

        They are cancelled already, so only a blocking call (a slow disk write, a download's
        fsync at commit, a fetch function that ignores the token) can keep one busy; a QThread whose
        wrapper is destroyed while it still runs aborts the whole process.
        """
        threads = [self.fetcher.worker_thread]
        if self._downloads is not None:
            threads.append(self._downloads.worker_thread)
        return all(not t.isRunning() or t.wait(timeout_ms) for t in threads)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._queued_load = None  # closed before the deferred build: nothing to load
        self.finish_build()  # one shutdown path, and settings saved whole
        self._request_id = 0
        self.fetcher.shutdown(self.close_wait_ms)
        if self._downloads is not None:
            self._downloads.shutdown(self.close_wait_ms)
        if self._demo is not None:
            self._demo.state_changed.disconnect(self.on_demo_state_changed)  # no page refresh
            self._demo.stop()
        if self._save_job is not None:
            # A save the window does not wait for: cancelled, so nothing half-written is
            # left (its unnamed temporary file goes with the process at the latest).
            self._save_job.cancel()
            self._save_job.wait(CLOSE_WAIT_MS / 1000)
            self._save_job = None
            self._save_poll.stop()
        self.renderer.stop()
        self.store.close()
        if self.persist_settings:
            self.save_settings()
        super().closeEvent(event)
