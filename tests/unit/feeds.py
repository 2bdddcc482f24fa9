"""How stream tests feed a decoder: the whole input, one byte at a time, or cut at chosen
points (h11's test_io.py habit). Shared by test_decoding.py and test_charset.py."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable


def whole(data: bytes) -> list[bytes]:
    return [data]


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """``data`` cut at every offset in ``cuts`` (taken modulo len + 1), empty pieces dropped."""
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


FEEDS: dict[str, Callable[[bytes], list[bytes]]] = {"whole": whole, "bytewise": bytewise}
