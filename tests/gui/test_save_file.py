"""Saving all or nothing: success, and every failure leaves no partial or temporary file."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.small_disk import small_disk
from ui.downloads.save_file import (
    LAST_DIRECTORY_KEY,
    SaveCancelled,
    SaveError,
    ask_save_path,
    save_bytes_atomically,
)

ROOT = Path(__file__).resolve().parents[2]


def test_saves_every_chunk(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    save_bytes_atomically(str(target), [b"<p>", b"", b"hello", b"</p>"])
    assert target.read_bytes() == b"<p>hello</p>"
    assert os.listdir(tmp_path) == ["page.html"]


@pytest.mark.parametrize("name", ["日" * 83 + ".txt", "x" * 251 + ".txt", "🙂" * 62 + ".md"])
def test_the_longest_names_a_disk_allows_are_saved(tmp_path: Path, name: str) -> None:
    # 255 bytes and under: the name is valid, so the temporary name beside it must be too
    # (it was cut to 100 characters, up to 400 bytes of UTF-8: ENAMETOOLONG at the commit).
    assert len(os.fsencode(name)) <= 255
    target = tmp_path / name
    save_bytes_atomically(str(target), [b"whole"])
    assert target.read_bytes() == b"whole"
    assert os.listdir(tmp_path) == [name]


def test_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "x.txt"
    with pytest.raises(SaveError) as info:
        save_bytes_atomically(str(target), [b"x"])
    assert info.value.errno == errno.ENOENT
    assert str(info.value).startswith(f"Could not save to {target}: No such file or directory.")
    assert "choose another" in str(info.value)
    assert os.listdir(tmp_path) == []


def test_target_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(SaveError) as info:
        save_bytes_atomically(str(tmp_path), [b"x"])
    assert info.value.errno == errno.EISDIR
    assert os.listdir(tmp_path) == []


def chunks_then(fail_after: int, exc: BaseException | None = None) -> Iterator[bytes]:
    for _ in range(fail_after):
        yield b"x" * 1000
    if exc is not None:
        raise exc


def test_disk_full_midway_keeps_the_old_file(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "64k") as disk:
        target = disk / "page.html"
        target.write_bytes(b"the previous version")
        with pytest.raises(SaveError) as info:
            save_bytes_atomically(str(target), chunks_then(500))
        assert str(info.value) == (
            f"Could not save to {target}: No space left on device. "
            "Free some space on that disk or choose another folder."
        )
        assert info.value.errno == errno.ENOSPC and isinstance(info.value, OSError)
        assert target.read_bytes() == b"the previous version"
        assert os.listdir(disk) == ["page.html"]
        # Small writes too (QSaveFile buffered them and said "Unknown error" at commit).
        with pytest.raises(SaveError) as info:
            save_bytes_atomically(str(target), (b"y" * 100 for _ in range(2000)))
        assert info.value.errno == errno.ENOSPC
        assert os.listdir(disk) == ["page.html"]


def test_commit_keeps_an_existing_files_permissions(tmp_path: Path) -> None:
    target = tmp_path / "script.sh"
    target.write_bytes(b"old")
    target.chmod(0o751)
    save_bytes_atomically(str(target), [b"new"])
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o751
    assert os.listdir(tmp_path) == ["script.sh"]


def test_cancelled_midway(tmp_path: Path) -> None:
    target = tmp_path / "big.bin"
    written: list[int] = []

    def chunks() -> Iterator[bytes]:
        for i in range(10):
            written.append(i)
            yield b"y" * 1000

    with pytest.raises(SaveCancelled) as info:
        save_bytes_atomically(str(target), chunks(), cancelled=lambda: len(written) > 3)
    assert str(info.value) == f"Saving to {target} was cancelled; nothing was written."
    assert len(written) == 4  # stopped at once, not after the rest
    assert os.listdir(tmp_path) == []


def test_source_fails_midway(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="source broke"):
        save_bytes_atomically(str(tmp_path / "x"), chunks_then(3, ValueError("source broke")))
    assert os.listdir(tmp_path) == []


def test_real_full_and_read_only_disks(tmp_path: Path) -> None:
    """A real 64 KiB tmpfs (ENOSPC) and a read-only one (EROFS), in a private mount namespace
    (root is not stopped by file modes, so a read-only mount is the honest refusal here)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from ui.downloads.save_file import SaveError, save_bytes_atomically
        target = {str(mount / "big.bin")!r}
        for attempt in ("full", "read-only"):
            try:
                save_bytes_atomically(target, [b"z" * 16384] * 8)
            except SaveError as exc:
                print(exc.errno, exc, os.listdir({str(mount)!r}))
            os.system("mount -o remount,ro {mount}")
        """
    )
    mount_and_run = f'mount -t tmpfs -o size=64k tmpfs {mount} && exec "$0" "$@"'
    unshare = ["unshare", "--mount", "--propagation", "private", "sh", "-c", mount_and_run]
    result = subprocess.run(
        [*unshare, sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    full, read_only = result.stdout.splitlines()
    target = mount / "big.bin"
    assert full == (
        f"{errno.ENOSPC} Could not save to {target}: No space left on device. "
        "Free some space on that disk or choose another folder. []"
    )
    assert read_only == (
        f"{errno.EROFS} Could not save to {target}: Read-only file system. "
        "That disk is read-only; choose another folder. []"
    )


def accept_dialog_with(qtbot: QtBot, name: str | None) -> None:
    """Once the modal file dialog is up: type ``name`` and accept, or reject (None)."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(10, act)
            return
        if name is None:
            dialog.reject()
        else:
            dialog.selectFile(name)
            dialog.accept()

    QTimer.singleShot(0, act)


def test_ask_save_path_remembers_the_folder(qtbot: QtBot, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    folder = tmp_path / "saves"
    folder.mkdir()
    accept_dialog_with(qtbot, str(folder / "page.html"))
    path = ask_save_path(
        parent, "../../etc/page.html", str(tmp_path), settings=settings, native=False
    )
    assert path == str(folder / "page.html")
    assert settings.value(LAST_DIRECTORY_KEY) == str(folder)

    seen: list[str] = []

    def check_start_then_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(10, check_start_then_cancel)
            return
        seen.append(dialog.directory().absolutePath())
        seen.extend(dialog.selectedFiles())
        dialog.reject()

    QTimer.singleShot(0, check_start_then_cancel)
    assert ask_save_path(parent, "a/b\x07c.txt", settings=settings, native=False) is None
    assert seen == [str(folder), str(folder / "bc.txt")]  # remembered folder, sanitised name
