"""Where a page's body lives once it has arrived: memory up to a cap, then a temporary file.

The document view shows at most :data:`VIEW_CAP` bytes of a body (a QTextDocument costs many
times the text's size, FACTS.md), but Save must write the whole body, however big. So a
:class:`BodyStore` keeps the decoded body in memory up to the cap and continues into an
anonymous temporary file (deleted on :meth:`BodyStore.close`, or by the OS if Yonder dies), so
memory stays bounded whatever the size. The raw wire bytes (for the Wire view) are kept up to
their own cap and then only counted: nobody saves them, and they are shown capped like the body.

Pure Python, no Qt: views re-render from here (View switch, Encoding override) without
fetching again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import IO

__all__ = ["READ_PIECE", "VIEW_CAP", "WIRE_CAP", "BodyStore", "SpillBuffer"]

VIEW_CAP = 32 * 1024 * 1024  # body bytes kept in memory, and the most the view shows
WIRE_CAP = 16 * 1024 * 1024  # wire bytes kept for the Wire view; the rest is only counted
READ_PIECE = 1024 * 1024  # chunks() reads the temporary file in pieces of this size


class SpillBuffer:
    """Bytes appended in order: the first ``memory_cap`` in memory, the rest in a temporary
    file (``spill=True``) or dropped and only counted (``spill=False``).

    The memory part is a list of the appended ``bytes`` objects themselves (no copy on
    append); :meth:`read` joins the pieces it needs.
    """

    def __init__(self, memory_cap: int, *, spill: bool = True) -> None:
        if memory_cap < 0:
            raise ValueError("memory_cap cannot be negative")
        self.memory_cap = memory_cap
        self.spill = spill
        self.size = 0  # every byte appended, kept or not
        self._pieces: list[bytes] = []
        self._starts: list[int] = []  # offset of each piece
        self._in_memory = 0
        self._file: IO[bytes] | None = None
        self._closed = False

    @property
    def in_memory(self) -> int:
        return self._in_memory

    @property
    def overflowed(self) -> bool:
        """True once more was appended than memory holds."""
        return self.size > self._in_memory

    @property
    def complete(self) -> bool:
        """True when every byte appended can be read back (memory, or the spill file)."""
        return not self.overflowed or self.spill

    def append(self, data: bytes) -> None:
        if self._closed:
            raise ValueError("append to a closed SpillBuffer")
        if not data:
            return
        data = bytes(data)
        room = self.memory_cap - self._in_memory
        if room > 0:
            head = data if len(data) <= room else data[:room]
            self._starts.append(self._in_memory)
            self._pieces.append(head)
            self._in_memory += len(head)
            rest = data[len(head) :]
        else:
            rest = data
        if rest and self.spill:
            if self._file is None:
                import tempfile  # only for bodies past the cap: start-up does not pay

                # An anonymous file (unlinked at once on POSIX): nothing is left behind.
                self._file = tempfile.TemporaryFile(prefix="yonder-body-")  # noqa: SIM115
            self._file.write(rest)
        self.size += len(data)

    def read(self, offset: int, size: int) -> bytes:
        """Up to ``size`` bytes from ``offset`` within the memory part (b"" past it)."""
        end = min(offset + size, self._in_memory)
        if offset < 0 or offset >= end:
            return b""
        index = bisect_right(self._starts, offset) - 1
        parts: list[bytes] = []
        pos = offset
        while pos < end:
            piece, start = self._pieces[index], self._starts[index]
            lo, hi = pos - start, min(len(piece), end - start)
            parts.append(piece if lo == 0 and hi == len(piece) else piece[lo:hi])
            pos = start + hi
            index += 1
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def chunks(self, piece: int = READ_PIECE) -> Iterator[bytes]:
        """Every kept byte, in order: the memory pieces, then the spill file's contents."""
        yield from list(self._pieces)
        if self._file is not None:
            self._file.flush()
            self._file.seek(0)
            while True:
                data = self._file.read(piece)
                if not data:
                    break
                yield data
            self._file.seek(0, 2)  # back to the end: appending continues there

    def close(self) -> None:
        """Drop everything; the temporary file is deleted."""
        self._closed = True
        self._pieces = []
        self._starts = []
        self._in_memory = 0
        if self._file is not None:
            self._file.close()
            self._file = None


class BodyStore:
    """One response: its head, its decoded body (memory, then a temporary file) and the raw
    wire bytes of its body (capped).

    ``content_type`` and ``content_disposition`` come from the head; ``complete`` is set by
    :meth:`finish` (True: the whole body arrived; False: stopped or failed part way).
    """

    def __init__(self, view_cap: int = VIEW_CAP, wire_cap: int = WIRE_CAP) -> None:
        self.view_cap = view_cap
        self.wire_cap = wire_cap
        self.url = ""
        self.content_type = ""
        self.content_disposition: str | None = None
        self.head_raw = b""
        self.headers: tuple[tuple[str, str], ...] = ()
        self.status = 0
        self.ended = False  # no more bytes will come
        self.complete = False  # ... and the body is whole
        self.body = SpillBuffer(view_cap, spill=True)
        self.wire = SpillBuffer(wire_cap, spill=False)

    def begin(
        self,
        url: str,
        *,
        head_raw: bytes = b"",
        headers: tuple[tuple[str, str], ...] = (),
        status: int = 0,
    ) -> None:
        """A new response (a redirect hop's body is replaced): forget the old body."""
        self.close()
        self.body = SpillBuffer(self.view_cap, spill=True)
        self.wire = SpillBuffer(self.wire_cap, spill=False)
        self.url = url
        self.head_raw = head_raw
        self.headers = headers
        self.status = status
        self.content_type = self._header("content-type") or ""
        self.content_disposition = self._header("content-disposition")
        self.ended = False
        self.complete = False

    def _header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def append(self, data: bytes, wire: bytes = b"") -> None:
        """Body bytes (transfer- and content-decoded), and the raw bytes they came in."""
        self.body.append(data)
        self.wire.append(wire)

    def append_wire(self, wire: bytes) -> None:
        """Raw bytes past the head as they crossed the socket (they may come separately)."""
        self.wire.append(wire)

    def finish(self, complete: bool) -> None:
        self.ended = True
        self.complete = complete

    @property
    def body_size(self) -> int:
        return self.body.size

    @property
    def truncated_in_view(self) -> bool:
        """The body is bigger than what the view may show."""
        return self.body.overflowed

    def view_bytes(self, offset: int, size: int) -> bytes:
        return self.body.read(offset, size)

    def prefix(self, size: int) -> bytes:
        return self.body.read(0, size)

    def iter_body(self) -> Iterator[bytes]:
        """The whole body, in order, however big (for Save)."""
        return self.body.chunks()

    def close(self) -> None:
        self.body.close()
        self.wire.close()
