"""Shared by Yonder's PyInstaller hooks: collect a PySide6 module keeping only needed plugins.

PyInstaller's own hooks collect every plugin of every plugin type a Qt module declares (the
gtk3 platform theme alone drags in half of GTK). Filtering ``a.binaries`` in the spec is too
late: the dependencies of dropped plugins have already been collected. So the project hooks in
this folder (found first through ``hookspath``) call PyInstaller's own collector and then drop
the plugins Yonder does not load, before dependency analysis sees them. No translations:
Yonder's UI is English only.

The keep-list is per platform: plugin files are named ``libqxcb.so`` on Linux, ``qwindows.dll``
on Windows and ``libqcocoa.dylib`` on macOS, and a build that keeps no platform plugin of its
own cannot start. Only the Linux list is exercised by a real build here; the other two are
unit-tested against their file names (tests/unit/test_qt_trim.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import PurePath

# plugin type -> the plugin files Yonder ships, per platform (``platform_key``). Types not
# listed are dropped entirely (platformthemes, generic, egldeviceintegrations,
# xcbglintegrations, networkinformation, tls...).
KEEP_PLUGINS: dict[str, dict[str, frozenset[str]]] = {
    "linux": {
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
    },
    "win32": {
        "platforms": frozenset({"qwindows.dll", "qoffscreen.dll"}),
        "imageformats": frozenset({"qico.dll", "qsvg.dll"}),
        "iconengines": frozenset({"qsvgicon.dll"}),
        # The native look (Qt >= 6.7 ships the first, earlier releases the second); without a
        # style plugin the window falls back to Fusion.
        "styles": frozenset({"qmodernwindowsstyle.dll", "qwindowsvistastyle.dll"}),
    },
    "darwin": {
        "platforms": frozenset({"libqcocoa.dylib", "libqoffscreen.dylib"}),
        "imageformats": frozenset({"libqico.dylib", "libqsvg.dylib", "libqicns.dylib"}),
        "iconengines": frozenset({"libqsvgicon.dylib"}),
        "styles": frozenset({"libqmacstyle.dylib"}),
    },
}


def platform_key(platform: str = sys.platform) -> str:
    """The keep-list key ("linux", "win32", "darwin") of a ``sys.platform`` value."""
    for key in KEEP_PLUGINS:
        if platform.startswith(key):
            return key
    raise ValueError(
        f"yonder_qt_trim: no Qt plugin keep-list for platform {platform!r}; add one to "
        "KEEP_PLUGINS in packaging/hooks/yonder_qt_trim.py"
    )


def keep(src: str, dest: str, platform: str = sys.platform) -> bool:
    """Whether the collected file ``src`` (bundled under ``dest``) stays in the bundle."""
    parts = PurePath(dest.replace("\\", "/")).parts
    if "plugins" not in parts:
        return True  # not a plugin (Qt libraries, Python modules)
    plugin_type = "/".join(parts[parts.index("plugins") + 1 :])
    name = PurePath(src.replace("\\", "/")).name
    return name in KEEP_PLUGINS[platform_key(platform)].get(plugin_type, frozenset())


def collect(hook_file: str) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """(hiddenimports, binaries, datas) for the module named by ``hook-<module>.py``."""
    from PyInstaller.utils.hooks.qt import get_qt_library_info

    module_name = os.path.basename(hook_file)[len("hook-") : -len(".py")]
    info = get_qt_library_info(module_name.split(".")[0])
    hiddenimports, binaries, datas = info.collect_module(module_name)
    binaries = [(src, dest) for src, dest in binaries if keep(src, dest)]
    datas = [(src, dest) for src, dest in datas if "translations" not in PurePath(dest).parts]
    return list(hiddenimports), binaries, datas
