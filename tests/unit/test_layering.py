"""The house rules, checked: arrows point down (main -> ui -> net), and ui/ is organised by
concern (ui/<folder>/__init__.py says what each folder is for).

net/ never imports Qt (or ui), and ui/ never touches socket or ssl; the pure packages
(ui/text, ui/library) and pure single modules import no Qt; the concern folders (page,
stream, downloads, dialogs) don't import each other sideways. Every import statement in the
source, including function-level and TYPE_CHECKING ones, is parsed and checked.
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
# Pure logic: HTML to text, links, the body store, formats (ui/text); bookmarks and history as
# data (ui/library). No Qt, so their tests need no QApplication.
PURE_PACKAGES = ("ui.text", "ui.library")
# Single modules elsewhere that are pure Python too (each says so in its docstring).
PURE_MODULES = ("ui/resources.py", "ui/stream/chunk_series.py")
# The folders of one concern each: they may use the pure packages, the shared helpers at the
# top of ui/ and their own folder, never another concern's folder (the shell composes them).
CONCERNS = ("page", "stream", "downloads", "dialogs")
# ui.colours: the palette's text colours (readable, WCAG AA) that every view draws with.
# ui.accessible: names for the parts of Qt widgets that Qt builds.
SHARED = ("ui.accessible", "ui.colours", "ui.fonts", "ui.resources", "ui.settings")
# Sideways imports allowed, each with its reason (none today: what a download shares with a
# page, the fetch function's shape, the cancel token and describe_error, lives in net/).
SIDEWAYS: set[tuple[str, str]] = {
    # A page feeds its own stream views (each tab has its timeline, chunk table and phase
    # bar; the window's Stream dock and status bar show the current tab's).
    ("page", "ui.stream.stream_panel"),
    ("page", "ui.stream.phase_bar"),
    ("page", "ui.stream.receive_lab"),
    # Save Page writes the page's body with the background save and the atomic file that
    # downloads use.
    ("page", "ui.downloads.save_job"),
    ("page", "ui.downloads.save_file"),
}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def is_pure(name: str) -> bool:
    pure_modules = {m.removesuffix(".py").replace("/", ".") for m in PURE_MODULES}
    return name in pure_modules or any(
        name == pkg or name.startswith(pkg + ".") for pkg in PURE_PACKAGES
    )


PURE_FILES = [p for p in UI_FILES if is_pure(module_name(p))]


def test_there_is_something_to_check() -> None:
    assert len(NET_FILES) >= 10 and len(UI_FILES) >= 20 and len(PURE_FILES) >= 20


@pytest.mark.parametrize("path", NET_FILES, ids=lambda p: p.name)
def test_net_imports_neither_qt_nor_ui(path: Path) -> None:
    assert not top_level(imported_modules(path)) & {"PySide6", "shiboken6", "ui", "main"}


@pytest.mark.parametrize("path", UI_FILES, ids=module_name)
def test_ui_never_touches_sockets_or_ssl(path: Path) -> None:
    assert not top_level(imported_modules(path)) & {"socket", "ssl", "main"}


def test_only_transport_touches_socket_and_ssl() -> None:
    users = {p.name for p in NET_FILES if top_level(imported_modules(p)) & {"socket", "ssl"}}
    # The demo server is a server (it listens), not part of the client.
    assert users <= {"transport.py", "demo_server.py", "tls.py"}


@pytest.mark.parametrize("path", PURE_FILES, ids=module_name)
def test_pure_logic_imports_no_qt_and_only_pure_modules(path: Path) -> None:
    imported = imported_modules(path)
    assert not top_level(imported) & {"PySide6", "shiboken6", "main"}
    assert [name for name in imported if name.startswith("ui.") and not is_pure(name)] == []


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_single_modules_say_so(name: str) -> None:
    assert "no qt" in (ROOT / name).read_text(encoding="utf-8").lower()


@pytest.mark.parametrize(
    "path", [p for c in CONCERNS for p in (ROOT / "ui" / c).rglob("*.py")], ids=module_name
)
def test_concern_folders_do_not_import_each_other_sideways(path: Path) -> None:
    folder = path.relative_to(ROOT / "ui").parts[0]
    own = f"ui.{folder}"
    wrong = [
        name
        for name in imported_modules(path)
        if name.startswith("ui.")
        and not (name == own or name.startswith(own + "."))
        and not is_pure(name)
        and name not in SHARED
        and (folder, name) not in SIDEWAYS
    ]
    assert wrong == []


def test_every_folder_of_ui_says_what_it_is_for() -> None:
    folders = [p for p in (ROOT / "ui").iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert {p.name for p in folders} >= {"text", "library", "shell", *CONCERNS}
    for folder in folders:
        init = folder / "__init__.py"
        assert init.exists() and ast.get_docstring(ast.parse(init.read_text())), folder.name


def test_only_the_tokenizer_touches_html_parser() -> None:
    users = {p.name for p in UI_FILES if {"html.parser", "_markupbase"} & imported_modules(p)}
    assert users == {"tokenizer.py"}


def test_the_one_formatter_is_pure_and_the_only_one() -> None:
    """ui/text/units.py formats every size, duration and rate; nobody else defines one."""
    units = ROOT / "ui" / "text" / "units.py"
    assert not top_level(imported_modules(units)) & {"PySide6", "shiboken6", "ui", "main"}
    formatters = ("def format_size", "def format_bytes", "def describe_size", "def format_ms")
    others = [
        p.relative_to(ROOT).as_posix()
        for p in UI_FILES
        if p != units and any(name in p.read_text(encoding="utf-8") for name in formatters)
    ]
    assert others == []
