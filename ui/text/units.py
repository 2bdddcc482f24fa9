"""The one place that turns byte counts, durations and rates into text (pure: no Qt).

One convention everywhere: IEC binary units (1 KiB = 1,024 B), three significant digits
with trailing zeros dropped ("512 B", "1.5 KiB", "93.4 KiB", "5.89 GiB"). One rate: the
bytes of a transfer divided by the transfer's own time, from the response head to the
latest byte (:func:`transfer_rate`); waiting for the server is not part of it.
"""

from __future__ import annotations

__all__ = [
    "UNITS",
    "format_duration",
    "format_ms",
    "format_rate",
    "format_size",
    "size_step",
    "transfer_rate",
]

#: Byte units by power of 1,024.
UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def _three_digits(value: float) -> str:
    """``value`` (>= 1) with three significant digits, trailing zeros dropped."""
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_size(count: float) -> str:
    """512 B, 1.5 KiB, 93.4 KiB, 12.3 MiB, 5.89 GiB (negative counts keep their sign)."""
    sign = "-" if count < 0 else ""
    value = abs(float(count))
    if value < 1024:
        return f"{sign}{value:.0f} B"
    for unit in UNITS[1:]:
        value /= 1024
        # 1023.9 KiB would print as "1024 KiB": such a value reads as the next unit.
        if round(value) < 1024 or unit == UNITS[-1]:
            return f"{sign}{_three_digits(value)} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def format_rate(bytes_per_second: float) -> str:
    """A rate in the same units: "5.2 MiB/s"."""
    return f"{format_size(bytes_per_second)}/s"


def transfer_rate(transferred: int, seconds: float) -> float | None:
    """THE rate: ``transferred`` bytes over ``seconds`` of transfer (from the head to the
    latest byte); None when no time has passed yet, so no figure is shown."""
    if seconds <= 0:
        return None
    return transferred / seconds


def format_duration(seconds: float) -> str:
    """0.42 ms, 26 ms, 1.25 s, 12.5 s, 2 min 05 s."""
    if seconds < 0:
        return f"-{format_duration(-seconds)}"
    if seconds < 0.01:
        text = f"{seconds * 1000:.2f}".rstrip("0").rstrip(".")
        return f"{text} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        text = f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"
        return f"{text.rstrip('0').rstrip('.')} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def format_ms(seconds: float) -> str:
    """Exact milliseconds, for tooltips that promise them: "1,234.567 ms"."""
    return f"{seconds * 1000:,.3f} ms"


def size_step(span: float, max_ticks: int) -> float:
    """An axis step for byte values: 1, 2 or 5 times a power of ten of the unit the span
    is written in (512 KiB, 2 MiB...), so every tick label is short and exact."""
    if span <= 0 or max_ticks < 1:
        return 1.0
    raw = span / max_ticks
    unit = 1.0
    while raw / unit >= 1024 and unit < 1024 ** (len(UNITS) - 1):
        unit *= 1024
    scaled = raw / unit
    power = 1.0
    while power * 10 <= scaled:
        power *= 10
    while power > scaled and power > 1:
        power /= 10
    for factor in (1, 2, 5, 10):
        if factor * power >= scaled:
            step = factor * power
            break
    # A step of 1,000 units or more is written in the next unit: use 1,024 of these instead.
    if step >= 1000:
        step = 1024
    return max(1.0, step * unit)
