"""`python main.py --dump`: the command-line contract, run as a real subprocess.

Every case starts main.py with sys.executable against a loopback server written here (threads
on 127.0.0.1, port 0) that answers well or misbehaves on purpose, then checks stdout bytes,
stderr and the exit status exactly as a script would see them.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme

REPO = Path(__file__).resolve().parents[2]
MAIN = str(REPO / "main.py")

# Binary on purpose: NUL bytes, CR/LF, every byte value, and not a multiple of any buffer.
BINARY = bytes(range(256)) * 37 + b"\x00\r\n\r\n\x00"


# --------------------------------------------------------------------------- loopback server


@dataclass
class Exchange:
    """One accepted connection: the request head as received and the socket to answer on."""

    sock: socket.socket
    request: bytes
    server: LoopbackServer

    @property
    def target(self) -> str:
        parts = self.request.split(b"\r\n", 1)[0].split(b" ")
        return parts[1].decode("latin-1") if len(parts) > 1 else ""

    @property
    def path(self) -> str:
        """The request target's path without the query, for origin-form and absolute-form."""
        target = self.target.split("?", 1)[0]
        if "://" in target:
            rest = target.split("://", 1)[1]
            target = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        return target

    def send(self, data: bytes, mode: str = "whole") -> None:
        """Send ``data`` at once, or one byte per segment ("bytewise")."""
        if mode == "bytewise":
            for i in range(len(data)):
                self.sock.sendall(data[i : i + 1])
                time.sleep(0.0002)  # let each byte arrive on its own
        else:
            self.sock.sendall(data)

    def stall(self) -> None:
        """Say nothing until the server stops (the client's timeout must fire first)."""
        self.server.stopping.wait(10)


Handler = Callable[[Exchange], None]


@dataclass
class LoopbackServer:
    """A threaded TCP (or TLS) server on 127.0.0.1; ``routes`` maps a path to a handler."""

    routes: dict[str, Handler] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None
    requests: list[bytes] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._socks: list[socket.socket] = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    def url(self, path: str = "/", scheme: str | None = None) -> str:
        scheme = scheme or ("https" if self.tls else "http")
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.stopping.set()
        self._acceptor.join(5)
        self._listener.close()
        for sock in self._socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        for sock in self._socks:
            sock.close()

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._socks.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, raw: socket.socket) -> None:
        try:
            raw.settimeout(10)
            sock = raw
            if self.tls is not None:
                sock = self.tls.wrap_socket(raw, server_side=True)
                self._socks.append(sock)
            request = b""
            while b"\r\n\r\n" not in request:
                data = sock.recv(65536)
                if not data:
                    return
                request += data
            self.requests.append(request)
            exchange = Exchange(sock, request, self)
            self.routes.get(exchange.path, not_found)(exchange)
            if isinstance(sock, ssl.SSLSocket):
                sock.unwrap()  # close_notify, so the client sees a clean end of the stream
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the client left or refused our certificate: nothing to answer


def response(
    status: int = 200,
    reason: str = "OK",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    *,
    length: bool = True,
    version: str = "1.1",
) -> bytes:
    """The bytes of one HTTP response; Content-Length added unless ``length`` is False."""
    lines = [f"HTTP/{version} {status} {reason}", *(f"{k}: {v}" for k, v in headers or [])]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def not_found(ex: Exchange) -> None:
    ex.send(response(404, "Not Found", [("Content-Type", "text/plain")], b"no such page\n"))


def chunked(body: bytes, size: int = 1000) -> bytes:
    """``body`` in chunks of ``size``, with a chunk extension and a trailer for good measure."""
    out = b""
    for i in range(0, len(body), size):
        piece = body[i : i + size]
        out += f"{len(piece):x};ext=1\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\nX-Trailer: done\r\n\r\n"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.stop()


# --------------------------------------------------------------------------- running main.py


@dataclass
class Run:
    code: int
    out: bytes
    err: str
    seconds: float


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    env.pop("PYTHONWARNINGS", None)
    env.update(extra)
    return env


