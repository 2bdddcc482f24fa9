"""The renderer process's protocol (ui/text/render/remote.py): frames cut from any pieces,
garbage refused, and a real `main.py --render-worker` process answering exactly what the
renderer gives in this process."""

from __future__ import annotations

import marshal
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from ui.text.fragments import resolve_link
from ui.text.render import HtmlRenderer
from ui.text.render.remote import (
    MAX_FRAME,
    FrameReader,
    ProtocolError,
    Renderers,
    encode,
    output_of,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "html_corpus"
BASE = "http://127.0.0.1:8080/doc/page.html"
MESSAGES = [
    ("open", 1, BASE, 80),
    ("feed", 1, "<p>Hello <a href=x>wörld</a> 😀"),
    ("feed", 1, ""),
    ("close", 1),
    ("drop", 7),
]


def test_frames_whole_and_one_byte_at_a_time() -> None:
    data = b"".join(encode(m) for m in MESSAGES)
    assert FrameReader().feed(data) == MESSAGES
    reader = FrameReader()
    got = []
    for i in range(len(data)):
        got += reader.feed(data[i : i + 1])
    assert got == MESSAGES
    assert reader.partial == 0


def test_a_partial_frame_waits_for_the_rest() -> None:
    frame = encode(MESSAGES[1])
    reader = FrameReader()
    assert reader.feed(frame[:-1]) == []
    assert reader.partial == len(frame) - 1
    assert reader.feed(frame[-1:]) == [MESSAGES[1]]


@pytest.mark.parametrize(
    "garbage",
    [
        struct.pack(">I", MAX_FRAME + 1),  # an absurd length
        struct.pack(">I", 3) + b"\xff\xff\xff",  # not marshal data
        struct.pack(">I", 2) + marshal.dumps(5)[:2],  # truncated inside
        struct.pack(">I", 5) + marshal.dumps(12345),  # a message that is not a tuple
        struct.pack(">I", len(marshal.dumps(()))) + marshal.dumps(()),  # an empty tuple
    ],
)
def test_garbage_is_refused(garbage: bytes) -> None:
    with pytest.raises(ProtocolError):
        FrameReader().feed(garbage)


def render_here(html: str, pieces: list[str]) -> list[tuple[object, ...]]:
    renderer = HtmlRenderer(BASE, 80, utf16=True, resolve=resolve_link)
    out = [(False, *output_of(renderer.feed(piece), renderer.title)) for piece in pieces]
    out.append((True, *output_of(renderer.close(), renderer.title)))
    return out


def slices(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def test_the_process_side_answers_what_the_renderer_gives() -> None:
    html = (CORPUS / "hacker_news.html").read_text(encoding="utf-8")
    pieces = slices(html, 4096)
    renderers = Renderers()
    assert renderers.handle(("open", 3, BASE, 80)) is None
    answers = [renderers.handle(("feed", 3, piece)) for piece in pieces]
    answers.append(renderers.handle(("close", 3)))
    assert [a[2:] for a in answers if a is not None] == render_here(html, pieces)
    assert all(a is not None and a[:2] == ("out", 3) for a in answers)
    # After its close, or once dropped, a document's feeds are nobody's: no answer.
    assert renderers.handle(("feed", 3, "<p>late")) is None
    renderers.handle(("open", 4, BASE, 80))
    renderers.handle(("drop", 4))
    assert renderers.handle(("feed", 4, "<p>x")) is None


def test_an_unknown_message_is_a_protocol_error() -> None:
    renderers = Renderers()
    renderers.handle(("open", 1, BASE, 80))
    with pytest.raises(ProtocolError):
        renderers.handle(("paint", 1))


def worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--render-worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_real_render_process_streams_a_page_and_ends_with_its_input() -> None:
    html = "".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.html"))[:6])
    pieces = slices(html, 8192)
    messages = [("open", 1, BASE, 80), *(("feed", 1, p) for p in pieces), ("close", 1)]
    # Two documents at once, interleaved: each gets its own answers, in order.
    messages += [("open", 2, BASE, 80), ("feed", 2, "<title>T</title><p>two"), ("close", 2)]
    proc = worker()
    out, err = proc.communicate(b"".join(encode(m) for m in messages), timeout=60)
    assert proc.returncode == 0, err.decode()
    answers = FrameReader().feed(out)
    first = [a[2:] for a in answers if a[1] == 1]
    assert first == render_here(html, pieces)
    second = [a for a in answers if a[1] == 2]
    assert second[-1][2] is True and second[-1][6] == "T"  # closed, and the title
    assert "two" in "".join(a[3][0] for a in second)  # the pieces' text


def test_a_render_process_given_garbage_says_so_and_exits() -> None:
    proc = worker()
    out, err = proc.communicate(struct.pack(">I", MAX_FRAME + 1) + b"x", timeout=60)
    assert proc.returncode == 2
    assert out == b""
    assert b"yonder render process: a frame of" in err


def test_the_render_process_writes_nothing_but_frames_on_stdout() -> None:
    # stdout is the protocol's: a stray print in the renderer must go to stderr.
    code = (
        "import sys; sys.argv=['main.py','--render-worker'];"
        f"sys.path.insert(0, {str(ROOT)!r});"
        "import builtins; import main;"
        "from ui.text.render import remote;"
        "orig = remote.Renderers.handle\n"
        "def noisy(self, m):\n    print('stray'); return orig(self, m)\n"
        "remote.Renderers.handle = noisy\n"
        "sys.exit(main.main())"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    data = b"".join(encode(m) for m in MESSAGES[:4])
    out, err = proc.communicate(data, timeout=60)
    assert proc.returncode == 0
    assert len(FrameReader().feed(out)) == 3  # two feeds and the close, nothing else
    assert b"stray" in err
