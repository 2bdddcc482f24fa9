"""The start page and the bundled samples: pages Yonder shows without any network.

Internal addresses (handled by the window, never sent to net/):
- ``about:start`` is resources/start.txt, a plain text file with a little markup: a line
  starting with "# " is the title, "## " a heading, ``[label](url)`` is a link, and in the
  "## Keys" section each line is a key, padded with spaces, and what it does. The keys are
  shown in the monospace font and the descriptions in the page's proportional one, so the
  descriptions line up in one column whatever the font.
- ``yonder:samples/<name>`` is a file from resources/samples/, shown as text.
- ``about:yonder`` (Help > About Yonder): the version, the licence and links;
  ``about:keys`` (Help > Keys): the start page's table of keys on its own.
"""

from __future__ import annotations

import re

from ui.page.document_view import Segment, SegmentKind
from ui.resources import resource_path

START_URL = "about:start"
ABOUT_URL = "about:yonder"
KEYS_URL = "about:keys"
KEYS_HEADING = "## Keys"
SAMPLE_PREFIX = "yonder:samples/"
#: The bundled pages written for the window (not samples): shown in the reading font.
OWN_PAGES = (START_URL, ABOUT_URL, KEYS_URL)

_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
#: A line of the table of keys: the key column (indentation and padding included), the rest.
_KEY_ROW = re.compile(r"(\s*\S.*?\s{2,})(\S.*\n?)")


def is_internal(url: str) -> bool:
    return url.startswith(("about:", "yonder:"))


def key_rows(text: str) -> list[Segment]:
    """The table of keys: each line's key column (monospace: every key column is as wide as
    the others, so the descriptions start at one x) and its description."""
    segments: list[Segment] = []
    for line in text.splitlines(keepends=True):
        row = _KEY_ROW.fullmatch(line)
        if row is None:
            segments.append((SegmentKind.TEXT, line, ""))
        else:
            segments.append((SegmentKind.KEY, row.group(1), ""))
            segments.append((SegmentKind.TEXT, row.group(2), ""))
    return segments


def parse_markup(text: str) -> list[Segment]:
    """Turn the start page's tiny markup into document-view segments."""
    segments: list[Segment] = []
    in_keys = False  # in the "## Keys" section, up to the blank line after its table
    rows = 0  # lines of that table so far
    for line in text.splitlines(keepends=True):
        if line.startswith("# "):
            segments.append((SegmentKind.TITLE, line[2:], ""))
            continue
        if line.startswith("## "):
            segments.append((SegmentKind.HEADING, line[3:], ""))
            in_keys, rows = line.rstrip("\n") == KEYS_HEADING, 0
            continue
        if in_keys and line.strip():
            segments.extend(key_rows(line))
            rows += 1
            continue
        if in_keys and rows:
            in_keys = False  # the blank line after the table ends it
        pos = 0
        for match in _LINK.finditer(line):
            if match.start() > pos:
                segments.append((SegmentKind.TEXT, line[pos : match.start()], ""))
            segments.append((SegmentKind.LINK, match.group(1), match.group(2)))
            pos = match.end()
        if pos < len(line):
            segments.append((SegmentKind.TEXT, line[pos:], ""))
    return segments


def start_page() -> list[Segment]:
    try:
        return parse_markup(_start_text())
    except OSError as exc:
        return [
            (SegmentKind.TITLE, "Yonder\n", ""),
            (SegmentKind.TEXT, f"(The start page is missing: {exc})\n", ""),
        ]


def _start_text() -> str:
    return resource_path("start.txt").read_text(encoding="utf-8")


def keys_section() -> str:
    """The start page's table of keys (its "## Keys" section, up to the next blank line)."""
    try:
        text = _start_text()
    except OSError:
        return ""
    start = text.find(KEYS_HEADING + "\n")
    if start < 0:
        return ""
    body = text[start + len(KEYS_HEADING) + 1 :].lstrip("\n")
    end = body.find("\n\n")
    return body if end < 0 else body[: end + 1]


def keys_page() -> list[Segment]:
    table = keys_section() or "(The table of keys is missing from the start page.)\n"
    return [
        (SegmentKind.TITLE, "Keys\n", ""),
        *key_rows(table),
        (SegmentKind.TEXT, "\nThe start page has them too: ", ""),
        (SegmentKind.LINK, "Start page", START_URL),
        (SegmentKind.TEXT, " (Alt+Home).\n", ""),
    ]


def about_page(version: str) -> list[Segment]:
    """Help > About Yonder: what it is, its version and licence, and where to go next."""
    return [
        (SegmentKind.TITLE, "Yonder\n", ""),
        (SegmentKind.TEXT, f"Version {version}\n\n", ""),
        (
            SegmentKind.TEXT,
            "A mini text browser that shows how a streaming HTTP download works: its own "
            "socket/ssl/h11 HTTP client, a header view, a document view, and the Stream dock "
            "with every recv().\n\n",
            "",
        ),
        (SegmentKind.TEXT, "Licence: MIT (the LICENSE file beside the program). ", ""),
        (SegmentKind.TEXT, "Built with PySide6 (Qt 6, LGPL), h11 and certifi.\n\n", ""),
        (SegmentKind.LINK, "Start page", START_URL),
        (
            SegmentKind.TEXT,
            " \u2014 samples, the demo server, the Stream dock and the receive lab\n",
            "",
        ),
        (SegmentKind.LINK, "Keys", KEYS_URL),
        (SegmentKind.TEXT, " \u2014 every key of the window\n", ""),
    ]


def sample_bytes(url: str) -> bytes | None:
    """The bundled sample behind a ``yonder:samples/<name>`` address, or None."""
    if not url.startswith(SAMPLE_PREFIX):
        return None
    name = url[len(SAMPLE_PREFIX) :]
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name.startswith("."):
        return None  # no path tricks: only files directly in samples/
    try:
        return resource_path("samples", name).read_bytes()
    except OSError:
        return None


def sample_content_type(url: str) -> str:
    """What a server would have said: by extension; text in UTF-8."""
    import mimetypes  # loads with the first sample, not at start-up

    name = url.rsplit("/", 1)[-1]
    guessed = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    if guessed == "application/json":
        return guessed
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed
