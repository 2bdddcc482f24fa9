"""Fetcher.wire_received: the raw bytes of every recv past the head, exactly once, in order,
each batch just before the decoded bytes it carried (fake fetch generators, no sockets)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from net.events import BodyChunk, Event, Finished, ResponseHead, Timings
from ui.page.fetch_worker import Fetcher

HEAD = ResponseHead(
    "http://127.0.0.1:1/",
    "1.1",
    200,
    "OK",
    (("Transfer-Encoding", "chunked"),),
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    0.001,
)


def run(qtbot: QtBot, chunks: list[BodyChunk]) -> list[tuple[str, bytes]]:
    def fake(url: str, options: Any, cancel: Any) -> Iterator[Event]:
        yield HEAD
        yield from chunks
        size = sum(len(c.data) for c in chunks)
        yield Finished("http://127.0.0.1:1/", 200, size, size, Timings())

    fetcher = Fetcher(fake)
    seen: list[tuple[str, bytes]] = []
    fetcher.wire_received.connect(lambda rid, wire: seen.append(("wire", wire)))
    fetcher.chunk_received.connect(lambda rid, data, n, t: seen.append(("data", data)))
    try:
        with qtbot.waitSignal(fetcher.finished, timeout=10000):
            fetcher.load("http://127.0.0.1:1/")
    finally:
        assert fetcher.shutdown(1000)
    return seen


CHUNKED = b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"


@pytest.mark.parametrize("step", [len(CHUNKED), 1, 4])
def test_wire_bytes_arrive_whole_bytewise_and_split(qtbot: QtBot, step: int) -> None:
    # What the client yields for a chunked body cut into recvs of ``step`` bytes: the data
    # decoded so far, and the recv's raw bytes (framing-only recvs carry b"" data).
    chunks = []
    decoded = iter(b"hello, world")
    for i in range(0, len(CHUNKED), step):
        wire = CHUNKED[i : i + step]
        # Not the real decoding: any split of the data works for this consumer.
        data = bytes(b for _, b in zip(wire, decoded, strict=False))
        chunks.append(BodyChunk(data, wire, 0.01 * i))
    seen = run(qtbot, chunks)
    assert b"".join(w for k, w in seen if k == "wire") == CHUNKED
    assert b"".join(d for k, d in seen if k == "data") == b"hello, world"
    assert seen[0][0] == "wire"  # each batch's wire comes before its data


def test_a_big_recv_split_for_the_gui_carries_its_wire_once(qtbot: QtBot) -> None:
    data = bytes(range(256)) * (3 * 4096)
    trailing = b"\r\n0\r\n\r\ngarbage after the end"
    seen = run(qtbot, [BodyChunk(data, b"300000\r\n" + data, 0.1), BodyChunk(b"", trailing, 0.2)])
    assert b"".join(w for k, w in seen if k == "wire") == b"300000\r\n" + data + trailing
    assert b"".join(d for k, d in seen if k == "data") == data
