"""Hostile pages in the real window (issue 14): sizes past 2 GiB, a full disk, a spill without
end, pathological formatting, a server that never answers, credentials in a refused address.

Every server here is a loopback one that misbehaves on purpose; assertions are on what the
window shows. No wall-clock upper bounds: the gaps and memory are measured in
bench/hostile_pages.py.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.windows import OPTIONS, serve, text_of
from tests.integration.servers import (
    LoopbackServer,
    http_response,
    read_request,
    respond,
    stall,
)
from tests.small_disk import fill, small_disk
from ui.downloads.save_job import SaveStatus
from ui.page.load_status import format_size
from ui.shell.main_window import MainWindow
from ui.text.body_store import SpillLimits

FIVE_GB = 5_000_000_000
PAST_INT32 = 2**31 + 1


def announce_then(chunks: list[bytes], length: int, gate: threading.Event) -> Any:
    """A handler: a head announcing ``length`` bytes, the first chunk, then each later chunk
    once ``gate`` is set (and cleared again), then silence until the server stops."""

    def handler(conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {length}\r\n\r\n"
        conn.sendall(head.encode() + chunks[0])
        for chunk in chunks[1:]:
            while not gate.wait(0.05):
                if server.stopping.is_set():
                    return
            gate.clear()
            conn.sendall(chunk)
        server.stopping.wait(30)

    return handler


# -- 2 GiB and more ----------------------------------------------------------------------------


def test_a_5_gb_announced_length_shows_progress_that_moves(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    gate = threading.Event()
    chunks = [b"a" * 100_000, b"b" * 300_000]
    srv = serve(servers, announce_then(chunks, FIVE_GB, gate))
    window.load(srv.url("/huge.txt"))
    status = window.page.load_status
    qtbot.waitUntil(lambda: "of 4.66 GiB" in status.label.text(), timeout=10_000)
    assert status.bar.isVisible()
    assert status.bar.maximum() == 1000  # a percentage, not a busy indicator
    qtbot.waitUntil(lambda: status.label.text().startswith("97.7 KiB of 4.66 GiB"), timeout=10_000)
    gate.set()  # more arrives: the status follows it
    qtbot.waitUntil(lambda: status.label.text().startswith("391 KiB of 4.66 GiB"), timeout=10_000)
    assert window.page.load_ok is None
    srv.stop()  # the server goes away long before 5 GB
    qtbot.waitUntil(lambda: window.page.load_ok is False, timeout=10_000)
    assert window.page.error_banner.isVisible()
    assert "a" * 100 in text_of(window)


def test_a_body_of_2_gib_plus_one_shows_its_figures_in_the_page_and_the_downloads(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    """2**31 + 1 announced (one past what an int signal carries), through the window: the
    page's status line and progress bar, then File > Download… of the same address and its
    row in the Downloads panel, each with the right figures; the server then goes away and
    each says so (a body that size is not sent: the announced length is what crosses the
    signals and the formatting)."""
    from tests.gui.journeys import drive

    gate = threading.Event()
    chunks = [b"a" * 100_000, b"b" * 300_000]
    srv = serve(servers, announce_then(chunks, PAST_INT32, gate))
    window.load(srv.url("/big.txt"))
    status = window.page.load_status
    total = format_size(PAST_INT32)  # "2 GiB", as every size is written
    qtbot.waitUntil(lambda: status.label.text().startswith(f"97.7 KiB of {total}"), timeout=10_000)
    assert status.bar.isVisible() and status.bar.maximum() == 1000
    assert status.bar.value() == 100_000 * 1000 // PAST_INT32  # 0: not overflowed, not -1
    gate.set()
    qtbot.waitUntil(lambda: status.label.text().startswith(f"391 KiB of {total}"), timeout=10_000)
    window.page.stop()

    target = tmp_path / "big.txt"
    drive.answer_dialogs(qtbot, srv.url("/big.txt"), str(target))
    drive.trigger(window, "File", "Download…")
    panel = window.services.downloads_panel
    assert panel is not None
    qtbot.waitUntil(
        lambda: any(t.startswith(f"97.7 KiB of {total}") for t in drive.label_texts(panel)),
        timeout=10_000,
    )
    (row,) = panel.rows()
    assert row.bar.maximum() == 1000 and row.bar.value() == 100_000 * 1000 // PAST_INT32
    gate.set()
    qtbot.waitUntil(
        lambda: any(t.startswith(f"391 KiB of {total}") for t in drive.label_texts(panel)),
        timeout=10_000,
    )
    assert any("left" in t for t in drive.label_texts(panel))  # a time left, from the total
    srv.stop()  # gone long before 2 GiB: the download fails and leaves nothing
    qtbot.waitUntil(lambda: row.state == "failed", timeout=10_000)
    assert row.status_label.text().startswith("Failed · ")
    assert "-2147483648" not in row.status_label.text()
    assert "big.txt" not in os.listdir(tmp_path)


@pytest.mark.parametrize(
    "owner, name",
    [
        ("ui.page.fetch_worker.Fetcher", "progress_changed"),
        ("ui.page.page_renderer.PageRenderer", "truncated"),
        ("ui.downloads.download_manager.DownloadManager", "progress_changed"),
        ("ui.downloads.download_manager.DownloadManager", "finished"),
        ("ui.downloads.download_worker.DownloadWorker", "done"),
    ],
)
def test_size_signals_carry_more_than_2_gib_across_threads(
    qtbot: QtBot, owner: str, name: str
) -> None:
    """Each size-carrying signal, emitted on another thread with 2**31 + 1, arrives intact
    (an int signal raised OverflowError there, 446 tracebacks a minute)."""
    import importlib

    module, _, cls = owner.rpartition(".")
    signal = getattr(importlib.import_module(module), cls).__dict__[name]
    # A QObject subclass declaring the very same Signal object (its C++ signature).
    holder = type("Holder", (QObject,), {"sig": signal})()
    types = str(signal).split("(", 1)[1].rstrip(")").split(",")
    samples = {"int": 7, "qint64": PAST_INT32, "QString": "/x", "double": 1.5}
    args = [samples[t] for t in types]
    assert PAST_INT32 in args
    got: list[tuple[Any, ...]] = []
    thread = QThread()
    holder.sig.connect(lambda *a: got.append(a))
    holder.moveToThread(thread)
    thread.started.connect(lambda: holder.sig.emit(*args))
    thread.start()
    try:
        qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    finally:
        thread.quit()
        thread.wait(2000)
    assert list(got[0]) == args


# -- the spill: a full disk, and its bounds ----------------------------------------------------


def spill_window(qtbot: QtBot, make_settings: Any, limits: SpillLimits) -> MainWindow:
    win = MainWindow(make_settings(), options=OPTIONS, view_cap=64 * 1024, spill=limits)
    qtbot.addWidget(win)
    win.show()
    return win


def save_with_ctrl_s(qtbot: QtBot, win: MainWindow, target: Path) -> None:
    win.ask_path = lambda caption, name: str(target)
    with qtbot.waitSignal(win.saved, timeout=10000):
        qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_a_full_disk_while_spilling_marks_the_page_and_save_incomplete(
    qtbot: QtBot, make_settings: Any, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    body = b"0123456789abcdef" * (3 * 2**20 // 16)  # 3 MiB
    gate = threading.Event()
    chunks = [body[: 200 * 1024], body[200 * 1024 :]]
    srv = serve(servers, announce_then(chunks, len(body), gate))
    with small_disk(tmp_path / "tmp", "1m") as disk:
        win = spill_window(qtbot, make_settings, SpillLimits(directory=str(disk), reserve=0))
        win.load(srv.url("/big.txt"))
        qtbot.waitUntil(lambda: win.page.store.body.spilled > 0, timeout=10000)
        fill(disk)  # someone else fills the disk while the page is loading
        gate.set()
        qtbot.waitUntil(lambda: win.page.load_ok is not None, timeout=20000)
        qtbot.waitUntil(lambda: not win.page.rendering, timeout=20000)
        assert win.page.load_ok is True  # the transfer itself went on to its end
        notice = win.page.notice_bar.label.text()
        assert f"the disk holding the temporary folder ({disk}) is full" in notice
        assert "Save will be incomplete" in notice
        assert "is full" in text_of(win)  # the page's own truncation line says so too
        kept = win.page.store.kept_size
        assert 64 * 1024 < kept < len(body)
        target = tmp_path / "saved.txt"
        save_with_ctrl_s(qtbot, win, target)
        assert target.read_bytes() == body[:kept]  # what was kept, exactly, and no more
        status = win.page.load_status.label.text()
        assert status.startswith(f"Saved {format_size(kept)} to {target} (incomplete: the disk")
        win.close()


def test_the_spill_stops_at_its_limit_and_says_download_saves_a_stream(
    qtbot: QtBot, make_settings: Any, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    body = b"x" * (2 * 2**20)
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    win = spill_window(qtbot, make_settings, SpillLimits(limit=256 * 1024, reserve=0))
    win.load(srv.url("/endless.txt"))
    qtbot.waitUntil(lambda: win.page.load_ok is not None, timeout=20000)
    qtbot.waitUntil(lambda: not win.page.rendering, timeout=20000)
    notice = win.page.notice_bar.label.text()
    assert "the body beyond 320 KiB was not kept" in notice
    assert "Download saves a stream to disk" in notice
    assert win.page.store.body.spilled == 256 * 1024
    target = tmp_path / "saved.txt"
    save_with_ctrl_s(qtbot, win, target)
    assert target.stat().st_size == 320 * 1024
    win.close()


def test_the_spill_limit_is_a_setting(qtbot: QtBot, make_settings: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from ui.settings import Settings

    settings = make_settings()
    settings.store.setValue("body/spill_limit_mib", 3)
    fresh = Settings(QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat))
    for store, limit in ((settings, 3 * 2**20), (fresh, 4 * 2**30)):  # set, and the default
        win = MainWindow(store, options=OPTIONS)
        qtbot.addWidget(win)
        assert win.page.store.limits.limit == limit
        win.close()


# -- formatting: applied in batches, never rescanned ------------------------------------------


def test_ten_thousand_bold_words_are_all_styled(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    """One span per word on one line (each format change alone re-laid-out the whole line:
    after 140 s most were still plain)."""
    words = 10_000
    body = b"<html><body><p>" + b"<b>x</b> " * words + b"<i>end</i></p></body></html>"
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/html")])))
    window.load(srv.url("/bold.html"))
    qtbot.waitUntil(lambda: window.page.load_ok is not None, timeout=10000)
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=60000)
    text = text_of(window)
    assert text.count("x") == words
    shown = window.page.document_view.shown_runs()
    bold = sum(piece.count("x") for _, piece, fmt in shown if fmt.fontWeight() >= 700)
    assert bold == words
    assert window.page.document_view.has_pending() is False


# -- the view cap counts what the view holds ---------------------------------------------------


def test_the_view_cap_counts_rendered_characters_not_body_bytes(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    """Nested quotes render to many times their bytes (31 MB became 235 M characters); the
    view stops at its own cap and says so, and Save still has the whole body."""
    body = b"<html><body>" + b"<blockquote>x" * 20_000
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/html")])))
    window.page.renderer.unit_cap = 200_000  # what this test's view may hold
    window.load(srv.url("/quotes.html"))
    qtbot.waitUntil(lambda: window.page.load_ok is not None, timeout=10000)
    qtbot.waitUntil(lambda: not window.page.rendering, timeout=30000)
    shown = window.page.renderer.rendered_offset
    assert 0 < shown < len(body)
    notice = window.page.notice_bar.label.text()
    assert notice.startswith("Document truncated at ")
    assert "the whole 254 KiB body is kept for Save" in notice
    text = text_of(window)
    assert "the whole 254 KiB body is kept for Save" in text  # the page's last line
    assert window.page.renderer.view_units < 2 * 200_000  # stopped near the cap, not at the end
    target = tmp_path / "quotes.html"
    window.ask_path = lambda caption, name: str(target)
    with qtbot.waitSignal(window.saved, timeout=10000):
        window.page.notice_bar.save_button.click()
    assert target.read_bytes() == body


# -- off the GUI thread ------------------------------------------------------------------------


class HeldChunks(Iterator[bytes]):
    """The body's chunks as the save reads them, held by the test: the first one at once,
    each next one only once ``gate`` is set (so the save is surely still running when the
    test looks at it and clicks Cancel, however fast the disk). The wait is bounded (a
    failed test must not hang the save thread); the iterator's close() is passed on."""

    def __init__(self, chunks: Iterator[bytes], gate: threading.Event) -> None:
        self._chunks = chunks
        self._gate = gate
        self._first = True

    def __next__(self) -> bytes:
        if not self._first:
            self._gate.wait(120)
        self._first = False
        return next(self._chunks)

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


