"""Incremental HTML to readable text for the Rendered view (pure Python, no Qt).

The window feeds decoded text as it arrives; every :meth:`HtmlRenderer.feed` returns a
:class:`Fragment`: the text newly completed (to append to the view as is), the links and style
spans that became known. Offsets are absolute from the start of the rendered document, in code
points, or in UTF-16 code units with ``utf16=True`` (what QTextCursor positions count).

Everything is emitted as soon as it can be. A data table is held until ``</table>``, because
its column widths depend on every row, and then laid out in aligned columns. A table that
turns out to be a layout table, or grows too big to hold, is shown linearly instead, as lynx
does: what it holds goes out at once, then each cell streams into the document as it arrives
(a row's one-line cells share a line, two spaces apart; empty cells show nothing), with its
links, styles, lists and nested tables; a small data table nested in it is still aligned at its
own ``</table>``. A held table goes linear when, in one of its cells:

- a ``<table>``, ``<h1>``-``<h6>`` or ``<blockquote>`` starts (nested tables and headings are
  page layout);
- a block (``<p>``, ``<div>``, ``<ul>``, ``<pre>``...) starts after text of the same cell: data
  tables wrap a cell's text in one block (Sphinx's ``<td><p>``), layouts put several; in a
  table nested in another table's cell, any block does (Hacker News' ``<center><div>``);
- its held text passes ``MAX_HELD_TEXT`` code points, or its rows and cells ``MAX_HELD_CELLS``:
  memory and the wait stay bounded.

The switch happens at a tag, never at a chunk boundary, so the output does not depend on how
the input was split. Links are reported when they close (so their text is complete); a link
a switch cuts in two comes as two pieces sharing one index. Styles are reported per fragment,
possibly split into adjacent pieces. Paragraphs are never hard-wrapped: lines stay logical and
the view word-wraps, except that no line grows much past ``MAX_LINE_CHARS``: the view lays a
line out as one unit, so a megabyte paragraph would freeze it. A line that has passed the
limit ends at its next collapsed space (which becomes "\n": offsets stay the same); one that
reaches twice the limit without such a space (preformatted text, a very long word) gets an
extra "\n", counted in every offset. Both depend on the output only, not on the input split.

Built on :class:`html.parser.HTMLParser`, which is fast (regex driven) and tolerant; the
renderer adds the browser-like recovery it lacks: implicit closes (``<li>``, ``<td>``, ``<a>``),
stray end tags, skipped elements (scripts, styles, templates...), bounded nesting. HTMLParser
rescans an incomplete tag or comment from its start at every feed, so input behind one is only
parsed once a ">" arrives; and a tag, comment or declaration longer than ``MAX_CONSTRUCT``
code points is cut there: a start tag keeps the attributes complete in its first
``MAX_CONSTRUCT`` code points, and the input up to the next ">" (for a comment, its end) is
dropped. At the end of the document an unterminated comment shows nothing and an unterminated
tag at most ``MAX_EOF_FLUSH`` code points of itself, as text.
"""

from __future__ import annotations

import html.parser as _html_parser
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from html import unescape
from html.parser import HTMLParser

from net.errors import InvalidURL

__all__ = [
    "Fragment",
    "HtmlRenderer",
    "Link",
    "Span",
    "Style",
    "join_fragments",
    "render_html",
]


class Style(StrEnum):
    """What a :class:`Span` asks the view to format."""

    H1 = "h1"
    H2 = "h2"
    H3 = "h3"
    H4 = "h4"
    H5 = "h5"
    H6 = "h6"
    STRONG = "strong"
    EMPHASIS = "emphasis"
    CODE = "code"  # inline code, kbd, samp: monospace
    PRE = "pre"  # preformatted block: monospace, no wrapping wanted
    TABLE = "table"  # a laid-out table: monospace, or the columns do not line up
    QUOTE = "quote"
    STRIKE = "strike"
    UNDERLINE = "underline"
    IMAGE = "image"  # the "[image: alt]" placeholder
    RULE = "rule"  # the line drawn for <hr>
    FORM = "form"  # a form control placeholder: "[Search____]", "[x]", "[ Submit ]"


@dataclass(frozen=True, slots=True)
class Link:
    """A link's range in the output. A link wrapped inside a table cell comes as several
    pieces sharing one ``index``."""

    index: int  # the n-th link of the document, counting from 0, in source order
    start: int
    end: int
    href: str  # the attribute as written (surrounding whitespace removed)
    url: str | None  # absolute URL to follow; None when Yonder cannot follow it
    text: str  # the link text, whitespace collapsed
    problem: str | None = None  # why ``url`` is None ("javascript: is not supported ...")

    @property
    def followable(self) -> bool:
        return self.url is not None


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    style: Style


@dataclass(frozen=True, slots=True)
class Fragment:
    """Output of one feed()/close(): ``text`` starts at offset ``start`` of the document.

    ``links`` and ``spans`` may refer to text given in earlier fragments (a link is reported
    when it closes), never to text not given yet.
    """

    start: int
    text: str
    links: tuple[Link, ...] = ()
    spans: tuple[Span, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.text or self.links or self.spans)


def join_fragments(fragments: Iterable[Fragment]) -> Fragment:
    """Concatenate fragments into one, with adjacent pieces of a style merged and spans and
    links sorted: the same result whatever the chunking of the input was."""
    texts: list[str] = []
    links: list[Link] = []
    spans: list[Span] = []
    start: int | None = None
    for fragment in fragments:
        if start is None:
            start = fragment.start
        texts.append(fragment.text)
        links.extend(fragment.links)
        spans.extend(fragment.spans)
    return Fragment(
        start or 0,
        "".join(texts),
        tuple(sorted(links, key=lambda k: (k.start, k.index))),
        tuple(_merge_spans(spans)),
    )


def _merge_spans(spans: list[Span]) -> list[Span]:
    by_style: dict[Style, list[Span]] = {}
    for span in spans:
        by_style.setdefault(span.style, []).append(span)
    merged: list[Span] = []
    for style, items in by_style.items():
        items.sort(key=lambda s: s.start)
        cur_start, cur_end = items[0].start, items[0].end
        for span in items[1:]:
            if span.start <= cur_end:
                cur_end = max(cur_end, span.end)
            else:
                merged.append(Span(cur_start, cur_end, style))
                cur_start, cur_end = span.start, span.end
        merged.append(Span(cur_start, cur_end, style))
    merged.sort(key=lambda s: (s.start, s.end, s.style))
    return merged


def render_html(
    html: str,
    base_url: str,
    width: int = 100,
    *,
    utf16: bool = False,
    underline_headings: bool = False,
) -> tuple[Fragment, str | None]:
    """Render a whole document at once: (the joined output, the title)."""
    renderer = HtmlRenderer(base_url, width, utf16=utf16, underline_headings=underline_headings)
    first = renderer.feed(html)
    return join_fragments([first, renderer.close()]), renderer.title


def _resolve_with_net(base: str, reference: str) -> str:
    # Imported on first use so this module loads even where net.url is not needed.
    from net.url import resolve_url

    return resolve_url(base, reference).url


# --------------------------------------------------------------------------- limits

MAX_PREFIX_DEPTH = 24  # nested lists/quotes beyond this share their parent's indentation
MAX_INDENT = 48  # characters of indentation/quote marks shown at most
MAX_LINK_TEXT = 1000
MAX_TITLE = 1000
MAX_SPAN = 64  # colspan/rowspan clamp (the HTML spec allows 1000 / 65534)
MAX_TABLE_DEPTH = 16
MAX_COLUMNS = 40  # wider tables are shown row by row, not aligned
MIN_COLUMN = 6
# A table still held past either limit is shown linearly from there on (it is a layout table or
# too big to wait for): bounded memory and latency whatever the page.
MAX_HELD_TEXT = 16_384  # code points of cell text
MAX_HELD_CELLS = 4_096  # rows and cells
COLUMN_GAP = "  "
IMPLICIT_CLOSE_REACH = 32  # how deep <li>/<dd>/<option> look for an element to close
RULE_WIDTH = 40
# Lines longer than this are broken (must match ui.document_view.MAX_LINE_CHARS, which breaks
# text/plain the same way; this module stays free of Qt).
MAX_LINE_CHARS = 4096
# An incomplete tag/comment/declaration is reparsed only when a ">" arrives, and cut here.
MAX_CONSTRUCT = 65_536
MAX_EOF_FLUSH = 4_096  # an unterminated tag at the end of input: shown as text up to this

