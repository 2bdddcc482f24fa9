"""Journeys for a first-time user's findings in the window (issue 12: tabs, bookmarks,
history, theme): dialogs sized for what they hold, toolbar icons and the error banner that
follow the Dark theme, the Stream dock's timeline title on screen whole, and the tab menu's
keys. Each goes the user's way (keys, menu actions, links on the page, a right click) and
checks what is on screen: a widget's size against its text, colours against WCAG ratios."""

from __future__ import annotations

import itertools
import socket
from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QImage, QPalette, qAlpha
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QStyle,
    QStyleOptionFrame,
    QStyleOptionMenuItem,
    QToolButton,
    QWidget,
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


#: Qt's own room each side of a line edit's text inside its contents rect (QLineEditPrivate::
#: horizontalMargin, not a style metric), on every platform.
LINE_EDIT_TEXT_MARGIN = 2


def text_room(field: QLineEdit) -> int:
    """The width a line edit shows its text in, as its style lays it out: the contents
    rect inside its frame (SE_LineEditContents), less its text margins and Qt's own."""
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    contents = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field)
    margins = field.textMargins()
    return contents.width() - margins.left() - margins.right() - 2 * LINE_EDIT_TEXT_MARGIN


def dialog_fit(dialog: QDialog) -> Look:
    """How ``dialog`` holds its contents: its size against its size hint, each text field's
    width against the text it holds (the room inside its frame), and what is left below the
    button row beyond the layout's margin (and how much the style lets a layout leave)."""
    layout = dialog.layout()
    assert layout is not None
    buttons = dialog.findChild(QDialogButtonBox)
    assert isinstance(buttons, QDialogButtonBox)
    fields = {}
    for field in dialog.findChildren(QLineEdit):
        if field.isVisible() and field.accessibleName():
            fields[field.accessibleName()] = (
                field.fontMetrics().horizontalAdvance(field.text()),
                text_room(field),
                field.fontMetrics().averageCharWidth(),
            )
    below = dialog.height() - buttons.geometry().bottom() - 1 - layout.contentsMargins().bottom()
    spacing = dialog.style().pixelMetric(QStyle.PixelMetric.PM_LayoutVerticalSpacing, None, dialog)
    return {
        "size": (dialog.width(), dialog.height()),
        "hint": (dialog.sizeHint().width(), dialog.sizeHint().height()),
        "fields": fields,
        "below_buttons": below,
        "row_spacing": max(spacing, 0),
    }


def assert_fits(look: Look, texts: tuple[str, ...]) -> None:
    (width, height), (hint_w, hint_h) = look["size"], look["hint"]  # type: ignore[misc]
    assert width >= hint_w and height >= hint_h, look
    # The buttons end the dialog: inside it, and no strip below them wider than the space
    # the style puts between two rows (a dialog grown past its contents shows one).
    below: int = look["below_buttons"]  # type: ignore[assignment]
    spacing: int = look["row_spacing"]  # type: ignore[assignment]
    assert 0 <= below <= spacing, f"a strip below the buttons: {look}"
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


def background_of(image: QImage, rect: QRect) -> int:
    """The most frequent pixel of ``rect`` in ``image``: its background."""
    counts = Counter(
        image.pixel(x, y)
        for y in range(rect.top(), rect.bottom() + 1)
        for x in range(rect.left(), rect.right() + 1)
    )
    return counts.most_common(1)[0][0]


def ink_columns(image: QImage, rect: QRect) -> list[int]:
    """The x's of the columns of ``rect`` in ``image`` holding a pixel of another colour
    than its background: where something is drawn."""
    background = background_of(image, rect)
    return [
        x
        for x in range(rect.left(), rect.right() + 1)
        if any(image.pixel(x, y) != background for y in range(rect.top(), rect.bottom() + 1))
    ]


