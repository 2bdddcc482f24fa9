"""Error pages quote what the server sent readably (issue 14, "Messages"): escaped bytes, not a
Python repr, in the message and in the technical detail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.journeys import drive
from tests.gui.windows import serve
from tests.integration.servers import LoopbackServer, respond
from ui.shell.main_window import MainWindow


def test_a_protocol_error_page_quotes_the_bytes_readably(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    raw = b"HTTP/1.1 302 Found\r\nLocation: /hello\rX-Injected: yes\r\nContent-Length: 0\r\n\r\n"
    srv = serve(servers, respond(raw))
    drive.trigger(window, "File", "Go to address bar")
    drive.type_text(qtbot, srv.url("/"))
    drive.press(qtbot, Qt.Key.Key_Return)
    drive.wait_loaded(qtbot, window)
    shown = drive.screen_text(window)
    assert "illegal header line: 'Location: /hello\\rX-Injected: yes'" in shown
    assert "bytearray" not in shown and "b'" not in shown


def test_every_phase_a_page_can_fail_in_has_its_advice() -> None:
    # A phase added to net.errors.Phase without advice would read "Retry the request.".
    from net.errors import Phase
    from ui.page import error_page

    never_a_page = {Phase.NETWORK, Phase.CANCELLED, Phase.WRITE}
    assert set(error_page._ADVICE_BY_PHASE) == set(Phase) - never_a_page


def test_advice_by_class_follows_the_classes_through_describe_error() -> None:
    """The advice is keyed by the exception classes: what describe_error writes in the detail
    finds it (a renamed class keeps its advice), a subclass gets its phase's."""
    from net import errors
    from ui.page.error_page import _ADVICE_BY_CLASS, _ADVICE_BY_PHASE, advice_for

    for cls, advice in _ADVICE_BY_CLASS.items():
        failure = errors.describe_error(cls("it failed", url="http://h/"))
        assert advice_for(failure.phase, failure.detail) == advice, cls
    failure = errors.describe_error(errors.DecompressionLimit("too big"))
    assert advice_for(failure.phase, failure.detail) == _ADVICE_BY_PHASE[errors.Phase.DECODING]
    failure = errors.describe_error(ValueError("a bug"))
    assert failure.phase is errors.Phase.INTERNAL
    assert advice_for(failure.phase, failure.detail) == _ADVICE_BY_PHASE[errors.Phase.INTERNAL]
