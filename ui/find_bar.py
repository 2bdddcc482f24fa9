"""Find in page: a compact bar that searches the attached QPlainTextEdit as you type.

How it stays responsive on a 30 MB document (measured here, see tests/gui/test_find_bar.py):
searching a Python ``str`` snapshot of the text (``toPlainText()``, ~0.13 s for 30 MB, taken
once per document change) with ``str.find`` finds the first 10,000 matches of a common word in
~3 ms, where a ``QTextDocument.find`` loop takes ~150 ms; an absent word costs ~70 ms against
~335 ms. Case-insensitive search runs on a lowered copy of the snapshot, made once.

- Counting stops at MAX_MATCHES ("1 of 10,000+"); Next past the last known match scans on.
- Highlighting is by viewport: every match in (and around) the visible part of the document is
  an extra selection, recomputed on scroll and resize. Thousands of ExtraSelections cost
  ~130 ms per update; the visible ones cost well under a millisecond, and every match the user
  can see is highlighted however many there are.
- ``toPlainText()`` turns non-breaking spaces into spaces, so a typed space matches both.
- A document that grows (pages stream in) is searched again, throttled by the last search's
  cost, and the current match stays current.

Positions: QTextCursor counts UTF-16 code units, Python counts code points; the snapshot keeps
the code-point index of every astral character to convert between the two.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Iterator

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QKeyEvent, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QTextEdit,
    QToolButton,
    QWidget,
)

MAX_MATCHES = 10_000  # matches counted per scan step: the count says "10,000+" beyond
MAX_HIGHLIGHTS = 10_000  # hard cap on extra selections at once (a screenful is far fewer)
BIG_DOCUMENT_CHARS = 1_000_000  # above this, typing is debounced
DEBOUNCE_MS = 100
REFRESH_MIN_MS = 250  # a growing document is searched again at most this often...
REFRESH_COST_FACTOR = 5  # ...and at most once per 5x the last search's duration

MATCH_COLOUR = QColor(255, 236, 130)  # all matches: a soft yellow
CURRENT_COLOUR = QColor(255, 150, 50)  # the current match: a stronger orange
NO_MATCH_COLOUR = QColor(176, 32, 32)  # the document view's error red

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Haystack:
    """An immutable snapshot of a document's plain text, ready to search.

    ``to_qt``/``from_qt`` convert between code-point indices and QTextCursor positions.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._lower: str | None = None
        self._lower_ok: bool | None = None
        astral = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        self._astral = astral
        self._astral_qt = [index + n for n, index in enumerate(astral)]

    def __len__(self) -> int:
        return len(self.text)

    def to_qt(self, index: int) -> int:
        return index + bisect_left(self._astral, index) if self._astral else index

    def from_qt(self, position: int) -> int:
        return position - bisect_left(self._astral_qt, position) if self._astral else position

    def _lowered(self) -> str | None:
        """The lowered text, or None when lowering changes its length (then regex it)."""
        if self._lower_ok is None:
            lowered = self.text.lower()
            self._lower_ok = len(lowered) == len(self.text)
            self._lower = lowered if self._lower_ok else None
        return self._lower

    def find(
        self, needle: str, case_sensitive: bool, start: int = 0, end: int | None = None
    ) -> Iterator[int]:
        """Start indices of ``needle`` at or after ``start``, in order; matches must start
        before ``end`` (None: the end of the text). Overlapping matches are all reported."""
        if not needle:
            return
        stop = len(self.text) if end is None else min(end, len(self.text))
        hay: str | None = self.text
        if not case_sensitive:
            hay = self._lowered()
            needle = needle.lower()
        if hay is None:
            pattern = re.compile(re.escape(needle), re.IGNORECASE)
            for match in pattern.finditer(self.text, start):
                if match.start() >= stop:
                    return
                yield match.start()
                # finditer does not overlap; a needle like "aa" in "aaa" is rare enough here
            return
        index = hay.find(needle, start)
        while index != -1 and index < stop:
            yield index
            index = hay.find(needle, index + 1)


