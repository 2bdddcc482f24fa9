"""Everything :class:`ui.shell.main_window.MainWindow` builds after its first paint, in one place.

The window first imports this module in :meth:`~ui.shell.main_window.MainWindow.finish_build`, once
the first frame is on its way to the screen. Each method that uses a name imports the module
itself (``from ui.shell import window_parts as parts``, a dictionary look-up once loaded) and says
``parts.Name``: no module global bound later, so the type checker sees every use, and a use
before the build is an import, not a NameError. Nothing the first frame needs may import it.

Start-up time: importing these modules (the page renderer, the Stream pane, net/...) and
making PySide6's Python enum types (the Qt namespace alone ~14 ms, on the first
``from PySide6.QtCore import Qt``) cost more than the whole bare window does; the first
frame needs none of it (bench/window_stream.py --startup-only).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QFont, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QStyle,
)

from ui.page.document_view import DocumentView
from ui.page.error_page import RETRY_URL, ErrorBanner, error_segments, retry_helps, summary
from ui.page.fetch_worker import Fetcher
from ui.page.find_bar import FindBar
from ui.page.header_view import HeaderView
from ui.page.notice_bar import NoticeBar
from ui.page.page_renderer import SAVE_URL, PageRenderer, ViewMode, charset_label
from ui.page.start_page import (
    ABOUT_URL,
    KEYS_URL,
    SAMPLE_PREFIX,
    START_URL,
    about_page,
    is_internal,
    keys_page,
    sample_bytes,
    sample_content_type,
    start_page,
)
from ui.stream.phase_bar import PhaseBar
from ui.stream.receive_lab import ReceiveLab
from ui.stream.stream_panel import StreamPane

__all__ = [
    "ABOUT_URL",
    "KEYS_URL",
    "RETRY_URL",
    "SAMPLE_PREFIX",
    "SAVE_URL",
    "START_URL",
    "DocumentView",
    "ErrorBanner",
    "Fetcher",
    "FindBar",
    "HeaderView",
    "NoticeBar",
    "PageRenderer",
    "PhaseBar",
    "QAction",
    "QActionGroup",
    "QApplication",
    "QDialog",
    "QDockWidget",
    "QFont",
    "QGuiApplication",
    "QIcon",
    "QInputDialog",
    "QKeySequence",
    "QLabel",
    "QPlainTextEdit",
    "QStyle",
    "Qt",
    "ReceiveLab",
    "StreamPane",
    "ViewMode",
    "about_page",
    "charset_label",
    "error_segments",
    "is_internal",
    "keys_page",
    "retry_helps",
    "sample_bytes",
    "sample_content_type",
    "start_page",
    "summary",
]
