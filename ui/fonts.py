"""The one place that picks Yonder's fixed-width font (Source, Wire, tables, headers)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo

# Tried in order when the system's fixed font is not fixed pitch as Qt sees it.
_FALLBACK_FAMILIES = (
    "DejaVu Sans Mono",
    "Liberation Mono",
    "Noto Mono",
    "Ubuntu Mono",
    "Cascadia Mono",
    "Consolas",
    "Menlo",
    "Courier New",
)


@cache
def _fixed_family() -> str:
    # Some systems map "monospace" to a family Qt does not report as fixed pitch (Debian with
    # fonts-noto-mono installed: Noto Sans Mono has a few double-width glyphs), which would
    # misalign tables and hex dumps; prefer a family Qt agrees is fixed pitch.
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if QFontInfo(system).fixedPitch():
        return system.family()
    installed = set(QFontDatabase.families())
    for family in _FALLBACK_FAMILIES:
        if family in installed and QFontDatabase.isFixedPitch(family):
            return family
    return system.family()


def monospace_font(min_point_size: float = 0.0) -> QFont:
    """A fresh fixed-width QFont, at least ``min_point_size`` points."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setFamily(_fixed_family())
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    if min_point_size > 0:
        font.setPointSizeF(max(font.pointSizeF(), min_point_size))
    return font
