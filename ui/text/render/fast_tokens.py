"""The tokens nearly every page is made of, to a :class:`TokenSink`: compiled with the renderer.

:class:`ui.text.render.tokenizer.Tokenizer` is built on :class:`html.parser.HTMLParser`, which
mypyc cannot compile: its loop ran in the interpreter, and each token was a dynamic call into
the compiled Engine (bench/README.md). So its common case lives here: text, plain start tags
and end tags, from one ``findall`` a piece, handed to the sink as native calls when the sink is
a compiled class (the Engine). :class:`FastTokens` stops at the first construct the patterns
do not cover and says so; the Tokenizer hands that one to HTMLParser's methods and calls it
again after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Final, TypeVar

_T = TypeVar("_T")

try:
    from mypy_extensions import mypyc_attr
except ImportError:  # only mypyc reads it, and compiled classes never run it: no dependency

    def mypyc_attr(*_args: object, **_kwargs: object) -> Callable[[type[_T]], type[_T]]:  # type: ignore[misc]
        return lambda cls: cls


__all__ = ["MAX_CONSTRUCT", "SLOW", "TOKENS_END", "WAIT", "Attrs", "FastTokens", "TokenSink"]

# An incomplete tag/comment/declaration is reparsed only when a ">" arrives, and cut here.
MAX_CONSTRUCT: Final = 65_536

# A start tag's attributes, in order. The same list may be given for several tags: a sink
# reads it, never changes it.
Attrs = list[tuple[str, str | None]]
_NO_ATTRS: Attrs = []
MAX_CACHED_ATTRS: Final = 4096  # distinct attribute texts remembered per document
MAX_CACHED_ATTRS_LEN: Final = 256  # ...of at most this many code points (long ones rarely repeat)

# Why FastTokens.scan returned (its ``stop``):
TOKENS_END: Final = 0  # every token up to the end of the input was given
SLOW: Final = 1  # a construct the fast patterns do not cover starts where it stopped
WAIT: Final = 2  # the input ends in text that may be half a character reference

# The start and end tags nearly every page is made of, for which these give exactly what
# HTMLParser's parse_starttag / parse_endtag give. Only ASCII whitespace separates (HTMLParser
# puts "\v" into a tag name), names are plain, a bare value holds none of "'=<>` ; anything
# else goes the slow way, to HTMLParser itself.
_WS = "[ \t\n\r\f]"
_FAST_START = (
    rf"([a-zA-Z][-a-zA-Z0-9]*+)"
    rf"((?:{_WS}++[a-zA-Z_:][-a-zA-Z0-9_:.]*+"
    rf"(?:{_WS}*+={_WS}*+(?:\"[^\"]*+\"|'[^']*+'|[^\s\"'=<>`]++))?+)*+)"
    rf"({_WS}*+/?)>"
)
_FAST_ATTR = re.compile(
    rf"([a-zA-Z_:][-a-zA-Z0-9_:.]*+)"
    rf"(?:{_WS}*+(={_WS}*+)(?:\"([^\"]*+)\"|'([^']*+)'|([^\s\"'=<>`]++)))?+"
)
_FAST_END = r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>"  # HTMLParser's endtagfind
# <script> and <style> start tags go the slow way, which enters raw-text mode. (HTMLParser's
# CDATA_CONTENT_ELEMENTS: ui.text.render.tokenizer checks that they are the same.)
RAW_TEXT_ELEMENTS: Final = ("script", "style")
_NOT_RAW_TEXT = "(?!(?i:" + "|".join(RAW_TEXT_ELEMENTS) + ")(?![-a-zA-Z0-9]))"
# One findall gives every fast token of a piece at once: text up to the next "<" (group 1), a
# start tag (2: name, 3: attributes, 4: the blanks and "/" before ">"), an end tag (5: all of
# it, 6: its name), and, where no fast token matches, a last one (7: "<") that runs to the end
# of the input so findall stops there. A dot under DOTALL gets there in one step and the
# group holds only the "<": capturing the rest would copy it at every slow construct.
_FAST_TOKENS = re.compile(rf"([^<]++)|<{_NOT_RAW_TEXT}{_FAST_START}|({_FAST_END})|(<)(?s:.*)")
_CHARREF_TAIL = re.compile(r"[\s;]")

Token = tuple[str, str, str, str, str, str, str]  # one findall match: its seven groups


@mypyc_attr(allow_interpreted_subclasses=True)
class TokenSink:
    """What receives the tokens. A sink must subclass it: the compiled FastTokens checks the
    type (the pure build would take any object with these methods), and compiled subclasses
    get native calls."""

    def skipping(self) -> bool:
        """Asked while inside ``<script>``/``<style>``: True drops their text early (it is
        not shown)."""
        return False

    def start_tag(self, tag: str, attrs: Attrs) -> None:
        raise NotImplementedError

    def start_end_tag(self, tag: str, attrs: Attrs) -> None:
        raise NotImplementedError

    def end_tag(self, tag: str) -> None:
        raise NotImplementedError

    def text(self, data: str) -> None:
        raise NotImplementedError


class FastTokens:
    """The fast path of one document's tokenizer (its attribute cache lives as long)."""

    def __init__(self, sink: TokenSink) -> None:
        self.sink = sink
        self.stop = TOKENS_END
        # Parsed attributes by their source text (shared lists: see Attrs).
        self.attr_cache: dict[str, Attrs] = {}

    def scan(self, rawdata: str, i: int, end: bool) -> int:
        """Give the sink every fast token of ``rawdata`` from ``i`` on; return where they
        end, and set ``stop`` to why. Not at the end of input (``end`` false), text ending in
        what may be half a character reference waits for more input, as in HTMLParser."""
        n = len(rawdata)
        sink = self.sink
        tokens: list[Token] = _FAST_TOKENS.findall(rawdata, i)
        for data, tag, attr_text, tail, whole_end, end_name, _ in tokens:
            if data:  # text up to the next "<" (or the end)
                j = i + len(data)
                if j == n and not end:
                    amppos = rawdata.rfind("&", max(i, n - 34))
                    if amppos >= 0 and _CHARREF_TAIL.search(rawdata, amppos) is None:
                        self.stop = WAIT
                        return i
                sink.text(unescape(data) if "&" in data else data)
                i = j
            elif end_name:  # an end tag
                sink.end_tag(end_name.lower())
                i += len(whole_end)
            elif tag:  # a start tag (over MAX_CONSTRUCT: cut, the slow way)
                size = len(tag) + len(attr_text) + len(tail) + 2
                if size > MAX_CONSTRUCT:
                    self.stop = SLOW
                    return i
                attrs = self.attrs(attr_text) if attr_text else _NO_ATTRS
                i += size
                if tail and tail[-1] == "/":
                    sink.start_end_tag(tag.lower(), attrs)
                else:
                    sink.start_tag(tag.lower(), attrs)
            else:  # no fast token at i: the last one
                self.stop = SLOW
                return i
        self.stop = TOKENS_END
        return i

    def attrs(self, attr_text: str) -> Attrs:
        """The attributes of a fast start tag. Pages repeat the same attributes thousands of
        times (a class on every <li>): each distinct short text is parsed once."""
        known = self.attr_cache.get(attr_text)
        if known is not None:
            return known
        attrs: Attrs = []
        found: list[tuple[str, str, str, str, str]] = _FAST_ATTR.findall(attr_text)
        for name, eq, dq, sq, bare in found:
            if eq:
                value: str | None = dq or sq or bare
                if value and "&" in value:
                    value = unescape(value)
            else:
                value = None
            attrs.append((name.lower(), value))
        if len(attr_text) <= MAX_CACHED_ATTRS_LEN:
            if len(self.attr_cache) >= MAX_CACHED_ATTRS:
                self.attr_cache.clear()
            self.attr_cache[attr_text] = attrs
        return attrs
