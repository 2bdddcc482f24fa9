"""Streaming content-coding decoders (gzip, deflate) with size and expansion-ratio limits.

:func:`make_content_decoder` turns a Content-Encoding header value into a
:class:`ContentDecoder`. Every decoder is incremental (feed any split of the body, get the same
bytes out) and bounded: zlib is driven with ``max_length`` so one step never inflates more than
:data:`PIECE_SIZE` bytes, and the limits are checked after every step, so a gzip bomb is stopped
after at most one piece past the limit instead of after it has filled the memory.

The charset side (text decoding for the document view) lives in :mod:`net.charset`. It is not
re-exported here: the client imports this module, and ``--dump`` never needs charsets.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

from net.errors import DecodingError, DecompressionLimit
from net.quoting import quote_bytes

__all__ = [
    "INPUT_STEP",
    "MAX_CODINGS",
    "PIECE_SIZE",
    "RATIO_CHECK_AFTER",
    "ContentDecoder",
    "make_content_decoder",
]

#: Most bytes one zlib step may produce; also the size of the pieces ``iter_decode`` yields.
PIECE_SIZE = 256 * 1024
#: Most input bytes handed to zlib per step (see _ZlibDecoder._inflate).
INPUT_STEP = 64 * 1024
#: The expansion ratio is only judged once this much has been decoded: tiny bodies (a 40-byte
#: gzip of 100 KB of spaces) legitimately expand a lot.
RATIO_CHECK_AFTER = 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_REPLAY_MAX = 64 * 1024
_SUPPORTED = "gzip and deflate"
#: What a user can do about a body Yonder cannot decode: keep it as it came.
RAW_HINT = "'yonder --dump --no-decode URL' saves the body as the server encoded it"
#: Most stacked codings undone; real servers send one. Each is a nested generator, so an
#: unbounded list ("gzip, gzip, ..." 12,000 times) would end in a RecursionError.
MAX_CODINGS = 4


class ContentDecoder(Protocol):
    """An incremental Content-Encoding decoder.

    ``decode``/``flush`` return everything decoded so far as one bytes object; the
    ``iter_*`` forms yield it in pieces of at most :data:`PIECE_SIZE` (identity: the input
    itself), which keeps memory flat however much one input chunk expands.
    ``encoded_bytes`` counts the bytes fed in, ``decoded_bytes`` the bytes handed out.
    """

    decoded_bytes: int
    encoded_bytes: int

    def decode(self, data: bytes) -> bytes: ...

    def flush(self) -> bytes: ...

    def iter_decode(self, data: bytes) -> Iterator[bytes]: ...

    def iter_flush(self) -> Iterator[bytes]: ...


def make_content_decoder(
    content_encoding: str | None,
    *,
    max_decoded_bytes: int | None = None,
    max_ratio: float = 1000.0,
    origin: str = "",
) -> ContentDecoder:
    """The decoder for a Content-Encoding value ("gzip", "deflate", "gzip, identity", ...).

    Raises DecodingError for a coding Yonder does not speak (br, zstd, compress): the client
    never advertises them, so a server sending one anyway gets a clear error, not garbage.
    ``origin`` ("example.org:443") names the server in every error message.
    """
    from_origin = f" from {origin}" if origin else ""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    for coding in codings:
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise DecodingError(
                f"Unsupported Content-Encoding {coding!r}{from_origin}: Yonder decodes only "
                f"{_SUPPORTED}; {RAW_HINT}"
            )
    if len(codings) > MAX_CODINGS:
        raise DecodingError(
            f"Content-Encoding{from_origin} stacks {len(codings)} codings; Yonder undoes at "
            f"most {MAX_CODINGS}; {RAW_HINT}"
        )
    limits = _Limits(max_decoded_bytes, max_ratio, content_encoding or "identity", from_origin)
    if not codings:
        return IdentityDecoder(limits)
    # Codings are listed in the order they were applied, so they are undone in reverse.
    stages = [
        _ZlibDecoder("deflate" if c == "deflate" else "gzip", from_origin)
        for c in reversed(codings)
    ]
    if len(stages) == 1:
        stages[0].limits = limits
        return stages[0]
    return _ChainDecoder(stages, limits)


def _size(n: int) -> str:
    """A limit as people write it: "100 MB", "64 MiB", else the exact byte count."""
    for unit, name in ((10**9, "GB"), (2**30, "GiB"), (10**6, "MB"), (2**20, "MiB")):
        if n >= unit and n % unit == 0:
            return f"{n // unit} {name}"
    return f"{n:,} bytes"


class _Limits:
    """The size and ratio caps of one body; ``check`` raises DecompressionLimit."""

    def __init__(
        self, max_decoded_bytes: int | None, max_ratio: float, coding: str, from_origin: str = ""
    ) -> None:
        self.max_decoded_bytes = max_decoded_bytes
        self.max_ratio = max_ratio
        self.coding = coding
        self.from_origin = from_origin  # " from example.org:443", or ""

    def check(self, decoded: int, encoded: int) -> None:
        if self.max_decoded_bytes is not None and decoded > self.max_decoded_bytes:
            raise DecompressionLimit(
                f"Decoded body{self.from_origin} exceeds the {_size(self.max_decoded_bytes)} limit "
                f"(Content-Encoding: {self.coding}); raise the limit, or: {RAW_HINT}"
            )
        if (
            decoded >= RATIO_CHECK_AFTER
            and not math.isinf(self.max_ratio)
            and decoded > self.max_ratio * max(encoded, 1)
        ):
            raise DecompressionLimit(
                f"The {self.coding} body{self.from_origin} expands more than {self.max_ratio:g}x "
                f"({decoded:,} bytes decoded from {encoded:,}): stopped as a likely "
                f"decompression bomb; {RAW_HINT}"
            )


_NO_LIMITS = _Limits(None, math.inf, "identity")


class IdentityDecoder:
    """No content-coding: hands back the very bytes object it was given (no copy)."""

    def __init__(self, limits: _Limits = _NO_LIMITS) -> None:
        self.limits = limits
        self.decoded_bytes = 0
        self.encoded_bytes = 0

    def decode(self, data: bytes) -> bytes:
        self.encoded_bytes += len(data)
        self.decoded_bytes += len(data)
        if self.limits.max_decoded_bytes is not None:  # the only check on the 1 GiB hot path
            self.limits.check(self.decoded_bytes, self.decoded_bytes)
        return data

    def flush(self) -> bytes:
        return b""

    def iter_decode(self, data: bytes) -> Iterator[bytes]:
        out = self.decode(data)
        if out:
            yield out

    def iter_flush(self) -> Iterator[bytes]:
        return iter(())


def _zlib_message(exc: zlib.error) -> str:
    """zlib's reason without its "Error -3 while decompressing data:" prefix."""
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text


