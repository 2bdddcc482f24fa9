"""FramePacer: a frame timer for secondary views (the Stream dock) that yields to the document.

Why: during a fast transfer the document view inserts text for ~9 ms every 16 ms. A secondary
view that renders in the same event-loop turn adds its cost to that stall (measured: the
timeline's frame landing in the insert's turn made 20-27 ms gaps). The pacer is a single-shot
timer re-armed every frame; when it fires late, something long ran in this turn, so the frame
waits for a later, quiet turn (a 0 ms retry), at most ``max_deferrals`` times.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Slot

QUIET_S = 0.002  # a timer later than this is sharing its turn with other work
MAX_DEFERRALS = 6  # turns a frame may wait for a quiet one (then it runs regardless)


class FramePacer(QObject):
    """Calls ``frame()`` every ``interval_ms`` while ``request()`` is called between frames,
    in a quiet event-loop turn when it can; stops one frame after the requests stop.

    Signals: none. ``frame`` is a plain callable; ``should_defer()`` says whether waiting is
    worth it (e.g. False while the view is hidden: nothing is drawn, so nothing to spread).
    """

    def __init__(
        self,
        interval_ms: int,
        frame: Callable[[], None],
        should_defer: Callable[[], bool] = lambda: True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self._frame = frame
        self._should_defer = should_defer
        self._pending = False
        self._due = 0.0  # perf_counter() at which the armed timer is due
        self._deferrals = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timeout)

    def request(self) -> None:
        """Something changed: run a frame within about one interval."""
        self._pending = True
        if not self._timer.isActive():
            self._arm(self.interval_ms)

    @property
    def pending(self) -> bool:
        return self._pending

    def is_active(self) -> bool:
        """True from a request until one idle interval after the last frame."""
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()
        self._pending = False
        self._deferrals = 0

    def _arm(self, ms: int) -> None:
        self._due = time.perf_counter() + ms / 1000
        self._timer.start(ms)

    @Slot()
    def _on_timeout(self) -> None:
        if not self._pending:
            self._deferrals = 0
            return  # idle: not re-armed, no wake-ups while nothing changes
        late = time.perf_counter() - self._due
        if late > QUIET_S and self._deferrals < MAX_DEFERRALS and self._should_defer():
            self._deferrals += 1
            self._arm(0)
            return
        self._deferrals = 0
        self._pending = False
        self._arm(self.interval_ms)  # before the frame: a frame may request() again
        self._frame()
