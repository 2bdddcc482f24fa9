"""ui.text.units: the one size, duration and rate formatter (IEC units everywhere)."""

from __future__ import annotations

import pytest

from ui.text.units import (
    format_duration,
    format_ms,
    format_rate,
    format_size,
    size_step,
    transfer_rate,
)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 B"),
        (1, "1 B"),
        (512, "512 B"),
        (1023, "1023 B"),
        (1024, "1 KiB"),
        (1536, "1.5 KiB"),
        (95_640, "93.4 KiB"),  # issue 10: this figure, never "95.6 KB"
        (1024 * 1024 - 1, "1 MiB"),  # not "1024 KiB"
        (int(12.3 * 1024**2), "12.3 MiB"),
        (6_320_000_000, "5.89 GiB"),  # issue 14: not "6.32 GB"
        (3 * 1024**5, "3 PiB"),
        (2000 * 1024**5, "2000 PiB"),
        (-2048, "-2 KiB"),
    ],
)
def test_format_size_is_iec_with_three_digits(count: int, text: str) -> None:
    assert format_size(count) == text


def test_no_decimal_units_anywhere() -> None:
    for exponent in range(0, 60, 3):
        text = format_size(1.7**exponent)
        assert text.split()[-1] in ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 ms"),
        (0.00042, "0.42 ms"),
        (0.0025, "2.5 ms"),
        (0.026, "26 ms"),
        (0.5, "500 ms"),
        (1.25, "1.25 s"),
        (12.5, "12.5 s"),
        (125, "2 min 05 s"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_ms_is_exact() -> None:
    assert format_ms(1.2345678) == "1,234.568 ms"


def test_the_one_rate() -> None:
    assert transfer_rate(1024 * 1024, 0.5) == 2 * 1024 * 1024
    assert transfer_rate(100, 0.0) is None
    assert format_rate(2 * 1024 * 1024) == "2 MiB/s"


@pytest.mark.parametrize(
    ("span", "ticks", "step"),
    [
        (3000, 3, 1024),
        (1500, 3, 500),
        (3 * 1024**2, 6, 1024**2),
        (2 * 1024**2, 6, 500 * 1024),
        (10 * 1024**2, 5, 2 * 1024**2),
        (0, 4, 1),
    ],
)
def test_size_step_gives_round_iec_labels(span: float, ticks: int, step: float) -> None:
    assert size_step(span, ticks) == step
    assert span / step <= max(ticks, 1) or span == 0