def _is_zlib_header(cmf: int, flg: int) -> bool:
    """RFC 1950: method 8 (deflate), window <= 32K, header checksum, no preset dictionary."""
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf << 8 | flg) % 31 == 0 and not flg & 0x20


class _ZlibDecoder:
    """gzip (any number of members) or deflate (zlib-wrapped or raw), one bounded step at a time.

    ``_obj`` is None between gzip members and before the first bytes: up to two bytes are held
    in ``_held`` until the gzip magic or the zlib header can be checked.
    """

    def __init__(self, coding: str, from_origin: str = "") -> None:
        self.coding = coding  # "gzip" or "deflate"
        self._body = f"The {coding} body{from_origin}"  # how every message names it
        self.limits = _NO_LIMITS
        self.decoded_bytes = 0
        self.encoded_bytes = 0
        self._obj: zlib._Decompress | None = None
        self._held = b""
        self._stream_base = 0  # encoded_bytes when the current stream started
        self._done = False  # the (last) stream reached its end
        # deflate with a zlib header that is really raw deflate: the input is kept until the
        # first output so it can be replayed through a raw inflater (urllib3 does the same).
        self._replay: bytearray | None = None
        self._after_end = b""

    def decode(self, data: bytes) -> bytes:
        return b"".join(self.iter_decode(data))

    def flush(self) -> bytes:
        return b"".join(self.iter_flush())

    def iter_decode(self, data: bytes) -> Iterator[bytes]:
        buf = data
        while buf or self._held:
            if self._obj is None:
                # Held bytes were counted when they arrived; they are counted again as taken.
                self.encoded_bytes -= len(self._held)
                buf = self._held + buf
                self._held = b""
                if not self._start(buf):
                    self.encoded_bytes += len(buf)
                    self._held = buf
                    return
            yield from self._inflate(buf)
            obj = self._obj
            assert obj is not None
            if not obj.eof:
                return
            # The stream ended: what followed it is a next gzip member, or garbage.
            buf = self._after_end
            self._obj = None
            self._done = True

    def iter_flush(self) -> Iterator[bytes]:
        if self._obj is not None:
            yield from self._inflate(b"")
            if not self._obj.eof:
                raise DecodingError(
                    f"{self._body} is truncated: the data ended before the "
                    f"{self.coding} stream was complete (the server closed early or sent a "
                    "damaged response); try again"
                )
        if self._held:
            if self._done:
                self._garbage(len(self._held))
            raise DecodingError(
                f"{self._body} is truncated: it is only {len(self._held)} byte(s) long; try again"
            )

    def _start(self, buf: bytes) -> bool:
        """Check the first bytes of a stream and open the inflater; False: need more bytes."""
        if self._done and self.coding == "deflate":
            self._garbage(len(buf))
        if len(buf) < 2:
            if buf and self.coding == "gzip" and buf[0] != _GZIP_MAGIC[0]:
                self._not_gzip(buf)
            return False
        if self.coding == "gzip":
            if buf[:2] != _GZIP_MAGIC:
                self._not_gzip(buf)
            self._obj = zlib.decompressobj(zlib.MAX_WBITS | 16)
        else:
            zlib_wrapped = _is_zlib_header(buf[0], buf[1])
            self._obj = zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)
            self._replay = bytearray() if zlib_wrapped else None
        self._stream_base = self.encoded_bytes
        return True

    def _not_gzip(self, buf: bytes) -> None:
        if self._done:
            self._garbage(len(buf))
        raise DecodingError(
            f"{self._body} is corrupt: it does not start with the gzip signature "
            f"(it starts with {quote_bytes(buf[:8])}); {RAW_HINT}"
        )

    def _garbage(self, count: int) -> None:
        raise DecodingError(
            f"{self._body} is corrupt: unexpected data after the end of the "
            f"{self.coding} stream (at least {count} byte(s)); {RAW_HINT}"
        )

    def _inflate(self, buf: bytes) -> Iterator[bytes]:
        """Feed ``buf`` to the open inflater, yielding pieces of at most PIECE_SIZE.

        Input goes in slices of INPUT_STEP: zlib copies the input it has not consumed into
        ``unconsumed_tail`` on every call, which would be quadratic for a big chunk that
        expands a lot. When the stream ends, what followed it is left in ``_after_end``.
        """
        obj = self._obj
        assert obj is not None
        if self._replay is not None:
            self._replay += buf
            if len(self._replay) > _REPLAY_MAX:  # no output after 64 KiB: not a header fluke
                self._replay = None
        view = memoryview(buf)
        pos = 0
        while True:
            step = view[pos : pos + INPUT_STEP]
            try:
                out = obj.decompress(step, PIECE_SIZE)
            except zlib.error as exc:
                if self._replay is None:
                    raise self._corrupt(exc) from exc
                # The "zlib header" was a coincidence: replay the stream through raw inflate.
                view, pos = memoryview(bytes(self._replay)), 0
                self._replay = None
                self.encoded_bytes = self._stream_base
                obj = self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                step = view[:INPUT_STEP]
                try:
                    out = obj.decompress(step, PIECE_SIZE)
                except zlib.error:
                    raise self._corrupt(exc) from exc
            # Count only what zlib has taken, so the ratio check never credits waiting input.
            taken = len(step) - len(obj.unconsumed_tail) - (len(obj.unused_data) if obj.eof else 0)
            pos += taken
            self.encoded_bytes += taken
            if out:
                self._replay = None
                self.decoded_bytes += len(out)
                self.limits.check(self.decoded_bytes, self.encoded_bytes)
                yield out
            if obj.eof:
                self._after_end = bytes(view[pos:])
                return
            # A full piece may mean more output is pending even with no input left.
            if pos >= len(view) and len(out) < PIECE_SIZE:
                return
            if not out and not taken:  # cannot happen with zlib; never spin on it
                raise DecodingError(f"{self._body} is corrupt: zlib made no progress")

    def _corrupt(self, exc: zlib.error) -> DecodingError:
        return DecodingError(f"{self._body} is corrupt: {_zlib_message(exc)}; {RAW_HINT}")


