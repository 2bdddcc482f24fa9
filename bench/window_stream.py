"""Stream large text documents from a loopback server into the real Yonder window: one tab,
then two tabs at once.

Scenarios (each in a child process of its own, offscreen unless a display is set; the
window as on a first run, the Stream dock visible; ui.app.tune_runtime() as the app runs it):
- ``one``: the current tab streams one body;
- ``two``: the current tab and a background tab (opened as a link opened in a new tab is)
  stream a body each, at the same time;
- ``switch``: the same, switching tabs (the Next Tab action's path) every --switch-ms while
  they stream.
A document opens at its top and the view follows the tail only once the reader has moved to
the end: --follow moves the current view to the end (Ctrl+End) once its first text is shown.

Each prints the event-loop gaps measured by a heartbeat (a 1 ms PreciseTimer: any gap is time
the window could not react) from Enter until every tab has the whole body on screen: worst,
p99, median, how many over 33 ms; the fill rate (bytes over the time from the first chunk to
the last tab done); the first chunk on screen (the current tab); switching tabs (the longest
call). References measured in the same run, in the same rounds:
- a bare, shown QMainWindow with a QPlainTextEdit and the same heartbeat, idle, for as long as
  the two-tab scenario took (what this loaded machine alone does to the gaps);
- curl -o /dev/null of the same bodies from the same server (two at once for two tabs).
Ratios are per round (Yonder / the reference of the same round); medians over --rounds.
The server is a process of its own (a thread per connection): it is not in the window's GIL.

Start-up to the first painted window, `python main.py` vs a bare PySide6 QMainWindow script
(subprocesses, median of --runs after one warm-up run each, without PYTHONDONTWRITEBYTECODE:
as on a user's machine, where .pyc files exist), and their ratio; also the time until
Yonder's window is fully built (its deferred build runs after the first paint) and what the
first painted frame held. --startup-only measures just that.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/window_stream.py [--size 50M]
        [--rounds 3] [--scenarios one,two,switch] [--follow] [--switch-ms 500]
        [--runs 7] [--startup-only] [--no-startup] [--stalls N]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LINE = b"The quick brown fox jumps over the lazy dog; streaming, one piece at a time.\n"
HEARTBEAT_MS = 1
SETTLE_MS = 300  # the window is up and painted before the address is entered
TIMEOUT_S = 180
SCENARIOS = ("one", "two", "switch")


def parse_size(text: str) -> int:
    units = {"K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024}
    text = text.strip().upper()
    if text[-1:] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def make_body(size: int) -> bytes:
    numbered = b"".join(b"%08d " % i + LINE for i in range(size // (9 + len(LINE)) + 1))
    return numbered[:size]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def gap_stats(gaps: list[float]) -> dict[str, float]:
    return {
        "worst_ms": max(gaps) * 1000,
        "p99_ms": percentile(gaps, 0.99) * 1000,
        "median_ms": statistics.median(gaps) * 1000,
        "over_33": sum(1 for g in gaps if g > 0.033),
        "beats": len(gaps),
    }


def cpu_stats(cpu_gaps: list[float]) -> dict[str, float]:
    """The GUI thread's own CPU time between two beats: the work of one turn of the event
    loop, without the time the thread waited for a core (the machine is shared) or the GIL."""
    return {
        "cpu_worst_ms": max(cpu_gaps) * 1000,
        "cpu_p99_ms": percentile(cpu_gaps, 0.99) * 1000,
    }


def peak_rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


# -- the server: a process of its own ----------------------------------------------------------


def serve(size: int) -> None:
    """``--serve``: answer every GET with the body (Content-Length), one thread a connection,
    on 127.0.0.1 only; print the port; exit at EOF on stdin (when the bench ends or dies)."""
    body = make_body(size)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()

    def answer(conn: socket.socket) -> None:
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(65536)
                if not data:
                    return
                request += data
            view = memoryview(body)
            try:
                conn.sendall(head)
                for offset in range(0, len(view), 64 * 1024):
                    conn.sendall(view[offset : offset + 64 * 1024])
            except OSError:
                return

    def accept() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    print(sock.getsockname()[1], flush=True)
    sys.stdin.read()  # until the bench closes our stdin (or ends)
    os._exit(0)


class ServerProcess:
    def __init__(self, size: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(size)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(10)


# -- the children: the window, the bare window -------------------------------------------------


def run_window(
    scenario: str, urls: list[str], size: int, follow: bool, switch_ms: int, stalls_ms: float = 0
) -> dict[str, Any]:
    """One scenario in the real window; the figures as a dict (printed as JSON)."""
    from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    import ui.page.page_renderer as page_renderer
    from net.events import BodyChunk, Event
    from ui.app import tune_runtime, warm_up_when_idle
    from ui.page.fetch_worker import _default_fetch
    from ui.settings import Settings
    from ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    # The whole document in the view, as the target asks: lift the view's caps (32 MB of
    # bytes, 64 M units of characters and lines; past them the rest is kept for Save only).
    page_renderer.UNIT_CAP = 8 * size + 64 * 1024 * 1024
    first_chunk: dict[str, float] = {}

    def timed_fetch(url: str, options: Any, cancel: Any) -> Iterator[Event]:
        for event in _default_fetch(url, options, cancel):  # what the window runs
            if isinstance(event, BodyChunk) and url not in first_chunk:
                first_chunk[url] = time.perf_counter()
            yield event

    tmp = tempfile.TemporaryDirectory()
    settings = Settings(QSettings(str(Path(tmp.name) / "b.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, fetch=timed_fetch, view_cap=size + 1024 * 1024)
    window.persist_settings = False
    window.stream_dock.setVisible(True)  # the app shows it on a first run
    tune_runtime()  # what ui.app.main does once the window is built
    warm_up_when_idle(window)  # (and the client loaded ahead, no page on its way)
    window.show()
    pages: list[Any] = []
    done: dict[int, float] = {}
    marks: dict[str, float] = {}
    switches: list[float] = []
    gaps: list[float] = []
    cpu_gaps: list[float] = []
    last = [0.0, 0.0]

    def tick() -> None:
        now = time.perf_counter()
        cpu = time.thread_time()
        if last[0]:
            gaps.append(now - last[0])
            cpu_gaps.append(cpu - last[1])
        last[0], last[1] = now, cpu
        first = pages[0].document_view
        if "on_screen" not in marks and first.document().characterCount() > 1:
            marks["on_screen"] = now
            if follow:  # the reader moves to the end: from now on the view follows it
                end = QKeyEvent(
                    QEvent.Type.KeyPress, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier
                )
                QApplication.sendEvent(first, end)
        for i, page in enumerate(pages):
            # Done when the load ended, the page renderer has handed over everything and
            # the view has inserted it.
            if (
                i not in done
                and page.load_ok is not None
                and not page.rendering
                and not page.document_view.has_pending()
            ):
                done[i] = now
        if len(done) == len(pages):
            app.quit()

    def switch() -> None:
        if len(done) == len(pages):
            return
        started = time.perf_counter()
        window.tabs_controller.step(1)  # what Next Tab (Ctrl+Tab) does
        switches.append(time.perf_counter() - started)

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(tick)
    switcher = QTimer()
    switcher.setInterval(switch_ms)
    switcher.timeout.connect(switch)
    sampler: Any = None  # --stalls: bench/stall_sampler.py's, started with the transfer

    def start() -> None:
        # As a person would: the window is up and painted before the address is entered;
        # its first paint is start-up, not a stall during the transfer.
        marks["start"] = time.perf_counter()
        pages.append(window.page)
        window.load(urls[0])
        if scenario in ("two", "switch"):
            pages.append(window.tabs_controller.open_in_new_tab(urls[1], window.page))
        if scenario == "switch":
            switcher.start()
        heartbeat.start()
        if stalls_ms:
            from bench.stall_sampler import started

            nonlocal sampler
            sampler = started(stalls_ms)

    QTimer.singleShot(SETTLE_MS, start)
    QTimer.singleShot(TIMEOUT_S * 1000, app.quit)
    app.exec()
    heartbeat.stop()
    switcher.stop()
    stalls = sampler.stop() if sampler is not None else []
    ok = [page.load_ok for page in pages]
    shown = [page.document_view.document().characterCount() - 1 for page in pages]
    window.close()
    tmp.cleanup()
    if len(done) < len(pages) or not all(ok):
        raise SystemExit(f"{scenario}: the transfers did not complete (ok={ok}, done={done})")
    if min(shown) < size:
        raise SystemExit(f"{scenario}: only {shown} of {size} characters reached the views")
    begun = min(first_chunk.values())
    ended = max(done.values())
    return {
        **gap_stats(gaps),
        **cpu_stats(cpu_gaps),
        "fill_s": ended - begun,
        "fill_mb_s": len(pages) * size / (ended - begun) / 1e6,
        "tab_fill_s": [done[i] - first_chunk[url] for i, url in enumerate(urls[: len(pages)])],
        "total_s": ended - marks["start"],
        "first_on_screen_ms": (marks["on_screen"] - first_chunk[urls[0]]) * 1000,
        "switches": len(switches),
        "switch_max_ms": max(switches, default=0.0) * 1000,
        "peak_rss_mib": peak_rss_mib(),
        "stalls": stalls,
    }


def run_bare(duration: float, size: int) -> dict[str, Any]:
    """The reference window: a bare QMainWindow holding a QPlainTextEdit with a screenful of
    the same text, shown, idle, with the same heartbeat for ``duration`` seconds."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit

    app = QApplication.instance() or QApplication([])
    window = QMainWindow()
    edit = QPlainTextEdit()
    edit.setPlainText(make_body(min(size, 256 * 1024)).decode())
    window.setCentralWidget(edit)
    window.resize(1100, 750)
    window.show()
    gaps: list[float] = []
    cpu_gaps: list[float] = []
    last = [0.0, 0.0]

    def tick() -> None:
        now = time.perf_counter()
        cpu = time.thread_time()
        if last[0]:
            gaps.append(now - last[0])
            cpu_gaps.append(cpu - last[1])
        last[0], last[1] = now, cpu

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(tick)
    QTimer.singleShot(SETTLE_MS, heartbeat.start)
    QTimer.singleShot(SETTLE_MS + int(duration * 1000), app.quit)
    app.exec()
    return {**gap_stats(gaps), **cpu_stats(cpu_gaps), "peak_rss_mib": peak_rss_mib()}


