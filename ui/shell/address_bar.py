"""The address bar: Enter asks for a load; completion from the typed-address history.

Escape, as in browsers, undoes what was typed: the page's address comes back, selected. With
nothing to undo, Escape is the window's (Stop, while a page loads), and once nothing uses it
the bar hands the keyboard back to the page (:attr:`AddressBar.leave_requested`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class AddressBar(QLineEdit):
    """A QLineEdit that emits what the user asked for; it never parses or loads itself.

    Signals:
        load_requested(str text): Enter was pressed; the raw text, normalised by the window.
        leave_requested(): Escape with nothing typed to undo: the page takes the keyboard.
    Slots: set_url(str), set_history(list[str]), focus_and_select()
    """

    load_requested = Signal(str)
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Type an address, such as data.pr4e.org/romeo.txt, and press Enter")
        self.setClearButtonEnabled(True)
        self.setAccessibleName("Address")
        self.setAccessibleDescription("The page's address: type one and press Enter to load it")
        # QLineEdit cuts text at 32,767 characters without a word: a longer pasted address
        # would load something else than what was pasted. Keep it whole; net.url refuses
        # anything past MAX_URL_LENGTH (32 KiB) with a message that says so.
        self.setMaxLength(1 << 20)
        self._model = QStringListModel(self)
        self._url = ""  # the page's address, as last shown (what Escape brings back)
        self.returnPressed.connect(self._on_return)

    def install_completer(self) -> None:
        """Completion from the typed history. Separate from __init__ (the window calls it
        after its first paint)."""
        from PySide6.QtWidgets import QCompleter

        if self.completer() is not None:
            return
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)

    @Slot()
    def _on_return(self) -> None:
        completer = self.completer()
        popup = completer.popup() if completer is not None else None
        if popup is not None and popup.isVisible():
            popup.hide()
        self.load_requested.emit(self.text())

    @Slot(str)
    def set_url(self, url: str) -> None:
        """Show an address (the final one after redirects) without emitting anything. What
        the user is typing in the bar stays (a load that ends meanwhile wiped it); Escape
        brings this address back."""
        self._url = url
        if self.hasFocus() and self.isModified():
            return
        self.setText(url)
        self.setCursorPosition(0)

    def _popup_shown(self) -> bool:
        completer = self.completer()
        popup = completer.popup() if completer is not None else None
        return popup is not None and popup.isVisible()

    def _escape(self, event: QKeyEvent) -> bool:
        """``event`` is the bar's Escape (the completion list, open, takes its own first)."""
        return (
            event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and not self._popup_shown()
        )

    def _undoes(self, event: QKeyEvent) -> bool:
        """``event`` is an Escape that undoes what was typed."""
        return self._escape(event) and self.text() != self._url

    def event(self, event: QEvent) -> bool:
        overrides = event.type() == QEvent.Type.ShortcutOverride
        if overrides and isinstance(event, QKeyEvent) and self._undoes(event):
            event.accept()  # the bar's, before the window's Esc (Stop)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._undoes(event):
            self.setText(self._url)  # (and no longer modified: set_url shows what comes)
            self.selectAll()
            return
        if self._escape(event):
            self.leave_requested.emit()  # nothing to undo, no page to stop: back to the page
            return
        super().keyPressEvent(event)

    def set_history(self, urls: list[str]) -> None:
        self._model.setStringList(urls)

    def history(self) -> list[str]:
        return self._model.stringList()

    @Slot()
    def focus_and_select(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()