def frame_inside(image: QImage, background: int) -> QRect:
    """``image`` (a popup's grab) without the frame its style paints at its edges, as drawn:
    the outermost columns and rows of one colour end to end, other than ``background``."""

    def edge(line: Callable[[int], list[int]], outer: int, step: int, limit: int) -> int:
        at = outer
        while at != limit and len(set(line(at))) == 1 and line(at)[0] != background:
            at += step
        return at

    width, height = image.width(), image.height()

    def column(x: int) -> list[int]:
        return [image.pixel(x, y) for y in range(height)]

    def row(y: int) -> list[int]:
        return [image.pixel(x, y) for x in range(width)]

    left, right = edge(column, 0, 1, width - 1), edge(column, width - 1, -1, 0)
    top, bottom = edge(row, 0, 1, height - 1), edge(row, height - 1, -1, 0)
    return QRect(QPoint(left, top), QPoint(right, bottom))


def assert_text_and_keys_apart(menu: QMenu, action: QAction) -> None:
    """On the menu as painted, ``action``'s row: its ink ends before the menu's frame
    (nothing cut off), and somewhere between its text and its keys there is a blank gap
    wider than two spaces of the menu's font (the keys stand apart, the longest entry
    included: a menu too narrow for its keys crowds them against the text)."""
    shot = menu.grab().toImage()
    row = menu.actionGeometry(action)
    inside = frame_inside(shot, background_of(shot, row))
    inside = QRect(inside.left(), row.top(), inside.width(), row.height()).intersected(inside)
    ink = ink_columns(shot, inside)
    label = shown_text(menu, action.text())
    assert ink, f"nothing painted for {label!r}"
    assert ink[-1] < inside.right(), f"{label!r} is painted up to the menu's edge"
    space = QFontMetrics(menu.font()).horizontalAdvance(" ")
    gaps = [b - a - 1 for a, b in itertools.pairwise(ink)]
    assert max(gaps) > 2 * space, f"{label!r}: its keys touch its text ({gaps}, space {space})"


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
    # Every entry's text and its keys are painted whole inside the menu, the keys apart
    # from the text (read from the menu as shown, not from how it sized itself).
    for action in menu.actions():
        if not action.isSeparator() and "\t" in shown_text(menu, action.text()):
            assert_text_and_keys_apart(menu, action)
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


def toolbar_backgrounds(toolbar: QWidget, shot: QImage, beside: QRect) -> list[QColor]:
    """The toolbar's own background on screen in each row of ``beside`` (a button): the
    most frequent colour of the row's pixels that no child widget covers (between the
    buttons and at the toolbar's ends, where only the toolbar paints; a style may paint
    it as a gradient, so row by row)."""
    children = [
        child.geometry()
        for child in toolbar.findChildren(QWidget)
        if child.parentWidget() is toolbar and child.isVisible()
    ]
    rows = []
    for y in range(max(beside.top(), 0), min(beside.bottom() + 1, shot.height())):
        counts: Counter[int] = Counter(
            shot.pixel(x, y)
            for x in range(shot.width())
            if not any(rect.contains(x, y) for rect in children)
        )
        assert counts, f"no pixel of the toolbar's own in its row {y}"
        rows.append(QColor.fromRgb(counts.most_common(1)[0][0]))
    return rows


def icon_contrasts(window: MainWindow) -> dict[str, float]:
    """Each toolbar icon's colour (its dominant opaque pixel, as the button shows it when
    enabled) against the toolbar's background on screen beside it (the least of its rows)."""
    toolbar = window.toolbar
    shot = toolbar.grab().toImage()
    found = {}
    for name in ("Back", "Forward", "Reload", "Stop", "Home"):
        action = drive.find_action(window, "Go", name)
        button = toolbar.widgetForAction(action)
        assert isinstance(button, QToolButton) and button.isVisible(), name
        icon = dominant_opaque(action.icon().pixmap(button.iconSize()).toImage())
        backgrounds = toolbar_backgrounds(toolbar, shot, button.geometry())
        found[name] = min(contrast_ratio(rgb(icon), rgb(bg)) for bg in backgrounds)
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


