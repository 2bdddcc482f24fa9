"""fetch(): connect, send, read -> h11 -> decode -> events, hop after hop through redirects.

The response side, :func:`read_response`, reads from any :class:`ByteSource`, so the unit
tests drive it with a list of chunks and no socket. h11 does the framing (Content-Length,
chunked, close-delimited, 1xx, bodiless responses); for an identity body framed by
Content-Length or by the close, a small fast path counts the bytes itself once h11 has
validated the head, because h11's buffer copies cost ~2.5x on a 1 GiB download (FACTS.md).
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

import h11

from net import transport
from net.cancel import CancelToken
from net.decoding import make_content_decoder
from net.errors import (
    BadRedirect,
    Cancelled,
    HeadTooLarge,
    InvalidURL,
    NetError,
    NotHTTP,
    ProtocolError,
    ReadTimeout,
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
    Timings,
    TLSReady,
)
from net.options import FetchOptions
from net.quoting import escape_bytes, readable_reprs
from net.transport import seconds
from net.url import Target, parse_url, resolve_url

__all__ = ["ByteSource", "ResponseResult", "build_request", "fetch", "read_response"]

log = logging.getLogger("yonder.client")

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_BLANK_LINE = re.compile(rb"\n\r?\n")  # the end of a head, exactly as h11 finds it
_SWITCHING_PROTOCOLS = re.compile(rb"HTTP/1\.[01] 101[ \r\n]")
_HTTP_PREFIX = b"HTTP/"
# Each 1xx head resets the head-size count, so without a cap an endless "100 Continue" stream
# would never trip max_head_bytes nor the read timeout (which only measures silence).
MAX_INFORMATIONAL = 20
#: The shortest head deadline: a head is small, but a short read timeout (meant for silences)
#: must not fail a slow link that delivers it a few bytes at a time.
MIN_HEAD_SECONDS = 10.0


class ByteSource(Protocol):
    """Where a response comes from: a transport Stream, or a list of chunks in tests.
    ``recv_into`` returns 0 at the end of the stream."""

    def recv_into(self, buffer: memoryview, nbytes: int, /) -> int: ...


@dataclass(frozen=True, slots=True)
class ResponseResult:
    """What :func:`read_response` returns once the response is complete (or abandoned)."""

    head: ResponseHead
    wire_bytes: int  # every byte received, 1xx heads included
    body_bytes: int  # decoded body bytes delivered
    first_byte_at: float  # perf_counter of the first received byte


def build_request(target: Target, options: FetchOptions, *, method: str | None = None) -> bytes:
    """The exact request bytes. Classic mode is the classic program's request, byte for byte.
    ``method`` overrides ``options.method`` (a 303 turns a later hop into a GET)."""
    method = (method or options.method).upper()
    if method not in ("GET", "HEAD"):
        raise ValueError(f"Yonder sends only GET and HEAD requests, not {method!r}")
    if options.classic:
        return f"{method} {target.url} HTTP/1.0\r\n\r\n".encode("ascii")
    agent = re.sub(r"[\x00-\x1f\x7f]", "", options.user_agent) or "Yonder"
    return (
        f"{method} {target.path} HTTP/1.1\r\n"
        f"Host: {target.authority}\r\n"
        f"User-Agent: {agent}\r\n"
        "Accept: */*\r\n"
        "Accept-Encoding: gzip, deflate\r\n"
        "Connection: close\r\n"
        "\r\n"
    ).encode("latin-1", "replace")


#: A function shaped like :func:`fetch` (the cancel token may be any net.cancel.Token): what a
#: page's fetcher and the download worker run, and what tests replace with a fake generator.
FetchFunction: TypeAlias = Callable[[str, FetchOptions | None, Any], Iterator[Event]]


def fetch(
    url: str | Target,
    options: FetchOptions | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[Event]:
    """Fetch ``url``, yielding events in the order net/events.py documents; NetError on failure.

    Contract that consumers rely on (net/dump.py does):

    - A redirect that is followed yields its ResponseHead and then, directly, Redirected: its
      body is never read (the connection is closed after the head), so no BodyChunk ever
      belongs to a followed hop. Every BodyChunk is part of the final response.
    - A redirect that is not followed (``follow_redirects=False``, no Location, a status
      outside 301/302/303/307/308) is the final response: its body is yielded, then Finished.
    - Finished comes last, exactly once, after a complete body; an incomplete one raises.

    Close the generator (or let it be collected) to abandon the fetch; its socket is closed.
    """
    try:
        yield from _fetch(url, options, cancel)
    except NetError as exc:
        # The whole chain (`raise ... from`), for --debug; a disabled logger costs nothing.
        log.debug("failed: %s", exc, exc_info=exc)
        raise


def _fetch(
    url: str | Target, options: FetchOptions | None, cancel: CancelToken | None
) -> Iterator[Event]:
    options = options or FetchOptions()
    cancel = cancel or CancelToken()
    target = url if isinstance(url, Target) else parse_url(url)
    method = options.method.upper()
    hops: list[Timings] = []
    visited = [target.url]
    redirects = 0
    while True:
        log.info("%s %s", method, target.url)
        try:
            result, timings, location = yield from _one_hop(target, method, options, cancel)
        except NetError as exc:
            if exc.url is None:
                exc.url = target.url
            raise
        hops.append(timings)
        if location is None:
            yield Finished(
                url=target.url,
                status=result.head.status,
                body_bytes=result.body_bytes,
                wire_bytes=result.wire_bytes,
                timings=timings,
                hops=tuple(hops),
            )
            return
        next_target = _redirect_target(target, location)
        if redirects >= options.max_redirects:
            raise _too_many_redirects(visited, next_target.url, options.max_redirects)
        redirects += 1
        visited.append(next_target.url)
        log.info("%d redirect to %s", result.head.status, next_target.url)
        yield Redirected(result.head.status, target.url, next_target.url, result.head, timings)
        if result.head.status == 303 and method != "HEAD":
            method = "GET"
        target = next_target


def _too_many_redirects(visited: list[str], next_url: str, limit: int) -> TooManyRedirects:
    """A loop (an address comes back) and a long chain are different faults: say which."""
    last = visited[-1]
    if next_url in visited:
        cycle = visited[::-1].index(next_url) + 1  # back to its last visit
        return TooManyRedirects(
            f"Too many redirects ({limit}): the site redirects in a loop, {last} leads back to "
            f"{next_url} (a cycle of {cycle} address{'es' if cycle != 1 else ''})",
            url=last,
        )
    return TooManyRedirects(
        f"Too many redirects ({limit}): {visited[0]} redirected {limit} times without a loop "
        f"and {last} redirects on to {next_url}; Yonder stops after {limit}",
        url=last,
    )


def _redirect_target(target: Target, location: str) -> Target:
    """Where a Location points. A target Yonder cannot fetch is the server's fault: BadRedirect."""
    try:
        return resolve_url(target, _location_text(location))
    except InvalidURL as exc:
        raise BadRedirect(
            f"Server {target.authority} redirected {target.url} to '{_printable_text(location)}', "
            f"which Yonder cannot fetch: {exc}",
            url=target.url,
        ) from exc


