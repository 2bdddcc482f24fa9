"""Measure what is on screen: the WCAG contrast of every piece of text a document view shows.

Each stretch of text drawn with one character format (:meth:`DocumentView.shown_runs`: the
document's own, with its links' and styles' ranges merged over it): its colour is the
format's foreground (the palette's Text when it has none), its background the format's own
(the palette's Base when it has none), as QPlainTextEdit paints them.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette, QTextFormat

from ui.colours import COLOUR_ROLE, rgb
from ui.page.document_view import DocumentView
from ui.text.contrast import contrast_ratio

#: (ratio, role or "", text of the fragment, colour name, background name)
Measure = tuple[float, str, str, str, str]


def fragment_contrasts(view: DocumentView) -> list[Measure]:
    palette = view.palette()
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    found: list[Measure] = []
    for _, shown, fmt in view.shown_runs():
        fg = (
            fmt.foreground().color()
            if fmt.hasProperty(QTextFormat.Property.ForegroundBrush)
            else text
        )
        bg = (
            fmt.background().color()
            if fmt.hasProperty(QTextFormat.Property.BackgroundBrush)
            else base
        )
        if shown.strip():
            role = fmt.property(COLOUR_ROLE)
            found.append(
                (
                    contrast_ratio(rgb(fg), rgb(bg)),
                    role if isinstance(role, str) else "",
                    shown[:40],
                    fg.name(),
                    bg.name(),
                )
            )
    return found


def roles_shown(measures: list[Measure]) -> set[str]:
    return {role for _, role, *_ in measures}


def worst(measures: list[Measure]) -> Measure:
    return min(measures)
