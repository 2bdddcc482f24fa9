"""A real, tiny filesystem for tests of a full disk: a tmpfs mounted on a temporary folder.

Mounting needs root (CI and these machines run as root); without it the test fails and says
so, rather than pretending with a fake. The mount is always undone.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def small_disk(where: Path, size: str = "1m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``where`` (created); unmounted on exit."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(
            f"mounting a {size} tmpfs on {where} failed ({done.stderr.strip()}); these "
            f"tests need root (uid {os.getuid()})"
        )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill(where: Path) -> None:
    """Fill the filesystem at ``where`` to the last byte."""
    with (where / "filler").open("wb", buffering=0) as out:
        block = b"\0" * 65536
        with contextlib.suppress(OSError):
            while out.write(block):
                pass
        with contextlib.suppress(OSError):
            while out.write(b"\0"):
                pass
