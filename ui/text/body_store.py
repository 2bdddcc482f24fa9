"""Where a page's body lives once it has arrived: memory up to a cap, then a temporary file.

The document view shows at most :data:`VIEW_CAP` bytes of a body (a QTextDocument costs many
times the text's size, FACTS.md), but Save must write the whole body, however big. So a
:class:`BodyStore` keeps the decoded body in memory up to the cap and continues into an
anonymous temporary file (deleted on :meth:`BodyStore.close`, or by the OS if Yonder dies), so
memory stays bounded whatever the size. The spill itself is bounded too (:class:`SpillLimits`):
at most ``limit`` bytes, and never so much that less than ``reserve`` stays free on that disk;
past either, or at the first write error (a full disk), the body is no longer kept, only
counted, and :attr:`SpillBuffer.lost` says why in words the window shows. The raw wire bytes
(for the Wire view) are kept up to their own cap and then only counted: nobody saves them, and
they are shown capped like the body.

Pure Python, no Qt: views re-render from here (View switch, Encoding override) without
fetching again.
"""

from __future__ import annotations

import contextlib
import errno
import os
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from ui.text.release import close_soon
from ui.text.units import format_size

__all__ = [
    "READ_PIECE",
    "SPILL_LIMIT",
    "SPILL_RESERVE",
    "VIEW_CAP",
    "WIRE_CAP",
    "BodyChunks",
    "BodyStore",
    "SpillBuffer",
    "SpillLimits",
]

VIEW_CAP = 32 * 1024 * 1024  # body bytes kept in memory, and the most the view shows
WIRE_CAP = 16 * 1024 * 1024  # wire bytes kept for the Wire view; the rest is only counted
READ_PIECE = 1024 * 1024  # chunks() reads the temporary file in pieces of this size
SPILL_LIMIT = 4 * 1024**3  # the most a body may put into its temporary file
SPILL_RESERVE = 1024**3  # ...and the free space it leaves on that disk, at least
SPILL_RESERVE_FRACTION = 0.02  # ...or this part of the disk, whichever is more
FREE_CHECK_BYTES = 8 * 1024 * 1024  # free space is asked of the disk again after this much
FULL_BELOW = 1024 * 1024  # a reserve under this is no reserve: stopping there means "full"


@dataclass(frozen=True, slots=True)
class SpillLimits:
    """Where a body past the memory cap goes, and how much of it may go there.

    ``directory`` None: the system's temporary folder. ``limit``: bytes in the file at most.
    ``reserve``: bytes left free on that disk at least (also ``reserve_fraction`` of it).
    """

    directory: str | None = None
    limit: int = SPILL_LIMIT
    reserve: int = SPILL_RESERVE
    reserve_fraction: float = SPILL_RESERVE_FRACTION


