"""The .deb (`make deb`, packaging/build_deb.py): what it carries, and a real install with apt,
a launch of the installed /usr/bin/yonder, and a purge that leaves nothing behind.

The install and purge change the machine, so they run as root (CI does) under a lock: two test
runs at once would otherwise remove each other's install mid-test."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import DIST, PAGE_BODY, ROOT, PageServer, app_env

sys.path.insert(0, str(ROOT / "packaging"))
from build_deb import METAINFO_ID, PACKAGE

RUN_TIMEOUT = 600  # seconds; bounds a hang only
LOCK = Path("/tmp/yonder-deb-test.lock")
ROMEO = (ROOT / "resources" / "samples" / "romeo.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def deb(built_app: Path) -> Path:
    """dist/yonder-browser_<version>_<arch>.deb, built now from the bundle when older."""
    debs = sorted(DIST.parent.glob(f"{PACKAGE}_*.deb"))
    if (
        not debs
        or debs[-1].stat().st_mtime < built_app.stat().st_mtime
        or (debs[-1].stat().st_mtime < (ROOT / "packaging" / "build_deb.py").stat().st_mtime)
        or debs[-1].stat().st_mtime < (ROOT / "packaging" / "yonder.metainfo.xml").stat().st_mtime
    ):
        result = subprocess.run(
            [sys.executable, str(ROOT / "packaging" / "build_deb.py")],
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
        )
        assert result.returncode == 0, result.stderr
        debs = sorted(DIST.parent.glob(f"{PACKAGE}_*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


def deb_paths(deb: Path) -> list[str]:
    out = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True)
    # "drwxr-xr-x root/root 0 2026-12-02 01:27 ./usr/bin/yonder -> ../lib/yonder/yonder"
    return [
        line.split(" ./", 1)[1].split(" -> ")[0].rstrip("/") for line in out.stdout.splitlines()
    ]


def field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_deb_carries_bundle_command_menu_entry_icons_and_metainfo(deb: Path) -> None:
    paths = set(deb_paths(deb))
    for needed in (
        "usr/lib/yonder/yonder",
        "usr/lib/yonder/_internal/resources/start.txt",
        "usr/bin/yonder",
        "usr/share/applications/yonder.desktop",
        "usr/share/icons/hicolor/scalable/apps/yonder.svg",
        "usr/share/icons/hicolor/48x48/apps/yonder.png",
        "usr/share/icons/hicolor/256x256/apps/yonder.png",
        f"usr/share/metainfo/{METAINFO_ID}.metainfo.xml",
    ):
        assert needed in paths, needed
    assert not {p for p in paths if p.endswith(("install.sh", "uninstall.sh"))}
    assert {p.split("/")[0] for p in paths if p} == {"usr"}
    assert field(deb, "Package") == PACKAGE
    depends = field(deb, "Depends")
    assert "libc6 (>= 2.36)" in depends and "libxcb-cursor0" in depends, depends


def test_deb_metainfo_and_desktop_entry_validate(deb: Path, tmp_path: Path) -> None:
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    metainfo = tmp_path / "usr" / "share" / "metainfo" / f"{METAINFO_ID}.metainfo.xml"
    if shutil.which("appstreamcli"):
        check = ["appstreamcli", "validate", "--no-net", str(metainfo)]
    else:
        check = ["xmllint", "--noout", str(metainfo)]
    result = subprocess.run(check, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    desktop = tmp_path / "usr" / "share" / "applications" / "yonder.desktop"
    result = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = desktop.read_text()
    assert "Exec=/usr/bin/yonder %u\n" in text and "Icon=yonder\n" in text


@pytest.fixture
def deb_lock() -> Iterator[None]:
    assert os.geteuid() == 0, (
        "installing the .deb needs root (CI runs as root); run this test as root or in a container"
    )
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def apt(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=RUN_TIMEOUT,
    )


def installed_version() -> str | None:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Status} ${Version}", PACKAGE], capture_output=True, text=True
    )
    return result.stdout.split()[-1] if "install ok installed" in result.stdout else None


def test_deb_installs_runs_and_purges_without_a_trace(
    deb: Path, deb_lock: None, https_page: PageServer, tmp_path: Path
) -> None:
    assert installed_version() is None, f"{PACKAGE} is already installed; remove it first"
    paths = [p for p in deb_paths(deb) if p]
    created = [f"/{p}" for p in paths if not os.path.lexists(f"/{p}")]
    assert "/usr/bin/yonder" in created and "/usr/lib/yonder" in created
    install = apt("install", "--no-install-recommends", str(deb.resolve()))
    try:
        assert install.returncode == 0, install.stdout + install.stderr
        assert installed_version() == field(deb, "Version")
        assert shutil.which("yonder", path="/usr/bin") == "/usr/bin/yonder"

        env = app_env(tmp_path, https_page.ca_file)
        env["PATH"] = "/usr/bin:/bin"
        cwd = tmp_path / "home"
        shot = tmp_path / "page.png"
        page = subprocess.run(
            ["yonder", "--screenshot", str(shot), "--print-text", https_page.url],
            env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT,
        )  # fmt: skip
        assert page.returncode == 0, page.stdout + page.stderr
        assert PAGE_BODY.decode().splitlines()[0] in page.stdout
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert any(r.startswith("GET /hello.txt ") for r in https_page.requests)

        start = subprocess.run(
            ["yonder", "--screenshot", str(tmp_path / "start.png"), "--print-text"],
            env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT,
        )  # fmt: skip
        assert start.returncode == 0, start.stdout + start.stderr
        assert "Welcome to Yonder" in start.stdout and "Bundled samples" in start.stdout

        demo = subprocess.run(
            ["yonder", "--demo", "--screenshot", str(tmp_path / "demo.png"), "--print-text",
             "/samples/romeo.txt"],
            env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT,
        )  # fmt: skip
        assert demo.returncode == 0, demo.stdout + demo.stderr
        assert ROMEO.strip() in demo.stdout
    finally:
        purge = apt("purge", PACKAGE)
    assert purge.returncode == 0, purge.stdout + purge.stderr
    assert installed_version() is None
    left = [p for p in created if os.path.lexists(p)]
    assert left == [], f"the purge left {left}"
