"""Messages that quote what a server sent: readable and escaped (net/quoting.py), and precise
about what happened (an interim 1xx then a close)."""

from __future__ import annotations

import pytest

from net.errors import ProtocolError, TruncatedBody
from net.quoting import escape_bytes, quote_bytes, readable_reprs
from tests.unit.test_client_stream import ALL_MODES, UNTERMINATED, run, split


def test_escape_bytes_keeps_printable_ascii_and_escapes_the_rest() -> None:
    assert (
        escape_bytes(b"Location: /hello\rX-Injected: yes") == "Location: /hello\\rX-Injected: yes"
    )
    assert escape_bytes(b"a\nb\tc\\d'e\"f") == "a\\nb\\tc\\\\d\\'e\"f"
    assert escape_bytes(bytes([0, 0x1B, 0x7F, 0x80, 0xFF])) == "\\x00\\x1b\\x7f\\x80\\xff"
    assert escape_bytes("é".encode()) == "\\xc3\\xa9"


def test_escape_bytes_is_bounded() -> None:
    assert escape_bytes(b"x" * 10, 4) == "xxxx..."
    assert escape_bytes(b"x" * 4, 4) == "xxxx"
    assert quote_bytes(bytearray(b"ab\r")) == "'ab\\r'"


def test_every_byte_escapes_to_printable_ascii() -> None:
    text = escape_bytes(bytes(range(256)))
    assert all(0x20 <= ord(c) < 0x7F for c in text)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "illegal header line: " + repr(bytearray(b"Location: /hello\rX-Injected: yes")),
            "illegal header line: 'Location: /hello\\rX-Injected: yes'",
        ),
        (
            "illegal status line: " + repr(b"HTTP/1.1 2OO OK"),
            "illegal status line: 'HTTP/1.1 2OO OK'",
        ),
        ("bad " + repr(b'it\'s "quoted"\x00'), "bad 'it\\'s \"quoted\"\\x00'"),
        ("no bytes here", "no bytes here"),
        ("a b'broken literal", "a b'broken literal"),
    ],
)
def test_readable_reprs(message: str, expected: str) -> None:
    assert readable_reprs(message) == expected


@pytest.mark.parametrize("mode", UNTERMINATED)
def test_an_injected_header_line_is_quoted_readably(mode: str) -> None:
    raw = b"HTTP/1.1 302 Found\r\nLocation: /hello\rX-Injected: yes\r\nContent-Length: 0\r\n\r\n"
    with pytest.raises(ProtocolError) as info:
        run(split(raw, mode))
    message = str(info.value)
    assert "bytearray" not in message and "b'" not in message
    assert "'Location: /hello\\rX-Injected: yes'" in message
    assert message.startswith("Malformed response head from t: illegal header line: ")


@pytest.mark.parametrize("mode", ALL_MODES)
def test_a_bad_status_line_is_quoted_readably(mode: str) -> None:
    raw = b"HTTP/1.1 2\x00 OK\r\nContent-Length: 0\r\n\r\n"
    with pytest.raises(ProtocolError) as info:
        run(split(raw, mode))
    assert "illegal status line: 'HTTP/1.1 2\\x00 OK'" in str(info.value)


@pytest.mark.parametrize("mode", ["whole", "bytewise"])
@pytest.mark.parametrize(
    ("interims", "named"),
    [
        (b"HTTP/1.1 100 Continue\r\n\r\n", "100 Continue"),
        (
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n",
            "103 Early Hints",
        ),
    ],
)
def test_an_interim_response_then_a_close_is_named(mode: str, interims: bytes, named: str) -> None:
    with pytest.raises(ProtocolError) as info:
        run(split(interims, mode))
    assert str(info.value) == (
        f"Server t sent an interim '{named}' and then closed the connection without the final "
        "response"
    )


def test_an_interim_response_then_half_a_head_is_truncated() -> None:
    with pytest.raises(TruncatedBody, match="in the middle of the response head"):
        run([b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-"])


def test_nothing_at_all_is_still_without_a_response() -> None:
    with pytest.raises(ProtocolError, match="closed the connection without sending a response"):
        run([])
