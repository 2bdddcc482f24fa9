"""The only module that touches socket and ssl: resolve, connect, TLS, send, recv_into, close.

Every OSError / timeout / SSLError is translated into a :mod:`net.errors` subclass here, once,
with a message naming the host and the limit. Every wait is sliced into polls of at most
:data:`POLL_INTERVAL` seconds and the socket in use is attached to the :class:`CancelToken`,
so a cancel from another thread is seen at once (shutdown) or at the next poll at the latest.

ssl is imported by :func:`start_tls` on the first https:// fetch, not at import time: OpenSSL
costs ~5 MiB of RSS, a third of what a plain http:// ``--dump`` needs (bench/README.md).
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import selectors
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from net.cancel import CancelToken
from net.errors import (
    CertificateError,
    ConnectError,
    ConnectionLost,
    ConnectTimeout,
    NameResolutionError,
    ReadTimeout,
    TLSError,
    TrustStoreError,
)

if TYPE_CHECKING:
    import ssl

    from net.tls import TrustStore

POLL_INTERVAL = 0.05  # seconds; the longest a cancel can go unnoticed if shutdown cannot help

Address = tuple[int, tuple[str, int] | tuple[str, int, int, int]]  # (family, sockaddr)


def seconds(value: float) -> str:
    """10.0 -> "10 s", 0.5 -> "0.5 s" (for messages)."""
    return f"{value:g} s"


@dataclass(frozen=True, slots=True)
class PeerCertificate:
    version: str
    cipher: str
    subject: str
    issuer: str
    not_after: str


def resolve(
    host: str, port: int, *, deadline: float, cancel: CancelToken, url: str, connect_timeout: float
) -> list[Address]:
    """getaddrinfo for TCP, in its order. Runs in a daemon thread so that a blocking DNS
    lookup can be abandoned on cancel or at the connect deadline. getaddrinfo itself cannot
    be interrupted: an abandoned thread ends when the resolver gives up (its own timeout),
    holding nothing but its result, which is dropped."""
    if _is_ip_literal(host):
        return _getaddrinfo(host, port, url, socket.AI_NUMERICHOST)
    box: list[list[Address] | BaseException] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            box.append(_getaddrinfo(host, port, url, 0))
        except BaseException as exc:  # handed to the waiting thread, never lost
            box.append(exc)
        done.set()

    threading.Thread(target=lookup, name=f"dns {host}", daemon=True).start()
    while not done.wait(_slice(deadline)):
        cancel.raise_if_cancelled(url)
        if time.perf_counter() >= deadline:
            raise ConnectTimeout(
                f"Could not resolve host '{host}' within {seconds(connect_timeout)} "
                "(connect timeout): the name server did not answer; check your network "
                "connection or try again",
                url=url,
            )
    cancel.raise_if_cancelled(url)
    result = box[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _getaddrinfo(host: str, port: int, url: str, flags: int) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, flags)
    except (socket.gaierror, UnicodeError) as exc:
        raise NameResolutionError(
            f"Could not resolve host '{host}': check the name and your network connection",
            url=url,
        ) from exc
    addresses: list[Address] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6) or isinstance(sockaddr[1], bytes):
            continue
        address: Address = (family, sockaddr)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise NameResolutionError(f"Could not resolve host '{host}': no IP address", url=url)
    return addresses


def interleave(addresses: list[Address]) -> list[Address]:
    """Alternate IPv6 and IPv4 (RFC 8305), keeping getaddrinfo's order within each family, so
    one broken family cannot use up the whole connect timeout before the other is tried."""
    v6 = [a for a in addresses if a[0] == socket.AF_INET6]
    v4 = [a for a in addresses if a[0] != socket.AF_INET6]
    first, second = (v6, v4) if addresses and addresses[0][0] == socket.AF_INET6 else (v4, v6)
    out: list[Address] = []
    for i in range(max(len(first), len(second))):
        out.extend(group[i] for group in (first, second) if i < len(group))
    return out


def connect(
    addresses: list[Address],
    *,
    deadline: float,
    cancel: CancelToken,
    where: str,
    url: str,
    connect_timeout: float,
) -> tuple[socket.socket, tuple[str, int]]:
    """Try every address in turn until one accepts; each gets an equal share of what is left
    of the connect timeout. Returns a connected socket in timeout mode (POLL_INTERVAL) and the
    (ip, port) it is connected to (not getpeername(), which fails if the peer already reset)."""
    ordered = interleave(addresses)
    # Every attempt that failed, in order: (peer, the error, or None when it did not answer).
    failures: list[tuple[str, OSError | None]] = []
    for index, (family, sockaddr) in enumerate(ordered):
        cancel.raise_if_cancelled(url)
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        attempt_deadline = time.perf_counter() + remaining / (len(ordered) - index)
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            _connect_one(sock, sockaddr, attempt_deadline, cancel, url)
        except _AttemptTimedOut:
            close(sock, cancel)
            failures.append((_peer(sockaddr), None))
            continue
        except OSError as exc:
            close(sock, cancel)
            cancel.raise_if_cancelled(url)
            failures.append((_peer(sockaddr), exc))
            continue
        except BaseException:
            close(sock, cancel)
            raise
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(POLL_INTERVAL)
        return sock, (sockaddr[0], sockaddr[1])
    errors = [exc for _, exc in failures if exc is not None]
    if not errors:  # every address was silent, or the time ran out before any was tried
        raise ConnectTimeout(
            f"No connection to {where} within {seconds(connect_timeout)} (connect timeout)",
            url=url,
        )
    if all(isinstance(exc, ConnectionRefusedError) for _, exc in failures):
        if len(failures) == 1:
            raise ConnectError(
                f"Connection refused by {failures[0][0]}: is a server running on that port?",
                url=url,
            ) from errors[-1]
        tried = ", ".join(peer for peer, _ in failures)
        raise ConnectError(
            f"Connection refused by {where} (tried {tried}): is a server running on that port?",
            url=url,
        ) from errors[-1]
    reasons = "; ".join(
        f"{peer} did not answer" if exc is None else f"{peer}: {_os_reason(exc)}"
        for peer, exc in failures
    )
    raise ConnectError(f"Could not connect to {where}: {reasons}", url=url) from errors[-1]


class _AttemptTimedOut(Exception):
    pass


def _connect_one(
    sock: socket.socket,
    sockaddr: tuple[str, int] | tuple[str, int, int, int],
    attempt_deadline: float,
    cancel: CancelToken,
    url: str,
) -> None:
    sock.setblocking(False)
    cancel.attach(sock)
    err = sock.connect_ex(sockaddr)
    if err in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_WRITE)
            while not sel.select(_slice(attempt_deadline)):
                cancel.raise_if_cancelled(url)
                if time.perf_counter() >= attempt_deadline:
                    cancel.detach()
                    raise _AttemptTimedOut
        err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    cancel.raise_if_cancelled(url)
    if err:
        raise OSError(err, errno.errorcode.get(err, str(err)))


def start_tls(
    sock: socket.socket,
    server_hostname: str,
    cafile: str | None,
    *,
    deadline: float,
    cancel: CancelToken,
    where: str,
    url: str,
    connect_timeout: float,
) -> ssl.SSLSocket:
    """The TLS handshake with SNI, non-blocking, polled so that cancel and the deadline work.
    On success the socket is back in timeout mode and attached to ``cancel``; on failure it
    is closed. ``cafile``: trust exactly this CA bundle instead of the default policy.

    ssl (and the trust policy, with certifi) is imported here, on the first https:// fetch:
    loading OpenSSL costs ~5 MiB of RSS that a plain http:// download (--dump) never needs.
    The window loads it ahead while it waits for its first address (net.warm_up).
    """
    import ssl

    from net.tls import cached_trusted_context

    try:
        context, store = cached_trusted_context(cafile)
    except TrustStoreError as exc:  # SSL_CERT_FILE names a missing file, ...
        close(sock, cancel)
        exc.url = url
        raise
    except OSError as exc:  # a missing or unreadable CA file (ssl.SSLError is an OSError)
        close(sock, cancel)
        raise TLSError(
            f"Could not load the CA file '{cafile}' for {where}: {_tls_reason(exc)}", url=url
        ) from exc
    sock.setblocking(False)
    try:
        # Python sends SNI for names only; an IP literal is still checked against the cert.
        tls = context.wrap_socket(
            sock, server_hostname=server_hostname, do_handshake_on_connect=False
        )
    except (ssl.SSLError, ValueError) as exc:
        close(sock, cancel)
        raise TLSError(f"Could not start TLS with {where}: {exc}", url=url) from exc
    cancel.attach(_TcpShutdown(tls))
    try:
        with selectors.DefaultSelector() as sel:
            while True:
                try:
                    tls.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    events = selectors.EVENT_READ
                except ssl.SSLWantWriteError:
                    events = selectors.EVENT_WRITE
                cancel.raise_if_cancelled(url)
                sel.register(tls, events)
                ready = sel.select(_slice(deadline))
                sel.unregister(tls)
                cancel.raise_if_cancelled(url)
                if not ready and time.perf_counter() >= deadline:
                    raise ConnectTimeout(
                        f"No TLS handshake with {where} within {seconds(connect_timeout)} "
                        "(connect timeout)",
                        url=url,
                    )
    except ssl.SSLCertVerificationError as exc:
        chain = _unverified_chain(tls)  # what the server sent: read before closing
        close(tls, cancel)
        cancel.raise_if_cancelled(url)
        raise _certificate_error(exc, server_hostname, url, store, chain) from exc
    except OSError as exc:  # ssl.SSLError included
        close(tls, cancel)
        cancel.raise_if_cancelled(url)
        raise TLSError(
            f"TLS handshake with {where} failed: {_tls_reason(exc)}{_tls_hint(exc)}", url=url
        ) from exc
    except BaseException:
        close(tls, cancel)
        raise
    tls.settimeout(POLL_INTERVAL)
    return tls


def _tls_hint(exc: OSError) -> str:
    """Advice for the two handshake failures people actually meet (ssl is loaded by now)."""
    import ssl

    if isinstance(exc, ssl.SSLEOFError):
        return " (the server closed the connection during the TLS handshake)"
    reason = str(exc).lower()
    if "wrong version number" in reason or "record layer failure" in reason:
        return "; the server does not speak TLS on this port: try http://"
    return ""


# OpenSSL's X509_V_ERR_* codes that get their own advice
_EXPIRED = 10
_NOT_YET_VALID = 9
_SELF_SIGNED_LEAF = 18
_SELF_SIGNED_IN_CHAIN = 19
_ISSUER_NOT_FOUND = (2, 20)  # UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)
_LEAF_NOT_ALONE = 21  # UNABLE_TO_VERIFY_LEAF_SIGNATURE
_HOSTNAME_MISMATCH = 62


def _unverified_chain(tls: ssl.SSLSocket) -> list[dict[str, object]]:
    """The certificates the server sent, leaf first, as getpeercert()-style dicts; [] when
    this Python cannot say. OpenSSL keeps the received chain after a failed verification;
    CPython exposes it (with decoded fields) only on its private _ssl object, since 3.10."""
    getter = getattr(getattr(tls, "_sslobj", None), "get_unverified_chain", None)
    try:
        chain = getter() if getter is not None else None
        return [cert.get_info() for cert in chain or ()]
    except Exception:  # a private API: any change means "unknown", never a crash
        return []


def _certificate_error(
    exc: ssl.SSLCertVerificationError,
    host: str,
    url: str,
    store: TrustStore,
    chain: list[dict[str, object]],
) -> CertificateError:
    reason = str(exc.verify_message or exc.reason or exc)
    code = exc.verify_code
    if code == _HOSTNAME_MISMATCH or "mismatch" in reason.lower():
        names = _alt_names(chain[0]) if chain else ""
        issued = f"it was issued for {names}" if names else "it was issued for another host name"
        return CertificateError(
            f"Certificate is not valid for '{host}': {issued} (check the address, or the "
            "server's configuration)",
            url=url,
        )
    leaf = chain[0] if chain else {}
    if code in (_EXPIRED, _NOT_YET_VALID):
        if code == _EXPIRED:
            when = str(leaf.get("notAfter") or "")
            state = f"it expired on {when}" if when else "it has expired"
        else:
            when = str(leaf.get("notBefore") or "")
            state = f"it is not valid before {when}" if when else "it is not valid yet"
        return CertificateError(
            f"Certificate for '{host}' is not valid now: {state}. Adding a CA cannot help: "
            "the server must renew its certificate; if that date looks wrong, check this "
            "computer's clock",
            url=url,
        )
    trust = _trust_advice(store)
    top = chain[-1] if chain else {}
    if code in _ISSUER_NOT_FOUND or code == _LEAF_NOT_ALONE:
        issuer = _name(top.get("issuer", ())) or "its issuer"
        if len(chain) == 1:
            # Undecidable from here: the missing link is either an intermediate the server
            # should have sent or a CA this machine does not know. Say both, most likely first.
            return CertificateError(
                f"Certificate for '{host}' is not trusted: the server sent only its own "
                f"certificate, issued by '{issuer}', which is not in {store.description}. "
                "If that is an intermediate CA, the server omitted it from its chain (its "
                "administrator must configure the full chain; waiting or retrying will not "
                f"help); if it is a CA you trust, {trust}",
                url=url,
            )
        return CertificateError(
            f"Certificate for '{host}' is not trusted: its chain ends at '{issuer}', a CA "
            f"that is not in {store.description}; if you trust it, {trust}",
            url=url,
        )
    if code == _SELF_SIGNED_LEAF:
        return CertificateError(
            f"Certificate for '{host}' is not trusted: {reason} (the server made its own "
            f"certificate; if you trust this server, {_trust_advice(store, 'its certificate')})",
            url=url,
        )
    if code == _SELF_SIGNED_IN_CHAIN:
        root = _name(top.get("subject", ())) or "its root"
        return CertificateError(
            f"Certificate for '{host}' is not trusted: {reason} ('{root}', which is not in "
            f"{store.description}; if you trust it, {trust})",
            url=url,
        )
    return CertificateError(
        f"Certificate for '{host}' is not trusted: {reason} (checked against {store.description})",
        url=url,
    )


def _trust_advice(store: TrustStore, what: str = "that CA's certificate") -> str:
    """How to trust a CA, given the store that was used: the advice must be one that helps."""
    from net.tls import TrustKind

    if store.kind is TrustKind.CAFILE:
        return f"add {what} to the file given with --cacert, or give the right file"
    if store.kind is TrustKind.ENVIRONMENT:
        return f"add {what} to the bundle SSL_CERT_FILE names (or give it with --cacert)"
    return f"give {what} with --cacert FILE, or point SSL_CERT_FILE at it"


def _alt_names(cert: dict[str, object]) -> str:
    alt = cert.get("subjectAltName")
    names = [str(v) for k, v in alt if k in ("DNS", "IP Address")] if isinstance(alt, tuple) else []
    shown = ", ".join(f"'{n}'" for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def peer_certificate(tls: ssl.SSLSocket) -> PeerCertificate:
    cipher = tls.cipher()
    cert = tls.getpeercert() or {}
    return PeerCertificate(
        version=tls.version() or "",
        cipher=cipher[0] if cipher else "",
        subject=_name(cert.get("subject", ())),
        issuer=_name(cert.get("issuer", ())),
        not_after=str(cert.get("notAfter", "")),
    )


def _name(rdns: object) -> str:
    """(( ('commonName', 'localhost'),), ...) -> "CN=localhost, O=..."."""
    short = {"commonName": "CN", "organizationName": "O", "organizationalUnitName": "OU"}
    short |= {"countryName": "C", "localityName": "L", "stateOrProvinceName": "ST"}
    parts: list[str] = []
    if isinstance(rdns, tuple):
        for rdn in rdns:
            for key, value in rdn:
                parts.append(f"{short.get(key, key)}={value}")
    return ", ".join(parts)


class _TcpShutdown:
    """Shuts down the TCP connection of a plain or TLS socket. For an SSLSocket it leaves the
    TLS state alone: SSLSocket.shutdown drops its SSL object, racing with a recv in the
    fetching thread."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def shutdown(self, how: int, /) -> None:
        socket.socket.shutdown(self._sock, how)