def test_save_page_runs_in_the_background_with_progress_and_cancel(
    qtbot: QtBot, make_settings: Any, servers: list[LoopbackServer], tmp_path: Path
) -> None:
    body = b"y" * (128 * 2**20)  # mostly in the page's temporary file
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "text/plain")])))
    win = spill_window(qtbot, make_settings, SpillLimits(reserve=0))
    win.load(srv.url("/big.txt"))
    qtbot.waitUntil(lambda: win.page.load_ok is not None, timeout=60000)
    folder = tmp_path / "saves"
    folder.mkdir()
    target = folder / "big.txt"
    win.ask_path = lambda caption, name: str(target)
    gate = threading.Event()
    store = win.page.store
    iter_body = store.iter_body
    store.iter_body = lambda: HeldChunks(iter_body(), gate)  # type: ignore[method-assign]
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    # Ctrl+S returned with the save under way: its progress and Cancel in the status bar.
    assert win.page.saver.saving
    status = win.findChild(SaveStatus)
    assert status is not None and status.isVisible()
    assert status.label.text().startswith("Saving big.txt: ")
    assert status.label.text().endswith(" of 128 MiB")
    qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()  # the rest of the body may come now: the save must stop at its next chunk
    qtbot.waitUntil(lambda: not win.page.saver.saving, timeout=30000)
    assert (
        win.page.load_status.label.text()
        == f"Saving to {target} was cancelled; nothing was written."
    )
    assert not status.isVisible()
    assert os.listdir(folder) == []  # no partial file, no temporary one
    with qtbot.waitSignal(win.saved, timeout=60000):
        qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.stat().st_size == len(body)
    assert os.listdir(folder) == ["big.txt"]
    assert win.page.load_status.label.text() == f"Saved 128 MiB to {target}"
    win.close()