def dump(*args: str, env: dict[str, str] | None = None, timeout: float = 20) -> Run:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, MAIN, "--dump", *args],
        cwd=REPO,
        capture_output=True,
        timeout=timeout,
        env=env or clean_env(),
    )
    return Run(
        proc.returncode,
        proc.stdout,
        proc.stderr.decode("utf-8", "replace"),
        time.perf_counter() - start,
    )


def assert_one_line_error(run: Run, *words: str) -> None:
    """Exit 1, nothing on stdout, exactly one 'yonder: ...' line naming ``words``."""
    assert run.code == 1, run
    assert run.out == b""
    assert run.err.startswith("yonder: "), run.err
    assert run.err.endswith("\n") and run.err.count("\n") == 1, run.err
    assert "Traceback" not in run.err
    for word in words:
        assert word.lower() in run.err.lower(), (word, run.err)


# --------------------------------------------------------------------------- body bytes exact

MODES = ["whole", "bytewise", "trailing"]
# Small enough that one byte per segment stays fast; large enough for several chunks.
SMALL = BINARY[:600]


def _framings(mode: str) -> dict[str, tuple[Handler, bytes]]:
    body = SMALL if mode == "bytewise" else BINARY
    garbage = b"GARBAGE AFTER THE BODY\r\n\r\n" if mode == "trailing" else b""
    gz = gzip.compress(body)
    zdeflate = zlib.compress(body)
    raw_deflate = zlib.compressobj(wbits=-15)
    raw = raw_deflate.compress(body) + raw_deflate.flush()

    def handler(data: bytes) -> Handler:
        return lambda ex: ex.send(data, mode)

    octet = [("Content-Type", "application/octet-stream")]
    return {
        "/length": (handler(response(headers=octet, body=body) + garbage), body),
        "/chunked": (
            handler(
                response(headers=[("Transfer-Encoding", "chunked")], length=False)
                + chunked(body, 250)
                + garbage
            ),
            body,
        ),
        # Close-delimited: no framing header, the body ends when the server closes.
        "/close": (handler(response(headers=octet, length=False) + body + garbage), body + garbage),
        "/gzip": (
            handler(response(headers=[("Content-Encoding", "gzip")], body=gz) + garbage),
            body,
        ),
        "/gzip-chunked": (
            handler(
                response(
                    headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
                    length=False,
                )
                + chunked(gz, 97)
                + garbage
            ),
            body,
        ),
        "/deflate": (
            handler(response(headers=[("Content-Encoding", "deflate")], body=zdeflate) + garbage),
            body,
        ),
        "/raw-deflate": (
            handler(response(headers=[("Content-Encoding", "deflate")], body=raw) + garbage),
            body,
        ),
        "/empty": (handler(response(body=b"") + garbage), b""),
    }


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "path",
    [
        "/length",
        "/chunked",
        "/close",
        "/gzip",
        "/gzip-chunked",
        "/deflate",
        "/raw-deflate",
        "/empty",
    ],
)
def test_body_bytes_are_exact(server: LoopbackServer, path: str, mode: str) -> None:
    handler, expected = _framings(mode)[path]
    server.routes[path] = handler
    run = dump(server.url(path))
    assert (run.code, run.err) == (0, "")
    assert run.out == expected


def test_request_is_http11_with_the_expected_headers(server: LoopbackServer) -> None:
    server.routes["/p"] = lambda ex: ex.send(response(body=b"ok"))
    run = dump(server.url("/p?q=1"))
    assert (run.code, run.out) == (0, b"ok")
    (request,) = server.requests
    assert request.startswith(b"GET /p?q=1 HTTP/1.1\r\n")
    assert f"\r\nHost: 127.0.0.1:{server.port}\r\n".encode() in request


def test_http10_sends_exactly_the_classic_request(server: LoopbackServer) -> None:
    server.routes["/romeo.txt"] = lambda ex: ex.send(
        b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nBut soft what light\n"
    )
    run = dump("--http1.0", server.url("/romeo.txt"))
    assert (run.code, run.err, run.out) == (0, "", b"But soft what light\n")
    assert server.requests == [f"GET {server.url('/romeo.txt')} HTTP/1.0\r\n\r\n".encode()]


# --------------------------------------------------------------------------- --include


