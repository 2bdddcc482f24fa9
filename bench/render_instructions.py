"""One render of a page, for an instruction count: run it under valgrind's callgrind.

CPU seconds on a shared machine vary more between runs than most changes to the renderer
(bench/README.md); the instructions executed are the same every run. Count a render, then
the same process without it (imports, reading the file), and subtract:

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.render \\
        .venv/bin/python bench/render_instructions.py render PAGE.html
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.none \\
        .venv/bin/python bench/render_instructions.py none PAGE.html
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.w3m \\
        w3m -dump -T text/html -cols 100 PAGE.html               # the reference

Modes: ``render`` (render_real_pages.render_alone: decoded and rendered as the window does, with
the URL that bench gives, so links resolve as served pages' do), ``tokenize`` (the tokenizer
alone, to a sink that keeps nothing), ``none``. callgrind_annotate on the
output file says where the instructions went.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from render_real_pages import render_alone, served_url

from ui.page.page_renderer import HTML_SLICE
from ui.text.render.tokenizer import Attrs, Tokenizer, TokenSink


class DroppingSink(TokenSink):
    """Receives the tokens and keeps none of them."""

    def skipping(self) -> bool:
        return True

    def start_tag(self, tag: str, attrs: Attrs) -> None:
        pass

    def start_end_tag(self, tag: str, attrs: Attrs) -> None:
        pass

    def end_tag(self, tag: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("render", "tokenize", "none"):
        raise SystemExit("usage: render_instructions.py render|tokenize|none PAGE.html")
    mode, path = sys.argv[1], Path(sys.argv[2])
    data = path.read_bytes()
    if mode == "render":
        render_alone(data, served_url(path))
    elif mode == "tokenize":
        text = data.decode("utf-8", errors="replace")
        pieces = [text[i : i + HTML_SLICE] for i in range(0, len(text), HTML_SLICE)]
        tokenizer = Tokenizer(DroppingSink())
        for piece in pieces:
            tokenizer.feed(piece)
        tokenizer.close()


if __name__ == "__main__":
    main()
