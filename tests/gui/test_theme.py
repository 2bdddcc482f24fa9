"""View > Theme: the palettes, System following the desktop, and every text colour of the
document and header views readable (WCAG AA, 4.5:1) on light and on dark, a page already
shown recoloured when the theme changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.contrast_check import fragment_contrasts, roles_shown, worst
from tests.gui.journeys import drive
from ui.colours import rgb, status_colour, text_colours
from ui.page.document_view import DocumentView
from ui.page.error_page import ErrorBanner, error_segments
from ui.page.header_view import HeaderView
from ui.page.notice_bar import NoticeBar
from ui.page.page_renderer import PageRenderer, ViewMode
from ui.settings import Settings
from ui.shell.main_window import MainWindow
from ui.shell.theme import (
    TEXT_PAIRS,
    Theme,
    apply_theme,
    build_theme_menu,
    dark_palette,
    light_palette,
    palette_is_dark,
    switcher,
)
from ui.text.body_store import BodyStore
from ui.text.contrast import AA_TEXT, WHITE, contrast_ratio, is_dark

# Every style the HTML renderer colours: links, code, quotes, list markers, images, forms,
# rules, headings.
PAGE = (
    b"<html><head><title>Colours</title></head><body><h1>Heading</h1><h2>Sub</h2>"
    b"<p>Text with a <a href='/x'>link</a>, <code>code()</code> and <em>emphasis</em>.</p>"
    b"<blockquote>A quote</blockquote><ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
    b"<img alt='a picture'><hr><form><input name=q value=v><button>Go</button></form>"
    b"<pre>pre text</pre><p><del>gone</del> <strong>strong</strong></p></body></html>"
)
HTML_ROLES = {"link", "code", "quote", "muted"}
WIRE_ROLES = {"marker", "head-end"}  # the Wire view's CRLF markers and end-of-head line
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"


def render_page(
    qtbot: QtBot, view: DocumentView, mode: ViewMode = ViewMode.RENDERED
) -> PageRenderer:
    view.clear_document()
    store = BodyStore()
    store.begin("http://h/", headers=(("Content-Type", "text/html"),), head_raw=HEAD)
    renderer = PageRenderer(view)
    renderer.start(store, mode)
    store.append(PAGE, PAGE)
    store.finish(True)
    renderer.poke()
    qtbot.waitUntil(lambda: not renderer.busy and not view.has_pending(), timeout=10_000)
    # The error section as a failed load appends it: error, muted, heading, link, code lines.
    view.append_segments(
        error_segments("http://h/", "Read", "ReadTimeout: no data for 10 s", "ReadTimeout", 120)
    )
    view.flush_pending()
    return renderer


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[DocumentView]:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    yield widget


@pytest.fixture(params=[Theme.LIGHT, Theme.DARK])
def theme(request: pytest.FixtureRequest) -> Iterator[Theme]:
    apply_theme(request.param)
    yield request.param
    apply_theme(Theme.SYSTEM)


def test_the_palettes() -> None:
    assert palette_is_dark(dark_palette()) and not palette_is_dark(light_palette())
    for palette in (dark_palette(), light_palette()):
        for fg, bg in (
            *TEXT_PAIRS,
            (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
        ):
            ratio = contrast_ratio(rgb(palette.color(fg)), rgb(palette.color(bg)))
            assert ratio >= AA_TEXT, (fg, bg, ratio)


def test_dark_then_system_gives_the_platform_palette_back(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = widget.palette().color(QPalette.ColorRole.Base).name()
    apply_theme(Theme.DARK)
    try:
        qtbot.waitUntil(lambda: palette_is_dark(widget.palette()))
        assert QApplication.style().name().lower() == "fusion"
    finally:
        apply_theme(Theme.SYSTEM)
    qtbot.waitUntil(lambda: widget.palette().color(QPalette.ColorRole.Base).name() == before)


def test_system_follows_a_desktop_that_turns_dark(qtbot: QtBot) -> None:
    themes = switcher()
    original = themes.desktop_scheme
    scheme = [Qt.ColorScheme.Light]
    themes.desktop_scheme = lambda: scheme[0]
    hints = QApplication.styleHints()
    try:
        apply_theme(Theme.SYSTEM)
        assert not palette_is_dark(QApplication.palette())
        # The desktop says dark, but the platform's palette stays light (no platform
        # theme, as offscreen): Yonder's dark palette stands in.
        scheme[0] = Qt.ColorScheme.Dark
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert palette_is_dark(QApplication.palette())
        scheme[0] = Qt.ColorScheme.Light
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert not palette_is_dark(QApplication.palette())
        # Light chosen: the desktop turning dark changes nothing.
        apply_theme(Theme.LIGHT)
        scheme[0] = Qt.ColorScheme.Dark
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert not palette_is_dark(QApplication.palette())
    finally:
        themes.desktop_scheme = original
        apply_theme(Theme.SYSTEM)


def test_every_text_format_of_the_document_view_is_readable(
    qtbot: QtBot, view: DocumentView, theme: Theme
) -> None:
    qtbot.waitUntil(lambda: palette_is_dark(view.palette()) == (theme is Theme.DARK))
    render_page(qtbot, view)
    measures = fragment_contrasts(view)
    assert roles_shown(measures) >= HTML_ROLES | {"error", "code-block", ""}
    assert worst(measures)[0] >= AA_TEXT, worst(measures)
    render_page(qtbot, view, ViewMode.WIRE)
    measures = fragment_contrasts(view)
    assert roles_shown(measures) >= WIRE_ROLES
    assert worst(measures)[0] >= AA_TEXT, worst(measures)


def test_a_page_already_shown_is_recoloured(qtbot: QtBot, view: DocumentView) -> None:
    apply_theme(Theme.LIGHT)
    try:
        qtbot.waitUntil(lambda: not palette_is_dark(view.palette()))
        render_page(qtbot, view)
        light_link = view.colours.link.name()
        apply_theme(Theme.DARK)
        qtbot.waitUntil(lambda: palette_is_dark(view.palette()))
        # The text on screen is recoloured in timed pieces: until all of it reads on dark.
        qtbot.waitUntil(lambda: worst(fragment_contrasts(view))[0] >= AA_TEXT)
        assert view.colours.link.name() != light_link
        measures = fragment_contrasts(view)
        assert roles_shown(measures) >= HTML_ROLES | {"error"}
        assert worst(measures)[0] >= AA_TEXT, worst(measures)
        links = {fg for _, role, _, fg, _ in measures if role == "link"}
        assert links == {view.colours.link.name()}
    finally:
        apply_theme(Theme.SYSTEM)


def test_the_header_view_is_readable(qtbot: QtBot, theme: Theme) -> None:
    header = HeaderView()
    qtbot.addWidget(header)
    header.show()
    # Its status chips: white on the status colour (the same in every theme).
    for status in (101, 200, 302, 404, 503, 999):
        assert contrast_ratio(rgb(status_colour(status)), WHITE) >= AA_TEXT, status
    palette = header.raw.palette()
    text = rgb(palette.color(QPalette.ColorRole.Text))
    assert contrast_ratio(text, rgb(palette.color(QPalette.ColorRole.Base))) >= AA_TEXT
    label = header.status_label.palette()
    assert (
        contrast_ratio(
            rgb(label.color(QPalette.ColorRole.WindowText)),
            rgb(label.color(QPalette.ColorRole.Window)),
        )
        >= AA_TEXT
    )


@pytest.mark.parametrize(("first", "then"), [("Light", "Dark"), ("Dark", "Light")])
def test_the_strips_are_readable_and_follow_the_theme(
    qtbot: QtBot, window: MainWindow, first: str, then: str
) -> None:
    # The window's own strips, in its page: a strip there gets no ApplicationPaletteChange
    # of its own. The themes are chosen as a user does, View > Theme.
    drive.trigger(window, "View", "Theme", first)
    # The theme's palette reaches the window's widgets from the event loop.
    qtbot.waitUntil(lambda: window.palette() == QApplication.palette())
    assert palette_is_dark(window.palette()) == (first == "Dark")
    banner, notice = window.page.error_banner, window.page.notice_bar
    banner.show_error("Could not connect")
    notice.show_notice("Shown up to 32 MB", offer_save=True)
    qtbot.waitUntil(lambda: banner.isVisible() and notice.isVisible())
    assert_strips_read_in(banner, notice, dark=first == "Dark")
    drive.trigger(window, "View", "Theme", then)
    qtbot.waitUntil(lambda: window.palette() == QApplication.palette())
    qtbot.waitUntil(lambda: is_dark(rgb(banner.colours()[0])) == (then == "Dark"))
    qtbot.waitUntil(lambda: is_dark(rgb(notice.colours()[0])) == (then == "Dark"))
    assert_strips_read_in(banner, notice, dark=then == "Dark")


def assert_strips_read_in(banner: ErrorBanner, notice: NoticeBar, dark: bool) -> None:
    """Each strip as it paints itself now (its fill, border and its label's text, from
    the palette it inherits in the window): the theme's colours, the text readable on it."""
    theme = text_colours(QApplication.palette())
    assert banner.colours() == (
        theme.error_strip,
        theme.error_strip_border,
        theme.error_strip_text,
    )
    assert notice.colours() == (theme.info_strip, theme.info_strip_border, theme.info_strip_text)
    text_role = QPalette.ColorRole.WindowText
    for strip in (banner, notice):
        fill, border, text = strip.colours()
        name = strip.accessibleName()
        assert is_dark(rgb(fill)) == dark and is_dark(rgb(border)) == dark, (name, fill.name())
        assert contrast_ratio(rgb(text), rgb(fill)) >= AA_TEXT, (name, text.name(), fill.name())
        assert strip.label.palette().color(text_role) == text, name


