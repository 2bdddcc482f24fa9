"""What the window keeps for all its pages: the receive lab and the Stream dock, downloads,
the demo server, zoom and word wrap, address completion, and the window's settings.

It is also each page's host (ui.page.page.PageHost): a page asks it for the window-wide
things (options, the lab, where to save, the library's pages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QInputDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.page import start_page as internal
from ui.page.document_view import SegmentKind
from ui.page.split import BASE_POINT_SIZE
from ui.shell.first_frame import STREAM_DOCK_HEIGHT, TOOL_BUTTON_HEIGHT
from ui.shell.page_display import PageDisplay
from ui.stream.receive_lab import ReceiveLab

if TYPE_CHECKING:
    from PySide6.QtCore import QThread

    from net.options import FetchOptions
    from ui.downloads.download_manager import DownloadManager, DownloadsPanel
    from ui.shell.demo_controller import DemoController
    from ui.shell.main_window import MainWindow

MIN_ZOOM, MAX_ZOOM = -6, 24  # point steps around the default size
# Characters of an address the Download… dialog shows without scrolling.
DOWNLOAD_FIELD_CHARS = 72


class WindowServices(PageDisplay):
    """The window-wide parts (see the module docstring); PageDisplay shows the current page."""

    START_URL, ABOUT_URL, KEYS_URL = internal.START_URL, internal.ABOUT_URL, internal.KEYS_URL

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        # The lab remembers its knobs in the window's own settings store.
        self.lab = ReceiveLab(window.settings.store)
        # The lab's row of knobs is ~770 px wide: it may be squeezed rather than set the whole
        # window's minimum width (a narrow window clips the row's end).
        self.lab.setMinimumWidth(240)
        self._downloads: DownloadManager | None = None
        self.downloads_panel: DownloadsPanel | None = None
        self.downloads_dock: QDockWidget | None = None
        self._demo: DemoController | None = None
        self.demo_error = ""  # why the demo server last failed to start ("" if it did not)

    # -- PageHost ---------------------------------------------------------------------------

    @property
    def options(self) -> FetchOptions | None:
        return self._window.options

    def ask_path(self, caption: str, suggested: str) -> str | None:
        return self._window.ask_path(caption, suggested)

    def add_typed(self, url: str) -> None:
        self._window.add_typed(url)

    def library_page(self, url: str) -> tuple[str, str] | None:
        return self._window.library.page_for(url)

    def follow_library_link(self, href: str) -> bool:
        return self._window.library.follow_link(href)

    def start_page_extra(self) -> list[tuple[str, str, str]]:
        if self._demo is not None and self._demo.running:
            return [*self._demo.start_page_segments(), (SegmentKind.TEXT, "\n", "")]
        return []

    def on_visited(self, url: str) -> None:
        self._window.library.on_visited(url)

    def on_title(self, url: str, title: str) -> None:
        self._window.library.on_title(url, title)

    # -- the Stream dock ----------------------------------------------------------------------

    def build_stream_dock(self) -> QDockWidget:
        """The dock: the one receive lab on top, the current page's stream views below."""
        window = self._window
        self.stream_stack = QStackedWidget()
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.lab)
        layout.addWidget(self.stream_stack, 1)
        dock = QDockWidget("Stream", window)
        dock.setObjectName("stream")  # saveState/restoreState key
        dock.setWidget(content)
        area = Qt.DockWidgetArea
        dock.setAllowedAreas(area.BottomDockWidgetArea | area.TopDockWidgetArea)
        # Hidden until restore_settings says otherwise: added to a window already on screen
        # (the deferred build), a dock not explicitly hidden is shown by a queued call that
        # runs after restoreState, and a dock the user had closed came back every run.
        dock.hide()
        window.addDockWidget(area.BottomDockWidgetArea, dock)
        window.resizeDocks([dock], [STREAM_DOCK_HEIGHT], Qt.Orientation.Vertical)
        return dock

    # -- settings -----------------------------------------------------------------------------

    def restore_settings(self) -> None:
        # Geometry and the split are restored by the first frame, before the first paint.
        window = self._window
        state = window.settings.window_state()
        if state is None or not window.restoreState(state):  # the Stream dock's visibility
            window.stream_dock.show()  # first run: making the stream visible is Yonder's point
        self.update_completions()
        window.address_bar.install_completer()
        wrap = window.commands.wrap_action
        wrap.setChecked(window.settings.word_wrap())
        self.set_word_wrap(wrap.isChecked())
        numbered = window.commands.numbered_links_action
        numbered.setChecked(window.settings.numbered_links())
        self.set_numbered_links(numbered.isChecked())

    def save_settings(self) -> None:
        window = self._window
        settings = window.settings
        dock = window.stream_dock
        dock_height = dock.height() if dock.isVisible() else 0
        button = window.toolbar.widgetForAction(window.commands.back_action)
        button_height = button.height() if button is not None else TOOL_BUTTON_HEIGHT
        settings.set_first_frame(window.address_bar.x(), button_height, dock_height)
        settings.set_geometry(window.saveGeometry())
        settings.set_splitter_state(window.page.splitter.saveState())
        settings.set_window_state(window.saveState())
        settings.set_typed_urls(window.typed_urls(), window.library.visits.to_list())
        settings.set_zoom(window.zoom)
        settings.set_word_wrap(window.commands.wrap_action.isChecked())
        settings.set_numbered_links(window.commands.numbered_links_action.isChecked())
        settings.sync()

    def update_completions(self) -> None:
        # Typed addresses, bookmarks and visited pages (ui.library.visits.completions).
        self._window.address_bar.set_history(self._window.library.completions())

    # -- zoom and wrap (every page alike) -------------------------------------------------------

    def set_zoom(self, steps: int) -> None:
        window = self._window
        window.zoom = max(MIN_ZOOM, min(MAX_ZOOM, steps))
        for page in window.pages:
            page.set_zoom(window.zoom)
        window.page.load_status.show_text(f"Zoom: {BASE_POINT_SIZE + window.zoom:g} pt")

    def set_word_wrap(self, on: bool) -> None:
        window = self._window
        if window.commands.wrap_action.isChecked() != on:
            window.commands.wrap_action.setChecked(on)  # toggled calls back here
            return
        for page in window.pages:
            page.set_word_wrap(on)

    def set_numbered_links(self, on: bool) -> None:
        """View > Numbered Links, on every page alike (a new tab takes it too)."""
        for page in self._window.pages:
            page.document_view.link_hints.set_numbered(on)

    # -- downloads ------------------------------------------------------------------------------

    def downloads(self) -> DownloadManager:
        """The download manager and its panel (a dock at the right), made on first use."""
        if self._downloads is None:
            from ui.downloads.download_manager import DownloadManager, DownloadsPanel

            window = self._window
            self._downloads = DownloadManager(window.fetch, parent=window)
            self.downloads_panel = DownloadsPanel(self._downloads)
            dock = QDockWidget("Downloads", window)
            dock.setObjectName("downloads")
            dock.setWidget(self.downloads_panel)
            # At the right, between the toolbar and the Stream dock: it opens as wide as its
            # rows need (DownloadsPanel's minimum), and widening it takes from the page (the
            # header pane first), never from the Stream dock's controls below.
            area = Qt.DockWidgetArea
            dock.setAllowedAreas(
                area.RightDockWidgetArea | area.LeftDockWidgetArea | area.BottomDockWidgetArea
            )
            window.addDockWidget(area.RightDockWidgetArea, dock)
            width = self.downloads_panel.minimumSizeHint().width()
            window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
            self.downloads_dock = dock
        return self._downloads

    def show_downloads(self) -> None:
        self.downloads()
        assert self.downloads_dock is not None
        self.downloads_dock.show()

    def download(self, url: str | None = None, path: str | None = None) -> int | None:
        """Stream ``url`` straight to disk (asks for both when not given); the download id."""
        window = self._window
        if url is None:
            current = window.page.url
            start = "" if internal.is_internal(current) else current
            dialog = QInputDialog(window)
            dialog.setWindowTitle("Download")
            dialog.setLabelText("Address to download:")
            dialog.setTextValue(start)
            # Sized to its label, the dialog showed a dozen characters of an address.
            width = dialog.fontMetrics().averageCharWidth() * DOWNLOAD_FIELD_CHARS
            dialog.resize(max(dialog.sizeHint().width(), width), dialog.sizeHint().height())
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
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
            window.report(f"Cannot download: {exc}", error=True)
            return None
        if path is None:
            from ui.text.filenames import suggest_filename

            path = window.ask_path("Download to", suggest_filename(url, None, None))
            if not path:
                return None
        manager = self.downloads()
        self.show_downloads()
        return manager.start(url, path, window.options)

    # -- the demo server ------------------------------------------------------------------------

    @property
    def demo(self) -> DemoController:
        """The demo server's controller, made on first use (its module loads http.server)."""
        if self._demo is None:
            from ui.shell.demo_controller import DemoController

            self._demo = DemoController(parent=self._window)
            self._demo.state_changed.connect(self.on_demo_state_changed)
            self._demo.failed.connect(self.on_demo_failed)
        return self._demo

    def open_demo(self) -> None:
        """Go > Start Demo Server: start it (if it is not running) and open its index; a
        failure to start is on screen (on_demo_failed)."""
        base = self.demo.base_url if self.demo.running else self.demo.start()
        if base is not None:
            self._window.load(base)

    def stop_demo(self) -> None:
        if self._demo is not None:
            self._demo.stop()

    def on_demo_state_changed(self, running: bool, base_url: str) -> None:
        window = self._window
        window.commands.demo_action.setEnabled(not running)
        window.commands.demo_stop_action.setEnabled(running)
        status = window.page.load_status
        if running:
            status.show_text(f"Demo server running on {base_url} (loopback only)")
        else:
            status.show_text("Demo server stopped")
        for page in window.pages:  # list (or unlist) the demo on the start pages shown
            if page.is_start_page() and not page.is_loading:
                page.load(internal.START_URL, from_history=True)

    def on_demo_failed(self, message: str) -> None:
        self.demo_error = message
        self._window.commands.demo_action.setEnabled(True)
        self._window.commands.demo_stop_action.setEnabled(False)
        self._window.report(message, error=True)

    def show_demo_failure(self) -> None:
        """Show again why the demo server did not start (e.g. after the page loaded)."""
        if self.demo_error:
            self._window.report(self.demo_error, error=True)

    # -- closing --------------------------------------------------------------------------------

    def threads(self) -> list[QThread]:
        """Every worker thread of the window: its tabs', closed tabs' that have not ended
        yet (destroyed with the window while running, one aborts the process), downloads'."""
        window = self._window
        pages = [*window.pages, *window.tabs_controller.closing] if window.shown_page else []
        threads = [page.fetcher.worker_thread for page in pages]
        if self._downloads is not None:
            threads.append(self._downloads.worker_thread)
        return threads

    def shutdown(self, wait_ms: int) -> None:
        if self._downloads is not None:
            self._downloads.shutdown(wait_ms)
        if self._demo is not None:
            self._demo.state_changed.disconnect(self.on_demo_state_changed)  # no page refresh
            self._demo.stop()
