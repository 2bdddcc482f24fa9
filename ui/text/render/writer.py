"""Inline text laid out into lines: whitespace collapsing, block breaks, line prefixes (list
markers, indentation), style spans and links, and the breaking of over-long lines.

Paragraphs are never hard-wrapped: lines stay logical and the view word-wraps them, under
their text rather than at the left margin: each line with a prefix is reported with its
prefix's length (``indents``), for the view's hanging indent. Except that no
line grows much past ``MAX_LINE_CHARS``: the view lays a line out as one unit, so a megabyte
paragraph would freeze it. A line that has passed the limit ends at its next collapsed space
(which becomes "\n": offsets stay the same); one that reaches twice the limit without such a
space (preformatted text, a very long word) gets an extra "\n", counted in every offset. Both
depend on the output only, not on the input split.
"""

from __future__ import annotations

import re
import unicodedata

from ui.text.render.model import Anchor, Link, Span, Style

MAX_PREFIX_DEPTH = 24  # nested lists/quotes beyond this share their parent's indentation
MAX_INDENT = 48  # characters of indentation/quote marks shown at most
MAX_LINK_TEXT = 1000
MAX_TITLE = 1000

WS_RE = re.compile(r"[ \t\n\f]+")  # HTML whitespace (CR is normalised away in feed())


def collapse_ws(text: str) -> str:
    """``text`` with each run of HTML whitespace as one space. Most text has none to collapse,
    and these four scans cost a small part of one WS_RE.sub."""
    if "  " in text or "\n" in text or "\t" in text or "\f" in text:
        return WS_RE.sub(" ", text)
    return text


def display_width(text: str) -> int:
    """Columns a string takes in a monospace font (wide East Asian characters count 2;
    combining marks and invisible format characters, such as a soft hyphen or a zero-width
    space, count 0)."""
    if text.isascii():
        return len(text)
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


class _CharWidths(dict[str, int]):
    """Each character's columns, looked up once: an index page's table cells measured their
    text character by character (three unicodedata calls each: ~20 ms for one table)."""

    def __missing__(self, ch: str) -> int:
        if unicodedata.combining(ch) or unicodedata.category(ch) == "Cf":
            width = 0
        else:
            width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if len(self) < 65_536:
            self[ch] = width
        return width


_CHAR_WIDTHS = _CharWidths()


def utf16_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


class OpenLink:
    __slots__ = ("href", "index", "problem", "start", "text", "text_len", "url")

    def __init__(self, index: int, href: str, url: str | None, problem: str | None) -> None:
        self.index = index
        self.href = href
        self.url = url
        self.problem = problem
        self.start: int | None = None
        self.text: list[str] = []
        self.text_len = 0


class Prefix:
    __slots__ = ("cont", "first", "fresh")

    def __init__(self, first: str, cont: str) -> None:
        self.first = first
        self.cont = cont
        self.fresh = True


