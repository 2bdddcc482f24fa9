"""Address-bar text to Target, and RFC 3986 reference resolution."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from net.errors import InvalidURL
from net.url import MAX_URL_LENGTH, Target, mask_credentials, parse_url, resolve_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("example.org", Target("http", "example.org", 80, "/")),
        ("  Example.ORG/Path  ", Target("http", "example.org", 80, "/Path")),
        ("https://example.org", Target("https", "example.org", 443, "/")),
        ("HTTPS://example.org:8443/x?y=1", Target("https", "example.org", 8443, "/x?y=1")),
        ("http://example.org:80/", Target("http", "example.org", 80, "/")),
        ("localhost:8080", Target("http", "localhost", 8080, "/")),
        ("127.0.0.1:8080/romeo.txt", Target("http", "127.0.0.1", 8080, "/romeo.txt")),
        ("http://127.0.0.1", Target("http", "127.0.0.1", 80, "/")),
        ("http://[::1]:8080/x", Target("http", "::1", 8080, "/x")),
        ("https://[2001:DB8::0:1]/", Target("https", "2001:db8::1", 443, "/")),
        ("http://bücher.example/", Target("http", "xn--bcher-kva.example", 80, "/")),
        ("http://h/a b/é", Target("http", "h", 80, "/a%20b/%C3%A9")),
        ("http://h/?q=a b&r=ü", Target("http", "h", 80, "/?q=a%20b&r=%C3%BC")),
        ("http://h/%41%2f%zz", Target("http", "h", 80, "/%41%2f%25zz")),
        ("http://h/x#fragment", Target("http", "h", 80, "/x")),
        ("http://h#f", Target("http", "h", 80, "/")),
        ("http://h?q", Target("http", "h", 80, "/?q")),
        ("http://h/a/./b/../c", Target("http", "h", 80, "/a/c")),
        ("//h/x", Target("http", "h", 80, "/x")),
    ],
)
def test_parse(text: str, expected: Target) -> None:
    assert parse_url(text) == expected


def test_default_scheme() -> None:
    assert parse_url("example.org", default_scheme="https") == Target(
        "https", "example.org", 443, "/"
    )


def test_properties() -> None:
    target = parse_url("http://[::1]:8080/a?b")
    assert (target.authority, target.url, target.is_default_port) == (
        "[::1]:8080",
        "http://[::1]:8080/a?b",
        False,
    )
    plain = parse_url("https://example.org:443/#x")
    assert (plain.authority, plain.url, plain.is_default_port) == (
        "example.org",
        "https://example.org/",
        True,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ftp://example.org/", "Unsupported scheme 'ftp:'"),
        ("javascript:alert(1)", "Unsupported scheme 'javascript:'"),
        ("mailto:someone@example.org", "Unsupported scheme 'mailto:'"),
        ("http://", "there is no host name"),
        ("http:example.org", "Malformed address"),
        ("", "empty"),
        ("   ", "empty"),
        ("http://host:99999/", "Port 99999 .* out of range"),
        ("http://host:0/", "out of range"),
        ("http://host:8o/", "port '8o' .* not a number"),
        ("http://[::1/", "missing ']'"),
        ("http://[zz::1]/", "not a valid IPv6 address"),
        ("http://::1/", "IPv6 addresses in brackets"),
        ("http://1.2.3.999/", "not a valid IPv4 address"),
        ("http://0/", "not a valid IPv4 address"),
        ("http://bad host/", "not a valid host name"),
        ("http://-x-/", "not a valid host name"),
        ("http://user:pw@example.org/", "user name or password"),
    ],
)
def test_invalid(text: str, message: str) -> None:
    with pytest.raises(InvalidURL, match=message):
        parse_url(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello world", "'hello world' is not a valid host name: a host name has no spaces"),
        ("http://hello world/", "'hello world' is not a valid host name"),
        ("-x-", "'-x-' is not a valid host name: a host name is letters"),
        ("http://-x-/a", "'-x-' in 'http://-x-/a' is not a valid host name"),
    ],
)
def test_an_invalid_host_is_named_once_when_it_is_the_whole_address(
    text: str, message: str
) -> None:
    with pytest.raises(InvalidURL) as caught:
        parse_url(text)
    assert str(caught.value.message).startswith(message), caught.value.message
    assert str(caught.value.message).count(text.strip()) <= 1


BASE = "http://a/b/c/d;p?q"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [  # RFC 3986 section 5.4, with http://g as the protocol-relative host
        ("g", "http://a/b/c/g"),
        ("./g", "http://a/b/c/g"),
        ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"),
        ("//g", "http://g/"),
        ("//g:8080/x", "http://g:8080/x"),
        ("?y", "http://a/b/c/d;p?y"),
        ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q"),
        ("g#s", "http://a/b/c/g"),
        (";x", "http://a/b/c/;x"),
        ("", "http://a/b/c/d;p?q"),
        (".", "http://a/b/c/"),
        ("..", "http://a/b/"),
        ("../g", "http://a/b/g"),
        ("../..", "http://a/"),
        ("../../../../g", "http://a/g"),
        ("/./g", "http://a/g"),
        ("g/../h", "http://a/b/c/h"),
        ("https://other.example/x y", "https://other.example/x%20y"),
        ("  /spaced  ", "http://a/spaced"),
    ],
)
def test_resolve(reference: str, expected: str) -> None:
    assert resolve_url(BASE, reference).url == expected


def test_resolve_keeps_scheme_and_port_of_base() -> None:
    base = parse_url("https://example.org:8443/dir/page")
    assert resolve_url(base, "//cdn.example/x").url == "https://cdn.example/x"
    assert resolve_url(base, "other").url == "https://example.org:8443/dir/other"


def test_resolve_to_unsupported_scheme() -> None:
    with pytest.raises(InvalidURL, match="'ftp:'"):
        resolve_url(BASE, "ftp://example.org/")


hosts = st.one_of(
    st.sampled_from(["example.org", "localhost", "bücher.example", "a-b.c_d.example", "xn--p1ai"]),
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda ip: f"[{ip}]"),
    # all-digit names are rejected as malformed IPv4 (see test_invalid), so end in a letter
    st.from_regex(r"([a-z0-9]{1,10}\.){0,3}[a-z][a-z0-9]{0,9}", fullmatch=True),
)


@given(
    scheme=st.sampled_from(["http", "https", ""]),
    host=hosts,
    port=st.one_of(st.none(), st.integers(1, 65535)),
    path=st.text(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\t#"),
        max_size=30,
    ),
)
def test_parse_of_url_is_a_fixed_point(scheme: str, host: str, port: int | None, path: str) -> None:
    text = f"{scheme + '://' if scheme else ''}{host}{'' if port is None else f':{port}'}"
    text += "/" + path.strip()
    target = parse_url(text)
    assert parse_url(target.url) == target
    assert target.path.startswith("/") and target.path.isascii() and " " not in target.url


def test_the_encoded_length_is_bounded() -> None:
    base = "http://example.org/"
    at_limit = base + "a" * (MAX_URL_LENGTH - len(base))
    assert parse_url(at_limit).url == at_limit
    with pytest.raises(InvalidURL, match=r"is 32,769 characters long once encoded"):
        parse_url(at_limit + "b")
    # What counts is what would be sent: each "é" becomes six characters ("%C3%A9").
    with pytest.raises(InvalidURL, match="once encoded"):
        parse_url(base + "é" * (MAX_URL_LENGTH // 6 + 1))
    # Links and Locations too; the message stays short whatever the input.
    with pytest.raises(InvalidURL, match="at most 32,768") as caught:
        resolve_url(base, "x" * 2_000_000)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("http://alice:s3cret@example.org/x", "http://alice:•••@example.org/x"),
        ("alice:s3cret@example.org", "alice:•••@example.org"),
        ("http://alice@example.org/", "http://alice@example.org/"),  # no password to hide
        ("http://a:b:c@h/p?q=@x#@y", "http://a:•••@h/p?q=@x#@y"),  # only the authority's
        ("http://x:p%40ss@@h/", "http://x:•••@h/"),
        ("http://example.org/a@b", "http://example.org/a@b"),
    ],
)
def test_mask_credentials(text: str, shown: str) -> None:
    assert mask_credentials(text) == shown


def test_a_refused_address_does_not_repeat_its_password() -> None:
    with pytest.raises(InvalidURL) as info:
        parse_url("http://alice:s3cret@example.org/")
    assert "s3cret" not in info.value.message and "alice:•••@example.org" in info.value.message
