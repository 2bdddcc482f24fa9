"""The page's split of header view | document, whose header pane yields first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QSplitter

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

HEADER_MIN_WIDTH = 160  # the header pane yields down to this before the document yields
# The document's font size at zoom 0 (the page's, and the first frame's measure of it).
BASE_POINT_SIZE = 10.5


class YieldingSplitter(QSplitter):
    """A horizontal split whose first pane (the headers) gives way first when the split
    shrinks, down to ``first_min`` pixels; growth goes to the second (the document) by its
    stretch factor. (QSplitter alone shrinks by stretch factor: the document first.)"""

    def __init__(self, first_min: int) -> None:
        super().__init__()
        self._first_min = first_min

    def resizeEvent(self, event: QResizeEvent) -> None:
        before = self.sizes()  # still the old layout's
        super().resizeEvent(event)
        shrunk = event.oldSize().width() - event.size().width()
        if len(before) != 2 or event.oldSize().width() <= 0 or shrunk <= 0 or not before[0]:
            return
        total = sum(self.sizes())
        first = max(min(self._first_min, before[0]), before[0] - shrunk)
        self.setSizes([first, max(0, total - first)])
