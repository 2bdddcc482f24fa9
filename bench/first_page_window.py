"""all.html as the first page of a fresh window: how long, and who paces it.

Each round opens a fresh window (render_real_pages.window_run) for all.html alone and counts
the document view's frames, the frames it was behind in (more queued than its next slice)
and the time spent in its inserts. Given `--rest A,B`, rounds alternate DocumentView.REST_MS
between the values (an interleaved A/B). The renderer alone is measured first, as in
render_real_pages.py, for the ratio.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/first_page_window.py [--rounds 4]
     [--rest 5,2] [page.html]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import render_real_pages as pages

import ui.page.document_view as document_view

ALL_HTML = Path("/usr/share/doc/nodejs/api/all.html")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", nargs="?", type=Path, default=ALL_HTML)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--rest", default=str(document_view.REST_MS))
    args = parser.parse_args()
    if not args.page.exists():
        raise SystemExit(f"{args.page}: no such page (apt-get install nodejs-doc, or name one)")
    data = args.page.read_bytes()
    url = pages.served_url(args.page)
    alone = [pages.render_alone(data, url) for _ in range(3)]
    wall = {args.page: statistics.median(a[1] for a in alone)}
    cpu = {args.page: statistics.median(a[0] for a in alone)}
    print(f"renderer alone: {wall[args.page]:.2f} s")

    counts = {"insert_s": 0.0, "frames": 0, "behind": 0}
    view = document_view.DocumentView
    insert, frame = view._insert_slices, view._on_frame

    def timed_insert(self: document_view.DocumentView, *a: object, **k: object) -> None:
        started = time.perf_counter()
        insert(self, *a, **k)  # type: ignore[arg-type]
        counts["insert_s"] += time.perf_counter() - started

    def counted_frame(self: document_view.DocumentView) -> None:
        counts["frames"] += 1
        counts["behind"] += self._pending_chars > self.slice_chars
        frame(self)

    view._insert_slices = timed_insert  # type: ignore[method-assign]
    view._on_frame = counted_frame  # type: ignore[method-assign]
    rests = [int(r) for r in args.rest.split(",")]
    for _ in range(args.rounds):
        for rest in rests:
            document_view.REST_MS = rest
            counts.update(insert_s=0.0, frames=0, behind=0)
            print(f"\nREST_MS {rest}:", end="")
            pages.window_run([args.page], wall, cpu)
            print(
                f"  inserts {counts['insert_s']:.2f} s; frames {counts['frames']}, "
                f"behind in {counts['behind']}"
            )


if __name__ == "__main__":
    main()
