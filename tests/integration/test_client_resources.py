"""No socket and no thread outlives a fetch, whatever way it ends."""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
import warnings
from collections.abc import Callable

import pytest

from net.cancel import CancelToken
from net.client import fetch
from net.errors import (
    Cancelled,
    ConnectError,
    ConnectTimeout,
    NetError,
    NotHTTP,
    ReadTimeout,
    TruncatedBody,
)
from net.events import BodyChunk
from net.options import FetchOptions
from tests.integration.servers import (
    LoopbackServer,
    closed_port,
    http_response,
    redirect,
    respond,
    routes,
    send,
    stall,
)

FAST = FetchOptions(connect_timeout=2, read_timeout=0.2)


def open_sockets() -> int:
    """Descriptors of this process that are sockets."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor, closed by now
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return count


def failing_with(error: type[NetError]) -> Callable[[str], None]:
    """A run that expects the fetch to end in exactly this kind of error."""

    def run(url: str) -> None:
        with pytest.raises(error):
            list(fetch(url, FAST))

    return run


def complete(url: str) -> None:
    assert list(fetch(url, FAST))


def abandon_after_first_chunk(url: str) -> None:
    events = fetch(url, FAST)
    for event in events:
        if isinstance(event, BodyChunk):
            break
    events.close()  # type: ignore[attr-defined]


def cancel_in_recv(url: str) -> None:
    token = CancelToken()
    threading.Timer(0.05, token.cancel).start()
    with pytest.raises(Cancelled):
        list(fetch(url, FetchOptions(read_timeout=5), token))


BIG = http_response(200, b"z" * 4_000_000)
CASES: dict[str, tuple[bytes | None, Callable[[str], None], str]] = {
    "complete": (http_response(200, b"ok"), complete, "http"),
    "truncated": (http_response(200, b"y" * 50)[:-45], failing_with(TruncatedBody), "http"),
    "garbage": (b"SSH-2.0-x\r\n", failing_with(NotHTTP), "http"),
    "read timeout": (None, failing_with(ReadTimeout), "http"),
    "cancelled in recv": (None, cancel_in_recv, "http"),
    "abandoned mid-body": (BIG, abandon_after_first_chunk, "http"),
    # The server waits for a request that never comes (a ClientHello has no blank line),
    # so the handshake runs into the connect timeout.
    "TLS to a plain port": (http_response(200, b"plain"), failing_with(ConnectTimeout), "https"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_no_socket_outlives_the_fetch(case: str) -> None:
    """Closed explicitly: a socket left to the garbage collector warns "unclosed socket"."""
    raw, run, scheme = CASES[case]
    before = open_sockets()
    handler = stall() if raw is None else respond(raw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with LoopbackServer(handler) as server:
            run(server.url("/", scheme=scheme))
        gc.collect()
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
    assert open_sockets() == before


def test_no_socket_outlives_a_followed_redirect_or_a_refused_connect() -> None:
    before = open_sockets()
    with LoopbackServer(routes({"/a": redirect(302, "/b"), "/b": send(BIG)})) as server:
        complete(server.url("/a"))
    failing_with(ConnectError)(f"http://127.0.0.1:{closed_port()}/")
    assert open_sockets() == before


def test_the_dns_thread_ends_with_the_lookup() -> None:
    before = threading.active_count()
    with LoopbackServer(respond(http_response(200, b"ok"))) as server:
        complete(server.url("/", host="localhost"))  # a name: resolved in a thread
    deadline = time.monotonic() + 2
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == before
