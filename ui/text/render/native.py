"""The renderer's optional compiled build (mypyc), chosen once when ui.text.render is imported.

The same .py modules (MODULES) compiled by mypyc run ~1.7x faster with identical output. Where
the compiled modules come from:

- a checkout: tools/build_native.py (`make run`, `make test`) compiles them into
  build/native/<cache_tag>/ (outside the source tree) and writes STAMP there, the hash of the
  sources it compiled. They are used only while that hash matches the .py files here, so an
  edited module is never shadowed by a stale compiled one;
- the frozen app: packaging/yonder.spec bundles that directory as yonder_native/;
- an installed wheel: setup.py's build compiles them beside the .py files (and SHARED_LIB at
  yonder_browser/'s top, on sys.path): the import system prefers them by itself.

YONDER_PURE_PYTHON=1 forces the pure Python modules everywhere. Anything missing, stale or
failing to load means pure Python, silently (one logging.debug line).

Only the standard library here: setup.py and tools/build_native.py load this file on its own.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

# The compiled modules, in the order mypycify is given them. tokenizer.py stays pure: it
# subclasses html.parser.HTMLParser, which mypyc cannot compile (fast_tokens.py is its loop).
MODULES = (
    "model",
    "fast_tokens",
    "links",
    "writer",
    "tables",
    "elements",
    "engine",
    "renderer",
)
# What the stamp's hash covers: the compiled sources and the pure module they call.
HASHED = (*MODULES, "tokenizer")
GROUP = "yonder_render"
SHARED_LIB = f"{GROUP}__mypyc"  # mypyc's shared library, imported by name from C
STAMP = f"{GROUP}.stamp"
PURE_ENV = "YONDER_PURE_PYTHON"
FROZEN_DIR = "yonder_native"  # the frozen app's copy of build/native/<cache_tag>/

log = logging.getLogger(__name__)


def mypyc_extensions(checkout: Path, cache_dir: str, target_dir: str) -> list[Any]:
    """mypycify MODULES of ``checkout`` (for setup.py's wheel and tools/build_native.py):
    the setuptools extensions, the shared library among them. Needs mypy (build time only)."""
    from mypyc.build import mypycify

    os.chdir(checkout)  # mypy names the modules from their paths: ui/text/render/x.py
    return list(
        mypycify(
            [f"--cache-dir={cache_dir}", *(f"ui/text/render/{name}.py" for name in MODULES)],
            group_name=GROUP,
            target_dir=target_dir,
        )
    )


def sources_hash(package_dir: Path) -> str:
    """sha256 over HASHED's names and bytes in ``package_dir`` (ui/text/render)."""
    digest = hashlib.sha256()
    for name in HASHED:
        digest.update(f"{name}\0".encode())
        digest.update((package_dir / f"{name}.py").read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def build_dir(checkout: Path) -> Path:
    """Where tools/build_native.py puts this interpreter's compiled modules."""
    return checkout / "build" / "native" / sys.implementation.cache_tag


def stamp_text(package_dir: Path) -> str:
    return f"{sources_hash(package_dir)}\n"


def _extension(directory: Path, name: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = directory / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


class _SourcesFirst(importlib.abc.MetaPathFinder):
    """YONDER_PURE_PYTHON=1 beside compiled modules (an installed wheel): MODULES from their
    .py files, which the import system would otherwise pass over for the extension."""

    def __init__(self, package: str, package_dir: Path) -> None:
        self.package = package
        self.package_dir = package_dir

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        source = self.package_dir / f"{name}.py"
        if package != self.package or name not in MODULES or not source.is_file():
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def install(package: str, package_path: list[str]) -> bool:
    """Called by ui/text/render/__init__.py before it imports a submodule: puts the compiled
    build's directory first on the package's ``package_path`` (and loads SHARED_LIB) when
    there is a usable one, or makes sure the pure modules load when they are asked for."""
    package_dir = Path(package_path[0])
    if os.environ.get(PURE_ENV) == "1":
        if any(_extension(package_dir, name) for name in MODULES):
            sys.meta_path.insert(0, _SourcesFirst(package, package_dir))
        log.debug("renderer: pure Python (%s=1)", PURE_ENV)
        return False
    frozen = getattr(sys, "_MEIPASS", None)
    native = Path(frozen) / FROZEN_DIR if frozen else build_dir(package_dir.parents[2])
    try:
        recorded = (native / STAMP).read_text(encoding="ascii")
    except OSError:
        log.debug("renderer: no compiled build in %s", native)
        return False
    # The frozen app has no .py files to hash: its build checked them (packaging/yonder.spec).
    if not frozen and recorded != stamp_text(package_dir):
        log.debug("renderer: the compiled build in %s is stale (sources changed)", native)
        return False
    lib = _extension(native, SHARED_LIB)
    spec = importlib.util.spec_from_file_location(SHARED_LIB, lib) if lib else None
    if spec is None or spec.loader is None:
        log.debug("renderer: %s is missing from %s", SHARED_LIB, native)
        return False
    previous = sys.modules.get(SHARED_LIB)
    try:
        module = importlib.util.module_from_spec(spec)  # dlopen() happens here
        sys.modules[SHARED_LIB] = module
        spec.loader.exec_module(module)
    except ImportError as exc:
        if previous is None:
            sys.modules.pop(SHARED_LIB, None)
        else:
            sys.modules[SHARED_LIB] = previous
        log.debug("renderer: %s does not load (%s)", lib, exc)
        return False
    package_path.insert(0, str(native.joinpath(*package.split("."))))
    return True


def compiled() -> bool:
    """Whether the renderer that runs is the compiled one (once ui.text.render is imported)."""
    renderer = sys.modules.get(f"{__package__}.renderer")
    origin = getattr(renderer, "__file__", None) or ""
    return origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def describe() -> str:
    """For `yonder --version`: which renderer runs."""
    return "compiled (mypyc)" if compiled() else "pure Python"
