"""Display-safe text: what a server sends, made fit for a one-line label or a title bar.

A status reason, a Location, a Content-Type or a <title> is server-controlled: it can carry
control and format characters (NUL, ESC, DEL, bidi overrides that reverse what follows), line
breaks, and any length (a 60 KB reason without spaces). Labels show it as plain text (never Qt's
rich-text guess) through these helpers; the whole text stays in the Raw tab and the tooltip.

Pure functions, no Qt.
"""

from __future__ import annotations

import html
import unicodedata

ELLIPSIS = "…"
LINE_LIMIT = 200  # a status line, a banner's summary
TITLE_LIMIT = 150  # the window title
TOOLTIP_LIMIT = 2000  # a tooltip holds more, but not 60 KB
TOOLTIP_WIDTH = 100  # characters per tooltip line (a spaceless text is cut into lines)

# Cc (C0, DEL, C1), Cf (bidi embeddings, overrides and isolates, zero-width characters, BOM)
# and Cs (lone surrogates from a lenient decode): never shown.
_HIDDEN = frozenset({"Cc", "Cf", "Cs"})


def _visible(char: str) -> str:
    if char.isspace():
        return " "  # TAB, CR, LF, VT, FF, NEL, U+2028/2029: collapsed below
    if char.isascii():
        return "" if char < " " or char == "\x7f" else char
    return "" if unicodedata.category(char) in _HIDDEN else char


def strip_hidden(text: str) -> str:
    """``text`` without control, format and surrogate characters (whitespace becomes a
    space); everything else is kept as it is."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(map(_visible, text))


def elide(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS


def display_line(text: str, limit: int = LINE_LIMIT) -> str:
    """One display-safe line: control and format characters removed, runs of whitespace
    collapsed to one space, trimmed, and elided with "…" past ``limit`` characters."""
    bound = 4 * limit + 64  # enough to fill ``limit`` after collapsing: O(limit) work
    cut = len(text) > bound
    line = " ".join(strip_hidden(text[:bound]).split())
    if cut and len(line) <= limit:
        return line[: max(0, limit - 1)].rstrip() + ELLIPSIS
    return elide(line, limit)


def display_title(title: str, limit: int = TITLE_LIMIT) -> str:
    """A window title from page or URL text: ``display_line`` at the title's length."""
    return display_line(title, limit)


def tooltip_html(text: str, limit: int = TOOLTIP_LIMIT, width: int = TOOLTIP_WIDTH) -> str:
    """``text`` as a tooltip that Qt cannot take for rich text: escaped, hidden characters
    removed, lines longer than ``width`` characters cut into several, at most ``limit``
    characters (then "…"); line breaks kept. Empty text gives an empty tooltip."""
    if not text:
        return ""
    cut = len(text) > limit
    text = text[:limit]
    lines: list[str] = []
    for raw_line in text.splitlines() or [""]:
        line = strip_hidden(raw_line).rstrip()
        lines += [line[start : start + width] for start in range(0, len(line), width)] or [""]
    if cut:
        lines[-1] += ELLIPSIS
    body = "<br>".join(html.escape(line, quote=False) for line in lines)
    return f"<p style='white-space:pre'>{body}</p>"
