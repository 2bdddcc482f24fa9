"""ui/resources.py finds resources/ in the checkout and in a frozen app (onedir and onefile
both set sys._MEIPASS: the bundle's folder, or onefile's unpacked temporary folder). The
installed package (site-packages/yonder_browser/resources) is covered by tests/install/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ui import resources

ROOT = Path(__file__).resolve().parents[2]


def test_checkout_resources_are_beside_ui() -> None:
    assert resources.resources_dir() == ROOT / "resources"
    assert resources.resource_path("start.txt").is_file()
    assert resources.resource_path("samples", "romeo.txt").is_file()


def test_frozen_resources_are_under_meipass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unpacked = tmp_path / "_MEI12345"  # where a onefile app unpacks itself
    (unpacked / "resources").mkdir(parents=True)
    (unpacked / "resources" / "start.txt").write_text("frozen start page")
    monkeypatch.setattr(sys, "_MEIPASS", str(unpacked), raising=False)
    assert resources.resources_dir() == unpacked / "resources"
    assert resources.resource_path("start.txt").read_text() == "frozen start page"
