"""View > Theme: System, Light or Dark, applied to the whole application.

- **System** follows the desktop: the platform's own palette, and the desktop's colour scheme
  (QStyleHints.colorScheme) as it changes. When the desktop says dark but the platform gives
  a light palette (no platform theme for this desktop, a minimal window manager), Yonder's
  dark palette stands in, so "dark" on the desktop never means dark text on dark.
- **Light** and **Dark** set a palette of Yonder's own on the Fusion style (the style that
  paints with the palette everywhere), whatever the desktop says.

The views never hard-code a text colour: they derive theirs from the palette (ui.colours)
and re-read them on QEvent.PaletteChange, so switching theme recolours a page already shown.
The choice persists in the settings ("view/theme", ui.settings).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QActionGroup, QColor, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QStyleFactory, QWidget

from ui.colours import rgb
from ui.text.contrast import is_dark, readable

if TYPE_CHECKING:
    from ui.settings import Settings


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


#: (theme, menu text), in the menu's order.
THEME_ITEMS: tuple[tuple[Theme, str], ...] = (
    (Theme.SYSTEM, "&System"),
    (Theme.LIGHT, "&Light"),
    (Theme.DARK, "&Dark"),
)
OWN_STYLE = "Fusion"  # paints every control with the palette (native styles may not)


def palette_is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark one: its window colour wants light text."""
    return is_dark(rgb(palette.color(QPalette.ColorRole.Window)))


def dark_palette() -> QPalette:
    """Yonder's dark palette: light grey text on near-black, every pair of text and its
    background at 4.5:1 or more (disabled text excepted, as WCAG does)."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    window, base, text = QColor(43, 43, 46), QColor(30, 30, 32), QColor(230, 230, 230)
    palette = QPalette()
    colours = {
        role.Window: window,
        role.WindowText: text,
        role.Base: base,
        role.AlternateBase: QColor(44, 44, 48),
        role.Text: text,
        role.Button: QColor(53, 53, 57),
        role.ButtonText: text,
        role.BrightText: QColor(255, 120, 120),
        role.Highlight: QColor(53, 110, 196),
        role.HighlightedText: QColor(255, 255, 255),
        role.Link: QColor(110, 175, 255),
        role.LinkVisited: QColor(190, 150, 255),
        role.ToolTipBase: QColor(53, 53, 57),
        role.ToolTipText: text,
        role.PlaceholderText: QColor(160, 160, 160),
        role.Light: QColor(75, 75, 80),
        role.Midlight: QColor(62, 62, 66),
        role.Mid: QColor(40, 40, 43),
        role.Dark: QColor(25, 25, 27),
        role.Shadow: QColor(10, 10, 10),
        role.Accent: QColor(53, 110, 196),
    }
    for name, colour in colours.items():
        palette.setColor(name, colour)
    disabled = QColor(125, 125, 125)
    for name in (role.WindowText, role.Text, role.ButtonText, role.HighlightedText):
        palette.setColor(group.Disabled, name, disabled)
    palette.setColor(group.Disabled, role.Highlight, QColor(70, 70, 74))
    return readable_palette(palette)


def light_palette() -> QPalette:
    """The Fusion style's own light palette: the same on every desktop."""
    style = QStyleFactory.create(OWN_STYLE)
    palette = QPalette(style.standardPalette())
    style.deleteLater()
    return readable_palette(palette)  # (Fusion's selection: white on #308cc6, 3.7:1)


#: (text, its background) pairs of a palette that show text.
TEXT_PAIRS = (
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
)


def readable_palette(palette: QPalette) -> QPalette:
    """``palette`` with each text colour at 4.5:1 on its background (Active and Inactive;
    disabled text is exempt, as in WCAG), and a selection colour its text reads on."""
    role = QPalette.ColorRole
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for fg, bg in TEXT_PAIRS:
            colour = readable(rgb(palette.color(group, fg)), rgb(palette.color(group, bg)))
            palette.setColor(group, fg, QColor(*colour))
        selected = rgb(palette.color(group, role.HighlightedText))
        highlight = readable(rgb(palette.color(group, role.Highlight)), selected)
        palette.setColor(group, role.Highlight, QColor(*highlight))
    return palette


class ThemeSwitcher(QObject):
    """Applies a :class:`Theme` to the application; while System, follows the desktop's
    colour scheme (QStyleHints.colorSchemeChanged). One per application (:func:`switcher`).
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._system_style = app.style().name()  # what the desktop gave, to go back to
        self.theme = Theme.SYSTEM
        self._imposed = False  # a palette of ours is set (else the platform's is in use)
        self._following = True  # colorSchemeChanged re-applies System (not while it applies)
        # What the desktop says (a test stands in for a desktop that turns dark).
        self.desktop_scheme = app.styleHints().colorScheme
        app.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)

    def apply(self, theme: Theme) -> None:
        if theme is not Theme.SYSTEM and theme is self.theme and self._imposed:
            return  # already so (a new palette would re-polish every widget for nothing)
        self.theme = Theme(theme)
        hints = self._app.styleHints()
        if self.theme is Theme.SYSTEM:
            self._following = False  # (unsetColorScheme may say colorSchemeChanged at once)
            hints.unsetColorScheme()
            self._following = True
            if self._imposed:
                self._set_style(self._system_style)
                self._app.setPalette(QPalette())  # empty: resolved against the platform's
                self._imposed = False
            dark_desktop = self.desktop_scheme() == Qt.ColorScheme.Dark
            if dark_desktop and not palette_is_dark(self._app.palette()):
                self._impose(dark_palette())
            return
        # Ask the platform too (Qt 6.8+): native parts (title bar, file dialogs) follow.
        hints.setColorScheme(Qt.ColorScheme.Dark if theme is Theme.DARK else Qt.ColorScheme.Light)
        self._impose(dark_palette() if self.theme is Theme.DARK else light_palette())

    def _impose(self, palette: QPalette) -> None:
        self._set_style(OWN_STYLE)  # first: setStyle resets an unset palette to its own
        self._app.setPalette(palette)
        self._imposed = True

    def _set_style(self, name: str) -> None:
        if self._app.style().name().lower() != name.lower():
            self._app.setStyle(name)

    @Slot(Qt.ColorScheme)
    def _on_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.theme is Theme.SYSTEM and self._following:
            self.apply(Theme.SYSTEM)


def switcher() -> ThemeSwitcher:
    """The application's ThemeSwitcher (made on first use)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication), "a theme needs a QApplication"
    found = app.findChild(ThemeSwitcher)
    return found if isinstance(found, ThemeSwitcher) else ThemeSwitcher(app)


def apply_theme(theme: Theme) -> None:
    switcher().apply(theme)


def build_theme_menu(parent: QWidget, settings: Settings) -> QMenu:
    """View > Theme: System / Light / Dark, one checked (the saved choice, applied now).
    Choosing one applies it to the whole application and saves it."""
    menu = QMenu("&Theme", parent)
    group = QActionGroup(menu)
    group.setExclusive(True)
    current = Theme(settings.theme())
    for theme, text in THEME_ITEMS:
        action = QAction(text, menu)
        action.setCheckable(True)
        action.setData(theme.value)
        action.setChecked(theme is current)
        action.setStatusTip(f"Use the {theme.value} colour theme")
        group.addAction(action)
        menu.addAction(action)

    def chosen(action: QAction) -> None:
        theme = Theme(str(action.data()))
        apply_theme(theme)
        settings.set_theme(theme.value)

    group.triggered.connect(chosen)
    # System with nothing imposed is a no-op, unless the desktop is dark and its palette
    # light: then ours stands in.
    apply_theme(current)
    return menu
