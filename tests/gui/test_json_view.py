"""A JSON body in the window: pretty-printed off the GUI thread, with the same text as
ui.text.json_pretty.pretty_json. Real client, loopback server, offscreen."""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from tests.gui.windows import serve, text_of
from tests.integration.servers import LoopbackServer, http_response, respond
from ui.shell.main_window import MainWindow
from ui.text import json_pretty

JSON_TYPE = [("Content-Type", "application/json")]


def test_json_is_pretty_printed_off_the_gui_thread_with_the_same_text(
    qtbot: QtBot,
    window: MainWindow,
    servers: list[LoopbackServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The complete body is indented on a thread of its own: while that runs, the raw text
    is on screen, the window says it is still rendering and its event loop keeps turning;
    then the indented text replaces it, exactly as pretty_json gives it."""
    items = [json.dumps({"id": i, "name": f"item {i}", "tags": ["a", "é"]}) for i in range(500)]
    doc = "[\n" + ",\n".join(items) + "\n]"  # lines shorter than the view's line limit
    srv = serve(servers, respond(http_response(200, doc.encode(), JSON_TYPE)))
    release = threading.Event()
    real = json_pretty.pretty_json_yielding

    def held(text: str) -> str | None:
        release.wait(30)  # the job's thread waits here: the window must not
        return real(text)

    monkeypatch.setattr(json_pretty, "pretty_json_yielding", held)
    ticks = [0]
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    page = getattr(window, "page", window)  # the page's state (window.page once tabs come)
    with qtbot.waitSignal(page.load_ended, timeout=5000):
        window.load(srv.url("/d.json"))
    qtbot.waitUntil(lambda: text_of(window) == doc, timeout=5000)
    assert page.rendering  # the indented form is still to come
    timer.start(1)
    qtbot.waitUntil(lambda: ticks[0] >= 20, timeout=10_000)  # the loop turns meanwhile
    assert text_of(window) == doc
    release.set()
    qtbot.waitUntil(lambda: not page.rendering, timeout=20_000)
    timer.stop()
    assert text_of(window) == json_pretty.pretty_json(doc)


def test_a_big_json_body_goes_in_by_slices_with_the_same_text_and_links(
    qtbot: QtBot, window: MainWindow, servers: list[LoopbackServer]
) -> None:
    """Several TEXT_SLICEs of indented text (URLs among them, some across a slice's edge):
    what the view ends with is pretty_json's text, every URL a link once."""
    from ui.page.page_renderer import TEXT_SLICE

    items = [
        json.dumps({"n": i, "see": f"https://example.org/item/{i}", "x": "é" * (i % 7)})
        for i in range(4000)
    ]
    doc = "[\n" + ",\n".join(items) + "\n]"
    expected = json_pretty.pretty_json(doc)
    assert expected is not None and len(expected) > 2 * TEXT_SLICE
    srv = serve(servers, respond(http_response(200, doc.encode(), JSON_TYPE)))
    page = getattr(window, "page", window)
    with qtbot.waitSignal(page.load_ended, timeout=10_000):
        window.load(srv.url("/big.json"))
    qtbot.waitUntil(lambda: not page.rendering and text_of(window) == expected, timeout=60_000)
    links = [url for _, _, url in page.document_view.links()]
    assert links == [f"https://example.org/item/{i}" for i in range(4000)]
