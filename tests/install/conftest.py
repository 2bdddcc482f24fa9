"""Fixtures for the install tests: Yonder built as a user builds it and installed outside the
checkout: a fresh venv from the wheel, one from the sdist, `pip install .` and `pipx install .`
from source trees.

Each is made once per session: one `python -m build` (the sdist, then the wheel built from
that sdist), four installs of ~10 s each. Everything lives under the session's tmp dir; the
installed Yonder then runs with its working directory elsewhere, PYTHONPATH unset and a private
HOME, so nothing of the checkout can leak in. Dependencies come from the package index (or the
pip cache), as for a user.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT = 900  # seconds; bounds a hang only (an install takes ~10 s)


@dataclass(frozen=True)
class Dists:
    sdist: Path
    wheel: Path


@dataclass(frozen=True)
class Install:
    """An installed Yonder: its `yonder` command and the Python of its environment."""

    kind: str
    yonder: Path
    python: Path


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The machine's environment without anything that points into the checkout or at Qt
    (pip's own settings stay: they are the user's way to reach the package index)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "QT_", "VIRTUAL_ENV", "PIPX_", "XDG_"))
        and k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    home.mkdir(parents=True, exist_ok=True)
    runtime = home / ".runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime))
    env.update(extra)
    return env


def run_checked(argv: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, argv))} failed (exit {result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result.stdout


def checkout_files() -> list[str]:
    """The files a clone of this checkout would have (tracked, or new and not ignored)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in out.decode().split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="session")
def source_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout as a fresh clone would have it (builds write into their tree)."""
    dest = tmp_path_factory.mktemp("source") / "yonder"
    for name in checkout_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


@pytest.fixture(scope="session")
def dists(source_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """`python -m build`: the sdist, and the wheel that build makes from that sdist."""
    out = tmp_path_factory.mktemp("dist")
    env = clean_env(tmp_path_factory.mktemp("build-home"))
    run_checked([sys.executable, "-m", "build", "--outdir", out, source_tree], out, env)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Dists(sdist, wheel)


def fresh_venv(where: Path, env: dict[str, str]) -> Path:
    run_checked([sys.executable, "-m", "venv", where], where.parent, env)
    return where / "bin" / "python"


FOREIGN_MODULES = {
    # What an unrelated distribution might ship top-level: if Yonder imported any of these,
    # `yonder` would print the marker and exit 3 instead of showing its window.
    "main.py": "def main():\n    print('FOREIGN main')\n    return 3\n",
    "ui/__init__.py": "FOREIGN = True\n",
    "ui/app.py": "def main(args):\n    print('FOREIGN ui.app')\n    return 3\n",
    "net/__init__.py": "FOREIGN = True\n",
    "net/dump.py": "def main(args):\n    print('FOREIGN net.dump')\n    return 3\n",
}


def foreign_wheel(where: Path) -> Path:
    """A real wheel of another project whose top-level modules are main, ui and net."""
    name = "foreign_toplevel-1.0"
    files = {k: v.encode() for k, v in FOREIGN_MODULES.items()}
    files[f"{name}.dist-info/METADATA"] = (
        b"Metadata-Version: 2.1\nName: foreign-toplevel\nVersion: 1.0\n"
    )
    files[f"{name}.dist-info/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: yonder-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{name}.dist-info/RECORD,,")
    files[f"{name}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = where / "foreign_toplevel-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return wheel


@pytest.fixture(scope="session")
def wheel_install(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Install:
    """The wheel in a fresh venv, with a foreign distribution's top-level main/ui/net beside
    it (installed after Yonder, as a later `pip install` of something else would)."""
    base = tmp_path_factory.mktemp("wheel-install")
    env = clean_env(base / "home")
    python = fresh_venv(base / "venv", env)
    run_checked([python, "-m", "pip", "install", "-q", dists.wheel], base, env)
    run_checked([python, "-m", "pip", "install", "-q", foreign_wheel(base)], base, env)
    return Install("wheel", base / "venv" / "bin" / "yonder", python)


@pytest.fixture(scope="session")
def sdist_install(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Install:
    """`pip install yonder-…tar.gz` in a fresh venv (pip builds its own wheel from it)."""
    base = tmp_path_factory.mktemp("sdist-install")
    env = clean_env(base / "home")
    python = fresh_venv(base / "venv", env)
    run_checked([python, "-m", "pip", "install", "-q", dists.sdist], base, env)
    return Install("sdist", base / "venv" / "bin" / "yonder", python)


@pytest.fixture(scope="session")
def pip_install(source_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Install:
    """`pip install .` (not editable) in a source tree of its own, into a fresh venv."""
    base = tmp_path_factory.mktemp("pip-install")
    tree = shutil.copytree(source_tree, base / "yonder")
    env = clean_env(base / "home")
    python = fresh_venv(base / "venv", env)
    run_checked([python, "-m", "pip", "install", "-q", "."], tree, env)
    return Install("pip", base / "venv" / "bin" / "yonder", python)


@pytest.fixture(scope="session")
def pipx_install(source_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Install:
    """`pipx install .` in a source tree (pipx runs a non-editable `pip install .` in its own
    venv); pipx itself from pip in a venv, its homes in tmp."""
    base = tmp_path_factory.mktemp("pipx-install")
    env = clean_env(
        base / "home",
        PIPX_HOME=str(base / "pipx-home"),
        PIPX_BIN_DIR=str(base / "bin"),
        PIPX_MAN_DIR=str(base / "man"),
    )
    tree = shutil.copytree(source_tree, base / "yonder")  # pip builds in the tree
    tools = fresh_venv(base / "tools", env)
    run_checked([tools, "-m", "pip", "install", "-q", "pipx"], base, env)
    run_checked([base / "tools" / "bin" / "pipx", "install", "."], tree, env)
    (python,) = (base / "pipx-home" / "venvs").glob("*/bin/python")
    return Install("pipx", base / "bin" / "yonder", python)
