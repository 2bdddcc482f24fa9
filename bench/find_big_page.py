"""Find in a 30 MB document: the speed side of tests/gui/test_find_bar.py.

The test checks the work Find does (one snapshot, bounded steps); this measures the time, in
a shown FindBar over a QPlainTextEdit (offscreen), median of --runs:
- the first search for a common word (snapshot + lowering + the first 10,000 matches),
  typed text debounced as in use, the debounce itself subtracted;
- an absent word (the whole snapshot searched once);
- Next, averaged over 20 presses;
and the references, in the same run: Qt's own ``QTextDocument.find`` for the first 10,000
matches, and ``str.count`` of the word over the same text.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/find_big_page.py [--runs 3] [--size 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import qInstallMessageHandler  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QVBoxLayout, QWidget  # noqa: E402

from ui.app import _qt_message  # noqa: E402
from ui.page.find_bar import DEBOUNCE_MS, MAX_MATCHES, FindBar  # noqa: E402

WORDS = "the quick brown fox jumps over a lazy dog while the cat naps in warm sun\n"


def spin_until(app: QApplication, condition: Callable[[], bool], limit: float = 120) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("find_big_page: the find bar did not answer within 120 s")
        app.processEvents()


def one_run(app: QApplication, text: str) -> tuple[float, float, float, float]:
    """(first search, absent word, one Next, QTextDocument.find x10,000) in seconds."""
    host = QWidget()
    editor = QPlainTextEdit()
    editor.setReadOnly(True)
    editor.setPlainText(text)
    bar = FindBar()
    layout = QVBoxLayout(host)
    layout.addWidget(editor)
    layout.addWidget(bar)
    bar.attach(editor)
    host.resize(700, 400)
    host.show()
    app.processEvents()
    bar.open_bar()
    debounce = DEBOUNCE_MS / 1000
    started = time.perf_counter()
    bar.edit.setText("the")
    spin_until(app, lambda: bar.match_count > 0)
    first = time.perf_counter() - started - debounce
    started = time.perf_counter()
    bar.edit.setText("thez")
    spin_until(app, lambda: bar.count_label.text() == "No matches")
    absent = time.perf_counter() - started - debounce
    bar.edit.setText("the")
    spin_until(app, lambda: bar.match_count > 0)
    started = time.perf_counter()
    for _ in range(20):
        bar.find_next()
    step = (time.perf_counter() - started) / 20
    started = time.perf_counter()
    cursor = QTextCursor(editor.document())
    for _ in range(MAX_MATCHES):
        cursor = editor.document().find("the", cursor)
    qt_find = time.perf_counter() - started
    host.close()
    host.deleteLater()
    app.processEvents()
    return first, absent, step, qt_find


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=30, help="document size in MB")
    args = parser.parse_args()
    qInstallMessageHandler(_qt_message)  # drops the offscreen platform's one known notice
    app = QApplication.instance() or QApplication([])
    text = WORDS * (args.size * 1_000_000 // len(WORDS))
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    runs = [one_run(app, text) for _ in range(args.runs)]
    first, absent, step, qt_find = (statistics.median(column) for column in zip(*runs, strict=True))
    started = time.perf_counter()
    text.count("the")
    str_count = time.perf_counter() - started
    print(
        f"{args.size} MB find (median of {args.runs}): first search {first * 1000:.0f} ms "
        f"(incl. snapshot), absent word {absent * 1000:.0f} ms, Next {step * 1000:.2f} ms; "
        f"references: QTextDocument.find x{MAX_MATCHES:,} {qt_find * 1000:.0f} ms "
        f"(first search / that {first / qt_find:.2f}), str.count {str_count * 1000:.0f} ms"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
