"""Hostile pages in the real Yonder window: how long they take and how long the window freezes.

Each case runs in its own child process (so VmHWM is that case's peak and a hang cannot stop
the run: the child is killed at --timeout), with the real MainWindow offscreen, loading the
page from a loopback server (127.0.0.1, port 0, a thread in the child, stopped at the end):

1. text/html, one 1 MB paragraph of words;
2. text/html, a 20 MB <pre> without any newline (2 MB with --quick);
3. text/html, one start tag carrying 1 MB of attributes (250,000 x `a=b`);
4. text/html, 100,000 inline links in one paragraph;
5. Find: a finished 30 MB text/plain page, the view scrolled to its end, the find bar open
   and empty; the user types "e";
6. 10,000 `<b>x</b>` words in one paragraph;
7. 2,000,000 `<hr>`;
8. 31 MB of `<blockquote>x` (every one unclosed: nesting);
9. 1,000,000 links;
10. 1,000,000 unclosed `<pre>`;
11. 20 MB of ordinary HTML (paragraphs, links, bold, code);
12. endless text/plain (no length, never ends: stopped after --endless seconds);
13. endless text/html, likewise;
14. a 2.1 GiB text/plain body with its Content-Length (2.1 GB: past 2**31);
15. a 5 GB announced Content-Length; 64 MiB sent, then the server closes;
16. a full disk: the temporary folder is a 64 MiB tmpfs, the body 256 MiB (needs root);
17. Download… of the 2.1 GiB body straight to disk, to its end;
18. the same download cancelled past 2 GiB, and the window closed at once;
19. the 20 MB of ordinary HTML of case 11, rendered; then Ctrl+2 (Source), Ctrl+3 (Wire),
    Ctrl+1 (Rendered) (each clears the view's document first) and leaving the page (Home);
20. a finished 32 MB text/plain page: View > Word Wrap off, then on again;
21. a finished 30 MB text/plain page: Ctrl+F the first time (the find bar reads the text);
22. a 50 MB <pre> of lines (one style span over all of it: 33 M characters at the view's cap);
23. 2 MB of JSON, pretty-printed once complete (on a thread of its own), to its end;
24. Bookmarks > Import… of a 20,000-bookmark file (no page), then its yonder:bookmarks page.
Cases 19-21: the worst and p99 gap of each action, from its trigger for 1 s (or until its
work is done), against the bare reference of the same text.
Case 14 also saves the page (Save Page, in the background) and then leaves it (its 2 GB
temporary file released), with the gaps during each.

Cases 22-24 are measured like 1-4 (24: from the trigger until the import has ended and
its page is shown, then the page's own rendering in a note). --stalls N samples the GUI
thread's stack during every turn longer than N ms (bench/stall_sampler.py) and prints the
longest stalls of each case under it, with the GUI thread's and the process's CPU time
meanwhile. Each child imports the modules a first page imports lazily before it starts
(warm_up: no .pyc files here, so each start compiles them).

Measured for cases 1-4 and 6-16: the time from load() to the load's end with the rendering done, the
worst and 99th-percentile gap of a 2 ms heartbeat QTimer (time the window could not react),
and VmHWM. Reference, in the same run: a bare QPlainTextEdit (in a fresh child) given the text
the window rendered, with setPlainText; its one freeze (the call plus the layout and first
paint) is printed next to Yonder's worst gap and load time, as ratios. For 6-16 also: the
spill file's size at the end, and the number of tracebacks on the child's stderr.

For case 5: the time the keystroke's own handling takes, the time until the match count is
complete, and the worst and p99 heartbeat gap from the keystroke until then. Reference: a plain
Python str.count("e") over the same text (the view's), as a ratio to the count's time.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/hostile_pages.py [--quick]
        [--cases 1,...,24] [--timeout 120] [--endless 20] [--stalls 40]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LINE = b"the quick brown fox jumps over the lazy dog; lorem ipsum dolor sit amet\n"
HTML = "text/html; charset=utf-8"
PLAIN = "text/plain; charset=utf-8"


def page(case: int, quick: bool) -> tuple[str, bytes, str]:
    """(description, body, content type) of one case."""
    if case == 1:
        body = b"<html><body><p>" + b"word " * 200_000 + b"</p></body></html>"
        return "1 MB paragraph of words", body, HTML
    if case == 2:
        size = 2_000_000 if quick else 20_000_000
        body = b"<html><body><pre>" + b"x" * size + b"</pre></body></html>"
        return f"{size // 1_000_000} MB <pre>, no newline", body, HTML
    if case == 3:
        attrs = b"a=b " * 250_000
        body = b"<html><body><p>before</p><div " + attrs + b"><p>after</p></body></html>"
        return "start tag with 1 MB of attributes", body, HTML
    if case == 4:
        links = b" ".join(b'<a href="/p%d">link %d</a>' % (i, i) for i in range(100_000))
        body = b"<html><body><p>" + links + b"</p></body></html>"
        return "100,000 links in one paragraph", body, HTML
    if case == 5:
        body = LINE * (30_000_000 // len(LINE))
        return 'Find "e" at the end of 30 MB text/plain', body, PLAIN
    if case == 6:
        body = b"<html><body><p>" + b"<b>x</b> " * 10_000 + b"</p></body></html>"
        return "10,000 <b> words", body, HTML
    if case == 7:
        return "2,000,000 <hr>", b"<html><body>" + b"<hr>" * 2_000_000, HTML
    if case == 8:
        size = 31_000_000 // len(b"<blockquote>x")
        return "31 MB of nested <blockquote>x", b"<html><body>" + b"<blockquote>x" * size, HTML
    if case == 9:
        links = b" ".join(b'<a href="/p%d">l%d</a>' % (i, i) for i in range(1_000_000))
        return "1,000,000 links", b"<html><body><p>" + links + b"</p></body></html>", HTML
    if case == 10:
        return "1,000,000 unclosed <pre>", b"<html><body>" + b"<pre>" * 1_000_000, HTML
    if case == 11:
        block = (
            b'<h2>Section</h2><p>Some <b>bold</b> text, a <a href="/x">link</a>, '
            b"<code>code()</code> and <em>emphasis</em> in an ordinary paragraph of words "
            b"that goes on for a while like a real article does.</p>\n"
        )
        return "20 MB of ordinary HTML", b"<html><body>" + block * (20_000_000 // len(block)), HTML
    if case == 19:
        _, body, ctype = page(11, quick)
        return "view switches and leaving, 20 MB of HTML", body, ctype
    if case == 20:
        return "Word Wrap off/on, 32 MB text/plain", LINE * (32_000_000 // len(LINE)), PLAIN
    if case == 21:
        return "Ctrl+F the first time, 30 MB text/plain", LINE * (30_000_000 // len(LINE)), PLAIN
    if case == 22:
        # One <pre> of lines: the renderer reports one style span over all of it (28 M
        # characters once the view's cap cuts it), laid over the text as it arrives.
        body = b"<html><body><pre>" + LINE * (50_000_000 // len(LINE)) + b"</pre></body></html>"
        return "50 MB <pre> (one span)", body, HTML
    if case == 23:
        return "2 MB of JSON, pretty-printed", json_body(2_000_000), "application/json"
    raise ValueError(case)


def json_body(size: int) -> bytes:
    """Nested objects and arrays, as an API returns them, one record a line."""
    records = []
    total = 0
    i = 0
    while total < size:
        record = json.dumps(
            {
                "id": i,
                "name": f"item {i}",
                "tags": ["a", "b", "é"],
                "price": i * 0.25,
                "ok": i % 3 == 0,
                "parts": [{"n": j, "w": None} for j in range(3)],
            }
        )
        records.append(record)
        total += len(record) + 2
        i += 1
    return ("[\n" + ",\n".join(records) + "\n]").encode()


#: Streamed cases: (description, content type, Content-Length or None, bytes sent or None for
#: endless, one block repeated).
STREAMS: dict[int, tuple[str, str, int | None, int | None, bytes]] = {
    12: ("endless text/plain", PLAIN, None, None, LINE * 14_000),
    13: ("endless text/html", HTML, None, None, b"<p>" + LINE * 14_000 + b"</p>"),
    14: ("2.1 GiB text/plain", PLAIN, 2_255_000_000, 2_255_000_000, LINE * 14_000),
    15: ("5 GB announced, 64 MiB sent", PLAIN, 5_000_000_000, 64 * 2**20, LINE * 14_000),
    16: ("full disk: 256 MiB into a 64 MiB tmpfs", PLAIN, 256 * 2**20, 256 * 2**20, LINE * 14_000),
}


def describe(case: int, quick: bool) -> str:
    if case in DOWNLOADS:
        return DOWNLOADS[case]
    if case in IMPORTS:
        return f"Bookmarks > Import… of {IMPORTS[case]:,} bookmarks"
    if case in STREAMS:
        name, _, _, sent, _ = STREAMS[case]
        return name if sent is None else f"{name} ({sent / 1e6:,.0f} MB sent)"
    name, body, _ = page(case, quick)
    return f"{name} ({len(body) / 1e6:.1f} MB)"


def stream_handler(case: int) -> object:
    """A loopback handler sending the case's head, then its block until the size (or until
    the server stops, when endless)."""
    from tests.integration.servers import read_request

    _, ctype, length, sent, block = STREAMS[case]
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\n"
    if length is not None:
        head += f"Content-Length: {length}\r\n"
    head += "Connection: close\r\n\r\n"

    def handler(conn: object, server: object) -> None:
        read_request(conn, server)  # type: ignore[arg-type]
        conn.sendall(head.encode())  # type: ignore[attr-defined]
        left = sent
        view = memoryview(block)
        while left is None or left > 0:
            if server.stopping.is_set():  # type: ignore[attr-defined]
                return
            piece = view if left is None or left >= len(block) else view[:left]
            conn.sendall(piece)  # type: ignore[attr-defined]
            if left is not None:
                left -= len(piece)

    return handler


ALL = list(range(1, 25))
#: Cases 19-21: the actions triggered on the finished page, in order (their gaps measured).
ACTIONS = {
    19: ["Source", "Wire", "Rendered", "Home"],
    20: ["Word Wrap", "Word Wrap"],
    21: ["Find…"],
}
DOWNLOADS = {
    17: "Download… of 2.1 GiB to its end",
    18: "Download… cancelled past 2 GiB, then close",
}
#: Case 24: Bookmarks > Import… of a file of this many bookmarks (no page is loaded).
IMPORTS = {24: 20_000}
BARE_MAX_CHARS = 40_000_000  # beyond, the bare reference itself takes minutes and GBs


def vm_hwm_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return -1.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Heart:
    """A 2 ms precise timer recording the time between its ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.gaps: list[float] = []
        self.last = 0.0
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(2)
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now

    def start(self) -> None:
        self.gaps = []
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        self.gaps.append(time.perf_counter() - self.last)  # a freeze up to the very end
        return {
            "worst_ms": max(self.gaps) * 1000,
            "p99_ms": percentile(self.gaps, 0.99) * 1000,
        }


