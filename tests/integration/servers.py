"""Loopback servers that misbehave on purpose, for integration tests of the client.

Everything binds 127.0.0.1 on port 0 and runs in daemon threads; use a server as a context
manager (or through a fixture that calls :meth:`LoopbackServer.stop`) so nothing outlives the
test. A *handler* is a function ``handler(conn, server)`` run once per accepted connection;
the server closes ``conn`` when the handler returns. Handlers that wait forever should wait on
``server.stopping`` so ``stop()`` ends them at once.

Building blocks::

    with LoopbackServer(respond(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nhi")) as srv:
        events = list(fetch(srv.url("/")))

    respond(raw)            read the request, send raw, close
    drip(raw, delay)        the same, one byte per send
    stall(prefix)           read the request, send prefix, then say nothing until stopped
    routes({path: handler}) dispatch on the request path (others: 404)
    redirect(status, location)   a handler answering with a redirect
    Paced(head, pieces)     one piece per recv on any machine: each piece is sent once the
                            client has received the one before (its fetch says so, no timing)
    http_response(status, body, headers)  build raw response bytes
    BacklogFullListener     a listener whose accept queue is full: connect() hangs
    TLS: LoopbackServer(handler, tls=server_context)   see tls_server_context()
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

import trustme

Handler = Callable[[socket.socket, "LoopbackServer"], None]

LOOPBACK = "127.0.0.1"
IPV6_LOOPBACK = "::1"
MAX_REQUEST_HEAD = 64 * 1024


class LoopbackServer:
    """A threaded TCP (optionally TLS) server on 127.0.0.1:<ephemeral port>.

    ``requests`` collects every request head the handlers read with :func:`read_request`;
    ``connections`` counts accepted connections.
    """

    def __init__(
        self, handler: Handler, *, tls: ssl.SSLContext | None = None, host: str = LOOPBACK
    ) -> None:
        self.handler = handler
        self.tls = tls
        self.host = host  # LOOPBACK, or IPV6_LOOPBACK (see ipv6_loopback_available)
        self.stopping = threading.Event()
        self.requests: list[bytes] = []
        self.connections = 0
        self._lock = threading.Lock()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._open: list[socket.socket] = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    @property
    def scheme(self) -> str:
        return "https" if self.tls is not None else "http"

    def url(self, path: str = "/", *, host: str | None = None, scheme: str | None = None) -> str:
        host = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{scheme or self.scheme}://{host}:{self.port}{path}"

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._open.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        sock = conn
        try:
            conn.settimeout(10)
            if self.tls is not None:
                sock = self.tls.wrap_socket(conn, server_side=True)
                with self._lock:
                    self._open.append(sock)
            self.handler(sock, self)
        except (OSError, ValueError):
            pass  # the client left, refused our certificate, or was cancelled: expected here
        finally:
            with contextlib.suppress(OSError):
                sock.close()
            with contextlib.suppress(OSError):
                conn.close()

    def stop(self) -> None:
        self.stopping.set()
        self._acceptor.join(2)
        self._listener.close()
        with self._lock:
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(2)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def read_request(conn: socket.socket, server: LoopbackServer | None = None) -> bytes:
    """Read one request head (up to the blank line) and record it on ``server``."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < MAX_REQUEST_HEAD:
        more = conn.recv(4096)
        if not more:
            break
        data += more
    if server is not None:
        with server._lock:
            server.requests.append(data)
    return data


def request_path(raw_request: bytes) -> str:
    """The target of a request line: "/x" (an absolute-form target is returned whole)."""
    parts = raw_request.split(b"\r\n", 1)[0].split(b" ")
    return parts[1].decode("latin-1") if len(parts) > 1 else ""


