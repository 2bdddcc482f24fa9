"""The download worker: fetches a URL on the download thread and streams its body to disk.

The body never crosses threads: each BodyChunk is written to an
:class:`ui.downloads.save_file.AtomicFile`
(plain os calls that release the GIL, so a multi-GB commit or discard never freezes the
window) by the worker itself, and only small, throttled progress signals reach the GUI.
A download that fails or is cancelled is discarded, so no partial file is ever left behind.
Cancellation is the CancelToken the GUI thread cancels directly (the worker is busy reading,
so a queued slot would only run after the download).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from net.errors import Cancelled, describe_error
from net.events import BodyChunk, Event, Finished, ResponseHead
from ui.downloads.save_file import AtomicFile, SaveError

if TYPE_CHECKING:
    from net.client import FetchFunction


class Progress:
    """How far one download is: written by the worker, polled by the GUI thread.

    Polling (not a signal per chunk) is what keeps a burst followed by a stall visible: a
    throttled signal would drop the burst's last update and then have nothing to send.
    Plain attribute stores are atomic under the GIL; a value a moment old is harmless.
    """

    __slots__ = ("committing", "head_at", "in_place", "received", "started_at", "synced", "total")

    def __init__(self) -> None:
        self.received = 0
        self.total = -1  # -1: unknown (no Content-Length)
        self.started_at = 0.0  # perf_counter when the worker began; 0.0: still queued
        # perf_counter at the file's response head (the last hop's); 0.0: not yet. The one
        # transfer rate (ui.text.units.transfer_rate) counts from here.
        self.head_at = 0.0
        self.committing = False  # every byte is written; the file is being put in place
        self.in_place = False  # the complete file is at its path
        self.synced = False  # ...and the disk confirmed it (False: the commit was hurried)


def _default_fetch(url: str, options: Any, cancel: Any) -> Iterator[Event]:
    from net.client import fetch  # imported on the worker thread, on first use

    return fetch(url, options, cancel)


class HTTPRefused(Exception):
    """The server answered with an error status: its error page is not the file asked for."""


class DownloadWorker(QObject):
    """Runs downloads one at a time on the download thread (queued calls to :meth:`run`).

    Progress is not a signal: the worker keeps the :class:`Progress` it is given current and
    the GUI polls it.

    Signals:
        started(int id): the download left the queue and is connecting.
        done(int id, str path, qint64 size): the file is complete and in place.
        failed(int id, str message): a user-facing sentence; nothing was left on disk.
        cancelled(int id): the token was cancelled; nothing was left on disk.
    Slots:
        run(int id, str url, str path, object options, object token, object progress)
    """

    started = Signal(int)
    # "qint64" (sizes past 2 GiB) is a C++ type name; PySide6's stubs take Python types only.
    done = Signal(int, str, "qint64")  # type: ignore[arg-type]
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self, fetch: FetchFunction | None = None) -> None:
        super().__init__()
        self._fetch = fetch or _default_fetch
        #: Set by the GUI thread when the window closes: a commit under way puts its file in
        #: place without waiting for the disk (see AtomicFile.commit), so closing is bounded.
        self.hurry = threading.Event()

    @Slot(int, str, str, object, object, object)
    def run(
        self,
        download_id: int,
        url: str,
        path: str,
        options: Any,
        token: Any,
        progress: Progress | None = None,
    ) -> None:
        if token.cancelled:  # cancelled while it waited in the queue: never touch the network
            self.cancelled.emit(download_id)
            return
        progress = progress if progress is not None else Progress()
        progress.started_at = time.perf_counter()
        self.started.emit(download_id)
        sink = AtomicFile(path, verb="write")
        events: Iterator[Event] | None = None
        try:
            sink.open()  # before connecting: an unwritable folder fails at once
            events = self._fetch(url, options, token)
            for event in events:
                if token.cancelled:
                    raise Cancelled("The download was cancelled", url=url)
                if isinstance(event, BodyChunk):
                    sink.write(event.data)
                    progress.received = sink.written
                elif isinstance(event, ResponseHead):
                    if event.status >= 400:
                        raise HTTPRefused(
                            f"The server answered {event.status_line.split(' ', 1)[1]} for "
                            f"{event.url}; nothing was saved. Check the address and try again."
                        )
                    # A followed redirect's head comes with no body; the last head is the file's.
                    length = event.content_length
                    progress.total = -1 if length is None else length
                    progress.head_at = time.perf_counter()
                elif isinstance(event, Finished):
                    if token.cancelled:
                        raise Cancelled("The download was cancelled", url=url)
                    progress.committing = True
                    sink.commit(hurry=self.hurry)
                    progress.synced = sink.synced
                    progress.in_place = True
                    self.done.emit(download_id, path, sink.written)
                    return
            # A generator that ends without Finished is a client bug; never a silent success.
            raise RuntimeError("the download ended without its Finished event")
        except Cancelled:
            sink.discard()
            self.cancelled.emit(download_id)
        except (SaveError, HTTPRefused) as exc:
            sink.discard()
            self.failed.emit(download_id, str(exc))
        except Exception as exc:  # every failure becomes a message, never a traceback
            sink.discard()
            if token.cancelled:  # a cancelled socket surfaces as some read error
                self.cancelled.emit(download_id)
            else:
                message = describe_error(exc).message.rstrip()
                self.failed.emit(download_id, f"{message} Nothing was saved to {path}.")
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    close()
