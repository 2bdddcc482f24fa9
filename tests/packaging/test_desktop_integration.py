"""The .desktop template, the icons, and install.sh / uninstall.sh into a throwaway HOME."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from .conftest import ROOT, tarball_path

sys.path.insert(0, str(ROOT / "packaging"))
import make_icons  # a script beside the spec, not a package

ICONS = ROOT / "resources" / "icons"
DESKTOP = ROOT / "resources" / "yonder.desktop"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)


def desktop_entries(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


def validate(path: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    assert tool, "desktop-file-validate is missing (apt-get install desktop-file-utils)"
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_desktop_template_validates() -> None:
    validate(DESKTOP)
    entries = desktop_entries(DESKTOP)
    assert entries["Version"] == "1.4"
    assert entries["StartupWMClass"] == "yonder"  # the executable's name = X11 WM_CLASS
    assert entries["Exec"].endswith(" %u")
    assert entries["Icon"] == "yonder"
    assert entries["MimeType"] == "x-scheme-handler/http;x-scheme-handler/https;"


def test_committed_pngs_have_their_sizes() -> None:
    for size in PNG_SIZES:
        png = (ICONS / f"yonder-{size}.png").read_bytes()
        assert make_icons.png_size(png) == (size, size)


def parse_ico(data: bytes) -> list[tuple[int, bytes]]:
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    images = []
    for i in range(count):
        width, height, _, _, planes, bits, size, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        assert (planes, bits) == (1, 32) and width == height
        assert offset + size <= len(data)
        images.append((width or 256, data[offset : offset + size]))
    return images


def parse_icns(data: bytes) -> dict[bytes, bytes]:
    assert data[:4] == b"icns"
    (total,) = struct.unpack_from(">I", data, 4)
    assert total == len(data)
    elements, pos = {}, 8
    while pos < total:
        kind = data[pos : pos + 4]
        (length,) = struct.unpack_from(">I", data, pos + 4)
        assert length >= 8 and pos + length <= total
        elements[kind] = data[pos + 8 : pos + length]
        pos += length
    return elements


def test_ico_holds_png_sizes() -> None:
    images = parse_ico((ICONS / "yonder.ico").read_bytes())
    assert [size for size, _ in images] == [16, 32, 48, 64, 128, 256]
    for size, png in images:
        assert make_icons.png_size(png) == (size, size)


def test_icns_holds_png_sizes() -> None:
    elements = parse_icns((ICONS / "yonder.icns").read_bytes())
    expected = dict(make_icons.ICNS_TYPES)
    assert set(elements) == set(expected)
    for kind, png in elements.items():
        assert make_icons.png_size(png) == (expected[kind], expected[kind])


def test_icon_parsers_reject_truncated_containers() -> None:
    ico = (ICONS / "yonder.ico").read_bytes()
    icns = (ICONS / "yonder.icns").read_bytes()
    with pytest.raises((AssertionError, struct.error)):
        parse_ico(ico[: len(ico) - 1])
    with pytest.raises((AssertionError, struct.error)):
        parse_icns(icns[: len(icns) - 1])
    with pytest.raises(ValueError):
        make_icons.png_size(b"GIF89a" + bytes(30))


def test_the_committed_icons_were_made_from_the_committed_svg() -> None:
    # make_icons.py records the SVG's hash beside the icons: an edited SVG needs it run again.
    recorded = (ICONS / "yonder.svg.sha256").read_text()
    assert recorded == make_icons.svg_digest(ICONS / "yonder.svg"), (
        "resources/icons/yonder.svg changed since the icons were made: run "
        "packaging/make_icons.py and commit resources/icons/"
    )


def test_the_containers_hold_exactly_the_committed_pngs() -> None:
    pngs = {s: (ICONS / f"yonder-{s}.png").read_bytes() for s in PNG_SIZES}
    ico = make_icons.build_ico([pngs[s] for s in make_icons.ICO_SIZES])
    icns = make_icons.build_icns([(k, pngs[s]) for k, s in make_icons.ICNS_TYPES])
    assert (ICONS / "yonder.ico").read_bytes() == ico
    assert (ICONS / "yonder.icns").read_bytes() == icns


def pixel_difference(a: bytes, b: bytes) -> tuple[int, int, float]:
    """(pixels, pixels differing by more than 16 in a channel, mean channel difference) of
    two PNGs of one size."""
    from PySide6.QtGui import QImage

    rgba = QImage.Format.Format_RGBA8888
    images = [QImage.fromData(data).convertToFormat(rgba) for data in (a, b)]
    assert images[0].size() == images[1].size() and not images[0].isNull()
    first, second = (bytes(image.constBits()) for image in images)
    channel = [abs(x - y) for x, y in zip(first, second, strict=True)]
    pixels = [max(channel[i : i + 4]) for i in range(0, len(channel), 4)]
    return len(pixels), sum(1 for d in pixels if d > 16), sum(channel) / len(channel)


def test_rendering_the_svg_again_gives_the_committed_pixels_within_a_tolerance(
    tmp_path: Path,
) -> None:
    # Qt's raster output differs by a few pixels from one CPU to another (FACTS.md): the same
    # picture, not the same bytes.
    subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "make_icons.py"), str(tmp_path)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "yonder.svg.sha256").read_text() == (ICONS / "yonder.svg.sha256").read_text()
    for size in PNG_SIZES:
        name = f"yonder-{size}.png"
        again, committed = (tmp_path / name).read_bytes(), (ICONS / name).read_bytes()
        pixels, off, mean = pixel_difference(again, committed)
        assert off <= 10 + pixels // 100 and mean < 1.0, (
            f"{name}: {off} of {pixels} pixels differ, mean {mean:.2f}: run "
            "packaging/make_icons.py and commit resources/icons/"
        )


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "YONDER_"))}
    env["HOME"] = str(home)
    return env


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _script(name: str, bundle: Path, home: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["bash", str(bundle / name)], env=_env(home), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_install_then_uninstall_from_the_tarball(built_app: Path, tmp_path: Path) -> None:
    # What a user does with the download: unpack, run yonder/install.sh, later uninstall.
    unpacked = tmp_path / "download"
    with tarfile.open(tarball_path()) as tar:
        tar.extractall(unpacked, filter="tar")
    bundle = unpacked / "yonder"
    home = tmp_path / "home"
    (home / ".local/share/applications").mkdir(parents=True)
    (home / ".local/share/applications/other.desktop").write_text("keep me")
    before = _tree(home)

    _script("install.sh", bundle, home)
    app = home / ".local/opt/yonder"
    assert (app / "yonder").is_file() and os.access(app / "yonder", os.X_OK)
    link = home / ".local/bin/yonder"
    assert link.is_symlink() and link.resolve() == (app / "yonder").resolve()
    desktop = home / ".local/share/applications/yonder.desktop"
    validate(desktop)
    entries = desktop_entries(desktop)
    assert entries["Exec"] == f"{app / 'yonder'} %u"  # absolute: no PATH needed
    assert entries["TryExec"] == str(app / "yonder")
    hicolor = home / ".local/share/icons/hicolor"
    for size in PNG_SIZES:
        png = (hicolor / f"{size}x{size}/apps/yonder.png").read_bytes()
        assert make_icons.png_size(png) == (size, size)
    svg = (hicolor / "scalable/apps/yonder.svg").read_bytes()
    assert svg == (ICONS / "yonder.svg").read_bytes()

    # Installing again replaces the first install cleanly.
    _script("install.sh", bundle, home)
    assert (app / "yonder").is_file()

    _script("uninstall.sh", app, home)  # the installed copy removes itself
    left = _tree(home) - before
    # A menu cache regenerated for the other entry may stay; nothing of Yonder's does.
    assert left <= {".local/share/applications/mimeinfo.cache"}, left
    assert (home / ".local/share/applications/other.desktop").read_text() == "keep me"
    assert not any("yonder" in name for name in _tree(home)), _tree(home)


def test_uninstall_in_an_empty_home_removes_every_directory_it_made(
    built_app: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _script("install.sh", built_app.parent, home)
    _script("uninstall.sh", ROOT / "packaging", home)
    assert _tree(home) == set()


def test_install_refuses_a_foreign_yonder_on_the_path(built_app: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".local/bin").mkdir(parents=True)
    (home / ".local/bin/yonder").write_text("#!/bin/sh\n")  # e.g. `pip install --user`
    result = subprocess.run(
        ["bash", str(built_app.parent / "install.sh")],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "is not this script's link" in result.stderr
    assert _tree(home) == {".local", ".local/bin", ".local/bin/yonder"}


def test_install_explains_a_missing_build(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "install.sh"), str(tmp_path / "nothing")],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "make dist" in result.stderr


def test_install_keeps_the_users_own_menu_entry_and_icons(built_app: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    apps = home / ".local/share/applications"
    hicolor = home / ".local/share/icons/hicolor"
    theirs = {
        apps / "yonder.desktop": b"[Desktop Entry]\nType=Application\nName=My Yonder\nExec=mine\n",
        hicolor / "48x48/apps/yonder.png": b"my own 48 px icon",
    }
    for path, data in theirs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (hicolor / "scalable/apps").mkdir(parents=True)
    (hicolor / "scalable/apps/yonder.svg").symlink_to("/nonexistent/their-icon.svg")

    result = _script("install.sh", built_app.parent, home)
    for path, data in theirs.items():
        assert path.read_bytes() == data, f"{path} was overwritten"
        assert f"kept the existing {path}" in result.stdout, result.stdout
    assert os.readlink(hicolor / "scalable/apps/yonder.svg") == "/nonexistent/their-icon.svg"
    # Everything that was free is installed as usual.
    assert make_icons.png_size((hicolor / "64x64/apps/yonder.png").read_bytes()) == (64, 64)
    manifest = (home / ".local/opt/yonder/.install-manifest").read_text()
    assert str(apps / "yonder.desktop") not in manifest
    assert f"F {hicolor / '64x64/apps/yonder.png'}" in manifest

    # Reinstalling still keeps them; uninstalling removes only what install.sh created.
    _script("install.sh", built_app.parent, home)
    _script("uninstall.sh", ROOT / "packaging", home)
    for path, data in theirs.items():
        assert path.read_bytes() == data
    assert (hicolor / "scalable/apps/yonder.svg").is_symlink()
    assert not (hicolor / "64x64").exists()
    assert not (home / ".local/opt/yonder").exists()
    assert not (home / ".local/bin/yonder").exists()


def _fake_bundle(where: Path) -> Path:
    # What install.sh copies: an executable `yonder` and _internal/resources/ (no build needed).
    bundle = where / "yonder"
    shutil.copytree(ROOT / "resources", bundle / "_internal" / "resources")
    (bundle / "yonder").write_text("#!/bin/sh\necho fake yonder\n")
    (bundle / "yonder").chmod(0o755)
    return bundle


def test_an_install_that_stops_part_way_can_be_undone_and_redone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".local/share").mkdir(parents=True)
    (home / ".local/share/icons").write_text("a file where the icon folder would go")
    before = _tree(home)
    bundle = _fake_bundle(tmp_path / "download")
    install = ["bash", str(ROOT / "packaging" / "install.sh"), str(bundle)]
    result = subprocess.run(install, env=_env(home), capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "stopped part way" in result.stderr and "uninstall.sh" in result.stderr, result.stderr
    # What it did install is in the manifest: uninstall.sh takes all of it away again...
    assert (home / ".local/opt/yonder/.install-manifest").is_file()
    _script("uninstall.sh", ROOT / "packaging", home)
    assert _tree(home) == before
    # ...and once the cause is gone, installing again works and keeps nothing as "theirs".
    (home / ".local/share/icons").unlink()
    result = subprocess.run(install, env=_env(home), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "kept the existing" not in result.stdout, result.stdout
    _script("uninstall.sh", ROOT / "packaging", home)
    assert _tree(home) == before - {".local/share/icons"}
