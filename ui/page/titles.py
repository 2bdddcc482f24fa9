"""A page's short name for its tab and the title bar, from its address."""

from __future__ import annotations

from urllib.parse import unquote

from ui.page import start_page as internal
from ui.text import fragments
from ui.text.filenames import last_path_segment


def page_title(url: str) -> str:
    """A short name for the title bar: the last path segment, else the host."""
    url = fragments.without_fragment(url)
    if url == internal.START_URL:
        return "Start page"
    if url == internal.ABOUT_URL:
        return "About Yonder"
    if url == internal.KEYS_URL:
        return "Keys"
    if url.startswith(internal.SAMPLE_PREFIX):
        return url[len(internal.SAMPLE_PREFIX) :]
    if url.startswith(("yonder:bookmarks", "yonder:history")):
        page, _, query = url.partition("?q=")
        name = "Bookmarks" if page == "yonder:bookmarks" else "History"
        return f"{name}: “{unquote(query)}”" if query else name
    host = url.split("://", 1)[-1].partition("/")[0]
    segment = last_path_segment(url)
    return f"{segment} ({host})" if segment else host or url
