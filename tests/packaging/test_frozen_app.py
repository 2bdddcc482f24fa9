"""Smoke tests of the built app (dist/yonder/yonder): a loopback HTTPS page, offscreen and on
a real X server, std streams missing, and how the desktop sees its window."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

from .conftest import BIG_PATH, PAGE_BODY, PAGE_PATH, ROOT, PageServer, app_env

RUN_TIMEOUT = 60  # seconds; a smoke run takes well under 2 s, this only bounds a hang


def png_dimensions(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=env["HOME"]
    )


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def assert_page_shot(
    result: subprocess.CompletedProcess[str], shot: Path, page: PageServer
) -> None:
    assert result.returncode == 0, describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    width, height = png_dimensions(shot)
    assert width >= 200 and height >= 100, (width, height)
    assert any(r.startswith(f"GET {PAGE_PATH} ") for r in page.requests), page.requests


def test_frozen_app_loads_https_page_offscreen(
    built_app: Path, https_page: PageServer, tmp_path: Path
) -> None:
    shot = tmp_path / "shot.png"
    env = app_env(tmp_path, https_page.ca_file, QT_QPA_PLATFORM="offscreen")
    result = run([str(built_app), "--screenshot", str(shot), https_page.url], env)
    assert_page_shot(result, shot, https_page)


def test_frozen_app_renders_a_big_page_in_its_renderer_process(
    built_app: Path, https_page: PageServer, tmp_path: Path
) -> None:
    # The frozen app starts itself again as the renderer process (main.py --render-worker).
    shot = tmp_path / "big.png"
    url = https_page.url.replace(PAGE_PATH, BIG_PATH)
    env = app_env(tmp_path, https_page.ca_file, QT_QPA_PLATFORM="offscreen")
    argv = [str(built_app), "--debug", "--screenshot", str(shot), "--print-text", url]
    result = run(argv, env)
    assert result.returncode == 0, describe(result)
    assert f"rendering {url} in the renderer process" in result.stderr, describe(result)
    assert "render in the window's process instead" not in result.stderr, describe(result)
    lines = result.stdout.splitlines()
    assert "Part 0" in lines and "Some bold link 7999." in lines, describe(result)
    assert result.stdout.rstrip().endswith("The very end."), describe(result)


def test_frozen_app_loads_https_page_on_xvfb(
    built_app: Path, https_page: PageServer, tmp_path: Path, xvfb_display: str
) -> None:
    shot = tmp_path / "shot.png"
    env = app_env(tmp_path, https_page.ca_file, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    result = run([str(built_app), "--screenshot", str(shot), https_page.url], env)
    assert_page_shot(result, shot, https_page)
    # A plugin the trim dropped but Qt wanted would show up here.
    assert "qt.qpa.plugin" not in result.stderr, describe(result)


def test_frozen_app_shows_error_page_when_the_ca_is_not_trusted(
    built_app: Path, https_page: PageServer, tmp_path: Path
) -> None:
    # No SSL_CERT_FILE: the default policy (system store) must reject the trustme CA, which
    # shows SSL_CERT_FILE is what made the other runs trust it.
    shot = tmp_path / "shot.png"
    env = app_env(tmp_path, None, QT_QPA_PLATFORM="offscreen")
    result = run([str(built_app), "--screenshot", str(shot), https_page.url], env)
    assert result.returncode == 1, describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    assert not any(r.startswith("GET") for r in https_page.requests), https_page.requests


def test_frozen_app_runs_with_stdout_and_stderr_closed(
    built_app: Path, https_page: PageServer, tmp_path: Path
) -> None:
    # What a desktop launch may give a windowed app: no std streams at all (Python then sets
    # sys.stdout = sys.stderr = None, as in a Windows --noconsole build).
    shot = tmp_path / "shot.png"
    env = app_env(tmp_path, https_page.ca_file, QT_QPA_PLATFORM="offscreen")
    argv = ["sh", "-c", 'exec "$0" "$@" <&- >&- 2>&-', str(built_app)]
    result = run([*argv, "--screenshot", str(shot), https_page.url], env)
    assert_page_shot(result, shot, https_page)


def test_unfrozen_app_runs_with_std_streams_none(https_page: PageServer, tmp_path: Path) -> None:
    # The exact state of a Windows windowed build, reproduced unfrozen.
    shot = tmp_path / "shot.png"
    env = app_env(tmp_path, https_page.ca_file, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT)
    wrapper = (
        "import runpy, sys\n"
        "sys.stdout = sys.stderr = sys.__stdout__ = sys.__stderr__ = None\n"
        f"sys.argv = ['main.py', '--screenshot', {str(shot)!r}, {https_page.url!r}]\n"
        f"runpy.run_path({str(ROOT / 'main.py')!r}, run_name='__main__')\n"
    )
    result = run([sys.executable, "-c", wrapper], env)
    assert_page_shot(result, shot, https_page)


def _x11(display: str, env: dict[str, str], *argv: str) -> str:
    return subprocess.run(
        argv, env={**env, "DISPLAY": display}, capture_output=True, text=True, timeout=10
    ).stdout


def _main_window_props(argv: list[str], env: dict[str, str], page: PageServer) -> str:
    """Launch ``argv`` on env's X display, wait for its window and the page fetch, and return
    xprop's view of every top-level window that has a WM_CLASS; then stop the app."""
    display = env["DISPLAY"]
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=env["HOME"]
    )
    try:
        wids: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            # Lines look like: 0x200007 "Yonder": ("yonder" "Yonder")  800x600+0+0  +0+0
            tree = _x11(display, env, "xwininfo", "-root", "-tree")
            wids = [m.group(1) for m in re.finditer(r"^\s*(0x[0-9a-f]+) .*: \(\"", tree, re.M)]
            fetched = any(r.startswith(f"GET {PAGE_PATH} ") for r in page.requests)
            if wids and fetched:
                break
            time.sleep(0.1)
        assert proc.poll() is None, f"the app exited early: {proc.communicate()}"
        assert wids, "no application window appeared on the X server"
        assert any(r.startswith(f"GET {PAGE_PATH} ") for r in page.requests), page.requests
        names = ("WM_CLASS", "_GTK_APPLICATION_ID", "_KDE_NET_WM_DESKTOP_FILE", "_NET_WM_ICON")
        return "\n".join(_x11(display, env, "xprop", "-id", wid, *names) for wid in wids)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate(timeout=10)


