"""The response side of the client, fed from a list of chunks (no socket, no Qt).

Every case runs whole, one byte at a time, and (for self-delimited bodies) with trailing data
after the response, like h11's own test_io.py.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from net.client import ResponseResult, build_request, read_response
from net.decoding import PIECE_SIZE
from net.errors import (
    DecodingError,
    HeadTooLarge,
    NetError,
    NotHTTP,
    ProtocolError,
    ReadTimeout,
    TruncatedBody,
)
from net.events import BodyChunk, ResponseHead
from net.options import FetchOptions
from net.url import parse_url
from net.version import version

TRAILING = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nextra GARBAGE \x00\xff"


class ChunkStream:
    """A ByteSource that hands out the given chunks, at most ``nbytes`` at a time."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = [c for c in chunks if c]
        self.received = bytearray()

    def recv_into(self, buffer: memoryview, nbytes: int, /) -> int:
        if not self.chunks:
            return 0
        chunk = self.chunks[0]
        piece, rest = chunk[:nbytes], chunk[nbytes:]
        if rest:
            self.chunks[0] = rest
        else:
            self.chunks.pop(0)
        buffer[: len(piece)] = piece
        self.received += piece
        return len(piece)


@dataclass
class Outcome:
    head: ResponseHead
    chunks: list[BodyChunk]
    result: ResponseResult
    received: bytes

    @property
    def body(self) -> bytes:
        return b"".join(c.data for c in self.chunks)


def run(chunks: Iterable[bytes], method: str = "GET", **options: object) -> Outcome:
    stream = ChunkStream(chunks)
    reader = read_response(
        stream, method=method, options=FetchOptions(**options), url="http://t/", where="t"
    )  # type: ignore[arg-type]
    events = []
    try:
        while True:
            events.append(next(reader))
    except StopIteration as stop:
        result = stop.value
    head = events[0]
    assert isinstance(head, ResponseHead)
    assert all(isinstance(e, BodyChunk) for e in events[1:])
    return Outcome(head, events[1:], result, bytes(stream.received))  # type: ignore[arg-type]


def split(raw: bytes, mode: str) -> list[bytes]:
    if mode == "bytewise":
        return [raw[i : i + 1] for i in range(len(raw))]
    if mode == "trailing":
        return [raw + TRAILING]
    return [raw]


ALL_MODES = ["whole", "bytewise", "trailing"]
UNTERMINATED = ["whole", "bytewise"]  # close-delimited: trailing bytes would be body


def check_wire(out: Outcome, skipped_prefix: int = 0) -> None:
    """head.raw + every chunk.wire == every byte received after the 1xx heads."""
    wire = out.head.raw + b"".join(c.wire for c in out.chunks)
    assert wire == out.received[skipped_prefix:]
    assert out.result.wire_bytes == len(out.received)
    assert out.result.body_bytes == len(out.body)


# --- framing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ALL_MODES)
def test_content_length(mode: str) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world"
    out = run(split(raw, mode))
    assert out.body == b"hello world"
    assert out.head.raw == raw[: raw.index(b"\r\n\r\n") + 4]
    assert (out.head.status, out.head.reason, out.head.http_version) == (200, "OK", "1.1")
    check_wire(out)
    if mode == "bytewise":
        assert len(out.chunks) == 11  # one BodyChunk per recv that carried body bytes


@pytest.mark.parametrize("mode", UNTERMINATED)
def test_close_delimited(mode: str) -> None:
    raw = b"HTTP/1.0 200 OK\r\nServer: classic\r\n\r\nBut soft what light\n"
    out = run(split(raw, mode))
    assert out.body == b"But soft what light\n"
    assert out.head.http_version == "1.0"
    check_wire(out)


@pytest.mark.parametrize("mode", ALL_MODES)
def test_chunked_with_extensions_and_trailers(mode: str) -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n"
        b"1\r\n \r\n"
        b"5\r\nworld\r\n"
        b"0\r\nX-Trailer: yes\r\n\r\n"
    )
    out = run(split(raw, mode))
    assert out.body == b"hello world"
    check_wire(out)


@pytest.mark.parametrize("mode", ALL_MODES)
def test_informational_heads_are_skipped(mode: str) -> None:
    informational = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n"
    final = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    out = run(split(informational + final, mode))
    assert (out.head.status, out.body) == (200, b"ok")
    assert out.head.raw == final[:-2]
    check_wire(out, skipped_prefix=len(informational))


