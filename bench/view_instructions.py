"""The GUI thread's side of a big page, for an instruction count: run it under valgrind.

The window renders a big page in the renderer process and inserts what comes back; on
all.html the GUI thread's share is what paces it (bench/README.md). This gives a page's
renderer answers (rendered here first, in the pieces the process answers in) to a real
DocumentView through PageRenderer's own handling of an answer, and inserts the text in
SLICE_CHARS slices as the frames do, with no event loop and no clock in the way:

    QT_QPA_PLATFORM=offscreen valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.view \\
        .venv/bin/python bench/view_instructions.py view PAGE.html
    QT_QPA_PLATFORM=offscreen valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.none \\
        .venv/bin/python bench/view_instructions.py none PAGE.html

The view's instructions are the first count minus the second (which renders the answers but
shows nothing). Without valgrind it prints the CPU seconds the view took.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication
from render_real_pages import served_url

from ui.page.document_view import SLICE_CHARS, DocumentView
from ui.page.page_renderer import HTML_SLICE, PageRenderer
from ui.text.fragments import resolve_link
from ui.text.render import HtmlRenderer
from ui.text.render.remote import Output, output_of

ANSWER_CHARS = 4 * HTML_SLICE  # text the renderer process renders between two answers, about


def answers(path: Path) -> list[Output]:
    """The page's renderer output, as the process sends it (ui/text/render/remote.py)."""
    text = path.read_text("utf-8", errors="replace")
    renderer = HtmlRenderer(served_url(path), 100, utf16=True, resolve=resolve_link)
    out = [
        output_of(renderer.feed(text[i : i + ANSWER_CHARS]), None)
        for i in range(0, len(text), ANSWER_CHARS)
    ]
    out.append(output_of(renderer.close(), None))
    return out


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("view", "none"):
        raise SystemExit("usage: view_instructions.py view|none PAGE.html")
    app = QApplication.instance() or QApplication([])
    given = answers(Path(sys.argv[2]))
    view = DocumentView()
    view.resize(1100, 700)
    view.show()
    app.processEvents()
    page = PageRenderer(view)
    if sys.argv[1] == "none":
        return
    cpu = time.process_time()
    view.begin_stream()
    for output in given:
        page._apply_output(output)
        view._insert_slices(budget=None, slice_chars=SLICE_CHARS)
    view.flush_pending()
    app.processEvents()
    characters = view.document().characterCount() - 1
    print(f"{len(given)} answers, {characters:,} characters: {time.process_time() - cpu:.2f} s")


if __name__ == "__main__":
    main()
