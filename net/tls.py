"""The TLS trust policy: explicit CA file, else SSL_CERT_FILE/DIR, else system store, else certifi.

Why this order: a frozen app's OpenSSL default paths are those of the build machine, so on
another distribution the system store can be empty; certifi is the fallback, never an override
of a store the user configured (FACTS.md, "Frozen TLS").
"""

from __future__ import annotations

import functools
import os
import ssl


def create_ssl_context(cafile: str | None = None) -> ssl.SSLContext:
    """A client context with verification and host-name checks on, TLS 1.2 or newer."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED + check_hostname
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if cafile is not None:
        ctx.load_verify_locations(cafile=cafile)
        return ctx
    # OpenSSL's default verify paths: SSL_CERT_FILE / SSL_CERT_DIR when set, else the system's.
    ctx.load_default_certs(ssl.Purpose.SERVER_AUTH)
    user_chose_a_store = bool(os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"))
    if not user_chose_a_store and not _has_ca(ctx):
        import certifi  # only when needed: it pulls in importlib.resources and tempfile

        ctx.load_verify_locations(cafile=certifi.where())
    return ctx


def _has_ca(ctx: ssl.SSLContext) -> bool:
    # A hashed directory (capath) loads lazily and counts 0 here, so a non-empty default
    # directory counts as a store too.
    if ctx.cert_store_stats()["x509_ca"] > 0:
        return True
    paths = ssl.get_default_verify_paths()
    return bool(paths.capath and os.path.isdir(paths.capath) and os.listdir(paths.capath))


def cached_ssl_context(cafile: str | None = None) -> ssl.SSLContext:
    """:func:`create_ssl_context`, built once per (cafile, SSL_CERT_FILE, SSL_CERT_DIR):
    loading the system store costs milliseconds, too many for every redirect hop."""
    return _cached(cafile, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=8)
def _cached(cafile: str | None, _cert_file: str | None, _cert_dir: str | None) -> ssl.SSLContext:
    return create_ssl_context(cafile)
