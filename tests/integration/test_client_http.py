"""fetch() against loopback servers that misbehave on purpose (plain HTTP)."""

from __future__ import annotations

import gzip
import itertools
import socket
import time
from collections.abc import Callable

import pytest

import net.transport
from net.cancel import CancelToken
from net.client import fetch
from net.errors import (
    BadRedirect,
    ConnectError,
    ConnectTimeout,
    HeadTooLarge,
    NameResolutionError,
    NotHTTP,
    ProtocolError,
    ReadTimeout,
    TLSError,
    TooManyRedirects,
    TruncatedBody,
)
from net.events import (
    BodyChunk,
    Connected,
    Event,
    Finished,
    Redirected,
    RequestSent,
    Resolved,
    ResponseHead,
)
from net.options import FetchOptions
from tests.integration.conftest import ServerFactory
from tests.integration.servers import (
    IPV6_LOOPBACK,
    LoopbackServer,
    closed_port,
    drip,
    http_response,
    ipv6_loopback_available,
    read_request,
    redirect,
    respond,
    routes,
    send,
    stall,
)


def collect(url: str, **options: object) -> list[Event]:
    return list(fetch(url, FetchOptions(**options)))  # type: ignore[arg-type]


def body_of(events: list[Event]) -> bytes:
    return b"".join(e.data for e in events if isinstance(e, BodyChunk))


def kinds(events: list[Event]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_events_in_order_with_timings(serve: ServerFactory) -> None:
    server = serve(respond(http_response(200, b"hello", [("X-Mixed-Case", "v")])))
    events = collect(server.url("/page"))
    assert kinds(events) == [
        "Resolved",
        "Connected",
        "RequestSent",
        "ResponseHead",
        "BodyChunk",
        "Finished",
    ]
    resolved, connected, sent, head, _, finished = events
    assert isinstance(resolved, Resolved) and resolved.addresses == ("127.0.0.1",)
    assert isinstance(connected, Connected) and connected.peer == f"127.0.0.1:{server.port}"
    assert isinstance(sent, RequestSent) and sent.raw == server.requests[0]
    assert isinstance(head, ResponseHead) and head.headers[0] == ("X-Mixed-Case", "v")
    assert isinstance(finished, Finished)
    assert (finished.status, finished.body_bytes) == (200, 5)
    assert finished.wire_bytes == len(head.raw) + 5
    t = finished.timings
    assert min(t.dns, t.connect, t.request, t.wait, t.transfer) >= 0 and t.tls == 0
    assert t.total == pytest.approx(t.time_to_first_byte + t.transfer)
    assert finished.hops == (t,)
    elapsed = [e.elapsed for e in events if hasattr(e, "elapsed")]
    assert elapsed == sorted(elapsed)


def test_classic_request_is_byte_exact(serve: ServerFactory) -> None:
    server = serve(respond(b"HTTP/1.0 200 OK\r\n\r\nBut soft what light\n"))
    url = server.url("/romeo.txt")
    events = collect(url, classic=True, recv_size=512)
    assert server.requests == [f"GET {url} HTTP/1.0\r\n\r\n".encode()]
    assert body_of(events) == b"But soft what light\n"


def test_head_request(serve: ServerFactory) -> None:
    server = serve(
        respond(http_response(200, b"", [("Content-Length", "999")], content_length=False))
    )
    events = collect(server.url("/"), method="HEAD")
    assert server.requests[0].startswith(b"HEAD / HTTP/1.1\r\n")
    assert body_of(events) == b"" and isinstance(events[-1], Finished)


@pytest.mark.parametrize("status", [204, 304])
def test_bodiless_status(serve: ServerFactory, status: int) -> None:
    server = serve(stall(http_response(status, content_length=False)))
    # The server keeps the connection open: the client must not wait for a body.
    events = collect(server.url("/"), read_timeout=5)
    assert isinstance(events[-1], Finished) and events[-1].status == status


def test_informational_then_chunked_with_extensions_and_trailers(serve: ServerFactory) -> None:
    raw = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n"
    )
    server = serve(respond(raw))
    events = collect(server.url("/"))
    assert body_of(events) == b"Wikipedia"
    head = next(e for e in events if isinstance(e, ResponseHead))
    assert head.status == 200 and head.raw.startswith(b"HTTP/1.1 200")


