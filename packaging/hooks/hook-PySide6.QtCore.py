"""Yonder's hook for PySide6.QtCore: PyInstaller's collection, trimmed (see yonder_qt_trim)."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from yonder_qt_trim import collect

hiddenimports, binaries, datas = collect(__file__)
