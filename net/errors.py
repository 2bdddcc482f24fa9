"""Every failure the client can report, named for the phase it happened in.

Messages read like advice: what failed, where, and with which limit. They are built once, at
the boundary where a low-level exception is translated (``raise ReadTimeout(...) from exc``),
so callers only ever see subclasses of :class:`NetError`.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    """Where a request failed: the short name an error page's heading and the status bar
    show (a str: it crosses the fetcher's failed signal)."""

    NETWORK = "Network"
    ADDRESS = "Address"
    DNS = "DNS"
    CONNECT = "Connect"
    TLS = "TLS"
    READ = "Read"
    PROTOCOL = "Protocol"
    DECODING = "Decoding"
    REDIRECT = "Redirect"
    CANCELLED = "Cancelled"
    WRITE = "Write"
    INTERNAL = "Internal"  # a bug in Yonder, not the network (describe_error)


class NetError(Exception):
    """Base of every error net/ raises. ``str(err)`` is a complete user-facing sentence."""

    #: The phase, for an error page heading ("DNS", "Connect", "TLS", ...).
    phase = Phase.NETWORK

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url

    def __str__(self) -> str:
        return self.message


class InvalidURL(NetError):
    """The address cannot be fetched: malformed, or a scheme Yonder does not speak."""

    phase = Phase.ADDRESS


class NameResolutionError(NetError):
    """getaddrinfo failed: "Could not resolve host 'foo.invalid'"."""

    phase = Phase.DNS


class ConnectError(NetError):
    """TCP connect failed on every address: "Connection refused by 127.0.0.1:8080"."""

    phase = Phase.CONNECT


class ConnectTimeout(ConnectError):
    """No TCP connection within the connect timeout."""


class TLSError(NetError):
    """The TLS handshake failed (protocol, version, or alert)."""

    phase = Phase.TLS


class CertificateError(TLSError):
    """Certificate verification failed: untrusted, expired, or for another host name."""


class TrustStoreError(TLSError):
    """The CA store the user configured cannot be used (SSL_CERT_FILE names a missing file)."""


class ReadTimeout(NetError):
    """The server went silent for longer than the read timeout."""

    phase = Phase.READ


class ConnectionLost(NetError):
    """The connection was reset or broken while sending or receiving."""

    phase = Phase.READ


class ProtocolError(NetError):
    """The server's answer is not valid HTTP/1.x."""

    phase = Phase.PROTOCOL


class NotHTTP(ProtocolError):
    """The server answered with something that is not HTTP at all (SSH banner, TLS, ...)."""


class HeadTooLarge(ProtocolError):
    """The status line and headers exceed the configured limit."""


class TruncatedBody(ProtocolError):
    """The connection closed before the framing said the body was complete."""


class DecodingError(ProtocolError):
    """The Content-Encoding (gzip/deflate) stream is corrupt."""

    phase = Phase.DECODING


class DecompressionLimit(DecodingError):
    """The decoded body exceeds the configured size or expansion-ratio limit."""


class BadRedirect(ProtocolError):
    """A redirect's Location cannot be fetched (malformed, or another scheme): the server's
    fault, not the user's address, so it is no InvalidURL (which --dump reports as usage)."""

    phase = Phase.REDIRECT


class TooManyRedirects(NetError):
    """More redirects than the configured limit (or a loop)."""

    phase = Phase.REDIRECT


class Cancelled(NetError):
    """The caller cancelled the request (Stop, a new load, closing the window)."""

    phase = Phase.CANCELLED


class WriteError(NetError):
    """Writing the body to its destination failed (disk full, closed pipe, ...)."""

    phase = Phase.WRITE


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a request ended without Finished; every field is user-presentable text."""

    phase: Phase
    message: str  # a complete sentence from net.errors
    detail: str  # exception class chain, for the "technical detail" section


def describe_error(exc: BaseException) -> Failure:
    """Turn any exception into a Failure; never a traceback on screen (a page's load and a
    download describe their failures alike)."""
    chain: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 4:
        text = str(seen)
        chain.append(f"{type(seen).__name__}: {text}" if text else type(seen).__name__)
        # As a traceback would: `raise ... from None` hides the context (for net/'s protocol
        # errors, h11's own text, whose bytes the message already quotes readably).
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    detail = "\ncaused by ".join(chain)
    if isinstance(exc, NetError):
        return Failure(exc.phase, exc.message, detail)
    # A bug in Yonder, not a network failure: say so, keep the last frame as detail.
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].name}, line {frames[-1].lineno})" if frames else ""
    return Failure(
        Phase.INTERNAL,
        "Yonder hit an internal error while loading this page. Retrying may help; "
        "if it does not, please report it.",
        detail + where,
    )
