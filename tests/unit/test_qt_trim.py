"""The PyInstaller trim hook's keep-list (packaging/hooks/yonder_qt_trim.py), per platform.

A Windows or macOS build that kept only Linux file names would drop qwindows/qcocoa and could
not start: each platform keeps its own platform plugin and drops the others' files. The files
are fed as PyInstaller's collector lists them, (source path, destination folder)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging" / "hooks"))
import yonder_qt_trim as trim  # noqa: E402 - the hook's own folder, as PyInstaller finds it

# What PySide6 ships per platform (a sample of real names, kept and dropped).
PLUGINS = {
    "linux": ("/venv/PySide6/Qt/plugins", "PySide6/Qt/plugins", "lib{}.so"),
    "win32": ("C:\\venv\\PySide6\\plugins", "PySide6\\plugins", "{}.dll"),
    "darwin": ("/venv/PySide6/Qt/plugins", "PySide6/Qt/plugins", "lib{}.dylib"),
}
NATIVE = {"linux": "qxcb", "win32": "qwindows", "darwin": "qcocoa"}
EVERY_PLATFORM_PLUGIN = ("qxcb", "qwindows", "qcocoa", "qoffscreen", "qminimal", "qvnc", "qeglfs")


def plugin(platform: str, plugin_type: str, stem: str) -> tuple[str, str]:
    src_dir, dest_dir, pattern = PLUGINS[platform]
    sep = "\\" if platform == "win32" else "/"
    return (
        sep.join([src_dir, plugin_type, pattern.format(stem)]),
        sep.join([dest_dir, plugin_type]),
    )


def kept_platform_plugins(platform: str) -> set[str]:
    return {
        stem
        for stem in EVERY_PLATFORM_PLUGIN
        for plat in PLUGINS
        if trim.keep(*plugin(plat, "platforms", stem), platform=platform)
    }


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_each_platform_keeps_its_own_platform_plugin_and_offscreen_only(platform: str) -> None:
    assert kept_platform_plugins(platform) == {NATIVE[platform], "qoffscreen"}
    assert trim.keep(*plugin(platform, "platforms", NATIVE[platform]), platform=platform)


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_another_platforms_file_names_are_dropped(platform: str) -> None:
    for other in PLUGINS:
        if other != platform:
            assert not trim.keep(*plugin(other, "platforms", NATIVE[other]), platform=platform)


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_svg_icons_and_ico_are_kept_and_unused_types_dropped(platform: str) -> None:
    assert trim.keep(*plugin(platform, "iconengines", "qsvgicon"), platform=platform)
    assert trim.keep(*plugin(platform, "imageformats", "qsvg"), platform=platform)
    assert trim.keep(*plugin(platform, "imageformats", "qico"), platform=platform)
    assert not trim.keep(*plugin(platform, "imageformats", "qtiff"), platform=platform)
    assert not trim.keep(*plugin(platform, "platformthemes", "qgtk3"), platform=platform)
    assert not trim.keep(*plugin(platform, "tls", "qopensslbackend"), platform=platform)


def test_windows_and_macos_keep_their_native_style() -> None:
    assert trim.keep(*plugin("win32", "styles", "qmodernwindowsstyle"), platform="win32")
    assert trim.keep(*plugin("darwin", "styles", "qmacstyle"), platform="darwin")


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_files_outside_plugins_are_always_kept(platform: str) -> None:
    assert trim.keep("/venv/PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib", platform)
    assert trim.keep("C:\\venv\\PySide6\\Qt6Core.dll", "PySide6", platform)


def test_sys_platform_values_map_to_a_keep_list() -> None:
    assert trim.platform_key("linux") == "linux"
    assert trim.platform_key("win32") == "win32"
    assert trim.platform_key("darwin") == "darwin"
    with pytest.raises(ValueError, match="no Qt plugin keep-list for platform 'freebsd14'"):
        trim.platform_key("freebsd14")


def test_every_linux_name_kept_exists_in_the_installed_pyside6() -> None:
    # A renamed plugin in a new PySide6 would silently drop out of the bundle.
    spec = importlib.util.find_spec("PySide6")
    assert spec is not None and spec.submodule_search_locations
    plugins = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins"
    for plugin_type, names in trim.KEEP_PLUGINS["linux"].items():
        for name in names:
            assert (plugins / plugin_type / name).is_file(), f"{plugin_type}/{name}"
