"""Where trust comes from (the probe, the environment) and what an untrusted certificate's
message advises, one case at a time, with trustme certificates on loopback."""

from __future__ import annotations

import datetime
import ssl
from pathlib import Path

import certifi
import pytest
import trustme

from net import tls
from net.client import fetch
from net.errors import CertificateError, TrustStoreError
from net.events import Event, Finished
from net.options import FetchOptions
from tests.integration.conftest import ServerFactory
from tests.integration.servers import http_response, respond, tls_server_context

OK = http_response(200, b"secret", [("Content-Type", "text/plain")])


@pytest.fixture
def no_cert_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """These machines export SSL_CERT_FILE/SSL_CERT_DIR; default-trust tests must not."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def collect(url: str, **options: object) -> list[Event]:
    return list(fetch(url, FetchOptions(**options)))  # type: ignore[arg-type]


def server_context(leaf: trustme.LeafCert, tmp_path: Path, *, with_chain: bool) -> ssl.SSLContext:
    """A server context sending ``leaf`` alone or with its intermediates."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    pems = leaf.cert_chain_pems if with_chain else leaf.cert_chain_pems[:1]
    chain, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain.write_bytes(b"".join(p.bytes() for p in pems))
    leaf.private_key_pem.write_to_path(str(key))
    ctx.load_cert_chain(str(chain), str(key))
    return ctx


def ca_file_of(ca: trustme.CA, path: Path) -> Path:
    ca.cert_pem.write_to_path(str(path))
    return path


def issuer_ou(ca: trustme.CA) -> str:
    # trustme names a CA "O=trustme v…, OU=Testing CA #…": the OU is unique per CA.
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(ca.cert_pem.bytes())
    (attribute,) = cert.subject.get_attributes_for_oid(x509.oid.NameOID.ORGANIZATIONAL_UNIT_NAME)
    return str(attribute.value)


# --------------------------------------------------------------------------- the probe


def test_the_probe_takes_the_first_bundle_that_exists(tmp_path: Path) -> None:
    fedora = tmp_path / "etc/pki/tls/certs/ca-bundle.crt"
    alpine = tmp_path / "etc/ssl/cert.pem"
    for path in (fedora, alpine):
        path.parent.mkdir(parents=True)
        path.write_text("x")
    assert tls.find_system_bundle(root=str(tmp_path)) == str(fedora)
    fedora.unlink()
    assert tls.find_system_bundle(root=str(tmp_path)) == str(alpine)


def test_the_probe_skips_empty_files_and_directories(tmp_path: Path) -> None:
    empty = tmp_path / "etc/ssl/certs/ca-certificates.crt"
    empty.parent.mkdir(parents=True)
    empty.write_text("")
    (tmp_path / "etc/pki/tls/certs/ca-bundle.crt").mkdir(parents=True)
    arch = tmp_path / "etc/ca-certificates/extracted/tls-ca-bundle.pem"
    arch.parent.mkdir(parents=True)
    arch.write_text("x")
    assert tls.find_system_bundle(root=str(tmp_path)) == str(arch)


def test_the_probe_finds_nothing_in_an_empty_root(tmp_path: Path) -> None:
    assert tls.find_system_bundle(root=str(tmp_path)) is None
    assert tls.find_system_bundle((), root="/") is None


def test_every_distribution_family_is_probed() -> None:
    assert tls.SYSTEM_BUNDLES == (
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
        "/etc/ca-certificates/extracted/tls-ca-bundle.pem",
    )


@pytest.fixture
def no_openssl_defaults(monkeypatch: pytest.MonkeyPatch, no_cert_env: None) -> None:
    """A frozen app on another distribution: OpenSSL's built-in paths hold nothing."""
    monkeypatch.setattr(ssl.SSLContext, "load_default_certs", lambda self, purpose=None: None)
    nowhere = ssl.DefaultVerifyPaths(None, "/nonexistent", "", "", "", "")  # type: ignore[call-arg]
    monkeypatch.setattr(ssl, "get_default_verify_paths", lambda: nowhere)


def test_a_probed_bundle_is_used_before_certifi(
    no_openssl_defaults: None, tmp_path: Path, ca: trustme.CA, caplog: pytest.LogCaptureFixture
) -> None:
    bundle = tmp_path / "etc/ssl/ca-bundle.pem"  # openSUSE
    bundle.parent.mkdir(parents=True)
    ca.cert_pem.write_to_path(str(bundle))
    with caplog.at_level("INFO", logger="yonder.tls"):
        ctx, store = tls.create_trusted_context(root=str(tmp_path))
    assert (store.kind, store.ca_count) == (tls.TrustKind.BUNDLE, 1)
    assert ctx.cert_store_stats()["x509_ca"] == 1
    assert str(bundle) in store.description
    assert f"TLS trust store: the system store ({bundle}), 1 CA certificates" in caplog.text


