"""A loopback-only HTTP server whose endpoints make streaming visible: drips, big bodies,
chunked streams of unknown length, gzip, redirect chains, error statuses, split characters.

Standard library only (no Qt): the window starts it on a background thread with ``--demo``,
and ``python -m net.demo_server`` runs it standalone. It refuses to bind anything but a
loopback address, and every thread it starts is a daemon, so it dies with the app.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import html
import ipaddress
import itertools
import mimetypes
import re
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

# Bounds on what a query may ask for: the demo must never be a way to exhaust the machine.
MAX_DRIP_BYTES = 10 * 1024 * 1024
MAX_DELAY = 10.0  # seconds per piece / per chunk
MAX_DRIP_SECONDS = 600.0  # bytes / piece * delay
MAX_LARGE_SIZE = 1024 * 1024 * 1024
MAX_STREAM_CHUNKS = 100_000
MAX_CHUNK_SIZE = 1024 * 1024
MAX_REDIRECTS = 50
MAX_GZIP_SIZE = 64 * 1024 * 1024
WRITE_BLOCK = 64 * 1024
JOIN_TIMEOUT = 2.0  # seconds stop() waits for the serving and handler threads

TEXT_LINE = b"The quick brown fox jumps over the lazy dog; streaming, one piece at a time.\n"

ENDPOINTS: list[tuple[str, str]] = [
    ("/", "This index"),
    ("/samples/<name>", "A sample document from resources/samples, with its Content-Type"),
    (
        "/drip?bytes=2048&delay=0.05&piece=64",
        "Slow drip: `bytes` of text (Content-Length known), `piece` bytes every `delay` seconds",
    ),
    ("/large?size=104857600", "A large text body with Content-Length, generated on the fly"),
    (
        "/stream?chunks=20&delay=0.1&size=256",
        "Chunked Transfer-Encoding of unknown length: `chunks` chunks of `size` bytes",
    ),
    ("/gzip?size=200000", "A gzip-encoded text body (Content-Encoding: gzip)"),
    ("/redirect?n=3", "A chain of `n` redirects (relative Location) ending at a page"),
    ("/status/404", "An error status with a small body (any code 200-599)"),
    (
        "/utf8-split?delay=0.5",
        "UTF-8 text whose multibyte characters are split across two TCP writes",
    ),
]


_PARAMETER = re.compile(r"`([^`]+)`")


def plain_description(text: str) -> str:
    """An ENDPOINTS description for plain text (a start page): `name` marks a query
    parameter and is shown quoted, never with its backticks."""
    return _PARAMETER.sub("\u201c\\1\u201d", text)


def html_description(text: str) -> str:
    """An ENDPOINTS description for the index page: parameters as <code>."""
    return _PARAMETER.sub(r"<code>\1</code>", html.escape(text))


class BadRequest(Exception):
    """A query parameter is missing, unknown or out of range; str() is the 400 body."""


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name, even "localhost", could resolve to anything


def text_lines(start: int, size: int) -> bytes:
    """``size`` bytes of the endless text made of numbered TEXT_LINE lines, from offset
    ``start``. Deterministic, so a test can check any slice of a generated body."""
    line_len = 9 + len(TEXT_LINE)  # "%08d " prefix
    first = start // line_len
    count = (start + size) // line_len - first + 1
    block = b"".join(b"%08d %s" % (n % 100_000_000, TEXT_LINE) for n in range(first, first + count))
    skip = start - first * line_len
    return block[skip : skip + size]


class _Query:
    """Validated access to a request's query string, so each endpoint states its parameters."""

    def __init__(self, path: str, query: str, allowed: tuple[str, ...]) -> None:
        self.path = path
        try:
            self._values = parse_qs(query, keep_blank_values=True, strict_parsing=False)
        except ValueError as exc:
            raise BadRequest(f"The query string of {path} cannot be parsed: {exc}.") from exc
        for name, values in self._values.items():
            if name not in allowed:
                accepted = ", ".join(allowed) or "none"
                raise BadRequest(
                    f"Unknown query parameter {name!r} for {path}; accepted parameters: {accepted}."
                )
            if len(values) > 1:
                raise BadRequest(f"Query parameter {name!r} for {path} is given more than once.")

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self._values.get(name, [None])[0]
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise BadRequest(
                f"Query parameter {name!r} for {self.path} must be a whole number from {low} "
                f"to {high}; got {raw!r}."
            )
        return value

    def seconds(self, name: str, default: float, high: float) -> float:
        raw = self._values.get(name, [None])[0]
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0.0 <= value <= high:  # also rejects nan
            raise BadRequest(
                f"Query parameter {name!r} for {self.path} must be a number of seconds from 0 "
                f"to {high:g}; got {raw!r}."
            )
        return value


