"""Drive the real window the way a user does, and read what is on screen.

A journey reaches a feature only through what a user has: a menu action found by its menu
text and triggered (:func:`trigger`, which passes what Qt itself passes), keys sent to the
focused widget (:func:`press`, :func:`type_text`), a click at a link's place in the document
view (:func:`click_link`), a modal dialog answered by typing (:func:`answer_dialog`). It then
reads the screen (:func:`screen_text`, :func:`status_text`, :func:`top_line`, ...).

Every :func:`trigger` is recorded in :data:`TRIGGERED` with the test that made it; the
coverage test (test_menu_coverage.py) fails when an action of the menus was never triggered
during a run of the whole journeys package.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QContextMenuEvent, QTextCursor, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QWidget,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from ui.shell.main_window import MainWindow

MenuPath = tuple[str, ...]

#: Menu path -> the tests (pytest node ids) that triggered it this session.
TRIGGERED: dict[MenuPath, list[str]] = {}


def plain(text: str) -> str:
    """Menu text as a user reads it: "&File" -> "File", "&&" -> "&"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _walk(menu: QMenu, path: MenuPath, enabled: bool) -> Iterator[tuple[MenuPath, QAction, bool]]:
    enabled = enabled and menu.isEnabled() and menu.menuAction().isEnabled()
    for action in menu.actions():
        if action.isSeparator():
            continue
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _walk(sub, (*path, plain(sub.title())), enabled)
        else:
            yield (*path, plain(action.text())), action, enabled and action.isEnabled()


def _menu_entries(win: MainWindow) -> list[tuple[MenuPath, QAction, bool]]:
    found: list[tuple[MenuPath, QAction, bool]] = []
    for top in win.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            found.extend(_walk(menu, (plain(menu.title()),), True))
    return found


def menu_actions(win: MainWindow) -> list[tuple[MenuPath, QAction]]:
    """Every action of the window's menu bar, submenus included, with its menu path."""
    return [(path, action) for path, action, _ in _menu_entries(win)]


def reachable(win: MainWindow, *path: str) -> bool:
    """Whether a user can trigger the action now: it and every menu above it enabled."""
    return any(found == path and ok for found, _, ok in _menu_entries(win))


def find_action(win: MainWindow, *path: str) -> QAction:
    """The action at menu path ``path`` (e.g. "File", "Download…"); fails if there is none."""
    for found, action in menu_actions(win):
        if found == path:
            return action
    known = "\n  ".join(" > ".join(p) for p, _ in menu_actions(win))
    raise AssertionError(f"no menu action {' > '.join(path)!r}; the menus hold:\n  {known}")


def trigger(win: MainWindow, *path: str) -> QAction:
    """Trigger the menu action at ``path`` as a click on it would (it must be enabled)."""
    activate(win)
    action = find_action(win, *path)
    assert reachable(win, *path), f"{' > '.join(path)} is disabled (or a menu above it is)"
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]
    TRIGGERED.setdefault(tuple(path), []).append(test)
    action.trigger()  # emits triggered(checked) exactly as a menu click does
    return action


def activate(win: MainWindow) -> None:
    """Make the window the active one again, as a window manager does when a popup it
    opened (the address bar's completer) closes; the offscreen platform leaves the popup
    active, and keys then go nowhere a user's would."""
    if not win.isActiveWindow():
        win.activateWindow()
        QApplication.processEvents()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def press(
    qtbot: QtBot,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    times: int = 1,
) -> None:
    """Key clicks to whatever widget has the focus (after each one: it may move)."""
    for _ in range(times):
        qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


#: How long a dialog may stay open after it was answered before the answer gives up on it
#: (rejects it and fails the test); generous: a loaded CI machine is slow, a hang is not.
DIALOG_CLOSE_TIMEOUT_MS = 30000


def _current_test() -> str:
    return os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]


def _describe(dialog: QWidget) -> str:
    """A dialog as a failure message names it: its class, title and what it says."""
    parts = [f"{type(dialog).__name__} {dialog.windowTitle()!r}"]
    if isinstance(dialog, QMessageBox):
        parts.append(f"saying {dialog.text()!r}")
    if isinstance(dialog, QFileDialog):
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        typed = name.text() if isinstance(name, QLineEdit) else "?"
        parts.append(f"in {dialog.directory().absolutePath()!r} with the name {typed!r}")
    return " ".join(parts)


