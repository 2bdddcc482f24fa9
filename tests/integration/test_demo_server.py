"""The demo server's endpoints, spoken to with http.client and raw sockets on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from net.demo_server import (
    MAX_LARGE_SIZE,
    UTF8_SPLIT_TEXT,
    DemoServer,
    text_lines,
    utf8_split_pieces,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "samples"


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    folder = tmp_path / "samples"
    folder.mkdir()
    (folder / "page.html").write_text("<h1>Hé</h1>\n", encoding="utf-8")
    (folder / "notes.txt").write_text("naïve café\n", encoding="utf-8")
    (folder / "data.json").write_text('{"a": "☕"}\n', encoding="utf-8")
    (folder / "blob.bin").write_bytes(bytes(range(256)))
    (folder / ".hidden").write_text("secret\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.txt").write_text("inner\n")
    (tmp_path / "secret.txt").write_text("outside the samples folder\n")
    (folder / "escape.txt").symlink_to(tmp_path / "secret.txt")
    return folder


@pytest.fixture
def server(samples: Path) -> Iterator[DemoServer]:
    with DemoServer(samples) as demo:
        yield demo


def port_of(server: DemoServer) -> int:
    return int(server.base_url.rsplit(":", 1)[1].rstrip("/"))


def get(
    server: DemoServer, path: str, method: str = "GET"
) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def raw_exchange(server: DemoServer, request: bytes, *, byte_at_a_time: bool = False) -> bytes:
    """Send ``request`` on a raw socket and read until the server closes."""
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as sock:
        if byte_at_a_time:
            for i in range(len(request)):
                sock.sendall(request[i : i + 1])
        else:
            sock.sendall(request)
        received = bytearray()
        while data := sock.recv(65536):
            received += data
        return bytes(received)


# -- binding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "localhost", "example.com", ""]
)
def test_non_loopback_host_is_refused(samples: Path, host: str) -> None:
    with pytest.raises(ValueError, match="only listens on a loopback address"):
        DemoServer(samples, host=host)


def test_ipv6_loopback_is_accepted_without_binding(samples: Path) -> None:
    demo = DemoServer(samples, host="::1")
    assert not demo.running
    with pytest.raises(RuntimeError, match="not running"):
        _ = demo.base_url


def test_start_returns_a_loopback_base_url_and_binds_only_loopback(server: DemoServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.base_url.endswith("/")
    assert server._server is not None
    assert server._server.socket.getsockname()[0] == "127.0.0.1"
    assert server.start() == server.base_url  # a second start is a no-op


def test_stop_joins_threads_frees_the_port_and_ends_open_transfers(samples: Path) -> None:
    before = set(threading.enumerate())
    demo = DemoServer(samples)
    demo.start()
    port = port_of(demo)
    # An endless-looking drip and a stalled reader of a large body keep handler threads busy.
    drip = socket.create_connection(("127.0.0.1", port), timeout=30)
    drip.sendall(b"GET /drip?bytes=100000&piece=1&delay=0.005 HTTP/1.1\r\nHost: x\r\n\r\n")
    large = socket.create_connection(("127.0.0.1", port), timeout=30)
    large.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    large.sendall(b"GET /large?size=500000000 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert drip.recv(100)
    assert large.recv(100)
    demo.stop()  # (how long it takes: bench/cancel_latency.py)
    assert not demo.running
    assert set(threading.enumerate()) <= before  # the busy handlers were ended, not waited for
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    drip.close()
    large.close()
    with DemoServer(samples, port=port) as again:  # the port is free to bind again
        assert port_of(again) == port
        response, _ = get(again, "/")
        assert response.status == 200
    demo.stop()  # stopping twice is harmless


def test_bad_port_is_refused(samples: Path) -> None:
    with pytest.raises(ValueError, match="Port"):
        DemoServer(samples, port=70000)


# -- index and samples -----------------------------------------------------------------------


def test_index_links_every_endpoint_and_sample(server: DemoServer) -> None:
    response, body = get(server, "/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    page = body.decode("utf-8")
    for path in ("drip?", "large?", "stream?", "gzip?", "redirect?", "status/404", "utf8-split?"):
        assert f'href="{path}' in page
    for name in ("page.html", "notes.txt", "data.json", "blob.bin"):
        assert f'href="samples/{name}"' in page
    assert ".hidden" not in page and "escape.txt" not in page and 'samples/sub"' not in page
    paths = [path for path, _ in server.endpoints()]
    assert "/samples/page.html" in paths and "/drip?bytes=2048&delay=0.05&piece=64" in paths
    assert all(desc for _, desc in server.endpoints())


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("page.html", "text/html; charset=utf-8"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("data.json", "application/json; charset=utf-8"),
        ("blob.bin", "application/octet-stream"),
    ],
)
def test_sample_is_served_with_its_content_type(
    server: DemoServer, samples: Path, name: str, content_type: str
) -> None:
    response, body = get(server, f"/samples/{name}")
    assert response.status == 200
    assert response.getheader("Content-Type") == content_type
    assert body == (samples / name).read_bytes()
    assert response.getheader("Content-Length") == str(len(body))


def test_project_samples_have_proper_types() -> None:
    with DemoServer(SAMPLES) as demo:
        names = demo.sample_names()
        assert {"sample.html", "utf8.txt", "data.json", "gradient.png"} <= set(names)
        response, body = get(demo, "/samples/gradient.png")
        assert response.getheader("Content-Type") == "image/png"
        assert body.startswith(b"\x89PNG\r\n\x1a\n")
        response, body = get(demo, "/samples/utf8.txt")
        assert "🦊" in body.decode("utf-8")


@pytest.mark.parametrize(
    "path",
    [
        "/samples/../secret.txt",
        "/samples/..%2Fsecret.txt",
        "/samples/%2e%2e%2fsecret.txt",
        "/samples/..%5Csecret.txt",
        "/samples/escape.txt",  # a symlink pointing outside
        "/samples/.hidden",
        "/samples/sub/inner.txt",
        "/samples/sub",
        "/samples/",
        "/samples/missing.txt",
        "/samples/%00",
    ],
)
def test_samples_refuse_traversal_and_missing_files(server: DemoServer, path: str) -> None:
    response, body = get(server, path)
    assert response.status == 404
    assert b"outside the samples" not in body and b"secret\n" not in body
    assert b"inner\n" not in body


def test_unknown_path_is_404_pointing_at_the_index(server: DemoServer) -> None:
    response, body = get(server, "/nope")
    assert response.status == 404
    assert b"/nope is not an endpoint" in body and b"Open /" in body


def test_request_sent_one_byte_at_a_time_and_with_trailing_garbage(server: DemoServer) -> None:
    request = b"GET /samples/notes.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    whole = raw_exchange(server, request)
    assert whole.startswith(b"HTTP/1.1 200 OK\r\n")
    assert whole.endswith("naïve café\n".encode())
    one_by_one = raw_exchange(server, request, byte_at_a_time=True)
    assert _without_date(one_by_one) == _without_date(whole)
    # The server answers one request and closes, whatever follows it on the connection.
    trailing = raw_exchange(server, request + b"\x00garbage\r\n\r\n")
    assert trailing.endswith("naïve café\n".encode())
    assert trailing.count(b"HTTP/1.1") == 1


def _without_date(response: bytes) -> bytes:
    start = response.index(b"Date: ")
    return response[:start] + response[response.index(b"\r\n", start) :]


def test_head_request_has_headers_but_no_body(server: DemoServer) -> None:
    response, body = get(server, "/large?size=1000000", method="HEAD")
    assert response.status == 200
    assert response.getheader("Content-Length") == "1000000"
    assert body == b""


# -- streaming endpoints ---------------------------------------------------------------------


def test_drip_sends_small_pieces_slowly_with_content_length(server: DemoServer) -> None:
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=30) as sock:
        sock.sendall(b"GET /drip?bytes=300&piece=100&delay=0.05 HTTP/1.1\r\nHost: x\r\n\r\n")
        started = time.monotonic()
        received = bytearray()
        arrivals = []
        while data := sock.recv(65536):
            received += data
            arrivals.append(time.monotonic() - started)
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    assert b"Content-Length: 300" in head
    assert b"Content-Type: text/plain; charset=utf-8" in head
    assert body == text_lines(0, 300)
    # two pauses of 0.05 s between three pieces (how many recvs they take depends on how
    # busy the machine is: a late reader gets two pieces at once)
    assert arrivals[-1] >= 0.09


def test_drip_defaults_and_zero_bytes(server: DemoServer) -> None:
    response, body = get(server, "/drip?bytes=0")
    assert response.status == 200 and body == b""
    response, body = get(server, "/drip?delay=0")
    assert body == text_lines(0, 2048)


def test_large_body_has_content_length_and_deterministic_lines(server: DemoServer) -> None:
    size = 3 * 1024 * 1024 + 17
    response, body = get(server, f"/large?size={size}")
    assert response.status == 200
    assert response.getheader("Content-Length") == str(size)
    assert len(body) == size
    assert body == text_lines(0, size)
    lines = body.split(b"\n")
    assert lines[0].startswith(b"00000000 ") and lines[1000].startswith(b"00001000 ")


def test_text_lines_slices_agree_with_the_whole() -> None:
    whole = text_lines(0, 5000)
    for start in (0, 1, 85, 86, 87, 4000):
        assert text_lines(start, 300) == whole[start : start + 300]
    assert text_lines(10, 0) == b""


def test_stream_is_chunked_of_unknown_length(server: DemoServer) -> None:
    response, body = get(server, "/stream?chunks=5&delay=0.01&size=100")
    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("Content-Length") is None
    assert body == text_lines(0, 500)
    raw = raw_exchange(server, b"GET /stream?chunks=2&delay=0&size=3 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert raw.endswith(b"\r\n\r\n3\r\n000\r\n3\r\n000\r\n0\r\n\r\n")


def test_stream_to_an_http10_client_is_close_delimited(server: DemoServer) -> None:
    raw = raw_exchange(server, b"GET /stream?chunks=3&delay=0&size=50 HTTP/1.0\r\n\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"chunked" not in head.lower() and b"content-length" not in head.lower()
    assert b"Connection: close" in head
    assert body == text_lines(0, 150)


def test_gzip_body_decodes_to_the_text(server: DemoServer) -> None:
    response, body = get(server, "/gzip?size=100000")
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Content-Length") == str(len(body))
    assert len(body) < 100000
    assert gzip.decompress(body) == text_lines(0, 100000)


def test_redirect_chain_uses_relative_locations_and_ends_at_a_page(server: DemoServer) -> None:
    path = "/redirect?n=3"
    hops = []
    for _ in range(10):
        response, body = get(server, path)
        if response.status != 302:
            break
        location = response.getheader("Location")
        assert location is not None and location.startswith("/")  # relative: no scheme/host
        hops.append(location)
        path = location
    assert hops == ["/redirect?n=2", "/redirect?n=1", "/redirect?n=0"]
    assert response.status == 200
    assert b"End of the redirect chain" in body


def test_redirect_code_is_kept_along_the_chain(server: DemoServer) -> None:
    response, _ = get(server, "/redirect?n=2&code=307")
    assert response.status == 307
    assert response.getheader("Location") == "/redirect?n=1&code=307"


@pytest.mark.parametrize("code", [404, 500, 503, 418, 299])
def test_status_endpoint_answers_the_code_with_a_small_body(server: DemoServer, code: int) -> None:
    response, body = get(server, f"/status/{code}")
    assert response.status == code
    assert body.startswith(str(code).encode()) and len(body) < 200


def test_status_204_has_no_body(server: DemoServer) -> None:
    response, body = get(server, "/status/204")
    assert response.status == 204 and body == b""


def test_utf8_split_cuts_each_multibyte_character_across_writes(server: DemoServer) -> None:
    pieces = utf8_split_pieces()
    assert b"".join(pieces).decode("utf-8") == UTF8_SPLIT_TEXT
    assert len(pieces) == 5
    for piece in pieces[:-1]:  # each piece but the last ends inside a character
        with pytest.raises(UnicodeDecodeError):
            piece.decode("utf-8")
    started = time.monotonic()
    response, body = get(server, "/utf8-split?delay=0.02")
    assert time.monotonic() - started >= 0.08
    assert body.decode("utf-8") == UTF8_SPLIT_TEXT
    assert response.getheader("Content-Length") == str(len(body))


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/drip?bytes=abc", [b"'bytes'", b"whole number", b"'abc'"]),
        ("/drip?bytes=-1", [b"'bytes'", b"from 0"]),
        ("/drip?delay=nan", [b"'delay'", b"seconds"]),
        ("/drip?delay=-0.1", [b"'delay'"]),
        ("/drip?piece=0", [b"'piece'"]),
        ("/drip?bytes=10000000&piece=1&delay=1", [b"would take", b"limit"]),
        ("/drip?color=red", [b"Unknown query parameter 'color'", b"bytes, delay, piece"]),
        ("/drip?bytes=1&bytes=2", [b"more than once"]),
        (f"/large?size={MAX_LARGE_SIZE + 1}", [b"'size'", str(MAX_LARGE_SIZE).encode()]),
        ("/stream?chunks=x", [b"'chunks'"]),
        ("/stream?size=0", [b"'size'"]),
        ("/gzip?size=1e9", [b"'size'"]),
        ("/redirect?n=51", [b"'n'"]),
        ("/redirect?code=304", [b"301, 302, 303, 307 or 308"]),
        ("/status/abc", [b"status code from 200 to 599"]),
        ("/status/999", [b"status code"]),
        ("/status/404?x=1", [b"Unknown query parameter 'x'"]),
        ("/samples/notes.txt?x=1", [b"Unknown query parameter"]),
        ("/utf8-split?delay=11", [b"'delay'"]),
    ],
)
def test_bad_parameters_get_400_with_a_clear_text(
    server: DemoServer, path: str, words: list[bytes]
) -> None:
    response, body = get(server, path)
    assert response.status == 400
    assert response.getheader("Content-Type") == "text/plain; charset=utf-8"
    assert body.startswith(b"Bad request: ")
    for word in words:
        assert word in body


# -- standalone ------------------------------------------------------------------------------


def default_sigint() -> None:
    """In the child before exec: Ctrl+C as a terminal gives it (a background job's children
    inherit SIGINT ignored, and Python then installs no KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_module_runs_standalone_and_stops_on_ctrl_c(samples: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "net.demo_server", "--samples", str(samples)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=default_sigint,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Yonder demo server on http://127.0.0.1:"), line
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/samples/notes.txt")
        assert conn.getresponse().read() == "naïve café\n".encode()
        conn.close()
        assert "GET /samples/notes.txt" in proc.stdout.readline()  # the request log
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0  # a hang's cut-off: generous, a loaded machine
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_module_refuses_a_non_loopback_host() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "net.demo_server", "--host", "0.0.0.0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "only listens on a loopback address" in result.stderr
