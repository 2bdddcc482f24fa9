"""Saving to disk all or nothing, and asking where to save.

:class:`AtomicFile` writes to a temporary file beside the target (an unnamed O_TMPFILE on
Linux, else a hidden ``.name.*.part``) and moves it over the target only on commit()
(``os.replace``), so a cancelled or failed save leaves neither a partial file nor a temporary
one, and never damages a file that was already there.

Plain ``os`` calls, not QSaveFile: each one releases the GIL while the disk works (QSaveFile's
commit and discard held it for seconds on a multi-GB file, freezing the window while a
download or a save ran on another thread), and failures carry their errno (QSaveFile said
"Unknown error" for a full disk). :class:`SaveError` turns the errno into one sentence that
says what failed, where, and what the user can do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
import uuid
from collections.abc import Callable, Iterable

from PySide6.QtCore import QDir, QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.text.filenames import sanitize_filename

__all__ = [
    "LAST_DIRECTORY_KEY",
    "AtomicFile",
    "SaveCancelled",
    "SaveError",
    "ask_save_path",
    "save_bytes_atomically",
]

LAST_DIRECTORY_KEY = "save/last_directory"
HURRY_POLL_S = 0.01  # how often a commit waiting for the disk looks whether it must hurry

_ADVICE = {
    errno.ENOSPC: "Free some space on that disk or choose another folder.",
    errno.EDQUOT: "Your disk quota is used up; free some space or choose another folder.",
    errno.EACCES: "Choose a folder you are allowed to write to.",
    errno.EPERM: "Choose a folder you are allowed to write to.",
    errno.EROFS: "That disk is read-only; choose another folder.",
    errno.ENOENT: "The folder does not exist; choose another one.",
    errno.ENOTDIR: "Part of that path is not a folder; choose another one.",
    errno.EISDIR: "That name belongs to a folder; choose another file name.",
    errno.ENAMETOOLONG: "Choose a shorter file name.",
    errno.EIO: "The disk reported an input/output error; try another disk.",
}


class SaveError(OSError):
    """Saving failed; ``str(err)`` is a complete user-facing sentence.

    ``errno`` is set when the reason is a known system error (ENOSPC, EACCES, ...),
    ``filename`` is the target path and ``strerror`` the bare reason.
    """

    def __init__(
        self, path: str, reason: str, code: int | None = None, verb: str = "save to"
    ) -> None:
        advice = _ADVICE.get(code) if code is not None else None
        message = f"Could not {verb} {path}: {reason}" + (f". {advice}" if advice else "")
        super().__init__(message)
        self.message = message
        self.errno = code  # None when the reason is not a known system error
        self.strerror = reason

    def __str__(self) -> str:
        return self.message


class SaveCancelled(SaveError):
    """The save was cancelled before it completed; nothing was written."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "cancelled")
        self.message = f"Saving to {path} was cancelled; nothing was written."

    def __str__(self) -> str:
        return self.message


class AtomicFile:
    """One file written all or nothing: ``open()``, ``write()`` any number of times, then
    ``commit()``; ``discard()`` (safe to call at any time, twice) drops everything written.

    Every failure raises :class:`SaveError` naming ``path``; ``verb`` words its message
    ("save to" -> "Could not save to /x: ...", "write" -> "Could not write /x: ...").
    Not thread-affine: the download worker and the background save use one on their thread.
    """

    def __init__(self, path: str, verb: str = "save to") -> None:
        self.path = path
        self.written = 0
        #: After commit(): False when it was hurried, so the file went in place before the
        #: disk confirmed its data (the system writes it out all the same).
        self.synced = True
        self._verb = verb
        self._fd = -1
        self._temp: str | None = None  # the named temporary file, when O_TMPFILE is missing

    def open(self) -> None:
        if os.path.isdir(self.path):
            raise SaveError(self.path, os.strerror(errno.EISDIR), errno.EISDIR, self._verb)
        folder = os.path.dirname(os.path.abspath(self.path))
        tmpfile = getattr(os, "O_TMPFILE", 0)
        try:
            if tmpfile:
                try:
                    self._fd = os.open(folder, tmpfile | os.O_WRONLY | os.O_CLOEXEC, 0o666)
                except OSError as exc:
                    if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.EISDIR):
                        raise
            if self._fd < 0:  # a filesystem without O_TMPFILE: a hidden name beside it
                temp = self._temp_name()
                self._fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
                self._temp = temp
        except OSError as exc:
            raise self._error(exc) from exc

    def _temp_name(self) -> str:
        folder, name = os.path.split(os.path.abspath(self.path))
        # At most 100 bytes of the name (not characters: 100 of them can be 400 bytes of
        # UTF-8), so that ".name.<12>.part" stays within 255 bytes whatever the name.
        short = os.fsdecode(os.fsencode(name)[:100].decode("utf-8", "ignore").encode())
        return os.path.join(folder, f".{short}.{uuid.uuid4().hex[:12]}.part")

    def write(self, data: bytes) -> None:
        if not data:
            return
        if self._fd < 0:
            raise SaveError(self.path, "the file is not open", None, self._verb)
        view = memoryview(data)
        try:
            while view:
                written = os.write(self._fd, view)
                if written <= 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                self.written += written
                view = view[written:]
        except OSError as exc:
            raise self._error(exc) from exc

    def commit(self, hurry: threading.Event | None = None) -> None:
        """Put the file in place: fsync, keep an existing file's permissions, rename over it.

        ``hurry``: once it is set (the window is closing), stop waiting for the fsync and
        put the file in place at once. Every byte is written already (it is in the page
        cache, which the kernel writes out whether or not Yonder is still running); only
        the wait for the disk is skipped, which for GBs can outlast any close (an fsync of
        2 GB of dirty pages takes seconds). :attr:`synced` says which it was."""
        if self._fd < 0:
            raise SaveError(self.path, "the file is not open", None, self._verb)
        fd, self._fd = self._fd, -1
        temp, self._temp = self._temp, None
        try:
            try:
                if hurry is None:
                    os.fsync(fd)
                else:
                    self.synced = _fsync_unless_hurried(fd, hurry)
                with contextlib.suppress(FileNotFoundError):
                    os.fchmod(fd, stat.S_IMODE(os.stat(self.path).st_mode))
                if temp is None:  # O_TMPFILE: give it a name first, then move it in place
                    temp = self._temp_name()
                    _link_fd(fd, temp)
                os.replace(temp, self.path)
                temp = None
            finally:
                os.close(fd)
                if temp is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(temp)
        except OSError as exc:
            raise self._error(exc) from exc

    def discard(self) -> None:
        if self._fd >= 0:
            from ui.text.release import close_soon

            fd, self._fd = self._fd, -1
            # An unnamed file's blocks are freed at this close: seconds for a multi-GB one,
            # which must not keep a download thread alive past the window's close wait.
            close_soon(lambda: os.close(fd), self.written)
        if self._temp is not None:
            temp, self._temp = self._temp, None
            with contextlib.suppress(OSError):
                os.unlink(temp)

    def _error(self, exc: OSError) -> SaveError:
        code = exc.errno
        reason = os.strerror(code) if code else (str(exc) or "unknown error")
        return SaveError(self.path, reason, code, self._verb)


