"""Runs net/'s client on one long-lived QThread and hands its events to the GUI thread.

Two objects, one per thread:

- :class:`FetchWorker` lives on the worker thread. Its slot :meth:`FetchWorker.start_fetch`
  runs the blocking ``fetch`` generator and puts every event into a locked FIFO mailbox. It
  emits one wake-up signal only when the mailbox goes from "GUI already notified" to "not":
  however fast chunks arrive (512-byte recv at 1 GB/s), at most one wake-up is queued.
- :class:`Fetcher` lives on the GUI thread, owns the thread and the worker, and drains the
  mailbox on a wake-up, no more often than every FRAME_MS: consecutive chunks are coalesced
  into one ``chunk_received`` emit. Nothing is ever held back waiting for a *next* chunk (a
  stream that pauses after a burst still shows the burst at once), and event order is exactly
  the client's order, because everything travels through the same FIFO.

Cancellation is not a queued slot (the worker thread is busy inside ``fetch``): the GUI
thread calls ``CancelToken.cancel()``, which is thread-safe and shuts the socket down.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum, auto
from typing import TYPE_CHECKING, Any, assert_never

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from net.cancel import Token
from net.errors import Cancelled, Failure, describe_error

if TYPE_CHECKING:  # net.events, net.client and net.options load lazily: start-up time
    # (re-exported: the window names the fetch function it is given by this module's name)
    from net.client import FetchFunction as FetchFunction
    from net.events import Event, Finished, ResponseHead
    from net.options import FetchOptions

FRAME_MS = 16  # the fastest the GUI is fed chunks: one display frame
PROGRESS_INTERVAL = 0.1  # seconds between two progress_changed emits (<= 10/s)
# One chunk_received carries at most this much: its receivers decode it in one go, and a
# 1 MiB recv is split (decoding ~1 MB in one slot call costs several ms of the frame).
MAX_BATCH_BYTES = 256 * 1024
# One drain hands the GUI at most this much body per frame (~32 MB/s, above what the document
# view absorbs); decoding a bigger backlog at once would stall the event loop.
MAX_DRAIN_BYTES = 512 * 1024
FIRST_DRAIN_BYTES = 64 * 1024
# ...and at most this many recvs: with a 512-byte recv, 512 KiB is 1024 events, and handing
# them over (and the chunk table's records) in one slot call took 2-8 ms of one turn. A
# backlog is drained in these smaller pieces, DRAIN_REST_MS apart (other work runs between).
MAX_DRAIN_ITEMS = 768
DRAIN_REST_MS = 1
MAX_QUEUED_BYTES = 4 * 1024 * 1024  # the worker pauses reading beyond this undrained backlog
# The consumer's own backlog (e.g. the document view's pending text) above which the Fetcher
# stops draining until it shrinks: back-pressure reaches the socket through the mailbox.
CONSUMER_HIGH_WATER = 2 * 1024 * 1024


def _default_fetch(url: str, options: FetchOptions | None, cancel: Any) -> Iterator[Event]:
    # Imported on first use, on the worker thread: start-up does not pay for net.client. The
    # GUI decodes the body with net.charset and renders HTML with ui.text.render (Qt-free):
    # importing them here, while connecting, spares the GUI thread ~4 ms and ~30 ms (one
    # 60 ms tick on the first HTML page) between the first chunk and the screen.
    import net.charset  # noqa: F401
    import ui.text.render  # noqa: F401
    from net.client import fetch

    return fetch(url, options, cancel)


def _default_token() -> Token:
    from net.cancel import CancelToken

    return CancelToken()


class Mail(Enum):
    """What one mailbox item carries: the worker sorts the client's events by their class
    (:func:`mail_kind`), and adds how the request ended when it raised."""

    CHUNK = auto()  # a BodyChunk (or a _Piece of one)
    HEAD = auto()  # ResponseHead
    REDIRECT = auto()  # Redirected
    REQUEST = auto()  # RequestSent
    TRANSFER = auto()  # Resolved, Connected or TLSReady
    FINISHED = auto()  # Finished
    FAILED = auto()  # a Failure (fetch raised)
    CANCELLED = auto()  # None (fetch was cancelled)


@functools.cache
def mail_kinds() -> dict[type, Mail]:
    """Every class of net.events.Event and its Mail kind (tests/gui/test_fetch_worker.py
    checks none is missing). Built on first use, on the worker thread: start-up time."""
    from net import events

    return {
        events.BodyChunk: Mail.CHUNK,
        events.ResponseHead: Mail.HEAD,
        events.Redirected: Mail.REDIRECT,
        events.RequestSent: Mail.REQUEST,
        events.Resolved: Mail.TRANSFER,
        events.Connected: Mail.TRANSFER,
        events.TLSReady: Mail.TRANSFER,
        events.Finished: Mail.FINISHED,
    }


def mail_kind(event: Event) -> Mail:
    """The kind of one of the client's events, by its exact class. An event class nobody
    sorted is a bug said on the error page, not an event silently dropped."""
    kind = mail_kinds().get(type(event))
    if kind is None:
        raise TypeError(f"the fetcher does not handle {type(event).__qualname__} events")
    return kind


MailItem = tuple[int, Mail, Any]  # (request id, kind, payload)


class _Mailbox:
    """A locked FIFO of MailItems (request_id, kind, payload) plus the "GUI was notified" flag.

    It also applies back-pressure: the worker waits while more than a limit of body bytes
    sit undrained. The network outruns the window ~100x (FACTS.md); without a bound the
    backlog grows without limit, and a worker thread parsing at full speed holds the GIL
    the GUI thread needs for every frame.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)
        self._items: deque[MailItem] = deque()
        self._notified = False
        self._bytes = 0  # body bytes queued

    def put(self, item: MailItem) -> bool:
        """Append; True when the caller must wake the GUI (nobody has yet)."""
        with self._lock:
            self._items.append(item)
            if item[1] is Mail.CHUNK:
                self._bytes += len(item[2].data)
            if self._notified:
                return False
            self._notified = True
            return True

    def wait_for_room(self, limit: int, token: Token | None) -> None:
        """Block while more than ``limit`` body bytes are queued; wakes every 10 ms to honour
        a cancel (Stop stays well within 100 ms)."""
        with self._lock:
            while self._bytes > limit and not (token is not None and token.cancelled):
                self._room.wait(0.01)

    def take(
        self, max_bytes: int | None = None, max_items: int | None = None
    ) -> tuple[list[MailItem], bool]:
        """Queued items, oldest first, stopping once ``max_bytes`` of chunk data (or
        ``max_items`` items) are taken; and whether more remain (then the GUI stays
        "notified" and must come back)."""
        with self._lock:
            items: list[MailItem] = []
            size = 0
            count = len(self._items) if max_items is None else max_items
            while self._items and (max_bytes is None or size < max_bytes) and count > 0:
                count -= 1
                item = self._items.popleft()
                if item[1] is Mail.CHUNK:
                    room = max(MAX_BATCH_BYTES, max_bytes - size) if max_bytes else 0
                    if room and len(item[2].data) > room:
                        # A big recv is handed over in pieces, over several frames.
                        item, rest = _split_chunk(item, room)
                        self._items.appendleft(rest)
                    size += len(item[2].data)
                items.append(item)
            self._bytes -= size
            more = bool(self._items)
            self._notified = more
            self._room.notify_all()
            return items, more

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


