"""What one pass of link hints or numbered links costs, against a repaint of the view.

Builds a document view holding N links (one a line, 100,000 by default), scrolls it to the
top, the middle and the end, and times LinkHints.refresh (the pass that runs at most once per
turn of the event loop while hints or numbers show: which links are on screen, their labels,
their places) with numbers and with letter hints, and the overlay's repaint with the numbers
on it (which repaints the viewport below it too), beside a plain repaint of the viewport
measured in the same run. Prints the median milliseconds and the ratio to that repaint.
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/link_hints.py [links]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.page.document_view import DocumentView

ROUNDS = 40


def median_ms(work: Callable[[], None]) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    links = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = QApplication.instance() or QApplication([])
    view = DocumentView()
    view.resize(900, 1000)
    view.show()
    QTest.qWaitForWindowExposed(view)
    for i in range(links):
        view.append_text(f"item {i}: see ")
        view.append_link(f"link number {i}", f"http://example.org/{i}")
        view.append_text(" and some more words after it\n")
    view.flush_pending()
    hints = view.link_hints
    bar = view.verticalScrollBar()
    print(f"{links} links; median of {ROUNDS} passes, ms (ratio to one viewport repaint)")
    for where, value in (("top", 0), ("middle", bar.maximum() // 2), ("end", bar.maximum())):
        bar.setValue(value)
        app.processEvents()
        repaint = median_ms(view.viewport().repaint)
        hints.set_numbered(True)
        numbered = median_ms(hints.refresh)
        painted = median_ms(hints.overlay.repaint)  # the viewport below, then the labels
        shown = len(hints.labels())
        hints.set_numbered(False)
        hints.start()
        lettered = median_ms(hints.refresh)
        hints.cancel()
        print(
            f"  {where:6} {shown} on screen: repaint {repaint:.2f}, numbers {numbered:.2f}"
            f" ({numbered / repaint:.2f}x), hints {lettered:.2f} ({lettered / repaint:.2f}x),"
            f" repaint with the numbers {painted:.2f} ({painted / repaint:.2f}x)"
        )


if __name__ == "__main__":
    main()