def test_desktop_launch_opens_url_with_window_identity(
    built_app: Path, https_page: PageServer, tmp_path: Path, xvfb_display: str
) -> None:
    """Install, then run the installed menu entry's Exec line the way a desktop does (%u is
    the URL): the page is fetched, and the window carries WM_CLASS "yonder" (StartupWMClass)
    and an icon (_NET_WM_ICON)."""
    env = app_env(tmp_path, https_page.ca_file, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    env.pop("XDG_DATA_HOME", None)
    install = subprocess.run(
        ["bash", str(ROOT / "packaging" / "install.sh"), str(built_app.parent)],
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    assert install.returncode == 0, describe(install)
    desktop = Path(env["HOME"]) / ".local/share/applications/yonder.desktop"
    lines = desktop.read_text().splitlines()
    exec_line = next(line.removeprefix("Exec=") for line in lines if line.startswith("Exec="))
    argv = [https_page.url if arg == "%u" else arg for arg in shlex.split(exec_line)]
    assert Path(argv[0]).is_absolute() and os.access(argv[0], os.X_OK), exec_line

    props = _main_window_props(argv, env, https_page)
    assert 'WM_CLASS(STRING) = "yonder", ' in props, props[:2000]
    assert '_GTK_APPLICATION_ID(UTF8_STRING) = "yonder"' in props, props[:2000]
    assert "_NET_WM_ICON(CARDINAL)" in props, "the window has no icon:\n" + props[:2000]


def test_unfrozen_window_sets_desktop_file_name(
    https_page: PageServer, tmp_path: Path, xvfb_display: str
) -> None:
    """`python main.py` too: Wayland's app_id and X11's _GTK_APPLICATION_ID and
    _KDE_NET_WM_DESKTOP_FILE come from QGuiApplication.setDesktopFileName('yonder'). (The built
    app would pass without the call, as Qt falls back to the executable name, yonder.)"""
    env = app_env(tmp_path, https_page.ca_file, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    env["PYTHONPATH"] = str(ROOT)
    props = _main_window_props(
        [sys.executable, str(ROOT / "main.py"), https_page.url], env, https_page
    )
    assert '_GTK_APPLICATION_ID(UTF8_STRING) = "yonder"' in props, (
        "QGuiApplication.setDesktopFileName('yonder') is missing:\n" + props[:2000]
    )
    assert '_KDE_NET_WM_DESKTOP_FILE(UTF8_STRING) = "yonder"' in props, props[:2000]
    assert "_NET_WM_ICON(CARDINAL)" in props, "the window has no icon:\n" + props[:2000]


def test_frozen_app_reports_unreachable_server(built_app: Path, tmp_path: Path) -> None:
    # A port that was free a moment ago: nothing listens, so connecting is refused.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    shot = tmp_path / "shot.png"
    env = app_env(tmp_path, None, QT_QPA_PLATFORM="offscreen")
    result = run([str(built_app), "--screenshot", str(shot), f"http://127.0.0.1:{port}/"], env)
    assert result.returncode == 1, describe(result)
    assert "Traceback" not in result.stderr, describe(result)


def test_frozen_dump_fetches_https_without_qt(
    built_app: Path, https_page: PageServer, tmp_path: Path
) -> None:
    # The scripting mode of the same binary: the exact body on stdout, no display needed.
    env = app_env(tmp_path, https_page.ca_file)
    result = subprocess.run(
        [str(built_app), "--dump", https_page.url], env=env, capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == PAGE_BODY
    assert result.stderr == b""


def _bundle_with_certifi_trusting(built_app: Path, ca_file: Path, dest: Path) -> Path:
    """A copy of the bundle whose certifi cacert.pem holds only ``ca_file``."""

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)  # cheap when tmp is on the same file system
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(built_app.parent, dest, symlinks=True, copy_function=link_or_copy)
    cacert = dest / "_internal" / "certifi" / "cacert.pem"
    cacert.unlink()  # never write through a hard link into dist/
    cacert.write_bytes(ca_file.read_bytes())
    return dest / "yonder"


def test_frozen_tls_uses_system_store_first_and_certifi_when_there_is_none(
    built_app: Path, https_page: PageServer, tmp_path: Path
) -> None:
    """The frozen app on a Linux whose CA store is not where the build machine's OpenSSL looks:
    simulated by mounting empty directories over /usr/lib/ssl and /etc/ssl/certs in a private
    mount namespace. The bundle's certifi is swapped for the test CA, so a successful fetch
    proves the bundled certifi was loaded, frozen."""
    binary = _bundle_with_certifi_trusting(built_app, https_page.ca_file, tmp_path / "yonder")
    env = app_env(tmp_path, None)  # no SSL_CERT_FILE / SSL_CERT_DIR: the default policy
    argv = [str(binary), "--dump", https_page.url]

    # A system store exists here: it is used, and it does not know the test CA.
    with_store = subprocess.run(argv, env=env, capture_output=True, timeout=RUN_TIMEOUT)
    assert with_store.returncode == 1, with_store
    assert b"certificate" in with_store.stderr.lower(), with_store.stderr

    hide_store = (
        'mount -t tmpfs tmpfs /usr/lib/ssl && mount -t tmpfs tmpfs /etc/ssl/certs && exec "$0" "$@"'
    )
    without_store = subprocess.run(
        ["unshare", "--mount", "sh", "-c", hide_store, *argv],
        env=env,
        capture_output=True,
        timeout=RUN_TIMEOUT,
    )
    assert without_store.returncode == 0, without_store.stderr
    assert without_store.stdout == PAGE_BODY
