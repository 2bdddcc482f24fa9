"""Journeys: a big page renders in the renderer process (ui/page/render_process.py), and what
the reader gets is exactly what rendering in the window gives: the same text, links, styles
and anchors, links that work. When that process dies mid-page, or is not a renderer at all,
the page still arrives whole (rendered in the window instead), and the next big page gets a
new process. Pages are served from 127.0.0.1; the process is a real `main.py --render-worker`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, routes, send
from ui.page import render_process
from ui.shell.main_window import MainWindow

CORPUS = Path(__file__).resolve().parents[2] / "unit" / "html_corpus"
SECTION = """
<h2 id="s{n}">Section {n} <a class="headerlink" href="#s{n}">¶</a></h2>
<dl class="py function"><dt id="f{n}"><code>func_{n}(a, b=2)</code></dt>
<dd><p>Returns 2<sup>31</sup> for <em>every</em> 😀 input;
see <a href="/doc/{n}.html">page {n}</a>.</p>
<ul><li>first item with <strong>bold</strong> text</li><li>second <code>item</code></li></ul>
<pre>for i in range({n}):
\tprint(i)</pre></dd></dl>
<table><tr><th>Name</th><th>Value</th></tr><tr><td>n</td><td>{n}</td></tr></table>
"""


def big_page() -> bytes:
    """A page past render_process.MIN_BYTES: the corpus's real pages, then sections with what
    Sphinx pages hold (definitions, lists, code, tables, astral characters, anchors)."""
    corpus = "".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.html")))
    body = "<html><head><title>Big reference</title></head><body>" + corpus
    n = 0
    while len(body.encode()) < 2 * render_process.MIN_BYTES:
        body += SECTION.format(n=n)
        n += 1
    body += '<p id="end">The very end.</p></body></html>'
    return body.encode()


def page_response(body: bytes) -> bytes:
    return http_response(200, body, [("Content-Type", "text/html; charset=utf-8")])


def shown(win: MainWindow) -> tuple[str, list[tuple[int, int, str]], list[tuple[object, ...]]]:
    """What is on screen: the text, the links, and every run of characters with its format
    (weight, italic, fixed pitch, underline, vertical alignment, link target)."""
    view = win.page.document_view
    runs = [
        (
            pos,
            text,
            fmt.fontWeight(),
            fmt.fontItalic(),
            tuple(fmt.fontFamilies() or ()),
            fmt.fontUnderline(),
            fmt.verticalAlignment(),
            fmt.anchorHref(),
        )
        for pos, text, fmt in view.shown_runs()
    ]
    return view.toPlainText(), view.links(), runs


def reference(
    qtbot: QtBot, win: MainWindow, url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[tuple[int, int, str]], list[tuple[object, ...]]]:
    """The page rendered in the window's own process (the renderer process switched off)."""
    monkeypatch.setenv(render_process.ENV, "0")
    opened = _opened()
    drive.open_address(qtbot, win, url, timeout=60000)
    assert _opened() == opened  # really rendered here
    monkeypatch.delenv(render_process.ENV)
    return shown(win)


def widened_pipe_size() -> int:
    """PIPE_BYTES where the system allows pipes that big, else a pipe's default size."""
    if int(Path("/proc/sys/fs/pipe-max-size").read_text()) >= render_process.PIPE_BYTES:
        return render_process.PIPE_BYTES
    read, write = os.pipe()
    try:
        return fcntl.fcntl(read, fcntl.F_GETPIPE_SZ)
    finally:
        os.close(read)
        os.close(write)


def protocol_pipe_sizes(pid: int) -> list[int]:
    """The buffer sizes of the pipes the window shares with process ``pid`` (its protocol's,
    input and output)."""

    def pipes(fd_dir: str) -> set[str]:
        found = set()
        for name in os.listdir(fd_dir):
            with contextlib.suppress(OSError):
                link = os.readlink(f"{fd_dir}/{name}")
                if link.startswith("pipe:"):
                    found.add(link)
        return found

    shared = pipes(f"/proc/{pid}/fd") & pipes("/proc/self/fd")
    sizes = []
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{name}") in shared:
                sizes.append(fcntl.fcntl(int(name), fcntl.F_GETPIPE_SZ))
    return sorted(sizes)


def _opened() -> int:
    process = render_process.current()
    return process.opened if process is not None else 0


def test_a_big_page_renders_in_the_render_process_as_it_does_in_the_window(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = big_page()
    srv = serve(
        servers,
        routes(
            {
                "/big.html": send(page_response(body)),
                "/doc/3.html": send(page_response(b"<p>Page three")),
            }
        ),
    )
    expected = reference(qtbot, window, srv.url("/big.html"), monkeypatch)

    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)
    drive.open_address(qtbot, window, srv.url("/big.html"), timeout=60000)
    process = render_process.current()
    assert process is not None and process.opened >= 1
    assert os.path.exists(f"/proc/{process.pid}")
    assert shown(window) == expected
    assert protocol_pipe_sizes(process.pid) == [widened_pipe_size()] * 2
    text = expected[0]
    assert "Big reference" in window.tabs.tabText(window.tabs.currentIndex())
    assert "2^31" in text or "2³¹" in text
    assert text.rstrip().endswith("The very end.")

    # A link found by the process works: a click at its place fetches it.
    drive.click_link(qtbot, window, srv.url("/doc/3.html"))
    drive.wait_loaded(qtbot, window)
    assert drive.requests_to(srv, "/doc/3.html")
    assert "Page three" in window.page.document_view.toPlainText()

    # Back, then a fragment link of the process's anchors scrolls without a request.
    drive.trigger(window, "Go", "Back")
    drive.wait_loaded(qtbot, window, timeout=60000)
    assert "The very end." not in drive.visible_text(window)
    drive.enter_address(qtbot, window, srv.url("/big.html") + "#end")
    qtbot.waitUntil(lambda: "The very end." in drive.visible_text(window), timeout=60000)