class _Server(socketserver.ThreadingMixIn, HTTPServer):
    """HTTPServer that tracks its handler threads and sockets so stop() can end them."""

    daemon_threads = True
    block_on_close = False  # stop() joins with a bound instead
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], demo: DemoServer) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.demo = demo
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.handler_threads: set[threading.Thread] = set()
        self.connections: set[socket.socket] = set()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a reverse DNS lookup that can take seconds.
        socketserver.TCPServer.server_bind(self)
        host, port = self.socket.getsockname()[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_one,
            args=(request, client_address),
            name=f"demo-server-conn-{client_address[1]}",
            daemon=True,
        )
        with self.lock:
            self.handler_threads.add(thread)
            self.connections.add(request)
        thread.start()

    def _serve_one(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self.lock:
                self.handler_threads.discard(threading.current_thread())
                self.connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-body is normal here (Stop, a new load); stay quiet.
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) or self.stopping.is_set():
            return
        super().handle_error(request, client_address)

    def abort_connections(self) -> None:
        """Wake handlers blocked in send/recv: shut down every open connection."""
        with self.lock:
            connections = list(self.connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # needed for chunked; every response still closes
    server_version = "YonderDemo/0.1"
    timeout = 30  # a connection that never sends its request does not hold a thread forever

    # -- plumbing ------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        log = self.server.demo.log
        if log is not None:
            log(f"{self.address_string()} {format % args}")

    def do_HEAD(self) -> None:
        self._dispatch(send_body=False)

    def do_GET(self) -> None:
        self._dispatch(send_body=True)

    def _dispatch(self, send_body: bool) -> None:
        self.close_connection = True
        self._send_body = send_body
        parts = urlsplit(self.path)
        path = parts.path
        routes: dict[str, Callable[[_Query], None]] = {
            "/": self._index,
            "/drip": self._drip,
            "/large": self._large,
            "/stream": self._stream,
            "/gzip": self._gzip,
            "/redirect": self._redirect,
            "/utf8-split": self._utf8_split,
        }
        try:
            if path in routes:
                allowed = {
                    "/drip": ("bytes", "delay", "piece"),
                    "/large": ("size",),
                    "/stream": ("chunks", "delay", "size"),
                    "/gzip": ("size",),
                    "/redirect": ("n", "code"),
                    "/utf8-split": ("delay",),
                }.get(path, ())
                routes[path](_Query(path, parts.query, allowed))
            elif path.startswith("/samples/"):
                _Query(path, parts.query, ())
                self._sample(unquote(path[len("/samples/") :]))
            elif path.startswith("/status/"):
                _Query(path, parts.query, ())
                self._status(path[len("/status/") :])
            else:
                self._text(
                    HTTPStatus.NOT_FOUND,
                    f"Not found: {path} is not an endpoint of the Yonder demo server.\n"
                    "Open / for the list of endpoints.\n",
                )
        except BadRequest as exc:
            self._text(HTTPStatus.BAD_REQUEST, f"Bad request: {exc}\n")

    def _head(
        self,
        status: int,
        content_type: str,
        length: int | None,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()

    def _write(self, data: bytes) -> None:
        if self._send_body and data:
            self.wfile.write(data)

    def _pause(self, seconds: float) -> bool:
        """Sleep, but wake at once when the server stops; False means stop sending."""
        if seconds > 0:
            return not self.server.stopping.wait(seconds)
        return not self.server.stopping.is_set()

    def _text(self, status: int, text: str, content_type: str = "text/plain") -> None:
        body = text.encode("utf-8")
        self._head(status, f"{content_type}; charset=utf-8", len(body))
        self._write(body)

    # -- endpoints -----------------------------------------------------------------------

    def _index(self, query: _Query) -> None:
        self._text(HTTPStatus.OK, self.server.demo.index_html(), "text/html")

    def _sample(self, name: str) -> None:
        file = self.server.demo.sample_path(name)
        if file is None:
            self._text(
                HTTPStatus.NOT_FOUND,
                f"Not found: there is no sample named {name!r}. Open / for the list of samples.\n",
            )
            return
        data = file.read_bytes()
        self._head(HTTPStatus.OK, content_type_for(file), len(data))
        self._write(data)

    def _drip(self, query: _Query) -> None:
        size = query.integer("bytes", 2048, 0, MAX_DRIP_BYTES)
        delay = query.seconds("delay", 0.05, MAX_DELAY)
        piece = query.integer("piece", 64, 1, 65536)
        pieces = -(-size // piece)
        if pieces * delay > MAX_DRIP_SECONDS:
            raise BadRequest(
                f"/drip would take {pieces * delay:.0f} s (bytes / piece * delay); the limit is "
                f"{MAX_DRIP_SECONDS:.0f} s. Ask for fewer bytes, bigger pieces or a shorter delay."
            )
        self._head(HTTPStatus.OK, "text/plain; charset=utf-8", size)
        if not self._send_body:
            return
        body = text_lines(0, size)
        for offset in range(0, size, piece):
            if offset and not self._pause(delay):
                return
            self.wfile.write(body[offset : offset + piece])

    def _large(self, query: _Query) -> None:
        size = query.integer("size", 100 * 1024 * 1024, 0, MAX_LARGE_SIZE)
        self._head(HTTPStatus.OK, "text/plain; charset=utf-8", size)
        if not self._send_body:
            return
        for offset in range(0, size, WRITE_BLOCK):
            if self.server.stopping.is_set():
                return
            self.wfile.write(text_lines(offset, min(WRITE_BLOCK, size - offset)))

    def _stream(self, query: _Query) -> None:
        chunks = query.integer("chunks", 20, 0, MAX_STREAM_CHUNKS)
        delay = query.seconds("delay", 0.1, MAX_DELAY)
        size = query.integer("size", 256, 1, MAX_CHUNK_SIZE)
        if chunks * delay > MAX_DRIP_SECONDS:
            raise BadRequest(
                f"/stream would take {chunks * delay:.0f} s (chunks * delay); the limit is "
                f"{MAX_DRIP_SECONDS:.0f} s."
            )
        # An HTTP/1.0 client (the classic request) must not get chunked: close-delimited then.
        chunked = self.request_version != "HTTP/1.0"
        extra = (("Transfer-Encoding", "chunked"),) if chunked else ()
        self._head(HTTPStatus.OK, "text/plain; charset=utf-8", None, extra)
        if not self._send_body:
            return
        for index in range(chunks):
            if index and not self._pause(delay):
                return
            data = text_lines(index * size, size)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _gzip(self, query: _Query) -> None:
        size = query.integer("size", 200_000, 0, MAX_GZIP_SIZE)
        body = gzip.compress(text_lines(0, size), compresslevel=6, mtime=0)
        self._head(
            HTTPStatus.OK,
            "text/plain; charset=utf-8",
            len(body),
            (("Content-Encoding", "gzip"), ("X-Decoded-Length", str(size))),
        )
        self._write(body)

    def _redirect(self, query: _Query) -> None:
        left = query.integer("n", 3, 0, MAX_REDIRECTS)
        code = query.integer("code", 302, 301, 308)
        if code not in (301, 302, 303, 307, 308):
            raise BadRequest(
                f"Query parameter 'code' for /redirect must be 301, 302, 303, 307 or 308; "
                f"got {code}."
            )
        if left == 0:
            self._text(
                HTTPStatus.OK,
                "<!doctype html><title>Redirect chain done</title>"
                "<h1>End of the redirect chain</h1><p>Every hop has its own timings.</p>\n",
                "text/html",
            )
            return
        location = f"/redirect?n={left - 1}" + (f"&code={code}" if code != 302 else "")
        body = f"Redirecting ({left} left) to {location}\n".encode()
        self._head(code, "text/plain; charset=utf-8", len(body), (("Location", location),))
        self._write(body)

    def _status(self, raw: str) -> None:
        if not (raw.isdigit() and 200 <= int(raw) <= 599):
            raise BadRequest(f"/status/<code> needs a status code from 200 to 599; got {raw!r}.")
        code = int(raw)
        try:
            reason = HTTPStatus(code).phrase
        except ValueError:
            reason = "Unknown"
        if code in (204, 304):  # these never have a body
            self._head(code, "text/plain; charset=utf-8", None)
            return
        self._text(code, f"{code} {reason}: the demo server answered /status/{code} as asked.\n")

    def _utf8_split(self, query: _Query) -> None:
        delay = query.seconds("delay", 0.5, MAX_DELAY)
        pieces = utf8_split_pieces()
        self._head(HTTPStatus.OK, "text/plain; charset=utf-8", sum(map(len, pieces)))
        if not self._send_body:
            return
        for index, piece in enumerate(pieces):
            if index and not self._pause(delay):
                return
            self.wfile.write(piece)
            self.wfile.flush()


UTF8_SPLIT_TEXT = "Café ☕ naïve — 日本語 🦊 ünïcödé\n"


def utf8_split_pieces() -> list[bytes]:
    """The /utf8-split body cut inside each multibyte character (2, 3 and 4 bytes long)."""
    data = UTF8_SPLIT_TEXT.encode("utf-8")
    cuts = []
    for char in ("é", "☕", "日", "🦊"):
        start = data.index(char.encode("utf-8"))
        cuts.append(start + 1)  # after the lead byte: neither half decodes alone
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def content_type_for(file: Path) -> str:
    guessed, encoding = mimetypes.guess_type(file.name)
    if guessed is None or encoding is not None:
        return "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/json", "image/svg+xml"):
        return f"{guessed}; charset=utf-8"  # every text sample is stored as UTF-8
    return guessed


class DemoServer:
    """The demo server: ``start()`` binds a free loopback port and serves on daemon threads.

    Use as a context manager or call ``stop()``; ``log`` (optional) receives one line per
    request.
    """

    def __init__(
        self,
        samples_dir: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log: Callable[[str], None] | None = None,
    ) -> None:
        if not _is_loopback(host):
            raise ValueError(
                f"The demo server only listens on a loopback address (127.0.0.1 or ::1); "
                f"refusing {host!r}."
            )
        if not 0 <= port <= 65535:
            raise ValueError(f"Port must be from 0 to 65535; got {port}.")
        self.samples_dir = Path(samples_dir)
        self.host = host
        self.port = port
        self.log = log
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("The demo server is not running; call start() first.")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._server.server_port}/"

    def start(self) -> str:
        """Bind and serve in the background; returns the base URL. Raises OSError if the
        port is taken."""
        if self._server is not None:
            return self.base_url
        server = _Server((self.host, self.port), self)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits at most this long
            name="demo-server",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self, timeout: float = JOIN_TIMEOUT) -> None:
        """Stop serving, end open connections, close the port, join threads (bounded)."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        deadline = time.monotonic() + timeout
        server.stopping.set()
        server.shutdown()
        server.server_close()
        server.abort_connections()
        thread.join(max(0.0, deadline - time.monotonic()))
        with server.lock:
            handlers = list(server.handler_threads)
        for handler in handlers:
            handler.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- content -------------------------------------------------------------------------

    def endpoints(self) -> list[tuple[str, str]]:
        """(path with example query, plain-text description) for every endpoint, samples
        included."""
        result = [(path, plain_description(text)) for path, text in ENDPOINTS]
        result += [(f"/samples/{quote(name)}", f"Sample: {name}") for name in self.sample_names()]
        return result

    def sample_names(self) -> list[str]:
        if not self.samples_dir.is_dir():
            return []
        # Exactly the names sample_path() serves: no dot-files, nothing outside the folder.
        return sorted(p.name for p in self.samples_dir.iterdir() if self.sample_path(p.name))

    def sample_path(self, name: str) -> Path | None:
        """The file for /samples/<name>, or None. Only plain files directly inside
        samples_dir: no separators, no dot-files, so no traversal and no symlink escapes."""
        if not name or "/" in name or "\\" in name or "\0" in name or name.startswith("."):
            return None
        root = self.samples_dir.resolve()
        file = (root / name).resolve()
        if file.parent != root or not file.is_file():
            return None
        return file

    def index_html(self) -> str:
        endpoints = [(path, html_description(text)) for path, text in ENDPOINTS]
        endpoints += [
            (path, html.escape(text)) for path, text in self.endpoints()[len(ENDPOINTS) :]
        ]
        rows = "\n".join(
            f'<li><a href="{html.escape(path.lstrip("/") or ".")}">{html.escape(path)}</a> '
            f"&mdash; {desc}</li>"
            for path, desc in endpoints
            if "<" not in path
        )
        return (
            '<!doctype html>\n<html><head><meta charset="utf-8">'
            "<title>Yonder demo server</title></head><body>\n"
            "<h1>Yonder demo server</h1>\n"
            "<p>Loopback only. Each endpoint shows one way a body can stream.</p>\n"
            f"<ul>\n{rows}\n</ul>\n</body></html>\n"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Yonder's loopback-only demo server.")
    parser.add_argument("--host", default="127.0.0.1", help="127.0.0.1 (default) or ::1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--samples", type=Path, default=None, help="directory of sample files")
    args = parser.parse_args(argv)
    samples = args.samples
    if samples is None:
        samples = Path(__file__).resolve().parent.parent / "resources" / "samples"
    try:
        server = DemoServer(samples, args.host, args.port, log=lambda line: print(line, flush=True))
        url = server.start()
    except (ValueError, OSError) as exc:
        print(f"yonder demo server: cannot start: {exc}", file=sys.stderr)
        return 2
    print(f"Yonder demo server on {url} (Ctrl+C stops)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
