"""What the GUI thread was doing during its long event-loop turns.

A heartbeat QTimer says *that* the window could not react for N ms; this says *where*.
A watcher thread notes each heartbeat; once the GUI thread has missed them for longer than
``threshold_ms`` it samples the GUI thread's Python stack (``sys._current_frames``) every
``every_ms`` until the next beat. Each stall is kept with its duration and its most frequent
innermost frames, e.g.::

    stall 148 ms (29 samples): 29x ui/page/document_view.py:712 _insert_slices
                                <- ui/page/document_view.py:650 _on_frame

Each stall also gives the CPU time the GUI thread and the whole process used meanwhile: a
stall of 180 ms with 20 ms of GUI CPU was a wait, for the GIL (when the process CPU is
high: another thread of ours ran) or for a core (when it is low too: the machine's other
load had the CPUs). A stall whose samples end in the event loop itself (``processEvents``,
``exec``) was spent in Qt's C++ (layout, paint, a signal flood) with no Python frame of ours
on the stack; one with no samples at all held the GIL (a long C call from Python: the
watcher could not run).

    sampler = StallSampler(); sampler.start()   # on the GUI thread, with its event loop
    ...                                          # run the case
    for line in sampler.stop(): print(line)
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Stall:
    began: float  # perf_counter of the last beat before it
    ms: float = 0.0
    gui_cpu_ms: float = 0.0  # CPU time the GUI thread used meanwhile
    process_cpu_ms: float = 0.0  # ...and the whole process (every thread)
    samples: Counter[tuple[str, ...]] = field(default_factory=Counter)


def _where(frame: object, depth: int) -> tuple[str, ...]:
    """The innermost ``depth`` frames, as "path:line function" (paths relative to the
    project where they are in it)."""
    out: list[str] = []
    while frame is not None and len(out) < depth:
        code = frame.f_code  # type: ignore[attr-defined]
        name = code.co_filename
        try:
            name = str(Path(name).resolve().relative_to(ROOT))
        except ValueError:
            name = Path(name).name
        out.append(f"{name}:{frame.f_lineno} {code.co_name}")  # type: ignore[attr-defined]
        frame = frame.f_back  # type: ignore[attr-defined]
    return tuple(out)


class StallSampler:
    """Samples the GUI thread's stack during every turn longer than ``threshold_ms``."""

    def __init__(self, threshold_ms: float = 40, every_ms: float = 4, depth: int = 4) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.threshold = threshold_ms / 1000
        self.every = every_ms / 1000
        self.depth = depth
        self.stalls: list[Stall] = []
        self._gui = threading.get_ident()
        self._last = time.perf_counter()
        self._last_cpu = (time.thread_time(), time.process_time())
        self._stop = threading.Event()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(2)
        self._timer.timeout.connect(self._beat)
        self._thread = threading.Thread(target=self._watch, name="stall-sampler", daemon=True)
        self._current: Stall | None = None

    def _beat(self) -> None:
        now = time.perf_counter()
        current = self._current
        if current is None and now - self._last >= self.threshold:
            current = Stall(self._last)  # the watcher never ran: the GIL was held throughout
        cpu = (time.thread_time(), time.process_time())
        if current is not None:
            current.ms = (now - current.began) * 1000
            current.gui_cpu_ms = (cpu[0] - self._last_cpu[0]) * 1000
            current.process_cpu_ms = (cpu[1] - self._last_cpu[1]) * 1000
            self.stalls.append(current)
            self._current = None
        self._last = now
        self._last_cpu = cpu

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            last = self._last
            if time.perf_counter() - last < self.threshold:
                continue
            frame = sys._current_frames().get(self._gui)
            if frame is None:
                continue
            current = self._current
            if current is None or current.began != last:
                current = self._current = Stall(last)
            current.samples[_where(frame, self.depth)] += 1
            del frame

    def start(self) -> None:
        self._last = time.perf_counter()
        self._last_cpu = (time.thread_time(), time.process_time())
        self._timer.start()
        self._thread.start()

    def stop(self, top: int = 4) -> list[str]:
        """Stop; a summary line, then the ``top`` longest stalls in which the GUI thread
        itself worked (its CPU time at least half the stall: our code or Qt's, to fix),
        longest first. The others were waits (for a core, or for the GIL)."""
        self._timer.stop()
        self._stop.set()
        self._thread.join(2)
        working = [s for s in self.stalls if s.gui_cpu_ms >= s.ms / 2]
        waits = [s for s in self.stalls if s.gui_cpu_ms < s.ms / 2]
        worst_wait = max((s.ms for s in waits), default=0.0)
        worst_work = max((s.ms for s in working), default=0.0)
        waited = sum(s.ms for s in waits) or 1.0
        lines = [
            f"turns over {self.threshold * 1000:.0f} ms: {len(self.stalls)}; the GUI thread "
            f"working in {len(working)} (worst {worst_work:.0f} ms), waiting in {len(waits)} "
            f"(worst {worst_wait:.0f} ms; during the waits the GUI thread ran "
            f"{100 * sum(s.gui_cpu_ms for s in waits) / waited:.0f}% of the time, the whole "
            f"process {100 * sum(s.process_cpu_ms for s in waits) / waited:.0f}%: "
            "near 100% would be the GIL, near 0 the machine's other load)"
        ]
        for stall in sorted(working, key=lambda s: -s.ms)[:top]:
            count = sum(stall.samples.values())
            lines.append(
                f"stall {stall.ms:.0f} ms, GUI thread CPU {stall.gui_cpu_ms:.0f} ms, process "
                f"CPU {stall.process_cpu_ms:.0f} ms ({count} samples):"
            )
            for where, times in stall.samples.most_common(3):
                lines.append(f"    {times}x " + "\n          <- ".join(where))
        return lines


def started(threshold_ms: float, depth: int = 6) -> StallSampler:
    """A StallSampler of turns longer than ``threshold_ms``, started (the benches' --stalls)."""
    sampler = StallSampler(threshold_ms, depth=depth)
    sampler.start()
    return sampler
