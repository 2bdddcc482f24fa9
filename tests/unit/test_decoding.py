"""Content-coding decoders: gzip, deflate (zlib and raw), chains, limits and bombs.

Every stream case runs whole, one byte at a time, at random splits, and with trailing data.
"""

from __future__ import annotations

import gzip
import math
import struct
import tracemalloc
import zlib
from collections.abc import Callable, Iterable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from net.decoding import PIECE_SIZE, RATIO_CHECK_AFTER, ContentDecoder, make_content_decoder
from net.errors import DecodingError, DecompressionLimit, NetError
from tests.unit.feeds import FEEDS, split_at

MiB = 1024 * 1024
TEXT = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % i for i in range(3000))


def raw_deflate(data: bytes, level: int = 6) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


# A raw deflate stream whose first two bytes happen to be a valid zlib header (0x78 0x01): a
# non-final stored block with padding bits set, holding "A". Real servers send such streams.
ZLIB_LOOKALIKE = b"\x78\x01\x00\xfe\xff" + b"A" + raw_deflate(b"BCDEF" * 100)

CASES: dict[str, tuple[str, bytes, bytes]] = {
    "gzip": ("gzip", gzip.compress(TEXT), TEXT),
    "x-gzip": ("x-gzip", gzip.compress(TEXT), TEXT),
    "gzip-multi-member": (
        "gzip",
        gzip.compress(TEXT[:1000]) + gzip.compress(b"") + gzip.compress(TEXT[1000:]),
        TEXT,
    ),
    "deflate-zlib": ("deflate", zlib.compress(TEXT), TEXT),
    "deflate-raw": ("deflate", raw_deflate(TEXT), TEXT),
    "deflate-zlib-lookalike": ("deflate", ZLIB_LOOKALIKE, b"A" + b"BCDEF" * 100),
    "gzip-identity": ("gzip, identity", gzip.compress(TEXT), TEXT),
    "deflate-then-gzip": ("deflate, gzip", gzip.compress(zlib.compress(TEXT)), TEXT),
    "gzip-gzip": ("GZip ,gzip", gzip.compress(gzip.compress(TEXT)), TEXT),
    "identity": ("identity", TEXT, TEXT),
    "identity-twice": ("identity, identity", TEXT, TEXT),
    "gzip-stray-commas": (", gzip ,,", gzip.compress(TEXT), TEXT),
}


def run(coding: str, chunks: Iterable[bytes], **limits: float | int | None) -> bytes:
    decoder = make_content_decoder(coding, **limits)  # type: ignore[arg-type]
    out = [decoder.decode(chunk) for chunk in chunks]
    out.append(decoder.flush())
    return b"".join(out)


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("case", CASES)
def test_decodes_whole_and_one_byte_at_a_time(case: str, feed: str) -> None:
    coding, encoded, expected = CASES[case]
    assert run(coding, FEEDS[feed](encoded)) == expected


@pytest.mark.parametrize("case", CASES)
def test_counters_add_up_after_every_call(case: str) -> None:
    coding, encoded, expected = CASES[case]
    decoder = make_content_decoder(coding)
    fed = produced = 0
    for chunk in split_at(encoded, [1, 2, 3, 10, 77, 500, 501]):
        produced += len(decoder.decode(chunk))
        fed += len(chunk)
        assert (decoder.encoded_bytes, decoder.decoded_bytes) == (fed, produced)
    produced += len(decoder.flush())
    assert (decoder.encoded_bytes, decoder.decoded_bytes) == (len(encoded), len(expected))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(sorted(CASES)), cuts=st.lists(st.integers(0, 10**6), max_size=12))
def test_any_split_gives_the_same_body(case: str, cuts: list[int]) -> None:
    coding, encoded, expected = CASES[case]
    assert run(coding, split_at(encoded, cuts)) == expected


@pytest.mark.parametrize("coding", [None, "", "identity", " Identity "])
def test_identity_returns_the_same_object(coding: str | None) -> None:
    decoder = make_content_decoder(coding)
    chunk = bytes(range(256)) * 10
    assert decoder.decode(chunk) is chunk  # no copy on the 1 GiB hot path
    assert decoder.decode(b"") == b""
    assert decoder.flush() == b""
    assert (decoder.encoded_bytes, decoder.decoded_bytes) == (2560, 2560)