_COMMENT_CLOSE = re.compile(r"--\s*>")  # what HTMLParser ends a comment at
_WS_RE = re.compile(r"[ \t\n\f]+")  # HTML whitespace (CR is normalised away in feed())
_BULLETS = ("•", "◦", "▪")

_VOID = frozenset(
    (
        "area",
        "base",
        "basefont",
        "bgsound",
        "br",
        "col",
        "embed",
        "frame",
        "hr",
        "image",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    )
)
# Elements whose content is never shown (fallbacks, code, invisible things).
_SKIP = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "datalist",
        "noembed",
        "noframes",
    )
)
_BLOCK2 = frozenset(
    (
        "p",
        "dl",
        "figure",
        "address",
        "center",
        "hgroup",
        "fieldset",
        "form",
        "details",
        "dialog",
        "main",
        "article",
        "section",
        "header",
        "footer",
        "nav",
        "aside",
    )
)
_BLOCK1 = frozenset(
    (
        "div",
        "dt",
        "figcaption",
        "legend",
        "summary",
        "body",
        "html",
        "search",
        "frameset",
        "optgroup",
        "caption",
        "tbody",
        "thead",
        "tfoot",
    )
)
_STYLE_TAGS: dict[str, Style] = {
    "b": Style.STRONG,
    "strong": Style.STRONG,
    "i": Style.EMPHASIS,
    "em": Style.EMPHASIS,
    "cite": Style.EMPHASIS,
    "dfn": Style.EMPHASIS,
    "var": Style.EMPHASIS,
    "code": Style.CODE,
    "tt": Style.CODE,
    "kbd": Style.CODE,
    "samp": Style.CODE,
    "s": Style.STRIKE,
    "strike": Style.STRIKE,
    "del": Style.STRIKE,
    "u": Style.UNDERLINE,
    "ins": Style.UNDERLINE,
}
_HEADINGS: dict[str, Style] = {f"h{n}": Style(f"h{n}") for n in range(1, 7)}
_PRE_TAGS = frozenset({"pre", "xmp", "listing", "plaintext"})
_LIST_TAGS = frozenset({"ul", "ol", "menu", "dir"})
# An end tag of a formatting element never closes across a cell or a table (like the
# "markers" of the HTML spec's list of active formatting elements).
_CELL_SCOPE = frozenset({"td", "th", "caption", "table", "button"})
_TABLE_SCOPE = frozenset({"table"})
# In a held table's cell, these make it a layout table at once (shown linearly) ...
_LAYOUT_TAGS = frozenset({"table", "blockquote"} | set(_HEADINGS))
# ... and these when they follow text in the same cell (a second block: data tables wrap a
# cell's text in one <p> or <div>, as Sphinx does), or in any cell of a nested table.
_CELL_BLOCKS = frozenset(
    {"div", "ul", "ol", "menu", "dir", "dl", "hr", "search"}
    | _PRE_TAGS
    | (_BLOCK2 - {"form"})  # a form around a few controls is no sign of layout
)