@dataclass(frozen=True, slots=True)
class _Piece:
    """Part of a BodyChunk too big to hand over at once; only the first piece carries the
    recv's wire size (records stay one per recv)."""

    data: bytes
    elapsed: float
    wire_size: int
    wire: bytes = b""


def _split_chunk(item: MailItem, size: int) -> tuple[MailItem, MailItem]:
    request_id, kind, chunk = item
    data = chunk.data
    head = _Piece(data[:size], chunk.elapsed, chunk.wire_size, chunk.wire)
    rest = _Piece(data[size:], chunk.elapsed, 0)
    return (request_id, kind, head), (request_id, kind, rest)


class FetchWorker(QObject):
    """Runs one fetch at a time on the worker thread; results go to a mailbox.

    Signals:
        events_ready(): the mailbox went non-empty; emitted at most once until drained.
        idle(int request_id): ``start_fetch`` for that id returned (ended, failed or cancelled).
    Slots:
        start_fetch(int request_id, str url, object options, object token)
    """

    events_ready = Signal()
    idle = Signal(int)

    def __init__(self, fetch: FetchFunction | None = None) -> None:
        super().__init__()
        self._fetch = fetch or _default_fetch
        self.mailbox = _Mailbox()

    def _post(self, request_id: int, kind: Mail, payload: Any) -> None:
        if self.mailbox.put((request_id, kind, payload)):
            self.events_ready.emit()

    @Slot(int, str, object, object)
    def start_fetch(self, request_id: int, url: str, options: Any, token: Any) -> None:
        # A request cancelled while it waited in the queue never touches the network.
        if token is not None and token.cancelled:
            self.idle.emit(request_id)
            return
        events: Iterator[Event] | None = None
        try:
            events = self._fetch(url, options, token)
            for event in events:
                if token is not None and token.cancelled:
                    raise Cancelled("The request was cancelled", url=url)
                kind = mail_kind(event)
                self._post(request_id, kind, event)
                if kind is Mail.CHUNK:
                    self.mailbox.wait_for_room(MAX_QUEUED_BYTES, token)
        except Cancelled:
            self._post(request_id, Mail.CANCELLED, None)
        except Exception as exc:  # every failure becomes an error page, never a traceback
            if token is not None and token.cancelled:
                self._post(request_id, Mail.CANCELLED, None)
            else:
                self._post(request_id, Mail.FAILED, describe_error(exc))
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                # A generator abandoned mid-body closes its socket now; closing must not mask
                # the real outcome.
                with contextlib.suppress(Exception):
                    close()
            self.idle.emit(request_id)


