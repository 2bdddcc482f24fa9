"""Bookmarks: the model and its file, ``$XDG_DATA_HOME/yonder/bookmarks.json``.

The file is UTF-8 JSON, written whole and atomically by the window (ui/settings.py)::

    {
     "format": "yonder-bookmarks",
     "version": 1,
     "bookmarks": [
      {"id": 1, "title": "Romeo", "url": "http://data.pr4e.org/romeo.txt",
       "folder": "Reading/Plays", "added": 1764640000}
     ]
    }

``id`` is a positive integer unique in the file; ``folder`` is a path of folder names joined by
"/" ("" is the top level; a "/" inside a name is stored as "∕", U+2215); ``added`` is Unix
seconds. The list is in the order the menu shows. Unknown keys are ignored, so a later version
can add some; an entry without a string ``url`` is dropped when read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

FORMAT = "yonder-bookmarks"
VERSION = 1
MAX_BOOKMARKS = 20_000  # a large real collection is a few thousand
MAX_TITLE = 1_000  # characters kept of a title or a folder name
MAX_URL = 32 * 1024  # net.url refuses longer addresses anyway
MAX_FOLDER_DEPTH = 32  # deeper folders are kept inside the 32nd
MAX_FILE_BYTES = 64 * 1024 * 1024  # the bookmarks file read at most (bounded memory)

FOLDER_SEP = "/"


class BookmarkError(ValueError):
    """A bookmarks file or an edit that cannot be used; the message says what and where."""


@dataclass(frozen=True)
class Bookmark:
    id: int
    title: str
    url: str
    folder: str = ""
    added: int = 0

    @property
    def folder_parts(self) -> tuple[str, ...]:
        return split_folder(self.folder)


def clean_text(text: str, limit: int = MAX_TITLE) -> str:
    """One line of at most ``limit`` characters: control characters become spaces."""
    text = "".join(" " if ord(c) < 32 or 127 <= ord(c) < 160 else c for c in text[: limit * 2])
    return " ".join(text.split())[:limit]


def split_folder(folder: str) -> tuple[str, ...]:
    parts = [clean_text(p) for p in folder.split(FOLDER_SEP)]
    return tuple(p for p in parts if p)[:MAX_FOLDER_DEPTH]


def join_folder(parts: Iterable[str]) -> str:
    names = [clean_text(p).replace(FOLDER_SEP, "\u2215") for p in parts]
    return FOLDER_SEP.join(n for n in names if n)


def normalise_folder(folder: str) -> str:
    return join_folder(split_folder(folder))


class Bookmarks:
    """An ordered collection of bookmarks with unique ids.

    Every change returns what it did, so the caller can save and say so; nothing here
    touches a file."""

    def __init__(self, items: Iterable[Bookmark] = ()) -> None:
        self._items: list[Bookmark] = []
        self._by_id: dict[int, Bookmark] = {}  # reading 20,000 must not be quadratic
        self._next_id = 1
        for item in items:
            self._append(item)

    def __len__(self) -> int:
        return len(self._items)

    def copy(self) -> Bookmarks:
        """An independent collection with the same bookmarks and ids (no re-checking: a
        snapshot that an import on another thread can merge into)."""
        twin = Bookmarks()
        twin.adopt(self)
        return twin

    def adopt(self, other: Bookmarks) -> None:
        """Become a copy of ``other`` (its bookmarks, ids and next id), keeping this
        object: what holds it sees the change."""
        self._items = list(other._items)
        self._by_id = dict(other._by_id)
        self._next_id = other._next_id

    def __iter__(self) -> Iterator[Bookmark]:
        return iter(list(self._items))

    def get(self, bookmark_id: int) -> Bookmark | None:
        return self._by_id.get(bookmark_id)

    def find_url(self, url: str) -> Bookmark | None:
        for item in self._items:
            if item.url == url:
                return item
        return None

    def _append(self, item: Bookmark) -> Bookmark | None:
        if len(self._items) >= MAX_BOOKMARKS:
            return None
        url = item.url.strip()
        if not url or len(url) > MAX_URL:
            return None
        bookmark_id = item.id
        if bookmark_id <= 0 or self.get(bookmark_id) is not None:
            bookmark_id = self._next_id
        item = replace(
            item,
            id=bookmark_id,
            url=url,
            title=clean_text(item.title) or clean_text(url),
            folder=normalise_folder(item.folder),
            added=max(0, int(item.added)),
        )
        self._items.append(item)
        self._by_id[bookmark_id] = item
        self._next_id = max(self._next_id, bookmark_id + 1)
        return item

    def add(self, title: str, url: str, folder: str = "", added: int = 0) -> Bookmark:
        """Append a bookmark; raises :class:`BookmarkError` when it cannot be kept."""
        if not url.strip():
            raise BookmarkError("A bookmark needs an address")
        if len(url.strip()) > MAX_URL:
            raise BookmarkError(f"The address is longer than {MAX_URL} characters")
        item = self._append(Bookmark(0, title, url, folder, added))
        if item is None:
            raise BookmarkError(f"There are already {MAX_BOOKMARKS} bookmarks: delete some first")
        return item

    def update(self, bookmark_id: int, title: str, url: str, folder: str) -> Bookmark:
        old = self.get(bookmark_id)
        if old is None:
            raise BookmarkError(f"There is no bookmark #{bookmark_id} (deleted meanwhile?)")
        url = url.strip()
        if not url:
            raise BookmarkError("A bookmark needs an address")
        if len(url) > MAX_URL:
            raise BookmarkError(f"The address is longer than {MAX_URL} characters")
        new = replace(
            old,
            title=clean_text(title) or clean_text(url),
            url=url,
            folder=normalise_folder(folder),
        )
        self._items[self._items.index(old)] = new
        self._by_id[bookmark_id] = new
        return new

    def delete(self, bookmark_id: int) -> Bookmark | None:
        old = self.get(bookmark_id)
        if old is not None:
            self._items.remove(old)
            del self._by_id[bookmark_id]
        return old

    def folders(self) -> list[str]:
        """Every folder in use (and each folder above one), in first-use order."""
        seen: dict[str, None] = {}
        for item in self._items:
            parts = item.folder_parts
            for depth in range(1, len(parts) + 1):
                seen.setdefault(join_folder(parts[:depth]), None)
        return list(seen)

    def search(self, query: str) -> list[Bookmark]:
        """Bookmarks whose title, address or folder holds every word of ``query``
        (case-insensitive); all of them for an empty query."""
        words = query.casefold().split()
        if not words:
            return list(self._items)
        return [
            item
            for item in self._items
            if all(w in f"{item.title}\n{item.url}\n{item.folder}".casefold() for w in words)
        ]

    def merge(self, items: Iterable[Bookmark]) -> tuple[int, int]:
        """Add imported bookmarks (new ids); one with an address already in the same folder
        is a duplicate and is skipped. Returns (added, skipped)."""
        have = {(item.url, item.folder) for item in self._items}
        added = skipped = 0
        for item in items:
            key = (item.url.strip(), normalise_folder(item.folder))
            if key in have:
                skipped += 1
                continue
            kept = self._append(replace(item, id=0))
            if kept is None:
                skipped += 1
                continue
            have.add(key)
            added += 1
        return added, skipped

    # -- the file ------------------------------------------------------------------------------

    def to_json(self) -> bytes:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "bookmarks": [
                {
                    "id": b.id,
                    "title": b.title,
                    "url": b.url,
                    "folder": b.folder,
                    "added": b.added,
                }
                for b in self._items
            ],
        }
        return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Bookmarks:
        """Read a bookmarks file; raises :class:`BookmarkError` saying what is wrong."""
        if len(data) > MAX_FILE_BYTES:
            raise BookmarkError(f"it is larger than {MAX_FILE_BYTES // 2**20} MiB")
        try:
            doc: Any = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise BookmarkError(f"it is not UTF-8 (byte {exc.start})") from None
        except ValueError as exc:
            raise BookmarkError(f"it is not JSON ({exc})") from None
        except RecursionError:  # json's parser recurses once per nesting level
            raise BookmarkError("it is nested too deeply to be a bookmarks file") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise BookmarkError(f'it is not a Yonder bookmarks file (no "format": "{FORMAT}")')
        version = doc.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise BookmarkError(
                f"it is version {version!r}, newer than this Yonder reads ({VERSION}): "
                "update Yonder"
            )
        entries = doc.get("bookmarks")
        if not isinstance(entries, list):
            raise BookmarkError('it has no "bookmarks" list')
        items: list[Bookmark] = []
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
                continue
            raw_id, added = entry.get("id"), entry.get("added")
            title, folder = entry.get("title"), entry.get("folder")
            items.append(
                Bookmark(
                    id=raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else 0,
                    title=title if isinstance(title, str) else "",
                    url=entry["url"],
                    folder=folder if isinstance(folder, str) else "",
                    added=added if isinstance(added, int) and not isinstance(added, bool) else 0,
                )
            )
        return cls(items)