def test_identity_honours_the_size_limit() -> None:
    decoder = make_content_decoder(None, max_decoded_bytes=1000)
    decoder.decode(b"x" * 1000)
    with pytest.raises(DecompressionLimit, match=r"exceeds the 1,000 bytes limit"):
        decoder.decode(b"x")


@pytest.mark.parametrize("coding", ["gzip", "deflate", "gzip, gzip"])
def test_an_empty_body_is_empty(coding: str) -> None:
    # Servers send "Content-Encoding: gzip" with "Content-Length: 0"; browsers show nothing.
    assert run(coding, []) == b""
    assert run(coding, [b""]) == b""


@pytest.mark.parametrize("coding", ["br", "zstd", "compress", "x-compress", "gzip, br"])
def test_unsupported_codings_are_refused_by_name(coding: str) -> None:
    name = coding.split(",")[-1].strip()
    with pytest.raises(DecodingError, match=rf"Unsupported Content-Encoding '{name}'"):
        make_content_decoder(coding)


# --- corrupt, truncated, trailing data ---------------------------------------------------


@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize(
    ("coding", "encoded"),
    [
        ("gzip", gzip.compress(TEXT)),
        ("gzip", gzip.compress(TEXT[:100]) + gzip.compress(TEXT[100:200])),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", raw_deflate(TEXT)),
        ("gzip, gzip", gzip.compress(gzip.compress(TEXT[:500]))),
    ],
)
@pytest.mark.parametrize("trailer", [b"garbage!", b"\x00", b"\x00" * 8, b"\x1f\x8bjunkjunkjunk"])
def test_trailing_garbage_is_an_error(
    coding: str, encoded: bytes, trailer: bytes, feed: str
) -> None:
    with pytest.raises(DecodingError, match=r"corrupt|truncated"):
        run(coding, FEEDS[feed](encoded + trailer))


@pytest.mark.parametrize("feed", FEEDS)
def test_a_lone_magic_byte_after_the_last_member_is_unexpected_data(feed: str) -> None:
    with pytest.raises(DecodingError, match=r"^The gzip body is corrupt: unexpected data"):
        run("gzip", FEEDS[feed](gzip.compress(TEXT[:50]) + b"\x1f"))


@pytest.mark.parametrize(
    ("coding", "encoded"),
    [
        ("gzip", gzip.compress(TEXT[:2000])),
        ("deflate", zlib.compress(TEXT[:2000])),
        ("deflate", raw_deflate(TEXT[:2000])),
    ],
)
def test_every_truncation_is_reported_at_flush(coding: str, encoded: bytes) -> None:
    for cut in range(1, len(encoded)):
        decoder = make_content_decoder(coding)
        decoder.decode(encoded[:cut])
        with pytest.raises(DecodingError, match=rf"^The {coding} body is truncated"):
            decoder.flush()


@pytest.mark.parametrize("feed", FEEDS)
def test_a_body_that_is_not_gzip_is_corrupt(feed: str) -> None:
    with pytest.raises(DecodingError, match=r"^The gzip body is corrupt: .*gzip signature"):
        run("gzip", FEEDS[feed](b"<html>not compressed</html>"))


@pytest.mark.parametrize("feed", FEEDS)
def test_a_bad_checksum_is_corrupt(feed: str) -> None:
    body = bytearray(gzip.compress(TEXT))
    body[-8] ^= 0xFF  # the CRC-32 in the trailer
    with pytest.raises(DecodingError, match=r"^The gzip body is corrupt: incorrect data check"):
        run("gzip", FEEDS[feed](bytes(body)))


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_corrupt_data_names_zlib_reason_without_its_prefix(coding: str) -> None:
    body = bytearray(gzip.compress(TEXT) if coding == "gzip" else zlib.compress(TEXT))
    for i in range(12, 40):
        body[i] = 0xFF
    with pytest.raises(DecodingError) as info:
        run(coding, [bytes(body)])
    message = str(info.value)
    assert message.startswith(f"The {coding} body is corrupt: ")
    assert "Error -3" not in message
    assert message.endswith(
        "'yonder --dump --no-decode URL' saves the body as the server encoded it"
    )