class EndlessStream:
    """A ByteSource that repeats ``unit`` forever; fails the test after ``max_recvs`` recvs."""

    def __init__(self, unit: bytes, max_recvs: int = 10_000) -> None:
        self.unit = unit
        self.recvs = 0
        self.max_recvs = max_recvs

    def recv_into(self, buffer: memoryview, nbytes: int, /) -> int:
        self.recvs += 1
        assert self.recvs <= self.max_recvs, "the reader never gave up"
        piece = self.unit[:nbytes]
        buffer[: len(piece)] = piece
        return len(piece)


def test_endless_informational_responses_are_refused() -> None:
    stream = EndlessStream(b"HTTP/1.1 100 Continue\r\n\r\n")
    reader = read_response(stream, options=FetchOptions(), url="http://t/", where="t")  # type: ignore[arg-type]
    with pytest.raises(
        ProtocolError, match=r"^Server t sent more than 20 informational \(1xx\) responses and no"
    ):
        next(reader)
    assert stream.recvs <= 21


def test_twenty_informational_responses_are_still_fine() -> None:
    raw = b"HTTP/1.1 100 Continue\r\n\r\n" * 20 + b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    assert run([raw]).body == b"ok"


@pytest.mark.parametrize("mode", ALL_MODES)
@pytest.mark.parametrize("status", [204, 304])
def test_bodiless_statuses(mode: str, status: int) -> None:
    raw = f'HTTP/1.1 {status} X\r\nETag: "1"\r\n\r\n'.encode()
    out = run(split(raw, mode))
    assert (out.head.status, out.body) == (status, b"")
    check_wire(out)


@pytest.mark.parametrize("mode", ALL_MODES)
def test_head_request_has_no_body_despite_content_length(mode: str) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
    out = run(split(raw, mode), method="HEAD")
    assert (out.head.content_length, out.body) == (1000, b"")
    check_wire(out)