class Stream:
    """A connected (TLS or plain) socket: send and recv_into with the read timeout. It does
    not own the socket: whoever connected it closes it, with :func:`close`.

    ``recv_into`` returns 0 at a clean end of stream; silence longer than ``read_timeout``
    raises ReadTimeout, a reset raises ConnectionLost, a cancel raises Cancelled.
    """

    def __init__(
        self,
        sock: socket.socket,
        *,
        cancel: CancelToken,
        read_timeout: float,
        where: str,
        url: str,
    ) -> None:
        self._sock = sock
        self._cancel = cancel
        self._read_timeout = read_timeout
        self._where = where
        self._url = url
        cancel.attach(_TcpShutdown(sock))

    def send_all(self, data: bytes) -> None:
        view = memoryview(data)
        last_progress = time.perf_counter()
        while view:
            try:
                sent = self._sock.send(view)
            except TimeoutError:
                self._check_silence(last_progress, f"{self._where} did not accept the request for")
                continue
            except OSError as exc:
                self._cancel.raise_if_cancelled(self._url)
                raise ConnectionLost(
                    f"Connection to {self._where} lost while sending the request: "
                    f"{_os_reason(exc)}",
                    url=self._url,
                ) from exc
            view = view[sent:]
            last_progress = time.perf_counter()
        self._cancel.raise_if_cancelled(self._url)

    def recv_into(self, buffer: memoryview, nbytes: int) -> int:
        """Fill ``buffer`` with up to ``nbytes`` bytes as soon as any arrive.

        recv_into a reused buffer, not recv: recv's 256 KiB bytes, shrunk when fewer bytes
        arrive, fragment the heap, and peak RSS drifted up by 1-3 MiB per run (measured
        12.5-15.0 MiB vs a steady 12.2 for a bare loop over 256 MiB; bench/README.md). The
        caller's copy into an exactly sized bytes costs ~0.04 s of CPU per GiB."""
        started = time.perf_counter()
        while True:
            try:
                count = self._sock.recv_into(buffer, nbytes)
            except TimeoutError:
                self._check_silence(started, f"No data from {self._where} for")
                continue
            except OSError as exc:  # ssl.SSLError included
                self._cancel.raise_if_cancelled(self._url)
                raise ConnectionLost(
                    f"Connection to {self._where} lost while receiving: {_tls_reason(exc)}",
                    url=self._url,
                ) from exc
            self._cancel.raise_if_cancelled(self._url)
            return count

    def _check_silence(self, since: float, silence: str) -> None:
        """Raise ReadTimeout "<silence> 30 s (read timeout)" once the silence is that long."""
        self._cancel.raise_if_cancelled(self._url)
        if time.perf_counter() - since >= self._read_timeout:
            raise ReadTimeout(
                f"{silence} {seconds(self._read_timeout)} (read timeout)", url=self._url
            )


def close(sock: socket.socket, cancel: CancelToken) -> None:
    """Close ``sock`` (again: harmless). Detach first, so a cancel never shuts down a
    descriptor the OS has already reused for another socket."""
    cancel.detach()
    with contextlib.suppress(OSError):
        sock.close()


def _slice(deadline: float) -> float:
    return max(0.0, min(POLL_INTERVAL, deadline - time.perf_counter()))


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _peer(sockaddr: tuple[str, int] | tuple[str, int, int, int]) -> str:
    host, port = sockaddr[0], sockaddr[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return (exc.strerror or str(exc)).lower()


def _tls_reason(exc: BaseException) -> str:
    ssl = sys.modules.get("ssl")  # an SSLError exists only once ssl has been imported
    if ssl is not None and isinstance(exc, ssl.SSLError):
        return str(exc.reason or exc).lower().replace("_", " ")
    if isinstance(exc, OSError):
        return _os_reason(exc) if exc.strerror else "the server closed the connection"
    return str(exc)
