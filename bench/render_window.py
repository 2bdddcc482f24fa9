"""Rendering throughput and responsiveness of the window's Rendered view, over loopback.

Serves an HTML page of ~N MB (the test corpus article, repeated) and a plain-text page of the
same size from 127.0.0.1, loads each in the window (offscreen), and prints: time to the last
character on screen, MB/s, and the worst gap of a 5 ms heartbeat timer (how long the window
could not react). Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/render_window.py [MB]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from tests.integration.servers import LoopbackServer, http_response, respond
from ui.settings import Settings
from ui.shell.main_window import MainWindow


def measure(app: QApplication, win: MainWindow, url: str) -> tuple[float, float]:
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    heart = QTimer()
    heart.setInterval(5)
    heart.timeout.connect(beat)
    heart.start()
    started = time.perf_counter()
    win.load(url)
    while win.page.load_ok is None or win.page.rendering:
        app.processEvents()
        time.sleep(0.0005)
    elapsed = time.perf_counter() - started
    heart.stop()
    return elapsed, max(gaps) if gaps else 0.0


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0
    app = QApplication([])
    article = (Path(__file__).parent.parent / "tests/unit/html_corpus/article.html").read_bytes()
    body = article.split(b"<body>", 1)[1].rsplit(b"</body>", 1)[0]
    repeat = int(megabytes * 1024 * 1024 / len(body)) + 1
    page = b"<html><head><title>Bench</title></head><body>" + body * repeat + b"</body></html>"
    text = page.replace(b"<", b"(").replace(b">", b")")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(f"{tmp}/b.ini", QSettings.Format.IniFormat))
        win = MainWindow(settings)
        win.persist_settings = False
        win.resize(1100, 750)
        win.show()
        for name, ctype, data in (("html", "text/html", page), ("plain", "text/plain", text)):
            raw = http_response(200, data, [("Content-Type", f"{ctype}; charset=utf-8")])
            with LoopbackServer(respond(raw)) as srv:
                elapsed, gap = measure(app, win, srv.url(f"/{name}"))
            size = len(data) / 1e6
            print(
                f"{name:5s} {size:6.1f} MB  on screen in {elapsed:6.2f} s  "
                f"({size / elapsed:5.1f} MB/s)  worst UI gap {gap * 1000:5.1f} ms  "
                f"render busy {win.page.renderer.stats_busy:5.2f} s"
            )
        win.close()


if __name__ == "__main__":
    main()
