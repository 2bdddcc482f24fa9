"""Accessible names and descriptions for the widgets Qt builds for us (a screen reader reads
these; the accessibility test walks every focusable widget of the window for them).

A widget of Yonder's own says its name and description in its own module
(setAccessibleName/-Description). A QTabWidget has parts it makes itself: the tab bar, whose
description a screen reader takes from the current tab's tooltip, and the two scroll buttons
a narrow tab bar shows.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QToolButton


def describe_tabs(tabs: QTabWidget, name: str, description: str, tips: dict[str, str]) -> None:
    """Name and describe ``tabs``, its tab bar and scroll buttons; ``tips``: tab text ->
    its tooltip (what the tab shows), for tabs that have none."""
    tabs.setAccessibleName(name)
    tabs.setAccessibleDescription(description)
    bar = tabs.tabBar()
    bar.setAccessibleName(name)
    bar.setAccessibleDescription(description)
    for index in range(tabs.count()):
        tip = tips.get(tabs.tabText(index).replace("&", ""))
        if tip and not tabs.tabToolTip(index):
            tabs.setTabToolTip(index, tip)
    for button in bar.findChildren(QToolButton):  # Qt's "Scroll Left" and "Scroll Right"
        button.setAccessibleDescription(f"Show more tabs of {name}")
