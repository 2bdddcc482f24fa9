"""QApplication set-up and the window's command line: ``python main.py [URL]
[--screenshot FILE] [--demo] [--debug] [--version]``."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from ui.resources import resource_path

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

ICON_SIZES = (16, 32, 48, 64, 128, 256)
SCREENSHOT_TIMEOUT = 30.0  # seconds a --screenshot run may take: the load and its rendering
# The fetch worker thread runs Python (h11) while the GUI thread inserts text. Every Qt call
# that releases the GIL then waits up to the switch interval to get it back (5 ms by default):
# at 512-byte recvs that doubled the window's p99 stall (measured, bench/window_stream.py).
SWITCH_INTERVAL_S = 0.001
_WAKEUP: list[object] = []  # the signal wake-up pipe's notifier (close_on_termination)


def _ensure_streams() -> None:
    # A windowed frozen build (or pythonw) has no console: print() and argparse's messages
    # would raise on a None stream.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115


def parse_args(argv: list[str]) -> argparse.Namespace:
    if len(argv) <= 1 and not any(arg.startswith("-") for arg in argv):
        # `yonder` or `yonder URL`: no need for argparse's parser (~3 ms of start-up, mostly
        # gettext), the same Namespace.
        return argparse.Namespace(
            url=argv[0] if argv else None,
            screenshot=None,
            demo=False,
            timeout=SCREENSHOT_TIMEOUT,
            print_text=False,
            debug=False,
            version=False,
        )
    parser = argparse.ArgumentParser(
        prog="yonder",
        description="Yonder: a mini text browser that shows how HTTP streams.",
        epilog="Without a window: yonder --dump [--include] [--head] [--http1.0] "
        "[--timeout SECONDS] [--cacert FILE] [--no-decode] [--debug] URL writes the body to "
        "stdout (yonder --dump --help).",
    )
    parser.add_argument("url", nargs="?", help="address to open (default: the start page)")
    parser.add_argument(
        "--screenshot",
        metavar="FILE",
        help="load URL in the window, save the window as a PNG and exit "
        "(0: the page loaded, 1: it ended on an error page)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the built-in demo server (127.0.0.1, a free port) and open its index; "
        "URL may then be a path on it, e.g. /drip or /samples/romeo.txt",
    )
    parser.add_argument(
        "--print-text",
        action="store_true",
        help="with --screenshot: also write the page's text, as the document view shows it, "
        "to stdout",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=SCREENSHOT_TIMEOUT,
        help=f"seconds --screenshot may take, rendering included (default {SCREENSHOT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log the requests, the TLS trust store, every error's chain and Qt's own "
        "messages to stderr and to $XDG_STATE_HOME/yonder/yonder.log "
        "(~/.local/state/yonder/)",
    )
    # main.py answers --version before Qt is loaded; listed here for --help.
    parser.add_argument("--version", action="store_true", help="print Yonder's version and exit")
    args = parser.parse_args(argv)
    if args.print_text and not args.screenshot:
        parser.error("--print-text goes with --screenshot FILE (it prints the captured page)")
    return args


def app_icon() -> QIcon:
    """Every icon size that exists in resources/icons; an empty icon if none do."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"yonder-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon


# The offscreen platform (--screenshot) says this for every top-level window with a layout.
_OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


_qt_log = logging.getLogger("yonder.qt")
_QUIET_TYPES = (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg)


