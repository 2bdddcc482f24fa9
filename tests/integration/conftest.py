"""Fixtures for integration tests: loopback servers that are always stopped, trustme CAs."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme

from tests.integration.servers import LOOPBACK, Handler, LoopbackServer, tls_server_context

ServerFactory = Callable[..., LoopbackServer]


@pytest.fixture
def serve() -> Iterator[ServerFactory]:
    """``serve(handler, tls=None, host=LOOPBACK) -> LoopbackServer``; every server is stopped
    after the test."""
    started: list[LoopbackServer] = []

    def factory(
        handler: Handler, *, tls: ssl.SSLContext | None = None, host: str = LOOPBACK
    ) -> LoopbackServer:
        server = LoopbackServer(handler, tls=tls, host=host)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    """A throwaway certificate authority; nothing trusts it unless a test says so."""
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="session")
def tls_context(ca: trustme.CA) -> ssl.SSLContext:
    """A server context whose certificate (from ``ca``) names localhost and 127.0.0.1."""
    return tls_server_context(ca, "localhost", "127.0.0.1")
