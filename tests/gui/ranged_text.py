"""Text with links and styles given to a DocumentView as the page renderer gives them: each
range reported with the piece its end is in (so it may lie over text given before)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtGui import QTextCharFormat

from ui.page.document_view import DocumentView
from ui.page.page_renderer import range_styles


class RangedText:
    """The stream of one :meth:`DocumentView.begin_stream` (or of a fresh view)."""

    def __init__(self, view: DocumentView, styles: Mapping[str, QTextCharFormat] | None = None):
        self.view = view
        self.styles = range_styles(view.link_format, styles or {})

    def append(
        self,
        text: str,
        links: Iterable[tuple[int, int, str]] = (),
        styles: Iterable[tuple[int, int, str]] = (),
    ) -> None:
        """Queue ``text`` with the ``links`` (start, end, url) and named ``styles`` (start,
        end, name) that end in it or over earlier text, in stream positions."""
        self.view.append_ranges(text, list(links), list(styles), self.styles)
