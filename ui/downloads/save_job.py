"""Save Page in the background: a thread writes the body, the status bar shows it and cancels.

Writing a multi-GB body on the GUI thread froze the window for 4.7-6.6 s (2 GiB). A
:class:`SaveJob` opens its :class:`ui.downloads.save_file.AtomicFile` at once (so a bad folder is
reported at once, as before), then writes and commits on a daemon thread: plain ``os`` calls
that release the GIL while the disk works, so the window keeps painting and reacting. The
file still appears only whole (the atomic commit); a cancelled or failed save leaves nothing.

:class:`SaveStatus` is the status bar's part of it: what is being saved, a progress bar, and a
Cancel button. The window polls the job (a timer) rather than the thread signalling it.

Signals (SaveStatus): cancel_requested()
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QToolButton, QWidget

from ui.downloads.save_file import AtomicFile, SaveCancelled, SaveError


class SaveJob:
    """``chunks`` written to ``path`` all or nothing, on a thread of its own.

    ``written`` grows as it goes (a plain int: a value a moment old is harmless); once
    ``finished`` is True, ``error`` is None (the file is in place) or the SaveError
    (SaveCancelled when cancelled). Opening happens in the constructor and raises SaveError.
    """

    def __init__(self, path: str, chunks: Iterator[bytes], total: int) -> None:
        self.path = path
        self.total = total
        self.written = 0
        self.error: SaveError | None = None
        self.finished = False
        self._cancel = threading.Event()
        self._chunks = chunks
        self._sink = AtomicFile(path)
        try:
            self._sink.open()
        except BaseException:
            _close(chunks)
            raise
        self._thread = threading.Thread(target=self._run, name="yonder-save", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Ask the thread to stop; ``finished`` with SaveCancelled follows (nothing written)."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the thread (closing, tests); True when it has finished."""
        self._thread.join(timeout)
        return self.finished

    def _run(self) -> None:
        sink = self._sink
        try:
            for chunk in self._chunks:
                if self._cancel.is_set():
                    raise SaveCancelled(self.path)
                sink.write(chunk)
                self.written = sink.written
            if self._cancel.is_set():
                raise SaveCancelled(self.path)
            sink.commit()
        except SaveError as exc:
            sink.discard()
            self.error = exc
        except OSError as exc:  # reading the body's temporary file failed
            sink.discard()
            self.error = SaveError(
                self.path, f"reading the page's temporary file failed ({exc.strerror or exc})"
            )
        except Exception as exc:  # never a traceback from a background thread
            sink.discard()
            self.error = SaveError(self.path, f"an internal error ({type(exc).__name__}: {exc})")
        finally:
            _close(self._chunks)  # its descriptor of the temporary file, on this thread
            self.finished = True


def _close(chunks: Iterator[bytes]) -> None:
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


class SaveStatus(QWidget):
    """The running save in the status bar: "Saving name: 1.2 GiB of 2.0 GiB", a bar, Cancel.

    Signals:
        cancel_requested(): the Cancel button was pressed.
    Slots: update_progress(str text, int written, int total), hide()
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a path the server suggested
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(120)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(120)
        self.bar.setMaximumHeight(16)
        self.bar.setRange(0, 1000)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Cancel this save; nothing is written")
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def update_progress(self, text: str, written: int, total: int) -> None:
        # Not shown from here: the status bar shows it while its page is the current one (a
        # background tab's save, shown by itself, was drawn over the current tab's status).
        self.label.setText(text)
        self.bar.setValue(1000 if total <= 0 else min(1000, written * 1000 // total))