def http_response(
    status: int = 200,
    body: bytes = b"",
    headers: Iterable[tuple[str, str]] = (),
    *,
    reason: str | None = None,
    content_length: bool = True,
) -> bytes:
    """Raw response bytes: status line, the given headers (plus Content-Length), body."""
    reasons = {200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found"}
    reasons |= {303: "See Other", 304: "Not Modified", 307: "Temporary Redirect"}
    reasons |= {308: "Permanent Redirect", 404: "Not Found", 500: "Internal Server Error"}
    lines = [f"HTTP/1.1 {status} {reason if reason is not None else reasons.get(status, 'X')}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if content_length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def respond(raw: bytes) -> Handler:
    """Read the request, send ``raw`` in one go, close."""

    def handler(conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        conn.sendall(raw)

    return handler


def drip(raw: bytes, delay: float = 0.0) -> Handler:
    """Read the request, send ``raw`` one byte per send (TCP_NODELAY), close."""

    def handler(conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(raw)):
            conn.sendall(raw[i : i + 1])
            if delay and server.stopping.wait(delay):
                return

    return handler


def stall(prefix: bytes = b"", *, read: bool = True) -> Handler:
    """Optionally read the request, send ``prefix``, then stay silent until the server stops.

    With ``read=False`` the handler never reads: under TLS that means the handshake (done by
    the server thread) still completes; for a handshake that never ends, use a plain server
    and an https:// URL (the server never answers the ClientHello).
    """

    def handler(conn: socket.socket, server: LoopbackServer) -> None:
        if read:
            read_request(conn, server)
        if prefix:
            conn.sendall(prefix)
        server.stopping.wait(30)

    return handler


def routes(table: Mapping[str, Callable[[socket.socket, LoopbackServer, bytes], None]]) -> Handler:
    """Dispatch on the request path: ``table[path](conn, server, raw_request)``; else 404."""

    def handler(conn: socket.socket, server: LoopbackServer) -> None:
        raw = read_request(conn, server)
        route = table.get(request_path(raw))
        if route is None:
            conn.sendall(http_response(404, b"not found"))
        else:
            route(conn, server, raw)

    return handler


def send(raw: bytes) -> Callable[[socket.socket, LoopbackServer, bytes], None]:
    """A route that answers with ``raw``."""

    def route(conn: socket.socket, server: LoopbackServer, request: bytes) -> None:
        conn.sendall(raw)

    return route


def redirect(status: int, location: str) -> Callable[[socket.socket, LoopbackServer, bytes], None]:
    """A route answering ``status`` with ``Location: location`` and a short body."""
    return send(http_response(status, b"moved", [("Location", location)]))


class BacklogFullListener:
    """A listening socket that never accepts and whose accept queue is full, so a new
    connect() to it gets no SYN-ACK and hangs until the client gives up (Linux drops SYNs to
    a full queue). ``port`` is where to point the client."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(0)
        self.port: int = self._listener.getsockname()[1]
        self._fillers: list[socket.socket] = []
        for _ in range(8):  # backlog 0 still queues one or two; fill until a connect hangs
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            filler.connect_ex((LOOPBACK, self.port))
            self._fillers.append(filler)

    def close(self) -> None:
        for filler in self._fillers:
            filler.close()
        self._listener.close()

    def __enter__(self) -> BacklogFullListener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ipv6_loopback_available() -> bool:
    """Whether ::1 can be bound here (many containers have no IPv6, even on loopback)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind((IPV6_LOOPBACK, 0))
    except OSError:
        return False
    return True


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
    return port


def tls_server_context(ca: trustme.CA, *hostnames: str) -> ssl.SSLContext:
    """A server-side context with a certificate from ``ca`` for ``hostnames``."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*(hostnames or ("localhost", LOOPBACK))).configure_cert(ctx)
    return ctx


class Paced:
    """A server side that sends a head, then each piece, only once the client has received
    what went before: each piece arrives in a recv of its own however loaded the machine is
    (a sleep between sends only makes that likely).

    The client says so through :meth:`fetch`, a wrapper of a fetch function that acknowledges
    every ResponseHead and every BodyChunk with wire bytes as its generator yields them (on
    the client's own thread). Each wait is bounded (``wait`` seconds), so a client that stops
    reading ends the handler instead of hanging it.
    """

    def __init__(self, head: bytes, pieces: Iterable[bytes], wait: float = 30.0) -> None:
        self.head = head
        self.pieces = list(pieces)
        self.wait = wait
        self._acks = threading.Semaphore(0)

    def handler(self, conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for data in (self.head, *self.pieces):
            conn.sendall(data)
            if not self._acks.acquire(timeout=self.wait) or server.stopping.is_set():
                return

    def fetch(self, inner: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        """``inner`` (net.client.fetch or alike) with every received part acknowledged."""

        def paced(*args: Any, **kwargs: Any) -> Iterator[Any]:
            for event in inner(*args, **kwargs):
                received = type(event).__name__ == "ResponseHead" or bool(
                    getattr(event, "wire", b"")
                )
                yield event
                if received:
                    self._acks.release()

        return paced
