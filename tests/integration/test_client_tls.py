"""HTTPS through trustme certificates: trusted (cafile, SSL_CERT_FILE), untrusted, wrong name."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import certifi
import pytest
import trustme

from net.client import fetch
from net.errors import CertificateError, ConnectionLost, NotHTTP, TLSError
from net.events import BodyChunk, Event, Finished, TLSReady
from net.options import FetchOptions
from net.tls import create_trusted_context
from tests.integration.conftest import ServerFactory
from tests.integration.servers import (
    LoopbackServer,
    http_response,
    respond,
    tls_server_context,
)

OK = http_response(200, b"secret", [("Content-Type", "text/plain")])


@pytest.fixture
def no_cert_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """These machines export SSL_CERT_FILE/SSL_CERT_DIR; default-trust tests must not."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def collect(url: str, **options: object) -> list[Event]:
    return list(fetch(url, FetchOptions(**options)))  # type: ignore[arg-type]


def test_trusted_via_cafile(
    serve: ServerFactory, tls_context: ssl.SSLContext, ca_file: Path
) -> None:
    server = serve(respond(OK), tls=tls_context)
    events = collect(server.url("/", host="localhost"), cafile=str(ca_file))
    ready = next(e for e in events if isinstance(e, TLSReady))
    assert ready.version in ("TLSv1.2", "TLSv1.3") and ready.cipher
    assert "O=trustme" in ready.issuer and ready.subject
    assert ready.not_after.endswith("GMT")
    assert b"".join(e.data for e in events if isinstance(e, BodyChunk)) == b"secret"
    finished = events[-1]
    assert isinstance(finished, Finished) and finished.timings.tls > 0
    assert [type(e).__name__ for e in events[:4]] == [
        "Resolved",
        "Connected",
        "TLSReady",
        "RequestSent",
    ]


def test_trusted_ip_address_certificate(
    serve: ServerFactory, tls_context: ssl.SSLContext, ca_file: Path
) -> None:
    server = serve(respond(OK), tls=tls_context)
    events = collect(server.url("/"), cafile=str(ca_file))  # https://127.0.0.1:port/
    assert isinstance(events[-1], Finished) and events[-1].status == 200


def test_trusted_via_ssl_cert_file(
    serve: ServerFactory,
    tls_context: ssl.SSLContext,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_cert_env: None,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    server = serve(respond(OK), tls=tls_context)
    events = collect(server.url("/", host="localhost"))
    assert isinstance(events[-1], Finished) and events[-1].status == 200


def test_untrusted(serve: ServerFactory, tls_context: ssl.SSLContext, no_cert_env: None) -> None:
    server = serve(respond(OK), tls=tls_context)
    with pytest.raises(
        CertificateError, match="Certificate for 'localhost' is not trusted"
    ) as info:
        collect(server.url("/", host="localhost"))
    assert "certificate" in str(info.value).lower()
    assert info.value.url == server.url("/", host="localhost")


def test_self_signed(serve: ServerFactory, tmp_path: Path, no_cert_env: None) -> None:
    # A leaf that is its own CA: the message says so, as OpenSSL does.
    own = trustme.CA()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    own.cert_pem.write_to_path(str(tmp_path / "own.pem"))
    ctx.load_cert_chain(*_self_signed(own, tmp_path))
    server = serve(respond(OK), tls=ctx)
    with pytest.raises(
        CertificateError,
        match=r"^Certificate for 'localhost' is not trusted: self.signed certificate \(the server "
        r"made its own certificate; if you trust this server, give its certificate with "
        r"--cacert FILE, or point SSL_CERT_FILE at it\)$",
    ):
        collect(server.url("/", host="localhost"))


def _self_signed(ca: trustme.CA, tmp_path: Path) -> tuple[str, str]:
    cert, key = tmp_path / "ca.pem", tmp_path / "ca.key"
    ca.cert_pem.write_to_path(str(cert))
    ca.private_key_pem.write_to_path(str(key))
    return str(cert), str(key)


def test_wrong_host_name(serve: ServerFactory, ca: trustme.CA, ca_file: Path) -> None:
    server = serve(respond(OK), tls=tls_server_context(ca, "example.org"))
    with pytest.raises(
        CertificateError, match=r"not valid for 'localhost'.*issued for 'example.org'"
    ):
        collect(server.url("/", host="localhost"), cafile=str(ca_file))


def test_default_policy_uses_the_system_store(no_cert_env: None) -> None:
    ctx, _ = create_trusted_context()
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    assert ctx.cert_store_stats()["x509_ca"] > 0  # this machine has a system store


def test_default_policy_falls_back_to_certifi(
    no_cert_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine (or a frozen app's build paths) with no system store at all.
    monkeypatch.setattr(ssl.SSLContext, "load_default_certs", lambda self, purpose=None: None)
    nowhere = ssl.DefaultVerifyPaths(None, "/nonexistent", "", "", "", "")
    monkeypatch.setattr(ssl, "get_default_verify_paths", lambda: nowhere)
    ctx, _ = create_trusted_context(bundles=())  # nor any distribution's bundle
    reference = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    reference.load_verify_locations(cafile=certifi.where())
    assert ctx.cert_store_stats()["x509_ca"] == reference.cert_store_stats()["x509_ca"] > 0


def test_explicit_cafile_replaces_the_default(ca_file: Path) -> None:
    ctx, _ = create_trusted_context(str(ca_file))
    assert ctx.cert_store_stats()["x509_ca"] == 1


def test_plain_http_to_a_tls_port(serve: ServerFactory, tls_context: ssl.SSLContext) -> None:
    # OpenSSL rejects the plain request and closes: an alert (not HTTP) or a reset, depending
    # on timing; either way a NetError naming the server, at once.
    server = serve(respond(OK), tls=tls_context)
    with pytest.raises((NotHTTP, ConnectionLost), match=rf"127\.0\.0\.1:{server.port}"):
        collect(server.url("/", scheme="http"), read_timeout=5)


def test_https_to_a_plain_port(serve: ServerFactory) -> None:
    def plain(conn: socket.socket, server: LoopbackServer) -> None:
        conn.sendall(OK)  # answers the ClientHello with HTTP

    server = serve(plain)
    with pytest.raises(TLSError, match=r"TLS handshake with 127\.0\.0\.1:\d+ failed"):
        collect(server.url("/", scheme="https"))


def test_a_missing_cafile_is_a_tls_error(serve: ServerFactory, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pem"
    server = serve(respond(OK))  # never reached past the TCP connect
    with pytest.raises(
        TLSError, match=rf"^Could not load the CA file '{missing}' for 127.0.0.1:\d+: "
    ):
        collect(server.url("/", scheme="https"), cafile=str(missing))