def child_main(args: argparse.Namespace) -> int:
    if args.child == "bare":
        result = run_bare(args.duration, args.size_bytes)
    else:
        result = run_window(
            args.child, args.urls, args.size_bytes, args.follow, args.switch_ms, args.stalls
        )
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# -- the parent: rounds of children and references ----------------------------------------------


def run_child(argv: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *argv],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S + 60,
    )
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            tracebacks = out.stderr.count("Traceback")
            result["tracebacks"] = tracebacks
            return result
    raise SystemExit(f"child {argv[:2]} failed ({out.returncode}):\n{out.stderr[-3000:]}")


def curl_seconds(urls: list[str]) -> float:
    """Wall time of curl -o /dev/null of every URL at once, from launch to the last exit."""
    started = time.perf_counter()
    procs = [subprocess.Popen(["curl", "-s", "-o", "/dev/null", url]) for url in urls]
    for proc in procs:
        if proc.wait(60):
            raise SystemExit(f"curl failed: {proc.returncode}")
    return time.perf_counter() - started


def uptime() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def spread(values: list[float], fmt: str = ".1f") -> str:
    med = statistics.median(values)
    if len(values) == 1:
        return format(med, fmt)
    return f"{med:{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def run_rounds(args: argparse.Namespace) -> None:
    size = args.size_bytes
    server = ServerProcess(size)
    urls = [server.url("tab-one.txt"), server.url("tab-two.txt")]
    scenarios = [s for s in args.scenarios.split(",") if s]
    results: dict[str, list[dict[str, Any]]] = {s: [] for s in scenarios}
    ratios: dict[str, dict[str, list[float]]] = {
        s: {"worst": [], "p99": [], "curl": []} for s in scenarios
    }
    bares: list[dict[str, Any]] = []
    views = (
        "the current view follows the tail (Ctrl+End)"
        if args.follow
        else "the views at their top (the default)"
    )
    curls: dict[int, list[float]] = {1: [], 2: []}
    print(
        f"window_stream: {size / 1e6:.1f} MB a tab, {args.rounds} rounds, scenarios "
        f"{','.join(scenarios)}, {views}, "
        f"switch every {args.switch_ms} ms, platform {os.environ.get('QT_QPA_PLATFORM')}; "
        f"load average {uptime()}",
        flush=True,
    )
    try:
        for round_no in range(args.rounds):
            order = scenarios[round_no % len(scenarios) :] + scenarios[: round_no % len(scenarios)]
            this: dict[str, dict[str, Any]] = {}
            for scenario in order:
                argv = [
                    "--child",
                    scenario,
                    "--size",
                    str(size),
                    "--switch-ms",
                    str(args.switch_ms),
                ]
                argv += ["--follow"] if args.follow else []
                argv += ["--stalls", str(args.stalls)] if args.stalls else []
                this[scenario] = run_child([*argv, "--urls", *urls])
            duration = max(r["total_s"] for r in this.values())
            bare = run_child(
                ["--child", "bare", "--size", str(size), "--duration", f"{duration:.2f}"]
            )
            curl = {n: statistics.median(curl_seconds(urls[:n]) for _ in range(3)) for n in (1, 2)}
            bares.append(bare)
            for n in (1, 2):
                curls[n].append(curl[n])
            for scenario, r in this.items():
                results[scenario].append(r)
                tabs = 1 if scenario == "one" else 2
                ratios[scenario]["worst"].append(r["worst_ms"] / bare["worst_ms"])
                ratios[scenario]["p99"].append(r["p99_ms"] / bare["p99_ms"])
                ratios[scenario]["curl"].append(r["fill_s"] / curl[tabs])
            print(
                f"  round {round_no + 1}: "
                + "; ".join(
                    f"{s} worst {r['worst_ms']:.0f} p99 {r['p99_ms']:.1f} "
                    f"(GUI CPU {r['cpu_worst_ms']:.0f}/{r['cpu_p99_ms']:.1f}) "
                    f"{r['fill_mb_s']:.0f} MB/s"
                    for s, r in this.items()
                )
                + f"; bare worst {bare['worst_ms']:.1f} p99 {bare['p99_ms']:.1f} "
                f"(GUI CPU {bare['cpu_worst_ms']:.0f}/{bare['cpu_p99_ms']:.1f}); "
                f"curl {curl[1] * 1000:.0f}/{curl[2] * 1000:.0f} ms; load {uptime()}",
                flush=True,
            )
            for scenario, r in this.items():
                for line in r.get("stalls", []):
                    print(f"    {scenario}: {line}", flush=True)
    finally:
        server.close()
    print_table(scenarios, results, ratios, bares, curls, size)
    print(f"  load average at the end {uptime()}")


