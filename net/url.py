"""Address-bar text to a :class:`Target`, and RFC 3986 reference resolution (links, redirects).

Pure functions: no I/O, no DNS. Every failure is a :class:`net.errors.InvalidURL` whose message
names the address and what is wrong with it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from net.errors import InvalidURL

DEFAULT_PORTS = {"http": 80, "https": 443}
# The longest URL Yonder requests, once encoded. Servers refuse far less (nginx 8 KiB, Apache
# 8,190 bytes); past this a link or a Location is hostile or broken, and a request line of
# megabytes would only end in a reset connection.
MAX_URL_LENGTH = 32 * 1024

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# "localhost:8080/x" is a host and a port, not the scheme "localhost".
_HOST_PORT = re.compile(r"^[^:/?#]+:\d+(?:[/?#]|$)")
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_\-]*[a-z0-9_])?$")
_HEX = frozenset(b"0123456789abcdefABCDEF")
# Bytes allowed unencoded in a path (RFC 3986 pchar + "/"); the query also allows "?".
_PATH_SAFE = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/"
)
_QUERY_SAFE = _PATH_SAFE | frozenset(b"?")


@dataclass(frozen=True)
class Target:
    """Where one request goes. ``host`` is ASCII (IDNA), without brackets; ``path`` includes
    the query, is percent-encoded and starts with "/". The fragment is never part of it."""

    scheme: str
    host: str
    port: int
    path: str

    @property
    def is_default_port(self) -> bool:
        return DEFAULT_PORTS.get(self.scheme) == self.port

    @property
    def authority(self) -> str:
        """The Host header value: host, bracketed if IPv6, with the port unless default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.is_default_port else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.path}"

    def __str__(self) -> str:
        return self.url


def parse_url(text: str, default_scheme: str = "http") -> Target:
    """Parse what a user typed (or a link's absolute URL) into a :class:`Target`."""
    original = text
    text = text.strip()
    if not text:
        raise InvalidURL("The address is empty: type a URL such as http://example.org/")
    if any(ch in text for ch in "\r\n\t"):
        text = re.sub(r"[\r\n\t]", "", text)  # what browsers do with pasted line breaks
    match = _SCHEME.match(text)
    if match and not text.startswith("//") and not _HOST_PORT.match(text):
        scheme = match.group(1).lower()
        rest = text[match.end() :]
    else:
        scheme = default_scheme.lower()
        rest = text if text.startswith("//") else "//" + text
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL(
            f"Unsupported scheme '{scheme}:' in '{_short(original)}': "
            "Yonder speaks only http:// and https://",
            url=original,
        )
    if not rest.startswith("//"):
        raise InvalidURL(
            f"Malformed address '{_short(original)}': expected {scheme}://host/path",
            url=original,
        )
    rest = rest[2:]
    end = len(rest)
    for sep in "/?#\\":
        pos = rest.find(sep)
        if pos != -1:
            end = min(end, pos)
    authority, tail = rest[:end], rest[end:]
    host, port = _parse_authority(authority, scheme, original)
    path = _split_path_query(tail)
    return _bounded(Target(scheme, host, port, path), original)


def resolve_url(base: Target | str, reference: str) -> Target:
    """Resolve ``reference`` (a Location header or a link's href) against ``base``, per
    RFC 3986 section 5.2: absolute, protocol-relative "//host/x", absolute-path "/x",
    relative "x" or "../x", query-only "?q", and fragment-only "#f" references."""
    if isinstance(base, str):
        base = parse_url(base)
    ref = re.sub(r"[\r\n\t]", "", reference.strip())
    if ref.startswith("//"):
        return parse_url(f"{base.scheme}:{ref}")
    if _SCHEME.match(ref):
        return parse_url(ref)
    ref = ref.split("#", 1)[0].replace("\\", "/")
    ref_path, has_query, ref_query = ref.partition("?")
    base_path, base_has_query, base_query = base.path.partition("?")
    if not ref_path:
        path = base_path
        if has_query:
            query: str | None = ref_query
        else:
            query = base_query if base_has_query else None
    else:
        if ref_path.startswith("/"):
            path = ref_path
        else:
            path = base_path[: base_path.rfind("/") + 1] + ref_path
        query = ref_query if has_query else None
    tail = path if query is None else f"{path}?{query}"
    return _bounded(Target(base.scheme, base.host, base.port, _split_path_query(tail)), reference)


