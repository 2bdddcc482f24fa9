"""Real documentation pages: Yonder's HTML renderer beside `w3m -dump`, and in the window.

Pages: the Sphinx HTML of python3-doc and the Node.js API of nodejs-doc under /usr/share/doc
(`apt-get install python3-doc nodejs-doc w3m`) between 0.7 and 9 MB, or the files given.

For each page, in the same run, interleaved, ROUNDS times (medians printed):
- w3m: CPU seconds (user + system) of its whole `w3m -dump -T text/html -cols 100` process;
- renderer: CPU seconds of decoding and rendering the page in this process as the renderer
  process does (StreamTextDecoder, then HtmlRenderer(utf16=True, resolve=resolve_link) fed
  the process's slices, with its collector settings: remote.tune_gc), and the ratio.

With --window, each page is also served over loopback and loaded in the real window
(offscreen), and the bench prints the wall time until it is fully on screen (text, links and
formats), that time over the renderer alone's wall time, and the event loop's gaps while it
renders (a 1 ms timer: worst and p99). --busy runs one CPU-bound process (`yes`) beside it.

The renderer measured is the one ui.text.render loads (printed first): the compiled one when
tools/build_native.py's build is current (`make native`), else pure Python; --pure forces the
pure one.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/render_real_pages.py [--window] [--busy]
     [--pure] [--in-window] [--stalls N]

--in-window renders every page in the window's process (YONDER_RENDER_PROCESS=0), as before
the renderer process: big pages otherwise render there (ui/page/render_process.py), and the
CPU column adds that process's CPU seconds to the window's.

--stalls N samples the GUI thread's stack during every event-loop turn longer than N ms while
a page renders (bench/stall_sampler.py) and prints the longest under the page's row. The
sampler's own 2 ms timer and thread cost a little: take the rows' figures from a run without.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# --pure: the pure Python renderer even where the compiled one is built (ui/text/render/native.py
# reads this when ui.text.render is first imported, just below).
if "--pure" in sys.argv:
    os.environ["YONDER_PURE_PYTHON"] = "1"
# --in-window: every page renders in the window's process (no renderer process), as before
# ui/page/render_process.py (read when a page starts rendering).
if "--in-window" in sys.argv:
    os.environ["YONDER_RENDER_PROCESS"] = "0"

import ui.text.render
from net.charset import StreamTextDecoder
from ui.page.page_renderer import HTML_SLICE, REMOTE_FIRST_SLICE, REMOTE_SLICE
from ui.text.fragments import resolve_link
from ui.text.render import HtmlRenderer
from ui.text.render.remote import tune_gc

if TYPE_CHECKING:
    from bench.stall_sampler import StallSampler

IN_WINDOW = "--in-window" in sys.argv
STALLS_MS = float(sys.argv[sys.argv.index("--stalls") + 1]) if "--stalls" in sys.argv else 0.0
ROUNDS = 3
DOC_ROOTS = ("/usr/share/doc/python3.11/html", "/usr/share/doc/nodejs/api")
MIN_SIZE, MAX_SIZE = 700_000, 9_000_000


def pages_from_docs() -> list[Path]:
    found: list[Path] = []
    for root in DOC_ROOTS:
        for path in Path(root).rglob("*.html"):
            if MIN_SIZE <= path.stat().st_size <= MAX_SIZE:
                found.append(path)
    return sorted(found, key=lambda p: p.stat().st_size)


def w3m_cpu(path: Path) -> float:
    proc = subprocess.Popen(
        ["w3m", "-dump", "-T", "text/html", "-cols", "100", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"w3m failed on {path} (status {status})")
    return usage.ru_utime + usage.ru_stime


def served_url(path: Path) -> str:
    """The page's URL as the window gets it (its links resolve against it)."""
    return f"http://127.0.0.1:8080/doc/{path.name}"


