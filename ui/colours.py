"""The text colours every view uses, derived from its palette and readable on it (WCAG AA).

Nothing in ui/ hard-codes a text colour: a view asks :func:`text_colours` for its palette's
set, in which each designed colour (a link blue, an error red, a muted grey...) keeps its hue
and is moved towards black or white only as far as the palette's base colour needs for 4.5:1
(ui.text.contrast). So a dark desktop theme, or View > Theme > Dark (ui.shell.theme), gives
readable links, code and errors without a second set of colours to keep in step.

A character format that carries a palette colour says which (:data:`COLOUR_ROLE`), so a view
can recolour text it already shows when the palette changes (:func:`recolour_format`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextFormat

from ui.text.contrast import AA_TEXT, RGB, WHITE, mix, readable

#: The QTextFormat property naming the palette colour of a character format ("link", ...).
COLOUR_ROLE = int(QTextFormat.Property.UserProperty) + 1
#: Roles whose format also takes a background: the code lines of error and start pages.
BACKGROUND_ROLES = frozenset({"code-block"})

# The designed colours (on white, as Yonder always drew them); readable() adapts each.
ERROR_DESIGN: RGB = (176, 32, 32)
CODE_DESIGN: RGB = (120, 40, 40)
QUOTE_DESIGN: RGB = (70, 90, 70)
HEAD_END_DESIGN: RGB = (31, 95, 191)
# Status chips (white text on the colour): grey 1xx, green 2xx, blue 3xx, orange 4xx, red 5xx.
STATUS_DESIGN: dict[int, RGB] = {
    1: (96, 96, 96),
    2: (30, 126, 52),
    3: (31, 95, 191),
    4: (200, 98, 10),
    5: (176, 32, 32),
}
MUTED_MIX = 0.4  # muted text: the text colour this far towards the base colour
STRIP_MIX = 0.12  # a notice strip's background: its accent this far into the base colour
BORDER_MIX = 0.45


def rgb(colour: QColor) -> RGB:
    return colour.red(), colour.green(), colour.blue()


def qcolour(value: RGB) -> QColor:
    return QColor(*value)


def readable_on(colour: QColor, background: QColor) -> QColor:
    """``colour``, moved only as far as needed to reach 4.5:1 on ``background``."""
    return qcolour(readable(rgb(colour), rgb(background)))


def _readable_on_all(colour: RGB, *backgrounds: RGB) -> RGB:
    # Backgrounds of one palette lie close together: each pass moves the same way, and a
    # second round settles what the last pass may have undone for the first.
    for _ in range(2):
        for background in backgrounds:
            colour = readable(colour, background)
    return colour


@dataclass(frozen=True)
class TextColours:
    """One palette's text colours; each reaches AA_TEXT on ``base`` (and ``alternate``)."""

    base: QColor
    alternate: QColor  # the code lines' background (AlternateBase)
    text: QColor
    link: QColor
    error: QColor
    muted: QColor
    code: QColor
    quote: QColor
    head_end: QColor
    # One-line strips above the document (error banner, notice bar).
    error_strip: QColor
    error_strip_border: QColor
    error_strip_text: QColor
    info_strip: QColor
    info_strip_border: QColor
    info_strip_text: QColor

    def role(self, name: str) -> QColor:
        """The colour of a format role ("link", "error", "muted", "marker", "code", ...)."""
        if name == "marker":
            return self.muted
        if name == "code-block":
            return self.muted
        if name == "head-end":
            return self.head_end
        value = getattr(self, name, None)
        return value if isinstance(value, QColor) else self.text


def status_colour(status: int) -> QColor:
    """A status chip's background (white text on it, 4.5:1 at least): grey 1xx, green 2xx,
    blue 3xx, orange 4xx, red 5xx, grey for anything else. The chip is its own background,
    so it is the same in every theme."""
    design = STATUS_DESIGN.get(status // 100, STATUS_DESIGN[1])
    return qcolour(readable(design, WHITE))


def text_colours(palette: QPalette) -> TextColours:
    """The text colours for ``palette`` (the Active group, as the views paint it)."""
    role = QPalette.ColorRole
    return _derive(
        rgb(palette.color(role.Base)),
        rgb(palette.color(role.AlternateBase)),
        rgb(palette.color(role.Text)),
        rgb(palette.color(role.Link)),
        rgb(palette.color(role.Window)),
        rgb(palette.color(role.WindowText)),
        rgb(palette.color(role.Highlight)),
    )


@lru_cache(maxsize=16)
def _derive(
    base: RGB,
    alternate: RGB,
    text: RGB,
    link: RGB,
    window: RGB,
    window_text: RGB,
    highlight: RGB,
) -> TextColours:
    # A palette's own text colour can be too faint (a theme's choice): readable() leaves a
    # good one alone.
    text = readable(text, base)
    # The strips sit on the window's colour (not in the document): a tint of their accent.
    error_strip = mix(window, ERROR_DESIGN, STRIP_MIX)
    info_strip = mix(window, highlight, STRIP_MIX)
    return TextColours(
        base=qcolour(base),
        alternate=qcolour(alternate),
        text=qcolour(text),
        link=qcolour(_readable_on_all(link, base, alternate)),
        error=qcolour(_readable_on_all(ERROR_DESIGN, base, alternate)),
        muted=qcolour(_readable_on_all(mix(text, base, MUTED_MIX), base, alternate)),
        code=qcolour(_readable_on_all(CODE_DESIGN, base, alternate)),
        quote=qcolour(_readable_on_all(QUOTE_DESIGN, base, alternate)),
        head_end=qcolour(_readable_on_all(HEAD_END_DESIGN, base, alternate)),
        error_strip=qcolour(error_strip),
        error_strip_border=qcolour(mix(error_strip, ERROR_DESIGN, BORDER_MIX)),
        error_strip_text=qcolour(readable(ERROR_DESIGN, error_strip)),
        info_strip=qcolour(info_strip),
        info_strip_border=qcolour(mix(info_strip, highlight, BORDER_MIX)),
        info_strip_text=qcolour(readable(window_text, info_strip)),
    )


def recolour_format(fmt: QTextCharFormat, colours: TextColours) -> bool:
    """Give a format that carries a :data:`COLOUR_ROLE` its colour in ``colours`` (True), or
    leave a format without one alone (False)."""
    name = fmt.property(COLOUR_ROLE)
    if not isinstance(name, str) or not name:
        return False
    fmt.setForeground(colours.role(name))
    if name in BACKGROUND_ROLES:
        fmt.setBackground(colours.alternate)
    return True


def role_format(name: str, colours: TextColours) -> QTextCharFormat:
    """A character format coloured for role ``name`` that remembers its role."""
    fmt = QTextCharFormat()
    fmt.setProperty(COLOUR_ROLE, name)
    recolour_format(fmt, colours)
    return fmt


__all__ = [
    "AA_TEXT",
    "COLOUR_ROLE",
    "TextColours",
    "readable_on",
    "recolour_format",
    "role_format",
    "status_colour",
    "text_colours",
]