def plot_frame_top(shot: QImage, base: int) -> tuple[int, int, int]:
    """The first row of ``shot`` (the timeline) crossed by one unbroken line of ink at
    least half its width long: the top edge of the plot's frame, where the bars begin
    (y, and the x's of the line's two ends)."""
    for y in range(shot.height()):
        run = 0
        for x in range(shot.width()):
            run = run + 1 if shot.pixel(x, y) != base else 0
            end = x + 1 == shot.width() or shot.pixel(x + 1, y) == base
            if run >= shot.width() // 2 and end:
                return y, x - run + 1, x
    raise AssertionError("no plot frame on the timeline")


def saturated(pixel: int) -> bool:
    """A coloured pixel (the legend's), not the grey or black of text and its edges."""
    return QColor.fromRgb(pixel).hsvSaturation() > 100


def title_fit(window: MainWindow) -> Look:
    """The Stream dock's timeline title line as painted, read from its grab: the rows
    above the plot's frame hold the title (at the left) and the legend (coloured, at the
    right). Where their ink is, against the widget's top, the frame, and each other."""
    timeline = window.page.stream.panel.timeline
    assert timeline.isVisible()
    shot = timeline.grab().toImage()
    base = shot.pixel(shot.width() // 2, 0)
    top_of_plot, plot_left, plot_right = plot_frame_top(shot, base)
    # The title line: above the plot, over its width, less the row just above the frame
    # (the plot's own marks, antialiased lines 1.5 px wide on its top edge, reach into it).
    above = range(top_of_plot - 1)
    across = range(plot_left, plot_right + 1)
    ink_rows = [y for y in above if any(shot.pixel(x, y) != base for x in across)]
    columns = [x for x in across if any(shot.pixel(x, y) != base for y in above)]
    legend = [x for x in columns if any(saturated(shot.pixel(x, y)) for y in above)]
    legend_left = min(legend, default=plot_right + 1)
    # The title's ink: the columns left of the legend, up to the last blank column before it.
    inked = set(columns)
    blank = [x for x in range(plot_left, legend_left) if x not in inked]
    gap = max(blank, default=-1)
    title = [x for x in columns if x < gap]
    return {
        "title_line_bottom": top_of_plot - 2,
        "ink_rows": (min(ink_rows, default=-1), max(ink_rows, default=-1)),
        "title_columns": (min(title, default=-1), max(title, default=-1)),
        "legend_left": legend_left,
        "gap_before_legend": gap,
        "plot": (plot_left, plot_right),
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
    # Its frames stop one after the data: from then on what it paints is the last data.
    qtbot.waitUntil(lambda: not timeline.is_animating())
    for size in (None, QSize(640, 420)):  # as it opens, then a small window
        if size is not None:
            window.resize(size)
            qtbot.waitUntil(lambda: window.page.stream.panel.timeline.width() < 400)
        fit = title_fit(window)
        first, last = fit["ink_rows"]  # type: ignore[misc]
        # Whole, top to bottom: not cut at the widget's top, a blank row above the plot.
        assert first > 0 and last < fit["title_line_bottom"], fit  # type: ignore[operator]
        # Painted at the left, apart from the legend: a blank column between them, so
        # the title does not run under the legend (a long one is elided before it).
        left, right = fit["title_columns"]  # type: ignore[misc]
        plot_left, plot_right = fit["plot"]  # type: ignore[misc]
        assert plot_left <= left < right < fit["gap_before_legend"], fit  # type: ignore[operator]
        assert fit["gap_before_legend"] < fit["legend_left"] <= plot_right, fit  # type: ignore[operator]
        bold = QFont(timeline.font())
        bold.setBold(True)
        # The title holds words, not a sliver: several characters' worth of ink.
        assert right - left > 10 * QFontMetrics(bold).averageCharWidth(), fit
