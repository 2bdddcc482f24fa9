"""PhaseBar: proportional segments per hop, tooltip with exact milliseconds and totals."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from net.events import Timings
from ui.stream.phase_bar import PHASES, PhaseBar


@pytest.fixture
def bar(qtbot: QtBot) -> PhaseBar:
    widget = PhaseBar()
    qtbot.addWidget(widget)
    widget.resize(300, 20)
    return widget


def render(widget: PhaseBar) -> QImage:
    image = QImage(widget.size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    widget.render(image)
    return image


ONE = Timings(dns=0.012, connect=0.025, tls=0.040, request=0.001, wait=0.080, transfer=0.150)


def test_tooltip_has_every_phase_in_ms_and_the_total(bar: PhaseBar) -> None:
    bar.set_timings([ONE])
    tip = bar.toolTip()
    for label, ms in [
        ("DNS", "12.000 ms"),
        ("Connect", "25.000 ms"),
        ("TLS", "40.000 ms"),
        ("Request", "1.000 ms"),
        ("Waiting (TTFB)", "80.000 ms"),
        ("Transfer", "150.000 ms"),
        ("Total", "308.000 ms"),
    ]:
        assert label in tip and ms in tip
    assert bar.total == pytest.approx(ONE.total)


def test_several_hops_show_each_and_all(bar: PhaseBar) -> None:
    first = Timings(0.0004, 0.0011, 0.0, 0.0002, 0.0021, 0.0003)
    bar.set_timings([first, ONE])
    tip = bar.toolTip()
    assert "2 hops" in tip and "Hop 1" in tip and "Hop 2" in tip and "All hops" in tip
    assert "4.100 ms" in tip  # the first hop's total
    assert f"{(first.total + ONE.total) * 1000:,.3f} ms" in tip  # all hops
    assert "12.400 ms" in tip  # DNS summed over both hops
    assert bar.hops == [first, ONE]


def test_segments_are_proportional_and_tiny_phases_stay_visible(bar: PhaseBar) -> None:
    bar.set_timings([ONE])
    area = QRectF(0, 0, 308, 10)
    segments = bar.segments(area)
    assert [colour for _, colour in segments] == [colour for _, _, colour in PHASES]
    widths = [rect.width() for rect, _ in segments]
    assert widths == pytest.approx([12, 25, 40, 1, 80, 150])
    assert segments[-1][0].right() == pytest.approx(308)
    tiny = Timings(dns=0.0001, transfer=10.0)
    bar.set_timings([tiny])
    widths = [rect.width() for rect, _ in bar.segments(area)]
    assert widths[0] >= 1.0 and sum(widths) == pytest.approx(308)


def test_hops_are_consecutive_with_a_gap(bar: PhaseBar) -> None:
    bar.set_timings([ONE, ONE])
    segments = bar.segments(QRectF(0, 0, 618, 10))
    assert len(segments) == 12
    lefts = [rect.left() for rect, _ in segments]
    assert lefts == sorted(lefts)
    assert segments[6][0].left() - segments[5][0].right() == pytest.approx(2.0)


def test_empty_zero_and_cleared_states_render(bar: PhaseBar) -> None:
    render(bar)
    assert "No timings yet" in bar.toolTip()
    assert bar.segments(QRectF(0, 0, 100, 10)) == []
    bar.set_timings([Timings()])
    render(bar)
    assert "0.000 ms" in bar.toolTip()
    assert bar.segments(QRectF(0, 0, 100, 10)) == []
    bar.set_timings([ONE])
    image = render(bar)
    transfer = PHASES[-1][2]
    found = any(
        image.pixelColor(x, image.height() // 2).rgb() == transfer.rgb()
        for x in range(image.width())
    )
    assert found
    bar.clear()
    assert bar.hops == [] and "No timings yet" in bar.toolTip()
    bar.resize(5, 3)
    render(bar)


def test_fits_beside_a_status_line(bar: PhaseBar) -> None:
    hint = bar.sizeHint()
    assert hint.height() <= bar.fontMetrics().height() + 6
    assert bar.minimumSizeHint().width() <= 100
