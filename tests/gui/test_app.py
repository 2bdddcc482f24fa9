"""The command line: --screenshot exit codes in a real subprocess; stdio-less start-up."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from tests.integration.servers import LoopbackServer, closed_port, http_response, respond
from ui.app import SWITCH_INTERVAL_S, app_icon, parse_args, tune_runtime
from ui.shell.first_frame import DEFAULT_HEIGHT

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def page_server() -> Iterator[LoopbackServer]:
    body = b"But soft what light through yonder window breaks\n" * 5
    server = LoopbackServer(respond(http_response(200, body, [("Content-Type", "text/plain")])))
    yield server
    server.stop()


def run_main(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)  # main.py must pick offscreen by itself
    env.pop("WAYLAND_DISPLAY", None)
    # One device pixel a pixel, whatever the machine's scaling: a capture's size is then the
    # window's logical size.
    env["QT_SCALE_FACTOR"] = "1"
    for name in ("QT_SCREEN_SCALE_FACTORS", "QT_AUTO_SCREEN_SCALE_FACTOR", "QT_FONT_DPI"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )


def test_screenshot_of_a_loaded_page_exits_0(page_server: LoopbackServer, tmp_path: Path) -> None:
    shot = tmp_path / "page.png"
    proc = run_main(["--screenshot", str(shot), page_server.url("/romeo.txt")], tmp_path)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(shot))
    # The default window (ui.shell.main_window.DEFAULT_HEIGHT), not clipped to the platform's
    # small screen: a capture is on no screen.
    assert image.height() == DEFAULT_HEIGHT and image.width() > 900
    assert "saved" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "config" / "Yonder").exists()  # a capture saves no settings


def test_print_text_writes_the_captured_page_as_the_view_shows_it(
    page_server: LoopbackServer, tmp_path: Path
) -> None:
    shot = tmp_path / "page.png"
    proc = run_main(
        ["--screenshot", str(shot), "--print-text", page_server.url("/romeo.txt")], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "But soft what light through yonder window breaks\n" * 5 + "\n"
    assert QImage(str(shot)).width() > 0
    start = run_main(["--screenshot", str(tmp_path / "start.png"), "--print-text"], tmp_path)
    assert start.returncode == 0 and start.stdout.startswith("Welcome to Yonder\n"), start.stderr


def test_print_text_without_screenshot_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_main(["--print-text", "http://127.0.0.1:1/"], tmp_path)
    assert proc.returncode == 2
    assert "--print-text goes with --screenshot FILE" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_without_a_display_the_window_says_what_to_do_instead_of_aborting(
    tmp_path: Path,
) -> None:
    proc = run_main(["http://127.0.0.1:1/"], tmp_path)
    assert proc.returncode == 1
    assert "no display" in proc.stderr and "--dump" in proc.stderr
    assert "Traceback" not in proc.stderr and "qt.qpa" not in proc.stderr


def test_screenshot_of_an_error_page_exits_1(tmp_path: Path) -> None:
    shot = tmp_path / "error.png"
    proc = run_main(["--screenshot", str(shot), f"http://127.0.0.1:{closed_port()}/"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert shot.is_file() and not QImage(str(shot)).isNull()
    assert "error page" in proc.stderr and "Traceback" not in proc.stderr


def test_screenshot_times_out_with_exit_1(tmp_path: Path) -> None:
    from tests.integration.servers import stall

    server = LoopbackServer(stall(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nsome"))
    try:
        shot = tmp_path / "slow.png"
        proc = run_main(["--screenshot", str(shot), "--timeout", "1", server.url("/")], tmp_path)
    finally:
        server.stop()
    assert proc.returncode == 1, proc.stderr
    assert "did not end within 1 s" in proc.stderr
    assert shot.is_file()


def test_screenshot_timeout_bounds_the_rendering_too(
    qtbot: Any, tmp_path: Path, make_settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The load ends at once, but the rendering does not within the timeout: the capture
    comes at the timeout (183 s with --timeout 10 before). The renderer is held (each step
    does nothing and asks for more) rather than given a page big enough to be slow: how long
    a big page takes depends on the machine (4 MB rendered within 3 s on a fast one, 16 MB
    did not even arrive within 3 s on a loaded one)."""
    from PySide6.QtWidgets import QApplication

    from tests.gui.windows import OPTIONS
    from ui.app import _screenshot
    from ui.shell.main_window import MainWindow

    body = b"<html><body><p>" + b"<b>x</b> " * 1000
    server = LoopbackServer(respond(http_response(200, body, [("Content-Type", "text/html")])))
    window = MainWindow(make_settings(), options=OPTIONS)
    qtbot.addWidget(window)
    window.page.renderer._step = lambda store: True  # type: ignore[method-assign]
    shot = tmp_path / "big.png"
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    # The capture closes the window: the last one, whose close would post a Quit that
    # outlives _screenshot's app.exec() and makes every later event loop of the session
    # return at once (the rest of the suite then timed out in waitUntil).
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    try:
        code = _screenshot(app, window, server.url("/"), str(shot), 3.0)
    finally:
        app.setQuitOnLastWindowClosed(quit_on_close)
        server.stop()
    assert code == 1
    assert window.page.load_ok is True  # the load itself ended
    assert "did not finish rendering within 3 s" in capsys.readouterr().err
    assert shot.is_file() and not QImage(str(shot)).isNull()


