"""Downloads straight to disk over loopback: whole files, progress, cancel, failures, shutdown."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from net.events import BodyChunk, Event, Finished, ResponseHead, Timings
from tests.integration.servers import (
    LoopbackServer,
    drip,
    http_response,
    respond,
    stall,
)
from tests.small_disk import small_disk
from ui.downloads.download_manager import DownloadManager, DownloadsPanel
from ui.downloads.download_worker import DownloadWorker, Progress

Serve = Callable[..., LoopbackServer]


@pytest.fixture
def serve() -> Iterator[Serve]:
    started: list[LoopbackServer] = []

    def factory(handler: Any) -> LoopbackServer:
        server = LoopbackServer(handler)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def make_manager(qtbot: QtBot) -> Iterator[Callable[..., DownloadManager]]:
    made: list[DownloadManager] = []

    def factory(fetch: Any = None) -> DownloadManager:
        manager = DownloadManager(fetch)
        made.append(manager)
        return manager

    yield factory
    for manager in made:
        assert manager.shutdown(2000)


class Recorder:
    def __init__(self, manager: DownloadManager) -> None:
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        for name in ("started", "progress_changed", "finished", "failed", "cancelled"):
            getattr(manager, name).connect(lambda *a, n=name: self.events.append((n, a)))

    def of(self, name: str) -> list[tuple[Any, ...]]:
        return [a for n, a in self.events if n == name]

    def ends(self) -> list[str]:
        return [n for n, _ in self.events if n in ("finished", "failed", "cancelled")]


def test_50_mb_body_lands_on_disk_whole(
    qtbot: QtBot, tmp_path: Path, serve: Serve, make_manager: Any
) -> None:
    body = os.urandom(1 << 20) * 50
    server = serve(respond(http_response(200, body, [("Content-Type", "application/zip")])))
    manager = make_manager()
    rec = Recorder(manager)
    target = tmp_path / "big.zip"
    with qtbot.waitSignal(manager.finished, timeout=20000) as done:
        download_id = manager.start(server.url("/big.zip"), str(target))
    assert done.args == [download_id, str(target), len(body)]
    assert target.read_bytes() == body
    assert os.listdir(tmp_path) == ["big.zip"]
    progress = rec.of("progress_changed")
    assert {p[2] for p in progress} == {len(body)}  # the size was known from the head
    assert progress[-1][1:3] == (len(body), len(body))
    received = [p[1] for p in progress]
    assert received == sorted(received)
    assert rec.ends() == ["finished"]


def fake_fetch(chunks: int, pause: float) -> Any:
    def fetch(url: str, options: Any, cancel: Any) -> Iterator[Event]:
        yield ResponseHead(url, "1.1", 200, "OK", (), b"", 0.0)
        for _ in range(chunks):
            time.sleep(pause)
            yield BodyChunk(b"p" * 100, b"p" * 100, 0.0)
        yield Finished(url, 200, chunks * 100, chunks * 100, Timings())

    return fetch


def test_progress_is_throttled_to_ten_per_second(
    qtbot: QtBot, tmp_path: Path, make_manager: Any
) -> None:
    manager = make_manager(fake_fetch(chunks=600, pause=0.001))  # ~0.6 s of 600 chunks
    rec = Recorder(manager)
    started = time.perf_counter()
    with qtbot.waitSignal(manager.finished, timeout=10000):
        manager.start("http://127.0.0.1:1/f", str(tmp_path / "f"))
    duration = time.perf_counter() - started
    count = len(rec.of("progress_changed"))
    assert 3 <= count <= duration * 10 + 2  # + the head's and the final one
    assert (tmp_path / "f").stat().st_size == 60_000


def test_cancel_midway_ends_the_download_and_leaves_nothing(
    qtbot: QtBot, tmp_path: Path, serve: Serve, make_manager: Any
) -> None:
    body = b"d" * 100_000
    server = serve(drip(http_response(200, body), delay=0.0005))
    manager = make_manager()
    rec = Recorder(manager)
    download_id = manager.start(server.url("/slow"), str(tmp_path / "slow.bin"))
    qtbot.waitUntil(lambda: any(p[1] > 0 for p in rec.of("progress_changed")), timeout=10_000)
    # The drip lasts ~50 s: the cancel ends it (how fast: bench/cancel_latency.py).
    with qtbot.waitSignal(manager.cancelled, timeout=10_000) as cancelled:
        manager.cancel(download_id)
    assert cancelled.args == [download_id]
    assert os.listdir(tmp_path) == []
    assert rec.ends() == ["cancelled"]
    manager.cancel(download_id)  # an ended id: nothing happens


def test_truncated_body_fails_and_leaves_nothing(
    qtbot: QtBot, tmp_path: Path, serve: Serve, make_manager: Any
) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"t" * 300
    server = serve(respond(raw))
    manager = make_manager()
    target = tmp_path / "cut.bin"
    with qtbot.waitSignal(manager.failed, timeout=10_000) as failed:
        download_id = manager.start(server.url("/cut"), str(target))
    assert failed.args[0] == download_id
    message = failed.args[1]
    assert "300" in message and "1000" in message, message
    assert message.endswith(f"Nothing was saved to {target}.")
    assert os.listdir(tmp_path) == []


def test_error_status_is_not_saved(
    qtbot: QtBot, tmp_path: Path, serve: Serve, make_manager: Any
) -> None:
    server = serve(respond(http_response(404, b"<h1>Not Found</h1>")))
    manager = make_manager()
    with qtbot.waitSignal(manager.failed, timeout=10_000) as failed:
        manager.start(server.url("/missing.zip"), str(tmp_path / "missing.zip"))
    assert failed.args[1].startswith("The server answered 404 Not Found for http://127.0.0.1:")
    assert os.listdir(tmp_path) == []


def test_disk_full_fails_with_the_path_and_leaves_nothing(
    qtbot: QtBot, tmp_path: Path, serve: Serve, make_manager: Any
) -> None:
    server = serve(respond(http_response(200, b"f" * 1_000_000)))
    manager = make_manager()
    with small_disk(tmp_path / "disk", "256k") as disk:
        target = disk / "full.bin"
        with qtbot.waitSignal(manager.failed, timeout=10_000) as failed:
            manager.start(server.url("/full"), str(target))
        assert failed.args[1].startswith(f"Could not write {target}: No space left on device.")
        assert os.listdir(disk) == []


def test_unwritable_folder_fails_before_connecting(
    qtbot: QtBot, tmp_path: Path, serve: Serve, make_manager: Any
) -> None:
    server = serve(respond(http_response(200, b"x")))
    manager = make_manager()
    target = tmp_path / "no-such-folder" / "x.bin"
    with qtbot.waitSignal(manager.failed, timeout=10_000) as failed:
        manager.start(server.url("/x"), str(target))
    assert failed.args[1].startswith(f"Could not write {target}: No such file or directory.")
    assert server.connections == 0


def test_queued_download_cancelled_at_once_and_shutdown_mid_download_is_clean(
    qtbot: QtBot, tmp_path: Path, serve: Serve
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"s" * 1000
    server = serve(stall(head))
    manager = DownloadManager()
    rec = Recorder(manager)
    first = manager.start(server.url("/a"), str(tmp_path / "a.bin"))
    second = manager.start(server.url("/b"), str(tmp_path / "b.bin"))
    qtbot.waitUntil(lambda: any(p[1] > 0 for p in rec.of("progress_changed")), timeout=10_000)
    manager.cancel(second)  # queued behind the stalled first one
    assert rec.of("cancelled") == [(second,)]
    # The stalled download never ends by itself: the thread ending proves shutdown cancelled it.
    assert manager.shutdown(30_000)
    assert not manager.worker_thread.isRunning()
    qtbot.wait(20)  # any late signal from the worker would arrive now
    assert sorted(a[0] for a in rec.of("cancelled")) == [first, second]
    assert os.listdir(tmp_path) == []
    assert server.connections == 1  # the queued one never touched the network


def test_cancel_after_the_worker_finished_reports_the_real_outcome(
    qtbot: QtBot, tmp_path: Path, serve: Serve
) -> None:
    # The worker saved the file while its signals still wait in the GUI queue (the GUI thread
    # is busy): a Cancel now must not claim "nothing was saved".
    server = serve(respond(http_response(200, b"d" * 5000)))
    manager = DownloadManager()
    rec = Recorder(manager)
    path = tmp_path / "d.bin"
    download = manager.start(server.url("/d"), str(path))
    deadline = time.perf_counter() + 30  # a wait, generous: not a bound on speed
    while not path.exists() and time.perf_counter() < deadline:
        time.sleep(0.01)  # no event processing: the worker's signals stay queued
    assert path.exists()
    manager.cancel(download)
    assert rec.of("cancelled") == []
    qtbot.waitUntil(lambda: bool(rec.of("finished")), timeout=10_000)
    assert rec.of("finished")[0][0] == download and path.read_bytes() == b"d" * 5000
    assert rec.of("cancelled") == []
    assert manager.shutdown(1000)


def test_worker_runs_synchronously(tmp_path: Path) -> None:
    from net.cancel import CancelToken

    worker = DownloadWorker(fake_fetch(chunks=3, pause=0))
    done: list[tuple[int, str, int]] = []
    worker.done.connect(lambda *a: done.append(a))
    progress = Progress()
    worker.run(9, "http://127.0.0.1:1/", str(tmp_path / "w"), None, CancelToken(), progress)
    assert done == [(9, str(tmp_path / "w"), 300)]
    assert (progress.received, progress.total) == (300, -1)


def test_panel_rows_follow_the_downloads(
    qtbot: QtBot, tmp_path: Path, serve: Serve, make_manager: Any
) -> None:
    body = b"z" * 3_000_000
    server = serve(respond(http_response(200, body)))
    slow = serve(stall(b"HTTP/1.1 200 OK\r\nContent-Length: 9000000\r\n\r\n" + b"s" * 4_000_000))
    manager = make_manager()
    panel = DownloadsPanel(manager)
    qtbot.addWidget(panel)
    panel.resize(460, 330)
    panel.show()
    with qtbot.waitSignal(manager.finished, timeout=10_000):
        done = manager.start(server.url("/yonder-0.1.0.tar.gz"), str(tmp_path / "yonder.tar.gz"))
    failing = serve(respond(http_response(404, b"")))
    with qtbot.waitSignal(manager.failed, timeout=10_000):
        manager.start(failing.url("/gone.iso"), str(tmp_path / "gone.iso"))
    running = manager.start(slow.url("/debian.iso"), str(tmp_path / "debian-12.iso"))
    qtbot.waitUntil(
        lambda: (r := panel.row(running)) is not None and r.bar.value() > 0, timeout=10_000
    )
    rows = panel.rows()
    assert [r.download_id for r in rows] == [running, running - 1, done]  # newest first
    assert panel.row(done).state == "finished"  # type: ignore[union-attr]
    assert panel.row(done).open_button.isVisible()  # type: ignore[union-attr]
    assert panel.row(running - 1).state == "failed"  # type: ignore[union-attr]
    row = panel.row(running)
    assert row is not None and row.state == "running"
    assert "of 8.58 MiB" in row.status_label.text()
    qtbot.wait(150)  # a rate worth showing
    panel.grab().save(str(Path(os.environ.get("YONDER_SHOTS", tmp_path)) / "downloads.png"))
    with qtbot.waitSignal(manager.cancelled, timeout=10_000):
        row.cancel_button.click()
    assert row.state == "cancelled" and not row.cancel_button.isVisible()
    panel.clear_finished()
    assert panel.rows() == [] and panel.empty_label.isVisible()