@pytest.mark.parametrize("mode", MODES)
def test_include_writes_the_head_as_received_then_the_body(
    server: LoopbackServer, mode: str
) -> None:
    head = b"HTTP/1.1 200 OK\r\nX-MiXeD-Case: Value  with  spaces\r\nContent-Length: 5\r\n\r\n"
    trailing = b"garbage" if mode == "trailing" else b""
    server.routes["/"] = lambda ex: ex.send(head + b"hello" + trailing, mode)
    run = dump("--include", server.url("/"))
    assert (run.code, run.err) == (0, "")
    assert run.out == head + b"hello"


def test_include_ends_every_line_with_crlf_even_when_the_server_used_lf(
    server: LoopbackServer,
) -> None:
    server.routes["/"] = lambda ex: ex.send(b"HTTP/1.1 200 OK\nContent-Length: 2\nA: b\n\nhi")
    run = dump("--include", server.url("/"))
    assert run.out == b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nA: b\r\n\r\nhi"


def test_include_shows_only_the_final_hop(server: LoopbackServer) -> None:
    server.routes["/old"] = lambda ex: ex.send(
        response(301, "Moved Permanently", [("Location", "/new")], b"moved body, not shown")
    )
    server.routes["/new"] = lambda ex: ex.send(response(200, "OK", [("X-Final", "1")], b"new"))
    run = dump("--include", server.url("/old"))
    assert (run.code, run.err) == (0, "")
    assert run.out == b"HTTP/1.1 200 OK\r\nX-Final: 1\r\nContent-Length: 3\r\n\r\nnew"


# --------------------------------------------------------------------------- redirects, status


def test_redirects_are_followed_relative_absolute_and_chunked(server: LoopbackServer) -> None:
    server.routes["/a"] = lambda ex: ex.send(
        response(302, "Found", [("Location", "b")], b"<a>first hop body</a>")
    )
    server.routes["/b"] = lambda ex: ex.send(
        response(307, "Temporary Redirect", [("Location", server.url("/c"))], b"")
    )
    server.routes["/c"] = lambda ex: ex.send(
        response(
            303, "See Other", [("Location", "/d"), ("Transfer-Encoding", "chunked")], length=False
        )
        + chunked(b"third hop body")
    )
    server.routes["/d"] = lambda ex: ex.send(response(body=BINARY))
    run = dump(server.url("/a"))
    assert (run.code, run.err) == (0, "")
    assert run.out == BINARY
    assert [r.split(b" ")[1] for r in server.requests] == [b"/a", b"/b", b"/c", b"/d"]


def test_a_redirect_without_location_is_the_final_answer(server: LoopbackServer) -> None:
    server.routes["/"] = lambda ex: ex.send(response(302, "Found", [], b"nowhere to go"))
    run = dump(server.url("/"))
    assert (run.code, run.out) == (0, b"nowhere to go")


@pytest.mark.parametrize("status", [404, 500])
def test_an_error_status_is_still_a_complete_response(server: LoopbackServer, status: int) -> None:
    server.routes["/x"] = lambda ex: ex.send(response(status, "Oops", [], b"error page"))
    run = dump("--include", server.url("/x"))
    assert (run.code, run.err) == (0, "")
    assert run.out == f"HTTP/1.1 {status} Oops\r\nContent-Length: 10\r\n\r\nerror page".encode()


# --------------------------------------------------------------------------- errors: exit 1


def test_connection_refused(server: LoopbackServer) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # bound, never listening, now closed: nothing accepts on this port
    run = dump(f"http://127.0.0.1:{port}/")
    assert_one_line_error(run, "refused", f"127.0.0.1:{port}")


def test_unknown_host() -> None:
    run = dump("http://nowhere.invalid/")
    assert_one_line_error(run, "nowhere.invalid")


def test_read_timeout(server: LoopbackServer) -> None:
    server.routes["/"] = Exchange.stall
    run = dump("--timeout", "0.5", server.url("/"))
    assert_one_line_error(run, "127.0.0.1", "timeout")
    assert run.seconds < 5


