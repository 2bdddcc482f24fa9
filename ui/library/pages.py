"""``yonder:bookmarks`` and ``yonder:history``: their addresses, and the pages as HTML (shown
by the same renderer as any web page).

Reading a page takes only a search term: ``yonder:bookmarks?q=python``. That address may come
from anywhere (typed, a link on a web page, a bookmark) and changes nothing.

Links that change data or open a dialog (``?delete=ID``, ``?edit=ID``, ``?search``,
``?clear``) are *actions*. An action runs only when both hold:

- the link was followed on one of these pages itself (the window checks where it was clicked);
- it carries the session's key (``&key=...``, random per run, written only into these pages).

So a web page, a typed address, a bookmark or an imported file holding
``yonder:bookmarks?delete=3`` cannot delete anything: loading such an address shows the page
and says the action was ignored. The key also covers a link that merely appears on these pages
(a bookmark's own address is shown as a link): it cannot carry a key it never saw.
"""

from __future__ import annotations

import html
import secrets
import time as _time
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, quote, unquote

from ui.library.bookmarks import Bookmark, Bookmarks
from ui.library.visits import Visit, Visits
from ui.text.filenames import last_path_segment

BOOKMARKS_URL = "yonder:bookmarks"
HISTORY_URL = "yonder:history"
PAGES = (BOOKMARKS_URL, HISTORY_URL)


class PageAction(StrEnum):
    """What an action link of these pages asks (its query field's name)."""

    DELETE = "delete"  # a bookmark, by id
    EDIT = "edit"  # a bookmark, by id
    SEARCH = "search"
    CLEAR = "clear"  # the history


MAX_QUERY = 200  # characters of a search term

#: This run's key for action links (not secret from the user: a capability against pages).
SESSION_KEY = secrets.token_urlsafe(12)


@dataclass(frozen=True)
class Address:
    """A parsed ``yonder:bookmarks`` / ``yonder:history`` address."""

    page: str  # BOOKMARKS_URL or HISTORY_URL
    query: str = ""
    action: PageAction | None = None
    target: int = 0  # the bookmark id of delete / edit
    key: str = ""

    @property
    def url(self) -> str:
        """The page to show: the page and its search term, never the action."""
        return page_url(self.page, self.query)

    def authorised(self, key: str = SESSION_KEY) -> bool:
        return bool(self.action) and secrets.compare_digest(self.key, key)


def page_url(page: str, query: str = "") -> str:
    query = query.strip()[:MAX_QUERY]
    return f"{page}?q={quote(query, safe='')}" if query else page


def parse_address(url: str) -> Address | None:
    """The address if it names one of these pages, else None."""
    page, _, rest = url.partition("?")
    if page not in PAGES:
        return None
    fields: dict[str, str] = {}
    for name, value in parse_qsl(rest[:4096], keep_blank_values=True):
        fields.setdefault(name, value)
    action = next((a for a in PageAction if a.value in fields), None)
    target = 0
    if action in (PageAction.DELETE, PageAction.EDIT):
        digits = fields[action]
        target = int(digits) if digits.isdigit() and len(digits) < 12 else 0
    return Address(page, fields.get("q", "")[:MAX_QUERY], action, target, fields.get("key", ""))


def action_url(page: str, action: PageAction, target: int | None = None, query: str = "") -> str:
    value = "" if target is None else str(target)
    q = f"&q={quote(query, safe='')}" if query else ""
    return f"{page}?{action}={value}{q}&key={SESSION_KEY}"


def _when(seconds: int) -> tuple[str, str]:
    """(day, time of day) in local time."""
    if seconds <= 0:
        return "Time unknown", "--:--"
    stamp = _time.localtime(seconds)
    return _time.strftime("%Y-%m-%d", stamp), _time.strftime("%H:%M", stamp)


def _file_name(url: str) -> str:
    """The last segment of an address's path, as a reader names the file ("romeo.txt");
    "" when the path names none (a site's root)."""
    return unquote(last_path_segment(url))


def _head(title: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title></head><body>",
    ]


def _search_line(page: str, query: str, total: int, shown: int, nouns: tuple[str, str]) -> str:
    esc = html.escape
    noun = nouns[0] if total == 1 else nouns[1]
    search = f'<a href="{esc(action_url(page, PageAction.SEARCH, query=query))}">Search…</a>'
    if query:
        return (
            f"<p>{shown} of {total} {noun} match “{esc(query)}”. {search} "
            f'<a href="{esc(page)}">Show all</a></p>'
        )
    return f"<p>{total} {noun}. {search}</p>"


def bookmarks_html(bookmarks: Bookmarks, query: str = "", note: str = "") -> str:
    esc = html.escape
    found = bookmarks.search(query)
    out = _head(f"Bookmarks: “{query}”" if query else "Bookmarks")
    out.append("<h1>Bookmarks</h1>")
    if note:
        out.append(f"<p><strong>{esc(note)}</strong></p>")
    out.append(
        _search_line(BOOKMARKS_URL, query, len(bookmarks), len(found), ("bookmark", "bookmarks"))
    )
    if not len(bookmarks):
        out.append(
            "<p>No bookmarks yet. Ctrl+D bookmarks the page you are on; "
            "Bookmarks › Import Bookmarks… reads a file another browser exported.</p>"
        )
    groups: dict[str, list[Bookmark]] = {}
    for item in found:
        groups.setdefault(item.folder, []).append(item)
    for folder in sorted(groups, key=lambda f: (f != "", f.casefold())):
        if folder:
            out.append(f"<h2>{esc(folder.replace('/', ' › '))}</h2>")
        out.append("<ul>")
        for b in groups[folder]:
            edit = esc(action_url(BOOKMARKS_URL, PageAction.EDIT, b.id, query))
            delete = esc(action_url(BOOKMARKS_URL, PageAction.DELETE, b.id, query))
            out.append(
                f'<li><a href="{esc(b.url)}">{esc(b.title)}</a> — {esc(b.url)} '
                f'<a href="{edit}">[edit]</a> <a href="{delete}">[delete]</a></li>'
            )
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def history_html(visits: Visits, query: str = "", note: str = "") -> str:
    esc = html.escape
    found: list[Visit] = visits.search(query)
    out = _head(f"History: “{query}”" if query else "History")
    out.append("<h1>History</h1>")
    if note:
        out.append(f"<p><strong>{esc(note)}</strong></p>")
    out.append(
        _search_line(HISTORY_URL, query, len(visits), len(found), ("page visited", "pages visited"))
    )
    if len(visits):
        clear = esc(action_url(HISTORY_URL, PageAction.CLEAR))
        out.append(f'<p><a href="{clear}">Clear history…</a></p>')
    else:
        out.append("<p>No pages visited yet (or the history was cleared).</p>")
    day = ""
    for v in found:
        when_day, when = _when(v.time)
        if when_day != day:
            if day:
                out.append("</ul>")
            day = when_day
            out.append(f"<h2>{esc(day)}</h2><ul>")
        visits_note = f" ({v.count} visits)" if v.count > 1 else ""
        name = v.title if v.title.strip() and v.title != v.url else _file_name(v.url)
        # A page without a title of its own (plain text, JSON): its file name, else the
        # address just once, never the address as a title and again beside it.
        shown = f" — {esc(v.url)}" if name else ""
        out.append(
            f'<li>{esc(when)} <a href="{esc(v.url)}">{esc(name or v.url)}</a>'
            f"{shown}{visits_note}</li>"
        )
    if day:
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
