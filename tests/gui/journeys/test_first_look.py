"""Journeys for a first-time user's findings in the window (issue 12: tabs, bookmarks,
history, theme): dialogs sized for what they hold, toolbar icons and the error banner that
follow the Dark theme, the Stream dock's timeline title on screen whole, and the tab menu's
keys. Each goes the user's way (keys, menu actions, links on the page, a right click) and
checks what is on screen: a widget's size against its text, colours against WCAG ratios."""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPalette, qAlpha
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QStyleOptionMenuItem,
    QToolButton,
)
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.journeys.test_bookmarks import back_in_window, go, show, site
from tests.integration.servers import LoopbackServer
from ui.colours import rgb
from ui.shell.main_window import MainWindow
from ui.shell.theme import palette_is_dark
from ui.text.contrast import AA_TEXT, contrast_ratio, is_dark

CTRL = Qt.KeyboardModifier.ControlModifier
#: A page title as long as many are (60 characters).
TYPICAL_TITLE = "Romeo and Juliet — the most excellent and lamentable tragedy"

Look = dict[str, object]
AA_GRAPHICS = 3.0  # WCAG 1.4.11: icons and other graphics against what is beside them


def look_then_answer(qtbot: QtBot, look: Callable[[QDialog], Look], answer: str | None) -> Look:
    """When the next modal dialog opens: ``look(dialog)`` at it as it is shown, then answer
    it as a user does (the text typed into its focused field and Enter; "": Enter, taking
    what the dialog offers; None: Esc). The
    returned dict fills with what ``look`` saw (and "title": the dialog's window title)."""
    seen: Look = {}

    def at_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or not dialog.isVisible():
            QTimer.singleShot(20, at_dialog)
            return
        seen.update(look(dialog), title=dialog.windowTitle())
        field = dialog.focusWidget() or dialog
        if answer is None:
            qtbot.keyClick(field, Qt.Key.Key_Escape)
            return
        if answer:
            qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
            qtbot.keyClicks(field, answer)
        qtbot.keyClick(field, Qt.Key.Key_Return)

    QTimer.singleShot(0, at_dialog)
    return seen


def dialog_fit(dialog: QDialog) -> Look:
    """How ``dialog`` holds its contents: its size against its size hint, each text field's
    width against the text it holds (the room inside its frame), and what is left below the
    button row beyond the layout's margin."""
    layout = dialog.layout()
    assert layout is not None
    buttons = dialog.findChild(QDialogButtonBox)
    assert isinstance(buttons, QDialogButtonBox)
    fields = {}
    for field in dialog.findChildren(QLineEdit):
        if field.isVisible() and field.accessibleName():
            room = field.width() - 8  # the frame and the text margins of a line edit
            fields[field.accessibleName()] = (
                field.fontMetrics().horizontalAdvance(field.text()),
                room,
                field.fontMetrics().averageCharWidth(),
            )
    below = dialog.height() - buttons.geometry().bottom() - 1 - layout.contentsMargins().bottom()
    return {
        "size": (dialog.width(), dialog.height()),
        "hint": (dialog.sizeHint().width(), dialog.sizeHint().height()),
        "fields": fields,
        "below_buttons": below,
    }


def assert_fits(look: Look, texts: tuple[str, ...]) -> None:
    (width, height), (hint_w, hint_h) = look["size"], look["hint"]  # type: ignore[misc]
    assert width >= hint_w and height >= hint_h, look
    assert look["below_buttons"] == 0, f"a strip below the buttons: {look}"
    fields: dict[str, tuple[int, int, int]] = look["fields"]  # type: ignore[assignment]
    for name in texts:
        advance, room, char = fields[name]
        assert advance <= room, f"{name}: its text needs {advance} px, the field shows {room}"
        assert room >= 40 * char, f"{name} is narrower than 40 characters: {room} px"


