"""ui/text/binary_preview.py: binary detection, hexdump -C layout, human sizes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.text.binary_preview import hex_dump, looks_binary

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    "content_type",
    [
        "image/png",
        "IMAGE/JPEG",
        "audio/mpeg",
        "video/mp4",
        "font/woff2",
        "application/octet-stream",
        "application/zip",
        "application/gzip",
        "application/pdf",
        "application/wasm; charset=binary",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/epub+zip",
    ],
)
def test_binary_types(content_type: str) -> None:
    assert looks_binary(content_type, b"plain words")


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html; charset=utf-8",
        "text/plain; charset=utf-16le",  # its NULs are text
        "text/csv",
        "application/json",
        "application/ld+json",
        "application/problem+json",
        "application/xml",
        "application/atom+xml",
        "image/svg+xml",
        "application/javascript",
        "application/x-www-form-urlencoded",
    ],
)
def test_text_types_even_with_odd_bytes(content_type: str) -> None:
    assert not looks_binary(content_type, b"text\x00with a nul")


@pytest.mark.parametrize(
    "prefix",
    [
        PNG,
        b"GIF89a\x01\x00",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"%PDF-1.7\n",
        b"PK\x03\x04\x14\x00",
        b"\x1f\x8b\x08\x00",
        b"\x00asm\x01\x00\x00\x00",
        b"text then a \x00 byte",
        bytes(range(1, 32)) * 4,
    ],
)
def test_sniffing_unknown_types(prefix: bytes) -> None:
    for content_type in ("", "application/x-unknown", "nonsense"):
        assert looks_binary(content_type, prefix)


@pytest.mark.parametrize("prefix", [PNG, b"\x1f\x8b\x08\x00", b"text then a \x00 byte"])
def test_text_plain_is_checked_for_binary(prefix: bytes) -> None:
    # What Apache sends for files it knows nothing about: browsers sniff it, so does Yonder.
    for content_type in ("text/plain", "text/plain; charset=UTF-8", "Text/Plain ; charset=x"):
        assert looks_binary(content_type, prefix)
    assert not looks_binary("text/plain", b"Hello, \x1b[1mworld\x1b[0m\n")
    assert not looks_binary("text/plain", "Grüße\n".encode())


@pytest.mark.parametrize(
    "prefix",
    [
        b"",
        b"Hello, world!\r\n",
        "Grüße, 世界 😀\n".encode(),
        "latin-1: caf\xe9".encode("latin-1"),
        b"\x1b[31mred ANSI text\x1b[0m\n\tindented\x0c",
        "\ufeffUTF-16 text".encode("utf-16"),
        b"A" * 2000 + b"\x00",  # a NUL past the first 1024 bytes is not looked at
    ],
)
def test_text_is_not_binary(prefix: bytes) -> None:
    assert not looks_binary("", prefix)


def test_hex_dump_layout() -> None:
    assert hex_dump(PNG[:8]) == (
        "00000000  89 50 4e 47 0d 0a 1a 0a                           |.PNG....|\n00000008"
    )
    assert hex_dump(b"") == "00000000"
    assert hex_dump(b"AB", offset=0x100).startswith("00000100  41 42 ")
    assert hex_dump(bytes(range(8)), width=4).split("\n") == [
        "00000000  00 01  02 03  |....|",
        "00000004  04 05  06 07  |....|",
        "00000008",
    ]
    with pytest.raises(ValueError, match="width"):
        hex_dump(b"x", width=0)


def test_hex_dump_forty_bytes_as_hexdump_c_prints_them() -> None:
    # Captured from `head -c 40 | hexdump -C` (util-linux) for bytes 0..39.
    assert hex_dump(bytes(range(40))) == (
        "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|\n"
        "00000010  10 11 12 13 14 15 16 17  18 19 1a 1b 1c 1d 1e 1f  |................|\n"
        "00000020  20 21 22 23 24 25 26 27                           | !\"#$%&'|\n"
        "00000028"
    )


@given(st.binary(max_size=200), st.integers(min_value=0, max_value=2**31))
def test_hex_dump_round_trips(data: bytes, offset: int) -> None:
    lines = hex_dump(data, offset).split("\n")
    assert lines[-1] == f"{offset + len(data):08x}"
    recovered = b""
    for i, line in enumerate(lines[:-1]):
        assert line.startswith(f"{offset + 16 * i:08x}  ")
        assert line[58:61] == "  |" and line.endswith("|")
        chunk = bytes.fromhex(line[10:58])
        assert line[61:-1] == "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        recovered += chunk
    assert recovered == data
