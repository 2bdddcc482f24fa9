"""The reader's place, kept while a page is laid out again for a new width (a resize, a zoom).

Laying a page out again re-renders it from the store: only its aligned tables change (their
lines are cut for the new width), the text around them is the same. So the place is kept as
the nearest fragment target before the first line shown and the distance from it, which no
table between them moves, not as a block or line number (a table with more lines moved those
onto other text, sections earlier with each zoom step).

Until the re-rendered text reaches that place, the view shows the frame it last drew
(:class:`FrozenFrame`), not the top of a page filling up again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from ui.page.document_view import DocumentView

#: The longest a frozen frame stays up: past it, the page as re-rendered so far is shown.
FROZEN_MS = 5000


class ReadingPlace(NamedTuple):
    """The first line shown, as ``distance`` UTF-16 units after the target ``anchor`` (None:
    after the document's start)."""

    anchor: str | None
    distance: int

    @classmethod
    def of(cls, view: DocumentView) -> ReadingPlace:
        top = view.top_position()
        before = view.anchor_before(top)
        if before is None:
            return cls(None, top)
        name, pos = before
        return cls(name, top - pos)

    def position(self, view: DocumentView) -> int | None:
        """Where the place is in the view's document now; None while its text has not
        arrived (or its anchor is gone: the page changed)."""
        start = 0 if self.anchor is None else view.anchor_position([self.anchor])
        if start is None:
            return None
        pos = start + self.distance
        return pos if pos <= view.document().characterCount() - 1 else None


class FrozenFrame(QLabel):
    """What a widget last drew, held over it; it takes the pointer's events meanwhile (a
    click must not reach the text under the picture, which is elsewhere now)."""

    def __init__(self, over: QWidget) -> None:
        super().__init__(over)
        self._over = over
        self.hide()
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.setInterval(FROZEN_MS)
        self._expiry.timeout.connect(self.thaw)
        over.installEventFilter(self)

    def freeze(self) -> None:
        over = self._over
        self.hide()  # (not in its own picture)
        self.setPixmap(over.grab())
        self.setGeometry(over.rect())
        self.show()
        self.raise_()
        self._expiry.start()

    def thaw(self) -> None:
        self._expiry.stop()
        if not self.isHidden():
            self.hide()
            self.clear()

    @property
    def frozen(self) -> bool:
        return not self.isHidden()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.frozen:
            self.thaw()  # a picture of another size: show the page as it is
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() in _POINTER_EVENTS:
            event.accept()
            return True
        return super().event(event)


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
