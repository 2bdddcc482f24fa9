"""What the built bundle contains: trimmed Qt, no translations, stripped, certifi, resources."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

from .conftest import BUILD_LOG, ROOT, tarball_path

ALLOWED_PLUGINS = {
    "platforms": {"libqxcb.so", "libqoffscreen.so", "libqwayland.so"},
    "imageformats": {"libqico.so", "libqsvg.so"},
    "iconengines": {"libqsvgicon.so"},
    "platforminputcontexts": {
        "libcomposeplatforminputcontextplugin.so",
        "libibusplatforminputcontextplugin.so",
    },
    "wayland-shell-integration": {"libxdg-shell.so"},
    "wayland-decoration-client": {"libbradient.so", "libadwaita.so"},
}


def test_only_the_needed_qt_plugins_are_bundled(built_app: Path) -> None:
    plugins = built_app.parent / "_internal" / "PySide6" / "Qt" / "plugins"
    found: dict[str, set[str]] = {}
    for f in plugins.rglob("*.so"):
        found.setdefault(str(f.parent.relative_to(plugins)), set()).add(f.name)
    assert found == ALLOWED_PLUGINS
    assert not list(built_app.parent.rglob("*.qm")), "translations were bundled"
    assert not list(built_app.parent.rglob("libgtk-3*")), "GTK came along"


def test_build_log_has_no_missing_library(built_app: Path) -> None:
    log = BUILD_LOG.read_text()
    assert "Library not found" not in log
    internal = built_app.parent / "_internal"
    for lib in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"):
        assert (internal / lib).is_file(), f"{lib} is not bundled: no X11 window without it"


def test_bundle_carries_certifi_and_resources(built_app: Path) -> None:
    internal = built_app.parent / "_internal"
    cacert = internal / "certifi" / "cacert.pem"
    assert cacert.stat().st_size > 100_000 and b"BEGIN CERTIFICATE" in cacert.read_bytes()
    assert (internal / "resources" / "icons" / "yonder.svg").is_file()
    assert (internal / "resources" / "yonder.desktop").is_file()
    for script in ("install.sh", "uninstall.sh"):
        assert (built_app.parent / script).stat().st_mode & 0o111, f"{script} not executable"


def test_binaries_are_stripped(built_app: Path) -> None:
    internal = built_app.parent / "_internal"
    for lib in [internal / "libpython3.11.so.1.0", *internal.glob("PySide6/Qt/lib/libQt6*.so.6")]:
        sections = subprocess.run(
            ["readelf", "-S", "-W", str(lib)], capture_output=True, text=True, check=True
        ).stdout
        assert ".symtab" not in sections, f"{lib.name} is not stripped"


def test_tarball_holds_the_bundle(built_app: Path) -> None:
    with tarfile.open(tarball_path()) as tar:
        names = set(tar.getnames())
        members = tar.getmembers()
    assert {"yonder/yonder", "yonder/install.sh", "yonder/_internal/certifi/cacert.pem"} <= names
    assert all(m.name == "yonder" or m.name.startswith("yonder/") for m in members)
    assert all(m.uid == 0 and m.gid == 0 for m in members)
    bundle_files = {
        f"yonder/{p.relative_to(built_app.parent)}"
        for p in built_app.parent.rglob("*")
        if p.is_file() or p.is_symlink()
    }
    assert bundle_files <= names


def _check_log(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    log = tmp_path / "build.log"
    log.write_text(text)
    return subprocess.run(
        ["bash", str(ROOT / "packaging" / "check_build_log.sh"), str(log)],
        capture_output=True,
        text=True,
        timeout=30,
    )


CLEAN_LOG = (
    "2806 INFO: Processing standard module hook 'hook-PySide6.QtGui.py' from 'packaging/hooks'\n"
    "6176 INFO: Building COLLECT COLLECT-00.toc completed successfully.\n"
)


def test_build_log_check_passes_a_clean_log(tmp_path: Path) -> None:
    result = _check_log(tmp_path, CLEAN_LOG)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_build_log_check_fails_on_a_missing_library(tmp_path: Path) -> None:
    missing = (
        "5123 WARNING: Library not found: could not resolve 'libxcb-icccm.so.4', dependency "
        "of '.../PySide6/Qt/lib/libQt6XcbQpa.so.6'.\n"
    )
    result = _check_log(tmp_path, CLEAN_LOG + missing + CLEAN_LOG)
    assert result.returncode == 1
    assert "libxcb-icccm.so.4" in result.stderr and "apt-get install" in result.stderr


def test_build_log_check_fails_on_a_missing_module(tmp_path: Path) -> None:
    result = _check_log(tmp_path, CLEAN_LOG + "2636 ERROR: Hidden import 'ui.app' not found\n")
    assert result.returncode == 1
    assert "ui.app" in result.stderr and "would not run" in result.stderr