def _open_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def _answer_file_dialog(qtbot: QtBot, dialog: QFileDialog, text: str | None) -> None:
    """Type the path into Qt's own file dialog's name field and press its Save/Open button
    (the window's dialogs are Qt's own under tests: see tests/gui/conftest.py)."""
    box = dialog.findChild(QDialogButtonBox, "buttonBox")
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert isinstance(box, QDialogButtonBox) and isinstance(name, QLineEdit), (
        f"{_describe(dialog)} is not Qt's own file dialog (no name field / buttons to drive)"
    )
    if text is None:
        cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None, f"{_describe(dialog)} has no Cancel button"
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        return
    # The dialog must be the active window with the focus in its name field, as on a
    # desktop: offscreen, the window below can stay active, and the dialog then keeps the
    # first completion of what is typed ("/") selected and "saves" by opening that folder.
    dialog.activateWindow()
    qtbot.mouseClick(name, Qt.MouseButton.LeftButton)  # the field a user clicks into
    name.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(name.hasFocus, timeout=DIALOG_CLOSE_TIMEOUT_MS)
    qtbot.keyClick(name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(name, text)
    popup = QApplication.activePopupWidget()
    if popup is not None:  # the completer's list of names: Esc closes it, as a user does
        qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert name.text() == text, f"typed {text!r} into {_describe(dialog)}, it shows {name.text()!r}"
    accept = box.button(QDialogButtonBox.StandardButton.Save) or box.button(
        QDialogButtonBox.StandardButton.Open
    )
    assert accept is not None, f"{_describe(dialog)} has no Save/Open button"
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)


def _answer_dialog(qtbot: QtBot, dialog: QWidget, text: str | None) -> None:
    # The dialog's own focus field: offscreen, the platform may not activate the dialog,
    # so the application's focus widget can still be in the window below.
    field = dialog.focusWidget() or dialog
    if text is None:
        qtbot.keyClick(field, Qt.Key.Key_Escape)
        return
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)
    popup = QApplication.activePopupWidget()
    if popup is not None:  # a completer's list of names: Esc closes it, as a user does
        qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def answer_dialogs(
    qtbot: QtBot, *answers: str | None, timeout: int = DIALOG_CLOSE_TIMEOUT_MS
) -> list[str]:
    """Answer the next modal dialogs, one answer each, as a user types them: the text into
    the dialog's field (replacing what is there), then Enter (a file dialog: its name
    field, then its Save/Open button); None presses Esc (a file dialog: Cancel).
    Call it before the action that opens them; the returned list receives each dialog's
    window title as it is answered (so a test can tell which dialogs came).

    Each answered dialog must then close within ``timeout`` ms: if it does not (the answer
    was not taken, or it opened another dialog nobody answers), every open dialog is
    rejected, so the action's ``exec()`` returns instead of hanging, and the test fails
    naming what stayed open (pytest-qt fails a test whose Qt callbacks raised)."""
    seen: list[str] = []
    pending = list(answers)
    # Only dialogs that open from now on (an earlier test may have left a hidden one).
    answered: list[QWidget] = list(QApplication.topLevelWidgets())
    test = _current_test()

    def answer() -> None:
        if _current_test() != test:
            return  # the test is over (fewer dialogs came than answers): answer nothing of the next
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible() or any(dialog is d for d in answered):
            QTimer.singleShot(20, answer)
            return
        answered.append(dialog)
        seen.append(dialog.windowTitle())
        text = pending.pop(0)
        what = _describe(dialog)
        try:
            if isinstance(dialog, QFileDialog):
                _answer_file_dialog(qtbot, dialog, text)
            else:
                _answer_dialog(qtbot, dialog, text)
        except BaseException:
            give_up()
            raise
        wait_closed(dialog, what, time.monotonic() + timeout / 1000)

    def wait_closed(dialog: QWidget, what: str, deadline: float) -> None:
        if not shiboken6.isValid(dialog) or not dialog.isVisible():
            if pending:
                QTimer.singleShot(20, answer)
            return
        if time.monotonic() < deadline:
            QTimer.singleShot(20, lambda: wait_closed(dialog, what, deadline))
            return
        still = give_up()
        raise AssertionError(
            f"{what} was answered but still open after {timeout} ms; rejected it so the test"
            f" does not hang. Open dialogs: {'; '.join(still) or 'none'}"
        )

    def give_up() -> list[str]:
        """Reject every open dialog, the newest first; what they were."""
        pending.clear()
        still = [_describe(d) for d in _open_dialogs()]
        while (modal := QApplication.activeModalWidget()) is not None and isinstance(
            modal, QDialog
        ):
            modal.reject()
            if modal.isVisible():  # a dialog that refuses reject(): hide it all the same
                modal.hide()
        for dialog in _open_dialogs():
            dialog.reject()
        return still

    QTimer.singleShot(0, answer)
    return seen


