"""The fixed-width font: fixed pitch as Qt measures it, whatever "monospace" maps to."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontDatabase, QFontInfo
from pytestqt.qtbot import QtBot

from ui import fonts
from ui.fonts import monospace_font


def test_monospace_font_is_fixed_pitch_and_honours_the_minimum(qtbot: QtBot) -> None:
    font = monospace_font(13.0)
    assert QFontInfo(font).fixedPitch()
    assert font.pointSizeF() >= 13.0


def test_a_system_fixed_font_qt_does_not_see_as_fixed_is_replaced(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a Debian machine with fonts-noto-mono: "monospace" -> Noto Sans Mono, which Qt
    # reports as not fixed pitch. Simulate it with a proportional system "fixed" font.
    proportional = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    assert not QFontInfo(proportional).fixedPitch()
    monkeypatch.setattr(fonts.QFontDatabase, "systemFont", lambda _which: proportional)
    fonts._fixed_family.cache_clear()
    try:
        assert QFontInfo(monospace_font()).fixedPitch()
    finally:
        fonts._fixed_family.cache_clear()
