"""The window showing its current page: the status bar's and Stream dock's page widgets, the
address bar, the title, which actions apply, and the view/encoding choices routed to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ui.page.page_renderer import ViewMode

if TYPE_CHECKING:
    from ui.page.page import Page
    from ui.shell.main_window import MainWindow


class PageDisplay:
    """What of the current page the window shows, and keeps in step with it."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._shown_status: list[QWidget] = []

    def show_page(self, old: Page | None, page: Page) -> None:
        window = self._window
        bar = window.statusBar()
        for widget in self._shown_status:
            bar.removeWidget(widget)  # hidden, kept by its page
        if window.status_placeholder is not None:
            bar.removeWidget(window.status_placeholder)
            window.status_placeholder.deleteLater()
            window.status_placeholder = None
        widgets = page.status_widgets()
        bar.addWidget(widgets[0], 1)
        for widget in widgets[1:]:
            bar.addPermanentWidget(widget)
        for widget in widgets:
            widget.show()
        self._shown_status = widgets
        window.services.stream_stack.setCurrentWidget(page.stream)
        bar.clearMessage()
        self.show_url(page.url)
        self.update_actions()

    def refresh_status(self) -> None:
        """The page's status widgets changed (a Save Page's progress appeared)."""
        page = self._window.page
        if page.status_widgets() != self._shown_status:
            self.show_page(page, page)

    def show_url(self, url: str) -> None:
        self._window.address_bar.set_url(url)

    def show_title(self, title: str) -> None:
        self._window.setWindowTitle(f"{title} — Yonder" if title else "Yonder")

    def show_link(self, url: str) -> None:
        # Where a link leads, before following it (as every browser shows it).
        bar = self._window.statusBar()
        if url:
            bar.showMessage(url)
        else:
            bar.clearMessage()

    def update_actions(self) -> None:
        window = self._window
        page, c = window.page, window.commands
        self.refresh_status()
        self.show_title(page.title)
        c.back_action.setEnabled(page.history.can_go_back)
        c.forward_action.setEnabled(page.history.can_go_forward)
        c.stop_action.setEnabled(page.is_loading)
        c.reload_action.setEnabled(bool(page.url))
        for action in (c.save_page_action, c.save_headers_action):
            action.setEnabled(page.has_body)
        c.view_group.setEnabled(page.has_body)
        c.encoding_menu.setEnabled(page.has_body)
        c.view_actions[page.view_mode].setChecked(True)
        override = page.encoding_override
        c.encoding_actions.get(override, c.encoding_actions[None]).setChecked(True)
        c.curl_action.setEnabled(page.can_copy_curl)
        c.close_tab_action.setEnabled(True)
        c.reopen_tab_action.setEnabled(window.tabs_controller.can_reopen)

    def set_view_mode(self, mode: str) -> None:
        page = self._window.page
        page.set_view_mode(ViewMode(mode))
        self.update_actions()

    def set_encoding(self, label: str | None) -> None:
        self._window.page.set_encoding(label)
        self.update_actions()

    def panes(self) -> list[QWidget]:
        """What F6 cycles through, in order: the address bar, the document, the header view
        and (when shown) the Stream dock."""
        window = self._window
        page = window.page
        panes: list[QWidget] = [window.address_bar, page.document_view, page.header_view]
        if window.stream_dock.isVisible():
            panes.append(window.stream_dock)
        return panes

    def cycle_focus(self, forward: bool = True) -> None:
        """F6 / Shift+F6: the keyboard focus to the next (previous) pane."""
        window = self._window
        panes = self.panes()
        focus = QApplication.focusWidget()
        here = next(
            (i for i, p in enumerate(panes) if focus is p or (focus and p.isAncestorOf(focus))),
            None,
        )
        if here is None:
            target = panes[0] if forward else panes[-1]
        else:
            target = panes[(here + (1 if forward else -1)) % len(panes)]
        if target is window.address_bar:
            window.address_bar.focus_and_select()
            return
        if target is window.page.header_view:
            target = window.page.header_view.tabs.currentWidget() or target  # the tab on show
        if not target.focusPolicy() & Qt.FocusPolicy.TabFocus:
            # A container (the dock): its first control that takes the focus.
            target = next(
                (
                    child
                    for child in target.findChildren(QWidget)
                    if child.isVisible()
                    and child.isEnabled()
                    and child.focusPolicy() & Qt.FocusPolicy.TabFocus
                ),
                target,
            )
        target.setFocus(Qt.FocusReason.OtherFocusReason)
