"""Copy as curl: the shell command that sends the request Yonder sends.

Each argument is quoted with :func:`shlex.quote` for a POSIX shell, so ``shlex.split`` of the
result gives the argument list back exactly, whatever the URL or header values contain.
"""

from __future__ import annotations

import shlex
from typing import Any

from net.options import FetchOptions
from net.version import user_agent as default_user_agent

__all__ = ["curl_arguments", "curl_command", "curl_command_for"]


def _seconds(value: float) -> str:
    return f"{value:g}"


def curl_arguments(
    url: str,
    *,
    method: str = "GET",
    classic: bool = False,
    headers: list[tuple[str, str]] | None = None,
    cafile: str | None = None,
    insecure: bool = False,
    follow_redirects: bool = True,
    max_redirects: int = 20,
    connect_timeout: float | None = 10.0,
    read_timeout: float | None = 30.0,
    max_time: float | None = None,
    user_agent: str | None = None,
    compressed: bool = True,
) -> list[str]:
    """The argument vector (``argv``) of the equivalent curl command."""
    args = ["curl"]
    method = method.upper()
    if classic:
        # Yonder's classic request is exactly "GET <absolute URL> HTTP/1.0" and a blank line:
        # no Host, User-Agent or Accept (an empty "-H Name:" makes curl leave one out).
        args += ["--http1.0", "--request-target", url, "-H", "Host:", "-H", "User-Agent:"]
        args += ["-H", "Accept:"]
    else:
        # The one User-Agent Yonder sends (net.version), unless the caller gives another.
        args += ["-A", user_agent if user_agent is not None else default_user_agent()]
        if compressed:
            # Decode like Yonder, and advertise exactly what Yonder advertises.
            args += ["--compressed", "-H", "Accept-Encoding: gzip, deflate"]
        args += ["-H", "Connection: close"]
    if method == "HEAD":
        args.append("-I")
    elif method != "GET":
        args += ["-X", method]
    for name, value in headers or ():
        args += ["-H", f"{name}: {value}"]
    if follow_redirects:
        args += ["-L", "--max-redirs", str(max_redirects)]
    if connect_timeout is not None:
        args += ["--connect-timeout", _seconds(connect_timeout)]
    if read_timeout is not None:
        # Yonder's read timeout is the longest silence allowed; curl's nearest equivalent
        # aborts when the transfer stays below 1 byte/s for that long.
        args += ["--speed-limit", "1", "--speed-time", _seconds(max(1.0, read_timeout))]
    if max_time is not None:
        args += ["--max-time", _seconds(max_time)]
    if insecure:
        args.append("--insecure")
    elif cafile:
        args += ["--cacert", cafile]
    args.append(url)
    return args


def curl_command(url: str, **options: Any) -> str:
    """One line for a POSIX shell (sh, bash, zsh), every argument quoted; ``options`` as for
    :func:`curl_arguments`."""
    return shlex.join(curl_arguments(url, **options))


def curl_command_for(
    url: str, options: FetchOptions, headers: list[tuple[str, str]] | None = None
) -> str:
    """The curl command for a request made with these :class:`FetchOptions`."""
    return curl_command(
        url,
        method=options.method,
        classic=options.classic,
        headers=headers,
        cafile=options.cafile,
        follow_redirects=options.follow_redirects,
        max_redirects=options.max_redirects,
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        user_agent=options.user_agent,
        compressed=options.decode_content,
    )
