"""A real download past 2 GiB through the window (issue 14): nginx (Debian's nginx-light)
serves a sparse file of 2**31 + 1 bytes from loopback, File > Download… saves it, and the
Downloads row and the file say 2**31 + 1 (an int signal overflowed at 2**31: "Done ·
-2147483648 B"). It moves 2 GiB over loopback and writes 2 GiB to the disk (~10 s here);
.ci/run installs nginx-light. The announced-length tests in tests/gui/test_hostile.py cover
the same figures without the transfer."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from ui.shell.main_window import MainWindow
from ui.text.units import format_size

SIZE = 2**31 + 1
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(NGINX), reason="needs nginx (apt: nginx-light)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[str]:
    """nginx on 127.0.0.1 serving tmp_path/www (big.bin: sparse, SIZE bytes); its URL.
    Started with a config of its own, stopped by its pid at the end."""
    www = tmp_path / "www"
    www.mkdir()
    with open(www / "big.bin", "wb") as sparse:
        sparse.truncate(SIZE)  # no blocks on the disk: only the download writes 2 GiB
    port = free_port()
    conf = tmp_path / "nginx.conf"
    temp = tmp_path / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the 0700 tmp folders
    conf.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/nginx-error.log;\nevents {{ worker_connections 16; }}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {temp};\n"
        f"  proxy_temp_path {temp};\n  fastcgi_temp_path {temp};\n  uwsgi_temp_path {temp};\n"
        f"  scgi_temp_path {temp};\n  sendfile on;\n"
        f"  server {{ listen 127.0.0.1:{port}; root {www}; }}\n}}\n"
    )
    proc = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", f"{tmp_path}/nginx-error.log"]
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (tmp_path / "nginx-error.log").read_text(errors="replace")
                    pytest.fail(f"nginx did not start: {log[-500:]}")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/big.bin"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def test_a_real_download_of_2_gib_plus_one_bytes_ends_with_its_exact_size(
    qtbot: QtBot,
    window: MainWindow,
    nginx: str,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "saved.bin"
    drive.answer_dialogs(qtbot, nginx, str(target))
    drive.trigger(window, "File", "Download…")
    panel = window.services.downloads_panel
    assert panel is not None
    (row,) = panel.rows()
    total = format_size(SIZE)
    qtbot.waitUntil(lambda: row.state not in ("queued", "running"), timeout=300_000)
    assert row.state == "finished", row.status_label.text()
    assert row.status_label.text().startswith(f"Done · {total}")
    assert target.stat().st_size == SIZE
    assert row._progress.received == SIZE  # the final figure through the qint64 signals
    err = capfd.readouterr().err
    assert "Traceback" not in err and "OverflowError" not in err
    target.unlink()