class SpillBuffer:
    """Bytes appended in order: the first ``memory_cap`` in memory, the rest in a temporary
    file (``spill=True``) or dropped and only counted (``spill=False``).

    The memory part is a list of the appended ``bytes`` objects themselves (no copy on
    append); :meth:`read` joins the pieces it needs. The file is bounded by ``limits``; once
    it stops (the limit, the free-space reserve, a write error), later bytes are only counted
    and :attr:`lost` says why.
    """

    def __init__(
        self, memory_cap: int, *, spill: bool = True, limits: SpillLimits | None = None
    ) -> None:
        if memory_cap < 0:
            raise ValueError("memory_cap cannot be negative")
        self.memory_cap = memory_cap
        self.spill = spill
        self.limits = limits if limits is not None else SpillLimits()
        self.size = 0  # every byte appended, kept or not
        self._pieces: list[bytes] = []
        self._starts: list[int] = []  # offset of each piece
        self._in_memory = 0
        self._file: IO[bytes] | None = None
        self._spilled = 0  # bytes in the file
        self._room = 0  # bytes the file may still take before free space is asked again
        self._reserve = 0  # the free space kept on that disk, in bytes, when last asked
        self._closed = False
        self.lost: str | None = None  # why the body past `kept` was not kept (a sentence)

    @property
    def in_memory(self) -> int:
        return self._in_memory

    @property
    def spilled(self) -> int:
        """Bytes in the temporary file."""
        return self._spilled

    @property
    def kept(self) -> int:
        """Bytes that can be read back (memory and file)."""
        return self._in_memory + self._spilled

    @property
    def overflowed(self) -> bool:
        """True once more was appended than memory holds."""
        return self.size > self._in_memory

    @property
    def complete(self) -> bool:
        """True when every byte appended can be read back (memory, or the spill file)."""
        return self.kept == self.size

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
        if rest and self.spill and self.lost is None:
            self._spill(rest)
        self.size += len(data)

    def _spill(self, data: bytes) -> None:
        limits = self.limits
        try:
            if self._file is None:
                import tempfile  # only for bodies past the cap: start-up does not pay

                # An anonymous file (unlinked at once on POSIX): nothing is left behind.
                # Unbuffered: a failed write says exactly how much reached the file.
                self._file = tempfile.TemporaryFile(  # noqa: SIM115
                    prefix="yonder-body-", dir=limits.directory, buffering=0
                )
            rest = memoryview(data)
            while rest:
                if len(rest) > self._room:
                    # Asked again at most every FREE_CHECK_BYTES, within one append too.
                    self._room = self._free_room()
                take = min(len(rest), limits.limit - self._spilled, self._room)
                if take <= 0:
                    break
                view, rest = rest[:take], rest[take:]
                while view:
                    written = self._file.write(view)
                    if not written:  # a raw write of 0 bytes: nothing more will go
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    self._spilled += written
                    self._room -= written
                    view = view[written:]
        except OSError as exc:
            self._stop(exc)
            return
        if rest:
            beyond = format_size(self.kept)
            if self._spilled >= limits.limit:
                self.lost = (
                    f"the body beyond {beyond} was not kept (the limit for a page's "
                    f"temporary file is {format_size(limits.limit)}); Download saves a "
                    "stream to disk"
                )
            elif self._reserve < FULL_BELOW:  # no reserve to speak of: the disk is full
                self._stop(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
                return
            else:
                self.lost = (
                    f"the body beyond {beyond} was not kept, to leave free space on the disk "
                    f"holding the temporary folder ({self._directory()}); Download saves a "
                    "stream to disk"
                )
            self._release_file_if_empty()

    def _free_room(self) -> int:
        """Bytes the file may take before the disk's free space falls under the reserve
        (asked again after at most FREE_CHECK_BYTES)."""
        assert self._file is not None
        st = os.fstatvfs(self._file.fileno())
        free = st.f_bavail * st.f_frsize
        reserve = self._reserve = max(
            self.limits.reserve, int(st.f_blocks * st.f_frsize * self.limits.reserve_fraction)
        )
        return max(0, min(free - reserve, FREE_CHECK_BYTES))

    def _directory(self) -> str:
        import tempfile

        return self.limits.directory or tempfile.gettempdir()

    def _stop(self, exc: OSError) -> None:
        beyond = format_size(self.kept)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            self.lost = (
                f"the disk holding the temporary folder ({self._directory()}) is full: the "
                f"body beyond {beyond} was not kept"
            )
        else:
            self.lost = (
                f"writing the temporary file in {self._directory()} failed "
                f"({exc.strerror or exc}): the body beyond {beyond} was not kept"
            )
        self._release_file_if_empty()

    def _release_file_if_empty(self) -> None:
        if self._file is not None and not self._spilled:
            self._file.close()
            self._file = None

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

    def chunks(self, piece: int = READ_PIECE) -> BodyChunks:
        """Every byte kept now, in order: the memory pieces, then the spill file's contents.

        What is kept is fixed when this is called, and the file is read through its own
        duplicate descriptor with pread: appending may go on meanwhile, and the buffer may
        even be closed (Save runs in the background; a closed page must not cut it short).
        """
        pieces = list(self._pieces)
        fd = os.dup(self._file.fileno()) if self._file is not None else -1
        return BodyChunks(pieces, fd, self._spilled, piece)

    def close(self) -> None:
        """Drop everything; the temporary file is deleted."""
        self._closed = True
        self._pieces = []
        self._starts = []
        self._in_memory = 0
        if self._file is not None:
            close_soon(self._file.close, self._spilled)  # a multi-GB file: off this thread
            self._file = None


class BodyChunks(Iterator[bytes]):
    """The iterator :meth:`SpillBuffer.chunks` returns: the memory pieces, then the file read
    with pread through its own descriptor, closed at the end, on ``close()`` (also when
    nothing was read: a generator's ``finally`` would not run then) or when collected."""

    def __init__(self, pieces: list[bytes], fd: int, end: int, piece: int) -> None:
        self._pieces = iter(pieces)
        self._fd = fd
        self._end = end
        self._piece = piece
        self._offset = 0

    def __next__(self) -> bytes:
        for data in self._pieces:
            return data
        if self._fd >= 0 and self._offset < self._end:
            try:
                data = os.pread(self._fd, min(self._piece, self._end - self._offset), self._offset)
            except BaseException:
                self.close()
                raise
            if data:
                self._offset += len(data)
                return data
        self.close()
        raise StopIteration

    def close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            # Maybe the last descriptor of a multi-GB file (the page was left meanwhile):
            # where the kernel frees its blocks, off this thread when it is big.
            close_soon(lambda: os.close(fd), self._end)

    def __del__(self) -> None:
        # Collected unclosed, perhaps at interpreter exit (a save thread cut short): quietly.
        with contextlib.suppress(Exception):
            self.close()


class BodyStore:
    """One response: its head, its decoded body (memory, then a temporary file) and the raw
    wire bytes of its body (capped).

    ``content_type`` and ``content_disposition`` come from the head; ``complete`` is set by
    :meth:`finish` (True: the whole body arrived; False: stopped or failed part way).
    """

    def __init__(
        self,
        view_cap: int = VIEW_CAP,
        wire_cap: int = WIRE_CAP,
        limits: SpillLimits | None = None,
    ) -> None:
        self.view_cap = view_cap
        self.wire_cap = wire_cap
        self.limits = limits if limits is not None else SpillLimits()
        self.url = ""
        self.content_type = ""
        self.content_disposition: str | None = None
        self.head_raw = b""
        self.headers: tuple[tuple[str, str], ...] = ()
        self.status = 0
        self.ended = False  # no more bytes will come
        self.complete = False  # ... and the body is whole
        self.body = SpillBuffer(view_cap, spill=True, limits=self.limits)
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
        self.body = SpillBuffer(self.view_cap, spill=True, limits=self.limits)
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
    def declared_size(self) -> int | None:
        """The Content-Length of the head (the body as sent: compressed, if it was), or None."""
        from net.events import parse_content_length

        return parse_content_length(self._header("content-length"))

    @property
    def kept_size(self) -> int:
        """Body bytes that Save would write."""
        return self.body.kept

    @property
    def lost(self) -> str | None:
        """Why the body past :attr:`kept_size` was not kept (None: all of it is)."""
        return self.body.lost

    @property
    def whole(self) -> bool:
        """The whole body arrived and all of it is kept."""
        return self.complete and self.body.complete

    @property
    def truncated_in_view(self) -> bool:
        """The body is bigger than what the view may show."""
        return self.body.overflowed

    def view_bytes(self, offset: int, size: int) -> bytes:
        return self.body.read(offset, size)

    def prefix(self, size: int) -> bytes:
        return self.body.read(0, size)

    def iter_body(self) -> BodyChunks:
        """The whole body, in order, however big (for Save)."""
        return self.body.chunks()

    def close(self) -> None:
        self.body.close()
        self.wire.close()
