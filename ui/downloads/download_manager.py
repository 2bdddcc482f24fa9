"""Downloads straight to disk: the manager (GUI-thread facade) and the Downloads panel.

:class:`DownloadManager` owns one long-lived QThread running a :class:`DownloadWorker`
(the worker-object pattern of ui/page/fetch_worker.py). Downloads run one after another on that
thread, in the order they were started; the body is written by the worker, so only progress
crosses threads. Cancel is immediate: the GUI thread cancels the download's CancelToken, which
shuts its socket down; the worker then discards the partial file and reports ``cancelled``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    Qt,
    QThread,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QDesktopServices, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from net.cancel import Token
from net.options import FetchOptions
from ui.colours import readable_on, text_colours
from ui.downloads.download_worker import DownloadWorker, Progress
from ui.text.display_text import tooltip_html
from ui.text.units import format_duration, format_rate, format_size, transfer_rate

if TYPE_CHECKING:
    from net.client import FetchFunction

PROGRESS_MS = 100  # how often running downloads' progress is polled (<= 10 signals/s)
# Style sheets, not palettes: a row's palette is re-resolved when the panel adopts it.


def _default_token() -> Token:
    from net.cancel import CancelToken

    return CancelToken()


class DownloadManager(QObject):
    """Starts, tracks and cancels downloads; every signal carries the download id.

    Signals:
        added(int id, str url, str path): start() accepted it (it may wait for the thread).
        started(int id): it began connecting.
        progress_changed(int id, qint64 received, qint64 total, float elapsed): total -1 when
            unknown; elapsed: seconds since the response head (0 before it); polled every
            PROGRESS_MS (<= 10/s) while it changes, plus a final one.
        finished(int id, str path, qint64 size): the complete file is at ``path``.
        failed(int id, str message): a user-facing sentence; no partial file was left.
        cancelled(int id): cancelled (by cancel() or shutdown()); no partial file was left.
        committing(int id): every byte is written; the file is being put in place (the disk
            may take seconds to confirm GBs).
    Each download ends with exactly one of finished / failed / cancelled.
    """

    added = Signal(int, str, str)
    started = Signal(int)
    # "qint64" (sizes past 2 GiB) is a C++ type name; PySide6's stubs take Python types only.
    progress_changed = Signal(int, "qint64", "qint64", float)  # type: ignore[arg-type]
    finished = Signal(int, str, "qint64")  # type: ignore[arg-type]
    failed = Signal(int, str)
    cancelled = Signal(int)
    committing = Signal(int)
    _run_requested = Signal(int, str, str, object, object, object)

    def __init__(
        self,
        fetch: FetchFunction | None = None,
        token_factory: Callable[[], Token] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._token_factory = token_factory or _default_token
        self._tokens: dict[int, Token] = {}  # the downloads that have not ended
        self._started: set[int] = set()  # ...and those of them the worker has begun
        self._progress: dict[int, Progress] = {}
        self._reported: dict[int, tuple[int, int]] = {}  # last (received, total) emitted
        self._poll = QTimer(self)
        self._poll.setInterval(PROGRESS_MS)
        self._poll.timeout.connect(self._poll_progress)
        self._next_id = 0
        self._targets: dict[int, tuple[str, str]] = {}  # (url, path) of each download
        self._committing: set[int] = set()  # those whose row says they are being written
        #: What closing did to the downloads it found (see shutdown), one sentence each.
        self.closing_notes: list[str] = []
        self._thread = QThread()
        self._thread.setObjectName("yonder-downloads")
        self._worker = DownloadWorker(fetch)
        self._worker.moveToThread(self._thread)
        self._run_requested.connect(self._worker.run)
        self._worker.started.connect(self._on_started)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)
        app = QCoreApplication.instance()
        if app is not None:  # a safety net: the owner should call shutdown() on close
            app.aboutToQuit.connect(self.shutdown)
        self._thread.start()

    @property
    def worker_thread(self) -> QThread:
        return self._thread

    def start(self, url: str, path: str, options: FetchOptions | None = None) -> int:
        """Queue a download of ``url`` to ``path`` (replaced only once complete); its id."""
        self._next_id += 1
        download_id = self._next_id
        token = self._token_factory()
        self._tokens[download_id] = token
        self._progress[download_id] = progress = Progress()
        self._targets[download_id] = (url, path)
        self.added.emit(download_id, url, path)
        self._run_requested.emit(download_id, url, path, options, token, progress)
        return download_id

    @Slot(int)
    def cancel(self, download_id: int) -> None:
        """Cancel a download now (thread-safe token, socket shut down); ``cancelled`` follows
        once the worker has discarded the partial file (~ms). Unknown or ended ids: no-op."""
        token = self._tokens.get(download_id)
        if token is None:
            return
        token.cancel()
        progress = self._progress.get(download_id)
        if progress is not None and not progress.started_at:
            # Still queued behind another download: report it now, not when the thread gets
            # to it (it will skip it without touching the network or the disk). Asked of the
            # worker's own Progress, not of the queued `started` signal: a download that began
            # (or even finished) while its signals wait in the GUI queue is not "queued", and
            # its worker reports how it really ended.
            self._forget(download_id)
            self.cancelled.emit(download_id)

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Cancel every download, quit the thread and wait (bounded); True if it ended.

        A download whose every byte is written and whose file is being put in place is not
        cancelled: its commit stops waiting for the disk (DownloadWorker.hurry), so it ends
        in place within the wait instead of keeping the thread alive for seconds. What the
        close did to each download is said on stderr and kept in :attr:`closing_notes`
        (the window may show them): nothing is left half-written either way."""
        if not self._thread.isRunning():
            return True
        pending = list(self._tokens.items())
        self._worker.hurry.set()
        for download_id, token in pending:
            progress = self._progress.get(download_id)
            if progress is None or not progress.committing:
                token.cancel()
        self._poll.stop()
        self._thread.quit()
        ended = bool(self._thread.wait(timeout_ms))
        # The worker's signals are queued and will not come now (the thread has quit, the
        # window is closing): report each download's real end here.
        for download_id, _ in pending:
            progress = self._progress.get(download_id)
            url, path = self._targets.get(download_id, ("", ""))
            note = closing_note(url, path, progress)
            if note:
                self.closing_notes.append(note)
                print(f"yonder: {note}", file=sys.stderr, flush=True)
            if progress is not None and progress.in_place:
                if self._forget(download_id):
                    self.finished.emit(download_id, path, progress.received)
            elif self._forget(download_id):
                self.cancelled.emit(download_id)
        return ended

    # -- from the worker (queued onto the GUI thread) ------------------------------------

    def _forget(self, download_id: int) -> bool:
        """Drop an ended download's state; False when it had already ended."""
        self._started.discard(download_id)
        self._committing.discard(download_id)
        self._targets.pop(download_id, None)
        self._progress.pop(download_id, None)
        self._reported.pop(download_id, None)
        if not self._started:
            self._poll.stop()
        return self._tokens.pop(download_id, None) is not None

    @Slot()
    def _poll_progress(self) -> None:
        now = time.perf_counter()
        for download_id in sorted(self._started):
            progress = self._progress.get(download_id)
            if progress is None:
                continue
            state = (progress.received, progress.total)
            if self._reported.get(download_id) != state:
                self._reported[download_id] = state
                # The transfer's time, from the file's response head (ui.text.units' one rate).
                elapsed = now - progress.head_at if progress.head_at else 0.0
                self.progress_changed.emit(download_id, state[0], state[1], elapsed)
            if progress.committing and download_id not in self._committing:
                self._committing.add(download_id)
                self.committing.emit(download_id)

    @Slot(int)
    def _on_started(self, download_id: int) -> None:
        if download_id in self._tokens:
            self._started.add(download_id)
            self._poll.start()
            self.started.emit(download_id)

    @Slot(int, str, "qint64")
    def _on_done(self, download_id: int, path: str, size: int) -> None:
        progress = self._progress.get(download_id)
        if download_id in self._tokens and progress is not None:
            start = progress.head_at or progress.started_at
            elapsed = time.perf_counter() - start
            self.progress_changed.emit(download_id, size, size, elapsed)  # the final one
        if self._forget(download_id):
            self.finished.emit(download_id, path, size)

    @Slot(int, str)
    def _on_failed(self, download_id: int, message: str) -> None:
        if self._forget(download_id):
            self.failed.emit(download_id, message)

    @Slot(int)
    def _on_cancelled(self, download_id: int) -> None:
        if self._forget(download_id):
            self.cancelled.emit(download_id)


