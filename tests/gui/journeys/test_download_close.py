"""Closing the window while a download's file is being written to the disk: the close is
bounded and loses nothing (issue 14). The disk's confirmation (fsync) is held for the whole
test, as a slow disk holds it for seconds with GBs of dirty pages: before, closing waited
its 1 s, left the download thread running in its fsync and the file not in place."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.shell.main_window import MainWindow


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def slow_disk(downloads: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """fsync of any file in the downloads folder blocks until the returned event is set (at
    the end of the test at the latest); other files (the settings) sync as usual."""
    release = threading.Event()
    real = os.fsync
    folder = str(downloads)

    def fsync(fd: int) -> None:
        try:
            where = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            where = ""
        if where.startswith(folder):
            release.wait(60)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    yield release
    release.set()


def test_closing_while_a_download_is_written_to_disk_puts_it_in_place_and_says_so(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    downloads: Path,
    slow_disk: threading.Event,
    capfd: pytest.CaptureFixture[str],
) -> None:
    body = os.urandom(3 * 2**20)
    srv = serve(servers, respond(http_response(200, body, [("Content-Type", "application/zip")])))
    target = downloads / "archive.zip"
    drive.answer_dialogs(qtbot, srv.url("/archive.zip"), str(target))
    drive.trigger(window, "File", "Download…")
    panel = window.services.downloads_panel
    assert panel is not None
    # Every byte is written; the disk is confirming them: the row says so.
    qtbot.waitUntil(
        lambda: any("writing it to the disk" in t for t in drive.label_texts(panel)),
        timeout=20_000,
    )
    assert not target.exists()
    manager = window.services.downloads()
    drive.trigger(window, "File", "Close Window")
    qtbot.waitUntil(lambda: not window.isVisible())
    # The close did not leave the download thread in its fsync, and lost nothing.
    assert not manager.worker_thread.isRunning()
    assert target.read_bytes() == body
    assert os.listdir(downloads) == ["archive.zip"]  # no hidden .part left
    said = capfd.readouterr().err
    assert (
        f"yonder: archive.zip was complete when the window closed and is in place at {target}"
        in said
    )


def test_closing_mid_transfer_cancels_leaves_nothing_and_says_so(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    downloads: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    from tests.integration.servers import stall

    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"s" * 1000
    srv = serve(servers, stall(head))
    target = downloads / "never.bin"
    drive.answer_dialogs(qtbot, srv.url("/never.bin"), str(target))
    drive.trigger(window, "File", "Download…")
    panel = window.services.downloads_panel
    assert panel is not None
    qtbot.waitUntil(
        lambda: any("of 977 KiB" in t for t in drive.label_texts(panel)), timeout=20_000
    )
    manager = window.services.downloads()
    drive.trigger(window, "File", "Close Window")
    qtbot.waitUntil(lambda: not window.isVisible())
    assert not manager.worker_thread.isRunning()
    assert os.listdir(downloads) == []
    said = capfd.readouterr().err
    assert (
        f"yonder: closing the window cancelled the download of {srv.url('/never.bin')} "
        f"(1000 B of 977 KiB received); nothing was saved to {target}"
    ) in said