def run_yonder(
    case: int,
    quick: bool,
    text_out: str,
    deadline_s: float,
    endless_s: float,
    stalls_ms: float = 0.0,
) -> dict[str, object]:
    """Child: one case in the real window. Writes the rendered text to text_out."""
    import contextlib

    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from tests.integration.servers import LoopbackServer, http_response, respond
    from ui.app import tune_runtime, warm_up_when_idle
    from ui.settings import Settings
    from ui.shell.main_window import MainWindow
    from ui.text.body_store import SpillLimits

    app = QApplication.instance() or QApplication([])
    if case in IMPORTS:
        handler = respond(http_response(200, b"-", [("Content-Type", PLAIN)]))
    elif case in STREAMS or case in DOWNLOADS:
        handler = stream_handler(14 if case in DOWNLOADS else case)
    else:
        _, body, ctype = page(case, quick)
        handler = respond(http_response(200, body, [("Content-Type", ctype)]))
        del body
    deadline = time.perf_counter() + deadline_s
    endless = case in STREAMS and STREAMS[case][3] is None

    def wait(pred: object, until: float) -> bool:
        while time.perf_counter() < until:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            if pred():  # type: ignore[operator]
                return True
            time.sleep(0.0005)
        return False

    result: dict[str, object] = {}
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        server = stack.enter_context(LoopbackServer(handler))  # type: ignore[arg-type]
        spill = None
        if case == 16:
            from tests.small_disk import small_disk

            disk = stack.enter_context(small_disk(Path(tmp) / "disk", "64m"))
            spill = SpillLimits(directory=str(disk), reserve=0, reserve_fraction=0)
        settings = Settings(QSettings(str(Path(tmp) / "b.ini"), QSettings.Format.IniFormat))
        win = MainWindow(settings, spill=spill)
        win.persist_settings = False
        win.resize(1100, 750)
        win.show()
        tune_runtime()  # what ui.app.main does once the window is built
        warm_up_when_idle(win)  # (and the client loaded ahead, no page on its way)
        wait(lambda: False, time.perf_counter() + 0.3)  # shown, painted, deferred build done
        view = win.page.document_view

        def done() -> bool:
            return (
                win.page.load_ok is not None and not win.page.rendering and not view.has_pending()
            )

        import_file = make_import_file(case, Path(tmp)) if case in IMPORTS else Path()
        warm_up()
        heart = Heart()
        sampler = stall_sampler(stalls_ms)
        if case in DOWNLOADS:
            result.update(run_download(case, win, server.url("/file"), Path(tmp), wait, deadline))
            result["hwm_mib"] = vm_hwm_mib()
            result["stalls"] = sampler.stop() if sampler else []
            return result
        if case in IMPORTS:
            result.update(run_import(case, win, import_file, wait, deadline))
            result["hwm_mib"] = vm_hwm_mib()
            result["stalls"] = sampler.stop() if sampler else []
            win.close()
            return result
        heart.start()
        started = time.perf_counter()
        win.load(server.url("/page"))
        if endless:
            wait(lambda: False, min(deadline, started + endless_s))
            win.page.stop()
        finished = wait(done, deadline)
        load_s = time.perf_counter() - started
        gaps = heart.stop()
        result.update(finished=finished, load_ok=win.page.load_ok, load_s=load_s, **gaps)
        result["spill_mib"] = win.page.store.body.spilled / 2**20
        result["body_mib"] = win.page.store.body_size / 2**20
        result["notice"] = (
            win.page.notice_bar.label.text() if win.page.notice_bar.isVisible() else ""
        )
        text = view.toPlainText()
        result["chars"] = len(text)
        if case == 14 and finished:
            # Save Page of the whole body (in the background), then leaving the page (its
            # temporary file released): the window's gaps meanwhile.
            target = Path(tmp) / "saved.bin"
            win.ask_path = lambda caption, name: str(target)
            heart.start()
            started = time.perf_counter()
            win.page.saver.save_page()
            saved = wait(lambda: not win.page.saver.saving, deadline)
            result["save_s"] = time.perf_counter() - started
            result.update({f"save_{k}": v for k, v in heart.stop().items()})
            result["saved_mib"] = target.stat().st_size / 2**20 if saved else -1
            target.unlink(missing_ok=True)
            heart.start()
            win.go_home()
            wait(lambda: False, time.perf_counter() + 1.0)
            result.update({f"leave_{k}": v for k, v in heart.stop().items()})
        if case in ACTIONS and finished:
            result["actions"] = run_actions(case, win, wait, heart, deadline)
        if case == 23 and finished:
            # Reference: the synchronous pretty-printing that ran in one GUI turn before.
            from ui.text.json_pretty import pretty_json

            source = page(case, quick)[1].decode()
            started = time.perf_counter()
            pretty_json(source)
            result["sync_ms"] = (time.perf_counter() - started) * 1000
        if case == 5 and finished:
            bar = win.page.find_bar
            win.commands.find_action.trigger()
            bar.edit.clear()
            wait(lambda: False, time.perf_counter() + 0.2)
            bar_scroll = view.verticalScrollBar()
            bar_scroll.setValue(bar_scroll.maximum())
            wait(lambda: False, time.perf_counter() + 0.3)
            heart.start()
            started = time.perf_counter()
            QTest.keyClick(bar.edit, "e")
            key_ms = (time.perf_counter() - started) * 1000
            counted = wait(lambda: bar.count_complete and bar.match_count > 0, deadline)
            count_s = time.perf_counter() - started
            find_gaps = heart.stop()
            started = time.perf_counter()
            expected = text.count("e")
            ref_ms = (time.perf_counter() - started) * 1000
            result.update(
                counted=counted,
                key_ms=key_ms,
                count_s=count_s,
                find_worst_ms=find_gaps["worst_ms"],
                find_p99_ms=find_gaps["p99_ms"],
                matches=bar.match_count,
                expected=expected,
                str_count_ms=ref_ms,
            )
        else:
            Path(text_out).write_text(text, encoding="utf-8")
        result["hwm_mib"] = vm_hwm_mib()
        result["stalls"] = sampler.stop() if sampler else []
        win.close()
    return result


