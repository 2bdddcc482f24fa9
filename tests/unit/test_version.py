"""net/version.py: one version, from pyproject.toml, whichever way Yonder runs."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

from net import version as version_module

ROOT = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        found = tomllib.load(f)["project"]["version"]
    assert isinstance(found, str)
    return found


@pytest.fixture
def fresh_cache():
    version_module.version.cache_clear()
    yield
    version_module.version.cache_clear()


def test_the_distribution_is_yonder_browser() -> None:
    with (ROOT / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    assert project["name"] == version_module.DISTRIBUTION == "yonder-browser"
    assert list(project["gui-scripts"]) == ["yonder"]  # the command keeps its name


def test_installed_metadata_is_the_source(fresh_cache) -> None:
    assert importlib.metadata.version("yonder-browser") == pyproject_version()
    assert version_module.version() == pyproject_version()
    assert version_module.__version__ == pyproject_version()
    assert version_module.user_agent() == f"Yonder/{pyproject_version()}"


def test_without_metadata_pyproject_is_read(fresh_cache, monkeypatch) -> None:
    def absent(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", absent)
    assert version_module.version() == pyproject_version()


def test_pyproject_read_from_the_given_file(tmp_path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "yonder-browser"\nversion = "7.8.9rc1"\n')
    assert version_module._from_pyproject(path) == "7.8.9rc1"


@pytest.mark.parametrize(
    "text",
    ["", "[project]\nname = 'x'\n", "project = 3\n", "[project]\nversion = 4\n", "not = toml ="],
    ids=["empty", "no-version", "not-a-table", "not-a-string", "garbage"],
)
def test_unreadable_pyproject_gives_unknown(tmp_path, text) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    assert version_module._from_pyproject(path) == version_module.UNKNOWN


def test_missing_pyproject_gives_unknown(tmp_path) -> None:
    assert version_module._from_pyproject(tmp_path / "absent.toml") == "0+unknown"


def test_other_attributes_still_raise() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = version_module.no_such_thing  # type: ignore[attr-defined]
