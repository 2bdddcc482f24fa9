"""What a session's first fetch would load on its worker thread, loaded ahead of it.

The client and its parts load lazily (start-up time): h11 and net.client, the IDNA codec that
encodes a host, net.tls and the system's trust store. On the first fetch the worker thread did
that work while the GUI thread rendered the page, and the two took turns on the GIL: the first
page of a fresh window had turns of 17-29 ms where later loads of the same page had 6-9 ms
(bench/README.md, "The first page's lazy imports"). :func:`start` runs :func:`warm_up` on a
thread of its own while the new window waits for its first address.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("yonder.net.warm_up")


def warm_up() -> None:
    """Import the client and build the default TLS context. Never raises: a trust store that
    cannot load is the first https fetch's to report, with its own message."""
    import net.client  # noqa: F401  (h11, net.transport, net.decoding...)

    "example.org".encode("idna")  # the codec net.url encodes a host with (encodings.idna)
    try:
        from net.tls import cached_trusted_context

        cached_trusted_context()
    except Exception:  # (TrustStoreError, ssl.SSLError, OSError): not cached, raised again
        log.debug("the TLS context was not built ahead", exc_info=True)


def start() -> threading.Thread:
    """:func:`warm_up` on a daemon thread (a fetch that starts meanwhile waits only for the
    module it imports, by Python's import lock); the thread, started."""
    thread = threading.Thread(target=warm_up, name="yonder-warm-up", daemon=True)
    thread.start()
    return thread
