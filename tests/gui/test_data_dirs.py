"""Where Yonder keeps what persists: settings in the XDG config dir (QSettings), the typed
and visited history and the bookmarks (data that grows) in the XDG data dir, not in the
settings file; a history that an older Yonder kept in the settings file moves over once; a
broken history or bookmarks file loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from tests.gui.windows import OPTIONS, serve
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.settings import BOOKMARKS_FILE, HISTORY_FILE, LEGACY_TYPED_KEY, Settings
from ui.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def ini(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def test_typed_addresses_go_to_the_data_dir_not_the_settings_file(
    qtbot: QtBot, tmp_path: Path, servers: list[LoopbackServer]
) -> None:
    srv = serve(servers, respond(http_response(200, b"hello\n")))
    settings_file, data_dir = tmp_path / "config" / "yonder.ini", tmp_path / "data" / "yonder"
    first = MainWindow(Settings(ini(settings_file), data_dir), options=OPTIONS)
    first.show()
    first.commands.focus_address_action.trigger()
    qtbot.keyClicks(first.address_bar, srv.url("/typed"))
    with qtbot.waitSignal(first.page.load_ended, timeout=10_000):
        qtbot.keyClick(first.address_bar, Qt.Key.Key_Return)
    first.close()
    first.deleteLater()

    saved = json.loads((data_dir / HISTORY_FILE).read_text(encoding="utf-8"))
    assert saved["typed"] == [srv.url("/typed")]
    assert [(v["url"], v["count"]) for v in saved["visits"]] == [(srv.url("/typed"), 1)]
    assert "typed" not in settings_file.read_text(encoding="utf-8")
    assert "geometry" in settings_file.read_text(encoding="utf-8")  # settings stay settings

    second = MainWindow(Settings(ini(settings_file), data_dir), options=OPTIONS)
    qtbot.addWidget(second)
    second.show()
    assert second.address_bar.history() == [srv.url("/typed")]
    assert [v.url for v in second.library.visits.entries] == [srv.url("/typed")]
    second.close()


def test_bookmarks_live_in_the_data_dir_and_a_broken_file_is_set_aside_and_said(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings_file, data_dir = tmp_path / "config" / "yonder.ini", tmp_path / "data" / "yonder"
    first = MainWindow(Settings(ini(settings_file), data_dir), options=OPTIONS)
    qtbot.addWidget(first)
    first.library.bookmarks.add("Kept", "http://kept.test/")
    first.library._bookmarks_changed()
    first.close()
    doc = json.loads((data_dir / BOOKMARKS_FILE).read_text(encoding="utf-8"))
    assert [b["url"] for b in doc["bookmarks"]] == ["http://kept.test/"]
    assert "kept.test" not in settings_file.read_text(encoding="utf-8")

    (data_dir / BOOKMARKS_FILE).write_bytes(b'{"format": "yonder-bookmarks", "bookm')
    second = MainWindow(Settings(ini(settings_file), data_dir), options=OPTIONS)
    qtbot.addWidget(second)
    second.show()
    assert len(second.library.bookmarks) == 0
    assert (data_dir / f"{BOOKMARKS_FILE}.bad").read_bytes().startswith(b'{"format"')
    second.load("yonder:bookmarks")
    qtbot.waitUntil(lambda: "moved to" in second.page.document_view.toPlainText())
    assert "could not be read (it is not JSON" in second.page.document_view.toPlainText()
    second.close()


def test_history_in_an_old_settings_file_moves_to_the_data_dir_once(tmp_path: Path) -> None:
    settings_file, data_dir = tmp_path / "old.ini", tmp_path / "data"
    old = ini(settings_file)
    old.setValue(LEGACY_TYPED_KEY, ["http://one.test/", "http://two.test/"])
    old.setValue("view/zoom", 2)
    old.sync()
    del old

    settings = Settings(ini(settings_file), data_dir)
    assert settings.typed_urls() == ["http://one.test/", "http://two.test/"]
    assert json.loads((data_dir / HISTORY_FILE).read_text())["typed"] == [
        "http://one.test/",
        "http://two.test/",
    ]
    text = settings_file.read_text()
    assert "typed" not in text and "zoom=2" in text  # only the history moved

    # Once: a later run reads the file, and what it saves replaces it.
    again = Settings(ini(settings_file), data_dir)
    assert again.typed_urls() == ["http://one.test/", "http://two.test/"]
    again.set_typed_urls(["http://three.test/"])
    assert Settings(ini(settings_file), data_dir).typed_urls() == ["http://three.test/"]


def test_a_one_entry_legacy_history_migrates_too(tmp_path: Path) -> None:
    old = ini(tmp_path / "old.ini")
    old.setValue(LEGACY_TYPED_KEY, ["http://only.test/"])  # an ini file reads it back as a str
    old.sync()
    assert Settings(ini(tmp_path / "old.ini"), tmp_path / "d").typed_urls() == ["http://only.test/"]


def test_a_broken_history_file_is_kept_aside_and_said(tmp_path: Path, capfd) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    too_deep = b'{"typed": ' + b"[" * 100_000  # json raises RecursionError, not ValueError
    for broken in (
        b'{"typed": ["http://a.test/"',
        b"\xff\xfe garbage",
        b'["not", "a", "dict"]',
        too_deep,
    ):
        (data_dir / HISTORY_FILE).write_bytes(broken)
        settings = Settings(ini(tmp_path / "s.ini"), data_dir)
        assert settings.typed_urls() == []
        assert (data_dir / f"{HISTORY_FILE}.bad").read_bytes() == broken
        assert not (data_dir / HISTORY_FILE).exists()
        err = capfd.readouterr().err
        assert f"the address history {data_dir / HISTORY_FILE} could not be read" in err
        assert f"moved to {data_dir / HISTORY_FILE}.bad" in err
        settings.set_typed_urls(["http://new.test/"])
        assert Settings(ini(tmp_path / "s.ini"), data_dir).typed_urls() == ["http://new.test/"]


def test_an_unwritable_data_dir_keeps_the_history_in_the_settings(
    tmp_path: Path,
    capfd,  # type: ignore[no-untyped-def]
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data dir should be")
    settings = Settings(ini(tmp_path / "s.ini"), blocker / "yonder")
    settings.set_typed_urls(["http://kept.test/"])
    assert "could not save the address history" in capfd.readouterr().err
    settings.sync()
    # Nothing lost: the next run still has it (from the settings file).
    assert Settings(ini(tmp_path / "s.ini"), blocker / "yonder").typed_urls() == [
        "http://kept.test/"
    ]


def test_the_app_uses_the_xdg_config_and_data_dirs(tmp_path: Path) -> None:
    # The real defaults (no store passed), in a process of its own with XDG_* in tmp.
    script = textwrap.dedent(
        """
        from ui.app import create_application
        from ui.settings import Settings
        app = create_application([])
        settings = Settings()
        settings.set_typed_urls(["http://typed.test/"])
        settings.set_zoom(3)
        settings.sync()
        print(settings.store.fileName())
        print(settings.history_path)
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        QT_QPA_PLATFORM="offscreen",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    config_file, history = (Path(line) for line in result.stdout.split())
    assert config_file == tmp_path / "config" / "Yonder" / "Yonder.conf"
    assert history == tmp_path / "data" / "yonder" / HISTORY_FILE
    assert json.loads(history.read_text())["typed"] == ["http://typed.test/"]
    assert "zoom=3" in config_file.read_text() and "typed" not in config_file.read_text()
