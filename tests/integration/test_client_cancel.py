"""Cancelling from another thread, and the connect timeout, in every blocking phase.

Each cancel test cancels once the fetch is inside the phase (it has yielded the event before
it, or entered the resolver), from another thread, and checks that Cancelled ends it: with
every timeout far longer than the test, a cancel that did not wake the blocked call would end
in a timeout error instead, or in the server's silence never ending. How fast it ends (the
design gives well under 100 ms: shutdown wakes the blocked call, polls are <= 50 ms) is
measured by bench/cancel_latency.py, not asserted here.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import pytest

import net.transport
from net.cancel import CancelToken
from net.client import fetch
from net.errors import Cancelled, ConnectTimeout
from net.events import BodyChunk, Event, ResponseHead
from net.options import FetchOptions
from tests.integration.conftest import ServerFactory
from tests.integration.servers import BacklogFullListener, http_response, respond, stall

LONG = 60.0  # every timeout of a cancel test: far longer than the test may take
INSIDE = 0.15  # how long after entering the phase the cancel comes (into the blocking call)
STUCK = 120.0  # how long a stuck resolver waits when nothing cancels it


def cancel_soon(token: CancelToken) -> threading.Thread:
    """Cancel ``token`` INSIDE seconds from now, from another thread."""
    thread = threading.Thread(target=lambda: (time.sleep(INSIDE), token.cancel()), daemon=True)
    thread.start()
    return thread


def fetch_until_cancelled(
    url: str, inside: Callable[[list[Event]], bool], **options: object
) -> list[Event]:
    """Run fetch, cancelling once ``inside(events seen so far)`` says the phase is reached
    (checked before the fetch starts and after every event); returns the events seen."""
    token = CancelToken()
    seen: list[Event] = []
    canceller: threading.Thread | None = None
    options = {"connect_timeout": LONG, "read_timeout": LONG, **options}
    with pytest.raises(Cancelled) as info:
        if inside(seen):
            canceller = cancel_soon(token)
        for event in fetch(url, FetchOptions(**options), token):  # type: ignore[arg-type]
            seen.append(event)
            if canceller is None and inside(seen):
                canceller = cancel_soon(token)
    assert canceller is not None, "the phase was never reached"
    canceller.join(LONG)
    assert info.value.url == url
    return seen


def last_is(name: str) -> Callable[[list[Event]], bool]:
    return lambda seen: bool(seen) and type(seen[-1]).__name__ == name


def test_cancel_during_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    release, entered = threading.Event(), threading.Event()

    def slow_getaddrinfo(*args: object, **kwargs: object) -> list[object]:
        entered.set()
        release.wait(STUCK)  # a resolver that does not answer
        raise socket.gaierror("too late")

    monkeypatch.setattr(net.transport.socket, "getaddrinfo", slow_getaddrinfo)
    token = CancelToken()

    def cancel_once_resolving() -> None:
        if entered.wait(LONG):
            time.sleep(INSIDE)
        token.cancel()

    thread = threading.Thread(target=cancel_once_resolving, daemon=True)
    thread.start()
    try:
        seen: list[Event] = []
        with pytest.raises(Cancelled):
            for event in fetch(
                "http://slow-dns.invalid/", FetchOptions(connect_timeout=LONG), token
            ):
                seen.append(event)
    finally:
        release.set()
        thread.join(LONG)
    assert entered.is_set() and seen == []


def test_dns_counts_against_the_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def slow_getaddrinfo(*args: object, **kwargs: object) -> list[object]:
        release.wait(STUCK)  # without the timeout: a gaierror, 2 minutes later
        raise socket.gaierror("too late")

    monkeypatch.setattr(net.transport.socket, "getaddrinfo", slow_getaddrinfo)
    started = time.perf_counter()
    try:
        with pytest.raises(
            ConnectTimeout,
            match=r"^Could not resolve host 'slow\.invalid' within 0.2 s \(connect timeout\)",
        ):
            list(fetch("http://slow.invalid/", FetchOptions(connect_timeout=0.2)))
    finally:
        release.set()
    assert time.perf_counter() - started >= 0.2  # not before the timeout


def test_cancel_during_connect() -> None:
    with BacklogFullListener() as listener:
        seen = fetch_until_cancelled(f"http://127.0.0.1:{listener.port}/", last_is("Resolved"))
    assert [type(e).__name__ for e in seen] == ["Resolved"]


def test_connect_timeout() -> None:
    with BacklogFullListener() as listener:
        started = time.perf_counter()
        expected = (
            rf"No connection to 127\.0\.0\.1:{listener.port} within 0\.2 s \(connect timeout\)"
        )
        with pytest.raises(ConnectTimeout, match=expected):
            list(fetch(f"http://127.0.0.1:{listener.port}/", FetchOptions(connect_timeout=0.2)))
    assert time.perf_counter() - started >= 0.2


def test_cancel_during_tls_handshake(serve: ServerFactory) -> None:
    server = serve(stall(read=False))  # accepts, never answers the ClientHello
    seen = fetch_until_cancelled(server.url("/", scheme="https"), last_is("Connected"))
    assert [type(e).__name__ for e in seen] == ["Resolved", "Connected"]


def test_tls_handshake_counts_against_the_connect_timeout(serve: ServerFactory) -> None:
    server = serve(stall(read=False))
    started = time.perf_counter()
    with pytest.raises(ConnectTimeout, match=r"No TLS handshake with .* within 0\.2 s"):
        list(fetch(server.url("/", scheme="https"), FetchOptions(connect_timeout=0.2)))
    assert time.perf_counter() - started >= 0.2


def test_cancel_while_waiting_for_the_head(serve: ServerFactory) -> None:
    server = serve(stall())
    seen = fetch_until_cancelled(server.url("/"), last_is("RequestSent"))
    assert type(seen[-1]).__name__ == "RequestSent"


def test_cancel_during_the_body(serve: ServerFactory) -> None:
    server = serve(stall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome"))
    seen = fetch_until_cancelled(server.url("/"), last_is("BodyChunk"))
    assert any(isinstance(e, ResponseHead) for e in seen)
    assert b"".join(e.data for e in seen if isinstance(e, BodyChunk)) == b"some"


def test_cancel_during_chunk_delay(serve: ServerFactory) -> None:
    # recvs of 10 bytes, each followed by a minute of slow motion (the head's first): only
    # a cancel that wakes the delay ends it.
    server = serve(respond(http_response(200, b"x" * 100)))
    seen = fetch_until_cancelled(
        server.url("/"), last_is("RequestSent"), recv_size=10, chunk_delay=LONG
    )
    assert type(seen[-1]).__name__ == "RequestSent"


def test_cancelled_before_start_does_nothing(serve: ServerFactory) -> None:
    server = serve(respond(http_response(200, b"x")))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled, match="cancelled"):
        list(fetch(server.url("/"), None, token))
    assert server.connections == 0


def test_closing_the_generator_closes_the_socket(serve: ServerFactory) -> None:
    server = serve(stall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome"))
    events = fetch(server.url("/"))
    for event in events:
        if isinstance(event, BodyChunk):
            break
    events.close()  # no ResourceWarning (filterwarnings=error would fail the test)
    assert server.connections == 1
