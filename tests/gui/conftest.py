"""GUI test fixtures: no QThread may outlive its test, no test touches the real QSettings.

Qt warnings already fail a test through pytest-qt (``qt_log_level_fail = WARNING`` in
pyproject.toml); the fixture below adds the thread check. One message is exempt: the offscreen
platform plugin says "This plugin does not support propagateSizeHints()" whenever a top-level
window with a layout is shown; it is the test platform talking, not Yonder (xcb never says it).
So is "does not support raise() / grabbing the keyboard", which it says whenever a popup opens:
the address bar's completion list (typed, bookmarked and visited addresses) or a file dialog's.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QThread

from ui.settings import Settings

OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"
OFFSCREEN_POPUP_NOISE = r"This plugin does not support (raise\(\)|grabbing the keyboard)"

# The offscreen platform's own screen is 800x800, and the first window fits the screen it
# opens on (ui.shell.main_window.MainWindow.default_layout): give the tests a common desktop's
# screen instead, through the offscreen plugin's own configuration file (children inherit it).
if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = (
        f"offscreen:configfile={Path(__file__).with_name('offscreen-1920x1080.json')}"
    )


# Qt's own file dialogs, on any machine: a platform's native one (a GTK or portal dialog,
# when a desktop's platform theme is installed) cannot be driven by the journeys' typing.
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, OFFSCREEN_POPUP_NOISE))


_started: list[weakref.ref[QThread]] = []
_original_start = QThread.start


def _recording_start(self: QThread, *args: Any) -> None:
    _started.append(weakref.ref(self))
    _original_start(self, *args)


QThread.start = _recording_start  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def no_thread_left_running() -> Iterator[None]:
    """Fail a test that leaves a QThread running (and stop it, so the next test is clean)."""
    _started.clear()
    yield
    running = []
    for ref in _started:
        thread = ref()
        if thread is not None and thread.isRunning():
            running.append(thread.objectName() or repr(thread))
            thread.quit()
            thread.wait(2000)
    _started.clear()
    if running:
        pytest.fail(f"the test left QThread(s) running: {', '.join(running)}")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[None]:
    """Any QSettings() a test creates lands in its temp dir, never in the user's config."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(tmp_path / "settings-system"))
    QCoreApplication.setOrganizationName("YonderTest")
    QCoreApplication.setApplicationName(f"yonder-test-{tmp_path.name}")
    yield


@pytest.fixture(autouse=True)
def system_theme_after() -> Iterator[None]:
    """A test that chose a theme (View > Theme) leaves the application palette as it found
    it: the QApplication outlives the test."""
    yield
    from PySide6.QtWidgets import QApplication

    from ui.shell.theme import Theme, ThemeSwitcher

    app = QApplication.instance()
    themes = app.findChild(ThemeSwitcher) if app is not None else None
    if isinstance(themes, ThemeSwitcher) and themes.theme is not Theme.SYSTEM:
        themes.apply(Theme.SYSTEM)


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "yonder.ini"


@pytest.fixture
def make_settings(settings_file: Path) -> Callable[[], Settings]:
    """A Settings backed by an ini file in the test's temp dir (the same file every call)."""

    def factory() -> Settings:
        return Settings(QSettings(str(settings_file), QSettings.Format.IniFormat))

    return factory


@pytest.fixture
def servers() -> Iterator[list[Any]]:
    """Loopback servers a test starts with tests.gui.windows.serve; stopped afterwards."""
    started: list[Any] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def window(qtbot: Any, make_settings: Callable[[], Settings]) -> Iterator[Any]:
    """A shown MainWindow with short timeouts, closed after the test."""
    from tests.gui.windows import OPTIONS
    from ui.shell.main_window import (
        MainWindow,  # imported here: test_startup times the first import
    )

    win = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    # A copy made by the test leaves a Python QMimeData (ui/page/rich_copy.py) with Qt's
    # clipboard: left there, Qt deletes it as the interpreter ends, without the GIL (abort).
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.clipboard().clear()