def _location_text(location: str) -> str:
    """The Location as the server meant it. h11 hands header values over as bytes, which
    ResponseHead decodes as latin-1; resolve_url would then encode each of those characters
    as UTF-8 again ("é" -> %C3%83%C2%A9). So: back to the raw bytes; valid UTF-8 (what
    browsers send and expect) is decoded as such; any other byte >= 0x80 is percent-encoded
    as it is."""
    raw = location.encode("latin-1", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(chr(b) if b < 0x80 else f"%{b:02X}" for b in raw)


def _printable_text(text: str, limit: int = 200) -> str:
    return _printable(text.encode("latin-1", "replace"), limit)


def _one_hop(
    target: Target, method: str, options: FetchOptions, cancel: CancelToken
) -> Generator[Event, None, tuple[ResponseResult, Timings, str | None]]:
    """One request/response on a fresh connection. Returns the Location to follow, if any."""
    where = target.authority
    url = target.url
    start = time.perf_counter()
    deadline = start + options.connect_timeout
    cancel.raise_if_cancelled(url)

    addresses = transport.resolve(
        target.host,
        target.port,
        deadline=deadline,
        cancel=cancel,
        url=url,
        connect_timeout=options.connect_timeout,
    )
    resolved_at = time.perf_counter()
    yield Resolved(target.host, tuple(a[1][0] for a in addresses), resolved_at - start)

    sock, (peer_address, peer_port) = transport.connect(
        addresses,
        deadline=deadline,
        cancel=cancel,
        where=where,
        url=url,
        connect_timeout=options.connect_timeout,
    )
    try:
        connected_at = time.perf_counter()
        yield Connected(peer_address, peer_port, connected_at - start)
        tls_done_at = connected_at
        if target.scheme == "https":
            tls_sock = transport.start_tls(
                sock,
                target.host,
                options.cafile,
                deadline=deadline,
                cancel=cancel,
                where=where,
                url=url,
                connect_timeout=options.connect_timeout,
            )
            sock = tls_sock
            tls_done_at = time.perf_counter()
            cert = transport.peer_certificate(tls_sock)
            yield TLSReady(
                cert.version,
                cert.cipher,
                cert.subject,
                cert.issuer,
                cert.not_after,
                tls_done_at - start,
            )
        stream = transport.Stream(
            sock, cancel=cancel, read_timeout=options.read_timeout, where=where, url=url
        )
        request = build_request(target, options, method=method)
        stream.send_all(request)
        sent_at = time.perf_counter()
        if log.isEnabledFor(logging.DEBUG):
            log.debug("request sent to %s:%d:\n%s", peer_address, peer_port, escape_bytes(request))
        yield RequestSent(method, url, request, sent_at - start)

        reader = read_response(
            stream,
            method=method,
            options=options,
            url=url,
            where=where,
            start=start,
            cancel=cancel,
        )
        location: str | None = None
        try:
            while True:
                event = next(reader)
                yield event
                if isinstance(event, ResponseHead):
                    location = _location(event, options)
                    if location is not None:
                        break  # the redirect's body is of no interest: close instead
        except StopIteration as stop:
            result: ResponseResult = stop.value
        else:
            result = _abandon(reader)
        end = time.perf_counter()
        first = min(max(result.first_byte_at, sent_at), end)
        timings = Timings(
            dns=resolved_at - start,
            connect=connected_at - resolved_at,
            tls=tls_done_at - connected_at,
            request=sent_at - tls_done_at,
            wait=first - sent_at,
            transfer=end - first,
        )
        return result, timings, location
    finally:
        transport.close(sock, cancel)  # the TLS socket once wrapped; on every path


def _abandon(reader: Generator[Event, None, ResponseResult]) -> ResponseResult:
    """Stop reading after the head; the reader returns its partial result from close()."""
    try:
        reader.throw(_StopReading())
    except StopIteration as stop:
        result: ResponseResult = stop.value
        return result
    raise AssertionError("read_response ignored _StopReading")  # pragma: no cover


class _StopReading(Exception):
    """Thrown into read_response to make it return what it has (after a redirect's head)."""


def _location(head: ResponseHead, options: FetchOptions) -> str | None:
    if not options.follow_redirects or head.status not in REDIRECT_STATUSES:
        return None
    location = head.header("location")
    return location if location and location.strip() else None


def read_response(
    source: ByteSource,
    *,
    method: str = "GET",
    options: FetchOptions | None = None,
    url: str = "",
    where: str = "the server",
    start: float | None = None,
    cancel: CancelToken | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Generator[ResponseHead | BodyChunk, None, ResponseResult]:
    """Read one response from ``source``: yields its ResponseHead, then BodyChunks, and returns
    a ResponseResult. Raises ProtocolError subclasses for what h11 or the decoder rejects.

    The transport's read timeout only measures silence, so a server dripping one byte at a
    time would never trip it. Two progress deadlines, measured with ``clock``, close that gap:
    the whole head (1xx heads included) must arrive within max(read_timeout, 10 s) of the first
    byte, and in the h11 body loop (chunked), bytes that keep arriving without yielding any body
    data (an endless chunk-size line, say) may do so for at most ``options.read_timeout``.

    Invariant: ``head.raw`` + every ``chunk.wire`` == every byte received after any 1xx heads;
    the sizes of ``head.recvs`` add up to every byte received up to the head's end, plus the
    ``head.body_prefix`` bytes the first BodyChunk carries.
    One BodyChunk per recv after the head; a recv that decodes to more than one decoder piece
    (a gzip expanding a lot) gives further chunks with ``wire=b""``, so memory stays flat.
    """
    options = options or FetchOptions()
    cancel = cancel or CancelToken()
    start = time.perf_counter() if start is None else start
    recv_size = max(1, options.recv_size)
    buffer = bytearray(recv_size)
    view = memoryview(buffer)
    conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=options.max_head_bytes)
    # h11 needs our request for its state machine (HEAD means no body). It writes only
    # HTTP/1.1; we discard its bytes and send our own, and response framing does not depend on
    # our version, so the classic HTTP/1.0 request is framed correctly too.
    conn.send(h11.Request(method=method, target="/", headers=[("Host", "yonder")]))
    conn.send(h11.EndOfMessage())

    wire_bytes = 0
    first_byte_at = 0.0
    pending = bytearray()  # received bytes not yet attributed to a head
    response: h11.Response | None = None
    eof = False
    informational = 0
    interim = ""  # the last informational (1xx) status, e.g. "100 Continue"
    timeout = options.read_timeout
    head_timeout = max(timeout, MIN_HEAD_SECONDS)
    head_deadline: float | None = None  # set at the first byte
    head_recvs: list[tuple[float, int]] = []  # (elapsed, size) of each recv of the head
    # When the last recv() returned: a recv's time, its head's and its BodyChunks' (taken
    # before the slow-motion pause, as the time to first byte is: after it, the first recv
    # was drawn a pause later than the "first byte" the Stream dock states beside it).
    recv_at = time.perf_counter()

    def recv() -> bytes:
        nonlocal wire_bytes, first_byte_at, eof, recv_at
        count = source.recv_into(view, recv_size)
        recv_at = time.perf_counter()
        if count == 0:
            eof = True
            return b""
        if not wire_bytes:
            first_byte_at = recv_at
        wire_bytes += count
        data = bytes(view[:count])
        if options.chunk_delay > 0 and cancel.wait(options.chunk_delay):
            raise Cancelled("The request was cancelled", url=url or None)
        return data

    # --- the head (and any 1xx heads before it) ---
    while response is None:
        data = recv()
        if data:
            head_recvs.append((recv_at - start, len(data)))
        now = clock()
        if head_deadline is None:
            head_deadline = now + head_timeout
        elif data and now > head_deadline:
            raise ReadTimeout(
                f"Server {where} did not finish its response head within {seconds(head_timeout)} "
                "(read timeout)",
                url=url or None,
            )
        conn.receive_data(data)
        pending += data
        _check_http_prefix(pending, where, url)
        while response is None:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as exc:
                # from None: the message carries h11's reason, made readable; its own text
                # (a bytearray repr) would reach the error page's detail through the chain.
                raise _head_error(exc, pending, eof, where, url, options, interim) from None
            if event is h11.NEED_DATA:
                if eof:  # pragma: no cover - h11 raises instead
                    raise _head_error(None, pending, eof, where, url, options, interim)
                break
            if isinstance(event, h11.InformationalResponse):
                informational += 1
                interim = f"{event.status_code} {event.reason.decode('latin-1')}".strip()
                if informational > MAX_INFORMATIONAL:
                    raise ProtocolError(
                        f"Server {where} sent more than {MAX_INFORMATIONAL} informational (1xx) "
                        "responses and no final answer",
                        url=url or None,
                    )
                del pending[: _head_end(pending, where, url, options)]
                _check_http_prefix(pending, where, url)
            elif isinstance(event, h11.Response):
                response = event
            else:  # pragma: no cover - h11 yields nothing else before the response
                raise ProtocolError(f"Unexpected response from {where}", url=url or None)

    end = _head_end(pending, where, url, options)
    head = ResponseHead(
        url=url,
        http_version=response.http_version.decode("ascii", "replace"),
        status=response.status_code,
        reason=response.reason.decode("latin-1"),
        headers=tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in response.headers.raw_items()
        ),
        raw=bytes(pending[:end]),
        elapsed=recv_at - start,  # (its last recv's time)
        recvs=tuple(head_recvs),
        body_prefix=len(pending) - end,
    )
    leftover = bytes(pending[end:])
    del pending
    try:
        yield head
    except _StopReading:
        return ResponseResult(head, wire_bytes, 0, first_byte_at)

    coding = head.header("content-encoding") if options.decode_content else None
    decoder = make_content_decoder(
        coding,
        max_decoded_bytes=options.max_decoded_bytes,
        max_ratio=options.max_decompression_ratio,
        origin=where,
    )
    body_bytes = 0

    def chunks(body: bytes, wire: bytes, final: bool) -> Generator[BodyChunk, None, None]:
        """The BodyChunks of one recv: the first carries ``wire``, later ones (a gzip piece
        expanding past PIECE_SIZE) carry b"". Pieces are pulled from the decoder one at a
        time, so a recv that inflates a lot never sits in memory whole."""
        nonlocal body_bytes
        elapsed = recv_at - start  # (the recv these bytes came in)
        pieces = decoder.iter_decode(body) if body else iter(())
        if final:
            pieces = itertools.chain(pieces, decoder.iter_flush())
        for piece in pieces:
            body_bytes += len(piece)
            yield BodyChunk(piece, wire, elapsed)
            wire = b""
        if wire:  # a recv of framing only (a chunk-size line, a gzip header)
            yield BodyChunk(b"", wire, elapsed)

    if _fast_path(method, response):
        length = _content_length(response)
        remaining = length  # None: the body ends when the server closes
        data = leftover
        while True:
            if data:
                body = data
                if remaining is not None:
                    body = data[:remaining] if len(data) > remaining else data
                    remaining -= len(body)
                yield from chunks(body, data, remaining == 0)
                if remaining == 0:
                    break
            elif remaining == 0:  # Content-Length: 0
                break
            data = recv()
            if eof:
                if remaining:
                    assert length is not None
                    raise _truncated(length, length - remaining, where, url)
                yield from chunks(b"", b"", True)
                break
        return ResponseResult(head, wire_bytes, body_bytes, first_byte_at)

    # --- h11 framing: chunked, bodiless, and everything else ---
    wire = leftover
    done = False
    progress_at = clock()  # the last time h11 gave body data (or the head)
    stalled_bytes = 0  # bytes received since then
    while True:
        parts: list[bytes] = []
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as exc:
                raise _body_error(exc, eof, head, wire_bytes, where, url) from None
            if isinstance(event, h11.Data):
                parts.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                done = True
                break
            else:  # NEED_DATA (PAUSED cannot happen before EndOfMessage)
                break
        body = parts[0] if len(parts) == 1 else b"".join(parts)
        now = clock()
        if parts or done:
            progress_at, stalled_bytes = now, 0
        else:
            stalled_bytes += len(wire)
            if stalled_bytes and now - progress_at > timeout:
                raise ReadTimeout(
                    f"Server {where} sent {stalled_bytes} bytes with no body data for "
                    f"{seconds(timeout)} (read timeout)",
                    url=url or None,
                )
        yield from chunks(body, wire, done)
        if done:
            return ResponseResult(head, wire_bytes, body_bytes, first_byte_at)
        wire = recv()
        conn.receive_data(wire)


