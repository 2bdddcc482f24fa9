"""The frozen app knows its version (packaging/yonder.spec bundles the yonder-browser metadata
that net/version.py reads) and sends it as its User-Agent."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from net.version import version
from tests.packaging.conftest import PageServer


def run_frozen(binary: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    full_env.update(env)
    return subprocess.run(
        [str(binary), *args], capture_output=True, text=True, timeout=60, env=full_env
    )


def test_the_frozen_app_bundles_its_metadata(built_app: Path) -> None:
    internal = built_app.parent / "_internal"
    metadata = [p for p in internal.iterdir() if p.name.startswith("yonder_browser")]
    assert metadata, sorted(p.name for p in internal.iterdir())


def test_the_frozen_app_reports_the_version(built_app: Path) -> None:
    for args in (["--version"], ["--dump", "--version"]):
        proc = run_frozen(built_app, *args)
        assert (proc.returncode, proc.stdout) == (0, f"Yonder {version()}\n"), proc.stderr
    assert version() != "0+unknown"


def test_the_frozen_app_sends_its_user_agent(built_app: Path, https_page: PageServer) -> None:
    proc = run_frozen(built_app, "--dump", https_page.url, SSL_CERT_FILE=str(https_page.ca_file))
    assert proc.returncode == 0, proc.stderr
    assert https_page.requests == [f"GET /hello.txt Yonder/{version()}"]