# -- messages ----------------------------------------------------------------------------------


def test_a_server_that_never_answers_is_waited_for_not_connected_to(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, stall())  # accepts, reads the request, says nothing
    window.load(srv.url("/silent"))
    status = window.page.load_status.label
    qtbot.waitUntil(lambda: len(srv.requests) == 1, timeout=10_000)
    qtbot.waitUntil(
        lambda: status.text() == "Waiting for the server's response (request sent)", timeout=10_000
    )
    assert window.page.load_status.bar.isVisible()
    window.page.stop()


def test_a_refused_address_with_a_password_never_shows_it(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(http_response(200, b"hello\n")))
    window.load(srv.url("/"))  # a page first: Copy as curl is on for it
    qtbot.waitUntil(lambda: window.page.load_ok is True, timeout=10_000)
    assert window.commands.curl_action.isEnabled()
    bar = window.address_bar
    window.commands.focus_address_action.trigger()
    qtbot.keyClicks(bar, f"http://alice:s3cret@127.0.0.1:{srv.port}/private")
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.page.load_ok is False, timeout=10_000)
    banner = window.page.error_banner.label.text()
    shown = [window.windowTitle(), bar.text(), text_of(window), banner]
    assert all("s3cret" not in part for part in shown), shown
    assert f"http://alice:•••@127.0.0.1:{srv.port}/private" in text_of(window)
    assert "does not send credentials" in text_of(window)
    assert bar.text() == f"http://alice:•••@127.0.0.1:{srv.port}/private"
    assert not window.commands.curl_action.isEnabled()
    clipboard = QApplication.clipboard()
    clipboard.setText("before")
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_C, mods)  # Copy as curl's shortcut
    assert clipboard.text() == "before"
    assert len(srv.requests) == 1  # the refused address was never sent
