"""The TLS trust policy: explicit CA file, else SSL_CERT_FILE/DIR, else the system store (OpenSSL's
default paths, then the well-known bundle of each distribution), else certifi.

Why this order: a frozen app's OpenSSL default paths are those of the build machine (Debian's
/usr/lib/ssl), so on Fedora, openSUSE, Alpine or Arch they hold nothing although the system has
a store: the distributions' bundle paths are probed before certifi, which is the last resort,
never an override of a store the user configured (FACTS.md, "Frozen TLS"). A variable that
names a file or directory that does not exist is an error: silently trusting nothing (OpenSSL's
behaviour) makes every https:// address fail with a misleading "not trusted".
"""

from __future__ import annotations

import functools
import logging
import os
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from net.errors import TrustStoreError

log = logging.getLogger("yonder.tls")

#: The CA bundle each distribution family ships, in probe order.
SYSTEM_BUNDLES: tuple[str, ...] = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL, CentOS
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # Fedora, RHEL (the extracted store)
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # Alpine
    "/etc/ca-certificates/extracted/tls-ca-bundle.pem",  # Arch
)


class TrustKind(Enum):
    """Where a TrustStore's certificates came from (the advice on an untrusted certificate
    depends on it)."""

    CAFILE = "cafile"  # --cacert / FetchOptions.cafile
    ENVIRONMENT = "environment"  # SSL_CERT_FILE / SSL_CERT_DIR
    SYSTEM = "system"  # OpenSSL's default paths
    BUNDLE = "bundle"  # a probed distribution bundle
    CERTIFI = "certifi"


@dataclass(frozen=True, slots=True)
class TrustStore:
    """Which CA certificates a context trusts, for --debug and for certificate advice."""

    kind: TrustKind
    description: str  # "the system store (/etc/ssl/certs/ca-certificates.crt)", ...
    ca_count: int  # CA certificates loaded (0 for a hashed directory, which loads lazily)


def find_system_bundle(candidates: Sequence[str] = SYSTEM_BUNDLES, root: str = "/") -> str | None:
    """The first of ``candidates`` (absolute paths, looked up under ``root``) that is a non-empty
    file, or None."""
    for candidate in candidates:
        path = os.path.join(root, candidate.lstrip("/"))
        try:
            if os.path.isfile(path) and os.path.getsize(path) > 0:
                return path
        except OSError:  # a path we may not stat: try the next one
            continue
    return None


def create_trusted_context(
    cafile: str | None = None,
    *,
    bundles: Sequence[str] = SYSTEM_BUNDLES,
    root: str = "/",
) -> tuple[ssl.SSLContext, TrustStore]:
    """A client context with verification and host-name checks on, TLS 1.2 or newer, and the
    store it trusts. Raises TrustStoreError when
    SSL_CERT_FILE or SSL_CERT_DIR names something that does not exist, OSError (ssl.SSLError)
    when ``cafile`` cannot be loaded."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED + check_hostname
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if cafile is not None:
        ctx.load_verify_locations(cafile=cafile)
        return ctx, _store(ctx, TrustKind.CAFILE, f"the CA file given with --cacert ({cafile})")
    cert_file = os.environ.get("SSL_CERT_FILE") or None
    cert_dir = os.environ.get("SSL_CERT_DIR") or None
    if cert_file or cert_dir:
        _check_environment(cert_file, cert_dir)
        # OpenSSL's default verify paths read exactly these variables.
        ctx.load_default_certs(ssl.Purpose.SERVER_AUTH)
        named = " and ".join(
            f"{name}={value}"
            for name, value in (("SSL_CERT_FILE", cert_file), ("SSL_CERT_DIR", cert_dir))
            if value
        )
        store = _store(ctx, TrustKind.ENVIRONMENT, named)
        if cert_file and not cert_dir and store.ca_count == 0:
            raise TrustStoreError(
                f"SSL_CERT_FILE names '{cert_file}', which holds no CA certificate (PEM): "
                "point it at a CA bundle, or unset it to use the system's trust store"
            )
        return ctx, store
    ctx.load_default_certs(ssl.Purpose.SERVER_AUTH)
    if _has_ca(ctx):
        paths = ssl.get_default_verify_paths()
        where = ", ".join(p for p in (paths.cafile, paths.capath) if p) or "OpenSSL's default"
        return ctx, _store(ctx, TrustKind.SYSTEM, f"the system store ({where})")
    bundle = find_system_bundle(bundles, root)
    if bundle is not None:
        try:
            ctx.load_verify_locations(cafile=bundle)
        except ssl.SSLError:  # unreadable as PEM: certifi rather than nothing
            log.debug("the bundle %s could not be loaded; trying certifi", bundle, exc_info=True)
        else:
            return ctx, _store(ctx, TrustKind.BUNDLE, f"the system store ({bundle})")
    import certifi  # only when needed: it pulls in importlib.resources and tempfile

    ctx.load_verify_locations(cafile=certifi.where())
    described = f"certifi's bundle ({certifi.where()}): no system store"
    return ctx, _store(ctx, TrustKind.CERTIFI, described)


def _check_environment(cert_file: str | None, cert_dir: str | None) -> None:
    if cert_file and not os.path.isfile(cert_file):
        what = "is a directory, not a file" if os.path.isdir(cert_file) else "does not exist"
        raise TrustStoreError(
            f"SSL_CERT_FILE names '{cert_file}', which {what}: point it at a CA bundle "
            "(PEM), or unset it to use the system's trust store"
        )
    # OpenSSL reads SSL_CERT_DIR as a list of directories.
    if cert_dir and not any(os.path.isdir(d) for d in cert_dir.split(os.pathsep) if d):
        raise TrustStoreError(
            f"SSL_CERT_DIR names '{cert_dir}', which is not a directory: point it at a "
            "directory of hashed CA certificates, or unset it to use the system's trust store"
        )


def _store(ctx: ssl.SSLContext, kind: TrustKind, description: str) -> TrustStore:
    store = TrustStore(kind, description, ctx.cert_store_stats()["x509_ca"])
    log.info("TLS trust store: %s, %d CA certificates loaded", description, store.ca_count)
    return store


def _has_ca(ctx: ssl.SSLContext) -> bool:
    # A hashed directory (capath) loads lazily and counts 0 here, so a non-empty default
    # directory counts as a store too.
    if ctx.cert_store_stats()["x509_ca"] > 0:
        return True
    paths = ssl.get_default_verify_paths()
    return bool(paths.capath and os.path.isdir(paths.capath) and os.listdir(paths.capath))


_building = threading.Lock()  # held while the cached context is looked up or built


def cached_trusted_context(cafile: str | None = None) -> tuple[ssl.SSLContext, TrustStore]:
    """:func:`create_trusted_context`, built once per (cafile, SSL_CERT_FILE, SSL_CERT_DIR):
    loading the system store costs milliseconds, too many for every redirect hop. Built once
    however many threads ask at a time (two tabs' first https fetches, net.warm_up): the
    others wait for it (lru_cache alone would let each build its own)."""
    with _building:
        return _cached(cafile, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=8)
def _cached(
    cafile: str | None, _cert_file: str | None, _cert_dir: str | None
) -> tuple[ssl.SSLContext, TrustStore]:
    return create_trusted_context(cafile)
