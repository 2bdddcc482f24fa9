"""Turns of the event loop: the GUI thread's big pieces of work each get one of their own.

A document view's insert, a page renderer's tick and a read of the renderer process's
answers each take milliseconds. Two of them back to back in one turn make one long stall
(input and paint wait for both), so each piece asks :class:`TurnGuard` first and, when
another piece has just ended, comes back DEFER_MS later.
"""

from __future__ import annotations

import time

# Two big pieces of GUI-thread work never share one turn of the event loop: one that would
# start within this long of the other's end waits.
TURN_GAP_S = 0.001
DEFER_MS = 1
# A shown document view counts as streaming until it has not inserted for this long (a hidden
# view inserts less often meanwhile: ui/page/document_view.py's HIDDEN_FRAME_MS).
SHOWN_QUIET_S = 0.1


class TurnGuard:
    """Spreads the GUI thread's big pieces of work over separate event-loop turns.

    Each piece calls :meth:`busy` first (True: another piece just ended, so this turn is
    spent: come back in DEFER_MS) and :meth:`done` when it has worked. Between the two, Qt
    runs input, paint and other timers, so no turn holds two budgets' worth of work.
    """

    last_end = 0.0
    last_piece: object = None  # whose piece ended at last_end (None: not said)
    shown_insert_end = 0.0  # when a shown document view last inserted (see SHOWN_QUIET_S)

    @classmethod
    def shown_streaming(cls) -> bool:
        return time.perf_counter() - cls.shown_insert_end < SHOWN_QUIET_S

    @classmethod
    def busy(cls, piece: object = None) -> bool:
        """Another piece just ended (``piece``: who asks; its own last end does not count)."""
        if piece is not None and cls.last_piece is piece:
            return False
        return time.perf_counter() - cls.last_end < TURN_GAP_S

    @classmethod
    def done(cls, piece: object = None) -> None:
        cls.last_end = time.perf_counter()
        cls.last_piece = piece
