"""Pausing Python's cyclic garbage collector around a background job.

A job on a thread of its own (pretty-printing JSON, parsing an imported bookmark file)
builds hundreds of thousands of new objects; each time they pass the collector's
thresholds, a collection walks them all while holding the GIL (30-100 ms measured), which
stops the GUI thread just as well as doing the job there. These jobs make no reference
cycles, so reference counting frees everything they made; the collector is paused while any
of them runs and restored (to what it was before the first) when the last one ends.

Pure Python, no Qt.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["collector_paused"]

_lock = threading.Lock()
_pauses = 0  # jobs running with the collector paused
_was_enabled = False  # the collector's state before the first of them


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic collection off for the block (nested and concurrent blocks count)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
