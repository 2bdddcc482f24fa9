"""Saving a page: Save Page writes the body as received, whole, from the page's store, on a
background thread (ui/downloads/save_job.py) with its progress and a Cancel button in the
status bar; Save Headers writes the response head exactly as received."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from ui.text.units import format_size

if TYPE_CHECKING:
    from ui.downloads.save_job import SaveJob, SaveStatus
    from ui.page.page import Page

SAVE_POLL_MS = 100  # how often a background Save Page's progress is shown
CLOSE_WAIT_MS = 1000  # how long closing waits for a save's thread to end


class PageSaver(QObject):
    """A page's Save Page and Save Headers (the page's ``saver``)."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self._page = page
        self._save_job: SaveJob | None = None  # Save Page running in the background
        self._save_note: tuple[str, bool] = ("", False)  # its "(incomplete: ...)", and error
        # Its part of the status bar while a save runs (Page.status_widgets), made on use.
        self.status: SaveStatus | None = None
        self._save_poll = QTimer(self)
        self._save_poll.setInterval(SAVE_POLL_MS)
        self._save_poll.timeout.connect(self._poll_save)

    def suggested_filename(self) -> str:
        from ui.text.filenames import suggest_filename

        store = self._page.store
        return suggest_filename(store.url, store.content_disposition, store.content_type)

    @Slot()
    def save_page(self) -> None:
        """Save the body as received (transfer- and content-decoded), whole, from the store."""
        if not self._page.has_body:
            self._page.report("Nothing to save: this page has no body. Load a page first.")
            return
        if not self._page.store.ended:
            self._page.report(
                "The page is still loading. Save when it has finished, or Stop first "
                "to save what has arrived."
            )
            return
        if self._save_job is not None:
            self._page.report(f"Still saving to {self._save_job.path}: wait for it, or cancel it.")
            return
        path = self._page.host.ask_path("Save Page", self.suggested_filename())
        if not path:
            return
        from ui.downloads.save_file import SaveError
        from ui.downloads.save_job import SaveJob

        store = self._page.store
        if store.lost is not None:
            partial = f" (incomplete: {store.lost})"
        elif not store.complete:
            partial = " (incomplete: the transfer did not finish)"
        else:
            partial = ""
        try:
            # What is kept now, read through its own descriptor: leaving the page (or a new
            # load) meanwhile does not cut the save short.
            job = SaveJob(path, store.iter_body(), store.kept_size)
        except SaveError as exc:
            self._page.report(str(exc), error=True)
            return
        job.start()
        self._save_job = job
        self._save_note = partial, store.lost is not None
        self._save_poll.start()
        self._poll_save()
        self._page.actions_changed.emit()  # the window puts the progress in the status bar

    @property
    def saving(self) -> bool:
        """A Save Page is being written in the background."""
        return self._save_job is not None

    @Slot()
    def cancel_save(self) -> None:
        """Cancel the running Save Page (the status bar's Cancel); nothing is written."""
        if self._save_job is not None:
            self._save_job.cancel()

    @Slot()
    def _poll_save(self) -> None:
        job = self._save_job
        if job is None:
            self._save_poll.stop()
            return
        status = self._status_widget()
        if not job.finished:
            name = os.path.basename(job.path) or job.path
            status.update_progress(
                f"Saving {name}: {format_size(job.written)} of {format_size(job.total)}",
                job.written,
                job.total,
            )
            return
        self._save_poll.stop()
        self._save_job = None
        self._page.actions_changed.emit()  # ... and takes it away
        if job.error is not None:
            self._page.report(str(job.error), error=True)
            return
        partial, lost = self._save_note
        self._page.report(f"Saved {format_size(job.written)} to {job.path}{partial}", error=lost)
        self._page.saved.emit(job.path)

    def _status_widget(self) -> SaveStatus:
        if self.status is None:
            from ui.downloads.save_job import SaveStatus

            self.status = SaveStatus()
            self.status.cancel_requested.connect(self.cancel_save)
        return self.status

    @Slot()
    def save_headers(self) -> None:
        """Save the response head exactly as received (status line, headers, CRLFs)."""
        if not self._page.has_body or not self._page.store.head_raw:
            self._page.report("No response headers to save: this page did not come from HTTP.")
            return
        from ui.downloads.save_file import SaveError, save_bytes_atomically
        from ui.text.filenames import sanitize_filename

        stem = self.suggested_filename().rsplit(".", 1)[0] or "response"
        path = self._page.host.ask_path("Save Headers", sanitize_filename(f"{stem}.headers.txt"))
        if not path:
            return
        try:
            save_bytes_atomically(path, [self._page.store.head_raw])
        except SaveError as exc:
            self._page.report(str(exc), error=True)
            return
        self._page.report(f"Saved the response headers to {path}")
        self._page.saved.emit(path)

    def cancel_on_close(self) -> None:
        """The page closes: a save it does not wait for is cancelled, so nothing
        half-written is left (its unnamed temporary file goes with the process at the
        latest)."""
        if self._save_job is not None:
            self._save_job.cancel()
            self._save_job.wait(CLOSE_WAIT_MS / 1000)
            self._save_job = None
            self._save_poll.stop()
