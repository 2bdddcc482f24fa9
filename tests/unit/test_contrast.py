"""The WCAG contrast maths (ui.text.contrast): luminance, ratio, and the nearest readable colour."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.text.contrast import (
    AA_TEXT,
    BLACK,
    WHITE,
    contrast_ratio,
    is_dark,
    mix,
    readable,
    relative_luminance,
)

channel = st.integers(0, 255)
colours = st.tuples(channel, channel, channel)


def test_luminance_of_the_extremes_and_the_primaries() -> None:
    assert relative_luminance(BLACK) == 0.0
    assert relative_luminance(WHITE) == pytest.approx(1.0)
    # WCAG's coefficients: green counts most, blue least.
    assert relative_luminance((255, 0, 0)) == pytest.approx(0.2126)
    assert relative_luminance((0, 255, 0)) == pytest.approx(0.7152)
    assert relative_luminance((0, 0, 255)) == pytest.approx(0.0722)


def test_known_ratios() -> None:
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1.0)
    # Figures every WCAG checker gives: #777 on white is 4.48 (fails AA), #767676 is 4.54.
    assert contrast_ratio((0x77, 0x77, 0x77), WHITE) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio((0x76, 0x76, 0x76), WHITE) == pytest.approx(4.54, abs=0.01)
    # The low end of the sRGB curve is linear (c / 12.92 under 0.04045).
    assert relative_luminance((10, 10, 10)) == pytest.approx(10 / 255 / 12.92)


@given(colours, colours)
def test_ratio_is_symmetric_and_bounded(a: tuple[int, int, int], b: tuple[int, int, int]) -> None:
    ratio = contrast_ratio(a, b)
    assert ratio == pytest.approx(contrast_ratio(b, a))
    assert 1.0 <= ratio <= 21.0 + 1e-9


def test_dark_and_light_backgrounds() -> None:
    assert is_dark((30, 30, 32)) and is_dark((0, 0, 128))
    assert not is_dark(WHITE) and not is_dark((255, 236, 130))


def test_mix_goes_from_one_colour_to_the_other() -> None:
    assert mix((0, 100, 200), WHITE, 0) == (0, 100, 200)
    assert mix((0, 100, 200), WHITE, 1) == WHITE
    assert mix(BLACK, WHITE, 0.5) == (128, 128, 128)
    assert mix(BLACK, WHITE, 7) == WHITE  # clamped


def test_a_readable_colour_is_left_alone() -> None:
    assert readable((26, 84, 186), WHITE) == (26, 84, 186)  # the link blue: 7.2:1


def test_the_old_link_blue_on_a_dark_base_is_lightened_and_stays_blue() -> None:
    dark = (30, 30, 32)
    before = contrast_ratio((26, 84, 186), dark)
    assert before < 2.5  # what the issue measured: 1.7-2.4:1 on dark
    after = readable((26, 84, 186), dark)
    assert contrast_ratio(after, dark) >= AA_TEXT
    assert after[2] > after[0] and after[2] > after[1]  # still blue
    # Only as far as needed: close to the threshold, not pushed to white.
    assert contrast_ratio(after, dark) < AA_TEXT + 0.2


def test_a_faint_grey_on_white_is_darkened() -> None:
    grey = (150, 150, 150)  # the old list marker colour: 2.96:1 on white
    assert contrast_ratio(grey, WHITE) < 3
    found = readable(grey, WHITE)
    assert contrast_ratio(found, WHITE) >= AA_TEXT and found[0] < 150


def test_the_other_way_when_only_it_reaches_the_threshold() -> None:
    # On a mid-dark blue, white reaches 4.5 but black does not, and the other way round on
    # a mid-light one: readable() goes whichever way can make it.
    for background in ((40, 80, 160), (200, 200, 120)):
        found = readable((128, 128, 128), background)
        assert contrast_ratio(found, background) >= AA_TEXT


def test_nothing_reaches_the_threshold_gives_the_stronger_extreme() -> None:
    grey = (119, 119, 119)  # ~4.6 to both extremes: 7:1 is out of reach
    found = readable((100, 0, 0), grey, minimum=7.0)
    assert found in (BLACK, WHITE)
    best = max(contrast_ratio(BLACK, grey), contrast_ratio(WHITE, grey))
    assert contrast_ratio(found, grey) == best


@given(colours, colours)
def test_readable_always_reaches_aa_when_black_or_white_does(
    colour: tuple[int, int, int], background: tuple[int, int, int]
) -> None:
    found = readable(colour, background)
    best = max(contrast_ratio(BLACK, background), contrast_ratio(WHITE, background))
    assert contrast_ratio(found, background) >= min(AA_TEXT, best)