# -- the document view -----------------------------------------------------------------------


def screen_text(win: MainWindow) -> str:
    """The document's whole text (what scrolling would show)."""
    return win.page.document_view.toPlainText()


def visible_text(win: MainWindow) -> str:
    """The lines of the document inside the viewport now."""
    view = win.page.document_view
    rect = view.viewport().rect()
    first = view.cursorForPosition(QPoint(0, 0)).block()
    lines = []
    block = first
    while block.isValid():
        top = view.blockBoundingGeometry(block).translated(view.contentOffset()).top()
        if top > rect.bottom():
            break
        lines.append(block.text())
        block = block.next()
    return "\n".join(lines)


def last_full_line(win: MainWindow) -> str:
    """The text of the last line (block) wholly inside the document view."""
    view = win.page.document_view
    height = view.viewport().rect().height()
    block = view.cursorForPosition(QPoint(0, 0)).block()
    last = block.text()
    while block.isValid():
        geometry = view.blockBoundingGeometry(block).translated(view.contentOffset())
        if geometry.bottom() > height:
            break
        last = block.text()
        block = block.next()
    return last


def caret_on_screen(win: MainWindow) -> bool:
    view = win.page.document_view
    return view.viewport().rect().contains(view.cursorRect().center())


def top_line(win: MainWindow) -> str:
    """The text of the first line (block) shown at the top of the document view."""
    view = win.page.document_view
    return view.cursorForPosition(QPoint(0, 0)).block().text()


def scroll(win: MainWindow) -> tuple[int, int]:
    bar = win.page.document_view.verticalScrollBar()
    return bar.value(), bar.maximum()


def label_texts(widget: QWidget) -> list[str]:
    """The text of every visible label inside ``widget``."""
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]


def status_text(win: MainWindow) -> str:
    """The status bar: a transient message (hovered link, notices) if shown, else the
    load status line."""
    return win.statusBar().currentMessage() or win.page.load_status.label.text()