def test_the_bookmark_and_search_dialogs_show_a_whole_title_and_address(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, romeo=(TYPICAL_TITLE, "But soft, what light"))
    go(qtbot, window, srv.url("/romeo.html"))
    back_in_window(qtbot, window)
    added = look_then_answer(qtbot, dialog_fit, None)
    drive.press(qtbot, Qt.Key.Key_D, CTRL)  # Bookmark This Page…
    qtbot.waitUntil(lambda: "title" in added, timeout=10000)
    assert added["title"] == "Add Bookmark"
    assert_fits(added, ("Bookmark title", "Bookmark address"))
    assert not window.library.bookmarks.folders() and not len(window.library.bookmarks)

    saved = look_then_answer(qtbot, lambda _dialog: {}, "")  # the page's title, as offered
    drive.trigger(window, "Bookmarks", "Bookmark This Page…")
    qtbot.waitUntil(lambda: "title" in saved, timeout=10000)
    drive.trigger(window, "Bookmarks", "Show All Bookmarks")
    show(qtbot, window, "yonder:bookmarks")
    edit = next(h for _, _, h in window.page.document_view.links() if "edit=" in h)
    edited = look_then_answer(qtbot, dialog_fit, None)
    drive.click_link(qtbot, window, edit)
    qtbot.waitUntil(lambda: "title" in edited, timeout=10000)
    assert edited["title"] == "Edit Bookmark"
    assert_fits(edited, ("Bookmark title", "Bookmark address"))

    drive.wait_loaded(qtbot, window)
    back_in_window(qtbot, window)
    drive.press(qtbot, Qt.Key.Key_H, CTRL)
    show(qtbot, window, "yonder:history")
    search = next(h for _, _, h in window.page.document_view.links() if "search=" in h)
    searched = look_then_answer(qtbot, dialog_fit, "lamentable")
    drive.click_link(qtbot, window, search)
    qtbot.waitUntil(lambda: "title" in searched, timeout=10000)
    assert searched["title"] == "Search History"
    assert_fits(searched, ("Words to find",))
    show(qtbot, window, "yonder:history?q=lamentable")
    assert TYPICAL_TITLE in drive.screen_text(window)


def shown_text(menu: QMenu, text: str) -> str:
    """The entry of ``menu`` whose text is ``text`` as the menu paints it: its text, a tab,
    the keys shown at its right (QStyleOptionMenuItem.text)."""
    action = next(a for a in menu.actions() if a.text() == text)
    option = QStyleOptionMenuItem()
    menu.initStyleOption(option, action)
    return option.text


def test_the_tab_menu_shows_the_keys_of_its_entries(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, a=("Page a", "This is a."), b=("Page b", "This is b."))
    drive.open_address(qtbot, window, srv.url("/a.html"))
    drive.open_in_new_tab(qtbot, window, srv.url("/b.html"))
    bar = window.tabs.bar
    menu = drive.right_click(qtbot, window, bar, bar.tabRect(0).center())
    assert shown_text(menu, "Close Tab") == "Close Tab\tCtrl+W"
    assert shown_text(menu, "Reload Tab") == "Reload Tab\tF5"
    assert shown_text(menu, "New Tab") == "New Tab\tCtrl+T"
    assert shown_text(menu, "Reopen Closed Tab") == "Reopen Closed Tab\tCtrl+Shift+T"
    # The menu is wide enough for the keys beside the longest entry.
    metrics = menu.fontMetrics()
    entries = [shown_text(menu, a.text()) for a in menu.actions() if not a.isSeparator()]
    assert menu.width() >= max(metrics.horizontalAdvance(e.replace("\t", "  ")) for e in entries)
    # The entries still act on the tab right-clicked (the first), not the current one.
    drive.choose(qtbot, menu, "Close Tab")
    assert window.tabs.count() == 1 and "This is b." in drive.screen_text(window)


def dominant_opaque(image: QImage) -> QColor:
    """The most frequent colour among ``image``'s fully opaque pixels."""
    counts: Counter[int] = Counter()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixel(x, y)
            if qAlpha(pixel) == 255:
                counts[pixel] += 1
    assert counts, "the icon has no opaque pixel"
    return QColor.fromRgba(counts.most_common(1)[0][0])


def icon_contrasts(window: MainWindow) -> dict[str, float]:
    """Each toolbar icon's colour (its dominant opaque pixel, as the button shows it when
    enabled) against the toolbar's background on screen beside it."""
    toolbar = window.toolbar
    shot = toolbar.grab().toImage()
    found = {}
    for name in ("Back", "Forward", "Reload", "Stop", "Home"):
        action = drive.find_action(window, "Go", name)
        button = toolbar.widgetForAction(action)
        assert isinstance(button, QToolButton) and button.isVisible(), name
        icon = dominant_opaque(action.icon().pixmap(button.iconSize()).toImage())
        corner = button.geometry().topLeft() + QPoint(1, 1)
        background = shot.pixelColor(corner)
        found[name] = contrast_ratio(rgb(icon), rgb(background))
    return found


