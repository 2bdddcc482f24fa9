"""Does tokenizing stay linear on hostile text fed whole? (Input full of "<" that starts no tag.)

Each "<" that the fast patterns do not take ends a findall and goes the slow way; a form of the
loop that copied the rest of the input there (0f8e91e's review) took 15 s for 200 KB of
"a < b ". This feeds the tokenizer (to a sink that keeps nothing) 50, 100, 200 and 400 KB of
that text in one piece, and of an ordinary page's text for reference, and prints the CPU
seconds and how each grows from the smallest size: linear is 2x, 4x, 8x.

Run: .venv/bin/python bench/tokenizer_scaling.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from render_instructions import DroppingSink

from ui.text.render.tokenizer import Tokenizer

SIZES_KB = (50, 100, 200, 400)
ROUNDS = 3
HOSTILE = "a < b "
ORDINARY = '<p class="x">Some <a href="/y">linked</a> words &amp; more.</p>\n'


def tokenize_cpu(text: str) -> float:
    """The least CPU seconds of ROUNDS tokenizings of ``text`` fed whole."""
    best = float("inf")
    for _ in range(ROUNDS):
        cpu = time.process_time()
        tokenizer = Tokenizer(DroppingSink())
        tokenizer.feed(text)
        tokenizer.close()
        best = min(best, time.process_time() - cpu)
    return best


def main() -> None:
    print(f"{'KB':>5} {'hostile s':>10} {'growth':>7} {'ordinary s':>11} {'growth':>7}")
    first: tuple[float, float] | None = None
    for kb in SIZES_KB:
        hostile = tokenize_cpu(HOSTILE * (kb * 1000 // len(HOSTILE)))
        ordinary = tokenize_cpu(ORDINARY * (kb * 1000 // len(ORDINARY)))
        if first is None:
            first = (hostile, ordinary)
        print(
            f"{kb:>5} {hostile:>10.3f} {hostile / first[0]:>6.1f}x "
            f"{ordinary:>11.3f} {ordinary / first[1]:>6.1f}x"
        )


if __name__ == "__main__":
    main()
