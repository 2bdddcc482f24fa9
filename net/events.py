"""What :func:`net.client.fetch` yields, in order, for one request.

Per hop: Resolved, Connected, [TLSReady], RequestSent, ResponseHead, BodyChunk*, then either
Redirected (and the next hop starts with Resolved) or Finished. Failures are raised as
:class:`net.errors.NetError` subclasses instead of yielded. All ``elapsed`` values are seconds
since the start of the *hop* (time.perf_counter based), so they are monotonic within a hop.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Timings:
    """Durations of one hop's phases in seconds; they add up to ``total``.

    ``wait`` is the time from the last request byte sent to the first response byte (TTFB
    minus the earlier phases); ``transfer`` runs from the first response byte to the end.
    """

    dns: float = 0.0
    connect: float = 0.0
    tls: float = 0.0
    request: float = 0.0
    wait: float = 0.0
    transfer: float = 0.0

    @property
    def total(self) -> float:
        return self.dns + self.connect + self.tls + self.request + self.wait + self.transfer

    @property
    def time_to_first_byte(self) -> float:
        return self.dns + self.connect + self.tls + self.request + self.wait


@dataclass(frozen=True, slots=True)
class Resolved:
    host: str
    addresses: tuple[str, ...]  # every address getaddrinfo returned, in its order
    elapsed: float


@dataclass(frozen=True, slots=True)
class Connected:
    address: str  # the IP that answered ("127.0.0.1", "::1")
    port: int
    elapsed: float

    @property
    def peer(self) -> str:
        return (
            f"[{self.address}]:{self.port}"
            if ":" in self.address
            else f"{self.address}:{self.port}"
        )


@dataclass(frozen=True, slots=True)
class TLSReady:
    version: str  # "TLSv1.3"
    cipher: str  # "TLS_AES_256_GCM_SHA384"
    subject: str  # "CN=localhost, O=..." ('' when not verified)
    issuer: str
    not_after: str  # as the certificate states it, e.g. "Jan  1 00:00:00 2030 GMT"
    elapsed: float


@dataclass(frozen=True, slots=True)
class RequestSent:
    method: str
    url: str
    raw: bytes  # the exact bytes written to the socket
    elapsed: float


@dataclass(frozen=True, slots=True)
class ResponseHead:
    url: str
    http_version: str  # "1.1", "1.0"
    status: int
    reason: str
    # Names and values exactly as received (latin-1 decoded), in received order and case.
    headers: tuple[tuple[str, str], ...]
    raw: bytes  # the status line and header lines with their line endings, and the blank line
    elapsed: float
    # (elapsed, bytes) of every recv that carried this head (or a 1xx head before it), in
    # order; the last one may also hold the first ``body_prefix`` bytes after the head, which
    # the first BodyChunk then carries as its ``wire``.
    recvs: tuple[tuple[float, int], ...] = ()
    body_prefix: int = 0

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @property
    def status_line(self) -> str:
        return f"HTTP/{self.http_version} {self.status} {self.reason}".rstrip()

    @property
    def content_length(self) -> int | None:
        return parse_content_length(self.header("content-length"))

    @property
    def content_type(self) -> str:
        return self.header("content-type") or ""


@dataclass(frozen=True, slots=True)
class BodyChunk:
    data: bytes  # body bytes after transfer- and content-decoding (may be b"" mid-gzip)
    wire: bytes  # the raw bytes of this recv() past the head: chunk-size lines, gzip, ...
    elapsed: float

    @property
    def wire_size(self) -> int:
        return len(self.wire)


@dataclass(frozen=True, slots=True)
class Redirected:
    status: int
    from_url: str
    to_url: str
    head: ResponseHead
    timings: Timings


@dataclass(frozen=True, slots=True)
class Finished:
    url: str  # the final URL after redirects
    status: int
    body_bytes: int  # decoded body bytes delivered
    wire_bytes: int  # every byte received on the final hop's socket, head included
    timings: Timings  # of the final hop
    hops: tuple[Timings, ...] = field(default=())  # every hop's timings, the final one last


Event = (
    Resolved | Connected | TLSReady | RequestSent | ResponseHead | BodyChunk | Redirected | Finished
)


def parse_content_length(value: str | None) -> int | None:
    """A Content-Length header's value as a size, or None when absent or not digits."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())
