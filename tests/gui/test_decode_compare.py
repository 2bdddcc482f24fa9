"""DecodeCompareView: per-chunk vs incremental decoding, fed whole, one byte at a time, split
inside characters, and with trailing garbage; the count, the bound and the frame timer."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from net.demo_server import UTF8_SPLIT_TEXT, utf8_split_pieces
from ui.stream.decode_compare import (
    LEFT_TITLE,
    MAX_COMPARED_BYTES,
    MAX_LINE_CHARS,
    RIGHT_TITLE,
    SLICE_CHARS,
    ChunkComparison,
    DecodeCompareView,
)

TEXT = "Café ☕ naïve — 日本語 🦊 ünïcödé\nplain ascii line\n"
MULTIBYTE = sum(1 for ch in TEXT if len(ch.encode("utf-8")) > 1)


@pytest.fixture
def view(qtbot: QtBot) -> DecodeCompareView:
    widget = DecodeCompareView()
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    return widget


def panes(view: DecodeCompareView) -> tuple[str, str]:
    view.flush_pending()
    return view.left.text.toPlainText(), view.right.text.toPlainText()


def feed_all(view: DecodeCompareView, parts: list[bytes]) -> tuple[str, str]:
    view.reset("utf-8")
    for part in parts:
        view.on_chunk(part)
    view.finish()
    return panes(view)


def test_titles_name_both_programs(view: DecodeCompareView) -> None:
    assert view.left.title.text() == f"<b>{LEFT_TITLE}</b>"
    assert view.right.title.text() == f"<b>{RIGHT_TITLE}</b>"
    assert "bytes.decode() on each recv" in LEFT_TITLE and "Incremental" in RIGHT_TITLE
    assert view.left.text.isReadOnly() and view.right.text.isReadOnly()
    for pane in (view.left, view.right):
        assert QFontInfo(pane.text.font()).fixedPitch()


def test_characters_split_by_chunks_break_on_the_left_only(view: DecodeCompareView) -> None:
    """The demo server's /utf8-split pieces: 2-, 3- and 4-byte characters cut after the lead."""
    pieces = utf8_split_pieces()
    left, right = feed_all(view, pieces)
    assert right == UTF8_SPLIT_TEXT
    assert "\ufffd" in left and left != right
    assert view.broken_count == 4
    assert "4 characters broken by chunk boundaries" in view.count_label.text()
    # Each cut character loses its lead byte (one U+FFFD) and its continuation bytes (one
    # U+FFFD each): é 1+1, ☕ 1+2, 日 1+2, 🦊 1+3.
    assert left.count("\ufffd") == 12 and "\ufffd" not in right
    assert "U+FFFD: 12 per chunk, 0 incremental" in view.count_label.text()


def test_whole_body_in_one_chunk_breaks_nothing(view: DecodeCompareView) -> None:
    left, right = feed_all(view, [TEXT.encode()])
    assert left == right == TEXT
    assert view.broken_count == 0
    assert "0 characters broken by chunk boundaries" in view.count_label.text()


def test_one_byte_at_a_time_breaks_every_multibyte_character(view: DecodeCompareView) -> None:
    data = TEXT.encode()
    left, right = feed_all(view, [data[i : i + 1] for i in range(len(data))])
    assert right == TEXT
    assert view.broken_count == MULTIBYTE == 12
    # Every byte of every multibyte character becomes its own U+FFFD on the left.
    multibyte_bytes = sum(len(ch.encode()) for ch in TEXT if len(ch.encode()) > 1)
    assert left.count("\ufffd") == multibyte_bytes
    assert left.replace("\ufffd", "") == "".join(ch for ch in TEXT if ch.isascii())
    assert f"{MULTIBYTE} characters broken" in view.count_label.text()


def test_one_broken_character_is_singular(view: DecodeCompareView) -> None:
    feed_all(view, [b"caf\xc3", b"\xa9\n"])
    assert view.broken_count == 1
    assert "1 character broken by chunk boundaries" in view.count_label.text()


@pytest.mark.parametrize("split", [False, True])
def test_trailing_garbage_is_replaced_on_both_sides_and_not_counted(
    view: DecodeCompareView, split: bool
) -> None:
    data = TEXT.encode() + b"\xff\xfe garbage \x80"
    parts = [data[i : i + 1] for i in range(len(data))] if split else [data]
    left, right = feed_all(view, parts)
    assert right == TEXT + "\ufffd\ufffd garbage \ufffd"
    assert left.endswith("\ufffd\ufffd garbage \ufffd")
    assert view.broken_count == (MULTIBYTE if split else 0)


def test_a_truncated_last_character_is_not_a_boundary_bug(view: DecodeCompareView) -> None:
    data = "ok 日".encode()[:-1]  # the body ends inside 日
    left, right = feed_all(view, [data[:4], data[4:]])
    assert right == "ok \ufffd"  # finish() gives up the held bytes
    assert left == "ok \ufffd\ufffd"
    assert view.broken_count == 0