def _fast_path(method: str, response: h11.Response) -> bool:
    """An identity-framed body: no Transfer-Encoding, and a response that has a body."""
    if method == "HEAD" or response.status_code in (204, 304):
        return False
    return all(name.lower() != b"transfer-encoding" for name, _ in response.headers.raw_items())


def _content_length(response: h11.Response) -> int | None:
    # h11 has validated and collapsed the header ("5, 5" -> "5"); its names are lower-case.
    for name, value in response.headers:
        if name == b"content-length":
            return int(value)
    return None


def _head_end(pending: bytearray, where: str, url: str, options: FetchOptions) -> int:
    match = _BLANK_LINE.search(pending)
    if match is None:  # pragma: no cover - h11 only yields a head once it saw the blank line
        raise ProtocolError(f"Malformed response head from {where}", url=url or None)
    if match.end() > options.max_head_bytes:
        raise _too_large(where, url, options)
    return match.end()


def _check_http_prefix(pending: bytearray, where: str, url: str) -> None:
    """Fail fast when the first bytes cannot be a status line (SSH banner, TLS alert, ...)."""
    prefix = bytes(pending[: len(_HTTP_PREFIX)])
    if prefix and not _HTTP_PREFIX.startswith(prefix):
        raise NotHTTP(
            f"Server {where} did not answer with HTTP (it sent '{_printable(pending)}'): "
            "is this the right port and scheme?",
            url=url or None,
        )


