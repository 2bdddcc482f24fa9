"""The Netscape bookmark file (``bookmarks.html``), which Firefox, Chrome, Safari, Edge and
w3m/elinks all export and import.

It is HTML of a fixed shape: ``<DT><H3>folder</H3>`` followed by a ``<DL>`` list of its
entries, ``<DT><A HREF="..." ADD_DATE="...">title</A>`` for a bookmark, ``<DD>`` for a
description. Real files are loose (no end tags for ``<DT>``/``<p>``, any case, attributes
unquoted or single-quoted), and an imported file is someone else's: so the reader is a
tolerant, linear scan with bounds (bytes read, bookmarks, folder depth, title and address
lengths), never a traceback. Only http(s) addresses are imported; others (``javascript:``,
``place:``, ``data:``, ``file:``...) are counted as skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ui.library.bookmarks import (
    MAX_BOOKMARKS,
    MAX_FOLDER_DEPTH,
    MAX_TITLE,
    MAX_URL,
    Bookmark,
    BookmarkError,
    Bookmarks,
    clean_text,
    join_folder,
)

MAX_IMPORT_BYTES = 32 * 1024 * 1024  # Firefox's export of 10,000 bookmarks is ~3 MB
DOCTYPE = "<!DOCTYPE NETSCAPE-Bookmark-file-1>"

# A tag, a comment or a run of text; every alternative is linear (no nested quantifiers).
_TOKEN = re.compile(r"<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][A-Za-z0-9]*)([^>]*)>?|[^<]+|<", re.S)
_ATTR = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*(?:=\s*("[^"]*"?|'[^']*'?|[^\s"'>]+))?""")
_SCHEMES = ("http://", "https://")