def stall_sampler(threshold_ms: float) -> object:
    """--stalls: a StallSampler (bench/stall_sampler.py) over the whole case, else None."""
    if threshold_ms <= 0:
        return None
    from bench.stall_sampler import StallSampler

    sampler = StallSampler(threshold_ms, depth=6)
    sampler.start()
    return sampler


def warm_up() -> None:
    """Import what the first page of a kind imports on first use (the HTML renderer, the
    charset decoder, the JSON job): PYTHONDONTWRITEBYTECODE=1 on these machines makes each
    start compile them (~150 ms in one turn, seen as a stall of the first HTML page), which
    a user's installed .pyc files do not."""
    import importlib

    for name in ("net.charset", "ui.text.fragments", "ui.text.json_pretty", "ui.text.render"):
        importlib.import_module(name)


def make_import_file(case: int, tmp: Path) -> Path:
    """Case 24's bookmark file: IMPORTS[case] bookmarks in 20 folders, as a browser exports."""
    from ui.library.bookmarks import Bookmark, Bookmarks
    from ui.library.netscape import to_netscape

    made = Bookmarks(
        Bookmark(0, f"Page {i} of a site", f"https://site{i % 300}.example/p/{i}", f"F{i % 20}")
        for i in range(IMPORTS[case])
    )
    path = tmp / "bookmarks.html"
    path.write_bytes(to_netscape(made))
    return path


