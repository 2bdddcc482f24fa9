"""Measure what is on screen: the WCAG contrast of every piece of text a QPlainTextEdit shows.

Each fragment of the document has one character format: its colour is the format's
foreground (the palette's Text when it has none), its background the format's own (the
palette's Base when it has none), as QPlainTextEdit paints them.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit

from ui.colours import COLOUR_ROLE, rgb
from ui.text.contrast import contrast_ratio

#: (ratio, role or "", text of the fragment, colour name, background name)
Measure = tuple[float, str, str, str, str]


def fragment_contrasts(view: QPlainTextEdit) -> list[Measure]:
    palette = view.palette()
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    found: list[Measure] = []
    block = view.document().begin()
    while block.isValid():
        piece = block.begin()
        while not piece.atEnd():
            fragment = piece.fragment()
            fmt = fragment.charFormat()
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
            if fragment.text().strip():
                role = fmt.property(COLOUR_ROLE)
                found.append(
                    (
                        contrast_ratio(rgb(fg), rgb(bg)),
                        role if isinstance(role, str) else "",
                        fragment.text()[:40],
                        fg.name(),
                        bg.name(),
                    )
                )
            piece += 1
        block = block.next()
    return found


def roles_shown(measures: list[Measure]) -> set[str]:
    return {role for _, role, *_ in measures}


def worst(measures: list[Measure]) -> Measure:
    return min(measures)
