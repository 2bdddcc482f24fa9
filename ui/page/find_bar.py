"""Find in page: a compact bar that searches the attached QPlainTextEdit as you type.

How it stays responsive on a 30 MB document (measured here, see tests/gui/test_find_bar.py):
searching a Python ``str`` snapshot of the text (``toPlainText()``, ~0.13 s for 30 MB, taken
once per document; a growing document has only its new tail read) with ``str.find`` finds the
first 10,000 matches of a common word in ~3 ms, where a ``QTextDocument.find`` loop takes
~150 ms; an absent word costs ~20 ms against ~335 ms. Case-insensitive search runs on a
lowered copy of the snapshot, made once (~20 ms for 30 MB) and extended as the text grows.

- A search selects its match at once: ``str.find`` from the anchor (the caret or the top of the
  view), wrapping; Next/Previous are ``str.find``/``str.rfind`` from the current match.
- Counting is lazy: a search counts up to MAX_MATCHES matches before it returns ("1 of
  10,000+"), the rest is counted in steps of at most COUNT_STEP_S on a timer (``str.count``
  over big chunks), the label going "counting…" (the current match's number not known yet),
  "5 of 120,000+", then "5 of 2,083,330". Typing "e" at the end of a 30 MB page scans no
  more than SYNC_COUNT_CHARS plus the way to the next match before it returns.
- Highlighting is by viewport: every match in (and around) the visible part of the document is
  an extra selection, recomputed on scroll and resize. Thousands of ExtraSelections cost
  ~130 ms per update; the visible ones cost well under a millisecond, and every match the user
  can see is highlighted however many there are.
- ``toPlainText()`` turns non-breaking spaces into spaces, so a typed space matches both.
- A document that grows (pages stream in) is re-read from where it changed only (the new tail,
  ~10 ms for 1.5 MB, plus joining it on), at most every REFRESH_MIN_MS; the count takes back
  what changed and counts the tail; the current match stays current.

Positions: QTextCursor counts UTF-16 code units, Python counts code points; the snapshot keeps
the code-point index of every astral character to convert between the two.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QPalette,
    QShowEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QTextEdit,
    QToolButton,
    QWidget,
)

from ui.colours import readable_on, text_colours

MAX_MATCHES = 10_000  # matches counted per scan step: the count says "10,000+" beyond
MAX_HIGHLIGHTS = 10_000  # hard cap on extra selections at once (a screenful is far fewer)
BIG_DOCUMENT_CHARS = 1_000_000  # above this, typing is debounced
DEBOUNCE_MS = 100
REFRESH_MIN_MS = 250  # a growing document is searched again at most this often...
REFRESH_COST_FACTOR = 5  # ...and at most once per 5x the last search's duration
COUNT_STEP_S = 0.008  # counting matches runs in steps of at most this long...
COUNT_CHUNK_CHARS = 1_000_000  # ...of str.count over this many characters at a time
SYNC_COUNT_CHARS = 2_000_000  # what a search counts before it returns, at most
#: A whole read of a document bigger than this (characters) is done in timed slices, one per
#: turn of the event loop (toPlainText() of 30 MB was one 150-185 ms call): "reading…" meanwhile.
READ_SLICE_DOCUMENT_CHARS = 2_000_000
READ_STEP_S = 0.006  # reading the document: per turn of the event loop
READ_START_CHARS = 128 * 1024  # the first slice, before the cost of a character is measured

MATCH_COLOUR = QColor(255, 236, 130)  # all matches: a soft yellow
CURRENT_COLOUR = QColor(255, 150, 50)  # the current match: a stronger orange

# What toPlainText() turns into plain characters (QTextCursor.selectedText() keeps them)
_AS_PLAIN_TEXT = (
    ("\u2029", "\n"),
    ("\u2028", "\n"),
    ("\ufdd0", "\n"),
    ("\ufdd1", "\n"),
    ("\u00a0", " "),
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Haystack:
    """A snapshot of a document's plain text, ready to search; it can take a new tail.

    ``to_qt``/``from_qt`` convert between code-point indices and QTextCursor positions.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._lower: str | None = None
        self._lower_from: int | None = None  # _lower is stale from here on: lower it later
        self._lower_ok: bool | None = None
        astral = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        self._astral = astral
        self._astral_qt = [index + n for n, index in enumerate(astral)]

    def __len__(self) -> int:
        return len(self.text)

    def qt_length(self) -> int:
        return self.to_qt(len(self.text))

    def to_qt(self, index: int) -> int:
        return index + bisect_left(self._astral, index) if self._astral else index

    def from_qt(self, position: int) -> int:
        return position - bisect_left(self._astral_qt, position) if self._astral else position

    def splice(self, index: int, tail: str) -> None:
        """Replace the text from code point ``index`` on with ``tail`` (a page grew). Only the
        tail is read and scanned; joining it on is a memory copy (~12 ms for 30 MB)."""
        head_astral = self._astral[: bisect_left(self._astral, index)]
        self.text = self.text[:index] + tail  # (no cheaper in place: CPython copies anyway)
        if not tail.isascii():
            head_astral.extend(index + m.start() for m in _ASTRAL.finditer(tail))
        self._astral = head_astral
        self._astral_qt = [at + n for n, at in enumerate(head_astral)]
        if self._lower_ok and self._lower is not None:  # lowered on when next needed
            pending = self._lower_from
            self._lower_from = index if pending is None else min(pending, index)
            return
        self._lower = None  # lowered again when needed
        self._lower_ok = None
        self._lower_from = None

    def _lowered(self) -> str | None:
        """The lowered text, or None when lowering changes its length (then regex it)."""
        index = self._lower_from
        if index is not None and self._lower is not None:
            self._lower_from = None
            lowered = self.text[index:].lower()
            if len(lowered) == len(self.text) - index:
                self._lower = self._lower[:index] + lowered
            else:
                self._lower_ok = self._lower = None
        if self._lower_ok is None:
            lowered = self.text.lower()
            self._lower_ok = len(lowered) == len(self.text)
            self._lower = lowered if self._lower_ok else None
        return self._lower

    def _plain(self, needle: str, case_sensitive: bool) -> tuple[str | None, str]:
        """The string to ``str.find`` in and the needle for it; None: use a regex."""
        if case_sensitive:
            return self.text, needle
        return self._lowered(), needle.lower()

    def find(
        self, needle: str, case_sensitive: bool, start: int = 0, end: int | None = None
    ) -> Iterator[int]:
        """Start indices of ``needle`` at or after ``start``, in order; matches must start
        before ``end`` (None: the end of the text). Overlapping matches are all reported."""
        if not needle:
            return
        stop = len(self.text) if end is None else min(end, len(self.text))
        hay, needle = self._plain(needle, case_sensitive)
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

    def find_first(self, needle: str, case_sensitive: bool, start: int = 0) -> int:
        """The first match at or after ``start``, or -1."""
        return next(self.find(needle, case_sensitive, start), -1)

    def find_last(self, needle: str, case_sensitive: bool, before: int | None = None) -> int:
        """The last match starting before ``before`` (None: anywhere), or -1."""
        if not needle:
            return -1
        before = len(self.text) if before is None else min(before, len(self.text))
        hay, folded = self._plain(needle, case_sensitive)
        if hay is not None:
            return hay.rfind(folded, 0, before + len(folded) - 1) if before > 0 else -1
        window = 4096
        while True:  # the regex path: look back in growing windows
            start = max(0, before - window)
            found = list(self.find(needle, case_sensitive, start, before))
            if found or start == 0:
                return found[-1] if found else -1
            window *= 4

    def count(self, needle: str, case_sensitive: bool, start: int, end: int) -> int:
        """How many matches start in [start, end) (overlapping ones too, like ``find``)."""
        if not needle or start >= end:
            return 0
        hay, folded = self._plain(needle, case_sensitive)
        if hay is None or overlaps(folded):
            return sum(1 for _ in self.find(needle, case_sensitive, start, end))
        return hay.count(folded, start, min(len(hay), end + len(folded) - 1))


