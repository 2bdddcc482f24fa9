"""What persists across runs. Settings (window geometry, splitter state, the document zoom and
word wrap...) are QSettings, in the XDG config dir (~/.config/Yonder/Yonder.conf). Data that
grows with use is in files in the XDG data dir ($XDG_DATA_HOME/yonder/, ~/.local/share/yonder/
by default), not in the settings file: history.json (the typed addresses and the visited
pages, ui/library/visits.py describes it) and bookmarks.json (ui/library/bookmarks.py). A typed
history found in the settings file (Yonder 0.1.0 kept it there) moves over once."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from ui.downloads.save_file import SaveError, save_bytes_atomically

HISTORY_FILE = "history.json"
BOOKMARKS_FILE = "bookmarks.json"
SESSION_FILE = "session.json"
MAX_DATA_FILE = 64 * 2**20  # a data file read at most: a bigger one is not Yonder's
THEMES = ("system", "light", "dark")  # ui.shell.theme.Theme's values
LEGACY_TYPED_KEY = "history/typed"  # where 0.1.0 kept the typed history, in the settings


def default_data_dir() -> Path:
    """$XDG_DATA_HOME/yonder (QStandardPaths: ~/.local/share/yonder when unset)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base or Path.home() / ".local" / "share") / "yonder"


