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
    proc = run_frozen(built_app, "--dump", "--version")
    assert (proc.returncode, proc.stdout) == (0, f"Yonder {version()}\n"), proc.stderr
    # The window's --version names the renderer too: the compiled one is bundled
    # (packaging/yonder.spec, from tools/build_native.py's build/native/).
    proc = run_frozen(built_app, "--version")
    expected = f"Yonder {version()}\nrenderer: compiled (mypyc)\n"
    assert (proc.returncode, proc.stdout) == (0, expected), proc.stderr
    assert version() != "0+unknown"


def test_the_frozen_app_can_still_run_the_pure_renderer(built_app: Path) -> None:
    proc = run_frozen(built_app, "--version", YONDER_PURE_PYTHON="1")
    expected = f"Yonder {version()}\nrenderer: pure Python\n"
    assert (proc.returncode, proc.stdout) == (0, expected), proc.stderr


def test_the_frozen_app_renders_a_page_alike_with_either_renderer(
    built_app: Path, tmp_path: Path
) -> None:
    # The window's text of the demo server's HTML sample (--print-text), compiled and pure.
    texts = []
    for pure in ("0", "1"):
        shot = tmp_path / f"sample-{pure}.png"
        proc = run_frozen(
            built_app,
            "--demo",
            "--screenshot",
            str(shot),
            "--print-text",
            "/samples/sample.html",
            QT_QPA_PLATFORM="offscreen",
            YONDER_PURE_PYTHON=pure,
            HOME=str(tmp_path / "home"),
            XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
        )
        assert proc.returncode == 0, proc.stderr
        assert shot.is_file()
        texts.append(proc.stdout)
    assert texts[0] == texts[1]
    assert len(texts[0].strip().splitlines()) > 5, texts[0]


def test_the_frozen_app_sends_its_user_agent(built_app: Path, https_page: PageServer) -> None:
    proc = run_frozen(built_app, "--dump", https_page.url, SSL_CERT_FILE=str(https_page.ca_file))
    assert proc.returncode == 0, proc.stderr
    assert https_page.requests == [f"GET /hello.txt Yonder/{version()}"]
