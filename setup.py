"""The wheel's compiled renderer: pyproject.toml describes the package; this adds mypyc.

Building a wheel (`python -m build`, `pip install .`, pipx), the modules of
ui/text/render/native.py's MODULES are compiled by mypyc (mypy is a build requirement): each
one's extension lands beside its .py file (yonder_browser/ui/text/render/), and mypyc's shared
library at yonder_browser/'s top, which main.py puts on sys.path. The import system then prefers
the extensions by itself; `yonder --version` says which renderer runs.

Without a working C compiler (or Python's headers), when mypyc fails, or with
YONDER_PURE_PYTHON=1, the wheel is a pure one (py3-none-any) and says why. The sdist and
editable installs compile nothing (a checkout uses tools/build_native.py instead).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
PACKAGE = "yonder_browser"  # pyproject.toml: package-dir = { "yonder_browser" = "." }


def say(message: str) -> None:
    print(f"yonder setup.py: {message}", file=sys.stderr, flush=True)


def load_native() -> Any:
    spec = importlib.util.spec_from_file_location(
        "_yonder_native", ROOT / "ui" / "text" / "render" / "native.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compiler_problem() -> str | None:
    """Why no extension can be built here (None: a C compiler and Python.h work)."""
    from distutils import ccompiler, sysconfig

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "probe.c"
        source.write_text("#include <Python.h>\nint probe(void) { return 0; }\n")
        try:
            compiler: Any = ccompiler.new_compiler()
            sysconfig.customize_compiler(compiler)
            compiler.compile(
                [str(source)], output_dir=tmp, include_dirs=[sysconfig.get_python_inc()]
            )
        except Exception as exc:
            return f"no working C compiler with Python's headers ({exc})"
    return None


def compiled_extensions() -> list[Any]:
    native = load_native()
    if os.environ.get(native.PURE_ENV) == "1":
        say(f"{native.PURE_ENV}=1: a pure Python wheel")
        return []
    problem = compiler_problem()
    if problem:
        say(f"{problem}: a pure Python wheel (the renderer runs ~1.7x slower)")
        return []
    try:
        extensions = native.mypyc_extensions(ROOT, "build/mypyc/mypy_cache", "build/mypyc")
    except (Exception, SystemExit) as exc:
        say(f"mypyc failed ({exc!r}): a pure Python wheel")
        return []
    for ext in extensions:
        # Inside the one private package: ui.text.render.engine's file goes to
        # yonder_browser/ui/text/render/, the shared library to yonder_browser/.
        ext.name = f"{PACKAGE}.{ext.name}"
    say(f"compiling the renderer with mypyc: {len(extensions)} extensions")
    return extensions


class BuildExt(build_ext):
    """A compiler that fails after all (the probe passed) still gives a pure wheel."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:
            say(f"compiling the renderer failed ({exc}): a pure Python wheel")
            for ext in self.extensions:  # a module without the shared library cannot load
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self.extensions = []
            self.distribution.ext_modules = []
            wheel = self.distribution.get_command_obj("bdist_wheel", create=False)
            if wheel is not None:
                wheel.root_is_pure = True  # type: ignore[attr-defined]


class BuildPy(build_py):
    """yonder_browser is the checkout's top directory: every module there but this file."""

    def find_package_modules(self, package: str, package_dir: str) -> list[tuple[str, str, str]]:
        modules: list[tuple[str, str, str]] = super().find_package_modules(package, package_dir)
        return [m for m in modules if (m[0], m[1]) != (PACKAGE, "setup")]


# Only a wheel build compiles (setuptools' PEP 517 backend runs this file with the command in
# sys.argv): the sdist, its metadata and editable installs stay sources only.
extensions = compiled_extensions() if "bdist_wheel" in sys.argv else []
setup(ext_modules=extensions, cmdclass={"build_ext": BuildExt, "build_py": BuildPy})