def test_drip_one_byte_at_a_time(serve: ServerFactory) -> None:
    raw = http_response(200, b"dripping body", [("Content-Type", "text/plain")])
    server = serve(drip(raw))
    events = collect(server.url("/"))
    assert body_of(events) == b"dripping body"
    head = next(e for e in events if isinstance(e, ResponseHead))
    wire = head.raw + b"".join(e.wire for e in events if isinstance(e, BodyChunk))
    assert wire == raw


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_content_coding(serve: ServerFactory, coding: str) -> None:
    import zlib

    text = b"gzip me " * 1000
    coded = gzip.compress(text) if coding == "gzip" else zlib.compress(text)
    server = serve(respond(http_response(200, coded, [("Content-Encoding", coding)])))
    events = collect(server.url("/"), recv_size=100)
    assert body_of(events) == text
    finished = events[-1]
    assert isinstance(finished, Finished) and finished.body_bytes == len(text)


def test_chunk_delay_slows_each_recv(serve: ServerFactory) -> None:
    server = serve(respond(http_response(200, b"x" * 40)))
    started = time.perf_counter()
    events = collect(server.url("/"), recv_size=16, chunk_delay=0.02)
    assert body_of(events) == b"x" * 40
    assert time.perf_counter() - started >= 0.02 * 3


def test_a_recv_is_timed_when_it_returns_not_after_the_slow_motion_pause(
    serve: ServerFactory,
) -> None:
    # The Stream dock draws each recv at its time and says "first byte" beside it: with the
    # pause counted in, recv 1 and the head came a whole pause after the first byte.
    delay = 0.05
    server = serve(respond(http_response(200, b"y" * 200)))
    events = collect(server.url("/"), recv_size=64, chunk_delay=delay)
    head = next(e for e in events if isinstance(e, ResponseHead))
    chunks = [e for e in events if isinstance(e, BodyChunk) and e.wire]
    finished = next(e for e in events if isinstance(e, Finished))
    assert body_of(events) == b"y" * 200
    first_recv = head.recvs[0][0]
    assert first_recv == pytest.approx(finished.timings.time_to_first_byte, abs=1e-6)
    assert head.elapsed == head.recvs[-1][0]  # the head is known when its last recv returns
    if head.body_prefix:
        assert chunks[0].elapsed == head.elapsed  # those body bytes came in that recv
    times = [at for at, _ in head.recvs] + [
        c.elapsed for c in chunks[1 if head.body_prefix else 0 :]
    ]
    assert len(times) >= 4
    assert all(b - a >= delay for a, b in itertools.pairwise(times))  # a pause between two


# --- redirects -------------------------------------------------------------------------------


def test_redirect_chain_relative_and_protocol_relative(serve: ServerFactory) -> None:
    server: LoopbackServer
    table = {
        "/a": redirect(301, "b"),  # relative
        "/b": redirect(302, "/c/../d"),  # absolute path with dot segments
        "/d": lambda c, s, r: c.sendall(
            http_response(307, b"", [("Location", f"//127.0.0.1:{s.port}/e?x=1")])
        ),
        "/e?x=1": redirect(308, "?x=2"),  # query only
        "/e?x=2": send(http_response(200, b"arrived")),
    }
    server = serve(routes(table))
    events = collect(server.url("/a"))
    redirects = [e for e in events if isinstance(e, Redirected)]
    base = f"http://127.0.0.1:{server.port}"
    assert [(r.status, r.from_url, r.to_url) for r in redirects] == [
        (301, f"{base}/a", f"{base}/b"),
        (302, f"{base}/b", f"{base}/d"),
        (307, f"{base}/d", f"{base}/e?x=1"),
        (308, f"{base}/e?x=1", f"{base}/e?x=2"),
    ]
    assert redirects[0].head.header("location") == "b"
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert (finished.url, finished.status, body_of(events)) == (f"{base}/e?x=2", 200, b"arrived")
    assert len(finished.hops) == 5
    assert kinds(events).count("Resolved") == 5


