"""`--dump`'s newer options and messages, as a script sees them: --head, --version,
--no-decode, --debug, a closed stdout, --include after a failure, the redirect-limit and
interim-response messages, trust-store errors, the User-Agent the server receives."""

from __future__ import annotations

import gzip
import os
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import trustme

from net.version import version
from tests.integration.conftest import ServerFactory
from tests.integration.servers import http_response, redirect, respond, routes, send
from tests.integration.test_dump import MAIN, REPO, assert_one_line_error, clean_env, dump
from ui.text.render.native import describe

OK = http_response(200, b"hello", [("Content-Type", "text/plain")])


def test_version_is_the_package_version() -> None:
    run = dump("--version")
    assert (run.code, run.out, run.err) == (0, f"Yonder {version()}\n".encode(), "")


def test_main_version_answers_without_qt() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", MAIN, "--version"],
        cwd=REPO,
        capture_output=True,
        timeout=30,
        env=clean_env(QT_QPA_PLATFORM="", DISPLAY="", WAYLAND_DISPLAY=""),
    )
    expected = f"Yonder {version()}\nrenderer: {describe()}\n"  # the renderer this one loaded
    assert (proc.returncode, proc.stdout) == (0, expected.encode())
    assert b"PySide6" not in proc.stderr  # no window, no display needed


def test_the_server_receives_yonder_s_user_agent(serve: ServerFactory) -> None:
    server = serve(respond(OK))
    run = dump(server.url("/"))
    assert (run.code, run.out) == (0, b"hello")
    (request,) = server.requests
    assert f"\r\nUser-Agent: Yonder/{version()}\r\n".encode() in request


def test_head_sends_head_and_writes_the_head(serve: ServerFactory) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
    server = serve(respond(head))  # a HEAD response has no body, whatever Content-Length says
    run = dump("--head", server.url("/page"))
    assert (run.code, run.err) == (0, "")
    assert run.out == head
    (request,) = server.requests
    assert request.startswith(b"HEAD /page HTTP/1.1\r\n")


def test_head_follows_redirects_and_writes_only_the_final_head(serve: ServerFactory) -> None:
    final = b"HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 9\r\n\r\n"
    server = serve(routes({"/old": redirect(301, "/new"), "/new": send(final)}))
    run = dump("--head", server.url("/old"))
    assert (run.code, run.out) == (0, final)
    assert [r.split(b"\r\n")[0] for r in server.requests] == [
        b"HEAD /old HTTP/1.1",
        b"HEAD /new HTTP/1.1",
    ]


