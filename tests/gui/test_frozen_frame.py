"""FrozenFrame (ui/page/reading_place.py): the picture over a widget, and its held keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from ui.page import reading_place
from ui.page.reading_place import FrozenFrame

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def editor(qtbot: QtBot) -> QPlainTextEdit:
    edit = QPlainTextEdit()  # (editable: the order its keys come in shows in its text)
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    return edit


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def test_keys_come_back_in_order_select_all_and_what_follows_it_once_released(
    qtbot: QtBot, editor: QPlainTextEdit
) -> None:
    frame = FrozenFrame(editor)
    frame.freeze()
    for key in (Qt.Key.Key_1, Qt.Key.Key_2):
        qtbot.keyClick(editor, key)
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)  # Select All: waits for the whole page
    qtbot.keyClick(editor, Qt.Key.Key_3)
    assert editor.toPlainText() == ""  # all held while frozen
    frame.thaw()
    settle()
    assert editor.toPlainText() == "12"  # given back, and not held again behind Select All
    frame.release_keys()
    settle()
    assert editor.toPlainText() == "3"  # Select All, then 3 over the selection


def test_keys_held_after_the_picture_wait_its_time_limit_at_most(
    qtbot: QtBot, editor: QPlainTextEdit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading_place, "FROZEN_MS", 50)
    frame = FrozenFrame(editor)
    frame.freeze()
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(editor, Qt.Key.Key_4)
    frame.thaw()
    with qtbot.waitSignal(frame.expired, timeout=5_000):
        pass  # (the page calls release_keys then, whatever is left to render)
    frame.release_keys()
    settle()
    assert editor.toPlainText() == "4"


def test_while_the_page_renders_again_a_whole_page_key_waits_after_the_picture_too(
    qtbot: QtBot, editor: QPlainTextEdit
) -> None:
    frame = FrozenFrame(editor)
    frame.whole_pending = True  # (a relayout: the page is being rendered again)
    qtbot.keyClick(editor, Qt.Key.Key_1)  # no picture, no whole-page key: at once
    assert editor.toPlainText() == "1"
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)  # Select All waits, and what follows it
    frame.defer(lambda: editor.insertPlainText("+"))  # (the context menu's, in its turn)
    qtbot.keyClick(editor, Qt.Key.Key_2)
    settle()
    assert editor.toPlainText() == "1"
    frame.release_keys()  # the page is whole
    settle()
    assert editor.toPlainText() == "+2"  # Select All, then "+" over it, then 2
    assert not frame.whole_pending
    frame.defer(lambda: editor.insertPlainText("!"))  # nothing waits: at once
    assert editor.toPlainText() == "+2!"
