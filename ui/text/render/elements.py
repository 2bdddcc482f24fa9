"""What each element does: the tag sets, and the start-tag handlers the engine dispatches to.

Elements whose content is never shown are skipped; block elements break lines (``BLOCK1``) or
paragraphs (``BLOCK2``); the rest have a handler here that opens an :class:`~ui.text.render.engine.
Entry` on the engine's stack when it has something to undo at its end tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum, auto
from typing import TYPE_CHECKING

from ui.text.render.model import Style
from ui.text.render.tables import MAX_HELD_CELLS, MAX_TABLE_DEPTH, Cell, Table
from ui.text.render.tokenizer import Attrs
from ui.text.render.writer import WS_RE, OpenLink

if TYPE_CHECKING:
    from ui.text.render.engine import Engine

RULE_WIDTH = 40
MIN_RULE_WIDTH = 10  # a rule however deep it is indented
_URL_NOISE = re.compile(r"[\t\n\r]")  # what browsers drop from a URL before parsing it
BULLETS = ("•", "◦", "▪")
# Columns each nesting level indents, as in w3m's dumps: a list item's marker sits right-aligned
# in its first LIST_INDENT columns ("  • ", " 1. "), a <dd> and a <blockquote> indent as much.
LIST_INDENT = 4
DD_INDENT = " " * LIST_INDENT
QUOTE_INDENT = " " * LIST_INDENT

VOID = frozenset(
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
# Elements whose content is never shown (fallbacks, code, invisible things). <noscript> is
# not one: Yonder runs no script, so what a page shows without script is what it shows.
SKIP = frozenset(
    (
        "script",
        "style",
        "template",
        "svg",
        "iframe",
        "datalist",
        "noembed",
        "noframes",
    )
)
BLOCK2 = frozenset(
    (
        "p",
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
BLOCK1 = frozenset(
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
STYLE_TAGS: dict[str, Style] = {
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
HEADINGS: dict[str, Style] = {f"h{n}": Style(f"h{n}") for n in range(1, 7)}
PRE_TAGS = frozenset({"pre", "xmp", "listing", "plaintext"})
LIST_TAGS = frozenset({"ul", "ol", "menu", "dir"})
# An end tag of a formatting element never closes across a cell or a table (like the
# "markers" of the HTML spec's list of active formatting elements).
CELL_SCOPE = frozenset({"td", "th", "caption", "table", "button"})
# In a held table's cell, these make it a layout table at once (shown linearly) ...
LAYOUT_TAGS = frozenset({"table", "blockquote"} | set(HEADINGS))
# ... and these when they follow text in the same cell (a second block: data tables wrap a
# cell's text in one <p> or <div>, as Sphinx does), or in any cell of a nested table.
CELL_BLOCKS = frozenset(
    {"div", "ul", "ol", "menu", "dir", "dl", "hr", "search"}
    | PRE_TAGS
    | (BLOCK2 - {"form"})  # a form around a few controls is no sign of layout
)


class Closes(Enum):
    """What an open element's entry does when the element closes (Engine._undo_kind)."""

    LINK = auto()  # <a>: ends the link
    HEADING = auto()  # <h1>-<h6>: underlines H1/H2 in plain output
    LIST = auto()  # <ul>/<ol>...: pops its list state
    PRE = auto()  # <pre>...: leaves raw text
    QUOTE = auto()  # <q>: the closing quotation mark
    BRACKET = auto()  # <button>, <sub>/<sup>: the closing "]"
    CELL = auto()  # <td>/<th>
    CAPTION = auto()
    ROW = auto()  # <tr>
    TABLE = auto()


# Where a new <li> (<dt>, <dd>) stops looking for the previous one to close.
_LI_STOP = LIST_TAGS | CELL_SCOPE
_DD_STOP = frozenset({"dl"}) | CELL_SCOPE


class ListState:
    __slots__ = ("counter", "kind", "ordered")

    def __init__(self, ordered: bool, start: int, kind: str) -> None:
        self.ordered = ordered
        self.counter = start
        self.kind = kind


def roman(n: int) -> str:
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


def alpha(n: int) -> str:
    if n <= 0:
        return str(n)
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def int_attr(value: str | None, default: int) -> int:
    if value is None:
        return default
    match = re.match(r"\s*([+-]?\d{1,9})", value)
    return int(match.group(1)) if match else default


