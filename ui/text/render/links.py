"""Link targets: hrefs resolved against the document's URL or its ``<base href>``, cached.

The default resolver is :func:`net.url.resolve_url`; it raises
:class:`net.errors.InvalidURL` for what Yonder cannot follow (javascript:, mailto: ...), and
such links keep ``url=None`` with the reason as their ``problem``.
"""

from __future__ import annotations

from collections.abc import Callable

from net.errors import InvalidURL

__all__ = ["LinkResolver", "resolve_with_net"]

MAX_CACHED = 10_000  # distinct hrefs remembered (pages repeat a few hundred; bounded memory)


def resolve_with_net(base: str, reference: str) -> str:
    # Imported on first use so this module loads even where net.url is not needed.
    from net.url import resolve_url

    return resolve_url(base, reference).url


class LinkResolver:
    """``resolve(href) -> (url or None, problem or None)`` against the current base."""

    def __init__(self, doc_url: str, resolve: Callable[[str, str], str] | None = None) -> None:
        self.doc_url = doc_url
        self.base = doc_url
        self.base_set = False
        self._resolve = resolve or resolve_with_net
        self._fragment_free = resolve is None  # net.url's URLs drop the fragment
        self._cache: dict[str, tuple[str | None, str | None]] = {}

    def set_base(self, href: str) -> None:
        """A ``<base href>``: only the first one counts, and only if it resolves."""
        if self.base_set:
            return
        self.base_set = True
        try:
            self.base = self._resolve(self.doc_url, href.strip())
        except (InvalidURL, ValueError, UnicodeError):
            return
        self._cache.clear()

    def resolve(self, href: str) -> tuple[str | None, str | None]:
        # The URL to follow never holds the fragment (it names a place in the page, not
        # something to request), so hrefs that differ only after "#" share one resolution:
        # an index page's 17,000 links point into a few hundred pages (~25% of its time).
        key = href.partition("#")[0] if self._fragment_free else href
        known = self._cache.get(key)
        if known is not None and (known[0] is not None or key == href):
            return known
        try:
            result: tuple[str | None, str | None] = (self._resolve(self.base, href), None)
        except InvalidURL as exc:
            result = (None, str(exc))  # the message names the href itself: not shared
            key = href
        except (ValueError, UnicodeError) as exc:  # a resolver that is not net.url's
            result = (None, f"Cannot follow the link {href!r}: {exc}")
            key = href
        if len(self._cache) < MAX_CACHED:
            self._cache[key] = result
        return result
