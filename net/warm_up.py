"""What a session's first fetch would load on its worker thread, loaded ahead of it.

The client and its parts load lazily (start-up time): h11 and net.client, the IDNA codec that
encodes a host, net.tls and the system's trust store. On a window's first fetch the worker
thread did that work while the GUI thread worked on the load (the old page taken down, the new
one's first paints), and the two took turns on the GIL: the first page of a fresh window had
turns of 14-29 ms where later loads of the same page had 6-9 ms (bench/README.md, "The first
page's lazy imports"). :func:`start` runs :func:`warm_up` on a thread of its own; the window
starts it while it waits for its first address (ui.app), not beside a fetch already on its
way, which loads what it needs itself.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("yonder.net.warm_up")

THREAD_NAME = "yonder-warm-up"


def warm_up() -> None:
    """Import the client and build the default TLS context. Never raises: what fails here
    fails again in the fetch that needs it, which reports it with its own message (a trust
    store that cannot load is not cached)."""
    try:
        import net.client  # noqa: F401  (h11, net.transport, net.decoding...)

        "example.org".encode("idna")  # the codec net.url encodes a host with (encodings.idna)
        from net.tls import cached_trusted_context

        cached_trusted_context()
    except Exception:  # (TrustStoreError, ssl.SSLError, OSError, an ImportError)
        log.debug("the client was not loaded ahead", exc_info=True)


def start() -> threading.Thread:
    """:func:`warm_up` on a daemon thread (a fetch that starts meanwhile waits only for the
    module it imports, by Python's import lock, or for the TLS context being built); the
    thread, started."""
    thread = threading.Thread(target=warm_up, name=THREAD_NAME, daemon=True)
    thread.start()
    return thread
