"""``--debug``: Python logging to stderr and to a file a user can attach to a bug report.

Both the window and ``--dump`` call :func:`enable_debug_logging`. Yonder's loggers are named
``yonder.*`` (``yonder.client`` logs each request and the error chains, ``yonder.tls`` the
trust store used, ``yonder.qt`` Qt's own messages). Without ``--debug`` nothing is configured
and a disabled logger costs one level check per call.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from net.version import version

LOGGER = "yonder"
LOG_FILE = "yonder.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/yonder, else ~/.local/state/yonder (the XDG Base Directory spec; a
    relative XDG_STATE_HOME is invalid there and ignored)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_STATE_HOME", "")
    if not base or not os.path.isabs(base):
        home = env.get("HOME") or os.path.expanduser("~")
        base = os.path.join(home, ".local", "state")
    return Path(base) / "yonder"


def enable_debug_logging(
    stream: TextIO | None = None, environ: Mapping[str, str] | None = None
) -> Path | None:
    """Log everything from Yonder's loggers at DEBUG to ``stream`` (stderr) and to
    <state dir>/yonder.log (appended). Returns the log file, or None when it could not be
    opened (then stderr alone, and one warning says why)."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    for handler in list(logger.handlers):  # called twice (tests): one set of handlers
        logger.removeHandler(handler)
        handler.close()
    formatter = logging.Formatter(_FORMAT)
    console = logging.StreamHandler(stream if stream is not None else sys.stderr)
    console.setFormatter(formatter)
    logger.addHandler(console)
    path = state_dir(environ) / LOG_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        logger.warning(
            "--debug: cannot write the log file %s (%s); logging to stderr only",
            path,
            exc.strerror or exc,
        )
        return None
    file_handler.setFormatter(formatter)
    logger.addHandler(file_handler)
    logger.info(
        "Yonder %s debug log; Python %s on %s; log file %s",
        version(),
        platform.python_version(),
        platform.platform(),
        path,
    )
    return path
