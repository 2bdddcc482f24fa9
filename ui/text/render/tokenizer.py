"""HTML tokens from a stream of text: the only module that touches :mod:`html.parser`.

:class:`Tokenizer` turns text fed in arbitrary pieces into calls on a :class:`TokenSink`:
start tags (name lower-cased, attributes unescaped), self-closed start tags, end tags and text
(character references resolved). Comments, declarations and processing instructions are
dropped. The calls are the same whatever the split of the input, except that text may come as
several calls where the whole input gives one.

It is built on :class:`html.parser.HTMLParser`, which is tolerant, and it relies on a few of
its internals (``rawdata``, ``goahead``, ``parse_starttag`` and the other ``parse_*``
methods, ``cdata_elem``, ``set_cdata_mode``, the ``tagfind_tolerant`` /
``attrfind_tolerant`` / ``starttagopen`` patterns): CPython releases change them, so they
are confined here and pinned by tests/unit/test_html_tokenizer.py. What it adds:

- its own ``goahead`` loop, which tokenizes the text and the plain start and end tags that
  make up nearly every page itself (one ``findall`` gives all of them up to the first other
  construct) and hands the rest to HTMLParser's methods;
  tests/unit/test_html_tokenizer_fast.py checks it against HTMLParser's own ``goahead``;

- HTMLParser rescans an incomplete tag or comment from its start at every feed, so input
  behind one is only parsed once a ">" arrives;
- a tag, comment or declaration longer than ``MAX_CONSTRUCT`` code points is cut there: a
  start tag keeps the attributes complete in its first ``MAX_CONSTRUCT`` code points, and the
  input up to the next ">" (for a comment, its end) is dropped;
- the text of a raw-text element the sink is skipping (``<script>``, ``<style>``) is dropped
  as it comes, keeping only enough to find its end tag;
- ``<![foo`` declarations, on which ``_markupbase`` raises, are bogus comments;
- at the end of the input an unterminated comment gives nothing and an unterminated tag at
  most ``MAX_EOF_FLUSH`` code points of itself, as text.
"""

from __future__ import annotations

import html.parser as _html_parser
import re
from html import unescape
from html.parser import HTMLParser
from typing import Protocol

__all__ = ["MAX_CONSTRUCT", "MAX_EOF_FLUSH", "Attrs", "TokenSink", "Tokenizer"]

# An incomplete tag/comment/declaration is reparsed only when a ">" arrives, and cut here.
MAX_CONSTRUCT = 65_536
MAX_EOF_FLUSH = 4_096  # an unterminated tag at the end of input: shown as text up to this
UNTERMINATED_NOTE = " … (unterminated tag)"

_COMMENT_CLOSE = re.compile(r"--\s*>")  # what HTMLParser ends a comment at

# The fast path (see Tokenizer.goahead): the start and end tags nearly every page is made of,
# for which these give exactly what HTMLParser's parse_starttag / parse_endtag give. Only
# ASCII whitespace separates (HTMLParser puts "\v" into a tag name), names are plain, a bare
# value holds none of "'=<>` ; anything else goes the slow way, to HTMLParser itself.
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
# <script> and <style> start tags go the slow way, which enters raw-text mode.
_NOT_RAW_TEXT = "(?!(?i:" + "|".join(HTMLParser.CDATA_CONTENT_ELEMENTS) + ")(?![-a-zA-Z0-9]))"
# One findall gives every fast token of a piece at once: text up to the next "<" (group 1), a
# start tag (2: name, 3: attributes, 4: the blanks and "/" before ">"), an end tag (5: all of
# it, 6: its name), and, where no fast token matches, a last one (7: "<") that runs to the end
# of the input so findall stops there. A dot under DOTALL gets there in one step and the
# group holds only the "<": capturing the rest would copy it at every slow construct.
_FAST_TOKENS = re.compile(rf"([^<]++)|<{_NOT_RAW_TEXT}{_FAST_START}|({_FAST_END})|(<)(?s:.*)")
_CHARREF_TAIL = re.compile(r"[\s;]")


