"""Closing big files off the calling thread.

Closing the last descriptor of an unlinked multi-GB file is where the kernel frees its
blocks: 1-8 s here for a spilled body, during which the closing thread is stuck (on the GUI
thread: the window frozen; on a download thread: a thread that outlives the window's close
wait). Small files are closed at once; a big one on a daemon thread of its own (if Yonder
exits first, the kernel closes it with the process).

Pure Python, no Qt.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

__all__ = ["BIG_FILE", "close_soon"]

BIG_FILE = 64 * 1024 * 1024  # from this size on, closing goes to a thread of its own


def close_soon(close: Callable[[], None], size: int) -> None:
    """Run ``close`` now when ``size`` is small, else on a daemon thread; never raises."""
    if size < BIG_FILE:
        with contextlib.suppress(OSError):
            close()
        return

    def run() -> None:
        with contextlib.suppress(OSError):
            close()

    threading.Thread(target=run, name="yonder-release", daemon=True).start()
