"""Shared by Yonder's PyInstaller hooks: collect a PySide6 module keeping only needed plugins.

PyInstaller's own hooks collect every plugin of every plugin type a Qt module declares (the
gtk3 platform theme alone drags in half of GTK). Filtering ``a.binaries`` in the spec is too
late: the dependencies of dropped plugins have already been collected. So the project hooks in
this folder (found first through ``hookspath``) call PyInstaller's own collector and then drop
the plugins Yonder does not load, before dependency analysis sees them. No translations:
Yonder's UI is English only.
"""

from __future__ import annotations

import os
from pathlib import PurePath

from PyInstaller.utils.hooks.qt import get_qt_library_info

# plugin type -> the plugin files Yonder ships. Types not listed are dropped entirely
# (platformthemes, generic, egldeviceintegrations, xcbglintegrations, networkinformation, tls...).
KEEP_PLUGINS: dict[str, frozenset[str]] = {
    "platforms": frozenset({"libqxcb.so", "libqoffscreen.so", "libqwayland.so"}),
    # PNG is built into QtGui; .ico for the Windows icon, SVG for the scalable icon.
    "imageformats": frozenset({"libqico.so", "libqsvg.so"}),
    "iconengines": frozenset({"libqsvgicon.so"}),
    # Compose/dead keys on X11, and IBus for CJK input methods.
    "platforminputcontexts": frozenset(
        {"libcomposeplatforminputcontextplugin.so", "libibusplatforminputcontextplugin.so"}
    ),
    # A Wayland window needs a shell integration; decorations for compositors without SSD.
    "wayland-shell-integration": frozenset({"libxdg-shell.so"}),
    "wayland-decoration-client": frozenset({"libbradient.so", "libadwaita.so"}),
}


def _keep(src: str, dest: str) -> bool:
    parts = PurePath(dest).parts
    if "plugins" not in parts:
        return True  # not a plugin (Qt libraries, Python modules)
    plugin_type = "/".join(parts[parts.index("plugins") + 1 :])
    return os.path.basename(src) in KEEP_PLUGINS.get(plugin_type, frozenset())


def collect(hook_file: str) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """(hiddenimports, binaries, datas) for the module named by ``hook-<module>.py``."""
    module_name = os.path.basename(hook_file)[len("hook-") : -len(".py")]
    info = get_qt_library_info(module_name.split(".")[0])
    hiddenimports, binaries, datas = info.collect_module(module_name)
    binaries = [(src, dest) for src, dest in binaries if _keep(src, dest)]
    datas = [(src, dest) for src, dest in datas if "translations" not in PurePath(dest).parts]
    return list(hiddenimports), binaries, datas
