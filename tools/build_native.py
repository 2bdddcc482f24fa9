"""Compile the HTML renderer with mypyc for this checkout: build/native/<cache_tag>/.

`make run` and `make test` run it (through the Makefile's native stamp); `make test-all` runs it
with each venv's Python; packaging/build.sh runs it before freezing. It writes, for the Python
running it:

    build/native/<cache_tag>/yonder_render__mypyc.<ext>     mypyc's shared library
    build/native/<cache_tag>/ui/text/render/<module>.<ext>  one small module per compiled .py
    build/native/<cache_tag>/yonder_render.stamp            the hash of the sources compiled

ui/text/render/native.py uses them only while that hash matches the sources. Nothing is
written into the source tree. Up to date, it does nothing (silently); when mypyc or the C
compiler fails, it says so and exits 0 without a stamp (Yonder then runs its pure Python
renderer, and under `make test` tests/unit/test_render_compiled.py fails). YONDER_PURE_PYTHON=1
skips the build.

Run: .venv/bin/python tools/build_native.py [--force]
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "ui" / "text" / "render"


def load_native() -> ModuleType:
    """ui/text/render/native.py on its own (importing the package would load the renderer)."""
    spec = importlib.util.spec_from_file_location("_yonder_native", PACKAGE_DIR / "native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compile_into(native: ModuleType, staging: Path, temp: Path) -> None:
    """mypycify + build_ext: the shared library and the modules' files under ``staging``."""
    from setuptools import Distribution

    extensions = native.mypyc_extensions(ROOT, str(temp / "mypy_cache"), str(temp / "c"))
    dist = Distribution(
        {
            "name": "yonder-render-native",
            "ext_modules": extensions,
            "script_name": "tools/build_native.py",
            "script_args": [
                "--quiet",
                "build_ext",
                f"--build-lib={staging}",
                f"--build-temp={temp / 'obj'}",
            ],
        }
    )
    dist.parse_command_line()
    dist.run_commands()


def main(argv: list[str]) -> int:
    native = load_native()
    if os.environ.get(native.PURE_ENV) == "1":
        print(f"build_native.py: {native.PURE_ENV}=1, the renderer stays pure Python")
        return 0
    out = native.build_dir(ROOT)
    out.mkdir(parents=True, exist_ok=True)
    with open(out.parent / ".lock", "w") as lock:  # two makes at once take turns
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = out / native.STAMP
        want = native.stamp_text(PACKAGE_DIR)
        if "--force" not in argv and stamp.is_file() and stamp.read_text() == want:
            return 0  # up to date: silent (make runs this every time)
        stamp.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            staging, temp = Path(tmp) / "lib", Path(tmp) / "temp"
            try:
                compile_into(native, staging, temp)
            except (Exception, SystemExit) as exc:  # mypy, mypyc, or the C compiler
                print(
                    f"build_native.py: compiling the renderer failed ({exc!r}); Yonder runs "
                    "its pure Python renderer (a C compiler and Python's headers are needed)",
                    file=sys.stderr,
                )
                return 0
            # Each file replaced, never rewritten in place: a running Yonder may have the old
            # one mapped.
            for built in staging.rglob("*"):
                if built.is_file():
                    target = out / built.relative_to(staging)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(built, f"{target}.new")
                    os.replace(f"{target}.new", target)
        stamp.write_text(want, encoding="ascii")
        print(f"build_native.py: compiled the renderer into {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
