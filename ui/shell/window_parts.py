"""Everything :class:`ui.shell.main_window.MainWindow` builds after its first paint, in one
place.

The window imports this module in :meth:`~ui.shell.main_window.MainWindow.finish_build`, once
the first frame is on its way to the screen. Start-up time: importing these modules (the
page and its renderer, the Stream views, net/...) and making PySide6's Python enum types
cost more than the whole bare window does; the first frame needs none of it
(bench/window_stream.py --startup-only). Nothing the first frame needs may import it.
"""

from __future__ import annotations

from ui.shell.actions import WindowCommands
from ui.shell.library_controller import LibraryController
from ui.shell.services import WindowServices
from ui.shell.tabs import TabsController

__all__ = ["LibraryController", "TabsController", "WindowCommands", "WindowServices"]
