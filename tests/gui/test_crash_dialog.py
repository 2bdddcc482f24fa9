"""An unexpected exception on the GUI thread (or in a worker's slot) shows a copyable report in
a dialog that blocks nothing, and the window keeps working (ui/dialogs/crash_dialog.py, installed by
ui/app.main). The exception comes from real Qt dispatch (a timer callback, a queued slot on a
QThread): PySide6 hands it to sys.excepthook exactly as it would a bug in Yonder's own slots."""

from __future__ import annotations

import platform
from collections.abc import Iterator

import PySide6
import pytest
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from net.version import version
from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.dialogs.crash_dialog import MAX_REPORTS, CrashDialog, install_excepthook
from ui.shell.main_window import MainWindow


@pytest.fixture
def crash_hook() -> Iterator[None]:
    """The hook the real app installs, on the test's QApplication; removed afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    uninstall = install_excepthook(app, log_file="/tmp/yonder-test.log")
    yield
    uninstall()


def crash_dialogs() -> list[CrashDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]


def shown_dialog(qtbot: QtBot) -> CrashDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in crash_dialogs()), timeout=10000)
    (dialog,) = [d for d in crash_dialogs() if d.isVisible()]
    return dialog


def fail_in_a_timer(message: str) -> None:
    def broken() -> None:
        {}["missing"]  # a KeyError with a cause, like a real bug

    def raising() -> None:
        try:
            broken()
        except KeyError as exc:
            raise RuntimeError(message) from exc

    QTimer.singleShot(0, raising)


def test_an_exception_shows_a_copyable_report_and_the_window_keeps_working(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], crash_hook: None
) -> None:
    fail_in_a_timer("boom in a timer")
    dialog = shown_dialog(qtbot)
    assert not dialog.isModal() and QApplication.activeModalWidget() is None
    assert dialog.heading.text() == "RuntimeError: boom in a timer"
    report = dialog.report.toPlainText()
    assert report.startswith(f"Yonder {version()}: unexpected error (RuntimeError)\n")
    assert f"Python:   {platform.python_version()}" in report
    assert f"Qt:       {qVersion()} (PySide6 {PySide6.__version__})" in report
    assert f"Platform: {platform.platform()}" in report
    assert "Log file: /tmp/yonder-test.log" in report
    assert "Traceback (most recent call last):" in report
    assert "KeyError: 'missing'" in report  # the chain, not only the last exception
    assert "The above exception was the direct cause" in report
    assert report.rstrip().endswith("RuntimeError: boom in a timer")
    assert "in raising" in report and "in broken" in report

    qtbot.mouseClick(dialog.copy_button, PySide6.QtCore.Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report
    assert dialog.copy_button.text() == "Copied"

    # The window still works: back in it (as a click would), load a page the user's way,
    # with the dialog still open.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    srv = serve(
        servers, respond(http_response(200, b"still alive", [("Content-Type", "text/plain")]))
    )
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, srv.url("/after"))
    drive.press(qtbot, PySide6.QtCore.Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, window)
    assert "still alive" in drive.screen_text(window)
    assert len(drive.requests_to(srv, "/after")) == 1
    assert dialog.isVisible()


def test_more_exceptions_go_into_the_open_dialog_not_new_ones(
    qtbot: QtBot, window: MainWindow, crash_hook: None
) -> None:
    fail_in_a_timer("first")
    dialog = shown_dialog(qtbot)
    for n in range(MAX_REPORTS + 3):
        fail_in_a_timer(f"again {n}")
    qtbot.waitUntil(lambda: dialog.count == MAX_REPORTS + 4, timeout=10000)
    assert crash_dialogs() == [dialog]
    assert dialog.heading.text() == f"{MAX_REPORTS + 4} unexpected errors (4 not shown)"
    report = dialog.report.toPlainText()
    assert "RuntimeError: first" in report and f"RuntimeError: again {MAX_REPORTS - 2}" in report
    assert f"again {MAX_REPORTS - 1}" not in report
    dialog.close()
    qtbot.waitUntil(lambda: not crash_dialogs())
    fail_in_a_timer("after closing")
    assert shown_dialog(qtbot).heading.text() == "RuntimeError: after closing"


class _Worker(QObject):
    poke = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.thread_seen: QThread | None = None
        self.poke.connect(self.fail)

    @Slot()
    def fail(self) -> None:
        self.thread_seen = QThread.currentThread()
        raise ValueError("broken in a worker thread")


def test_an_exception_in_a_worker_thread_s_slot_is_shown_on_the_gui_thread(
    qtbot: QtBot, window: MainWindow, crash_hook: None
) -> None:
    thread = QThread()
    thread.setObjectName("crash test worker")
    worker = _Worker()
    worker.moveToThread(thread)
    thread.start()
    try:
        worker.poke.emit()  # queued to the worker's thread
        dialog = shown_dialog(qtbot)
        assert worker.thread_seen is thread
        assert dialog.thread() is QApplication.instance().thread()  # type: ignore[union-attr]
        assert "ValueError: broken in a worker thread" in dialog.report.toPlainText()
    finally:
        thread.quit()
        thread.wait(5000)
