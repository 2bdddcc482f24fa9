"""The visited-pages history behind ``yonder:history`` and address-bar completion.

It lives in the same file as the typed-address history, ``$XDG_DATA_HOME/yonder/history.json``
(ui/settings.py reads and writes it atomically)::

    {
     "typed": ["data.pr4e.org/romeo.txt", ...],
     "visits": [
      {"url": "http://data.pr4e.org/romeo.txt", "title": "romeo.txt", "time": 1764640000,
       "count": 3},
      ...
     ]
    }

``visits`` is newest first, one entry per address (its last visit's time, in Unix seconds,
and how many visits), bounded in entries (:data:`MAX_VISITS`) and in the bytes its entries
take in the file (:data:`MAX_VISIT_BYTES`): past either bound the oldest entries go. A title or
address longer than its cap is cut (an address past :data:`MAX_URL` is not kept at all).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ui.library.bookmarks import Bookmark, clean_text

MAX_VISITS = 5_000
MAX_VISIT_BYTES = 2 * 1024 * 1024
MAX_URL = 4_096  # longer addresses (generated queries) are not worth remembering
MAX_TITLE = 300
MAX_COMPLETIONS = 2_000  # addresses offered to the address bar's completer


@dataclass(frozen=True)
class Visit:
    url: str
    title: str
    time: int
    count: int = 1


def _cost(visit: Visit) -> int:
    """The bytes the entry takes in the file (as :meth:`Visits.to_list` writes it)."""
    return len(json.dumps(_as_dict(visit), ensure_ascii=False).encode("utf-8")) + 3


def _as_dict(visit: Visit) -> dict[str, object]:
    return {"url": visit.url, "title": visit.title, "time": visit.time, "count": visit.count}


class Visits:
    """Visited pages, newest first, one entry per address, bounded."""

    def __init__(
        self,
        items: Iterable[Visit] = (),
        max_entries: int = MAX_VISITS,
        max_bytes: int = MAX_VISIT_BYTES,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: list[Visit] = []
        self._bytes = 0
        seen: set[str] = set()
        for item in items:
            if item.url in seen or not item.url or len(item.url) > MAX_URL:
                continue
            seen.add(item.url)
            item = replace(item, title=clean_text(item.title, MAX_TITLE))
            self._items.append(item)
            self._bytes += _cost(item)
        self._trim()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def entries(self) -> list[Visit]:
        return list(self._items)

    def _trim(self) -> None:
        while self._items and (len(self._items) > self.max_entries or self._bytes > self.max_bytes):
            self._bytes -= _cost(self._items.pop())

    def _remove(self, url: str) -> Visit | None:
        for i, item in enumerate(self._items):
            if item.url == url:
                self._bytes -= _cost(item)
                return self._items.pop(i)
        return None

    def record(self, url: str, title: str, time: int) -> Visit | None:
        """A visit to ``url`` now: it moves to the top (its title kept unless a new one
        is known). None when the address is too long to keep."""
        if not url or len(url) > MAX_URL:
            return None
        old = self._remove(url)
        title = clean_text(title, MAX_TITLE) or (old.title if old else "")
        item = Visit(url, title, max(0, int(time)), (old.count + 1) if old else 1)
        self._items.insert(0, item)
        self._bytes += _cost(item)
        self._trim()
        return item

    def set_title(self, url: str, title: str) -> None:
        """The page's title arrived after its visit was recorded."""
        title = clean_text(title, MAX_TITLE)
        for i, item in enumerate(self._items):
            if item.url == url:
                if title and title != item.title:
                    new = replace(item, title=title)
                    self._bytes += _cost(new) - _cost(item)
                    self._items[i] = new
                    self._trim()
                return

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0

    def search(self, query: str) -> list[Visit]:
        """Entries whose title or address holds every word of ``query`` (case-insensitive),
        newest first; all of them for an empty query."""
        words = query.casefold().split()
        if not words:
            return list(self._items)
        return [v for v in self._items if all(w in f"{v.title}\n{v.url}".casefold() for w in words)]

    def to_list(self) -> list[dict[str, object]]:
        return [_as_dict(v) for v in self._items]

    @classmethod
    def from_list(cls, data: object, **bounds: int) -> Visits:
        """From the file's ``visits`` value; anything malformed in it is skipped."""
        items: list[Visit] = []
        if isinstance(data, list):
            for entry in data:
                if not isinstance(entry, dict):
                    continue
                url, title = entry.get("url"), entry.get("title")
                time, count = entry.get("time"), entry.get("count")
                if not isinstance(url, str):
                    continue
                items.append(
                    Visit(
                        url,
                        title if isinstance(title, str) else "",
                        time if isinstance(time, int) and not isinstance(time, bool) else 0,
                        count if isinstance(count, int) and count > 0 else 1,
                    )
                )
        return cls(items, **bounds)


def completions(
    typed: Iterable[str], visits: Iterable[Visit], bookmarks: Iterable[Bookmark]
) -> list[str]:
    """The address bar's completion list: typed addresses first (most recent first), then
    bookmarks, then visited pages (newest first), each address once, bounded."""
    seen: dict[str, None] = {}
    for url in (*typed, *(b.url for b in bookmarks), *(v.url for v in visits)):
        if url and url not in seen:
            seen[url] = None
            if len(seen) >= MAX_COMPLETIONS:
                break
    return list(seen)