def _private_pattern(name: str) -> re.Pattern[str]:
    # Looked up once, so a CPython without it fails at import with a clear message, not
    # in the middle of a page.
    pattern = getattr(_html_parser, name, None)
    if not isinstance(pattern, re.Pattern):
        raise ImportError(f"html.parser.{name} is missing: ui.text.render.tokenizer needs updating")
    return pattern


_TAGFIND = _private_pattern("tagfind_tolerant")
_ATTRFIND = _private_pattern("attrfind_tolerant")
_STARTTAGOPEN = _private_pattern("starttagopen")
starttagopen_match = _STARTTAGOPEN.match

# A start tag's attributes, in order. The same list may be given for several tags: a sink
# reads it, never changes it.
Attrs = list[tuple[str, str | None]]
_NO_ATTRS: Attrs = []
MAX_CACHED_ATTRS = 4096  # distinct attribute texts remembered per document
MAX_CACHED_ATTRS_LEN = 256  # ...of at most this many code points (long ones rarely repeat)


class TokenSink(Protocol):
    """What receives the tokens. ``skipping`` is read while inside ``<script>``/``<style>``:
    True drops their text early (it is not shown)."""

    @property
    def skipping(self) -> bool: ...

    def start_tag(self, tag: str, attrs: Attrs) -> None: ...

    def start_end_tag(self, tag: str, attrs: Attrs) -> None: ...

    def end_tag(self, tag: str) -> None: ...

    def text(self, data: str) -> None: ...


def _cut_start_tag(head: str) -> tuple[str, Attrs]:
    """The tag name and the attributes complete in ``head``, the first MAX_CONSTRUCT code
    points of an over-long start tag (parsed as HTMLParser.parse_starttag does)."""
    match = _TAGFIND.match(head, 1)
    if match is None:
        return "", []
    tag = match.group(1).lower()
    attrs: Attrs = []
    k = match.end()
    while k < len(head):
        match = _ATTRFIND.match(head, k)
        if match is None or match.end() >= len(head):
            break  # the last one runs into the cut: dropped
        name, rest, value = match.group(1, 2, 3)
        if not rest:
            value = None
        elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
            value = value[1:-1]
        if value:
            value = unescape(value)
        attrs.append((name.lower(), value))
        k = match.end()
    return tag, attrs


