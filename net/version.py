"""Yonder's version, single-sourced from pyproject.toml.

Installed (pip, wheel, .deb) or frozen with its metadata (packaging/yonder.spec copies it with
PyInstaller's copy_metadata), the version comes from the distribution's metadata. In a checkout
that was never installed there is no metadata, so pyproject.toml next to this package is read.
"""

from __future__ import annotations

import functools
from pathlib import Path

DISTRIBUTION = "yonder-browser"  # the PyPI name; `yonder` there is an unrelated project
UNKNOWN = "0+unknown"  # a PEP 440 local version: sorts below every release, never mistaken


@functools.cache
def version() -> str:
    """The version string, e.g. '0.1.0'."""
    import importlib.metadata  # here, not at import: ~20 ms that start-up does not need

    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return _from_pyproject(Path(__file__).resolve().parent.parent / "pyproject.toml")


def _from_pyproject(path: Path) -> str:
    import tomllib

    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, ValueError):  # tomllib.TOMLDecodeError is a ValueError
        return UNKNOWN
    project = data.get("project")
    found = project.get("version") if isinstance(project, dict) else None
    return found if isinstance(found, str) and found else UNKNOWN


def user_agent() -> str:
    """The User-Agent every request sends."""
    return f"Yonder/{version()}"


def __getattr__(name: str) -> str:
    # `from net.version import __version__` works, but importing this module stays free: the
    # metadata is read on first use, not at start-up.
    if name == "__version__":
        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