def overlaps(needle: str) -> bool:
    """Whether two matches of ``needle`` can overlap ("aa", "abab"): ``str.count`` would
    undercount them."""
    return any(needle[:k] == needle[-k:] for k in range(1, len(needle)))


def normalise_needle(text: str) -> str:
    """What is searched for: the document's snapshot has plain spaces for NBSPs, so must this."""
    return text.replace("\u00a0", " ")


class FindBar(QWidget):
    """Find in page for one QPlainTextEdit at a time (re-attach when the view changes).

    Signals:
        opened(): the bar was opened (Ctrl+F): the reader is going to look elsewhere.
        closed(): the bar was closed (Esc or its close button); focus went back to the view.
    Slots:
        open_bar(), find_next(), find_previous(), close_bar()
    """

    opened = Signal()
    closed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        count_step_s: float = COUNT_STEP_S,
        read_slice_chars: int = READ_SLICE_DOCUMENT_CHARS,
    ) -> None:
        super().__init__(parent)
        # Documents bigger than this are read in slices (see _read_step); a test sets it.
        self.read_slice_chars = read_slice_chars
        self.read_step_s = READ_STEP_S  # a reading step's budget (0: one slice a step)
        self._read_parts: list[str] = []
        self._read_pos = 0  # Qt position: read up to here
        self._read_chunk = READ_START_CHARS
        # Seconds one counting step may take (a wall-clock budget: how far a step gets depends
        # on the machine; a test that needs a known cut-off sets its own, inf: counts only).
        self.count_step_s = count_step_s
        self._editor: QPlainTextEdit | None = None
        self._document: QTextDocument | None = None  # the editor's, whose changes we follow
        self._hay: Haystack | None = None  # None: stale, take a new snapshot
        # The current match (a code-point index in the snapshot; -1: none) and the count,
        # done lazily: _total matches start before _frontier; _before matches start before
        # the current one (None: not counted that far yet).
        self._current = -1
        self._total = 0
        self._frontier = 0
        self._complete = True
        self._before: int | None = None
        self._dirty_from: int | None = None  # Qt position: the text changed from here on
        # Text taken in, not counted yet: (had a current match, the current match's range)
        self._growth: tuple[bool, tuple[int, int] | None] | None = None
        # Work done, in characters, for tests and probes: scanned by searching and counting
        # (``search_work``: only what the last search did before returning), read from the
        # document into the snapshot.
        self.scanned_chars = 0
        self.search_work = 0
        self.snapshot_chars = 0
        self._needle = ""
        self._last_cost = 0.0
        self._last_search = 0.0
        # The current match in Qt positions: still valid after the text grows at its end, when
        # the code-point snapshot is already stale.
        self._current_qt: tuple[int, int] | None = None
        self._viewport: QWidget | None = None  # the editor's, compared by identity only
        self._build()

        self._read_timer = QTimer(self)  # reads a big document in slices
        self._read_timer.setInterval(0)
        self._read_timer.timeout.connect(self._read_step)
        self._search_timer = QTimer(self)  # debounces typing in big documents
        self._search_timer.setSingleShot(True)
        self._search_timer.timeout.connect(self._search_from_caret)
        self._refresh_timer = QTimer(self)  # throttles re-searching a growing document
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._on_grown)
        self._highlight_timer = QTimer(self)  # coalesces scroll/resize into one update
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.setInterval(0)
        self._highlight_timer.timeout.connect(self._update_highlights)
        self._count_timer = QTimer(self)  # counts the matches in short steps
        self._count_timer.setInterval(0)
        self._count_timer.timeout.connect(self._count_on)

    def _build(self) -> None:
        style = self.style()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find in page")
        self.edit.setAccessibleName("Find in page")
        self.edit.setAccessibleDescription(
            "Text to find in the page: Enter finds the next match, Shift+Enter the previous"
        )
        self.edit.setClearButtonEnabled(True)
        # Narrow enough for the bar to fit a narrow window's page (its minimum width made
        # the window wider, which laid the page's tables out again); wide when there is room.
        self.edit.setMinimumWidth(120)
        self.edit.setMaximumWidth(360)
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
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
        self.case_box.setAccessibleDescription("Find only text with the same upper and lower case")
        self.case_box.toggled.connect(lambda _checked: self._search_from_caret())
        self.count_label = QLabel()  # (grows into the stretch after it: nothing moves)
        self.count_label.setAccessibleDescription("Which match is shown, of how many")
        self._no_match = False  # the count label and the field say "no matches"
        #: Whether more text is still coming into the editor (a page loading or being laid
        #: out again): no match then is "not found yet", not a red "No matches".
        self.more_coming: Callable[[], bool] = _nothing_coming
        self.close_button = self._tool_button(
            style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton),
            "Close the find bar (Esc)",
        )
        self.close_button.clicked.connect(self.close_bar)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 4, 3)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 2)  # (up to its maximum, before the stretch after all)
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
        """Matches counted so far (all of them when ``count_complete``)."""
        return self._total

    @property
    def count_complete(self) -> bool:
        return self._complete

    @property
    def current_index(self) -> int:
        """0-based index of the current match, -1 when there is none (or it is not counted
        yet: the count runs in the background)."""
        return self._before if self._current >= 0 and self._before is not None else -1

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
            self._follow_document(None)
            replaced = getattr(old, "document_replaced", None)
            if replaced is not None:
                replaced.disconnect(self._on_document_replaced)
            old.verticalScrollBar().valueChanged.disconnect(self._schedule_highlights)
            old.viewport().removeEventFilter(self)
            old.destroyed.disconnect(self._on_editor_destroyed)
        self._editor = editor
        self._viewport = None
        self._hay = None
        self._stop_reading()
        self._reset_matches()
        if editor is not None:
            self._follow_document(editor.document())
            replaced = getattr(editor, "document_replaced", None)
            if replaced is not None:  # a DocumentView swaps in a fresh document to clear
                replaced.connect(self._on_document_replaced)
            editor.verticalScrollBar().valueChanged.connect(self._schedule_highlights)
            self._viewport = editor.viewport()
            self._viewport.installEventFilter(self)
            editor.destroyed.connect(self._on_editor_destroyed)
            if self.isVisible():
                self._search_from_caret()

    def _follow_document(self, document: QTextDocument | None) -> None:
        old = self._document
        if old is not None and shiboken6.isValid(old):
            old.contentsChange.disconnect(self._on_contents_change)
        self._document = document
        if document is not None:
            document.contentsChange.connect(self._on_contents_change)

    @Slot()
    def _on_document_replaced(self) -> None:
        editor = self._live_editor()
        if editor is None:
            return
        self._follow_document(editor.document())
        self._on_contents_change(0, 1, 0)  # everything changed, as a clear() says

    def _live_editor(self) -> QPlainTextEdit | None:
        editor = self._editor
        return editor if editor is not None and shiboken6.isValid(editor) else None

    @Slot()
    def _on_editor_destroyed(self) -> None:
        self._editor = None
        self._document = None
        self._viewport = None
        self._hay = None
        self._stop_reading()
        self._reset_matches()

    @Slot()
    def open_bar(self) -> None:
        """Show the bar (Ctrl+F) with the view's selected text, if any, and select the field."""
        editor = self._live_editor()
        if editor is not None:
            selected = editor.textCursor().selectedText()
            if selected and "\u2029" not in selected and len(selected) <= 200:
                self.edit.setText(selected)  # a search for the selection, as in Firefox
        self.opened.emit()
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        self._search_from_caret()

    @Slot()
    def more_ended(self) -> None:
        """No more text is coming (:attr:`more_coming` turned False): say what was found."""
        if self.isVisible() and self._needle and self._current < 0:
            self._settle()

    def _settle(self) -> None:
        # Text that came since the last search is searched now (its refresh may still be
        # waiting), and that search says what was found; else the verdict as it stands.
        if self._dirty_from is not None or self._growth is not None:
            self._refresh_timer.stop()
            self._on_grown()
        else:
            self._show_result(scroll=False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Shown again with its tab: the text may have changed or ended meanwhile (a hidden
        # bar searches nothing), and "not found yet…" would then never turn into a verdict.
        if self._needle and self._hay is not None:
            self._settle()

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
        self._count_timer.stop()
        editor = self._live_editor()
        if editor is not None:
            editor.setExtraSelections([])
            current = self.current_range()
            if current is not None:
                cursor = QTextCursor(editor.document())
                cursor.setPosition(current[0])
                cursor.setPosition(current[1], QTextCursor.MoveMode.KeepAnchor)
                editor.setTextCursor(cursor)  # Ctrl+C now copies what was found
            editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.hide()
        self.closed.emit()

    def _schedule_refresh(self) -> None:
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
        if self.reading and position < self._read_pos:
            self._read_parts, self._read_pos = [], 0  # what was read changed: read it again
        if self._hay is not None:
            dirty = self._dirty_from
            self._dirty_from = position if dirty is None else min(dirty, position)
        self._schedule_refresh()

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
        self._count_timer.stop()
        self._growth = None
        self._current = -1
        self._total = 0
        self._frontier = 0
        self._complete = True
        self._before = None
        self._current_qt = None

    def _snapshot(self) -> Haystack | None:
        """The document's text, brought up to date: a changed tail is read again alone."""
        editor = self._live_editor()
        if editor is None:
            return None
        hay = self._hay
        position = None if hay is None else min(self._dirty_from or 0, hay.qt_length())
        if hay is None or (self._dirty_from is not None and position == 0):
            if self.reading:
                return None  # being read: _finish_reading searches when it has it all
            if editor.document().characterCount() > self.read_slice_chars:
                if hay is not None:
                    self._before_splice(hay, 0)
                self._hay = None
                self._dirty_from = None
                self._read_parts, self._read_pos = [], 0
                self._read_timer.start()  # (not a step now: its end searches)
                return None
            text = editor.document().toPlainText()
            self.snapshot_chars += len(text)
            if hay is not None:
                self._before_splice(hay, 0)
            self._hay = Haystack(text)
        elif self._dirty_from is not None and position is not None:
            index = hay.from_qt(position)
            cursor = QTextCursor(editor.document())
            cursor.setPosition(hay.to_qt(index))
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            tail = cursor.selectedText()
            for special, plain in _AS_PLAIN_TEXT:  # as toPlainText() has them
                tail = tail.replace(special, plain)
            self.snapshot_chars += len(tail)
            self._before_splice(hay, index)
            hay.splice(index, tail)
        self._dirty_from = None
        return self._hay

    @property
    def reading(self) -> bool:
        """A big document is being read in slices (the count says "reading…")."""
        return self._read_timer.isActive()

    def _stop_reading(self) -> None:
        self._read_timer.stop()
        self._read_parts, self._read_pos = [], 0

    @Slot()
    def _read_step(self) -> None:
        """Read the document on from _read_pos for READ_STEP_S, whole blocks at a time (a
        slice never splits a surrogate pair); at its end, search."""
        editor = self._live_editor()
        if editor is None:
            self._stop_reading()
            return
        document = editor.document()
        end = document.characterCount() - 1
        deadline = time.perf_counter() + self.read_step_s
        while self._read_pos < end:
            start = self._read_pos
            stop = min(end, start + self._read_chunk)
            if stop < end:
                block = document.findBlock(stop)
                stop = block.position()
                if stop <= start:  # one block longer than the slice: all of it
                    stop = min(end, block.position() + block.length())
            began = time.perf_counter()
            cursor = QTextCursor(document)
            cursor.setPosition(start)
            cursor.setPosition(stop, QTextCursor.MoveMode.KeepAnchor)
            piece = cursor.selectedText()
            for special, plain in _AS_PLAIN_TEXT:  # as toPlainText() has them
                piece = piece.replace(special, plain)
            self._read_parts.append(piece)
            self._read_pos = stop
            spent = time.perf_counter() - began
            chunk = self._read_chunk
            scaled = int(chunk * self.read_step_s / 2 / max(spent, 1e-4))
            self._read_chunk = max(16 * 1024, min(2 * chunk, scaled, 2_000_000))
            if time.perf_counter() >= deadline:
                return
        self._finish_reading()

    def _finish_reading(self) -> None:
        self._read_timer.stop()
        text = "".join(self._read_parts)
        self._read_parts, self._read_pos = [], 0
        self.snapshot_chars += len(text)
        self._hay = Haystack(text)
        self._dirty_from = None
        if self.isVisible():
            self._search(keep_current=False)

    def _before_splice(self, hay: Haystack, index: int) -> None:
        """The text changes from ``index`` on: take back the count of what changes."""
        if not self._needle:
            return
        changed = max(0, index - len(self._needle) + 1)  # a match there may change
        if changed == 0:
            self._total = self._frontier = 0
        elif self._frontier > changed:
            self._total -= hay.count(
                self._needle, self.case_box.isChecked(), changed, self._frontier
            )
            self.scanned_chars += self._frontier - changed
            self._frontier = changed
        self._complete = False
        if self._current >= changed:
            self._current = -1  # the current match is in the changed part: search again
            self._before = None
            self._current_qt = None

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

    def _search(self, keep_current: bool) -> None:
        """Select the first match at or after the anchor (wrapping), at once: ``str.find``
        from the anchor; then count the matches, a bounded part now, the rest in steps."""
        self._search_timer.stop()
        self._refresh_timer.stop()
        started = time.perf_counter()
        scanned = self.scanned_chars
        previous = self.current_range()
        anchor_qt = previous[0] if keep_current and previous is not None else self._anchor()
        self._needle = normalise_needle(self.edit.text())
        self._reset_matches()
        hay = self._snapshot()
        if hay is None or not self._needle:
            self._show_result(scroll=False)
            return
        self._select_from(hay, hay.from_qt(anchor_qt))
        self._count_step(hay, first=True)
        self._show_result(scroll=previous is None or self._moved_from(previous))
        self.search_work = self.scanned_chars - scanned
        self._last_search = time.perf_counter()
        self._last_cost = self._last_search - started

    def _select_from(self, hay: Haystack, anchor: int, floor: int = 0) -> None:
        """Make the first match at or after ``anchor`` current, else the first one at or after
        ``floor`` (wrapping); none: no current match. The count is not touched."""
        case = self.case_box.isChecked()
        found = hay.find_first(self._needle, case, max(anchor, floor))
        self.scanned_chars += (found if found >= 0 else len(hay)) - max(anchor, floor)
        if found < 0 and anchor > floor:
            found = hay.find_first(self._needle, case, floor)  # wrap
            self.scanned_chars += (found if found >= 0 else anchor) - floor
        self._current = found
        self._before = None
        if found < 0 and floor == 0:
            # no match anywhere: that is the whole count
            self._total, self._frontier, self._complete = 0, len(hay), True

    def _count_step(self, hay: Haystack, first: bool = False) -> None:
        """Count on from the frontier for a few milliseconds. The first step after a search
        counts up to MAX_MATCHES matches one by one (the count then reads "10,000+"); later
        ones count in big chunks with ``str.count``."""
        needle, case = self._needle, self.case_box.isChecked()
        length = len(hay)
        if self._complete and self._frontier >= length:
            self._frontier = length
        deadline = time.perf_counter() + self.count_step_s
        current = self._current
        if current >= 0 and self._before is None and current < self._frontier:
            # counted past it already (it was reached by stepping back): count back to it
            self._before = self._total - hay.count(needle, case, current, self._frontier)
            self.scanned_chars += self._frontier - current
        if first:
            stop = min(length, self._frontier + SYNC_COUNT_CHARS)
            matches = hay.find(needle, case, self._frontier, stop)
            for found, index in enumerate(matches, 1):
                if index >= current >= 0 and self._before is None:
                    self._before = self._total
                self._total += 1
                if found >= MAX_MATCHES or (found % 1000 == 0 and time.perf_counter() >= deadline):
                    self.scanned_chars += index + 1 - self._frontier
                    self._frontier = index + 1
                    break
            else:
                self.scanned_chars += stop - self._frontier
                self._frontier = stop
        else:
            chunk = COUNT_CHUNK_CHARS
            hay_text, folded = hay._plain(needle, case)
            if hay_text is None or overlaps(folded):
                chunk = COUNT_CHUNK_CHARS // 16  # a loop in Python: smaller steps
            while self._frontier < length:
                end = min(length, self._frontier + chunk)
                if self._before is None and self._frontier <= current < end:
                    end = current
                self._total += hay.count(needle, case, self._frontier, end)
                self.scanned_chars += end - self._frontier
                self._frontier = end
                if end == current and self._before is None:
                    self._before = self._total
                if time.perf_counter() >= deadline:
                    break
        if self._before is None and current >= 0 and current < self._frontier:
            self._before = self._total - hay.count(needle, case, current, self._frontier)
        self._complete = self._frontier >= length
        if self._complete:
            self._count_timer.stop()
        elif not self._count_timer.isActive():
            self._count_timer.start()

    @Slot()
    def _count_on(self) -> None:
        if self._growth is not None:
            self._finish_growth()  # the second half of taking in new text
            return
        hay = self._hay
        if hay is None or not self._needle or self._complete:
            self._count_timer.stop()  # (a stale snapshot is counted on: its text is still
            return  # right up to where it changed, and taking in the change corrects the count)
        self._count_step(hay)
        self._show_count()

    @Slot()
    def _on_grown(self) -> None:
        """The document grew (or changed): read what changed; on the next turn of the event
        loop (each half costs ~20 ms on 30 MB), count it, keeping the current match, and
        search again only if the current match itself changed or there was none."""
        if self._hay is None or not self._needle:
            self._search(keep_current=True)
            return
        started = time.perf_counter()
        growth = self._growth or (self._current >= 0, self.current_range())
        self._snapshot()
        self._growth = growth
        self._count_timer.start()
        self._last_search = time.perf_counter()
        self._last_cost = self._last_search - started

    def _finish_growth(self) -> None:
        growth, self._growth = self._growth, None
        hay = self._hay
        if growth is None or hay is None or not self._needle:
            return
        started = time.perf_counter()
        had_current, previous = growth
        if had_current and self._current < 0:  # the current match changed
            self._reset_matches()
            self._select_from(hay, hay.from_qt(previous[0]) if previous else 0)
        elif not had_current:  # nothing before: only the new part can match
            floor = self._frontier if self._total == 0 else 0  # counted: none before it
            self._select_from(hay, hay.from_qt(self._anchor()), floor)
        self._count_step(hay)
        self._show_result(scroll=previous is None or self._moved_from(previous))
        self._last_cost += time.perf_counter() - started

    def _moved_from(self, previous: tuple[int, int]) -> bool:
        hay = self._hay
        if hay is None or self._current < 0:
            return True
        return hay.to_qt(self._current) != previous[0]

    def _step(self, direction: int) -> None:
        if not self.isVisible() or not self.edit.text():
            self.open_bar()
            if self._current < 0:
                return
        if self._search_timer.isActive() or self._hay is None:
            self._search(keep_current=True)  # typed text not searched yet
        elif self._dirty_from is not None:
            self._on_grown()  # new content not searched yet
        if self._growth is not None:
            self._finish_growth()
        hay = self._hay
        if hay is None or self._current < 0:
            return
        case = self.case_box.isChecked()
        current = self._current
        if direction > 0:
            found = hay.find_first(self._needle, case, current + 1)
            self.scanned_chars += (found if found >= 0 else len(hay)) - current
            if found >= 0:
                self._before = None if self._before is None else self._before + 1
            else:
                found = hay.find_first(self._needle, case, 0)  # wrap to the first
                self.scanned_chars += found
                self._before = 0
        else:
            found = hay.find_last(self._needle, case, current)
            self.scanned_chars += current - max(found, 0)
            if found >= 0:
                self._before = None if self._before is None else self._before - 1
            else:
                found = hay.find_last(self._needle, case)  # wrap to the last
                self.scanned_chars += len(hay) - found
                self._before = None  # known once counted to the end
        self._current = found
        if self._before is None or not self._complete:
            self._count_step(hay)
        self._show_result(scroll=True)

    # -- showing ---------------------------------------------------------------------------

    def _show_result(self, scroll: bool) -> None:
        hay = self._hay
        if hay is None or self._current < 0:
            self._current_qt = None
        else:
            start = self._current
            self._current_qt = hay.to_qt(start), hay.to_qt(start + len(self._needle))
        self._show_count()
        waiting = self.reading or self.more_coming()
        self._no_match = bool(self._needle) and self._current < 0 and not waiting
        self._show_no_match()
        if scroll:
            self._scroll_to_current()
        self._update_highlights()

    def _show_count(self) -> None:
        if not self._needle:
            text = ""
        elif self.reading:
            text = "reading…"
        elif self._current < 0:
            text = "not found yet…" if self.more_coming() else "No matches"
        elif self._before is None:
            text = "counting…"  # the current match's number is not known yet
        elif self._complete and self._dirty_from is None:  # (else: new text not read yet)
            text = f"{self._before + 1:,} of {self._total:,}"
        else:
            text = f"{self._before + 1:,} of {max(self._total, self._before + 1):,}+"
        self.count_label.setText(text)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._show_no_match()  # the label's and the field's colours follow the theme

    def _show_no_match(self) -> None:
        # Only the colour that differs is set (the rest resolves from the bar, and follows
        # the application palette): the muted count, or the error red, readable on the bar.
        colours = text_colours(self.palette())
        window = self.palette().color(QPalette.ColorRole.Window)
        label = QPalette()
        colour = colours.error if self._no_match else colours.muted
        label.setColor(QPalette.ColorRole.WindowText, readable_on(colour, window))
        self.count_label.setPalette(label)
        self.edit.setPalette(self._no_match_edit_palette() if self._no_match else QPalette())

    def _no_match_edit_palette(self) -> QPalette:
        palette = QPalette()  # the Base colour only: the rest follows the bar's palette
        base = self.palette().color(QPalette.ColorRole.Base)
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
        # Looked at before the caret moves: setTextCursor scrolls the least it can, which
        # leaves a match from above or below the screen on its first or last line, with
        # nothing around it. (Only up and down: a match beside the screen, in a view that
        # does not wrap, is scrolled to sideways and stays on its line.)
        rect = editor.cursorRect(cursor)
        shown = rect.top() >= 0 and rect.bottom() <= editor.viewport().height()
        editor.setTextCursor(cursor)  # no selection: the orange highlight shows the match
        if not shown:
            editor.centerCursor()  # as browsers do: in the middle, its context around it

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
        if hay is None or not self._needle or self._current < 0 or not self.isVisible():
            editor.setExtraSelections([])
            return
        document = editor.document()
        length = len(self._needle)
        first, last = self._visible_range(hay)
        current = self._current
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


def _nothing_coming() -> bool:
    return False
