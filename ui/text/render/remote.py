"""The renderer in a process of its own: the protocol, and the process's main loop (no Qt).

A big page's rendering takes as much CPU as everything else the window does for it together
(bench/README.md). In a process of its own it runs on the other core, beside the window's
inserting and painting, and never holds the window's GIL (a thread did: its gaps got 3-7x
worse on a busy machine). The window (ui/page/render_process.py) starts ``main.py
--render-worker`` once and sends it decoded text; it answers each feed with what
:class:`~ui.text.render.HtmlRenderer` made of it.

Messages are frames: a 4-byte big-endian length, then a :mod:`marshal`-ed tuple (the two
ends are the same Python: marshal is its own fastest safe format for ints, strs and tuples).

To the renderer process:
    ("open", stream, base_url, table_width)   a new document (a page, or a re-render)
    ("feed", stream, text)                    decoded text, in order
    ("close", stream)                         the end of the text
    ("drop", stream)                          forget it (the page was left or restarted)
From it, one frame for each feed and close:
    ("out", stream, closed, (text, links, spans), anchors, indents, title, links, spans,
     tables)
        the piece's text with its followable links (start, end, url) and style spans
        (start, end, style name), anchors (name, pos), indents (pos, prefix length), offsets
        in UTF-16 units; title the <title> once known, else None; links and spans how many
        the piece had (the view's memory budget), tables whether one of them was a
        laid-out table
    ("error", stream, message)                the renderer failed on this document

The process ends when its input ends (the window closed or died), never leaving an orphan.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import struct
import sys
import traceback
from typing import Any

from ui.text.render.model import Fragment, Style

HEADER = struct.Struct(">I")
MAX_FRAME = 256 * 1024 * 1024  # a longer length is garbage, not a message
READ_SIZE = 1024 * 1024
# The process runs at a lower priority than the window: on a busy machine the window's thread
# then keeps its core, and the renderer takes what is left (beside `yes`, the window's p99 gap
# went from 24-34 ms to 14-15 ms: bench/README.md). YONDER_RENDER_NICE sets another.
NICE = int(os.environ.get("YONDER_RENDER_NICE", "5"))
# Allocations between two young collections. A feed's tokens are many short-lived objects at
# once: with Python's default (hundreds to 2,000) the collector ran so often that all.html
# rendered 20-25% slower, and slower the bigger the feed (bench/README.md).
GC_YOUNG = 50_000

Message = tuple[Any, ...]
#: What an "out" frame carries after its stream id and ``closed``: the text with its links
#: and spans, anchors, indents, title, link and span counts, tables.
Output = tuple[
    tuple[str, list[tuple[int, int, str]], list[tuple[int, int, str]]],
    tuple[tuple[str, int], ...],
    tuple[tuple[int, int], ...],
    str | None,
    int,
    int,
    bool,
]


class ProtocolError(Exception):
    """The bytes are not frames of this protocol."""


def encode(message: Message) -> bytes:
    payload = marshal.dumps(message)
    return HEADER.pack(len(payload)) + payload


class FrameReader:
    """Cuts a byte stream into messages, whatever pieces it arrives in."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Message]:
        """The messages completed by ``data``; raises ProtocolError on garbage."""
        buffer = self._buffer
        buffer += data
        messages: list[Message] = []
        at = 0
        size = HEADER.size
        while len(buffer) - at >= size:
            (length,) = HEADER.unpack_from(buffer, at)
            if length > MAX_FRAME:
                raise ProtocolError(f"a frame of {length} bytes")
            if len(buffer) - at - size < length:
                break
            try:
                message = marshal.loads(bytes(buffer[at + size : at + size + length]))
            except (ValueError, EOFError, TypeError) as exc:
                raise ProtocolError(f"not a message: {exc}") from None
            if not isinstance(message, tuple) or not message:
                raise ProtocolError("a frame that holds no message")
            messages.append(message)
            at += size + length
        if at:
            del buffer[:at]
        return messages

    @property
    def partial(self) -> int:
        """Bytes of a frame not complete yet."""
        return len(self._buffer)


#: One str object per style: marshal writes a name once a frame and the rest as references,
#: and the window keeps that one object (str(style) made a new one for every span).
_STYLE_NAMES = {style: str(style) for style in Style}


def output_of(fragment: Fragment, title: str | None) -> Output:
    """A Fragment as the plain tuples an "out" frame carries (the renderer's own offsets are
    the stream's positions; the window formats the ranges itself: ui.page.range_formats)."""
    return (
        (
            fragment.text,
            [(link.start, link.end, link.url) for link in fragment.links if link.url is not None],
            [(span.start, span.end, _STYLE_NAMES[span.style]) for span in fragment.spans],
        ),
        tuple((anchor.name, anchor.pos) for anchor in fragment.anchors),
        tuple(fragment.indents),
        title,
        len(fragment.links),
        len(fragment.spans),
        any(span.style is Style.TABLE for span in fragment.spans),
    )


class Renderers:
    """The process's side: its open documents, each an HtmlRenderer."""

    def __init__(self) -> None:
        from ui.text.fragments import resolve_link
        from ui.text.render import HtmlRenderer

        self._make = HtmlRenderer
        self._resolve = resolve_link
        self._open: dict[int, Any] = {}

    def handle(self, message: Message) -> Message | None:
        """The answer to ``message`` (None for open and drop)."""
        kind, stream = message[0], message[1]
        if kind == "open":
            _, _, base_url, width = message
            self._open[stream] = self._make(base_url, width, utf16=True, resolve=self._resolve)
            return None
        if kind == "drop":
            self._open.pop(stream, None)
            return None
        renderer: Any = self._open.get(stream)
        if renderer is None:
            return None  # dropped while its text was on the way
        try:
            if kind == "feed":
                fragment = renderer.feed(message[2])
            elif kind == "close":
                fragment = renderer.close()
                del self._open[stream]
            else:
                raise ProtocolError(f"unknown message {kind!r}")
        except ProtocolError:
            raise
        except Exception:  # a renderer bug: this document fails, the process lives on
            self._open.pop(stream, None)
            return ("error", stream, traceback.format_exc(limit=8))
        return ("out", stream, kind == "close", *output_of(fragment, renderer.title))


def tune_gc() -> None:
    """The collector as the renderer process runs it: what the imports made is frozen out of
    its reach, and young collections come every GC_YOUNG allocations."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


def serve(read_fd: int, write_fd: int) -> int:
    """Answer messages from ``read_fd`` on ``write_fd`` until the input ends."""
    reader = FrameReader()
    renderers = Renderers()
    tune_gc()  # (after Renderers: the renderer's modules are imported)
    while True:
        data = os.read(read_fd, READ_SIZE)
        if not data:
            return 0
        for message in reader.feed(data):
            answer = renderers.handle(message)
            if answer is not None:
                _write_all(write_fd, encode(answer))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def main() -> int:
    """``main.py --render-worker``: serve on stdin and stdout."""
    # stdout is the protocol's: nothing else may write there (print goes to stderr).
    out = os.dup(1)
    os.dup2(2, 1)
    if NICE:
        with contextlib.suppress(OSError):  # (a priority is a wish, not a need)
            os.nice(NICE)
    try:
        return serve(0, out)
    except ProtocolError as exc:
        print(f"yonder render process: {exc}", file=sys.stderr)
        return 2
    except (BrokenPipeError, KeyboardInterrupt):
        return 0
