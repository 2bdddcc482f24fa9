"""Colour contrast as WCAG 2.x defines it, and the nearest readable colour: pure Python, no Qt.

Colours are (red, green, blue) tuples of 0-255 sRGB. :func:`contrast_ratio` is WCAG's
(L1 + 0.05) / (L2 + 0.05) of the relative luminances: 1 (the same colour) to 21 (black on
white). Text needs at least 4.5:1 (AA, :data:`AA_TEXT`). :func:`readable` keeps a designed
colour (its hue) and moves it towards black or white only as far as the background needs,
so a link stays blue on white and on a dark theme alike.
"""

from __future__ import annotations

from functools import lru_cache

RGB = tuple[int, int, int]

AA_TEXT = 4.5  # WCAG 2.x AA for body text
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG relative luminance, 0.0 (black) to 1.0 (white)."""
    r, g, b = rgb
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours, 1.0 to 21.0 (symmetric)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark(rgb: RGB) -> bool:
    """Whether text on this background wants to be light: white contrasts more than black."""
    return contrast_ratio(rgb, WHITE) > contrast_ratio(rgb, BLACK)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """``a`` moved a fraction ``t`` (0..1) of the way to ``b``, channel by channel."""
    t = min(1.0, max(0.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _towards(colour: RGB, target: RGB, background: RGB, minimum: float) -> RGB | None:
    """The least mix of ``colour`` towards ``target`` that reaches ``minimum`` against
    ``background``, or None when even ``target`` itself does not."""
    if contrast_ratio(target, background) < minimum:
        return None
    low, high = 0.0, 1.0  # contrast grows monotonically along the way: bisect
    for _ in range(16):
        middle = (low + high) / 2
        if contrast_ratio(mix(colour, target, middle), background) >= minimum:
            high = middle
        else:
            low = middle
    found = mix(colour, target, high)
    # Rounding to whole channels can land a hair short: step on until it holds.
    step = high
    while contrast_ratio(found, background) < minimum and step < 1.0:
        step = min(1.0, step + 1 / 256)
        found = mix(colour, target, step)
    return found


@lru_cache(maxsize=512)  # views ask on every paint (the timeline's labels): a dict look-up
def readable(colour: RGB, background: RGB, minimum: float = AA_TEXT) -> RGB:
    """``colour`` itself when it reaches ``minimum`` contrast against ``background``; else
    the closest colour of its hue that does, darker on a light background and lighter on a
    dark one (the other way when that is the only one that reaches it); black or white,
    whichever contrasts more, when nothing does (a mid-grey background at 21:1)."""
    if contrast_ratio(colour, background) >= minimum:
        return colour
    first, second = (WHITE, BLACK) if is_dark(background) else (BLACK, WHITE)
    for target in (first, second):
        found = _towards(colour, target, background, minimum)
        if found is not None:
            return found
    return first