@settings(max_examples=150, deadline=None)
@given(
    coding=st.sampled_from(["gzip", "deflate", "gzip, deflate", "x-gzip"]),
    prefix=st.sampled_from([b"", gzip.compress(b"ok")[:12], zlib.compress(b"ok")[:3]]),
    garbage=st.binary(max_size=300),
    cuts=st.lists(st.integers(0, 400), max_size=5),
)
def test_garbage_raises_only_net_errors(
    coding: str, prefix: bytes, garbage: bytes, cuts: list[int]
) -> None:
    try:
        run(coding, split_at(prefix + garbage, cuts))
    except NetError as exc:
        assert isinstance(exc, DecodingError)
        assert str(exc)


# --- limits and bombs ---------------------------------------------------------------------


def zero_bomb(mib: int, wrapper: str = "gzip", *, complete: bool = True) -> Iterator[bytes]:
    """A valid gzip (or zlib) body of ``mib`` MiB of zeros, produced lazily.

    ``complete=False`` leaves out the end (and the checksum that takes time to compute), for
    bombs that must be stopped long before their end.

    After Z_FULL_FLUSH the compressor starts afresh, so the block for 1 MiB of zeros is the
    same bytes every time: repeating it makes any size cheaply (~1 KiB of wire per MiB).
    """
    zeros = bytes(MiB)
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    final = c.flush()
    if wrapper == "gzip":
        yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    else:
        yield b"\x78\xda"
    crc, adler = 0, 1
    for _ in range(mib):
        yield block
        if complete:
            crc, adler = zlib.crc32(zeros, crc), zlib.adler32(zeros, adler)
    if not complete:
        return
    yield final
    if wrapper == "gzip":
        yield struct.pack("<II", crc, (mib * MiB) & 0xFFFFFFFF)
    else:
        yield struct.pack(">I", adler)


@pytest.mark.parametrize("wrapper", ["gzip", "deflate"])
def test_the_bomb_builder_makes_valid_streams(wrapper: str) -> None:
    body = b"".join(zero_bomb(3, wrapper))
    expected = gzip.decompress(body) if wrapper == "gzip" else zlib.decompress(body)
    assert expected == bytes(3 * MiB)
    assert run(wrapper, [body], max_ratio=math.inf) == expected


def rechunk(pieces: Iterable[bytes], size: int) -> Iterator[bytes]:
    buf = b""
    for piece in pieces:
        buf += piece
        while len(buf) >= size:
            yield buf[:size]
            buf = buf[size:]
    if buf:
        yield buf


def peak_while(action: Callable[[], object]) -> int:
    """tracemalloc's peak (bytes) while ``action`` runs."""
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("wrapper", ["gzip", "deflate"])
def test_a_200_mib_bomb_hits_the_ratio_limit_with_bounded_memory(wrapper: str) -> None:
    decoder = make_content_decoder(wrapper)  # the default 1000x ratio

    def feed() -> None:
        with pytest.raises(
            DecompressionLimit, match=rf"The {wrapper} body expands more than 1000x"
        ):
            for chunk in rechunk(zero_bomb(200, wrapper), 64 * 1024):
                decoder.decode(chunk)
            decoder.flush()

    assert peak_while(feed) < 8 * MiB
    # Zeros expand ~1011x, just over the limit: stopped within a few MiB, not after 200.
    assert RATIO_CHECK_AFTER <= decoder.decoded_bytes < 4 * MiB


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (
            {"max_decoded_bytes": 32 * MiB, "max_ratio": math.inf},
            "^Decoded body exceeds the 32 MiB",
        ),
        ({}, "^The gzip body expands more than 1000x"),
    ],
)
def test_a_10_gib_bomb_in_one_call_never_inflates_past_the_limit(
    limits: dict[str, float], message: str
) -> None:
    body = b"".join(zero_bomb(10 * 1024, complete=False))  # ~10 MB on the wire, 10 GiB decoded
    decoder = make_content_decoder("gzip", **limits)  # type: ignore[arg-type]

    def feed() -> None:
        with pytest.raises(DecompressionLimit, match=message):
            decoder.decode(body)

    # decode() returns one bytes object, so it holds what it decoded up to the limit (32 MiB,
    # or ~1.5 MiB for the ratio) and nothing more: no copy of the 10 MB input per step either.
    assert peak_while(feed) < min(decoder.decoded_bytes, 32 * MiB) + 4 * MiB
    assert decoder.decoded_bytes <= 32 * MiB + PIECE_SIZE


