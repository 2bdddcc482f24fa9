"""The Yonder window: toolbar, address bar, header view | document view, status bar.

Widgets are passive; every connection between them, the Fetcher and the window's own slots
is made in :meth:`MainWindow._connect_signals`. Each fetch signal carries a request id and
the window ignores any id but the current one, so a cancelled load never touches the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QSplitter,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.address_bar import AddressBar
from ui.document_view import DocumentView
from ui.error_page import RETRY_URL, ErrorBanner, error_segments, summary
from ui.fetch_worker import Fetcher, FetchFunction
from ui.header_view import HeaderView
from ui.history import History
from ui.load_status import LoadStatus, format_elapsed, format_size
from ui.settings import Settings
from ui.start_page import SAMPLE_PREFIX, START_URL, is_internal, sample_text, start_page

if TYPE_CHECKING:  # start-up time: net/ loads on the first load, not before the first paint
    from net.errors import InvalidURL
    from net.events import Finished, Redirected, ResponseHead
    from net.options import FetchOptions

DEFAULT_SIZE = (1100, 750)
CLOSE_WAIT_MS = 1000  # how long closing waits for the worker thread to end


def page_title(url: str) -> str:
    """A short name for the title bar: the last path segment, else the host."""
    if url == START_URL:
        return "Start page"
    if url.startswith(SAMPLE_PREFIX):
        return url[len(SAMPLE_PREFIX) :]
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    segment = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return f"{segment} ({host})" if segment else host or url


class MainWindow(QMainWindow):
    """The browser window.

    Signals:
        load_ended(bool ok): the current load ended; True when the page loaded (any HTTP
            status), False on an error page or when stopped.
    Slots: load(str), reload(), stop(), go_back(), go_forward(), go_home()
    """

    load_ended = Signal(bool)

    def __init__(
        self,
        settings: Settings | None = None,
        fetch: FetchFunction | None = None,
        options: FetchOptions | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings if settings is not None else Settings()
        self.options = options
        self.persist_settings = True  # False for --screenshot: a capture changes nothing
        self.history = History(self.settings.typed_urls())
        self.fetcher = Fetcher(fetch, parent=self)
        self._request_id = 0  # the fetch the page belongs to; 0: none (internal page)
        self._url = ""  # the address the page came from (final, after redirects)
        self._body_bytes = 0
        self._head_seen = False
        self._load_ok: bool | None = None

        self.setWindowTitle("Yonder")
        self.resize(*DEFAULT_SIZE)
        self._build_widgets()
        self._build_actions()
        self._connect_signals()
        self._restore_settings()
        self._update_actions()

    # -- construction -------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.address_bar = AddressBar()
        self.header_view = HeaderView()
        self.document_view = DocumentView()
        self.error_banner = ErrorBanner()
        self.load_status = LoadStatus()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.error_banner)
        right_layout.addWidget(self.document_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.header_view)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 700])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 4, 6, 0)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)
        self.statusBar().addWidget(self.load_status, 1)

    def _icon(self, pixmap: QStyle.StandardPixmap, theme: str) -> QIcon:
        return QIcon.fromTheme(theme, self.style().standardIcon(pixmap))

    def _action(self, text: str, icon: QIcon | None, *keys: QKeySequence | str) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(icon)
        action.setShortcuts([QKeySequence(k) for k in keys])
        shortcut_text = ", ".join(QKeySequence(k).toString() for k in keys)
        action.setToolTip(f"{text} ({shortcut_text})" if keys else text)
        self.addAction(action)  # shortcuts work even where the toolbar hides the action
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
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
        self.home_action = self._action(
            "Home", self._icon(sp.SP_DirHomeIcon, "go-home"), "Alt+Home"
        )
        self.focus_address_action = self._action("Go to address bar", None, "Ctrl+L")
        self.quit_action = self._action("Quit", None, "Ctrl+Q")
        self.close_action = self._action("Close window", None, "Ctrl+W")

        toolbar = QToolBar("Navigation")
        toolbar.setObjectName("navigation")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for action in (
            self.back_action,
            self.forward_action,
            self.reload_action,
            self.stop_action,
            self.home_action,
        ):
            toolbar.addAction(action)
        toolbar.addWidget(self.address_bar)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _connect_signals(self) -> None:
        """Every connection in the window, in one place."""
        self.back_action.triggered.connect(self.go_back)
        self.forward_action.triggered.connect(self.go_forward)
        self.reload_action.triggered.connect(self.reload)
        self.stop_action.triggered.connect(self.stop)
        self.home_action.triggered.connect(self.go_home)
        self.focus_address_action.triggered.connect(self.address_bar.focus_and_select)
        self.quit_action.triggered.connect(self.close)
        self.close_action.triggered.connect(self.close)

        self.address_bar.load_requested.connect(self.on_address_entered)
        self.document_view.link_activated.connect(self.on_link_activated)
        self.error_banner.retry_requested.connect(self.reload)

        f = self.fetcher
        f.set_backlog_probe(lambda: self.document_view.pending_chars)
        f.started.connect(self.on_fetch_started)
        f.transfer_info.connect(self.on_transfer_info)
        f.request_sent.connect(self.on_request_sent)
        f.head_received.connect(self.on_head_received)
        f.chunk_received.connect(self.on_chunk_received)
        f.progress_changed.connect(self.on_progress_changed)
        f.redirected.connect(self.on_redirected)
        f.finished.connect(self.on_finished)
        f.failed.connect(self.on_failed)
        f.stopped.connect(self.on_stopped)

    def _restore_settings(self) -> None:
        geometry = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.settings.splitter_state()
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.address_bar.set_history(self.history.typed)

    def save_settings(self) -> None:
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_splitter_state(self.splitter.saveState())
        self.settings.set_typed_urls(self.history.typed)
        self.settings.sync()

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
        self.load(text, typed=True)

    @Slot(str)
    def load(self, text: str, typed: bool = False, from_history: bool = False) -> None:
        """Open an address: internal pages at once, anything else through the Fetcher."""
        if is_internal(text):
            self._show_internal(text, from_history)
            return
        from net.errors import InvalidURL
        from net.url import parse_url

        try:
            url = parse_url(text).url
        except InvalidURL as exc:
            self._show_invalid_address(text, exc)
            return
        if typed:
            self.history.add_typed(url)
            self.address_bar.set_history(self.history.typed)
        if not from_history:
            self.history.visit(url)
        self._url = url
        self._request_id = self.fetcher.load(url, self.options)

    @Slot()
    def reload(self) -> None:
        if self._url:
            self.load(self._url, from_history=True)

    @Slot()
    def stop(self) -> None:
        self.fetcher.stop()

    @Slot()
    def go_back(self) -> None:
        url = self.history.back()
        if url is not None:
            self.load(url, from_history=True)

    @Slot()
    def go_forward(self) -> None:
        url = self.history.forward()
        if url is not None:
            self.load(url, from_history=True)

    @Slot()
    def go_home(self) -> None:
        self.load(START_URL)

    @Slot(str)
    def on_link_activated(self, href: str) -> None:
        if href == RETRY_URL:
            self.reload()
            return
        if is_internal(href) or "://" in href or not self._url or is_internal(self._url):
            self.load(href)
            return
        from net.errors import InvalidURL
        from net.url import resolve_url

        try:
            self.load(resolve_url(self._url, href).url)
        except InvalidURL as exc:
            self.load_status.show_text(str(exc))

    def _abandon_fetch(self) -> None:
        # The page no longer belongs to any fetch: anything still in flight is stale.
        self._request_id = 0
        self.fetcher.stop()

    def _new_page(self, url: str) -> None:
        self.document_view.clear_document()
        self.header_view.clear()
        self.error_banner.hide()
        self._body_bytes = 0
        self._head_seen = False
        self._load_ok = None
        self._url = url
        self.address_bar.set_url(url)
        self.setWindowTitle(f"{page_title(url)} — Yonder")

    def _show_internal(self, url: str, from_history: bool) -> None:
        self._abandon_fetch()
        if not from_history:
            self.history.visit(url)
        self._new_page(url)
        if url == START_URL:
            self.document_view.append_segments(start_page())
            self.header_view.show_message("Start page (bundled with Yonder, no network)")
            self.load_status.finish("Start page")
            ok = True
        else:
            text = sample_text(url)
            if text is None:
                self._show_error_section(
                    url,
                    "Address",
                    f"There is no bundled page '{url}'",
                    "Open the start page (Alt+Home) for the list of bundled samples.",
                )
                ok = False
            else:
                self.document_view.append_text(text)
                self.header_view.show_message(
                    f"Bundled sample {page_title(url)} (read from disk, no network)"
                )
                self.load_status.finish(f"Bundled sample: {format_size(len(text.encode()))}")
                ok = True
        self.document_view.flush_pending()  # small and local: no reason to stream it
        self._end_load(ok)

    def _show_invalid_address(self, text: str, exc: InvalidURL) -> None:
        self._abandon_fetch()
        self._new_page(text)
        self._show_error_section(text, exc.phase, exc.message, f"InvalidURL: {exc.message}")
        self.document_view.flush_pending()
        self._end_load(False)

    def _show_error_section(self, url: str, phase: str, message: str, detail: str) -> None:
        self.document_view.append_segments(
            error_segments(url, phase, message, detail, self._body_bytes)
        )
        self.error_banner.show_error(summary(phase, message))
        self.load_status.finish(summary(phase, message))
        if not self._head_seen:
            self.header_view.show_message(f"No response: {phase} error")

    def _end_load(self, ok: bool) -> None:
        self._load_ok = ok
        self._update_actions()
        self.load_ended.emit(ok)

    @property
    def load_ok(self) -> bool | None:
        """None while loading, else whether the last load ended with a page."""
        return self._load_ok

    def _update_actions(self) -> None:
        self.back_action.setEnabled(self.history.can_go_back)
        self.forward_action.setEnabled(self.history.can_go_forward)
        self.stop_action.setEnabled(self.is_loading)
        self.reload_action.setEnabled(bool(self._url))

    # -- fetch events (each checks the request id) -------------------------------------------

    @Slot(int, str)
    def on_fetch_started(self, request_id: int, url: str) -> None:
        # load() sets _request_id after Fetcher.load returns: started arrives first.
        self._request_id = request_id
        self._new_page(url)
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

    @Slot(int, object)
    def on_head_received(self, request_id: int, head: ResponseHead) -> None:
        if request_id != self._request_id:
            return
        self._head_seen = True
        self._body_bytes = 0
        self.header_view.show_head(head)
        # Each hop's head starts a new body (a redirect's own body is replaced).
        self.document_view.clear_document()
        self.document_view.begin_stream(head.content_type)

    @Slot(int, bytes, int, float)
    def on_chunk_received(self, request_id: int, data: bytes, wire: int, elapsed: float) -> None:
        if request_id != self._request_id:
            return
        self._body_bytes += len(data)
        self.document_view.feed(data)

    @Slot(int, int, int, float)
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
        self._url = hop.to_url
        self.history.replace_current(hop.to_url)
        self.address_bar.set_url(hop.to_url)
        self.setWindowTitle(f"{page_title(hop.to_url)} — Yonder")

    @Slot(int, object)
    def on_finished(self, request_id: int, done: Finished) -> None:
        if request_id != self._request_id:
            return
        self.document_view.end_stream()
        self.header_view.show_finished(done)
        self._url = done.url
        self.address_bar.set_url(done.url)
        encoding = self.document_view.encoding
        charset = f" · {encoding.encoding} ({encoding.source})" if encoding else ""
        self.load_status.finish(
            f"Done: HTTP {done.status} · {format_size(done.body_bytes)} in "
            f"{format_elapsed(self.fetcher.elapsed)}{charset}"
        )
        self._end_load(True)

    @Slot(int, str, str, str)
    def on_failed(self, request_id: int, phase: str, message: str, detail: str) -> None:
        if request_id != self._request_id:
            return
        self.document_view.end_stream()  # the partial content stays; the error follows it
        self._show_error_section(self._url, phase, message, detail)
        self._end_load(False)

    @Slot(int)
    def on_stopped(self, request_id: int) -> None:
        if request_id != self._request_id:
            return
        self.document_view.end_stream()
        self.load_status.finish(f"Stopped after {format_size(self._body_bytes)}")
        if not self._head_seen:
            self.header_view.show_message("Stopped before a response arrived")
        self._end_load(False)

    # -- closing ------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self._request_id = 0
        self.fetcher.shutdown(CLOSE_WAIT_MS)
        if self.persist_settings:
            self.save_settings()
        super().closeEvent(event)