def test_view_switches_render_again_in_the_process(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    srv = serve(servers, routes({"/big.html": send(page_response(big_page()))}))
    expected = reference(qtbot, window, srv.url("/big.html"), monkeypatch)
    drive.trigger(window, "View", "Source")
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=60000)
    assert window.page.document_view.toPlainText().startswith("<html>")
    opened = _opened()
    drive.trigger(window, "View", "Rendered")  # the stored body again: now in the process
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=60000)
    assert _opened() == opened + 1
    assert shown(window) == expected
    assert len(drive.requests_to(srv, "/big.html")) == 1  # never fetched again


class Gate:
    """A route that sends the head and the first half of a page, then the rest once opened;
    the first ``whole`` requests get all of it at once (the reference)."""

    def __init__(self, body: bytes, whole: int = 0) -> None:
        self.raw = page_response(body)
        self.half = len(self.raw) // 2
        self.whole = whole
        self.sent_half = threading.Event()
        self.opened = threading.Event()

    def route(self, conn: object, server: LoopbackServer, request: bytes) -> None:
        if self.whole > 0:
            self.whole -= 1
            conn.sendall(self.raw)  # type: ignore[attr-defined]
            return
        conn.sendall(self.raw[: self.half])  # type: ignore[attr-defined]
        self.sent_half.set()
        if self.opened.wait(30) and not server.stopping.is_set():
            conn.sendall(self.raw[self.half :])  # type: ignore[attr-defined]


def test_the_process_killed_mid_page_the_page_still_arrives_whole(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = big_page()
    gate = Gate(body, whole=1)
    srv = serve(servers, routes({"/big.html": gate.route}))
    expected = reference(qtbot, window, srv.url("/big.html"), monkeypatch)
    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)

    opened = _opened()
    drive.enter_address(qtbot, window, srv.url("/big.html"))
    qtbot.waitUntil(lambda: _opened() == opened + 1, timeout=30000)
    process = render_process.current()
    assert process is not None
    qtbot.waitUntil(lambda: "Section" in window.page.document_view.toPlainText(), timeout=30000)
    os.kill(process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: process.dead is not None, timeout=30000)
    gate.opened.set()
    drive.wait_loaded(qtbot, window, timeout=60000)
    assert shown(window) == expected
    assert "signal 9" in (process.dead or "")

    # The next big page gets a new process.
    gate.whole = 1
    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)
    drive.open_address(qtbot, window, srv.url("/big.html"), timeout=60000)
    fresh = render_process.current()
    assert fresh is not None and fresh is not process and fresh.opened == 1
    assert shown(window) == expected


def _big_page_with_worker(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> render_process.RenderProcess | None:
    """Open a big page with ``command`` as the renderer process; check that it arrives as
    rendering it in the window gives; return the process tried."""
    srv = serve(servers, routes({"/big.html": send(page_response(big_page()))}))
    expected = reference(qtbot, window, srv.url("/big.html"), monkeypatch)
    render_process.stop_shared()
    monkeypatch.setattr(render_process, "worker_command", lambda: command)
    drive.trigger(window, "Go", "Home")
    drive.wait_loaded(qtbot, window)
    drive.open_address(qtbot, window, srv.url("/big.html"), timeout=60000)
    assert shown(window) == expected
    return render_process._shared


def test_a_process_that_is_no_renderer_leaves_the_page_whole(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real process that answers garbage: the window must not believe it.
    garbage = [sys.executable, "-c", "import sys; sys.stdout.buffer.write(b'\\xff' * 64)"]
    failed = _big_page_with_worker(qtbot, window, servers, monkeypatch, garbage)
    # It was tried and given up: its garbage read, or its exit seen first (it writes and quits).
    assert failed is not None and failed.dead is not None
    monkeypatch.undo()
    render_process.stop_shared()


def test_a_process_that_hangs_is_ended_and_the_page_arrives_whole(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real process that takes everything it is sent and never answers (a hung renderer):
    # the page must not stay "rendering" for ever.
    silent = [sys.executable, "-c", "import sys\nwhile sys.stdin.buffer.read(65536): pass"]
    monkeypatch.setattr(render_process, "SILENT_LIMIT_MS", 300)
    hung = _big_page_with_worker(qtbot, window, servers, monkeypatch, silent)
    assert hung is not None and hung.opened == 1
    assert hung.dead == "the renderer process did not answer for 0.3 s"
    monkeypatch.undo()
    render_process.stop_shared()


def test_stop_mid_page_then_another_page_shows_only_its_own_text(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = big_page()
    gate = Gate(body)
    other = body.replace(b"Section", b"Chapter")
    srv = serve(
        servers, routes({"/slow.html": gate.route, "/other.html": send(page_response(other))})
    )
    expected = reference(qtbot, window, srv.url("/other.html"), monkeypatch)
    drive.enter_address(qtbot, window, srv.url("/slow.html"))
    qtbot.waitUntil(gate.sent_half.is_set, timeout=30000)
    qtbot.waitUntil(lambda: "Section" in window.page.document_view.toPlainText(), timeout=30000)
    drive.trigger(window, "Go", "Stop")
    drive.wait_loaded(qtbot, window)
    gate.opened.set()
    drive.open_address(qtbot, window, srv.url("/other.html"), timeout=60000)
    assert shown(window) == expected
    assert "Section" not in window.page.document_view.toPlainText()