def test_the_toolbar_icons_follow_the_theme(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, a=("Page a", "This is a."))
    drive.open_address(qtbot, window, srv.url("/a.html"))
    assert min(icon_contrasts(window).values()) >= AA_GRAPHICS, icon_contrasts(window)
    drive.trigger(window, "View", "Theme", "Dark")
    qtbot.waitUntil(lambda: palette_is_dark(window.toolbar.palette()))
    assert min(icon_contrasts(window).values()) >= AA_GRAPHICS, icon_contrasts(window)
    drive.trigger(window, "View", "Theme", "System")  # offscreen: a light palette
    qtbot.waitUntil(lambda: not palette_is_dark(window.toolbar.palette()))
    assert min(icon_contrasts(window).values()) >= AA_GRAPHICS, icon_contrasts(window)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed: connecting is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def row_colours(image: QImage, skip: QRect) -> list[QColor]:
    """The dominant colour of each row of ``image`` outside ``skip`` (a button on it)."""
    rows = []
    for y in range(image.height()):
        counts: Counter[int] = Counter(
            image.pixel(x, y) for x in range(image.width()) if not skip.contains(x, y)
        )
        rows.append(QColor.fromRgb(counts.most_common(1)[0][0]))
    return rows


def test_the_error_banner_follows_the_dark_theme(qtbot: QtBot, window: MainWindow) -> None:
    drive.trigger(window, "View", "Theme", "Dark")  # the first tab's banner exists already
    qtbot.waitUntil(lambda: palette_is_dark(window.palette()))
    address = f"http://127.0.0.1:{closed_port()}/"
    drive.enter_address(qtbot, window, address)
    banner = window.page.error_banner
    qtbot.waitUntil(banner.isVisible)
    assert "Connection refused" in banner.label.text()
    shot = banner.grab().toImage()
    button = banner.retry_button
    assert button.isVisible()
    # Every row of the strip (its border included) is dark: no pale strip, no pale edge.
    rows = row_colours(shot, button.geometry())
    assert all(is_dark(rgb(colour)) for colour in rows), [c.name() for c in rows]
    fill = Counter(c.rgb() for c in rows).most_common(1)[0][0]
    text = banner.label.palette().color(QPalette.ColorRole.WindowText)
    assert contrast_ratio(rgb(text), rgb(QColor.fromRgb(fill))) >= AA_TEXT
    # The Retry button on it is the theme's, not a pale one.
    face = dominant_opaque(button.grab().toImage())
    assert is_dark(rgb(face)), face.name()
    role = QPalette.ColorRole
    palette = button.palette()
    assert contrast_ratio(rgb(palette.color(role.ButtonText)), rgb(face)) >= AA_TEXT

    drive.trigger(window, "View", "Theme", "Light")  # and back: the same banner, light
    qtbot.waitUntil(lambda: not palette_is_dark(banner.palette()))
    rows = row_colours(banner.grab().toImage(), button.geometry())
    assert not any(is_dark(rgb(colour)) for colour in rows), [c.name() for c in rows]


def title_fit(window: MainWindow) -> Look:
    """The Stream dock's timeline title as drawn: its band against the bold font's line and
    the widget, and the grab's rows above the band (nothing may be drawn there: a title
    reaching above its band is cut off at the widget's top)."""
    timeline = window.page.stream.panel.timeline
    assert timeline.isVisible()
    band = timeline.title_rect()
    bold = QFont(timeline.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    shot = timeline.grab().toImage()
    base = shot.pixel(shot.width() // 2, 0)
    above = {shot.pixel(x, y) for y in range(int(band.top())) for x in range(shot.width())}
    ink = {
        shot.pixel(x, y)
        for y in range(int(band.top()), int(band.bottom()))
        for x in range(int(band.left()), int(band.left()) + metrics.height() * 4)
    }
    return {
        "band": (band.top(), band.bottom(), band.height()),
        "line": metrics.height(),
        "widget_height": timeline.height(),
        "title_width": metrics.horizontalAdvance(timeline.fitted_title(timeline._plot_rect())),
        "band_width": band.width(),
        "above_is_blank": above <= {base},
        "title_inked": len(ink - {base}) > 0,
    }


def test_the_timeline_title_fits_its_line(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = site(servers, a=("Page a", "This is a. " * 200))
    if not window.stream_dock.isVisible():
        drive.trigger(window, "View", "Stream (timeline, receive lab)")
    drive.open_address(qtbot, window, srv.url("/a.html"))
    timeline = window.page.stream.panel.timeline
    qtbot.waitUntil(lambda: "done" in timeline.title_text())
    for size in (None, QSize(640, 420)):  # as it opens, then a small window
        if size is not None:
            window.resize(size)
            qtbot.waitUntil(lambda: window.page.stream.panel.timeline.width() < 400)
        fit = title_fit(window)
        top, bottom, height = fit["band"]  # type: ignore[misc]
        assert height >= fit["line"], fit
        assert top > 0 and bottom <= fit["widget_height"], fit  # type: ignore[operator]
        assert fit["title_width"] <= fit["band_width"], fit  # type: ignore[operator]
        assert fit["above_is_blank"] and fit["title_inked"], fit
