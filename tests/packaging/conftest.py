"""Fixtures for the packaging tests: the built app, a loopback HTTPS page, an Xvfb display.

The built app is never optional: when dist/ is missing or older than a source, resource or
packaging file, the session builds it (packaging/build.sh, ~10-25 s) rather than skipping.
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "yonder"
BINARY = DIST / "yonder"
BUILD_LOG = ROOT / "build" / "yonder-build.log"
PAGE_PATH = "/hello.txt"
PAGE_BODY = b"Hello from a loopback HTTPS server.\n" * 20
# An HTML page past ui/page/render_process.MIN_BYTES: rendered in the renderer process.
BIG_PATH = "/big.html"
BIG_BODY = (
    "<html><head><title>Big</title></head><body>"
    + "".join(
        f"<h2>Part {n}</h2><p>Some <b>bold</b> <a href='/p{n}'>link {n}</a>.</p>"
        for n in range(8000)
    )
    + "<p>The very end.</p></body></html>"
).encode()
# What `make dist` depends on (the Makefile's DIST_SRC): a newer one means a stale build.
SOURCE_ROOTS = (
    "main.py",
    "pyproject.toml",
    "tools/build_native.py",
    "net",
    "ui",
    "resources",
    "packaging",
)


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in SOURCE_ROOTS:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*")
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
                newest = max(newest, f.stat().st_mtime)
    return newest


def tarball_path() -> Path:
    import platform
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return ROOT / "dist" / f"yonder-{version}-linux-{platform.machine()}.tar.gz"


@pytest.fixture(scope="session")
def built_app() -> Path:
    """dist/yonder/yonder, built now if missing or stale."""
    tarball = tarball_path()
    fresh = (
        BINARY.is_file()
        and tarball.is_file()
        and min(BINARY.stat().st_mtime, tarball.stat().st_mtime) >= _newest_source_mtime()
    )
    if not fresh:
        result = subprocess.run(
            ["bash", str(ROOT / "packaging" / "build.sh")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            pytest.fail(f"packaging/build.sh failed:\n{result.stdout}\n{result.stderr}")
    assert BINARY.is_file(), "build.sh succeeded but dist/yonder/yonder is missing"
    return BINARY


@dataclass
class PageServer:
    url: str
    ca_file: Path
    requests: list[str] = field(default_factory=list)


class _PageHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.server.seen.append(f"{self.command} {self.path} {self.headers.get('User-Agent')}")
        if self.path not in (PAGE_PATH, BIG_PATH):
            self.send_error(404)
            return
        big = self.path == BIG_PATH
        body = BIG_BODY if big else PAGE_BODY
        self.send_response(200)
        self.send_header("Content-Type", f"text/{'html' if big else 'plain'}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    seen: list[str]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gives up mid-handshake is not the server's failure


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_page(tls_ca: trustme.CA, tmp_path: Path) -> Iterator[PageServer]:
    """A text page on https://127.0.0.1:<free port>/hello.txt, signed by a trustme CA."""
    ca_file = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = _Server(("127.0.0.1", 0), _PageHandler)
    server.seen = []
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        page = PageServer(f"https://127.0.0.1:{server.server_address[1]}{PAGE_PATH}", ca_file)
        page.requests = server.seen
        yield page
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def app_env(tmp_path: Path, ca_file: Path | None, **extra: str) -> dict[str, str]:
    """The environment of a launched app: a private HOME, and trust exactly ``ca_file``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SSL_CERT_", "QT_"))}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    home.mkdir(exist_ok=True)
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), XDG_CONFIG_HOME=str(home / ".config"))
    if ca_file is not None:
        env["SSL_CERT_FILE"] = str(ca_file)
    env.update(extra)
    return env


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A private Xvfb on a display number it picks itself (-displayfd); killed afterwards."""
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is not installed (apt-get install xvfb, as .ci/run does)"
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", "1024x768x24"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            number = pipe.readline().strip().decode()  # written once the server accepts clients
        assert number.isdigit(), f"Xvfb did not report a display number (exit {proc.poll()})"
        yield f":{number}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
