"""Yonder installed as a user installs it — a wheel from `python -m build`, the sdist,
`pip install .`, `pipx install .` — is the whole app: the `yonder` command and `python -m
yonder_browser` show the start page with its text, the demo server serves the bundled samples,
and nothing of Yonder is top-level in site-packages, so another distribution's
`ui`/`net`/`main` cannot replace it.

What a user sees is checked through --screenshot's --print-text (the document view's text)
and the PNG it writes, run with the working directory outside the checkout."""

from __future__ import annotations

import http.server
import struct
import subprocess
import sysconfig
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ui.text.render import native

from .conftest import ROOT, Dists, Install, checkout_files, clean_env

RUN_TIMEOUT = 120  # seconds; bounds a hang only (a run takes ~1 s)
START_TEXT = (ROOT / "resources" / "start.txt").read_text(encoding="utf-8")
ROMEO = (ROOT / "resources" / "samples" / "romeo.txt").read_text(encoding="utf-8")
EXT = sysconfig.get_config_var("EXT_SUFFIX")  # .cpython-311-x86_64-linux-gnu.so
RESOURCE_FILES = sorted(
    name[len("resources/") :] for name in checkout_files() if name.startswith("resources/")
)


@pytest.fixture(params=["wheel", "sdist", "pip", "pipx"])
def installed(request: pytest.FixtureRequest) -> Install:
    install: Install = request.getfixturevalue(f"{request.param}_install")
    return install