class Fetcher(QObject):
    """GUI-thread facade: owns the worker thread, the request ids and the cancel tokens.

    Every signal carries the request id it belongs to; only the current request's events are
    emitted at all (stale ones are dropped here, and receivers may check ``current_id``).

    Signals:
        started(int id, str url)
        transfer_info(int id, object event): Resolved, Connected or TLSReady
        request_sent(int id, object RequestSent)
        head_received(int id, object ResponseHead)
        chunk_received(int id, bytes data, int wire_size, float elapsed): coalesced body
            bytes; wire_size sums the coalesced recvs, elapsed is the last one's
        wire_received(int id, bytes wire): the raw bytes of the same recvs past the head
            (chunk-size lines, gzip...), emitted just before their chunk_received
        chunks_recorded(int id, object records): list of (elapsed, wire_size), one per recv,
            for timelines and chunk tables; the head's recvs (ResponseHead.recvs) come first,
            whole, right after head_received
        body_parts(int id, object parts): list[bytes], the decoded body of each recv in order
            (one item per BodyChunk.data), emitted after chunk_received; only while
            ``emit_body_parts`` is True (the "decode per chunk" comparison needs the real recv
            boundaries; a recv over MAX_BATCH_BYTES arrives as several items)
        progress_changed(int id, qint64 received, qint64 total, float elapsed): total is -1 when
            unknown; at most every PROGRESS_INTERVAL and once at the end
        redirected(int id, object Redirected)
        finished(int id, object Finished)
        failed(int id, str phase, str message, str detail)
        stopped(int id): the user stopped the request (emitted at once, from stop())
    """

    started = Signal(int, str)
    transfer_info = Signal(int, object)
    request_sent = Signal(int, object)
    head_received = Signal(int, object)
    # "qint64" (sizes past 2 GiB) is a C++ type name; PySide6's stubs take Python types only.
    chunk_received = Signal(int, bytes, "qint64", float)  # type: ignore[arg-type]
    wire_received = Signal(int, bytes)
    chunks_recorded = Signal(int, object)
    body_parts = Signal(int, object)
    progress_changed = Signal(int, "qint64", "qint64", float)  # type: ignore[arg-type]
    redirected = Signal(int, object)
    finished = Signal(int, object)
    failed = Signal(int, str, str, str)
    stopped = Signal(int)
    _start_requested = Signal(int, str, object, object)

    def __init__(
        self,
        fetch: FetchFunction | None = None,
        token_factory: Callable[[], Token] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._token_factory = token_factory or _default_token
        self._thread = QThread()
        self._thread.setObjectName("yonder-fetch")
        self._worker = FetchWorker(fetch)
        self._worker.moveToThread(self._thread)
        self._start_requested.connect(self._worker.start_fetch)
        self._worker.events_ready.connect(self._on_events_ready)
        self._worker.idle.connect(self._on_worker_idle)
        self._drain_timer = QTimer(self)
        self._drain_timer.setSingleShot(True)
        self._drain_timer.timeout.connect(self._drain)
        self._last_drain = 0.0
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._report_progress)
        self._next_id = 0
        self._current_id = 0
        self._token: Token | None = None
        self._active = False  # the current request has not ended yet
        self._received = 0
        self._total = -1
        self._last_progress = 0.0
        self._started_at = 0.0
        self._busy_ids: set[int] = set()
        # The head's last recv also held this many body bytes: the next chunk's record is that
        # same recv, already recorded whole with the head (one row per recv).
        self._prefix_recorded = 0
        self._backlog: Callable[[], int] | None = None
        # Off unless someone shows per-recv bodies: the list is the batch's own (no copy), but
        # a signal per batch nobody needs is still a cross-module call per frame.
        self.emit_body_parts = False
        self._thread.start()

    # -- public API ---------------------------------------------------------------------------

    @property
    def current_id(self) -> int:
        return self._current_id

    @property
    def is_loading(self) -> bool:
        return self._active

    @property
    def elapsed(self) -> float:
        """Seconds since the current request was started (what the status bar shows)."""
        return time.perf_counter() - self._started_at

    @property
    def worker_thread(self) -> QThread:
        return self._thread

    def load(self, url: str, options: FetchOptions | None = None) -> int:
        """Cancel the running request (if any) and start fetching ``url``; the new id."""
        self._cancel_current()
        self._next_id += 1
        request_id = self._next_id
        self._current_id = request_id
        self._token = self._token_factory()
        self._active = True
        self._received = 0
        self._total = -1
        self._last_progress = 0.0
        self._started_at = time.perf_counter()
        self._prefix_recorded = 0
        self._busy_ids.add(request_id)
        self.started.emit(request_id, url)
        self._start_requested.emit(request_id, url, options, self._token)
        return request_id

    def set_backlog_probe(self, probe: Callable[[], int] | None) -> None:
        """How much the consumer still has to absorb (e.g. characters queued in the document
        view); above CONSUMER_HIGH_WATER draining pauses, and so, soon, does the socket."""
        self._backlog = probe

    @Slot()
    def stop(self) -> None:
        """Stop the current request now: its later events are dropped, its socket shut."""
        if not self._active:
            return
        request_id = self._current_id
        self._cancel_current()
        self.stopped.emit(request_id)

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Cancel, quit the thread and wait for it (bounded); True if it ended in time."""
        self._cancel_current()
        self._drain_timer.stop()
        self._thread.quit()
        ended = self._thread.wait(timeout_ms)
        if ended:
            self._worker.mailbox.take()  # drop what the stopped request left behind
        return bool(ended)

    # -- internals ----------------------------------------------------------------------------

    def _cancel_current(self) -> None:
        if self._token is not None:
            self._token.cancel()
        self._token = None
        self._progress_timer.stop()
        # Inactive: everything still in the mailbox for this id is dropped as stale.
        self._active = False

    @Slot(int)
    def _on_worker_idle(self, request_id: int) -> None:
        self._busy_ids.discard(request_id)

    @property
    def worker_busy(self) -> bool:
        """True while the worker thread still runs some request (maybe a cancelled one)."""
        return bool(self._busy_ids)

    @Slot()
    def _on_events_ready(self) -> None:
        # Hand over body data at most once per frame; between drains, wake-ups are already
        # suppressed by the mailbox flag, so signals/s stays bounded at any recv size and speed.
        wait = FRAME_MS / 1000 - (time.perf_counter() - self._last_drain)
        if wait <= 0:
            self._drain()
        elif not self._drain_timer.isActive():
            self._drain_timer.start(max(1, int(wait * 1000)))

    @Slot()
    def _drain(self) -> None:
        if self._active and self._backlog is not None and self._backlog() > CONSUMER_HIGH_WATER:
            self._drain_timer.start(FRAME_MS)  # the mailbox stays "notified": no wake-ups
            return
        # After a pause (the first chunk of a body), hand over a small first batch at once:
        # what matters then is latency to the screen, not throughput.
        idle = time.perf_counter() - self._last_drain > 2 * FRAME_MS / 1000
        items, more = self._worker.mailbox.take(
            FIRST_DRAIN_BYTES if idle else MAX_DRAIN_BYTES, MAX_DRAIN_ITEMS
        )
        if more:
            # A backlog: the next piece soon, in a later turn (not a frame later: the cap on
            # items would otherwise cap the fill rate at small recv sizes).
            self._drain_timer.start(DRAIN_REST_MS)
        parts: list[bytes] = []
        records: list[tuple[float, int]] = []
        wires: list[bytes] = []
        pending_bytes = 0
        elapsed = 0.0
        for request_id, kind, payload in items:
            if request_id != self._current_id or not self._active:
                continue  # stale: a cancelled or superseded request
            if kind is Mail.CHUNK:
                parts.append(payload.data)
                pending_bytes += len(payload.data)
                elapsed = payload.elapsed
                if type(payload) is not _Piece or payload.wire_size:
                    if self._prefix_recorded and payload.wire_size:
                        self._prefix_recorded = 0  # the head's recv: recorded with the head
                    else:
                        records.append((payload.elapsed, payload.wire_size))
                if payload.wire:
                    wires.append(payload.wire)
                self._received += len(payload.data)
                if pending_bytes >= MAX_BATCH_BYTES:
                    self._emit_chunks(request_id, parts, records, elapsed, wires)
                    parts, records, wires, pending_bytes = [], [], [], 0
                continue
            if parts:
                self._emit_chunks(request_id, parts, records, elapsed, wires)
                parts, records, wires, pending_bytes = [], [], [], 0
            self._dispatch(request_id, kind, payload)
        if parts and self._active:
            self._emit_chunks(self._current_id, parts, records, elapsed, wires)

    def _emit_chunks(
        self,
        request_id: int,
        parts: list[bytes],
        records: list[tuple[float, int]],
        elapsed: float,
        wires: list[bytes],
    ) -> None:
        # Only body batches count for the frame rate limit: the first chunk after the head
        # (or after a pause) goes out at once.
        self._last_drain = time.perf_counter()
        if wires:
            # Before the decoded bytes: a consumer of both sees the wire first (the Wire view).
            self.wire_received.emit(request_id, wires[0] if len(wires) == 1 else b"".join(wires))
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        wire = sum(size for _, size in records)
        self.chunk_received.emit(request_id, data, wire, elapsed)
        if request_id == self._current_id and records:
            self.chunks_recorded.emit(request_id, records)
        if self.emit_body_parts and request_id == self._current_id:
            self.body_parts.emit(request_id, parts)
        if request_id == self._current_id:
            self._report_progress()

    @Slot()
    def _report_progress(self) -> None:
        """Emit progress now, or once PROGRESS_INTERVAL has passed since the last emit: a
        burst followed by a stall must still show the burst's end (it froze the status)."""
        if not self._active:
            return
        wait = PROGRESS_INTERVAL - (time.perf_counter() - self._last_progress)
        if wait > 0:
            if not self._progress_timer.isActive():
                self._progress_timer.start(max(1, int(wait * 1000) + 1))
            return
        self._progress_timer.stop()
        self._last_progress = time.perf_counter()
        self.progress_changed.emit(self._current_id, self._received, self._total, self.elapsed)

    def _dispatch(self, request_id: int, kind: Mail, payload: Any) -> None:
        # Every kind has its case (mypy checks it: assert_never): a new kind cannot be dropped.
        match kind:
            case Mail.HEAD:
                head: ResponseHead = payload
                self._received = 0
                length = head.content_length
                self._total = -1 if length is None else length
                self.head_received.emit(request_id, head)
                # The head's recvs, whole: the first rows of the hop's recv records.
                self._prefix_recorded = head.body_prefix
                if head.recvs and request_id == self._current_id:
                    self.chunks_recorded.emit(request_id, list(head.recvs))
                self._last_progress = time.perf_counter()
                self.progress_changed.emit(request_id, 0, self._total, self.elapsed)
            case Mail.REDIRECT:
                self.redirected.emit(request_id, payload)
            case Mail.REQUEST:
                self.request_sent.emit(request_id, payload)
            case Mail.TRANSFER:
                self.transfer_info.emit(request_id, payload)
            case Mail.FINISHED:
                done: Finished = payload
                self._active = False
                self._token = None
                total = self._total if self._total >= 0 else self._received
                self.progress_changed.emit(request_id, self._received, total, self.elapsed)
                self.finished.emit(request_id, done)
            case Mail.FAILED:
                failure: Failure = payload
                self._active = False
                self._token = None
                self.failed.emit(request_id, failure.phase, failure.message, failure.detail)
            case Mail.CANCELLED:
                # Cancelled by someone other than stop()/load() (those mark the id stale first).
                self._active = False
                self._token = None
                self.stopped.emit(request_id)
            case Mail.CHUNK:
                raise AssertionError("body chunks are batched by _drain, never dispatched")
            case _:
                assert_never(kind)
