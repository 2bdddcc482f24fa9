"""The text of a crash report: what an unexpected exception on the GUI thread shows in its
dialog, for the user to copy into a bug report. Pure logic (no Qt): the caller passes in the
Qt versions."""

from __future__ import annotations

import datetime
import platform
import sys
import traceback
from types import TracebackType

from net.version import version


def crash_report(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    qt_version: str,
    pyside_version: str,
    qt_platform: str = "",
    log_file: str | None = None,
    now: datetime.datetime | None = None,
) -> str:
    """The whole report: what happened, where Yonder runs, the traceback with its chain."""
    when = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        f"Yonder {version()}: unexpected error ({exc_type.__name__})",
        "",
        f"Time:     {when}",
        f"Python:   {platform.python_version()} ({platform.python_implementation()}, "
        f"{sys.executable or 'embedded'})",
        f"Qt:       {qt_version} (PySide6 {pyside_version})"
        + (f", platform plugin '{qt_platform}'" if qt_platform else ""),
        f"Platform: {platform.platform()}",
        f"Frozen:   {'yes' if getattr(sys, 'frozen', False) else 'no'}",
    ]
    if log_file:
        lines.append(f"Log file: {log_file}")
    lines += ["", "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()]
    return "\n".join(lines) + "\n"


def one_line(exc: BaseException) -> str:
    """``ValueError: bad thing``, for the dialog's heading."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    text = text if len(text) <= 200 else text[:199] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