def link_point(win: MainWindow, href: str, nth: int = 0) -> QPoint:
    """The viewport position of the middle of the ``nth`` link to ``href`` (scrolled into
    view with the scroll bar first, as a reader would, if it is off screen)."""
    view = win.page.document_view
    links = [link for link in view.links() if link[2] == href]
    assert len(links) > nth, f"no link #{nth} to {href!r}; links: {[k[2] for k in view.links()]}"
    start, end, _ = links[nth]
    doc = view.document()

    def rect_at(pos: int) -> tuple[int, int, int]:
        cursor = QTextCursor(doc)
        cursor.setPosition(pos)
        r = view.cursorRect(cursor)
        return r.x(), r.center().y(), r.height()

    mid = start + max(0, (end - start - 1) // 2)
    x0, y, _h = rect_at(mid)
    if not view.viewport().rect().contains(QPoint(max(x0, 0), y)):
        bar = view.verticalScrollBar()
        # Scroll one line at a time until the link is on screen (a reader's wheel).
        for _ in range(100000):
            x0, y, _h = rect_at(mid)
            if view.viewport().rect().contains(QPoint(max(x0, 0), y)):
                break
            before = bar.value()
            bar.setValue(before + (1 if y > view.viewport().rect().bottom() else -1))
            if bar.value() == before:
                break
    x0, y, _h = rect_at(mid)
    x1, y1, _h = rect_at(mid + 1)
    x = (x0 + x1) // 2 if y1 == y and x1 > x0 else x0 + 2
    point = QPoint(x, y)
    assert view.link_at(point) == href, f"the link {href!r} is not under {point}"
    return point


def hint_labels(win: MainWindow) -> dict[str, str]:
    """The labels painted over the document view (link hints, or link numbers): each
    label's text -> the href of the link under it ({} when none show)."""
    view = win.page.document_view
    overlay = view.link_hints.overlay
    if not overlay.isVisible():
        return {}
    found = {}
    for label in overlay.labels:
        # Inside the first character of the link the label is drawn at.
        found[label.text] = view.link_at(QPoint(label.at.left() + 2, label.at.center().y()))
    return found


def hint_prompt(win: MainWindow) -> str:
    """The mode line of the hints / numbers at the bottom of the document view."""
    overlay = win.page.document_view.link_hints.overlay
    return overlay.prompt if overlay.isVisible() else ""


def wheel(qtbot: QtBot, win: MainWindow, notches: int) -> None:
    """Turn the mouse wheel over the document view (negative: towards the reader, down)."""
    view = win.page.document_view.viewport()
    center = view.rect().center()
    event = QWheelEvent(
        QPointF(center),
        QPointF(view.mapToGlobal(center)),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view, event)


def hover_link(qtbot: QtBot, win: MainWindow, href: str, nth: int = 0) -> QPoint:
    point = link_point(win, href, nth)
    qtbot.mouseMove(win.page.document_view.viewport(), point)
    return point


def click_link(qtbot: QtBot, win: MainWindow, href: str, nth: int = 0) -> None:
    """Move the mouse onto the link (hover) and click it with the left button."""
    hover_link(qtbot, win, href, nth)
    point = link_point(win, href, nth)  # where it is now (the hover may move the layout)
    qtbot.mouseClick(win.page.document_view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def popup_menu(qtbot: QtBot) -> QMenu:
    """The context menu that popped up."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=10000)
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    return menu


def choose(qtbot: QtBot, menu: QMenu, text: str) -> None:
    """Pick the entry ``text`` as a user does: the keyboard walks to it, Enter."""
    texts = [action.text() for action in menu.actions()]
    assert text in texts, texts
    target = next(action for action in menu.actions() if action.text() == text)
    for _ in range(len(texts) + 1):
        if menu.activeAction() is target:
            break
        qtbot.keyClick(menu, Qt.Key.Key_Down)
    assert menu.activeAction() is target
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    # The menu deletes itself on close (before Enter returns, when the entry opens a dialog).
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=10000)


def right_click(qtbot: QtBot, win: MainWindow, widget: QWidget, point: QPoint) -> QMenu:
    """A right click at ``point`` of ``widget``, as the platform delivers it to the widget
    under the mouse: a mouse context-menu event there (QTest's widget clicks skip the step
    where Qt turns a right press into one); the context menu that pops up."""
    activate(win)
    assert QApplication.widgetAt(widget.mapToGlobal(point)) is widget, "covered, or hidden"
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, widget.mapToGlobal(point))
    QApplication.sendEvent(widget, event)
    return popup_menu(qtbot)


def enter_address(qtbot: QtBot, win: MainWindow, url: str) -> None:
    """File > Go to address bar, ``url`` typed, Enter: the load starts."""
    trigger(win, "File", "Go to address bar")
    type_text(qtbot, url)
    press(qtbot, Qt.Key.Key_Return)


def open_address(qtbot: QtBot, win: MainWindow, url: str, timeout: int = 10000) -> None:
    """enter_address, then wait until the page has loaded and is all on screen."""
    enter_address(qtbot, win, url)
    wait_loaded(qtbot, win, timeout)


def open_in_new_tab(qtbot: QtBot, win: MainWindow, url: str) -> None:
    """File > New Tab (the start page shown, the address bar focused), ``url`` typed, Enter,
    and wait until it has loaded."""
    trigger(win, "File", "New Tab")
    wait_loaded(qtbot, win)
    type_text(qtbot, url)
    press(qtbot, Qt.Key.Key_Return)
    wait_loaded(qtbot, win)


def wait_loaded(qtbot: QtBot, win: MainWindow, timeout: int = 10000) -> None:
    """Until the load has ended and every received character is on screen."""
    qtbot.waitUntil(lambda: win.page.load_ok is not None, timeout=timeout)
    qtbot.waitUntil(lambda: not win.page.rendering, timeout=timeout)


def requests_to(server: object, path: str | None = None) -> list[bytes]:
    """The request heads the loopback server read (for ``path`` only, if given)."""
    heads: list[bytes] = list(server.requests)  # type: ignore[attr-defined]
    if path is None:
        return heads
    return [h for h in heads if h.split(b" ", 2)[1:2] == [path.encode()]]