def run_import(
    case: int, win: object, path: Path, wait: object, deadline: float
) -> dict[str, object]:
    """Case 24: Bookmarks > Import… (the real action, its file dialog answered) of a file of
    IMPORTS[case] bookmarks; the gaps from the trigger until the import has ended (its page
    shown), then until that page (yonder:bookmarks, ~5 MB of HTML) is rendered."""
    import ui.shell.library_controller as library_module
    from ui.shell.main_window import MainWindow

    assert isinstance(win, MainWindow)
    count = IMPORTS[case]
    library_module.ask_open_path = lambda *args, **kw: str(path)  # the file dialog's answer
    library = win.library
    page = win.page
    heart = Heart()
    heart.start()
    started = time.perf_counter()
    library.import_action.trigger()
    imported = wait(lambda: library.import_job is None, deadline)  # type: ignore[operator]
    shown = wait(lambda: page.load_ok is not None, deadline)  # type: ignore[operator]
    result: dict[str, object] = {"load_s": time.perf_counter() - started}
    wait(lambda: False, time.perf_counter() + 0.2)  # the turn after (the menu's rebuild)
    result.update(heart.stop())
    heart.start()
    started = time.perf_counter()
    rendered = wait(lambda: not page.rendering, deadline)  # type: ignore[operator]
    result["page_s"] = time.perf_counter() - started
    result.update({f"page_{k}": v for k, v in heart.stop().items()})
    # Reference: what one GUI-thread turn did before (read, parse, merge, to_json and the
    # page's HTML, synchronously in the action's slot), on the same file in this process.
    from ui.library import pages
    from ui.library.bookmarks import Bookmarks
    from ui.library.netscape import import_file

    started = time.perf_counter()
    fresh = Bookmarks()
    import_file(str(path), fresh)
    pages.bookmarks_html(fresh, "", "note")
    result["sync_ms"] = (time.perf_counter() - started) * 1000
    result.update(
        finished=imported and shown and rendered,
        load_ok=len(library.bookmarks) == count,
        spill_mib=0.0,
        body_mib=0.0,
        chars=len(page.document_view.toPlainText()),
        notice=f"{len(library.bookmarks):,} bookmarks imported",
    )
    return result


