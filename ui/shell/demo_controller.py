"""The built-in demo server's lifecycle on the GUI side: start, stop, state, start-page links.

net.demo_server.DemoServer does the serving (loopback only, daemon threads); this QObject
turns its start/stop into signals the window can show, never raises at the user, and stops the
server when the application quits even if the window forgets to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from net.demo_server import DemoServer
from ui.page.document_view import Segment, SegmentKind
from ui.resources import resource_path

STOP_TIMEOUT = 1.0  # seconds stop() may wait for the server's threads (closing stays snappy)

ServerFactory = Callable[[Path], DemoServer]


class DemoController(QObject):
    """Owns one DemoServer serving resources/samples on 127.0.0.1, port chosen by the OS.

    Signals:
        state_changed(bool running, str base_url): after a start or a stop; base_url is ""
            when not running.
        failed(str message): the server could not start; a complete user-facing sentence.
    Slots: start() -> str | None, stop()
    """

    state_changed = Signal(bool, str)
    failed = Signal(str)

    def __init__(
        self,
        samples_dir: Path | None = None,
        parent: QObject | None = None,
        *,
        server_factory: ServerFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self._samples_dir = samples_dir if samples_dir is not None else resource_path("samples")
        self._factory: ServerFactory = server_factory or DemoServer
        self._server: DemoServer | None = None
        self._base_url = ""
        app = QCoreApplication.instance()
        if app is not None:
            # The window calls stop() in closeEvent; this covers every other way out.
            app.aboutToQuit.connect(self.stop)

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/`` while running, else ""."""
        return self._base_url

    @Slot()
    def start(self) -> str | None:
        """Start serving (a no-op when running); the base URL, or None after ``failed``."""
        if self._server is not None:
            return self._base_url
        try:
            server = self._factory(self._samples_dir)
            url = server.start()
        except (OSError, ValueError) as exc:
            self.failed.emit(
                "The demo server could not start on 127.0.0.1 "
                f"({exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}). "
                "Check that loopback networking is available, then try Demo server again."
            )
            return None
        self._server = server
        self._base_url = url
        self.state_changed.emit(True, url)
        return url

    @Slot()
    def stop(self) -> None:
        """Stop serving and close the port; bounded by STOP_TIMEOUT. A no-op when stopped."""
        server, self._server = self._server, None
        if server is None:
            return
        self._base_url = ""
        try:
            server.stop(STOP_TIMEOUT)
        finally:
            self.state_changed.emit(False, "")

    def endpoint_links(self) -> list[tuple[str, str]]:
        """(absolute URL, description) of every linkable endpoint, samples included, for the
        start page; empty while the server is not running."""
        server = self._server
        if server is None:
            return []
        root = self._base_url.rstrip("/")
        return [(root + path, text) for path, text in server.endpoints() if "<" not in path]

    def start_page_segments(self) -> list[Segment]:
        """Document-view segments (kind, text, href) for a "Demo server" section of the start
        page: a heading and one link per endpoint; empty while the server is not running."""
        links = self.endpoint_links()
        if not links:
            return []
        segments: list[Segment] = [
            (SegmentKind.HEADING, "Demo server (loopback only, stops with Yonder)\n", ""),
            (SegmentKind.TEXT, f"Serving on {self._base_url}\n", ""),
        ]
        root = self._base_url.rstrip("/")
        for url, description in links:
            segments += [
                (SegmentKind.TEXT, "  ", ""),
                (SegmentKind.LINK, url[len(root) :] or "/", url),
                (SegmentKind.TEXT, f" \u2014 {description}\n", ""),
            ]
        return segments
