"""PageRenderer as a stream consumer: the same view whether the body arrives whole, one byte
at a time or split anywhere, with trailing garbage; each mode and kind, offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.shown import shown_format
from ui.page.document_view import DocumentView
from ui.page.page_renderer import HTML_SLICE, PageRenderer, ViewMode
from ui.text.body_store import BodyStore
from ui.text.lines import MAX_LINE_CHARS

PAGE = (
    "<html><head><meta charset=utf-8><title>T&eacute;st</title></head><body>"
    "<h1>Head</h1><p>Some <b>bold</b> text with a <a href='rel/x.html'>link</a> and é 🦊.</p>"
    "<table><tr><td>a</td><td>bb</td></tr></table><pre>  pre\n  line</pre></body></html>"
).encode()
TEXT = b"plain text with http://example.org/x and\r\nwww.example.com/y\r\n"


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[DocumentView]:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    widget.show()
    yield widget


def render(
    qtbot: QtBot, view: DocumentView, body: bytes, ctype: str, step: int, mode: ViewMode
) -> tuple[str, list[tuple[int, int, str]], list[tuple[bool, bool]], PageRenderer]:
    store = BodyStore()
    store.begin(
        "http://h/dir/page", headers=(("Content-Type", ctype),), head_raw=b"HTTP/1.1 200 OK\r\n\r\n"
    )
    renderer = PageRenderer(view)
    renderer.start(store, mode)
    for i in range(0, len(body), step):
        store.append(body[i : i + step], body[i : i + step])
        renderer.poke()
        if step < len(body):
            qtbot.wait(0)  # let ticks run mid-stream
    store.finish(True)
    renderer.poke()
    qtbot.waitUntil(lambda: not renderer.busy and not view.has_pending(), timeout=10_000)
    text = view.toPlainText()
    formats = []
    for pos in range(len(text)):
        fmt = shown_format(view, pos)
        formats.append((fmt.fontWeight() >= 700, fmt.fontFixedPitch()))
    return text, view.links(), formats, renderer


@pytest.mark.parametrize("mode", [ViewMode.RENDERED, ViewMode.SOURCE, ViewMode.WIRE])
@pytest.mark.parametrize(
    ("body", "ctype"),
    [(PAGE, "text/html"), (TEXT, "text/plain"), (b'{"a": [1, 2]}', "application/json")],
)
def test_whole_bytewise_and_split_give_the_same_view(
    qtbot: QtBot, view: DocumentView, body: bytes, ctype: str, mode: ViewMode
) -> None:
    whole = render(qtbot, view, body, ctype, len(body), mode)
    for step in (1, 5):
        split = render(qtbot, view, body, ctype, step, mode)
        assert split[:3] == whole[:3], step
    text, links, formats, renderer = whole
    if mode == ViewMode.RENDERED and ctype == "text/html":
        assert text.startswith("Head\n")
        assert renderer.title == "Tést"
        assert links[0][2] == "http://h/dir/rel/x.html"
        assert formats[text.index("bold")][0] and formats[text.index("Head")][0]
        assert formats[text.index("bb")][1]  # table cells monospace
        assert "é 🦊" in text
    elif mode == ViewMode.RENDERED and ctype == "text/plain":
        assert [url for _, _, url in links] == ["http://example.org/x", "http://www.example.com/y"]
    elif mode == ViewMode.RENDERED:
        assert text == '{\n  "a": [\n    1,\n    2\n  ]\n}'
    elif mode == ViewMode.SOURCE:
        assert text == body.decode().replace("\r\n", "\n")
    else:
        assert text.startswith("HTTP/1.1 200 OK\\r\\n\n\\r\\n  ← blank line")


def test_trailing_garbage_after_the_document_is_shown_not_fatal(
    qtbot: QtBot, view: DocumentView
) -> None:
    body = PAGE + b"\x00\xff</div>garbage<<<"
    text, _, _, renderer = render(qtbot, view, body, "text/html", 3, ViewMode.RENDERED)
    assert text.startswith("Head\n") and "garbage" in text
    assert renderer.kind == "html"
    text, _, _, renderer = render(qtbot, view, b"\x00\x01\x02" * 500, "", 7, ViewMode.RENDERED)
    assert renderer.kind == "binary" and text.startswith("Binary content")


@pytest.mark.parametrize("charset", ["utf-8", "utf-16-le", "cp1252"])
def test_a_text_body_decodes_alike_whole_bytewise_and_split(
    qtbot: QtBot, view: DocumentView, charset: str
) -> None:
    # A character split across two chunks decodes whole; CR LF and CR become LF.
    text = "Ünïcödé line: café 日本語 🦊\r\nsecond line\rthird\n"
    if charset == "cp1252":
        text = "naïve café €\r\nline\n"
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    data = text.encode(charset)
    ctype = f"text/plain; charset={charset}"
    for step in (len(data), 1, 3, 7):
        assert render(qtbot, view, data, ctype, step, ViewMode.RENDERED)[0] == expected, step


def test_no_charset_a_bom_then_the_utf8_default_and_a_cut_character(
    qtbot: QtBot, view: DocumentView
) -> None:
    text, _, _, renderer = render(
        qtbot, view, b"\xef\xbb\xbfhello", "text/plain", 2, ViewMode.RENDERED
    )
    assert text == "hello" and renderer.choice is not None and renderer.choice.source == "bom"
    text, _, _, renderer = render(
        qtbot, view, b"caf\xc3\xa9 ok", "text/plain", 4, ViewMode.RENDERED
    )
    assert text == "café ok" and renderer.choice is not None
    assert renderer.choice.encoding == "utf-8"
    utf8 = "text/plain; charset=utf-8"
    cut = "ok 🦊".encode()[:-2]  # a body cut inside a character: one replacement character
    assert render(qtbot, view, cut, utf8, 1, ViewMode.RENDERED)[0] == "ok \ufffd"
    assert render(qtbot, view, b"ok\n\x80\xfe", utf8, 1, ViewMode.RENDERED)[0] == "ok\n\ufffd\ufffd"
    # Undeclared, ASCII and then a byte that is not UTF-8: windows-1252 (test_charset.py).
    assert render(qtbot, view, b"ok\n\x80\xfe", "text/plain", 1, ViewMode.RENDERED)[0] == "ok\n€þ"


def test_a_long_line_is_broken_for_display(qtbot: QtBot, view: DocumentView) -> None:
    size = MAX_LINE_CHARS * 3 + 5
    text = render(qtbot, view, b"y" * size, "text/plain", size, ViewMode.RENDERED)[0]
    assert text.replace("\n", "") == "y" * size  # the text itself is whole
    assert max(len(line) for line in text.split("\n")) == MAX_LINE_CHARS


def test_the_first_bytes_after_idle_are_on_screen_when_poke_returns(
    qtbot: QtBot, view: DocumentView
) -> None:
    # The first chunk must not wait for a timer (a frame, or a turn behind other work): poke()
    # renders at once, and the view inserts the first text after idle at once.
    store = BodyStore()
    store.begin("http://h/a.txt", headers=(("Content-Type", "text/plain; charset=utf-8"),))
    renderer = PageRenderer(view)
    renderer.start(store, ViewMode.RENDERED)
    assert view.toPlainText() == ""
    store.append(b"first line\n", b"first line\n")
    renderer.poke()
    assert view.toPlainText() == "first line\n"
    # More data during a transfer: the next turn (interval 0), not a frame later.
    store.append(b"second\n", b"second\n")
    renderer.poke()
    assert renderer.busy
    qtbot.waitUntil(lambda: view.toPlainText() == "first line\nsecond\n", timeout=10_000)
    store.finish(True)
    renderer.poke()
    qtbot.waitUntil(lambda: not renderer.busy and not view.has_pending(), timeout=10_000)
    assert view.toPlainText() == "first line\nsecond\n"


def test_a_page_laid_out_in_one_table_shows_its_first_story_before_the_transfer_ends(
    qtbot: QtBot, view: DocumentView
) -> None:
    # Hacker News and many old sites are one outer <table>: the first story must be on screen
    # (text and link) while the body is still dripping in, not after the outer </table>.
    page = (Path(__file__).parents[1] / "unit/html_corpus/hacker_news.html").read_bytes()
    store = BodyStore()
    store.begin(
        "https://news.ycombinator.com/news",
        headers=(("Content-Type", "text/html; charset=utf-8"),),
        head_raw=b"HTTP/1.1 200 OK\r\n\r\n",
    )
    renderer = PageRenderer(view)
    renderer.start(store, ViewMode.RENDERED)
    first_story_done = page.index(b'<tr class="athing" id="2002"')
    for i in range(0, first_story_done, 97):
        chunk = page[i : min(i + 97, first_story_done)]
        store.append(chunk, chunk)
        renderer.poke()
        qtbot.wait(0)
    title = "Show HN: A tiny text browser in Python"
    qtbot.waitUntil(lambda: title in view.toPlainText(), timeout=10_000)
    assert not store.ended
    text = view.toPlainText()
    assert "1.  " + title + " (example.com)\n312 points by alice" in text
    assert "Ask HN" not in text and "Guidelines" not in text
    assert any(url == "https://example.com/rust-story" for _, _, url in view.links())
    rest = page[first_story_done:]
    store.append(rest, rest)
    store.finish(True)
    renderer.poke()
    qtbot.waitUntil(lambda: not renderer.busy and not view.has_pending(), timeout=10_000)
    expected = (Path(__file__).parents[1] / "unit/html_corpus/hacker_news.txt").read_text("utf-8")
    # toPlainText() shows a no-break space as a space.
    assert view.toPlainText().rstrip("\n") == expected.rstrip("\n").replace("\xa0", " ")


def test_a_spent_tick_budget_renders_one_step_per_tick_to_the_same_page(
    qtbot: QtBot, view: DocumentView
) -> None:
    # The per-tick budget is wall-clock time: a test sets its own. At 0 each tick does one
    # step (one slice of the body), however fast the machine, and the page comes out the same.
    body = PAGE * 200  # many slices of HTML
    whole, _, _, first = render(qtbot, view, body, "text/html", len(body), ViewMode.RENDERED)
    first.stop()
    other = DocumentView()
    qtbot.addWidget(other)
    other.resize(600, 400)
    other.show()
    store = BodyStore()
    store.begin("http://h/dir/page", headers=(("Content-Type", "text/html"),), head_raw=b"")
    store.append(body, body)
    store.finish(True)
    renderer = PageRenderer(other, tick_budget_s=0.0)
    steps_per_tick: list[int] = []
    step, tick = renderer._step, renderer._tick

    def counting_step(store: BodyStore) -> bool:
        steps_per_tick[-1] += 1
        return step(store)

    def counting_tick() -> None:
        steps_per_tick.append(0)
        tick()

    renderer._step = counting_step  # type: ignore[method-assign]
    renderer._tick = counting_tick  # type: ignore[method-assign]
    renderer.start(store, ViewMode.RENDERED)
    renderer.poke()
    qtbot.waitUntil(lambda: not renderer.busy and not other.has_pending(), timeout=30_000)
    assert other.toPlainText() == whole
    assert max(steps_per_tick) == 1 and sum(steps_per_tick) >= len(body) // HTML_SLICE


@pytest.mark.parametrize("complete", [True, False])
def test_a_stopped_body_ending_in_a_lead_byte_keeps_its_utf8_label(
    qtbot: QtBot, view: DocumentView, complete: bool
) -> None:
    store = BodyStore()
    store.begin("http://h/log.txt", headers=(("Content-Type", "text/plain"),))
    renderer = PageRenderer(view)
    renderer.start(store, ViewMode.RENDERED)
    store.append(b"an ascii log, stopped just inside its first non-ASCII character: \xe2")
    store.finish(complete)  # False: the reader pressed Stop there
    renderer.poke()
    qtbot.waitUntil(lambda: not renderer.busy and not view.has_pending(), timeout=10_000)
    assert renderer.choice is not None
    # A whole body ending so is not UTF-8 (windows-1252); a cut one is UTF-8 cut short.
    assert renderer.choice.source == ("fallback" if complete else "default")
    assert view.toPlainText().startswith("an ascii log")
