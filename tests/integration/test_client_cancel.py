"""Cancelling from another thread, and the connect timeout, in every blocking phase.

Each cancel test measures the time from ``cancel()`` to ``Cancelled`` reaching the caller; the
design gives well under 100 ms (shutdown wakes the blocked call, polls are <= 50 ms).
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

LIMIT = 0.1  # seconds from cancel() to Cancelled


def cancel_later(token: CancelToken, delay: float) -> Callable[[], float]:
    """Cancel ``token`` after ``delay`` s from a thread; returns a getter of when it did."""
    when: list[float] = []

    def run() -> None:
        time.sleep(delay)
        when.append(time.perf_counter())
        token.cancel()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def cancelled_at() -> float:
        thread.join(5)
        return when[0]

    return cancelled_at


def fetch_until_cancelled(url: str, delay: float, **options: object) -> tuple[float, list[Event]]:
    """Run fetch, cancelling after ``delay``; returns (cancel-to-raise seconds, events seen)."""
    token = CancelToken()
    cancelled_at = cancel_later(token, delay)
    seen: list[Event] = []
    with pytest.raises(Cancelled) as info:
        for event in fetch(url, FetchOptions(**options), token):  # type: ignore[arg-type]
            seen.append(event)
    raised_at = time.perf_counter()
    assert info.value.url == url
    return raised_at - cancelled_at(), seen


def test_cancel_during_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def slow_getaddrinfo(*args: object, **kwargs: object) -> list[object]:
        release.wait(5)  # a resolver that does not answer
        raise socket.gaierror("too late")

    monkeypatch.setattr(net.transport.socket, "getaddrinfo", slow_getaddrinfo)
    try:
        latency, seen = fetch_until_cancelled("http://slow-dns.invalid/", 0.15)
    finally:
        release.set()
    assert seen == [] and latency < LIMIT


def test_dns_counts_against_the_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def slow_getaddrinfo(*args: object, **kwargs: object) -> list[object]:
        release.wait(5)
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
    assert 0.2 <= time.perf_counter() - started < 0.2 + LIMIT


def test_cancel_during_connect() -> None:
    with BacklogFullListener() as listener:
        latency, seen = fetch_until_cancelled(f"http://127.0.0.1:{listener.port}/", 0.15)
    assert [type(e).__name__ for e in seen] == ["Resolved"] and latency < LIMIT


def test_connect_timeout() -> None:
    with BacklogFullListener() as listener:
        started = time.perf_counter()
        expected = (
            rf"No connection to 127\.0\.0\.1:{listener.port} within 0\.2 s \(connect timeout\)"
        )
        with pytest.raises(ConnectTimeout, match=expected):
            list(fetch(f"http://127.0.0.1:{listener.port}/", FetchOptions(connect_timeout=0.2)))
    assert 0.2 <= time.perf_counter() - started < 0.2 + LIMIT


def test_cancel_during_tls_handshake(serve: ServerFactory) -> None:
    server = serve(stall(read=False))  # accepts, never answers the ClientHello
    latency, seen = fetch_until_cancelled(server.url("/", scheme="https"), 0.15)
    assert [type(e).__name__ for e in seen] == ["Resolved", "Connected"] and latency < LIMIT


def test_tls_handshake_counts_against_the_connect_timeout(serve: ServerFactory) -> None:
    server = serve(stall(read=False))
    started = time.perf_counter()
    with pytest.raises(ConnectTimeout, match=r"No TLS handshake with .* within 0\.2 s"):
        list(fetch(server.url("/", scheme="https"), FetchOptions(connect_timeout=0.2)))
    assert 0.2 <= time.perf_counter() - started < 0.2 + LIMIT


def test_cancel_while_waiting_for_the_head(serve: ServerFactory) -> None:
    server = serve(stall())
    latency, seen = fetch_until_cancelled(server.url("/"), 0.15)
    assert type(seen[-1]).__name__ == "RequestSent" and latency < LIMIT


def test_cancel_during_the_body(serve: ServerFactory) -> None:
    server = serve(stall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome"))
    latency, seen = fetch_until_cancelled(server.url("/"), 0.15)
    assert any(isinstance(e, ResponseHead) for e in seen) and latency < LIMIT
    assert b"".join(e.data for e in seen if isinstance(e, BodyChunk)) == b"some"


def test_cancel_during_chunk_delay(serve: ServerFactory) -> None:
    server = serve(respond(http_response(200, b"x" * 100)))
    latency, _ = fetch_until_cancelled(server.url("/"), 0.15, recv_size=10, chunk_delay=10)
    assert latency < LIMIT


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
