"""Throughput of net.decoding on a 100 MB body: gzip vs bare zlib, identity, and text decoding.

Run: .venv/bin/python bench/decode_throughput.py  (about 10 s on the 2-core machines)
The gzip body is fed in 256 KiB wire chunks, as the client's recv loop does. Figures are the
best of three runs; compare the ratios, not the absolute numbers, on a shared machine.
"""

from __future__ import annotations

import gzip
import random
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from net.charset import StreamTextDecoder
from net.decoding import make_content_decoder

BODY_SIZE = 100 * 10**6
WIRE_CHUNK = 256 * 1024


def make_body() -> bytes:
    """Text-like bytes: random words from a fixed vocabulary (gzip compresses ~2x)."""
    rnd = random.Random(0)
    letters = b"abcdefghijklmnopqrstuvwxyz"
    words = [bytes(rnd.choices(letters, k=rnd.randint(2, 10))) for _ in range(5000)]
    block = b"".join(b" ".join(rnd.choices(words, k=12)) + b"\n" for _ in range(20000))
    return (block * (BODY_SIZE // len(block) + 1))[:BODY_SIZE]


def best_of(action: Callable[[], None], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    body = make_body()
    wire = gzip.compress(body, 6)
    wire_chunks = [wire[i : i + WIRE_CHUNK] for i in range(0, len(wire), WIRE_CHUNK)]
    body_chunks = [body[i : i + WIRE_CHUNK] for i in range(0, len(body), WIRE_CHUNK)]
    print(f"body {len(body) / 1e6:.0f} MB, gzip {len(wire) / 1e6:.1f} MB, {WIRE_CHUNK} B chunks")

    def yonder_gzip() -> None:
        decoder = make_content_decoder("gzip")
        total = sum(len(decoder.decode(chunk)) for chunk in wire_chunks) + len(decoder.flush())
        assert total == len(body)

    def bare_zlib() -> None:
        obj = zlib.decompressobj(zlib.MAX_WBITS | 16)
        total = sum(len(obj.decompress(chunk)) for chunk in wire_chunks) + len(obj.flush())
        assert total == len(body)

    def identity() -> None:
        decoder = make_content_decoder(None)
        for chunk in body_chunks:
            decoder.decode(chunk)

    def text() -> None:
        decoder = StreamTextDecoder("text/plain")
        for chunk in body_chunks:
            decoder.feed(chunk)
        decoder.finish()

    # Non-ASCII text leaves the ASCII fast path; chunks split inside characters.
    accented = body.replace(b"e", "é".encode()).replace(b"q", "—".encode())[:BODY_SIZE]
    accented_chunks = [accented[i : i + WIRE_CHUNK] for i in range(0, BODY_SIZE, WIRE_CHUNK)]

    def text_accented() -> None:
        decoder = StreamTextDecoder("text/html")
        for chunk in accented_chunks:
            decoder.feed(chunk)
        decoder.finish()

    results = {}
    for name, action in [
        ("net.decoding gzip (bounded steps)", yonder_gzip),
        ("bare zlib.decompressobj (unbounded)", bare_zlib),
        ("net.decoding identity", identity),
        ("StreamTextDecoder utf-8, ASCII", text),
        ("StreamTextDecoder utf-8, non-ASCII", text_accented),
    ]:
        seconds = best_of(action)
        results[name] = seconds
        if action is identity:  # no copy: the cost is per call, not per byte
            per_call = seconds / len(body_chunks) * 1e9
            print(f"{name:38s} {per_call:9.0f} ns per {WIRE_CHUNK} B chunk (no copy)")
            continue
        print(f"{name:38s} {len(body) / seconds / 1e6:9.0f} MB/s decoded ({seconds:.3f} s)")
    ratio = (
        results["bare zlib.decompressobj (unbounded)"]
        / results["net.decoding gzip (bounded steps)"]
    )
    print(f"gzip throughput vs bare zlib: {ratio:.2f}x")


if __name__ == "__main__":
    main()
