"""The renderer compiled by mypyc (ui/text/render/native.py) gives exactly what the pure Python
one gives, is the one that runs under `make test`, and is never used when stale.

The pages: the Sphinx HTML of python3-doc when it is installed (.ci/run installs it), and this
suite's own corpus always. Each is fed as the window feeds it (bytes through StreamTextDecoder,
8 KiB slices, UTF-16 offsets, links resolved with their #fragment), and a small page one byte at
a time; every fragment's text, links, spans, anchors and indents are compared. This process
renders with the compiled renderer (the comparison fails, saying so, if it loaded the pure
one); a child with YONDER_PURE_PYTHON=1 renders with the pure one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import ui.text.render
from net.charset import StreamTextDecoder
from ui.text.fragments import resolve_link
from ui.text.render import Fragment, HtmlRenderer, native

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "ui" / "text" / "render"
CORPUS = Path(__file__).parent / "html_corpus"
DOCS = Path("/usr/share/doc/python3.11/html")
# Real pages of 0.05-0.75 MB: a long one (os), one with many tables (datetime), a glossary.
DOC_PAGES = ("library/os.html", "library/datetime.html", "glossary.html")
SMALL_DOC_PAGE = "library/bisect.html"  # 46 KB: fed one byte at a time
SLICE = 8 * 1024  # ui/page/page_renderer.py's HTML_SLICE
BASE = "http://127.0.0.1:8080/doc/page.html"


def pages() -> list[tuple[Path, int]]:
    """(page, bytes per feed): every page in slices, and one small page byte by byte."""
    found = [(path, SLICE) for path in sorted(CORPUS.glob("*.html"))]
    found.append((CORPUS / "hacker_news.html", 1))
    if DOCS.is_dir():
        found += [(DOCS / name, SLICE) for name in DOC_PAGES]
        found.append((DOCS / SMALL_DOC_PAGE, 1))
    return found


def plain(fragment: Fragment) -> list[object]:
    """A fragment as plain data (compiled and pure classes compare alike)."""
    return [
        fragment.start,
        fragment.text,
        [[k.number, k.start, k.end, k.href, k.url, k.text, k.problem] for k in fragment.links],
        [[s.start, s.end, str(s.style)] for s in fragment.spans],
        [[a.name, a.pos] for a in fragment.anchors],
        [list(i) for i in fragment.indents],
    ]


def render_page(path: Path, step: int) -> list[list[object]]:
    data = path.read_bytes()
    decoder = StreamTextDecoder("text/html")
    renderer = HtmlRenderer(BASE, 100, utf16=True, resolve=resolve_link)
    out = [
        plain(renderer.feed(decoder.feed(data[i : i + step]))) for i in range(0, len(data), step)
    ]
    out.append(plain(renderer.feed(decoder.finish())))
    out.append(plain(renderer.close()))
    out.append([renderer.title])
    return out


def render_all() -> dict[str, object]:
    """What the child prints: its renderer, and every page's fragments."""
    return {
        "compiled": ui.text.render.compiled(),
        "pages": {f"{path}:{step}": render_page(path, step) for path, step in pages()},
    }


def child(code: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,  # a hung child fails its test instead of stopping the suite
    )


def test_the_compiled_renderer_runs_under_make_test() -> None:
    # `make test` and `make test-all` set YONDER_EXPECT_COMPILED=1 after building it.
    expected = os.environ.get("YONDER_EXPECT_COMPILED") == "1"
    renderer = sys.modules["ui.text.render.renderer"]
    assert ui.text.render.compiled() or not expected, (
        f"the pure Python renderer was loaded ({renderer.__file__}): is "
        f"{native.build_dir(ROOT)} built (tools/build_native.py) and current?"
    )
    if ui.text.render.compiled():
        for name in native.MODULES:
            module = sys.modules[f"ui.text.render.{name}"]
            assert str(module.__file__).startswith(str(native.build_dir(ROOT))), module
        assert native.SHARED_LIB in sys.modules
        assert native.describe() == "compiled (mypyc)"


