"""Take the README's screenshots from loopback servers, in the real window (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshot.py [rendered|drip] [OUT.png]

- ``rendered`` (default): docs/article.html served from 127.0.0.1, captured when loaded
  (docs/rendered.png).
- ``drip``: a slow drip from the built-in demo server with the classic 512-byte receive
  buffer, captured mid-transfer with the Stream dock showing the live timeline (docs/drip.png).
- ``tabs``: the Dark theme, two tabs (the article, and the demo server's index behind it),
  the article's link hints showing after ``f`` (docs/tabs.png).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.integration.servers import LoopbackServer, http_response, respond  # noqa: E402
from ui.app import main  # noqa: E402

DRIP_PATH = "/drip?bytes=24000&delay=0.03&piece=200"
DRIP_CAPTURE_AFTER_S = 2.2  # ~70 pieces of 120 in: mid-transfer


def rendered(out: str) -> int:
    page = (HERE / "article.html").read_bytes()
    raw = http_response(200, page, [("Content-Type", "text/html; charset=utf-8")])
    with LoopbackServer(respond(raw)) as server:
        return main(["--screenshot", out, server.url("/2026/how-a-page-travels.html")])


def demo_window(tmp: str, theme: str | None = None) -> tuple[Any, str | None]:
    """A whole window on settings of its own in ``tmp`` (never saved), with the demo server
    started: (window, the demo's base URL or None when it did not start, said on stderr)."""
    from PySide6.QtCore import QSettings

    from ui.app import tune_runtime
    from ui.settings import Settings
    from ui.shell.main_window import MainWindow

    settings = Settings(QSettings(str(Path(tmp) / "shot.ini"), QSettings.Format.IniFormat))
    if theme is not None:
        settings.set_theme(theme)  # as View > Theme leaves it
    window = MainWindow(settings)
    window.persist_settings = False
    tune_runtime()
    base = window.start_demo()
    if base is None:
        print(f"screenshot: {window.services.demo_error}", file=sys.stderr)
    return window, base


def drip(out: str) -> int:
    from PySide6.QtCore import QTimer

    from ui.app import create_application

    app = create_application([])
    with tempfile.TemporaryDirectory() as tmp:
        window, base = demo_window(tmp)
        if base is None:
            return 1
        window.lab.set_recv_size(512)
        window.show()
        window.load(base.rstrip("/") + DRIP_PATH)
        code = {"value": 1}

        def capture() -> None:
            window.page.document_view.flush_pending()
            app.processEvents()
            if window.grab().save(out, "PNG"):
                code["value"] = (
                    0 if window.page.is_loading else 1
                )  # 1: it was no longer mid-transfer
                print(
                    f"screenshot: saved {out} (loading: {window.page.is_loading})", file=sys.stderr
                )
            window.close()
            app.quit()

        QTimer.singleShot(int(DRIP_CAPTURE_AFTER_S * 1000), capture)
        app.exec()
        return code["value"]


def tabs(out: str) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest

    from ui.app import create_application
    from ui.shell.theme import Theme

    app = create_application([])
    page = (HERE / "article.html").read_bytes()
    raw = http_response(200, page, [("Content-Type", "text/html; charset=utf-8")])
    with tempfile.TemporaryDirectory() as tmp, LoopbackServer(respond(raw)) as server:
        window, base = demo_window(tmp, Theme.DARK)
        if base is None:
            return 1
        window.resize(1100, 720)
        window.show()
        window.activateWindow()  # the keyboard focus is the page's, as a user's click gives it
        window.load(server.url("/2026/how-a-page-travels.html"))
        window.tabs_controller.open_in_new_tab(base, window.page)
        code = {"value": 1}

        def capture() -> None:
            view = window.page.document_view
            if window.page.load_ok is None or window.page.rendering:
                QTimer.singleShot(50, capture)
                return
            view.setFocus()
            QTest.keyClick(view, Qt.Key.Key_F)  # the link hints
            QTimer.singleShot(300, grab)  # the Stream dock's views draw on their frame timers

        def grab() -> None:
            app.processEvents()
            if window.grab().save(out, "PNG"):
                code["value"] = 0
                print(f"screenshot: saved {out}", file=sys.stderr)
            window.close()
            app.quit()

        # After the tables' re-layout for the window's width (it renders the page again).
        QTimer.singleShot(800, capture)
        app.exec()
        return code["value"]


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "rendered"
    shots = {"rendered": rendered, "drip": drip, "tabs": tabs}
    if what not in shots:
        sys.exit(f"usage: docs/screenshot.py [rendered|drip|tabs] [OUT.png]; got {what!r}")
    target = sys.argv[2] if len(sys.argv) > 2 else str(HERE / f"{what}.png")
    sys.exit(shots[what](target))
