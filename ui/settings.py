"""The QSettings that persist across runs: window geometry, splitter state, typed history,
the document zoom and word wrap."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings


class Settings:
    """A typed wrapper over QSettings; tests pass their own (an ini file in a temp dir)."""

    def __init__(self, store: QSettings | None = None) -> None:
        # QSettings() uses the organisation/application names app.py sets ("Yonder").
        self._store = store if store is not None else QSettings()

    @property
    def store(self) -> QSettings:
        return self._store

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._store.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes | bytearray) and value:
            return QByteArray(bytes(value))
        return None

    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_geometry(self, value: QByteArray) -> None:
        self._store.setValue("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, value: QByteArray) -> None:
        self._store.setValue("window/state", value)

    def first_frame(self) -> tuple[int, int, int] | None:
        """(address bar x, toolbar button height, Stream dock height or 0 when hidden) as the
        last run laid them out: the light first frame reserves that space before those parts
        exist (ui.main_window)."""
        value = self._store.value("window/first_frame")
        try:
            x, button, dock = (int(part) for part in str(value).split(","))
        except (TypeError, ValueError):
            return None
        if 0 <= x <= 2000 and 0 <= button <= 200 and 0 <= dock <= 4000:
            return x, button, dock
        return None

    def set_first_frame(self, address_x: int, button_height: int, dock_height: int) -> None:
        self._store.setValue("window/first_frame", f"{address_x},{button_height},{dock_height}")

    def splitter_state(self) -> QByteArray | None:
        return self._bytes("window/splitter")

    def set_splitter_state(self, value: QByteArray) -> None:
        self._store.setValue("window/splitter", value)

    def typed_urls(self) -> list[str]:
        value = self._store.value("history/typed", [])
        # An ini file gives back a str for a one-element list, None for an empty one.
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [str(v) for v in value if str(v).strip()]
        return []

    def set_typed_urls(self, urls: list[str]) -> None:
        self._store.setValue("history/typed", list(urls))

    def zoom(self) -> int:
        """Font size steps (points) added to the document view's default size."""
        try:
            return int(self._store.value("view/zoom", 0))
        except (TypeError, ValueError):
            return 0

    def set_zoom(self, steps: int) -> None:
        self._store.setValue("view/zoom", int(steps))

    def word_wrap(self) -> bool:
        value = self._store.value("view/word_wrap", True)
        # An ini file gives back "true"/"false" strings.
        return value if isinstance(value, bool) else str(value).lower() != "false"

    def set_word_wrap(self, on: bool) -> None:
        self._store.setValue("view/word_wrap", bool(on))

    def spill_limit(self, default: int) -> int:
        """Bytes one page's body may put into its temporary file ("body/spill_limit_mib",
        in MiB; past it the body is no longer kept, and Download is the way to get it)."""
        try:
            mib = int(self._store.value("body/spill_limit_mib", default // 2**20))
        except (TypeError, ValueError):
            return default
        return max(0, mib) * 2**20

    def sync(self) -> None:
        self._store.sync()
