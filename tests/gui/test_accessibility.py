"""A screen reader can use the window: every focusable widget has an accessible name and a
description, and the status line, the error banner and an error page are readable through
QAccessible (what AT-SPI, UI Automation and NSAccessibility read)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QApplication, QLabel, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from ui.page.error_page import ErrorBanner
from ui.page.load_status import LoadStatus
from ui.shell.main_window import MainWindow

NAME, DESCRIPTION = QAccessible.Text.Name, QAccessible.Text.Description


def interface(widget: QWidget) -> QAccessibleInterface:
    found = QAccessible.queryAccessibleInterface(widget)
    assert found is not None and found.isValid(), widget
    return found


def description(widget: QWidget) -> str:
    iface = interface(widget)
    text = iface.text(DESCRIPTION)
    if not text and isinstance(widget, QTabBar):
        # Qt's tab bar has no description of its own: a screen reader reads the focused
        # tab's (its tooltip).
        tab = iface.child(widget.currentIndex())
        text = tab.text(DESCRIPTION) if tab is not None else ""
    return text


def focusable(win: MainWindow) -> list[QWidget]:
    return [
        w
        for w in QApplication.allWidgets()
        if w.window() is win and w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus
    ]


def unnamed(win: MainWindow) -> list[str]:
    missing = []
    for widget in focusable(win):
        name, text = interface(widget).text(NAME), description(widget)
        if not name.strip() or not text.strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}: {name!r} {text!r}")
    return missing


def test_every_focusable_widget_has_a_name_and_a_description(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.waitUntil(lambda: window.page.document_view.isVisible())
    widgets = focusable(window)
    kinds = {type(w).__name__ for w in widgets}
    assert {"AddressBar", "DocumentView"} <= kinds  # the two the issue found unnamed
    assert unnamed(window) == []
    assert interface(window.page.document_view).text(NAME) == "Page"
    address = next(w for w in widgets if type(w).__name__ == "AddressBar")
    assert interface(address).text(NAME) == "Address"
    # The parts a user opens: the find bar, the Downloads dock.
    drive.trigger(window, "Edit", "Find…")
    drive.trigger(window, "View", "Downloads")
    qtbot.waitUntil(lambda: "FindBar" in {type(w.parent()).__name__ for w in focusable(window)})
    assert unnamed(window) == []
    # A second tab: the tab bar shows, and names its tabs.
    drive.trigger(window, "File", "New Tab")
    qtbot.waitUntil(lambda: "PageTabBar" in {type(w).__name__ for w in focusable(window)})
    assert unnamed(window) == []


def test_the_status_line_and_an_error_are_readable(qtbot: QtBot, window: MainWindow) -> None:
    drive.enter_address(qtbot, window, "http://exa mple.org/")  # cannot be requested
    banners = window.findChildren(ErrorBanner)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in banners))
    banner = next(b for b in banners if b.isVisible())
    # The banner: named, and its summary read through its label's interface.
    assert interface(banner).text(NAME) == "Error"
    summary = interface(banner.label)
    assert summary.role() == QAccessible.Role.StaticText
    assert summary.text(NAME) == banner.label.text() and "address" in summary.text(NAME).lower()
    assert summary.text(DESCRIPTION)
    retry = [w for w in banner.findChildren(QWidget) if w.isVisible() and w is not banner.label]
    assert all(interface(w).text(NAME) for w in retry)
    # The status line (the status bar's load status) says the same to a screen reader as on
    # screen.
    status = window.findChild(LoadStatus)
    assert status is not None
    label = status.findChild(QLabel)
    assert label is not None and label.text()
    assert interface(label).text(NAME) == label.text()
    assert interface(label).text(DESCRIPTION)
    # The error page in the document view: its text through the text interface.
    page = interface(window.page.document_view).textInterface()
    assert page is not None
    shown = page.text(0, page.characterCount())
    assert shown == window.page.document_view.toPlainText() and "What you can do" in shown
    assert unnamed(window) == []  # the widgets a failed load shows are named too
