"""The one place that knows where resources/ lives: the checkout, an installed Yonder
(site-packages/yonder_browser/resources, package data beside ui/), PyInstaller onedir and
onefile.

No Qt here, so pure modules and tests can use it too.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    # Frozen builds put datas=[("resources", "resources")] beside the bundled modules
    # (sys._MEIPASS); unfrozen (checkout or installed), resources/ sits beside this package.
    base = getattr(sys, "_MEIPASS", None)
    if base is not None:
        return Path(base) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