def test_read_timeout_while_the_body_stalls(server: LoopbackServer) -> None:
    def half_then_stall(ex: Exchange) -> None:
        ex.send(response(body=b"x" * 100)[:-50])
        ex.stall()

    server.routes["/"] = half_then_stall
    run = dump("--timeout", "0.5", server.url("/"))
    assert run.code == 1
    assert run.out == b"x" * 50  # what arrived was streamed out before the error
    assert run.err.count("\n") == 1 and "timeout" in run.err.lower()


def test_truncated_body(server: LoopbackServer) -> None:
    server.routes["/"] = lambda ex: ex.send(response(body=b"y" * 50)[:-45])
    run = dump(server.url("/"))
    assert run.code == 1
    assert run.out == b"y" * 5
    assert run.err.startswith("yonder: ") and run.err.count("\n") == 1
    assert "5 of 50" in run.err


def test_garbage_instead_of_http(server: LoopbackServer) -> None:
    server.routes["/"] = lambda ex: ex.send(b"SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n")
    run = dump(server.url("/"))
    assert_one_line_error(run, "HTTP", "SSH-2.0")


def test_huge_head(server: LoopbackServer) -> None:
    headers = [(f"X-Filler-{i}", "v" * 1000) for i in range(100)]
    server.routes["/"] = lambda ex: ex.send(response(headers=headers, body=b"never"))
    run = dump(server.url("/"))
    assert_one_line_error(run, "head")


def test_corrupt_gzip(server: LoopbackServer) -> None:
    bad = gzip.compress(b"fine so far " * 100)[:40] + b"\xde\xad\xbe\xef" * 20
    server.routes["/"] = lambda ex: ex.send(
        response(headers=[("Content-Encoding", "gzip")], body=bad)
    )
    run = dump(server.url("/"))
    assert run.code == 1
    assert run.err.startswith("yonder: ") and run.err.count("\n") == 1
    assert "gzip" in run.err.lower()


def test_redirect_loop(server: LoopbackServer) -> None:
    server.routes["/loop"] = lambda ex: ex.send(response(302, "Found", [("Location", "/loop")]))
    run = dump(server.url("/loop"))
    assert_one_line_error(run, "redirect")
    assert 2 <= len(server.requests) <= 21


# --------------------------------------------------------------------------- usage: exit 2


@pytest.mark.parametrize("url", ["ftp://x", "http://", "http://exa mple.org:99999/"])
def test_invalid_url_is_a_usage_error(url: str) -> None:
    run = dump(url)
    assert run.code == 2, run
    assert run.out == b""
    assert run.err.startswith("usage: ")
    assert "error: " in run.err and "Traceback" not in run.err


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--bogus", "http://127.0.0.1/"],
        ["--timeout", "abc", "http://127.0.0.1/"],
        ["--timeout", "-1", "http://127.0.0.1/"],
        ["--timeout", "nan", "http://127.0.0.1/"],
        ["--timeout"],
        ["http://127.0.0.1/a", "http://127.0.0.1/b"],
    ],
)
def test_usage_errors(args: list[str]) -> None:
    run = dump(*args)
    assert run.code == 2, run
    assert run.out == b""
    assert run.err.startswith("usage: ") and "error: " in run.err


def test_help() -> None:
    run = dump("--help")
    assert (run.code, run.err) == (0, "")
    text = run.out.decode()
    assert text.startswith("usage: ")
    for option in ("--include", "--http1.0", "--timeout SECONDS", "URL"):
        assert option in text


# --------------------------------------------------------------------------- stdout trouble


def test_disk_full(server: LoopbackServer) -> None:
    server.routes["/"] = lambda ex: ex.send(response(body=BINARY))
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, MAIN, "--dump", server.url("/")],
            cwd=REPO,
            stdout=full,
            stderr=subprocess.PIPE,
            env=clean_env(),
            timeout=20,
        )
    assert proc.returncode == 1
    assert proc.stderr == b"yonder: could not write the body to stdout: No space left on device\n"


def test_disk_full_with_a_tiny_body(server: LoopbackServer) -> None:
    """A body smaller than stdout's buffer fails at the final flush, not at write()."""
    server.routes["/"] = lambda ex: ex.send(response(body=b"tiny"))
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, MAIN, "--dump", server.url("/")],
            cwd=REPO,
            stdout=full,
            stderr=subprocess.PIPE,
            env=clean_env(),
            timeout=20,
        )
    assert proc.returncode == 1
    assert proc.stderr == b"yonder: could not write the body to stdout: No space left on device\n"


