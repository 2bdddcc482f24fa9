"""The window's side of the renderer process (:mod:`ui.text.render.remote`).

One process serves every tab, started with the window (ui.app.tune_runtime) or by the first
big HTML page, and kept for the app's life (it ends by itself when its input closes: the app
quit or died). A page's renderer opens a :class:`RemoteStream`, sends decoded text, and takes
what came back when it has time; what it has sent but not yet taken back is bounded
(:data:`AHEAD_CHARS`), so neither a fast network nor a slow view piles up output in memory.

Nothing here ever blocks the GUI thread: both pipes are non-blocking, a QSocketNotifier reads
answers as they come (and writes what did not fit into the pipe at once). If the process
cannot start, dies, sends garbage, or owes answers and sends nothing for SILENT_LIMIT_MS (it
hangs), every open stream is told (:attr:`RemoteStream.failed`) and its page renders in the
window's process instead, from the stored body; after MAX_FAILURES the process is no longer
tried in this session.
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer, Slot

from ui.page.turns import DEFER_MS, TurnGuard
from ui.text.render.remote import FrameReader, Message, Output, ProtocolError, encode

log = logging.getLogger("yonder.page.render_process")

#: YONDER_RENDER_PROCESS=0 renders every page in the window's process (benches compare).
ENV = "YONDER_RENDER_PROCESS"
#: Pages at least this big (declared or received) render in the process: below it a round
#: trip and a second copy of the text cost more than rendering them here.
MIN_BYTES = 256 * 1024
AHEAD_CHARS = 512 * 1024  # text sent and not yet taken back, a stream at most
READ_BUDGET = 4 * 1024 * 1024  # bytes read from the pipe in one turn of the event loop
READ_CHUNK = 256 * 1024  # bytes a read() asks for: the clock is looked at between two
# A read of the answers (and their unmarshalling) is one of the GUI thread's big pieces of work
# (ui/page/turns.py): it waits for a turn of its own, at most this many times, and stops once
# past this long (at the end of a READ_CHUNK: unmarshalling one big answer can take longer);
# what it left in the pipe is read in the next turn, which it does not defer for itself.
READ_DEFERRALS = 4
READ_BUDGET_S = 0.003
READ_PIECE_S = 0.0005  # a read shorter than this is no big piece: it defers no one
MAX_FAILURES = 3
# A process that owes answers and sends nothing for this long is taken for hung and ended. A
# stream has at most AHEAD_CHARS on the way, and the whole 8.4 MB all.html renders in about a
# second (bench/README.md): this is a stuck renderer, not a slow one.
SILENT_LIMIT_MS = 15_000
#: Each pipe's buffer (Linux: F_SETPIPE_SZ, at most /proc/sys/fs/pipe-max-size, 1 MiB by
#: default). The default 64 KiB held less than one answer: the process waited in write() for
#: the window to read, while the window inserted text (bench/README.md).
PIPE_BYTES = 1024 * 1024


class RemoteStream:
    """One document in the renderer process."""

    def __init__(self, process: RenderProcess, stream: int, on_ready: Callable[[], None]) -> None:
        self._process = process
        self.stream = stream
        self._on_ready = on_ready
        self._answers: deque[tuple[bool, Output]] = deque()
        self._sizes: deque[int] = deque()  # characters of each message not yet taken back
        self.ahead = 0  # characters sent and not yet taken back
        self.failed: str | None = None  # why the process cannot finish this document
        self.owed = 0  # feeds and closes sent that the process has not answered yet

    def feed(self, text: str) -> None:
        self._sizes.append(len(text))
        self.ahead += len(text)
        self.owed += 1
        self._process.send(("feed", self.stream, text))

    def close(self) -> None:
        self._sizes.append(0)
        self.owed += 1
        self._process.send(("close", self.stream))

    def drop(self) -> None:
        self._process.drop(self)
        self._answers.clear()

    @property
    def waiting(self) -> bool:
        """Some of what was sent has not been taken back yet."""
        return bool(self._sizes)

    @property
    def has_room(self) -> bool:
        return self.ahead < AHEAD_CHARS

    def take(self) -> tuple[bool, Output] | None:
        """The next answer, in order: (closed, output), or None while none has come."""
        if not self._answers:
            return None
        if self._sizes:
            self.ahead -= self._sizes.popleft()
        return self._answers.popleft()

    def _answer(self, closed: bool, output: Output) -> None:
        self.owed -= 1
        self._answers.append((closed, output))
        self._on_ready()

    def _fail(self, reason: str) -> None:
        if self.failed is None:
            self.failed = reason
            self._on_ready()


class RenderProcess(QObject):
    """The renderer process and its pipes."""

    def __init__(self, command: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._streams: dict[int, RemoteStream] = {}
        self._next = 1
        self.opened = 0  # documents it was given, in all
        self._reader = FrameReader()
        self._out = bytearray()
        self.dead: str | None = None
        self._proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._write_fd = self._proc.stdin.fileno()
        self._read_fd = self._proc.stdout.fileno()
        os.set_blocking(self._write_fd, False)
        os.set_blocking(self._read_fd, False)
        for fd in (self._write_fd, self._read_fd):
            _widen_pipe(fd)
        self._readable = QSocketNotifier(self._read_fd, QSocketNotifier.Type.Read, self)
        self._readable.activated.connect(self._on_readable)
        self._writable = QSocketNotifier(self._write_fd, QSocketNotifier.Type.Write, self)
        self._writable.setEnabled(False)
        self._writable.activated.connect(self._flush)
        self._deferrals = 0
        self._resume = QTimer(self)  # a deferred read: see _on_readable
        self._resume.setSingleShot(True)
        self._resume.timeout.connect(self._on_resume)
        # Runs while answers are owed, restarted by each read: see SILENT_LIMIT_MS.
        self._silence = QTimer(self)
        self._silence.setSingleShot(True)
        self._silence.setInterval(SILENT_LIMIT_MS)
        self._silence.timeout.connect(self._on_silence)
        log.info("the renderer process started (pid %d)", self._proc.pid)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def open_stream(
        self, base_url: str, table_width: int, on_ready: Callable[[], None]
    ) -> RemoteStream:
        stream = RemoteStream(self, self._next, on_ready)
        self._next += 1
        self.opened += 1
        log.info("rendering %s in the renderer process (pid %d)", base_url, self._proc.pid)
        self._streams[stream.stream] = stream
        self.send(("open", stream.stream, base_url, table_width))
        return stream

    def drop(self, stream: RemoteStream) -> None:
        if self._streams.pop(stream.stream, None) is not None and self.dead is None:
            self.send(("drop", stream.stream))
            if not self._owes():
                self._silence.stop()

    def send(self, message: Message) -> None:
        if self.dead is not None:
            return
        self._out += encode(message)
        if message[0] in ("feed", "close") and not self._silence.isActive():
            self._silence.start()
        self._flush()

    def _owes(self) -> bool:
        return any(stream.owed for stream in self._streams.values())

    @Slot()
    def _on_silence(self) -> None:
        if self._resume.isActive():  # a read waits for its turn: the process did answer
            self._silence.start()
            return
        if self.dead is None and self._owes():
            seconds = SILENT_LIMIT_MS / 1000
            self._die(f"the renderer process did not answer for {seconds:g} s")

    @Slot()
    def _flush(self) -> None:
        while self._out and self.dead is None:
            try:
                written = os.write(self._write_fd, self._out)
            except BlockingIOError:
                break
            except OSError as exc:  # the process is gone (EPIPE)
                self._die(
                    self._exit_reason(f"the renderer process stopped reading ({exc.strerror})")
                )
                return
            del self._out[:written]
        if self.dead is None:
            self._writable.setEnabled(bool(self._out))

    @Slot()
    def _on_readable(self) -> None:
        if TurnGuard.busy(self) and self._deferrals < READ_DEFERRALS:
            # A view's insert or a renderer's tick just ended in this turn: the answers wait
            # in the pipe for a turn of their own (the notifier fires again once re-enabled).
            self._deferrals += 1
            self._readable.setEnabled(False)
            self._resume.start(DEFER_MS)
            return
        self._deferrals = 0
        started = time.perf_counter()
        try:
            self._read(started + READ_BUDGET_S)
        finally:
            if time.perf_counter() - started > READ_PIECE_S:
                TurnGuard.done(self)

    @Slot()
    def _on_resume(self) -> None:
        if self.dead is None:
            self._readable.setEnabled(True)

    def _read(self, deadline: float) -> None:
        """What the pipe holds, READ_BUDGET bytes at most, until ``deadline`` (perf_counter;
        one READ_CHUNK at least): framed messages to their streams. What is left in the pipe
        waits for the next turn."""
        read = 0
        while read < READ_BUDGET and self.dead is None:
            try:
                data = os.read(self._read_fd, READ_CHUNK)
            except BlockingIOError:
                return
            except OSError as exc:
                self._die(f"reading from the renderer process failed ({exc.strerror})")
                return
            if not data:
                self._die(self._exit_reason("the renderer process closed its output"))
                return
            read += len(data)
            if self._owes():
                self._silence.start()  # it is alive: the limit counts from now
            try:
                messages = self._reader.feed(data)
            except ProtocolError as exc:
                self._die(f"the renderer process sent garbage ({exc})")
                return
            for message in messages:
                try:
                    self._dispatch(message)
                except (IndexError, TypeError, ValueError) as exc:  # framed, but not ours
                    self._die(f"the renderer process sent a malformed message ({exc})")
                    return
            if time.perf_counter() >= deadline:
                return

    def _dispatch(self, message: Message) -> None:
        kind, stream_id = message[0], message[1]
        stream = self._streams.get(stream_id)
        if stream is None:
            return  # dropped: its answers are no one's
        if kind == "out":
            closed = bool(message[2])
            if closed:
                self._streams.pop(stream_id, None)
            stream._answer(closed, message[3:])
        elif kind == "error":
            self._streams.pop(stream_id, None)
            log.error("the renderer process failed on %s:\n%s", stream_id, message[2])
            stream._fail("the renderer process failed on this page")

    def _exit_reason(self, otherwise: str) -> str:
        """How the process ended, if it did (it is ending: a moment's wait); else ``otherwise``."""
        try:
            code = self._proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            return otherwise
        if code < 0:
            return f"the renderer process was ended by signal {-code}"
        return f"the renderer process exited with status {code}"

    def _die(self, reason: str, kill: bool = True) -> None:
        if self.dead is not None:
            return
        self.dead = reason
        if kill:  # (a stop is no failure)
            log.warning("%s: pages render in the window's process instead", reason)
        self._end_process(kill)
        streams, self._streams = self._streams, {}
        for stream in streams.values():
            stream._fail(reason)

    def stop(self) -> None:
        """End the process (the app quits); a page it was rendering renders here instead."""
        self._die("the renderer process was stopped", kill=False)

    def _end_process(self, kill: bool) -> None:
        self._silence.stop()
        self._resume.stop()
        # The notifiers go first: they must never watch a closed descriptor.
        self._readable.setEnabled(False)
        self._writable.setEnabled(False)
        if kill and self._proc.poll() is None:
            self._proc.kill()
        for pipe in (self._proc.stdin, self._proc.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass
        try:
            self._proc.wait(timeout=2)  # its input closed: it ends at once
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def worker_command() -> list[str]:
    """How to start ``main.py --render-worker`` as this app was started."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--render-worker"]
    main = Path(__file__).resolve().parents[2] / "main.py"
    return [sys.executable, str(main), "--render-worker"]


_shared: RenderProcess | None = None
_failures = 0
_hooked = False


def shared() -> RenderProcess | None:
    """The app's renderer process, started now if need be; None when it cannot be used."""
    global _shared, _failures
    if os.environ.get(ENV, "1") == "0":
        return None
    if _shared is not None and _shared.dead is None:
        return _shared
    if _shared is not None:
        _failures += 1
        _shared = None
    if _failures >= MAX_FAILURES:
        return None
    app = QCoreApplication.instance()
    try:
        _shared = RenderProcess(worker_command(), app)
    except OSError as exc:
        _failures += 1
        log.warning("the renderer process could not start (%s): pages render here", exc)
        return None
    global _hooked
    if not _hooked:
        _hooked = True
        atexit.register(stop_shared)
        if app is not None:
            app.aboutToQuit.connect(stop_shared)
    return _shared


def current() -> RenderProcess | None:
    """The app's renderer process if it runs (never starts one)."""
    return _shared if _shared is not None and _shared.dead is None else None


def stop_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None


def _widen_pipe(fd: int) -> None:
    """Give the pipe ``fd`` a buffer of PIPE_BYTES where the system allows it (a pipe keeps
    its default size elsewhere: slower, not wrong)."""
    import fcntl

    setting = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setting is None:
        return
    try:
        fcntl.fcntl(fd, setting, PIPE_BYTES)
    except OSError as exc:  # above pipe-max-size, or the user's pipe quota is spent
        log.debug("the pipe keeps its size (%s)", exc.strerror)
