"""Binary bodies are never rendered as text: detect them, describe the size, dump the start."""

from __future__ import annotations

__all__ = ["PREVIEW_BYTES", "declared_text", "hex_dump", "looks_binary"]

PREVIEW_BYTES = 1024  # how much of a binary body the view shows as a hex dump

_TEXT_APPLICATION = frozenset(
    {
        "json",
        "xml",
        "javascript",
        "ecmascript",
        "x-javascript",
        "xhtml+xml",
        "x-www-form-urlencoded",
        "sql",
        "graphql",
        "x-sh",
        "x-httpd-php",
        "yaml",
        "x-yaml",
        "toml",
        "csv",
        "rtf",
        "x-tex",
        "x-ndjson",
        "manifest+json",
    }
)
_BINARY_APPLICATION = frozenset(
    {
        "octet-stream",
        "zip",
        "gzip",
        "x-gzip",
        "x-tar",
        "x-bzip2",
        "x-xz",
        "zstd",
        "x-7z-compressed",
        "x-rar-compressed",
        "vnd.rar",
        "pdf",
        "wasm",
        "x-msdownload",
        "x-executable",
        "x-sharedlib",
        "java-archive",
        "vnd.android.package-archive",
        "x-shockwave-flash",
        "msword",
        "vnd.ms-excel",
        "vnd.ms-powerpoint",
        "x-protobuf",
        "protobuf",
        "vnd.apple.installer+xml-binary",
        "x-apple-diskimage",
        "x-iso9660-image",
        "x-sqlite3",
        "vnd.sqlite3",
        "font-woff",
    }
)
_BINARY_TOPS = frozenset({"image", "audio", "video", "font", "model"})
_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"%PDF-",
    b"PK\x03\x04",  # ZIP (docx, jar, apk...)
    b"PK\x05\x06",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"Rar!\x1a\x07",
    b"\x00asm",  # WebAssembly
    b"\x7fELF",
    b"MZ",  # Windows executables
    b"\xca\xfe\xba\xbe",
    b"OggS",
    b"ID3",
    b"fLaC",
    b"wOFF",
    b"wOF2",
    b"SQLite format 3\x00",
)
# Bytes that never appear in text: C0 controls except tab, LF, FF, CR and ESC.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _classify_type(content_type: str) -> bool | None:
    """True binary, False text, None unknown (sniff)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if not media or "/" not in media:
        return None
    top, _, sub = media.partition("/")
    if top == "text":
        return False
    if sub.endswith(("+json", "+xml")) and top in ("application", "image", "model"):
        return False  # image/svg+xml is text; so are application/*+json and *+xml
    if top in _BINARY_TOPS:
        return True
    if top == "application":
        if sub in _TEXT_APPLICATION:
            return False
        if sub in _BINARY_APPLICATION or sub.startswith(("vnd.openxmlformats", "x-font")):
            return True
        if sub.endswith(("+zip", "+gzip", "-compressed")):
            return True
    return None


def declared_text(content_type: str) -> bool:
    """Whether the type says text (text/plain included, though its bytes are checked too)."""
    return _classify_type(content_type) is False


def _plain_text_to_sniff(content_type: str) -> bool:
    """text/plain is what servers (Apache's default among them) send for files they know
    nothing about, so browsers check it is text (WHATWG MIME sniffing, "text or binary");
    a declared UTF-16/32 charset is trusted, as its NULs are text."""
    media, _, params = content_type.partition(";")
    if media.strip().lower() != "text/plain":
        return False
    return "utf-16" not in params.lower() and "utf-32" not in params.lower()


def looks_binary(content_type: str, prefix: bytes) -> bool:
    """Whether a body must be shown as binary (type, size, hex dump) instead of text.

    A declared type decides when it is clear, except text/plain, which is checked too;
    otherwise (absent, unknown, or application/octet-stream-ish types are trusted as binary)
    the first bytes are sniffed:
    a known file signature, a NUL byte in the first 1024 bytes, or more than 10% control
    bytes. UTF-16 text (with a BOM) is text.
    """
    declared = _classify_type(content_type)
    if declared is not None and not (declared is False and _plain_text_to_sniff(content_type)):
        return declared
    head = prefix[:PREVIEW_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False  # a BOM: UTF-16 text is full of NULs, and still text
    if head.startswith(_MAGIC):
        return True
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls * 10 > len(head)


def hex_dump(data: bytes, offset: int = 0, width: int = 16) -> str:
    """``hexdump -C`` style: offset, bytes in hex (an extra space mid-line), ASCII column.

    >>> print(hex_dump(b"\\x89PNG\\r\\n\\x1a\\n"))
    00000000  89 50 4e 47 0d 0a 1a 0a                           |.PNG....|
    00000008
    """
    if width < 1:
        raise ValueError("hex_dump width must be at least 1")
    half = width // 2
    lines: list[str] = []
    for start in range(0, len(data), width):
        row = data[start : start + width]
        cells = [f"{b:02x}" for b in row]
        left = " ".join(cells[:half]) if width > 1 else ""
        right = " ".join(cells[half:]) if width > 1 else " ".join(cells)
        hex_part = f"{left}  {right}" if left else right
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
        lines.append(f"{offset + start:08x}  {hex_part.ljust(width * 3)}  |{text}|")
    lines.append(f"{offset + len(data):08x}")
    return "\n".join(lines)
