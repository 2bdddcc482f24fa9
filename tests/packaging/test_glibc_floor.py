"""The bundle's glibc floor, read from its ELF files' symbol versions, is the one README.md
states: a build on a newer machine (or a new wheel needing a newer glibc) is noticed."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "packaging"))
from build_deb import elf_files, glibc_floor

STATED = re.compile(r"glibc (\d+\.\d+) or newer")


def stated_floor(path: Path) -> tuple[int, ...]:
    found = STATED.findall(path.read_text(encoding="utf-8"))
    assert found, f"{path.name} does not state the bundle's glibc floor ('glibc X.Y or newer')"
    assert len(set(found)) == 1, f"{path.name} states several floors: {found}"
    return tuple(int(part) for part in found[0].split("."))


def test_the_bundle_needs_exactly_the_glibc_readme_states(built_app: Path) -> None:
    bundle = built_app.parent
    assert len(elf_files(bundle)) >= 50  # the executable, Python's extensions, Qt
    floor = glibc_floor(bundle)
    assert floor == stated_floor(ROOT / "README.md"), (
        f"the bundle now needs glibc {'.'.join(map(str, floor))}: say so in README.md and "
        "packaging/README.md (or build on an older machine)"
    )
    assert floor == stated_floor(ROOT / "packaging" / "README.md")