def _fsync_unless_hurried(fd: int, hurry: threading.Event) -> bool:
    """fsync ``fd`` on a daemon thread of its own (a duplicate descriptor: ``fd`` may be
    closed before it ends) and wait for it, or for ``hurry``; True when it finished. A
    failed fsync raises here as os.fsync would; one still running when hurried goes on."""
    copy = os.dup(fd)
    ended = threading.Event()
    failure: list[OSError] = []

    def sync() -> None:
        try:
            os.fsync(copy)
        except OSError as exc:
            failure.append(exc)
        finally:
            os.close(copy)
            ended.set()

    threading.Thread(target=sync, name="yonder-fsync", daemon=True).start()
    while not ended.wait(HURRY_POLL_S):
        if hurry.is_set():
            return False
    if failure:
        raise failure[0]
    return True


def _link_fd(fd: int, path: str) -> None:
    """Give the unnamed file ``fd`` the name ``path``: linkat(2) following /proc's link to it
    (os.link cannot: it calls link(2), which never follows the last symlink)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_symlink_follow = -100, 0x400
    source = f"/proc/self/fd/{fd}".encode()
    if libc.linkat(at_fdcwd, source, at_fdcwd, os.fsencode(path), at_symlink_follow) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), path)


def save_bytes_atomically(
    path: str, chunks: Iterable[bytes], cancelled: Callable[[], bool] | None = None
) -> None:
    """Write every chunk to ``path``; the file appears only when all of them were written.

    ``cancelled`` is polled before each chunk and before the commit; when it answers True,
    :class:`SaveCancelled` is raised and nothing is written. Any failure (including an
    exception from ``chunks`` itself) discards the partial data and propagates; disk errors
    are :class:`SaveError`.
    """
    sink = AtomicFile(path)
    sink.open()
    try:
        for chunk in chunks:
            if cancelled is not None and cancelled():
                raise SaveCancelled(path)
            sink.write(chunk)
        if cancelled is not None and cancelled():
            raise SaveCancelled(path)
        sink.commit()
    except BaseException:
        sink.discard()
        raise


def _default_directory() -> str:
    for location in (
        QStandardPaths.StandardLocation.DownloadLocation,
        QStandardPaths.StandardLocation.HomeLocation,
    ):
        path = QStandardPaths.writableLocation(location)
        if path and os.path.isdir(path):
            return path
    return QDir.homePath()


def ask_save_path(
    parent: QWidget | None,
    suggested_name: str,
    directory: str | None = None,
    *,
    caption: str = "Save As",
    settings: QSettings | None = None,
    native: bool = True,
) -> str | None:
    """Ask where to save; the chosen path, or None when the user cancelled.

    The dialog opens in ``directory``, else the folder of the last save (remembered in
    QSettings under LAST_DIRECTORY_KEY), else Downloads, else home; the name is sanitised
    again (it may come from a server). The dialog asks before overwriting. ``native=False``
    forces Qt's own dialog (tests drive it; a native one cannot be).
    """
    store = settings if settings is not None else QSettings()
    remembered = store.value(LAST_DIRECTORY_KEY, "", str)
    start = directory or (remembered if isinstance(remembered, str) else "")
    if not start or not os.path.isdir(start):
        start = _default_directory()
    dialog = QFileDialog(parent, caption)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    if not native:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setDirectory(start)
    dialog.selectFile(sanitize_filename(suggested_name))
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return None
        files = dialog.selectedFiles()
    finally:
        dialog.deleteLater()
    if not files or not files[0]:
        return None
    path = files[0]
    store.setValue(LAST_DIRECTORY_KEY, os.path.dirname(path))
    return path
