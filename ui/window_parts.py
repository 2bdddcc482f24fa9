"""Everything :class:`ui.main_window.MainWindow` builds after its first paint, in one place.

The window imports this module in :meth:`~ui.main_window.MainWindow.finish_build`, once the
first frame is on its way to the screen, and uses each name as ``parts.Name``; nothing the
first frame needs may import it.

Start-up time: importing these modules (the page renderer, the Stream pane, net/...) and
making PySide6's Python enum types (the Qt namespace alone ~14 ms, on the first
``from PySide6.QtCore import Qt``) cost more than the whole bare window does; the first
frame needs none of it (bench/window_stream.py --startup-only).
"""

# This module only re-exports: each import is one of its names.
# ruff: noqa: F401

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QFont, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QStyle,
)

from ui.document_view import DocumentView
from ui.error_page import RETRY_URL, ErrorBanner, error_segments, summary
from ui.fetch_worker import Fetcher
from ui.find_bar import FindBar
from ui.header_view import HeaderView
from ui.notice_bar import NoticeBar
from ui.page_renderer import SAVE_URL, PageRenderer, ViewMode, charset_label
from ui.phase_bar import PhaseBar
from ui.receive_lab import ReceiveLab
from ui.start_page import (
    SAMPLE_PREFIX,
    START_URL,
    is_internal,
    sample_bytes,
    sample_content_type,
    start_page,
)
from ui.stream_panel import StreamPane
