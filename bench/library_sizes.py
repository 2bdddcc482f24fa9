"""Bookmarks and history at their bounds: what the pure layer (ui/library) costs.

    .venv/bin/python bench/library_sizes.py [--rounds 5]

- a Netscape bookmark file of MAX_BOOKMARKS (20,000) bookmarks in 40 folders, read by
  ui.library.netscape.parse_netscape, beside html.parser.HTMLParser merely tokenizing the same
  bytes (the reference: the cheapest standard-library pass over that HTML);
- writing that file (to_netscape) and the bookmarks.json round trip;
- history.json at its bound (MAX_VISITS entries, or MAX_VISIT_BYTES), written and read back;
- the yonder:history page of a full history: HTML made, and rendered by ui.text.render.HtmlRenderer.

CPU seconds (time.process_time), the median of the rounds; the load average is printed, and
the reference runs in the same rounds, so trust the ratio more than the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ui.library import pages
from ui.library.bookmarks import MAX_BOOKMARKS, Bookmark, Bookmarks
from ui.library.netscape import parse_netscape, to_netscape
from ui.library.visits import MAX_VISITS, Visits
from ui.text.render import HtmlRenderer


def cpu(fn: Callable[[], object], rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    print(f"load average before: {os.getloadavg()[0]:.2f}")

    marks = Bookmarks(
        Bookmark(
            0,
            f"Bookmark number {i} — a title of a usual length",
            f"https://site{i % 997}.example/path/{i}?q=a&b={i}",
            f"Folder {i % 40}/Sub {i % 3}",
            1_700_000_000 + i,
        )
        for i in range(MAX_BOOKMARKS)
    )
    netscape = to_netscape(marks)

    def tokenize() -> None:
        reference = HTMLParser()
        reference.feed(netscape.decode("utf-8"))
        reference.close()

    ref, _ = cpu(tokenize, rounds)
    read, result = cpu(lambda: parse_netscape(netscape), rounds)
    assert len(result.bookmarks) == MAX_BOOKMARKS  # type: ignore[attr-defined]
    write, _ = cpu(lambda: to_netscape(marks), rounds)
    data = marks.to_json()
    json_rt, _ = cpu(lambda: Bookmarks.from_json(marks.to_json()), rounds)

    visits = Visits()
    for i in range(MAX_VISITS + 500):
        visits.record(f"https://site{i % 300}.example/article/{i}", f"Article {i} title", i)
    history = json.dumps(visits.to_list()).encode()
    hist_rt, _ = cpu(lambda: Visits.from_list(json.loads(json.dumps(visits.to_list()))), rounds)
    page_html, _ = cpu(lambda: pages.history_html(visits), rounds)
    text = pages.history_html(visits)

    def render() -> None:
        renderer = HtmlRenderer(pages.HISTORY_URL, resolve=lambda _b, h: h)
        for start in range(0, len(text), 8192):
            renderer.feed(text[start : start + 8192])
        renderer.close()

    rendered, _ = cpu(render, rounds)

    mb = len(netscape) / 1e6
    print(f"Netscape file: {MAX_BOOKMARKS:,} bookmarks, {mb:.1f} MB")
    print(f"  HTMLParser tokenizing it (reference): {ref:.3f} s")
    print(f"  parse_netscape:                        {read:.3f} s  ({read / ref:.2f}x reference)")
    print(f"  to_netscape:                           {write:.3f} s")
    print(f"bookmarks.json: {len(data) / 1e6:.1f} MB, written and read back: {json_rt:.3f} s")
    print(
        f"history.json visits: {len(visits):,} entries, {len(history) / 1e6:.2f} MB, "
        f"written and read back: {hist_rt:.3f} s"
    )
    print(
        f"yonder:history page of them: {len(text) / 1e6:.2f} MB of HTML made in {page_html:.3f} s, "
        f"rendered in {rendered:.3f} s"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
