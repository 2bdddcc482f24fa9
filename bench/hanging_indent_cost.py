"""What the hanging indents (ui/page/hanging_layout.py) cost in the real window.

Real documentation pages (python3-doc's Sphinx HTML, or the files named) are served from
127.0.0.1 and loaded in the window (offscreen, 1100x750) in three modes, interleaved (the order
rotating from round to round), ROUNDS rounds, medians:

- ``plain``: the document's layout is Qt's own QPlainTextDocumentLayout (as before);
- ``empty``: the hanging layout with nothing to hang (its Python override runs for every
  block and finds no prefix: the fixed cost);
- ``hang``: as shipped (the renderer's indents reach the layout).

For each: the wall time until the page is fully on screen (text, links, formats), the worst
gap of a 1 ms timer meanwhile, the time to page through the first PAGES screens (Space, each
painted), and to lay out and paint the view after a resize (narrower, then back).
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/hanging_indent_cost.py [page.html ...]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QPlainTextDocumentLayout

import ui.page.document_view as document_view
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.settings import Settings
from ui.shell.main_window import MainWindow

ROUNDS = 5
PAGES = 40
DOCS = Path("/usr/share/doc/python3.11/html")
DEFAULT_PAGES = ("library/stdtypes.html", "library/os.html", "contents.html")
MODES = ("plain", "empty", "hang")


NEW_DOCUMENT = document_view.DocumentView._new_document


def plain_document(view: document_view.DocumentView, old: QTextDocument) -> QTextDocument:
    """The view's new document with Qt's own layout instead of the hanging one."""
    fresh = NEW_DOCUMENT(view, old)
    fresh.setDocumentLayout(QPlainTextDocumentLayout(fresh))
    return fresh


def load(app: QApplication, win: MainWindow, url: str) -> tuple[float, float]:
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    heart = QTimer()
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.setInterval(1)
    heart.timeout.connect(beat)
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(5)

    def done() -> None:
        if win.page.load_ok is not None and not win.page.rendering:
            loop.quit()

    check.timeout.connect(done)
    started = time.perf_counter()
    last[0] = started
    heart.start()
    check.start()
    win.load(url)
    loop.exec()
    elapsed = time.perf_counter() - started
    heart.stop()
    check.stop()
    return elapsed, max(gaps, default=0.0)


def page_through(app: QApplication, win: MainWindow) -> float:
    view = win.page.document_view
    view.verticalScrollBar().setValue(0)
    view.viewport().repaint()
    started = time.perf_counter()
    for _ in range(PAGES):
        view.page(down=True)
        view.viewport().repaint()
    return time.perf_counter() - started


def resize(app: QApplication, win: MainWindow) -> float:
    view = win.page.document_view
    started = time.perf_counter()
    for width in (800, 1100):
        win.resize(width, 750)
        app.processEvents()
        view.viewport().repaint()
    return time.perf_counter() - started


def run(app: QApplication, mode: str, url: str, tmp: str) -> tuple[float, float, float, float]:
    if mode == "plain":
        document_view.DocumentView._new_document = plain_document  # type: ignore[method-assign]
    add_indents = document_view.DocumentView.add_indents
    if mode != "hang":
        document_view.DocumentView.add_indents = lambda self, indents: None  # type: ignore[method-assign]
    try:
        settings = Settings(QSettings(f"{tmp}/{mode}.ini", QSettings.Format.IniFormat))
        win = MainWindow(settings)
        win.persist_settings = False
        win.resize(1100, 750)
        win.show()
        app.processEvents()
        shown, gap = load(app, win, url)
        paging = page_through(app, win)
        relayout = resize(app, win)
        win.close()
        win.deleteLater()
        app.processEvents()
        return shown, gap, paging, relayout
    finally:
        document_view.DocumentView._new_document = NEW_DOCUMENT  # type: ignore[method-assign]
        document_view.DocumentView.add_indents = add_indents  # type: ignore[method-assign]


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    paths = [Path(a) for a in sys.argv[1:]] or [DOCS / p for p in DEFAULT_PAGES]
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"medians of {ROUNDS} interleaved rounds; paging: {PAGES} screens, each painted")
    print(
        f"{'page':<16} {'MB':>5} {'mode':<6} {'on screen s':>11} {'worst gap ms':>12} "
        f"{'paging ms':>9} {'resize ms':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            body = path.read_bytes()
            raw = http_response(200, body, [("Content-Type", "text/html")])
            results: dict[str, list[tuple[float, float, float, float]]] = {m: [] for m in MODES}
            with LoopbackServer(respond(raw)) as server:
                url = server.url("/" + path.name)
                for round_ in range(ROUNDS):
                    # Each mode first as often as the others: the first run of a round was
                    # slower to be on screen, whichever it was (the last one's clean-up).
                    for k in range(len(MODES)):
                        mode = MODES[(k + round_) % len(MODES)]
                        results[mode].append(run(app, mode, url, tmp))
            base = [statistics.median(col) for col in zip(*results["plain"], strict=True)]
            for mode in MODES:
                med = [statistics.median(col) for col in zip(*results[mode], strict=True)]
                ratio = ""
                if mode != "plain":
                    on, paging, size = med[0] / base[0], med[2] / base[2], med[3] / base[3]
                    ratio = f"  (x plain: on screen {on:.2f}, paging {paging:.2f}, "
                    ratio += f"resize {size:.2f})"
                print(
                    f"{path.name:<16} {len(body) / 1e6:>5.2f} {mode:<6} {med[0]:>11.2f} "
                    f"{med[1] * 1000:>12.1f} {med[2] * 1000:>9.1f} {med[3] * 1000:>9.1f}{ratio}"
                )
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
