"""Raw bytes as readable, exact text: what the Wire view and the header view's Raw tab show.

Printable bytes stay as they are (latin-1: one byte, one character). Line endings and other
control bytes are written the way a programmer writes them, ``\\r`` ``\\n`` ``\\t`` ``\\xNN``
(and a backslash as ``\\\\``), so nothing invisible hides and the text maps back to the exact
bytes. Why not the Unicode control pictures (␍␊)? Few fonts have them (none on a default
Debian), and a missing glyph shows as a box.
"""

from __future__ import annotations

import re

__all__ = ["wire_bytes", "wire_text"]

_ESCAPES: dict[int, str] = {b: f"\\x{b:02x}" for b in (*range(32), *range(127, 160))}
_ESCAPES |= {0x09: "\\t", 0x0D: "\\r", 0x0A: "\\n\n", 0x5C: "\\\\"}
_UNESCAPE = re.compile(r"\\(?:n\n?|x[0-9a-f]{2}|[rt\\])")


def wire_text(data: bytes) -> str:
    """``b"OK\\r\\n"`` -> ``"OK\\\\r\\\\n"`` plus a real line break after each ``\\n``."""
    return data.decode("latin-1").translate(_ESCAPES)


def _unescape(match: re.Match[str]) -> str:
    code = match.group()[1]
    if code == "x":
        return chr(int(match.group()[2:], 16))
    return {"r": "\r", "n": "\n", "t": "\t", "\\": "\\"}[code]


def wire_bytes(text: str) -> bytes:
    """The inverse of :func:`wire_text`: the exact bytes back (tests, copy as bytes)."""
    return _UNESCAPE.sub(_unescape, text).encode("latin-1")