def test_runs_without_stdout_and_stderr(tmp_path: Path) -> None:
    # A windowed frozen build has sys.stdout/sys.stderr = None; a bad argument must still
    # end with argparse's exit code, not a crash on printing the usage.
    code = (
        "import sys; sys.stdout = None; sys.stderr = None; "
        "from ui.app import main\n"
        "try:\n    main(['--no-such-option'])\n"
        "except SystemExit as e:\n    raise SystemExit(0 if e.code == 2 else 3)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


def test_arguments_and_icon(qapp: object) -> None:
    args = parse_args(["--screenshot", "x.png", "example.org"])
    assert (args.screenshot, args.url) == ("x.png", "example.org")
    assert parse_args([]).url is None
    assert not app_icon().isNull()  # resources/icons ships PNGs


def test_tune_runtime_shortens_the_switch_interval_and_freezes_startup_objects() -> None:
    before = sys.getswitchinterval()
    survivor = [object()]  # alive at "start-up"
    gc.disable()  # as main() does during start-up
    try:
        tune_runtime()
        assert gc.isenabled()
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S
        assert gc.get_freeze_count() > 0
        assert gc.is_tracked(survivor)
        # Frozen: out of the collector's generations, so a full collection skips it.
        assert all(obj is not survivor for obj in gc.get_objects())
    finally:
        gc.unfreeze()
        gc.enable()
        sys.setswitchinterval(before)


def test_demo_flag_starts_the_server_and_opens_a_path_on_it(tmp_path: Path) -> None:
    shot = tmp_path / "demo.png"
    proc = run_main(["--demo", "--screenshot", str(shot), "/samples/romeo.txt"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "page loaded" in proc.stderr and "Traceback" not in proc.stderr
    assert not QImage(str(shot)).isNull()


def test_demo_flag_alone_opens_the_demo_index(tmp_path: Path) -> None:
    args = parse_args(["--demo"])
    assert args.demo and args.url is None
    shot = tmp_path / "index.png"
    proc = run_main(["--demo", "--screenshot", str(shot)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "page loaded" in proc.stderr  # the index answered 200 (an error page exits 1)


def test_a_saved_dark_theme_applies_at_start(page_server: LoopbackServer, tmp_path: Path) -> None:
    config = tmp_path / "config" / "Yonder"
    config.mkdir(parents=True)
    (config / "Yonder.conf").write_text("[view]\ntheme=dark\n", encoding="utf-8")
    shot = tmp_path / "dark.png"
    proc = run_main(["--screenshot", str(shot), page_server.url("/romeo.txt")], tmp_path)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(shot)).scaled(64, 64)  # the average colour of each part of the window
    dark = sum(QColor(image.pixel(x, y)).lightnessF() < 0.3 for x in range(64) for y in range(64))
    assert dark > 64 * 64 * 0.6  # most of the window is dark: the palette of View > Theme