@pytest.mark.parametrize("mode", ALL_MODES)
def test_content_length_zero(mode: str) -> None:
    out = run(split(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", mode))
    assert out.body == b""
    check_wire(out)


@pytest.mark.parametrize("mode", ALL_MODES)
def test_bare_newlines_and_header_case_and_order_are_kept(mode: str) -> None:
    raw = (
        b"HTTP/1.1 200 Fine Thanks\nX-B: 2\nx-a: 1\nSET-COOKIE: a\nSet-Cookie: b\n"
        b"Content-Length: 1\n\nz"
    )
    out = run(split(raw, mode))
    assert out.head.raw == raw[:-1]
    assert out.head.headers == (
        ("X-B", "2"),
        ("x-a", "1"),
        ("SET-COOKIE", "a"),
        ("Set-Cookie", "b"),
        ("Content-Length", "1"),
    )
    assert out.head.reason == "Fine Thanks"
    assert out.body == b"z"
    check_wire(out)


@pytest.mark.parametrize("mode", ALL_MODES)
@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
def test_content_coding_is_decoded(mode: str, coding: str) -> None:
    text = b"romeo " * 500
    if coding == "gzip":
        coded = gzip.compress(text)
    elif coding == "deflate":
        coded = zlib.compress(text)
    else:
        co = zlib.compressobj(wbits=-15)
        coded = co.compress(text) + co.flush()
    name = "gzip" if coding == "gzip" else "deflate"
    raw = f"HTTP/1.1 200 OK\r\nContent-Encoding: {name}\r\nContent-Length: {len(coded)}\r\n\r\n"
    out = run(split(raw.encode() + coded, mode))
    assert out.body == text
    check_wire(out)


@pytest.mark.parametrize("mode", ALL_MODES)
def test_chunked_gzip(mode: str) -> None:
    coded = gzip.compress(b"x" * 3000)
    body = b"".join(
        b"%x\r\n%s\r\n" % (len(coded[i : i + 7]), coded[i : i + 7]) for i in range(0, len(coded), 7)
    )
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
    out = run(split(raw + body + b"0\r\n\r\n", mode))
    assert out.body == b"x" * 3000
    check_wire(out)


def test_decode_content_off_passes_coded_bytes() -> None:
    coded = gzip.compress(b"abc")
    raw = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(coded)
    assert run([raw + coded], decode_content=False).body == coded


def test_recv_size_bounds_every_recv() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + b"a" * 2000
    out = run([raw], recv_size=512)
    assert max(len(c.wire) for c in out.chunks) <= 512
    assert out.body == b"a" * 2000
    check_wire(out)


def test_one_recv_that_inflates_a_lot_is_yielded_piece_by_piece() -> None:
    """20 MB of zeros gzip to ~20 KB, all in one recv: pieces of at most PIECE_SIZE come out
    one at a time (the decoder is pulled lazily, never into a list), the first one carrying
    the recv's wire bytes; memory stays at a few pieces, not the 20 MB."""
    coded = gzip.compress(bytes(20_000_000))
    raw = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(coded)
    options = FetchOptions(max_decompression_ratio=float("inf"))  # zeros deflate ~1000x
    reader = read_response(ChunkStream([raw + coded]), options=options, url="http://t/")
    assert isinstance(next(reader), ResponseHead)
    sizes, wires = [], []
    tracemalloc.start()
    try:
        while True:
            chunk = next(reader)
            assert isinstance(chunk, BodyChunk)
            sizes.append(len(chunk.data))
            wires.append(chunk.wire)
            del chunk
    except StopIteration as stop:
        result = stop.value
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert wires[0] == coded and not any(wires[1:])
    assert max(sizes) == PIECE_SIZE and sum(sizes) == result.body_bytes == 20_000_000
    assert peak < 4 * PIECE_SIZE, f"{peak:,} bytes traced"


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", UNTERMINATED)
def test_truncated_content_length_says_how_much(mode: str) -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello"
    with pytest.raises(TruncatedBody, match="closed the connection after 5 of 50 bytes"):
        run(split(raw, mode))


@pytest.mark.parametrize("mode", UNTERMINATED)
def test_truncated_chunked(mode: str) -> None:
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nhello"
    with pytest.raises(TruncatedBody, match="before the end of the chunked body"):
        run(split(raw, mode))


@pytest.mark.parametrize("mode", UNTERMINATED)
def test_truncated_head(mode: str) -> None:
    with pytest.raises(TruncatedBody, match="middle of the response head"):
        run(split(b"HTTP/1.1 200 OK\r\nContent-Le", mode))


def test_empty_answer() -> None:
    with pytest.raises(ProtocolError, match="without sending a response"):
        run([])


@pytest.mark.parametrize("mode", ALL_MODES)
def test_ssh_banner_is_not_http(mode: str) -> None:
    with pytest.raises(NotHTTP, match="did not answer with HTTP") as info:
        run(split(b"SSH-2.0-OpenSSH_9.2\r\n", mode))
    if mode != "bytewise":
        assert "it sent 'SSH-2.0-OpenSSH_9.2'" in str(info.value)


def test_binary_garbage_is_shown_escaped() -> None:
    with pytest.raises(NotHTTP, match=r"\\x15\\x03\\x01"):
        run([b"\x15\x03\x01\x00\x02\x02\x46"])


@pytest.mark.parametrize("mode", ["whole", "bytewise"])
def test_head_too_large(mode: str) -> None:
    raw = b"HTTP/1.1 200 OK\r\n" + b"X-Big: " + b"a" * 3000 + b"\r\n\r\nbody"
    with pytest.raises(HeadTooLarge, match="exceeds 1024 bytes"):
        run(split(raw, mode), max_head_bytes=1024)


def test_head_just_under_the_limit_passes() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n"
    out = run([raw + b"z"], max_head_bytes=len(raw))
    assert out.body == b"z"


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 abc OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_malformed_responses_raise_protocol_error(raw: bytes) -> None:
    with pytest.raises(ProtocolError, match="Malformed"):
        run([raw])


def test_corrupt_gzip_raises_decoding_error() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n0123456789"
    with pytest.raises(DecodingError, match=r"^The gzip body from t is corrupt: it does not start"):
        run([raw])


# --- properties ------------------------------------------------------------------------------

BODY = b"The quick brown fox jumps over the lazy dog. " * 20
RESPONSES = [
    b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(BODY), BODY),
    b"HTTP/1.0 200 OK\r\n\r\n" + BODY,
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    + b"".join(
        b"%x;e=1\r\n%s\r\n" % (len(BODY[i : i + 97]), BODY[i : i + 97])
        for i in range(0, len(BODY), 97)
    )
    + b"0\r\nT: 1\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n"
    + gzip.compress(BODY),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, len(RESPONSES) - 1),
    cuts=st.lists(st.integers(0, 2000), max_size=12),
)
def test_any_split_gives_the_same_body(index: int, cuts: list[int]) -> None:
    raw = RESPONSES[index]
    points = sorted({c % (len(raw) + 1) for c in cuts})
    pieces = [raw[a:b] for a, b in zip([0, *points], [*points, len(raw)], strict=True)]
    out = run(pieces)
    assert out.body == BODY


