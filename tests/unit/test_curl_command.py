"""ui/text/curl_command.py: the curl command line, and that it survives a POSIX shell."""

from __future__ import annotations

import shlex
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from net.options import FetchOptions
from net.version import user_agent
from ui.text.curl_command import curl_arguments, curl_command, curl_command_for

NASTY_URL = 'http://x.example/a b/it\'s "$HOME" `id` $(rm -rf /);&|<>*?~ é😀?q=1&r=\\'


def test_default_request() -> None:
    args = curl_arguments("http://example.org/")
    assert args == [
        "curl",
        "-A",
        user_agent(),  # what Yonder sends: Yonder/<version>
        "--compressed",
        "-H",
        "Accept-Encoding: gzip, deflate",
        "-H",
        "Connection: close",
        "-L",
        "--max-redirs",
        "20",
        "--connect-timeout",
        "10",
        "--speed-limit",
        "1",
        "--speed-time",
        "30",
        "http://example.org/",
    ]
    assert curl_command("http://example.org/") == shlex.join(args)


def test_head_classic_no_follow_cafile_headers_timeouts() -> None:
    args = curl_arguments(
        "http://example.org/x",
        method="head",
        classic=True,
        headers=[("X-Test", "a b"), ("Cookie", "k=v; j=w")],
        cafile="/tmp/my ca.pem",
        follow_redirects=False,
        connect_timeout=2.5,
        read_timeout=0.2,
        max_time=60,
    )
    assert args[:10] == [
        "curl",
        "--http1.0",
        "--request-target",
        "http://example.org/x",
        "-H",
        "Host:",
        "-H",
        "User-Agent:",
        "-H",
        "Accept:",
    ]
    assert "-I" in args
    assert "-L" not in args and "--compressed" not in args
    assert args[args.index("--connect-timeout") + 1] == "2.5"
    assert args[args.index("--speed-time") + 1] == "1"  # curl counts whole seconds
    assert args[args.index("--max-time") + 1] == "60"
    assert args[args.index("--cacert") + 1] == "/tmp/my ca.pem"
    assert "X-Test: a b" in args and "Cookie: k=v; j=w" in args
    assert args[-1] == "http://example.org/x"


def test_other_method_insecure_and_no_timeouts() -> None:
    args = curl_arguments(
        "https://e.example/",
        method="POST",
        insecure=True,
        cafile="ignored.pem",
        connect_timeout=None,
        read_timeout=None,
        compressed=False,
    )
    assert args[args.index("-X") + 1] == "POST"
    assert "--insecure" in args and "--cacert" not in args
    assert "--connect-timeout" not in args and "--speed-time" not in args


def test_from_fetch_options() -> None:
    options = FetchOptions(method="HEAD", classic=False, max_redirects=5, user_agent="UA x")
    command = curl_command_for("http://e.example/", options, [("Accept-Language", "fr")])
    args = shlex.split(command)
    assert args[args.index("-A") + 1] == "UA x"
    assert args[args.index("--max-redirs") + 1] == "5"
    assert "-I" in args and "Accept-Language: fr" in args


def test_nasty_url_round_trips_through_shlex() -> None:
    command = curl_command(NASTY_URL, headers=[("X-Q", "'\"$`\\\n")])
    assert shlex.split(command)[-1] == NASTY_URL
    assert shlex.split(command) == curl_arguments(NASTY_URL, headers=[("X-Q", "'\"$`\\\n")])


@pytest.mark.parametrize("shell", ["sh", "bash"])
def test_a_real_shell_sees_the_same_arguments(shell: str) -> None:
    # Replace curl by printf so the shell itself shows how it split the command.
    path = shutil.which(shell)
    assert path is not None
    command = curl_command(NASTY_URL, headers=[("X-Q", "a'b\"c$d`e`")])
    script = "curl() { printf '%s\\0' \"$@\"; }; " + command
    result = subprocess.run([path, "-c", script], capture_output=True, check=True)
    argv = result.stdout.decode("utf-8").split("\0")[:-1]
    assert ["curl", *argv] == curl_arguments(NASTY_URL, headers=[("X-Q", "a'b\"c$d`e`")])


@given(st.text(min_size=1), st.lists(st.tuples(st.text(), st.text()), max_size=3))
def test_any_arguments_round_trip(url: str, headers: list[tuple[str, str]]) -> None:
    url = url.replace("\x00", "")
    headers = [(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in headers]
    assert shlex.split(curl_command(url, headers=headers)) == curl_arguments(url, headers=headers)
