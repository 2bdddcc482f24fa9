"""Pages the journeys serve: a Sphinx-like manual with a table of contents, and helpers."""

from __future__ import annotations

import itertools
import socket
import threading

from tests.integration.servers import LoopbackServer, http_response, read_request

SECTIONS = ("intro", "install", "usage", "faq")


def manual(paragraphs: int = 40) -> str:
    """A documentation page as Sphinx writes it: a toctree of #fragment links, sections with
    ids (and one old-style <a name>), headerlinks, a "back to top" link, a link out."""
    toc = "".join(
        f'<li class="toctree-l1"><a class="reference internal" href="#{name}">'
        f"{name.title()}</a></li>"
        for name in SECTIONS
    )
    body = []
    for name in SECTIONS:
        paras = "".join(
            f"<p>{name.title()} paragraph {n}: some words of the manual.</p>"
            for n in range(paragraphs)
        )
        if name == "faq":
            head = f'<a name="{name}"></a><h2>{name.title()}</h2>'
        else:
            head = (
                f'<section id="{name}"><h2>{name.title()}'
                f'<a class="headerlink" href="#{name}">¶</a></h2>'
            )
        body.append(head + paras + ("" if name == "faq" else "</section>"))
    return (
        "<!DOCTYPE html><html><head><title>Manual</title></head><body>"
        '<div class="document"><h1 id="top">The Manual</h1>'
        f'<div class="toctree-wrapper"><ul>{toc}<li><a href="#nowhere">Missing</a></li>'
        '<li><a href="other.html">Other page</a></li></ul></div>'
        + "".join(body)
        + '<p><a href="#top">Back to top</a></p></div></body></html>'
    )


def html_response(text: str) -> bytes:
    return http_response(200, text.encode(), [("Content-Type", "text/html; charset=utf-8")])


class Held:
    """A route that sends ``raw`` in parts, cut at ``cuts``: the first part at once, each
    next one when :meth:`release` is called. The page is still streaming meanwhile."""

    def __init__(self, raw: bytes, *cuts: int) -> None:
        self.raw, self.cuts = raw, sorted(cuts)
        self._released = threading.Semaphore(0)

    def release(self) -> None:
        self._released.release()

    def release_all(self) -> None:
        for _ in self.cuts:
            self._released.release()

    def __call__(self, conn: socket.socket, server: LoopbackServer) -> None:
        read_request(conn, server)
        bounds = [0, *self.cuts, len(self.raw)]
        for i, (start, end) in enumerate(itertools.pairwise(bounds)):
            if i:
                while not self._released.acquire(timeout=0.05):
                    if server.stopping.is_set():
                        return
            conn.sendall(self.raw[start:end])
