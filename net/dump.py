"""``main.py --dump``: fetch one URL with :func:`net.client.fetch` and write the body to stdout.

A stable contract that scripts and tests rely on::

    python main.py --dump [--include] [--http1.0] [--timeout SECONDS] URL

The decoded body bytes (chunked and gzip/deflate undone) go to stdout exactly, streamed chunk
by chunk in constant memory; redirects are followed. Exit status:

- 0: a complete HTTP response arrived, whatever its status code (a 404 is still an answer);
- 1: a network or protocol error, or stdout could not be written; one line on stderr,
  ``yonder: <what failed, where, what to do>``;
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
import math
import os
import re
import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, BinaryIO, TextIO

from net.client import fetch
from net.errors import InvalidURL, NetError, WriteError
from net.events import BodyChunk, Event, Finished, Redirected, ResponseHead
from net.options import FetchOptions

if TYPE_CHECKING:
    from tempfile import SpooledTemporaryFile

EXIT_OK = 0
EXIT_NET_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl+C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool killed by SIGPIPE

# Statuses the client follows when they carry a Location header.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A redirect hop's body is held until the client says whether it follows it; beyond this size
# the held bytes go to a temporary file, so even a huge redirect body keeps memory constant.
_SPOOL_MEMORY_LIMIT = 1024 * 1024
_COPY_BLOCK = 256 * 1024


class _UsageError(Exception):
    """A bad command line, reported argparse-style with exit status 2."""


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
    return name if name and name not in ("-c", "-m") else "yonder"


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
        help="write the final response's status line and headers, then a blank line, first",
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
    parser.add_argument("url", metavar="URL", help="http:// or https:// address to fetch")
    return parser


def options_from_args(args: argparse.Namespace) -> FetchOptions:
    """FetchOptions for the parsed command line."""
    if args.timeout is None:
        return FetchOptions(classic=args.classic)
    return FetchOptions(
        classic=args.classic, connect_timeout=args.timeout, read_timeout=args.timeout
    )


def format_head(head: ResponseHead) -> bytes:
    """The status line and header lines as received, each ending CRLF, then a blank line."""
    lines = [head.status_line, *(f"{name}: {value}" for name, value in head.headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")


def _one_line(message: str) -> str:
    """A message safe to print as one stderr line (server text may contain line breaks)."""
    return re.sub(r"[\r\n]+", " ", message).strip()


class _BodySink:
    """Writes the final hop's head (with --include) and body bytes to ``out`` as they arrive.

    A hop whose head looks like a redirect the client will follow may still carry a body;
    those bytes are held (spooled) until the client either yields Redirected (discard) or
    Finished (it did not follow after all: write them). Every other hop streams straight
    through, so memory stays constant whatever the body size.
    """

    def __init__(self, out: BinaryIO, *, include: bool, follow_redirects: bool) -> None:
        self._out = out
        self._include = include
        self._follow = follow_redirects
        self._held_head: ResponseHead | None = None
        self._held_body: SpooledTemporaryFile[bytes] | None = None

    def on_head(self, head: ResponseHead) -> None:
        self._discard_held()
        if self._follow and head.status in REDIRECT_STATUSES and head.header("location"):
            self._held_head = head
            # Imported here: tempfile pulls in shutil, bz2 and lzma (~0.5 MiB of RSS) and the
            # client closes a followed redirect after its head, so this is the rare path.
            import tempfile

            # Lives across events until Redirected/Finished, so no `with` here; closed there.
            self._held_body = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY_LIMIT)  # noqa: SIM115
        elif self._include:
            self._write(format_head(head))

    def on_body(self, data: bytes) -> None:
        if not data:
            return
        if self._held_body is not None:
            self._held_body.write(data)
        else:
            self._write(data)

    def on_redirected(self) -> None:
        self._discard_held()

    def on_finished(self) -> None:
        head, body = self._held_head, self._held_body
        self._held_head, self._held_body = None, None
        if head is not None and body is not None:
            with body:
                if self._include:
                    self._write(format_head(head))
                body.seek(0)
                while block := body.read(_COPY_BLOCK):
                    self._write(block)
        self._flush()

    def close(self) -> None:
        self._discard_held()

    def _discard_held(self) -> None:
        if self._held_body is not None:
            self._held_body.close()
        self._held_head, self._held_body = None, None

    def _write(self, data: bytes) -> None:
        try:
            self._out.write(data)
        except BrokenPipeError:
            raise  # the reader left: not an error of ours, main() exits quietly
        except OSError as exc:
            raise _write_error(exc) from exc

    def _flush(self) -> None:
        try:
            self._out.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _write_error(exc) from exc


def _write_error(exc: OSError) -> WriteError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return WriteError(f"could not write the body to stdout: {reason}")


def dump(url: str, options: FetchOptions, out: BinaryIO, *, include: bool = False) -> Finished:
    """Fetch ``url`` and stream the final body (and head with ``include``) into ``out``.

    Returns the Finished event. Raises :class:`net.errors.NetError` (WriteError when ``out``
    fails), BrokenPipeError when ``out``'s reader went away, KeyboardInterrupt on Ctrl+C; in
    every case the connection is closed before the exception leaves.
    """
    sink = _BodySink(out, include=include, follow_redirects=options.follow_redirects)
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
    finally:
        sink.close()
        if isinstance(events, Generator):
            events.close()  # closes the socket now, not whenever the generator is collected


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _report(stderr: TextIO, message: str) -> None:
    try:
        stderr.write(f"yonder: {_one_line(message)}\n")
        stderr.flush()
    except OSError:
        pass  # stderr is gone too: the exit status is all that is left


def main(argv: list[str]) -> int:
    """Run the dump mode with ``argv`` (without ``--dump``); returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
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
        _report(sys.stderr, f"internal error, please report it: {type(exc).__name__}: {exc}")
        return EXIT_NET_ERROR
    return EXIT_OK