def test_another_encoding_from_the_content_type(view: DecodeCompareView) -> None:
    text = "中文字符\n"
    data = text.encode("gbk")
    view.reset_for_content_type("text/plain; charset=GB2312")  # read as GBK, as browsers do
    for i in range(len(data)):
        view.on_chunk(data[i : i + 1])
    view.finish()
    left, right = panes(view)
    assert right == text and "decoded as gbk" in view.count_label.text()
    assert view.broken_count == 4 and "\ufffd" in left
    view.reset_for_content_type("text/html; charset=iso-8859-1")
    assert view.count_label.text().endswith("decoded as cp1252")
    view.reset_for_content_type("text/plain")
    assert view.count_label.text().endswith("decoded as utf-8")


def test_an_unknown_charset_falls_back_to_utf8_and_says_so(view: DecodeCompareView) -> None:
    view.reset("klingon-8")
    assert "decoded as utf-8 (the charset 'klingon-8' is unknown" in view.count_label.text()
    view.on_chunk("é".encode())
    view.finish()
    assert panes(view)[1] == "é"


def test_crlf_split_across_chunks_is_one_line_break(view: DecodeCompareView) -> None:
    left, right = feed_all(view, [b"one\r", b"\ntwo\rthree\r\n"])
    assert left == right == "one\ntwo\nthree\n"


def test_over_long_lines_are_broken_for_display(view: DecodeCompareView) -> None:
    line = b"x" * (MAX_LINE_CHARS * 2 + 10)
    left, right = feed_all(view, [line[:5000], line[5000:]])
    assert left == right
    assert [len(part) for part in right.split("\n")] == [MAX_LINE_CHARS, MAX_LINE_CHARS, 10]


def test_the_comparison_is_bounded(view: DecodeCompareView) -> None:
    view.reset("utf-8")
    piece = ("é" * 32_000).encode()  # 64,000 bytes
    count = MAX_COMPARED_BYTES // len(piece) + 5
    for _ in range(count):
        view.on_chunk(piece)
    view.finish()
    assert view.truncated
    left, right = panes(view)
    assert "comparison stops here" in left and "comparison stops here" in right
    assert len(right) < MAX_COMPARED_BYTES
    assert "first 1,000,000 bytes only" in view.count_label.text()
    view.reset("utf-8")
    assert not view.truncated and panes(view) == ("", "")


def test_chunks_reach_the_panes_on_frames_not_per_chunk(
    view: DecodeCompareView, qtbot: QtBot
) -> None:
    view.reset("utf-8")
    data = (TEXT * 200).encode()
    view.on_chunks([data[i : i + 512] for i in range(0, len(data), 512)])
    # Nothing inserted synchronously: the slot only decodes and queues.
    assert view.left.text.document().characterCount() == 1 and view.has_pending()
    qtbot.waitUntil(lambda: not view.has_pending(), timeout=10_000)
    assert view.right.text.toPlainText() == TEXT * 200
    assert view.broken_count > 0
    qtbot.waitUntil(lambda: not view._timer.isActive(), timeout=10_000)  # idle: no wake-ups


def test_chunks_after_finish_are_ignored(view: DecodeCompareView) -> None:
    assert feed_all(view, [b"abc"]) == ("abc", "abc")
    view.on_chunk(b"def")
    assert panes(view) == ("abc", "abc")


def test_the_comparison_alone_without_qt() -> None:
    comparison = ChunkComparison("utf-8")
    assert comparison.feed(b"\xe2\x98") == ("\ufffd", "")
    assert comparison.feed(b"\x95!") == ("\ufffd!", "☕!")
    assert comparison.broken == 1 and comparison.finish() == ""
    held = ChunkComparison("utf-8")
    held.feed(b"\xf0")
    held.feed(b"\x9f")  # still incomplete: nothing counted yet
    assert held.broken == 0
    held.feed(b"\xa6\x8a")
    assert held.broken == 1  # one character across three chunks counts once


def test_it_renders_when_shown(view: DecodeCompareView) -> None:
    feed_all(view, utf8_split_pieces())
    view.show()
    QApplication.processEvents()
    assert not view.grab().isNull()


def test_a_spent_frame_budget_inserts_one_slice_per_pane_and_frame(qtbot: QtBot) -> None:
    # The frame budget is wall-clock time: a test sets its own. At 0 each frame inserts one
    # slice per pane, however fast the machine, until both panes hold everything.
    view = DecodeCompareView(tick_budget_s=0.0)
    qtbot.addWidget(view)
    text = "x" * (3 * SLICE_CHARS + 10) + "\n"
    view.reset("utf-8")
    view.on_chunk(text.encode())
    view.finish()
    lengths: list[int] = []
    original = view.left.insert_slice

    def counting() -> None:
        original()
        lengths.append(len(view.left.text.toPlainText()))

    view.left.insert_slice = counting  # type: ignore[method-assign]
    qtbot.waitUntil(lambda: not view.has_pending(), timeout=30_000)
    left, right = view.left.text.toPlainText(), view.right.text.toPlainText()
    assert left == right and left.replace("\n", "") == text.rstrip("\n")  # (long lines broken)
    assert len(lengths) >= 4  # one slice per frame: four frames at least