def _qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's debug and info messages (a page can make Qt say "OpenType support missing" a
    hundred times) go to the --debug log only; warnings and worse always reach stderr."""
    if message == _OFFSCREEN_NOISE:
        return
    debugging = bool(logging.getLogger("yonder").handlers)  # --debug configured them
    if mode in _QUIET_TYPES:
        if debugging:
            _qt_log.debug("%s%s", _category(context), message)
        return
    if debugging:  # the log's stderr handler prints it, and the file keeps it
        _qt_log.warning("%s%s", _category(context), message)
    else:
        print(message, file=sys.stderr)


def _category(context: QMessageLogContext) -> str:
    category = getattr(context, "category", None)
    return f"[{category}] " if category and category != "default" else ""


def install_qt_message_handler() -> None:
    qInstallMessageHandler(_qt_message)


def tune_runtime() -> None:
    """Interpreter settings for a responsive window; call once the window is built.

    gc.freeze() moves everything alive after start-up (modules, Qt wrappers, the window) out
    of the collector's reach: a full collection during a transfer then walks only the objects
    made since, not the whole program (a 12-22 ms stall otherwise, measured mid-stream).
    The renderer process starts now too, so that the first big page does not wait for it, and
    the version in the User-Agent is read (importlib.metadata: a 40 ms turn inside the first
    load otherwise).
    """
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.freeze()
    gc.enable()  # main() disables it while start-up builds objects that all stay alive
    from net.version import version
    from ui.page import render_process

    render_process.shared()
    version()


def warm_up_when_idle(window: MainWindow) -> None:
    """Once the window's start has run (its queued first page: the start page, the last
    session's tabs, an address given): net.warm_up on a thread of its own, unless a page is
    on its way already. That fetch loads the client itself then; a warm-up beside it would
    only add its TLS store to the work beside the first page."""
    if any(page.is_loading for page in window.pages):
        return
    from net import warm_up

    warm_up.start()


def _when_built(window: MainWindow) -> None:
    tune_runtime()  # gc.freeze() once everything start-up made exists
    # After the queued start, which runs right after `built` (its fetch, if any, has begun).
    QTimer.singleShot(0, lambda: warm_up_when_idle(window))


# Closing waits ~1 s for the workers; one inside a slow disk write gets this much more.
LATE_WORKER_WAIT_MS = 30_000


def create_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["yonder", *argv])
    app.setApplicationName("Yonder")
    app.setOrganizationName("Yonder")
    app.setApplicationDisplayName("Yonder")
    app.setDesktopFileName("yonder")
    app.setWindowIcon(app_icon())
    from ui.page.rich_copy import settle_clipboard

    app.aboutToQuit.connect(settle_clipboard)
    return app


def main(argv: list[str]) -> int:
    # Start-up allocates what lives as long as the window (modules, widgets): collecting
    # meanwhile finds nothing to free and cost ~5 ms before the first paint (measured).
    gc.disable()
    _ensure_streams()
    args = parse_args(argv)
    headless = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if headless and not os.environ.get("QT_QPA_PLATFORM") and sys.platform.startswith("linux"):
        if not args.screenshot:
            # Qt would abort with a fatal "could not connect to display": say what to do.
            print(
                "yonder: there is no display to open the window on (neither DISPLAY nor "
                "WAYLAND_DISPLAY is set). Start Yonder from a desktop session, or use "
                "'--dump URL' in a terminal or '--screenshot FILE URL' for a headless capture.",
                file=sys.stderr,
            )
            return 1
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a headless capture needs no display
    log_file = None
    if args.debug:
        from net.diagnostics import enable_debug_logging

        log_file = enable_debug_logging(sys.stderr)
        logging.getLogger("yonder.app").info("yonder %s", " ".join(argv))
    install_qt_message_handler()
    app = create_application([])
    from ui.dialogs.crash_dialog import install_excepthook

    install_excepthook(app, str(log_file) if log_file else None)
    from ui.shell.main_window import MainWindow  # after QApplication: widgets need it

    # A plain start paints a light first frame and builds the rest right after it (the
    # window's docstring); --demo and --screenshot need the whole window at once.
    deferred = not args.demo and not args.screenshot
    window = MainWindow(deferred=deferred)
    from ui.shell.theme import Theme, apply_theme

    # The saved View > Theme before the first frame (the menu that applies it is built after
    # it): a Dark choice never shows a light frame first; a capture has it too.
    apply_theme(Theme(window.settings.theme()))
    if window.fully_built:
        tune_runtime()
    else:
        window.built.connect(lambda: _when_built(window))
    url: str | None = args.url
    demo_failed = False
    if args.demo:
        base = window.start_demo()
        if base is None:
            demo_failed = True
            url = None if url and url.startswith("/") else url
        else:
            url = base.rstrip("/") + url if url and url.startswith("/") else (url or base)
    if args.screenshot:
        return _screenshot(app, window, url, args.screenshot, args.timeout, args.print_text)
    close_on_termination(window)
    window.show()
    # The last session's tabs, and the address asked for (queued until the window is whole).
    window.open_start(url, typed=bool(args.url), restore_session=True)
    if demo_failed:
        window.services.show_demo_failure()  # after the page: a new page hides notices
    code = app.exec()
    if not window.wait_for_workers(LATE_WORKER_WAIT_MS):
        # Still inside a blocking call after all that: leave without tearing Python down,
        # which would destroy a running QThread and abort (settings are saved already).
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        os._exit(code)
    return code


def close_on_termination(window: QWidget) -> None:
    """SIGTERM (a logout, ``kill``) and SIGINT (Ctrl+C in the terminal that started Yonder)
    close the window as its close button does: transfers cancelled, settings and the session
    saved. Python runs a signal handler only between bytecodes, and Qt's event loop runs
    none while it waits: the signal's wake-up byte, written to a pipe, wakes a socket
    notifier on its other end, whose slot lets the handler run. (POSIX: where a pipe cannot
    be the wake-up fd, the signals keep their default effect.)"""
    import signal

    from PySide6.QtCore import QSocketNotifier

    try:
        reader, writer = os.pipe()
        os.set_blocking(reader, False)
        os.set_blocking(writer, False)
        signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    except (OSError, ValueError):
        return

    def drain() -> None:
        with contextlib.suppress(OSError):
            os.read(reader, 512)

    def on_signal(signum: int, _frame: object) -> None:
        logging.getLogger("yonder.app").info("signal %d: closing the window", signum)
        QTimer.singleShot(0, window.close)

    notifier = QSocketNotifier(reader, QSocketNotifier.Type.Read, window)
    notifier.activated.connect(drain)
    for name in ("SIGTERM", "SIGINT"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, on_signal)
    _WAKEUP.append(notifier)  # the pipe's fds stay open as long as the process


def _screenshot(
    app: QApplication,
    window: object,
    url: str | None,
    path: str,
    timeout: float,
    print_text: bool = False,
) -> int:
    from ui.shell.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.persist_settings = False
    if window.settings.geometry() is None:
        window.apply_default_layout(None)  # a capture is on no screen: the default size, whole
    result = {"code": 1}

    def capture(ok: bool, note: str) -> None:
        if result.get("captured"):
            return  # the timeout and the end of the load may both get here
        result["captured"] = 1
        window.page.document_view.flush_pending()
        window.page.document_view.verticalScrollBar().setValue(0)  # the top of the page
        app.processEvents()
        if print_text:
            sys.stdout.write(window.page.document_view.toPlainText() + "\n")
            sys.stdout.flush()
        if not window.grab().save(path, "PNG"):
            print(f"yonder: could not write the screenshot to {path}", file=sys.stderr)
            result["code"] = 2
        else:
            result["code"] = 0 if ok else 1
            print(f"yonder: saved {path} ({note})", file=sys.stderr)
        window.close()
        app.exit(result["code"])

    def ended(ok: bool) -> None:
        # The page renders on frame timers after the load ends: grab once it is all on
        # screen (the overall timeout still bounds the wait), after one more paint.
        if window.page.rendering and window.page.load_ok is not None:
            QTimer.singleShot(20, lambda: ended(ok))
            return
        QTimer.singleShot(50, lambda: capture(ok, "page loaded" if ok else "error page"))

    def timed_out() -> None:
        # The timeout bounds the whole run: the load, and the rendering after it.
        if window.page.load_ok is None:
            window.page.stop()
            capture(False, f"the load did not end within {timeout:g} s")
        elif not result.get("captured"):
            window.page.renderer.stop()  # what is on screen (and queued for it) is captured
            capture(False, f"the page did not finish rendering within {timeout:g} s")

    window.page.load_ended.connect(ended)
    window.show()
    QTimer.singleShot(int(timeout * 1000), timed_out)
    window.load(url or "about:start")
    app.exec()
    return result["code"]
