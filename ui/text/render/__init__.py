"""HTML to readable text, links and style spans: pure Python, no Qt (see renderer.py).

Compiled by mypyc when a build of it is there and current (native.py): ``compiled()`` says
which one runs; YONDER_PURE_PYTHON=1 forces the pure modules."""

from ui.text.render import native as _native

# Before any other submodule is imported: the compiled build, if usable, goes first on __path__.
_native.install(__name__, __path__)

from ui.text.render.model import Anchor, Fragment, Link, Span, Style, join_fragments  # noqa: E402
from ui.text.render.native import compiled  # noqa: E402
from ui.text.render.renderer import HtmlRenderer, render_html  # noqa: E402

__all__ = [
    "Anchor",
    "Fragment",
    "HtmlRenderer",
    "Link",
    "Span",
    "Style",
    "compiled",
    "join_fragments",
    "render_html",
]
