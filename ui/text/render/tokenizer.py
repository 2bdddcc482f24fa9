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

- its own ``goahead`` loop, in which :class:`~ui.text.render.fast_tokens.FastTokens`
  (compiled with the renderer) gives the text and the plain start and end tags that make up
  nearly every page (one ``findall`` gives all of them up to the first other construct), and
  HTMLParser's methods the rest;
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

from ui.text.render.fast_tokens import (
    MAX_CONSTRUCT,
    RAW_TEXT_ELEMENTS,
    SLOW,
    WAIT,
    Attrs,
    FastTokens,
    TokenSink,
)

__all__ = ["MAX_CONSTRUCT", "MAX_EOF_FLUSH", "Attrs", "TokenSink", "Tokenizer"]

MAX_EOF_FLUSH = 4_096  # an unterminated tag at the end of input: shown as text up to this
UNTERMINATED_NOTE = " … (unterminated tag)"

_COMMENT_CLOSE = re.compile(r"--\s*>")  # what HTMLParser ends a comment at


def _private_pattern(name: str) -> re.Pattern[str]:
    # Looked up once, so a CPython without it fails at import with a clear message, not
    # in the middle of a page.
    pattern = getattr(_html_parser, name, None)
    if not isinstance(pattern, re.Pattern):
        raise ImportError(f"html.parser.{name} is missing: ui.text.render.tokenizer needs updating")
    return pattern


if HTMLParser.CDATA_CONTENT_ELEMENTS != RAW_TEXT_ELEMENTS:
    raise ImportError(
        "html.parser's raw-text elements changed: ui.text.render.fast_tokens needs updating"
    )

_TAGFIND = _private_pattern("tagfind_tolerant")
_ATTRFIND = _private_pattern("attrfind_tolerant")
_STARTTAGOPEN = _private_pattern("starttagopen")
starttagopen_match = _STARTTAGOPEN.match


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
        self.fast = FastTokens(sink)

    def updatepos(self, i: int, j: int) -> int:
        # HTMLParser counts lines for getpos(), which nothing here reads: ~5% of the time.
        return j

    def goahead(self, end: bool) -> None:
        """HTMLParser.goahead (CPython 3.11-3.13, with ``convert_charrefs``), with the
        common tokens given by FastTokens (compiled), straight to the sink: HTMLParser's own
        path costs about four Python calls and five regex matches a tag. Whatever else comes
        (a comment, a declaration, a tag outside the fast patterns, an incomplete construct,
        script or style text) goes to HTMLParser's methods, as before."""
        if self.cdata_elem:
            super().goahead(end)
            return
        rawdata = self.rawdata
        i = 0
        n = len(rawdata)
        text = self.sink.text
        fast = self.fast
        scan = fast.scan
        startswith = rawdata.startswith
        while i < n:
            i = scan(rawdata, i, bool(end))
            if fast.stop == WAIT:
                self.rawdata = rawdata[i:]
                return
            if fast.stop != SLOW:
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
                if self.sink.skipping() and len(raw) > 2 * MAX_EOF_FLUSH:
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