@dataclass
class ImportResult:
    bookmarks: list[Bookmark] = field(default_factory=list)
    skipped: int = 0  # entries not imported: another scheme, no address, past a bound
    truncated: bool = False  # the file or the count went past a bound: the rest is not read

    def summary(self) -> str:
        parts = [f"{len(self.bookmarks)} bookmark{'s' if len(self.bookmarks) != 1 else ''}"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped (not http or https, or no address)")
        if self.truncated:
            parts.append("the rest of the file was not read (too large)")
        return ", ".join(parts)


@dataclass
class MergedImport:
    """An import merged into a snapshot of the bookmarks (see :func:`import_file`)."""

    result: ImportResult
    bookmarks: Bookmarks  # the snapshot, with the new bookmarks appended
    added: int
    duplicates: int
    data: bytes  # bookmarks.to_json() of it, to write; b"" when nothing was added


def import_file(path: str, snapshot: Bookmarks) -> MergedImport:
    """Read and parse a bookmark file and merge it into ``snapshot`` (changed in place), all
    of it pure Python: the window runs this on a thread of its own (20,000 bookmarks are
    ~1 s of work here). Raises OSError (reading) and :class:`BookmarkError` (not a
    bookmark file)."""
    with open(path, "rb") as file:
        data = file.read(MAX_IMPORT_BYTES + 1)
    result = parse_netscape(data)
    del data
    return merge_import(result, snapshot)


def merge_import(result: ImportResult, snapshot: Bookmarks) -> MergedImport:
    """:meth:`Bookmarks.merge` of ``result`` into ``snapshot``, with the file's bytes."""
    added, duplicates = snapshot.merge(result.bookmarks)
    data = snapshot.to_json() if added else b""
    return MergedImport(result, snapshot, added, duplicates, data)


def _attrs(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTR.finditer(text[: MAX_URL * 2]):
        name, value = match.group(1).lower(), match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1] if len(value) > 1 and value[-1] == value[0] else value[1:]
        found.setdefault(name, html.unescape(value))
    return found


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    head = data[:1024].lower()
    # Every browser writes UTF-8 and says so; an old file may declare something else.
    match = re.search(rb"charset=[\"']?([a-z0-9_.:-]+)", head)
    if match:
        try:
            return data.decode(match.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("utf-8-sig", errors="replace")


def parse_netscape(data: bytes) -> ImportResult:
    """Bookmarks from a Netscape bookmark file, in file order with their folder paths.

    Raises :class:`BookmarkError` when the bytes are not a bookmark file at all."""
    result = ImportResult()
    if len(data) > MAX_IMPORT_BYTES:
        data = data[:MAX_IMPORT_BYTES]
        result.truncated = True
    text = _decode(data)
    if "netscape-bookmark-file" not in text[:4096].lower() and not re.search(
        r"<a\s[^>]*href", text[:1_000_000], re.I
    ):
        raise BookmarkError(
            "it is not a Netscape bookmark file (no <!DOCTYPE NETSCAPE-Bookmark-file-1> "
            "and no <A HREF=...> bookmarks)"
        )
    folders: list[str] = []  # the open <DL> lists' folder names ("" for an unnamed list)
    too_deep = 0  # <DL> lists open past the cap (not on the stack: bounded memory)
    pending_folder: str | None = None  # an <H3> seen, waiting for its <DL>
    capture: str | None = None  # "a" or "h3": whose text is being collected
    captured: list[str] = []
    captured_len = 0
    href = ""
    added = 0

    def finish() -> None:
        nonlocal capture, pending_folder, captured_len
        title = clean_text(html.unescape("".join(captured)), MAX_TITLE)
        if capture == "h3":
            pending_folder = title or "Untitled folder"
        elif capture == "a":
            _add(title)
        capture = None
        captured.clear()
        captured_len = 0

    def _add(title: str) -> None:
        url = href.strip()
        if not url.lower().startswith(_SCHEMES) or len(url) > MAX_URL:
            result.skipped += 1
            return
        if len(result.bookmarks) >= MAX_BOOKMARKS:
            result.skipped += 1
            result.truncated = True
            return
        parts = [f for f in folders if f][:MAX_FOLDER_DEPTH]
        result.bookmarks.append(
            Bookmark(0, title or url[:MAX_TITLE], url, join_folder(parts), added)
        )

    for match in _TOKEN.finditer(text):
        tag = match.group(2)
        if tag is None:
            token = match.group(0)
            if capture is not None and captured_len < MAX_TITLE * 4 and token[:4] != "<!--":
                captured.append(token)
                captured_len += len(token)
            continue
        if not match.group(0).endswith(">"):
            break  # a tag cut off by the end of the file (a truncated copy): not used
        name, closing = tag.lower(), bool(match.group(1))
        if capture is not None and (
            (name == capture and closing) or name in ("dt", "dl", "dd", "h3", "a")
        ):
            finish()
        if closing:
            if name == "dl" and too_deep:
                too_deep -= 1
            elif name == "dl" and folders:
                folders.pop()
            continue
        if name == "a":
            attrs = _attrs(match.group(3))
            href = attrs.get("href", "")
            try:
                added = max(0, int(attrs.get("add_date", "0")[:12]))
            except ValueError:
                added = 0
            capture = "a"
        elif name == "h3":
            capture = "h3"
        elif name == "dl":
            # Unbounded nesting would cost a list entry each: past the cap, only counted.
            if len(folders) < 4 * MAX_FOLDER_DEPTH:
                folders.append(pending_folder or "")
            else:
                too_deep += 1
            pending_folder = None
    if capture is not None:
        finish()
    return result


def _date(value: int) -> str:
    return f' ADD_DATE="{value}"' if value > 0 else ""


def to_netscape(bookmarks: Iterable[Bookmark]) -> bytes:
    """A Netscape bookmark file of ``bookmarks``, folders nested as their paths say."""
    esc = html.escape
    lines = [
        DOCTYPE,
        "<!-- This is an automatically generated file.",
        "     It will be read and overwritten.",
        "     DO NOT EDIT! -->",
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
        "<TITLE>Bookmarks</TITLE>",
        "<H1>Bookmarks</H1>",
        "<DL><p>",
    ]
    # Group by folder path, keeping the first-use order of folders and of their entries.
    tree: dict[str, object] = {}
    for item in bookmarks:
        node = tree
        for part in item.folder_parts:
            child = node.setdefault("/" + part, {})
            assert isinstance(child, dict)
            node = child
        entries = node.setdefault("", [])
        assert isinstance(entries, list)
        entries.append(item)

    def emit(node: dict[str, object], depth: int) -> None:
        pad = "    " * depth
        for key, value in node.items():
            if key == "":
                assert isinstance(value, list)
                for b in value:
                    lines.append(
                        f'{pad}<DT><A HREF="{esc(b.url)}"{_date(b.added)}>{esc(b.title)}</A>'
                    )
            else:
                assert isinstance(value, dict)
                lines.append(f"{pad}<DT><H3>{esc(key[1:])}</H3>")
                lines.append(f"{pad}<DL><p>")
                emit(value, depth + 1)
                lines.append(f"{pad}</DL><p>")

    emit(tree, 1)
    lines.append("</DL><p>")
    return ("\n".join(lines) + "\n").encode("utf-8")