@settings(max_examples=150, deadline=None)
@given(
    data=st.binary(max_size=300),
    prefix=st.sampled_from([b"", b"HTTP/1.1 ", b"HTTP/1.1 200 OK\r\n"]),
)
def test_garbage_raises_only_net_errors(data: bytes, prefix: bytes) -> None:
    try:
        out = run([prefix + data], max_head_bytes=200)
    except NetError as exc:
        assert str(exc) and exc.url == "http://t/"
    else:
        assert out.head.status >= 200 and out.head.raw.startswith(b"HTTP/")


def test_request_bytes() -> None:
    target = parse_url("http://example.org:8080/a b?q=1#frag")
    assert build_request(target, FetchOptions()) == (
        b"GET /a%20b?q=1 HTTP/1.1\r\nHost: example.org:8080\r\n"
        + f"User-Agent: Yonder/{version()}\r\n".encode()
        + b"Accept: */*\r\nAccept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n"
    )
    classic = parse_url("http://data.pr4e.org/romeo.txt")
    assert build_request(classic, FetchOptions(classic=True)) == (
        b"GET http://data.pr4e.org/romeo.txt HTTP/1.0\r\n\r\n"
    )
    assert build_request(classic, FetchOptions(method="HEAD")).startswith(b"HEAD /romeo.txt ")
    with pytest.raises(ValueError, match="GET and HEAD"):
        build_request(classic, FetchOptions(method="POST"))


def test_a_huge_content_encoding_list_is_a_decoding_error() -> None:
    codings = b", ".join([b"gzip"] * 12_000)
    raw = b"HTTP/1.1 200 OK\r\nContent-Encoding: " + codings + b"\r\nContent-Length: 1\r\n\r\nx"
    with pytest.raises(DecodingError, match="stacks 12000 codings"):
        run([raw], max_head_bytes=200_000)


class DripStream(EndlessStream):
    """``prefix`` one byte per recv, then ``unit`` (one byte at a time) forever."""

    def __init__(self, prefix: bytes, unit: bytes, first: bytes = b"") -> None:
        super().__init__(unit)
        self.prefix = prefix
        self.sent = 0
        self.first = first  # handed out whole by the first recv

    def recv_into(self, buffer: memoryview, nbytes: int, /) -> int:
        self.recvs += 1
        assert self.recvs <= self.max_recvs, "the reader never gave up"
        if self.first:
            first, self.first = self.first, b""
            buffer[: len(first)] = first
            return len(first)
        data = self.prefix if self.sent < len(self.prefix) else self.unit
        index = self.sent if self.sent < len(self.prefix) else self.sent % len(self.unit)
        self.sent += 1
        buffer[:1] = data[index : index + 1]
        return 1


class FakeClock:
    """Advances ``step`` seconds on every reading."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def drip_reader(stream: DripStream, step: float) -> Iterator[object]:
    return read_response(  # type: ignore[return-value]
        stream,  # type: ignore[arg-type]
        options=FetchOptions(read_timeout=2),
        url="http://t/",
        where="t",
        clock=FakeClock(step),
    )


def test_a_head_dripped_slowly_times_out() -> None:
    stream = DripStream(b"HTTP/1.1 200 OK\r\nX: ", b"a")
    with pytest.raises(
        ReadTimeout, match=r"^Server t did not finish its response head within 10 s"
    ):
        next(drip_reader(stream, 0.5))  # read_timeout=2: the head still gets 10 s
    assert stream.recvs < 25  # 10 s at 0.5 s per byte


def test_a_head_that_arrives_in_time_passes() -> None:
    stream = DripStream(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", b"")
    reader = drip_reader(stream, 0.01)  # 38 bytes in 0.38 s
    assert next(reader).status == 200  # type: ignore[attr-defined]


def test_an_endless_chunk_size_line_times_out() -> None:
    stream = DripStream(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", b"0")
    reader = drip_reader(stream, 0.001)
    next(reader)  # the head: in time
    with pytest.raises(ReadTimeout, match=r"^Server t sent \d+ bytes with no body data for 2 s"):
        for _ in reader:
            pass
    assert stream.recvs < 3000


def test_a_slow_but_steady_chunked_body_is_fine() -> None:
    body = b"".join(b"1\r\n%c\r\n" % c for c in b"hello") + b"0\r\n\r\n"
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    stream = DripStream(body, b"", first=head)
    reader = drip_reader(stream, 0.3)  # 6 bytes per chunk, 1.8 s between body pieces
    stream.max_recvs = 200
    with pytest.raises(StopIteration):
        while True:
            next(reader)
