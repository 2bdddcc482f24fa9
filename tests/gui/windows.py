"""Helpers shared by the window tests: loopback servers they start, and the window's text.

The ``servers`` and ``window`` fixtures that go with them live in conftest.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from net.options import FetchOptions
from tests.integration.servers import LoopbackServer

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

# Short timeouts: a test that fails should fail fast, not wait out the defaults.
OPTIONS = FetchOptions(connect_timeout=10.0, read_timeout=10.0)


def serve(servers: list[LoopbackServer], handler: Any, **kw: Any) -> LoopbackServer:
    """Start a loopback server that the ``servers`` fixture stops after the test."""
    server = LoopbackServer(handler, **kw)
    servers.append(server)
    return server


def text_of(win: MainWindow) -> str:
    return win.page.document_view.toPlainText()
