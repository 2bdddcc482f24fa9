"""The window's commands: every QAction, its keys, and the menus and toolbar that show them.

Built once the first frame is on screen (ui/shell/main_window.py's deferred build); the
window connects each action to what it does in one place (MainWindow._connect_signals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QMenu

from ui.page.page_renderer import ViewMode
from ui.shell.icons import toolbar_icon
from ui.shell.theme import build_theme_menu

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

#: (menu text, codec label or None for Auto): View > Encoding.
ENCODINGS: tuple[tuple[str, str | None], ...] = (
    ("Auto (as the page declares)", None),
    ("Unicode (UTF-8)", "utf-8"),
    ("Western (windows-1252)", "windows-1252"),
    ("Western (ISO-8859-1)", "iso-8859-1"),
    ("Western (ISO-8859-15)", "iso-8859-15"),
    ("Central European (windows-1250)", "windows-1250"),
    ("Cyrillic (windows-1251)", "windows-1251"),
    ("Cyrillic (KOI8-R)", "koi8-r"),
    ("Greek (windows-1253)", "windows-1253"),
    ("Japanese (Shift_JIS)", "shift_jis"),
    ("Japanese (EUC-JP)", "euc-jp"),
    ("Chinese Simplified (GB18030)", "gb18030"),
    ("Chinese Traditional (Big5)", "big5"),
    ("Korean (EUC-KR)", "euc-kr"),
    ("Unicode (UTF-16LE)", "utf-16-le"),
    ("Unicode (UTF-16BE)", "utf-16-be"),
)


class WindowCommands:
    """The window's actions, by name, and the menus they are in."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        add = self._action
        self.back_action = add("Back", None, "Alt+Left")
        self.forward_action = add("Forward", None, "Alt+Right")
        self.reload_action = add("Reload", None, "F5", "Ctrl+R")
        self.stop_action = add("Stop", None, "Esc")
        self.home_action = add("Home", None, "Alt+Home")
        #: The toolbar's icons by name (ui.shell.icons); drawn in the palette's colours.
        self.icon_actions = {
            "back": self.back_action,
            "forward": self.forward_action,
            "reload": self.reload_action,
            "stop": self.stop_action,
            "home": self.home_action,
        }
        self.recolour_icons()
        self.focus_address_action = add("Go to address bar", None, "Ctrl+L")
        self.new_tab_action = add("New Tab", None, "Ctrl+T")
        self.close_tab_action = add("Close Tab", None, "Ctrl+W")
        self.reopen_tab_action = add("Reopen Closed Tab", None, "Ctrl+Shift+T")
        self.next_tab_action = add("Next Tab", None, "Ctrl+Tab", "Ctrl+PgDown")
        self.previous_tab_action = add("Previous Tab", None, "Ctrl+Shift+Tab", "Ctrl+PgUp")
        self.close_action = add("Close Window", None, "Ctrl+Shift+W")
        self.quit_action = add("Quit", None, "Ctrl+Q")
        # Alt+1 … Alt+9: jump to a tab (window shortcuts, in no menu).
        self.tab_jump_actions = [add(f"Tab {n}", None, f"Alt+{n}") for n in range(1, 10)]
        # F6 / Shift+F6: address bar -> document -> header view -> Stream dock, as browsers
        # move between their panes (window shortcuts, in no menu).
        self.next_pane_action = add("Next pane", None, "F6")
        self.previous_pane_action = add("Previous pane", None, "Shift+F6")

        # Views: one checkable action each, exclusive; the toolbar shows them as text buttons.
        self.view_group = QActionGroup(window)
        self.view_actions: dict[ViewMode, QAction] = {}
        for mode, text, keys in (
            (ViewMode.RENDERED, "Rendered", ("Ctrl+1",)),
            (ViewMode.SOURCE, "Source", ("Ctrl+2", "Ctrl+U")),
            (ViewMode.WIRE, "Wire", ("Ctrl+3",)),
        ):
            action = add(text, None, *keys)
            action.setCheckable(True)
            action.setData(mode.value)
            self.view_group.addAction(action)
            self.view_actions[mode] = action
        self.view_actions[ViewMode.RENDERED].setChecked(True)

        self.save_page_action = add("Save Page…", None, "Ctrl+S")
        self.save_headers_action = add("Save Headers…", None, "Ctrl+Shift+S")
        self.download_action = add("Download…", None, "Ctrl+Shift+D")
        self.curl_action = add("Copy as curl", None, "Ctrl+Shift+C")
        self.find_action = add("Find…", None, "Ctrl+F")
        self.find_next_action = add("Find Next", None, "F3")
        self.find_previous_action = add("Find Previous", None, "Shift+F3")
        self.zoom_in_action = add("Zoom In", None, "Ctrl++", "Ctrl+=")
        self.zoom_out_action = add("Zoom Out", None, "Ctrl+-")
        self.zoom_reset_action = add("Actual Size", None, "Ctrl+0")
        self.wrap_action = add("Word Wrap", None, "Alt+Z")
        self.wrap_action.setCheckable(True)
        # lynx's numbered links: every link shows its number; digits + Enter follow one.
        self.numbered_links_action = add("Numbered Links", None)
        self.numbered_links_action.setCheckable(True)
        self.numbered_links_action.setToolTip(
            "Show each link's number, as lynx does: type a number and Enter to follow it"
            " (f labels the links on screen instead)"
        )
        self.downloads_action = add("Downloads", None)
        # Ctrl+Shift+E, as Firefox's network monitor (Ctrl+T is New Tab).
        self.stream_action = window.stream_dock.toggleViewAction()
        self.stream_action.setText("Stream (timeline, receive lab)")
        self.stream_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.stream_action.setToolTip("Show or hide the Stream dock (Ctrl+Shift+E)")
        window.addAction(self.stream_action)
        # Two plain actions, each saying what it does (a checkable "Stop" read backwards).
        self.demo_action = add("Start Demo Server", None)
        self.demo_action.setToolTip(
            "Start the built-in demo server (127.0.0.1 only) and open its index: drips, large "
            "and chunked bodies, gzip, redirects, errors"
        )
        self.demo_stop_action = add("Stop Demo Server", None)
        self.demo_stop_action.setToolTip("Stop the built-in demo server")
        self.demo_stop_action.setEnabled(False)
        self.keys_action = add("Keys", None)
        self.keys_action.setToolTip("Every key of the window")
        self.about_action = add("About Yonder", None, "F1")

        self.encoding_group = QActionGroup(window)
        self.encoding_actions: dict[str | None, QAction] = {}
        for text, label in ENCODINGS:
            action = QAction(text, window)
            action.setCheckable(True)
            action.setData(label or "")
            self.encoding_group.addAction(action)
            self.encoding_actions[label] = action
        self.encoding_actions[None].setChecked(True)
        self.encoding_menu = QMenu("&Encoding", window)
        self._fill_toolbar()
        self._fill_menus()

    def recolour_icons(self) -> None:
        """The toolbar's icons in the window's text colour: at the start, and again whenever
        the palette changes (a theme chosen, the desktop's changed under System)."""
        palette = self._window.palette()
        for name, action in self.icon_actions.items():
            action.setIcon(toolbar_icon(name, palette))

    def _action(self, text: str, icon: QIcon | None, *keys: str) -> QAction:
        action = QAction(text, self._window)
        if icon is not None:
            action.setIcon(icon)
        action.setShortcuts([QKeySequence(k) for k in keys])
        shortcut_text = ", ".join(QKeySequence(k).toString() for k in keys)
        action.setToolTip(f"{text} ({shortcut_text})" if keys else text)
        # Shortcuts work wherever the focus is in the window (even where no menu shows it).
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self._window.addAction(action)
        return action

    def _fill_toolbar(self) -> None:
        window = self._window
        toolbar = window.toolbar
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        window.remove_toolbar_lead()
        for action in (
            self.back_action,
            self.forward_action,
            self.reload_action,
            self.stop_action,
            self.home_action,
        ):
            toolbar.insertAction(window.address_action, action)
        for action in self.view_group.actions():
            toolbar.addAction(action)

    def _fill_menus(self) -> None:
        window = self._window
        file_menu = window.file_menu
        file_menu.addActions([self.new_tab_action, self.focus_address_action])
        file_menu.addSeparator()
        file_menu.addActions([self.save_page_action, self.save_headers_action])
        file_menu.addAction(self.download_action)
        file_menu.addSeparator()
        file_menu.addActions([self.close_tab_action, self.reopen_tab_action])
        file_menu.addActions([self.close_action, self.quit_action])
        edit_menu = window.edit_menu
        edit_menu.addAction(self.curl_action)
        edit_menu.addSeparator()
        edit_menu.addActions([self.find_action, self.find_next_action, self.find_previous_action])
        view_menu = window.view_menu
        view_menu.addActions(self.view_group.actions())
        view_menu.addSeparator()
        self.encoding_menu.addActions(self.encoding_group.actions())
        self.encoding_menu.insertSeparator(self.encoding_group.actions()[1])
        view_menu.addMenu(self.encoding_menu)
        view_menu.addSeparator()
        view_menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        view_menu.addAction(self.wrap_action)
        view_menu.addAction(self.numbered_links_action)
        view_menu.addMenu(build_theme_menu(window, window.settings))  # System / Light / Dark
        view_menu.addSeparator()
        view_menu.addAction(self.stream_action)
        view_menu.addAction(self.downloads_action)
        go_menu = window.go_menu
        go_menu.addActions(
            [
                self.back_action,
                self.forward_action,
                self.home_action,
                self.reload_action,
                self.stop_action,
            ]
        )
        go_menu.addSeparator()
        go_menu.addActions([self.next_tab_action, self.previous_tab_action])
        go_menu.addSeparator()
        go_menu.addActions([self.demo_action, self.demo_stop_action])
        window.help_menu.addActions([self.keys_action, self.about_action])
