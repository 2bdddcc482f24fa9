"""The journeys package: the menu coverage test runs last, and only with the whole package.

It checks what the journeys triggered during the session (tests/gui/journeys/drive.py), so
it means something only after every journey ran: when a run selects part of the package
(one file, ``-k``), the coverage test is deselected and says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.conftest import OFFSCREEN_NOISE, OFFSCREEN_POPUP_NOISE

HERE = Path(__file__).parent
COVERAGE_TEST = "test_menu_coverage.py"

_deselected: list[pytest.Item] = []


def pytest_deselected(items: list[pytest.Item]) -> None:
    _deselected.extend(items)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent == HERE:
            # pytest-qt reads only the closest qt_log_ignore marker: this one, with both.
            marker = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, OFFSCREEN_POPUP_NOISE)
            item.add_marker(marker, append=False)
    coverage = [i for i in items if i.path.name == COVERAGE_TEST and i.path.parent == HERE]
    if not coverage:
        return
    journey_files = {p for p in HERE.glob("test_*.py")}
    collected = {i.path for i in items if i.path.parent == HERE}
    partial = collected != journey_files or any(i.path.parent == HERE for i in _deselected)
    for item in coverage:
        items.remove(item)
    if partial:
        config.hook.pytest_deselected(items=coverage)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "journeys: menu coverage not checked (run all of tests/gui/journeys/ for it)"
            )
    else:
        items.extend(coverage)  # last: after every journey has triggered its actions