LABELS = {
    "one": "one tab streaming",
    "two": "two tabs at once (current + background)",
    "switch": "two tabs at once, switching tabs",
}


def print_table(
    scenarios: list[str],
    results: dict[str, list[dict[str, Any]]],
    ratios: dict[str, dict[str, list[float]]],
    bares: list[dict[str, Any]],
    curls: dict[int, list[float]],
    size: int,
) -> None:
    rounds = len(bares)
    print(f"\nmedians of {rounds} rounds (min-max); targets: worst <= 33 ms, p99 <= 17 ms")
    print(
        "| scenario | worst gap ms | p99 ms | median ms | gaps > 33 ms | worst / bare | "
        "p99 / bare | GUI CPU per turn: worst, p99 ms | MB/s | time / curl | "
        "first chunk on screen ms | longest switch ms | peak RSS MiB |"
    )
    print("|" + "---|" * 13)
    for s in scenarios:

        def col(key: str, rs: list[dict[str, Any]] = results[s]) -> list[float]:
            return [float(r[key]) for r in rs]

        print(
            f"| {LABELS.get(s, s)} | {spread(col('worst_ms'))} | {spread(col('p99_ms'))} | "
            f"{spread(col('median_ms'), '.2f')} | {spread(col('over_33'), '.0f')} | "
            f"{spread(ratios[s]['worst'], '.2f')} | {spread(ratios[s]['p99'], '.2f')} | "
            f"{spread(col('cpu_worst_ms'))}, {spread(col('cpu_p99_ms'))} | "
            f"{spread(col('fill_mb_s'), '.0f')} | {spread(ratios[s]['curl'], '.0f')} | "
            f"{spread(col('first_on_screen_ms'))} | "
            f"{spread(col('switch_max_ms')) if s == 'switch' else '-'} | "
            f"{spread(col('peak_rss_mib'), '.0f')} |"
        )

    def bare(key: str) -> list[float]:
        return [float(b[key]) for b in bares]

    print(
        f"| reference: bare QMainWindow + QPlainTextEdit, idle | {spread(bare('worst_ms'))} | "
        f"{spread(bare('p99_ms'))} | {spread(bare('median_ms'), '.2f')} | "
        f"{spread(bare('over_33'), '.0f')} | 1 | 1 | "
        f"{spread(bare('cpu_worst_ms'))}, {spread(bare('cpu_p99_ms'))} | | | | | "
        f"{spread(bare('peak_rss_mib'), '.0f')} |"
    )
    for n in (1, 2):
        mb_s = [n * size / t / 1e6 for t in curls[n]]
        print(
            f"| reference: curl -o /dev/null, {n} at once | | | | | | | | {spread(mb_s, '.0f')} | "
            f"1 | | | |"
        )
    tracebacks = sum(r.get("tracebacks", 0) for rs in results.values() for r in rs)
    tab_fill = {
        s: [statistics.median(r["tab_fill_s"][i] for r in results[s]) for i in range(2)]
        for s in scenarios
        if s != "one"
    }
    for s, (a, b) in tab_fill.items():
        print(f"  {s}: each tab's fill (median s): current {a:.2f}, background {b:.2f}")
    print(f"  tracebacks on the children's stderr: {tracebacks}")