def _display_width(text: str) -> int:
    """Columns a string takes in a monospace font (wide East Asian characters count 2)."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


def _utf16_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- writer


class _OpenLink:
    __slots__ = ("href", "index", "problem", "start", "text", "text_len", "url")

    def __init__(self, index: int, href: str, url: str | None, problem: str | None) -> None:
        self.index = index
        self.href = href
        self.url = url
        self.problem = problem
        self.start: int | None = None
        self.text: list[str] = []
        self.text_len = 0


class _Prefix:
    __slots__ = ("cont", "first", "fresh")

    def __init__(self, first: str, cont: str) -> None:
        self.first = first
        self.cont = cont
        self.fresh = True


class _Writer:
    """Lays out inline text into lines: whitespace collapsing, block breaks, line prefixes
    (list markers, quote bars), style spans and links. One for the document, one per table
    cell (cells are laid out later, so their offsets are local and in code points)."""

    def __init__(self, utf16: bool = False, limit: int = 0) -> None:
        self.utf16 = utf16
        self.limit = limit  # break lines past this many code points (0: never)
        self.run = 0  # code points written since the last "\n" (kept when ``limit`` is set)
        self.parts: list[str] = []
        self.pos = 0
        self.content_end = 0  # offset just past the last visible character written
        self.trailing_nl = 0  # how many "\n" end the output
        self.pending_nl = 0  # newlines owed before the next content (1 = new line, 2 = blank)
        self.pending_space = ""  # owed before the next content on this line: " ", or a gap
        self.at_line_start = True
        self.line_chars = 0  # content characters on the current line (heading underlines)
        self.prefixes: list[_Prefix] = []
        self.prefix_overflow = 0
        self._cont_cache: str | None = ""
        self.fresh = False
        self.open_styles: dict[Style, int | None] = {}
        self.pending_starts = False
        self.spans: list[Span] = []
        self.links: list[Link] = []
        self.link: _OpenLink | None = None

    # -- low level

    def units(self, text: str) -> int:
        return _utf16_len(text) if self.utf16 else len(text)

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.pos += _utf16_len(text) if self.utf16 else len(text)
        if self.limit:
            nl = text.rfind("\n")
            self.run = self.run + len(text) if nl < 0 else len(text) - nl - 1

    def _break_long(self, text: str, soft: bool) -> str:
        """``text`` with the line breaks a long line gets: once the line holds ``limit``
        characters, its next space (``soft``: collapsed text) becomes "\n"; at twice the limit
        without one, an extra "\n" goes before the next character."""
        limit = self.limit
        hard = 2 * limit
        run = self.run
        n = len(text)
        out: list[str] = []
        i = 0
        while run + n - i > limit:
            k = max(i, i + hard - run)  # text[k] would be past the hard limit
            j = text.find(" ", i + max(0, limit - run), k + 1) if soft else -1
            if j >= 0:
                out += (text[i:j], "\n")
                i = j + 1
            elif k < n:
                out += (text[i:k], "\n")
                i = k
            else:
                break
            run = 0
        out.append(text[i:])
        return "".join(out)

    def _cont_prefix(self) -> str:
        if self._cont_cache is None:
            self._cont_cache = "".join(p.cont for p in self.prefixes)[-MAX_INDENT:]
        return self._cont_cache

    def _line_prefix(self) -> str:
        if not self.fresh:
            return self._cont_prefix()
        text = "".join(p.first if p.fresh else p.cont for p in self.prefixes)
        for prefix in self.prefixes:
            prefix.fresh = False
        self.fresh = False
        return text[-MAX_INDENT:]

    def _blank_prefix(self) -> str:
        # A blank line carries the quote bars of the blocks it is inside, not of a block
        # that has not shown its first line yet.
        if not self.fresh:
            return self._cont_prefix().rstrip()
        return "".join(p.cont for p in self.prefixes if not p.fresh)[-MAX_INDENT:].rstrip()

    def _newlines(self, count: int) -> None:
        need = count - self.trailing_nl
        if need <= 0:
            return
        if not self.at_line_start:
            self._emit("\n")
            self.trailing_nl = 1
            self.at_line_start = True
            need -= 1
        if need > 0:
            self._emit((self._blank_prefix() + "\n") * need)
            self.trailing_nl += need

    def _begin_content(self, styled: bool = True) -> bool:
        """Write what is owed before content; True when a separating space was written."""
        spaced = False
        if self.pending_nl:
            if self.pos:
                self._newlines(self.pending_nl)
            self.pending_nl = 0
            self.pending_space = ""
        if self.at_line_start:
            prefix = self._line_prefix()
            if prefix:
                self._emit(prefix)
            self.at_line_start = False
            self.pending_space = ""
            self.line_chars = 0
        elif self.pending_space:
            space = self.pending_space
            if self.limit and self.run >= self.limit:
                space = space[:-1] + "\n"  # a long line ends here (same length)
            self._emit(space)
            self.line_chars += len(space)
            self.pending_space = ""
            spaced = True
        elif self.limit and self.run >= 2 * self.limit:
            self._emit("\n")  # a long line without a space to end at
        if styled and self.pending_starts:
            pos = self.pos
            for style, start in self.open_styles.items():
                if start is None:
                    self.open_styles[style] = pos
            if self.link is not None and self.link.start is None:
                self.link.start = pos
            self.pending_starts = False
        return spaced

    def _content(self, text: str, soft: bool = True) -> None:
        spaced = self._begin_content()
        if self.limit and self.run + len(text) > self.limit:
            self._emit(self._break_long(text, soft))
        else:
            self._emit(text)
        self.content_end = self.pos
        self.trailing_nl = 0
        self.line_chars += len(text)
        link = self.link
        if link is not None and link.start is not None and link.text_len < MAX_LINK_TEXT:
            if spaced:
                link.text.append(" ")
            link.text.append(text)
            link.text_len += len(text)

    # -- inline content

    def text(self, data: str) -> None:
        """Text outside <pre>: whitespace runs collapse to one space, like a browser."""
        collapsed = _WS_RE.sub(" ", data)
        if not collapsed:
            return
        if collapsed[0] == " ":
            if not self.pending_space:  # keep a wider gap owed between linear cells
                self.pending_space = " "
            collapsed = collapsed[1:]
            if not collapsed:
                return
        trailing = collapsed[-1] == " "
        if trailing:
            collapsed = collapsed[:-1]
        self._content(collapsed)
        if trailing:
            self.pending_space = " "

    def raw(self, data: str) -> None:
        """Preformatted text: kept verbatim, line by line (prefixes still apply)."""
        first = True
        for line in data.split("\n"):
            if not first:
                self.hard_newline()
            first = False
            if line:
                self._content(line, soft=False)

    def token(self, text: str, style: Style) -> None:
        """An atomic placeholder ("[image: x]", "[x]") with its own style span."""
        self._begin_content()
        start = self.pos
        self._content(text, soft=False)
        self.spans.append(Span(start, self.pos, style))

    # -- breaks

    def block(self, count: int) -> None:
        """Start the next content on a new line (1) or after a blank line (2)."""
        if count > self.pending_nl:
            self.pending_nl = count
        self.pending_space = ""

    def hard_newline(self) -> None:
        """End the current line now (<br>, a newline in <pre>)."""
        if not self.pos:
            return  # no blank lines at the very top
        if self.pending_nl:
            self._newlines(self.pending_nl)
            self.pending_nl = 0
        if self.at_line_start:
            self._emit(self._blank_prefix() + "\n")
        else:
            self._emit("\n")
        self.trailing_nl += 1
        self.at_line_start = True
        self.pending_space = ""

    # -- prefixes (indentation, list markers, quote bars)

    def push_prefix(self, first: str, cont: str) -> bool:
        if len(self.prefixes) >= MAX_PREFIX_DEPTH:
            self.prefix_overflow += 1
            return True
        self.prefixes.append(_Prefix(first, cont))
        self.fresh = True
        self._cont_cache = None
        return True

    def pop_prefix(self) -> None:
        if self.prefix_overflow:
            self.prefix_overflow -= 1
            return
        if self.prefixes:
            self.prefixes.pop()
            self._cont_cache = None
            self.fresh = any(p.fresh for p in self.prefixes)

    # -- styles and links

    def open_style(self, style: Style) -> None:
        self.open_styles[style] = None
        self.pending_starts = True

    def close_style(self, style: Style) -> None:
        start = self.open_styles.pop(style, None)
        if start is not None and self.content_end > start:
            self.spans.append(Span(start, self.content_end, style))

    def cut_styles(self, resume: bool) -> None:
        """Report open styles up to here; resume them here (fragment boundary) or at the next
        content (before a table, whose cells carry their own styles)."""
        for style, start in self.open_styles.items():
            if start is None:
                continue
            if self.content_end > start:
                self.spans.append(Span(start, self.content_end, style))
            self.open_styles[style] = self.content_end if resume else None
            if not resume:
                self.pending_starts = True

    def open_link(self, link: _OpenLink) -> None:
        self.link = link
        self.pending_starts = True

    def close_link(self) -> None:
        link = self.link
        self.link = None
        if link is None or link.start is None or self.content_end <= link.start:
            return
        text = _WS_RE.sub(" ", "".join(link.text)).strip()
        self.links.append(
            Link(link.index, link.start, self.content_end, link.href, link.url, text, link.problem)
        )

    def finish(self) -> None:
        self.close_link()
        for style in list(self.open_styles):
            self.close_style(style)

    def drain(self) -> tuple[str, list[Link], list[Span]]:
        text = "".join(self.parts)
        self.parts.clear()
        links, spans = self.links, self.spans
        self.links, self.spans = [], []
        return text, links, spans

    # -- pre-laid-out lines (tables)

    def put_lines(self, lines: list[str], block: bool = True) -> list[int]:
        """Write whole lines as a block (or, ``block=False``, the first one where the next
        content would go); return the offset where each line's text starts."""
        starts: list[int] = []
        if block:
            self.block(1)
        for i, line in enumerate(lines):
            if i:
                self.hard_newline()
            if line:
                self._begin_content(styled=False)
                starts.append(self.pos)
                self._emit(line)
                self.content_end = self.pos
                self.trailing_nl = 0
            else:
                starts.append(self.pos)
        return starts


# --------------------------------------------------------------------------- tables


class _Cell:
    __slots__ = ("colspan", "header", "links", "rowspan", "spans", "text", "writer")

    def __init__(self, colspan: int, rowspan: int, header: bool) -> None:
        self.writer = _Writer()
        self.colspan = colspan
        self.rowspan = rowspan
        self.header = header
        self.text = ""
        self.links: list[Link] = []
        self.spans: list[Span] = []

    def finish(self) -> None:
        writer = self.writer
        writer.finish()
        text, self.links, spans = writer.drain()
        self.text = text[: writer.content_end]
        # A nested table's TABLE span is redundant inside the outer table, and styles
        # inherited level after level would pile up: keep one span per styled range.
        self.spans = _merge_spans([s for s in spans if s.style is not Style.TABLE]) if spans else []


class _Table:
    """A table being read. Held (``linear`` False): rows of finished cells wait for the
    layout at ``</table>``. Linear: cells write straight into ``parent`` as they arrive."""

    __slots__ = (
        "caption",
        "cell",
        "cell_entry",
        "held",
        "held_text",
        "linear",
        "mark",
        "nested",
        "parent",
        "row_open",
        "rows",
    )

    def __init__(self, parent: _Writer, nested: bool) -> None:
        self.parent = parent
        self.rows: list[list[_Cell]] = []
        self.row_open = False
        self.cell: _Cell | None = None  # the open held cell (None in linear mode)
        self.cell_entry: _Entry | None = None  # the open cell's or caption's entry
        self.caption: _Cell | None = None
        self.nested = nested  # inside another table's cell: any block in a cell is layout
        self.linear = False
        self.held = 0  # rows and cells held
        self.held_text = 0  # code points of text in the held cells
        # A linear cell's start: (parent.pos, pending_nl, pending_space), to take back the
        # separator it asked for when it shows nothing.
        self.mark: tuple[int, int, str] = (0, 0, "")


