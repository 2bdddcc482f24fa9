"""The worker thread and its GUI-thread facade, with fake fetch generators (no sockets)."""

from __future__ import annotations

import dataclasses
import threading
import time
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from net import events
from net.cancel import CancelToken
from net.errors import Cancelled, ConnectError, TruncatedBody, describe_error
from net.events import BodyChunk, Event, Finished, ResponseHead, Timings
from ui.page.fetch_worker import (
    MAX_BATCH_BYTES,
    MAX_DRAIN_ITEMS,
    Fetcher,
    FetchWorker,
    Mail,
    mail_kinds,
)


def head(length: int | None = None, content_type: str = "text/plain") -> ResponseHead:
    headers: list[tuple[str, str]] = [("Content-Type", content_type)]
    if length is not None:
        headers.append(("Content-Length", str(length)))
    return ResponseHead(
        "http://127.0.0.1:1/", "1.1", 200, "OK", tuple(headers), b"HTTP/1.1 200 OK\r\n\r\n", 0.001
    )


def chunk(data: bytes, elapsed: float = 0.01) -> BodyChunk:
    return BodyChunk(data, data, elapsed)


def finished(size: int) -> Finished:
    return Finished("http://127.0.0.1:1/", 200, size, size, Timings())


class Recorder:
    """Collects every Fetcher signal as (name, args) in arrival order."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        for name in (
            "head_received",
            "chunk_received",
            "progress_changed",
            "redirected",
            "finished",
            "failed",
            "stopped",
        ):
            getattr(fetcher, name).connect(lambda *a, n=name: self.events.append((n, a)))

    def names(self) -> list[str]:
        return [n for n, _ in self.events]

    def body(self) -> bytes:
        return b"".join(a[1] for n, a in self.events if n == "chunk_received")


@pytest.fixture
def make_fetcher(qtbot: QtBot) -> Iterator[Any]:
    made: list[Fetcher] = []

    def factory(fetch: Any) -> Fetcher:
        fetcher = Fetcher(fetch)
        made.append(fetcher)
        return fetcher

    yield factory
    for fetcher in made:
        assert fetcher.shutdown(1000)


def test_worker_runs_synchronously_and_posts_in_order() -> None:
    body = [b"abc", b"def"]

    def fake(url: str, options: Any, cancel: Any) -> Iterator[Event]:
        yield head(6)
        for piece in body:
            yield chunk(piece)
        yield finished(6)

    worker = FetchWorker(fake)
    wakeups: list[None] = []
    worker.events_ready.connect(lambda: wakeups.append(None))
    worker.start_fetch(7, "http://x/", None, CancelToken())
    items, more = worker.mailbox.take()
    assert not more
    assert [kind for _, kind, _ in items] == [Mail.HEAD, Mail.CHUNK, Mail.CHUNK, Mail.FINISHED]
    assert {rid for rid, _, _ in items} == {7}
    assert len(wakeups) == 1  # one wake-up for four events: the GUI had not drained yet


def test_every_event_class_of_net_is_in_the_event_union() -> None:
    """A class added to net/events.py (or renamed there) is part of Event, which the fetcher
    sorts by class: none reaches the fetcher unsorted."""
    classes = {
        obj
        for obj in vars(events).values()
        if isinstance(obj, type)
        and dataclasses.is_dataclass(obj)
        and obj.__module__ == events.__name__
    }
    assert classes - {Timings} == set(typing.get_args(Event))


def test_the_fetcher_sorts_every_event_class_by_the_class_itself() -> None:
    # Keyed by the classes (not their names): a renamed class is still found, a new one must
    # be added here or the test above fails.
    assert set(mail_kinds()) == set(typing.get_args(Event))
    assert set(mail_kinds().values()) == set(Mail) - {Mail.FAILED, Mail.CANCELLED}


def test_an_event_of_an_unknown_class_is_a_failure_not_dropped(
    qtbot: QtBot, make_fetcher: Any
) -> None:
    @dataclasses.dataclass(frozen=True)
    class Surprise:
        elapsed: float

    def fake(url: str, options: Any, cancel: Any) -> Iterator[Any]:
        yield head(4)
        yield Surprise(0.0)
        yield chunk(b"late")

    fetcher = make_fetcher(fake)
    with qtbot.waitSignal(fetcher.failed, timeout=10_000) as blocker:
        fetcher.load("http://x/")
    _, phase, message, detail = blocker.args
    assert phase == "Internal" and "internal error" in message
    assert "Surprise" in detail


def test_signals_in_order_and_body_whole(qtbot: QtBot, make_fetcher: Any) -> None:
    data = bytes(range(256)) * 40

    def fake(url: str, options: Any, cancel: Any) -> Iterator[Event]:
        yield head(len(data))
        for i in range(0, len(data), 100):
            yield chunk(data[i : i + 100])
        yield finished(len(data))

    fetcher = make_fetcher(fake)
    rec = Recorder(fetcher)
    with qtbot.waitSignal(fetcher.finished, timeout=10_000):
        request_id = fetcher.load("http://x/")
    names = rec.names()
    assert names[0] == "head_received" and names[-1] == "finished"
    assert rec.body() == data
    assert all(a[0] == request_id for _, a in rec.events)
    last_progress = [a for n, a in rec.events if n == "progress_changed"][-1]
    assert last_progress[1:3] == (len(data), len(data))


def test_fast_tiny_chunks_are_coalesced(qtbot: QtBot, make_fetcher: Any) -> None:
    # 40,000 recvs of 512 bytes as fast as the worker can go: the GUI sees few, big batches.
    piece = b"x" * 512
    count = 40_000

    def fake(url: str, options: Any, cancel: Any) -> Iterator[Event]:
        yield head()
        for i in range(count):
            yield chunk(piece, i * 1e-6)
        yield finished(count * 512)

    fetcher = make_fetcher(fake)
    rec = Recorder(fetcher)
    records: list[Any] = []
    fetcher.chunks_recorded.connect(lambda rid, r: records.extend(r))
    started = time.perf_counter()
    with qtbot.waitSignal(fetcher.finished, timeout=10000):
        fetcher.load("http://x/")
    duration = time.perf_counter() - started
    emits = rec.names().count("chunk_received")
    assert len(rec.body()) == count * 512
    assert len(records) == count  # every recv is still on record, for timelines
    # At most one batch per frame, or per MAX_DRAIN_ITEMS recvs of a backlog (plus the first
    # one at once, and size-capped batches).
    bound = duration / 0.016 + count / MAX_DRAIN_ITEMS + 3 + count * 512 // MAX_BATCH_BYTES
    assert emits <= bound
    assert emits < count / 100


def test_a_burst_before_a_pause_is_delivered_during_the_pause(
    qtbot: QtBot, make_fetcher: Any
) -> None:
    # Nothing waits for a *next* chunk: both pieces reach the GUI while the server is silent.
    release = threading.Event()

    def fake(url: str, options: Any, cancel: CancelToken) -> Iterator[Event]:
        yield head()
        yield chunk(b"one ")
        yield chunk(b"two ")
        while not release.wait(0.01):
            cancel.raise_if_cancelled()
        yield finished(8)

    fetcher = make_fetcher(fake)
    rec = Recorder(fetcher)
    fetcher.load("http://x/")
    try:
        qtbot.waitUntil(lambda: rec.body() == b"one two ", timeout=10_000)
        assert "finished" not in rec.names()
    finally:
        release.set()
    qtbot.waitUntil(lambda: "finished" in rec.names(), timeout=10_000)


def stalling_fetch(url: str, options: Any, cancel: CancelToken) -> Iterator[Event]:
    yield head()
    yield chunk(b"partial")
    while not cancel.wait(0.005):
        pass
    raise Cancelled("The request was cancelled", url=url)


def test_stop_is_immediate_and_the_cancel_frees_the_worker(qtbot: QtBot, make_fetcher: Any) -> None:
    # How fast the worker is free again: bench/cancel_latency.py.
    fetcher = make_fetcher(stalling_fetch)
    rec = Recorder(fetcher)
    request_id = fetcher.load("http://x/")
    qtbot.waitUntil(lambda: rec.body() == b"partial", timeout=10_000)
    fetcher.stop()
    # at once, in the same call: the window is told before any event loop turn
    assert rec.events[-1] == ("stopped", (request_id,))
    assert not fetcher.is_loading
    # the stalling fetch ends only when cancelled: the worker being free proves the cancel
    qtbot.waitUntil(lambda: not fetcher.worker_busy, timeout=10_000)
    assert rec.names().count("stopped") == 1  # the worker's own Cancelled is dropped


def test_a_new_load_cancels_the_running_one(qtbot: QtBot, make_fetcher: Any) -> None:
    calls: list[str] = []

    def fake(url: str, options: Any, cancel: CancelToken) -> Iterator[Event]:
        calls.append(url)
        if url.endswith("slow"):
            yield from stalling_fetch(url, options, cancel)
            return
        yield head()
        yield chunk(b"fast body")
        yield finished(9)

    fetcher = make_fetcher(fake)
    rec = Recorder(fetcher)
    first = fetcher.load("http://x/slow")
    qtbot.waitUntil(lambda: rec.body() == b"partial", timeout=10_000)
    with qtbot.waitSignal(fetcher.finished, timeout=10_000):
        second = fetcher.load("http://x/fast")
    assert calls == ["http://x/slow", "http://x/fast"]
    after = [(n, a) for n, a in rec.events if a[0] == first]
    assert [n for n, _ in after] == ["head_received", "progress_changed", "chunk_received"] or (
        "stopped" not in [n for n, _ in after]
    )
    assert b"".join(a[1] for n, a in rec.events if n == "chunk_received" and a[0] == second) == (
        b"fast body"
    )


@pytest.mark.parametrize(
    ("exc", "phase"),
    [
        (ConnectError("Connection refused by 127.0.0.1:9"), "Connect"),
        (TruncatedBody("The connection closed after 5 of 10 bytes"), "Protocol"),
        (ZeroDivisionError("boom"), "Internal"),
    ],
)
def test_failures_become_signals_with_phase_and_detail(
    qtbot: QtBot, make_fetcher: Any, exc: Exception, phase: str
) -> None:
    def fake(url: str, options: Any, cancel: Any) -> Iterator[Event]:
        yield head()
        yield chunk(b"kept")
        raise exc

    fetcher = make_fetcher(fake)
    rec = Recorder(fetcher)
    with qtbot.waitSignal(fetcher.failed, timeout=10_000) as blocker:
        fetcher.load("http://x/")
    _, got_phase, message, detail = blocker.args
    assert got_phase == phase
    assert message and "Traceback" not in message and "Traceback" not in detail
    assert type(exc).__name__ in detail
    assert rec.body() == b"kept"


def test_describe_error_follows_the_cause_chain() -> None:
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as inner:
            raise ConnectError("Connection refused by 127.0.0.1:9") from inner
    except ConnectError as outer:
        failure = describe_error(outer)
    assert failure.phase == "Connect"
    assert failure.detail.startswith("ConnectError: Connection refused by 127.0.0.1:9")
    assert "caused by ConnectionRefusedError" in failure.detail


def test_shutdown_mid_transfer_ends_the_thread(qtbot: QtBot) -> None:
    fetcher = Fetcher(stalling_fetch)
    rec = Recorder(fetcher)
    fetcher.load("http://x/")
    qtbot.waitUntil(lambda: rec.body() == b"partial", timeout=10_000)
    # The stalling fetch never ends by itself: the thread ending proves shutdown cancelled it.
    assert fetcher.shutdown(30_000)
    assert not fetcher.worker_thread.isRunning()


def test_a_big_recv_is_handed_over_in_pieces(qtbot: QtBot, make_fetcher: Any) -> None:
    # One 3 MiB recv (a huge recv_size): the GUI decodes it over several emits, in order,
    # and the chunk record still says one recv of its real wire size.
    data = bytes(range(256)) * (3 * 4096) + b"tail"

    def fake(url: str, options: Any, cancel: Any) -> Iterator[Event]:
        yield head()
        yield chunk(data, 0.5)
        yield finished(len(data))

    fetcher = make_fetcher(fake)
    rec = Recorder(fetcher)
    records: list[Any] = []
    fetcher.chunks_recorded.connect(lambda rid, r: records.extend(r))
    with qtbot.waitSignal(fetcher.finished, timeout=10000):
        fetcher.load("http://x/")
    sizes = [len(a[1]) for n, a in rec.events if n == "chunk_received"]
    assert rec.body() == data
    assert len(sizes) >= len(data) // (512 * 1024) and max(sizes) <= 512 * 1024
    assert records == [(0.5, len(data))]
