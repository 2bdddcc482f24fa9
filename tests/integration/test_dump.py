"""`python main.py --dump`: the command-line contract, run as a real subprocess.

Every case starts main.py with sys.executable against a loopback server from
tests/integration/servers.py (threads on 127.0.0.1, port 0) that answers well or misbehaves on
purpose, then checks stdout bytes, stderr and the exit status exactly as a script sees them.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
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
from dataclasses import dataclass
from pathlib import Path

import pytest

import net.dump
from net.errors import NetError, WriteError
from net.events import BodyChunk, Event, Finished, Redirected, ResponseHead, Timings
from net.options import FetchOptions
from tests.integration.conftest import ServerFactory
from tests.integration.servers import (
    Handler,
    LoopbackServer,
    closed_port,
    drip,
    http_response,
    read_request,
    redirect,
    respond,
    routes,
    send,
    stall,
)

REPO = Path(__file__).resolve().parents[2]
MAIN = str(REPO / "main.py")

# Binary on purpose: NUL bytes, CR/LF, every byte value, and not a multiple of any buffer.
BINARY = bytes(range(256)) * 37 + b"\x00\r\n\r\n\x00"
# Small enough that one byte per segment stays fast; large enough for several chunks.
SMALL = BINARY[:600]
GARBAGE = b"GARBAGE AFTER THE BODY\r\n\r\n"


# --------------------------------------------------------------------------- running main.py


@dataclass
class Run:
    code: int
    out: bytes
    err: str


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the machine's CA overrides (FACTS.md), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    env.update(extra)
    return env


def dump(*args: str, env: dict[str, str] | None = None) -> Run:
    proc = subprocess.run(
        [sys.executable, MAIN, "--dump", *args],
        cwd=REPO,
        capture_output=True,
        timeout=60,
        env=env or clean_env(),
    )
    err = proc.stderr.decode("utf-8", "replace")
    return Run(proc.returncode, proc.stdout, err)


def default_sigint() -> None:
    """In the child before exec: Ctrl+C as a terminal gives it. A shell starts a background
    job (`make test &`, nohup, some CI runners) with SIGINT ignored, the child inherits that,
    and Python then installs no KeyboardInterrupt handler: the Ctrl+C tests would fail."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_dump(url: str, stdout: int = subprocess.PIPE) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, MAIN, "--dump", url],
        cwd=REPO,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=clean_env(),
        preexec_fn=default_sigint,
    )


def assert_one_line_error(run: Run, *words: str, out: bytes = b"") -> None:
    """Exit 1, ``out`` on stdout, exactly one 'yonder: ...' line naming every one of ``words``."""
    assert run.code == 1, run
    assert run.out == out
    assert run.err.startswith("yonder: "), run.err
    assert run.err.endswith("\n") and run.err.count("\n") == 1, run.err
    for word in words:
        assert word.lower() in run.err.lower(), (word, run.err)


def deliver(raw: bytes, mode: str) -> Handler:
    """Answer with ``raw`` whole, one byte per segment, or followed by trailing garbage."""
    if mode == "bytewise":
        return drip(raw, 0.0002)  # the pause lets each byte arrive on its own
    return respond(raw + GARBAGE if mode == "trailing" else raw)


