"""Every action of the window's menus has a journey: it was triggered this session.

The journeys trigger menu actions only through drive.trigger, which records the menu path and
the test. This test (run last, and only when the whole journeys package runs: conftest.py)
enumerates the menus of a fresh window, submenus included, and fails for any action no
journey triggered. A new menu action therefore needs a journey before it can land.
"""

from __future__ import annotations

from tests.gui.journeys import drive
from ui.shell.main_window import MainWindow

#: Menu actions whose journeys are still to be written. Shrinks to empty; an entry that a
#: journey covers meanwhile fails the test (so the list cannot hide a covered action).
TODO: frozenset[tuple[str, ...]] = frozenset()


def test_every_menu_action_was_triggered_by_a_journey(window: MainWindow) -> None:
    paths = [path for path, _ in drive.menu_actions(window)]
    assert paths, "the window has no menu actions: the enumeration is broken"
    assert len(paths) == len(set(paths)), f"two actions share a menu path: {sorted(paths)}"
    missing = [p for p in paths if p not in drive.TRIGGERED and p not in TODO]
    assert not missing, "menu actions no journey triggered:\n  " + "\n  ".join(
        " > ".join(p) for p in missing
    )
    stale = sorted(p for p in TODO if p in drive.TRIGGERED or p not in paths)
    assert not stale, f"TODO lists covered or vanished actions, remove them: {stale}"
