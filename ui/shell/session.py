"""The browsing session: the open tabs, each tab's back/forward list, the current tab.

Pure Python, no Qt. Saved as ``session.json`` in Yonder's data directory when the window
closes and read at the next start, as browsers restore their windows. The format:

    {"version": 1, "current": 0,
     "tabs": [{"entries": ["https://example.org/", "about:start"], "index": 0}, ...]}

A file that is not this (damaged, from elsewhere, hostile) is refused whole with the reason;
nothing of it is loaded. Sizes are bounded: MAX_TABS tabs, History.MAX_ENTRIES entries per
tab, MAX_URL characters per address.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ui.text.history import MAX_ENTRIES

VERSION = 1
MAX_TABS = 500
MAX_URL = 8192


class SessionError(ValueError):
    """A session file that cannot be used (the message says why)."""


@dataclass(frozen=True)
class TabState:
    entries: tuple[str, ...]
    index: int

    @property
    def current(self) -> str:
        return self.entries[self.index]


@dataclass(frozen=True)
class Session:
    tabs: tuple[TabState, ...]
    current: int

    def to_json(self) -> bytes:
        data = {
            "version": VERSION,
            "current": self.current,
            "tabs": [{"entries": list(t.entries), "index": t.index} for t in self.tabs],
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def make_tab(entries: list[str], index: int) -> TabState | None:
    """A tab's state, bounded (the last MAX_ENTRIES entries); None for a tab with none."""
    entries = [url for url in entries if 0 < len(url) <= MAX_URL]
    if not entries:
        return None
    drop = max(0, len(entries) - MAX_ENTRIES)
    return TabState(tuple(entries[drop:]), min(max(index - drop, 0), len(entries) - drop - 1))


def from_json(data: bytes) -> Session:
    """The session in ``data``; raises SessionError saying why it is not one."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SessionError(f"not a session file ({exc.__class__.__name__})") from None
    if not isinstance(value, dict) or value.get("version") != VERSION:
        raise SessionError("not a session file of this version of Yonder")
    tabs_value = value.get("tabs")
    if not isinstance(tabs_value, list) or len(tabs_value) > MAX_TABS:
        raise SessionError(f"the session's tabs are not a list of at most {MAX_TABS}")
    tabs: list[TabState] = []
    for item in tabs_value:
        entries = item.get("entries") if isinstance(item, dict) else None
        index = item.get("index") if isinstance(item, dict) else None
        if (
            not isinstance(entries, list)
            or not all(isinstance(url, str) for url in entries)
            or not isinstance(index, int)
            or isinstance(index, bool)
        ):
            raise SessionError("a tab of the session is not a list of addresses and a position")
        tab = make_tab(entries, index)
        if tab is not None:
            tabs.append(tab)
    current = value.get("current")
    if not isinstance(current, int) or isinstance(current, bool):
        current = 0
    return Session(tuple(tabs), min(max(current, 0), max(len(tabs) - 1, 0)))