def test_include_writes_the_head_when_the_body_is_cut_short(serve: ServerFactory) -> None:
    server = serve(respond(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nonly this"))
    run = dump("--include", server.url("/"))
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"
    assert_one_line_error(run, "closed the connection after 9 of 50 bytes", out=head + b"only this")


def test_include_writes_the_head_when_no_body_byte_came(serve: ServerFactory) -> None:
    server = serve(respond(b"HTTP/1.1 404 Not Found\r\nContent-Length: 50\r\n\r\n"))
    run = dump("--include", server.url("/"))
    head = b"HTTP/1.1 404 Not Found\r\nContent-Length: 50\r\n\r\n"
    assert_one_line_error(run, "after 0 of 50 bytes", out=head)


def test_include_writes_the_head_when_the_gzip_body_is_corrupt(serve: ServerFactory) -> None:
    bad = gzip.compress(b"fine so far " * 100)[:40] + b"\xde\xad\xbe\xef" * 20
    server = serve(respond(http_response(200, bad, [("Content-Encoding", "gzip")])))
    run = dump("--include", server.url("/"))
    assert run.code == 1 and "is corrupt" in run.err
    assert run.out.startswith(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n")


def test_without_include_a_failure_writes_no_head(serve: ServerFactory) -> None:
    server = serve(respond(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"))
    assert_one_line_error(dump(server.url("/")), "after 0 of 50 bytes", out=b"")


def test_an_unsupported_coding_advises_no_decode_which_works(serve: ServerFactory) -> None:
    coded = b"\x0b\x02\x80hello\x03"  # what a br body looks like: not Yonder's to decode
    server = serve(respond(http_response(200, coded, [("Content-Encoding", "br")])))
    run = dump(server.url("/"))
    assert_one_line_error(
        run,
        "Unsupported Content-Encoding 'br'",
        "'yonder --dump --no-decode URL' saves the body as the server encoded it",
    )
    run = dump("--no-decode", server.url("/"))
    assert (run.code, run.out, run.err) == (0, coded, "")


def test_no_decode_keeps_gzip_as_sent(serve: ServerFactory) -> None:
    coded = gzip.compress(b"squeezed " * 50)
    server = serve(respond(http_response(200, coded, [("Content-Encoding", "gzip")])))
    assert dump("--no-decode", server.url("/")).out == coded
    assert dump(server.url("/")).out == b"squeezed " * 50


def test_a_closed_stdout_is_one_line_and_exit_1(serve: ServerFactory) -> None:
    server = serve(respond(OK))
    proc = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, MAIN, "--dump", server.url("/")],
        cwd=REPO,
        stderr=subprocess.PIPE,
        timeout=20,
        env=clean_env(),
    )
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert err == (
        "yonder: cannot write the body: stdout is closed; redirect it instead, e.g. '> FILE' "
        "or '> /dev/null'\n"
    )
    assert not server.requests  # nothing fetched for nobody


def test_a_straight_chain_of_21_redirects_is_not_called_a_loop(serve: ServerFactory) -> None:
    table = {f"/{n}": redirect(302, f"/{n + 1}") for n in range(30)}
    server = serve(routes(table))
    run = dump(server.url("/0"))
    assert_one_line_error(
        run,
        f"Too many redirects (20): {server.url('/0')} redirected 20 times without a loop",
        f"{server.url('/20')} redirects on to {server.url('/21')}",
    )
    assert "in a loop" not in run.err
    assert len(server.requests) == 21


def test_a_real_loop_is_called_a_loop(serve: ServerFactory) -> None:
    server = serve(
        routes({"/a": redirect(302, "/b"), "/b": redirect(302, "/c"), "/c": redirect(302, "/a")})
    )
    run = dump(server.url("/a"))
    assert_one_line_error(
        run,
        "the site redirects in a loop",
        f"{server.url('/c')} leads back to {server.url('/a')} (a cycle of 3 addresses)",
    )
    assert len(server.requests) == 21  # the limit still decides when to stop


def test_a_self_redirect_is_a_cycle_of_one(serve: ServerFactory) -> None:
    server = serve(routes({"/loop": redirect(302, "/loop")}))
    run = dump(server.url("/loop"))
    assert_one_line_error(run, "in a loop", "(a cycle of 1 address)")


def test_100_continue_then_a_close_is_named(serve: ServerFactory) -> None:
    server = serve(respond(b"HTTP/1.1 100 Continue\r\n\r\n"))
    run = dump(server.url("/"))
    assert_one_line_error(
        run,
        f"Server 127.0.0.1:{server.port} sent an interim '100 Continue' and then closed the "
        "connection without the final response",
    )


def test_an_injected_header_is_quoted_readably(serve: ServerFactory) -> None:
    raw = b"HTTP/1.1 302 Found\r\nLocation: /hello\rX-Injected: yes\r\nContent-Length: 0\r\n\r\n"
    server = serve(respond(raw))
    run = dump(server.url("/"))
    assert_one_line_error(run, "illegal header line: 'Location: /hello\\rX-Injected: yes'")
    assert "bytearray" not in run.err


def test_ssl_cert_file_naming_a_missing_file(
    serve: ServerFactory, tls_context: ssl.SSLContext, tmp_path: Path
) -> None:
    server = serve(respond(OK), tls=tls_context)
    missing = tmp_path / "gone.pem"
    run = dump(server.url("/"), env=clean_env(SSL_CERT_FILE=str(missing)))
    assert_one_line_error(run, f"SSL_CERT_FILE names '{missing}', which does not exist")


def test_untrusted_with_cacert_advises_the_cacert_file(
    serve: ServerFactory, tls_context: ssl.SSLContext, tmp_path: Path
) -> None:
    other = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    server = serve(respond(OK), tls=tls_context)
    run = dump("--cacert", str(other), server.url("/"))
    assert_one_line_error(run, "not trusted", f"given with --cacert ({other})")
    assert "SSL_CERT_FILE" not in run.err


def test_debug_logs_the_request_the_trust_store_and_the_error_chain(
    serve: ServerFactory, tls_context: ssl.SSLContext, ca_file: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    env = clean_env(XDG_STATE_HOME=str(state), SSL_CERT_FILE=str(ca_file))
    server = serve(respond(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort"), tls=tls_context)
    run = dump("--debug", server.url("/x"), env=env)
    assert run.code == 1 and run.out == b"short"
    log_file = state / "yonder" / "yonder.log"
    logged = log_file.read_text()
    for text in (run.err, logged):
        assert f"Yonder {version()} debug log" in text and str(log_file) in text
        assert f"GET {server.url('/x')}" in text
        assert f"request sent to 127.0.0.1:{server.port}:\nGET /x HTTP/1.1\\r\\n" in text
        assert f"User-Agent: Yonder/{version()}\\r\\n" in text
        assert f"TLS trust store: SSL_CERT_FILE={ca_file}, 1 CA certificates loaded" in text
        assert "net.errors.TruncatedBody: Server 127.0.0.1" in text  # the traceback
    assert run.err.endswith(
        f"yonder: Server 127.0.0.1:{server.port} closed the connection after 5 of 50 bytes\n"
    )


def test_debug_logs_a_cause_chain(serve: ServerFactory, tmp_path: Path) -> None:
    # A refused connection is a ConnectError raised from the OS error: both are logged.
    from tests.integration.servers import closed_port

    state = tmp_path / "state"
    run = dump(
        "--debug", f"http://127.0.0.1:{closed_port()}/", env=clean_env(XDG_STATE_HOME=str(state))
    )
    assert run.code == 1
    logged = (state / "yonder" / "yonder.log").read_text()
    assert "ConnectionRefusedError" in logged
    assert "The above exception was the direct cause of the following exception" in logged
    assert "net.errors.ConnectError: Connection refused by 127.0.0.1:" in logged


def test_debug_appends_and_says_when_the_log_cannot_be_written(
    serve: ServerFactory, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    server = serve(respond(OK))
    run = dump("--debug", server.url("/"), env=clean_env(XDG_STATE_HOME=str(blocker)))
    assert (run.code, run.out) == (0, b"hello")
    assert f"--debug: cannot write the log file {blocker / 'yonder' / 'yonder.log'}" in run.err
    assert f"GET {server.url('/')}" in run.err  # stderr still gets the log


def test_without_debug_nothing_is_logged(serve: ServerFactory, tmp_path: Path) -> None:
    state = tmp_path / "state"
    server = serve(respond(OK))
    run = dump(server.url("/"), env=clean_env(XDG_STATE_HOME=str(state)))
    assert (run.code, run.out, run.err) == (0, b"hello", "")
    assert not state.exists()


@pytest.mark.parametrize("env_home", ["relative/path", ""])
def test_state_dir_ignores_an_invalid_xdg_state_home(env_home: str, tmp_path: Path) -> None:
    from net.diagnostics import state_dir

    assert state_dir({"XDG_STATE_HOME": env_home, "HOME": str(tmp_path)}) == (
        tmp_path / ".local" / "state" / "yonder"
    )
    assert state_dir({"XDG_STATE_HOME": str(tmp_path / "s")}) == tmp_path / "s" / "yonder"
    assert os.path.isabs(state_dir({}))