def test_compiled_and_pure_render_every_page_identically() -> None:
    # This process's renderer is the compiled one, or there is nothing to compare: pure
    # against pure would pass whatever the compiled build does. Not a skip: a checkout
    # without the build fails here, saying how to make it.
    renderer = sys.modules["ui.text.render.renderer"]
    assert ui.text.render.compiled(), (
        f"no compiled renderer to compare: this process loaded the pure one "
        f"({renderer.__file__}). Build {native.build_dir(ROOT)} with `make native` "
        f"(tools/build_native.py) from these sources, and do not set {native.PURE_ENV}=1"
    )
    ours = render_all()
    assert ours["compiled"] is True
    proc = child(
        "import json; from tests.unit.test_render_compiled import render_all; "
        "print(json.dumps(render_all()))",
        **{native.PURE_ENV: "1"},
    )
    assert proc.returncode == 0, proc.stderr
    pure = json.loads(proc.stdout)
    assert pure["compiled"] is False
    mine = json.loads(json.dumps(ours))  # tuples as lists, as the child's
    assert mine["pages"].keys() == pure["pages"].keys()
    for page, fragments in pure["pages"].items():
        assert len(mine["pages"][page]) == len(fragments), page
        for i, (a, b) in enumerate(zip(mine["pages"][page], fragments, strict=True)):
            assert a == b, f"{page}: fragment {i} differs"


def test_pure_python_is_forced_by_the_environment() -> None:
    code = "import ui.text.render as r, sys; print(r.compiled(), %r in sys.modules)"
    proc = child(code % native.SHARED_LIB, **{native.PURE_ENV: "1"})
    assert (proc.returncode, proc.stdout) == (0, "False False\n"), proc.stderr


def copy_checkout(dest: Path) -> Path:
    """ui/ and net/ (what the renderer imports) and this checkout's compiled build, if any."""
    for name in ("ui", "net"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    build = native.build_dir(ROOT)
    if build.is_dir():
        shutil.copytree(build, native.build_dir(dest), ignore=shutil.ignore_patterns("*.lock"))
    return dest


def test_an_edited_source_is_never_shadowed_by_its_stale_compiled_module(tmp_path: Path) -> None:
    tree = copy_checkout(tmp_path / "checkout")
    code = "import ui.text.render as r; print(r.compiled())"
    current = child(code, cwd=tree)
    assert current.returncode == 0, current.stderr
    # A copy of a current build is used like the original...
    assert current.stdout == f"{ui.text.render.compiled()}\n" or not ui.text.render.compiled()
    # ...and one edited source (tokenizer.py too: the compiled modules call it) makes it stale.
    for name in ("engine", "tokenizer"):
        source = tree / "ui" / "text" / "render" / f"{name}.py"
        original = source.read_text()
        source.write_text(original + "\n# edited\n")
        stale = child(code, cwd=tree)
        assert (stale.returncode, stale.stdout) == (0, "False\n"), (name, stale.stderr)
        source.write_text(original)


def fake_build(root: Path, stamp: str | None, shared_lib: bytes | None) -> Path:
    """A checkout's ui/text/render sources and a build/native/ beside them: ``stamp``
    "current" is the sources' own hash."""
    package_dir = root / "ui" / "text" / "render"
    package_dir.mkdir(parents=True)
    for name in native.HASHED:
        shutil.copy(PACKAGE_DIR / f"{name}.py", package_dir)
    build = native.build_dir(root)
    build.mkdir(parents=True)
    if stamp is not None:
        text = native.stamp_text(package_dir) if stamp == "current" else stamp
        (build / native.STAMP).write_text(text)
    if shared_lib is not None:
        (build / f"{native.SHARED_LIB}{EXTENSION_SUFFIXES[0]}").write_bytes(shared_lib)
    return package_dir


@pytest.mark.parametrize(
    ("stamp", "shared_lib"),
    [
        (None, None),  # never built
        ("0" * 64 + "\n", b""),  # built from other sources
        ("current", None),  # the stamp but no library
        ("current", b"not a shared library"),  # a library that does not load
    ],
)
def test_a_missing_stale_or_broken_build_means_pure_python(
    tmp_path: Path, stamp: str | None, shared_lib: bytes | None
) -> None:
    package_dir = fake_build(tmp_path, stamp, shared_lib)
    path = [str(package_dir)]
    before = dict(sys.modules)
    assert native.install("ui.text.render", path) is False
    assert path == [str(package_dir)]
    assert sys.modules == before
