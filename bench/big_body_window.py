"""A 100 MB text/plain body through the window, with the real 32 MB view cap, over loopback.

Prints: time until the load ended, time until the capped text was on screen, peak RSS
(VmHWM) before and after, the time Save took to write all 100 MB, and whether the saved file
is complete. Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/big_body_window.py [MB]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from tests.integration.servers import LoopbackServer, read_request
from ui.settings import Settings
from ui.shell.main_window import MainWindow

SAVE_TIMEOUT_S = 120


def vm(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    size = megabytes * 1024 * 1024
    line = bytes(range(32, 127)) * 11 + b"\n"
    piece = line * 1000

    def handler(conn, server):  # type: ignore[no-untyped-def]
        read_request(conn, server)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + f"Content-Length: {size}\r\n\r\n".encode()
        )
        sent = 0
        while sent < size:
            chunk = piece[: size - sent]
            conn.sendall(chunk)
            sent += len(chunk)

    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        win = MainWindow(Settings(QSettings(f"{tmp}/b.ini", QSettings.Format.IniFormat)))
        win.persist_settings = False
        win.show()
        app.processEvents()
        base = vm("VmHWM")
        with LoopbackServer(handler) as srv:
            started = time.perf_counter()
            win.load(srv.url("/big.txt"))
            while win.page.load_ok is None:
                app.processEvents()
                time.sleep(0.001)
            loaded = time.perf_counter() - started
            while win.page.rendering:
                app.processEvents()
                time.sleep(0.001)
            shown = time.perf_counter() - started
        peak = vm("VmHWM")
        target = os.path.join(tmp, "big.txt")
        win.ask_path = lambda caption, name: target
        done: list[object] = []
        win.saved.connect(lambda *args: done.append(args))
        started = time.perf_counter()
        win.page.saver.save_page()  # a save job: written on its own thread, then `saved`
        # (A failed save reports in the status bar and never says `saved`.)
        while not done and time.perf_counter() - started < SAVE_TIMEOUT_S:
            app.processEvents()
            time.sleep(0.001)
        saved = time.perf_counter() - started
        if not done:
            raise SystemExit(
                f"Save did not finish in {SAVE_TIMEOUT_S} s: {win.page.load_status.label.text()}"
            )
        ok = os.path.getsize(target) == size
        print(
            f"{megabytes} MB body: load ended {loaded:.2f} s, view (capped at "
            f"{win.page.store.view_cap >> 20} MB) complete {shown:.2f} s; "
            f"VmHWM {base:.0f} MiB before, "
            f"{peak:.0f} MiB after; Save wrote {os.path.getsize(target) >> 20} MB in "
            f"{saved:.2f} s (complete: {ok}); "
            f"view text {len(win.page.document_view.toPlainText()) >> 20} MB"
        )
        win.close()


if __name__ == "__main__":
    main()