def _span_attr(value: str | None) -> int:
    if not value:
        return 1
    digits = re.match(r"\s*(\d+)", value)
    if not digits:
        return 1
    return max(1, min(int(digits.group(1)[:6]), MAX_SPAN))


def _line_ranges(text: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            ranges.append((start, len(text)))
            return ranges
        ranges.append((start, end))
        start = end + 1


def _wrap(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Split text[start:end] into pieces of at most ``width`` columns, at spaces if possible."""
    pieces: list[tuple[int, int]] = []
    ascii_only = text.isascii()
    while True:
        if ascii_only:
            if end - start <= width:
                break
            limit = start + width
        else:
            if _display_width(text[start:end]) <= width:
                break
            limit, used = start, 0
            while limit < end:
                used += _display_width(text[limit])
                if used > width:
                    break
                limit += 1
            limit = max(limit, start + 1)
        cut = text.rfind(" ", start, limit + 1)
        if cut > start:
            pieces.append((start, cut))
            start = cut + 1
        else:
            pieces.append((start, limit))
            start = limit
    pieces.append((start, end))
    return pieces


def _fit_widths(natural: list[int], budget: int) -> list[int]:
    """Column widths within ``budget``: narrow columns keep their natural width, the wide ones
    share what is left (water filling)."""
    if sum(natural) <= budget:
        return natural[:]
    widths = [0] * len(natural)
    remaining = budget
    order = sorted(range(len(natural)), key=natural.__getitem__)
    for k, col in enumerate(order):
        share = remaining // (len(order) - k)
        width = min(natural[col], max(share, MIN_COLUMN))
        widths[col] = width
        remaining -= width
    return widths


# A piece of a cell's text placed in the output: (line index, column in the line, cell,
# start, end in the cell's text).
_Piece = tuple[int, int, _Cell, int, int]


def _layout_table(table: _Table, width: int) -> tuple[list[str], list[_Piece]]:
    lines: list[str] = []
    pieces: list[_Piece] = []
    if table.caption is not None and table.caption.text.strip():
        cap = table.caption
        for a, b in _line_ranges(cap.text):
            pieces.append((len(lines), 0, cap, a, b))
            lines.append(cap.text[a:b])
    rows = [row for row in table.rows if row]
    # Place cells in a grid; rowspans keep later rows' columns busy.
    placed: list[list[tuple[int, _Cell]]] = []
    busy_until: list[int] = []
    ncols = 0
    for r, row in enumerate(rows):
        out: list[tuple[int, _Cell]] = []
        col = 0
        for cell in row:
            while col < len(busy_until) and busy_until[col] >= r:
                col += 1
            out.append((col, cell))
            span = cell.colspan
            if len(busy_until) < col + span:
                busy_until.extend([-1] * (col + span - len(busy_until)))
            rowspan = min(cell.rowspan, len(rows) - r)
            for c in range(col, col + span):
                busy_until[c] = r + rowspan - 1
            col += span
        ncols = max(ncols, col)
        placed.append(out)
    if not placed:
        return lines, pieces
    if ncols > MAX_COLUMNS:
        return _layout_flat(placed, lines, pieces)
    cell_lines: dict[int, list[tuple[int, int]]] = {}
    natural = [0] * ncols
    for row_cells in placed:
        for col, cell in row_cells:
            ranges = _line_ranges(cell.text) if cell.text else []
            cell_lines[id(cell)] = ranges
            if cell.colspan == 1:
                for a, b in ranges:
                    natural[col] = max(natural[col], _display_width(cell.text[a:b]))
    gap = len(COLUMN_GAP)
    if ncols == 1:
        widths = natural  # one column: nothing to align, let the view wrap
    else:
        budget = max(width - gap * (ncols - 1), ncols * MIN_COLUMN)
        widths = _fit_widths(natural, budget)
        for row_cells in placed:
            for col, cell in row_cells:
                if cell.colspan > 1:
                    end = min(col + cell.colspan, ncols)
                    have = sum(widths[col:end]) + gap * (end - col - 1)
                    need = max(
                        (_display_width(cell.text[a:b]) for a, b in cell_lines[id(cell)]),
                        default=0,
                    )
                    room = budget - sum(widths)
                    extra = min(need - have, room)
                    if extra > 0:
                        widths[end - 1] += extra
    wrapped: dict[int, list[tuple[int, int]]] = {}
    heights: list[int] = []
    for row_cells in placed:
        height = 1
        for col, cell in row_cells:
            end = min(col + cell.colspan, ncols)
            cell_width = sum(widths[col:end]) + gap * (end - col - 1)
            parts: list[tuple[int, int]] = []
            for a, b in cell_lines[id(cell)]:
                if ncols == 1:
                    parts.append((a, b))
                else:
                    parts.extend(_wrap(cell.text, a, b, max(cell_width, 1)))
            wrapped[id(cell)] = parts
            height = max(height, len(parts))
        heights.append(height)
    spaced_rows = any(h > 1 for h in heights)
    header_rule = all(cell.header for _, cell in placed[0]) and ncols > 1
    for r, row_cells in enumerate(placed):
        if r and spaced_rows:
            lines.append("")
        starts = {col: cell for col, cell in row_cells}
        for k in range(heights[r]):
            chunks: list[str] = []
            used = 0
            col = 0
            while col < ncols:
                cell_at = starts.get(col)
                span = 1 if cell_at is None else min(cell_at.colspan, ncols - col)
                cell_width = sum(widths[col : col + span]) + gap * (span - 1)
                if col:
                    chunks.append(COLUMN_GAP)
                    used += gap
                text = ""
                if cell_at is not None:
                    parts = wrapped[id(cell_at)]
                    if k < len(parts):
                        a, b = parts[k]
                        text = cell_at.text[a:b]
                        if text:
                            pieces.append((len(lines), used, cell_at, a, b))
                chunks.append(text)
                pad = cell_width - _display_width(text)
                if pad > 0:
                    chunks.append(" " * pad)
                used += len(text) + max(pad, 0)
                col += span
            lines.append("".join(chunks).rstrip())
        if r == 0 and header_rule:
            lines.append(COLUMN_GAP.join("─" * w for w in widths if w))
    return lines, pieces


def _layout_flat(
    placed: list[list[tuple[int, _Cell]]], lines: list[str], pieces: list[_Piece]
) -> tuple[list[str], list[_Piece]]:
    """Too many columns to align: one line per row, cells separated by " | "."""
    for row_cells in placed:
        chunks: list[str] = []
        used = 0
        for _, cell in row_cells:
            for a, b in _line_ranges(cell.text) if cell.text else []:
                if a == b:
                    continue
                if chunks:
                    sep = " | " if a == 0 else " "
                    chunks.append(sep)
                    used += len(sep)
                pieces.append((len(lines), used, cell, a, b))
                chunks.append(cell.text[a:b])
                used += b - a
        lines.append("".join(chunks))
    return lines, pieces


# --------------------------------------------------------------------------- the engine


class _Entry:
    """An open element that has something to undo when it closes."""

    __slots__ = ("after", "kind", "prefix", "style", "tag", "writer")

    def __init__(self, tag: str, writer: _Writer) -> None:
        self.tag = tag
        self.writer = writer
        self.style: Style | None = None
        self.prefix = False
        self.after = 0
        self.kind = ""


class _List:
    __slots__ = ("counter", "kind", "ordered")

    def __init__(self, ordered: bool, start: int, kind: str) -> None:
        self.ordered = ordered
        self.counter = start
        self.kind = kind


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _alpha(n: int) -> str:
    if n <= 0:
        return str(n)
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def _int_attr(value: str | None, default: int) -> int:
    if value is None:
        return default
    match = re.match(r"\s*([+-]?\d{1,9})", value)
    return int(match.group(1)) if match else default


def _cut_start_tag(head: str) -> tuple[str, list[tuple[str, str | None]]]:
    """The tag name and the attributes complete in ``head``, the first MAX_CONSTRUCT code
    points of an over-long start tag (parsed as HTMLParser.parse_starttag does)."""
    match = _html_parser.tagfind_tolerant.match(head, 1)
    if match is None:
        return "", []
    tag = match.group(1).lower()
    attrs: list[tuple[str, str | None]] = []
    k = match.end()
    while k < len(head):
        match = _html_parser.attrfind_tolerant.match(head, k)
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


class _Engine(HTMLParser):
    def __init__(
        self,
        base_url: str,
        width: int,
        utf16: bool,
        underline_headings: bool,
        resolve: Callable[[str, str], str],
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.doc_url = base_url
        self.base = base_url
        self.base_set = False
        self.width = max(width, 20)
        self.underline = underline_headings
        self.resolve = resolve
        self.resolved: dict[str, tuple[str | None, str | None]] = {}
        self.main = _Writer(utf16, MAX_LINE_CHARS)
        self.writers: list[_Writer] = [self.main]
        self.stack: list[_Entry] = []
        self.scope_counts: list[dict[str, int]] = [{}]  # per cell scope: open tags by name
        self.table_counts: list[dict[str, int]] = [{}]  # per table scope
        self.style_counts: dict[Style, int] = {}
        self.tables: list[_Table] = []
        self.lists: list[_List] = []
        self.raw_depth = 0
        self.pre_fresh = False
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.title: str | None = None
        self.title_parts: list[str] | None = None
        self.capture: str | None = None  # "select" or "textarea" while swallowing its content
        self.capture_parts: list[str] = []
        self.options: list[tuple[str, bool]] = []
        self.link_count = 0
        self.table_space = False  # whitespace dropped between table cells since the last tag
        self.table_text = False  # other text given there since the last tag
        # Input waiting behind an incomplete construct (rawdata starts with it), unparsed until
        # a ">" comes; held_len counts it with the construct (0: nothing incomplete).
        self.held: list[str] = []
        self.held_len = 0
        # Dropping the rest of a construct cut at MAX_CONSTRUCT: until ">" or a comment's end.
        self.skip_until: str | None = None
        self.skip_last = ""  # the last character dropped (">" mode), the tail (comment mode)
        self.cut_tag: tuple[str, list[tuple[str, str | None]]] | None = None

    def updatepos(self, i: int, j: int) -> int:
        # HTMLParser counts lines for getpos(), which nothing here reads: ~5% of the time.
        return j

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
            self.goahead(0)
            raw = self.rawdata
            if self.cdata_elem:
                if self.skip_tag is not None and len(raw) > 2 * MAX_EOF_FLUSH:
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
            if _html_parser.starttagopen.match(head):
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
                    self._start_end_tag(tag, attrs)
                else:
                    self._start_tag(tag, attrs)
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
        self.goahead(0)
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
            self.handle_data(" … (unterminated tag)")

    # -- helpers

    @property
    def writer(self) -> _Writer:
        return self.writers[-1]

    def _push(self, entry: _Entry) -> None:
        self.stack.append(entry)
        tag = entry.tag
        if tag in _CELL_SCOPE:
            self.scope_counts.append({})
        if tag == "table":
            self.table_counts.append({})
        counts = self.scope_counts[-1]
        counts[tag] = counts.get(tag, 0) + 1
        counts = self.table_counts[-1]
        counts[tag] = counts.get(tag, 0) + 1

    def _pop(self) -> None:
        entry = self.stack.pop()
        tag = entry.tag
        self.scope_counts[-1][tag] -= 1
        self.table_counts[-1][tag] -= 1
        if tag in _CELL_SCOPE:
            self.scope_counts.pop()
        if tag == "table":
            self.table_counts.pop()
        self._undo(entry)

    def _pop_through(self, entry: _Entry) -> None:
        while self.stack:
            top = self.stack[-1]
            self._pop()
            if top is entry:
                return

    def _close_tag(self, tag: str) -> bool:
        """Close the nearest open ``tag`` in scope and everything opened after it."""
        counts = self.table_counts[-1] if tag in ("tr", "td", "th", "caption") else None
        if counts is None:
            counts = self.scope_counts[-1]
            if tag == "table":
                counts = self.table_counts[-1]
        if not counts.get(tag):
            return False
        while self.stack:
            top = self.stack[-1].tag
            self._pop()
            if top == tag:
                return True
        return False

    def _close_nearby(self, tag: str, stop: frozenset[str]) -> None:
        """Implicit close (a new <li> ends the previous one), looking only a little way down."""
        stack = self.stack
        for i in range(len(stack) - 1, max(-1, len(stack) - 1 - IMPLICIT_CLOSE_REACH), -1):
            name = stack[i].tag
            if name == tag:
                self._pop_through(stack[i])
                return
            if name in stop:
                return

    def _style_on(self, style: Style) -> None:
        count = self.style_counts.get(style, 0)
        self.style_counts[style] = count + 1
        if not count:
            self.writer.open_style(style)

    def _style_off(self, style: Style, writer: _Writer) -> None:
        count = self.style_counts.get(style, 0) - 1
        self.style_counts[style] = max(count, 0)
        if count <= 0:
            writer.close_style(style)

    def _entry(self, tag: str) -> _Entry:
        entry = _Entry(tag, self.writer)
        self._push(entry)
        return entry

    def _undo(self, entry: _Entry) -> None:
        writer = entry.writer
        kind = entry.kind
        if kind:
            self._undo_kind(entry, kind)
        if entry.style is not None:
            self._style_off(entry.style, writer)
        if entry.prefix:
            writer.pop_prefix()
        if entry.after:
            writer.block(entry.after)

    def _undo_kind(self, entry: _Entry, kind: str) -> None:
        writer = entry.writer
        if kind == "a":
            writer.close_link()
        elif kind == "list":
            if self.lists:
                self.lists.pop()
        elif kind == "pre":
            self.raw_depth -= 1
        elif kind == "heading":
            if self.underline and entry.style in (Style.H1, Style.H2) and writer.line_chars:
                mark = "=" if entry.style is Style.H1 else "-"
                length = min(writer.line_chars, self.width)
                writer.hard_newline()
                writer._begin_content(styled=False)
                writer._emit(mark * length)
                writer.content_end = writer.pos
                writer.trailing_nl = 0
        elif kind == "q":
            writer.text("”")
        elif kind == "button":
            writer.text("]")
        elif kind == "cell":
            self._finish_cell()
        elif kind == "caption":
            self._finish_caption()
        elif kind == "tr":
            if self.tables:
                self.tables[-1].row_open = False
        elif kind == "table":
            self._finish_table()

    # -- links

    def _resolve(self, href: str) -> tuple[str | None, str | None]:
        known = self.resolved.get(href)
        if known is not None:
            return known
        try:
            result: tuple[str | None, str | None] = (self.resolve(self.base, href), None)
        except InvalidURL as exc:
            result = (None, str(exc))
        except (ValueError, UnicodeError) as exc:  # a resolver that is not net.url's
            result = (None, f"Cannot follow the link {href!r}: {exc}")
        if len(self.resolved) < 10_000:
            self.resolved[href] = result
        return result

    # -- tables

    def _start_cell(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        table = self.tables[-1]
        if table.cell_entry is not None:
            self._pop_through(table.cell_entry)
        if not table.row_open:
            table.row_open = True
            if table.linear:
                table.parent.block(1)
            else:
                table.rows.append([])
                table.held += 1
        if table.linear:
            # The cell's content goes straight to the parent, after a gap on the row's line.
            parent = table.parent
            table.mark = (parent.pos, parent.pending_nl, parent.pending_space)
            parent.pending_space = COLUMN_GAP
            self._open_cell_entry(table, tag)
            return
        values = dict(attrs)
        cell = _Cell(
            _span_attr(values.get("colspan")), _span_attr(values.get("rowspan")), tag == "th"
        )
        for style, count in self.style_counts.items():
            if count > 0:
                cell.writer.open_style(style)
        table.cell = cell
        self.writers.append(cell.writer)
        self._open_cell_entry(table, tag)

    def _open_cell_entry(self, table: _Table, tag: str) -> None:
        """The open-element entry of a <td>/<th> (a header cell is bold, held or linear)."""
        entry = self._entry(tag)
        entry.kind = "cell"
        table.cell_entry = entry
        if tag == "th":
            entry.style = Style.STRONG
            self._style_on(Style.STRONG)

    def _finish_cell(self) -> None:
        table = self.tables[-1]
        table.cell_entry = None
        if table.linear:
            parent = table.parent
            pos, pending_nl, pending_space = table.mark
            if parent.pos == pos:  # the cell showed nothing: no gap, no blank line for it
                parent.pending_nl = pending_nl
                parent.pending_space = pending_space
            return
        cell = table.cell
        if cell is None:
            return
        self.writers.pop()
        cell.finish()
        table.rows[-1].append(cell)
        table.cell = None
        table.held += 1
        table.held_text += len(cell.text)
        if table.held > MAX_HELD_CELLS or table.held_text > MAX_HELD_TEXT:
            self._go_linear(table)

    def _finish_caption(self) -> None:
        table = self.tables[-1]
        table.cell_entry = None
        if table.linear:
            table.parent.block(1)
            return
        cell = table.caption
        if cell is None:
            return
        self.writers.pop()
        cell.finish()

    def _ends_hold(self, table: _Table, tag: str) -> bool:
        """Whether ``tag``, starting in the open cell of held ``table``, makes it linear."""
        if tag in _LAYOUT_TAGS:
            return True
        cell_writer = self.writer
        if tag in _CELL_BLOCKS and (table.nested or cell_writer.content_end):
            return True
        return table.held_text + cell_writer.pos > MAX_HELD_TEXT

    def _go_linear(self, table: _Table) -> None:
        """From now on show ``table`` linearly: what it holds goes out at once, cell after
        cell (a row's one-line cells share a line), and its open cell goes on in the parent."""
        table.linear = True
        parent = table.parent
        parent.cut_styles(resume=False)  # held cells carry their own styles
        entry = table.cell_entry
        open_cell = None
        if entry is not None:
            open_cell = table.caption if entry.kind == "caption" else table.cell
        if table.caption is not None and table.caption is not open_cell:
            parent.block(1)
            _put_linear(parent, table.caption)
            parent.block(1)
        for row in table.rows:
            parent.block(1)
            for cell in row:
                _put_linear(parent, cell)
        table.rows = []
        table.caption = None
        table.cell = None
        if entry is not None and open_cell is not None:
            self._reparent_cell(table, open_cell, entry)
        for style, count in self.style_counts.items():
            if count > 0 and style not in parent.open_styles:
                parent.open_style(style)

    def _reparent_cell(self, table: _Table, cell: _Cell, entry: _Entry) -> None:
        """The open cell's text so far goes to the parent, and the rest of it will follow
        there: its open elements now undo themselves on the parent."""
        writer = cell.writer
        parent = table.parent
        pending_nl, pending_space = writer.pending_nl, writer.pending_space
        prefixes, overflow, link = writer.prefixes, writer.prefix_overflow, writer.link
        cell.finish()
        if writer in self.writers:
            self.writers.remove(writer)
        if entry.kind == "caption":
            parent.block(1)
        table.mark = (parent.pos, parent.pending_nl, parent.pending_space)
        _put_linear(parent, cell)
        if parent.pos == table.mark[0]:
            parent.pending_space = COLUMN_GAP  # nothing shown yet: the cell's gap is still owed
        for open_entry in reversed(self.stack):
            if open_entry.writer is writer:
                open_entry.writer = parent
            if open_entry is entry:
                break
        for prefix in prefixes:
            if len(parent.prefixes) < MAX_PREFIX_DEPTH:
                parent.prefixes.append(prefix)
            else:
                parent.prefix_overflow += 1
        parent.prefix_overflow += overflow
        parent._cont_cache = None
        parent.fresh = any(p.fresh for p in parent.prefixes)
        if pending_nl:
            parent.block(pending_nl)
        elif pending_space and parent.pos != table.mark[0]:
            parent.pending_space = pending_space
        if link is not None:
            parent.close_link()  # one link at a time: a link open around the table ends here
            carried = _OpenLink(link.index, link.href, link.url, link.problem)
            carried.text = link.text[:]
            carried.text_len = link.text_len
            parent.open_link(carried)

    def _finish_table(self) -> None:
        table = self.tables.pop()
        parent = table.parent
        if table.linear:
            parent.block(2)
            return
        lines, pieces = _layout_table(table, self.width)
        parent.cut_styles(resume=False)
        parent.block(2)
        if not lines:
            return
        starts = parent.put_lines(lines)
        table_start = starts[0]
        if parent.content_end > table_start:  # a table of empty cells renders no text
            parent.spans.append(Span(table_start, parent.content_end, Style.TABLE))
        _map_pieces(parent, lines, starts, pieces)
        parent.block(2)

    # -- HTMLParser callbacks

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text()
        if text is not None and len(text) > MAX_CONSTRUCT:
            tag, attrs = _cut_start_tag(text[:MAX_CONSTRUCT])  # as if fed in slices
        self._start_end_tag(tag, attrs)

    def _start_end_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Browsers ignore the "/" of "<div/>": it opens the element. A self-closed skipped
        # element ("<svg/>") has no content to skip.
        if tag in _SKIP:
            return
        self._start_tag(tag, attrs)
        if tag not in _VOID and tag in ("a", "textarea", "select", "title", "button"):
            self.handle_endtag(tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text()
        if text is not None and len(text) > MAX_CONSTRUCT:
            tag, attrs = _cut_start_tag(text[:MAX_CONSTRUCT])  # as if fed in slices
        self._start_tag(tag, attrs)

    def _start_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.table_space = self.table_text = False
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if self.title_parts is not None:
            self._end_title()
        if self.capture is not None:
            if self.capture == "select" and tag in ("option", "optgroup"):
                if tag == "option":
                    self.options.append(("", any(k == "selected" for k, _ in attrs)))
                return
            self._end_capture()
        self.pre_fresh = False
        if tag in _SKIP:
            self.skip_tag = tag
            self.skip_depth = 1
            return
        if self.tables:
            table = self.tables[-1]
            if not table.linear and table.cell_entry is not None and self._ends_hold(table, tag):
                self._go_linear(table)
        handler = _START_HANDLERS.get(tag)
        if handler is not None:
            handler(self, tag, attrs)
            return
        style = _STYLE_TAGS.get(tag)
        if style is not None:
            entry = self._entry(tag)
            entry.style = style
            self._style_on(style)
            return
        if tag in _BLOCK2:
            self.writer.block(2)
        elif tag in _BLOCK1:
            self.writer.block(1)

    def handle_endtag(self, tag: str) -> None:
        self.table_space = self.table_text = False
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if not self.skip_depth:
                    self.skip_tag = None
            return
        if self.title_parts is not None:
            self._end_title()
            if tag == "title":
                return
        if self.capture is not None:
            if tag in ("option", "optgroup"):
                return
            self._end_capture()
            if tag in ("select", "textarea"):
                return
        self.pre_fresh = False
        if tag == "br":
            self.writer.hard_newline()
            return
        if tag in _HEADINGS:
            # Any heading end tag closes whichever heading is open, as in browsers.
            open_heading = next((h for h in _HEADINGS if self.scope_counts[-1].get(h)), None)
            if open_heading is not None:
                self._close_tag(open_heading)
            self.writer.block(2)
            return
        if tag in _STACK_TAGS:
            self._close_tag(tag)
            return
        if tag in _BLOCK2 or tag in _HEADINGS:
            self.writer.block(2)
        elif tag in _BLOCK1 or tag == "li" or tag == "tr":
            self.writer.block(1)

    def handle_data(self, data: str) -> None:
        if self.skip_tag is not None:
            return
        if self.title_parts is not None:
            if sum(map(len, self.title_parts)) < MAX_TITLE:
                self.title_parts.append(data)
            return
        if self.capture is not None:
            if self.capture == "select":
                if self.options:
                    text, selected = self.options[-1]
                    self.options[-1] = ((text + data)[:200], selected)
            elif len(self.capture_parts) < 1000:
                self.capture_parts.append(data)
            return
        if self.raw_depth:
            if self.pre_fresh:
                self.pre_fresh = False
                if data.startswith("\n"):
                    data = data[1:]
            self.writer.raw(data)
            return
        if self.tables:
            table = self.tables[-1]
            if table.cell is None and table.cell_entry is None:
                # Whitespace between rows and cells is dropped, but not in a run of text
                # between two tags that has more (stray text in a table): the input split
                # decides whether the run's spaces come as calls of their own.
                if data.isspace():
                    if not self.table_text:
                        self.table_space = True
                        return
                else:
                    if self.table_space:
                        self.table_space = False
                        data = " " + data
                    self.table_text = True
        self.writer.text(data)

    # -- title and captured controls

    def _end_title(self) -> None:
        parts = self.title_parts
        self.title_parts = None
        if parts is not None and self.title is None:
            self.title = _WS_RE.sub(" ", "".join(parts)).strip()[:MAX_TITLE]

    def _end_capture(self) -> None:
        kind = self.capture
        self.capture = None
        if kind == "select":
            chosen = next((t for t, sel in self.options if sel), None)
            if chosen is None:
                chosen = self.options[0][0] if self.options else ""
            text = _WS_RE.sub(" ", chosen).strip()
            self.writer.token(f"[{text} ▾]", Style.FORM)
        else:
            text = _WS_RE.sub(" ", "".join(self.capture_parts)).strip()
            if len(text) > 40:
                text = text[:39] + "…"
            self.writer.token(f"[{text or '_' * 20}]", Style.FORM)
        self.options = []
        self.capture_parts = []

    # -- end of input

    def finish(self) -> None:
        if self.title_parts is not None:
            self._end_title()
        if self.capture is not None:
            self._end_capture()
        while self.stack:
            self._pop()
        while len(self.writers) > 1:  # defensive: every cell writer belongs to a stack entry
            self.writers.pop()
        self.main.finish()


def _map_pieces(parent: _Writer, lines: list[str], starts: list[int], pieces: list[_Piece]) -> None:
    """Move each cell's links and spans to where its text landed in ``parent``."""
    by_cell: dict[int, list[tuple[int, int, int]]] = {}
    cells: dict[int, _Cell] = {}
    for line_index, column, cell, a, b in pieces:
        line = lines[line_index]
        offset = starts[line_index] + parent.units(line[:column])
        by_cell.setdefault(id(cell), []).append((a, b, offset))
        cells[id(cell)] = cell
    for key, placements in by_cell.items():
        cell = cells[key]
        if not cell.links and not cell.spans:
            continue
        placements.sort()
        piece_starts = [p[0] for p in placements]
        text = cell.text

        for link in cell.links:
            for lo, hi in _piece_ranges(
                parent, placements, piece_starts, text, link.start, link.end
            ):
                parent.links.append(
                    Link(link.index, lo, hi, link.href, link.url, link.text, link.problem)
                )
        for span in cell.spans:
            for lo, hi in _piece_ranges(
                parent, placements, piece_starts, text, span.start, span.end
            ):
                parent.spans.append(Span(lo, hi, span.style))


def _piece_ranges(
    parent: _Writer,
    placements: list[tuple[int, int, int]],
    piece_starts: list[int],
    text: str,
    start: int,
    end: int,
) -> list[tuple[int, int]]:
    """Where text[start:end] of a cell landed: one range per placed piece it overlaps."""
    out: list[tuple[int, int]] = []
    i = max(bisect_right(piece_starts, start) - 1, 0)
    while i < len(placements):
        a, b, offset = placements[i]
        if a >= end:
            break
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            out.append((offset + parent.units(text[a:lo]), offset + parent.units(text[a:hi])))
        i += 1
    return out


def _put_linear(parent: _Writer, cell: _Cell) -> None:
    """A held cell shown linearly: after a gap where the next content goes (a new line when
    one is owed), its lines as they are, its links and spans moved along. Empty: nothing."""
    text = cell.text
    if not text:
        return
    ranges = _line_ranges(text)
    lines = [text[a:b] for a, b in ranges]
    parent.pending_space = COLUMN_GAP
    starts = parent.put_lines(lines, block=False)
    pieces = [(i, 0, cell, a, b) for i, (a, b) in enumerate(ranges) if a < b]
    _map_pieces(parent, lines, starts, pieces)


# --------------------------------------------------------------------------- start tags


def _start_a(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine._close_tag("a")  # <a> inside <a>: the first one ends here, as in browsers
    href = next((v for k, v in attrs if k == "href"), None)
    entry = engine._entry("a")
    if href is None:
        return  # an anchor without href is not a link
    entry.kind = "a"
    href = re.sub(r"[\t\n\r]", "", href).strip(" \t\n\f\r")
    url, problem = engine._resolve(href)
    engine.writer.open_link(_OpenLink(engine.link_count, href, url, problem))
    engine.link_count += 1


def _start_heading(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    if engine.stack and engine.stack[-1].tag in _HEADINGS:
        engine._pop()  # <h2> inside an open <h1>: close it, as browsers do
    engine.writer.block(2)
    entry = engine._entry(tag)
    entry.kind = "heading"
    entry.style = _HEADINGS[tag]
    entry.after = 2
    engine._style_on(entry.style)


def _start_list(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    nested = bool(engine.lists)
    engine.writer.block(1 if nested else 2)
    values = dict(attrs)
    ordered = tag == "ol"
    kind = (values.get("type") or "1").strip()[:1] if ordered else ""
    engine.lists.append(_List(ordered, _int_attr(values.get("start"), 1), kind))
    entry = engine._entry(tag)
    entry.kind = "list"
    entry.after = 1 if nested else 2


def _start_li(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine._close_nearby("li", _LIST_TAGS | _CELL_SCOPE)
    writer = engine.writer
    writer.block(1)
    if engine.lists:
        current = engine.lists[-1]
        value = dict(attrs).get("value")
        if value is not None:
            current.counter = _int_attr(value, current.counter)
        if current.ordered:
            n = current.counter
            if current.kind in ("a", "A"):
                label = _alpha(n)
            elif current.kind in ("i", "I"):
                label = _roman(n)
            else:
                label = str(n)
            if current.kind.isupper():
                label = label.upper()
            marker = f"{label}. "
            current.counter += 1
        else:
            marker = _BULLETS[min(len(engine.lists) - 1, len(_BULLETS) - 1)] + " "
    else:
        marker = "• "
    entry = engine._entry("li")
    entry.prefix = writer.push_prefix(marker, " " * len(marker))
    entry.after = 1


def _start_dt(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine._close_nearby("dd", frozenset({"dl"}) | _CELL_SCOPE)
    engine.writer.block(1)


def _start_dd(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine._close_nearby("dd", frozenset({"dl"}) | _CELL_SCOPE)
    writer = engine.writer
    writer.block(1)
    entry = engine._entry("dd")
    entry.prefix = writer.push_prefix("    ", "    ")
    entry.after = 1


def _start_blockquote(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    writer = engine.writer
    writer.block(2)
    entry = engine._entry(tag)
    entry.prefix = writer.push_prefix("│ ", "│ ")
    entry.style = Style.QUOTE
    entry.after = 2
    engine._style_on(Style.QUOTE)


def _start_pre(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine.writer.block(2)
    entry = engine._entry(tag)
    entry.kind = "pre"
    entry.style = Style.PRE
    entry.after = 2
    engine.raw_depth += 1
    engine.pre_fresh = True
    engine._style_on(Style.PRE)


def _start_br(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine.writer.hard_newline()


def _start_hr(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    writer = engine.writer
    writer.block(1)
    writer.token("─" * min(RULE_WIDTH, engine.width), Style.RULE)
    writer.block(1)


def _start_img(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    alt = next((v for k, v in attrs if k == "alt"), None)
    if alt is None:
        engine.writer.token("[image]", Style.IMAGE)
        return
    alt = _WS_RE.sub(" ", alt).strip()[:200]
    if alt:  # alt="" marks a decorative image: browsers show nothing
        engine.writer.token(f"[image: {alt}]", Style.IMAGE)


def _start_input(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    values = dict(attrs)
    kind = (values.get("type") or "text").strip().lower()
    value = _WS_RE.sub(" ", values.get("value") or "").strip()[:40]
    checked = "checked" in values
    if kind == "hidden":
        return
    if kind == "checkbox":
        text = "[x]" if checked else "[ ]"
    elif kind == "radio":
        text = "(•)" if checked else "( )"
    elif kind in ("submit", "button", "reset"):
        text = f"[ {value or kind.capitalize()} ]"
    elif kind == "image":
        text = f"[ {values.get('alt') or 'Submit'} ]"
    elif kind == "file":
        text = "[ Choose file ]"
    elif kind == "password":
        text = "[" + ("•" * min(len(value), 12) if value else "_" * 12) + "]"
    else:
        shown = value or (values.get("placeholder") or "").strip()[:40]
        text = "[" + shown + "_" * max(12 - len(shown), 1) + "]"
    engine.writer.token(text, Style.FORM)


def _start_capture(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine.capture = tag
    engine.capture_parts = []
    engine.options = []


def _start_button(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine.writer.text("[")
    entry = engine._entry(tag)
    entry.kind = "button"


def _start_q(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine.writer.text("“")
    entry = engine._entry(tag)
    entry.kind = "q"


def _start_title(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine.title_parts = []


def _start_base(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    href = next((v for k, v in attrs if k == "href"), None)
    if href is None or engine.base_set:
        return  # only the first <base href> counts
    engine.base_set = True
    try:
        engine.base = engine.resolve(engine.doc_url, href.strip())
    except (InvalidURL, ValueError, UnicodeError):
        return
    engine.resolved.clear()


def _start_table(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    if len(engine.tables) >= MAX_TABLE_DEPTH:
        return  # deeper tables join the innermost one: bounded layout work
    writer = engine.writer
    writer.block(2)
    engine.tables.append(_Table(writer, nested=bool(engine.tables)))
    entry = engine._entry("table")
    entry.kind = "table"


def _start_tr(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    if not engine.tables:
        engine.writer.block(1)
        return
    engine._close_tag("tr")
    table = engine.tables[-1]
    if table.cell_entry is not None:
        engine._pop_through(table.cell_entry)
    table.row_open = True
    if table.linear:
        table.parent.block(1)
    else:
        table.rows.append([])
        table.held += 1
        if table.held > MAX_HELD_CELLS:
            engine._go_linear(table)
    entry = engine._entry("tr")
    entry.kind = "tr"


def _start_td(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    if not engine.tables:
        engine.writer.text(" ")  # a cell outside any table: browsers ignore the tag
        return
    engine._start_cell(tag, attrs)


def _start_caption(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    if not engine.tables:
        engine.writer.block(1)
        return
    table = engine.tables[-1]
    if table.cell_entry is not None:
        engine._pop_through(table.cell_entry)
    if table.linear:
        engine.writer.block(1)
        entry = engine._entry("caption")
        entry.kind = "caption"
        table.cell_entry = entry
        return
    cell = _Cell(1, 1, False)
    table.caption = cell
    engine.writers.append(cell.writer)
    entry = engine._entry("caption")
    entry.kind = "caption"
    table.cell_entry = entry


def _start_p(engine: _Engine, tag: str, attrs: list[tuple[str, str | None]]) -> None:
    engine.writer.block(2)


_StartHandler = Callable[[_Engine, str, list[tuple[str, str | None]]], None]
_START_HANDLERS: dict[str, _StartHandler] = {
    "a": _start_a,
    **{h: _start_heading for h in _HEADINGS},
    **{t: _start_list for t in _LIST_TAGS},
    "li": _start_li,
    "dd": _start_dd,
    "dt": _start_dt,
    "blockquote": _start_blockquote,
    **{t: _start_pre for t in _PRE_TAGS},
    "br": _start_br,
    "hr": _start_hr,
    "img": _start_img,
    "input": _start_input,
    "select": _start_capture,
    "textarea": _start_capture,
    "button": _start_button,
    "q": _start_q,
    "title": _start_title,
    "base": _start_base,
    "table": _start_table,
    "tr": _start_tr,
    "td": _start_td,
    "th": _start_td,
    "caption": _start_caption,
    "p": _start_p,
}
# End tags that close an element on the stack (the rest only break blocks).
_STACK_TAGS = frozenset(
    {"a", "li", "dd", "blockquote", "button", "q", "table", "tr", "td", "th", "caption"}
    | set(_HEADINGS)
    | _LIST_TAGS
    | _PRE_TAGS
    | set(_STYLE_TAGS)
)


# --------------------------------------------------------------------------- public API


class HtmlRenderer:
    """Streams HTML in, readable text out.

    >>> r = HtmlRenderer("http://example.org/dir/page.html")
    >>> part = r.feed("<title>Hi</title><p>Hello <a href=x>world</a>")
    >>> part.text, r.title, part.links[0].url
    ('Hello world', 'Hi', 'http://example.org/dir/x')
    >>> r.close()
    Fragment(start=11, text='', links=(), spans=())

    ``width`` bounds laid-out tables (and the <hr> rule); paragraphs are never wrapped.
    ``utf16=True`` counts offsets in UTF-16 code units, as QTextDocument positions do.
    ``resolve(base, href) -> absolute URL`` defaults to :func:`net.url.resolve_url`; it may
    raise :class:`net.errors.InvalidURL` (javascript:, mailto: ...): such links keep
    ``url=None`` and the reason in ``problem``.
    """

    def __init__(
        self,
        base_url: str,
        width: int = 100,
        *,
        utf16: bool = False,
        underline_headings: bool = False,
        resolve: Callable[[str, str], str] | None = None,
    ) -> None:
        self._engine = _Engine(
            base_url, width, utf16, underline_headings, resolve or _resolve_with_net
        )
        self._held_cr = False
        self._closed = False
        self._emitted = 0

    @property
    def title(self) -> str | None:
        """The first <title>'s text, once its end tag has been seen; None before."""
        return self._engine.title

    @property
    def base_url(self) -> str:
        """The URL links resolve against: the document's, or its <base href>."""
        return self._engine.base

    @property
    def position(self) -> int:
        """Offset just past all the text returned so far."""
        return self._emitted

    def feed(self, text: str) -> Fragment:
        """Parse more of the document; return what became displayable."""
        if self._closed:
            raise ValueError("HtmlRenderer.feed() called after close()")
        if self._held_cr:
            text = "\r" + text
            self._held_cr = False
        if text.endswith("\r"):
            # "\r" + "\n" may be split across chunks; one line break either way.
            text = text[:-1]
            self._held_cr = True
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\x00" in text:
            text = text.replace("\x00", "\ufffd")
        if text:
            self._engine.feed(text)
        return self._drain()

    def close(self) -> Fragment:
        """End of document: flush everything still held (open tables, unclosed tags)."""
        if self._closed:
            return Fragment(self._emitted, "")
        if self._held_cr:
            self._engine.feed("\n")
            self._held_cr = False
        self._engine.close()
        self._engine.finish()
        self._closed = True
        return self._drain()

    def _drain(self) -> Fragment:
        main = self._engine.main
        if not self._closed:
            main.cut_styles(resume=True)
        text, links, spans = main.drain()
        start = self._emitted
        self._emitted = main.pos
        return Fragment(start, text, tuple(links), tuple(spans))
