"""Find in page: counts, highlights, next/previous with wrap, case, NBSP, growing documents."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.page.find_bar import (
    COUNT_CHUNK_CHARS,
    COUNT_STEP_S,
    MAX_MATCHES,
    SYNC_COUNT_CHARS,
    FindBar,
    Haystack,
)

# setup(text, count_step_s=COUNT_STEP_S) -> the bar and its editor
Setup = Callable[..., tuple[FindBar, QPlainTextEdit]]


@pytest.fixture
def setup(qtbot: QtBot) -> Setup:
    hosts: list[QWidget] = []  # qtbot only closes widgets; the test must keep them alive

    def make(
        text: str, count_step_s: float = COUNT_STEP_S, read_slice_chars: int | None = None
    ) -> tuple[FindBar, QPlainTextEdit]:
        host = QWidget()
        hosts.append(host)
        editor = QPlainTextEdit()
        editor.setReadOnly(True)
        editor.setPlainText(text)
        bar = FindBar(count_step_s=count_step_s)
        if read_slice_chars is not None:
            bar.read_slice_chars = read_slice_chars
            bar.read_step_s = 0.0  # one slice per turn of the event loop: several turns
        layout = QVBoxLayout(host)
        layout.addWidget(editor)
        layout.addWidget(bar)
        bar.hide()
        bar.attach(editor)
        qtbot.addWidget(host)
        host.resize(700, 400)
        host.show()
        qtbot.waitExposed(host)
        return bar, editor

    return make


def selected(editor: QPlainTextEdit, bar: FindBar) -> str:
    current = bar.current_range()
    assert current is not None
    cursor = QTextCursor(editor.document())
    cursor.setPosition(current[0])
    cursor.setPosition(current[1], QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def test_haystack_find_whole_and_positions() -> None:
    hay = Haystack("a😀b😀ab")  # astral characters count twice in Qt positions
    assert list(hay.find("b", True)) == [2, 5]
    assert [hay.to_qt(i) for i in (2, 5)] == [3, 7]
    assert [hay.from_qt(p) for p in (3, 7)] == [2, 5]
    assert list(hay.find("AB", False)) == [4]
    assert list(hay.find("", False)) == []
    assert list(Haystack("aaa").find("aa", True)) == [0, 1]  # overlapping, like Qt
    # lower() changes the length of "İ": the regex path keeps positions right
    assert list(Haystack("İx X").find("x", False)) == [1, 3]


def test_haystack_count_last_and_splice() -> None:
    hay = Haystack("aaaa abab ab")
    assert hay.count("aa", True, 0, len(hay)) == 3  # overlapping, like find
    assert hay.count("ab", True, 0, len(hay)) == 3
    assert hay.count("ab", True, 6, 9) == 1  # matches starting in [6, 9)
    assert hay.count("AB", False, 0, len(hay)) == 3 and hay.count("AB", True, 0, 99) == 0
    assert hay.find_last("ab", True, 10) == 7 and hay.find_last("ab", True) == 10
    assert hay.find_last("ab", True, 5) == -1
    assert Haystack("İx X").count("x", False, 0, 4) == 2  # the regex path
    assert Haystack("İx X").find_last("x", False, 3) == 1
    hay = Haystack("😀 Apple")
    hay.find_first("apple", False)  # makes the lowered copy, which splice must extend
    hay.splice(len(hay), " APPLE 😀")
    assert list(hay.find("apple", False)) == [2, 8]
    assert hay.to_qt(14) == 15 and hay.to_qt(15) == 17 and hay.from_qt(17) == 15
    hay.splice(3, "x")  # a change inside: the rest is replaced
    assert hay.text == "😀 Ax" and list(hay.find("apple", False)) == []


def test_counts_highlights_and_wrap(qtbot: QtBot, setup: Setup) -> None:
    bar, editor = setup("one fish two fish\nred fish blue fish\n")
    bar.open_bar()
    qtbot.keyClicks(bar.edit, "fish")
    assert bar.match_count == 4 and bar.count_complete
    assert bar.count_label.text() == "1 of 4"
    assert len(editor.extraSelections()) == 4
    assert selected(editor, bar) == "fish"
    positions = []
    for _ in range(4):
        positions.append(bar.current_range())
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert positions[0] == (4, 8) and positions[3] == (32, 36)
    assert bar.count_label.text() == "1 of 4"  # wrapped to the first
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == "4 of 4"  # previous from the first wraps to the last
    bar.find_previous()
    assert bar.count_label.text() == "3 of 4"


def test_no_matches_and_case_toggle(qtbot: QtBot, setup: Setup) -> None:
    bar, editor = setup("Apple apple APPLE\n")
    bar.open_bar()
    qtbot.keyClicks(bar.edit, "apple")
    assert bar.match_count == 3
    bar.case_box.setChecked(True)
    assert bar.match_count == 1 and selected(editor, bar) == "apple"
    qtbot.keyClicks(bar.edit, "z")
    assert bar.count_label.text() == "No matches"
    assert editor.extraSelections() == []
    bar.case_box.setChecked(False)
    bar.edit.setText("APPLE")
    assert bar.match_count == 3


def test_nbsp_in_the_document_matches_a_typed_space(qtbot: QtBot, setup: Setup) -> None:
    bar, _editor = setup("price:\u00a0100\u00a0EUR and 100 EUR\n")
    bar.open_bar()
    qtbot.keyClicks(bar.edit, "100 EUR")
    assert bar.match_count == 2
    bar.edit.setText("100\u00a0EUR")  # a pasted NBSP matches too
    assert bar.match_count == 2


def test_astral_characters_before_a_match(qtbot: QtBot, setup: Setup) -> None:
    bar, editor = setup("😀😀 target\n")
    bar.open_bar()
    bar.edit.setText("target")
    assert selected(editor, bar) == "target"


def test_escape_closes_selects_match_and_focuses_view(qtbot: QtBot, setup: Setup) -> None:
    bar, editor = setup("alpha beta gamma beta\n")
    with qtbot.waitSignal(bar.closed):
        bar.open_bar()
        qtbot.keyClicks(bar.edit, "beta")
        bar.find_next()
        qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert editor.extraSelections() == []
    assert editor.textCursor().selectedText() == "beta"
    assert editor.textCursor().selectionStart() == 17
    # F3 with the bar closed reopens it and goes on from the selected match (wrapping)
    bar.find_next()
    assert bar.isVisible() and bar.current_range() == (6, 10)


def test_growing_document_is_searched_again_and_keeps_the_match(qtbot: QtBot, setup: Setup) -> None:
    bar, editor = setup("needle one\n")
    bar.open_bar()
    bar.edit.setText("needle")
    assert bar.count_label.text() == "1 of 1"
    cursor = QTextCursor(editor.document())
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertText("needle two\nneedle three\n")  # as a streaming page appends
    qtbot.waitUntil(lambda: bar.match_count == 3, timeout=10_000)
    assert bar.count_label.text() == "1 of 3"
    bar.find_next()
    cursor.insertText("needle four\n")
    qtbot.waitUntil(lambda: bar.match_count == 4, timeout=10_000)
    assert bar.count_label.text() == "2 of 4"  # still on the second match


def test_reattach_to_another_view(qtbot: QtBot, setup: Setup) -> None:
    bar, first = setup("x x x\n")
    bar.open_bar()
    bar.edit.setText("x")
    assert bar.match_count == 3
    second = QPlainTextEdit("x y\n")
    qtbot.addWidget(second)
    second.show()
    bar.attach(second)
    assert bar.match_count == 1
    assert first.extraSelections() == []  # the old view is left clean


def test_capped_count_and_highlights_by_viewport(qtbot: QtBot, setup: Setup) -> None:
    lines = MAX_MATCHES // 4 + 100
    # No time budget: the first step stops at MAX_MATCHES however fast the machine is.
    bar, editor = setup("word word word word\n" * lines, count_step_s=math.inf)
    bar.open_bar()
    bar.edit.setText("word")
    assert bar.count_label.text() == f"1 of {MAX_MATCHES:,}+"
    assert 0 < len(editor.extraSelections()) < 500  # what is on (and around) the screen
    bar.find_previous()  # previous from the first: scans to the end once, the last match
    assert bar.count_complete and bar.match_count == lines * 4
    assert bar.count_label.text() == f"{lines * 4:,} of {lines * 4:,}"
    editor.verticalScrollBar().setValue(editor.verticalScrollBar().maximum() // 2)
    qtbot.waitUntil(lambda: len(editor.extraSelections()) > 1)  # matches mid-document: highlighted


def test_a_spent_step_budget_ends_the_step_and_counting_goes_on(qtbot: QtBot, setup: Setup) -> None:
    # A zero budget is spent at the first check, every thousand matches: the first step
    # stops at 1,000 and the timer's steps count the rest, a chunk each.
    bar, _editor = setup("word " * 30_000, count_step_s=0.0)
    bar.open_bar()
    bar.edit.setText("word")
    assert bar.count_label.text() == "1 of 1,000+"
    assert not bar.count_complete
    qtbot.waitUntil(lambda: bar.count_complete)
    assert bar.match_count == 30_000 and bar.count_label.text() == "1 of 30,000"


def test_a_big_document_is_read_in_slices_then_searched(qtbot: QtBot, setup: Setup) -> None:
    # Past read_slice_chars the text is read block by block over several turns of the event
    # loop ("reading…"), astral characters and block ends as toPlainText() has them.
    line = "a line with \U0001f600 and\u00a0a needle\n"
    bar, editor = setup(line * 5_000 + "the last needle", read_slice_chars=1_000)
    bar.open_bar()
    qtbot.keyClicks(bar.edit, "needle")
    assert bar.reading and bar.count_label.text() == "reading…"
    assert bar.current_range() is None
    qtbot.waitUntil(lambda: not bar.reading and bar.count_complete, timeout=30_000)
    assert bar.match_count == 5_001
    assert selected(editor, bar) == "needle"
    assert bar.snapshot_chars == len(editor.toPlainText())
    bar.find_previous()  # wraps to the last one, past every astral character
    assert bar.count_label.text() == "5,001 of 5,001"
    assert selected(editor, bar) == "needle"
    assert bar.current_range()[0] == editor.document().characterCount() - 1 - 6  # type: ignore[index]


def test_a_document_changed_while_read_is_read_again(qtbot: QtBot, setup: Setup) -> None:
    bar, editor = setup("old text\n" * 20_000, read_slice_chars=1_000)
    bar.open_bar()
    qtbot.keyClicks(bar.edit, "new")
    assert bar.reading
    editor.setPlainText("the new text\n" * 20_000)  # a new page while the old one is read
    qtbot.waitUntil(lambda: not bar.reading and bar.count_complete, timeout=30_000)
    assert bar.match_count == 20_000 and selected(editor, bar) == "new"


def big_text(size: int) -> str:
    words = "the quick brown fox jumps over a lazy dog while The cat naps in warm sun\n"
    return words * (size // len(words))


def test_typing_at_the_end_of_a_big_document_selects_at_once(qtbot: QtBot, setup: Setup) -> None:
    text = big_text(10_000_000)
    lowered = text.lower()
    bar, editor = setup(text, count_step_s=math.inf)  # the steps end by count, not by time
    bar.open_bar()
    qtbot.waitUntil(lambda: not bar.reading, timeout=30_000)  # read once, in slices
    for caret, expected, label in (
        (len(text) - 5_000, lowered.find("e", len(text) - 5_000), "counting…"),
        (len(text), lowered.find("e"), f"1 of {MAX_MATCHES:,}+"),  # at the very end: wraps
    ):
        cursor = QTextCursor(editor.document())
        cursor.setPosition(caret)
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()
        bar.edit.clear()
        bar.edit.setText("e")  # typing is debounced in a big document...
        bar._search_from_caret()  # ...this is the search it runs then
        # the match is selected at once, and the search did a bounded amount of work
        assert bar.current_range() == (expected, expected + 1)
        assert bar.search_work <= SYNC_COUNT_CHARS + 10_000
        assert bar.count_label.text() == label  # the count comes in steps
        assert not bar.count_complete
        qtbot.waitUntil(lambda: bar.count_complete, timeout=10_000)
        assert bar.match_count == lowered.count("e")
        assert bar.current_index == lowered.count("e", 0, expected)
        total = lowered.count("e")
        assert bar.count_label.text() == f"{bar.current_index + 1:,} of {total:,}"
    bar.case_box.setChecked(True)  # case-sensitive: "The" but not "the"
    bar.edit.setText("The")
    bar._search_from_caret()
    qtbot.waitUntil(lambda: bar.count_complete)
    assert bar.match_count == text.count("The")
    bar.find_previous()  # to the previous match at once, its number known
    assert bar.count_complete and bar.match_count == text.count("The")
    bar.find_next()
    bar.find_next()
    start = bar.current_range()[0]  # type: ignore[index]
    assert text[start : start + 3] == "The"
    assert bar.current_index == text.count("The", 0, start)


def test_growing_document_reads_only_what_it_appended(qtbot: QtBot, setup: Setup) -> None:
    line = "a needle in a haystack, and Needles\n"
    bar, editor = setup(line * 20_000)
    bar.open_bar()
    bar.edit.setText("needle")
    qtbot.waitUntil(lambda: bar.count_complete)
    assert bar.match_count == 40_000
    first = bar.current_range()
    cursor = QTextCursor(editor.document())
    for _ in range(4):
        read, scanned = bar.snapshot_chars, bar.scanned_chars
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(line * 1_000)  # as a streaming page appends
        expected = editor.toPlainText().lower().count("needle")
        qtbot.waitUntil(lambda e=expected: bar.count_complete and bar.match_count == e)
        grown = len(line) * 1_000
        assert bar.snapshot_chars - read <= grown + 10  # the new tail, not the whole text
        assert bar.scanned_chars - scanned <= 2 * grown
    assert bar.current_range() == first and bar.count_label.text() == f"1 of {expected:,}"
    # nothing found yet: a needle arriving later is found in the new tail alone
    bar.edit.setText("zebra")
    assert bar.count_label.text() == "No matches"
    read, scanned = bar.snapshot_chars, bar.scanned_chars
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertText("a zebra at last\n")
    qtbot.waitUntil(lambda: bar.count_label.text() == "1 of 1")
    assert bar.snapshot_chars - read <= 20 and bar.scanned_chars - scanned <= 40
    assert selected(editor, bar) == "zebra"


@pytest.mark.slow
def test_30_mb_document_is_read_once_and_each_step_is_bounded(qtbot: QtBot, setup: Setup) -> None:
    # What keeps Find responsive on 30 MB, as work done (its speed: bench/find_big_page.py).
    words = "the quick brown fox jumps over a lazy dog while the cat naps in warm sun\n"
    text = words * (30_000_000 // len(words))
    # A spent budget ends each counting step after its first chunk: a known amount of work.
    bar, _editor = setup(text, count_step_s=0.0)
    bar.open_bar()
    bar.edit.setText("the")  # typing is debounced in a big document
    qtbot.waitUntil(lambda: bar.match_count > 0, timeout=30_000)
    assert bar.snapshot_chars == len(text)  # one snapshot
    assert bar.search_work <= SYNC_COUNT_CHARS + len(words)
    bar.edit.setText("thez")
    qtbot.waitUntil(lambda: bar.count_label.text() == "No matches", timeout=30_000)
    assert bar.snapshot_chars == len(text)  # the same snapshot searched again, not re-read
    bar.edit.setText("the")
    qtbot.waitUntil(lambda: bar.match_count > 0, timeout=30_000)
    starts = []
    for _ in range(20):
        scanned = bar.scanned_chars
        bar.find_next()
        # to the next match, and one step of counting on (the count is not complete yet)
        assert bar.scanned_chars - scanned <= len(words) + COUNT_CHUNK_CHARS
        starts.append(bar.current_range()[0])  # type: ignore[index]
    assert starts == sorted(starts) and len(set(starts)) == 20
    assert all(text[start : start + 3] == "the" for start in starts)
    assert bar.snapshot_chars == len(text)


def test_screenshot(qtbot: QtBot, setup: Setup, tmp_path: Path) -> None:
    bar, _editor = setup(
        "Yonder is a mini text browser. A text browser reads the web as text:\n"
        "headings, paragraphs and links, streamed in as the bytes arrive.\n" * 8
    )
    bar.open_bar()
    qtbot.keyClicks(bar.edit, "text")
    bar.find_next()
    assert bar.count_label.text() == "2 of 24"
    folder = Path(os.environ.get("YONDER_SHOTS", tmp_path))
    bar.grab().save(str(folder / "find_bar.png"))
    assert bar.parentWidget() is not None
    bar.parentWidget().grab().save(str(folder / "find_in_page.png"))