class Tokenizer(HTMLParser):
    """Feed text in any pieces with :meth:`feed`, end with :meth:`close`; tokens go to
    ``sink`` as they complete."""

    def __init__(self, sink: TokenSink) -> None:
        super().__init__(convert_charrefs=True)
        self.sink = sink
        # Input waiting behind an incomplete construct (rawdata starts with it), unparsed until
        # a ">" comes; held_len counts it with the construct (0: nothing incomplete).
        self.held: list[str] = []
        self.held_len = 0
        # Dropping the rest of a construct cut at MAX_CONSTRUCT: until ">" or a comment's end.
        self.skip_until: str | None = None
        self.skip_last = ""  # the last character dropped (">" mode), the tail (comment mode)
        self.cut_tag: tuple[str, Attrs] | None = None
        # Parsed attributes by their source text (the fast path's; shared lists: see Attrs).
        self.attr_cache: dict[str, Attrs] = {}

    def updatepos(self, i: int, j: int) -> int:
        # HTMLParser counts lines for getpos(), which nothing here reads: ~5% of the time.
        return j

    def goahead(self, end: bool) -> None:
        """HTMLParser.goahead (CPython 3.11-3.13, with ``convert_charrefs``), with the
        common tags handled here and straight to the sink: HTMLParser's own path costs
        about four Python calls and five regex matches a tag, this one a tuple a token.
        Whatever else comes (a comment, a declaration, a tag outside the fast patterns, an
        incomplete construct, script or style text) goes to HTMLParser's methods, as before."""
        if self.cdata_elem:
            super().goahead(end)
            return
        rawdata = self.rawdata
        i = 0
        n = len(rawdata)
        sink = self.sink
        start_tag = sink.start_tag
        end_tag = sink.end_tag
        text = sink.text
        find_attrs = _FAST_ATTR.findall
        find_tokens = _FAST_TOKENS.findall
        attr_cache = self.attr_cache
        startswith = rawdata.startswith
        while i < n:
            # Every fast token from i on in one call, up to where the slow way takes over.
            slow = False
            for data, tag, attr_text, tail, whole_end, end_name, _ in find_tokens(rawdata, i):
                if data:  # text up to the next "<" (or the end)
                    j = i + len(data)
                    if j == n and not end:
                        # As HTMLParser: text ending in what may be half a character
                        # reference waits for more input.
                        amppos = rawdata.rfind("&", max(i, n - 34))
                        if amppos >= 0 and not _CHARREF_TAIL.search(rawdata, amppos):
                            self.rawdata = rawdata[i:]
                            return
                    text(unescape(data) if "&" in data else data)
                    i = j
                elif end_name:  # an end tag
                    end_tag(end_name.lower())
                    i += len(whole_end)
                elif tag:  # a start tag (over MAX_CONSTRUCT: cut, the slow way)
                    size = len(tag) + len(attr_text) + len(tail) + 2
                    if size > MAX_CONSTRUCT:
                        slow = True
                        break
                    tag = tag.lower()
                    attrs: Attrs = _NO_ATTRS
                    if attr_text:
                        # Pages repeat the same attributes thousands of times (a class on
                        # every <li>): each distinct short text is parsed once.
                        known = attr_cache.get(attr_text)
                        if known is not None:
                            attrs = known
                        else:
                            attrs = []
                            for name, eq, dq, sq, bare in find_attrs(attr_text):
                                if eq:
                                    value: str | None = dq or sq or bare
                                    if value and "&" in value:
                                        value = unescape(value)
                                else:
                                    value = None
                                attrs.append((name.lower(), value))
                            if len(attr_text) <= MAX_CACHED_ATTRS_LEN:
                                if len(attr_cache) >= MAX_CACHED_ATTRS:
                                    attr_cache.clear()
                                attr_cache[attr_text] = attrs
                    i += size
                    if tail[-1:] == "/":
                        sink.start_end_tag(tag, attrs)
                    else:
                        start_tag(tag, attrs)
                else:  # no fast token at i: the last one
                    slow = True
            if not slow:
                break
            # The slow way: HTMLParser's own, exactly as its goahead does it.
            if starttagopen_match(rawdata, i):
                k = self.parse_starttag(i)
            elif startswith("</", i):
                k = self.parse_endtag(i)
            elif startswith("<!--", i):
                k = self.parse_comment(i)
            elif startswith("<?", i):
                k = self.parse_pi(i)
            elif startswith("<!", i):
                k = self.parse_html_declaration(i)
            elif (i + 1) < n:
                text("<")
                k = i + 1
            else:
                break
            if k < 0:
                if not end:
                    break
                k = rawdata.find(">", i + 1)
                if k < 0:
                    k = rawdata.find("<", i + 1)
                    if k < 0:
                        k = i + 1
                else:
                    k += 1
                if self.cdata_elem:
                    text(rawdata[i:k])
                else:
                    text(unescape(rawdata[i:k]))
            i = k
            if self.cdata_elem:
                self.rawdata = rawdata[i:]
                super().goahead(end)
                return
        if end and i < n:
            text(unescape(rawdata[i:n]))
            i = n
        self.rawdata = rawdata[i:]

    # -- HTMLParser robustness: _markupbase raises AssertionError on "<![foo" declarations.

    def parse_html_declaration(self, i: int) -> int:
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            return self.parse_bogus_comment(i)

    def parse_bogus_comment(self, i: int, report: int = 0) -> int:
        pos = self.rawdata.find(">", i + 2)
        return -1 if pos == -1 else pos + 1

    # -- input: HTMLParser rescans an incomplete construct from its start at every feed

    def feed(self, data: str) -> None:
        while data:
            if self.skip_until is not None:
                data = self._skip_input(data)
                if not data:
                    return
            if self.held_len:
                self.held.append(data)
                self.held_len += len(data)
                if self.held_len < MAX_CONSTRUCT and ">" not in data:
                    return  # every construct ends with ">": no need to rescan it yet
                data = "".join(self.held)
                self.held.clear()
                self.held_len = 0
            self.rawdata += data
            data = ""
            self.goahead(False)
            raw = self.rawdata
            if self.cdata_elem:
                if self.sink.skipping and len(raw) > 2 * MAX_EOF_FLUSH:
                    # A script's or style's text is dropped: keep only enough to find its end.
                    self.rawdata = raw[-MAX_EOF_FLUSH:]
            elif len(raw) > 1 and raw[0] == "<":
                if len(raw) < MAX_CONSTRUCT:
                    self.held_len = len(raw)
                else:
                    data = self._cut_construct()

    def _cut_construct(self) -> str:
        """rawdata is an incomplete construct of MAX_CONSTRUCT code points or more: keep what
        its head holds, drop the rest up to its end; return the input after that."""
        raw = self.rawdata
        head = raw[:MAX_CONSTRUCT]
        self.rawdata = ""
        if head.startswith("<!--"):
            self.skip_until = "-->"
            self.skip_last = head[-64:]
        else:
            self.skip_until = ">"
            self.skip_last = head[-1]
            if _STARTTAGOPEN.match(head):
                self.cut_tag = _cut_start_tag(head)
        return self._skip_input(raw[MAX_CONSTRUCT:])

    def _skip_input(self, data: str) -> str:
        """Drop input up to the end of a cut construct; return what follows ("" while the
        construct goes on)."""
        if self.skip_until == ">":
            k = data.find(">")
            if k < 0:
                if data:
                    self.skip_last = data[-1]
                return ""
            before = data[k - 1] if k else self.skip_last
            self.skip_until = None
            self.skip_last = ""
            if self.cut_tag is not None:
                tag, attrs = self.cut_tag
                self.cut_tag = None
                if before == "/":
                    self.sink.start_end_tag(tag, attrs)
                else:
                    self.sink.start_tag(tag, attrs)
                    if tag in self.CDATA_CONTENT_ELEMENTS:
                        self.set_cdata_mode(tag)
            return data[k + 1 :]
        text = self.skip_last + data
        match = _COMMENT_CLOSE.search(text)
        if match is None:
            self.skip_last = text[-64:]
            return ""
        self.skip_until = None
        self.skip_last = ""
        return text[match.end() :]

    def close(self) -> None:
        # A construct cut at MAX_CONSTRUCT and still open at the end shows nothing.
        self.skip_until = None
        self.cut_tag = None
        if self.held:
            self.rawdata += "".join(self.held)
            self.held.clear()
        self.held_len = 0
        self.goahead(False)
        raw = self.rawdata
        note = False
        if len(raw) > 1 and raw[0] == "<" and not self.cdata_elem:
            if raw.startswith("<!--"):
                self.rawdata = ""  # an unterminated comment runs to the end, as in browsers
            elif len(raw) > MAX_EOF_FLUSH:
                self.rawdata = raw[:MAX_EOF_FLUSH]
                note = True
        super().close()
        if note:
            self.sink.text(UNTERMINATED_NOTE)

    # -- HTMLParser callbacks, forwarded

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        text = self.get_starttag_text()
        if text is not None and len(text) > MAX_CONSTRUCT:
            tag, attrs = _cut_start_tag(text[:MAX_CONSTRUCT])  # as if fed in slices
        self.sink.start_end_tag(tag, attrs)

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        text = self.get_starttag_text()
        if text is not None and len(text) > MAX_CONSTRUCT:
            tag, attrs = _cut_start_tag(text[:MAX_CONSTRUCT])  # as if fed in slices
        self.sink.start_tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.sink.end_tag(tag)

    def handle_data(self, data: str) -> None:
        self.sink.text(data)
