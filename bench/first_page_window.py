"""all.html as the first page of a fresh window: how long, and who paces it.

Each round opens a fresh window (render_real_pages.window_run) for all.html alone and counts
the document view's frames, the frames it was behind in (more queued than its next slice)
and the time spent in its inserts. Given `--vary NAME=A,B`, rounds alternate the document
view's constant NAME (ui/page/document_view.py; render_process.NAME and turns.NAME: those
modules' in ui/page/) between the values (an interleaved A/B);
several --vary change together (their Nth values make variant N); `--rest A,B` is
`--vary REST_MS=A,B`. Medians per variant are printed at the end. The renderer alone is
measured as in render_real_pages.py, three times first (it warms up), then before each round:
a round's ratios divide by its own. Each round also measures it beside one CPU-bound process
(`yes`, as the window's GUI thread is beside the renderer process): on a machine whose two
cores slow each other down, that, not the quiet figure, is what the renderer process can do
in the window; the medians say how far the process's CPU in the window is from each.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/first_page_window.py [--rounds 4]
     [--rest 5,2 | --vary TICK_BUDGET_S=0.0105,0.0085 [--vary ...]] [page.html]
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
import ui.page.render_process as render_process
import ui.page.turns as turns

ALL_HTML = Path("/usr/share/doc/nodejs/api/all.html")
# Whose constants --vary sets: NAME is the document view's, render_process.NAME the renderer
# process's pipe reader's, turns.NAME TurnGuard's.
MODULES = {"document_view": document_view, "render_process": render_process, "turns": turns}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", nargs="?", type=Path, default=ALL_HTML)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--rest", help="REST_MS values: --vary REST_MS=...")
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        help="NAME=A,B: a constant's values (document_view's, or render_process.NAME, turns.NAME)",
    )
    args = parser.parse_args()
    variants = vary(args)
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
    results: dict[str, list[pages.WindowResult]] = {}
    busy_ratios: list[float] = []
    for round_no in range(args.rounds):
        # The machine's speed drifts (bench/README.md): each round's ratios divide by the
        # renderer alone measured just before it.
        round_cpu, round_wall, _ = pages.render_alone(data, url)
        wall[args.page], cpu[args.page] = round_wall, round_cpu
        busy_cpu = beside_busy(data, url)
        busy_ratios.append(busy_cpu / round_cpu)
        print(
            f"\nrenderer alone: {round_wall:.2f} s; CPU {round_cpu:.2f} s,"
            f" beside `yes` {busy_cpu:.2f} s ({busy_cpu / round_cpu:.2f}x)",
            end="",
        )
        # ABBA: no variant always runs first after the renderer alone.
        for variant in variants if round_no % 2 == 0 else variants[::-1]:
            label = " ".join(f"{name} {value}" for name, value in variant)
            for name, value in variant:
                module, _, constant = name.rpartition(".")
                setattr(MODULES[module or "document_view"], constant, value)
            counts.update(insert_s=0.0, frames=0, behind=0)
            print(f"\n{label}:", end="")
            results.setdefault(label, []).extend(pages.window_run([args.page], wall, cpu))
            print(
                f"  inserts {counts['insert_s']:.2f} s; frames {counts['frames']}, "
                f"behind in {counts['behind']}"
            )
    print(
        f"\nMedians of {args.rounds} rounds (on screen over the renderer alone; p99 gap; the"
        " renderer process's CPU over the renderer alone's):"
    )
    print(f"  the renderer alone beside `yes`: {statistics.median(busy_ratios):.2f}x its CPU")
    for label, rows in results.items():
        ratios = sorted(r.ratio for r in rows)
        p99s = sorted(r.p99_ms for r in rows)
        over = sum(p > 17 for p in p99s)
        print(
            f"  {label}: x alone {statistics.median(ratios):.2f}"
            f" ({ratios[0]:.2f}-{ratios[-1]:.2f}), p99 {statistics.median(p99s):.1f} ms,"
            f" p99 > 17 ms in {over} of {len(rows)},"
            f" process {statistics.median(r.process_ratio for r in rows):.2f}x"
        )


def beside_busy(data: bytes, url: str) -> float:
    """CPU seconds of the renderer alone while one `yes` keeps the other core busy."""
    with pages.busy_process():
        return pages.render_alone(data, url)[0]


def vary(args: argparse.Namespace) -> list[list[tuple[str, float]]]:
    """The variants the rounds alternate: each, the constants it sets (no --vary: REST_MS's
    own value, one variant)."""
    specs = args.vary + ([f"REST_MS={args.rest}"] if args.rest else [])
    columns: list[list[tuple[str, float]]] = []
    for spec in specs or ["REST_MS="]:
        name, _, text = spec.partition("=")
        module, _, constant = name.rpartition(".")
        current = getattr(MODULES.get(module or "document_view"), constant, None)
        if not isinstance(current, (int, float)):
            raise SystemExit(f"{name}: not a number in {', '.join(MODULES)} (ui/page/)")
        kind = type(current)
        columns.append([(name, kind(v)) for v in text.split(",") if v] or [(name, current)])
    if len({len(c) for c in columns}) != 1:
        raise SystemExit("each --vary needs as many values as the others")
    return [list(variant) for variant in zip(*columns, strict=True)]


if __name__ == "__main__":
    main()
