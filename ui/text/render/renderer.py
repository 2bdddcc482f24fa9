"""Incremental HTML to readable text for the Rendered view (pure Python, no Qt).

The window feeds decoded text as it arrives; every :meth:`HtmlRenderer.feed` returns a
:class:`~ui.text.render.model.Fragment`: the text newly completed (to append to the view as is), the
links and style spans that became known. Everything is emitted as soon as it can be; a data
table is held until ``</table>``, because its column widths depend on every row (see
:mod:`ui.text.render.engine` for when a table is shown linearly instead). Links are reported when
they close (so their text is complete); a link a switch to linear cuts in two comes as two
pieces sharing one index. Styles are reported per fragment, possibly split into adjacent
pieces.

The package: :mod:`~ui.text.render.tokenizer` (the only user of html.parser) feeds
:mod:`~ui.text.render.engine` (the open-element stack), whose
:mod:`~ui.text.render.elements` handlers
write through :mod:`~ui.text.render.writer` (lines, prefixes, spans, links) and
:mod:`~ui.text.render.tables`; :mod:`~ui.text.render.links` resolves hrefs.
"""

from __future__ import annotations

from collections.abc import Callable

from ui.text.render.engine import Engine
from ui.text.render.model import Fragment, join_fragments

__all__ = ["HtmlRenderer", "render_html"]


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
        self._engine = Engine(base_url, width, utf16, underline_headings, resolve)
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
        return self._engine.links.base

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
        return Fragment(
            start,
            text,
            tuple(links),
            tuple(spans),
            tuple(main.take_anchors()),
            tuple(main.take_indents()),
        )