def _bounded(target: Target, original: str) -> Target:
    length = len(target.url)
    if length > MAX_URL_LENGTH:
        raise InvalidURL(
            f"The address '{_short(original)}' is {length:,} characters long once encoded; "
            f"Yonder requests at most {MAX_URL_LENGTH:,} (servers refuse far shorter ones)",
            url=original[:MAX_URL_LENGTH],
        )
    return target


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: "/a/b/../c/./d" -> "/a/c/d"."""
    output: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                output.append("")
        elif seg == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(seg)
    result = "/".join(output)
    return result if result.startswith("/") else "/" + result


def _split_path_query(tail: str) -> str:
    tail = tail.split("#", 1)[0]
    path, has_query, query = tail.partition("?")
    # Browsers read "\" as "/" in http(s) paths; a literal backslash would be rejected anyway.
    path = remove_dot_segments(_encode(path.replace("\\", "/") or "/", _PATH_SAFE))
    return f"{path}?{_encode(query, _QUERY_SAFE)}" if has_query else path


def _encode(text: str, safe: frozenset[int]) -> str:
    """Percent-encode what must be (spaces, non-ASCII as UTF-8, stray '%'), keep valid %XX."""
    data = text.encode("utf-8", "surrogatepass")
    out = bytearray()
    i = 0
    while i < len(data):
        byte = data[i]
        if byte in safe:
            out.append(byte)
        elif byte == 0x25 and _is_escape(data, i):
            out += data[i : i + 3]
            i += 3
            continue
        else:
            out += b"%%%02X" % byte
        i += 1
    return out.decode("ascii")


def _is_escape(data: bytes, i: int) -> bool:
    return i + 2 < len(data) and data[i + 1] in _HEX and data[i + 2] in _HEX


def _parse_authority(authority: str, scheme: str, original: str) -> tuple[str, int]:
    if "@" in authority:
        masked = mask_credentials(original)
        raise InvalidURL(
            f"'{_short(masked)}' contains a user name or password: "
            "Yonder does not send credentials; remove the part before '@'",
            url=masked,
        )
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            raise InvalidURL(
                f"Malformed IPv6 address in '{_short(original)}': missing ']'", url=original
            )
        literal, port_text = authority[1:close], authority[close + 1 :]
        try:
            host = ipaddress.IPv6Address(literal).compressed
        except ValueError:
            raise InvalidURL(
                f"{_part_of(literal, original)} is not a valid IPv6 address", url=original
            ) from None
        if port_text and not port_text.startswith(":"):
            raise InvalidURL(f"Malformed address '{_short(original)}' after ']'", url=original)
        port_text = port_text[1:]
    else:
        host_text, _, port_text = authority.partition(":")
        if ":" in port_text:
            raise InvalidURL(
                f"Malformed address '{_short(original)}': write IPv6 addresses in brackets, "
                "e.g. http://[::1]:8080/",
                url=original,
            )
        host = _parse_host(host_text, original)
    return host, _parse_port(port_text, scheme, original)


def _parse_host(text: str, original: str) -> str:
    if not text:
        raise InvalidURL(
            f"Malformed address '{_short(original)}': there is no host name", url=original
        )
    host = text.lower()
    if re.fullmatch(r"[0-9.]+", host):
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise InvalidURL(
                f"{_part_of(text, original)} is not a valid IPv4 address", url=original
            ) from None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidURL(
            f"{_part_of(text, original)} is not a valid host name{_host_advice(text)}",
            url=original,
        ) from None
    labels = ascii_host.rstrip(".").split(".")
    if len(ascii_host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise InvalidURL(
            f"{_part_of(text, original)} is not a valid host name{_host_advice(text)}",
            url=original,
        )
    return ascii_host


def _parse_port(text: str, scheme: str, original: str) -> int:
    if not text:
        return DEFAULT_PORTS[scheme]
    if not text.isascii() or not text.isdigit():
        raise InvalidURL(
            f"The port '{text}' in '{_short(original)}' is not a number: write it as digits "
            "after the host, e.g. example.org:8080",
            url=original,
        )
    port = int(text)
    if not 1 <= port <= 65535:
        raise InvalidURL(
            f"Port {port} in '{_short(original)}' is out of range (1-65535)", url=original
        )
    return port


def mask_credentials(text: str) -> str:
    """``text`` with the password of a ``user:password@`` part replaced by "•••" (the
    address as it may be shown: a title, the address bar, an error page)."""
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    end = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if found != -1:
            end = min(end, found)
    authority = rest[:end]
    at = authority.rfind("@")
    if at == -1:
        return text
    user, colon, _ = authority[:at].partition(":")
    masked = f"{user}{colon}{'•••' if colon else ''}{authority[at:]}"
    return f"{scheme}{sep}{masked}{rest[end:]}"


def _part_of(part: str, original: str) -> str:
    """``'part' in 'address'`` — or just ``'part'`` when the part is the whole of what was
    typed (the address is not said twice: "'hello world' in 'hello world'")."""
    whole = original.strip()
    bare = whole.split("://", 1)[-1].rstrip("/")
    if part.strip() in (whole, bare):
        return f"'{_short(part)}'"
    return f"'{_short(part)}' in '{_short(original)}'"


def _host_advice(text: str) -> str:
    """What to do about a host name that is not one."""
    if any(ch.isspace() for ch in text):
        return (
            ": a host name has no spaces. Type a web address such as example.org/page "
            "(Yonder does not search the web)"
        )
    return ": a host name is letters, digits, hyphens and dots, such as example.org"


def _short(text: str, limit: int = 80) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
