"""What a failed load looks like: an error section for the document view and a banner.

The section is appended after whatever part of the body already arrived (that content is
kept), and says what failed, where, what the user can do, the technical detail, and offers a
Retry link where trying again can help (not for a malformed address). The banner above the
document repeats the one-line summary with a Retry button, so a reader scrolled up in the
partial content still sees that the load failed; the status bar names only the phase, and the
technical detail does not repeat the message.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from net import errors
from net.errors import Phase
from ui.page.document_view import Segment, SegmentKind
from ui.page.strip import Strip
from ui.text.display_text import display_line, tooltip_html

RETRY_URL = "yonder:retry"
BANNER_LIMIT = 300  # characters in the banner; the whole summary goes to the tooltip

# By exception class, then by phase. The classes themselves are the keys (the detail names
# the class, as describe_error writes it): a renamed class keeps its advice.
_ADVICE_BY_CLASS: dict[type[errors.NetError], str] = {
    errors.ConnectTimeout: "The server did not answer in time. Check the address and port, "
    "your network connection, or try again later.",
    errors.ReadTimeout: "The server stopped sending. Retry; if it keeps happening the server "
    "may be overloaded.",
    errors.CertificateError: "The server's certificate is not trusted, expired, or for another "
    "name. Check the address; if you reached the wrong server, do not continue.",
    errors.TruncatedBody: "The connection closed before the whole document arrived. What did "
    "arrive is shown above. Retry to fetch it again.",
    errors.NotHTTP: "Something answered, but not with HTTP. Check the port, and whether the "
    "address should start with https:// instead of http:// (or the other way round).",
    errors.TooManyRedirects: "The server keeps redirecting. The site may be misconfigured.",
    errors.BadRedirect: "The server redirected to an address Yonder cannot follow (see the "
    "detail below). If it looks right, copy it into the address bar; otherwise the site is "
    "misconfigured.",
}
_ADVICE_BY_NAME = {cls.__name__: advice for cls, advice in _ADVICE_BY_CLASS.items()}
#: Every phase a page can fail in (not Cancelled: Stop shows no error page; not Write: only
#: --dump writes; not Network: the base class's, never raised as such).
_ADVICE_BY_PHASE: dict[str, str] = {
    Phase.ADDRESS: "Check the address: it should look like http://example.org/page.",
    Phase.DNS: "Check the spelling of the host name, and your network connection.",
    Phase.CONNECT: "Nothing accepted the connection. Check the port, and whether the server is "
    "running; try again later.",
    Phase.TLS: "The secure connection could not be set up. Check that the address should use "
    "https://, or try again later.",
    Phase.READ: "The connection broke while receiving. Retry.",
    Phase.PROTOCOL: "The server's answer is not valid HTTP. Retry; if it persists, the server "
    "is misbehaving.",
    Phase.DECODING: "The compressed body is damaged. Retry.",
    Phase.REDIRECT: "The server's redirect cannot be followed. The site may be misconfigured.",
    Phase.INTERNAL: "Retry. If it happens again, please report it with the technical detail below.",
}


def advice_for(phase: str, detail: str) -> str:
    """``phase`` is a Phase (a str: it came through the fetcher's failed signal)."""
    first = detail.split(":", 1)[0].strip()
    return _ADVICE_BY_NAME.get(first) or _ADVICE_BY_PHASE.get(phase, "Retry the request.")


def retry_helps(phase: str) -> bool:
    """Whether trying the same address again can help: not for an address that is malformed
    (or names no bundled page), which fails the same way every time."""
    return phase != Phase.ADDRESS


def _detail_without(message: str, detail: str) -> str:
    """The technical detail without a repeat of ``message`` ("InvalidURL: <message>" says
    only "InvalidURL"): the message is on the page already, once."""
    first, sep, rest = detail.partition("\n")
    name, colon, text = first.partition(": ")
    if colon and text.strip() == message.strip():
        return name + sep + rest
    return detail


def summary(phase: str, message: str) -> str:
    """The one-line text for the banner and the status bar."""
    return f"{phase} error: {message}"


def error_segments(
    url: str, phase: str, message: str, detail: str, partial_bytes: int = 0
) -> list[Segment]:
    """The error section: heading, what failed and where, advice, detail, and Retry where
    trying again can help (retry_helps)."""
    segments: list[Segment] = []
    if partial_bytes:
        segments.append(
            (
                SegmentKind.MUTED,
                f"\n\n──── the transfer stopped here, after {partial_bytes:,} bytes ────\n",
                "",
            )
        )
    segments += [
        (SegmentKind.ERROR, "Could not load this page\n", ""),
        (SegmentKind.TEXT, "\n", ""),
        (SegmentKind.HEADING, "What failed\n", ""),
        (SegmentKind.TEXT, f"{phase}: {message}\n", ""),
    ]
    if f"'{url.strip()}'" not in message:  # the message quotes it already: not twice
        segments.append((SegmentKind.MUTED, f"Address: {url}\n", ""))
    segments += [
        (SegmentKind.TEXT, "\n", ""),
        (SegmentKind.HEADING, "What you can do\n", ""),
        (SegmentKind.TEXT, advice_for(phase, detail) + "\n", ""),
        (SegmentKind.TEXT, "\n", ""),
    ]
    if retry_helps(phase):
        segments += [
            (SegmentKind.LINK, "Retry", RETRY_URL),
            (SegmentKind.TEXT, "   (or press F5)\n\n", ""),
        ]
    segments += [
        (SegmentKind.HEADING, "Technical detail\n", ""),
        (SegmentKind.CODE, _detail_without(message, detail) + "\n", ""),
    ]
    return segments


class ErrorBanner(Strip):
    """A one-line strip above the document: the failure summary and a Retry button.

    Signals:
        retry_requested(): the Retry button was pressed.
    Slots: show_error(str text), hide()
    """

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setAccessibleName("Error")
        self.setAccessibleDescription("Why the page could not be loaded")
        self.label = QLabel()
        # Its accessible name is its text: a screen reader reads the summary itself.
        self.label.setAccessibleDescription("Why the page could not be loaded")
        # The summary can hold server text (a Location): plain, elided, and without a
        # minimum width of its own.
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(1)
        self.label.setWordWrap(True)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setAccessibleDescription("Load the page again")
        self.retry_button.clicked.connect(self.retry_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        self.set_error(True)
        self.hide()

    @Slot(str)
    def show_error(self, text: str, retry: bool = True) -> None:
        """Show ``text``; the Retry button only where trying again can help."""
        self.retry_button.setVisible(retry)
        line = display_line(text, BANNER_LIMIT)
        self.label.setText(line)
        self.label.setToolTip(tooltip_html(text) if line != text else "")
        self.show()