FIRST_PAINT_FILTER = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
class FirstPaint(QObject):
    # At the first paint of the main window: the time, and whether the window was already
    # fully built then (a window without `fully_built` is: it builds everything up front).
    # Then the time it is fully built (the deferred build, run after the first paint).
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow) and not _marks:
            _marks.append(time.time())
            built = getattr(obj, "fully_built", True)
            if built:
                self.report(built_at_paint=True)
            else:
                obj.built.connect(lambda: self.report(built_at_paint=False))
        return False
    def report(self, built_at_paint):
        print(_marks[0], time.time(), int(built_at_paint), flush=True)
        os._exit(0)
_marks = []
app = QApplication(["yonder"])
_filter = FirstPaint()
# Filter the main window's own events only: an application-wide Python filter would wrap
# every object that gets an event, and wrapping a private Qt class (QAnimationTimer) makes
# PySide6 build ~160 QtCore enum types (~10 ms) the application itself never pays.
_show = QMainWindow.show
def _filtered_show(window):
    window.installEventFilter(_filter)
    _show(window)
QMainWindow.show = _filtered_show
"""

YONDER_CHILD = (
    FIRST_PAINT_FILTER + "sys.path.insert(0, sys.argv[1])\nfrom ui.app import main\nmain([])\n"
)
BARE_CHILD = FIRST_PAINT_FILTER + (
    "w = QMainWindow(); w.resize(1100, 750); w.setWindowTitle('bare'); w.show(); app.exec()\n"
)


class Startup:
    """Medians of start-up runs: to the first paint, to fully built, and whether the first
    painted frame already held the whole window (the deferred build had run)."""

    def __init__(self, first_paint: float, built: float, built_at_paint: int, runs: int) -> None:
        self.first_paint = first_paint
        self.built = built
        self.built_at_paint = built_at_paint  # how many runs painted the whole window first
        self.runs = runs


def startup_median(code: str, runs: int) -> Startup:
    paints, builts, whole = [], [], 0
    with tempfile.TemporaryDirectory() as config:
        # The user's case: Python writes .pyc files (these machines set
        # PYTHONDONTWRITEBYTECODE=1, which makes every start recompile Yonder's modules), and
        # one unmeasured warm-up run writes them and fills the page cache.
        env = dict(os.environ, XDG_CONFIG_HOME=config)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for run in range(runs + 1):
            started = time.time()
            out = subprocess.run(
                [sys.executable, "-c", code, str(ROOT)],
                capture_output=True,
                text=True,
                timeout=30,
                env=env,
                check=True,
            ).stdout
            if run:  # run 0 is the warm-up
                paint, built, at_paint = out.split()[:3]
                paints.append(float(paint) - started)
                builts.append(float(built) - started)
                whole += int(at_paint)
    return Startup(statistics.median(paints), statistics.median(builts), whole, runs)


def print_startup(runs: int) -> None:
    yonder = startup_median(YONDER_CHILD, runs)
    bare = startup_median(BARE_CHILD, runs)
    frame = (
        "the whole window (nothing deferred)"
        if yonder.built_at_paint == runs
        else "the light frame (toolbar + address bar, empty header/document areas at their "
        "final sizes, status bar; header tabs, Stream dock, menus, find bar built after it)"
        if yonder.built_at_paint == 0
        else f"the whole window in {yonder.built_at_paint} of {runs} runs"
    )
    print(
        f"  start-up (median of {runs}, .pyc written, after 1 warm-up run): python main.py "
        f"first paint {yonder.first_paint * 1000:.0f} ms, fully built "
        f"{yonder.built * 1000:.0f} ms; bare QMainWindow first paint "
        f"{bare.first_paint * 1000:.0f} ms; ratio {yonder.first_paint / bare.first_paint:.2f} "
        f"(target <= 1.2), fully built / bare {yonder.built / bare.first_paint:.2f}"
    )
    print(f"  first painted frame: {frame}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="50M", help="each tab's document (50M, 10M, 123456)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every scenario")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help="one,two,switch (comma-separated)"
    )
    parser.add_argument(
        "--follow", action="store_true", help="the current view follows the tail (Ctrl+End)"
    )
    parser.add_argument("--switch-ms", type=int, default=500, help="switch: tabs every N ms")
    parser.add_argument("--runs", type=int, default=7, help="start-up runs per program")
    parser.add_argument(
        "--startup-only", action="store_true", help="measure start-up only, no transfer"
    )
    parser.add_argument("--no-startup", action="store_true", help="no start-up measurement")
    parser.add_argument(
        "--stalls",
        type=float,
        default=0.0,
        help="sample the GUI thread's stack in turns longer than N ms (bench/stall_sampler.py)",
    )
    # Internal: the server and the children.
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--urls", nargs="*", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=float, default=5.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve)
        return 0
    args.size_bytes = parse_size(args.size)
    if args.child:
        return child_main(args)
    if args.startup_only:
        print_startup(args.runs)
        return 0
    unknown = set(args.scenarios.split(",")) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    run_rounds(args)
    if not args.no_startup:
        print_startup(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
