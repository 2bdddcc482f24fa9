"""`yonder --debug` and Qt's own messages, in the real app (a --screenshot subprocess): the log
(stderr and $XDG_STATE_HOME/yonder/yonder.log) has the request, the trust store and Qt's debug
messages; without --debug Qt's debug/info messages are dropped and its warnings still reach
stderr. Also `yonder --version` and the User-Agent the window sends."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from net.version import version
from tests.integration.servers import LoopbackServer, http_response, respond, tls_server_context
from ui.text.render.native import describe

ROOT = Path(__file__).resolve().parents[2]
# A category that always talks at start-up, and a setting Qt warns about: both real Qt output.
QT_RULES = "qt.text.font.db.debug=true"
QT_DEBUG_LINE = "Populating font database"
QT_WARNING = "Unknown scale factor rounding policy: Bogus"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_page(ca: trustme.CA) -> Iterator[LoopbackServer]:
    body = b"A page fetched for the debug log\n"
    ctx: ssl.SSLContext = tls_server_context(ca, "localhost")
    server = LoopbackServer(
        respond(http_response(200, body, [("Content-Type", "text/plain")])), tls=ctx
    )
    yield server
    server.stop()


def run_main(args: list[str], tmp_path: Path, ca: trustme.CA) -> subprocess.CompletedProcess[str]:
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        SSL_CERT_FILE=str(ca_file),
        QT_LOGGING_RULES=QT_RULES,
        QT_SCALE_FACTOR_ROUNDING_POLICY="Bogus",
        QT_QPA_PLATFORM="offscreen",
    )
    env.pop("SSL_CERT_DIR", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )


def test_debug_logs_the_request_trust_store_and_qt_messages(
    https_page: LoopbackServer, tmp_path: Path, ca: trustme.CA
) -> None:
    url = https_page.url("/page.txt", host="localhost")
    proc = run_main(["--debug", "--screenshot", str(tmp_path / "shot.png"), url], tmp_path, ca)
    assert proc.returncode == 0, proc.stderr[-3000:]
    log_file = tmp_path / "state" / "yonder" / "yonder.log"
    logged = log_file.read_text()
    for text in (logged, proc.stderr):
        assert f"Yonder {version()} debug log" in text
        assert f"INFO yonder.client: GET {url}" in text
        assert f"TLS trust store: SSL_CERT_FILE={tmp_path / 'ca.pem'}, 1 CA certificates" in text
        assert f"User-Agent: Yonder/{version()}\\r\\n" in text
        assert f"DEBUG yonder.qt: [qt.text.font.db] {QT_DEBUG_LINE}" in text
        assert f"WARNING yonder.qt: {QT_WARNING}" in text
    (request,) = https_page.requests
    assert f"\r\nUser-Agent: Yonder/{version()}\r\n".encode() in request


def test_without_debug_qt_debug_messages_are_dropped_and_warnings_stay(
    https_page: LoopbackServer, tmp_path: Path, ca: trustme.CA
) -> None:
    url = https_page.url("/page.txt", host="localhost")
    proc = run_main(["--screenshot", str(tmp_path / "shot.png"), url], tmp_path, ca)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert QT_DEBUG_LINE not in proc.stderr
    assert f"{QT_WARNING}." in proc.stderr.splitlines()[0]
    assert not (tmp_path / "state").exists()  # no log without --debug
    (request,) = https_page.requests
    assert f"\r\nUser-Agent: Yonder/{version()}\r\n".encode() in request


def test_yonder_version(tmp_path: Path, ca: trustme.CA) -> None:
    proc = run_main(["--version"], tmp_path, ca)
    # The second line names the renderer this process loaded too (the same checkout's).
    renderer = describe()
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        0,
        f"Yonder {version()}\nrenderer: {renderer}\n",
        "",
    )


def test_help_lists_debug_and_version(tmp_path: Path, ca: trustme.CA) -> None:
    proc = run_main(["--help"], tmp_path, ca)
    assert proc.returncode == 0
    assert "--debug" in proc.stdout and "--version" in proc.stdout
