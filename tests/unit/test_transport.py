"""net.transport's pure helpers (no sockets opened): address order and peer formatting."""

from __future__ import annotations

import socket

from net.transport import Address, interleave, seconds

V6 = socket.AF_INET6
V4 = socket.AF_INET


def v6(n: int) -> Address:
    return (V6, (f"2001:db8::{n}", 80, 0, 0))


def v4(n: int) -> Address:
    return (V4, (f"192.0.2.{n}", 80))


def test_interleave_alternates_families_starting_with_the_first() -> None:
    assert interleave([v6(1), v6(2), v6(3), v4(1), v4(2)]) == [
        v6(1),
        v4(1),
        v6(2),
        v4(2),
        v6(3),
    ]
    assert interleave([v4(1), v4(2), v6(1)]) == [v4(1), v6(1), v4(2)]


def test_interleave_keeps_one_family_and_empty_as_they_are() -> None:
    assert interleave([v4(2), v4(1)]) == [v4(2), v4(1)]
    assert interleave([]) == []


def test_seconds_formats_limits_as_people_write_them() -> None:
    assert [seconds(10.0), seconds(0.5), seconds(0)] == ["10 s", "0.5 s", "0 s"]