def test_redirect_loop_is_stopped(serve: ServerFactory) -> None:
    server = serve(routes({"/loop": redirect(302, "/loop")}))
    with pytest.raises(TooManyRedirects, match=r"Too many redirects \(3\)") as info:
        collect(server.url("/loop"), max_redirects=3)
    assert info.value.url == server.url("/loop")
    assert server.connections == 4


def test_default_limit_is_twenty(serve: ServerFactory) -> None:
    server = serve(routes({"/loop": redirect(303, "/loop")}))
    with pytest.raises(TooManyRedirects, match=r"\(20\)"):
        collect(server.url("/loop"))
    assert server.connections == 21


def test_follow_redirects_off(serve: ServerFactory) -> None:
    server = serve(routes({"/a": redirect(301, "/b")}))
    events = collect(server.url("/a"), follow_redirects=False)
    assert not any(isinstance(e, Redirected) for e in events)
    assert isinstance(events[-1], Finished) and events[-1].status == 301
    assert body_of(events) == b"moved"


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("ftp://example.org/file", "'ftp:'"),
        ("http://[::1", ""),
        ("http://" + "a" * 300 + ".example/", ""),
        ("/" + "x" * 40_000, "at most 32,768"),  # fits the head limit, not a request line
    ],
)
def test_a_bad_location_is_the_servers_fault(
    serve: ServerFactory, location: str, reason: str
) -> None:
    server = serve(routes({"/a": redirect(302, location)}))
    with pytest.raises(BadRedirect) as info:
        collect(server.url("/a"))
    message = str(info.value)
    assert message.startswith(f"Server 127.0.0.1:{server.port} redirected {server.url('/a')} to '")
    assert (
        location[:150] in message and "which Yonder cannot fetch" in message and reason in message
    )
    assert isinstance(info.value, ProtocolError) and info.value.phase == "Redirect"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/a b/\u00e9?q=\u00fc".encode(), "/a%20b/%C3%A9?q=%C3%BC"),  # UTF-8, as browsers
        (b"/caf\xe9", "/caf%E9"),  # not UTF-8: the byte is kept as it is
    ],
)
def test_a_non_ascii_location_is_encoded_once(
    serve: ServerFactory, location: bytes, expected: str
) -> None:
    raw = b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n"
    server = serve(routes({"/a": send(raw), expected: send(http_response(200, b"here"))}))
    events = collect(server.url("/a"))
    assert body_of(events) == b"here"
    assert [e.to_url for e in events if isinstance(e, Redirected)] == [server.url(expected)]


# --- failures --------------------------------------------------------------------------------


def test_connection_refused() -> None:
    port = closed_port()
    with pytest.raises(ConnectError, match=f"Connection refused by 127.0.0.1:{port}") as info:
        collect(f"http://127.0.0.1:{port}/")
    assert info.value.url == f"http://127.0.0.1:{port}/"


def test_dns_failure() -> None:
    with pytest.raises(NameResolutionError, match=r"Could not resolve host 'nowhere\.invalid'"):
        collect("http://nowhere.invalid/")


def test_read_timeout_before_the_head(serve: ServerFactory) -> None:
    server = serve(stall())
    started = time.perf_counter()
    with pytest.raises(ReadTimeout, match=r"No data from 127.0.0.1:\d+ for 0.3 s \(read timeout\)"):
        collect(server.url("/"), read_timeout=0.3)
    assert time.perf_counter() - started >= 0.3  # not before the limit (the message names it)


