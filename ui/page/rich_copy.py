"""Copy's rich text: the selection as HTML, with its links, bold, italics and code, for a
word processor or a mail to paste (plain text goes with it, as always).

The view's runs carry their formats beside the document (:mod:`ui.page.run_formats`), so the
HTML Qt would write from the document alone has no links or styles: this writes it from what
is drawn (:meth:`ui.page.document_view.DocumentView.shown_runs`). Spaces and line breaks are
kept (``white-space: pre-wrap``): a text browser's indentation, lists and tables are spaces.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtGui import QFont, QTextCharFormat

#: Longer selections go as plain text alone: writing the HTML of a whole big page (~3 M
#: characters) would hold the window for seconds.
RICH_COPY_CHARS = 1_000_000


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