def test_the_theme_menu_applies_and_saves(
    qtbot: QtBot, make_settings: Callable[[], Settings]
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    settings = make_settings()
    menu = build_theme_menu(parent, settings)
    actions = {a.text().replace("&", ""): a for a in menu.actions()}
    assert list(actions) == ["System", "Light", "Dark"]
    assert actions["System"].isChecked()
    try:
        actions["Dark"].trigger()
        assert actions["Dark"].isChecked() and not actions["System"].isChecked()
        assert palette_is_dark(QApplication.palette())
        assert make_settings().theme() == "dark"
        # The next start: the saved theme is checked and applied when the menu is built.
        apply_theme(Theme.SYSTEM)
        again = build_theme_menu(parent, make_settings())
        assert [a.isChecked() for a in again.actions()] == [False, False, True]
        assert palette_is_dark(QApplication.palette())
        actions["System"].trigger()
        assert not palette_is_dark(QApplication.palette())
        assert make_settings().theme() == "system"
    finally:
        apply_theme(Theme.SYSTEM)


def test_a_bad_saved_theme_is_system(make_settings: Callable[[], Settings]) -> None:
    settings = make_settings()
    settings.store.setValue("view/theme", "purple")
    assert settings.theme() == "system"
    settings.set_theme("dark")
    assert make_settings().theme() == "dark"


def test_the_fixed_pairs_are_readable_in_any_theme() -> None:
    """What keeps its own colours whatever the palette (a label and its own background):
    link hints, find highlights, the decode-per-chunk mark."""
    from ui.page import find_bar, link_hints
    from ui.stream import decode_compare

    black = (0, 0, 0)
    pairs = {
        "hint": (rgb(link_hints.LABEL_TEXT), rgb(link_hints.HINT_BACKGROUND)),
        "hint typed": (rgb(link_hints.HINT_TYPED), rgb(link_hints.HINT_BACKGROUND)),
        "number": (rgb(link_hints.LABEL_TEXT), rgb(link_hints.NUMBER_BACKGROUND)),
        "pill": (rgb(link_hints.PILL_TEXT), rgb(link_hints.PILL_BACKGROUND)),
        "match": (black, rgb(find_bar.MATCH_COLOUR)),
        "current match": (black, rgb(find_bar.CURRENT_COLOUR)),
        "decode mark": (
            rgb(decode_compare.MARK_FOREGROUND),
            rgb(decode_compare.MARK_BACKGROUND),
        ),
    }
    for name, (fg, bg) in pairs.items():
        assert contrast_ratio(fg, bg) >= AA_TEXT, name
