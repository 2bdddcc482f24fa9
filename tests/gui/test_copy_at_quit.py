"""A copy still on the clipboard when the app quits: the process ends cleanly (it aborted,
Qt deleting the Python-made QMimeData as the interpreter ended), with the text kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

QUIT_WITH_A_COPY = """
from PySide6.QtCore import QTimer
from PySide6.QtGui import QClipboard, QGuiApplication
from ui.app import create_application
from ui.page.rich_copy import RichSelection

app = create_application([])
clipboard = QGuiApplication.clipboard()
clipboard.setMimeData(RichSelection("copied words", lambda: "<b>copied</b> words"))
selection = RichSelection("selected", lambda: "<i>selected</i>")
clipboard.setMimeData(selection, QClipboard.Mode.Selection)
QTimer.singleShot(0, app.quit)
app.exec()
print(repr(clipboard.text()), type(clipboard.mimeData()).__name__)
"""


def test_the_app_quits_cleanly_with_its_copy_on_the_clipboard() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", QUIT_WITH_A_COPY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Fatal Python error" not in done.stderr
    assert done.stdout.split()[0] == "'copied"  # the text is still there, Qt's own now
    assert "RichSelection" not in done.stdout
