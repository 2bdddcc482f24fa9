"""A tab bar over a stack of pages, without QTabWidget's pane frame (it took 2 px each side
from the page, which the first frame's layout cannot know before it is shown)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QMouseEvent
from PySide6.QtWidgets import QStackedWidget, QTabBar, QVBoxLayout, QWidget


class PageTabBar(QTabBar):
    """Browser tabs: closable, movable, elided; a middle click closes the tab under it; the
    bar hides itself while there is one tab (qutebrowser's "tabs.show: multiple")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setUsesScrollButtons(True)
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self.setExpanding(False)
        self.setAutoHide(True)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        index = self.tabAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.MiddleButton and index >= 0:
            self.tabCloseRequested.emit(index)
            return
        super().mouseReleaseEvent(event)


class TabStack(QWidget):
    """The tabs and their pages, in tab order (moving a tab moves its page).

    Signals: currentChanged(int index), tabCloseRequested(int index) (the bar's).
    """

    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = PageTabBar()
        self.stack = QStackedWidget()
        self._pages: list[QWidget] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)
        self.tabCloseRequested = self.bar.tabCloseRequested
        self.bar.currentChanged.connect(self._on_current_changed)
        self.bar.tabMoved.connect(self._on_moved)

    def count(self) -> int:
        return len(self._pages)

    def widget(self, index: int) -> QWidget | None:
        return self._pages[index] if 0 <= index < len(self._pages) else None

    def indexOf(self, widget: QWidget) -> int:
        return self._pages.index(widget) if widget in self._pages else -1

    def currentIndex(self) -> int:
        return self.bar.currentIndex()

    def currentWidget(self) -> QWidget | None:
        return self.widget(self.currentIndex())

    def insertTab(self, index: int, widget: QWidget, text: str) -> int:
        index = max(0, min(index, len(self._pages)))
        self._pages.insert(index, widget)
        self.stack.addWidget(widget)
        if len(self._pages) == 1:
            self.stack.setCurrentWidget(widget)
        return self.bar.insertTab(index, text)

    def addTab(self, widget: QWidget, text: str) -> int:
        return self.insertTab(len(self._pages), widget, text)

    def removeTab(self, index: int) -> None:
        widget = self._pages.pop(index)
        self.bar.removeTab(index)  # the bar picks the next current tab
        self.stack.removeWidget(widget)
        current = self.currentWidget()
        if current is not None:
            self.stack.setCurrentWidget(current)

    def setCurrentIndex(self, index: int) -> None:
        self.bar.setCurrentIndex(index)

    def setCurrentWidget(self, widget: QWidget) -> None:
        self.bar.setCurrentIndex(self.indexOf(widget))

    def setTabText(self, index: int, text: str) -> None:
        self.bar.setTabText(index, text)

    def setTabToolTip(self, index: int, text: str) -> None:
        self.bar.setTabToolTip(index, text)

    def setTabIcon(self, index: int, icon: QIcon) -> None:
        self.bar.setTabIcon(index, icon)

    def tabText(self, index: int) -> str:
        return self.bar.tabText(index)

    def _on_current_changed(self, index: int) -> None:
        widget = self.widget(index)
        if widget is not None:
            self.stack.setCurrentWidget(widget)
        self.currentChanged.emit(index)

    def _on_moved(self, origin: int, to: int) -> None:
        self._pages.insert(to, self._pages.pop(origin))
