"""The house rule, checked: arrows point down (main -> ui -> net).

net/ never imports Qt (or ui), and ui/ never touches socket or ssl: every import statement
in the source, including function-level and TYPE_CHECKING ones, is parsed and checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top_level(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


NET_FILES = sorted((ROOT / "net").glob("*.py"))
UI_FILES = sorted((ROOT / "ui").rglob("*.py"))
# Pure logic: HTML to text, links and spans (ui/render); bookmarks and history as data
# (ui/library). No Qt, so their tests need no QApplication.
PURE_PACKAGES = ("render", "library")
PURE_FILES = sorted(p for pkg in PURE_PACKAGES for p in (ROOT / "ui" / pkg).glob("*.py"))


def test_there_is_something_to_check() -> None:
    assert len(NET_FILES) >= 10 and len(UI_FILES) >= 20 and len(PURE_FILES) >= 5


@pytest.mark.parametrize("path", NET_FILES, ids=lambda p: p.name)
def test_net_imports_neither_qt_nor_ui(path: Path) -> None:
    assert not top_level(imported_modules(path)) & {"PySide6", "shiboken6", "ui", "main"}


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_ui_never_touches_sockets_or_ssl(path: Path) -> None:
    assert not top_level(imported_modules(path)) & {"socket", "ssl", "main"}


def test_only_transport_touches_socket_and_ssl() -> None:
    users = {p.name for p in NET_FILES if top_level(imported_modules(p)) & {"socket", "ssl"}}
    # The demo server is a server (it listens), not part of the client.
    assert users <= {"transport.py", "demo_server.py", "tls.py"}


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: p.name)
def test_pure_text_logic_imports_no_qt_and_no_widgets(path: Path) -> None:
    imported = imported_modules(path)
    assert not top_level(imported) & {"PySide6", "shiboken6", "main"}
    # Within ui/, only its own package (ui.render.* or ui.library.*): the widgets sit above.
    package = f"ui.{path.parent.name}"
    assert {name for name in imported if name.startswith("ui")} <= {
        name for name in imported if name == package or name.startswith(package + ".")
    }


def test_only_the_tokenizer_touches_html_parser() -> None:
    users = {p.name for p in UI_FILES if {"html.parser", "_markupbase"} & imported_modules(p)}
    assert users == {"tokenizer.py"}


def test_the_one_formatter_is_pure_and_the_only_one() -> None:
    """ui/units.py formats every size, duration and rate: no Qt, and nobody else defines one."""
    units = ROOT / "ui" / "units.py"
    assert not top_level(imported_modules(units)) & {"PySide6", "shiboken6", "ui", "main"}
    formatters = ("def format_size", "def format_bytes", "def describe_size", "def format_ms")
    others = [
        p.relative_to(ROOT).as_posix()
        for p in UI_FILES
        if p != units and any(name in p.read_text(encoding="utf-8") for name in formatters)
    ]
    assert others == []


# Single modules of ui/ that say they are pure Python (the body store, where resources live,
# the formatters...): tests/unit uses them without Qt, and so may any pure package.
PURE_MODULES = (
    "body_store.py",
    "release.py",
    "resources.py",
    "units.py",
    "fragments.py",
    "history.py",
    "display_text.py",
    "chunk_series.py",
)


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_modules_import_no_qt_and_only_pure_modules(name: str) -> None:
    path = ROOT / "ui" / name
    assert "no qt" in path.read_text(encoding="utf-8").lower()  # it says so itself
    imported = imported_modules(path)
    assert not top_level(imported) & {"PySide6", "shiboken6", "main"}
    pure = {f"ui.{module.removesuffix('.py')}" for module in PURE_MODULES}
    assert {name for name in imported if name.startswith("ui.")} <= pure
