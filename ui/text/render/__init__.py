"""HTML to readable text, links and style spans: pure Python, no Qt (see renderer.py)."""

from ui.text.render.model import Anchor, Fragment, Link, Span, Style, join_fragments
from ui.text.render.renderer import HtmlRenderer, render_html

__all__ = [
    "Anchor",
    "Fragment",
    "HtmlRenderer",
    "Link",
    "Span",
    "Style",
    "join_fragments",
    "render_html",
]
