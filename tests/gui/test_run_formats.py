"""RunFormats: the formats of runs kept beside the document, by document position."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCharFormat, QTextDocument, QTextFormat

from ui.page.run_formats import SHORT_MERGE, RunFormats

TAG = QTextFormat.Property.UserProperty


def _tagged(n: int) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setProperty(TAG, n)
    return fmt


def _expand(found: RunFormats, start: int, length: int) -> list[list[int]]:
    """Per position of [start, start + length): the tags of the ranges over it, in order."""
    at: list[list[int]] = [[] for _ in range(length)]
    for r in found.ranges(start, length):
        assert r.start >= 0 and r.start + r.length <= length
        for pos in range(r.start, r.start + r.length):
            at[pos].append(int(r.format.property(TAG)))
    return at


def test_ranges_cut_runs_and_merges_to_a_block_in_merge_order(qapp: object) -> None:
    # Two pieces of runs (the second with astral characters: two UTF-16 units each), short
    # and long merges over them: any block's ranges say what a brute-force walk says.
    formats = [QTextCharFormat()] + [_tagged(n) for n in range(1, 6)]
    first = "abcdefghij" * 600  # 6,000 characters
    second = "x\U0001f600y" * 2_000  # 6,000 characters, 8,000 units
    found = RunFormats()
    runs1 = [length for n in range(600) for length in (10, 1 + n % 5, -1)]
    found.add(0, first, runs1, formats, [])
    runs2 = [length for n in range(2_000) for length in (3, 0 if n % 2 else 2, -1)]
    found.add(6_000, second, runs2, formats, [])
    end = 6_000 + 8_000
    document = QTextDocument()
    document.setPlainText(" " * end)
    merges = [(100, 180, 6), (50, 50 + SHORT_MERGE + 10, 7), (5_990, 6_020, 8), (0, end, 9)]
    for a, b, tag in merges:
        found.merge(a, b, _tagged(tag), document)
    expected: list[list[int]] = []
    for n in range(600):
        expected += [[1 + n % 5] for _ in range(10)]
    for n in range(2_000):
        expected += [[] if n % 2 else [2] for _ in range(4)]  # x, the emoji's 2 units, y
    for a, b, tag in merges:
        for pos in range(a, b):
            expected[pos].append(tag)
    for start, length in ((0, 25), (95, 100), (4_500, 40), (5_990, 40), (13_000, 1_000)):
        assert _expand(found, start, length) == expected[start : start + length]


def test_a_run_naming_a_missing_format_or_link_is_refused_when_added() -> None:
    found = RunFormats()
    with pytest.raises(IndexError):
        found.add(0, "bad", [3, 5, -1], [QTextCharFormat()], [])
    with pytest.raises(IndexError):
        found.add(0, "bad", [3, 0, 2], [QTextCharFormat()], ["http://one/"])
    assert not found
