"""View > Theme, as a user meets it: Dark chosen from the menu, a page loaded through the
address bar from a loopback server, and everything on screen readable (WCAG AA, 4.5:1):
the page's links, code, quotes and headings, the header view, the status line. Light
recolours the page already shown; System gives the desktop's palette back."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from tests.gui.contrast_check import fragment_contrasts, roles_shown, worst
from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.colours import rgb
from ui.shell.main_window import MainWindow
from ui.shell.theme import palette_is_dark
from ui.text.contrast import AA_TEXT, contrast_ratio

PAGE = (
    b"<html><head><title>Colours</title></head><body><h1>A heading</h1>"
    b"<p>Read <a href='/next'>the next page</a> or run <code>make test</code>.</p>"
    b"<blockquote>A quote</blockquote><ul><li>an item</li></ul><img alt='a picture'>"
    b"<pre>preformatted</pre></body></html>"
)


def pair_ratio(palette: QPalette, fg: QPalette.ColorRole, bg: QPalette.ColorRole) -> float:
    return contrast_ratio(rgb(palette.color(fg)), rgb(palette.color(bg)))


def test_the_dark_theme_makes_everything_on_screen_readable(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(http_response(200, PAGE, [("Content-Type", "text/html")])))
    drive.trigger(window, "View", "Theme", "Dark")
    qtbot.waitUntil(lambda: palette_is_dark(window.palette()))
    drive.open_address(qtbot, window, srv.url("/colours.html"))
    assert len(drive.requests_to(srv, "/colours.html")) == 1
    view = window.page.document_view
    assert view.isVisible()
    assert "A heading" in view.toPlainText() and palette_is_dark(view.palette())
    measures = fragment_contrasts(view)
    assert roles_shown(measures) >= {"link", "code", "quote", "muted", ""}
    assert worst(measures)[0] >= AA_TEXT, worst(measures)
    # The header view's panes and status line, and the window's status line.
    header = window.page.header_view
    assert header.isVisible()
    role = QPalette.ColorRole
    assert pair_ratio(header.raw.palette(), role.Text, role.Base) >= AA_TEXT
    assert "200 OK" in header.status_label.text()
    status = [label for label in window.statusBar().findChildren(QLabel) if label.isVisible()]
    assert status and all(
        pair_ratio(label.palette(), role.WindowText, role.Window) >= AA_TEXT for label in status
    )

    # Light: the page already shown is recoloured (not loaded again), and still readable.
    dark_links = {fg for _, kind, _, fg, _ in measures if kind == "link"}
    drive.trigger(window, "View", "Theme", "Light")
    qtbot.waitUntil(lambda: not palette_is_dark(view.palette()))
    qtbot.waitUntil(lambda: worst(fragment_contrasts(view))[0] >= AA_TEXT)
    light_links = {fg for _, kind, _, fg, _ in fragment_contrasts(view) if kind == "link"}
    assert light_links and light_links != dark_links
    assert len(drive.requests_to(srv, "/colours.html")) == 1

    drive.trigger(window, "View", "Theme", "System")
    qtbot.waitUntil(lambda: not palette_is_dark(QApplication.palette()))  # offscreen: light
    assert worst(fragment_contrasts(view))[0] >= AA_TEXT
