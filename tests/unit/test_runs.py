"""Runs (ui.text.render.runs): text cut where its links and styles begin and end.

The reference is what the document view did before runs: every range merged over plain text,
in the order (end, start, arrival). A character's format is modelled as the list of the codes
merged over it, in order (the last link's href is its link): the runs of its piece, then the
merges later pieces make over it, must give the same list whatever the pieces were.
"""

from __future__ import annotations

import random

import pytest

from ui.text.render.runs import LINK, RunBuilder, Runs

Range = tuple[int, int, str, str]  # start, end, code, url (in UTF-16 units)


def reference(length: int, ranges: list[Range]) -> list[tuple[tuple[str, ...], str]]:
    """Each character's merged codes and href, every range merged over plain text (equal
    ranges: links first, as the view took a piece's links before its styles)."""
    keyed = sorted(
        (end, start, code != LINK, n, code, url) for n, (start, end, code, url) in enumerate(ranges)
    )
    chars: list[tuple[list[str], str]] = [([], "") for _ in range(length)]
    for end, start, _, _, code, url in keyed:
        for i in range(start, end):
            chars[i][0].append(code)
            if code == LINK:
                chars[i] = (chars[i][0], url)
    return [(tuple(codes), href) for codes, href in chars]


def unit_offsets(text: str) -> list[int]:
    """The UTF-16 offset of each character of ``text``, and of its end."""
    offsets, units = [], 0
    for ch in text:
        offsets.append(units)
        units += 2 if ord(ch) > 0xFFFF else 1
    return [*offsets, units]


def shown(pieces: list[Runs]) -> list[tuple[tuple[str, ...], str]]:
    """What the view makes of the pieces, per UTF-16 unit (an astral character's second unit
    repeats its first): runs inserted in order, each piece's merges first."""
    combos: list[tuple[str, ...]] = [()]
    units: list[tuple[list[str], str]] = []
    for piece in pieces:
        for start, end, code, url in piece.merges:
            assert end <= len(units), "a merge over text not given yet"
            for i in range(start, end):
                codes, href = units[i]
                units[i] = ([*codes, code], url if code == LINK else href)
        combos += piece.combos
        runs, at = piece.runs, 0
        assert sum(runs[0::3]) == len(piece.text)
        for i in range(0, len(runs), 3):
            text = piece.text[at : at + runs[i]]
            at += runs[i]
            href = piece.hrefs[runs[i + 2]] if runs[i + 2] >= 0 else ""
            assert (href != "") == (LINK in combos[runs[i + 1]])
            for ch in text:
                for _ in range(2 if ord(ch) > 0xFFFF else 1):
                    units.append((list(combos[runs[i + 1]]), href))
    return [(tuple(codes), href) for codes, href in units]


def cut(text: str, ranges: list[Range], bounds: list[int]) -> list[Runs]:
    """``text`` given in pieces ending at character ``bounds``; each range reported with the
    piece its text ends in (as the renderer reports a link when it closes), in order of end."""
    builder = RunBuilder()
    offsets = unit_offsets(text)
    pieces, last = [], 0
    order = sorted(range(len(ranges)), key=lambda n: (ranges[n][1], n))
    told = 0
    for bound in [*bounds, len(text)]:
        piece_end = offsets[bound]
        links, spans = [], []
        while told < len(order) and ranges[order[told]][1] <= piece_end:
            start, end, code, url = ranges[order[told]]
            (links if code == LINK else spans).append(
                (start, end, url) if code == LINK else (start, end, code)
            )
            told += 1
        pieces.append(builder.build(text[last:bound], links, spans))
        last = bound
    return pieces


def nested(text_units: int, rng: random.Random, count: int) -> list[Range]:
    """Ranges as markup makes them: nested, sometimes equal, sometimes empty, links inside
    styles and styles inside links."""
    ranges: list[Range] = []
    codes = ["strong", "code", "emphasis", "quote", LINK, LINK]

    def fill(lo: int, hi: int, depth: int) -> None:
        at = lo
        while at < hi and len(ranges) < count:
            start = rng.randint(at, hi)
            end = rng.randint(start, min(hi, start + rng.randint(0, 12)))
            code = rng.choice(codes)
            ranges.append((start, end, code, f"/u{len(ranges)}" if code == LINK else ""))
            if depth < 3 and end > start:
                fill(start, end, depth + 1)
            at = end + 1

    fill(0, text_units, 0)
    return ranges


TEXT = "Links and styles nested: <a><b>x</b></a> over several lines.\n" * 3


@pytest.mark.parametrize("seed", range(40))
def test_any_pieces_give_the_formats_of_every_range_merged_over_plain_text(seed: int) -> None:
    rng = random.Random(seed)
    ranges = nested(len(TEXT), rng, 40)
    expected = reference(len(TEXT), ranges)
    assert shown(cut(TEXT, ranges, [])) == expected  # whole
    every = list(range(1, len(TEXT)))
    assert shown(cut(TEXT, ranges, every)) == expected  # one character a piece
    bounds = sorted(rng.sample(every, 7))
    assert shown(cut(TEXT, ranges, bounds)) == expected


def test_a_link_over_two_pieces_is_merged_before_and_run_after() -> None:
    builder = RunBuilder()
    first = builder.build("see the ", [], [])
    second = builder.build("docs here", [(4, 12, "/docs")], [(8, 12, "strong")])
    assert first.runs == [8, 0, -1]
    assert second.merges == [(4, 8, LINK, "/docs")]
    # "docs" is the link and strong (the link ends with it: strong, arriving later, last)
    assert second.combos == [(LINK, "strong")]
    assert second.runs == [4, 1, 0, 5, 0, -1]
    assert second.hrefs == ["/docs"]
    assert second.links == [(4, 12, "/docs")]


def test_combos_are_numbered_once_per_stream() -> None:
    builder = RunBuilder()
    one = builder.build("ab", [], [(0, 1, "code")])
    two = builder.build("cd", [], [(2, 3, "code"), (3, 4, "strong")])
    assert one.combos == [("code",)]
    assert two.combos == [("strong",)]  # "code" is combo 1 already
    assert two.runs == [1, 1, -1, 1, 2, -1]


def test_astral_characters_count_two_units_in_offsets_and_one_in_runs() -> None:
    text = "a😀b😀c"
    ranges: list[Range] = [(1, 4, "strong", ""), (4, 7, LINK, "/x")]
    pieces = cut(text, ranges, [2])
    assert shown(pieces) == reference(7, ranges)
    assert RunBuilder().build(text, [], [(1, 3, "strong")]).runs == [1, 0, -1, 1, 1, -1, 3, 0, -1]


def test_garbage_ranges_never_break_the_runs() -> None:
    builder = RunBuilder()
    text = "some text"
    bad = [(-5, 3, "strong"), (7, 3, "code"), (4, 4, "emphasis"), (2, 10_000, "quote")]
    runs = builder.build(text, [(5, 99, "/far")], bad)
    assert sum(runs.runs[0::3]) == len(text)
    assert all(length > 0 for length in runs.runs[0::3])
    assert builder.build("", [], []).runs == []