def normalise_needle(text: str) -> str:
    """What is searched for: the document's snapshot has plain spaces for NBSPs, so must this."""
    return text.replace("\u00a0", " ")


class FindBar(QWidget):
    """Find in page for one QPlainTextEdit at a time (re-attach when the view changes).

    Signals:
        closed(): the bar was closed (Esc or its close button); focus went back to the view.
    Slots:
        open_bar(), find_next(), find_previous(), close_bar(), refresh()
    """

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editor: QPlainTextEdit | None = None
        self._hay: Haystack | None = None  # None: stale, take a new snapshot
        self._positions: list[int] = []  # code-point indices of the matches found so far
        self._complete = True  # _positions holds every match
        self._index = -1  # the current match in _positions; -1: none
        self._needle = ""
        self._last_cost = 0.0
        self._last_search = 0.0
        self._highlighted = 0
        # The current match in Qt positions: still valid after the text grows at its end, when
        # the code-point snapshot behind _positions is already stale.
        self._current_qt: tuple[int, int] | None = None
        self._viewport: QWidget | None = None  # the editor's, compared by identity only
        self._build()

        self._search_timer = QTimer(self)  # debounces typing in big documents
        self._search_timer.setSingleShot(True)
        self._search_timer.timeout.connect(self._search_from_caret)
        self._refresh_timer = QTimer(self)  # throttles re-searching a growing document
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._search_keeping_current)
        self._highlight_timer = QTimer(self)  # coalesces scroll/resize into one update
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.setInterval(0)
        self._highlight_timer.timeout.connect(self._update_highlights)

    def _build(self) -> None:
        style = self.style()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find in page")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(220)
        self.edit.setMaximumWidth(360)
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.installEventFilter(self)

        self.previous_button = self._tool_button(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp),
            "Previous match (Shift+Enter, Shift+F3)",
        )
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button = self._tool_button(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown), "Next match (Enter, F3)"
        )
        self.next_button.clicked.connect(self.find_next)
        self.case_box = QCheckBox("Match case")
        self.case_box.toggled.connect(lambda _checked: self._search_from_caret())
        self.count_label = QLabel()
        self.count_label.setMinimumWidth(110)
        self._count_palette = self.count_label.palette()
        self._error_palette = self.count_label.palette()
        self._error_palette.setColor(QPalette.ColorRole.WindowText, NO_MATCH_COLOUR)
        self._count_palette.setColor(
            QPalette.ColorRole.WindowText,
            self._count_palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
        )
        self.close_button = self._tool_button(
            style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton),
            "Close the find bar (Esc)",
        )
        self.close_button.clicked.connect(self.close_bar)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 4, 3)
        layout.setSpacing(4)
        layout.addWidget(self.edit)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addSpacing(8)
        layout.addWidget(self.case_box)
        layout.addSpacing(8)
        layout.addWidget(self.count_label)
        layout.addStretch(1)
        layout.addWidget(self.close_button)
        self.setFocusProxy(self.edit)

    def _tool_button(self, icon: object, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon)  # type: ignore[arg-type]
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep typing in the line edit
        return button

    # -- public API ------------------------------------------------------------------------

    @property
    def editor(self) -> QPlainTextEdit | None:
        return self._editor

    @property
    def match_count(self) -> int:
        """Matches found so far (all of them when ``count_complete``)."""
        return len(self._positions)

    @property
    def count_complete(self) -> bool:
        return self._complete

    @property
    def current_index(self) -> int:
        """0-based index of the current match, -1 when there is none."""
        return self._index

    @property
    def highlighted_count(self) -> int:
        """Matches highlighted right now (the current one included)."""
        return self._highlighted

    def current_range(self) -> tuple[int, int] | None:
        """The current match as QTextCursor positions (start, end), or None."""
        return self._current_qt

    def attach(self, editor: QPlainTextEdit | None) -> None:
        """Search ``editor`` from now on (None: no editor); highlights move with it."""
        if editor is self._editor:
            return
        old = self._live_editor()
        if old is not None:
            old.setExtraSelections([])
            old.document().contentsChange.disconnect(self._on_contents_change)
            old.verticalScrollBar().valueChanged.disconnect(self._schedule_highlights)
            old.viewport().removeEventFilter(self)
            old.destroyed.disconnect(self._on_editor_destroyed)
        self._editor = editor
        self._viewport = None
        self._hay = None
        self._reset_matches()
        if editor is not None:
            editor.document().contentsChange.connect(self._on_contents_change)
            editor.verticalScrollBar().valueChanged.connect(self._schedule_highlights)
            self._viewport = editor.viewport()
            self._viewport.installEventFilter(self)
            editor.destroyed.connect(self._on_editor_destroyed)
            if self.isVisible():
                self._search_from_caret()

    def _live_editor(self) -> QPlainTextEdit | None:
        editor = self._editor
        return editor if editor is not None and shiboken6.isValid(editor) else None

    @Slot()
    def _on_editor_destroyed(self) -> None:
        self._editor = None
        self._viewport = None
        self._hay = None
        self._reset_matches()

    @Slot()
    def open_bar(self) -> None:
        """Show the bar (Ctrl+F) with the view's selected text, if any, and select the field."""
        editor = self._live_editor()
        if editor is not None:
            selected = editor.textCursor().selectedText()
            if selected and "\u2029" not in selected and len(selected) <= 200:
                self.edit.setText(selected)  # a search for the selection, as in Firefox
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        self._search_from_caret()

    @Slot()
    def find_next(self) -> None:
        """Go to the next match (Enter, F3), wrapping at the end."""
        self._step(+1)

    @Slot()
    def find_previous(self) -> None:
        """Go to the previous match (Shift+Enter, Shift+F3), wrapping at the start."""
        self._step(-1)

    @Slot()
    def close_bar(self) -> None:
        """Hide the bar, leave the current match selected in the view, give the view focus."""
        self._search_timer.stop()
        self._refresh_timer.stop()
        editor = self._live_editor()
        if editor is not None:
            editor.setExtraSelections([])
            self._highlighted = 0
            current = self.current_range()
            if current is not None:
                cursor = QTextCursor(editor.document())
                cursor.setPosition(current[0])
                cursor.setPosition(current[1], QTextCursor.MoveMode.KeepAnchor)
                editor.setTextCursor(cursor)  # Ctrl+C now copies what was found
            editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.hide()
        self.closed.emit()

    @Slot()
    def refresh(self) -> None:
        """The document changed (it grows while a page streams in): search it again soon.

        Throttled: at most every REFRESH_MIN_MS, and at most once per REFRESH_COST_FACTOR
        times the last search's cost, so a huge growing document never hogs the GUI thread.
        """
        self._hay = None
        if not self.isVisible() or not self._needle or self._editor is None:
            return
        if self._refresh_timer.isActive() or self._search_timer.isActive():
            return
        gap = max(REFRESH_MIN_MS / 1000, REFRESH_COST_FACTOR * self._last_cost)
        wait = gap - (time.perf_counter() - self._last_search)
        self._refresh_timer.start(max(0, int(wait * 1000)))

    # -- events ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            key_event = event if isinstance(event, QKeyEvent) else None
            key = key_event.key() if key_event is not None else 0
            if key in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.type() == QEvent.Type.ShortcutOverride:
                    event.accept()  # ours, not the window's Esc = Stop
                    return True
                if key == Qt.Key.Key_Escape:
                    self.close_bar()
                elif key_event is not None and (
                    key_event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                ):
                    self.find_previous()
                else:
                    self.find_next()
                return True
        elif watched is self._viewport and event.type() == QEvent.Type.Resize:
            self._schedule_highlights()
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    @Slot(int, int, int)
    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        if removed == added and removed > 0:
            return  # a format change (a link laid over text): the read-only text is the same
        self.refresh()

    @Slot(str)
    def _on_text_changed(self, _text: str) -> None:
        editor = self._live_editor()
        big = editor is not None and editor.document().characterCount() > BIG_DOCUMENT_CHARS
        if big:
            self._search_timer.start(DEBOUNCE_MS)
        else:
            self._search_from_caret()

    @Slot()
    def _schedule_highlights(self) -> None:
        if self.isVisible() and self._needle:
            self._highlight_timer.start()

    # -- searching -------------------------------------------------------------------------

    def _reset_matches(self) -> None:
        self._positions = []
        self._complete = True
        self._index = -1
        self._current_qt = None

    def _snapshot(self) -> Haystack | None:
        editor = self._live_editor()
        if editor is None:
            return None
        if self._hay is None:
            self._hay = Haystack(editor.document().toPlainText())
        return self._hay

    def _scan_more(self, hay: Haystack) -> None:
        """Find up to MAX_MATCHES more matches after the last one found."""
        start = self._positions[-1] + 1 if self._positions else 0
        matches = hay.find(self._needle, self.case_box.isChecked(), start)
        for found, index in enumerate(matches, 1):
            self._positions.append(index)
            if found >= MAX_MATCHES:
                self._complete = False
                return
        self._complete = True

    def _scan_until(self, hay: Haystack, index: int) -> None:
        """Scan on until a match at or after ``index`` is known, or there are no more."""
        while not self._complete and (not self._positions or self._positions[-1] < index):
            self._scan_more(hay)

    def _anchor(self) -> int:
        """Where a new search starts, as a Qt position: the caret if it is on screen (typing
        more letters keeps the match the reader is on), else the top of the viewport."""
        editor = self._live_editor()
        if editor is None:
            return 0
        caret = editor.textCursor().selectionStart()
        if not editor.isVisible():
            return caret
        top = editor.firstVisibleBlock().position()
        bottom = editor.cursorForPosition(
            QPoint(editor.viewport().width() - 1, editor.viewport().height() - 1)
        ).position()
        return caret if top <= caret <= bottom else top

    @Slot()
    def _search_from_caret(self) -> None:
        self._search(keep_current=False)

    @Slot()
    def _search_keeping_current(self) -> None:
        self._search(keep_current=True)

    def _search(self, keep_current: bool) -> None:
        self._search_timer.stop()
        self._refresh_timer.stop()
        started = time.perf_counter()
        previous = self.current_range()
        anchor_qt = previous[0] if keep_current and previous is not None else self._anchor()
        self._needle = normalise_needle(self.edit.text())
        self._reset_matches()
        hay = self._snapshot()
        if hay is None or not self._needle:
            self._show_result(scroll=False)
            return
        anchor = hay.from_qt(anchor_qt)
        self._scan_more(hay)
        self._scan_until(hay, anchor)
        if self._positions:
            index = bisect_left(self._positions, anchor)
            self._index = index if index < len(self._positions) else 0
        self._show_result(scroll=previous is None or self._moved_from(previous))
        self._last_search = time.perf_counter()
        self._last_cost = self._last_search - started

    def _moved_from(self, previous: tuple[int, int]) -> bool:
        hay = self._hay
        if hay is None or self._index < 0:
            return True
        return hay.to_qt(self._positions[self._index]) != previous[0]

    def _step(self, direction: int) -> None:
        if not self.isVisible() or not self.edit.text():
            self.open_bar()
            if not self._positions:
                return
        if self._search_timer.isActive() or self._hay is None:
            self._search(keep_current=True)  # typed text or new content not searched yet
        hay = self._hay
        if hay is None or not self._positions:
            return
        if direction > 0:
            if self._index + 1 >= len(self._positions) and not self._complete:
                self._scan_more(hay)
            self._index = self._index + 1 if self._index + 1 < len(self._positions) else 0
        else:
            if self._index <= 0:
                while not self._complete:  # the last match: scan to the end once
                    self._scan_more(hay)
                self._index = len(self._positions) - 1
            else:
                self._index -= 1
        self._show_result(scroll=True)

    # -- showing ---------------------------------------------------------------------------

    def _show_result(self, scroll: bool) -> None:
        hay = self._hay
        if hay is None or self._index < 0:
            self._current_qt = None
        else:
            start = self._positions[self._index]
            self._current_qt = hay.to_qt(start), hay.to_qt(start + len(self._needle))
        if not self._needle:
            self.count_label.setText("")
        elif self._index < 0:
            self.count_label.setText("No matches")
        else:
            more = "" if self._complete else "+"
            self.count_label.setText(f"{self._index + 1:,} of {len(self._positions):,}{more}")
        no_match = bool(self._needle) and self._index < 0
        self.count_label.setPalette(self._error_palette if no_match else self._count_palette)
        self.edit.setPalette(self._no_match_edit_palette() if no_match else QPalette())
        if scroll:
            self._scroll_to_current()
        self._update_highlights()

    def _no_match_edit_palette(self) -> QPalette:
        palette = QPalette(self.edit.palette())
        base = palette.color(QPalette.ColorRole.Base)
        palette.setColor(QPalette.ColorRole.Base, QColor.fromHslF(0.0, 0.7, 0.95, 1.0))
        if base.lightnessF() < 0.5:  # a dark theme: a dark red tint instead
            palette.setColor(QPalette.ColorRole.Base, QColor.fromHslF(0.0, 0.5, 0.25, 1.0))
        return palette

    def _scroll_to_current(self) -> None:
        editor = self._live_editor()
        current = self.current_range()
        if editor is None or current is None:
            return
        cursor = QTextCursor(editor.document())
        cursor.setPosition(current[0])
        editor.setTextCursor(cursor)  # no selection: the orange highlight shows the match
        viewport = editor.viewport().rect()
        if not viewport.contains(editor.cursorRect(cursor).center()):
            editor.centerCursor()

    def _visible_range(self, hay: Haystack) -> tuple[int, int]:
        """Code-point range of what is on screen, plus a screenful either side."""
        editor = self._live_editor()
        if editor is None or not editor.isVisible():
            return 0, len(hay)
        top = editor.firstVisibleBlock().position()
        viewport = editor.viewport()
        bottom_block = editor.cursorForPosition(
            QPoint(viewport.width() - 1, viewport.height() - 1)
        ).block()
        bottom = bottom_block.position() + bottom_block.length()
        span = bottom - top
        return hay.from_qt(max(0, top - span)), hay.from_qt(bottom + span)

    @Slot()
    def _update_highlights(self) -> None:
        editor = self._live_editor()
        hay = self._hay
        if editor is None:
            return
        if hay is None or not self._needle or self._index < 0 or not self.isVisible():
            editor.setExtraSelections([])
            self._highlighted = 0
            return
        document = editor.document()
        length = len(self._needle)
        first, last = self._visible_range(hay)
        current = self._positions[self._index]
        plain = QTextCharFormat()
        plain.setBackground(MATCH_COLOUR)
        plain.setForeground(QColor(0, 0, 0))  # readable on yellow in a dark theme too
        strong = QTextCharFormat()
        strong.setBackground(CURRENT_COLOUR)
        strong.setForeground(QColor(0, 0, 0))
        selections: list[QTextEdit.ExtraSelection] = []
        start = max(0, first - length + 1)
        for index in hay.find(self._needle, self.case_box.isChecked(), start, last):
            if index == current:
                continue
            selections.append(self._selection(document, hay, index, length, plain))
            if len(selections) >= MAX_HIGHLIGHTS - 1:
                break
        selections.append(self._selection(document, hay, current, length, strong))  # on top
        editor.setExtraSelections(selections)
        self._highlighted = len(selections)

    @staticmethod
    def _selection(
        document: object, hay: Haystack, index: int, length: int, fmt: QTextCharFormat
    ) -> QTextEdit.ExtraSelection:
        cursor = QTextCursor(document)  # type: ignore[call-overload]
        cursor.setPosition(hay.to_qt(index))
        cursor.setPosition(hay.to_qt(index + length), QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = fmt
        return selection
