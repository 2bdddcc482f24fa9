"""Hanging indents on screen (issue 13, item 4): a wrapped list item, <dd> or quote continues
under its text, not at the left margin, as w3m shows it (ui/page/hanging_layout.py).

Positions on screen come from the view itself (cursorRect, blockBoundingGeometry) and are
compared with each other, never with pixel values.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QTextBlock, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from tests.gui.ranged_text import RangedText
from ui.fonts import monospace_font
from ui.page.document_view import SWAP_CLEAR_CHARS, DocumentView
from ui.page.hanging_layout import HangingIndentLayout
from ui.text.render import render_html

LONG = " ".join(f"word{n}" for n in range(60))
PAGE = (
    f"<p>Intro {LONG}</p>"
    f"<ul><li><p>First {LONG}</p><p>Second paragraph {LONG}</p>"
    f"<ul><li>Nested {LONG}</li></ul></li></ul>"
    f"<dl><dt>term<dd>Definition {LONG}</dl>"
    f"<blockquote>Quoted {LONG}</blockquote>"
    f'<ol><li>See <a href="http://example.org/far">a link far along</a> {LONG} '
    f'and <a href="http://example.org/late">late link</a></ol>'
)


@pytest.fixture
def view(qtbot: QtBot) -> DocumentView:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.setFont(QFont(QApplication.font()))  # proportional, as for rendered HTML
    widget.resize(420, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def show_html(view: DocumentView, html: str) -> str:
    """Render ``html`` into ``view`` as the page renderer does; return the text."""
    fragment, _ = render_html(html, "http://example.org/", utf16=True)
    view.add_indents(fragment.indents)
    RangedText(view).append(
        fragment.text, [(k.start, k.end, k.url) for k in fragment.links if k.url]
    )
    view.flush_pending()
    return fragment.text


def x_at(view: DocumentView, pos: int) -> int:
    cursor = QTextCursor(view.document())
    cursor.setPosition(pos)
    return view.cursorRect(cursor).x()


def line_starts(view: DocumentView, text: str, needle: str) -> tuple[int, list[int]]:
    """(where the text after the prefix starts, where each visual line of that block
    starts) for the block whose text contains ``needle``."""
    pos = text.index(needle)
    block = view.document().findBlock(pos)
    view.blockBoundingGeometry(block)  # laid out
    layout = block.layout()
    starts = [block.position() + layout.lineAt(i).textStart() for i in range(layout.lineCount())]
    return pos, starts


@pytest.mark.parametrize("needle", ["First", "Nested", "Definition", "Quoted", "See"])
def test_wrapped_lines_continue_under_the_text_not_at_the_margin(
    view: DocumentView, needle: str
) -> None:
    text = show_html(view, PAGE)
    start, lines = line_starts(view, text, needle)
    assert len(lines) >= 3, "the test wants a block that wraps"
    text_x = x_at(view, start)
    first_x = x_at(view, lines[0])  # where the prefix (marker, indentation) starts
    assert first_x < text_x
    for line in lines[1:]:
        assert x_at(view, line) >= text_x - 1, (needle, line)
    # A paragraph without a prefix still wraps at the margin.
    _, intro = line_starts(view, text, "Intro")
    assert len(intro) >= 3
    assert all(x_at(view, line) == x_at(view, intro[0]) for line in intro)
    assert x_at(view, intro[0]) <= first_x


def test_a_later_paragraph_and_a_nested_item_line_up_in_columns(view: DocumentView) -> None:
    # The indentation is in columns, as w3m's: "    Second" under "  • First", and the
    # nested item's text 4 columns further in (the prefix is drawn in the monospace font).
    text = show_html(view, PAGE)
    first = x_at(view, text.index("First"))
    second = x_at(view, text.index("Second"))
    nested = x_at(view, text.index("Nested"))
    mono = monospace_font()
    mono.setPointSizeF(view.font().pointSizeF())
    column = QFontMetricsF(mono).horizontalAdvance("0")
    assert abs(second - first) <= column / 2
    assert abs((nested - first) - 4 * column) <= column / 2


def test_blocks_after_a_hung_block_start_below_its_last_line(
    qtbot: QtBot, view: DocumentView
) -> None:
    # Hanging makes a block one line taller or more: the next block and the scroll range
    # follow (the scroll bar counts lines).
    text = show_html(view, PAGE + "<p>THE END</p>")
    document = view.document()
    block = document.findBlock(text.index("First"))
    last = QTextCursor(document)
    last.setPosition(block.position() + block.length() - 1)
    below = view.blockBoundingGeometry(block.next()).translated(view.contentOffset())
    assert below.top() >= view.cursorRect(last).bottom() - 1
    layouts = 0
    block = document.firstBlock()
    while block.isValid():
        view.blockBoundingGeometry(block)
        layouts += block.layout().lineCount()
        block = block.next()
    assert document.lineCount() == layouts
    # The scroll bar reaches the end (it is told of the extra lines on the next turn).
    bar = view.verticalScrollBar()
    end = QTextCursor(document)
    end.movePosition(QTextCursor.MoveOperation.End)

    def end_shown() -> bool:
        bar.setValue(bar.maximum())
        return view.viewport().rect().contains(view.cursorRect(end).center())

    qtbot.waitUntil(end_shown)


def test_a_link_on_a_continuation_line_is_where_it_is_drawn(
    qtbot: QtBot, view: DocumentView
) -> None:
    text = show_html(view, PAGE)
    start, lines = line_starts(view, text, "See")
    late = text.index("late link")
    assert late > lines[1], "the link is on a continuation line"
    view.show_at_top(start, move_caret=False)
    cursor = QTextCursor(view.document())
    cursor.setPosition(late + 2)
    point = view.cursorRect(cursor).center()
    assert view.link_at(point) == "http://example.org/late"
    clicked: list[str] = []
    view.link_activated.connect(clicked.append)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked == ["http://example.org/late"]
    assert view.link_at(QPoint(point.x(), point.y() - view.cursorRect(cursor).height())) != (
        "http://example.org/late"
    )


def test_the_indent_follows_a_resize_and_no_wrap_has_none(qtbot: QtBot, view: DocumentView) -> None:
    text = show_html(view, PAGE)
    start, wide = line_starts(view, text, "Definition")
    view.resize(260, 500)
    qtbot.waitUntil(lambda: len(line_starts(view, text, "Definition")[1]) > len(wide))
    _, narrow = line_starts(view, text, "Definition")
    assert all(x_at(view, line) >= x_at(view, start) - 1 for line in narrow[1:])
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    assert len(line_starts(view, text, "Definition")[1]) == 1
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    # (Once the scroll bar has settled: it comes and goes with the line count meanwhile.)
    qtbot.waitUntil(lambda: len(line_starts(view, text, "Definition")[1]) == len(narrow))
    _, again = line_starts(view, text, "Definition")
    assert all(x_at(view, line) >= x_at(view, start) - 1 for line in again[1:])


def test_plain_text_with_leading_spaces_wraps_at_the_margin(view: DocumentView) -> None:
    # Only what the renderer reports hangs: a text file's indented line is text.
    text = "    " + LONG + "\n"
    view.append_text(text)
    view.flush_pending()
    block = view.document().firstBlock()
    view.blockBoundingGeometry(block)
    layout = block.layout()
    assert layout.lineCount() >= 3
    assert layout.lineAt(1).x() == layout.lineAt(0).x()


def test_indents_start_afresh_with_each_document(view: DocumentView) -> None:
    show_html(view, PAGE)
    view.clear_document()
    text = "x" * 10 + "\n" + "    " + LONG + "\n"
    view.append_text(text)  # a position that was hung on the last page is plain text now
    view.flush_pending()
    block = view.document().findBlock(11)
    view.blockBoundingGeometry(block)
    assert block.layout().lineAt(1).x() == block.layout().lineAt(0).x()
    # A big document is swapped for a fresh one: that one hangs too.
    view.clear_document()
    view.append_text("z\n" * (SWAP_CLEAR_CHARS // 2 + 1))
    view.flush_pending()
    view.clear_document()
    assert isinstance(view.document().documentLayout(), HangingIndentLayout)
    text = show_html(view, PAGE)
    start, lines = line_starts(view, text, "Quoted")
    assert all(x_at(view, line) >= x_at(view, start) - 1 for line in lines[1:])


def test_an_invalid_block_asked_of_the_layout_is_no_error(view: DocumentView) -> None:
    # Qt asks for the rect of an invalid block at times (two quick zoom steps on a big page
    # raised AttributeError from every scroll): as Qt's own layout, an empty rect.
    view.begin_stream()
    layout = view.document().documentLayout()
    assert isinstance(layout, HangingIndentLayout)
    assert layout.formats is not None
    assert layout.blockBoundingRect(QTextBlock()).isEmpty()
