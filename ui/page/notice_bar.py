"""A one-line strip above the document for page notices that offer Save in one click.

Used when the view stops at the size cap ("truncated at 32 MB; the whole body is kept for
Save"), for binary bodies, and for the outcome of a save (done, or what failed and why).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from ui.page.strip import Strip
from ui.text.display_text import display_line, tooltip_html

NOTICE_LIMIT = 300  # characters; the whole text goes to the tooltip


class NoticeBar(Strip):
    """Label, an optional "Save…" button and a close button.

    Signals:
        save_requested(): the Save button was pressed.
    Slots: show_notice(str text, bool offer_save=False, bool error=False), hide()
    """

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAccessibleName("Notice")
        self.setAccessibleDescription("A notice about this page")
        self.label = QLabel()
        # Its accessible name is its text: a screen reader reads the notice itself.
        self.label.setAccessibleDescription("A notice about this page")
        # The text can hold server text (a Content-Type, a file name): plain, elided, and
        # without a minimum width of its own.
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(1)
        self.label.setWordWrap(True)
        self.save_button = QPushButton("Save…")
        self.save_button.clicked.connect(self.save_requested)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this notice")
        self.close_button.setAccessibleName("Hide this notice")
        self.save_button.setAccessibleDescription("Save the whole body to a file")
        self.close_button.setAccessibleDescription("Hide this notice")
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.close_button)
        self.hide()

    @Slot(str)
    def show_notice(self, text: str, offer_save: bool = False, error: bool = False) -> None:
        self.set_error(error)
        line = display_line(text, NOTICE_LIMIT)
        self.label.setText(line)
        self.label.setToolTip(tooltip_html(text) if line != text else "")
        self.save_button.setVisible(offer_save)
        self.show()
