"""JSON bodies: recognise the type, pretty-print once the body is complete.

:func:`pretty_json` does it at once (C speed). :class:`PrettyJob` does the same on a thread
of its own, for the window: ``json.loads`` in C holds the GIL from the first byte to the
last (~90 ms for 2 MB of objects here, 1.7 s for 22 MB), so a thread alone would freeze the
GUI thread just as well. The job parses with the standard library's pure-Python scanner
(the same grammar and the same values; its bytecode lets the GUI thread in every switch
interval), encodes with the pure-Python indenting encoder that ``json.dumps(indent=2)``
uses anyway, and takes the parsed tree apart piece by piece instead of freeing it in one
call. The cyclic collector is paused meanwhile: the tree is hundreds of thousands of new
containers, and a full collection over them held the GIL for 30-100 ms (measured); the
tree has no cycles, so reference counting frees all of it. The result is the same string
:func:`pretty_json` returns.

Pure Python, no Qt.
"""

from __future__ import annotations

import json
import threading
from json.scanner import py_make_scanner  # type: ignore[attr-defined]  # untyped in typeshed

from ui.text.collector import collector_paused

__all__ = ["MAX_PRETTY_CHARS", "PrettyJob", "is_json_type", "pretty_json", "pretty_json_yielding"]

# Parsing builds the whole object tree (~10x the text in memory): past this, show the source.
MAX_PRETTY_CHARS = 32 * 1024 * 1024


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def is_json_type(content_type: str) -> bool:
    """application/json, text/json and any structured "+json" type (application/ld+json)."""
    media = _media_type(content_type)
    return media in ("application/json", "text/json") or ("/" in media and media.endswith("+json"))


def pretty_json(text: str) -> str | None:
    """The JSON re-indented by 2 (non-ASCII kept as is), or None when it is not valid JSON
    (or too large, or nested too deeply for the parser)."""
    if len(text) > MAX_PRETTY_CHARS:
        return None
    try:
        value = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return None
    try:
        return json.dumps(value, indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None


def _python_decoder() -> json.JSONDecoder:
    decoder = json.JSONDecoder()
    # The pure-Python scan loop (json.scanner.py_make_scanner): strings still go through the
    # C scanstring, so only containers and numbers cost bytecode.
    decoder.scan_once = py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder


def _dismantle(value: object) -> None:
    """Drop a parsed tree a container at a time: freeing it whole is one C call (~20 ms for
    2 MB of JSON) that keeps the GIL from the GUI thread."""
    stack = [value]
    del value
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            item.clear()
        elif isinstance(item, dict):
            stack.extend(item.values())
            item.clear()


def pretty_json_yielding(text: str) -> str | None:
    """:func:`pretty_json`'s result, computed so that other threads keep running meanwhile
    (see the module docstring). Deep nesting that the Python scanner cannot follow (each
    level is a few Python frames) falls back to the C parser, as :func:`pretty_json` would."""
    if len(text) > MAX_PRETTY_CHARS:
        return None
    text = text.lstrip("\ufeff")
    try:
        value = _python_decoder().decode(text)
    except ValueError:
        return None
    except RecursionError:
        return pretty_json(text)
    try:
        pieces = list(json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value))
    except (ValueError, RecursionError):
        return None
    finally:
        _dismantle(value)
        del value
    return "".join(pieces)


class PrettyJob:
    """:func:`pretty_json_yielding` of ``text`` on a daemon thread, started at once.

    Poll :attr:`done`; then :attr:`result` is the indented text or None. Nothing here is
    thread-affine or needs stopping: a job nobody asks about any more ends by itself (and a
    daemon thread does not keep Yonder from exiting)."""

    def __init__(self, text: str) -> None:
        self.result: str | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(text,), name="yonder-json", daemon=True
        )
        self._thread.start()

    def _run(self, text: str) -> None:
        try:
            with collector_paused():
                self.result = pretty_json_yielding(text)
        except Exception:  # never a traceback on a thread: the source stays on screen
            self.result = None
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)