def _printable(data: bytes | bytearray, limit: int = 60) -> str:
    """The first line of ``data``, escaped (for "it sent '...'")."""
    return escape_bytes(bytes(data).split(b"\n", 1)[0].rstrip(b"\r"), limit)


def _too_large(where: str, url: str, options: FetchOptions) -> HeadTooLarge:
    return HeadTooLarge(
        f"Response head from {where} exceeds {options.max_head_bytes} bytes "
        "(the limit for the status line and headers)",
        url=url or None,
    )


def _head_error(
    exc: h11.RemoteProtocolError | None,
    pending: bytearray,
    eof: bool,
    where: str,
    url: str,
    options: FetchOptions,
    interim: str = "",
) -> NetError:
    _check_http_prefix(pending, where, url)
    if exc is not None and getattr(exc, "error_status_hint", 0) == 431:
        return _too_large(where, url, options)
    if eof and not pending and interim:
        return ProtocolError(
            f"Server {where} sent an interim '{_printable_text(interim)}' and then closed the "
            "connection without the final response",
            url=url or None,
        )
    if eof and not pending:
        return ProtocolError(
            f"Server {where} closed the connection without sending a response", url=url or None
        )
    if eof:
        return TruncatedBody(
            f"Server {where} closed the connection in the middle of the response head "
            f"(after {len(pending)} bytes)",
            url=url or None,
        )
    if _SWITCHING_PROTOCOLS.match(pending):  # h11 refuses a 101 nobody asked for
        return ProtocolError(
            f"Server {where} switched protocols (101 Switching Protocols) although Yonder did "
            "not ask it to; Yonder speaks only HTTP/1.x",
            url=url or None,
        )
    reason = readable_reprs(str(exc)) if exc is not None else "incomplete"
    return ProtocolError(
        f"Malformed response head from {where}: {reason} (it began '{_printable(pending)}')",
        url=url or None,
    )


def _body_error(
    exc: h11.RemoteProtocolError,
    eof: bool,
    head: ResponseHead,
    wire_bytes: int,
    where: str,
    url: str,
) -> NetError:
    received = wire_bytes - len(head.raw)
    if eof:
        return TruncatedBody(
            f"Server {where} closed the connection before the end of the chunked body "
            f"(after {received} bytes on the wire)",
            url=url or None,
        )
    return ProtocolError(
        f"Malformed body from {where}: {readable_reprs(str(exc))}", url=url or None
    )


def _truncated(length: int | None, received: int, where: str, url: str) -> TruncatedBody:
    return TruncatedBody(
        f"Server {where} closed the connection after {received} of {length} bytes",
        url=url or None,
    )
