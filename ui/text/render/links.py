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
    """``resolve(href) -> (url or None, problem or None)`` against the current base.

    Hrefs that differ only after "#" share one resolution: the part before it says where a
    link goes, and a resolved URL's fragment is the reference's own (RFC 3986, 5.2.2). An
    index page's 17,000 links point into a few hundred pages (~25% of its time). So a
    resolver that keeps fragments must keep them verbatim, an empty one ("x#") included
    (urllib's urljoin drops that one): the cached URL gets "#" and the fragment back."""

    def __init__(self, doc_url: str, resolve: Callable[[str, str], str] | None = None) -> None:
        self.doc_url = doc_url
        self.base = doc_url
        self.base_set = False
        self._resolve = resolve or resolve_with_net
        self._keeps_fragment = resolve is not None  # net.url's URLs drop the fragment
        # URLs (without fragment) by the reference before "#"; and by the whole href what
        # did not resolve (the problem names the href) and fragment-only hrefs.
        self._urls: dict[str, str] = {}
        self._others: dict[str, tuple[str | None, str | None]] = {}

    def set_base(self, href: str) -> None:
        """A ``<base href>``: only the first one counts, and only if it resolves."""
        if self.base_set:
            return
        self.base_set = True
        try:
            self.base = self._resolve(self.doc_url, href.strip())
        except (InvalidURL, ValueError, UnicodeError):
            return
        self._urls.clear()
        self._others.clear()

    def resolve(self, href: str) -> tuple[str | None, str | None]:
        reference, hash_sign, fragment = href.partition("#")
        if reference:
            url = self._urls.get(reference)
            if url is not None:
                if hash_sign and self._keeps_fragment:
                    return (f"{url}#{fragment}", None)
                return (url, None)
        known = self._others.get(href)
        if known is not None:
            return known
        try:
            result: tuple[str | None, str | None] = (self._resolve(self.base, href), None)
        except InvalidURL as exc:
            result = (None, str(exc))
        except (ValueError, UnicodeError) as exc:  # a resolver that is not net.url's
            result = (None, f"Cannot follow the link {href!r}: {exc}")
        resolved = result[0]
        if reference and resolved is not None:
            if len(self._urls) < MAX_CACHED:
                self._urls[reference] = resolved.partition("#")[0]
        elif len(self._others) < MAX_CACHED:
            self._others[href] = result
        return result
