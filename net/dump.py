"""``main.py --dump``: fetch one URL with :func:`net.client.fetch` and write the body to stdout.

A stable contract that scripts and tests rely on::

    python main.py --dump [--include] [--head] [--http1.0] [--timeout SECONDS]
                          [--cacert FILE] [--no-decode] [--debug] URL
    python main.py --dump --version

The decoded body bytes (chunked and gzip/deflate undone) go to stdout exactly, streamed chunk
by chunk in constant memory; redirects are followed. ``--include`` writes the final head first,
also when the transfer fails after it (as curl -i does). ``--head`` sends HEAD and writes the
head (like curl -I). Exit status:

- 0: a complete HTTP response arrived, whatever its status code (a 404 is still an answer);
- 1: a network or protocol error, or stdout could not be written (or is closed); one line on
  stderr, ``yonder: <what failed, where, what to do>``;
- 2: a usage error or an invalid URL, with argparse's usage on stderr;
- 130: interrupted with Ctrl+C (nothing printed);
- 141: stdout was closed by its reader (``| head``): like a C tool killed by SIGPIPE
  (128 + 13), so ``set -o pipefail`` scripts see what they would see with ``cat``. Nothing
  is printed. SIGPIPE itself stays ignored (Python's default) because the same process writes
  to sockets, where a broken pipe must be an error, not a silent death.

This module never imports Qt: the dump mode must start fast and work on a headless machine.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import re
import sys
from collections.abc import Generator, Iterator
from dataclasses import replace
from typing import BinaryIO, TextIO

from net.client import fetch
from net.errors import InvalidURL, NetError, WriteError
from net.events import BodyChunk, Event, Finished, Redirected, ResponseHead
from net.options import FetchOptions
from net.version import version

log = logging.getLogger("yonder.dump")

EXIT_OK = 0
EXIT_NET_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl+C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool killed by SIGPIPE


def _positive_seconds(text: str) -> float:
    """argparse type for --timeout: a finite number of seconds greater than zero."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"invalid timeout {text!r}: give a positive number of seconds, e.g. 10 or 0.5"
        )
    return value


def _prog_name() -> str:
    """How the user invoked us ('main.py', 'yonder'), for the usage line."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    # `python -m yonder_browser` runs the package's __main__.py: the user typed no such name.
    return name if name and name not in ("-c", "-m", "__main__.py") else "yonder"


def build_parser() -> argparse.ArgumentParser:
    """The --dump command line (``--dump`` itself is removed by main.py before parsing)."""
    parser = argparse.ArgumentParser(
        prog=f"{_prog_name()} --dump",
        description="Fetch URL with Yonder's own HTTP client and write the decoded body to "
        "stdout. Exit 0 for any complete HTTP response, 1 for a network or protocol error, "
        "2 for a usage error or an invalid URL.",
    )
    parser.add_argument(
        "--include",
        action="store_true",
        help="write the final response's status line and headers, then a blank line, first "
        "(also when the transfer fails after the head, as curl -i does)",
    )
    parser.add_argument(
        "--head",
        action="store_true",
        help="send a HEAD request and write the final response's head (like curl -I)",
    )
    parser.add_argument(
        "--http1.0",
        dest="classic",
        action="store_true",
        help="send the classic request: exactly 'GET <absolute URL> HTTP/1.0' and a blank line",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        metavar="SECONDS",
        help="bound the connect and every silence while reading (default: 10 s connect, 30 s read)",
    )
    parser.add_argument(
        "--cacert",
        metavar="FILE",
        help="trust exactly the CA certificates in this PEM file for https (instead of the "
        "system store, certifi or SSL_CERT_FILE)",
    )
    parser.add_argument(
        "--no-decode",
        dest="decode",
        action="store_false",
        help="write the body as the server encoded it (gzip, deflate, br, ... not undone; "
        "chunked framing is still removed)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log the requests, the TLS trust store and every error's chain to stderr and to "
        "$XDG_STATE_HOME/yonder/yonder.log (~/.local/state/yonder/)",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"Yonder {version()}",
        help="print Yonder's version and exit",
    )
    parser.add_argument("url", metavar="URL", help="http:// or https:// address to fetch")
    return parser


def options_from_args(args: argparse.Namespace) -> FetchOptions:
    """FetchOptions for the parsed command line."""
    options = FetchOptions(
        method="HEAD" if args.head else "GET",
        classic=args.classic,
        cafile=args.cacert,
        decode_content=args.decode,
    )
    if args.timeout is None:
        return options
    return replace(options, connect_timeout=args.timeout, read_timeout=args.timeout)


def format_head(head: ResponseHead) -> bytes:
    """The status line and header lines as received, each ending CRLF, then a blank line."""
    lines = [head.status_line, *(f"{name}: {value}" for name, value in head.headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")


def _one_line(message: str) -> str:
    """A message safe to print as one stderr line (server text may contain line breaks)."""
    return re.sub(r"[\r\n]+", " ", message).strip()


class _BodySink:
    """Writes the final hop's head (with --include) and body bytes to ``out`` as they arrive.

    It relies on fetch()'s contract (net/client.py): a followed redirect's ResponseHead is
    followed directly by Redirected, never by a BodyChunk. So every BodyChunk belongs to the
    final response, and only a head has to wait for the next event to know whether it is the
    final one: --include writes it before the first body bytes or at Finished.
    """

    def __init__(self, out: BinaryIO, *, include: bool) -> None:
        self._out = out
        self._include = include
        self._head: ResponseHead | None = None  # received, not yet written (--include)

    def on_head(self, head: ResponseHead) -> None:
        self._head = head if self._include else None

    def on_body(self, data: bytes) -> None:
        self._write_head()
        if data:
            self._write(data)

    def on_redirected(self) -> None:
        self._head = None

    def on_finished(self) -> None:
        self._write_head()
        self._flush()

    def on_failed(self) -> None:
        """The transfer failed: a head that arrived is still written (curl -i does too), so
        the reader sees what the server answered before it went wrong."""
        self._write_head()
        self._flush()

    def _write_head(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            self._write(format_head(head))

    def _write(self, data: bytes) -> None:
        with _stdout_errors():
            self._out.write(data)

    def _flush(self) -> None:
        with _stdout_errors():
            self._out.flush()


@contextlib.contextmanager
def _stdout_errors() -> Iterator[None]:
    """OSError -> WriteError naming stdout; BrokenPipeError passes: the reader left, which is
    not an error of ours (main() exits quietly with 141)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise WriteError(f"could not write the body to stdout: {reason}") from exc


