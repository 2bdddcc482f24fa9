"""Text with links and styles given to a DocumentView as the page renderer gives them: each
piece cut into runs by ui.text.render.runs, the ranges reported with the piece their end is in
(a link over text given before is merged over it when its piece goes in)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtGui import QTextCharFormat

from ui.page.document_view import DocumentView
from ui.page.page_renderer import combo_format
from ui.text.render.runs import RunBuilder


class RangedText:
    """The stream of one :meth:`DocumentView.begin_stream` (or of a fresh view)."""

    def __init__(self, view: DocumentView, styles: Mapping[str, QTextCharFormat] | None = None):
        self.view = view
        self.styles = dict(styles or {})
        self._builder = RunBuilder()
        self._formats = [QTextCharFormat()]  # combo 0: plain

    def append(
        self,
        text: str,
        links: Iterable[tuple[int, int, str]] = (),
        styles: Iterable[tuple[int, int, str]] = (),
    ) -> None:
        """Queue ``text`` with the ``links`` (start, end, url) and named ``styles`` (start,
        end, name) that end in it or over earlier text, in stream positions."""
        piece = self._builder.build(text, list(links), list(styles))
        self._formats += [self.format_of(combo) for combo in piece.combos]
        merges = [(a, b, self.format_of((code,), url)) for a, b, code, url in piece.merges]
        self.view.append_runs(
            piece.text, piece.runs, self._formats, piece.hrefs, piece.links, merges
        )

    def format_of(self, codes: tuple[str, ...], href: str = "") -> QTextCharFormat:
        return combo_format(codes, self.view.link_format, self.styles, href)