def closing_note(url: str, path: str, progress: Progress | None) -> str:
    """One sentence on what closing the window did to a download that had not ended."""
    name = os.path.basename(path) or path
    if progress is not None and progress.in_place:
        if progress.synced:
            return ""  # it ended just before: nothing to say
        return (
            f"{name} was complete when the window closed and is in place at {path} "
            "(the system finishes writing it to the disk)"
        )
    if progress is not None and progress.committing:
        return (
            f"{name} was still being put in place at {path} when the window closed; if it "
            "is not there, download it again (nothing half-written is left)"
        )
    if progress is None or not progress.started_at:
        return f"closing the window cancelled the queued download of {url}; nothing was saved"
    amount = format_size(progress.received)
    if progress.total >= 0:
        amount = f"{amount} of {format_size(progress.total)}"
    return (
        f"closing the window cancelled the download of {url} ({amount} received); "
        f"nothing was saved to {path}"
    )


@dataclass
class _RowState:
    received: int = 0
    total: int = -1
    elapsed: float = 0.0


class DownloadState(StrEnum):
    """Where one download is, as its row shows it."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def ended(self) -> bool:
        return self in (DownloadState.FINISHED, DownloadState.FAILED, DownloadState.CANCELLED)


class DownloadRow(QFrame):
    """One download in the panel: name, progress bar, size/rate line, Cancel / Open folder.

    Signals:
        cancel_requested(int id)
    """

    cancel_requested = Signal(int)

    def __init__(self, download_id: int, url: str, path: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.download_id = download_id
        self.url = url
        self.path = path
        self.state = DownloadState.QUEUED
        self._progress = _RowState()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setToolTip(tooltip_html(f"{url}\n→ {path}"))

        self.name_label = QLabel(os.path.basename(path) or path)
        bold = QFont(self.name_label.font())
        bold.setBold(True)
        self.name_label.setFont(bold)
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)  # a server-suggested name
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(6)
        self.bar.setRange(0, 0)
        self.status_label = QLabel("Waiting…")
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self._status_role = "muted"  # or "error": the status line's colour (ui.colours)
        self._colour_status()

        self.cancel_button = QToolButton()
        self.cancel_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_DialogCancelButton)
        )
        self.cancel_button.setToolTip("Cancel this download")
        self.cancel_button.setAccessibleName("Cancel download")  # (its tooltip: the description)
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.clicked.connect(lambda: self.cancel_requested.emit(self.download_id))
        self.open_button = QToolButton()
        self.open_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon))
        self.open_button.setToolTip("Open the folder that holds this file")
        self.open_button.setAccessibleName("Open folder")
        self.open_button.setAutoRaise(True)
        self.open_button.clicked.connect(self.open_folder)
        self.open_button.hide()

        text = QVBoxLayout()
        text.setSpacing(3)
        text.addWidget(self.name_label)
        text.addWidget(self.bar)
        text.addWidget(self.status_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addLayout(text, 1)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignVCenter)

    def mark_started(self) -> None:
        self.state = DownloadState.RUNNING
        self.status_label.setText("Connecting…")

    def mark_committing(self) -> None:
        """Every byte is written; the disk is confirming them (seconds for GBs)."""
        self.bar.setRange(0, 0)  # busy: there is no fraction to show for a flush
        self.status_label.setText(
            f"All {format_size(self._progress.received)} received · writing it to the disk…"
        )

    def update_progress(self, received: int, total: int, elapsed: float) -> None:
        self.state = DownloadState.RUNNING
        self._progress = _RowState(received, total, elapsed)
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(min(1000, received * 1000 // total))
        else:
            self.bar.setRange(0, 0)  # unknown size: a busy indicator
        rate = transfer_rate(received, elapsed)
        amount = format_size(received)
        if total >= 0:
            amount = f"{amount} of {format_size(total)}"
        parts = [amount]
        if rate is not None:
            parts.append(f"transfer rate {format_rate(rate)}")
        if total > received and rate:
            parts.append(f"{format_duration((total - received) / rate)} left")
        self.status_label.setText(" · ".join(parts))

    def mark_finished(self, size: int) -> None:
        self.state = DownloadState.FINISHED
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.bar.hide()
        elapsed = self._progress.elapsed
        took = f" · transfer {format_duration(elapsed)}" if elapsed > 0 else ""
        self.status_label.setText(f"Done · {format_size(size)}{took}")
        self.cancel_button.hide()
        self.open_button.show()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_status_role"):
            self._colour_status()

    def _colour_status(self) -> None:
        # Only the text colour is set (the rest follows the application palette), readable
        # on the row's window colour.
        colours = text_colours(QApplication.palette(self))
        window = QApplication.palette(self).color(QPalette.ColorRole.Window)
        palette = QPalette()
        palette.setColor(
            QPalette.ColorRole.WindowText, readable_on(colours.role(self._status_role), window)
        )
        self.status_label.setPalette(palette)

    def mark_failed(self, message: str) -> None:
        self.state = DownloadState.FAILED
        self.bar.hide()
        self.status_label.setText(f"Failed · {message}")
        self._status_role = "error"
        self._colour_status()
        self.cancel_button.hide()

    def mark_cancelled(self) -> None:
        self.state = DownloadState.CANCELLED
        self.bar.hide()
        self.status_label.setText("Cancelled · nothing was saved")
        self.cancel_button.hide()

    @Slot()
    def open_folder(self) -> None:
        folder = os.path.dirname(self.path) or "."
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))


#: A long status line of a running download (ui.text.units figures): the panel's width holds it.
STATUS_SAMPLE = "999 MiB of 999 MiB · transfer 99.9 MiB/s · 59 min 59 s left"


class DownloadsPanel(QWidget):
    """The list of downloads, newest first, fed by a :class:`DownloadManager`.

    Signals: none (rows' Cancel buttons call ``manager.cancel``).
    Slots: clear_finished()
    """

    def __init__(self, manager: DownloadManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.setWindowTitle("Downloads")
        self._rows: dict[int, DownloadRow] = {}

        self._list = QWidget()
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setContentsMargins(0, 0, 0, 0)
        self._list_layout.setSpacing(0)
        self._list_layout.addStretch(1)
        self.empty_label = QLabel("No downloads yet.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self._list_layout.insertWidget(0, self.empty_label)
        scroll = QScrollArea()
        scroll.setAccessibleName("Downloads")
        scroll.setAccessibleDescription("Every download of this session, newest last")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._list)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setBackgroundRole(QPalette.ColorRole.Base)
        self._list.setBackgroundRole(QPalette.ColorRole.Base)
        self._list.setAutoFillBackground(True)

        self.clear_button = QPushButton("Clear finished")
        self.clear_button.setAccessibleDescription("Remove finished downloads from the list")
        self.clear_button.clicked.connect(self.clear_finished)
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addStretch(1)
        footer.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(scroll, 1)
        layout.addLayout(footer)
        # Wide enough for a running row's status line on one line beside its Cancel button
        # (the labels would otherwise be cut, their size policy ignores their text).
        metrics = self.fontMetrics()
        button = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 16
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.setMinimumWidth(
            metrics.horizontalAdvance(STATUS_SAMPLE) + button + scroll_bar + 12 + 16 + 6
        )

        manager.added.connect(self._on_added)
        manager.started.connect(self._on_started)
        manager.progress_changed.connect(self._on_progress)
        manager.finished.connect(self._on_finished)
        manager.failed.connect(self._on_failed)
        manager.cancelled.connect(self._on_cancelled)
        manager.committing.connect(self._on_committing)

    def row(self, download_id: int) -> DownloadRow | None:
        return self._rows.get(download_id)

    def rows(self) -> list[DownloadRow]:
        """Rows in display order (newest first)."""
        return [self._rows[i] for i in sorted(self._rows, reverse=True)]

    @Slot()
    def clear_finished(self) -> None:
        """Remove every row whose download has ended."""
        for download_id, row in list(self._rows.items()):
            if row.state.ended:
                del self._rows[download_id]
                self._list_layout.removeWidget(row)
                row.deleteLater()
        self._update_empty()

    def _update_empty(self) -> None:
        self.empty_label.setVisible(not self._rows)

    @Slot(int, str, str)
    def _on_added(self, download_id: int, url: str, path: str) -> None:
        row = DownloadRow(download_id, url, path)
        row.cancel_requested.connect(self.manager.cancel)
        self._rows[download_id] = row
        self._list_layout.insertWidget(0, row)  # newest first
        self._update_empty()

    @Slot(int)
    def _on_started(self, download_id: int) -> None:
        if (row := self._rows.get(download_id)) is not None:
            row.mark_started()

    @Slot(int, "qint64", "qint64", float)
    def _on_progress(self, download_id: int, received: int, total: int, elapsed: float) -> None:
        if (row := self._rows.get(download_id)) is not None:
            row.update_progress(received, total, elapsed)

    @Slot(int, str, "qint64")
    def _on_finished(self, download_id: int, path: str, size: int) -> None:
        if (row := self._rows.get(download_id)) is not None:
            row.mark_finished(size)

    @Slot(int, str)
    def _on_failed(self, download_id: int, message: str) -> None:
        if (row := self._rows.get(download_id)) is not None:
            row.mark_failed(message)

    @Slot(int)
    def _on_committing(self, download_id: int) -> None:
        if (row := self._rows.get(download_id)) is not None:
            row.mark_committing()

    @Slot(int)
    def _on_cancelled(self, download_id: int) -> None:
        if (row := self._rows.get(download_id)) is not None:
            row.mark_cancelled()