def _big_body(ex: Exchange, size: int) -> None:
    block = memoryview(BINARY * 256)  # ~2.4 MB
    ex.sock.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
    sent = 0
    while sent < size:
        piece = block[: min(len(block), size - sent)]
        ex.sock.sendall(piece)
        sent += len(piece)


def test_broken_pipe_exits_quietly(server: LoopbackServer) -> None:
    server.routes["/"] = lambda ex: _big_body(ex, 64 * 1024 * 1024)
    proc = subprocess.Popen(
        [sys.executable, MAIN, "--dump", server.url("/")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(1000) == BINARY[:1000]  # like `| head -c 1000`
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(20) == 141
    assert err == b""


def test_ctrl_c_exits_130_without_a_traceback(server: LoopbackServer) -> None:
    got_request = threading.Event()

    def stall(ex: Exchange) -> None:
        got_request.set()
        ex.stall()

    server.routes["/"] = stall
    proc = subprocess.Popen(
        [sys.executable, MAIN, "--dump", server.url("/")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )
    assert got_request.wait(10)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert (out, b"Traceback" in err) == (b"", False)


# --------------------------------------------------------------------------- https


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[LoopbackServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    srv = LoopbackServer(tls=context)
    srv.routes["/"] = lambda ex: ex.send(response(body=BINARY))
    yield srv
    srv.stop()


def test_https_trusted_through_ssl_cert_file(
    tls_server: LoopbackServer, ca: trustme.CA, tmp_path: Path
) -> None:
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    run = dump(tls_server.url("/"), env=clean_env(SSL_CERT_FILE=str(ca_file)))
    assert (run.code, run.err) == (0, "")
    assert run.out == BINARY


def test_https_untrusted(tls_server: LoopbackServer) -> None:
    run = dump(tls_server.url("/"))
    assert_one_line_error(run, "certificate", "127.0.0.1")


# --------------------------------------------------------------------------- no Qt, memory


def test_dump_mode_does_not_import_qt(server: LoopbackServer) -> None:
    server.routes["/"] = lambda ex: ex.send(response(body=b"ok"))
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", MAIN, "--dump", server.url("/")],
        cwd=REPO,
        capture_output=True,
        env=clean_env(),
        timeout=20,
    )
    assert (proc.returncode, proc.stdout) == (0, b"ok")
    imported = proc.stderr.decode()
    assert "net.client" in imported and "net.dump" in imported  # importtime really reported
    assert "PySide6" not in imported and "shiboken" not in imported


def _peak_rss_mib(pid: int, done: threading.Event, peaks: list[float]) -> None:
    """Poll VmHWM of ``pid`` until ``done``. Not wait4's ru_maxrss: Linux carries the forking
    parent's high-water mark across exec, so a child of this ~70 MiB pytest reports >= 70 MiB.
    """
    status = Path(f"/proc/{pid}/status")
    while not done.is_set():
        with contextlib.suppress(OSError):
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        done.wait(0.005)


@pytest.mark.slow
def test_a_200_mb_body_streams_in_constant_memory(server: LoopbackServer) -> None:
    size = 200 * 1000 * 1000
    server.routes["/"] = lambda ex: _big_body(ex, size)
    proc = subprocess.Popen(
        [sys.executable, MAIN, "--dump", server.url("/")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    done, peaks = threading.Event(), list[float]()
    poller = threading.Thread(target=_peak_rss_mib, args=(proc.pid, done, peaks))
    poller.start()
    received = 0
    buffer = bytearray(1024 * 1024)
    try:
        while n := proc.stdout.readinto(buffer):
            received += n
        err = proc.stderr.read()
    finally:
        done.set()
        poller.join()
        proc.stdout.close()
        proc.stderr.close()
    assert (proc.wait(20), err, received) == (0, b"", size)
    assert peaks, "VmHWM was never read"
    # The interpreter alone is ~20 MiB; the body is 190 MiB: a leak of the body shows at once.
    assert max(peaks) < 48, f"peak RSS {max(peaks):.0f} MiB for a {size / 1e6:.0f} MB body"