def dump(url: str, options: FetchOptions, out: BinaryIO, *, include: bool = False) -> Finished:
    """Fetch ``url`` and stream the final body (and head with ``include``) into ``out``.

    Returns the Finished event. A head that arrived is written (with ``include``) also when
    the transfer fails after it. Raises :class:`net.errors.NetError` (WriteError when ``out``
    fails), BrokenPipeError when ``out``'s reader went away, KeyboardInterrupt on Ctrl+C; in
    every case the connection is closed before the exception leaves.
    """
    # A HEAD response has no body: its head is the whole answer.
    sink = _BodySink(out, include=include or options.method.upper() == "HEAD")
    events: Iterator[Event] = fetch(url, options)
    try:
        for event in events:
            if isinstance(event, BodyChunk):
                sink.on_body(event.data)
            elif isinstance(event, ResponseHead):
                sink.on_head(event)
            elif isinstance(event, Redirected):
                sink.on_redirected()
            elif isinstance(event, Finished):
                sink.on_finished()
                return event
        raise NetError(f"The transfer of {url} ended without a complete response", url=url)
    except NetError as exc:
        if not isinstance(exc, WriteError):
            # The error is the news; a stdout that fails now too must not replace it.
            with contextlib.suppress(OSError, WriteError):
                sink.on_failed()
        raise
    finally:
        if isinstance(events, Generator):
            events.close()  # closes the socket now, not whenever the generator is collected


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass  # stdout is closed or not a descriptor: then there is no final flush to fail


def _report(stderr: TextIO | None, message: str) -> None:
    if stderr is None:  # started with stderr closed: the exit status is all there is
        return
    try:
        stderr.write(f"yonder: {_one_line(message)}\n")
        stderr.flush()
    except OSError:
        pass  # stderr is gone too: the exit status is all that is left


def main(argv: list[str]) -> int:
    """Run the dump mode with ``argv`` (without ``--dump``); returns the exit status."""
    if sys.stdout is None:  # started with fd 1 closed (`--dump URL >&-`): Python sets None
        _report(
            sys.stderr,
            "cannot write the body: stdout is closed; redirect it instead, e.g. '> FILE' or "
            "'> /dev/null'",
        )
        return EXIT_NET_ERROR
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) or a usage error (2), already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.debug:
        from net.diagnostics import enable_debug_logging

        enable_debug_logging(sys.stderr)
        log.info("yonder --dump %s", " ".join(argv))
    try:
        dump(args.url, options_from_args(args), sys.stdout.buffer, include=args.include)
    except InvalidURL as err:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"{parser.prog}: error: {_one_line(str(err))}\n")
        return EXIT_USAGE
    except NetError as err:
        if isinstance(err, WriteError):
            _silence_stdout()  # else the interpreter's last flush of stdout fails again
        _report(sys.stderr, str(err))
        return EXIT_NET_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug of ours: still one line, never a traceback for a script
        log.debug("internal error", exc_info=exc)
        _report(sys.stderr, f"internal error, please report it: {type(exc).__name__}: {exc}")
        return EXIT_NET_ERROR
    return EXIT_OK
