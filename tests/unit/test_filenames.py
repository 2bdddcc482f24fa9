"""ui/text/filenames.py: suggested save names, and sanitising untrusted ones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.text.filenames import (
    MAX_FILENAME_BYTES,
    parse_content_disposition,
    sanitize_filename,
    suggest_filename,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('attachment; filename="report.pdf"', "report.pdf"),
        ("attachment; filename=report.pdf", "report.pdf"),
        ("attachment;filename=report.pdf;size=3", "report.pdf"),
        ('attachment; filename="a \\"quoted\\" name.txt"', 'a "quoted" name.txt'),
        ("attachment; filename*=UTF-8''na%C3%AFve%20file.txt", "naïve file.txt"),
        ("attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC.txt", "€.txt"),
        ("attachment; filename*=utf-8'en'%C3%A9t%C3%A9.txt; filename=x.txt", "été.txt"),
        ("attachment; filename*=iso-8859-1''caf%E9.txt", "café.txt"),
        ("attachment; filename*=bogus-charset''x%41.txt", "xA.txt"),
        ("attachment; FILENAME=Upper.TXT", "Upper.TXT"),
        # Raw UTF-8 bytes in a header arrive latin-1 decoded.
        ('attachment; filename="' + "über.txt".encode().decode("latin-1") + '"', "über.txt"),
        ("inline", None),
        ("attachment; name=x", None),
        ("", None),
    ],
)
def test_parse_content_disposition(header: str, expected: str | None) -> None:
    assert parse_content_disposition(header) == expected


@pytest.mark.parametrize(
    ("url", "disposition", "content_type", "expected"),
    [
        ("http://data.pr4e.org/romeo.txt", None, "text/plain", "romeo.txt"),
        ("http://x.example/a/b/My%20File%C3%A9.tar.gz?x=1#f", None, None, "My Fileé.tar.gz"),
        ("http://x.example/", None, "text/html; charset=utf-8", "index.html"),
        ("http://x.example", None, "text/html", "index.html"),
        ("http://x.example/dir/", None, "application/json", "download.json"),
        ("http://x.example/", None, "text/plain", "download.txt"),
        ("http://x.example/", None, None, "download"),
        ("http://x.example/", None, "application/octet-stream", "download"),
        ("http://x.example/getfile?id=3", None, "image/png", "getfile.png"),
        ("http://x.example/readme", None, "text/plain", "readme.txt"),
        (
            "http://x.example/x.bin",
            'attachment; filename="real.zip"',
            "application/zip",
            "real.zip",
        ),
        ("http://x.example/x.bin", 'attachment; filename="../../etc/passwd"', None, "passwd"),
        ("http://x.example/%2e%2e%2f%2e%2e%2fetc%2fpasswd", None, None, "passwd"),
        ("http://x.example/x", 'attachment; filename="..\\\\..\\\\win.ini"', None, "win.ini"),
        ("http://x.example/x", 'attachment; filename=".bashrc"', None, "bashrc"),
        ("http://x.example/x", 'attachment; filename="..."', "text/html", "index.html"),
        ("http://x.example/x", 'attachment; filename="CON"', None, "_CON"),
        ("http://x.example/x", 'attachment; filename="nul.txt"', None, "_nul.txt"),
        ("http://x.example/x", 'attachment; filename="com1.tar.gz"', None, "com1.tar.gz"),
        ("http://x.example/x", 'attachment; filename="a\x01b\x7fc.txt"', None, "abc.txt"),
        (
            "http://x.example/x",
            "attachment; filename*=UTF-8''evil%E2%80%AEtxt.exe",
            None,
            "eviltxt.exe",
        ),
        ("http://x.example/x", 'attachment; filename="what?<>:*|.txt. . "', None, "what______.txt"),
        ("not a url at all", None, None, "not a url at all"),
        ("http://[::1", None, None, "download"),
    ],
)
def test_suggest_filename(
    url: str, disposition: str | None, content_type: str | None, expected: str
) -> None:
    assert suggest_filename(url, disposition, content_type) == expected


def test_long_names_capped_in_utf8_bytes_keeping_the_extension() -> None:
    name = suggest_filename("http://x.example/" + "é" * 300 + ".txt", None, None)
    assert len(name.encode("utf-8")) <= MAX_FILENAME_BYTES
    assert name.endswith("é.txt")
    long_ascii = sanitize_filename("a" * 500)
    assert long_ascii == "a" * MAX_FILENAME_BYTES


@given(st.text(max_size=400))
def test_sanitize_never_unsafe(name: str) -> None:
    clean = sanitize_filename(name)
    assert clean
    assert "/" not in clean and "\\" not in clean and "\x00" not in clean
    assert not clean.startswith(".") and not clean.endswith((".", " "))
    assert clean not in (".", "..")
    assert len(clean.encode("utf-8")) <= MAX_FILENAME_BYTES
    assert all(ord(ch) >= 32 and ch != "\x7f" for ch in clean)
    assert sanitize_filename(clean) == clean  # idempotent


@given(
    st.text(max_size=100), st.text(max_size=100), st.sampled_from(["", "text/html", "image/png"])
)
def test_suggest_never_empty_or_traversing(path: str, disposition: str, content_type: str) -> None:
    name = suggest_filename(
        "http://x.example/" + path, "attachment; filename=" + disposition, content_type
    )
    assert name and "/" not in name and not name.startswith(".")