class Settings:
    """A typed wrapper over QSettings and the data dir. Tests pass their own store (an ini
    file in a temp dir); its data dir is then beside that file (``<name>-data/``) unless
    ``data_dir`` says otherwise, so a test never touches the user's real data."""

    def __init__(self, store: QSettings | None = None, data_dir: Path | None = None) -> None:
        # QSettings() uses the organisation/application names app.py sets ("Yonder").
        self._store = store if store is not None else QSettings()
        if data_dir is None:
            if store is None:
                data_dir = default_data_dir()
            else:
                ini = Path(self._store.fileName())
                data_dir = ini.with_name(f"{ini.stem}-data")
        self._data_dir = data_dir
        self._visits: list[object] = []  # history.json's "visits", as read (set_typed_urls)

    @property
    def data_dir(self) -> Path:
        return self._data_dir

    @property
    def history_path(self) -> Path:
        return self._data_dir / HISTORY_FILE

    @property
    def bookmarks_path(self) -> Path:
        return self._data_dir / BOOKMARKS_FILE

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
        exist (ui.shell.main_window)."""
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
        """The typed-address history, oldest first. An unreadable history file is moved
        aside (``history.json.bad``, said on stderr) and a new one starts: nothing is lost."""
        path = self.history_path
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return self._migrate_typed_urls()
        except OSError as exc:
            # Unreachable (not broken): a history that could not be saved there is in the
            # settings file instead (set_typed_urls).
            print(
                f"yonder: could not read the address history {path} ({exc.strerror})",
                file=sys.stderr,
            )
            return self._legacy_typed_urls()
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # deep nesting: RecursionError
            self._set_aside(path, str(exc))
            return []
        typed = data.get("typed") if isinstance(data, dict) else None
        if not isinstance(typed, list):
            self._set_aside(path, 'no "typed" list in it')
            return []
        visits = data.get("visits")
        self._visits = visits if isinstance(visits, list) else []
        return [v for v in typed if isinstance(v, str) and v.strip()]

    def visits(self) -> list[object]:
        """The visited pages as history.json holds them (read by :meth:`typed_urls`, which
        the window calls first); ui.library.visits.Visits.from_list checks each entry."""
        return self._visits

    def set_typed_urls(
        self, urls: list[str], visits: list[dict[str, object]] | None = None
    ) -> None:
        """Write history.json: the typed addresses and the visited pages (``visits``; None
        keeps what was read)."""
        if visits is not None:
            self._visits = list(visits)
        doc = {"typed": list(urls), "visits": self._visits}
        payload = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        try:
            self._data_dir.mkdir(parents=True, exist_ok=True)
            save_bytes_atomically(str(self.history_path), [payload.encode("utf-8")])
        except (OSError, SaveError) as exc:
            # Keep it in the settings file instead: the next run reads it from there.
            print(
                f"yonder: could not save the address history to {self.history_path} ({exc}); "
                "it is kept in the settings file for now",
                file=sys.stderr,
            )
            self._store.setValue(LEGACY_TYPED_KEY, list(urls))
            return
        self._store.remove(LEGACY_TYPED_KEY)

    def read_bookmarks(self) -> tuple[bytes | None, str]:
        """bookmarks.json's bytes (None when there is none yet), and "" or why it could not
        be read."""
        path = self.bookmarks_path
        try:
            with path.open("rb") as file:
                data = file.read(MAX_DATA_FILE + 1)
        except FileNotFoundError:
            return None, ""
        except OSError as exc:
            return None, f"could not read the bookmarks {path} ({exc.strerror})"
        return data, ""

    def write_bookmarks(self, data: bytes) -> str:
        """Write bookmarks.json atomically; "" or why it could not be written."""
        try:
            self._data_dir.mkdir(parents=True, exist_ok=True)
            save_bytes_atomically(str(self.bookmarks_path), [data])
        except (OSError, SaveError) as exc:
            return f"could not save the bookmarks to {self.bookmarks_path} ({exc})"
        return ""

    @property
    def session_path(self) -> Path:
        return self._data_dir / SESSION_FILE

    def read_session(self) -> tuple[bytes | None, str]:
        """session.json's bytes (None when there is none), and "" or why it could not be
        read."""
        path = self.session_path
        try:
            with path.open("rb") as file:
                return file.read(MAX_DATA_FILE + 1), ""
        except FileNotFoundError:
            return None, ""
        except OSError as exc:
            return None, f"could not read the session {path} ({exc.strerror})"

    def write_session(self, data: bytes) -> str:
        """Write session.json atomically; "" or why it could not be written."""
        try:
            self._data_dir.mkdir(parents=True, exist_ok=True)
            save_bytes_atomically(str(self.session_path), [data])
        except (OSError, SaveError) as exc:
            return f"could not save the session to {self.session_path} ({exc})"
        return ""

    def set_aside_bookmarks(self, reason: str) -> str:
        """Move an unreadable bookmarks.json to bookmarks.json.bad; says where it went."""
        path = self.bookmarks_path
        bad = path.with_name(path.name + ".bad")
        try:
            os.replace(path, bad)
        except OSError as exc:
            return (
                f"The bookmarks file {path} could not be read ({reason}) nor moved aside "
                f"({exc.strerror}); bookmarks added now will replace it"
            )
        return (
            f"The bookmarks file {path} could not be read ({reason}); it was moved to {bad} "
            "and a new one starts"
        )

    def _legacy_typed_urls(self) -> list[str]:
        value = self._store.value(LEGACY_TYPED_KEY, [])
        # An ini file gives back a str for a one-element list, None for an empty one.
        if isinstance(value, str):
            return [value] if value.strip() else []
        if isinstance(value, list):
            return [str(v) for v in value if str(v).strip()]
        return []

    def _migrate_typed_urls(self) -> list[str]:
        if not self._store.contains(LEGACY_TYPED_KEY):
            return []
        urls = self._legacy_typed_urls()
        self.set_typed_urls(urls)  # removes the settings key once the file is written
        self._store.sync()
        return urls

    def _set_aside(self, path: Path, reason: str) -> None:
        bad = path.with_name(path.name + ".bad")
        try:
            os.replace(path, bad)
            where = f"it was moved to {bad}"
        except OSError as exc:
            where = f"and could not be moved aside ({exc.strerror})"
        print(
            f"yonder: the address history {path} could not be read ({reason}); {where} and a "
            "new history starts",
            file=sys.stderr,
        )

    def zoom(self) -> int:
        """Font size steps (points) added to the document view's default size."""
        try:
            return int(str(self._store.value("view/zoom", 0)))
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

    def numbered_links(self) -> bool:
        """View > Numbered Links (off by default, as in lynx)."""
        value = self._store.value("view/numbered_links", False)
        return value if isinstance(value, bool) else str(value).lower() == "true"

    def set_numbered_links(self, on: bool) -> None:
        self._store.setValue("view/numbered_links", bool(on))

    def theme(self) -> str:
        """View > Theme: "system" (follow the desktop; the default), "light" or "dark"."""
        value = str(self._store.value("view/theme", "system")).lower()
        return value if value in THEMES else "system"

    def set_theme(self, theme: str) -> None:
        self._store.setValue("view/theme", theme if theme in THEMES else "system")

    def spill_limit(self, default: int) -> int:
        """Bytes one page's body may put into its temporary file ("body/spill_limit_mib",
        in MiB; past it the body is no longer kept, and Download is the way to get it)."""
        try:
            mib = int(str(self._store.value("body/spill_limit_mib", default // 2**20)))
        except (TypeError, ValueError):
            return default
        return max(0, mib) * 2**20

    def sync(self) -> None:
        self._store.sync()
