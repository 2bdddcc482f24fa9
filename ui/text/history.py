"""Back/forward navigation and the typed-address list for completion (pure Python, no Qt)."""

from __future__ import annotations

MAX_TYPED = 200  # addresses kept for completion, most recent first


MAX_ENTRIES = 100  # back/forward entries a restored session keeps per page


class History:
    """A page's session history: a list of visited addresses and a position in it.

    Visiting an address after going back drops the forward entries, as browsers do.
    """

    def __init__(self) -> None:
        self._entries: list[str] = []
        self._index = -1

    @classmethod
    def restored(cls, entries: list[str], index: int) -> History:
        """A history saved with a session: the last MAX_ENTRIES entries, at ``index``
        (clamped into the list)."""
        history = cls()
        drop = max(0, len(entries) - MAX_ENTRIES)
        history._entries = [str(url) for url in entries[drop:]]
        history._index = min(max(index - drop, 0), len(history._entries) - 1)
        return history

    @property
    def current(self) -> str | None:
        return self._entries[self._index] if self._index >= 0 else None

    @property
    def index(self) -> int:
        """The current entry's place in :attr:`entries` (-1: none yet)."""
        return self._index

    @property
    def entries(self) -> list[str]:
        return list(self._entries)

    @property
    def can_go_back(self) -> bool:
        return self._index > 0

    @property
    def can_go_forward(self) -> bool:
        return 0 <= self._index < len(self._entries) - 1

    def visit(self, url: str) -> None:
        """A new page (not back/forward): drop the forward entries, append url."""
        if self.current == url:
            return  # reloading or re-entering the same address adds no entry
        del self._entries[self._index + 1 :]
        self._entries.append(url)
        self._index = len(self._entries) - 1

    def replace_current(self, url: str) -> None:
        """The current page moved (a redirect): keep its entry, with the final address."""
        if self._index >= 0:
            self._entries[self._index] = url

    def back(self) -> str | None:
        if not self.can_go_back:
            return None
        self._index -= 1
        return self._entries[self._index]

    def forward(self) -> str | None:
        if not self.can_go_forward:
            return None
        self._index += 1
        return self._entries[self._index]


class TypedAddresses:
    """Every address the user entered, most recent first, de-duplicated, capped at MAX_TYPED:
    it feeds the address bar's completer and is persisted (window-wide, not per page)."""

    def __init__(self, typed: list[str] | None = None) -> None:
        self.typed: list[str] = []
        for url in reversed(typed or []):
            self.add_typed(url)

    def add_typed(self, url: str) -> None:
        url = url.strip()
        if not url:
            return
        if url in self.typed:
            self.typed.remove(url)
        self.typed.insert(0, url)
        del self.typed[MAX_TYPED:]