def _start_a(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.close_tag("a")  # <a> inside <a>: the first one ends here, as in browsers
    href = next((v for k, v in attrs if k == "href"), None)
    entry = engine.open_entry("a")
    if href is None:
        return  # an anchor without href is not a link
    entry.kind = Closes.LINK
    if "\t" in href or "\n" in href or "\r" in href:
        href = _URL_NOISE.sub("", href)
    href = href.strip(" \t\n\f\r")
    url, problem = engine.links.resolve(href)
    engine.writer.open_link(OpenLink(engine.link_count, href, url, problem))
    engine.link_count += 1


def _start_heading(engine: Engine, tag: str, attrs: Attrs) -> None:
    if engine.stack and engine.stack[-1].tag in HEADINGS:
        engine.pop()  # <h2> inside an open <h1>: close it, as browsers do
    engine.writer.block(2)
    entry = engine.open_entry(tag)
    entry.kind = Closes.HEADING
    entry.style = HEADINGS[tag]
    entry.after = 2
    engine.style_on(entry.style)


def _start_list(engine: Engine, tag: str, attrs: Attrs) -> None:
    nested = bool(engine.lists)
    engine.writer.block(1 if nested else 2)
    values = dict(attrs)
    ordered = tag == "ol"
    kind = (values.get("type") or "1").strip()[:1] if ordered else ""
    engine.lists.append(ListState(ordered, int_attr(values.get("start"), 1), kind))
    entry = engine.open_entry(tag)
    entry.kind = Closes.LIST
    entry.after = 1 if nested else 2


def _start_li(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.close_nearby("li", _LI_STOP)
    writer = engine.writer
    writer.block(1)
    if engine.lists:
        current = engine.lists[-1]
        value = dict(attrs).get("value")
        if value is not None:
            current.counter = int_attr(value, current.counter)
        if current.ordered:
            n = current.counter
            if current.kind in ("a", "A"):
                label = alpha(n)
            elif current.kind in ("i", "I"):
                label = roman(n)
            else:
                label = str(n)
            if current.kind.isupper():
                label = label.upper()
            # Right-aligned in the item's indentation, as w3m does (" 9. ", "10. "); a longer
            # label pushes its own first line on, the item's later lines stay at LIST_INDENT.
            marker = f"{label}.".rjust(LIST_INDENT - 1) + " "
            current.counter += 1
        else:
            marker = "  " + BULLETS[min(len(engine.lists) - 1, len(BULLETS) - 1)] + " "
    else:
        marker = "  " + BULLETS[0] + " "
    entry = engine.open_entry("li")
    entry.prefix = writer.push_prefix(marker, " " * LIST_INDENT)
    entry.after = 1


def _start_dt(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.close_nearby("dd", _DD_STOP)
    engine.writer.block(1)


def _start_dl(engine: Engine, tag: str, attrs: Attrs) -> None:
    # On the stack, so that a nested list's <dt>/<dd> close only its own <dd>: the outer
    # <dd> (and its indentation) goes on after the inner </dl>.
    engine.writer.block(2)
    entry = engine.open_entry(tag)
    entry.after = 2


def _start_sup(engine: Engine, tag: str, attrs: Attrs) -> None:
    # As w3m writes them, so that 2<sup>31</sup> reads 2^31 (not 231) on screen and when
    # copied, and H<sub>2</sub>O reads H[2]O.
    engine.writer.text("^" if tag == "sup" else "[")
    if tag == "sub":
        entry = engine.open_entry(tag)
        entry.kind = Closes.BRACKET
    else:
        engine.open_entry(tag)


def _start_dd(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.close_nearby("dd", _DD_STOP)
    writer = engine.writer
    writer.block(1)
    entry = engine.open_entry("dd")
    entry.prefix = writer.push_prefix(DD_INDENT, DD_INDENT)
    entry.after = 1


def _start_blockquote(engine: Engine, tag: str, attrs: Attrs) -> None:
    writer = engine.writer
    writer.block(2)
    entry = engine.open_entry(tag)
    # Indented like a <dd>, as w3m does (a bar drawn as text would stand only on the first
    # line of each wrapped paragraph: the view's hanging indent carries the indentation).
    entry.prefix = writer.push_prefix(QUOTE_INDENT, QUOTE_INDENT)
    entry.style = Style.QUOTE
    entry.after = 2
    engine.style_on(Style.QUOTE)


def _start_pre(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.writer.block(2)
    entry = engine.open_entry(tag)
    entry.kind = Closes.PRE
    entry.style = Style.PRE
    entry.after = 2
    engine.raw_depth += 1
    engine.pre_fresh = True
    engine.style_on(Style.PRE)


def _start_br(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.writer.hard_newline()


def _start_hr(engine: Engine, tag: str, attrs: Attrs) -> None:
    writer = engine.writer
    writer.block(1)
    room = engine.width_beside(writer, MIN_RULE_WIDTH)  # (as a table, and w3m's rule)
    writer.token("─" * min(RULE_WIDTH, room), Style.RULE)
    writer.block(1)


def _start_img(engine: Engine, tag: str, attrs: Attrs) -> None:
    alt = next((v for k, v in attrs if k == "alt"), None)
    if alt is None:
        engine.writer.token("[image]", Style.IMAGE)
        return
    alt = WS_RE.sub(" ", alt).strip()[:200]
    if alt:  # alt="" marks a decorative image: browsers show nothing
        engine.writer.token(f"[image: {alt}]", Style.IMAGE)


def _start_input(engine: Engine, tag: str, attrs: Attrs) -> None:
    values = dict(attrs)
    kind = (values.get("type") or "text").strip().lower()
    value = WS_RE.sub(" ", values.get("value") or "").strip()[:40]
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


def _start_capture(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.capture = tag
    engine.capture_parts = []
    engine.options = []


def _start_button(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.writer.text("[")
    entry = engine.open_entry(tag)
    entry.kind = Closes.BRACKET


def _start_q(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.writer.text("“")
    entry = engine.open_entry(tag)
    entry.kind = Closes.QUOTE


def _start_title(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.title_parts = []


def _start_base(engine: Engine, tag: str, attrs: Attrs) -> None:
    href = next((v for k, v in attrs if k == "href"), None)
    if href is not None:
        engine.links.set_base(href)


def _start_table(engine: Engine, tag: str, attrs: Attrs) -> None:
    if len(engine.tables) >= MAX_TABLE_DEPTH:
        return  # deeper tables join the innermost one: bounded layout work
    writer = engine.writer
    writer.block(2)
    engine.tables.append(Table(writer, nested=bool(engine.tables)))
    entry = engine.open_entry("table")
    entry.kind = Closes.TABLE


def _start_tr(engine: Engine, tag: str, attrs: Attrs) -> None:
    if not engine.tables:
        engine.writer.block(1)
        return
    engine.close_tag("tr")
    table = engine.tables[-1]
    if table.cell_entry is not None:
        engine.pop_through(table.cell_entry)
    table.row_open = True
    if table.linear:
        table.parent.block(1)
    else:
        table.rows.append([])
        table.held += 1
        if table.held > MAX_HELD_CELLS:
            engine.go_linear(table)
    entry = engine.open_entry("tr")
    entry.kind = Closes.ROW


def _start_td(engine: Engine, tag: str, attrs: Attrs) -> None:
    if not engine.tables:
        engine.writer.text(" ")  # a cell outside any table: browsers ignore the tag
        return
    engine.start_cell(tag, attrs)


def _start_caption(engine: Engine, tag: str, attrs: Attrs) -> None:
    if not engine.tables:
        engine.writer.block(1)
        return
    table = engine.tables[-1]
    if table.cell_entry is not None:
        engine.pop_through(table.cell_entry)
    if table.linear:
        engine.writer.block(1)
        entry = engine.open_entry("caption")
        entry.kind = Closes.CAPTION
        table.cell_entry = entry
        return
    cell = Cell(1, 1, False)
    table.caption = cell
    engine.writers.append(cell.writer)
    entry = engine.open_entry("caption")
    entry.kind = Closes.CAPTION
    table.cell_entry = entry


def _start_p(engine: Engine, tag: str, attrs: Attrs) -> None:
    engine.writer.block(2)


START_HANDLERS: dict[str, Callable[[Engine, str, Attrs], None]] = {
    "a": _start_a,
    **{h: _start_heading for h in HEADINGS},
    **{t: _start_list for t in LIST_TAGS},
    "li": _start_li,
    "dd": _start_dd,
    "dl": _start_dl,
    "sup": _start_sup,
    "sub": _start_sup,
    "dt": _start_dt,
    "blockquote": _start_blockquote,
    **{t: _start_pre for t in PRE_TAGS},
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
STACK_TAGS = frozenset(
    {
        "a",
        "li",
        "dd",
        "dl",
        "sup",
        "sub",
        "blockquote",
        "button",
        "q",
        "table",
        "tr",
        "td",
        "th",
        "caption",
    }
    | set(HEADINGS)
    | LIST_TAGS
    | PRE_TAGS
    | set(STYLE_TAGS)
)