def render_alone(data: bytes, url: str) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, characters) of decoding and rendering ``data`` as the
    page's renderer does: in the renderer process (its collector settings, fed its slices),
    or with --in-window in the window's process (HTML_SLICE pieces)."""
    if IN_WINDOW:
        slices = [HTML_SLICE] * (len(data) // HTML_SLICE + 1)
    else:
        slices = [REMOTE_FIRST_SLICE] + [REMOTE_SLICE] * (len(data) // REMOTE_SLICE + 1)
    saved = gc.get_threshold()
    if not IN_WINDOW:
        tune_gc()
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        decoder = StreamTextDecoder("text/html")
        # As the window's PageRenderer makes it: links keep their #fragment.
        renderer = HtmlRenderer(url, 100, utf16=True, resolve=resolve_link)
        chars = at = 0
        for size in slices:
            if at >= len(data):
                break
            chars += len(renderer.feed(decoder.feed(data[at : at + size])).text)
            at += size
        chars += len(renderer.feed(decoder.finish()).text)
        chars += len(renderer.close().text)
        return time.process_time() - cpu, time.perf_counter() - wall, chars
    finally:
        gc.set_threshold(*saved)


def child_cpu() -> float:
    """CPU seconds the renderer process has used (0 when there is none)."""
    from ui.page import render_process

    process = render_process.current()
    if process is None:
        return 0.0
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WindowResult(NamedTuple):
    """One page in the window: its time on screen over the renderer alone's, its p99 gap."""

    page: Path
    ratio: float
    p99_ms: float
    process_ratio: float  # the renderer process's CPU for the page over the renderer alone's


def window_run(
    paths: list[Path], alone_wall: dict[Path, float], alone_cpu: dict[Path, float]
) -> list[WindowResult]:
    """Load each page in a fresh window (printing a row per page); the rows."""
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from tests.integration.servers import LoopbackServer, http_response, respond
    from ui.app import tune_runtime, warm_up_when_idle
    from ui.settings import Settings
    from ui.shell.main_window import MainWindow

    _app = QApplication.instance() or QApplication([])
    where = "in the window's process" if IN_WINDOW else "in the renderer process"
    print(f"\nIn the window (offscreen), loopback, pages {where} when big; gaps of a 1 ms")
    print("timer while rendering; CPU: the window's process and the renderer process:")
    print(
        f"{'page':<28} {'MB':>5} {'on screen s':>11} {'x alone':>8} {'worst ms':>9} {'p99 ms':>7}"
        f" {'>33 ms':>7} {'beats':>6} {'CPU s':>6} {'x alone':>8} {'process':>8} {'x alone':>8}"
    )
    results: list[WindowResult] = []
    pooled: list[float] = []  # every page's gaps (a small page's p99 is its worst gap)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(f"{tmp}/b.ini", QSettings.Format.IniFormat))
        win = MainWindow(settings)
        win.persist_settings = False
        win.resize(1100, 750)
        win.show()
        while not getattr(win, "fully_built", True):
            _app.processEvents()
        tune_runtime()  # what ui.app.main does once the window is built (gc.freeze...)
        warm_up_when_idle(win)  # (and the client loaded ahead, no page on its way)
        # A second of idle, as before a user's first address: the renderer process starts
        # meanwhile (a page loaded while it starts saw one 55-70 ms gap, its only one).
        idle = time.perf_counter()
        while time.perf_counter() - idle < 1.0:
            _app.processEvents()
            time.sleep(0.01)
        for path in paths:
            body = path.read_bytes()
            raw = http_response(200, body, [("Content-Type", "text/html")])
            server = LoopbackServer(respond(raw))
            try:
                gaps: list[float] = []
                last = [time.perf_counter()]

                def beat(gaps: list[float] = gaps, last: list[float] = last) -> None:
                    now = time.perf_counter()
                    gaps.append(now - last[0])
                    last[0] = now

                heart = QTimer()
                heart.setTimerType(Qt.TimerType.PreciseTimer)
                heart.setInterval(1)
                heart.timeout.connect(beat)
                # The real event loop (a polling loop of processEvents and sleeps delays every
                # timer by its sleep); a 5 ms check ends it once the page is on screen.
                loop = QEventLoop()
                check = QTimer()
                check.setInterval(5)

                def done(loop: QEventLoop = loop) -> None:
                    # The current tab's Page (or, in a tree before pages, the window itself:
                    # to measure an older commit with the same bench).
                    page = getattr(win, "page", win)
                    if page.load_ok is not None and not page.rendering:
                        loop.quit()

                check.timeout.connect(done)
                started = time.perf_counter()
                # The window's process and the renderer process (this page's share of each).
                cpu, process_cpu = time.process_time(), child_cpu()
                last[0] = started
                sampler = stall_sampler()
                heart.start()
                check.start()
                win.load(server.url("/" + path.name))
                loop.exec()
                elapsed = time.perf_counter() - started
                stalls = sampler.stop() if sampler is not None else []
                process_cpu = child_cpu() - process_cpu
                cpu = time.process_time() - cpu + process_cpu
                heart.stop()
                check.stop()
                pooled += gaps
                worst = max(gaps) if gaps else 0.0
                p99 = statistics.quantiles(gaps, n=100)[98] if len(gaps) > 100 else worst
                print(
                    f"{path.name:<28} {len(body) / 1e6:>5.2f} {elapsed:>11.2f} "
                    f"{elapsed / alone_wall[path]:>8.2f} {worst * 1000:>9.1f} {p99 * 1000:>7.1f} "
                    f"{sum(g > 0.033 for g in gaps):>7} {len(gaps):>6} {cpu:>6.2f} "
                    f"{cpu / alone_cpu[path]:>8.2f} {process_cpu:>8.2f}"
                    f" {process_cpu / alone_cpu[path]:>8.2f}"
                )
                for line in stalls:
                    print("    " + line)
                results.append(
                    WindowResult(
                        path, elapsed / alone_wall[path], p99 * 1000, process_cpu / alone_cpu[path]
                    )
                )
            finally:
                server.stop()
        win.close()
    if len(pooled) > 100:
        p99 = statistics.quantiles(pooled, n=100)[98] * 1000
        print(
            f"every page's gaps together: {len(pooled)} beats, p99 {p99:.1f} ms, worst "
            f"{max(pooled) * 1000:.1f} ms, {sum(g > 0.033 for g in pooled)} over 33 ms, "
            f"{sum(g > 0.017 for g in pooled)} over 17 ms"
        )
    return results


def stall_sampler() -> StallSampler | None:
    """--stalls: a started StallSampler (bench/stall_sampler.py) for one page, else None."""
    if not STALLS_MS:
        return None
    from bench.stall_sampler import started

    return started(STALLS_MS)


def main() -> None:
    argv = sys.argv[1:]
    if "--stalls" in argv:
        del argv[argv.index("--stalls") + 1]
    args = [a for a in argv if not a.startswith("--")]
    paths = [Path(a) for a in args] or pages_from_docs()
    if not paths:
        raise SystemExit("no pages: apt-get install python3-doc nodejs-doc (or name files)")
    if shutil.which("w3m") is None:
        raise SystemExit("w3m is the reference and is not installed: apt-get install w3m")
    with busy_process("--busy" in sys.argv) as busy:
        print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        print("renderer:", ui.text.render.native.describe())
        print(
            f"CPU seconds, median of {ROUNDS} interleaved rounds"
            + (" (beside `yes`)" if busy else "")
        )
        print(f"{'page':<28} {'MB':>5} {'w3m':>6} {'renderer':>9} {'ratio':>6}")
        alone_wall: dict[Path, float] = {}
        alone_cpu: dict[Path, float] = {}
        ratios = []
        for path in paths:
            data = path.read_bytes()
            url = served_url(path)
            w3m, ours, walls = [], [], []
            for _ in range(ROUNDS):
                w3m.append(w3m_cpu(path))
                cpu, wall, _chars = render_alone(data, url)
                ours.append(cpu)
                walls.append(wall)
            alone_wall[path] = statistics.median(walls)
            alone_cpu[path] = statistics.median(ours)
            ratio = statistics.median(ours) / statistics.median(w3m)
            ratios.append(ratio)
            print(
                f"{path.name:<28} {len(data) / 1e6:>5.2f} {statistics.median(w3m):>6.2f} "
                f"{statistics.median(ours):>9.2f} {ratio:>6.2f}"
            )
        print(f"ratio renderer / w3m: {min(ratios):.2f}-{max(ratios):.2f} (target <= 1.5)")
        if "--window" in sys.argv:
            window_run(paths, alone_wall, alone_cpu)
        print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


@contextlib.contextmanager
def busy_process(on: bool = True) -> Iterator[bool]:
    """One CPU-bound process (`yes`) running beside the block, when ``on``; whether it runs."""
    if not on:
        yield False
        return
    busy = subprocess.Popen(["yes"], stdout=subprocess.DEVNULL)
    try:
        yield True
    finally:
        busy.kill()
        busy.wait()


if __name__ == "__main__":
    main()