def big_body(size: int) -> Handler:
    """``size`` bytes of BINARY repeated, with Content-Length, sent from one memoryview."""
    block = memoryview(BINARY * 256)  # ~2.4 MB

    def handler(conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
        sent = 0
        while sent < size:
            piece = block[: min(len(block), size - sent)]
            conn.sendall(piece)
            sent += len(piece)

    return handler


def wait_for_request(server: LoopbackServer) -> None:
    deadline = time.monotonic() + 60  # a child interpreter starting on a loaded machine
    while not server.requests:
        assert time.monotonic() < deadline, "the request never arrived"
        time.sleep(0.01)


# --------------------------------------------------------------------------- body bytes exact

MODES = ["whole", "bytewise", "trailing"]


def chunked(body: bytes, size: int) -> bytes:
    """``body`` in chunks of ``size``, with a chunk extension and a trailer for good measure."""
    out = b""
    for i in range(0, len(body), size):
        piece = body[i : i + size]
        out += f"{len(piece):x};ext=1\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\nX-Trailer: done\r\n\r\n"


def _raw_deflate(body: bytes) -> bytes:
    coder = zlib.compressobj(wbits=-15)
    return coder.compress(body) + coder.flush()


def framed(kind: str, body: bytes) -> bytes:
    """A complete response carrying ``body`` in the framing/coding ``kind``."""
    octet = [("Content-Type", "application/octet-stream")]
    te = [("Transfer-Encoding", "chunked")]
    if kind == "length":
        return http_response(200, body, octet)
    if kind == "chunked":
        return http_response(200, b"", te, content_length=False) + chunked(body, 250)
    if kind == "close":  # no framing header: the body ends when the server closes
        return http_response(200, body, octet, content_length=False)
    if kind == "gzip":
        return http_response(200, gzip.compress(body), [("Content-Encoding", "gzip")])
    if kind == "gzip-chunked":
        head = http_response(200, b"", [("Content-Encoding", "gzip"), *te], content_length=False)
        return head + chunked(gzip.compress(body), 97)
    if kind == "deflate":
        return http_response(200, zlib.compress(body), [("Content-Encoding", "deflate")])
    if kind == "raw-deflate":
        return http_response(200, _raw_deflate(body), [("Content-Encoding", "deflate")])
    raise AssertionError(kind)


KINDS = ["length", "chunked", "close", "gzip", "gzip-chunked", "deflate", "raw-deflate"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_body_bytes_are_exact(serve: ServerFactory, kind: str, mode: str) -> None:
    body = SMALL if mode == "bytewise" else BINARY
    server = serve(deliver(framed(kind, body), mode))
    run = dump(server.url("/"))
    assert (run.code, run.err) == (0, "")
    # Past a close-delimited body, "trailing data" is body too: nothing marks the end.
    assert run.out == (body + GARBAGE if (kind, mode) == ("close", "trailing") else body)


@pytest.mark.parametrize("mode", MODES)
def test_empty_body(serve: ServerFactory, mode: str) -> None:
    server = serve(deliver(http_response(200, b""), mode))
    run = dump(server.url("/"))
    assert (run.code, run.out, run.err) == (0, b"", "")


def test_request_is_http11_with_the_expected_headers(serve: ServerFactory) -> None:
    server = serve(respond(http_response(200, b"ok")))
    run = dump(server.url("/p?q=1"))
    assert (run.code, run.out) == (0, b"ok")
    (request,) = server.requests
    assert request.startswith(b"GET /p?q=1 HTTP/1.1\r\n")
    assert f"\r\nHost: 127.0.0.1:{server.port}\r\n".encode() in request


def test_http10_sends_exactly_the_classic_request(serve: ServerFactory) -> None:
    server = serve(respond(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nBut soft\n"))
    url = server.url("/romeo.txt")
    run = dump("--http1.0", url)
    assert (run.code, run.err, run.out) == (0, "", b"But soft\n")
    assert server.requests == [f"GET {url} HTTP/1.0\r\n\r\n".encode()]


# --------------------------------------------------------------------------- --include


@pytest.mark.parametrize("mode", MODES)
def test_include_writes_the_head_as_received_then_the_body(serve: ServerFactory, mode: str) -> None:
    head = b"HTTP/1.1 200 OK\r\nX-MiXeD-Case: Value  with  spaces\r\nContent-Length: 5\r\n\r\n"
    server = serve(deliver(head + b"hello", mode))
    run = dump("--include", server.url("/"))
    assert (run.code, run.err) == (0, "")
    assert run.out == head + b"hello"


def test_include_ends_every_line_with_crlf_even_when_the_server_used_lf(
    serve: ServerFactory,
) -> None:
    server = serve(respond(b"HTTP/1.1 200 OK\nContent-Length: 2\nA: b\n\nhi"))
    run = dump("--include", server.url("/"))
    assert (run.code, run.err) == (0, "")
    assert run.out == b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nA: b\r\n\r\nhi"


def test_include_shows_only_the_final_hop(serve: ServerFactory) -> None:
    server = serve(
        routes(
            {
                "/old": redirect(301, "/new"),
                "/new": send(http_response(200, b"new", [("X-Final", "1")])),
            }
        )
    )
    run = dump("--include", server.url("/old"))
    assert (run.code, run.err) == (0, "")
    assert run.out == b"HTTP/1.1 200 OK\r\nX-Final: 1\r\nContent-Length: 3\r\n\r\nnew"


# --------------------------------------------------------------------------- redirects, status


def test_redirects_are_followed_relative_absolute_and_chunked(serve: ServerFactory) -> None:
    table = {
        "/a": send(http_response(302, b"<a>first hop body</a>", [("Location", "b")])),
        "/c": send(
            http_response(303, b"", [("Location", "/d"), ("Transfer-Encoding", "chunked")])
            + chunked(b"third hop body", 5)
        ),
        "/d": send(http_response(200, BINARY)),
    }
    server = serve(routes(table))
    table["/b"] = redirect(307, server.url("/c"))  # absolute, needs the port
    run = dump(server.url("/a"))
    assert (run.code, run.err) == (0, "")
    assert run.out == BINARY
    assert [r.split(b" ")[1] for r in server.requests] == [b"/a", b"/b", b"/c", b"/d"]


def test_a_redirect_without_location_is_the_final_answer(serve: ServerFactory) -> None:
    server = serve(respond(http_response(302, b"nowhere to go")))
    run = dump(server.url("/"))
    assert (run.code, run.out, run.err) == (0, b"nowhere to go", "")


@pytest.mark.parametrize("status", [404, 500])
def test_an_error_status_is_still_a_complete_response(serve: ServerFactory, status: int) -> None:
    server = serve(respond(http_response(status, b"error page", reason="Oops")))
    run = dump("--include", server.url("/x"))
    assert (run.code, run.err) == (0, "")
    assert run.out == f"HTTP/1.1 {status} Oops\r\nContent-Length: 10\r\n\r\nerror page".encode()


# --------------------------------------------------------------------------- errors: exit 1


def test_connection_refused() -> None:
    port = closed_port()
    run = dump(f"http://127.0.0.1:{port}/")
    assert_one_line_error(run, "Connection refused", f"127.0.0.1:{port}")


def test_unknown_host() -> None:
    run = dump("http://nowhere.invalid/")
    assert_one_line_error(run, "Could not resolve host 'nowhere.invalid'")


def test_read_timeout(serve: ServerFactory) -> None:
    server = serve(stall())
    run = dump("--timeout", "0.5", server.url("/"))
    # the limit given, not the default 30 s (the server would stay silent past both)
    assert_one_line_error(run, f"127.0.0.1:{server.port}", "0.5 s (read timeout)")


def test_read_timeout_while_the_body_stalls(serve: ServerFactory) -> None:
    server = serve(stall(http_response(200, b"x" * 100)[:-50]))
    run = dump("--timeout", "0.5", server.url("/"))
    # What arrived was streamed out before the error.
    assert_one_line_error(run, "read timeout", out=b"x" * 50)


def test_truncated_body(serve: ServerFactory) -> None:
    server = serve(respond(http_response(200, b"y" * 50)[:-45]))
    run = dump(server.url("/"))
    assert_one_line_error(run, "after 5 of 50 bytes", out=b"y" * 5)


def test_truncated_chunked_body(serve: ServerFactory) -> None:
    raw = http_response(200, b"", [("Transfer-Encoding", "chunked")], content_length=False)
    server = serve(respond(raw + b"a\r\n01234"))
    run = dump(server.url("/"))
    assert_one_line_error(run, f"127.0.0.1:{server.port}", out=b"01234")


def test_garbage_instead_of_http(serve: ServerFactory) -> None:
    server = serve(respond(b"SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n"))
    run = dump(server.url("/"))
    assert_one_line_error(run, "did not answer with HTTP", "SSH-2.0")


def test_huge_head(serve: ServerFactory) -> None:
    headers = [(f"X-Filler-{i}", "v" * 1000) for i in range(100)]
    server = serve(respond(http_response(200, b"never", headers)))
    run = dump(server.url("/"))
    assert_one_line_error(run, "head", "exceeds 65536 bytes")


def test_corrupt_gzip(serve: ServerFactory) -> None:
    bad = gzip.compress(b"fine so far " * 100)[:40] + b"\xde\xad\xbe\xef" * 20
    server = serve(respond(http_response(200, bad, [("Content-Encoding", "gzip")])))
    run = dump(server.url("/"))
    assert_one_line_error(run, f"The gzip body from 127.0.0.1:{server.port} is corrupt")


def test_redirect_loop(serve: ServerFactory) -> None:
    server = serve(routes({"/loop": redirect(302, "/loop")}))
    run = dump(server.url("/loop"))
    assert_one_line_error(run, "Too many redirects (20)")
    assert len(server.requests) == 21


def test_a_bad_location_is_exit_1_not_usage(serve: ServerFactory) -> None:
    # The user's address was fine: the server is at fault, so no usage text and exit 1.
    server = serve(routes({"/a": redirect(302, "http://[::1")}))
    run = dump(server.url("/a"))
    assert_one_line_error(run, f"Server 127.0.0.1:{server.port} redirected", "'http://[::1'")
    assert "usage" not in run.err


# --------------------------------------------------------------------------- usage: exit 2


@pytest.mark.parametrize("url", ["ftp://x", "http://", "http://exa mple.org:99999/"])
def test_invalid_url_is_a_usage_error(url: str) -> None:
    run = dump(url)
    assert (run.code, run.out) == (2, b""), run
    lines = run.err.splitlines()  # argparse may wrap the usage over several lines
    usage, error = lines[0], lines[-1]
    assert usage.startswith("usage: main.py --dump ")
    assert error.startswith("main.py --dump: error: ")
    assert "ftp" in error if url.startswith("ftp") else True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required: URL"),
        (["--bogus", "http://127.0.0.1/"], "unrecognized arguments: --bogus"),
        (["--timeout", "abc", "http://127.0.0.1/"], "invalid timeout 'abc'"),
        (["--timeout", "-1", "http://127.0.0.1/"], "invalid timeout '-1'"),
        (["--timeout", "nan", "http://127.0.0.1/"], "invalid timeout 'nan'"),
        (["--timeout"], "expected one argument"),
        (["http://127.0.0.1/a", "http://127.0.0.1/b"], "unrecognized arguments"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    run = dump(*args)
    assert (run.code, run.out) == (2, b""), run
    assert run.err.startswith("usage: main.py --dump ")
    assert message in run.err


def test_help() -> None:
    run = dump("--help")
    assert (run.code, run.err) == (0, "")
    text = run.out.decode()
    assert text.startswith("usage: main.py --dump [-h] [--include] [--head] [--http1.0]")
    for option in ("--timeout SECONDS", "--cacert FILE", "--no-decode", "--debug", "--version"):
        assert option in text
    assert "URL" in text


# --------------------------------------------------------------------------- stdout trouble


@pytest.mark.parametrize("body", [BINARY * 40, b"tiny"], ids=["large", "tiny"])
def test_disk_full(serve: ServerFactory, body: bytes) -> None:
    """A large body fails in write(); a tiny one only in the final flush of stdout's buffer."""
    server = serve(respond(http_response(200, body)))
    with open("/dev/full", "wb") as full:
        proc = start_dump(server.url("/"), stdout=full.fileno())
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert err == b"yonder: could not write the body to stdout: No space left on device\n"


def test_broken_pipe_exits_141_quietly(serve: ServerFactory) -> None:
    server = serve(big_body(64 * 1024 * 1024))
    proc = start_dump(server.url("/"))
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(1000) == BINARY[:1000]  # like `| head -c 1000`
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert (proc.wait(20), err) == (141, b"")


def test_ctrl_c_exits_130_without_a_traceback(serve: ServerFactory) -> None:
    server = serve(stall())
    proc = start_dump(server.url("/"))
    try:
        wait_for_request(server)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # a hang's cut-off: generous, a loaded machine
    finally:
        if proc.poll() is None:  # not left running (and warning) into a later test
            proc.kill()
            proc.communicate()
    assert (proc.returncode, out, err) == (130, b"", b"")


# --------------------------------------------------------------------------- https


def test_https_trusted_through_ssl_cert_file(
    serve: ServerFactory, tls_context: ssl.SSLContext, ca_file: Path
) -> None:
    server = serve(respond(http_response(200, BINARY)), tls=tls_context)
    run = dump(server.url("/"), env=clean_env(SSL_CERT_FILE=str(ca_file)))
    assert (run.code, run.err) == (0, "")
    assert run.out == BINARY


def test_https_trusted_through_cacert_option(
    serve: ServerFactory, tls_context: ssl.SSLContext, ca_file: Path
) -> None:
    server = serve(respond(http_response(200, BINARY)), tls=tls_context)
    run = dump("--cacert", str(ca_file), server.url("/"))
    assert (run.code, run.err) == (0, "")
    assert run.out == BINARY


def test_https_cacert_missing_file_names_it(
    serve: ServerFactory, tls_context: ssl.SSLContext, tmp_path: Path
) -> None:
    server = serve(respond(http_response(200, BINARY)), tls=tls_context)
    missing = tmp_path / "no-such-ca.pem"
    run = dump("--cacert", str(missing), server.url("/"))
    assert_one_line_error(run, str(missing))


def test_https_untrusted(serve: ServerFactory, tls_context: ssl.SSLContext) -> None:
    server = serve(respond(http_response(200, BINARY)), tls=tls_context)
    run = dump(server.url("/"))
    assert_one_line_error(run, "Certificate for '127.0.0.1' is not trusted")


# --------------------------------------------------------------------------- no Qt, memory


def test_dump_mode_imports_neither_qt_nor_ssl_for_http(serve: ServerFactory) -> None:
    """No Qt ever; no ssl or certifi for an http:// URL (OpenSSL alone is ~5 MiB of RSS)."""
    server = serve(respond(http_response(200, b"ok")))
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", MAIN, "--dump", server.url("/")],
        cwd=REPO,
        capture_output=True,
        env=clean_env(),
        timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (0, b"ok")
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    assert {"net.client", "net.dump"} <= imported  # importtime really reported
    top_level = {name.split(".")[0] for name in imported}
    assert not top_level & {"PySide6", "shiboken6", "ssl", "_ssl", "certifi"}
    assert "net.tls" not in imported and "net.charset" not in imported


def _poll_peak_rss_mib(pid: int, done: threading.Event, peaks: list[float]) -> None:
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
def test_a_200_mb_body_streams_in_constant_memory(serve: ServerFactory) -> None:
    size = 200 * 1000 * 1000
    server = serve(big_body(size))
    proc = start_dump(server.url("/"))
    assert proc.stdout is not None and proc.stderr is not None
    done, peaks = threading.Event(), list[float]()
    poller = threading.Thread(target=_poll_peak_rss_mib, args=(proc.pid, done, peaks))
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
    # 17 MiB measured (bench/README.md); the body is 190 MiB: holding any of it would show.
    assert max(peaks) < 30, f"peak RSS {max(peaks):.0f} MiB for a {size / 1e6:.0f} MB body"


# --------------------------------------------------------------------------- the sink, in-process
# net.dump.dump() against a scripted event stream (no socket): exact event orders, split
# bodies, and a stream that breaks its contract.


def _head(status: int, *headers: tuple[str, str]) -> ResponseHead:
    return ResponseHead("http://h/", "1.1", status, "R", headers, b"", 0.0)


def _script(events: list[Event], closed: list[bool]) -> Callable[..., Iterator[Event]]:
    def fake_fetch(url: str, options: FetchOptions) -> Iterator[Event]:
        try:
            yield from events
        finally:
            closed.append(True)

    return fake_fetch


def _split(events: list[Event], mode: str) -> list[Event]:
    """Every BodyChunk whole, one byte per chunk, or followed by events past the end."""
    if mode == "bytewise":
        events = [
            BodyChunk(e.data[i : i + 1], b"", 0.0) if isinstance(e, BodyChunk) else e
            for e in events
            for i in (range(len(e.data)) if isinstance(e, BodyChunk) else [0])
        ]
    if mode == "trailing":
        events = [*events, BodyChunk(b"after the end", b"", 0.0), _head(500)]
    return events


FINISHED = Finished("http://h/", 200, 0, 0, Timings())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("include", [False, True])
def test_a_followed_redirects_head_is_dropped(
    monkeypatch: pytest.MonkeyPatch, mode: str, include: bool
) -> None:
    """As fetch() promises: a followed redirect's head is followed by Redirected, no body."""
    moved = _head(302, ("Location", "/b"))
    final = _head(200, ("X-A", "1"))
    events = [moved, Redirected(302, "a", "b", moved, Timings()), final]
    events += [BodyChunk(b"final ", b"", 0.0), BodyChunk(b"body", b"", 0.0), FINISHED]
    closed: list[bool] = []
    monkeypatch.setattr(net.dump, "fetch", _script(_split(events, mode), closed))
    out = io.BytesIO()
    assert net.dump.dump("http://h/", FetchOptions(), out, include=include) is FINISHED
    head = b"HTTP/1.1 200 R\r\nX-A: 1\r\n\r\n" if include else b""
    assert out.getvalue() == head + b"final body"
    assert closed == [True]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("body", [b"", BINARY], ids=["empty", "binary"])
def test_a_redirect_the_client_did_not_follow_is_written_whole(
    monkeypatch: pytest.MonkeyPatch, mode: str, body: bytes
) -> None:
    moved = _head(301, ("Location", "/b"))
    events = _split([moved, BodyChunk(body, b"", 0.0), FINISHED], mode)
    monkeypatch.setattr(net.dump, "fetch", _script(events, []))
    out = io.BytesIO()
    net.dump.dump("http://h/", FetchOptions(), out, include=True)
    assert out.getvalue() == b"HTTP/1.1 301 R\r\nLocation: /b\r\n\r\n" + body


def test_a_stream_that_ends_without_finished_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[bool] = []
    monkeypatch.setattr(net.dump, "fetch", _script([_head(200), BodyChunk(b"x", b"", 0.0)], closed))
    with pytest.raises(NetError, match="ended without a complete response"):
        net.dump.dump("http://h/", FetchOptions(), io.BytesIO())
    assert closed == [True]


class _FailingOut(io.BytesIO):
    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, data: object) -> int:
        raise self.error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), WriteError),
        (BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE)), BrokenPipeError),
    ],
)
def test_a_failing_stdout_closes_the_fetch(
    monkeypatch: pytest.MonkeyPatch, error: OSError, expected: type[Exception]
) -> None:
    closed: list[bool] = []
    events = [_head(200), BodyChunk(b"x", b"", 0.0), BodyChunk(b"never", b"", 0.0), FINISHED]
    monkeypatch.setattr(net.dump, "fetch", _script(events, closed))
    with pytest.raises(expected):
        net.dump.dump("http://h/", FetchOptions(), _FailingOut(error))
    assert closed == [True]
