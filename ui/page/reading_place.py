"""The reader's place, kept while a page is laid out again for a new width (a resize, a zoom).

Laying a page out again re-renders it from the store: only its aligned tables change (their
lines are cut for the new width), the text around them is the same. So the place is the text
of the first line shown, found again in the new text: its first characters, and how many times
they occur between the nearest fragment target before it and it (the search starts there, and
the same line of text may repeat). A block or line number, or a distance, would move with
every table above that grew or shrank (sections earlier with each zoom step). A place inside a
table, whose text changed, falls back to its distance from that target.

Until the re-rendered text reaches that place, the view shows the picture it last drew
(:class:`FrozenFrame`), not the top of a page filling up again; keys pressed meanwhile wait
and act on the place once it is shown. Select All and Copy, and what follows them, wait for
the page to be whole again, from the keys or the context menu, shown or not: the reader saw
the whole page, and a copy of part of it would lose the rest without a word.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette, QTextDocument
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from ui.page.document_view import DocumentView

#: The longest a frozen frame stays up: past it, the page as re-rendered so far is shown.
FROZEN_MS = 5000
NEEDLE_CHARS = 80  # characters of the first line shown that find it again
MAX_REPEATS = 64  # ...past this many repeats after the target, its distance is used instead
BLANK_LINES = 4  # blank lines skipped at the top to reach the line of text it begins


class ReadingPlace:
    """The first line shown: ``needle`` (None: by ``distance`` alone) found for the
    ``repeats + 1``-th time after the target ``anchor`` (None: the document's start), ``lead``
    characters (blank lines) after the top."""

    def __init__(
        self, anchor: str | None, distance: int, needle: str | None, repeats: int, lead: int
    ) -> None:
        self.anchor = anchor
        self.distance = distance
        self.needle = needle
        self.repeats = repeats
        self.lead = lead
        self.restart()

    def restart(self) -> None:
        """Look for the place from the start again (the page is being rendered anew)."""
        self._from: int | None = None  # where the search goes on (document position)
        self._seen = 0
        self._found: int | None = None

    @classmethod
    def of(cls, view: DocumentView) -> ReadingPlace:
        top = view.top_position()
        before = view.anchor_before(top)
        anchor, start = before if before is not None else (None, 0)
        document = view.document()
        block = document.findBlock(top)
        for _ in range(BLANK_LINES):
            if not block.isValid() or block.text().strip():
                break
            block = block.next()
        if not block.isValid() or not block.text().strip():
            return cls(anchor, top - start, None, 0, 0)
        at = max(top, block.position())
        needle = block.text()[at - block.position() :][:NEEDLE_CHARS]
        repeats = 0
        found = _find(document, needle, start)
        while found is not None and found < at:
            repeats += 1
            if repeats > MAX_REPEATS:
                return cls(anchor, top - start, None, 0, 0)
            found = _find(document, needle, found + 1)
        return cls(anchor, top - start, needle, repeats, at - top)

    def _start(self, view: DocumentView) -> int | None:
        return 0 if self.anchor is None else view.anchor_position([self.anchor])

    def position(self, view: DocumentView) -> int | None:
        """Where the place is in the view's document now; None while its text has not
        arrived (or is not there: see :meth:`fallback`)."""
        if self._found is not None:
            return self._found
        start = self._start(view)
        if start is None:
            return None
        document = view.document()
        if self.needle is None:
            pos = start + self.distance
            return pos if pos <= document.characterCount() - 1 else None
        if self._from is None:
            self._from = start
        while True:  # from where the last look ended: text arrives a piece at a time
            found = _find(document, self.needle, self._from)
            if found is None:
                self._from = max(self._from, document.characterCount() - len(self.needle))
                return None
            self._from = found + 1
            if self._seen == self.repeats:
                self._found = max(0, found - self.lead)
                return self._found
            self._seen += 1

    def fallback(self, view: DocumentView) -> int:
        """Where the place is taken to be once the page is whole and its text was not found
        (the first line shown was in a table)."""
        start = self._start(view)
        return (start or 0) + self.distance


def _find(document: QTextDocument, needle: str, start: int) -> int | None:
    """Where ``needle`` next begins at or after ``start``, as written (case too), or None."""
    found = document.find(needle, start, QTextDocument.FindFlag.FindCaseSensitively)
    return None if found.isNull() else found.selectionStart()


class _Deferred(QEvent):
    """An action that waited for the whole page, posted in its turn among the keys."""

    TYPE = QEvent.Type(QEvent.registerEventType())

    def __init__(self, action: Callable[[], object]) -> None:
        super().__init__(self.TYPE)
        self.action = action


class FrozenFrame(QLabel):
    """What a widget last drew, held over it. It takes the pointer's events meanwhile (a
    click must not reach the text under the picture, which is elsewhere now) and holds its
    keys, given to it once thawed (:meth:`thaw`) or dropped (:meth:`drop_keys`). While
    :attr:`whole_pending` (the page is being rendered again), Select All and Copy, and what
    follows them, wait for :meth:`release_keys` even once thawed, as do the actions given
    to :meth:`defer` (the context menu's)."""

    expired = Signal()

    def __init__(self, over: QWidget) -> None:
        super().__init__(over)
        self._over = over
        self._keys: list[QKeyEvent | _Deferred] = []
        #: The page is being rendered again (a relayout): whole-page actions wait for it.
        self.whole_pending = False
        self.setAccessibleName("The page, being laid out again for the new width")
        self.hide()
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setAutoFillBackground(True)  # (room the picture does not cover: the page's base)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.setInterval(FROZEN_MS)
        self._expiry.timeout.connect(self.expired)
        over.installEventFilter(self)

    def freeze(self) -> None:
        """Hold what the widget shows (frozen already: the picture of before, not of the
        page being rendered again)."""
        if not self.frozen:
            self.setPixmap(self._over.grab())
            self.setGeometry(self._over.rect())
            self.show()
            self.raise_()
        self._expiry.start()

    def thaw(self) -> None:
        """Show the widget again, and give it the keys pressed meanwhile, up to the first
        that takes the whole page (Select All, Copy): that one, and the keys after it, wait
        for :meth:`release_keys` (the page's end, which has not arrived yet)."""
        if self.frozen:
            self.hide()
            self.clear()
        keys = self._keys
        whole = next((i for i, key in enumerate(keys) if _takes_the_page(key)), len(keys))
        now, self._keys = keys[:whole], keys[whole:]
        if not self._keys:
            self._expiry.stop()
        # (else the keys still held wait FROZEN_MS at most: see expired)
        self._post(now)

    def release_keys(self) -> None:
        """The keys and actions still held, to the widget (the page is whole)."""
        self.whole_pending = False
        self._expiry.stop()
        keys, self._keys = self._keys, []
        self._post(keys)

    def drop_keys(self) -> None:
        self.whole_pending = False
        self._keys.clear()

    def defer(self, action: Callable[[], object]) -> None:
        """``action`` (one on the whole page: Select All, Copy) now, or, while the page is
        rendered again or keys wait, in its turn once it is whole (FROZEN_MS at most)."""
        if not self.whole_pending and not self._keys:
            action()
            return
        self._hold(_Deferred(action))

    def _hold(self, item: QKeyEvent | _Deferred) -> None:
        self._keys.append(item)
        if not self.frozen and not self._expiry.isActive():
            self._expiry.start()  # (thawed: they wait for the page's end, this long at most)

    def _post(self, keys: list[QKeyEvent | _Deferred]) -> None:
        for key in keys:
            # (both posted, in order: a key and an action after it keep their turns)
            QCoreApplication.postEvent(self if isinstance(key, _Deferred) else self._over, key)

    @property
    def frozen(self) -> bool:
        return not self.isHidden()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.frozen and not self._keys and not self.whole_pending:
            return False
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.setGeometry(self._over.rect())  # (a notice or the find bar came or went)
        elif kind in _KEY_EVENTS and isinstance(event, QKeyEvent):
            if not event.spontaneous() or event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                return False  # given back (posted: not the keyboard's), or focus moves on
            if not self.frozen and not self._keys and not _takes_the_page(event):
                return False  # thawed: only a whole-page key (and what follows it) waits
            self._hold(
                QKeyEvent(
                    event.type(),
                    event.key(),
                    event.modifiers(),
                    event.text(),
                    event.isAutoRepeat(),
                    event.count(),
                )
            )
            return True
        return False

    def event(self, event: QEvent) -> bool:
        if isinstance(event, _Deferred):
            event.action()
            return True
        if event.type() in _POINTER_EVENTS:
            event.accept()
            return True
        return super().event(event)


def _takes_the_page(key: QKeyEvent | _Deferred) -> bool:
    return (
        isinstance(key, _Deferred)
        or key.matches(QKeySequence.StandardKey.SelectAll)
        or key.matches(QKeySequence.StandardKey.Copy)
    )


_KEY_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease})
_POINTER_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.ContextMenu,
    }
)