def test_certifi_when_no_bundle_is_found(no_openssl_defaults: None, tmp_path: Path) -> None:
    ctx, store = tls.create_trusted_context(root=str(tmp_path))
    reference = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    reference.load_verify_locations(cafile=certifi.where())
    assert store.kind == tls.TrustKind.CERTIFI and certifi.where() in store.description
    assert ctx.cert_store_stats()["x509_ca"] == reference.cert_store_stats()["x509_ca"] > 0


def test_an_unloadable_bundle_falls_through_to_certifi(
    no_openssl_defaults: None, tmp_path: Path
) -> None:
    bundle = tmp_path / "etc/ssl/cert.pem"
    bundle.parent.mkdir(parents=True)
    bundle.write_text("not a certificate\n")
    _, store = tls.create_trusted_context(root=str(tmp_path))
    assert store.kind == tls.TrustKind.CERTIFI


def test_the_system_store_comes_first(no_cert_env: None) -> None:
    _, store = tls.create_trusted_context(bundles=())
    assert store.kind == tls.TrustKind.SYSTEM and store.description.startswith("the system store (")


def test_ssl_cert_file_wins_over_the_probe(
    no_cert_env: None, tmp_path: Path, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "etc/ssl/cert.pem"
    bundle.parent.mkdir(parents=True)
    bundle.write_text("x")
    mine = ca_file_of(ca, tmp_path / "mine.pem")
    monkeypatch.setenv("SSL_CERT_FILE", str(mine))
    ctx, store = tls.create_trusted_context(root=str(tmp_path))
    assert store.kind == tls.TrustKind.ENVIRONMENT and store.description == f"SSL_CERT_FILE={mine}"
    assert ctx.cert_store_stats()["x509_ca"] == 1


# --------------------------------------------------------------------------- the environment


def test_ssl_cert_file_naming_a_missing_file_is_an_error(
    serve: ServerFactory,
    tls_context: ssl.SSLContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_cert_env: None,
) -> None:
    missing = tmp_path / "gone.pem"
    monkeypatch.setenv("SSL_CERT_FILE", str(missing))
    server = serve(respond(OK), tls=tls_context)
    with pytest.raises(TrustStoreError) as info:
        collect(server.url("/", host="localhost"))
    assert str(info.value) == (
        f"SSL_CERT_FILE names '{missing}', which does not exist: point it at a CA bundle "
        "(PEM), or unset it to use the system's trust store"
    )
    assert info.value.url == server.url("/", host="localhost")


def test_ssl_cert_file_naming_a_directory_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_cert_env: None
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path))
    with pytest.raises(TrustStoreError, match="which is a directory, not a file"):
        tls.create_trusted_context()


def test_ssl_cert_file_without_certificates_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_cert_env: None
) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_text("nothing here\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    with pytest.raises(TrustStoreError, match="which holds no CA certificate"):
        tls.create_trusted_context()


def test_ssl_cert_dir_naming_no_directory_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_cert_env: None
) -> None:
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "a") + ":" + str(tmp_path / "b"))
    with pytest.raises(TrustStoreError, match=r"SSL_CERT_DIR names .* which is not a directory"):
        tls.create_trusted_context()


def test_ssl_cert_dir_with_one_existing_directory_is_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_cert_env: None
) -> None:
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "missing") + ":" + str(tmp_path))
    _, store = tls.create_trusted_context()
    assert store.kind == tls.TrustKind.ENVIRONMENT


# --------------------------------------------------------------------------- advice per case


def test_cacert_given_but_not_the_issuer(
    serve: ServerFactory, tls_context: ssl.SSLContext, tmp_path: Path, ca: trustme.CA
) -> None:
    other = ca_file_of(trustme.CA(), tmp_path / "other.pem")
    server = serve(respond(OK), tls=tls_context)
    with pytest.raises(CertificateError) as info:
        collect(server.url("/", host="localhost"), cafile=str(other))
    message = str(info.value)
    assert message.startswith("Certificate for 'localhost' is not trusted: ")
    assert issuer_ou(ca) in message
    assert f"the CA file given with --cacert ({other})" in message
    assert "add that CA's certificate to the file given with --cacert" in message
    assert "SSL_CERT_FILE" not in message  # it would not help: --cacert overrides it