def run_actions(
    case: int, win: object, wait: object, heart: Heart, deadline: float
) -> list[tuple[str, float, float, float]]:
    """Cases 19-21: each action of ACTIONS[case] triggered as the user does (its QAction
    found by its text), then the event loop run for 1 s and until the page has no work left:
    (action, worst gap ms, p99 gap ms, seconds until done)."""
    from PySide6.QtGui import QAction

    from ui.shell.main_window import MainWindow

    assert isinstance(win, MainWindow)
    actions = {a.text().replace("&", ""): a for a in win.findChildren(QAction)}
    view = win.page.document_view

    def idle() -> bool:
        bar = win.page.find_bar
        counting = bar.isVisible() and bar.reading
        return not win.page.rendering and not view.has_pending() and not counting

    out = []
    for name in ACTIONS[case]:
        wait(lambda: False, time.perf_counter() + 0.3)
        heart.start()
        started = time.perf_counter()
        actions[name].trigger()
        wait(idle, deadline)
        took = time.perf_counter() - started
        wait(lambda: False, time.perf_counter() + max(0.0, 1.0 - took))
        gaps = heart.stop()
        out.append((name, gaps["worst_ms"], gaps["p99_ms"], took))
    return out


def run_download(
    case: int, win: object, url: str, tmp: Path, wait: object, deadline: float
) -> dict[str, object]:
    """Cases 17-18: Download… of the 2.1 GiB body straight to disk, to its end (17) or
    cancelled past 2 GiB (18) and the window closed at once; the gaps meanwhile."""
    from ui.shell.main_window import MainWindow

    assert isinstance(win, MainWindow)
    target = tmp / "download.bin"
    heart = Heart()
    heart.start()
    started = time.perf_counter()
    download_id = win.services.download(url, str(target))
    manager = win.services.downloads()
    row = win.services.downloads_panel.row(download_id) if win.services.downloads_panel else None
    assert row is not None
    result: dict[str, object] = {}
    if case == 17:
        finished = wait(lambda: row.state != "running" and row.state != "queued", deadline)  # type: ignore[operator]
        result.update(finished=finished, load_ok=row.state == "finished")
        result["load_s"] = time.perf_counter() - started
        result["status"] = row.status_label.text()
        result["spill_mib"] = target.stat().st_size / 2**20 if target.exists() else 0.0
        result.update(heart.stop())
        win.close()
    else:
        wait(lambda: row._progress.received > 2**31 + 2**20, deadline)  # type: ignore[operator]
        result["load_s"] = time.perf_counter() - started
        result.update(heart.stop())
        heart.start()  # the cancel (the partial 2 GB file discarded) and the close
        cancel_at = time.perf_counter()
        manager.cancel(download_id)
        wait(lambda: row.state == "cancelled", deadline)  # type: ignore[operator]
        result["cancel_ms"] = (time.perf_counter() - cancel_at) * 1000
        result["status"] = row.status_label.text()
        close_at = time.perf_counter()
        win.close()
        result["close_ms"] = (time.perf_counter() - close_at) * 1000
        result["thread_outlived_close"] = manager.worker_thread.isRunning()
        result.update(finished=True, load_ok=True, spill_mib=0.0)
        result.update({f"cancel_{k}": v for k, v in heart.stop().items()})
    result["body_mib"] = 2_255_000_000 / 2**20
    result["chars"] = 0
    result["notice"] = ""
    return result


