"""The address bar: Enter asks for a load; completion from the typed-address history."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Signal, Slot
from PySide6.QtWidgets import QLineEdit, QWidget


class AddressBar(QLineEdit):
    """A QLineEdit that emits what the user asked for; it never parses or loads itself.

    Signals:
        load_requested(str text): Enter was pressed; the raw text, normalised by the window.
    Slots: set_url(str), set_history(list[str]), focus_and_select()
    """

    load_requested = Signal(str)

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
        self.returnPressed.connect(self._on_return)

    def install_completer(self) -> None:
        """Completion from the typed history. Separate from __init__ (the window calls it
        after its first paint): its Qt enums cost start-up time (the Qt namespace ~14 ms)."""
        from PySide6.QtCore import Qt
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
        """Show an address (the final one after redirects) without emitting anything."""
        self.setText(url)
        self.setCursorPosition(0)

    def set_history(self, urls: list[str]) -> None:
        self._model.setStringList(urls)

    def history(self) -> list[str]:
        return self._model.stringList()

    @Slot()
    def focus_and_select(self) -> None:
        from PySide6.QtCore import Qt

        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()