class Writer:
    """Lays out inline text into lines: whitespace collapsing, block breaks, line prefixes
    (list markers, indentation), style spans and links. One for the document, one per table
    cell (cells are laid out later, so their offsets are local and in code points)."""

    def __init__(self, utf16: bool = False, limit: int = 0, compact: bool = False) -> None:
        self.utf16 = utf16
        # A table cell's blocks follow each other without blank lines, as in w3m: the grid
        # keeps rows apart, and a cell's paragraphs stay together.
        self.max_break = 1 if compact else 2
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
        self.prefixes: list[Prefix] = []
        self.line_begin = -1  # where the current line's prefix starts (-1: not at a line start)
        self.lines_begin = -1  # put_lines: where its first text line's prefix starts (or -1)
        self.prefix_overflow = 0
        # Hanging indents: (where a line starts, the length of its prefix), for each line
        # that has one, so that the view wraps it under its text, not at the left margin.
        self.indents: list[tuple[int, int]] = []
        self._cont_cache: str | None = ""
        self.fresh = False
        self.open_styles: dict[Style, int | None] = {}
        self.pending_starts = False
        self.spans: list[Span] = []
        self.links: list[Link] = []
        self.link: OpenLink | None = None
        # Fragment targets (id=, <a name=>): each names where the next content starts.
        self.anchors: list[Anchor] = []
        self.pending_anchors: list[str] = []

    # -- low level

    def units(self, text: str) -> int:
        return utf16_len(text) if self.utf16 else len(text)

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text) if not self.utf16 or text.isascii() else utf16_len(text)
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

    def cont_prefix(self) -> str:
        """What a continued line starts with: the indentation and quote bars of the blocks
        this writer is inside."""
        if self._cont_cache is None:
            self._cont_cache = "".join(p.cont for p in self.prefixes)[-MAX_INDENT:]
        return self._cont_cache

    def _line_prefix(self) -> str:
        if not self.fresh:
            return self.cont_prefix()
        text = "".join(p.first if p.fresh else p.cont for p in self.prefixes)
        for prefix in self.prefixes:
            prefix.fresh = False
        self.fresh = False
        return text[-MAX_INDENT:]

    def _blank_prefix(self) -> str:
        # A blank line carries the quote bars of the blocks it is inside, not of a block
        # that has not shown its first line yet.
        if not self.fresh:
            return self.cont_prefix().rstrip()
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
        self.line_begin = -1
        if self.pending_nl:
            if self.pos:
                self._newlines(self.pending_nl)
            self.pending_nl = 0
            self.pending_space = ""
        if self.at_line_start:
            self.line_begin = self.pos
            prefix = self._line_prefix()
            if prefix:
                self.indents.append((self.pos, self.units(prefix)))
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
        if self.pending_anchors:
            self._place_anchors()
        if styled and self.pending_starts:
            pos = self.pos
            # Preformatted text is monospace from its first line's indentation on, as its
            # later lines are (the span covers their prefixes): else line 1 is indented in the
            # proportional font and lines 2+ sit ~2 columns further right.
            pre_at = self.line_begin if self.line_begin >= 0 else pos
            for style, start in self.open_styles.items():
                if start is None:
                    self.open_styles[style] = pre_at if style is Style.PRE else pos
            if self.link is not None and self.link.start is None:
                self.link.start = pos
            self.pending_starts = False
        return spaced

    def _content(self, text: str, soft: bool = True) -> None:
        if (
            self.pending_nl
            or self.at_line_start
            or self.pending_space
            or self.pending_anchors
            or self.pending_starts
            or (self.limit and self.run >= 2 * self.limit)
        ):
            spaced = self._begin_content()
        else:  # nothing owed (the common case inside a line): what _begin_content would do
            spaced = False
            self.line_begin = -1
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
        if data == "\n" or data == " ":  # the commonest text of all, between two tags
            if not self.pending_space:
                self.pending_space = " "
            return
        collapsed = collapse_ws(data)
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
        count = min(count, self.max_break)
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
        self.prefixes.append(Prefix(first, cont))
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

    def open_link(self, link: OpenLink) -> None:
        self.link = link
        self.pending_starts = True

    def close_link(self) -> None:
        link = self.link
        self.link = None
        if link is None or link.start is None or self.content_end <= link.start:
            return
        text = collapse_ws("".join(link.text)).strip()
        self.links.append(
            Link(link.index, link.start, self.content_end, link.href, link.url, text, link.problem)
        )

    def anchor(self, name: str) -> None:
        """``name`` (an id, an <a name>) is a fragment target at the next content."""
        self.pending_anchors.append(name)

    def _place_anchors(self) -> None:
        pos = self.pos
        self.anchors.extend(Anchor(name, pos) for name in self.pending_anchors)
        self.pending_anchors.clear()

    def take_anchors(self) -> list[Anchor]:
        anchors, self.anchors = self.anchors, []
        return anchors

    def take_indents(self) -> list[tuple[int, int]]:
        indents, self.indents = self.indents, []
        return indents

    def finish(self) -> None:
        if self.pending_anchors:
            self._place_anchors()  # targets after the last content: the document's end
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
        self.lines_begin = -1
        if block:
            self.block(1)
        for i, line in enumerate(lines):
            if i:
                self.hard_newline()
            if line:
                self._begin_content(styled=False)
                if self.lines_begin < 0:
                    # Where the table's monospace starts: its first line's indentation too.
                    self.lines_begin = self.pos if self.line_begin < 0 else self.line_begin
                starts.append(self.pos)
                self._emit(line)
                self.content_end = self.pos
                self.trailing_nl = 0
            else:
                starts.append(self.pos)
        return starts