def test_a_huge_chunk_that_expands_a_lot_is_stepped_through_in_bounded_memory() -> None:
    body = b"".join(zero_bomb(10 * 1024, complete=False))
    decoder = make_content_decoder("gzip", max_decoded_bytes=512 * MiB, max_ratio=math.inf)

    def feed() -> None:
        with pytest.raises(DecompressionLimit):
            for _piece in decoder.iter_decode(body):
                pass

    assert peak_while(feed) < 2 * MiB


def test_the_size_limit_message_reads_like_the_issue() -> None:
    decoder = make_content_decoder("gzip", max_decoded_bytes=100 * 10**6, max_ratio=math.inf)
    with pytest.raises(DecompressionLimit, match=r"^Decoded body exceeds the 100 MB limit"):
        for chunk in rechunk(zero_bomb(120), 16 * 1024):
            decoder.decode(chunk)


def test_iter_decode_yields_bounded_pieces_from_one_huge_chunk() -> None:
    body = b"".join(zero_bomb(64))
    decoder = make_content_decoder("gzip", max_ratio=math.inf)
    sizes = [len(piece) for piece in decoder.iter_decode(body)]
    sizes += [len(piece) for piece in decoder.iter_flush()]
    assert sum(sizes) == 64 * MiB
    assert max(sizes) <= PIECE_SIZE


def test_a_nested_gzip_bomb_is_stopped_with_bounded_memory() -> None:
    inner = b"".join(zero_bomb(100))
    outer = gzip.compress(inner, 9)
    decoder = make_content_decoder("gzip, gzip")

    def feed() -> None:
        with pytest.raises(DecompressionLimit, match=r"The gzip, gzip body expands more than"):
            decoder.decode(outer)

    assert peak_while(feed) < 8 * MiB


def test_a_small_body_may_expand_a_lot() -> None:
    # 900 KiB of spaces from ~1 KiB: below the 1 MiB threshold the ratio is not judged.
    body = gzip.compress(b" " * (900 * 1024), 9)
    assert len(run("gzip", [body])) == 900 * 1024


def test_a_legitimate_body_stays_below_a_generous_size_limit() -> None:
    body = gzip.compress(TEXT)
    assert run("gzip", [body], max_decoded_bytes=len(TEXT)) == TEXT
    with pytest.raises(DecompressionLimit):
        run("gzip", [body], max_decoded_bytes=len(TEXT) - 1)


def test_a_lower_ratio_limit_is_honoured() -> None:
    decoder: ContentDecoder = make_content_decoder("gzip", max_ratio=50.0)
    with pytest.raises(DecompressionLimit, match=r"more than 50x"):
        for chunk in rechunk(zero_bomb(4), 4096):
            decoder.decode(chunk)


@pytest.mark.parametrize(
    ("coding", "data", "limit", "message"),
    [
        ("br", b"", None, "Unsupported Content-Encoding 'br' from h:81: "),
        ("gzip", b"not gzip", None, "The gzip body from h:81 is corrupt: "),
        ("deflate", zlib.compress(b"a" * 5000), 100, "Decoded body from h:81 exceeds the 100 "),
    ],
)
def test_every_error_names_the_origin(
    coding: str, data: bytes, limit: int | None, message: str
) -> None:
    with pytest.raises(DecodingError, match=f"^{message}"):
        decoder = make_content_decoder(coding, max_decoded_bytes=limit, origin="h:81")
        decoder.decode(data)
        decoder.flush()


def test_a_huge_list_of_codings_is_refused_not_recursed() -> None:
    with pytest.raises(DecodingError, match=r"^Content-Encoding from t:1 stacks 12000 codings; "):
        make_content_decoder(", ".join(["gzip"] * 12_000), origin="t:1")


def test_four_stacked_codings_still_decode() -> None:
    body = b"nested " * 50
    encoded = body
    for _ in range(4):
        encoded = gzip.compress(encoded)
    decoder = make_content_decoder("gzip, gzip, gzip, gzip")
    assert decoder.decode(encoded) + decoder.flush() == body
    with pytest.raises(DecodingError, match="stacks 5 codings; Yonder undoes at most 4"):
        make_content_decoder("gzip, " * 4 + "deflate")
