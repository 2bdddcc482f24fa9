"""Server bytes quoted for a message: readable, escaped, bounded, one line.

A server decides what these bytes are (a header line with a bare CR, a TLS alert, binary junk);
a message shows them as 'Location: /hello\\rX-Injected: yes', never as a Python repr
(``bytearray(b'...')``) and never with a raw control character that would break the line.
"""

from __future__ import annotations

import re

_ESCAPES = {0x5C: "\\\\", 0x27: "\\'", 0x0D: "\\r", 0x0A: "\\n", 0x09: "\\t"}
# What h11 puts into its messages with {!r}: b'...', b"...", bytearray(b'...').
_BYTES_REPR = re.compile(
    r"""(?:bytearray\()?b(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\)?""", re.DOTALL
)


def escape_bytes(data: bytes | bytearray | memoryview, limit: int | None = None) -> str:
    """Printable ASCII as it is; backslash, quote, CR, LF and tab as \\\\ \\' \\r \\n \\t; any
    other byte as \\xNN. With ``limit``, at most that many bytes, then '...'."""
    raw = bytes(data)
    cut = limit is not None and len(raw) > limit
    if cut:
        raw = raw[:limit]
    text = "".join(_ESCAPES.get(b) or (chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}") for b in raw)
    return text + ("..." if cut else "")


def quote_bytes(data: bytes | bytearray | memoryview, limit: int | None = 200) -> str:
    """:func:`escape_bytes` in single quotes."""
    return f"'{escape_bytes(data, limit)}'"


def readable_reprs(message: str, limit: int | None = 200) -> str:
    """``message`` with every bytes/bytearray repr in it replaced by :func:`quote_bytes`."""

    def replace(match: re.Match[str]) -> str:
        literal = match.group(0)
        if literal.startswith("bytearray("):
            literal = literal[len("bytearray(") : -1]
        try:
            value = _bytes_literal(literal)
        except (ValueError, SyntaxError, MemoryError):
            return match.group(0)
        return quote_bytes(value, limit)

    return _BYTES_REPR.sub(replace, message)


def _bytes_literal(literal: str) -> bytes:
    import ast

    value = ast.literal_eval(literal)
    if not isinstance(value, bytes):
        raise ValueError(literal)
    return value
