"""URL fragments (``#name``): kept beside the address, never sent (pure Python, no Qt).

net.url works on what is requested, and a fragment is never part of a request, so its
Target drops it; a browser keeps it to scroll to the element it names. These helpers put it
back for the address bar, links and history, and tell a same-document navigation.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = [
    "fragment_of",
    "resolve_link",
    "same_document",
    "target_names",
    "with_fragment",
    "without_fragment",
]


def without_fragment(url: str) -> str:
    return url.partition("#")[0]


def fragment_of(url: str) -> str | None:
    """The fragment after the first "#" ("" for a bare "#"), or None without one."""
    _, hash_sign, fragment = url.partition("#")
    return fragment if hash_sign else None


def with_fragment(url: str, fragment: str | None) -> str:
    """``url`` (its own fragment dropped) with ``fragment`` (None: none)."""
    base = without_fragment(url)
    return base if fragment is None else f"{base}#{fragment}"


def resolve_link(base: str, href: str) -> str:
    """``href`` resolved against ``base`` with net.url (InvalidURL for what Yonder cannot
    follow), keeping the href's fragment: "#intro" on a page is that page's "#intro"."""
    href = href.strip()
    if href.startswith("#"):  # the same document, whatever its scheme (a bundled sample)
        return with_fragment(base, href[1:])
    reference, hash_sign, fragment = href.partition("#")
    return with_fragment(
        _resolved(without_fragment(base), reference), fragment if hash_sign else None
    )


@lru_cache(maxsize=4096)
def _resolved(base: str, reference: str) -> str:
    # Hrefs that differ only after "#" share one resolution (an index page's thousands of
    # links point into a few hundred pages).
    from net.url import resolve_url

    return resolve_url(base, reference).url


def same_document(a: str, b: str) -> bool:
    return bool(a) and without_fragment(a) == without_fragment(b)


def target_names(fragment: str) -> list[str]:
    """The names to look for, in order: the fragment as written, then percent-decoded (as
    browsers try both: href="#caf%C3%A9" finds id="café")."""
    from urllib.parse import unquote  # on first use: start-up time

    names = [fragment]
    decoded = unquote(fragment, errors="replace") if "%" in fragment else fragment
    if decoded != fragment:
        names.append(decoded)
    return names