def bare_freeze(text: str, width: int, height: int) -> float:
    """Seconds a bare, shown QPlainTextEdit freezes for setPlainText(text), its layout and
    first paint included: the reference printed beside Yonder's figures."""
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    app = QApplication.instance() or QApplication([])
    edit = QPlainTextEdit()
    edit.resize(width, height)
    edit.show()
    app.processEvents()
    started = time.perf_counter()
    edit.setPlainText(text)
    app.processEvents()
    elapsed = time.perf_counter() - started
    edit.close()
    return elapsed


def run_bare(text_in: str) -> dict[str, object]:
    """Child: a bare QPlainTextEdit given the text with setPlainText; its one freeze."""
    freeze = bare_freeze(Path(text_in).read_text(encoding="utf-8"), 1100, 750)
    return {"freeze_ms": freeze * 1000, "hwm_mib": vm_hwm_mib()}


def child(args: list[str], timeout: float) -> dict[str, object]:
    """Run this script as a child; its last stdout line is a JSON result."""
    try:
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"killed after {timeout:.0f} s"}
    lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if out.returncode or not lines:
        tail = (out.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {out.returncode}: {tail[:80]}"}
    result: dict[str, object] = json.loads(lines[-1][len("RESULT ") :])
    result["tracebacks"] = out.stderr.count("Traceback (most recent call last)")
    return result


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="case 2 with 2 MB instead of 20")
    parser.add_argument("--cases", default=",".join(map(str, ALL)), help="comma-separated")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per case")
    parser.add_argument(
        "--endless", type=float, default=20, help="seconds an endless page loads before Stop"
    )
    parser.add_argument(
        "--stalls",
        type=float,
        default=0,
        help="ms: sample the GUI thread's stack in every turn longer than this "
        "(bench/stall_sampler.py) and print the longest",
    )
    parser.add_argument("--child", choices=["yonder", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--text", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "yonder":
        # Leave 5 s before the parent kills us, so a slow case still reports what it saw.
        res = run_yonder(
            args.case,
            args.quick,
            args.text,
            max(5.0, args.timeout - 5),
            args.endless,
            args.stalls,
        )
        print("RESULT " + json.dumps(res), flush=True)
        return 0
    if args.child == "bare":
        print("RESULT " + json.dumps(run_bare(args.text)), flush=True)
        return 0

    cases = [int(c) for c in args.cases.split(",")]
    if not all(c in ALL for c in cases):
        parser.error(f"--cases: numbers {ALL[0]}..{ALL[-1]}")
    print(
        f"hostile_pages: cases {cases}, {'quick' if args.quick else 'full'}, timeout "
        f"{args.timeout:.0f} s per case, platform {os.environ.get('QT_QPA_PLATFORM')}"
    )
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    table = [
        row(
            [
                "case",
                "Yonder: load+render s",
                "worst gap ms",
                "p99 gap ms",
                "VmHWM MiB",
                "spill MiB",
                "tracebacks",
                "reference",
                "ratio",
            ]
        ),
        row(["---"] * 9),
    ]
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            label = f"{case}. {describe(case, args.quick)}"
            text = str(Path(tmp) / f"case{case}.txt")
            flags = ["--quick"] if args.quick else []
            common = ["--case", str(case), "--text", text, "--timeout", str(args.timeout)]
            common += ["--endless", str(args.endless), "--stalls", str(args.stalls)]
            y = child(["--child", "yonder", *common, *flags], args.timeout)
            if "error" in y:
                table.append(row([label, y["error"], *[""] * 7]))  # type: ignore[list-item]
                print(table[-1], flush=True)
                continue
            fin = "" if y["finished"] else f" (not done at {args.timeout - 5:.0f} s)"
            cells = [
                label,
                f"{y['load_s']:.2f}{fin}",
                f"{y['worst_ms']:.0f}",
                f"{y['p99_ms']:.1f}",
                f"{y['hwm_mib']:.0f}",
                f"{y['spill_mib']:.0f}",
                f"{y['tracebacks']}",
            ]
            if case == 5:
                table.append(row([*cells, "(loading the page; reference below)", ""]))
                print(table[-1], flush=True)
                if "key_ms" not in y:
                    table.append(row(["   Find: not measured (page not loaded)", *[""] * 8]))
                    continue
                ok = "" if y["counted"] else " (count not complete)"
                same = "" if y["matches"] == y["expected"] else f" != {y['expected']}"
                cells = [
                    f"   typing 'e': key {y['key_ms']:.1f} ms, count of {y['matches']:,}"
                    f"{same} complete",
                    f"{y['count_s']:.2f}{ok}",
                    f"{y['find_worst_ms']:.0f}",
                    f"{y['find_p99_ms']:.1f}",
                    f"{y['hwm_mib']:.0f}",
                    "",
                    "",
                    f"str.count: {y['str_count_ms']:.0f} ms",
                    f"count {y['count_s'] * 1000 / y['str_count_ms']:.1f}x",
                ]
            elif case in ACTIONS and "actions" in y:
                table.append(row([*cells, "(loading the page; its actions below)", ""]))
                print(table[-1], flush=True)
                b = child(["--child", "bare", "--text", text], args.timeout)
                ref = (
                    f"bare setPlainText: {b.get('freeze_ms', 0):.0f} ms" if "error" not in b else ""
                )
                for name, worst, p99, took in y["actions"]:  # type: ignore[misc]
                    ratio = f"worst gap {worst / b['freeze_ms']:.2f}x" if ref else ""
                    table.append(
                        row(
                            [
                                f"   {name}",
                                f"{took:.2f}",
                                f"{worst:.0f}",
                                f"{p99:.1f}",
                                "",
                                "",
                                "",
                                ref,
                                ratio,
                            ]
                        )
                    )
                    print(table[-1], flush=True)
                continue
            elif case in DOWNLOADS:
                cells += ["(to disk: no page)", ""]
            elif "sync_ms" in y:
                ref = y["sync_ms"]
                cells += [
                    f"the same work in one GUI turn (before): {ref:.0f} ms",
                    f"worst gap {y['worst_ms'] / ref:.2f}x",
                ]
            elif y["chars"] > BARE_MAX_CHARS:
                cells += [f"(no reference: {y['chars']:,} chars rendered)", ""]
            else:
                b = child(["--child", "bare", "--text", text], args.timeout)
                if "error" in b:
                    cells += [f"bare setPlainText: {b['error']}", ""]
                else:
                    f = b["freeze_ms"]
                    cells.append(
                        f"bare setPlainText of {y['chars']:,} chars: one freeze "
                        f"{f:.0f} ms (VmHWM {b['hwm_mib']:.0f} MiB)"
                    )
                    if y["chars"] < 10_000:  # the page renders to almost nothing
                        cells.append("n/a (rendered text tiny)")
                    else:
                        cells.append(
                            f"worst gap {y['worst_ms'] / f:.2f}x, "
                            f"load {y['load_s'] * 1000 / f:.1f}x"
                        )
            table.append(row(cells))
            print(table[-1], flush=True)
            chars, body = y["chars"], y["body_mib"]
            notes.append(f"{case}. {chars:,} characters in the view, body {body:,.0f} MiB")
            if y.get("notice"):
                notes[-1] += f"; notice: {y['notice']}"
            if "save_s" in y:
                notes.append(
                    f"   Save Page of {y['saved_mib']:,.0f} MiB in the background: "
                    f"{y['save_s']:.1f} s, worst gap {y['save_worst_ms']:.0f} ms, p99 "
                    f"{y['save_p99_ms']:.1f} ms; leaving the page (its spill released): worst "
                    f"gap {y['leave_worst_ms']:.0f} ms"
                )
            if "status" in y:
                notes.append(f"   download row: {y['status']}")
            if "page_s" in y:
                notes.append(
                    f"   then yonder:bookmarks rendered in {y['page_s']:.1f} s, worst gap "
                    f"{y['page_worst_ms']:.0f} ms, p99 {y['page_p99_ms']:.1f} ms"
                )
            for line in y.get("stalls", []):  # type: ignore[attr-defined]
                notes.append(f"   {line}")
            if "cancel_ms" in y:
                notes.append(
                    f"   cancelled in {y['cancel_ms']:.0f} ms (worst gap from the cancel to the "
                    f"window closed {y['cancel_worst_ms']:.0f} ms); window closed in "
                    f"{y['close_ms']:.0f} ms; download thread outlived the close: "
                    f"{y['thread_outlived_close']}"
                )
    print()
    print("\n".join(table))
    print()
    print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
