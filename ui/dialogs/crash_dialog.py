"""sys.excepthook for the window: an unexpected exception shows a report the user can copy,
and the window keeps running.

PySide6 hands an exception raised in a slot, a timer callback or a virtual override to
sys.excepthook and carries on; by default that prints to a stderr nobody sees (a desktop
launch has none). The hook may run on any thread (a worker's slot): the report is passed to the
GUI thread through a queued signal, and the dialog is shown there, never modal, so it blocks
neither the window nor a test. Later exceptions while it is open are appended to it (a slot
raising on every event must not open a storm of dialogs).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

import PySide6
from PySide6.QtCore import QObject, Qt, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("yonder.crash")

MAX_REPORTS = 20  # kept in one open dialog; later ones are counted, not shown


class CrashDialog(QDialog):
    """The report in a read-only text box, with Copy Report and Close."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Yonder: unexpected error")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        explanation = QLabel(
            "Something went wrong inside Yonder. The window still works; what you were doing "
            "may not have finished. Please copy this report into a bug report."
        )
        explanation.setWordWrap(True)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report.setMinimumSize(560, 260)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("&Copy Report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy_report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(explanation)
        layout.addWidget(self.report)
        layout.addWidget(buttons)
        self.count = 0
        self.dropped = 0

    def add(self, summary: str, report: str) -> None:
        self.count += 1
        if self.count > MAX_REPORTS:
            self.dropped += 1
            self.heading.setText(f"{self.count} unexpected errors ({self.dropped} not shown)")
            return
        self.heading.setText(summary if self.count == 1 else f"{self.count} unexpected errors")
        if self.count > 1:
            self.report.appendPlainText("\n" + "-" * 72 + "\n")
        self.report.appendPlainText(report.rstrip("\n"))

    @Slot()
    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report.toPlainText())
        self.copy_button.setText("Copied")


class _Reporter(QObject):
    """Lives on the GUI thread; ``reported`` emitted from any thread is delivered there."""

    reported = Signal(str, str)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self.reported.connect(self.show_report, Qt.ConnectionType.QueuedConnection)

    @Slot(str, str)
    def show_report(self, summary: str, report: str) -> None:
        if self.dialog is None:
            self.dialog = CrashDialog(QApplication.activeWindow())
            self.dialog.destroyed.connect(self._forget)
        self.dialog.add(summary, report)
        self.dialog.show()
        self.dialog.raise_()

    @Slot()
    def _forget(self) -> None:
        self.dialog = None


def install_excepthook(app: QApplication, log_file: str | None = None) -> Callable[[], None]:
    """Route uncaught exceptions to a crash dialog (and stderr or the --debug log); returns a
    function that puts the previous hook back."""
    previous = sys.excepthook
    reporter = _Reporter(app)

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)  # Ctrl+C in the terminal: not a bug of ours
            return
        try:
            from ui.dialogs.crash_report import crash_report, one_line  # only once something failed

            report = crash_report(
                exc_type,
                exc,
                tb,
                qt_version=qVersion(),
                pyside_version=PySide6.__version__,
                qt_platform=QGuiApplication.platformName(),
                log_file=log_file,
            )
            if logging.getLogger("yonder").handlers:  # --debug: stderr and the log file
                log.error("unexpected error\n%s", report)
            else:
                sys.__excepthook__(exc_type, exc, tb)
            reporter.reported.emit(one_line(exc), report)
        except Exception:  # the hook itself must never fail: fall back to plain stderr
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook

    def uninstall() -> None:
        if sys.excepthook is hook:
            sys.excepthook = previous
        if reporter.dialog is not None:
            reporter.dialog.close()
        reporter.deleteLater()

    return uninstall