class _ChainDecoder:
    """Several codings ("gzip, gzip"): pieces flow through the stages one at a time."""

    def __init__(self, stages: list[_ZlibDecoder], limits: _Limits) -> None:
        self.stages = stages  # stages[0] sees the wire bytes
        self.limits = limits
        self.decoded_bytes = 0
        self.encoded_bytes = 0

    def decode(self, data: bytes) -> bytes:
        return b"".join(self.iter_decode(data))

    def flush(self) -> bytes:
        return b"".join(self.iter_flush())

    def iter_decode(self, data: bytes) -> Iterator[bytes]:
        return self._run(data, final=False)

    def iter_flush(self) -> Iterator[bytes]:
        return self._run(b"", final=True)

    def _run(self, data: bytes, *, final: bool) -> Iterator[bytes]:
        pieces: Iterable[bytes] = [data]
        for stage in self.stages:
            pieces = _through(stage, pieces, final=final)
        first = self.stages[0]
        for piece in pieces:
            self.decoded_bytes += len(piece)
            self.limits.check(self.decoded_bytes, first.encoded_bytes)
            yield piece
        self.encoded_bytes = first.encoded_bytes


def _through(stage: _ZlibDecoder, pieces: Iterable[bytes], *, final: bool) -> Iterator[bytes]:
    for piece in pieces:
        yield from stage.iter_decode(piece)
    if final:
        yield from stage.iter_flush()