def test_an_expired_certificate(serve: ServerFactory, tmp_path: Path, ca: trustme.CA) -> None:
    leaf = ca.issue_cert(
        "localhost",
        not_before=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        not_after=datetime.datetime(2021, 6, 1, 12, 0, tzinfo=datetime.UTC),
    )
    server = serve(respond(OK), tls=server_context(leaf, tmp_path, with_chain=True))
    ca_file = ca_file_of(ca, tmp_path / "ca.pem")
    with pytest.raises(CertificateError) as info:
        collect(server.url("/", host="localhost"), cafile=str(ca_file))
    message = str(info.value)
    assert message.startswith(
        "Certificate for 'localhost' is not valid now: it expired on Jun  1 12:00:00 2021 GMT."
    )
    assert "the server must renew its certificate" in message and "clock" in message
    assert "SSL_CERT_FILE" not in message and "--cacert" not in message


def test_a_certificate_not_valid_yet(serve: ServerFactory, tmp_path: Path, ca: trustme.CA) -> None:
    leaf = ca.issue_cert(
        "localhost",
        not_before=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC),
        not_after=datetime.datetime(2999, 12, 1, tzinfo=datetime.UTC),
    )
    server = serve(respond(OK), tls=server_context(leaf, tmp_path, with_chain=True))
    ca_file = ca_file_of(ca, tmp_path / "ca.pem")
    with pytest.raises(CertificateError, match=r"it is not valid before Jan  1 00:00:00 2999 GMT"):
        collect(server.url("/", host="localhost"), cafile=str(ca_file))


def test_the_server_omitted_its_intermediate(
    serve: ServerFactory, tmp_path: Path, ca: trustme.CA
) -> None:
    intermediate = ca.create_child_ca()
    leaf = intermediate.issue_cert("localhost")
    ca_file = ca_file_of(ca, tmp_path / "root.pem")  # the root is trusted
    server = serve(respond(OK), tls=server_context(leaf, tmp_path, with_chain=False))
    with pytest.raises(CertificateError) as info:
        collect(server.url("/", host="localhost"), cafile=str(ca_file))
    message = str(info.value)
    assert "the server sent only its own certificate, issued by " in message
    assert issuer_ou(intermediate) in message
    assert "If that is an intermediate CA, the server omitted it from its chain" in message
    assert "the full chain" in message


def test_the_same_chain_sent_whole_is_trusted(
    serve: ServerFactory, tmp_path: Path, ca: trustme.CA
) -> None:
    # The control for the case above: the same certificates, with the intermediate sent.
    leaf = ca.create_child_ca().issue_cert("localhost")
    ca_file = ca_file_of(ca, tmp_path / "root.pem")
    server = serve(respond(OK), tls=server_context(leaf, tmp_path, with_chain=True))
    events = collect(server.url("/", host="localhost"), cafile=str(ca_file))
    assert isinstance(events[-1], Finished) and events[-1].status == 200


def test_an_unknown_ca_against_the_system_store(
    serve: ServerFactory, tmp_path: Path, no_cert_env: None
) -> None:
    unknown = trustme.CA()
    leaf = unknown.create_child_ca().issue_cert("localhost")
    server = serve(respond(OK), tls=server_context(leaf, tmp_path, with_chain=True))
    with pytest.raises(CertificateError) as info:
        collect(server.url("/", host="localhost"))
    message = str(info.value)
    assert message.startswith("Certificate for 'localhost' is not trusted: its chain ends at ")
    assert issuer_ou(unknown) in message
    assert "a CA that is not in the system store (" in message
    assert "give that CA's certificate with --cacert FILE, or point SSL_CERT_FILE at it" in message
    assert "intermediate" not in message and "expired" not in message


def test_an_unknown_ca_against_ssl_cert_file(
    serve: ServerFactory,
    tls_context: ssl.SSLContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_cert_env: None,
) -> None:
    bundle = ca_file_of(trustme.CA(), tmp_path / "bundle.pem")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    server = serve(respond(OK), tls=tls_context)
    with pytest.raises(CertificateError) as info:
        collect(server.url("/", host="localhost"))
    message = str(info.value)
    assert f"which is not in SSL_CERT_FILE={bundle}" in message
    assert "add that CA's certificate to the bundle SSL_CERT_FILE names" in message


def test_a_wrong_host_name_names_the_certificate_s_names(
    serve: ServerFactory, ca: trustme.CA, ca_file: Path
) -> None:
    server = serve(respond(OK), tls=tls_server_context(ca, "example.org", "www.example.org"))
    with pytest.raises(CertificateError) as info:
        collect(server.url("/", host="localhost"), cafile=str(ca_file))
    assert str(info.value) == (
        "Certificate is not valid for 'localhost': it was issued for 'example.org', "
        "'www.example.org' (check the address, or the server's configuration)"
    )