def test_read_timeout_in_the_body(serve: ServerFactory) -> None:
    server = serve(stall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"))
    seen: list[Event] = []
    with pytest.raises(ReadTimeout):
        for event in fetch(server.url("/"), FetchOptions(read_timeout=0.2)):
            seen.append(event)
    assert body_of(seen) == b"partial"


def test_read_timeout_is_the_longest_silence_not_the_total(serve: ServerFactory) -> None:
    body = b"slow but steady"

    def steady(conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.sendall(http_response(200, body)[: -len(body)])
        for i in range(len(body)):  # a byte every 0.1 s: silences a tenth of the limit
            if server.stopping.wait(0.1):
                return
            conn.sendall(body[i : i + 1])

    server = serve(steady)
    started = time.perf_counter()
    events = collect(server.url("/"), read_timeout=1.0)
    assert body_of(events) == body
    assert time.perf_counter() - started > 1.0  # in all, longer than the limit


def test_closed_early_is_truncated(serve: ServerFactory) -> None:
    server = serve(respond(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello"))
    with pytest.raises(TruncatedBody, match="closed the connection after 5 of 50 bytes"):
        collect(server.url("/"))


def test_closed_without_answer(serve: ServerFactory) -> None:
    server = serve(respond(b""))
    with pytest.raises(ProtocolError, match="closed the connection without sending a response"):
        collect(server.url("/"))


def test_ssh_banner(serve: ServerFactory) -> None:
    def ssh(conn: socket.socket, server: LoopbackServer) -> None:
        conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
        server.stopping.wait(120)  # then silence: waiting for more would end in ReadTimeout

    server = serve(ssh)
    with pytest.raises(
        NotHTTP, match=r"did not answer with HTTP \(it sent 'SSH-2.0-OpenSSH_9.2'\)"
    ):
        collect(server.url("/"), read_timeout=60)  # at once, on the banner itself


def test_garbage(serve: ServerFactory) -> None:
    server = serve(respond(b"\x00\x01garbage\xff" * 10))
    with pytest.raises(NotHTTP):
        collect(server.url("/"))


def test_huge_head(serve: ServerFactory) -> None:
    def huge(conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        for _ in range(200):  # 200 KiB of headers, never a blank line
            conn.sendall(b"X-Filler: " + b"a" * 1000 + b"\r\n")

    server = serve(huge)
    with pytest.raises(HeadTooLarge, match=r"Response head from 127.0.0.1:\d+ exceeds 65536 bytes"):
        collect(server.url("/"))


def test_trailing_garbage_after_the_body_is_ignored(serve: ServerFactory) -> None:
    server = serve(respond(http_response(200, b"exact") + b"GARBAGE AFTER THE BODY"))
    events = collect(server.url("/"))
    assert body_of(events) == b"exact"
    assert isinstance(events[-1], Finished) and events[-1].body_bytes == 5


def test_ipv6_loopback_when_available(serve: ServerFactory) -> None:
    # Our servers bind 127.0.0.1 only, so "localhost" must fall back from ::1 (refused) to IPv4.
    server = serve(respond(http_response(200, b"v4")))
    events = collect(server.url("/", host="localhost"))
    connected = next(e for e in events if isinstance(e, Connected))
    assert connected.address == "127.0.0.1" and body_of(events) == b"v4"


def test_a_followed_redirects_body_is_never_read(serve: ServerFactory) -> None:
    """fetch()'s contract: a followed hop's head is followed directly by Redirected."""
    big = http_response(302, b"x" * 1_000_000, [("Location", "/b")])
    server = serve(routes({"/a": send(big), "/b": send(http_response(200, b"final"))}))
    events = collect(server.url("/a"))
    assert kinds(events) == [
        *("Resolved", "Connected", "RequestSent", "ResponseHead", "Redirected"),
        *("Resolved", "Connected", "RequestSent", "ResponseHead", "BodyChunk", "Finished"),
    ]
    assert body_of(events) == b"final"


def test_ipv6_literal(serve: ServerFactory) -> None:
    """http://[::1]:port/ over IPv6 loopback; where the machine has none, a clear ConnectError."""
    if not ipv6_loopback_available():
        with pytest.raises(ConnectError, match=r"to \[::1\]:\d+: \[::1\]:\d+: "):
            collect(f"http://[::1]:{closed_port()}/", connect_timeout=2)
        return
    server = serve(respond(http_response(200, b"v6")), host=IPV6_LOOPBACK)
    events = collect(server.url("/p q"))
    assert server.url("/") == f"http://[::1]:{server.port}/"
    connected = next(e for e in events if isinstance(e, Connected))
    resolved = next(e for e in events if isinstance(e, Resolved))
    assert (resolved.addresses, connected.address, connected.peer) == (
        ("::1",),
        "::1",
        f"[::1]:{server.port}",
    )
    assert server.requests[0].startswith(b"GET /p%20q HTTP/1.1\r\n")
    assert f"\r\nHost: [::1]:{server.port}\r\n".encode() in server.requests[0]
    assert body_of(events) == b"v6"


def _connect(addresses: list[net.transport.Address], timeout: float = 2.0) -> None:
    sock, _ = net.transport.connect(
        addresses,
        deadline=time.perf_counter() + timeout,
        cancel=CancelToken(),
        where="example.test:80",
        url="http://example.test/",
        connect_timeout=timeout,
    )
    sock.close()


def test_refused_on_every_address_names_each_one() -> None:
    port = closed_port()
    v4: net.transport.Address = (socket.AF_INET, ("127.0.0.1", port))
    with pytest.raises(
        ConnectError,
        match=rf"^Connection refused by example.test:80 \(tried 127.0.0.1:{port}, "
        rf"127.0.0.1:{port}\): is a server running on that port\?$",
    ):
        _connect([v4, v4])


def test_no_time_left_is_a_connect_timeout() -> None:
    v4: net.transport.Address = (socket.AF_INET, ("127.0.0.1", closed_port()))
    with pytest.raises(
        ConnectTimeout, match=r"^No connection to example.test:80 within 0 s \(connect timeout\)$"
    ):
        _connect([v4], timeout=0)


def test_idna_host_is_resolved_and_sent_in_ascii(
    serve: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bücher.example (no DNS here): getaddrinfo is asked for the IDNA form, mapped to
    loopback, and the Host header carries the same ASCII name."""
    asked: list[object] = []
    real = socket.getaddrinfo

    def loopback_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        asked.append(host)
        return real("127.0.0.1", *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(net.transport.socket, "getaddrinfo", loopback_getaddrinfo)
    server = serve(respond(http_response(200, b"idna")))
    events = collect(f"http://bücher.example:{server.port}/ü?q=ä#frag")
    assert asked == ["xn--bcher-kva.example"]
    resolved = next(e for e in events if isinstance(e, Resolved))
    assert (resolved.host, resolved.addresses) == ("xn--bcher-kva.example", ("127.0.0.1",))
    (request,) = server.requests
    assert request.startswith(b"GET /%C3%BC?q=%C3%A4 HTTP/1.1\r\n")  # no fragment
    assert f"\r\nHost: xn--bcher-kva.example:{server.port}\r\n".encode() in request
    assert body_of(events) == b"idna"


def _answer_client_hello(reply: bytes) -> Callable[[socket.socket, object], None]:
    """A plain server that reads the ClientHello as if it were a request, replies, closes."""

    def handler(conn: socket.socket, server: object) -> None:
        conn.recv(4096)
        if reply:
            conn.sendall(reply)

    return handler


def test_https_to_a_plain_http_port_suggests_http(serve: ServerFactory) -> None:
    # What nginx does with a ClientHello on its http port: 400 in plain text.
    server = serve(_answer_client_hello(http_response(400, b"plain")))
    with pytest.raises(TLSError, match="does not speak TLS on this port: try http://"):
        collect(server.url("/", scheme="https"))


def test_a_close_during_the_handshake_says_so(serve: ServerFactory) -> None:
    server = serve(_answer_client_hello(b""))
    with pytest.raises(TLSError, match=r"TLS handshake with 127\.0\.0\.1:\d+ failed: .*closed"):
        collect(server.url("/", scheme="https"))


def test_an_unasked_protocol_switch_is_named(serve: ServerFactory) -> None:
    raw = (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nxyz"
    )
    server = serve(respond(raw))
    with pytest.raises(ProtocolError, match=r"switched protocols \(101 Switching Protocols\)"):
        collect(server.url("/"))
