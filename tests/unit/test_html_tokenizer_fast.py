"""ui/text/render/tokenizer.py's fast path gives exactly what HTMLParser's own parsing gives.

Tokenizer.goahead handles the common start and end tags itself (bench/README.md: the
renderer's speed); the reference here is the same Tokenizer with HTMLParser's goahead, on
tag soup made of the pieces where the two could part: whitespace HTMLParser treats
differently (vertical tab, no-break space), quotes, "/" and "=" in odd places, character
references, raw text, comments, incomplete constructs. Whole, and split at a drawn point.
"""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_html_tokenizer import Recorder, Token
from ui.text.render.tokenizer import Tokenizer


class ReferenceTokenizer(Tokenizer):
    goahead = HTMLParser.goahead  # type: ignore[assignment]


PIECES = [
    "<",
    ">",
    "/",
    "=",
    '"',
    "'",
    " ",
    "\t",
    "\n",
    "\x0b",
    "\xa0",
    "\f",
    "&",
    "&amp;",
    "&lt",
    "&#39;",
    "&#x26;",
    "a",
    "B",
    "href",
    "x-y",
    ":",
    ".",
    "`",
    "<a",
    "<p",
    "</a",
    "</p",
    "<!--",
    "-->",
    "<!",
    "<?",
    "<br/>",
    "<script>",
    "</script>",
    "<style>",
    "</style >",
    "1",
    "é",
    '="',
    "'>",
    "<A HREF=",
    "<img src=x />",
    "<td",
    "</ td>",
    "\x00",
    "<li class=",
    "=x/",
]


def run(kind: type[Tokenizer], pieces: list[str]) -> list[Token]:
    sink = Recorder()
    tokenizer = kind(sink)
    for piece in pieces:
        tokenizer.feed(piece)
    tokenizer.close()
    return sink.tokens


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.integers(min_value=0))
def test_fast_path_equals_htmlparser(pieces: list[str], cut: int) -> None:
    html = "".join(pieces)
    assert run(Tokenizer, [html]) == run(ReferenceTokenizer, [html])
    cut %= len(html) + 1
    split = [html[:cut], html[cut:]]
    assert run(Tokenizer, split) == run(ReferenceTokenizer, split)
