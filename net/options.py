"""How one fetch behaves: method, request style, limits, timeouts and the receive lab knobs."""

from __future__ import annotations

from dataclasses import dataclass, field

from net.version import user_agent

CLASSIC_RECV_SIZE = 512  # what the classic socket program passes to recv()
DEFAULT_RECV_SIZE = 256 * 1024
MAX_RECV_SIZE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FetchOptions:
    method: str = "GET"  # "GET" or "HEAD"
    # The classic program's request: exactly b"GET <absolute URL> HTTP/1.0\r\n\r\n".
    classic: bool = False
    follow_redirects: bool = True
    max_redirects: int = 20
    connect_timeout: float = 10.0  # seconds for resolving + TCP connect + TLS handshake
    read_timeout: float = 30.0  # the longest silence allowed between two received bytes
    cafile: str | None = None  # trust exactly this CA bundle instead of the default policy
    max_head_bytes: int = 64 * 1024  # status line + headers
    max_decoded_bytes: int | None = None  # None: no cap on the decoded body size
    # A gzip/deflate body may expand at most this much, checked once 1 MiB has been decoded.
    max_decompression_ratio: float = 1000.0
    recv_size: int = DEFAULT_RECV_SIZE  # bytes asked of each recv(); 512 in the classic program
    chunk_delay: float = 0.0  # seconds to pause after each recv (slow-motion lab)
    decode_content: bool = True  # undo gzip/deflate; False passes the coded bytes through
    user_agent: str = field(default_factory=user_agent)  # "Yonder/<version>"
