"""Saving to disk all or nothing, through QSaveFile, and asking where to save.

QSaveFile writes to a temporary file beside the target (an unnamed O_TMPFILE on Linux) and
renames it over the target only on commit(), so a cancelled or failed save leaves neither a
partial file nor a temporary one, and never damages a file that was already there.

Qt reports failures as ``errorString()`` (the C library's strerror text); :class:`SaveError`
turns that into one sentence that says what failed, where, and what the user can do.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator

from PySide6.QtCore import QDir, QIODevice, QSaveFile, QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.filenames import sanitize_filename

__all__ = [
    "LAST_DIRECTORY_KEY",
    "AtomicFile",
    "SaveCancelled",
    "SaveError",
    "ask_save_path",
    "save_bytes_atomically",
    "save_text",
]

LAST_DIRECTORY_KEY = "save/last_directory"
TEXT_SLICE_CHARS = 1024 * 1024  # save_text encodes this much at a time: bounded extra memory

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
# Qt's errorString() is strerror(errno) for file errors: map it back to the code.
_CODES = {os.strerror(code): code for code in _ADVICE}
_CODES["Filename refers to a directory"] = errno.EISDIR  # Qt's own wording


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
        self.filename = path

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
    Not thread-affine: the download worker creates and uses one on its own thread.
    """

    def __init__(self, path: str, verb: str = "save to") -> None:
        self.path = path
        self.written = 0
        self._verb = verb
        self._file = QSaveFile(path)
        self._open = False

    def open(self) -> None:
        if os.path.isdir(self.path):
            raise SaveError(self.path, os.strerror(errno.EISDIR), errno.EISDIR, self._verb)
        if not self._file.open(QIODevice.OpenModeFlag.WriteOnly):
            raise self._error()
        self._open = True

    def write(self, data: bytes) -> None:
        if not data:
            return
        if not self._open:
            # Writing to a closed QIODevice only logs a Qt warning; fail loudly instead.
            raise SaveError(self.path, "the file is not open", None, self._verb)
        written = self._file.write(data)
        if written != len(data):
            raise self._error()
        self.written += written

    def commit(self) -> None:
        if not self._open:
            raise SaveError(self.path, "the file is not open", None, self._verb)
        self._open = False
        if not self._file.commit():
            raise self._error()

    def discard(self) -> None:
        if self._open:
            self._open = False
            self._file.cancelWriting()
            self._file.commit()  # returns False by design: removes the temporary file

    def _error(self) -> SaveError:
        reason = self._file.errorString() or "unknown error"
        return SaveError(self.path, reason, _CODES.get(reason), self._verb)


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


def _encoded(text: str, encoding: str) -> Iterator[bytes]:
    for start in range(0, len(text), TEXT_SLICE_CHARS):
        # "replace": an unencodable character must not turn a save into a traceback.
        yield text[start : start + TEXT_SLICE_CHARS].encode(encoding, errors="replace")


def save_text(
    path: str,
    text: str,
    encoding: str = "utf-8",
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Save ``text`` encoded with ``encoding``, atomically (see :func:`save_bytes_atomically`)."""
    save_bytes_atomically(path, _encoded(text, encoding), cancelled)


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
