"""A thread-safe cancel flag that also interrupts the blocking socket call in progress."""

from __future__ import annotations

import contextlib
import threading
from typing import Protocol

from net.errors import Cancelled

SHUT_RDWR = 2  # socket.SHUT_RDWR (and Windows SD_BOTH); net.transport alone imports socket


class Shutdownable(Protocol):
    """What :meth:`CancelToken.attach` accepts: a socket, or a wrapper that shuts one down."""

    def shutdown(self, how: int, /) -> None: ...


class Token(Protocol):
    """What a fetch's owner needs of a :class:`CancelToken` (tests pass fakes): a page's
    fetcher and the download manager alike."""

    @property
    def cancelled(self) -> bool: ...

    def cancel(self) -> None: ...


class CancelToken:
    """Cancel one fetch from any thread (Stop, a new load, closing the window).

    The fetching thread polls :attr:`cancelled` between short socket timeouts, and the socket
    it is blocked on is attached here, so :meth:`cancel` can ``shutdown()`` it: recv, connect
    and the TLS handshake then return at once instead of at the next poll.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._sock: Shutdownable | None = None

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            sock, self._sock = self._sock, None
            if sock is not None:
                # Not connected yet, or already closed: then the flag alone is enough.
                with contextlib.suppress(OSError):
                    sock.shutdown(SHUT_RDWR)

    def raise_if_cancelled(self, url: str | None = None) -> None:
        if self._event.is_set():
            raise Cancelled("The request was cancelled", url=url)

    def attach(self, sock: Shutdownable) -> None:
        """Make ``sock`` the one :meth:`cancel` shuts down; shut it at once if cancelled."""
        with self._lock:
            if self._event.is_set():
                with contextlib.suppress(OSError):
                    sock.shutdown(SHUT_RDWR)
                return
            self._sock = sock

    def detach(self) -> None:
        """Forget the socket (call before closing it, so cancel never touches a reused fd)."""
        with self._lock:
            self._sock = None

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``, waking at once on cancel; True if cancelled."""
        return self._event.wait(seconds) if seconds > 0 else self._event.is_set()
