"""Copy's rich text: the selection as HTML, with its links, bold, italics and code, for a
word processor or a mail to paste (plain text goes with it, as always).

A page's links and styles keep their formats beside the document
(:mod:`ui.page.range_formats`), so the HTML Qt would write from the document alone has no
links or styles: this writes it from what is drawn
(:meth:`ui.page.document_view.DocumentView.shown_runs`). Spaces and line breaks are kept
(``white-space: pre-wrap``): a text browser's indentation, lists and tables are spaces.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QClipboard, QFont, QGuiApplication, QTextCharFormat

#: Longer selections go as plain text alone: the HTML is written when a paste asks for it,
#: at ~2.6 us a character here (bench/README.md), and this holds the window ~0.6 s at most.
RICH_COPY_CHARS = 250_000


class RichSelection(QMimeData):
    """A selection's plain text, and its HTML written by ``html`` the first time something
    asks for it (X11 offers every selection as the primary one: most are never pasted)."""

    def __init__(self, text: str, html: Callable[[], str]) -> None:
        super().__init__()
        self.setText(text)
        self._html: Callable[[], str] | None = html

    def formats(self) -> list[str]:
        found = list(super().formats())
        if self._html is not None:
            found.append("text/html")
        return found

    def hasFormat(self, mimetype: str) -> bool:
        return mimetype in self.formats()

    def retrieveData(self, mimetype: str, preferredType: object) -> object:
        if mimetype == "text/html" and self._html is not None:
            write, self._html = self._html, None
            self.setHtml(write())
        return super().retrieveData(mimetype, preferredType)  # type: ignore[arg-type]


def runs_html(runs: Iterable[tuple[int, str, QTextCharFormat]]) -> str:
    """HTML of (document position, text, format) stretches in order; a gap between two
    stretches is one line break per position skipped (the blocks' paragraph separators)."""
    parts = ['<div style="white-space: pre-wrap">']
    end: int | None = None
    for pos, text, fmt in runs:
        if end is not None and pos > end:
            parts.append("<br>" * (pos - end))
        piece = html.escape(text)
        if fmt.fontFixedPitch() or _monospace(fmt):
            piece = f"<code>{piece}</code>"
        if fmt.fontItalic():
            piece = f"<i>{piece}</i>"
        if fmt.fontWeight() >= QFont.Weight.Bold:
            piece = f"<b>{piece}</b>"
        href = fmt.anchorHref()
        if href:
            piece = f'<a href="{html.escape(href, quote=True)}">{piece}</a>'
        parts.append(piece)
        end = pos + len(text.encode("utf-16-le", "surrogatepass")) // 2
    parts.append("</div>")
    return "".join(parts)


def _monospace(fmt: QTextCharFormat) -> bool:
    families = fmt.fontFamilies()
    return isinstance(families, list) and any("mono" in str(f).lower() for f in families)


def settle_clipboard() -> None:
    """As the app quits: a selection Yonder still holds on the clipboard (or X11's primary
    selection) becomes Qt's own plain text. Qt deletes what the clipboard holds as the
    interpreter ends, and a RichSelection, made in Python, cannot be deleted then (the
    process aborted); a clipboard manager that saves the clipboard at exit gets the text."""
    clipboard = QGuiApplication.clipboard()
    for mode in (QClipboard.Mode.Clipboard, QClipboard.Mode.Selection):
        data = clipboard.mimeData(mode)
        if isinstance(data, RichSelection):
            clipboard.setText(data.text(), mode)