def run_app(
    argv: list[str | Path], tmp_path: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    cwd = tmp_path / "elsewhere"
    cwd.mkdir(exist_ok=True)
    env = clean_env(tmp_path / "home", **extra)
    return subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 200 and height >= 100, (width, height)


def assert_start_page(result: subprocess.CompletedProcess[str], shot: Path) -> None:
    assert result.returncode == 0, describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    assert "FOREIGN" not in result.stdout, describe(result)
    assert_png(shot)
    text = result.stdout
    assert "The start page is missing" not in text, describe(result)
    # The start page's own lines, as the window shows them (headings lose their '# ').
    assert "Welcome to Yonder" in text, describe(result)
    for line in START_TEXT.splitlines():
        if line.startswith("## "):
            assert line[3:] in text, f"heading {line!r} is not on the page:\n{text}"
    for name in ("romeo.txt", "sample.html", "data.json"):
        assert name in text, describe(result)


def test_yonder_command_shows_the_start_page(installed: Install, tmp_path: Path) -> None:
    shot = tmp_path / "start.png"
    result = run_app([installed.yonder, "--screenshot", shot, "--print-text"], tmp_path)
    assert_start_page(result, shot)


def test_python_m_package_shows_the_start_page(installed: Install, tmp_path: Path) -> None:
    shot = tmp_path / "start.png"
    result = run_app(
        [installed.python, "-m", "yonder_browser", "--screenshot", shot, "--print-text"],
        tmp_path,
    )
    assert_start_page(result, shot)


def test_python_m_package_dump_help_names_yonder(installed: Install, tmp_path: Path) -> None:
    result = run_app([installed.python, "-m", "yonder_browser", "--dump", "--help"], tmp_path)
    assert result.returncode == 0, describe(result)
    assert result.stdout.startswith("usage: yonder --dump"), describe(result)


def test_demo_serves_the_bundled_sample(installed: Install, tmp_path: Path) -> None:
    shot = tmp_path / "romeo.png"
    result = run_app(
        [installed.yonder, "--demo", "--screenshot", shot, "--print-text", "/samples/romeo.txt"],
        tmp_path,
    )
    assert result.returncode == 0, describe(result)
    assert_png(shot)
    assert ROMEO.strip() in result.stdout, describe(result)


# A page past ui/page/render_process.MIN_BYTES: rendered in the renderer process.
BIG_PAGE = (
    "<html><head><title>Big</title></head><body>"
    + "".join(
        f"<h2>Part {n}</h2><p>Some <b>bold</b> <a href='/p{n}'>link {n}</a>.</p>"
        for n in range(8000)
    )
    + "<p>The very end.</p></body></html>"
).encode()


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = BIG_PAGE if self.path == "/big.html" else b"installed dump\n" * 3
        self.send_response(200)
        if self.path == "/big.html":
            self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def page_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/page.txt"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_install_runs_the_compiled_renderer(installed: Install, tmp_path: Path) -> None:
    # Every one of them built a wheel, and setup.py compiled the renderer into it with mypyc.
    result = run_app([installed.yonder, "--version"], tmp_path)
    assert result.returncode == 0, describe(result)
    assert result.stdout.splitlines()[1:] == ["renderer: compiled (mypyc)"], describe(result)


def test_the_installed_wheel_still_runs_the_pure_renderer_when_asked(
    wheel_install: Install, tmp_path: Path
) -> None:
    result = run_app([wheel_install.yonder, "--version"], tmp_path, YONDER_PURE_PYTHON="1")
    assert result.stdout.splitlines()[1:] == ["renderer: pure Python"], describe(result)
    # ...and that renderer shows the same page (the demo server's HTML sample).
    texts = []
    for pure in ("0", "1"):
        shot = tmp_path / f"sample-{pure}.png"
        argv = [wheel_install.yonder, "--demo", "--screenshot", shot, "--print-text"]
        result = run_app([*argv, "/samples/sample.html"], tmp_path, YONDER_PURE_PYTHON=pure)
        assert result.returncode == 0, describe(result)
        texts.append(result.stdout)
    assert texts[0] == texts[1] and len(texts[0].splitlines()) > 5, texts


def test_a_big_page_renders_in_the_installed_renderer_process(
    installed: Install, tmp_path: Path, page_url: str
) -> None:
    shot = tmp_path / "big.png"
    url = page_url.replace("/page.txt", "/big.html")
    result = run_app(
        [installed.yonder, "--debug", "--screenshot", shot, "--print-text", url], tmp_path
    )
    assert result.returncode == 0, describe(result)
    assert f"rendering {url} in the renderer process" in result.stderr, describe(result)
    assert "render in the window's process instead" not in result.stderr, describe(result)
    lines = result.stdout.splitlines()
    assert "Part 0" in lines and "Part 7999" in lines, describe(result)
    assert "Some bold link 7999." in lines, describe(result)
    assert result.stdout.rstrip().endswith("The very end."), describe(result)


def test_dump_runs_from_the_install(installed: Install, tmp_path: Path, page_url: str) -> None:
    result = run_app([installed.yonder, "--dump", page_url], tmp_path)
    assert result.returncode == 0, describe(result)
    assert result.stdout == "installed dump\n" * 3


def test_foreign_top_level_modules_do_not_replace_yonders(
    wheel_install: Install, tmp_path: Path
) -> None:
    # The foreign distribution really is installed and really owns the top-level names...
    probe = run_app(
        [wheel_install.python, "-c", "import main, net, ui; print(net.FOREIGN, ui.FOREIGN)"],
        tmp_path,
    )
    assert probe.stdout.strip() == "True True", describe(probe)
    # ...and Yonder still runs its own main, ui and net.
    shot = tmp_path / "start.png"
    result = run_app([wheel_install.yonder, "--screenshot", shot, "--print-text"], tmp_path)
    assert_start_page(result, shot)
    dump = run_app([wheel_install.yonder, "--dump", "--help"], tmp_path)
    assert dump.returncode == 0 and "FOREIGN" not in dump.stdout, describe(dump)


def test_wheel_holds_one_private_package_and_every_resource(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
    top_level = {name.split("/", 1)[0] for name in names}
    dist_info = {t for t in top_level if t.endswith(".dist-info")}
    assert top_level - dist_info == {"yonder_browser"}, sorted(top_level)
    assert "yonder_browser/main.py" in names
    assert "yonder_browser/__main__.py" in names
    assert "yonder_browser/net/client.py" in names
    assert "yonder_browser/ui/app.py" in names
    sources = sorted(
        f"yonder_browser/{n}"
        for n in checkout_files()
        if n.startswith(("net/", "ui/")) and n.endswith(".py")
    )
    missing = [n for n in sources if n not in names]
    assert missing == [], f"not in the wheel (list the package in pyproject.toml): {missing}"
    packaged = sorted(n[len("yonder_browser/resources/") :] for n in names if "/resources/" in n)
    assert packaged == RESOURCE_FILES
    # Nothing that is not part of the app (tests, benches, packaging scripts, setup.py).
    assert not [n for n in names if "/tests/" in n or "/bench/" in n or "/packaging/" in n]
    assert "yonder_browser/setup.py" not in names
    # The compiled renderer (setup.py, mypyc): each module's extension beside its .py file,
    # mypyc's shared library at the package's top (main.py puts it on sys.path).
    compiled = sorted(n for n in names if n.endswith(".so"))
    assert compiled == sorted(
        [f"yonder_browser/{native.SHARED_LIB}{EXT}"]
        + [f"yonder_browser/ui/text/render/{m}{EXT}" for m in native.MODULES]
    ), compiled


def test_sdist_holds_the_sources_and_every_resource(dists: Dists) -> None:
    with tarfile.open(dists.sdist) as tf:
        names = [m.name.split("/", 1)[1] for m in tf.getmembers() if m.isfile()]
    needed_files = ("main.py", "__main__.py", "pyproject.toml", "setup.py", "net/client.py")
    for needed in (*needed_files, "ui/app.py", "ui/text/render/native.py"):
        assert needed in names
    assert sorted(n[len("resources/") :] for n in names if n.startswith("resources/")) == (
        RESOURCE_FILES
    )
